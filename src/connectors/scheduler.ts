/**
 * Where and when connector runs happen. With Redis: BullMQ — a job scheduler (repeatable job, cron
 * in UTC) per scheduled connector that queues a run, and a queue of runs worked by any process
 * running workers; without Redis: the same runs, in this process, from a timer. Both:
 *
 * - a run is a row first (connector_runs, status `queued`), then a job: nothing asked is lost if
 *   Redis or a process fails; a sweeper hands runs waiting too long to the workers again, and marks
 *   runs whose process died (their lock is free) as interrupted;
 * - a transient failure (source down, timeouts, the database for a moment) is tried again
 *   `runAttempts` times in all, after exponential backoff with jitter; a run that still fails counts
 *   one failure, and `pauseAfter` failed runs in a row pause the connector (it says why);
 * - the schedules follow the database: every pass makes BullMQ's job schedulers (or the in-process
 *   next-run times) agree with the instances, so the CLI can create and pause connectors without
 *   talking to Redis.
 */
import { randomUUID } from 'node:crypto';

import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';

import type { Queryable } from '../db/pool.js';
import type { Logger } from '../logger.js';
import { nextRun, scheduleTimezone } from './cron.js';
import { executeRun, instanceBusy, type ExecuteResult, type RunnerDeps } from './runner.js';
import {
  advanceNextRun,
  dueInstances,
  finishRun,
  getInstance,
  getRun,
  insertRun,
  listInstances,
  staleRuns,
  type InstanceRow,
  type RunRow,
  type RunTrigger,
} from './store.js';

export interface SchedulerSettings {
  /** Attempts per run (transient failures). @defaultValue 3 */
  runAttempts: number;
  /** First backoff, ms (doubled each attempt, jittered). @defaultValue 30000 */
  retryBaseMs: number;
  /** Runs at once in this process. @defaultValue 2 */
  concurrency: number;
  /** Seconds between scheduler and sweeper passes. @defaultValue 15 */
  tickSeconds: number;
  /** A run queued (or running) without news for this long is looked at by the sweeper. @defaultValue 300 */
  staleAfterSeconds?: number;
}

export interface SchedulerOptions {
  runner: RunnerDeps;
  settings: SchedulerSettings;
  redisUrl?: string | undefined;
  /** Redis key prefix (shared with the pipeline's). @defaultValue 'rmdx' */
  prefix?: string;
  /** Run connector runs and the scheduler in this process. */
  runWorkers: boolean;
}

export interface RunRequest {
  trigger: RunTrigger;
  replayOf?: string | null;
  fileIds?: string[] | null;
  periodHint?: string | null;
  requestedBy?: string | null;
}

/** What the API and the CLI need from the scheduler. */
export interface ConnectorScheduler {
  readonly kind: 'bullmq' | 'inline';
  readonly runner: RunnerDeps;
  /**
   * Stores a queued run and hands it to the workers. Given `db` (a transaction), it only stores it:
   * call `handOver(run.id)` once the transaction has committed.
   */
  requestRun(instance: InstanceRow, req: RunRequest, db?: Queryable): Promise<RunRow>;
  /** Enqueues a stored run; a failure only delays it (the sweeper hands it over later). */
  handOver(runId: string): Promise<void>;
  /** Hands a stored run to the workers (after `delayMs`). */
  enqueue(runId: string, delayMs?: number): Promise<void>;
  /** One pass: due schedules, schedules in step with the instances, the sweeper. */
  tick(): Promise<void>;
  health(): Promise<string>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Inline: resolves when no run is queued or running in this process. */
  idle(): Promise<void>;
}

export const connectorQueueName = 'rmdx-connectors';

/** Exponential backoff with equal jitter: half fixed, half random, so waits never collapse to 0. */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const cap = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export function createConnectorScheduler(o: SchedulerOptions): ConnectorScheduler {
  return o.redisUrl ? new BullmqScheduler(o, o.redisUrl) : new InlineScheduler(o);
}

abstract class BaseScheduler implements ConnectorScheduler {
  abstract readonly kind: 'bullmq' | 'inline';
  readonly runner: RunnerDeps;
  protected readonly log: Logger;
  protected closed = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** Aborted at close: runs stop between pages and are queued again. */
  protected readonly stop = new AbortController();

  constructor(protected readonly o: SchedulerOptions) {
    this.runner = o.runner;
    this.log = o.runner.logger;
  }

  protected now(): Date {
    return this.runner.now?.() ?? new Date();
  }

  abstract enqueue(runId: string, delayMs?: number): Promise<void>;
  abstract health(): Promise<string>;
  abstract idle(): Promise<void>;
  protected abstract startWorkers(): Promise<void>;
  protected abstract closeWorkers(): Promise<void>;
  /** Makes the schedules (BullMQ's, or next_run_at) agree with the instances. */
  protected abstract syncSchedules(instances: InstanceRow[]): Promise<void>;
  /** Is this run in this process's hands (queued, waiting a retry, running)? */
  protected abstract holds(runId: string): Promise<boolean>;

  async requestRun(instance: InstanceRow, req: RunRequest, db?: Queryable): Promise<RunRow> {
    const run = await insertRun(db ?? this.runner.pool, {
      id: randomUUID(),
      instanceId: instance.id,
      trigger: req.trigger,
      replayOf: req.replayOf ?? null,
      fileIds: req.fileIds ?? null,
      periodHint: req.periodHint ?? null,
      requestedBy: req.requestedBy ?? null,
    });
    this.log.info({ connectorId: instance.id, runId: run.id, trigger: run.trigger }, 'connector run queued');
    // Inside the caller's transaction the run is not visible yet: the caller hands it over once committed.
    if (!db) await this.handOver(run.id);
    return run;
  }

  /** Enqueues a stored run; a failure only delays it (the sweeper hands it over later). */
  async handOver(runId: string): Promise<void> {
    await this.enqueue(runId).catch((err: Error) =>
      this.log.warn({ runId, err: err.message }, 'could not enqueue the run now; the sweeper will'),
    );
  }

  /** Runs one attempt and decides what follows: done, or another attempt after a backoff. */
  protected async attempt(runId: string): Promise<ExecuteResult | undefined> {
    const run = await getRun(this.runner.pool, runId);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return undefined;
    const lastAttempt = run.attempt + 1 >= this.o.settings.runAttempts;
    const result = await executeRun(this.runner, runId, { lastAttempt, signal: this.stop.signal });
    if (result.outcome === 'failed' && result.paused) {
      // A paused connector's schedule stops at once (BullMQ: its job scheduler goes).
      await this.tick().catch(() => undefined);
    }
    return result;
  }

  async tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        const instances = await listInstances(this.runner.pool);
        await this.syncSchedules(instances);
        await this.sweep();
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'connector scheduler pass failed');
      }
    })().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Queued runs nobody holds go to the workers again; runs whose process died are marked interrupted. */
  private async sweep(): Promise<void> {
    const stale = await staleRuns(this.runner.pool, this.o.settings.staleAfterSeconds ?? 300);
    for (const run of stale) {
      if (this.closed) return;
      if (await this.holds(run.id)) continue;
      if (run.status === 'queued') {
        this.log.info({ runId: run.id }, 'sweeper: handing a waiting connector run to the workers again');
        await this.enqueue(run.id).catch(() => undefined);
      } else if (!(await instanceBusy(this.runner.pool, run.instance_id))) {
        await finishRun(this.runner.pool, run.id, {
          status: 'failed',
          error: {
            code: 'RMDX_CONN_INTERRUPTED',
            retryable: true,
            message:
              'the process running it stopped before the end; pages stored before that are kept, and the next run goes on from the cursor',
          },
        });
        this.log.warn(
          { runId: run.id },
          'sweeper: a connector run whose process stopped is marked interrupted',
        );
      }
    }
  }

  async start(): Promise<void> {
    if (!this.o.runWorkers) return;
    await this.startWorkers();
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.o.settings.tickSeconds * 1000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.stop.abort();
    await this.ticking;
    await this.closeWorkers();
  }
}

/** Runs in this process, from a timer: for a hub without Redis (one server process). */
class InlineScheduler extends BaseScheduler {
  readonly kind = 'inline' as const;
  private readonly waiting: string[] = [];
  private readonly held = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = 0;
  private readonly done = new Set<() => void>();

  async health(): Promise<string> {
    return 'ok';
  }

  protected async holds(runId: string): Promise<boolean> {
    return this.held.has(runId);
  }

  async enqueue(runId: string, delayMs = 0): Promise<void> {
    if (this.closed) return;
    if (delayMs > 0) {
      this.held.add(runId);
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.held.delete(runId);
        void this.enqueue(runId);
      }, delayMs);
      t.unref();
      this.timers.add(t);
      return;
    }
    if (this.held.has(runId)) return;
    this.held.add(runId);
    this.waiting.push(runId);
    this.pump();
  }

  private pump() {
    while (!this.closed && this.running < this.o.settings.concurrency && this.waiting.length > 0) {
      const runId = this.waiting.shift()!;
      this.running++;
      void this.work(runId).finally(() => {
        this.running--;
        if (this.running === 0 && this.waiting.length === 0) for (const f of this.done) f();
        this.pump();
      });
    }
  }

  private async work(runId: string): Promise<void> {
    let again: number | undefined;
    try {
      const result = await this.attempt(runId);
      if (result?.outcome === 'retry') again = retryDelayMs(result.run.attempt, this.o.settings.retryBaseMs);
      if (result?.outcome === 'busy') again = Math.max(1000, this.o.settings.tickSeconds * 1000);
    } catch (err) {
      this.log.warn(
        { runId, err: (err as Error).message },
        'connector run could not be worked on; the sweeper will',
      );
    } finally {
      this.held.delete(runId);
    }
    if (again !== undefined && !this.closed) await this.enqueue(runId, again);
  }

  async idle(): Promise<void> {
    while (this.running > 0 || this.waiting.length > 0) {
      await new Promise<void>((resolve) => {
        const f = () => {
          this.done.delete(f);
          resolve();
        };
        this.done.add(f);
      });
    }
  }

  protected async startWorkers(): Promise<void> {
    // This process is the only worker: every run waiting is ours.
    const { rows } = await this.runner.pool.query<{ id: string }>(
      `SELECT id FROM connector_runs WHERE status = 'queued' ORDER BY queued_at`,
    );
    for (const r of rows) await this.enqueue(r.id);
  }

  protected async closeWorkers(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.waiting.length = 0;
    await this.idle();
  }

  /** Due schedules become runs; next_run_at moves by compare-and-set, so a schedule fires once. */
  protected async syncSchedules(instances: InstanceRow[]): Promise<void> {
    const now = this.now();
    for (const inst of instances) {
      const want = inst.schedule && !inst.paused_at ? nextRun(inst.schedule, now) : null;
      if (!want) {
        if (inst.next_run_at) await advanceNextRun(this.runner.pool, inst.id, inst.next_run_at, null);
      } else if (!inst.next_run_at) {
        await advanceNextRun(this.runner.pool, inst.id, null, want);
      }
    }
    for (const inst of await dueInstances(this.runner.pool, now)) {
      if (this.closed) return;
      // A hub down for a day runs a missed schedule once, not once per missed tick.
      const next = nextRun(inst.schedule!, now);
      if (!(await advanceNextRun(this.runner.pool, inst.id, inst.next_run_at, next))) continue;
      await this.requestRun(inst, { trigger: 'schedule', requestedBy: 'schedule' });
    }
  }
}

interface RunJob {
  runId: string;
}
interface ScheduleJob {
  instanceId: string;
}

/** BullMQ: job schedulers queue runs; workers in any process run them. */
class BullmqScheduler extends BaseScheduler {
  readonly kind = 'bullmq' as const;
  private readonly producer: Redis;
  private readonly workerConnection: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly prefix: string;

  constructor(o: SchedulerOptions, redisUrl: string) {
    super(o);
    this.prefix = o.prefix ?? 'rmdx';
    this.producer = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.producer.on('error', () => undefined);
    this.workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', () => undefined);
    this.queue = new Queue(connectorQueueName, { connection: this.producer, prefix: this.prefix });
    this.queue.on('error', () => undefined);
  }

  private get runJobOptions() {
    const s = this.o.settings;
    return {
      // The run row counts attempts; the job has room for "busy" waits besides.
      attempts: s.runAttempts + 3,
      backoff: { type: 'exponential', delay: s.retryBaseMs, jitter: 0.5 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  async health(): Promise<string> {
    try {
      return (await this.producer.ping()) === 'PONG' ? 'ok' : 'redis did not answer PONG';
    } catch (err) {
      return `redis: ${(err as Error).message}`;
    }
  }

  async enqueue(runId: string, delayMs = 0): Promise<void> {
    const existing = await this.queue.getJob(runId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'waiting' || state === 'delayed' || state === 'active' || state === 'prioritized') return;
      await existing.remove().catch(() => undefined);
    }
    await this.queue.add('run', { runId } satisfies RunJob, {
      ...this.runJobOptions,
      jobId: runId,
      ...(delayMs > 0 && { delay: delayMs }),
    });
  }

  protected async holds(runId: string): Promise<boolean> {
    const job = await this.queue.getJob(runId);
    if (!job) return false;
    const state = await job.getState();
    return state === 'waiting' || state === 'delayed' || state === 'active' || state === 'prioritized';
  }

  async idle(): Promise<void> {}

  protected async startWorkers(): Promise<void> {
    this.worker = new Worker(
      connectorQueueName,
      async (job: Job) => {
        if (job.name === 'schedule') return this.onSchedule(job as Job<ScheduleJob>);
        const result = await this.attempt((job.data as RunJob).runId);
        if (result?.outcome === 'retry' || result?.outcome === 'busy') {
          // BullMQ waits (exponential backoff with jitter) and tries again.
          throw new Error(
            result.outcome === 'busy'
              ? 'another run of this connector is going on'
              : `${result.error?.code}: ${result.error?.message}`,
          );
        }
        return { outcome: result?.outcome ?? 'gone' };
      },
      {
        connection: this.workerConnection,
        prefix: this.prefix,
        concurrency: this.o.settings.concurrency,
        lockDuration: 60_000,
      },
    );
    this.worker.on('error', (err) => this.log.warn({ err: err.message }, 'connector worker error'));
  }

  private async onSchedule(job: Job<ScheduleJob>): Promise<void> {
    const inst = await getInstance(this.runner.pool, job.data.instanceId);
    if (!inst || !inst.schedule || inst.paused_at) return;
    await advanceNextRun(this.runner.pool, inst.id, inst.next_run_at, nextRun(inst.schedule, this.now()));
    await this.requestRun(inst, { trigger: 'schedule', requestedBy: 'schedule' });
  }

  protected async closeWorkers(): Promise<void> {
    await this.worker?.close();
    await this.queue.close().catch(() => undefined);
    this.producer.disconnect();
    this.workerConnection.disconnect();
  }

  protected async syncSchedules(instances: InstanceRow[]): Promise<void> {
    const schedulers = await this.queue.getJobSchedulers(0, -1);
    const byId = new Map(schedulers.map((s) => [s.key, s]));
    const wanted = new Set<string>();
    for (const inst of instances) {
      const id = `connector:${inst.id}`;
      if (!inst.schedule || inst.paused_at) {
        if (inst.next_run_at) await advanceNextRun(this.runner.pool, inst.id, inst.next_run_at, null);
        continue;
      }
      wanted.add(id);
      const have = byId.get(id);
      if (!have || have.pattern !== inst.schedule) {
        await this.queue.upsertJobScheduler(
          id,
          { pattern: inst.schedule, tz: scheduleTimezone },
          {
            name: 'schedule',
            data: { instanceId: inst.id } satisfies ScheduleJob,
            opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
          },
        );
        this.log.info({ connectorId: inst.id, schedule: inst.schedule }, 'connector schedule set');
      }
      const next = nextRun(inst.schedule, this.now());
      if (!inst.next_run_at || inst.next_run_at.getTime() < this.now().getTime())
        await advanceNextRun(this.runner.pool, inst.id, inst.next_run_at, next);
    }
    for (const s of schedulers) {
      if (s.key.startsWith('connector:') && !wanted.has(s.key)) {
        await this.queue.removeJobScheduler(s.key);
        this.log.info({ scheduler: s.key }, 'connector schedule removed');
      }
    }
  }
}
