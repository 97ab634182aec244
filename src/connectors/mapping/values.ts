/**
 * Reading numbers and dates the way national exports write them: decimal commas, thousands
 * separators (space, no-break space, point, comma, apostrophe), dd/mm/yyyy, Excel serial dates and
 * the JS Dates exceljs makes of date cells. Pure functions, no exceptions: a value is either read,
 * empty (undefined) or a Failure saying why not.
 */

/** Why a value could not be read. */
export class Failure {
  constructor(
    readonly code: 'RMDX_MAP_UNPARSABLE_NUMBER' | 'RMDX_MAP_AMBIGUOUS_NUMBER' | 'RMDX_MAP_UNPARSABLE_DATE',
    readonly expected: string,
    readonly expectedFr: string,
    readonly reason?: string,
    readonly reasonFr?: string,
  ) {}
}

export const isFailure = (v: unknown): v is Failure => v instanceof Failure;

/** Which character separates the decimals; `auto` decides per value and refuses ambiguous ones. */
export type DecimalSeparator = ',' | '.' | 'auto';

/** The order of day, month and year in slashed or dashed dates. */
export type DateOrder = 'dmy' | 'mdy';

const NUMBER_FAIL = new Failure(
  'RMDX_MAP_UNPARSABLE_NUMBER',
  'a number such as 1 234,56',
  'un nombre comme 1 234,56',
);
const NUMBER_AMBIGUOUS = new Failure(
  'RMDX_MAP_AMBIGUOUS_NUMBER',
  'a number with a declared decimal separator',
  'un nombre dont le séparateur décimal est déclaré',
);
const DATE_EXPECTED = 'a date such as 24/03/2026 or 2026-03-24';
const DATE_EXPECTED_FR = 'une date comme 24/03/2026 ou 2026-03-24';
const DATE_FAIL = new Failure('RMDX_MAP_UNPARSABLE_DATE', DATE_EXPECTED, DATE_EXPECTED_FR);
const TIMESTAMP_EXPECTED = 'a date and time such as 24/03/2026 14:30 or 2026-03-24T14:30:00+02:00';
const TIMESTAMP_EXPECTED_FR = 'une date et une heure comme 24/03/2026 14:30 ou 2026-03-24T14:30:00+02:00';
const TIMESTAMP_FAIL = new Failure('RMDX_MAP_UNPARSABLE_DATE', TIMESTAMP_EXPECTED, TIMESTAMP_EXPECTED_FR);

/** Characters used as thousands separators, besides the point and the comma. */
const SPACE_GROUPS = /[ \u00a0\u202f\u2009']/;
const SPACE_GROUPS_G = /[ \u00a0\u202f\u2009']/g;
const PLAIN_NUMBER = /^[-+]?\d+(?:\.\d+)?$/;
const FRENCH_NUMBER = /^-?(?:\d{1,3}(?:([ \u00a0\u202f.])\d{3})?(?:\1\d{3})*|\d+)(?:,\d+)?$/;
const FRENCH_GROUPS = /[ \u00a0\u202f.]/g;

function groupedOk(intPart: string, sep: RegExp | string): boolean {
  const groups = typeof sep === 'string' ? intPart.split(sep) : intPart.split(sep);
  if (groups.length === 1) return /^\d*$/.test(intPart);
  if (!/^\d{1,3}$/.test(groups[0]!)) return false;
  for (let i = 1; i < groups.length; i++) if (!/^\d{3}$/.test(groups[i]!)) return false;
  return true;
}

/**
 * Reads a number written with any common convention. With `decimal` declared, the other marks are
 * thousands separators and must group by three; with `auto`, a lone separator followed by exactly
 * three digits ("1,234", "1.234") could be either and is refused as ambiguous rather than guessed,
 * since a wrong guess changes a mass a thousandfold.
 */
export function parseDecimal(
  input: unknown,
  decimal: DecimalSeparator = 'auto',
): number | undefined | Failure {
  if (input === undefined || input === null) return undefined;
  if (typeof input === 'number') return Number.isFinite(input) ? input : NUMBER_FAIL;
  if (typeof input !== 'string') return NUMBER_FAIL;
  let s = input.trim();
  if (s === '') return undefined;
  // The fast path: what most cells and JSON strings are.
  if (PLAIN_NUMBER.test(s) && (decimal !== ',' || !s.includes('.'))) {
    if (decimal === 'auto' && /^[-+]?[1-9]\d{0,2}\.\d{3}$/.test(s)) return NUMBER_AMBIGUOUS;
    return Number(s);
  }
  // The fast path of declared French numbers: "1 234,56", "1.234,56", "65,2".
  if (decimal === ',' && FRENCH_NUMBER.test(s)) return Number(s.replace(FRENCH_GROUPS, '').replace(',', '.'));
  let sign = '';
  if (/^[-+\u2212]/.test(s)) {
    sign = s[0] === '+' ? '' : '-';
    s = s.slice(1).trimStart();
  }
  let exponent = '';
  const exp = /[eE]([-+]?\d{1,3})$/.exec(s);
  if (exp) {
    exponent = `e${exp[1]}`;
    s = s.slice(0, exp.index);
  }
  if (s === '' || /[^\d.,\u0020\u00a0\u202f\u2009']/.test(s)) return NUMBER_FAIL;
  const hasSpaceGroups = SPACE_GROUPS.test(s);
  let dec: ',' | '.' | null;
  if (decimal !== 'auto') dec = decimal;
  else {
    const lastComma = s.lastIndexOf(',');
    const lastPoint = s.lastIndexOf('.');
    if (lastComma >= 0 && lastPoint >= 0) dec = lastComma > lastPoint ? ',' : '.';
    else if (lastComma < 0 && lastPoint < 0) dec = null;
    else {
      const mark = lastComma >= 0 ? ',' : '.';
      const parts = s.split(mark);
      if (parts.length > 2) dec = null;
      else {
        const [before, after] = parts as [string, string];
        if (after.length !== 3 || hasSpaceGroups || !/^[1-9]\d{0,2}$/.test(before)) dec = mark;
        else return NUMBER_AMBIGUOUS;
      }
    }
  }
  let intPart = s;
  let frac = '';
  if (dec !== null) {
    const at = s.lastIndexOf(dec);
    if (at >= 0) {
      intPart = s.slice(0, at);
      frac = s.slice(at + 1);
      if (!/^\d+$/.test(frac)) return NUMBER_FAIL;
    }
  }
  const other = dec === ',' ? '.' : dec === '.' ? ',' : null;
  // Thousands separators: the other mark, or space-like ones; one kind per number.
  let digits: string;
  if (other !== null && intPart.includes(other)) {
    if (SPACE_GROUPS.test(intPart) || !groupedOk(intPart, other)) return NUMBER_FAIL;
    digits = intPart.split(other).join('');
  } else if (dec === null && (intPart.includes(',') || intPart.includes('.'))) {
    const mark = intPart.includes(',') ? ',' : '.';
    if (intPart.includes(mark === ',' ? '.' : ',') || SPACE_GROUPS.test(intPart)) return NUMBER_FAIL;
    if (!groupedOk(intPart, mark)) return NUMBER_FAIL;
    digits = intPart.split(mark).join('');
  } else if (SPACE_GROUPS.test(intPart)) {
    if (!groupedOk(intPart, SPACE_GROUPS)) return NUMBER_FAIL;
    digits = intPart.replace(SPACE_GROUPS_G, '');
  } else {
    if (!/^\d*$/.test(intPart)) return NUMBER_FAIL;
    digits = intPart;
  }
  if (digits === '' && frac === '') return NUMBER_FAIL;
  const n = Number(`${sign}${digits || '0'}${frac ? `.${frac}` : ''}${exponent}`);
  return Number.isFinite(n) ? n : NUMBER_FAIL;
}

/** Formats a number as a French export would (for tests and fixtures): "1 234,56". */
export function formatFrench(n: number, decimals: number, group = '\u202f'): string {
  const fixed = Math.abs(n).toFixed(decimals);
  const [int, frac] = fixed.split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${n < 0 ? '-' : ''}${grouped}${frac ? `,${frac}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');

function isValidYmd(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= days[m - 1]!;
}

function ymd(y: number, m: number, d: number): string | Failure {
  if (!isValidYmd(y, m, d)) {
    return new Failure(
      'RMDX_MAP_UNPARSABLE_DATE',
      DATE_EXPECTED,
      DATE_EXPECTED_FR,
      `there is no day ${pad2(d)}/${pad2(m)}/${y}`,
      `le ${pad2(d)}/${pad2(m)}/${y} n'existe pas`,
    );
  }
  return `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
}

function fullYear(y: string): number {
  const n = Number(y);
  if (y.length === 2) return n < 70 ? 2000 + n : 1900 + n;
  return n;
}

const MONTHS: Record<string, number> = {};
for (const [names, m] of [
  ['janvier janv jan january', 1],
  ['fevrier fevr fev feb february', 2],
  ['mars mar march', 3],
  ['avril avr apr april', 4],
  ['mai may', 5],
  ['juin jun june', 6],
  ['juillet juil jul july', 7],
  ['aout aou aug august', 8],
  ['septembre sept sep september', 9],
  ['octobre oct october', 10],
  ['novembre nov november', 11],
  ['decembre dec december', 12],
] as const)
  for (const n of names.split(' ')) MONTHS[n] = m;

/** The wall-clock parts of an Excel serial (days since 1899-12-30, fraction = time of day). */
function fromExcelSerial(serial: number): Date | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2958466) return undefined;
  // Excel counts a 29 February 1900 that never was (serial 60); serials before it are one day off.
  if (Math.floor(serial) === 60) return undefined;
  const adjusted = serial < 60 ? serial + 1 : serial;
  return new Date(EXCEL_EPOCH + Math.round(adjusted * DAY_MS));
}

/** Excel serial of a calendar date (for tests and fixtures). */
export function toExcelSerial(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const serial = (Date.UTC(y, m - 1, d) - EXCEL_EPOCH) / DAY_MS;
  return serial < 61 ? serial - 1 : serial;
}

interface Parts {
  y: number;
  m: number;
  d: number;
  /** Time of day, when the value had one. */
  time?: { h: number; mi: number; s: number; frac: string };
  /** The offset written in the value ("Z", "+02:00"), when it had one. */
  offset?: string;
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(.*))?$/;
const YMD_SLASH = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:\s+(.*))?$/;
const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:(?:\s+|T)(.*))?$/;
const NAMED_MONTH = /^(\d{1,2})(?:er)?[\s./-]*([a-z]+)\.?[\s./-]*(\d{4}|\d{2})(?:\s+(.*))?$/;
const TIME = /^(\d{1,2})(?::|h)(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function partsFromDate(date: Date): Parts | Failure {
  if (Number.isNaN(date.getTime())) return DATE_FAIL;
  // exceljs hands date cells over as the wall-clock time in UTC components.
  return {
    y: date.getUTCFullYear(),
    m: date.getUTCMonth() + 1,
    d: date.getUTCDate(),
    time: { h: date.getUTCHours(), mi: date.getUTCMinutes(), s: date.getUTCSeconds(), frac: '' },
  };
}

function parseParts(input: unknown, order: DateOrder): Parts | undefined | Failure {
  if (input === undefined || input === null) return undefined;
  if (input instanceof Date) return partsFromDate(input);
  if (typeof input === 'number') {
    if (Number.isInteger(input) && input >= 19000101 && input <= 29991231) {
      return { y: Math.floor(input / 10000), m: Math.floor(input / 100) % 100, d: input % 100 };
    }
    const date = fromExcelSerial(input);
    return date ? partsFromDate(date) : DATE_FAIL;
  }
  if (typeof input !== 'string') return DATE_FAIL;
  const s = input.trim();
  if (s === '') return undefined;
  let y: number, m: number, d: number, rest: string | undefined;
  let match = ISO_DATE.exec(s) ?? YMD_SLASH.exec(s);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
    d = Number(match[3]);
    rest = match[4];
  } else if ((match = DMY.exec(s))) {
    const a = Number(match[1]);
    const b = Number(match[2]);
    [d, m] = order === 'dmy' ? [a, b] : [b, a];
    y = fullYear(match[3]!);
    rest = match[4];
  } else if (
    (match = NAMED_MONTH.exec(
      s
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase(),
    ))
  ) {
    const month = MONTHS[match[2]!];
    if (!month) return DATE_FAIL;
    d = Number(match[1]);
    m = month;
    y = fullYear(match[3]!);
    rest = match[4];
  } else if (/^\d{8}$/.test(s)) {
    y = Number(s.slice(0, 4));
    m = Number(s.slice(4, 6));
    d = Number(s.slice(6, 8));
  } else if (/^\d{5}(?:[.,]\d+)?$/.test(s)) {
    const date = fromExcelSerial(Number(s.replace(',', '.')));
    return date ? partsFromDate(date) : DATE_FAIL;
  } else return DATE_FAIL;
  const checked = ymd(y, m, d);
  if (checked instanceof Failure) return checked;
  const parts: Parts = { y, m, d };
  if (rest !== undefined && rest.trim() !== '') {
    const t = TIME.exec(rest.trim());
    if (!t) return DATE_FAIL;
    const h = Number(t[1]);
    const mi = Number(t[2]);
    const sec = t[3] === undefined ? 0 : Number(t[3]);
    if (h > 23 || mi > 59 || sec > 59) {
      return new Failure(
        'RMDX_MAP_UNPARSABLE_DATE',
        TIMESTAMP_EXPECTED,
        TIMESTAMP_EXPECTED_FR,
        `there is no time ${t[1]}:${t[2]}`,
        `l'heure ${t[1]}:${t[2]} n'existe pas`,
      );
    }
    parts.time = { h, mi, s: sec, frac: t[4] ?? '' };
    if (t[5]) parts.offset = normaliseOffset(t[5]);
  }
  return parts;
}

/** "+0200" → "+02:00", "z" → "Z". */
function normaliseOffset(offset: string): string {
  if (offset.toUpperCase() === 'Z') return 'Z';
  const digits = offset.replace(':', '');
  return `${digits.slice(0, 3)}:${digits.slice(3, 5)}`;
}

const OFFSET = /^(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;

/** Whether a time zone offset option is of the form "Z" or "+02:00". */
export function isOffset(value: string): boolean {
  return OFFSET.test(value);
}

/**
 * Reads a calendar date → "YYYY-MM-DD". Accepts dd/mm/yyyy (or mm/dd/yyyy with order "mdy"),
 * dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd (a time part is ignored), "24 mars 2026", yyyymmdd, Excel
 * serial numbers and JS Dates (exceljs date cells, read in UTC). Impossible days (31/02) fail.
 */
export function parseDate(input: unknown, order: DateOrder = 'dmy'): string | undefined | Failure {
  const p = parseParts(input, order);
  if (p === undefined || p instanceof Failure) return p;
  return `${pad4(p.y)}-${pad2(p.m)}-${pad2(p.d)}`;
}

/**
 * Reads a date and time → RFC 3339 ("2026-03-24T14:30:00+02:00"). A value that carries its own
 * offset keeps it; otherwise the wall-clock time is taken in `offset` (the national system's time
 * zone, e.g. "+02:00" for Kigali, Bujumbura, Lubumbashi and Goma). A date alone is midnight.
 */
export function parseTimestamp(
  input: unknown,
  offset = 'Z',
  order: DateOrder = 'dmy',
): string | undefined | Failure {
  const p = parseParts(input, order);
  if (p === undefined) return undefined;
  if (p instanceof Failure) {
    return p === DATE_FAIL ? TIMESTAMP_FAIL : p;
  }
  const t = p.time ?? { h: 0, mi: 0, s: 0, frac: '' };
  const frac = t.frac ? `.${t.frac}` : '';
  return `${pad4(p.y)}-${pad2(p.m)}-${pad2(p.d)}T${pad2(t.h)}:${pad2(t.mi)}:${pad2(t.s)}${frac}${p.offset ?? offset}`;
}

/** Epoch milliseconds of an RFC 3339 timestamp (or anything Date.parse reads); NaN when unreadable. */
export function timestampMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  return Date.parse(value);
}
