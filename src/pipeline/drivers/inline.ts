import type { PipelineContext } from '../context.js';
import { backoffDelay, defaultRetryPolicy, type PipelineDriver, type RetryPolicy } from '../driver.js';
import { errorSummary, isRetryable } from '../errors.js';
import { failBatch, finaliseBatch } from '../stages/finalise.js';
import { prepareBatch } from '../stages/prepare.js';
import { processChunk } from '../stages/process-chunk.js';

/**
 * Runs the same stages in this process, one batch at a time, for a hub without Redis. Durable through
 * Postgres: the sweeper resumes any batch left unfinished, including at start after a restart.
 */
export class InlineDriver implements PipelineDriver {
  readonly kind = 'inline' as const;
  private queue: string[] = [];
  private queued = new Set<string>();
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly retry: RetryPolicy = defaultRetryPolicy,
  ) {}

  async health(): Promise<string> {
    return 'ok';
  }

  async start(): Promise<void> {}

  async enqueue(batchId: string): Promise<void> {
    if (this.closed || this.queued.has(batchId)) return;
    this.queued.add(batchId);
    this.queue.push(batchId);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves when nothing is queued or running (tests, demo). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue = [];
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.closed && this.queue.length > 0) {
      const batchId = this.queue.shift()!;
      try {
        await this.runBatch(batchId);
      } finally {
        this.queued.delete(batchId);
      }
    }
  }

  private async withRetry<T>(what: string, batchId: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isRetryable(err) || attempt >= this.retry.attempts || this.closed) throw err;
        const delay = backoffDelay(this.retry, attempt);
        this.ctx.logger.warn({ batchId, stage: what, attempt, delay, err }, 'transient failure; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async runBatch(batchId: string): Promise<void> {
    try {
      const prepared = await this.withRetry('prepare', batchId, () => prepareBatch(this.ctx, batchId));
      if (!prepared) return;
      const info = {
        id: prepared.batch.id,
        seq: prepared.batch.seq,
        country: prepared.batch.reporting_country,
        period: prepared.batch.period,
        schemaVersion: prepared.batch.schema_version,
        acceptance: prepared.batch.acceptance,
        chunkTotal: prepared.chunkTotal,
        recordTotal: prepared.batch.record_total,
      };
      for (const work of prepared.pending) {
        if (this.closed) return;
        await this.withRetry('chunk', batchId, () => processChunk(this.ctx, info, work));
      }
      await this.withRetry('finalise', batchId, () => finaliseBatch(this.ctx, batchId));
    } catch (err) {
      // Closing mid-batch is not a failure: the batch stays unfinished and resumes at the next start.
      if (this.closed) return;
      if (isRetryable(err)) {
        this.ctx.logger.warn(
          { batchId, err },
          'batch paused after transient failures; the sweeper will resume it',
        );
        return;
      }
      await failBatch(this.ctx, batchId, errorSummary(err)).catch(() => undefined);
    }
  }
}
