import { claimStuckBatches } from '../db/queries/batches.js';
import type { PipelineContext } from './context.js';
import type { PipelineDriver } from './driver.js';

/**
 * Finds batches left in a non-final state past a timeout — a job lost with Redis, a worker killed,
 * Redis down when the batch was posted — and hands them to the driver again.
 */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly driver: Pick<PipelineDriver, 'enqueue'>,
    private readonly opts: { stuckAfterSeconds: number; intervalSeconds: number },
  ) {}

  start(): void {
    this.timer = setInterval(
      () => void this.sweep().catch(() => undefined),
      this.opts.intervalSeconds * 1000,
    );
    this.timer.unref();
  }

  /** One pass; `olderThanSeconds` 0 resumes everything unfinished (used at start-up). */
  async sweep(olderThanSeconds = this.opts.stuckAfterSeconds): Promise<number> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = (async () => {
      let total = 0;
      try {
        for (;;) {
          const stuck = await claimStuckBatches(this.ctx.pool, olderThanSeconds, 100);
          for (const b of stuck) {
            this.ctx.logger.info(
              { batchId: b.id, status: b.status, attempt: b.attempts },
              'sweeper: resuming unfinished batch',
            );
            await this.driver
              .enqueue(b.id, b.attempts)
              .catch((err: Error) =>
                this.ctx.logger.warn(
                  { batchId: b.id, err: err.message },
                  'sweeper: could not enqueue; will try again',
                ),
              );
          }
          total += stuck.length;
          if (stuck.length < 100) break;
        }
      } catch (err) {
        this.ctx.logger.warn({ err: (err as Error).message }, 'sweeper pass failed');
      }
      return total;
    })().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
