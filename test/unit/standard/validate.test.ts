import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isApiError } from '../../../src/errors.js';
import { escapePointer } from '../../../src/standard/ajv-issues.js';
import { isRecordType, type RecordType } from '../../../src/standard/record-types.js';
import { defaultSchemasDir, loadRegistry } from '../../../src/standard/registry.js';
import {
  findDuplicateKeys,
  validateDocument,
  validateDocumentAsync,
  validateEnvelope,
  validateRecord,
} from '../../../src/standard/validate.js';

const registry = loadRegistry();
const version = registry.latest;
const NOW = Date.parse('2026-11-28T12:00:00Z');
const validDir = path.join(defaultSchemasDir, 'examples', version, 'valid');

type Doc = { records: Record<string, unknown>[] } & Record<string, unknown>;
const examples: [string, Doc][] = readdirSync(validDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(validDir, f), 'utf8')) as Doc]);

function clone<T>(x: T): T {
  return structuredClone(x);
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

/** The fields a record must have, read from its schema (if/then/else as the standard writes them). */
function requiredFields(record: Record<string, unknown>): string[] {
  const type = record.recordType as RecordType;
  type Branch = {
    required?: string[];
    if?: { properties?: Record<string, { const?: unknown }> };
    then?: Branch;
    else?: Branch;
  };
  const schema = registry.get(version).documents.find((d) => d.name === type)!.schema as Branch;
  const branch: Branch = (record.action === 'void' ? schema.then : schema.else) ?? {};
  const fields = new Set(branch.required ?? []);
  const cond = branch.if?.properties;
  if (cond && branch.then) {
    const holds = Object.entries(cond).every(
      ([k, s]) => k in record && (typeof s !== 'object' || !('const' in s) || record[k] === s.const),
    );
    if (holds) for (const f of branch.then.required ?? []) fields.add(f);
  }
  fields.delete('recordType');
  if (record.action === 'void') fields.delete('action');
  return [...fields];
}

describe('validateDocument', () => {
  it('passes every valid example', () => {
    for (const [file, doc] of examples) {
      const report = validateDocument(registry, doc, { now: NOW });
      expect({ file, issues: report.issues, groups: report.groups }).toEqual({
        file,
        issues: [],
        groups: [],
      });
      expect(report).toMatchObject({ valid: true, schemaVersion: version, kind: 'batch' });
      expect(report.totals.records).toBe(doc.records.length);
    }
  });

  it('property: deleting one required field gives exactly one RMDX_VAL_REQUIRED at its pointer', () => {
    const cases: [number, number, string][] = [];
    examples.forEach(([, doc], e) =>
      doc.records.forEach((r, i) => requiredFields(r).forEach((f) => cases.push([e, i, f]))),
    );
    expect(cases.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(fc.constantFrom(...cases), ([e, i, field]) => {
        const doc = clone(examples[e]![1]);
        delete doc.records[i]![field];
        const report = validateDocument(registry, doc, { now: NOW });
        expect(report.issues.map((x) => [x.code, x.path, x.recordIndex])).toEqual([
          ['RMDX_VAL_REQUIRED', `/records/${i}/${field}`, i],
        ]);
        expect(report.valid).toBe(false);
        expect(report.totals).toMatchObject({ invalid: 1, errors: 1 });
      }),
      { numRuns: 200 },
    );
  });

  it('property: an unknown field, whatever its name, gives exactly one RMDX_VAL_UNKNOWN_FIELD at its pointer', () => {
    fc.assert(
      fc.property(
        fc.nat(examples.length - 1),
        fc.nat(),
        fc.string({ minLength: 0, maxLength: 12 }),
        (e, n, name) => {
          const doc = clone(examples[e]![1]);
          const i = n % doc.records.length;
          const record = doc.records[i]!;
          const type = record.recordType as string;
          const props = (registry.get(version).documents.find((d) => d.name === type)!.schema.properties ??
            {}) as object;
          fc.pre(!(name in props) && name !== '__proto__');
          record[name] = 1;
          const report = validateDocument(registry, doc, { now: NOW });
          expect(report.issues.map((x) => [x.code, x.path])).toEqual([
            ['RMDX_VAL_UNKNOWN_FIELD', `/records/${i}/${escapePointer(name)}`],
          ]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('lists the first `groupCap` issues of a kind and counts the rest in a group', () => {
    const record = examples.find(([f]) => f.startsWith('export-01'))![1].records[0]!;
    const records = Array.from({ length: 25 }, (_, i) => ({
      ...record,
      exportId: `E-${i}`,
      mass: -1,
      ...(i % 5 === 0 ? { unit: 'kg' } : {}),
    }));
    const doc = { schemaVersion: version, reportingCountry: 'RW', period: '2026-03', records };
    const report = validateDocument(registry, doc, { now: NOW, groupCap: 3 });
    expect(report.issues.map((i) => [i.code, i.path])).toEqual([
      ['RMDX_VAL_RANGE', '/records/0/mass'],
      ['RMDX_VAL_CODE', '/records/0/unit'],
      ['RMDX_VAL_RANGE', '/records/1/mass'],
      ['RMDX_VAL_RANGE', '/records/2/mass'],
      ['RMDX_VAL_CODE', '/records/5/unit'],
      ['RMDX_VAL_CODE', '/records/10/unit'],
    ]);
    expect(report.groups).toMatchObject([
      { code: 'RMDX_VAL_RANGE', recordType: 'export', path: '/records/*/mass', severity: 'error', count: 22 },
      { code: 'RMDX_VAL_CODE', recordType: 'export', path: '/records/*/unit', severity: 'error', count: 2 },
    ]);
    expect(report.groups[0]!.message).toMatch(
      /^22 more export records \(\/records\/\*\/mass\): "mass" must be greater than 0\.$/,
    );
    expect(report.groups[0]!.messageFr).toMatch(/^22 autres enregistrements export/);
    expect(report.totals).toEqual({ records: 25, valid: 0, invalid: 25, errors: 30, warnings: 0 });
    expect(report.counts.export).toEqual({ valid: 0, invalid: 25 });
  });

  it('property: listed and grouped issues add up to the totals, and no kind is listed past the cap', () => {
    const record = examples.find(([f]) => f.startsWith('export-01'))![1].records[0]!;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('ok', 'mass', 'unit', 'late', 'dup'), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        (kinds, cap) => {
          const records = kinds.map((k, i) => ({
            ...record,
            exportId: k === 'dup' ? 'DUP' : `E-${i}`,
            ...(k === 'mass'
              ? { mass: 0 }
              : k === 'unit'
                ? { unit: 'x' }
                : k === 'late'
                  ? { shippedOn: '2026-02-01' }
                  : {}),
          }));
          const doc = { schemaVersion: version, reportingCountry: 'RW', period: '2026-03', records };
          const report = validateDocument(registry, doc, { now: NOW, groupCap: cap });
          const perKind = new Map<string, number>();
          for (const i of report.issues) {
            const k = `${i.code} ${i.path.replace(/^\/records\/\d+/, '/records/*')}`;
            perKind.set(k, (perKind.get(k) ?? 0) + 1);
          }
          for (const n of perKind.values()) expect(n).toBeLessThanOrEqual(cap);
          const all = report.issues.length + report.groups.reduce((s, g) => s + g.count, 0);
          expect(all).toBe(report.totals.errors + report.totals.warnings);
          const bad =
            kinds.filter((k) => k === 'mass' || k === 'unit').length +
            Math.max(0, kinds.filter((k) => k === 'dup').length - 1);
          expect(report.totals.invalid).toBe(bad);
          expect(report.valid).toBe(bad === 0);
          expect(report.totals.warnings).toBe(kinds.filter((k) => k === 'late').length);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reports duplicate keys at the later occurrences, per record type', () => {
    const doc = clone(examples.find(([f]) => f.startsWith('mixed-01'))![1]);
    const firstExport = doc.records.findIndex((r) => r.recordType === 'export');
    doc.records.push(clone(doc.records[firstExport]!));
    const report = validateDocument(registry, doc, { now: NOW });
    const last = doc.records.length - 1;
    expect(report.issues.map((i) => [i.code, i.path])).toEqual([
      ['RMDX_VAL_DUPLICATE_KEY', `/records/${last}/exportId`],
    ]);
    expect(report.issues[0]!.message).toContain(`first in record ${firstExport}`);
    expect(findDuplicateKeys(doc.records).map((i) => i.path)).toEqual([`/records/${last}/exportId`]);
  });

  it('checks the envelope and reports its issues without a record index', () => {
    const doc = clone(examples[0]![1]);
    delete doc.period;
    doc.reportingCountry = 'FR';
    const report = validateDocument(registry, doc, { now: NOW });
    expect(report.issues.map((i) => [i.recordIndex, i.code, i.path])).toEqual([
      [null, 'RMDX_VAL_REQUIRED', '/period'],
      [null, 'RMDX_VAL_CODE', '/reportingCountry'],
    ]);
    expect(report.issues[1]!.message).toMatch(
      /^Batch envelope: "FR" is not an allowed code for "reportingCountry"/,
    );
    expect(report.totals.invalid).toBe(0);
    expect(report.valid).toBe(false);
  });

  it('refuses an unknown schemaVersion with the known ones, and takes a missing one as an envelope error', () => {
    const doc = clone(examples[0]![1]);
    doc.schemaVersion = '0.9.0';
    const err = thrownBy(() => validateDocument(registry, doc));
    expect(isApiError(err) && err.code).toBe('RMDX_ERR_UNKNOWN_SCHEMA_VERSION');
    expect(isApiError(err) && err.statusCode).toBe(422);
    expect(isApiError(err) && err.extensions).toEqual({ knownVersions: registry.versions, latest: version });
    delete doc.schemaVersion;
    const report = validateDocument(registry, doc, { now: NOW });
    expect(report.issues.map((i) => [i.code, i.path])).toEqual([['RMDX_VAL_REQUIRED', '/schemaVersion']]);
    expect(report.schemaVersion).toBe(version);
  });

  it('refuses what is neither a batch nor a record', () => {
    for (const doc of [null, [], 'x', 3, {}, { foo: 1 }]) {
      const err = thrownBy(() => validateDocument(registry, doc));
      expect(isApiError(err) && err.code).toBe('RMDX_ERR_NOT_A_DOCUMENT');
    }
  });

  it('reports a records array that is not one, and records that are not objects', () => {
    const base = { schemaVersion: version, reportingCountry: 'RW', period: '2026-03' };
    expect(validateDocument(registry, { ...base, records: {} }).issues.map((i) => [i.code, i.path])).toEqual([
      ['RMDX_VAL_TYPE', '/records'],
    ]);
    expect(validateDocument(registry, { ...base, records: [] }).issues.map((i) => [i.code, i.path])).toEqual([
      ['RMDX_VAL_LENGTH', '/records'],
    ]);
    const r = validateDocument(registry, { ...base, records: [1, { recordType: 'exprt' }, {}] });
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([
      ['RMDX_VAL_TYPE', '/records/0'],
      ['RMDX_VAL_UNKNOWN_RECORD_TYPE', '/records/1/recordType'],
      ['RMDX_VAL_UNKNOWN_RECORD_TYPE', '/records/2/recordType'],
    ]);
    expect(r.issues[1]!.message).toContain('Did you mean "export"?');
    expect(r.totals).toMatchObject({ records: 3, invalid: 3 });
  });

  it('validates one record on its own, with the envelope checks only when told the country and period', () => {
    const record = clone(examples.find(([f]) => f.startsWith('export-01'))![1].records[0]!);
    delete record.certificateNumber;
    record.shippedOn = '2026-02-27';
    const alone = validateDocument(registry, record, { now: NOW });
    expect(alone).toMatchObject({
      valid: true,
      kind: 'record',
      issues: [],
      totals: { records: 1, valid: 1 },
    });
    const withEnvelope = validateDocument(registry, record, {
      now: NOW,
      reportingCountry: 'RW',
      period: '2026-03',
    });
    expect(withEnvelope.issues.map((i) => [i.code, i.path, i.severity])).toEqual([
      ['RMDX_VAL_CERTIFICATE_REQUIRED', '/certificateNumber', 'error'],
      ['RMDX_VAL_PERIOD_MISMATCH', '/shippedOn', 'warning'],
    ]);
    expect(withEnvelope.issues[0]!.message).toMatch(/^export record \(exportId "[^"]+"\): /);
    const err = thrownBy(() => validateDocument(registry, record, { schemaVersion: '7.0.0' }));
    expect(isApiError(err) && err.code).toBe('RMDX_ERR_UNKNOWN_SCHEMA_VERSION');
    const bad = thrownBy(() => validateDocument(registry, record, { reportingCountry: 'FR' }));
    expect(isApiError(bad) && bad.code).toBe('RMDX_ERR_BAD_REQUEST');
  });

  it('gives the same report in slices (async) as in one go', async () => {
    const doc = clone(examples.find(([f]) => f.startsWith('mixed-01'))![1]);
    doc.records[1]!.unknownThing = true;
    const sync = validateDocument(registry, doc, { now: NOW });
    const sliced = await validateDocumentAsync(registry, doc, { now: NOW, slice: 2 });
    expect(sliced).toEqual(sync);
  });
});

describe('the pipeline functions', () => {
  it('validateEnvelope resolves the version and leaves the records alone', () => {
    const doc = clone(examples[0]![1]);
    doc.records = [{ anything: true }];
    const env = validateEnvelope(registry, doc);
    expect(env).toMatchObject({
      schemaVersion: version,
      valid: true,
      issues: [],
      reportingCountry: doc.reportingCountry,
    });
    expect(env.records).toBe(doc.records);
  });

  it('validateRecord gives the issues validateDocument gives for that record', () => {
    for (const [, original] of examples.slice(0, 12)) {
      const doc = clone(original);
      const i = doc.records.length - 1;
      doc.records[i]!.mass = -3;
      const report = validateDocument(registry, doc, { now: NOW });
      const ctx = {
        reportingCountry: doc.reportingCountry as string,
        period: doc.period as string,
        now: NOW,
      };
      const one = validateRecord(registry, version, doc.records[i], i, ctx);
      expect(one.issues).toEqual(report.issues.filter((x) => x.recordIndex === i));
      expect(one.valid).toBe(!report.issues.some((x) => x.recordIndex === i && x.severity === 'error'));
      expect(isRecordType(one.recordType)).toBe(true);
    }
  });
});
