import { randomUUID } from 'node:crypto';

import type { FastifyInstance } from 'fastify';
import { afterAll, inject } from 'vitest';

import { buildApp } from '../../../src/app.js';
import type { Config } from '../../../src/config.js';
import { getBatch, type BatchRow } from '../../../src/db/queries/batches.js';
import { createLogger } from '../../../src/logger.js';
import type { Reconciler } from '../../../src/matcher/reconciler.js';
import { getRun, type RunRow } from '../../../src/matcher/runs.js';
import type { Pipeline } from '../../../src/pipeline/index.js';
import { createHubPipeline, createHubReconciler, loadRegistry } from '../../../src/runtime.js';
import { testConfig } from '../../helpers/app.js';
import type { TestDatabase } from '../../helpers/db.js';
import { bearer, issueTestKeys, type TestKeys } from '../../helpers/hub.js';

export interface MatcherHub {
  app: FastifyInstance;
  pipeline: Pipeline;
  reconciler: Reconciler;
  keys: TestKeys;
  config: Config;
  /** Posts a batch through the API and waits until it is final. */
  submit(
    country: string,
    period: string,
    records: Record<string, unknown>[],
    key?: string,
  ): Promise<BatchRow>;
  /** POST /v1/reconciliation/runs as the secretariat and waits for the run to finish. */
  reconcile(body: Record<string, unknown>): Promise<RunRow>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read loosely in tests
  get(url: string, key?: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

const registry = loadRegistry();

/** App + pipeline + reconciler on this file's database (inline unless `redis`). */
export async function matcherHub(
  db: TestDatabase,
  opts: { redis?: boolean; config?: Partial<Config> } = {},
): Promise<MatcherHub> {
  const config = testConfig({
    databaseUrl: db.url,
    redisUrl: opts.redis ? inject('redisUrl') : undefined,
    queuePrefix: `m${randomUUID().slice(0, 8)}`,
    chunkSize: 500,
    ...opts.config,
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const reconciler = createHubReconciler({ config, pool: db.pool, logger, registry, runWorkers: true });
  const pipeline = createHubPipeline({
    config,
    pool: db.pool,
    logger,
    registry,
    runWorkers: true,
    reconciler,
  });
  const app = await buildApp({ config, db: db.pool, logger, pipeline, registry, reconciler });
  await pipeline.start();
  await reconciler.start();
  const keys = await issueTestKeys(db);
  const keyOf = (country: string): string => {
    const k = (keys as unknown as Record<string, string>)[country];
    return k ?? keys.secretariat;
  };
  const hub: MatcherHub = {
    app,
    pipeline,
    reconciler,
    keys,
    config,
    async submit(country, period, records, key) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: {
          ...bearer(key ?? keyOf(country)),
          'idempotency-key': randomUUID(),
          'content-type': 'application/json',
        },
        payload: JSON.stringify({ schemaVersion: '1.0.0', reportingCountry: country, period, records }),
      });
      if (res.statusCode !== 202) throw new Error(`batch refused: ${res.statusCode} ${res.body}`);
      const id = res.json().batchId as string;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const b = await getBatch(db.pool, id);
        if (b && ['completed', 'completed_with_errors', 'rejected', 'failed'].includes(b.status)) return b;
        if (Date.now() > deadline) throw new Error(`batch ${id} not final`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async reconcile(body) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/reconciliation/runs',
        headers: { ...bearer(keys.secretariat), 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      if (res.statusCode !== 202) throw new Error(`run refused: ${res.statusCode} ${res.body}`);
      const id = res.json().id as string;
      const deadline = Date.now() + 120_000;
      for (;;) {
        await reconciler.idle();
        const run = await getRun(db.pool, id);
        if (run && (run.status === 'completed' || run.status === 'failed')) {
          if (run.status === 'failed') throw new Error(`run failed: ${run.error?.message}`);
          return run;
        }
        if (Date.now() > deadline) throw new Error(`run ${id} still ${run?.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async get(url, key) {
      const res = await app.inject({ method: 'GET', url, headers: bearer(key ?? keys.secretariat) });
      return { status: res.statusCode, body: res.json() };
    },
    async close() {
      await reconciler.close();
      await pipeline.close();
      await app.close();
    },
  };
  afterAll(() => hub.close());
  return hub;
}

export { bearer };
