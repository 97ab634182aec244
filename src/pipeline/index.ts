import type pg from 'pg';

import type { Config } from '../config.js';
import type { BatchRow } from '../db/queries/batches.js';
import type { Logger } from '../logger.js';
import { BatchRecords, loadBatch } from './batch-records.js';
import type { PipelineContext } from './context.js';
import type { PipelineDriver } from './driver.js';
import { BullmqDriver } from './drivers/bullmq.js';
import { InlineDriver } from './drivers/inline.js';
import type { RecordStore, RecordValidator } from './ports.js';
import { Sweeper } from './sweeper.js';

export interface PipelineOptions {
  config: Pick<
    Config,
    | 'redisUrl'
    | 'chunkSize'
    | 'workerConcurrency'
    | 'stuckAfterSeconds'
    | 'sweepIntervalSeconds'
    | 'queuePrefix'
    | 'jobLockMs'
  >;
  pool: pg.Pool;
  logger: Logger;
  validator: RecordValidator;
  store: RecordStore;
  /** Run workers in this process (server: config.workersInServer; `rmdx worker`: true). */
  runWorkers: boolean;
  onBatchFinished?: ((batch: BatchRow) => Promise<void> | void)[];
  now?: () => Date;
}

/** A driver with its sweeper: what a process hosting the pipeline holds. */
export interface Pipeline extends PipelineDriver {
  readonly ctx: PipelineContext;
  readonly sweeper: Sweeper;
  /** Resolves when this process has no batch in hand (inline driver); immediate for BullMQ. */
  idle(): Promise<void>;
}

/** BullMQ when REDIS_URL is set, else the inline driver; both run the same stage code. */
export function createPipeline(o: PipelineOptions): Pipeline {
  const ctx: PipelineContext = {
    pool: o.pool,
    logger: o.logger.child({ component: 'pipeline' }),
    chunkSize: o.config.chunkSize,
    validator: o.validator,
    store: o.store,
    records: new BatchRecords((batchId) => loadBatch(o.pool, o.validator, batchId)),
    onBatchFinished: o.onBatchFinished ?? [],
    now: o.now ?? (() => new Date()),
  };
  const driver: PipelineDriver = o.config.redisUrl
    ? new BullmqDriver(ctx, {
        redisUrl: o.config.redisUrl,
        prefix: o.config.queuePrefix,
        lockDurationMs: o.config.jobLockMs,
        runWorkers: o.runWorkers,
        concurrency: o.config.workerConcurrency,
      })
    : new InlineDriver(ctx);
  const sweeper = new Sweeper(ctx, driver, {
    stuckAfterSeconds: o.config.stuckAfterSeconds,
    intervalSeconds: o.config.sweepIntervalSeconds,
  });
  return {
    ctx,
    sweeper,
    kind: driver.kind,
    health: () => driver.health(),
    enqueue: (id, attempt) => driver.enqueue(id, attempt),
    idle: () => (driver instanceof InlineDriver ? driver.idle() : Promise.resolve()),
    async start() {
      await driver.start();
      // Inline: this process is the only worker, so everything unfinished is ours to resume now.
      if (driver.kind === 'inline') void sweeper.sweep(0);
      else if (o.runWorkers) void sweeper.sweep();
      sweeper.start();
    },
    async close() {
      sweeper.stop();
      await driver.close();
    },
  };
}
