/**
 * Loads the demo dataset into a running hub through its own API (as the member states would),
 * waits for every batch, back-dates the submissions to spread them over the year, and runs the
 * matcher for each month when this hub has it. Used by `npm run demo` and the browser tests.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';

import { createApiKey } from '../../src/auth/keys.js';
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
    const res = await app.inject({
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
    });
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

  const reconciliation: DemoLoad['reconciliation'] = [];
  const periods = [...new Set(dataset.map((b) => b.period))].sort();
  if (!app.hasRoute({ method: 'POST', url: '/v1/reconciliation/runs' })) {
    log('this hub has no matcher yet (POST /v1/reconciliation/runs): reconciliation skipped');
    return { batches, reconciliation, secretariatKey };
  }
  for (const period of periods) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/reconciliation/runs',
      headers: { authorization: `Bearer ${secretariatKey}` },
      payload: { period },
    });
    if (res.statusCode >= 300) {
      reconciliation.push({ period, status: `refused: ${res.statusCode} ${res.body.slice(0, 200)}` });
      continue;
    }
    const run = res.json() as { id?: string; runId?: string; status?: string };
    const runId = run.runId ?? run.id;
    let status = run.status ?? 'queued';
    if (runId) {
      status = await until(
        `reconciliation of ${period}`,
        async () => {
          const r = await app.inject({
            method: 'GET',
            url: `/v1/reconciliation/runs/${runId}`,
            headers: { authorization: `Bearer ${secretariatKey}` },
          });
          const s = (r.json() as { status?: string }).status;
          return s && !['queued', 'running', 'pending', 'waiting', 'active'].includes(s) ? s : undefined;
        },
        300_000,
      );
    }
    reconciliation.push({ period, runId, status });
  }
  log(`reconciliation: ${reconciliation.map((r) => `${r.period} ${r.status}`).join(', ')}`);
  return { batches, reconciliation, secretariatKey };
}
