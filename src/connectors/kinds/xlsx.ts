/**
 * Reading an XLSX workbook: each visible sheet is a stream (its name picks the mapping source), rows
 * keep the numbers Excel shows, and cells become plain values (formulas give their result, rich text
 * its text, date cells JS Dates whose UTC fields are the wall-clock time typed in the sheet).
 */
import ExcelJS from 'exceljs';

import type { FileInput, SourceRow } from '../contract.js';
import { ConnectorError } from '../errors.js';
import { cleanHeaders } from './csv.js';

export interface XlsxOptions {
  /** The row that holds the headers on every sheet. @defaultValue 1 */
  headerRow?: number;
  /** Rows per page. @defaultValue 5000 */
  pageSize?: number;
}

/** A cell's value as a plain value. */
export function cellValue(value: ExcelJS.CellValue): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || value instanceof Date) return value;
  if ('result' in value) return cellValue((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) return undefined;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value)
    return typeof value.text === 'string' ? value.text : cellValue(value.text as ExcelJS.CellValue);
  if ('error' in value) return value.error;
  return String(value);
}

/** Opens a workbook from bytes. */
export async function openWorkbook(file: FileInput): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file.data as unknown as ArrayBuffer);
  } catch (err) {
    throw new ConnectorError(
      'RMDX_CONN_BAD_FILE',
      `${file.name}: not a readable XLSX workbook: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return wb;
}

/**
 * Reads every visible sheet into pages of rows. `skipBefore` (sheet → row number) resumes a read.
 * The stream of a row is its sheet name.
 */
export async function* readXlsx(
  file: FileInput,
  opts: XlsxOptions = {},
  skipBefore: Record<string, number> = {},
): AsyncGenerator<SourceRow[]> {
  const headerRow = opts.headerRow ?? 1;
  const pageSize = opts.pageSize ?? 5000;
  const wb = await openWorkbook(file);
  for (const ws of wb.worksheets) {
    if (ws.state !== 'visible') continue;
    const head = ws.getRow(headerRow);
    const width = Math.max(head.cellCount, 0);
    if (width === 0) continue;
    const headerCells: unknown[] = [];
    for (let c = 1; c <= width; c++) headerCells.push(cellValue(head.getCell(c).value));
    const headers = cleanHeaders(headerCells);
    const skip = skipBefore[ws.name] ?? 0;
    let page: SourceRow[] = [];
    const rows: SourceRow[][] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber <= headerRow || rowNumber < skip) return;
      const data: Record<string, unknown> = {};
      let blank = true;
      for (let c = 1; c <= headers.length; c++) {
        let v = cellValue(row.getCell(c).value);
        if (typeof v === 'string' && v.trim() === '') v = undefined;
        if (v !== undefined) blank = false;
        data[headers[c - 1]!] = v;
      }
      if (blank) return;
      const out: SourceRow = { stream: ws.name, rowNumber, data, file: file.name, sheet: ws.name };
      let extra = 0;
      for (let c = headers.length + 1; c <= row.cellCount; c++)
        if (cellValue(row.getCell(c).value) !== undefined) extra++;
      if (extra > 0) out.malformed = `the row has ${extra} filled cell(s) right of the last headed column`;
      page.push(out);
      if (page.length >= pageSize) {
        rows.push(page);
        page = [];
      }
    });
    if (page.length > 0) rows.push(page);
    for (const p of rows) yield p;
  }
}
