import type pg from 'pg';

import { getBatch, getBatchPayload } from '../db/queries/batches.js';
import type { Issue } from '../standard/issue.js';
import { PermanentPipelineError } from './errors.js';
import { decodeStoredBody } from './payload.js';
import type { RecordValidator } from './ports.js';

/** A batch's records as parsed from its stored body, and its batch-wide issues (duplicate keys). */
export interface LoadedBatch {
  records: readonly unknown[];
  duplicates: readonly Issue[];
}

/** Reads a batch's stored body from Postgres and parses it (the source of truth, never Redis). */
export async function loadBatch(
  pool: pg.Pool,
  validator: RecordValidator,
  batchId: string,
): Promise<LoadedBatch> {
  const batch = await getBatch(pool, batchId);
  if (!batch) throw new PermanentPipelineError(`Batch ${batchId} does not exist`);
  const body = await getBatchPayload(pool, batchId);
  if (!body) throw new PermanentPipelineError(`Batch ${batchId} has no stored body`);
  const { records } = decodeStoredBody(body, batch.content_encoding);
  return { records, duplicates: validator.findDuplicateKeys(records) };
}

/**
 * The parsed bodies of the batches this process is working on: chunk jobs carry only their range
 * of records, and each process reads and parses a batch's body once for all its chunks (concurrent
 * chunks of one batch share one read). Holds at most `capacity` batches, the least recently used
 * going first, and lets go of a batch unused for `idleMs`, so an idle process holds none.
 */
export class BatchRecords {
  private readonly entries = new Map<string, { batch: Promise<LoadedBatch>; timer: NodeJS.Timeout }>();

  constructor(
    private readonly load: (batchId: string) => Promise<LoadedBatch>,
    private readonly capacity = 1,
    private readonly idleMs = 10_000,
  ) {}

  get(batchId: string): Promise<LoadedBatch> {
    const entry = this.entries.get(batchId);
    const batch = entry?.batch ?? this.load(batchId);
    if (entry) clearTimeout(entry.timer);
    this.entries.delete(batchId);
    const timer = setTimeout(() => this.forget(batchId), this.idleMs);
    timer.unref();
    this.entries.set(batchId, { batch, timer });
    // A failed read is not kept: the next chunk (or a retry) reads again.
    if (!entry) batch.catch(() => this.entries.get(batchId)?.batch === batch && this.forget(batchId));
    while (this.entries.size > this.capacity) this.forget(this.entries.keys().next().value!);
    return batch;
  }

  /** Lets go of a batch (it is finished, or the least recently used). */
  forget(batchId: string): void {
    const entry = this.entries.get(batchId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(batchId);
  }
}
