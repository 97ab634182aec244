import { randomUUID } from 'node:crypto';

import type { Queryable } from '../db/pool.js';
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
}

const trimChar = (r: RunRow): RunRow => ({
  ...r,
  exporting_country: r.exporting_country?.trim() ?? null,
  importing_country: r.importing_country?.trim() ?? null,
});

export async function createRun(db: Queryable, n: NewRun): Promise<RunRow> {
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
  return trimChar(rows[0]!);
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

export async function failRun(
  db: Queryable,
  id: string,
  error: { message: string; retryable: boolean },
  timings: Record<string, number>,
): Promise<void> {
  await db.query(
    `UPDATE reconciliation_runs SET status = 'failed', error = $2, timings = $3, finished_at = now(),
       updated_at = now() WHERE id = $1 AND status <> 'completed'`,
    [id, JSON.stringify(error), JSON.stringify(timings)],
  );
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
