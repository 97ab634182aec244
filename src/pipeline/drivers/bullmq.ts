import { FlowProducer, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';

import { failChunk } from '../../db/queries/batch-chunks.js';
import type { PipelineContext } from '../context.js';
import { defaultRetryPolicy, type PipelineDriver, type RetryPolicy } from '../driver.js';
import { errorSummary, isRetryable } from '../errors.js';
import {
  jobIds,
  queueNames,
  type ChunkJobData,
  type FinaliseJobData,
  type PrepareJobData,
} from '../queues.js';
import { failBatch, finaliseBatch } from '../stages/finalise.js';
import { prepareBatch } from '../stages/prepare.js';
import { processChunk } from '../stages/process-chunk.js';

export interface BullmqDriverOptions {
  redisUrl: string;
  /** Key prefix in Redis (tests isolate themselves with a random one). @defaultValue 'rmdx' */
  prefix?: string;
  /** Run workers in this process. @defaultValue true */
  runWorkers: boolean;
  /** Chunk jobs at once in this process. @defaultValue 2 */
  concurrency: number;
  retry?: RetryPolicy;
  /** Job lock; a dead worker's job is taken over after it lapses. @defaultValue 30000 */
  lockDurationMs?: number;
}

/**
 * The pipeline on BullMQ: a prepare job per batch attempt, then a flow whose chunk children carry a
 * range of records (each process reads a batch's stored body once, `ctx.records`) and whose finalise
 * parent runs when all are stored. Workers may run in any number of processes.
 */
export class BullmqDriver implements PipelineDriver {
  readonly kind = 'bullmq' as const;
  private readonly producerConnection: Redis;
  private readonly workerConnection: Redis;
  private readonly prepareQueue: Queue<PrepareJobData>;
  private readonly flows: FlowProducer;
  private readonly workers: Worker[] = [];
  private readonly retry: RetryPolicy;
  private readonly prefix: string;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly opts: BullmqDriverOptions,
  ) {
    this.retry = opts.retry ?? defaultRetryPolicy;
    this.prefix = opts.prefix ?? 'rmdx';
    // Producers fail fast while Redis is down (the batch is already safe in Postgres; the sweeper re-sends it).
    this.producerConnection = new Redis(opts.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    });
    this.producerConnection.on('error', () => undefined);
    // Workers wait for Redis to come back, for as long as it takes.
    this.workerConnection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', () => undefined);
    this.prepareQueue = new Queue(queueNames.prepare, {
      connection: this.producerConnection,
      prefix: this.prefix,
    });
    this.prepareQueue.on('error', () => undefined);
    this.flows = new FlowProducer({ connection: this.producerConnection, prefix: this.prefix });
    this.flows.on('error', () => undefined);
  }

  private get jobOptions() {
    return {
      attempts: this.retry.attempts,
      backoff: { type: 'exponential', delay: this.retry.baseDelayMs, jitter: this.retry.jitter },
      removeOnComplete: { age: 3600, count: 1000 },
      // Failed jobs are kept for inspection; the batch row says `failed` and can be replayed.
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  async health(): Promise<string> {
    try {
      const pong = await this.producerConnection.ping();
      return pong === 'PONG' ? 'ok' : `redis answered ${pong}`;
    } catch (err) {
      return `redis: ${(err as Error).message}`;
    }
  }

  async enqueue(batchId: string, attempt: number): Promise<void> {
    await this.prepareQueue.add(
      'prepare',
      { batchId, attempt },
      { ...this.jobOptions, jobId: jobIds.prepare(batchId, attempt) },
    );
  }

  async start(): Promise<void> {
    if (!this.opts.runWorkers) return;
    const lockDuration = this.opts.lockDurationMs ?? 30_000;
    // A job of a killed worker stalls; it is retried once its lock lapses and the stall check runs.
    const common = {
      connection: this.workerConnection,
      prefix: this.prefix,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: 3,
    };
    this.workers.push(
      new Worker<PrepareJobData>(queueNames.prepare, (job) => this.runPrepare(job), {
        ...common,
        concurrency: 1,
      }),
      new Worker<ChunkJobData>(queueNames.chunks, (job) => this.runChunk(job), {
        ...common,
        concurrency: this.opts.concurrency,
      }),
      new Worker<FinaliseJobData>(queueNames.finalise, (job) => this.runFinalise(job), {
        ...common,
        concurrency: 2,
      }),
    );
    for (const w of this.workers) {
      w.on('error', (err) => this.ctx.logger.warn({ err: err.message }, 'bullmq worker error'));
      w.on('failed', (job, err) => void this.onFailed(job, err));
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([this.prepareQueue.close(), this.flows.close()]);
    this.producerConnection.disconnect();
    this.workerConnection.disconnect();
  }

  /** Turns a non-retryable error into BullMQ's "do not retry". */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UnrecoverableError || isRetryable(err)) throw err;
      const e = new UnrecoverableError((err as Error).message);
      (e as { cause?: unknown }).cause = err;
      throw e;
    }
  }

  private async runPrepare(job: Job<PrepareJobData>): Promise<void> {
    const { batchId, attempt } = job.data;
    await this.guard(async () => {
      const prepared = await prepareBatch(this.ctx, batchId);
      if (!prepared) return;
      if (prepared.pending.length === 0) {
        await finaliseBatch(this.ctx, batchId);
        return;
      }
      const b = prepared.batch;
      const info = {
        id: b.id,
        seq: b.seq,
        country: b.reporting_country,
        period: b.period,
        schemaVersion: b.schema_version,
        acceptance: b.acceptance,
        chunkTotal: prepared.chunkTotal,
        recordTotal: b.record_total,
      };
      await this.flows.add({
        name: 'finalise',
        queueName: queueNames.finalise,
        data: { batchId },
        opts: { ...this.jobOptions, jobId: jobIds.finalise(batchId, attempt) },
        children: prepared.pending.map((work) => ({
          name: 'chunk',
          queueName: queueNames.chunks,
          data: { batch: info, work } satisfies ChunkJobData,
          opts: {
            ...this.jobOptions,
            jobId: jobIds.chunk(batchId, attempt, work.chunkIndex),
            failParentOnFailure: true,
          },
        })),
      });
    });
  }

  private async runChunk(job: Job<ChunkJobData>): Promise<void> {
    await this.guard(() => processChunk(this.ctx, job.data.batch, job.data.work));
  }

  private async runFinalise(job: Job<FinaliseJobData>): Promise<void> {
    await this.guard(() => finaliseBatch(this.ctx, job.data.batchId));
  }

  /**
   * After the last attempt: a permanent failure marks the batch `failed` (kept, replayable); a
   * transient one leaves it unfinished for the sweeper, so an outage does not need a manual replay.
   */
  private async onFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job) return;
    const final =
      err instanceof UnrecoverableError ||
      err.name === 'UnrecoverableError' ||
      job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    // The finalise job of a flow fails as soon as one of its chunks does ("child <job> failed"): that
    // chunk's own failure says why, and decides whether the batch fails or is left to the sweeper.
    if (job.queueName === queueNames.finalise && /^child .+ failed$/.test(err.message)) return;
    const summary = errorSummary(err);
    const batchId: string | undefined =
      (job.data as ChunkJobData).batch?.id ?? (job.data as PrepareJobData).batchId;
    if (!batchId) return;
    this.ctx.logger.warn(
      { batchId, jobId: job.id, queue: job.queueName, err: err.message },
      'pipeline job failed after its last attempt',
    );
    if (summary.retryable) return;
    try {
      if (job.queueName === queueNames.chunks)
        await failChunk(this.ctx.pool, batchId, (job.data as ChunkJobData).work.chunkIndex, summary);
      await failBatch(this.ctx, batchId, summary);
    } catch (e) {
      this.ctx.logger.warn(
        { batchId, err: (e as Error).message },
        'could not record the failure; the sweeper will retry the batch',
      );
    }
  }
}
