import { completeChunk, lockChunk, type ChunkCounts } from '../../db/queries/batch-chunks.js';
import { insertIssues } from '../../db/queries/batch-issues.js';
import { addBatchProgress } from '../../db/queries/batches.js';
import { withTransaction } from '../../db/pool.js';
import type { Issue } from '../../standard/issue.js';
import { isRecordType } from '../../standard/record-types.js';
import type { PipelineContext } from '../context.js';
import { PermanentPipelineError } from '../errors.js';
import type { PersistBatch, PersistItem } from '../ports.js';
import { emptyTypeCounts, recordTypeOf } from './counts.js';
import type { ChunkWork } from './prepare.js';

export interface ChunkBatchInfo extends PersistBatch {
  acceptance: 'partial' | 'all-or-nothing';
  chunkTotal: number;
  /** The number of records the batch was accepted with (batches.record_total). */
  recordTotal: number;
}

export interface ChunkResult {
  skipped: boolean;
  counts: ChunkCounts;
}

/**
 * Stage 2, per chunk: validate and normalise each record, then store the valid ones, the issues,
 * the chunk's counts and the batch progress in ONE transaction. The chunk row is locked first, so a
 * rerun (retry, sweeper, duplicate job) of a chunk already stored changes nothing.
 */
export async function processChunk(
  ctx: PipelineContext,
  batch: ChunkBatchInfo,
  work: ChunkWork,
): Promise<ChunkResult> {
  const { records, batchIssues } = await chunkRecords(ctx, batch, work);
  const t0 = performance.now();
  // One context object per chunk: the validator derives what it implies once.
  const recordCtx = { reportingCountry: batch.country, period: batch.period, now: ctx.now() };
  const counts: ChunkCounts = {};
  const issues: Issue[] = [...batchIssues];
  const invalid = new Set(batchIssues.filter((i) => i.severity === 'error').map((i) => i.recordIndex));
  for (let i = 0; i < records.length; i++) {
    const found = ctx.validator.validateRecord(batch.schemaVersion, records[i], work.start + i, recordCtx);
    for (const issue of found) {
      issues.push(issue);
      if (issue.severity === 'error') invalid.add(work.start + i);
    }
  }
  const items: PersistItem[] = [];
  for (let i = 0; i < records.length; i++) {
    const index = work.start + i;
    const record = records[i] as Record<string, unknown>;
    const type = recordTypeOf(record);
    const c = (counts[type] ??= emptyTypeCounts());
    c.received++;
    if (invalid.has(index) || !isRecordType(record.recordType)) {
      c.invalid++;
      continue;
    }
    const action = record.action === 'void' ? 'void' : 'upsert';
    if (action === 'void') c.voided++;
    else c.stored++;
    items.push({ recordIndex: index, recordType: record.recordType, action, record });
  }
  for (const issue of issues) {
    const c = (counts[issue.recordType && isRecordType(issue.recordType) ? issue.recordType : 'unknown'] ??=
      emptyTypeCounts());
    if (issue.severity === 'error') c.errors++;
    else c.warnings++;
  }
  const validateMs = performance.now() - t0;

  const t1 = performance.now();
  let progress: { records_done: number; record_total: number } | undefined;
  const skipped = await withTransaction(ctx.pool, async (client) => {
    const chunk = await lockChunk(client, batch.id, work.chunkIndex);
    if (!chunk || chunk.status === 'done') return true;
    if (items.length > 0) await ctx.store.persistRecords(client, batch, items);
    await insertIssues(client, batch.id, issues);
    await completeChunk(client, batch.id, work.chunkIndex, counts, {
      validateMs: Math.round(validateMs),
      persistMs: Math.round(performance.now() - t1),
    });
    progress = await addBatchProgress(client, batch.id, records.length);
    return false;
  });
  ctx.logger.info(
    {
      batchId: batch.id,
      chunk: work.chunkIndex,
      stage: 'chunk',
      records: records.length,
      skipped,
      chunkOf: `${work.chunkIndex + 1}/${batch.chunkTotal}`,
      ...(progress ? { recordsDone: progress.records_done, recordTotal: progress.record_total } : {}),
      ms: Math.round(performance.now() - t0),
    },
    skipped ? 'chunk already stored' : 'chunk stored',
  );
  return { skipped, counts };
}

/**
 * The chunk's records and the batch-wide issues (duplicate keys) that fall in it, from the batch's
 * stored body (read once per process, `ctx.records`). A body that does not hold the number of records
 * the batch was accepted with fails the batch: no record is left out unnoticed.
 */
async function chunkRecords(
  ctx: PipelineContext,
  batch: ChunkBatchInfo,
  work: ChunkWork,
): Promise<{ records: readonly unknown[]; batchIssues: Issue[] }> {
  const loaded = await ctx.records.get(batch.id);
  if (loaded.records.length !== batch.recordTotal) {
    throw new PermanentPipelineError(
      `Batch ${batch.id} was accepted with ${batch.recordTotal} records but its stored body holds ${loaded.records.length}`,
    );
  }
  const inChunk = (i: Issue) =>
    i.recordIndex !== null && i.recordIndex >= work.start && i.recordIndex < work.end;
  return {
    records: loaded.records.slice(work.start, work.end),
    batchIssues: loaded.duplicates.filter(inChunk),
  };
}
