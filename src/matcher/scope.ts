import type { MatcherSettings } from './settings.js';

/**
 * What a run covers. Reported: exports shipped and imports arrived in [periodFrom, periodTo], and the
 * aggregates of those months. Matched against: a context that reaches back so that an import of the
 * first month can meet its export of up to `window.after` days earlier (that export's own link is
 * reported by the run of its month), and forward so that an export of the last month can meet its import.
 */
export interface RunScope {
  runId: string;
  runSeq: number;
  periodFrom: string;
  periodTo: string;
  exporting: string | null;
  importing: string | null;
  /** YYYY-MM-DD */
  asOf: string;
  /** First and last day reported. */
  from: string;
  to: string;
  /** Exports matched from this day (context before `from`). */
  exportsFrom: string;
  /** Imports matched from / to these days. */
  importsFrom: string;
  importsTo: string;
  /** The member states (codelist memberState), sorted. */
  members: string[];
  /** Months reported, YYYY-MM, in order. */
  months: string[];
  /** Months of the context (from exportsFrom's month to periodTo), for rolling aggregates. */
  contextMonths: string[];
}

export const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function lastDayOf(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export function addMonths(period: string, n: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = from; p <= to; p = addMonths(p, 1)) out.push(p);
  return out;
}

export function buildScope(
  run: {
    id: string;
    seq: number;
    period_from: string;
    period_to: string;
    exporting_country: string | null;
    importing_country: string | null;
    as_of: string;
  },
  settings: MatcherSettings,
  members: readonly string[],
): RunScope {
  const after = Math.max(settings.window.gold.after, settings.window['3t'].after);
  const before = Math.max(settings.window.gold.before, settings.window['3t'].before);
  const from = `${run.period_from}-01`;
  const to = lastDayOf(run.period_to);
  const exportsFrom = addDays(from, -after);
  return {
    runId: run.id,
    runSeq: run.seq,
    periodFrom: run.period_from,
    periodTo: run.period_to,
    exporting: run.exporting_country,
    importing: run.importing_country,
    asOf: run.as_of,
    from,
    to,
    exportsFrom,
    importsFrom: addDays(exportsFrom, -before),
    importsTo: addDays(to, after),
    members: [...members].sort(),
    months: monthsBetween(run.period_from, run.period_to),
    contextMonths: monthsBetween(exportsFrom.slice(0, 7), run.period_to),
  };
}

/**
 * The parameters every scope predicate uses, in this order ($1..$8); statement-specific parameters
 * follow from $9.
 */
export function scopeParams(s: RunScope): unknown[] {
  return [s.exportsFrom, s.to, s.importsFrom, s.importsTo, s.members, s.exporting, s.importing, s.from];
}

/** Exports matched by the run (alias e). */
export const exportScopeSql = `NOT e.is_void
  AND e.shipped_on BETWEEN $1::date AND $2::date
  AND e.country = ANY($5::char(2)[]) AND e.destination_country = ANY($5::char(2)[])
  AND e.destination_country <> e.country
  AND ($6::char(2) IS NULL OR e.country = $6::char(2))
  AND ($7::char(2) IS NULL OR e.destination_country = $7::char(2))`;

/** The exporting state of an import: where it was consigned from, else its declared origin. */
export const importExportingSql = `coalesce(i.consignment_country, i.origin_country)`;

/** Imports matched by the run (alias i). */
export const importScopeSql = `NOT i.is_void
  AND i.arrived_on BETWEEN $3::date AND $4::date
  AND ${importExportingSql} = ANY($5::char(2)[]) AND i.country = ANY($5::char(2)[])
  AND ${importExportingSql} <> i.country
  AND ($6::char(2) IS NULL OR ${importExportingSql} = $6::char(2))
  AND ($7::char(2) IS NULL OR i.country = $7::char(2))`;
