import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import type { SourceRow } from '../../../src/connectors/contract.js';
import { ConnectorError } from '../../../src/connectors/errors.js';
import { cleanHeaders, decodeText, detectDelimiter, readCsv } from '../../../src/connectors/kinds/csv.js';
import { fileFormat } from '../../../src/connectors/kinds/file.js';
import { cellValue, readXlsx } from '../../../src/connectors/kinds/xlsx.js';

async function all(gen: AsyncGenerator<SourceRow[]>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const page of gen) out.push(...page);
  return out;
}

const cp1252 = (text: string) => Buffer.from(text, 'latin1');

describe('decodeText', () => {
  it('follows a UTF-8 BOM and drops it', () => {
    const r = decodeText(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Minerai;Teneur\ncassitérite;1', 'utf8')]),
    );
    expect(r).toEqual({ text: 'Minerai;Teneur\ncassitérite;1', encoding: 'utf-8' });
  });

  it('reads UTF-16LE with its BOM (Excel "Unicode text")', () => {
    const r = decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Date;Étain', 'utf16le')]));
    expect(r.text).toBe('Date;Étain');
  });

  it('falls back to Windows-1252 when the bytes are not UTF-8', () => {
    const r = decodeText(
      Buffer.from([0x44, 0xe9, 0x74, 0x65, 0x6e, 0x74, 0x65, 0x75, 0x72, 0x3b, 0x80, 0x20, 0x9c]),
    );
    expect(r).toEqual({ text: 'Détenteur;€ œ', encoding: 'windows-1252' });
  });

  it('refuses bytes that are not UTF-8 when UTF-8 is declared, and says what to do', () => {
    expect(() => decodeText(cp1252('Détenteur'), 'utf-8')).toThrow(/windows-1252/);
    expect(decodeText(cp1252('Détenteur'), 'latin1').text).toBe('Détenteur');
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['N° de lot;Minerai;Poids (kg);Teneur (%)', ';'],
    ['lot,mineral,weight', ','],
    ['a\tb\tc', '\t'],
    ['a|b|c', '|'],
    ['"Poids, net";Minerai;Teneur', ';'],
    ['single column', ';'],
  ])('%j → %j', (line, d) => {
    expect(detectDelimiter(line)).toBe(d);
  });
});

describe('cleanHeaders', () => {
  it('trims, names empty headers and makes duplicates unique', () => {
    expect(cleanHeaders(['\uFEFFN° de lot ', '', 'Poids', 'Poids', null])).toEqual([
      'N° de lot',
      'Column 2',
      'Poids',
      'Poids (2)',
      'Column 5',
    ]);
  });
});

describe('readCsv', () => {
  it('numbers rows as a spreadsheet does: header 1, blank lines counted, multi-line cells one row', async () => {
    const text = [
      'N° de lot;Remarque;Poids',
      'L1;ok;1,5',
      '',
      'L2;"deux',
      'lignes";2,5',
      ';;',
      'L3;"avec ; point-virgule";3',
    ].join('\r\n');
    const rows = await all(readCsv({ name: 'lots.csv', data: Buffer.from(text) }));
    expect(rows.map((r) => [r.rowNumber, r.data['N° de lot'], r.data.Remarque])).toEqual([
      [2, 'L1', 'ok'],
      [4, 'L2', 'deux\r\nlignes'],
      [6, 'L3', 'avec ; point-virgule'],
    ]);
    expect(rows[0]).toMatchObject({ stream: 'lots.csv', file: 'lots.csv' });
  });

  it('skips title rows above the header row', async () => {
    const text = 'Export du 31/03/2026 — SAEMAPE\nCode;Nom\nS1;Site 1\n';
    const rows = await all(readCsv({ name: 's.csv', data: Buffer.from(text) }, { headerRow: 2 }));
    expect(rows).toEqual([
      { stream: 's.csv', file: 's.csv', rowNumber: 3, data: { Code: 'S1', Nom: 'Site 1' } },
    ]);
  });

  it('marks rows with more cells than headers (a delimiter inside an unquoted value)', async () => {
    const text = 'lot,weight\nL1,12\nL2,12,5\n';
    const rows = await all(readCsv({ name: 'x.csv', data: Buffer.from(text) }));
    expect(rows[0]!.malformed).toBeUndefined();
    expect(rows[1]!.malformed).toMatch(/3 cells but the header has 2/);
  });

  it('fills missing trailing cells with empty strings', async () => {
    const rows = await all(readCsv({ name: 'x.csv', data: Buffer.from('a;b;c\n1\n') }));
    expect(rows[0]!.data).toEqual({ a: '1', b: '', c: '' });
  });

  it('pages, and resumes at a row', async () => {
    const lines = ['n'];
    for (let i = 1; i <= 25; i++) lines.push(String(i));
    const data = Buffer.from(lines.join('\n'));
    const pages: number[] = [];
    for await (const p of readCsv({ name: 'n.csv', data }, { pageSize: 10 })) pages.push(p.length);
    expect(pages).toEqual([10, 10, 5]);
    const resumed = await all(readCsv({ name: 'n.csv', data }, { pageSize: 10 }, 20));
    expect(resumed.map((r) => r.rowNumber)).toEqual([20, 21, 22, 23, 24, 25, 26]);
  });

  it('says when a file has no header row', async () => {
    await expect(all(readCsv({ name: 'empty.csv', data: Buffer.alloc(0) }))).rejects.toBeInstanceOf(
      ConnectorError,
    );
  });
});

describe('XLSX', () => {
  it('turns cells into plain values', () => {
    expect(cellValue(null)).toBeUndefined();
    expect(cellValue(12.5)).toBe(12.5);
    expect(cellValue({ formula: 'A1*2', result: 25 } as ExcelJS.CellValue)).toBe(25);
    expect(cellValue({ richText: [{ text: 'Or ' }, { text: 'brut' }] } as ExcelJS.CellValue)).toBe('Or brut');
    expect(cellValue({ text: 'site', hyperlink: 'https://x' } as ExcelJS.CellValue)).toBe('site');
    expect(cellValue({ error: '#N/A' } as ExcelJS.CellValue)).toBe('#N/A');
    const date = new Date(Date.UTC(2026, 2, 24));
    expect(cellValue(date)).toBe(date);
  });

  it('reads visible sheets with Excel row numbers; hidden sheets and blank rows are skipped', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Lots');
    ws.addRow(['Lot no.', 'Net weight', '']);
    ws.addRow(['L1', 10]);
    ws.addRow([]);
    ws.addRow(['L2', 20, null, 'stray']);
    wb.addWorksheet('Hidden').state = 'hidden';
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const rows = await all(readXlsx({ name: 'w.xlsx', data }));
    expect(rows.map((r) => [r.sheet, r.rowNumber, r.data['Lot no.'], r.data['Net weight']])).toEqual([
      ['Lots', 2, 'L1', 10],
      ['Lots', 4, 'L2', 20],
    ]);
    expect(rows[1]!.malformed).toMatch(/right of the last headed column/);
  });

  it('refuses a file that is not a workbook', async () => {
    await expect(all(readXlsx({ name: 'x.xlsx', data: Buffer.from('PK not really') }))).rejects.toThrow(
      /not a readable XLSX/,
    );
  });

  it('tells CSV from XLSX by extension, else by content', () => {
    expect(fileFormat({ name: 'a.XLSX', data: Buffer.alloc(0) })).toBe('xlsx');
    expect(fileFormat({ name: 'a.csv', data: Buffer.from('PK\x03\x04') })).toBe('csv');
    expect(fileFormat({ name: 'upload', data: Buffer.from('PK\x03\x04rest') })).toBe('xlsx');
    expect(fileFormat({ name: 'upload', data: Buffer.from('a;b') })).toBe('csv');
  });
});
