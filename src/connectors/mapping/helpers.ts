/**
 * The functions a mapping expression may call, besides JSONata's own:
 *
 * | function | reads | gives |
 * |---|---|---|
 * | `$decimal(v)` | "1 234,56", "1.234,56", "1,234.56", numbers | a number |
 * | `$integer(v)` | the same, whole | an integer |
 * | `$date(v)` | dd/mm/yyyy, dd-mm-yyyy, yyyy-mm-dd, "24 mars 2026", Excel serials, exceljs Dates | "YYYY-MM-DD" |
 * | `$timestamp(v[, offset])` | the same with a time ("24/03/2026 14:30"), ISO with offset | RFC 3339 |
 * | `$datetime(date, time[, offset])` | a date column and a time column ("14:30", "14h30") | RFC 3339 |
 * | `$mineral(v)`, `$minerals(v)` | "cassitérite", "or", "colombo-tantalite", "wolfram(ite)", "Sn"… | code, list of codes |
 * | `$unit(v)` | "kg", "kilogrammes", "tonnes", "t", "grammes", "onces"… | KGM, TNE, GRM, APZ, LBR |
 * | `$mineStatus(v)` | MDC.01 0–3, "vert", "jaune"… | blue, green, yellow, red |
 * | `$country(v)` | ISO codes, French and English names ("RDC", "Malaisie", "Émirats arabes unis") | alpha-2 |
 * | `$code(list, v)`, `$codes(list, v)` | any built-in or manifest crosswalk | the code, list of codes |
 * | `$list(v[, separators])` | "LOT-1; LOT-2" | ["LOT-1", "LOT-2"] (distinct, in order) |
 * | `$text(v)` | numbers in text columns (ids typed as numbers in a sheet) | a string |
 *
 * Empty input gives nothing (the field is left out). Input that cannot be read is reported as a
 * mapping issue for the row (its column found by its value), and the row produces no record.
 */
import type { IssueDetail, MappingIssueCode } from '../mapping-issues.js';
import type { CodeTable } from './crosswalks.js';
import { lookupCode } from './crosswalks.js';
import {
  Failure,
  isOffset,
  parseDate,
  parseDecimal,
  parseTimestamp,
  type DateOrder,
  type DecimalSeparator,
} from './values.js';

export const helperNames: ReadonlySet<string> = new Set([
  'decimal',
  'integer',
  'date',
  'timestamp',
  'datetime',
  'mineral',
  'minerals',
  'unit',
  'mineStatus',
  'country',
  'code',
  'codes',
  'list',
  'text',
]);

/** Where helpers report what they could not read. */
export interface HelperReporter {
  report(code: MappingIssueCode, value: unknown, detail: IssueDetail): void;
}

export interface HelperOptions {
  decimalSeparator: DecimalSeparator;
  dateOrder: DateOrder;
  timezone: string;
  codeTables: Map<string, CodeTable>;
}

/** An error in the expression itself (a helper misused): the row fails with RMDX_MAP_EXPRESSION_FAILED. */
export class HelperUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HelperUsageError';
  }
}

const TIME_FAIL = new Failure(
  'RMDX_MAP_UNPARSABLE_DATE',
  'a time such as 14:30 or 14h30',
  'une heure comme 14:30 ou 14h30',
);

/** "14:30", "14h30", "14:30:05", an Excel time fraction or a Date → "HH:MM:SS"; undefined when empty. */
function parseTime(v: unknown): string | undefined | Failure {
  if (v === undefined || v === null) return undefined;
  const p2 = (n: number) => String(n).padStart(2, '0');
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return TIME_FAIL;
    return `${p2(v.getUTCHours())}:${p2(v.getUTCMinutes())}:${p2(v.getUTCSeconds())}`;
  }
  if (typeof v === 'number') {
    if (!(v >= 0 && v < 1)) return TIME_FAIL;
    const s = Math.round(v * 86_400);
    return `${p2(Math.floor(s / 3600))}:${p2(Math.floor((s % 3600) / 60))}:${p2(s % 60)}`;
  }
  if (typeof v !== 'string') return TIME_FAIL;
  const t = v.trim();
  if (t === '') return undefined;
  const m = /^(\d{1,2})\s*[:hH]\s*(\d{2})(?::(\d{2}))?$/.exec(t);
  if (!m) return TIME_FAIL;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return TIME_FAIL;
  return `${p2(h)}:${p2(mi)}:${p2(s)}`;
}

const LIST_SEPARATORS = /\s*[,;|\n]\s*/;
const MINERAL_SEPARATORS = /\s*(?:[,;/|+\n]|\s+et\s+|\s+and\s+|\s+&\s+)\s*/i;

export function createHelpers(
  opts: HelperOptions,
  reporter: HelperReporter,
): Record<string, (...a: unknown[]) => unknown> {
  const table = (name: string): CodeTable => {
    const t = opts.codeTables.get(name);
    if (!t) throw new HelperUsageError(`there is no crosswalk named "${name}"`);
    return t;
  };
  const mineralTable = table('mineral');
  const unitTable = table('unit');
  const statusTable = table('mineStatus');
  const countryTable = table('country');

  const fail = (f: Failure, v: unknown): undefined => {
    reporter.report(f.code, v, {
      expected: f.expected,
      expectedFr: f.expectedFr,
      ...(f.reason && { reason: f.reason }),
      ...(f.reasonFr && { reasonFr: f.reasonFr }),
    });
    return undefined;
  };
  const code = (t: CodeTable, list: string, v: unknown): string | undefined => {
    if (Array.isArray(v)) {
      reporter.report('RMDX_MAP_UNKNOWN_CODE', v, {
        list,
        reason: ': one value was expected, not a list',
        reasonFr: ' : une seule valeur était attendue, pas une liste',
      });
      return undefined;
    }
    const c = lookupCode(t, v);
    if (c === null) {
      reporter.report('RMDX_MAP_UNKNOWN_CODE', v, { list });
      return undefined;
    }
    return c;
  };
  /** A list of codes ("coltan, cassitérite"): each item looked up, each unknown one reported. */
  const codes = (t: CodeTable, list: string, v: unknown): string[] | undefined => {
    const items = splitList(v, MINERAL_SEPARATORS);
    if (!items || items.length === 0) return undefined;
    const out: string[] = [];
    let bad = false;
    for (const item of items) {
      const c = lookupCode(t, item);
      if (c === null || c === undefined) {
        reporter.report('RMDX_MAP_UNKNOWN_CODE', item, { list });
        bad = true;
      } else if (!out.includes(c)) out.push(c);
    }
    return bad ? undefined : out;
  };
  const decimal = (v: unknown): number | undefined => {
    const n = parseDecimal(v, opts.decimalSeparator);
    return n instanceof Failure ? fail(n, v) : n;
  };
  const splitList = (v: unknown, sep: RegExp): unknown[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) return v.filter((x) => x !== undefined && x !== null && x !== '');
    if (typeof v === 'string')
      return v
        .split(sep)
        .map((x) => x.trim())
        .filter((x) => x !== '');
    return [v];
  };

  return {
    decimal,
    integer(v) {
      const n = decimal(v);
      if (n === undefined) return undefined;
      if (!Number.isInteger(n)) {
        reporter.report('RMDX_MAP_UNPARSABLE_NUMBER', v, {
          expected: 'a whole number',
          expectedFr: 'un nombre entier',
        });
        return undefined;
      }
      return n;
    },
    date(v) {
      const d = parseDate(v, opts.dateOrder);
      return d instanceof Failure ? fail(d, v) : d;
    },
    timestamp(v, offset) {
      if (offset !== undefined && (typeof offset !== 'string' || !isOffset(offset))) {
        throw new HelperUsageError(
          `$timestamp: the offset must be "Z" or like "+02:00", not ${JSON.stringify(offset)}`,
        );
      }
      const t = parseTimestamp(v, (offset as string | undefined) ?? opts.timezone, opts.dateOrder);
      return t instanceof Failure ? fail(t, v) : t;
    },
    datetime(dateValue, timeValue, offset) {
      if (offset !== undefined && (typeof offset !== 'string' || !isOffset(offset))) {
        throw new HelperUsageError(
          `$datetime: the offset must be "Z" or like "+02:00", not ${JSON.stringify(offset)}`,
        );
      }
      const d = parseDate(dateValue, opts.dateOrder);
      let ok = true;
      if (d instanceof Failure) {
        fail(d, dateValue);
        ok = false;
      }
      const t = parseTime(timeValue);
      if (t instanceof Failure) {
        fail(t, timeValue);
        ok = false;
      }
      if (!ok || d === undefined) return undefined;
      return `${d as string}T${(t as string | undefined) ?? '00:00:00'}${(offset as string | undefined) ?? opts.timezone}`;
    },
    mineral: (v) => code(mineralTable, 'mineral', v),
    minerals: (v) => codes(mineralTable, 'mineral', v),
    unit: (v) => code(unitTable, 'unit', v),
    mineStatus: (v) => code(statusTable, 'mineStatus', v),
    country: (v) => code(countryTable, 'country', v),
    code(list, v) {
      if (typeof list !== 'string')
        throw new HelperUsageError('$code: the first argument is the crosswalk name');
      return code(table(list), list, v);
    },
    codes(list, v) {
      if (typeof list !== 'string')
        throw new HelperUsageError('$codes: the first argument is the crosswalk name');
      return codes(table(list), list, v);
    },
    list(v, separators) {
      let sep = LIST_SEPARATORS;
      if (separators !== undefined) {
        if (typeof separators !== 'string' || separators === '') {
          throw new HelperUsageError('$list: the separators are a string of characters, e.g. ";,"');
        }
        sep = new RegExp(`\\s*[${separators.replace(/[\]\\^-]/g, '\\$&')}]\\s*`);
      }
      const items = splitList(v, sep);
      if (!items || items.length === 0) return undefined;
      const out: unknown[] = [];
      for (const item of items) {
        const x = typeof item === 'number' ? String(item) : item;
        if (!out.includes(x)) out.push(x);
      }
      return out;
    },
    text(v) {
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
      if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
      if (typeof v === 'boolean') return String(v);
      if (v instanceof Date) {
        const d = parseDate(v);
        return typeof d === 'string' ? d : undefined;
      }
      return undefined;
    },
  };
}
