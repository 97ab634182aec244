import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';

import type { BatchRow } from '../db/queries/batches.js';
import type { Logger } from '../logger.js';
import { isRetryable } from '../pipeline/errors.js';
import { modelTable, fieldOrder } from './model.js';
import { executeRun, type MatcherContext } from './run.js';
import {
  createRun,
  stuckRuns,
  unfinishedRuns,
  type NewRun,
  type RunRow,
  type RunSettings,
  type RunTrigger,
} from './runs.js';
import { addMonths, PERIOD } from './scope.js';
import type { MatcherSettings } from './settings.js';

/** What the API needs from the reconciler (see app.ts). */
export interface ReconcilerHandle {
  readonly kind: 'bullmq' | 'inline';
  /** Stores a queued run (the inbox) and hands it to the workers. */
  requestRun(req: RunRequest): Promise<RunRow>;
  health(): Promise<string>;
}

export interface RunRequest {
  periodFrom: string;
  periodTo?: string;
  exportingCountry?: string | null;
  importingCountry?: string | null;
  /** YYYY-MM-DD; defaults to today (UTC). */
  asOf?: string;
  trigger: RunTrigger;
  requestedBy?: string | null;
}

export interface Reconciler extends ReconcilerHandle {
  readonly ctx: MatcherContext;
  /** Hands a stored run to the workers (may fail while Redis is down: the sweeper re-sends it). */
  enqueue(run: RunRow): Promise<void>;
  /** The pipeline's batch-finished hook: marks the cells the batch touched for a debounced run. */
  onBatchFinished(batch: BatchRow): Promise<void>;
  /** Turns due pending cells into runs (one per corridor); returns the runs created. */
  schedulePending(): Promise<RunRow[]>;
  /** Re-enqueues runs left queued or running (a lost job, a killed worker). */
  sweep(olderThanSeconds?: number): Promise<number>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Inline: resolves when no run is queued or running in this process. */
  idle(): Promise<void>;
}

export interface ReconcilerOptions {
  pool: pg.Pool;
  logger: Logger;
  settings: MatcherSettings;
  members: readonly string[];
  certifying: readonly string[];
  /** See MatcherContext.deadlineDay. @defaultValue 15 */
  deadlineDay?: number;
  redisUrl?: string;
  /** Redis key prefix (shared with the pipeline's). @defaultValue 'rmdx' */
  prefix?: string;
  /** Run workers, the scheduler and the sweeper in this process. */
  runWorkers: boolean;
  /** Quiet time after the last batch touching a cell before its run. @defaultValue 30 */
  debounceSeconds: number;
  /** Longest a touched cell waits under a stream of batches. @defaultValue 300 */
  maxWaitSeconds: number;
  /** How often due cells are turned into runs and stuck runs re-sent, seconds. @defaultValue 5 */
  tickSeconds?: number;
  /** A run queued or running without progress for this long is re-sent. @defaultValue 900 */
  stuckAfterSeconds?: number;
  now?: () => Date;
}

export const reconcileQueueName = 'rmdx-reconcile';

export function runSettingsOf(settings: MatcherSettings): RunSettings {
  return { thresholds: settings, model: modelTable(), fields: fieldOrder };
}

export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** BullMQ when a Redis URL is given, else in-process; both run executeRun. */
export function createReconciler(o: ReconcilerOptions): Reconciler {
  const ctx: MatcherContext = {
    pool: o.pool,
    logger: o.logger.child({ component: 'matcher' }),
    settings: o.settings,
    members: [...o.members].sort(),
    certifying: [...o.certifying].sort(),
    deadlineDay: o.deadlineDay ?? 15,
    now: o.now ?? (() => new Date()),
  };
  return o.redisUrl ? new BullmqReconciler(ctx, o, o.redisUrl) : new InlineReconciler(ctx, o);
}

abstract class BaseReconciler implements Reconciler {
  abstract readonly kind: 'bullmq' | 'inline';
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  protected closed = false;

  constructor(
    readonly ctx: MatcherContext,
    protected readonly opts: ReconcilerOptions,
  ) {}

  abstract enqueue(run: RunRow): Promise<void>;
  abstract health(): Promise<string>;
  abstract idle(): Promise<void>;
  protected abstract startWorkers(): Promise<void>;
  protected abstract closeWorkers(): Promise<void>;

  async requestRun(req: RunRequest): Promise<RunRow> {
    const periodTo = req.periodTo ?? req.periodFrom;
    if (!PERIOD.test(req.periodFrom) || !PERIOD.test(periodTo) || periodTo < req.periodFrom)
      throw new Error(`invalid period ${req.periodFrom}..${periodTo}`);
    const n: NewRun = {
      periodFrom: req.periodFrom,
      periodTo,
      exportingCountry: req.exportingCountry ?? null,
      importingCountry: req.importingCountry ?? null,
      asOf: req.asOf ?? today(this.ctx.now()),
      trigger: req.trigger,
      requestedBy: req.requestedBy ?? null,
      settings: runSettingsOf(this.ctx.settings),
    };
    const run = await createRun(this.ctx.pool, n);
    this.ctx.logger.info(
      { runId: run.id, period: `${run.period_from}..${run.period_to}`, trigger: run.trigger },
      'reconciliation run queued',
    );
    await this.enqueue(run).catch((err: Error) =>
      this.ctx.logger.warn(
        { runId: run.id, err: err.message },
        'could not enqueue the run now; the sweeper will',
      ),
    );
    return run;
  }

  async onBatchFinished(batch: BatchRow): Promise<void> {
    if (batch.status !== 'completed' && batch.status !== 'completed_with_errors') return;
    const lag = Math.ceil(
      Math.max(this.ctx.settings.window.gold.after, this.ctx.settings.window['3t'].after) / 30,
    );
    // The cells of the batch's trade records, spread over the months their partners' records may
    // sit in (an export of March meets imports up to July; an import of July, exports from March);
    // any other record type (certificates, actors, sites…) touches the reporting state's exports.
    const { rowCount } = await this.ctx.pool.query(
      `WITH touched AS (
         SELECT e.country AS a, e.destination_country AS b, to_char(e.shipped_on, 'YYYY-MM') AS m, 0 AS back, $4 AS fwd
         FROM exports e WHERE e.batch_id = $1 AND NOT e.is_void AND e.shipped_on IS NOT NULL
         UNION
         SELECT coalesce(i.consignment_country, i.origin_country), i.country, to_char(i.arrived_on, 'YYYY-MM'), $4, 0
         FROM imports i WHERE i.batch_id = $1 AND NOT i.is_void AND i.arrived_on IS NOT NULL
         UNION
         SELECT $2::char(2), p, $3, 0, $4 FROM unnest($5::char(2)[]) AS p
         WHERE p <> $2::char(2) AND (
           EXISTS (SELECT 1 FROM exports WHERE batch_id = $1 AND is_void)
           OR EXISTS (SELECT 1 FROM imports WHERE batch_id = $1 AND is_void)
           OR EXISTS (SELECT 1 FROM certificates WHERE batch_id = $1)
           OR EXISTS (SELECT 1 FROM actors WHERE batch_id = $1)
           OR EXISTS (SELECT 1 FROM mine_sites WHERE batch_id = $1)
           OR EXISTS (SELECT 1 FROM inspections WHERE batch_id = $1)
           OR EXISTS (SELECT 1 FROM lots WHERE batch_id = $1))
       ), cells AS (
         SELECT DISTINCT t.a, t.b, to_char((t.m || '-01')::date + make_interval(months => k), 'YYYY-MM') AS m
         FROM touched t, generate_series(-t.back, t.fwd) AS k
         WHERE t.a = ANY($5::char(2)[]) AND t.b = ANY($5::char(2)[]) AND t.a <> t.b
       )
       INSERT INTO reconciliation_pending (exporting_country, importing_country, period, due_at, batch_ids)
       SELECT a, b, m, now() + make_interval(secs => $6), ARRAY[$1::uuid] FROM cells
       ON CONFLICT (exporting_country, importing_country, period) DO UPDATE
       SET due_at = least(reconciliation_pending.first_requested_at + make_interval(secs => $7),
                          now() + make_interval(secs => $6)),
           batch_ids = CASE WHEN $1::uuid = ANY (reconciliation_pending.batch_ids)
                            THEN reconciliation_pending.batch_ids
                            ELSE reconciliation_pending.batch_ids || $1::uuid END`,
      [
        batch.id,
        batch.reporting_country,
        batch.period,
        lag,
        this.ctx.members,
        this.opts.debounceSeconds,
        this.opts.maxWaitSeconds,
      ],
    );
    if (rowCount)
      this.ctx.logger.debug(
        { batchId: batch.id, cells: rowCount },
        'reconciliation scheduled for touched cells',
      );
  }

  async schedulePending(): Promise<RunRow[]> {
    const client = await this.ctx.pool.connect();
    const runs: RunRow[] = [];
    try {
      await client.query('BEGIN');
      // Each corridor's due cells, with the batches that marked them (named in the run's audit entry).
      const { rows } = await client.query<{
        a: string;
        b: string;
        from: string;
        to: string;
        batches: string[];
      }>(
        `WITH due AS (
           DELETE FROM reconciliation_pending WHERE (exporting_country, importing_country, period) IN (
             SELECT exporting_country, importing_country, period FROM reconciliation_pending
             WHERE due_at <= now() ORDER BY exporting_country, importing_country, period
             FOR UPDATE SKIP LOCKED)
           RETURNING *)
         SELECT d.exporting_country AS a, d.importing_country AS b, min(d.period) AS from, max(d.period) AS to,
           coalesce((SELECT array_agg(x.id::text ORDER BY bt.seq NULLS LAST, x.id)
                     FROM (SELECT DISTINCT unnest(d2.batch_ids) AS id FROM due d2
                           WHERE d2.exporting_country = d.exporting_country
                             AND d2.importing_country = d.importing_country) x
                     LEFT JOIN batches bt ON bt.id = x.id), '{}') AS batches
         FROM due d GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      const asOf = today(this.ctx.now());
      for (const r of rows) {
        // Never ahead of today: a run of months not yet lived has nothing to judge.
        const to = r.to > asOf.slice(0, 7) ? asOf.slice(0, 7) : r.to;
        if (to < r.from) continue;
        runs.push(
          await createRun(client, {
            periodFrom: r.from,
            periodTo: to,
            exportingCountry: r.a.trim(),
            importingCountry: r.b.trim(),
            asOf,
            trigger: 'batch',
            settings: runSettingsOf(this.ctx.settings),
            afterBatches: r.batches,
          }),
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    for (const run of runs) await this.enqueue(run).catch(() => undefined);
    if (runs.length) this.ctx.logger.info({ runs: runs.length }, 'incremental reconciliation runs queued');
    return runs;
  }

  async sweep(olderThanSeconds = this.opts.stuckAfterSeconds ?? 900): Promise<number> {
    const stuck = await stuckRuns(this.ctx.pool, olderThanSeconds);
    for (const run of stuck) {
      this.ctx.logger.info({ runId: run.id, status: run.status }, 'sweeper: re-sending an unfinished run');
      await this.enqueue(run).catch(() => undefined);
    }
    return stuck.length;
  }

  async start(): Promise<void> {
    if (!this.opts.runWorkers) return;
    await this.startWorkers();
    const tick = async () => {
      if (this.closed || this.ticking) return;
      this.ticking = (async () => {
        try {
          await this.schedulePending();
          await this.sweep();
        } catch (err) {
          this.ctx.logger.warn({ err: (err as Error).message }, 'reconciliation scheduler pass failed');
        }
      })().finally(() => (this.ticking = undefined));
    };
    this.timer = setInterval(() => void tick(), (this.opts.tickSeconds ?? 5) * 1000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await this.closeWorkers();
  }

  /** Runs one run; a transient failure puts it back in the queue, a permanent one fails it. */
  protected async execute(runId: string): Promise<void> {
    try {
      await executeRun(this.ctx, runId);
    } catch (err) {
      if (isRetryable(err)) {
        await this.ctx.pool
          .query(`UPDATE reconciliation_runs SET status = 'queued', updated_at = now() WHERE id = $1`, [
            runId,
          ])
          .catch(() => undefined);
        throw err;
      }
      const e = new UnrecoverableError((err as Error).message);
      (e as { cause?: unknown }).cause = err;
      throw e;
    }
  }
}

class InlineReconciler extends BaseReconciler {
  readonly kind = 'inline' as const;
  private queue: string[] = [];
  private queued = new Set<string>();
  private running: Promise<void> | undefined;

  async health(): Promise<string> {
    return 'ok';
  }

  async enqueue(run: RunRow): Promise<void> {
    // Without workers in this process the run waits, stored, for a process that has them.
    if (!this.opts.runWorkers || this.closed || this.queued.has(run.id)) return;
    this.queued.add(run.id);
    this.queue.push(run.id);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  protected async startWorkers(): Promise<void> {
    // This process is the only worker: everything unfinished is ours to resume.
    for (const run of await unfinishedRuns(this.ctx.pool)) await this.enqueue(run);
  }

  protected async closeWorkers(): Promise<void> {
    this.queue = [];
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.closed && this.queue.length > 0) {
      const id = this.queue.shift()!;
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await this.execute(id);
            break;
          } catch (err) {
            if (err instanceof UnrecoverableError || attempt >= 3 || this.closed) break;
            await new Promise((r) => setTimeout(r, 1000 * attempt));
          }
        }
      } finally {
        this.queued.delete(id);
      }
    }
  }
}

class BullmqReconciler extends BaseReconciler {
  readonly kind = 'bullmq' as const;
  private readonly producer: Redis;
  private readonly workerConnection: Redis;
  private readonly queue: Queue<{ runId: string }>;
  private worker: Worker<{ runId: string }> | undefined;

  constructor(ctx: MatcherContext, opts: ReconcilerOptions, redisUrl: string) {
    super(ctx, opts);
    this.producer = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.producer.on('error', () => undefined);
    this.workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', () => undefined);
    this.queue = new Queue(reconcileQueueName, { connection: this.producer, prefix: opts.prefix ?? 'rmdx' });
    this.queue.on('error', () => undefined);
  }

  async health(): Promise<string> {
    try {
      return (await this.producer.ping()) === 'PONG' ? 'ok' : 'redis did not answer PONG';
    } catch (err) {
      return `redis: ${(err as Error).message}`;
    }
  }

  async enqueue(run: RunRow): Promise<void> {
    await this.queue.add(
      'run',
      { runId: run.id },
      {
        jobId: `${run.id}.${run.attempts}`,
        attempts: 3,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }

  async idle(): Promise<void> {}

  protected async startWorkers(): Promise<void> {
    this.worker = new Worker<{ runId: string }>(
      reconcileQueueName,
      (job: Job<{ runId: string }>) => this.execute(job.data.runId),
      {
        connection: this.workerConnection,
        prefix: this.opts.prefix ?? 'rmdx',
        concurrency: 1,
        lockDuration: 60_000,
      },
    );
    this.worker.on('error', (err) => this.ctx.logger.warn({ err: err.message }, 'reconcile worker error'));
  }

  protected async closeWorkers(): Promise<void> {
    await this.worker?.close();
    await this.queue.close().catch(() => undefined);
    this.producer.disconnect();
    this.workerConnection.disconnect();
  }
}

export { addMonths };
