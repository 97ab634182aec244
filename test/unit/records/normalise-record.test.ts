import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { normaliseRecord } from '../../../src/records/normalise/normalise-record.js';
import { partyNameKey } from '../../../src/records/normalise/party-name.js';
import { tableSpecs, type ColumnType } from '../../../src/records/table-specs.js';
import { loadRegistry } from '../../../src/standard/registry.js';
import { recordKey, recordTypes, type RecordType } from '../../../src/standard/record-types.js';

const examplesDir = path.resolve('schemas/examples/1.0.0/valid');
const batches = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, ...JSON.parse(readFileSync(path.join(examplesDir, f), 'utf8')) })) as {
  file: string;
  reportingCountry: string;
  period: string;
  schemaVersion: string;
  records: Record<string, unknown>[];
}[];
const registry = loadRegistry();
const ctx = { reportingCountry: 'RW', period: '2026-03', schemaVersion: '1.0.0' };

/** Every column holds null or a value of its declared type. */
function checkTypes(recordType: RecordType, row: Record<string, unknown>) {
  const columns: Readonly<Record<string, ColumnType>> = tableSpecs[recordType].columns;
  for (const [column, type] of Object.entries(columns)) {
    const value = row[column];
    expect(value, column).not.toBeUndefined();
    if (value === null) continue;
    if (type === 'text[]')
      expect(Array.isArray(value) && value.every((v) => typeof v === 'string'), column).toBe(true);
    else if (type === 'numeric') expect(Number.isFinite(Number(value)), column).toBe(true);
    else if (type === 'integer') expect(Number.isInteger(value), column).toBe(true);
    else if (type === 'float8') expect(typeof value, column).toBe('number');
    else if (type === 'char2') expect(value, column).toMatch(/^[A-Z]{2}$/);
    else if (type === 'date') expect(value, column).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    else expect(typeof value, column).toBe('string');
  }
}

describe('normaliseRecord on the standard examples', () => {
  const records = batches.flatMap((b) =>
    b.records.map(
      (r, i) => [`${b.file} #${i}`, r, b] as [string, Record<string, unknown>, (typeof batches)[number]],
    ),
  );

  it.each(records)('%s', (_name, record, batch) => {
    const type = record.recordType as RecordType;
    const row = normaliseRecord(type, record, batch) as unknown as Record<string, unknown>;
    const spec = tableSpecs[type];
    expect(row[spec.keyColumn]).toBe(recordKey(type, record));
    expect(row.country).toBe(batch.reportingCountry);
    expect(row.is_void).toBe(record.action === 'void');
    checkTypes(type, row);
    if (record.action === 'void') {
      const filled = Object.keys(spec.columns).filter((c) => row[c] !== null);
      expect(filled.sort()).toEqual(
        type === 'certificate' ? ['certificate_key', 'certificate_number'] : [spec.keyColumn],
      );
      return;
    }
    if (typeof record.mass === 'number') expect(Number(row.mass_kg)).toBeGreaterThan(0);
    if (typeof record.gradePct === 'number' && 'metal_kg' in row) {
      expect(Number(row.metal_kg)).toBeCloseTo((Number(row.mass_kg) * (record.gradePct as number)) / 100, 9);
    }
    if (typeof record.hsCode === 'string') expect(row.hs_code).toMatch(/^\d{6,10}$/);
    for (const [field, column] of [
      ['exporterName', 'exporter_name_key'],
      ['importerName', 'importer_name_key'],
    ] as const) {
      if (typeof record[field] === 'string' && column in row)
        expect(row[column]).toBe(partyNameKey(record[field]));
    }
  });

  it('cover every record type', () => {
    expect(new Set(records.map(([, r]) => r.recordType))).toEqual(new Set(recordTypes));
  });
});

describe('normaliseRecord examples', () => {
  it('an export: units, grade, names, certificate, HS and transport keys', () => {
    const row = normaliseRecord(
      'export',
      {
        recordType: 'export',
        exportId: ' RW-EXP-1 ',
        certificateNumber: 'rw-2026 000123',
        exporterName: 'Ets. Namukaya',
        importerName: 'Etablissement Namukaya SARL',
        destinationCountry: 'AE',
        mineral: 'gold',
        hsCode: '7108.12',
        mass: 2500,
        unit: 'GRM',
        gradePct: 92.5,
        valueUsd: 150000,
        shippedOn: '2026-03-14',
        lotNumbers: ['L1', 'L2'],
        transportRef: 'AWB 176-1234 5675',
      },
      ctx,
    );
    expect(row).toMatchObject({
      export_id: 'RW-EXP-1',
      certificate_number: 'rw-2026 000123',
      certificate_key: 'RW-2026000123',
      exporter_name_key: 'namukaya',
      importer_name_key: 'namukaya',
      hs_code: '710812',
      mass: 2500,
      unit: 'GRM',
      mass_kg: '2.5',
      grade_pct: 92.5,
      metal_kg: '2.3125',
      value_usd: 150000,
      lot_numbers: ['L1', 'L2'],
      transport_ref_key: 'AWB17612345675',
      country: 'RW',
      period: '2026-03',
      schema_version: '1.0.0',
      is_void: false,
      exit_point: null,
    });
  });

  it('a mine site: nested location and external references flattened, its own country apart', () => {
    const row = normaliseRecord(
      'mineSite',
      {
        recordType: 'mineSite',
        siteId: 'S1',
        name: 'Rubaya',
        country: 'CD',
        location: { lat: -1.55, lon: 28.88 },
        minerals: ['coltan', 'cassiterite'],
        certificationStatus: 'green',
        statusSince: '2025-06-01',
        externalRefs: { ipisPcode: 'codmine00123' },
      },
      { ...ctx, reportingCountry: 'cd' },
    );
    expect(row).toMatchObject({
      site_id: 'S1',
      site_country: 'CD',
      country: 'CD',
      lat: -1.55,
      lon: 28.88,
      minerals: ['coltan', 'cassiterite'],
      certification_status: 'green',
      status_since: '2025-06-01',
      ipis_pcode: 'codmine00123',
      itsci_site_id: null,
    });
  });

  it('a void keeps only the key', () => {
    const row = normaliseRecord(
      'certificate',
      { recordType: 'certificate', action: 'void', certificateNumber: 'RW-2026-000 123' },
      ctx,
    );
    expect(row).toMatchObject({
      certificate_key: 'RW-2026-000123',
      certificate_number: 'RW-2026-000 123',
      mineral: null,
      is_void: true,
    });
  });
});

describe('normaliseRecord on generated schema-valid records', () => {
  // Field values seen in the examples, per record type: generated records mix them, drop optional
  // ones and put arbitrary text and numbers in; only those the published schema accepts are used.
  const pools = new Map<RecordType, Map<string, unknown[]>>();
  for (const b of batches) {
    for (const r of b.records) {
      if (r.action === 'void') continue;
      const type = r.recordType as RecordType;
      const fields = pools.get(type) ?? new Map<string, unknown[]>();
      for (const [k, v] of Object.entries(r)) fields.set(k, [...(fields.get(k) ?? []), v]);
      pools.set(type, fields);
    }
  }
  const scalar = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
    fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
    fc.integer({ min: 0, max: 100 }),
  );

  it.each(recordTypes)('%s: never throws, and the key and types hold', (recordType) => {
    const fields = [...pools.get(recordType)!.entries()];
    const validate = registry.recordValidator('1.0.0', recordType)!;
    const arbitrary = fc
      .tuple(
        ...fields.map(([field, values]) =>
          field === 'recordType'
            ? fc.constant(recordType)
            : fc.oneof(
                { weight: 5, arbitrary: fc.constantFrom(...values) },
                { weight: 1, arbitrary: fc.constant(undefined) },
                { weight: 1, arbitrary: scalar },
                { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
              ),
        ),
      )
      .map((values) => {
        const record: Record<string, unknown> = {};
        fields.forEach(([field], i) => {
          if (values[i] !== undefined) record[field] = values[i];
        });
        return record;
      })
      .filter((record) => validate(record) === true);
    fc.assert(
      fc.property(arbitrary, (record) => {
        const row = normaliseRecord(recordType, record, ctx) as unknown as Record<string, unknown>;
        // Postgres text cannot hold NUL: the hub stores U+FFFD in its place.
        expect(row[tableSpecs[recordType].keyColumn]).toBe(
          recordKey(recordType, record)?.replace(/\0/g, '\uFFFD'),
        );
        checkTypes(recordType, row);
      }),
      { numRuns: 200 },
    );
  });
});
