import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  deletionNeighbourhood,
  histogram,
  histogramDistance,
  jaro,
  jaroWinkler,
  levenshteinAtMost,
} from '../../../src/matcher/similarity.js';

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return d[a.length]![b.length]!;
}

const code = fc.stringMatching(/^[A-Z0-9-]{0,16}$/);

describe('Jaro–Winkler', () => {
  it('gives the textbook values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('namukaya', 'namukaya')).toBe(1);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });

  it('is symmetric and within 0..1', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const x = jaroWinkler(a, b);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1 + 1e-12);
        expect(jaroWinkler(b, a)).toBeCloseTo(x, 12);
      }),
    );
  });
});

describe('bounded Levenshtein', () => {
  it('equals the full distance when within the bound, else bound + 1', () => {
    fc.assert(
      fc.property(code, code, fc.integer({ min: 0, max: 4 }), (a, b, max) => {
        const d = levenshtein(a, b);
        expect(levenshteinAtMost(a, b, max)).toBe(d <= max ? d : max + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts a typed digit and swapped neighbours', () => {
    expect(levenshteinAtMost('CD-2025-000123', 'CD-2025-000128', 2)).toBe(1);
    expect(levenshteinAtMost('CD-2025-000123', 'CD-2025-000132', 2)).toBe(2);
    expect(levenshteinAtMost('CD-2025-000123', 'CD-2025-001032', 2)).toBe(3);
  });
});

describe('certificate pre-checks', () => {
  it('histogram distance never rules out a pair within the edit distance', () => {
    fc.assert(
      fc.property(code, code, (a, b) => {
        const d = levenshtein(a, b);
        if (d <= 2) expect(histogramDistance(histogram(a), histogram(b))).toBeLessThanOrEqual(4);
      }),
      { numRuns: 2000 },
    );
  });

  it('one-deletion neighbourhoods meet for every pair within one edit or one transposition', () => {
    const meet = (a: string, b: string) => {
      const na = new Set(deletionNeighbourhood(a));
      return deletionNeighbourhood(b).some((x) => na.has(x));
    };
    fc.assert(
      fc.property(code, fc.nat(), fc.constantFrom('sub', 'ins', 'del', 'swap'), (a, at, op) => {
        if (a.length < 2) return;
        const i = at % (a.length - 1);
        const b =
          op === 'sub'
            ? a.slice(0, i) + (a[i] === 'X' ? 'Y' : 'X') + a.slice(i + 1)
            : op === 'ins'
              ? a.slice(0, i) + 'Z' + a.slice(i)
              : op === 'del'
                ? a.slice(0, i) + a.slice(i + 1)
                : a.slice(0, i) + a[i + 1] + a[i] + a.slice(i + 2);
        expect(meet(a, b)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
