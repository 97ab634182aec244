import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, inject, it, onTestFinished } from 'vitest';

import { getBatch } from '../../../src/db/queries/batches.js';
import { queueNames } from '../../../src/pipeline/queues.js';

import { batchDoc, mixedRecords, rng } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';
import { startHubProcess, waitFor, type RunningProcess } from '../../helpers/processes.js';
import { spawnRedis } from '../../helpers/services.js';
import { storedVersions } from '../records/versions.js';

const tables = ['exports', 'imports', 'lots', 'custody_transfers', 'mine_sites'];

type Db = Awaited<ReturnType<typeof testDatabase>>;

/** Versions stored for a batch (current rows and history): one per valid record, never two. */
async function storedRows(db: Db, batchId: string): Promise<number> {
  const { n, d } = await storedVersions(db.pool, batchId);
  expect(n).toBe(d);
  return n;
}

/** Current rows across the record tables: exactly one per distinct key submitted. */
async function currentRows(db: Db): Promise<number> {
  let n = 0;
  for (const t of tables) n += (await db.pool.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return n;
}

function distinctKeys(docs: { records: Record<string, unknown>[] }[]): number {
  const keys = new Set<string>();
  for (const d of docs)
    for (const r of d.records) {
      const k = Object.keys(r).find((f) => f.endsWith('Id') || f === 'lotNumber')!;
      keys.add(`${String(r.recordType)}:${String(r[k])}`);
    }
  return keys.size;
}

describe('a worker killed with SIGKILL mid-batch', () => {
  it('leaves every batch to complete after restart, with exact counts and no duplicate rows', async () => {
    const db = await testDatabase();
    const hub = await testHub(db, {
      runWorkers: false,
      config: { chunkSize: 250, jobLockMs: 2000, stuckAfterSeconds: 30, sweepIntervalSeconds: 1 },
    });
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: hub.config.redisUrl!,
      RMDX_QUEUE_PREFIX: hub.config.queuePrefix,
      RMDX_CHUNK_SIZE: '250',
      RMDX_JOB_LOCK_MS: '2000',
      RMDX_WORKER_CONCURRENCY: '2',
    };
    const workers: RunningProcess[] = [];
    // Hooks registered inside a test run when it ends (afterAll there never ran: the worker outlived it).
    onTestFinished(async () => {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    });

    const ids: string[] = [];
    const docs: { records: Record<string, unknown>[] }[] = [];
    for (let b = 0; b < 4; b++) {
      const doc = batchDoc(
        'RW',
        `2026-0${b + 1}`,
        mixedRecords({ country: 'RW', period: `2026-0${b + 1}`, r: rng(b) }, 3000),
      );
      const res = await hub.app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: {
          ...bearer(hub.keys.RW),
          'idempotency-key': `kill-${b}`,
          'content-type': 'application/json',
        },
        payload: JSON.stringify(doc),
      });
      expect(res.statusCode).toBe(202);
      ids.push(res.json().batchId);
      docs.push(doc as { records: Record<string, unknown>[] });
    }

    const first = startHubProcess('src/worker.ts', env);
    workers.push(first);
    await waitFor(
      'the worker to store some chunks',
      async () => {
        const { rows } = await db.pool.query(
          `SELECT sum(records_done)::int AS n FROM batches WHERE id = ANY($1::uuid[])`,
          [ids],
        );
        return rows[0].n > 0 && rows[0].n < 12000;
      },
      60_000,
      20,
    );
    await first.kill('SIGKILL');

    const second = startHubProcess('src/worker.ts', env);
    workers.push(second);
    for (const id of ids) {
      const done = await hub.waitForBatch(id, 120_000);
      expect(done.status).toBe('completed');
      expect(done.counts.totals).toMatchObject({ received: 3000, stored: 3000, invalid: 0 });
      expect(await storedRows(db, id)).toBe(3000);
    }
    expect(await currentRows(db)).toBe(distinctKeys(docs));
  }, 240_000);
});

describe('Redis stopped while batches are posted', () => {
  it('still answers every post with 202, and the batches complete after Redis returns', async () => {
    const db = await testDatabase();
    const redis = await spawnRedis();
    const hub = await testHub(db, {
      redis: redis.url,
      config: { stuckAfterSeconds: 2, sweepIntervalSeconds: 1 },
    });
    await redis.stop();
    const ids: string[] = [];
    const docs: { records: Record<string, unknown>[] }[] = [];
    for (let b = 0; b < 3; b++) {
      const doc = batchDoc(
        'CD',
        `2026-0${b + 1}`,
        mixedRecords({ country: 'CD', period: `2026-0${b + 1}`, r: rng(10 + b) }, 400),
      );
      const started = Date.now();
      const res = await hub.app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: {
          ...bearer(hub.keys.CD),
          'idempotency-key': `redis-down-${b}`,
          'content-type': 'application/json',
        },
        payload: JSON.stringify(doc),
      });
      expect(res.statusCode).toBe(202);
      expect(Date.now() - started).toBeLessThan(5000);
      ids.push(res.json().batchId);
      docs.push(doc as { records: Record<string, unknown>[] });
    }
    const readyWhileDown = await hub.app.inject({ method: 'GET', url: '/readyz' });
    expect(readyWhileDown.statusCode).toBe(503);

    const again = await spawnRedis(redis.port);
    onTestFinished(() => again.stop());
    for (const id of ids) {
      const done = await hub.waitForBatch(id, 90_000);
      expect(done.status).toBe('completed');
      expect(done.counts.totals).toMatchObject({ received: 400, stored: 400 });
      expect(await storedRows(db, id)).toBe(400);
    }
    expect(await currentRows(db)).toBe(distinctKeys(docs));
  }, 180_000);
});

describe('a chunk that runs out of retries on a transient error', () => {
  it('leaves its batch unfinished, not failed, and the sweeper completes it once the cause is gone', async () => {
    const db = await testDatabase();
    const hub = await testHub(db, { config: { stuckAfterSeconds: 20, sweepIntervalSeconds: 1 } });
    const records = mixedRecords({ country: 'RW', period: '2026-06', r: rng(31) }, 1200);
    const blocked = records.slice(1000).find((r) => r.recordType === 'export')!.exportId as string;
    // Storing that export raises serialization_failure, an error a retry may mend, on every attempt.
    await db.pool.query(`
      CREATE FUNCTION transient_probe() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.export_id = '${blocked}' THEN
          RAISE EXCEPTION 'transient probe' USING ERRCODE = 'serialization_failure';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER transient_probe BEFORE INSERT ON exports FOR EACH ROW EXECUTE FUNCTION transient_probe();`);
    const res = await hub.app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(hub.keys.RW), 'idempotency-key': 'transient', 'content-type': 'application/json' },
      payload: JSON.stringify(batchDoc('RW', '2026-06', records)),
    });
    expect(res.statusCode).toBe(202);
    const batchId = res.json().batchId as string;

    // Its chunk job fails for good after the retry policy's attempts (about 15 s of backoff), and BullMQ
    // then fails the flow's finalise job too ("child … failed").
    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const queues = [queueNames.chunks, queueNames.finalise].map(
      (name) => new Queue(name, { connection: redis, prefix: hub.config.queuePrefix }),
    );
    onTestFinished(async () => {
      await Promise.all(queues.map((q) => q.close()));
      redis.disconnect();
    });
    await waitFor(
      'the chunk and finalise jobs to fail',
      async () => (await Promise.all(queues.map((q) => q.getJobCountByTypes('failed')))).every((n) => n > 0),
      60_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 500));
    const meanwhile = await getBatch(db.pool, batchId);
    expect(meanwhile!.status).not.toBe('failed');
    expect(meanwhile!.finished_at).toBeNull();

    await db.pool.query('DROP TRIGGER transient_probe ON exports; DROP FUNCTION transient_probe()');
    const done = await hub.waitForBatch(batchId, 90_000);
    expect(done.status).toBe('completed');
    expect(done.counts.totals).toMatchObject({ received: 1200, stored: 1200 });
    expect(await storedRows(db, batchId)).toBe(1200);
  }, 180_000);
});
