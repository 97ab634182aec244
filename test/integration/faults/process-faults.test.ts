/**
 * Faults with real processes: a server and two workers (src/server.ts, src/worker.ts) on a Postgres
 * cluster and a redis-server started for this file (never the machine's own), 20 batches of 1,000
 * records in flight per fault:
 *   1. a worker SIGKILLed mid-chunk;   2. Redis stopped and restarted;   3. Postgres restarted;
 *   4. the server killed between storing a batch and answering (frozen with SIGSTOP the moment the
 *      first row appears, then SIGKILLed), and every client retrying with its Idempotency-Key.
 * After recovery every accepted batch completes with exact counts, nothing is duplicated or lost,
 * every batch has its receipts and the audit chain verifies. Prints a fault × outcome table.
 * Finally the full logs of every process are scanned for secrets (API keys, the KEK, the signing
 * key, the database password).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApiKey } from '../../../src/auth/keys.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../../src/db/embedded.js';
import { migrate } from '../../../src/db/migrate.js';
import { verifyAuditChain } from '../../../src/evidence/audit.js';
import { kekId, open } from '../../../src/evidence/kek.js';
import { batchDoc, mixedRecords, rng } from '../../fixtures/factory.js';
import { startHubProcess, waitFor, type RunningProcess } from '../../helpers/processes.js';
import { freePort, spawnRedis, type StartedRedis } from '../../helpers/services.js';
import { storedVersions } from '../records/versions.js';

const BATCHES = 20;
const RECORDS = 1000;
const countries = ['RW', 'CD', 'UG', 'BI'] as const;
const tables = ['exports', 'imports', 'lots', 'custody_transfers', 'mine_sites'];

interface Outcome {
  fault: string;
  posted: number;
  accepted: number;
  completed: number;
  exactCounts: boolean;
  duplicates: number;
  receipts: boolean;
  note: string;
}
const outcomes: Outcome[] = [];

let pgDir = '';
let pgPort = 0;
let cluster: EmbeddedCluster;
let redis: StartedRedis;
let pool: pg.Pool;
let dbUrl = '';
const kek = randomBytes(32);
const keys: Record<string, string> = {};
let env: Record<string, string> = {};
let server: RunningProcess;
const workers: RunningProcess[] = [];
/** Every process ever started, for the log scan at the end. */
const everyProcess: RunningProcess[] = [];
let base = '';

function start(entry: 'src/server.ts' | 'src/worker.ts'): RunningProcess {
  const p = startHubProcess(entry, env);
  everyProcess.push(p);
  return p;
}

async function startServer() {
  server = start('src/server.ts');
  await waitFor(
    'the server to answer /healthz',
    async () => {
      try {
        return (await fetch(`${base}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    90_000,
    100,
  );
}

async function startPostgres() {
  cluster = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, persistent: true });
}

beforeAll(async () => {
  pgDir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-faults-pg-'));
  pgPort = await freePort();
  await startPostgres();
  dbUrl = cluster.url;
  pool = new pg.Pool({ connectionString: dbUrl, max: 4 });
  pool.on('error', () => undefined);
  await migrate(pool);
  // Test instrumentation in this test's own database (not a migration): a notification the moment a
  // batch row commits, so the server can be frozen between storing a batch and answering for it.
  await pool.query(`
    CREATE FUNCTION test_notify_batch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('test_batch_stored', NEW.idempotency_key); RETURN NEW; END $$;
    CREATE TRIGGER test_notify_batch AFTER INSERT ON batches FOR EACH ROW EXECUTE FUNCTION test_notify_batch();`);
  redis = await spawnRedis();
  for (const c of countries)
    keys[c] = (await createApiKey(pool, { name: `${c} system`, role: 'submitter', country: c })).key;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = {
    DATABASE_URL: dbUrl,
    REDIS_URL: redis.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    RMDX_DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'rmdx-faults-data-')),
    RMDX_RECEIPT_KEK: kek.toString('base64'),
    RMDX_QUEUE_PREFIX: `f${randomBytes(3).toString('hex')}`,
    RMDX_CHUNK_SIZE: '250',
    RMDX_JOB_LOCK_MS: '2000',
    RMDX_WORKER_CONCURRENCY: '2',
    RMDX_STUCK_AFTER_S: '5',
    RMDX_SWEEP_INTERVAL_S: '1',
    RMDX_WORKERS_IN_SERVER: 'false',
    RMDX_RATE_LIMIT_PER_MIN: '1000000',
    RMDX_SUBMIT_RATE_LIMIT_PER_MIN: '1000000',
    RMDX_MAX_EVENT_LOOP_DELAY_MS: '600000',
    PG_POOL_MAX: '8',
    LOG_LEVEL: 'info',
  };
  await startServer();
  workers.push(start('src/worker.ts'), start('src/worker.ts'));
}, 180_000);

afterAll(async () => {
  if (process.env.FAULTS_LOG_DIR) {
    const { writeFile } = await import('node:fs/promises');
    await Promise.all(
      everyProcess.map((p, i) =>
        writeFile(path.join(process.env.FAULTS_LOG_DIR!, `proc-${i}.log`), p.output()),
      ),
    );
  }
  console.log(`\nfault × outcome (${BATCHES} batches × ${RECORDS} records per fault)\n${table(outcomes)}\n`);
  await Promise.all(everyProcess.map((p) => p.kill('SIGKILL')));
  await pool?.end().catch(() => undefined);
  await redis?.stop();
  await cluster?.stop().catch(() => undefined);
  await rm(pgDir, { recursive: true, force: true });
}, 120_000);

function table(rows: Outcome[]): string {
  const head = ['fault', 'posted', 'accepted', 'completed', 'exact counts', 'duplicates', 'receipts', 'note'];
  const body = rows.map((r) => [
    r.fault,
    String(r.posted),
    String(r.accepted),
    String(r.completed),
    r.exactCounts ? 'yes' : 'NO',
    String(r.duplicates),
    r.receipts ? 'yes' : 'NO',
    r.note,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  return [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

interface Planned {
  idem: string;
  country: string;
  doc: ReturnType<typeof batchDoc>;
  body: string;
  batchId?: string;
  /** Answers seen, in order: a status or a network error. */
  answers: (number | string)[];
}

function plan(phase: number, round = 0): Planned[] {
  return Array.from({ length: BATCHES }, (_, b) => {
    const country = countries[b % countries.length]!;
    const period = `${2010 + phase * 3 + round}-${String(1 + Math.floor(b / countries.length)).padStart(2, '0')}`;
    const doc = batchDoc(
      country,
      period,
      mixedRecords({ country, period, r: rng(phase * 1000 + round * 100 + b) }, RECORDS),
    );
    return { idem: `p${phase}r${round}-${b}`, country, doc, body: JSON.stringify(doc), answers: [] };
  });
}

/** One POST; returns the status, or the network error's code. */
async function postOnce(p: Planned): Promise<number | string> {
  try {
    const res = await fetch(`${base}/v1/batches`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${keys[p.country]}`,
        'content-type': 'application/json',
        'idempotency-key': p.idem,
      },
      body: p.body,
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await res.json()) as { batchId?: string };
    if (res.status === 202) {
      if (p.batchId && p.batchId !== json.batchId) throw new Error(`${p.idem}: a retry got another batch`);
      p.batchId = json.batchId;
    }
    p.answers.push(res.status);
    return res.status;
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    p.answers.push(code);
    return code;
  }
}

/** A well-behaved client: retries with the same Idempotency-Key until it gets 202. */
async function postUntilAccepted(p: Planned, deadline = Date.now() + 120_000): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await postOnce(p);
    if (r === 202) return;
    if (typeof r === 'number' && r < 500 && r !== 429) throw new Error(`${p.idem}: refused with ${r}`);
    if (Date.now() > deadline) throw new Error(`${p.idem}: not accepted: ${p.answers.join(',')}`);
    await new Promise((res) => setTimeout(res, Math.min(2000, 100 * 2 ** attempt)));
  }
}

/** Record keys submitted so far, over all phases (later phases upsert some keys of earlier ones). */
const allKeys = new Set<string>();

function distinctKeys(planned: Planned[]): number {
  const ks = allKeys;
  for (const p of planned)
    for (const r of p.doc.records as Record<string, unknown>[]) {
      const k = Object.keys(r).find((f) => f.endsWith('Id') || f === 'lotNumber')!;
      ks.add(`${String(p.country)}:${String(r.recordType)}:${String(r[k])}`);
    }
  return ks.size;
}

async function currentRows(): Promise<number> {
  let n = 0;
  for (const t of tables) n += (await pool.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return n;
}

/** Waits for every batch of the phase, then checks counts, duplicates and receipts. */
async function settle(fault: string, planned: Planned[], rowsBefore: number, note: string): Promise<Outcome> {
  const idems = planned.map((p) => p.idem);
  await waitFor(
    `every batch of "${fault}" to finish`,
    async () => {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM batches WHERE idempotency_key = ANY($1)
         AND status IN ('completed', 'completed_with_errors', 'rejected', 'failed')`,
        [idems],
      );
      return rows[0].n === planned.length;
    },
    240_000,
    250,
  );
  const { rows } = await pool.query(
    `SELECT b.id, b.idempotency_key, b.status, b.counts,
       (SELECT count(*)::int FROM receipts r WHERE r.batch_id = b.id AND r.kind = 'accepted') AS accepted_receipts,
       (SELECT count(*)::int FROM receipts r WHERE r.batch_id = b.id AND r.kind = 'completed') AS completed_receipts
     FROM batches b WHERE b.idempotency_key = ANY($1)`,
    [idems],
  );
  // Versions stored per batch, in the current rows and in history: one per record, never two.
  for (const r of rows) {
    const { n, d } = await storedVersions(pool, r.id as string);
    Object.assign(r, { versions: n, distinct_versions: d });
  }
  const byKey = new Map(rows.map((r) => [r.idempotency_key as string, r]));
  let exact = true;
  let duplicates = 0;
  let receipts = true;
  for (const p of planned) {
    const r = byKey.get(p.idem);
    expect(r, `${p.idem} stored`).toBeDefined();
    expect(r.id, `${p.idem}: the client's batch is the stored one`).toBe(p.batchId);
    const totals = r.counts?.totals ?? {};
    if (
      r.status !== 'completed' ||
      totals.received !== RECORDS ||
      totals.stored !== RECORDS ||
      r.versions !== RECORDS
    )
      exact = false;
    duplicates += r.versions - r.distinct_versions;
    // Completion receipts are issued just after the final status: allow the hook a moment.
    if (r.accepted_receipts !== 1 || r.completed_receipts > 1) receipts = false;
  }
  await waitFor(
    'completion receipts',
    async () =>
      (
        await pool.query(
          `SELECT count(*)::int AS n FROM batches b WHERE idempotency_key = ANY($1) AND NOT EXISTS
             (SELECT 1 FROM receipts r WHERE r.batch_id = b.id AND r.kind = 'completed')`,
          [idems],
        )
      ).rows[0].n === 0,
    30_000,
    200,
  ).catch(() => (receipts = false));
  void rowsBefore;
  const current = await currentRows();
  const expected = distinctKeys(planned);
  if (current !== expected) exact = false;
  const o: Outcome = {
    fault,
    posted: planned.length,
    accepted: planned.filter((p) => p.batchId).length,
    completed: rows.filter((r) => r.status === 'completed').length,
    exactCounts: exact,
    duplicates,
    receipts,
    note: exact ? note : `${note}; rows ${current}, expected ${expected}`,
  };
  outcomes.push(o);
  return o;
}

function expectClean(o: Outcome) {
  expect(o).toMatchObject({
    accepted: BATCHES,
    completed: BATCHES,
    exactCounts: true,
    duplicates: 0,
    receipts: true,
  });
}

async function recordsDone(idems: string[]): Promise<number> {
  const { rows } = await pool.query(
    `SELECT coalesce(sum(records_done), 0)::int AS n FROM batches WHERE idempotency_key = ANY($1)`,
    [idems],
  );
  return rows[0].n;
}

describe('faults with real processes, 20 batches of 1,000 records in flight', () => {
  it('a worker SIGKILLed mid-chunk', async () => {
    const before = await currentRows();
    const planned = plan(1);
    await Promise.all(planned.map((p) => postUntilAccepted(p)));
    const idems = planned.map((p) => p.idem);
    await waitFor(
      'the workers to be mid-way',
      async () => {
        const n = await recordsDone(idems);
        return n > 0 && n < BATCHES * RECORDS * 0.7;
      },
      120_000,
      10,
    );
    const done = await recordsDone(idems);
    await workers[0]!.kill('SIGKILL');
    workers[0] = start('src/worker.ts');
    expectClean(
      await settle(
        'worker SIGKILL mid-chunk',
        planned,
        before,
        `killed at ${done} of ${BATCHES * RECORDS} records stored; a new worker started`,
      ),
    );
  }, 300_000);

  it('Redis stopped and restarted', async () => {
    const before = await currentRows();
    const planned = plan(2);
    const first = planned.slice(0, 5);
    await Promise.all(first.map((p) => postUntilAccepted(p)));
    await redis.stop();
    const t0 = Date.now();
    // The hub stores first: posts are still accepted while Redis is down.
    await Promise.all(planned.slice(5).map((p) => postUntilAccepted(p)));
    const downAccepts = planned.slice(5).filter((p) => p.answers[0] === 202).length;
    await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - t0))));
    redis = await spawnRedis(redis.port);
    const o = await settle(
      'Redis stopped, restarted empty',
      planned,
      before,
      `${downAccepts}/15 posts answered 202 at once while Redis was down`,
    );
    expect(downAccepts).toBe(15);
    expectClean(o);
  }, 300_000);

  it('Postgres restarted', async () => {
    const before = await currentRows();
    const planned = plan(3);
    const idems = planned.map((p) => p.idem);
    const [early, late] = [planned.slice(0, 10), planned.slice(10)];
    await Promise.all(early.map((p) => postUntilAccepted(p)));
    await waitFor('processing to start', async () => (await recordsDone(idems)) > 0, 120_000, 10);
    const tStop = Date.now();
    await cluster.stop();
    // The other ten are posted while Postgres is down: refused (not stored), then retried.
    const posting = Promise.all(late.map((p) => postUntilAccepted(p)));
    await new Promise((r) => setTimeout(r, 2000));
    await startPostgres();
    const downMs = Date.now() - tStop;
    await posting;
    const refusedWhileDown = late.filter((p) => p.answers[0] !== 202);
    const seen = [...new Set(refusedWhileDown.map((p) => String(p.answers[0])))].join('/');
    expect(refusedWhileDown.length).toBe(late.length);
    expectClean(
      await settle(
        'Postgres restarted',
        planned,
        before,
        `down ${(downMs / 1000).toFixed(1)} s mid-processing; ${refusedWhileDown.length} posts refused meanwhile (${seen}), accepted on retry`,
      ),
    );
  }, 300_000);

  it('the server killed between storing and answering; clients retry with their Idempotency-Key', async () => {
    const before = await currentRows();
    let planned: Planned[] = [];
    let caught = 0;
    let round = 0;
    // Freeze the server the instant a batch row of this round commits, then kill it; repeat (at most
    // five rounds) until at least one batch was stored whose client got no answer.
    for (; round < 5 && caught === 0; round++) {
      const batch = plan(4, round);
      const idems = batch.map((p) => p.idem);
      // Freeze the server the instant the first batch of the round commits (NOTIFY is sent at commit).
      const listener = new pg.Client({ connectionString: dbUrl });
      await listener.connect();
      const frozen = new Promise<void>((resolve) => {
        listener.on('notification', (n) => {
          if (n.payload && idems.includes(n.payload)) {
            server.child.kill('SIGSTOP');
            resolve();
          }
        });
      });
      await listener.query('LISTEN test_batch_stored');
      const posts = Promise.all(batch.map((p) => postOnce(p)));
      await frozen;
      await listener.end();
      const { rows } = await pool.query(
        'SELECT idempotency_key FROM batches WHERE idempotency_key = ANY($1)',
        [idems],
      );
      await server.kill('SIGKILL');
      await posts;
      const stored = new Set(rows.map((r) => r.idempotency_key as string));
      const storedAfterKill = new Set(
        (
          await pool.query('SELECT idempotency_key FROM batches WHERE idempotency_key = ANY($1)', [idems])
        ).rows.map((r) => r.idempotency_key as string),
      );
      caught = batch.filter((p) => storedAfterKill.has(p.idem) && p.answers[0] !== 202).length;
      void stored;
      planned = planned.concat(batch);
      await startServer();
    }
    const unansweredStored = planned.filter((p) => p.answers[0] !== 202).length;
    // Every client retries with its key: a stored batch is returned (replayed), the rest accepted now.
    await Promise.all(planned.map((p) => postUntilAccepted(p)));
    const replays = planned.filter((p) => p.answers[0] !== 202).length;
    const o = await settle(
      'server SIGKILL between store and answer',
      planned,
      before,
      `${round} round(s); ${caught} stored but unanswered at the kill; ${unansweredStored} posts unanswered; all ${replays} retried to the same batch`,
    );
    expect(caught).toBeGreaterThan(0);
    expect(o).toMatchObject({
      accepted: planned.length,
      completed: planned.length,
      exactCounts: true,
      duplicates: 0,
      receipts: true,
    });
  }, 420_000);

  it('leaves an intact audit chain and no secrets in any process log', async () => {
    const chain = await verifyAuditChain(pool);
    expect(chain.problems).toEqual([]);
    expect(chain.ok).toBe(true);
    const logs = everyProcess.map((p) => p.output()).join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    // The signing key: unseal it here (this test holds the KEK) and look for every encoding of it.
    const { rows } = await pool.query('SELECT kid, private_enc, kek_id FROM receipt_signing_keys');
    expect(rows.length).toBeGreaterThan(0);
    const secrets: [string, string][] = [];
    for (const r of rows) {
      expect(r.kek_id).toBe(kekId(kek));
      const der = open({ key: kek, id: kekId(kek), source: 'test' }, r.private_enc, r.kid);
      const seed = der.subarray(der.length - 32);
      for (const enc of ['base64', 'base64url', 'hex'] as const) {
        secrets.push(
          [`signing key (${enc})`, seed.toString(enc)],
          [`signing key DER (${enc})`, der.toString(enc)],
        );
      }
    }
    for (const [c, k] of Object.entries(keys))
      secrets.push([`API key ${c}`, k], [`API key ${c} body`, k.slice(5)]);
    secrets.push(['KEK', kek.toString('base64')], ['KEK hex', kek.toString('hex')]);
    secrets.push(['database password', new URL(dbUrl).password]);
    const leaks = secrets.filter(([, s]) => s.length >= 8 && logs.includes(s)).map(([what]) => what);
    expect(leaks).toEqual([]);
    expect(logs).not.toMatch(/Bearer\s+rmdx_/);
    expect(logs).not.toMatch(/BEGIN (ENCRYPTED )?PRIVATE KEY/);
  });
});
