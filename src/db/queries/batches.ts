import type { Queryable } from '../pool.js';

export type BatchStatus =
  'received' | 'validating' | 'persisting' | 'completed' | 'completed_with_errors' | 'rejected' | 'failed';
export const finalStatuses: readonly BatchStatus[] = [
  'completed',
  'completed_with_errors',
  'rejected',
  'failed',
];
export const unfinishedStatuses: readonly BatchStatus[] = ['received', 'validating', 'persisting'];

export interface BatchRow {
  id: string;
  seq: number;
  reporting_country: string;
  period: string;
  schema_version: string;
  submission_ref: string | null;
  source: unknown;
  acceptance: 'partial' | 'all-or-nothing';
  origin: 'push' | 'connector';
  connector_id: string | null;
  submitted_by: string | null;
  idempotency_scope: string;
  idempotency_key: string;
  content_sha256: string;
  received_sha256: string;
  content_encoding: string | null;
  byte_size: number;
  status: BatchStatus;
  record_total: number;
  records_done: number;
  chunk_total: number | null;
  counts: BatchCounts;
  stage_timings: Record<string, number>;
  error: { message: string; retryable: boolean } | null;
  attempts: number;
  received_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

/** Counts per record type and outcome, plus totals. */
export interface BatchCounts {
  byType?: Record<
    string,
    { received: number; stored: number; invalid: number; voided: number; rejected: number }
  >;
  totals?: {
    received: number;
    stored: number;
    invalid: number;
    voided: number;
    rejected: number;
    warnings: number;
    errors: number;
  };
}

export interface NewBatch {
  id: string;
  reportingCountry: string;
  period: string;
  schemaVersion: string;
  submissionRef: string | null;
  source: unknown;
  acceptance: 'partial' | 'all-or-nothing';
  origin: 'push' | 'connector';
  connectorId: string | null;
  submittedBy: string | null;
  idempotencyScope: string;
  idempotencyKey: string;
  contentSha256: string;
  receivedSha256: string;
  contentEncoding: string | null;
  byteSize: number;
  recordTotal: number;
}

/** Inserts the batch unless its idempotency key is taken; returns the new row or undefined. */
export async function insertBatchIfNew(db: Queryable, b: NewBatch): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>(
    `INSERT INTO batches (id, reporting_country, period, schema_version, submission_ref, source, acceptance,
       origin, connector_id, submitted_by, idempotency_scope, idempotency_key, content_sha256, received_sha256,
       content_encoding, byte_size, record_total)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (idempotency_scope, idempotency_key) DO NOTHING
     RETURNING *`,
    [
      b.id,
      b.reportingCountry,
      b.period,
      b.schemaVersion,
      b.submissionRef,
      b.source === undefined ? null : JSON.stringify(b.source),
      b.acceptance,
      b.origin,
      b.connectorId,
      b.submittedBy,
      b.idempotencyScope,
      b.idempotencyKey,
      b.contentSha256,
      b.receivedSha256,
      b.contentEncoding,
      b.byteSize,
      b.recordTotal,
    ],
  );
  return rows[0];
}

export async function insertBatchPayload(db: Queryable, batchId: string, body: Buffer): Promise<void> {
  await db.query('INSERT INTO batch_payloads (batch_id, body) VALUES ($1, $2)', [batchId, body]);
}

export async function getBatchPayload(db: Queryable, batchId: string): Promise<Buffer | undefined> {
  const { rows } = await db.query<{ body: Buffer }>('SELECT body FROM batch_payloads WHERE batch_id = $1', [
    batchId,
  ]);
  return rows[0]?.body;
}

export async function findBatchByIdempotencyKey(
  db: Queryable,
  scope: string,
  key: string,
): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>(
    'SELECT * FROM batches WHERE idempotency_scope = $1 AND idempotency_key = $2',
    [scope, key],
  );
  return rows[0];
}

export async function getBatch(db: Queryable, id: string): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>('SELECT * FROM batches WHERE id = $1', [id]);
  return rows[0];
}

export interface BatchFilter {
  country?: string;
  period?: string;
  status?: BatchStatus;
  origin?: 'push' | 'connector';
  connectorId?: string;
  /** Keyset cursor: the `seq` of the last row of the previous page (newest first). */
  beforeSeq?: number;
  limit: number;
}

export async function listBatches(db: Queryable, f: BatchFilter): Promise<BatchRow[]> {
  const { rows } = await db.query<BatchRow>(
    `SELECT * FROM batches
     WHERE ($1::text IS NULL OR reporting_country = $1)
       AND ($2::text IS NULL OR period = $2)
       AND ($3::text IS NULL OR status = $3)
       AND ($4::text IS NULL OR origin = $4)
       AND ($5::uuid IS NULL OR connector_id = $5)
       AND ($6::bigint IS NULL OR seq < $6)
     ORDER BY seq DESC
     LIMIT $7`,
    [
      f.country ?? null,
      f.period ?? null,
      f.status ?? null,
      f.origin ?? null,
      f.connectorId ?? null,
      f.beforeSeq ?? null,
      f.limit,
    ],
  );
  return rows;
}

/** Moves a batch to `status` unless it is already final; returns whether it moved. */
export async function setBatchStatus(
  db: Queryable,
  id: string,
  status: BatchStatus,
  extra: { started?: boolean } = {},
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE batches SET status = $2, updated_at = now(),
       started_at = CASE WHEN $3::boolean THEN coalesce(started_at, now()) ELSE started_at END
     WHERE id = $1 AND status NOT IN ('completed', 'completed_with_errors', 'rejected', 'failed')`,
    [id, status, extra.started ?? false],
  );
  return (rowCount ?? 0) > 0;
}

export async function setBatchPlan(
  db: Queryable,
  id: string,
  chunkTotal: number,
  timings: Record<string, number>,
): Promise<void> {
  await db.query(
    `UPDATE batches SET chunk_total = $2, stage_timings = stage_timings || $3::jsonb, status = 'persisting', updated_at = now()
     WHERE id = $1 AND status NOT IN ('completed', 'completed_with_errors', 'rejected', 'failed')`,
    [id, chunkTotal, JSON.stringify(timings)],
  );
}

/** Progress: adds records done by a chunk (also proves the batch is alive to the sweeper). */
export async function addBatchProgress(
  db: Queryable,
  id: string,
  records: number,
): Promise<{ records_done: number; record_total: number } | undefined> {
  const { rows } = await db.query<{ records_done: number; record_total: number }>(
    'UPDATE batches SET records_done = records_done + $2, updated_at = now() WHERE id = $1 RETURNING records_done, record_total',
    [id, records],
  );
  return rows[0];
}

export async function finishBatch(
  db: Queryable,
  id: string,
  f: { status: BatchStatus; counts: BatchCounts; timings: Record<string, number>; error?: BatchRow['error'] },
): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>(
    `UPDATE batches SET status = $2, counts = $3::jsonb, stage_timings = stage_timings || $4::jsonb, error = $5::jsonb,
       finished_at = now(), updated_at = now(),
       records_done = CASE WHEN $2 IN ('completed', 'completed_with_errors', 'rejected') THEN record_total ELSE records_done END
     WHERE id = $1 AND status NOT IN ('completed', 'completed_with_errors', 'rejected', 'failed')
     RETURNING *`,
    [
      id,
      f.status,
      JSON.stringify(f.counts),
      JSON.stringify(f.timings),
      f.error ? JSON.stringify(f.error) : null,
    ],
  );
  return rows[0];
}

/** Marks a failed batch for another attempt (replay); chunks already stored stay stored. */
export async function reopenBatch(db: Queryable, id: string): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>(
    `UPDATE batches SET status = 'received', error = NULL, finished_at = NULL, attempts = attempts + 1, updated_at = now()
     WHERE id = $1 AND status = 'failed' RETURNING *`,
    [id],
  );
  return rows[0];
}

/**
 * Claims batches left unfinished for longer than `olderThanSeconds` (a lost job, a dead worker,
 * Redis down at submission). Claiming bumps updated_at and attempts so other sweepers skip them.
 */
export async function claimStuckBatches(
  db: Queryable,
  olderThanSeconds: number,
  limit: number,
): Promise<BatchRow[]> {
  const { rows } = await db.query<BatchRow>(
    `UPDATE batches SET updated_at = now(), attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM batches
       WHERE status IN ('received', 'validating', 'persisting')
         AND updated_at < now() - make_interval(secs => $1::double precision)
       ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [olderThanSeconds, limit],
  );
  return rows;
}
