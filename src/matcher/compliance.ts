import type { Queryable } from '../db/pool.js';
import { codeSpecs, discrepancyCodes } from './codes.js';
import type { MatcherContext } from './run.js';
import { addMonths, type RunScope } from './scope.js';
import type { MatcherSettings } from './settings.js';

/**
 * Compliance per member state and month (research §4), from the current results (each cell's latest
 * completed run) and the follow-up of discrepancies:
 *
 * 1. timeliness — share of the last n months (those already due) whose report was on time: a completed
 *    batch for the month finished by the reporting deadline (the end, UTC, of day `deadlineDay` of the
 *    next month: RMDX_REPORTING_DEADLINE_DAY, the same deadline the console's completeness page uses);
 * 2. certificate coverage — share of the state's exports of the month carrying a certificate number
 *    (certifying states only);
 * 3. confirmation rate — share of partners' certified exports to the state, whose lag window has closed
 *    or that are linked, that the state's imports confirm (linked);
 * 4. reliability index — median over the state's member corridors and minerals of |log mirror ratio|
 *    over the rolling 3 months (cells above the floor);
 * 5. open major items — current major discrepancies of the month the state answers for, still open;
 *    overdue when first seen more than `overdueDays` ago.
 *
 * Band: compliant when 3 ≥ confirmationCompliant, 4 ≤ log(reliabilityRatio) and nothing is overdue;
 * partial when 3 ≥ confirmationPartial; else non_compliant. A figure without data (no certified
 * exports to confirm, no corridor above the floor) does not count against the state.
 */
export type Band = 'compliant' | 'partial' | 'non_compliant';

export interface ComplianceFigures {
  confirmationRate: number | null;
  reliabilityIndex: number | null;
  overdueMajorItems: number;
}

export function bandOf(f: ComplianceFigures, s: MatcherSettings['compliance']): Band {
  const confirmation = f.confirmationRate ?? 1;
  const reliable = f.reliabilityIndex === null || f.reliabilityIndex <= Math.log(s.reliabilityRatio) + 1e-12;
  if (confirmation >= s.confirmationCompliant && reliable && f.overdueMajorItems === 0) return 'compliant';
  if (confirmation >= s.confirmationPartial) return 'partial';
  return 'non_compliant';
}

const penaltyCodes = discrepancyCodes.filter((c) => codeSpecs[c].penalty);
const ITEMS_LISTED = 500;

/** The current discrepancies: those of each cell's latest completed run. */
export const currentDiscrepanciesSql = `SELECT d.* FROM reconciliation_discrepancies d
  JOIN reconciliation_cells c ON c.run_seq = d.run_seq AND c.exporting_country = d.exporting_country
   AND c.importing_country = d.importing_country AND c.period = d.period`;

export const currentFlowsSql = `SELECT f.* FROM reconciliation_flows f
  JOIN reconciliation_cells c ON c.run_seq = f.run_seq AND c.exporting_country = f.exporting_country
   AND c.importing_country = f.importing_country AND c.period = f.period`;

interface Key {
  country: string;
  period: string;
}
const k = (c: string, p: string) => `${c}|${p}`;

export async function recomputeCompliance(
  ctx: MatcherContext,
  runSeq: number,
  scope: RunScope,
): Promise<number> {
  // The run just wrote its results: without fresh statistics the planner takes the results tables for
  // nearly empty after a first large run and joins them by nested loops (minutes instead of < 1 s).
  await ctx.pool
    .query(
      'ANALYZE reconciliation_discrepancies, reconciliation_flows, reconciliation_cells, discrepancy_followups',
    )
    .catch(() => undefined);
  const states =
    scope.exporting || scope.importing
      ? [...new Set([scope.exporting, scope.importing].filter((x): x is string => x !== null))]
      : scope.members;
  return computeCompliance(
    ctx.pool,
    ctx.settings,
    runSeq,
    states,
    scope.months,
    ctx.certifying,
    ctx.now(),
    ctx.deadlineDay,
  );
}

export async function computeCompliance(
  db: Queryable,
  s: MatcherSettings,
  runSeq: number,
  states: readonly string[],
  months: readonly string[],
  certifying: readonly string[],
  now: Date,
  deadlineDay = 15,
): Promise<number> {
  const c = s.compliance;
  const keys: Key[] = states.flatMap((country) => months.map((period) => ({ country, period })));
  if (keys.length === 0) return 0;
  const firstMonth = addMonths(months[0]!, -(c.timelinessMonths - 1));
  const lastMonth = months[months.length - 1]!;

  // 1. Timeliness: per state and month, the first completed batch and when it finished.
  const reports = await db.query<{ country: string; period: string; finished_at: Date; batch_id: string }>(
    `SELECT DISTINCT ON (reporting_country, period) reporting_country AS country, period,
       coalesce(finished_at, updated_at) AS finished_at, id AS batch_id
     FROM batches
     WHERE reporting_country = ANY($1::char(2)[]) AND period BETWEEN $2 AND $3
       AND status IN ('completed', 'completed_with_errors')
     ORDER BY reporting_country, period, coalesce(finished_at, updated_at)`,
    [states, firstMonth, lastMonth],
  );
  const report = new Map(reports.rows.map((r) => [k(r.country.trim(), r.period), r]));
  const dueOf = (period: string) =>
    new Date(`${addMonths(period, 1)}-${String(deadlineDay).padStart(2, '0')}T23:59:59.999Z`).getTime();

  // 2–4 from the current flows.
  const flows = await db.query<{
    exporting_country: string;
    importing_country: string;
    mineral: string;
    period: string;
    member: boolean;
    export_count: number;
    certified_export_count: number;
    confirmable_export_count: number;
    confirmed_export_count: number;
    export_kg_3m: number | null;
    import_kg_3m: number | null;
  }>(
    `${currentFlowsSql}
     WHERE f.period = ANY($1::text[])
       AND (f.exporting_country = ANY($2::char(2)[]) OR f.importing_country = ANY($2::char(2)[]))`,
    [months, states],
  );
  // 5 and the items behind 3–4, from the current discrepancies.
  const items = await db.query<{
    id: string;
    code: string;
    severity: string;
    exporting_country: string;
    importing_country: string;
    responsible: string | null;
    period: string;
    status: string;
    first_seen_at: Date | null;
  }>(
    `SELECT d.id, d.code, d.severity, d.exporting_country, d.importing_country, d.responsible, d.period,
       coalesce(fu.status, 'open') AS status, fu.first_seen_at
     FROM (${currentDiscrepanciesSql}) d
     LEFT JOIN discrepancy_followups fu ON fu.id = d.id
     WHERE d.period = ANY($1::text[])
       AND (d.exporting_country = ANY($2::char(2)[]) OR d.importing_country = ANY($2::char(2)[]))
       AND (d.severity = 'major' OR d.code IN ('UNMATCHED_EXPORT', 'AGG_ASYMMETRY'))
     ORDER BY d.id`,
    [months, states],
  );

  // One pass to index the rows by month; each state and month then looks at its own.
  const byPeriod = <T extends { period: string }>(xs: readonly T[]) => {
    const m = new Map<string, T[]>();
    for (const x of xs) {
      let list = m.get(x.period);
      if (!list) m.set(x.period, (list = []));
      list.push(x);
    }
    return m;
  };
  const flowsByPeriod = byPeriod(flows.rows);
  const itemsByPeriod = byPeriod(items.rows);
  /** At most this many ids per figure; the figure's href lists them all. */
  const ids = (xs: readonly { id: string }[]) => ({
    items: xs.slice(0, ITEMS_LISTED).map((d) => d.id),
    itemCount: xs.length,
  });

  const rows = keys.map(({ country, period }) => {
    // Timeliness over the last n months already due.
    const window: string[] = [];
    for (let i = c.timelinessMonths - 1; i >= 0; i--) window.push(addMonths(period, -i));
    const due = window.filter((m) => dueOf(m) <= now.getTime());
    const onTime = due.filter((m) => {
      const r = report.get(k(country, m));
      return r !== undefined && r.finished_at.getTime() <= dueOf(m);
    });
    const own = report.get(k(country, period));
    const timeliness = due.length > 0 ? onTime.length / due.length : null;

    const cells = flowsByPeriod.get(period) ?? [];
    const exportsOf = cells.filter((f) => f.exporting_country.trim() === country);
    const exportCount = exportsOf.reduce((a, f) => a + f.export_count, 0);
    const certified = exportsOf.reduce((a, f) => a + f.certified_export_count, 0);
    const coverage = certifying.includes(country) && exportCount > 0 ? certified / exportCount : null;

    const importsOf = cells.filter((f) => f.member && f.importing_country.trim() === country);
    const confirmable = importsOf.reduce((a, f) => a + f.confirmable_export_count, 0);
    const confirmed = importsOf.reduce((a, f) => a + f.confirmed_export_count, 0);
    const confirmation = confirmable > 0 ? Math.min(1, confirmed / confirmable) : null;

    // Reliability as a reporter of exports and as a reporter of imports, apart (BACI estimates the two
    // separately): the median over the state's member corridors and minerals of |log mirror ratio|.
    const floorOf = (mineral: string) =>
      mineral === 'gold' ? s.aggregate.floorKg.gold : s.aggregate.floorKg['3t'];
    const ratiosOf = (role: 'exporting_country' | 'importing_country') =>
      cells
        .filter(
          (f) =>
            f.member &&
            f[role].trim() === country &&
            Math.max(f.export_kg_3m ?? 0, f.import_kg_3m ?? 0) >= floorOf(f.mineral),
        )
        .map((f) => {
          const e = f.export_kg_3m ?? 0;
          const i = f.import_kg_3m ?? 0;
          const r = e > 0 && i > 0 ? i / e : e > 0 ? 0.01 : 100;
          return {
            exporting: f.exporting_country.trim(),
            importing: f.importing_country.trim(),
            mineral: f.mineral,
            exportKg3m: e,
            importKg3m: i,
            absLogRatio: Math.abs(Math.log(Math.min(100, Math.max(0.01, r)))),
          };
        })
        .sort(
          (a, b) =>
            a.absLogRatio - b.absLogRatio ||
            (a.importing + a.exporting + a.mineral < b.importing + b.exporting + b.mineral ? -1 : 1),
        );
    const asExporter = ratiosOf('exporting_country');
    const asImporter = ratiosOf('importing_country');
    const medianOf = (xs: { absLogRatio: number }[]) =>
      xs.length > 0 ? median(xs.map((r) => r.absLogRatio)) : null;
    const relExports = medianOf(asExporter);
    const relImports = medianOf(asImporter);
    const reliability =
      relExports === null && relImports === null ? null : Math.max(relExports ?? 0, relImports ?? 0);

    const mine = (itemsByPeriod.get(period) ?? []).filter(
      (d) => d.exporting_country.trim() === country || d.importing_country.trim() === country,
    );
    const answersFor = (d: (typeof mine)[number]) =>
      d.responsible !== null
        ? d.responsible.trim() === country
        : d.exporting_country.trim() === country || d.importing_country.trim() === country;
    const openMajor = mine.filter(
      (d) =>
        d.severity === 'major' &&
        d.status === 'open' &&
        (penaltyCodes as readonly string[]).includes(d.code) &&
        answersFor(d),
    );
    const overdue = openMajor.filter(
      (d) =>
        d.first_seen_at !== null && now.getTime() - d.first_seen_at.getTime() > c.overdueDays * 86_400_000,
    );
    const unconfirmed = mine.filter(
      (d) => d.code === 'UNMATCHED_EXPORT' && d.importing_country.trim() === country,
    );
    const asymmetries = mine.filter(
      (d) =>
        d.code === 'AGG_ASYMMETRY' &&
        (d.exporting_country.trim() === country || d.importing_country.trim() === country),
    );
    // A state with nothing on record for the month (no report, no trade either way) is not scored.
    const hasTrade = cells.some(
      (f) => f.exporting_country.trim() === country || f.importing_country.trim() === country,
    );
    if (!own && !hasTrade) return null;
    let band = bandOf(
      { confirmationRate: confirmation, reliabilityIndex: reliability, overdueMajorItems: overdue.length },
      c,
    );
    // Partners traded with it but it reported nothing for the month: not compliant.
    if (!own && band === 'compliant') band = 'partial';
    const figures = {
      timeliness: {
        value: timeliness,
        monthsDue: due.length,
        monthsOnTime: onTime.length,
        lateOrMissing: due.filter((m) => !onTime.includes(m)),
        report: own
          ? { batchId: own.batch_id, finishedAt: own.finished_at, dueAt: new Date(dueOf(period)) }
          : null,
      },
      certificateCoverage: { value: coverage, exports: exportCount, certified },
      confirmationRate: {
        value: confirmation,
        confirmable,
        confirmed,
        threshold: { compliant: c.confirmationCompliant, partial: c.confirmationPartial },
        ...ids(unconfirmed),
      },
      reliabilityIndex: {
        value: reliability,
        bound: Math.log(c.reliabilityRatio),
        asExporter: { value: relExports, cells: asExporter },
        asImporter: { value: relImports, cells: asImporter },
        ...ids(asymmetries),
      },
      reported: own !== undefined,
      openMajorItems: { value: openMajor.length, items: openMajor.map((d) => d.id) },
      overdueMajorItems: {
        value: overdue.length,
        overdueDays: c.overdueDays,
        items: overdue.map((d) => d.id),
      },
    };
    return {
      country,
      period,
      timeliness,
      reportedOnTime: own ? own.finished_at.getTime() <= dueOf(period) : false,
      coverage,
      confirmation,
      reliability,
      openMajor: openMajor.length,
      overdue: overdue.length,
      band,
      figures,
    };
  });

  const scored = rows.filter((r): r is NonNullable<typeof r> => r !== null);
  await db.query(
    `INSERT INTO compliance_scores (country, period, run_seq, computed_at, timeliness, reported_on_time,
       certificate_coverage, confirmation_rate, reliability_index, open_major_items, overdue_major_items, band, figures)
     SELECT x.country, x.period, $1, now(), x.timeliness, x.reported_on_time, x.coverage, x.confirmation,
       x.reliability, x.open_major, x.overdue, x.band, x.figures
     FROM jsonb_to_recordset($2::jsonb) AS x(country char(2), period char(7), timeliness float8,
       reported_on_time boolean, coverage float8, confirmation float8, reliability float8, open_major int,
       overdue int, band text, figures jsonb)
     ON CONFLICT (country, period) DO UPDATE SET run_seq = excluded.run_seq, computed_at = excluded.computed_at,
       timeliness = excluded.timeliness, reported_on_time = excluded.reported_on_time,
       certificate_coverage = excluded.certificate_coverage, confirmation_rate = excluded.confirmation_rate,
       reliability_index = excluded.reliability_index, open_major_items = excluded.open_major_items,
       overdue_major_items = excluded.overdue_major_items, band = excluded.band, figures = excluded.figures`,
    [
      runSeq,
      JSON.stringify(
        scored.map((r) => ({
          country: r.country,
          period: r.period,
          timeliness: r.timeliness,
          reported_on_time: r.reportedOnTime,
          coverage: r.coverage,
          confirmation: r.confirmation,
          reliability: r.reliability,
          open_major: r.openMajor,
          overdue: r.overdue,
          band: r.band,
          figures: r.figures,
        })),
      ),
    ],
  );
  return scored.length;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
