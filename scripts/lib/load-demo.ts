/**
 * Loads the demo dataset into a running hub through its own API (as the member states would),
 * waits for every batch, back-dates the submissions to spread them over the year, and runs the
 * matcher for each month when this hub has it. Used by `npm run demo` and the browser tests.
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type pg from 'pg';

import { buildApp } from '../../src/app.js';
import { createApiKey } from '../../src/auth/keys.js';
import type { Config } from '../../src/config.js';
import { createHubConnectors } from '../../src/connectors/hub.js';
import type { Logger } from '../../src/logger.js';
import { createHubPipeline, createHubReconciler } from '../../src/runtime.js';
import type { SchemaRegistry } from '../../src/standard/registry.js';
import { demoDataset, demoStates, type DemoBatch } from './demo-data.js';

export interface DemoLoad {
  batches: { id: string; country: string; period: string; status: string }[];
  reconciliation: { period: string; runId?: string; status: string }[];
  secretariatKey: string;
}

const finalStatuses = new Set(['completed', 'completed_with_errors', 'rejected', 'failed']);

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The hub as `npm start` runs it (app, pipeline, reconciler in one process), on this config and pool. */
export async function assembleHub(o: {
  config: Config;
  pool: pg.Pool;
  logger: Logger;
  registry: SchemaRegistry;
}) {
  const reconciler = createHubReconciler({ ...o, runWorkers: true });
  const pipeline = createHubPipeline({ ...o, runWorkers: true, reconciler });
  const connectors = createHubConnectors({ ...o, pipeline, runWorkers: true });
  const app = await buildApp({
    config: o.config,
    db: o.pool,
    logger: o.logger,
    registry: o.registry,
    pipeline,
    reconciler,
    connectors: connectors.context,
  });
  await pipeline.start();
  await reconciler.start();
  await connectors.scheduler.start();
  return {
    app,
    pipeline,
    reconciler,
    async close() {
      await app.close();
      await connectors.scheduler.close();
      await pipeline.close();
      await reconciler.close();
    },
  };
}

/**
 * A connector of each kind the hub runs without a live national system: the DRC's CEEC file export
 * (French CSV, the fr-csv-rmd reference format) with its three monthly files uploaded and read.
 */
async function demoConnectors(app: FastifyInstance, key: string, log: (line: string) => void) {
  if (!app.hasRoute({ method: 'POST', url: '/v1/connectors' })) return;
  const auth = { authorization: `Bearer ${key}` };
  const list = await app.inject({ method: 'GET', url: '/v1/connectors?country=CD', headers: auth });
  const existing = (list.json() as { items?: { id: string; name: string }[] }).items?.find(
    (c) => c.name === 'ceec-exports',
  );
  let id = existing?.id;
  if (!id) {
    const created = await politely(() =>
      app.inject({
        method: 'POST',
        url: '/v1/connectors',
        headers: auth,
        payload: {
          country: 'CD',
          name: 'ceec-exports',
          title: 'CEEC monthly export files',
          kind: 'file',
          mapping: 'fr-csv-rmd',
          config: { source: { type: 'upload' } },
        },
      }),
    );
    if (created.statusCode !== 201) {
      log(`connector not created: ${created.statusCode} ${created.body.slice(0, 200)}`);
      return;
    }
    id = (created.json() as { id: string }).id;
  }
  const dir = fileURLToPath(new URL('../../connectors/fr-csv-rmd/fixtures/', import.meta.url));
  const files = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
  const runs: string[] = [];
  for (const name of files) {
    const res = await politely(() =>
      app.inject({
        method: 'POST',
        url: `/v1/connectors/${id}/files?name=${encodeURIComponent(name)}`,
        headers: { ...auth, 'content-type': 'text/csv' },
        body: readFileSync(path.join(dir, name)),
      }),
    );
    if (res.statusCode === 202) runs.push((res.json() as { run: { id: string } }).run.id);
  }
  for (const runId of runs) {
    await until(
      `connector run ${runId}`,
      async () => {
        const r = await app.inject({
          method: 'GET',
          url: `/v1/connectors/${id}/runs/${runId}`,
          headers: auth,
        });
        const st = (r.json() as { status?: string }).status;
        return st && !['queued', 'running'].includes(st) ? st : undefined;
      },
      120_000,
    );
  }
  log(`connector CD/ceec-exports: ${files.length} files uploaded and read`);
}

/** As a national system should: a 503 or 429 is retried after its Retry-After. */
async function politely(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  for (let attempt = 0; ; attempt++) {
    const res = await send();
    if ((res.statusCode !== 503 && res.statusCode !== 429) || attempt >= 30) return res;
    const wait = Number(res.headers['retry-after'] ?? 1);
    await new Promise((r) => setTimeout(r, Math.min(10, Math.max(0.2, wait)) * 1000));
  }
}

export async function loadDemo(
  app: FastifyInstance,
  db: pg.Pool,
  opts: { to: string; months?: number; scale?: number; seed?: number; log?: (line: string) => void } = {
    to: '',
  },
): Promise<DemoLoad> {
  const log = opts.log ?? (() => undefined);
  const dataset: DemoBatch[] = demoDataset({
    to: opts.to,
    months: opts.months,
    scale: opts.scale,
    seed: opts.seed,
  });
  const submitterKeys: Record<string, string> = {};
  for (const c of demoStates)
    submitterKeys[c] = (
      await createApiKey(db, { name: `demo ${c} national system`, role: 'submitter', country: c })
    ).key;
  const secretariatKey = (await createApiKey(db, { name: 'demo secretariat', role: 'secretariat' })).key;

  log(
    `submitting ${dataset.length} monthly returns (${dataset.reduce((n, b) => n + b.records.length, 0)} records)`,
  );
  const accepted: { id: string; b: DemoBatch }[] = [];
  for (const b of dataset) {
    const res = await politely(() =>
      app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: {
          authorization: `Bearer ${submitterKeys[b.country]}`,
          'idempotency-key': `demo-${b.country}-${b.period}-v1`,
        },
        payload: {
          schemaVersion: '1.0.0',
          reportingCountry: b.country,
          period: b.period,
          submissionRef: `${b.country}-RMD-${b.period}`,
          source: { system: `${b.country} national mineral database`, version: '2.4' },
          records: b.records,
        },
      }),
    );
    if (res.statusCode !== 202) throw new Error(`demo: ${b.country} ${b.period} was refused: ${res.body}`);
    accepted.push({ id: res.json().batchId, b });
  }
  const batches: DemoLoad['batches'] = [];
  for (const { id, b } of accepted) {
    const status = await until(
      `batch ${b.country} ${b.period}`,
      async () => {
        const { rows } = await db.query<{ status: string }>('SELECT status FROM batches WHERE id = $1', [id]);
        return rows[0] && finalStatuses.has(rows[0].status) ? rows[0].status : undefined;
      },
      180_000,
    );
    // Shift the batch's times so it reads as received when the national system would have sent it.
    await db.query(
      `UPDATE batches SET started_at = started_at + ($2::timestamptz - received_at),
                          finished_at = finished_at + ($2::timestamptz - received_at),
                          received_at = $2::timestamptz
       WHERE id = $1`,
      [id, b.receivedAt],
    );
    batches.push({ id, country: b.country, period: b.period, status });
  }
  log(
    `stored: ${batches.filter((b) => b.status === 'completed').length} completed, ${batches.filter((b) => b.status !== 'completed').length} with errors`,
  );

  await demoConnectors(app, secretariatKey, log);

  const reconciliation: DemoLoad['reconciliation'] = [];
  const periods = [...new Set(dataset.map((b) => b.period))].sort();
  if (!app.hasRoute({ method: 'POST', url: '/v1/reconciliation/runs' })) {
    log('this hub has no matcher yet (POST /v1/reconciliation/runs): reconciliation skipped');
    return { batches, reconciliation, secretariatKey };
  }
  // One run over the whole year: every corridor and month, lags across months included.
  const period = periods[0]!;
  const periodTo = periods[periods.length - 1]!;
  const res = await politely(() =>
    app.inject({
      method: 'POST',
      url: '/v1/reconciliation/runs',
      headers: { authorization: `Bearer ${secretariatKey}` },
      payload: { period, periodTo },
    }),
  );
  if (res.statusCode >= 300) {
    reconciliation.push({ period, status: `refused: ${res.statusCode} ${res.body.slice(0, 200)}` });
  } else {
    const runId = (res.json() as { id: string }).id;
    const status = await until(
      `the reconciliation run ${runId}`,
      async () => {
        const r = await app.inject({
          method: 'GET',
          url: `/v1/reconciliation/runs/${runId}`,
          headers: { authorization: `Bearer ${secretariatKey}` },
        });
        const s = (r.json() as { status?: unknown }).status;
        return s === 'completed' || s === 'failed' ? s : undefined;
      },
      600_000,
    );
    reconciliation.push({ period: `${period}..${periodTo}`, runId, status });
  }
  log(`reconciliation: ${reconciliation.map((r) => `${r.period} ${r.status}`).join(', ')}`);
  const found = await app.inject({
    method: 'GET',
    url: '/v1/discrepancies?limit=1000',
    headers: { authorization: `Bearer ${secretariatKey}` },
  });
  if (found.statusCode === 200) {
    const byCode = new Map<string, number>();
    for (const d of (found.json() as { items: { code: string }[] }).items)
      byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
    log(
      `discrepancies: ${
        [...byCode]
          .sort()
          .map(([c, n]) => `${c} ${n}`)
          .join(', ') || 'none'
      }`,
    );
  }
  return { batches, reconciliation, secretariatKey };
}
