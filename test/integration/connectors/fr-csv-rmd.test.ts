import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { dryRunMapping, fileKind, loadMapping } from '../../../src/connectors/index.js';
import { issueLines, validateMapped } from './standard.js';

const dir = 'connectors/fr-csv-rmd';
const fixture = async (name: string) => ({
  name: name.split('/').pop()!,
  data: await readFile(`${dir}/fixtures/${name}`),
});
const upload = { source: { type: 'upload' } };

describe('fr-csv-rmd: a French CSV export, end to end to standard records', async () => {
  const mapping = await loadMapping(dir);
  const files = await Promise.all(
    ['sites_2026-03.csv', 'lots_2026-03.csv', 'exportations_2026-03.csv'].map(fixture),
  );

  it('maps every row of the three files (UTF-8 with BOM, Windows-1252, UTF-8) into valid records', async () => {
    const r = await dryRunMapping(fileKind, mapping, {
      config: upload,
      files,
      map: { reportingCountry: 'CD' },
    });
    expect(r.issues).toEqual([]);
    expect(r.stats).toMatchObject({ rows: 17, mapped: 17, rejected: 0, records: 17 });
    expect(r.stats.fastPathRows).toBe(17);
    const counts = Object.fromEntries(
      ['mineSite', 'lot', 'export'].map((t) => [t, r.records.filter((x) => x.recordType === t).length]),
    );
    expect(counts).toEqual({ mineSite: 6, lot: 7, export: 4 });
    const report = validateMapped('CD', '2026-03', r.records);
    expect(issueLines(report)).toEqual([]);
    expect(report.totals).toMatchObject({ records: 17, valid: 17, invalid: 0 });
  });

  it('reads French numbers, dates, statuses, mineral names and units', async () => {
    const r = await dryRunMapping(fileKind, mapping, {
      config: upload,
      files,
      map: { reportingCountry: 'CD' },
    });
    const byKey = (field: string, value: string) => r.records.find((x) => x[field] === value)!;
    expect(byKey('siteId', 'CD-NK-0031')).toMatchObject({
      location: { lat: -1.5501, lon: 28.8863 },
      minerals: ['coltan', 'cassiterite'],
      certificationStatus: 'green',
      statusSince: '2025-09-02',
      activityStatus: 'active',
    });
    expect(byKey('siteId', 'CD-MN-0019')).toMatchObject({
      minerals: ['wolframite'],
      certificationStatus: 'blue',
      activityStatus: 'inactive',
    });
    expect(byKey('siteId', 'CD-SK-0415')).not.toHaveProperty('operatorId'); // "-" means no value
    expect(byKey('siteId', 'CD-SK-0415')).toMatchObject({
      certificationStatus: 'red',
      minerals: ['coltan', 'gold'],
    });
    // Windows-1252 file: "fûts", non-breaking-space thousands, tonnes, grammes, onces.
    expect(byKey('lotNumber', 'CD-LOT-2026-004788')).toMatchObject({
      mass: 3710.25,
      unit: 'KGM',
      packageType: 'fûts',
      operation: 'blending',
      inputLots: ['CD-LOT-2026-004512', 'CD-LOT-2026-004655'],
      registeredAt: '2026-03-18T09:00:00+02:00',
    });
    expect(byKey('lotNumber', 'CD-LOT-2026-004600')).toMatchObject({ mass: 12.6, unit: 'TNE' });
    expect(byKey('lotNumber', 'CD-LOT-2026-004733')).toMatchObject({
      mineral: 'gold',
      mass: 1845.3,
      unit: 'GRM',
    });
    expect(byKey('lotNumber', 'CD-LOT-2026-004801')).toMatchObject({ unit: 'APZ', operation: 'export' });
    expect(byKey('lotNumber', 'CD-LOT-2026-004790')).toMatchObject({
      mineral: 'cassiterite',
      operation: 'purchase',
    });
    expect(byKey('lotNumber', 'CD-LOT-2026-004513')).toMatchObject({
      registeredAt: '2026-03-04T11:40:00+02:00',
    });
    expect(byKey('exportId', 'CEEC-EXP-2026-0393')).toMatchObject({
      destinationCountry: 'AE',
      mineral: 'gold',
      mass: 1.845,
      valueUsd: 141250,
      shippedOn: '2026-03-27',
    });
    expect(byKey('exportId', 'CEEC-EXP-2026-0392')).toMatchObject({
      destinationCountry: 'KZ',
      exitPoint: 'Goma, poste de la Grande Barrière',
    });
    expect(byKey('exportId', 'CEEC-EXP-2026-0394')).toMatchObject({
      lotNumbers: ['CD-LOT-2026-004600', 'CD-LOT-2026-004513'],
    });
  });

  it('numbers rows as Excel shows them: the blank line in the lots file counts', async () => {
    const r = await dryRunMapping(fileKind, mapping, {
      config: upload,
      files,
      map: { reportingCountry: 'CD' },
    });
    const origin = (lot: string) => r.origins[r.records.findIndex((x) => x.lotNumber === lot)];
    expect(origin('CD-LOT-2026-004512')).toMatchObject({
      file: 'lots_2026-03.csv',
      rowNumber: 2,
      source: 'lots',
    });
    expect(origin('CD-LOT-2026-004788')).toMatchObject({ rowNumber: 7 });
  });

  it('reports a bad date, an unknown mineral, a bad number and an unknown unit with row, column and reason; the other rows map', async () => {
    const r = await dryRunMapping(fileKind, mapping, {
      config: upload,
      files: [await fixture('erreurs/lots_2026-03.csv')],
      map: { reportingCountry: 'CD' },
    });
    expect(r.records.map((x) => x.lotNumber)).toEqual(['CD-LOT-2026-005001', 'CD-LOT-2026-005005']);
    expect(
      r.issues.map((i) => ({ row: i.rowNumber, column: i.column, value: i.value, code: i.code })),
    ).toEqual([
      { row: 3, column: "Date d'enregistrement", value: '31/02/2026', code: 'RMDX_MAP_UNPARSABLE_DATE' },
      { row: 4, column: 'Minerai', value: 'diamant', code: 'RMDX_MAP_UNKNOWN_CODE' },
      { row: 5, column: 'Poids', value: '12,3,4', code: 'RMDX_MAP_UNPARSABLE_NUMBER' },
      { row: 5, column: 'Unité', value: 'bidons', code: 'RMDX_MAP_UNKNOWN_CODE' },
    ]);
    expect(r.issues[0]).toMatchObject({
      file: 'lots_2026-03.csv',
      message: expect.stringContaining('there is no day 31/02/2026'),
      messageFr: expect.stringContaining("le 31/02/2026 n'existe pas"),
    });
    expect(r.stats).toMatchObject({ rows: 5, mapped: 2, rejected: 3 });
    expect(validateMapped('CD', '2026-03', r.records).valid).toBe(true);
  });

  it('reports a file without a required column once, at its header row', async () => {
    const text = 'N° de lot;Minerai;Unité\r\nCD-LOT-1;or;g\r\nCD-LOT-2;or;g\r\n';
    const r = await dryRunMapping(fileKind, mapping, {
      config: upload,
      files: [{ name: 'lots_avril.csv', data: Buffer.from(text) }],
      map: { reportingCountry: 'CD' },
    });
    expect(r.records).toEqual([]);
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'RMDX_MAP_MISSING_COLUMN',
        rowNumber: 1,
        column: "Date d'enregistrement",
        file: 'lots_avril.csv',
      }),
    ]);
    expect(r.issues[0]!.messageFr).toMatch(/aucune ligne de ce fichier/);
  });

  it('stops after maxRows in a dry run', async () => {
    const r = await dryRunMapping(fileKind, mapping, {
      config: upload,
      files,
      maxRows: 4,
      map: { reportingCountry: 'CD' },
    });
    expect(r.truncated).toBe(true);
    expect(r.stats.rows).toBe(4);
  });
});
