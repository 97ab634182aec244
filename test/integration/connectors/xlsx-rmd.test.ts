import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { buildWorkbook } from '../../../connectors/xlsx-rmd/make-fixture.js';
import { dryRunMapping, fileKind, loadMapping } from '../../../src/connectors/index.js';
import { issueLines, validateMapped } from './standard.js';

const dir = 'connectors/xlsx-rmd';
const upload = { source: { type: 'upload' } };

describe('xlsx-rmd: a workbook with one sheet per record type, end to end', async () => {
  const mapping = await loadMapping(dir);
  const file = { name: 'ug-rmd-2026-03.xlsx', data: await readFile(`${dir}/fixtures/ug-rmd-2026-03.xlsx`) };
  const run = () =>
    dryRunMapping(fileKind, mapping, { config: upload, files: [file], map: { reportingCountry: 'UG' } });

  it('maps every data sheet into valid records; the "Read me" and hidden sheets are skipped', async () => {
    const r = await run();
    expect(r.issues).toEqual([]);
    const counts: Record<string, number> = {};
    for (const x of r.records) counts[x.recordType] = (counts[x.recordType] ?? 0) + 1;
    expect(counts).toEqual({ mineSite: 5, actor: 4, lot: 6, export: 3, certificate: 3 });
    // The "Read me" sheet's two lines under its title are skipped, not reported.
    expect(r.stats).toMatchObject({ rejected: 0, records: 21, skipped: 2 });
    expect(r.origins.every((o) => o.sheet !== 'Lookups' && o.sheet !== 'Read me')).toBe(true);
    const report = validateMapped('UG', '2026-03', r.records);
    expect(issueLines(report)).toEqual([]);
    expect(report.totals).toMatchObject({ records: 21, valid: 21 });
  });

  it('reads date cells, date-time cells, dates typed as text or left as serials, formulas and rich text', async () => {
    const r = await run();
    const find = (field: string, value: string) =>
      r.records.find(
        (x) => x[field] === value && (field !== 'certificateNumber' || x.recordType === 'certificate'),
      )!;
    expect(find('lotNumber', 'UG-LOT-2026-00311')).toMatchObject({
      registeredAt: '2026-03-03T09:30:00+03:00',
      unit: 'KGM',
    });
    expect(find('lotNumber', 'UG-LOT-2026-00331')).toMatchObject({
      registeredAt: '2026-03-18T10:20:00+03:00',
      operation: 'processing',
    });
    expect(find('lotNumber', 'UG-LOT-2026-00312')).toMatchObject({ mass: 2.35, unit: 'TNE' });
    expect(find('exportId', 'UG-EXP-2026-0041')).toMatchObject({
      valueUsd: 29079.9,
      shippedOn: '2026-03-21',
      destinationCountry: 'AT',
    });
    expect(find('exportId', 'UG-EXP-2026-0042')).toMatchObject({
      shippedOn: '2026-03-24',
      destinationCountry: 'AE',
    });
    expect(find('exportId', 'UG-EXP-2026-0043')).toMatchObject({
      shippedOn: '2026-03-26',
      destinationCountry: 'TH',
    });
    expect(find('actorId', 'UG-ACT-0052')).toMatchObject({
      name: 'Mubende Gold Traders Ltd',
      roles: ['exporter', 'trader'],
    });
    expect(find('siteId', 'UG-MS-0112')).toMatchObject({
      minerals: ['cassiterite'],
      licenceIds: ['ML 1302', 'LL 0211'],
    });
    expect(find('certificateNumber', 'UG-2026-000044')).toMatchObject({
      unit: 'TNE',
      status: 'issued',
      expiresOn: '2026-06-23',
    });
    const origin = r.origins[r.records.findIndex((x) => x.exportId === 'UG-EXP-2026-0043')];
    expect(origin).toMatchObject({ sheet: 'Exports', rowNumber: 4, file: 'ug-rmd-2026-03.xlsx' });
  });

  it('the committed workbook is what make-fixture.ts builds', async () => {
    const rebuilt = Buffer.from(await (await buildWorkbook()).xlsx.writeBuffer());
    const r2 = await dryRunMapping(fileKind, mapping, {
      config: upload,
      files: [{ name: 'ug-rmd-2026-03.xlsx', data: rebuilt }],
      map: { reportingCountry: 'UG' },
    });
    expect(r2.records).toEqual((await run()).records);
  });

  it('reports a bad cell with its sheet, row and column', async () => {
    const wb = await buildWorkbook();
    wb.getWorksheet('Lots')!.getCell('F3').value = 'sacks';
    wb.getWorksheet('Exports')!.getCell('L4').value = '31/04/2026';
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await dryRunMapping(fileKind, mapping, {
      config: upload,
      files: [{ name: 'bad.xlsx', data }],
      map: { reportingCountry: 'UG' },
    });
    expect(r.issues.map((i) => [i.sheet, i.rowNumber, i.column, i.value, i.code])).toEqual([
      ['Lots', 3, 'Unit', 'sacks', 'RMDX_MAP_UNKNOWN_CODE'],
      ['Exports', 4, 'Shipped', '31/04/2026', 'RMDX_MAP_UNPARSABLE_DATE'],
    ]);
    expect(r.records).toHaveLength(19);
  });
});
