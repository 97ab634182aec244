/**
 * The hub with its connectors, as the server builds it (app + pipeline + connector scheduler), on
 * this test file's database; BullMQ on the test Redis (private prefix) or in-process with
 * `redis: false`.
 */
import { randomUUID } from 'node:crypto';

import type { FastifyInstance } from 'fastify';
import { afterAll, inject } from 'vitest';

import { buildApp } from '../../../src/app.js';
import type { Config } from '../../../src/config.js';
import { createHubConnectors, type HubConnectors } from '../../../src/connectors/hub.js';
import { getRun, type RunRow } from '../../../src/connectors/store.js';
import { getBatch, type BatchRow } from '../../../src/db/queries/batches.js';
import { createLogger } from '../../../src/logger.js';
import type { Pipeline } from '../../../src/pipeline/index.js';
import { createHubPipeline, loadRegistry } from '../../../src/runtime.js';
import { testConfig } from '../../helpers/app.js';
import type { TestDatabase } from '../../helpers/db.js';
import { issueTestKeys, type TestKeys } from '../../helpers/hub.js';

/** A fixed key for tests (base64 of 32 bytes); production reads RMDX_CONNECTOR_SECRET_KEY or its file. */
export const testSecretKey = Buffer.alloc(32, 7).toString('base64');

export interface ConnectorTestHub {
  app: FastifyInstance;
  pipeline: Pipeline;
  connectors: HubConnectors;
  config: Config;
  keys: TestKeys;
  waitForBatch(id: string, timeoutMs?: number): Promise<BatchRow>;
  /** Waits until the run is final (succeeded, failed, cancelled). */
  waitForRun(id: string, timeoutMs?: number): Promise<RunRow>;
  close(): Promise<void>;
}

const registry = loadRegistry();
const final = ['completed', 'completed_with_errors', 'rejected', 'failed'];

export async function connectorTestHub(
  db: TestDatabase,
  opts: { redis?: boolean; connectors?: Partial<Config['connectors']>; config?: Partial<Config> } = {},
): Promise<ConnectorTestHub> {
  const base = testConfig({
    databaseUrl: db.url,
    redisUrl: opts.redis === false ? undefined : inject('redisUrl'),
    queuePrefix: `t${randomUUID().slice(0, 8)}`,
    chunkSize: 500,
    ...opts.config,
  });
  const config: Config = {
    ...base,
    connectors: {
      ...base.connectors,
      secretKey: testSecretKey,
      pauseAfter: 3,
      runAttempts: 3,
      retryBaseMs: 50,
      tickSeconds: 1,
      ...opts.connectors,
    },
  };
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const pipeline = createHubPipeline({ config, pool: db.pool, logger, registry, runWorkers: true });
  const connectors = createHubConnectors({
    config,
    pool: db.pool,
    logger,
    registry,
    pipeline,
    runWorkers: true,
    kindContext: { sleep: async () => undefined },
  });
  const app = await buildApp({
    config,
    db: db.pool,
    logger,
    pipeline,
    registry,
    connectors: connectors.context,
  });
  await pipeline.start();
  await connectors.scheduler.start();
  const keys = await issueTestKeys(db);
  const poll = async <T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const hub: ConnectorTestHub = {
    app,
    pipeline,
    connectors,
    config,
    keys,
    waitForBatch: (id, timeoutMs = 60_000) =>
      poll(`batch ${id}`, timeoutMs, async () => {
        const b = await getBatch(db.pool, id);
        return b && final.includes(b.status) ? b : undefined;
      }),
    waitForRun: (id, timeoutMs = 60_000) =>
      poll(`run ${id}`, timeoutMs, async () => {
        const r = await getRun(db.pool, id);
        return r && ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r : undefined;
      }),
    async close() {
      await connectors.scheduler.close();
      await pipeline.close();
      await app.close();
    },
  };
  afterAll(() => hub.close());
  return hub;
}

export function bearer(key: string) {
  return { authorization: `Bearer ${key}` };
}

/** Every batch of the run's connector reaches a final status. */
export async function waitForConnectorBatches(hub: ConnectorTestHub, db: TestDatabase, connectorId: string) {
  const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM batches WHERE connector_id = $1', [
    connectorId,
  ]);
  return Promise.all(rows.map((r) => hub.waitForBatch(r.id)));
}
