/**
 * SQL of the connector tables (migrations/0004_connectors.sql): one small function per statement,
 * `$n` parameters, explicit casts. Secrets have their own module (secrets.ts) and are never selected
 * here.
 */
import type { Queryable } from '../db/pool.js';
import type { Cursor } from './contract.js';
import type { MappingIssue } from './mapping-issues.js';

export interface InstanceOptions {
  /** Offset of the source's wall-clock times, overriding the mapping's (e.g. "+02:00"). */
  timezone?: string;
  /** How the pipeline treats a batch with invalid records. @defaultValue "partial" */
  acceptance?: 'partial' | 'all-or-nothing';
}

export interface InstanceRow {
  id: string;
  country: string;
  name: string;
  title: string | null;
  kind: string;
  mapping_name: string;
  mapping_version: string;
  config: Record<string, unknown>;
  options: InstanceOptions;
  schedule: string | null;
  paused_at: Date | null;
  paused_reason: string | null;
  consecutive_failures: number;
  next_run_at: Date | null;
  api_key_id: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export type RunTrigger = 'schedule' | 'manual' | 'upload' | 'replay';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunRow {
  id: string;
  instance_id: string;
  trigger: RunTrigger;
  status: RunStatus;
  attempt: number;
  replay_of: string | null;
  file_ids: string[] | null;
  period_hint: string | null;
  requested_by: string | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  cursor_before: Cursor | null;
  cursor_after: Cursor | null;
  pages: number;
  rows_read: number;
  rows_mapped: number;
  rows_rejected: number;
  rows_skipped: number;
  records: number;
  records_unchanged: number;
  batches_created: number;
  batches_existing: number;
  issues: number;
  mapping_digest: string | null;
  error_code: string | null;
  error_retryable: boolean | null;
  error_message: string | null;
}

export interface FileRow {
  id: string;
  instance_id: string;
  origin: 'upload' | 'folder';
  name: string;
  sha256: string;
  size: number;
  mtime_ms: number | null;
  received_at: Date;
  received_by: string | null;
  done_at: Date | null;
  done_run_id: string | null;
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

// --- instances --------------------------------------------------------------------------------

export interface NewInstance {
  id: string;
  country: string;
  name: string;
  title: string | null;
  kind: string;
  mappingName: string;
  mappingVersion: string;
  config: unknown;
  options: InstanceOptions;
  schedule: string | null;
  nextRunAt: Date | null;
  apiKeyId: string;
  createdBy: string;
}

export async function insertInstance(db: Queryable, n: NewInstance): Promise<InstanceRow> {
  const { rows } = await db.query<InstanceRow>(
    `INSERT INTO connector_instances (id, country, name, title, kind, mapping_name, mapping_version, config,
       options, schedule, next_run_at, api_key_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $13) RETURNING *`,
    [
      n.id,
      n.country,
      n.name,
      n.title,
      n.kind,
      n.mappingName,
      n.mappingVersion,
      json(n.config),
      json(n.options),
      n.schedule,
      n.nextRunAt,
      n.apiKeyId,
      n.createdBy,
    ],
  );
  await db.query('INSERT INTO connector_cursors (instance_id, cursor) VALUES ($1, NULL)', [n.id]);
  return rows[0]!;
}

export async function getInstance(db: Queryable, id: string): Promise<InstanceRow | undefined> {
  const { rows } = await db.query<InstanceRow>('SELECT * FROM connector_instances WHERE id = $1', [id]);
  return rows[0];
}

/** An instance by uuid or by "CC/name". */
export async function findInstance(db: Queryable, ref: string): Promise<InstanceRow | undefined> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref))
    return getInstance(db, ref);
  const m = /^([A-Za-z]{2})\/(.+)$/.exec(ref);
  if (!m) return undefined;
  const { rows } = await db.query<InstanceRow>(
    'SELECT * FROM connector_instances WHERE country = $1 AND name = $2',
    [m[1]!.toUpperCase(), m[2]],
  );
  return rows[0];
}

export async function listInstances(db: Queryable, f: { country?: string } = {}): Promise<InstanceRow[]> {
  const { rows } = await db.query<InstanceRow>(
    `SELECT * FROM connector_instances WHERE ($1::char(2) IS NULL OR country = $1) ORDER BY country, name`,
    [f.country ?? null],
  );
  return rows;
}

export interface InstanceChange {
  title?: string | null;
  mappingName?: string;
  mappingVersion?: string;
  config?: unknown;
  options?: InstanceOptions;
  schedule?: string | null;
  nextRunAt?: Date | null;
}

export async function updateInstance(
  db: Queryable,
  id: string,
  c: InstanceChange,
): Promise<InstanceRow | undefined> {
  const { rows } = await db.query<InstanceRow>(
    `UPDATE connector_instances SET
       title = CASE WHEN $2 THEN $3 ELSE title END,
       mapping_name = coalesce($4, mapping_name),
       mapping_version = coalesce($5, mapping_version),
       config = coalesce($6::jsonb, config),
       options = coalesce($7::jsonb, options),
       schedule = CASE WHEN $8 THEN $9 ELSE schedule END,
       next_run_at = CASE WHEN $10 THEN $11 ELSE next_run_at END,
       updated_at = now()
     WHERE id = $1 RETURNING *`,
    [
      id,
      c.title !== undefined,
      c.title ?? null,
      c.mappingName ?? null,
      c.mappingVersion ?? null,
      json(c.config),
      json(c.options),
      c.schedule !== undefined,
      c.schedule ?? null,
      c.nextRunAt !== undefined,
      c.nextRunAt ?? null,
    ],
  );
  return rows[0];
}

export async function pauseInstance(
  db: Queryable,
  id: string,
  reason: string,
): Promise<InstanceRow | undefined> {
  const { rows } = await db.query<InstanceRow>(
    `UPDATE connector_instances SET paused_at = coalesce(paused_at, now()), paused_reason = $2,
       next_run_at = NULL, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, reason],
  );
  return rows[0];
}

export async function resumeInstance(
  db: Queryable,
  id: string,
  nextRunAt: Date | null,
): Promise<InstanceRow | undefined> {
  const { rows } = await db.query<InstanceRow>(
    `UPDATE connector_instances SET paused_at = NULL, paused_reason = NULL, consecutive_failures = 0,
       next_run_at = $2, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, nextRunAt],
  );
  return rows[0];
}

/** After a failed run: one more consecutive failure. */
export async function countFailure(db: Queryable, id: string): Promise<InstanceRow | undefined> {
  const { rows } = await db.query<InstanceRow>(
    `UPDATE connector_instances SET consecutive_failures = consecutive_failures + 1, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id],
  );
  return rows[0];
}

export async function resetFailures(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE connector_instances SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0`,
    [id],
  );
}

/** Moves a schedule's next run forward only if nobody else did (two schedulers never both fire). */
export async function advanceNextRun(
  db: Queryable,
  id: string,
  expected: Date | null,
  next: Date | null,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE connector_instances SET next_run_at = $3
     WHERE id = $1 AND next_run_at IS NOT DISTINCT FROM $2`,
    [id, expected, next],
  );
  return rowCount === 1;
}

/** Instances whose schedule is due (inline scheduler). */
export async function dueInstances(db: Queryable, now: Date): Promise<InstanceRow[]> {
  const { rows } = await db.query<InstanceRow>(
    `SELECT * FROM connector_instances
     WHERE schedule IS NOT NULL AND paused_at IS NULL AND next_run_at <= $1
     ORDER BY next_run_at`,
    [now],
  );
  return rows;
}

// --- cursors ----------------------------------------------------------------------------------

export interface CursorRow {
  cursor: Cursor | null;
  last_run_id: string | null;
  last_batch_id: string | null;
  updated_at: Date;
}

export async function getCursor(db: Queryable, instanceId: string): Promise<CursorRow | undefined> {
  const { rows } = await db.query<CursorRow>(
    'SELECT cursor, last_run_id, last_batch_id, updated_at FROM connector_cursors WHERE instance_id = $1',
    [instanceId],
  );
  return rows[0];
}

/**
 * Moves the cursor from `before` to `after` — only if it still is `before` (compare and set; jsonb
 * equality ignores key order). Returns false when the stored cursor is elsewhere.
 */
export async function compareAndSetCursor(
  db: Queryable,
  instanceId: string,
  before: Cursor | null,
  after: Cursor | null,
  runId: string,
  lastBatchId: string | null,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE connector_cursors SET cursor = $3::jsonb, last_run_id = $4,
       last_batch_id = coalesce($5, last_batch_id), updated_at = now()
     WHERE instance_id = $1 AND cursor IS NOT DISTINCT FROM $2::jsonb`,
    [instanceId, json(before), json(after), runId, lastBatchId],
  );
  return rowCount === 1;
}

/** Sets the cursor outright (`rmdx connectors update --reset-cursor`). */
export async function setCursor(db: Queryable, instanceId: string, cursor: Cursor | null): Promise<void> {
  await db.query(
    'UPDATE connector_cursors SET cursor = $2::jsonb, updated_at = now() WHERE instance_id = $1',
    [instanceId, json(cursor)],
  );
}

// --- runs -------------------------------------------------------------------------------------

export interface NewRun {
  id: string;
  instanceId: string;
  trigger: RunTrigger;
  replayOf?: string | null;
  fileIds?: string[] | null;
  periodHint?: string | null;
  requestedBy?: string | null;
  cursorBefore?: Cursor | null;
}

export async function insertRun(db: Queryable, n: NewRun): Promise<RunRow> {
  const { rows } = await db.query<RunRow>(
    `INSERT INTO connector_runs (id, instance_id, trigger, replay_of, file_ids, period_hint, requested_by,
       cursor_before)
     VALUES ($1, $2, $3, $4, $5::uuid[], $6, $7, $8::jsonb) RETURNING *`,
    [
      n.id,
      n.instanceId,
      n.trigger,
      n.replayOf ?? null,
      n.fileIds ?? null,
      n.periodHint ?? null,
      n.requestedBy ?? null,
      json(n.cursorBefore),
    ],
  );
  return rows[0]!;
}

export async function getRun(db: Queryable, id: string): Promise<RunRow | undefined> {
  const { rows } = await db.query<RunRow>('SELECT * FROM connector_runs WHERE id = $1', [id]);
  return rows[0];
}

export async function listRuns(
  db: Queryable,
  f: { instanceId: string; status?: RunStatus; limit: number; before?: Date },
): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT * FROM connector_runs
     WHERE instance_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::timestamptz IS NULL OR queued_at < $3)
     ORDER BY queued_at DESC, id DESC LIMIT $4`,
    [f.instanceId, f.status ?? null, f.before ?? null, f.limit],
  );
  return rows;
}

export async function lastRun(db: Queryable, instanceId: string): Promise<RunRow | undefined> {
  const { rows } = await db.query<RunRow>(
    `SELECT * FROM connector_runs WHERE instance_id = $1 AND status <> 'queued'
     ORDER BY coalesce(started_at, queued_at) DESC, id DESC LIMIT 1`,
    [instanceId],
  );
  return rows[0];
}

/** The start of an attempt: running, one more attempt, the error of the last attempt cleared. */
export async function startRun(
  db: Queryable,
  id: string,
  s: { fileIds: string[] | null; cursorBefore: Cursor | null; periodHint: string; mappingDigest: string },
): Promise<RunRow> {
  const { rows } = await db.query<RunRow>(
    `UPDATE connector_runs SET status = 'running', attempt = attempt + 1,
       started_at = coalesce(started_at, now()), updated_at = now(),
       file_ids = coalesce(file_ids, $2::uuid[]),
       cursor_before = CASE WHEN attempt = 0 AND cursor_before IS NULL THEN $3::jsonb ELSE cursor_before END,
       period_hint = coalesce(period_hint, $4), mapping_digest = $5,
       error_code = NULL, error_retryable = NULL, error_message = NULL
     WHERE id = $1 RETURNING *`,
    [id, s.fileIds, json(s.cursorBefore), s.periodHint, s.mappingDigest],
  );
  return rows[0]!;
}

export interface PageProgress {
  cursorAfter: Cursor | null;
  rowsRead: number;
  rowsMapped: number;
  rowsRejected: number;
  rowsSkipped: number;
  records: number;
  recordsUnchanged: number;
  batchesCreated: number;
  batchesExisting: number;
  issues: number;
}

/** A stored page's counts, added in the page's transaction (so they always agree with the cursor). */
export async function addPageProgress(db: Queryable, id: string, p: PageProgress): Promise<void> {
  await db.query(
    `UPDATE connector_runs SET pages = pages + 1, cursor_after = $2::jsonb,
       rows_read = rows_read + $3, rows_mapped = rows_mapped + $4, rows_rejected = rows_rejected + $5,
       rows_skipped = rows_skipped + $6, records = records + $7, records_unchanged = records_unchanged + $8,
       batches_created = batches_created + $9, batches_existing = batches_existing + $10,
       issues = issues + $11, updated_at = now()
     WHERE id = $1`,
    [
      id,
      json(p.cursorAfter),
      p.rowsRead,
      p.rowsMapped,
      p.rowsRejected,
      p.rowsSkipped,
      p.records,
      p.recordsUnchanged,
      p.batchesCreated,
      p.batchesExisting,
      p.issues,
    ],
  );
}

export interface RunEnd {
  status: RunStatus;
  error?: { code: string; retryable: boolean; message: string } | null;
}

export async function finishRun(db: Queryable, id: string, end: RunEnd): Promise<RunRow | undefined> {
  const final = end.status !== 'queued' && end.status !== 'running';
  const { rows } = await db.query<RunRow>(
    `UPDATE connector_runs SET status = $2, updated_at = now(),
       finished_at = CASE WHEN $3 THEN now() ELSE finished_at END,
       error_code = $4, error_retryable = $5, error_message = $6
     WHERE id = $1 RETURNING *`,
    [
      id,
      end.status,
      final,
      end.error?.code ?? null,
      end.error?.retryable ?? null,
      end.error?.message ?? null,
    ],
  );
  return rows[0];
}

/** Runs of an instance left "running" by a process that stopped (the caller holds the instance's lock). */
export async function failInterruptedRuns(
  db: Queryable,
  instanceId: string,
  except: string,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE connector_runs SET status = 'failed', finished_at = now(), updated_at = now(),
       error_code = 'RMDX_CONN_INTERRUPTED', error_retryable = true,
       error_message = 'the process running it stopped before the end; pages stored before that are kept, and the next run goes on from the cursor'
     WHERE instance_id = $1 AND status = 'running' AND id <> $2`,
    [instanceId, except],
  );
  return rowCount ?? 0;
}

/** Runs waiting or running for longer than `seconds` (the sweeper looks at them). */
export async function staleRuns(db: Queryable, seconds: number): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT * FROM connector_runs WHERE status IN ('queued', 'running')
       AND updated_at < now() - make_interval(secs => $1) ORDER BY queued_at LIMIT 100`,
    [seconds],
  );
  return rows;
}

// --- issues and batches of a run --------------------------------------------------------------

export async function insertRunIssues(
  db: Queryable,
  runId: string,
  firstSeq: number,
  issues: MappingIssue[],
): Promise<void> {
  if (issues.length === 0) return;
  const col = <T>(f: (i: MappingIssue) => T) => issues.map(f);
  await db.query(
    `INSERT INTO connector_run_issues (run_id, seq, row_number, stream, file, sheet, source_id, column_name,
       value, code, message, message_fr)
     SELECT $1, $2 + r.o - 1, r.a, r.b, r.c, r.d, r.e, r.f, r.g, r.h, r.i, r.j
     FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                 $10::text[], $11::text[], $12::text[]) WITH ORDINALITY AS r(a, b, c, d, e, f, g, h, i, j, o)`,
    [
      runId,
      firstSeq,
      col((i) => i.rowNumber),
      col((i) => i.stream),
      col((i) => i.file ?? null),
      col((i) => i.sheet ?? null),
      col((i) => i.sourceId ?? null),
      col((i) => i.column),
      col((i) => i.value),
      col((i) => i.code),
      col((i) => i.message),
      col((i) => i.messageFr),
    ],
  );
}

export interface RunIssueRow {
  seq: number;
  row_number: number;
  stream: string;
  file: string | null;
  sheet: string | null;
  source_id: string | null;
  column_name: string | null;
  value: string | null;
  code: string;
  message: string;
  message_fr: string;
}

export async function listRunIssues(
  db: Queryable,
  f: { runId: string; afterSeq?: number; limit: number },
): Promise<RunIssueRow[]> {
  const { rows } = await db.query<RunIssueRow>(
    `SELECT seq, row_number, stream, file, sheet, source_id, column_name, value, code, message, message_fr
     FROM connector_run_issues WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [f.runId, f.afterSeq ?? 0, f.limit],
  );
  return rows;
}

export async function insertRunBatch(
  db: Queryable,
  b: {
    runId: string;
    batchId: string;
    page: number;
    period: string;
    recordCount: number;
    created: boolean;
    origins: unknown[];
  },
): Promise<void> {
  await db.query(
    `INSERT INTO connector_run_batches (run_id, batch_id, page, period, record_count, created, origins)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (run_id, batch_id) DO NOTHING`,
    [b.runId, b.batchId, b.page, b.period, b.recordCount, b.created, JSON.stringify(b.origins)],
  );
}

export interface RunBatchRow {
  batch_id: string;
  page: number;
  period: string;
  record_count: number;
  created: boolean;
  status: string;
}

export async function listRunBatches(db: Queryable, runId: string): Promise<RunBatchRow[]> {
  const { rows } = await db.query<RunBatchRow>(
    `SELECT rb.batch_id, rb.page, rb.period, rb.record_count, rb.created, b.status
     FROM connector_run_batches rb JOIN batches b ON b.id = rb.batch_id
     WHERE rb.run_id = $1 ORDER BY rb.page, rb.period`,
    [runId],
  );
  return rows;
}

export async function setBatchRun(db: Queryable, batchId: string, runId: string): Promise<void> {
  await db.query('UPDATE batches SET connector_run_id = $2 WHERE id = $1 AND connector_run_id IS NULL', [
    batchId,
    runId,
  ]);
}

// --- digests of records sent ------------------------------------------------------------------

/** The digests this connector last sent for these keys: "type\0key" → digest. */
export async function sentDigests(
  db: Queryable,
  instanceId: string,
  ids: { type: string; key: string }[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ record_type: string; record_key: string; digest: string }>(
    `SELECT d.record_type, d.record_key, d.digest
     FROM connector_record_digests d
     JOIN unnest($2::text[], $3::text[]) AS k(t, k) ON d.record_type = k.t AND d.record_key = k.k
     WHERE d.instance_id = $1`,
    [instanceId, ids.map((i) => i.type), ids.map((i) => i.key)],
  );
  return new Map(rows.map((r) => [`${r.record_type}\0${r.record_key}`, r.digest]));
}

export async function storeDigests(
  db: Queryable,
  instanceId: string,
  batchId: string,
  items: { type: string; key: string; digest: string }[],
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO connector_record_digests (instance_id, record_type, record_key, digest, batch_id)
     SELECT $1, t, k, d, $2 FROM unnest($3::text[], $4::text[], $5::text[]) AS x(t, k, d)
     ON CONFLICT (instance_id, record_type, record_key)
     DO UPDATE SET digest = EXCLUDED.digest, batch_id = EXCLUDED.batch_id`,
    [instanceId, batchId, items.map((i) => i.type), items.map((i) => i.key), items.map((i) => i.digest)],
  );
}

// --- files ------------------------------------------------------------------------------------

export async function insertFile(
  db: Queryable,
  f: {
    id: string;
    instanceId: string;
    origin: 'upload' | 'folder';
    name: string;
    sha256: string;
    data: Buffer;
    mtimeMs?: number | null;
    receivedBy?: string | null;
  },
): Promise<FileRow | undefined> {
  const { rows } = await db.query<FileRow>(
    `INSERT INTO connector_files (id, instance_id, origin, name, sha256, size, mtime_ms, data, received_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (instance_id, name, sha256) WHERE origin = 'folder' DO NOTHING
     RETURNING id, instance_id, origin, name, sha256, size, mtime_ms, received_at, received_by, done_at, done_run_id`,
    [
      f.id,
      f.instanceId,
      f.origin,
      f.name,
      f.sha256,
      f.data.length,
      f.mtimeMs ?? null,
      f.data,
      f.receivedBy ?? null,
    ],
  );
  return rows[0];
}

const fileColumns =
  'id, instance_id, origin, name, sha256, size, mtime_ms, received_at, received_by, done_at, done_run_id';

export async function getFile(db: Queryable, id: string): Promise<FileRow | undefined> {
  const { rows } = await db.query<FileRow>(`SELECT ${fileColumns} FROM connector_files WHERE id = $1`, [id]);
  return rows[0];
}

export async function listFiles(db: Queryable, instanceId: string, limit = 100): Promise<FileRow[]> {
  const { rows } = await db.query<FileRow>(
    `SELECT ${fileColumns} FROM connector_files WHERE instance_id = $1 ORDER BY received_at DESC, id LIMIT $2`,
    [instanceId, limit],
  );
  return rows;
}

/** Folder pick-ups already stored, by name: what was seen of each (to skip unchanged files). */
export async function folderFilesSeen(
  db: Queryable,
  instanceId: string,
): Promise<Map<string, { sha256: string; size: number; mtimeMs: number | null }[]>> {
  const { rows } = await db.query<{ name: string; sha256: string; size: number; mtime_ms: number | null }>(
    `SELECT name, sha256, size, mtime_ms FROM connector_files WHERE instance_id = $1 AND origin = 'folder'`,
    [instanceId],
  );
  const out = new Map<string, { sha256: string; size: number; mtimeMs: number | null }[]>();
  for (const r of rows) {
    const list = out.get(r.name) ?? [];
    list.push({ sha256: r.sha256, size: r.size, mtimeMs: r.mtime_ms });
    out.set(r.name, list);
  }
  return out;
}

export async function pendingFileIds(db: Queryable, instanceId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM connector_files WHERE instance_id = $1 AND done_at IS NULL ORDER BY received_at, id`,
    [instanceId],
  );
  return rows.map((r) => r.id);
}

/** The files' bytes, in the order asked. */
export async function loadFiles(db: Queryable, ids: string[]): Promise<(FileRow & { data: Buffer })[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<FileRow & { data: Buffer }>(
    `SELECT ${fileColumns}, data FROM connector_files WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is FileRow & { data: Buffer } => r !== undefined);
}

export async function markFileDone(db: Queryable, id: string, runId: string): Promise<void> {
  await db.query(
    'UPDATE connector_files SET done_at = now(), done_run_id = $2 WHERE id = $1 AND done_at IS NULL',
    [id, runId],
  );
}
