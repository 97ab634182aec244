import { createHash } from 'node:crypto';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import type { Logger } from '../logger.js';
import { isRetryable } from '../pipeline/errors.js';
import { fieldOrder, NameSimilarity } from './model.js';
import { claimRun, failRun, finishRun, getRun, setProgress, type RunRow } from './runs.js';
import { buildScope, importExportingSql, scopeParams, type RunScope } from './scope.js';
import type { MatcherSettings } from './settings.js';
import { classifySql, groupsSql, insertLinksSql, linkDiscrepanciesSql } from './sql/classify.js';
import {
  certImportChecksSql,
  certOverdrawnSql,
  certTotalsSql,
  certUsesSql,
  exporterSuspendedSql,
  siteNotGreenSql,
  outsidePriceBandSql,
  unitPriceSql,
  unitPricesSql,
} from './sql/checks.js';
import { aggregateSql, flowsSql, insertFlowsSql } from './sql/flows.js';
import {
  ambiguousStage1Sql,
  differingNamesSql,
  remainderExportsSql,
  remainderImportsSql,
  stage1Sql,
  stage2PairsSql,
  stage2TableSql,
  workTable,
} from './sql/pairs.js';
import { reportedSql, unmatchedExportsSql, unmatchedImportsSql } from './sql/unmatched.js';
import { matchRemainder, type Stage2Record } from './stage2.js';
import { recomputeCompliance } from './compliance.js';

/** Everything a run needs, passed explicitly (it runs in workers, outside fastify). */
/**
 * Runs a statement with only the parameters it references, renumbered in order: the stage statements
 * share one parameter list (the scope, then their own), and Postgres refuses unreferenced parameters.
 */
export function bind(text: string, values: readonly unknown[]): { text: string; values: unknown[] } {
  const used = [...new Set([...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
  const map = new Map(used.map((n, i) => [n, i + 1]));
  return {
    text: text.replace(/\$(\d+)/g, (_, n: string) => `$${map.get(Number(n))}`),
    values: used.map((n) => values[n - 1]),
  };
}

/** RMDX_MATCH_EXPLAIN=<ms>: print the plan (EXPLAIN ANALYZE) of every stage statement slower than that. */
const explainOver = Number(process.env.RMDX_MATCH_EXPLAIN ?? 0);

async function q(client: pg.ClientBase, text: string, values: readonly unknown[] = []) {
  const b = bind(text, values);
  if (explainOver > 0 && /^\s*(CREATE UNLOGGED TABLE|INSERT|DELETE)/.test(b.text)) {
    const t = performance.now();
    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${b.text}`, b.values);
    const ms = performance.now() - t;
    if (ms > explainOver)
      console.error(
        `\n--- ${Math.round(ms)} ms\n${b.text.slice(0, 300)}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`,
      );
    return { rows: [], rowCount: 0 } as unknown as pg.QueryResult;
  }
  return client.query(b.text, b.values);
}

export interface MatcherContext {
  pool: pg.Pool;
  logger: Logger;
  settings: MatcherSettings;
  /** Codelist memberState: flows with other countries are counted, not matched. */
  members: readonly string[];
  /** Codelist certifyingState. */
  certifying: readonly string[];
  /** A month's report is due by the end (UTC) of this day of the next month (config.reportingDeadlineDay). */
  deadlineDay: number;
  now: () => Date;
}

/** Every run takes this session lock: runs one at a time, each on a consistent snapshot. */
const RUN_LOCK = 7_240_515_004;

const stages = [
  'fingerprint',
  'stage1',
  'stage2',
  'classify',
  'checks',
  'unmatched',
  'stage3',
  'publish',
  'compliance',
] as const;
type Stage = (typeof stages)[number];

class StageClock {
  readonly timings: Record<string, number> = {};
  private started = Date.now();
  private readonly t0 = Date.now();
  constructor(
    private readonly ctx: MatcherContext,
    private readonly run: RunRow,
  ) {}
  async begin(stage: Stage): Promise<void> {
    const i = stages.indexOf(stage);
    this.started = Date.now();
    await setProgress(this.ctx.pool, this.run.id, {
      stage,
      stagesDone: i,
      stagesTotal: stages.length,
      percent: Math.round((i / stages.length) * 100),
    }).catch(() => undefined);
  }
  end(stage: Stage): void {
    this.timings[`${stage}Ms`] = (this.timings[`${stage}Ms`] ?? 0) + (Date.now() - this.started);
  }
  total(): number {
    return Date.now() - this.t0;
  }
}

/**
 * Runs a queued reconciliation run to its end: stages 0–3, classification, publication of the results
 * (one transaction), then compliance of the states and months it covered. Returns the finished run,
 * or undefined when there was nothing to do (already finished, unknown).
 */
export async function executeRun(ctx: MatcherContext, runId: string): Promise<RunRow | undefined> {
  const client = await ctx.pool.connect();
  let locked = false;
  let run: RunRow | undefined;
  let clock: StageClock | undefined;
  let scope: RunScope | undefined;
  let log = ctx.logger;
  let r: RunCounts;
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [RUN_LOCK]);
    locked = true;
    // Claimed under the lock: a run another process finished meanwhile is not run again.
    run = await claimRun(client, runId);
    if (!run) return undefined;
    log = ctx.logger.child({ runId: run.id, runSeq: run.seq });
    clock = new StageClock(ctx, run);
    scope = buildScope(run, ctx.settings, ctx.members);
    // One snapshot for every stage. The run's own row is only written outside this transaction (its
    // progress is updated meanwhile, which a write here would conflict with).
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await client.query(`SET LOCAL work_mem = '256MB'`);
    // A previous attempt may have committed its results and died before marking the run completed:
    // the results are deterministic, so they are simply made again.
    for (const table of ['reconciliation_links', 'reconciliation_discrepancies', 'reconciliation_flows'])
      await client.query(`DELETE FROM ${table} WHERE run_seq = $1`, [run.seq]);
    r = await runStages(ctx, client, run, scope, clock, log);
    await clock.begin('publish');
    await publish(client, run, scope);
    await client.query('COMMIT');
    clock.end('publish');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    if (run) {
      if (isRetryable(err)) {
        log.warn({ err: message }, 'reconciliation run interrupted; it will be retried');
      } else {
        log.error({ err }, 'reconciliation run failed');
        await failRun(ctx.pool, run.id, { message, retryable: false }, clock?.timings ?? {}).catch(
          () => undefined,
        );
      }
    }
    throw err;
  } finally {
    if (locked)
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [RUN_LOCK]).catch(() => undefined);
    client.release();
  }
  // Compliance of the states and months covered, from the results just published; the run is
  // completed with it (a process dying here leaves the run running, and its rerun makes the same).
  await clock.begin('compliance');
  try {
    await recomputeCompliance(ctx, run.seq, scope);
  } catch (err) {
    log.warn({ err }, 'compliance could not be recomputed after the run');
  }
  clock.end('compliance');
  clock.timings.totalMs = clock.total();
  // Marked completed with its `reconciliation.run_finished` audit entry, in one transaction.
  const done = await finishRun(ctx.pool, run.id, {
    status: 'completed',
    counts: r.counts,
    timings: clock.timings,
    inputsFingerprint: r.inputsFingerprint,
    progress: { stage: 'done', stagesDone: stages.length, stagesTotal: stages.length, percent: 100 },
  });
  if (!done) {
    // Another attempt (a re-sent run) completed it first, with the same results.
    log.info('reconciliation run already completed by another attempt');
    return getRun(ctx.pool, run.id);
  }
  log.info({ counts: done.counts, totalMs: clock.total() }, 'reconciliation run completed');
  return done;
}

interface RunCounts {
  inputsFingerprint: string;
  counts: Record<string, unknown>;
}

async function runStages(
  ctx: MatcherContext,
  client: pg.PoolClient,
  run: RunRow,
  scope: RunScope,
  clock: StageClock,
  log: Logger,
): Promise<RunCounts> {
  const s = ctx.settings;
  const P = scopeParams(scope);
  const t = (name: string) => workTable(run.seq, name);
  const pairs = t('pairs');
  const s2 = t('s2');
  const names = t('names');
  const cls = t('cls');
  const groups = t('groups');
  const cu = t('certuse');
  const totals = t('certtotals');
  const prices = t('prices');
  const outside = t('outside');
  const certifiers = t('certifiers');
  const reported = t('reported');
  const fl = t('flows');

  await clock.begin('fingerprint');
  const inputsFingerprint = await fingerprint(client, run, scope, s);
  clock.end('fingerprint');

  // Stage 1: certificate equi-join.
  await clock.begin('stage1');
  await q(client, stage1Sql(pairs), P);
  const ambiguous = (await client.query(ambiguousStage1Sql(pairs))).rowCount ?? 0;
  await client.query(`ANALYZE ${pairs}`);
  clock.end('stage1');

  // Stage 2: blocked Fellegi–Sunter scoring of the remainder, in TypeScript.
  await clock.begin('stage2');
  const re = await client.query({ ...bind(remainderExportsSql(pairs), P), rowMode: 'array' });
  const ri = await client.query({ ...bind(remainderImportsSql(pairs), P), rowMode: 'array' });
  const exportsLeft = re.rows.map(toStage2Export);
  const importsLeft = ri.rows.map(toStage2Import);
  const t2 = Date.now();
  const result = matchRemainder(exportsLeft, importsLeft, s);
  const stage2ComputeMs = Date.now() - t2;
  await client.query(stage2TableSql(s2));
  await copyRows(client, s2, stage2Rows(exportsLeft, importsLeft, result));
  await client.query(`ANALYZE ${s2}`);
  // 1e5+ rows joined back by key: hashing both tables beats that many index lookups.
  await client.query('SET LOCAL enable_nestloop = off');
  await q(client, stage2PairsSql(pairs, s2));
  await client.query('SET LOCAL enable_nestloop = on');
  clock.end('stage2');

  // Classification of the links.
  await clock.begin('classify');
  await nameSimilarities(client, pairs, names);
  for (const sql of groupsSql(pairs, groups)) await q(client, sql);
  await client.query(`ANALYZE ${groups}`);
  const [figures, codes] = classifySql(pairs, groups, names, cls, s, scope.from);
  await q(client, figures);
  await client.query(`ANALYZE ${cls}0`);
  await q(client, codes);
  await client.query(`ANALYZE ${cls}`);
  await q(client, insertLinksSql(cls), [run.seq, s.cifFobFactor]);
  await q(client, linkDiscrepanciesSql(cls), [run.seq, s.cifFobFactor]);
  clock.end('classify');

  // Registries: certificates, exporters, sites; unit prices.
  await clock.begin('checks');
  const C = [...P, run.seq, scope.asOf];
  await client.query(
    `CREATE UNLOGGED TABLE ${certifiers} AS
     WITH RECURSIVE c AS (
       (SELECT country FROM certificates ORDER BY country LIMIT 1)
       UNION ALL
       SELECT (SELECT x.country FROM certificates x WHERE x.country > c.country ORDER BY x.country LIMIT 1)
       FROM c WHERE c.country IS NOT NULL)
     SELECT country FROM c WHERE country IS NOT NULL`,
  );
  await q(client, certUsesSql(cu, cls), P);
  await q(client, certImportChecksSql(cu, certifiers), C);
  await q(client, certTotalsSql(cu, totals, s), C);
  await q(client, certOverdrawnSql(totals, s), C);
  await q(client, exporterSuspendedSql(s), C);
  await q(client, siteNotGreenSql(), C);
  await q(client, unitPricesSql(prices), C);
  // Every export of the months against a few dozen medians: a hash join, not a sort of every export.
  await client.query('SET LOCAL enable_mergejoin = off');
  await q(client, outsidePriceBandSql(prices, outside, s), C);
  await client.query('SET LOCAL enable_mergejoin = on');
  await q(client, unitPriceSql(outside, s), C);
  clock.end('checks');

  // Unmatched records of the reported months.
  await clock.begin('unmatched');
  await q(client, reportedSql(reported));
  await q(client, unmatchedExportsSql(s2, reported, s), C);
  await q(client, unmatchedImportsSql(s2), [...C, ctx.certifying]);
  clock.end('unmatched');

  // Stage 3: mirror flows and aggregate asymmetries.
  await clock.begin('stage3');
  await q(client, flowsSql(fl, s2, cls, s), C);
  await q(client, insertFlowsSql(fl), C);
  await q(client, aggregateSql(fl, s), C);
  clock.end('stage3');

  const counts = await runCounts(
    client,
    run,
    cls,
    s2,
    result.candidatePairs,
    exportsLeft.length,
    importsLeft.length,
  );
  counts.stage1AmbiguousImports = ambiguous;
  clock.timings.stage2ComputeMs = stage2ComputeMs;
  for (const name of [
    pairs,
    s2,
    names,
    `${groups}_multi`,
    groups,
    `${cls}0`,
    cls,
    cu,
    totals,
    prices,
    outside,
    certifiers,
    reported,
    fl,
  ])
    await client.query(`DROP TABLE IF EXISTS ${name}`);
  log.debug({ counts }, 'stages done');
  return { inputsFingerprint, counts };
}

async function publish(client: pg.PoolClient, run: RunRow, scope: RunScope): Promise<void> {
  await client.query(
    `INSERT INTO discrepancy_followups (id, first_seen_run, last_seen_run)
     SELECT id, $1, $1 FROM reconciliation_discrepancies WHERE run_seq = $1
     ON CONFLICT (id) DO UPDATE SET last_seen_run = excluded.last_seen_run, last_seen_at = now()`,
    [run.seq],
  );
  // The cells this run covered (member corridors, plus the non-member partners it counted).
  await client.query(
    `INSERT INTO reconciliation_cells (exporting_country, importing_country, period, run_seq, run_id)
     SELECT a, b, m, $1, $2 FROM (
       SELECT a, b, m FROM unnest($3::char(2)[]) a, unnest($3::char(2)[]) b, unnest($4::text[]) m
       WHERE a <> b AND ($5::char(2) IS NULL OR a = $5) AND ($6::char(2) IS NULL OR b = $6)
       UNION
       SELECT exporting_country, importing_country, period FROM reconciliation_flows WHERE run_seq = $1) c
     ON CONFLICT (exporting_country, importing_country, period)
     DO UPDATE SET run_seq = excluded.run_seq, run_id = excluded.run_id
     WHERE reconciliation_cells.run_seq < excluded.run_seq`,
    [run.seq, run.id, scope.members, scope.months, scope.exporting, scope.importing],
  );
}

async function runCounts(
  client: pg.PoolClient,
  run: RunRow,
  cls: string,
  s2: string,
  candidatePairs: number,
  exportsLeft: number,
  importsLeft: number,
): Promise<Record<string, unknown>> {
  const links = await client.query<{
    decision: string;
    stage: number;
    pass: string;
    n: number;
    groups: number;
  }>(
    `SELECT decision, stage, pass, count(*)::int AS n, count(*) FILTER (WHERE gpos = 1)::int AS groups
     FROM ${cls} WHERE in_period GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  const flows = await client.query<Record<string, number>>(
    `SELECT
       coalesce(sum(export_count) FILTER (WHERE member), 0)::int AS exports,
       coalesce(sum(import_count) FILTER (WHERE member), 0)::int AS imports,
       coalesce(sum(export_count) FILTER (WHERE NOT member), 0)::int AS "nonMemberExports",
       coalesce(sum(export_kg) FILTER (WHERE NOT member), 0)::float8 AS "nonMemberExportKg",
       coalesce(sum(import_count) FILTER (WHERE NOT member), 0)::int AS "nonMemberImports",
       coalesce(sum(import_kg) FILTER (WHERE NOT member), 0)::float8 AS "nonMemberImportKg",
       coalesce(sum(unmatched_export_count) FILTER (WHERE member), 0)::int AS "unmatchedExports",
       coalesce(sum(unmatched_import_count) FILTER (WHERE member), 0)::int AS "unmatchedImports"
     FROM reconciliation_flows WHERE run_seq = $1`,
    [run.seq],
  );
  const codes = await client.query<{ code: string; severity: string; n: number }>(
    `SELECT code, severity, count(*)::int AS n FROM reconciliation_discrepancies WHERE run_seq = $1
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [run.seq],
  );
  const linkCodes = await client.query<{ code: string; n: number }>(
    `SELECT code, count(*)::int AS n FROM ${cls}, unnest(codes) AS code
     WHERE in_period AND decision = 'link' GROUP BY 1 ORDER BY 1`,
  );
  const review = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${s2} WHERE kind = 'review'`,
  );
  const byStage: Record<string, number> = {};
  for (const l of links.rows) byStage[`${l.decision}.${l.stage}.${l.pass}`] = l.n;
  const sum = (pred: (l: (typeof links.rows)[number]) => boolean, key: 'n' | 'groups' = 'n') =>
    links.rows.filter(pred).reduce((a, l) => a + l[key], 0);
  const discrepancies: Record<string, Record<string, number>> = {};
  for (const c of codes.rows) (discrepancies[c.code] ??= {})[c.severity] = c.n;
  const cross = exportsLeft * importsLeft;
  return {
    ...flows.rows[0],
    links: sum((l) => l.decision === 'link'),
    stage1Links: sum((l) => l.decision === 'link' && l.stage === 1),
    stage2Links: sum((l) => l.decision === 'link' && l.stage === 2),
    splitGroups: sum((l) => l.decision === 'link' && l.pass === 'split', 'groups'),
    reviewPairs: sum((l) => l.decision === 'review'),
    linksByPass: byStage,
    linkCodes: Object.fromEntries(linkCodes.rows.map((r) => [r.code, r.n])),
    discrepancies,
    stage2: {
      exportsLeft,
      importsLeft,
      candidatePairs,
      reviewPairsInContext: review.rows[0]?.n ?? 0,
      reductionRatio: cross > 0 ? 1 - candidatePairs / cross : null,
    },
  };
}

/**
 * sha256 over what the results depend on: the settings, as_of, the scope, and for each input table in
 * scope the count, the sum and maximum of batch_seq (every change to a record comes with a newer batch)
 * and the sum of versions; and which months each state has reported.
 */
async function fingerprint(client: pg.PoolClient, run: RunRow, scope: RunScope, s: MatcherSettings) {
  const agg = `count(*)::text || '/' || coalesce(sum(batch_seq), 0)::text || '/' || coalesce(max(batch_seq), 0)::text
    || '/' || coalesce(sum(version), 0)::text`;
  const { rows } = await q(
    client,
    `SELECT
      (SELECT ${agg} FROM exports e WHERE NOT e.is_void AND e.shipped_on BETWEEN $1::date AND $2::date
         AND e.country = ANY($5::char(2)[])
         AND ($6::char(2) IS NULL OR e.country = $6::char(2))
         AND ($7::char(2) IS NULL OR e.destination_country = $7::char(2))) AS exports,
      (SELECT ${agg} FROM imports i WHERE NOT i.is_void AND i.arrived_on BETWEEN $3::date AND $4::date
         AND i.country = ANY($5::char(2)[])
         AND ($6::char(2) IS NULL OR ${importExportingSql} = $6::char(2))
         AND ($7::char(2) IS NULL OR i.country = $7::char(2))) AS imports,
      (SELECT ${agg} FROM certificates) AS certificates,
      (SELECT ${agg} FROM actors) AS actors,
      (SELECT ${agg} FROM mine_sites) AS mine_sites,
      (SELECT ${agg} FROM inspections) AS inspections,
      (SELECT ${agg} FROM lots) AS lots,
      (SELECT count(*)::text || '/' || coalesce(max(seq), 0)::text FROM batches
        WHERE status IN ('completed', 'completed_with_errors')) AS batches`,
    scopeParams(scope),
  );
  const doc = {
    settings: s,
    asOf: scope.asOf,
    scope: [scope.periodFrom, scope.periodTo, scope.exporting, scope.importing, scope.members],
    inputs: rows[0],
  };
  void run;
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex');
}

type Row = unknown[];
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).trim());

function toStage2Export(r: Row): Stage2Record {
  const country = str(r[0])!;
  return {
    key: `${country}:${str(r[1])}`,
    exporting: country,
    importing: str(r[2])!,
    mineral: str(r[3]) ?? '',
    kg: num(r[4]),
    gradePct: num(r[5]),
    valueUsd: num(r[6]),
    day: Number(r[7]),
    certificate: str(r[8]),
    exporterKey: str(r[9]),
    importerKey: str(r[10]),
    transportKey: str(r[11]),
  };
}

function toStage2Import(r: Row): Stage2Record {
  const country = str(r[0])!;
  return {
    key: `${country}:${str(r[1])}`,
    exporting: str(r[2])!,
    importing: country,
    mineral: str(r[3]) ?? '',
    kg: num(r[4]),
    gradePct: num(r[5]),
    valueUsd: num(r[6]),
    day: Number(r[7]),
    certificate: str(r[8]),
    exporterKey: str(r[9]),
    importerKey: str(r[10]),
    transportKey: str(r[11]),
  };
}

const splitKey = (key: string): [string, string] => {
  const k = key.indexOf(':');
  return [key.slice(0, k), key.slice(k + 1)];
};

function* stage2Rows(
  exports: readonly Stage2Record[],
  imports: readonly Stage2Record[],
  result: ReturnType<typeof matchRemainder>,
): Generator<(string | number | null)[]> {
  const levels = (l: readonly number[]) => `{${l.join(',')}}`;
  for (const link of result.links) {
    const [ec, eid] = splitKey(exports[link.e]!.key);
    for (const i of link.imports) {
      const [ic, iid] = splitKey(imports[i]!.key);
      yield ['link', ec, eid, ic, iid, link.pass, link.score, levels(link.levels)];
    }
  }
  for (const r of result.review) {
    const [ec, eid] = splitKey(exports[r.e]!.key);
    const [ic, iid] = splitKey(imports[r.i]!.key);
    yield ['review', ec, eid, ic, iid, r.pass, r.score, levels(r.levels)];
  }
  for (const e of result.unmatchedExports) {
    const [ec, eid] = splitKey(exports[e]!.key);
    yield ['unmatched_export', ec, eid, null, null, null, null, null];
  }
  for (const i of result.unmatchedImports) {
    const [ic, iid] = splitKey(imports[i]!.key);
    yield ['unmatched_import', null, null, ic, iid, null, null, null];
  }
}

/** COPY text format: tab-separated, \N for null, backslash escapes. */
function copyLine(values: readonly (string | number | null)[]): string {
  return (
    values
      .map((v) =>
        v === null
          ? '\\N'
          : String(v)
              .replace(/\\/g, '\\\\')
              .replace(/\t/g, '\\t')
              .replace(/\n/g, '\\n')
              .replace(/\r/g, '\\r'),
      )
      .join('\t') + '\n'
  );
}

async function copyRows(
  client: pg.PoolClient,
  table: string,
  rows: Iterable<(string | number | null)[]>,
): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} FROM STDIN`));
  const iterator = rows[Symbol.iterator]();
  const source = Readable.from(
    (function* () {
      let buf = '';
      for (let r = iterator.next(); !r.done; r = iterator.next()) {
        buf += copyLine(r.value);
        if (buf.length > 1 << 16) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    })(),
  );
  await streamPipeline(source, stream);
}

/** Jaro–Winkler of the distinct differing party-name keys of linked pairs (few), for PARTY_MISMATCH. */
async function nameSimilarities(client: pg.PoolClient, pairs: string, names: string): Promise<void> {
  await client.query(`CREATE UNLOGGED TABLE ${names} (a text, b text, jw float8)`);
  const { rows } = await client.query<{ e_xkey: string | null; i_xkey: string | null }>(
    differingNamesSql(pairs),
  );
  const sim = new NameSimilarity();
  const a: string[] = [];
  const b: string[] = [];
  const jw: number[] = [];
  for (const r of rows) {
    if (r.e_xkey === null || r.i_xkey === null) continue;
    a.push(r.e_xkey);
    b.push(r.i_xkey);
    jw.push(sim.similarity(r.e_xkey, r.i_xkey));
  }
  if (a.length > 0)
    await client.query(`INSERT INTO ${names} SELECT * FROM unnest($1::text[], $2::text[], $3::float8[])`, [
      a,
      b,
      jw,
    ]);
  await client.query(`ANALYZE ${names}`);
}

export { fieldOrder };
