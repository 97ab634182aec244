import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { generateBatch } from '../../../bench/lib/generate.js';
import { generateValidators, validatorsFile } from '../../../scripts/gen-validators.js';
import { precompiled } from '../../../src/standard/generated/validators.js';
import { defaultSchemasDir, listVersionDirs, loadRegistry } from '../../../src/standard/registry.js';
import { validateDocument } from '../../../src/standard/validate.js';

describe('generated validators (src/standard/generated/validators.ts)', () => {
  it('are what npm run gen:validators makes of the schemas', () => {
    expect(existsSync(validatorsFile), `${validatorsFile} is missing: run npm run gen:validators`).toBe(true);
    // On failure: the schemas (or ajv) changed since the validators were generated; run
    // npm run gen:validators and commit.
    expect(
      readFileSync(validatorsFile, 'utf8') === generateValidators(),
      `${validatorsFile} is stale: run npm run gen:validators`,
    ).toBe(true);
  });

  const compiled = loadRegistry();
  const pre = loadRegistry(defaultSchemasDir, { precompiled });

  it('are used for every published version, and give exactly what the compiled ones give', () => {
    for (const version of listVersionDirs(defaultSchemasDir)) {
      const a = compiled.get(version);
      const b = pre.get(version);
      expect([...b.validators.keys()]).toEqual([...a.validators.keys()]);
      for (const [file, fn] of b.validators) {
        expect(fn, file).toBe(precompiled[version]!.validators[file]);
        expect(fn, file).not.toBe(a.validators.get(file));
      }
      expect(b.envelopeValidator).toBe(precompiled[version]!.envelope);
      expect([...b.recordValidators.keys()]).toEqual([...a.recordValidators.keys()]);
      expect(b.codelists).toEqual(a.codelists);

      // Every example, valid and invalid, as a record, as a batch and as an envelope: same verdict, same
      // ajv errors (verbose: the failing data, the schema and the parent schema included).
      const dir = path.join(defaultSchemasDir, 'examples', version);
      for (const kind of ['valid', 'invalid']) {
        for (const f of readdirSync(path.join(dir, kind)).filter(
          (n) => n.endsWith('.json') && n !== 'expected.json',
        )) {
          const doc = JSON.parse(readFileSync(path.join(dir, kind, f), 'utf8')) as Record<string, unknown>;
          const pairs: [unknown, unknown][] = [[a.envelopeValidator, b.envelopeValidator]];
          for (const file of a.validators.keys())
            pairs.push([a.validators.get(file), b.validators.get(file)]);
          for (const [fa, fb] of pairs as [typeof a.envelopeValidator, typeof b.envelopeValidator][]) {
            const ra = fa(doc);
            const rb = fb(doc);
            expect(rb, f).toBe(ra);
            expect(isDeepStrictEqual(fb.errors, fa.errors), f).toBe(true);
          }
          const now = Date.parse('2026-04-15T12:00:00Z');
          expect(validateDocument(pre, doc, { now })).toEqual(validateDocument(compiled, doc, { now }));
        }
      }
    }
  });

  it('give the same report on a generated batch with mistakes', () => {
    const doc = generateBatch({ records: 3000, invalidShare: 0.05, seed: 7 });
    const now = Date.parse('2026-04-15T12:00:00Z');
    const report = validateDocument(pre, doc, { now, groupCap: 5 });
    expect(report.totals.errors).toBeGreaterThan(0);
    expect(report).toEqual(validateDocument(compiled, doc, { now, groupCap: 5 }));
  });

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rmdx-precompiled-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('are not used for schema files that differ from those they were generated from', () => {
    const version = listVersionDirs(defaultSchemasDir).at(-1)!;
    cpSync(path.join(defaultSchemasDir, version), path.join(tmp, version), { recursive: true });
    const file = path.join(tmp, version, 'export.schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as {
      properties: { mass: Record<string, unknown> };
    };
    schema.properties.mass = { ...schema.properties.mass, type: 'number', maximum: 10 };
    writeFileSync(file, JSON.stringify(schema, null, 2));
    const edited = loadRegistry(tmp, { precompiled });
    const v = edited.get(version);
    expect(v.byRecordType.export).not.toBe(precompiled[version]!.validators['export.schema.json']);
    // The edited rule is applied: the file's own schema is compiled.
    const record = generateBatch({ records: 40, invalidShare: 0 }).records as Record<string, unknown>[];
    const exp = record.find((r) => r.recordType === 'export')!;
    expect(v.byRecordType.export!({ ...exp, mass: 11 })).toBe(false);
    expect(pre.get(version).byRecordType.export!({ ...exp, mass: 11 })).toBe(true);
  });
});
