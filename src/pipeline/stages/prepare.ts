import { listChunks, insertChunkPlan } from '../../db/queries/batch-chunks.js';
import { insertIssues } from '../../db/queries/batch-issues.js';
import {
  finishBatch,
  getBatch,
  setBatchPlan,
  setBatchStatus,
  type BatchCounts,
  type BatchRow,
} from '../../db/queries/batches.js';
import { withTransaction } from '../../db/pool.js';
import type { Issue } from '../../standard/issue.js';
import type { PipelineContext } from '../context.js';
import { PermanentPipelineError } from '../errors.js';
import { chunkRanges } from '../payload.js';
import { emptyTypeCounts, recordTypeOf, summarise } from './counts.js';

/**
 * One chunk of work: a range of the batch's records. Its records are not carried (through Redis):
 * the process that runs it reads them from the stored body (`ctx.records`, once per batch).
 */
export interface ChunkWork {
  batchId: string;
  chunkIndex: number;
  /** Records [start, end) of the batch. */
  start: number;
  end: number;
}

export interface PreparedBatch {
  batch: BatchRow;
  chunkTotal: number;
  /** Chunks still to do (a resumed batch skips chunks already stored). */
  pending: ChunkWork[];
}

/**
 * Stage 1: plan the chunks of a batch (record_total, counted at intake, says how many records it
 * has; each chunk checks it against the stored body). A partial batch needs nothing else here, so
 * its chunks can start at once. An all-or-nothing batch is validated whole here, duplicate keys
 * included: any invalid record rejects it before anything is stored.
 * Returns undefined when the batch is already final (a duplicate job) or was rejected.
 */
export async function prepareBatch(
  ctx: PipelineContext,
  batchId: string,
): Promise<PreparedBatch | undefined> {
  const t0 = performance.now();
  const batch = await getBatch(ctx.pool, batchId);
  if (!batch) throw new PermanentPipelineError(`Batch ${batchId} does not exist`);
  if (['completed', 'completed_with_errors', 'rejected', 'failed'].includes(batch.status)) return undefined;
  await setBatchStatus(ctx.pool, batchId, 'validating', { started: true });
  const log = ctx.logger.child({ batchId, stage: 'prepare' });

  if (batch.acceptance === 'all-or-nothing') {
    const { records, duplicates } = await ctx.records.get(batchId);
    const issues = [...duplicates];
    const recordCtx = { reportingCountry: batch.reporting_country, period: batch.period, now: ctx.now() };
    for (let i = 0; i < records.length; i++) {
      issues.push(...ctx.validator.validateRecord(batch.schema_version, records[i], i, recordCtx));
    }
    if (issues.some((i) => i.severity === 'error')) {
      const counts = rejectedCounts(records, issues);
      await withTransaction(ctx.pool, async (client) => {
        for (let i = 0; i < issues.length; i += 10_000)
          await insertIssues(client, batchId, issues.slice(i, i + 10_000));
        const finished = await finishBatch(client, batchId, {
          status: 'rejected',
          counts,
          timings: { prepareMs: Math.round(performance.now() - t0) },
        });
        if (finished)
          log.info({ errors: counts.totals?.errors }, 'all-or-nothing batch rejected: nothing stored');
      });
      ctx.records.forget(batchId);
      const final = await getBatch(ctx.pool, batchId);
      if (final) await runFinishedHooks(ctx, final);
      return undefined;
    }
  }

  const ranges = chunkRanges(batch.record_total, ctx.chunkSize);
  await insertChunkPlan(ctx.pool, batchId, ranges);
  const chunks = await listChunks(ctx.pool, batchId);
  await setBatchPlan(ctx.pool, batchId, chunks.length, { prepareMs: Math.round(performance.now() - t0) });
  const pending = chunks
    .filter((c) => c.status !== 'done')
    .map((c) => ({ batchId, chunkIndex: c.chunk_index, start: c.record_start, end: c.record_end }));
  log.info({ records: batch.record_total, chunks: chunks.length, pending: pending.length }, 'batch planned');
  return { batch: (await getBatch(ctx.pool, batchId))!, chunkTotal: chunks.length, pending };
}

function rejectedCounts(records: readonly unknown[], issues: Issue[]): BatchCounts {
  const byType: NonNullable<BatchCounts['byType']> = {};
  const invalid = new Set(issues.filter((i) => i.severity === 'error').map((i) => i.recordIndex));
  records.forEach((r, i) => {
    const t = recordTypeOf(r);
    const c = (byType[t] ??= emptyTypeCounts());
    c.received++;
    if (invalid.has(i)) c.invalid++;
    else c.rejected++;
  });
  return summarise(byType, issues);
}

export async function runFinishedHooks(ctx: PipelineContext, batch: BatchRow): Promise<void> {
  for (const hook of ctx.onBatchFinished) {
    try {
      await hook(batch);
    } catch (err) {
      ctx.logger.warn({ batchId: batch.id, err }, 'a batch-finished hook failed');
    }
  }
}
