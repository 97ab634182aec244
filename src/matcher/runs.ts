import { randomUUID } from 'node:crypto';

import type pg from 'pg';

import { withTransaction, type PoolClient, type Queryable } from '../db/pool.js';
import { appendAudit } from '../evidence/audit.js';
import { modelTable } from './model.js';
import type { MatcherSettings } from './settings.js';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed';
export type RunTrigger = 'api' | 'batch' | 'cli';

export interface RunRow {
  id: string;
  seq: number;
  period_from: string;
  period_to: string;
  exporting_country: string | null;
  importing_country: string | null;
  as_of: string;
  trigger: RunTrigger;
  requested_by: string | null;
  status: RunStatus;
  progress: RunProgress;
  counts: Record<string, unknown>;
  timings: Record<string, number>;
  settings: RunSettings;
  inputs_fingerprint: string | null;
  error: { message: string; retryable: boolean } | null;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export interface RunProgress {
  stage?: string;
  stagesDone?: number;
  stagesTotal?: number;
  percent?: number;
}

/** What a run records about how it judged: the thresholds and the Fellegi–Sunter model. */
export interface RunSettings {
  thresholds: MatcherSettings;
  model: ReturnType<typeof modelTable>;
  fields: readonly string[];
}

export interface NewRun {
  periodFrom: string;
  periodTo: string;
  exportingCountry?: string | null;
  importingCountry?: string | null;
  asOf: string;
  trigger: RunTrigger;
  requestedBy?: string | null;
  settings: RunSettings;
  /** An incremental run (trigger `batch`): the completed batches whose cells it reconciles. */
  afterBatches?: readonly string[];
}

/** Batch ids named in a `reconciliation.run_started` entry at most (the count is always given). */
export const auditedBatchesMax = 100;

/** The audit chain's subject of a run. */
export const runSubject = (id: string) => `reconciliation_run:${id}`;

const trimChar = (r: RunRow): RunRow => ({
  ...r,
  exporting_country: r.exporting_country?.trim() ?? null,
  importing_country: r.importing_country?.trim() ?? null,
});

/**
 * Stores a queued run and appends `reconciliation.run_started` (who or what started it: an API key,
 * the CLI, or the incremental schedule after the batches named) in the same transaction: a run that
 * exists has its audit entry. Given the pool, opens a transaction of its own.
 */
export async function createRun(db: pg.Pool | PoolClient, n: NewRun): Promise<RunRow> {
  if (isPool(db)) return withTransaction(db, (client) => createRun(client, n));
  const { rows } = await db.query<RunRow>(
    `INSERT INTO reconciliation_runs (id, period_from, period_to, exporting_country, importing_country, as_of,
       trigger, requested_by, settings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [
      randomUUID(),
      n.periodFrom,
      n.periodTo,
      n.exportingCountry ?? null,
      n.importingCountry ?? null,
      n.asOf,
      n.trigger,
      n.requestedBy ?? null,
      JSON.stringify(n.settings),
    ],
  );
  const run = trimChar(rows[0]!);
  const batches = n.afterBatches ?? [];
  // Last in the transaction: the chain's lock is then held only until the commit.
  await appendAudit(db, {
    type: 'reconciliation.run_started',
    actor:
      run.trigger === 'api' && run.requested_by
        ? `key:${run.requested_by}`
        : run.trigger === 'cli'
          ? 'cli'
          : 'system',
    subject: runSubject(run.id),
    data: {
      ...auditedRun(run),
      requestedBy: run.requested_by,
      asOf: run.as_of,
      ...(run.trigger === 'batch' && {
        afterBatches: batches.slice(0, auditedBatchesMax),
        afterBatchCount: batches.length,
      }),
    },
  });
  return run;
}

/** What the audit entries of a run say of it: which run, its state and its scope. */
function auditedRun(run: RunRow) {
  return {
    runId: run.id,
    seq: run.seq,
    status: run.status,
    trigger: run.trigger,
    periodFrom: run.period_from,
    periodTo: run.period_to,
    exportingCountry: run.exporting_country,
    importingCountry: run.importing_country,
  };
}

function isPool(db: pg.Pool | PoolClient): db is pg.Pool {
  return 'totalCount' in db && 'idleCount' in db;
}

export async function getRun(db: Queryable, id: string): Promise<RunRow | undefined> {
  const { rows } = await db.query<RunRow>('SELECT * FROM reconciliation_runs WHERE id = $1', [id]);
  return rows[0] ? trimChar(rows[0]) : undefined;
}

export async function getRunBySeq(db: Queryable, seq: number): Promise<RunRow | undefined> {
  const { rows } = await db.query<RunRow>('SELECT * FROM reconciliation_runs WHERE seq = $1', [seq]);
  return rows[0] ? trimChar(rows[0]) : undefined;
}

export async function listRuns(
  db: Queryable,
  f: { status?: RunStatus; beforeSeq?: number; limit: number },
): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT * FROM reconciliation_runs
     WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR seq < $2)
     ORDER BY seq DESC LIMIT $3`,
    [f.status ?? null, f.beforeSeq ?? null, f.limit],
  );
  return rows.map(trimChar);
}

/** Takes a queued (or interrupted) run to work on; undefined when it is finished or unknown. */
export async function claimRun(db: Queryable, id: string): Promise<RunRow | undefined> {
  const { rows } = await db.query<RunRow>(
    `UPDATE reconciliation_runs
     SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()),
         updated_at = now(), error = NULL, progress = '{"stage":"starting","percent":0}'
     WHERE id = $1 AND status IN ('queued', 'running') RETURNING *`,
    [id],
  );
  return rows[0] ? trimChar(rows[0]) : undefined;
}

export async function setProgress(db: Queryable, id: string, progress: RunProgress): Promise<void> {
  await db.query(
    `UPDATE reconciliation_runs SET progress = $2, updated_at = now() WHERE id = $1 AND status = 'running'`,
    [id, JSON.stringify(progress)],
  );
}

/**
 * A run ends: its row is marked completed or failed and `reconciliation.run_finished` (status,
 * counts or error, attempts) appended in the same transaction. Undefined (and nothing audited)
 * when the run was not running or queued any more (finished meanwhile by another attempt).
 */
export async function finishRun(
  pool: pg.Pool,
  id: string,
  end:
    | {
        status: 'completed';
        counts: Record<string, unknown>;
        timings: Record<string, number>;
        inputsFingerprint: string;
        progress: RunProgress;
      }
    | { status: 'failed'; error: { message: string; retryable: boolean }; timings: Record<string, number> },
): Promise<RunRow | undefined> {
  return withTransaction(pool, async (client) => {
    const { rows } =
      end.status === 'completed'
        ? await client.query<RunRow>(
            `UPDATE reconciliation_runs SET status = 'completed', counts = $2, timings = $3, inputs_fingerprint = $4,
               progress = $5, error = NULL, finished_at = now(), updated_at = now()
             WHERE id = $1 AND status IN ('queued', 'running') RETURNING *`,
            [
              id,
              JSON.stringify(end.counts),
              JSON.stringify(end.timings),
              end.inputsFingerprint,
              JSON.stringify(end.progress),
            ],
          )
        : await client.query<RunRow>(
            `UPDATE reconciliation_runs SET status = 'failed', error = $2, timings = $3, finished_at = now(),
               updated_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING *`,
            [id, JSON.stringify(end.error), JSON.stringify(end.timings)],
          );
    const run = rows[0] ? trimChar(rows[0]) : undefined;
    if (!run) return undefined;
    await appendAudit(client, {
      type: 'reconciliation.run_finished',
      actor: 'system',
      subject: runSubject(run.id),
      data: {
        ...auditedRun(run),
        attempts: run.attempts,
        ...(end.status === 'completed'
          ? {
              counts: run.counts,
              inputsFingerprint: run.inputs_fingerprint,
              totalMs: run.timings.totalMs ?? null,
            }
          : { error: end.error.message }),
      },
    });
    return run;
  });
}

/** Marks a run failed (a permanent error); audited as `reconciliation.run_finished`. */
export async function failRun(
  pool: pg.Pool,
  id: string,
  error: { message: string; retryable: boolean },
  timings: Record<string, number>,
): Promise<RunRow | undefined> {
  return finishRun(pool, id, { status: 'failed', error, timings });
}

/** Runs left queued or running past a timeout (a lost job, a killed worker): to be enqueued again. */
export async function stuckRuns(db: Queryable, olderThanSeconds: number, limit = 50): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT * FROM reconciliation_runs
     WHERE status IN ('queued', 'running') AND updated_at < now() - make_interval(secs => $1)
     ORDER BY seq LIMIT $2`,
    [olderThanSeconds, limit],
  );
  return rows.map(trimChar);
}

/** The runs not finished: the inline driver resumes them at start. */
export async function unfinishedRuns(db: Queryable): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT * FROM reconciliation_runs WHERE status IN ('queued', 'running') ORDER BY seq`,
  );
  return rows.map(trimChar);
}
