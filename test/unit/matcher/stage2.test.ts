import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { blockedPass, forEachCandidate, type BlockRecord } from '../../../src/matcher/blocking.js';
import { comparePair, explainRatio, identityBound, unpromisingBound } from '../../../src/matcher/model.js';
import { defaultSettings, settingsFrom } from '../../../src/matcher/settings.js';
import { matchRemainder, type Stage2Record } from '../../../src/matcher/stage2.js';

const s = defaultSettings;
const day = (d: string) => Math.round(Date.parse(`${d}T00:00:00Z`) / 86_400_000);

function rec(o: Partial<Stage2Record> & { key: string; day: number }): Stage2Record {
  return {
    exporting: 'CD',
    importing: 'RW',
    mineral: 'cassiterite',
    kg: 10000,
    gradePct: null,
    valueUsd: 150000,
    certificate: null,
    exporterKey: 'kivu mining',
    importerKey: 'gatsata ore',
    transportKey: null,
    ...o,
  };
}

describe('blocking', () => {
  it('blocks on corridor, mineral and the mineral’s window (gold −7..+30, 3T −7..+120 days)', () => {
    const e = (mineral: string): BlockRecord => ({
      exporting: 'CD',
      importing: 'RW',
      mineral,
      day: 0,
      certificate: null,
    });
    const i = (mineral: string, d: number, importing = 'RW'): BlockRecord => ({
      exporting: 'CD',
      importing,
      mineral,
      day: d,
      certificate: null,
    });
    expect(blockedPass(e('gold'), i('gold', 30), s)).toBe('window');
    expect(blockedPass(e('gold'), i('gold', 31), s)).toBeNull();
    expect(blockedPass(e('gold'), i('gold', -7), s)).toBe('window');
    expect(blockedPass(e('gold'), i('gold', -8), s)).toBeNull();
    expect(blockedPass(e('coltan'), i('coltan', 120), s)).toBe('window');
    expect(blockedPass(e('coltan'), i('coltan', 121), s)).toBeNull();
    expect(blockedPass(e('coltan'), i('cassiterite', 10), s)).toBeNull();
    expect(blockedPass(e('coltan'), i('coltan', 10, 'UG'), s)).toBeNull();
  });

  it('adds certificate numbers within the edit distance across minerals (second pass)', () => {
    const e: BlockRecord = {
      exporting: 'CD',
      importing: 'RW',
      mineral: 'coltan',
      day: 0,
      certificate: 'CD-2025-000123',
    };
    const i: BlockRecord = {
      exporting: 'CD',
      importing: 'RW',
      mineral: 'cassiterite',
      day: 40,
      certificate: 'CD-2025-000132',
    };
    expect(blockedPass(e, i, s)).toBe('certificate_near');
    expect(blockedPass(e, { ...i, certificate: 'CD-2025-001932' }, s)).toBeNull();
  });

  it('the sweep visits exactly the pairs the blocking rule accepts', () => {
    const minerals = ['gold', 'coltan', 'cassiterite'];
    const side = fc.record({
      exporting: fc.constantFrom('CD', 'RW'),
      importing: fc.constantFrom('UG', 'BI'),
      mineral: fc.constantFrom(...minerals),
      day: fc.integer({ min: 0, max: 400 }),
      certificate: fc.option(
        fc.constantFrom('CD-2025-000100', 'CD-2025-000010', 'CD-2025-000101', 'CD-2025-001100'),
        {
          nil: null,
        },
      ),
    });
    fc.assert(
      fc.property(fc.array(side, { maxLength: 25 }), fc.array(side, { maxLength: 25 }), (es, is) => {
        const seen = new Map<string, string>();
        forEachCandidate(es, is, s, (e, i, pass) => {
          expect(seen.has(`${e}|${i}`)).toBe(false);
          seen.set(`${e}|${i}`, pass);
        });
        es.forEach((e, a) =>
          is.forEach((i, b) => {
            expect(seen.get(`${a}|${b}`) ?? null).toBe(blockedPass(e, i, s));
          }),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('the Fellegi–Sunter comparison', () => {
  it('weighs each field by its level and sums log2(m/u)', () => {
    const e = rec({ key: 'CD:E1', day: day('2025-03-01') });
    const i = rec({ key: 'RW:I1', day: day('2025-04-15'), kg: 10020, valueUsd: 159000 });
    const c = comparePair(e, i, s);
    expect(c.fields.map((f) => [f.field, f.level])).toEqual([
      ['weight', 'within_0_5pct'],
      ['value', 'within_5pct'],
      ['date', 'days_32_120'],
      ['exporter', 'exact'],
      ['importer', 'exact'],
    ]);
    expect(c.score).toBeCloseTo(
      c.fields.reduce((a, f) => a + f.weight, 0),
      2,
    );
    expect(c.score).toBeGreaterThan(s.linkThreshold);
  });

  it('recognises unit factors and ore grades in a weight ratio', () => {
    expect(explainRatio(2.5, 2500, null, null, 0.02)?.factor).toBe(1000);
    expect(explainRatio(100, 3110.35, null, null, 0.02)?.factor).toBeCloseTo(31.1, 1);
    expect(explainRatio(9000, 2700, 30, 100, 0.02)).toEqual({ factor: 0.3, kind: 'grade' });
    expect(explainRatio(2700, 9000, 100, 30, 0.02)?.kind).toBe('grade');
    // An under-declaration that happens to look like the ore's grade is not a grade slip.
    expect(explainRatio(600, 1000, 60, null, 0.02)).toBeNull();
    expect(explainRatio(100, 150, null, null, 0.02)).toBeNull();
  });

  it('the bounds that let the sweep skip pairs are upper bounds', () => {
    expect(unpromisingBound()).toBeLessThan(s.reviewThreshold);
    expect(identityBound()).toBeLessThan(s.splitEvidence);
  });
});

describe('stage 2 decisions', () => {
  const base = day('2025-03-10');

  it('links one-to-one greedily by weight, ties broken by keys, the same whatever the input order', () => {
    const exports = [
      rec({ key: 'CD:E1', day: base, kg: 10000 }),
      rec({ key: 'CD:E2', day: base + 1, kg: 10010 }),
    ];
    const imports = [
      rec({ key: 'RW:I1', day: base + 20, kg: 10001, valueUsd: 159000 }),
      rec({ key: 'RW:I2', day: base + 21, kg: 10011, valueUsd: 159100 }),
    ];
    const links = (es: Stage2Record[], is: Stage2Record[]) =>
      matchRemainder(es, is, s)
        .links.map((l) => `${es[l.e]!.key}>${l.imports.map((i) => is[i]!.key).join('+')}`)
        .sort();
    const a = links(exports, imports);
    expect(a).toEqual(['CD:E1>RW:I1', 'CD:E2>RW:I2']);
    expect(links([...exports].reverse(), [...imports].reverse())).toEqual(a);
  });

  it('links a split shipment whose parts sum to the export', () => {
    const exports = [rec({ key: 'CD:E1', day: base, kg: 20000, valueUsd: 300000 })];
    const imports = [
      rec({ key: 'RW:I1', day: base + 30, kg: 12000, valueUsd: 190800 }),
      rec({ key: 'RW:I2', day: base + 32, kg: 8010, valueUsd: 127200 }),
      rec({
        key: 'RW:I3',
        day: base + 33,
        kg: 5000,
        valueUsd: 79500,
        exporterKey: 'other trader',
        importerKey: 'other',
      }),
    ];
    const r = matchRemainder(exports, imports, s);
    expect(r.links).toHaveLength(1);
    expect(r.links[0]!.pass).toBe('split');
    expect(r.links[0]!.imports.map((i) => imports[i]!.key)).toEqual(['RW:I1', 'RW:I2']);
    expect(r.unmatchedImports.map((i) => imports[i]!.key)).toEqual(['RW:I3']);
  });

  it('puts weak pairs in the review band and links a clear best candidate by its margin', () => {
    // Weights 6 % apart: below the link threshold, above the review threshold.
    const e = rec({ key: 'CD:E1', day: base, kg: 10000 });
    const weak = rec({ key: 'RW:I1', day: base + 40, kg: 10600, valueUsd: 159000 });
    const score = comparePair(e, weak, s).score;
    expect(score).toBeGreaterThanOrEqual(s.reviewThreshold);
    expect(score).toBeLessThan(s.linkThreshold);
    const alone = matchRemainder([e], [weak], s);
    expect(alone.links).toHaveLength(1);
    expect(alone.links[0]!.pass).toBe('window:margin');
    // With a rival close behind it is left for review.
    const rival = rec({ key: 'RW:I2', day: base + 41, kg: 10650, valueUsd: 159500 });
    const contested = matchRemainder([e], [weak, rival], s);
    expect(contested.links).toHaveLength(0);
    expect(contested.review.length).toBeGreaterThan(0);
    expect(contested.unmatchedExports).toEqual([0]);
    // Below a stricter review threshold it is neither linked nor reviewed.
    const strict = matchRemainder([e], [weak], settingsFrom({ RMDX_MATCH_REVIEW_THRESHOLD: 11 }));
    expect(strict.links).toHaveLength(0);
    expect(strict.review).toHaveLength(0);
  });

  it('counts the candidate pairs and leaves the rest unmatched', () => {
    const r = matchRemainder(
      [rec({ key: 'CD:E1', day: base, kg: 100 })],
      [rec({ key: 'RW:I9', day: base + 200, kg: 100 })],
      s,
    );
    expect(r.candidatePairs).toBe(0);
    expect(r.unmatchedExports).toEqual([0]);
    expect(r.unmatchedImports).toEqual([0]);
  });
});
