import type { Queryable } from '../pool.js';

export interface ChunkRow {
  batch_id: string;
  chunk_index: number;
  record_start: number;
  record_end: number;
  status: 'pending' | 'done' | 'failed';
  counts: ChunkCounts;
  timings: Record<string, number>;
  attempts: number;
}

/** What one chunk did, per record type; summed into the batch counts at the end. */
export type ChunkCounts = Record<
  string,
  {
    received: number;
    stored: number;
    invalid: number;
    voided: number;
    rejected: number;
    warnings: number;
    errors: number;
  }
>;

/** Creates the chunk plan once; a replanned batch keeps its chunks (and their status). */
export async function insertChunkPlan(
  db: Queryable,
  batchId: string,
  ranges: { start: number; end: number }[],
): Promise<void> {
  await db.query(
    `INSERT INTO batch_chunks (batch_id, chunk_index, record_start, record_end)
     SELECT $1, i - 1, s, e FROM unnest($2::int[], $3::int[]) WITH ORDINALITY AS t(s, e, i)
     ON CONFLICT (batch_id, chunk_index) DO NOTHING`,
    [batchId, ranges.map((r) => r.start), ranges.map((r) => r.end)],
  );
}

export async function listChunks(db: Queryable, batchId: string): Promise<ChunkRow[]> {
  const { rows } = await db.query<ChunkRow>(
    'SELECT * FROM batch_chunks WHERE batch_id = $1 ORDER BY chunk_index',
    [batchId],
  );
  return rows;
}

/** Locks a chunk row for the transaction that processes it; a concurrent duplicate job waits, then sees 'done'. */
export async function lockChunk(
  db: Queryable,
  batchId: string,
  chunkIndex: number,
): Promise<ChunkRow | undefined> {
  const { rows } = await db.query<ChunkRow>(
    'SELECT * FROM batch_chunks WHERE batch_id = $1 AND chunk_index = $2 FOR UPDATE',
    [batchId, chunkIndex],
  );
  return rows[0];
}

export async function completeChunk(
  db: Queryable,
  batchId: string,
  chunkIndex: number,
  counts: ChunkCounts,
  timings: Record<string, number>,
): Promise<void> {
  await db.query(
    `UPDATE batch_chunks SET status = 'done', counts = $3::jsonb, timings = $4::jsonb, attempts = attempts + 1, error = NULL, updated_at = now()
     WHERE batch_id = $1 AND chunk_index = $2`,
    [batchId, chunkIndex, JSON.stringify(counts), JSON.stringify(timings)],
  );
}

export async function failChunk(
  db: Queryable,
  batchId: string,
  chunkIndex: number,
  error: { message: string; retryable: boolean },
): Promise<void> {
  await db.query(
    `UPDATE batch_chunks SET status = 'failed', attempts = attempts + 1, error = $3::jsonb, updated_at = now()
     WHERE batch_id = $1 AND chunk_index = $2 AND status <> 'done'`,
    [batchId, chunkIndex, JSON.stringify(error)],
  );
}

/** A failed chunk goes back to pending when its batch is replayed. */
export async function resetFailedChunks(db: Queryable, batchId: string): Promise<void> {
  await db.query(
    `UPDATE batch_chunks SET status = 'pending', updated_at = now() WHERE batch_id = $1 AND status = 'failed'`,
    [batchId],
  );
}
