import { listChunks } from '../../db/queries/batch-chunks.js';
import { finishBatch, getBatch, type BatchRow } from '../../db/queries/batches.js';
import type { PipelineContext } from '../context.js';
import { addCounts, summarise, type TypeCounts } from './counts.js';
import { runFinishedHooks } from './prepare.js';

/**
 * Stage 3: when every chunk is stored, sum the chunks into the batch counts and set the final
 * status. Returns the finished batch, or undefined if it was already final or chunks are missing.
 */
export async function finaliseBatch(ctx: PipelineContext, batchId: string): Promise<BatchRow | undefined> {
  const chunks = await listChunks(ctx.pool, batchId);
  if (chunks.length === 0 || chunks.some((c) => c.status !== 'done')) return undefined;
  const byType: Record<string, TypeCounts> = {};
  const timings = { validateMs: 0, persistMs: 0 };
  for (const c of chunks) {
    addCounts(byType, c.counts);
    timings.validateMs += c.timings.validateMs ?? 0;
    timings.persistMs += c.timings.persistMs ?? 0;
  }
  const counts = summarise(byType);
  const batch = await getBatch(ctx.pool, batchId);
  const totalMs = batch?.started_at ? Date.now() - batch.started_at.getTime() : undefined;
  const status = (counts.totals?.errors ?? 0) > 0 ? 'completed_with_errors' : 'completed';
  const finished = await finishBatch(ctx.pool, batchId, {
    status,
    counts,
    timings: { ...timings, ...(totalMs !== undefined ? { totalMs } : {}) },
  });
  ctx.records.forget(batchId);
  if (finished) {
    ctx.logger.info({ batchId, stage: 'finalise', status, totals: counts.totals }, 'batch finished');
    await runFinishedHooks(ctx, finished);
  }
  return finished;
}

/** Retries are spent or the failure is permanent: the batch is kept as `failed` for a replay. */
export async function failBatch(
  ctx: PipelineContext,
  batchId: string,
  error: { message: string; retryable: boolean },
): Promise<void> {
  const batch = await getBatch(ctx.pool, batchId);
  if (!batch) return;
  const finished = await finishBatch(ctx.pool, batchId, {
    status: 'failed',
    counts: batch.counts,
    timings: {},
    error,
  });
  ctx.records.forget(batchId);
  if (finished) {
    ctx.logger.error({ batchId, error }, 'batch failed; replay it with `rmdx batches replay`');
    await runFinishedHooks(ctx, finished);
  }
}
