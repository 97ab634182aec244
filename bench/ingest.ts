/**
 * npm run bench:ingest — a 200,000-record mixed batch from POST to `completed` through HTTP, Redis,
 * workers and Postgres, as records/s, against a baseline measured in the same run: COPY of the same
 * canonical rows into equivalent tables. Then a 1,000,000-record backfill (5 batches) watching the
 * peak RSS of the server and worker processes.
 *
 * Options: --records N (default 200000), --backfill-batches N (default 5, 0 to skip), --workers N
 * extra `rmdx worker` processes beside the server (default 1), --cpu-prof DIR writes a V8 CPU profile of
 * the server and each worker into DIR when they stop (open it in Chrome DevTools or speedscope).
 *
 * Besides wall time, the CPU seconds of each side (hub processes and Postgres backends, from /proc) are
 * printed: on a shared machine the wall-time ratio moves with other load, CPU per record much less.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

import { stringify } from 'csv-stringify/sync';
import pgCopy from 'pg-copy-streams';

import { createApiKey } from '../src/auth/keys.js';
import { normaliseRecord } from '../src/records/normalise/normalise-record.js';
import { tableColumns } from '../src/records/persist-sql.js';
import { tableSpecs } from '../src/records/table-specs.js';
import { isRecordType, type RecordType } from '../src/standard/record-types.js';
import { batchDoc, mixedRecords, rng } from '../test/fixtures/factory.js';
import { startHubProcess, waitFor, type RunningProcess } from '../test/helpers/processes.js';
import { freePort } from '../test/helpers/services.js';
import { cpuMeter } from './lib/cpu.js';
import { benchEnv, fmt, rssOf, type BenchEnv } from './lib/env.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    'backfill-batches': { type: 'string', default: '5' },
    workers: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
  },
});
const N = Number(args.records);
const BACKFILL = Number(args['backfill-batches']);
const EXTRA_WORKERS = Number(args.workers);
const NODE_ARGS = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];

function pgArray(values: unknown): string | null {
  if (!Array.isArray(values)) return null;
  return `{${values.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** Baseline: COPY the canonical rows of the same records into tables shaped like the real ones. */
async function copyBaseline(env: BenchEnv, records: Record<string, unknown>[]): Promise<number> {
  const byType = new Map<RecordType, string[][]>();
  const batchId = randomUUID();
  const columnsOf = tableColumns;
  records.forEach((r, i) => {
    const t = r.recordType;
    if (!isRecordType(t)) return;
    const row = normaliseRecord(t, r, {
      reportingCountry: 'RW',
      period: '2026-09',
      schemaVersion: '1.0.0',
    }) as Record<string, unknown>;
    const values = columnsOf(t).map((c) => {
      if (c === 'batch_id') return batchId;
      if (c === 'batch_seq') return '1';
      if (c === 'record_index') return String(i);
      if (c === 'version') return '1';
      if (c === 'received') return JSON.stringify(r);
      const v = row[c];
      if (v === null || v === undefined) return '';
      if (Array.isArray(v)) return pgArray(v) ?? '';
      return String(v);
    });
    const list = byType.get(t) ?? [];
    list.push(values);
    byType.set(t, list);
  });
  const client = await env.pool.connect();
  try {
    for (const t of byType.keys()) {
      const table = tableSpecs[t].table;
      await client.query(
        `DROP TABLE IF EXISTS bench_${table}; CREATE TABLE bench_${table} (LIKE ${table} INCLUDING DEFAULTS INCLUDING INDEXES)`,
      );
    }
    const csvs = [...byType].map(([t, rows]) => [t, stringify(rows)] as const);
    const t0 = performance.now();
    for (const [t, csv] of csvs) {
      const table = tableSpecs[t].table;
      const stream = client.query(
        pgCopy.from(`COPY bench_${table} (${columnsOf(t).join(', ')}) FROM STDIN WITH (FORMAT csv)`),
      );
      await new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
        stream.end(csv);
      });
    }
    return performance.now() - t0;
  } finally {
    client.release();
  }
}

async function post(base: string, key: string, body: Buffer, idem: string): Promise<string> {
  const res = await fetch(`${base}/v1/batches`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'idempotency-key': idem,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    },
    body,
  });
  if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { batchId: string }).batchId;
}

async function waitCompleted(base: string, key: string, id: string): Promise<Record<string, unknown>> {
  return waitFor(
    `batch ${id}`,
    async () => {
      const res = await fetch(`${base}/v1/batches/${id}`, { headers: { authorization: `Bearer ${key}` } });
      const b = (await res.json()) as { status: string };
      if (['failed', 'rejected'].includes(b.status))
        throw new Error(`batch ${id} ended ${b.status}: ${JSON.stringify(b)}`);
      return b.status.startsWith('completed') ? (b as Record<string, unknown>) : undefined;
    },
    30 * 60_000,
    100,
  );
}

async function main() {
  console.log(
    `bench:ingest — ${fmt(N)} records, ${EXTRA_WORKERS} extra worker process(es), backfill ${BACKFILL} × ${fmt(N)}`,
  );
  const env = await benchEnv();
  const procs: RunningProcess[] = [];
  try {
    const { key } = await createApiKey(env.pool, { name: 'bench', role: 'submitter', country: 'RW' });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const common = {
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      RMDX_QUEUE_PREFIX: `bench${Date.now().toString(36)}`,
      LOG_LEVEL: 'warn',
      RMDX_CHUNK_SIZE: '5000',
      RMDX_WORKER_CONCURRENCY: '2',
    };
    const server = startHubProcess(
      'src/server.ts',
      { ...common, PORT: String(port), HOST: '127.0.0.1' },
      NODE_ARGS,
    );
    procs.push(server);
    for (let i = 0; i < EXTRA_WORKERS; i++) procs.push(startHubProcess('src/worker.ts', common, NODE_ARGS));
    await waitFor(
      'the server',
      async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok,
      60_000,
      200,
    );

    const records = mixedRecords({ country: 'RW', period: '2026-09', r: rng(42) }, N);
    const raw = Buffer.from(JSON.stringify(batchDoc('RW', '2026-09', records)));
    const body = gzipSync(raw, { level: 1 });
    console.log(`batch: ${fmt(raw.length / 1048576, 1)} MiB JSON, ${fmt(body.length / 1048576, 1)} MiB gzip`);

    // Warm-up: a small batch so code paths are compiled before timing.
    const warm = mixedRecords({ country: 'RW', period: '2026-08', r: rng(1) }, 2000);
    await waitCompleted(
      base,
      key,
      await post(base, key, gzipSync(JSON.stringify(batchDoc('RW', '2026-08', warm))), 'warm'),
    );

    const meter = await cpuMeter(env.pool, () => procs.map((p) => p.child.pid!));
    const cpu0 = await meter?.read();
    const t0 = performance.now();
    const id = await post(base, key, body, 'bench-main');
    const acceptedMs = performance.now() - t0;
    const done = await waitCompleted(base, key, id);
    const ingestMs = performance.now() - t0;
    const cpu1 = await meter?.read();
    const copyMs = await copyBaseline(env, records);
    const cpu2 = await meter?.read();
    const ingestRate = N / (ingestMs / 1000);
    const copyRate = N / (copyMs / 1000);
    console.log('\n| measure | time | records/s |');
    console.log('|---|---|---|');
    console.log(`| baseline: COPY of the canonical rows | ${fmt(copyMs / 1000, 2)} s | ${fmt(copyRate)} |`);
    console.log(
      `| RMDX: POST → completed (202 after ${fmt(acceptedMs / 1000, 2)} s) | ${fmt(ingestMs / 1000, 2)} s | ${fmt(ingestRate)} |`,
    );
    console.log(
      `\nratio ingest / COPY = ${fmt(ingestRate / copyRate, 2)} (target ≥ 0.5); status ${String(done.status)}; stage timings ${JSON.stringify(done.stageTimings)}`,
    );
    if (cpu0 && cpu1 && cpu2) {
      const hub = cpu1.hub - cpu0.hub;
      const pgIngest = cpu1.postgres - cpu0.postgres;
      const pgCopy = cpu2.postgres - cpu1.postgres;
      console.log(
        `CPU: ingest ${fmt(hub, 1)} s hub + ${fmt(pgIngest, 1)} s Postgres; baseline ${fmt(pgCopy, 1)} s Postgres; CPU ratio baseline / ingest = ${fmt(pgCopy / (hub + pgIngest), 2)}`,
      );
    }

    if (BACKFILL > 0) {
      const peaks = new Map<number, number>();
      const sampler = setInterval(async () => {
        for (const p of procs) {
          const m = await rssOf(p.child.pid!);
          if (m) peaks.set(p.child.pid!, Math.max(peaks.get(p.child.pid!) ?? 0, m.rssMiB));
        }
      }, 100);
      const t1 = performance.now();
      const ids: string[] = [];
      for (let b = 0; b < BACKFILL; b++) {
        const period = `2025-${String(b + 1).padStart(2, '0')}`;
        const recs = mixedRecords({ country: 'RW', period, r: rng(100 + b) }, N);
        ids.push(
          await post(
            base,
            key,
            gzipSync(JSON.stringify(batchDoc('RW', period, recs)), { level: 1 }),
            `backfill-${b}`,
          ),
        );
      }
      for (const bid of ids) await waitCompleted(base, key, bid);
      clearInterval(sampler);
      const secs = (performance.now() - t1) / 1000;
      console.log(
        `\nbackfill: ${fmt(BACKFILL * N)} records in ${fmt(secs, 1)} s (${fmt((BACKFILL * N) / secs)} records/s)`,
      );
      for (const p of procs) {
        const hwm = (await rssOf(p.child.pid!))?.hwmMiB ?? 0;
        const name = p === server ? 'server (with workers)' : 'worker';
        console.log(
          `  peak RSS ${name} pid ${p.child.pid}: ${fmt(Math.max(hwm, peaks.get(p.child.pid!) ?? 0))} MiB (limit 1536 MiB)`,
        );
      }
    }
  } finally {
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    await env.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
