import type pg from 'pg';

import { resetFailedChunks } from '../db/queries/batch-chunks.js';
import { reopenBatch, type BatchRow } from '../db/queries/batches.js';
import { withTransaction } from '../db/pool.js';
import { appendAudit } from '../evidence/audit.js';

/**
 * Reopens a failed batch so that what it did not store runs again (chunks already stored stay
 * stored: their records are not written twice) and appends `batch.replayed` — who asked, the attempt,
 * the failure being replayed — in the same transaction. Undefined when the batch is not failed (any
 * more): of two replays at once, one reopens it. The caller hands the reopened batch to the pipeline.
 */
export async function reopenForReplay(
  pool: pg.Pool,
  batch: BatchRow,
  actor: string,
): Promise<BatchRow | undefined> {
  return withTransaction(pool, async (db) => {
    const reopened = await reopenBatch(db, batch.id);
    if (!reopened) return undefined;
    await resetFailedChunks(db, batch.id);
    await appendAudit(db, {
      type: 'batch.replayed',
      actor,
      subject: `batch:${batch.id}`,
      data: { attempt: reopened.attempts, failure: batch.error?.message ?? null },
    });
    return reopened;
  });
}
