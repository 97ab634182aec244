/**
 * Reading a CSV export: the encoding (BOM, UTF-8, else Windows-1252, which French Excel writes), the
 * delimiter (`;` for French exports, whose decimal comma rules out `,`), and rows numbered as a
 * spreadsheet shows them (header = row 1, blank lines counted, a quoted multi-line cell is one row).
 */
import { once } from 'node:events';

import { parse } from 'csv-parse';

import type { FileInput, SourceRow } from '../contract.js';
import { ConnectorError } from '../errors.js';

export type CsvEncoding = 'auto' | 'utf-8' | 'windows-1252' | 'latin1' | 'utf-16le';
export type CsvDelimiter = 'auto' | ';' | ',' | '\t' | '|';

export interface CsvOptions {
  /** @defaultValue "auto": a BOM decides, else UTF-8 if the bytes are valid UTF-8, else Windows-1252. */
  encoding?: CsvEncoding;
  /** @defaultValue "auto": the most frequent of `;` `,` tab `|` in the header line. */
  delimiter?: CsvDelimiter;
  /** The row that holds the headers; rows above it (titles) are skipped. @defaultValue 1 */
  headerRow?: number;
  /** Rows per page. @defaultValue 5000 */
  pageSize?: number;
}

/** Decodes a file's bytes; says which encoding it used. */
export function decodeText(data: Buffer, encoding: CsvEncoding = 'auto'): { text: string; encoding: string } {
  if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
    return { text: decodeStrict(data.subarray(3), 'utf-8'), encoding: 'utf-8' };
  }
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(data.subarray(2)), encoding: 'utf-16le' };
  }
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(data.subarray(2)), encoding: 'utf-16be' };
  }
  if (encoding === 'auto') {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(data), encoding: 'utf-8' };
    } catch {
      return { text: decodeWindows1252(data), encoding: 'windows-1252' };
    }
  }
  if (encoding === 'utf-8') return { text: decodeStrict(data, 'utf-8'), encoding };
  if (encoding === 'utf-16le') return { text: new TextDecoder('utf-16le').decode(data), encoding };
  // "latin1" files from Windows are Windows-1252 (its superset for 0x80–0x9F: €, œ, ’ …), as in WHATWG.
  return { text: decodeWindows1252(data), encoding: 'windows-1252' };
}

/** Windows-1252 in 0x80–0x9F (the rest is Latin-1). */
const CP1252_HIGH: Record<number, string> = {
  0x80: '\u20ac',
  0x82: '\u201a',
  0x83: '\u0192',
  0x84: '\u201e',
  0x85: '\u2026',
  0x86: '\u2020',
  0x87: '\u2021',
  0x88: '\u02c6',
  0x89: '\u2030',
  0x8a: '\u0160',
  0x8b: '\u2039',
  0x8c: '\u0152',
  0x8e: '\u017d',
  0x91: '\u2018',
  0x92: '\u2019',
  0x93: '\u201c',
  0x94: '\u201d',
  0x95: '\u2022',
  0x96: '\u2013',
  0x97: '\u2014',
  0x98: '\u02dc',
  0x99: '\u2122',
  0x9a: '\u0161',
  0x9b: '\u203a',
  0x9c: '\u0153',
  0x9e: '\u017e',
  0x9f: '\u0178',
};

/**
 * Decodes Windows-1252 (what French Excel writes as "CSV (séparateur : point-virgule)"). Node's own
 * TextDecoder("windows-1252") decodes 0x80–0x9F as Latin-1 control characters on builds without
 * full ICU data, losing €, œ and the ’ of "Date d’expédition"; this does not depend on ICU.
 */
export function decodeWindows1252(data: Buffer): string {
  return data.toString('latin1').replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0)] ?? c);
}

function decodeStrict(data: Uint8Array, label: string): string {
  try {
    return new TextDecoder(label, { fatal: true }).decode(data);
  } catch (err) {
    throw new ConnectorError(
      'RMDX_CONN_BAD_FILE',
      'the file is not valid UTF-8; if it was saved by Excel in French, set the encoding to windows-1252',
      { cause: err },
    );
  }
}

/** The delimiter of a header line: the most frequent candidate outside quotes (`;` wins ties). */
export function detectDelimiter(line: string): ';' | ',' | '\t' | '|' {
  const counts = { ';': 0, ',': 0, '\t': 0, '|': 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  let best: keyof typeof counts = ';';
  for (const c of [',', '\t', '|'] as const) if (counts[c] > counts[best]) best = c;
  return best;
}

/** The header line (line `headerRow`, counting physical lines; good enough to find the delimiter). */
function headerLine(text: string, headerRow: number): string {
  let start = 0;
  for (let i = 1; i < headerRow; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end);
}

/** Header cells made usable as keys: trimmed, unique, never empty. */
export function cleanHeaders(cells: unknown[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((c, i) => {
    let h = (c === undefined || c === null ? '' : String(c)).replace(/^\uFEFF/, '').trim();
    if (h === '') h = `Column ${i + 1}`;
    const n = seen.get(h) ?? 0;
    seen.set(h, n + 1);
    return n === 0 ? h : `${h} (${n + 1})`;
  });
}

const CHUNK = 1 << 16;

/**
 * Reads a CSV file into pages of rows. The stream of every row is the file name; `skipBefore`
 * skips rows numbered below it (resuming a file read half-way).
 */
export async function* readCsv(
  file: FileInput,
  opts: CsvOptions = {},
  skipBefore = 0,
): AsyncGenerator<SourceRow[]> {
  const headerRow = opts.headerRow ?? 1;
  const pageSize = opts.pageSize ?? 5000;
  const { text } = decodeText(file.data, opts.encoding);
  const delimiter =
    !opts.delimiter || opts.delimiter === 'auto'
      ? detectDelimiter(headerLine(text, headerRow))
      : opts.delimiter;
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  });
  let feedError: unknown;
  const feed = (async () => {
    try {
      for (let i = 0; i < text.length; i += CHUNK) {
        if (!parser.write(text.slice(i, i + CHUNK))) await once(parser, 'drain');
      }
      parser.end();
    } catch (err) {
      feedError = err;
    }
  })();

  let rowNumber = 0;
  let headers: string[] | null = null;
  let page: SourceRow[] = [];
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      rowNumber++;
      if (rowNumber < headerRow) continue;
      if (headers === null) {
        headers = cleanHeaders(cells);
        continue;
      }
      if (rowNumber < skipBefore) continue;
      let blank = true;
      for (const c of cells) {
        if (c !== '' && c.trim() !== '') {
          blank = false;
          break;
        }
      }
      if (blank) continue;
      const data: Record<string, unknown> = {};
      for (let i = 0; i < headers.length; i++) data[headers[i]!] = cells[i] ?? '';
      const row: SourceRow = { stream: file.name, rowNumber, data, file: file.name };
      if (cells.length > headers.length) {
        const extra = cells.slice(headers.length).filter((c) => c.trim() !== '').length;
        if (extra > 0) {
          row.malformed = `the row has ${headers.length + extra} cells but the header has ${headers.length}; is there a "${delimiter === '\t' ? 'tab' : delimiter}" inside an unquoted value?`;
        }
      }
      page.push(row);
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
  } catch (err) {
    throw new ConnectorError(
      'RMDX_CONN_BAD_FILE',
      `${file.name}: row ${rowNumber + 1}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  } finally {
    await feed;
  }
  if (feedError)
    throw new ConnectorError('RMDX_CONN_BAD_FILE', `${file.name}: ${String(feedError)}`, {
      cause: feedError,
    });
  if (headers === null)
    throw new ConnectorError('RMDX_CONN_BAD_FILE', `${file.name}: no header row (row ${headerRow})`);
  if (page.length > 0) yield page;
}
