/**
 * Writes fixtures/ug-rmd-2026-03.xlsx: the March 2026 monthly return of Uganda's national mineral
 * database (DGSM) in the xlsx-rmd format, one sheet per record type, as a ministry officer fills it
 * in Excel: real date cells, a date typed as text, a date left as a serial number, a formula, rich
 * text, a "Read me" sheet. Run: npx tsx connectors/xlsx-rmd/make-fixture.ts
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import ExcelJS from 'exceljs';

const here = path.dirname(fileURLToPath(import.meta.url));
const d = (y: number, m: number, day: number, h = 0, mi = 0) => new Date(Date.UTC(y, m - 1, day, h, mi));

export async function buildWorkbook(): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'DGSM Mineral Database';
  wb.created = d(2026, 4, 2, 9);
  wb.modified = d(2026, 4, 2, 9);

  const readme = wb.addWorksheet('Read me');
  readme.addRow(['Uganda — Directorate of Geological Survey and Mines (DGSM)']);
  readme.addRow(['Monthly return to the ICGLR Regional Database — March 2026']);
  readme.addRow([
    'One sheet per record type. Dates dd/mm/yyyy, times East Africa Time (UTC+3). Weights with their unit.',
  ]);

  const sheet = (name: string, headers: string[], rows: unknown[][], dateCols: number[] = []) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(headers).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    for (const c of dateCols) ws.getColumn(c).numFmt = 'dd/mm/yyyy';
    ws.columns.forEach((col) => (col.width = 18));
    return ws;
  };

  sheet(
    'Mine sites',
    [
      'Site ID',
      'Site name',
      'District',
      'Sub-county',
      'Latitude',
      'Longitude',
      'Minerals',
      'Status (MDC.01)',
      'Status date',
      'Activity',
      'Last inspection',
      'Operator ID',
      'Licence no.',
    ],
    [
      [
        'UG-MS-0107',
        'Nyamuliro Wolfram Mine',
        'Kisoro',
        'Nyakabande',
        -1.2811,
        29.7262,
        'Wolfram',
        1,
        d(2025, 10, 14),
        'Active',
        d(2025, 10, 14),
        'UG-ACT-0031',
        'ML 1254',
      ],
      [
        'UG-MS-0112',
        'Ruhizha Tin Site',
        'Ntungamo',
        'Rukoni',
        -0.9745,
        30.3351,
        'Tin ore (cassiterite)',
        1,
        d(2025, 11, 3),
        'Active',
        d(2025, 11, 3),
        'UG-ACT-0044',
        'ML 1302; LL 0211',
      ],
      [
        'UG-MS-0118',
        'Mwerasandu Tin Mine',
        'Isingiro',
        'Kikagate',
        -0.9921,
        30.6012,
        'Cassiterite, Coltan',
        2,
        d(2026, 1, 22),
        'Active',
        d(2026, 1, 22),
        'UG-ACT-0044',
        'ML 1317',
      ],
      [
        'UG-MS-0203',
        'Kitumbi Gold Field',
        'Mubende',
        'Kitumbi',
        0.5012,
        31.4377,
        'Gold',
        1,
        d(2025, 12, 9),
        'Active',
        d(2025, 12, 9),
        'UG-ACT-0052',
        'LL 0458',
      ],
      [
        'UG-MS-0219',
        'Tiira Artisanal Site',
        'Busia',
        'Tiira',
        0.4261,
        34.0187,
        'Gold',
        0,
        null,
        'Inactive',
        null,
        null,
        null,
      ],
    ],
    [9, 11],
  );

  const actors = sheet(
    'Actors',
    ['Actor ID', 'Name', 'Roles', 'Registration no.', 'Audit flag', 'Audit date'],
    [
      [
        'UG-ACT-0031',
        'Kigezi Wolfram Exporters Ltd',
        'Exporter; Processor',
        '80020001234567',
        'Green',
        d(2025, 9, 30),
      ],
      ['UG-ACT-0044', 'Ankole Tin Mining Ltd', 'Miner', '80020001239876', null, null],
      ['UG-ACT-0052', null, 'Exporter, Trader', '80020001240011', 'Yellow', d(2026, 2, 12)],
      [
        'UG-ACT-0060',
        'Buganda Gold Refinery Ltd',
        'Processor; Exporter',
        '80020001241234',
        'Green',
        d(2025, 12, 1),
      ],
    ],
    [6],
  );
  // A name typed with formatting: exceljs keeps it as rich text.
  actors.getCell('B4').value = {
    richText: [{ text: 'Mubende ', font: { bold: true } }, { text: 'Gold Traders Ltd' }],
  };

  sheet(
    'Lots',
    [
      'Lot no.',
      'Registered',
      'Custodian ID',
      'Mineral',
      'Net weight',
      'Unit',
      'Grade %',
      'Package',
      'Packages',
      'Operation',
      'Site ID',
      'Input lots',
    ],
    [
      [
        'UG-LOT-2026-00311',
        d(2026, 3, 3, 9, 30),
        'UG-ACT-0031',
        'Wolfram',
        1840.5,
        'kg',
        64.2,
        'bags',
        37,
        'Extraction',
        'UG-MS-0107',
        null,
      ],
      [
        'UG-LOT-2026-00312',
        d(2026, 3, 5, 14, 0),
        'UG-ACT-0044',
        'Cassiterite',
        2.35,
        't',
        66.8,
        'bags',
        47,
        'Extraction',
        'UG-MS-0112',
        null,
      ],
      [
        'UG-LOT-2026-00318',
        d(2026, 3, 9, 11, 15),
        'UG-ACT-0044',
        'Coltan',
        612,
        'kg',
        29.4,
        'drums',
        6,
        'Extraction',
        'UG-MS-0118',
        null,
      ],
      [
        'UG-LOT-2026-00325',
        d(2026, 3, 12, 16, 45),
        'UG-ACT-0052',
        'Gold',
        2480,
        'g',
        86.5,
        'sealed pouch',
        4,
        'Purchase',
        null,
        null,
      ],
      [
        'UG-LOT-2026-00331',
        '18/03/2026 10:20',
        'UG-ACT-0060',
        'Gold',
        2395.6,
        'g',
        99.5,
        'bar',
        1,
        'Processing',
        null,
        'UG-LOT-2026-00325',
      ],
      [
        'UG-LOT-2026-00340',
        d(2026, 3, 20, 8, 0),
        'UG-ACT-0031',
        'Wolfram',
        1840.5,
        'kg',
        64.2,
        'bags',
        37,
        'Export',
        null,
        'UG-LOT-2026-00311',
      ],
    ],
  ).getColumn(2).numFmt = 'dd/mm/yyyy hh:mm';

  const exportsWs = sheet(
    'Exports',
    [
      'Export ref',
      'ICGLR certificate no.',
      'Exporter ID',
      'Exporter',
      'Consignee',
      'Destination',
      'Mineral',
      'HS code',
      'Net weight (kg)',
      'Grade %',
      'FOB value (USD)',
      'Shipped',
      'Exit point',
      'Lots',
      'Waybill',
    ],
    [
      [
        'UG-EXP-2026-0041',
        'UG-2026-000042',
        'UG-ACT-0031',
        'Kigezi Wolfram Exporters Ltd',
        'Wolfram Bergbau und Hütten AG',
        'Austria',
        'Wolfram',
        '2611.00',
        1840.5,
        64.2,
        null,
        d(2026, 3, 21),
        'Entebbe (UGEBB)',
        'UG-LOT-2026-00340',
        'AWB 176-55120934',
      ],
      [
        'UG-EXP-2026-0042',
        'UG-2026-000043',
        'UG-ACT-0060',
        'Buganda Gold Refinery Ltd',
        'Emirates Gold DMCC',
        'United Arab Emirates',
        'Gold',
        '7108.12',
        2.3956,
        99.5,
        186400,
        '24/03/2026',
        'Entebbe (UGEBB)',
        'UG-LOT-2026-00331',
        'AWB 071-88231045',
      ],
      [
        'UG-EXP-2026-0043',
        'UG-2026-000044',
        'UG-ACT-0044',
        'Ankole Tin Mining Ltd',
        'Thaisarco',
        'TH',
        'Cassiterite',
        '2609.00',
        2350,
        66.8,
        58750,
        46107,
        'Mutukula',
        'UG-LOT-2026-00312',
        'TRK UBK 412X',
      ],
    ],
    [12],
  );
  // The FOB value of the wolfram shipment is a formula on the sheet: weight × USD 15.80 per kg.
  exportsWs.getCell('K2').value = { formula: 'I2*15.8', result: 29079.9 };

  sheet(
    'Certificates',
    [
      'Certificate no.',
      'Issued',
      'Expires',
      'Issuing authority',
      'Exporter ID',
      'Importer',
      'Destination',
      'Mineral',
      'HS code',
      'Net weight',
      'Unit',
      'Grade %',
      'FOB value (USD)',
      'Lots',
      'Origin sites',
      'Status',
    ],
    [
      [
        'UG-2026-000042',
        d(2026, 3, 19),
        d(2026, 6, 17),
        'DGSM Entebbe',
        'UG-ACT-0031',
        'Wolfram Bergbau und Hütten AG',
        'AT',
        'Wolfram',
        '2611.00',
        1840.5,
        'kg',
        64.2,
        29079.9,
        'UG-LOT-2026-00340',
        'UG-MS-0107',
        'Used',
      ],
      [
        'UG-2026-000043',
        d(2026, 3, 23),
        d(2026, 6, 21),
        'DGSM Entebbe',
        'UG-ACT-0060',
        'Emirates Gold DMCC',
        'AE',
        'Gold',
        '7108.12',
        2395.6,
        'g',
        99.5,
        186400,
        'UG-LOT-2026-00331',
        'UG-MS-0203',
        'Used',
      ],
      [
        'UG-2026-000044',
        d(2026, 3, 25),
        d(2026, 6, 23),
        'DGSM Entebbe',
        'UG-ACT-0044',
        'Thaisarco',
        'TH',
        'Cassiterite',
        '2609.00',
        2.35,
        'tonnes',
        66.8,
        58750,
        'UG-LOT-2026-00312',
        'UG-MS-0112',
        'Issued',
      ],
    ],
    [2, 3],
  );

  const hidden = wb.addWorksheet('Lookups');
  hidden.state = 'hidden';
  hidden.addRow(['Minerals', 'Gold', 'Cassiterite', 'Coltan', 'Wolfram']);
  return wb;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const wb = await buildWorkbook();
  const out = path.join(here, 'fixtures', 'ug-rmd-2026-03.xlsx');
  await wb.xlsx.writeFile(out);
  process.stdout.write(`wrote ${out}\n`);
}
