import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { generateBatch } from '../../../bench/lib/generate.js';
import { validateFile } from '../../../src/cli/commands/validate.js';
import { validateFileInParallel } from '../../../src/cli/parallel-validate.js';
import { findSplit } from '../../../src/cli/split-batch.js';
import { precompiled } from '../../../src/standard/generated/validators.js';
import { defaultSchemasDir, loadRegistry } from '../../../src/standard/registry.js';

const registry = loadRegistry(defaultSchemasDir, { precompiled });
const dir = mkdtempSync(path.join(os.tmpdir(), 'rmdx-cli-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(text: string | Buffer): string {
  const f = path.join(dir, `doc-${n++}.json`);
  writeFileSync(f, text);
  return f;
}

const now = Date.parse('2026-04-10T08:00:00Z');
const cliOpts = (threads: 1 | 2, groupCap = 100) => ({
  format: 'json' as const,
  lang: 'en' as const,
  groupCap,
  schemasDir: defaultSchemasDir,
  threads,
});
const quiet = { phase() {}, records() {}, done() {} };

/** The outcome of `rmdx validate` on a file with one thread and with two (elapsed time left out). */
async function bothWays(f: string, groupCap = 100) {
  const strip = (o: Awaited<ReturnType<typeof validateFile>>) =>
    o.exitCode === 2 ? o : { exitCode: o.exitCode, report: o.report };
  const one = strip(await validateFile(f, registry, cliOpts(1, groupCap), quiet));
  const two = strip(await validateFile(f, registry, cliOpts(2, groupCap), quiet));
  return { one, two };
}

/** Whether two threads were used on the file (no fallback to one). */
async function splits(f: string): Promise<boolean> {
  const run = await validateFileInParallel(f, registry, defaultSchemasDir, { now }, () => {});
  return run !== undefined;
}

/** A batch with mistakes of every kind the generator makes, and duplicate keys across the two halves. */
function messyBatch(records: number, seed: number) {
  const doc = generateBatch({ records, invalidShare: 0.08, seed }) as { records: Record<string, unknown>[] };
  const half = Math.floor(records / 2);
  for (let i = 0; i < 15; i++) doc.records[half + 3 + i * 7] = { ...doc.records[i * 5]! };
  doc.records[half + 200] = { ...doc.records[half + 100]! };
  doc.records[half - 3] = { recordType: 'exprot', exportId: 'X' } as Record<string, unknown>;
  (doc.records as unknown[])[half + 9] = 42;
  return doc;
}

/** `text` with the first `},{` past `at` (a share of its length) replaced by `by`. */
function breakAt(text: string, at: number, by: string): string {
  const i = text.indexOf('},{', Math.floor(text.length * at));
  return `${text.slice(0, i)}${by}${text.slice(i + 3)}`;
}

describe('rmdx validate with two threads gives the report of one thread', () => {
  it('on a batch with mistakes, duplicates across the cut and grouped issues', async () => {
    const f = file(JSON.stringify(messyBatch(6000, 3)));
    expect(await splits(f)).toBe(true);
    for (const cap of [100, 3, 1]) {
      const { one, two } = await bothWays(f, cap);
      expect(one.exitCode).toBe(1);
      expect(two).toEqual(one);
    }
  });

  it('on pretty-printed text with a byte order mark, and on a clean batch', async () => {
    const pretty = file(`\uFEFF${JSON.stringify(messyBatch(3000, 5), null, 2)}\n`);
    expect(await splits(pretty)).toBe(true);
    let r = await bothWays(pretty);
    expect(r.two).toEqual(r.one);
    const clean = file(JSON.stringify(generateBatch({ records: 3000, invalidShare: 0, seed: 2 })));
    r = await bothWays(clean);
    expect(r.two).toEqual(r.one);
  });

  it('when the envelope is wrong (no period, a country not a member state, an unknown field)', async () => {
    for (const change of [
      (d: Record<string, unknown>) => delete d.period,
      (d: Record<string, unknown>) => (d.reportingCountry = 'FR'),
      (d: Record<string, unknown>) => (d.extra = { records: [1, 2] }),
      (d: Record<string, unknown>) => (d.period = 'March'),
    ]) {
      const doc = messyBatch(2000, 11) as Record<string, unknown>;
      change(doc);
      const records = doc.records;
      delete doc.records;
      doc.records = records; // records last, so the text can be cut
      const f = file(JSON.stringify(doc));
      expect(await splits(f)).toBe(true);
      const { one, two } = await bothWays(f);
      expect(two).toEqual(one);
    }
  });

  it('falls back to one thread, with the same answer, when the text cannot be cut or parsed', async () => {
    const doc = messyBatch(2000, 13) as Record<string, unknown>;
    const text = JSON.stringify(doc);
    const cases = [
      // records not the last key
      JSON.stringify({
        records: doc.records,
        schemaVersion: '1.0.0',
        reportingCountry: 'RW',
        period: '2026-03',
      }),
      // broken JSON in the second half (a missing comma), and in the first (a stray bracket)
      breakAt(text, 0.75, '}{'),
      breakAt(text, 0.25, '}],{'),
      // an unknown version, a prototype key, a \u escape
      text.replace('"schemaVersion":"1.0.0"', '"schemaVersion":"9.9.9"'),
      text.replace('"recordType":"lot"', '"recordType":"lot","__proto__":{}'),
      text.replace('"recordType":"lot"', '"recordType":"l\\u006ft"'),
      // not a batch at all; a single record
      JSON.stringify(doc.records),
      JSON.stringify((doc.records as unknown[])[0]),
    ];
    for (const t of cases) {
      const f = file(t);
      const { one, two } = await bothWays(f);
      expect(two).toEqual(one);
    }
    expect(await splits(file(cases[0]!))).toBe(false);
    expect(await splits(file(cases[1]!))).toBe(false);
    expect(await splits(file(cases[2]!))).toBe(false);
  });
});

describe('findSplit', () => {
  const bytes = (s: string) => Buffer.from(s);

  it('cuts between two records past the middle and finds the records array', () => {
    const text = '{"a":"x","records":[{"k":1},{"k":2},{"k":3},{"k":4}]}';
    const s = findSplit(bytes(text))!;
    expect(text[s.recordsOpen]).toBe('[');
    expect(text[s.cut]).toBe(',');
    expect(text[s.recordsClose]).toBe(']');
    expect(JSON.parse(`${text.slice(0, s.recordsOpen)}[]}`)).toEqual({ a: 'x', records: [] });
    const first = JSON.parse(`${text.slice(s.recordsOpen, s.cut)}]`) as unknown[];
    const rest = JSON.parse(`[${text.slice(s.cut + 1, s.recordsClose + 1)}`) as unknown[];
    expect([...first, ...rest]).toEqual((JSON.parse(text) as { records: unknown[] }).records);
  });

  it('is not fooled by "records" in strings, nested objects or other keys', () => {
    const text =
      '{"note":"\\"records\\":[","source":{"records":[{"a":1},{"b":2}]},"recordsX":[1],"records":[{"k":1},{"k":2},{"k":3}]}';
    const s = findSplit(bytes(text))!;
    expect(text.slice(s.recordsOpen - 10, s.recordsOpen + 1)).toBe('"records":[');
    expect(s.recordsOpen).toBe(text.lastIndexOf('[{"k"'));
  });

  it('refuses texts that are not { …, "records": [ … ] } with records last', () => {
    for (const t of [
      '[{"k":1},{"k":2}]',
      '{"records":[{"k":1},{"k":2}],"period":"2026-03"}',
      '{"records":{"k":1}}',
      '{"records":[1,2,3,4]}',
      '{"a":1}',
      '',
      '{"records":[{"k":1}]',
    ]) {
      expect(findSplit(bytes(t)), t).toBeUndefined();
    }
  });

  it('property: when the three parts parse, they are exactly the envelope and the records', () => {
    // Strings full of brackets and quotes, so that some proposed cuts fall inside a string.
    const str = fc.oneof(
      fc.string(),
      fc.constantFrom('},{', '"},{"', '} , {', '"records":[', ']}', '\\', '"', '{"k":[1,2]}'),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        str,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v')),
        fc.dictionary(str, tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(str, value, { maxKeys: 5 }), { minLength: 2, maxLength: 12 }),
        fc.dictionary(str, value, { maxKeys: 3 }),
        fc.boolean(),
        (records, envelope, pretty) => {
          const env = { ...envelope };
          delete env.records;
          const text = JSON.stringify({ ...env, records }, null, pretty ? 2 : undefined);
          const buf = bytes(text);
          const s = findSplit(buf);
          if (!s) return;
          let head: Record<string, unknown>;
          let first: unknown[];
          let rest: unknown[];
          try {
            head = JSON.parse(`${buf.toString('utf8', s.start, s.recordsOpen)}[]}`) as Record<
              string,
              unknown
            >;
            first = JSON.parse(`${buf.toString('utf8', s.recordsOpen, s.cut)}]`) as unknown[];
            rest = JSON.parse(`[${buf.toString('utf8', s.cut + 1, s.recordsClose + 1)}`) as unknown[];
          } catch {
            return; // the caller falls back to one thread
          }
          expect(head).toEqual({ ...env, records: [] });
          expect([...first, ...rest]).toEqual(records);
        },
      ),
      { numRuns: 500 },
    );
  });
});
