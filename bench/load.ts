/**
 * bench:load — 60 s of mixed load on a real hub process (server + pipeline workers on Redis and
 * Postgres): batch submissions, status polls and record queries at once, each with its own
 * autocannon run; a fastify hello-world route in its own process is measured first, in the same
 * run, as the baseline. Reports throughput and p50/p99 latency per kind, errors (must be zero), and
 * the hub's RSS growth over the last 30 s (must be < 10 %).
 *
 *   npm run bench:load [-- --duration 60 --connections 24 --baseline 15]
 *
 * Uses DATABASE_URL / REDIS_URL when set, else an embedded Postgres and a redis-server it starts.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';

import autocannon from 'autocannon';

import { createApiKey } from '../src/auth/keys.js';
import { batchDoc, mixedRecords, rng } from '../test/fixtures/factory.js';
import { startHubProcess, waitFor, type RunningProcess } from '../test/helpers/processes.js';
import { freePort } from '../test/helpers/services.js';
import { benchEnv, fmt, rssOf } from './lib/env.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    baseline: { type: 'string', default: '15' },
    connections: { type: 'string', default: '24' },
    'batch-records': { type: 'string', default: '100' },
  },
});
const DURATION = Number(args.duration);
const BASELINE = Number(args.baseline);
const CONNECTIONS = Number(args.connections);
const BATCH_RECORDS = Number(args['batch-records']);

interface Run {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  statuses: Record<string, number>;
}

function summarise(name: string, r: autocannon.Result, statuses: Record<string, number>): Run {
  return {
    name,
    requests: r.requests.total,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    statuses,
  };
}

function cannon(name: string, opts: autocannon.Options): Promise<Run> {
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const inst = autocannon(opts, (err, result) =>
      err ? reject(err) : resolve(summarise(name, result, statuses)),
    );
    inst.on('response', (_client: unknown, status: number) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

/** A fastify hello-world in its own process: the baseline for this machine, this run. */
function startHello(port: number): RunningProcess {
  const code = `
    import Fastify from 'fastify';
    const app = Fastify({ logger: false });
    app.get('/hello', async () => ({ hello: 'world' }));
    await app.listen({ port: ${port}, host: '127.0.0.1' });
    console.log('hello ready');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: new URL('..', import.meta.url),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

async function main() {
  console.log(
    `bench:load — ${DURATION} s mixed load, ${CONNECTIONS} connections, submissions of ${BATCH_RECORDS} records; baseline ${BASELINE} s; ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const env = await benchEnv();
  const procs: RunningProcess[] = [];
  try {
    const countries = ['RW', 'CD', 'UG', 'BI'];
    const keys = await Promise.all(
      countries.map(
        async (c) =>
          (await createApiKey(env.pool, { name: `bench ${c}`, role: 'submitter', country: c })).key,
      ),
    );
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = startHubProcess('src/server.ts', {
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RMDX_DATA_DIR: `/tmp/rmdx-bench-load-${randomBytes(4).toString('hex')}`,
      RMDX_QUEUE_PREFIX: `load${Date.now().toString(36)}`,
      // The benchmark measures the hub's work, not its rate limits.
      RMDX_RATE_LIMIT_PER_MIN: '100000000',
      RMDX_SUBMIT_RATE_LIMIT_PER_MIN: '100000000',
      RMDX_RATE_LIMIT_ANON_PER_MIN: '100000000',
    });
    procs.push(server);
    await waitFor(
      'the hub',
      async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok,
      90_000,
      200,
    );

    // Data to poll and query: a few batches per country, processed.
    const seedIds: string[] = [];
    for (let i = 0; i < 8; i++) {
      const c = countries[i % countries.length]!;
      const period = `2025-${String(1 + Math.floor(i / countries.length)).padStart(2, '0')}`;
      const res = await fetch(`${base}/v1/batches`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${keys[i % countries.length]}`,
          'content-type': 'application/json',
          'idempotency-key': `seed-${i}`,
        },
        body: JSON.stringify(batchDoc(c, period, mixedRecords({ country: c, period, r: rng(i) }, 500))),
      });
      if (res.status !== 202) throw new Error(`seed batch: ${res.status} ${await res.text()}`);
      seedIds.push(((await res.json()) as { batchId: string }).batchId);
    }
    await waitFor(
      'the seed batches',
      async () =>
        (
          await env.pool.query(
            `SELECT count(*)::int AS n FROM batches WHERE status = 'completed' AND id = ANY($1)`,
            [seedIds],
          )
        ).rows[0].n === seedIds.length,
      120_000,
      200,
    );
    // Record queries: the records API when it is served, else the batch issue reports.
    const recordsRoute = (
      await fetch(`${base}/v1/records/export?limit=50`, { headers: { authorization: `Bearer ${keys[0]}` } })
    ).status;
    const queryPath = recordsRoute === 200 ? '/v1/records/export?limit=50' : undefined;

    // The baseline first, alone on the machine.
    const helloPort = await freePort();
    const hello = startHello(helloPort);
    procs.push(hello);
    await waitFor(
      'hello-world',
      async () => (await fetch(`http://127.0.0.1:${helloPort}/hello`).catch(() => undefined))?.ok,
      30_000,
      100,
    );
    const baseline = await cannon('fastify hello-world (baseline)', {
      url: `http://127.0.0.1:${helloPort}/hello`,
      connections: CONNECTIONS,
      duration: BASELINE,
    });
    await hello.kill();

    // The mixed load: three autocannon runs at once against the hub.
    const rss: { t: number; mib: number }[] = [];
    const t0 = Date.now();
    const sampler = setInterval(() => {
      void rssOf(server.child.pid!).then(
        (r) => r && rss.push({ t: (Date.now() - t0) / 1000, mib: r.rssMiB }),
      );
    }, 1000);
    let seq = 0;
    const submitConns = Math.max(2, Math.round(CONNECTIONS / 6));
    const pollConns = Math.max(2, Math.round(CONNECTIONS / 2));
    const queryConns = Math.max(2, CONNECTIONS - submitConns - pollConns);
    const bodies = countries.map((c, i) =>
      JSON.stringify(
        batchDoc(
          c,
          '2026-01',
          mixedRecords({ country: c, period: '2026-01', r: rng(100 + i) }, BATCH_RECORDS),
        ),
      ),
    );
    const [submissions, polls, queries] = await Promise.all([
      cannon(`POST /v1/batches (${BATCH_RECORDS} records)`, {
        url: base,
        connections: submitConns,
        duration: DURATION,
        requests: [
          {
            method: 'POST',
            path: '/v1/batches',
            setupRequest: (req) => {
              const i = seq++;
              const c = i % countries.length;
              return {
                ...req,
                headers: {
                  authorization: `Bearer ${keys[c]}`,
                  'content-type': 'application/json',
                  'idempotency-key': `load-${i}`,
                },
                body: bodies[c],
              };
            },
          },
        ],
      }),
      cannon('GET /v1/batches/{id} (status poll)', {
        url: base,
        connections: pollConns,
        duration: DURATION,
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              const i = Math.floor(Math.random() * seedIds.length);
              return {
                ...req,
                path: `/v1/batches/${seedIds[i]}`,
                headers: { authorization: `Bearer ${keys[i % countries.length]}` },
              };
            },
          },
        ],
      }),
      cannon(
        queryPath
          ? 'GET /v1/records/export (record query)'
          : 'GET /v1/batches/{id}/issues + list (record query)',
        {
          url: base,
          connections: queryConns,
          duration: DURATION,
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => {
                const i = Math.floor(Math.random() * seedIds.length);
                const path =
                  queryPath ??
                  (Math.random() < 0.5
                    ? `/v1/batches/${seedIds[i]}/issues?limit=100`
                    : `/v1/batches?limit=50`);
                return { ...req, path, headers: { authorization: `Bearer ${keys[i % countries.length]}` } };
              },
            },
          ],
        },
      ),
    ]);
    clearInterval(sampler);

    const runs = [baseline, submissions, polls, queries];
    console.log('');
    console.log('| run | requests | req/s | p50 ms | p99 ms | errors | non-2xx |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of runs)
      console.log(
        `| ${r.name} | ${fmt(r.requests)} | ${fmt(r.rps, 1)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`,
      );
    const hubTotal = submissions.requests + polls.requests + queries.requests;
    console.log(
      `\nhub, all kinds: ${fmt(hubTotal)} requests, ${fmt(hubTotal / DURATION, 1)} req/s = ${fmt((100 * hubTotal) / DURATION / baseline.rps, 1)} % of the hello-world baseline`,
    );
    const { rows } = await env.pool.query(
      `SELECT status, count(*)::int AS n, sum(record_total)::int AS records FROM batches WHERE idempotency_key LIKE 'load-%' GROUP BY status`,
    );
    console.log(
      `submitted during the run: ${rows.map((r) => `${r.n} ${r.status} (${fmt(r.records)} records)`).join(', ')}`,
    );

    const at = (t: number) =>
      rss.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), rss[0]!);
    const mid = at(DURATION - 30);
    const end = at(DURATION);
    const growth = ((end.mib - mid.mib) / mid.mib) * 100;
    console.log(
      `hub RSS: ${fmt(at(1).mib, 0)} MiB at 1 s, ${fmt(mid.mib, 0)} MiB at ${fmt(mid.t, 0)} s, ${fmt(end.mib, 0)} MiB at ${fmt(end.t, 0)} s: ${growth >= 0 ? '+' : ''}${fmt(growth, 1)} % over the last 30 s`,
    );
    console.log(
      `load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (a shared machine: compare ratios)`,
    );
    const errors = runs.reduce((n, r) => n + r.errors + r.non2xx, 0);
    const ok = errors === 0 && growth < 10;
    for (const r of runs)
      if (r.errors + r.non2xx > 0)
        console.log(`  ${r.name}: statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}`);
    console.log(ok ? '\nPASS: zero errors, RSS growth < 10 %' : '\nFAIL: see errors / RSS growth above');
    if (!ok) process.exitCode = 1;
  } finally {
    for (const p of procs) await p.kill('SIGTERM');
    await env.close();
  }
}

await main();
