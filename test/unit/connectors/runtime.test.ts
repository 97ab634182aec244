import { describe, expect, it } from 'vitest';

import type { SourceRow } from '../../../src/connectors/contract.js';
import { defineMapping, MappingError } from '../../../src/connectors/mapping/manifest.js';
import { createMapper, mapRows } from '../../../src/connectors/mapping/runtime.js';

const manifest = (over: Record<string, unknown> = {}, source: Record<string, unknown> = {}) => ({
  name: 'test-format',
  version: '1.2.0',
  format: 'csv',
  standardVersion: '1.0.0',
  options: { decimalSeparator: ',', timezone: '+02:00', nullValues: ['-'] },
  ignore: ['Lisez-moi'],
  sources: [
    {
      name: 'lots',
      match: ['lots*.csv', 'Lots'],
      recordType: 'lot',
      expression: 'lots.jsonata',
      columns: {
        lotNumber: { header: ['N° de lot', 'No de lot'], required: true },
        mass: 'Poids',
        mineral: { header: 'Minerai', required: true },
      },
      ...source,
    },
  ],
  ...over,
});

const expr =
  '{ "lotNumber": lotNumber, "mass": $decimal(mass), "mineral": $mineral(mineral), "unit": "KGM" }';
const row = (rowNumber: number, data: Record<string, unknown>, stream = 'lots_03.csv'): SourceRow => ({
  stream,
  file: stream,
  rowNumber,
  data,
});

describe('defineMapping', () => {
  it('identifies the mapping by name, version and digest', () => {
    const a = defineMapping(manifest(), { 'lots.jsonata': expr });
    const b = defineMapping(manifest(), { 'lots.jsonata': `${expr} ` });
    expect(a.id).toBe('test-format@1.2.0');
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(a.digest).not.toBe(b.digest);
  });

  it('refuses a bad manifest, an unknown record type, a bad time zone, a syntax error', () => {
    expect(() => defineMapping({ name: 'x' }, {})).toThrow(MappingError);
    expect(() => defineMapping(manifest({}, { recordType: 'shipment' }), { 'lots.jsonata': expr })).toThrow(
      /unknown recordType "shipment"/,
    );
    expect(() => defineMapping(manifest({ options: { timezone: 'CAT' } }), { 'lots.jsonata': expr })).toThrow(
      /timezone/,
    );
    expect(() => defineMapping(manifest(), { 'lots.jsonata': '{ "a": ' })).toThrow(
      /lots\.jsonata: JSONata syntax error .* at position/,
    );
    expect(() => defineMapping(manifest(), {})).toThrow(/missing expression file lots\.jsonata/);
  });
});

describe('mapRows', () => {
  const mapping = defineMapping(manifest(), { 'lots.jsonata': expr });

  it('maps by the column crosswalk (headers matched without case or accents) and keeps row origins', async () => {
    const r = await mapRows(mapping, [
      row(2, { 'NO DE LOT': 'L1', poids: '1 250,5', MINERAI: 'Coltan', Autre: 'x' }),
    ]);
    expect(r.records).toEqual([
      { recordType: 'lot', lotNumber: 'L1', mass: 1250.5, mineral: 'coltan', unit: 'KGM' },
    ]);
    expect(r.origins).toEqual([{ source: 'lots', stream: 'lots_03.csv', file: 'lots_03.csv', rowNumber: 2 }]);
    expect(r.stats).toMatchObject({ rows: 1, mapped: 1, rejected: 0, records: 1 });
  });

  it('reports each unreadable cell with row, column and value; the other rows go on', async () => {
    const r = await mapRows(mapping, [
      row(2, { 'N° de lot': 'L1', Poids: '12,3,4', Minerai: 'diamant' }),
      row(3, { 'N° de lot': 'L2', Poids: '-', Minerai: 'or' }),
    ]);
    expect(r.records).toEqual([{ recordType: 'lot', lotNumber: 'L2', mineral: 'gold', unit: 'KGM' }]);
    expect(r.issues.map((i) => [i.rowNumber, i.column, i.value, i.code])).toEqual([
      [2, 'Poids', '12,3,4', 'RMDX_MAP_UNPARSABLE_NUMBER'],
      [2, 'Minerai', 'diamant', 'RMDX_MAP_UNKNOWN_CODE'],
    ]);
    expect(r.issues[1]!.messageFr).toContain('« diamant »');
    expect(r.stats).toMatchObject({ rows: 2, mapped: 1, rejected: 1 });
  });

  it('reports a missing required column once per file and maps none of its rows', async () => {
    const mapper = createMapper(mapping);
    const p1 = await mapper.mapPage([
      row(2, { 'N° de lot': 'L1', Poids: '1' }),
      row(3, { 'N° de lot': 'L2', Poids: '2' }),
    ]);
    const p2 = await mapper.mapPage([row(4, { 'N° de lot': 'L3', Poids: '3' })]);
    expect(p1.issues).toEqual([
      expect.objectContaining({
        code: 'RMDX_MAP_MISSING_COLUMN',
        column: 'Minerai',
        rowNumber: 1,
        file: 'lots_03.csv',
      }),
    ]);
    expect(p2.issues).toEqual([]);
    expect(mapper.totals).toMatchObject({ rows: 3, rejected: 3, records: 0 });
  });

  it('says when no source matches a stream, and skips ignored streams silently', async () => {
    const r = await mapRows(mapping, [
      row(2, { a: 1 }, 'stocks.csv'),
      row(3, { a: 2 }, 'stocks.csv'),
      { stream: 'Lisez-moi', sheet: 'Lisez-moi', rowNumber: 2, data: { a: 1 } },
    ]);
    expect(r.issues).toEqual([expect.objectContaining({ code: 'RMDX_MAP_NO_SOURCE', value: 'stocks.csv' })]);
    expect(r.stats).toMatchObject({ rows: 3, rejected: 2, skipped: 1 });
  });

  it('reports malformed rows from the reader', async () => {
    const r = await mapRows(mapping, [
      {
        ...row(5, { 'N° de lot': 'L1', Minerai: 'or' }),
        malformed: 'the row has 4 cells but the header has 3',
      },
    ]);
    expect(r.issues).toEqual([expect.objectContaining({ code: 'RMDX_MAP_MALFORMED_ROW', rowNumber: 5 })]);
  });

  it('lets an expression skip rows, produce several records, and refuses what is not a record', async () => {
    const m = defineMapping(manifest({}, { recordType: ['export', 'certificate'], columns: undefined }), {
      'lots.jsonata': `kind = "skip" ? undefined : kind = "bad" ? "text" : kind = "wrong" ? { "recordType": "lot" } :
          [{ "recordType": "export", "exportId": id }, { "recordType": "certificate", "certificateNumber": cert }]`,
    });
    const r = await mapRows(m, [
      row(2, { kind: 'skip' }),
      row(3, { kind: 'two', id: 'E1', cert: 'RW-2026-000123' }),
      row(4, { kind: 'bad' }),
      row(5, { kind: 'wrong' }),
    ]);
    expect(r.records).toEqual([
      { recordType: 'export', exportId: 'E1' },
      { recordType: 'certificate', certificateNumber: 'RW-2026-000123' },
    ]);
    expect(r.origins.map((o) => o.rowNumber)).toEqual([3, 3]);
    expect(r.issues.map((i) => [i.rowNumber, i.code])).toEqual([
      [4, 'RMDX_MAP_BAD_OUTPUT'],
      [5, 'RMDX_MAP_BAD_OUTPUT'],
    ]);
    expect(r.stats).toMatchObject({ rows: 4, mapped: 1, skipped: 1, rejected: 2, records: 2 });
  });

  it('reports an expression that fails on a row (jsonata error, misused helper)', async () => {
    const m = defineMapping(manifest({}, { columns: undefined }), {
      'lots.jsonata': '{ "lotNumber": id, "mass": w * 2, "mineral": $code("nope", m) }',
    });
    const r = await mapRows(m, [row(2, { id: 'L1', w: 'heavy' }), row(3, { id: 'L2', m: 'x' })]);
    expect(r.issues.map((i) => [i.rowNumber, i.code])).toEqual([
      [2, 'RMDX_MAP_EXPRESSION_FAILED'],
      [3, 'RMDX_MAP_EXPRESSION_FAILED'],
    ]);
    expect(r.issues[0]!.message).toMatch(/T2001/);
    expect(r.issues[1]!.message).toMatch(/no crosswalk named "nope"/);
  });

  it('finds the column of a bad value in nested API items', async () => {
    const m = defineMapping(manifest({}, { columns: undefined }), {
      'lots.jsonata': '{ "lotNumber": id, "mass": $decimal(weight.value), "mineral": $mineral(mineral) }',
    });
    const r = await mapRows(m, [
      {
        stream: 'lots',
        rowNumber: 7,
        sourceId: '1042',
        data: { id: 'L1', weight: { value: 'lourd' }, mineral: 'Sn' },
      },
    ]);
    expect(r.issues).toEqual([
      expect.objectContaining({
        rowNumber: 7,
        sourceId: '1042',
        column: 'weight.value',
        value: 'lourd',
        code: 'RMDX_MAP_UNPARSABLE_NUMBER',
      }),
    ]);
  });

  it('gives the expressions $reportingCountry and other variables', async () => {
    const m = defineMapping(manifest({}, { columns: undefined }), {
      'lots.jsonata': '{ "lotNumber": id & "-" & $reportingCountry & "-" & $batch }',
    });
    const r = await mapRows(m, [row(2, { id: 'L1' })], {
      reportingCountry: 'BI',
      variables: { batch: 'march' },
    });
    expect(r.records[0]!.lotNumber).toBe('L1-BI-march');
  });
});
