import { randomUUID } from 'node:crypto';

import type { FastifyInstance } from 'fastify';
import { afterAll, inject } from 'vitest';

import { buildApp } from '../../src/app.js';
import { createApiKey } from '../../src/auth/keys.js';
import type { Config } from '../../src/config.js';
import { getBatch, type BatchRow } from '../../src/db/queries/batches.js';
import { createLogger } from '../../src/logger.js';
import type { Pipeline } from '../../src/pipeline/index.js';
import { createHubPipeline, loadRegistry } from '../../src/runtime.js';
import { testConfig } from './app.js';
import type { TestDatabase } from './db.js';

export interface TestKeys {
  secretariat: string;
  auditor: string;
  RW: string;
  CD: string;
  UG: string;
  revoked: string;
}

export interface TestHub {
  app: FastifyInstance;
  pipeline: Pipeline;
  config: Config;
  keys: TestKeys;
  /** Waits until the batch reaches a final status (or throws after `timeoutMs`). */
  waitForBatch(batchId: string, timeoutMs?: number): Promise<BatchRow>;
  close(): Promise<void>;
}

const registry = loadRegistry();

export async function issueTestKeys(db: TestDatabase): Promise<TestKeys> {
  const k = async (name: string, role: 'submitter' | 'secretariat' | 'auditor', country?: string) =>
    (await createApiKey(db.pool, { name, role, country })).key;
  const revoked = await createApiKey(db.pool, { name: 'revoked', role: 'submitter', country: 'RW' });
  await db.pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [revoked.row.id]);
  return {
    secretariat: await k('test secretariat', 'secretariat'),
    auditor: await k('test auditor', 'auditor'),
    RW: await k('Rwanda RMB system', 'submitter', 'RW'),
    CD: await k('DRC CEEC system', 'submitter', 'CD'),
    UG: await k('Uganda DGSM system', 'submitter', 'UG'),
    revoked: revoked.key,
  };
}

/**
 * The hub as a server runs it: app + pipeline (BullMQ on the test Redis with a private queue prefix,
 * or inline with `redis: false`) on this file's database.
 */
export async function testHub(
  db: TestDatabase,
  opts: { redis?: boolean | string; config?: Partial<Config>; runWorkers?: boolean } = {},
): Promise<TestHub> {
  const redisUrl =
    opts.redis === false ? undefined : typeof opts.redis === 'string' ? opts.redis : inject('redisUrl');
  const config = testConfig({
    databaseUrl: db.url,
    redisUrl,
    queuePrefix: `t${randomUUID().slice(0, 8)}`,
    chunkSize: 500,
    ...opts.config,
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const pipeline = createHubPipeline({
    config,
    pool: db.pool,
    logger,
    registry,
    runWorkers: opts.runWorkers ?? true,
  });
  const app = await buildApp({ config, db: db.pool, logger, pipeline, registry });
  await pipeline.start();
  const keys = await issueTestKeys(db);
  const hub: TestHub = {
    app,
    pipeline,
    config,
    keys,
    async waitForBatch(batchId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const b = await getBatch(db.pool, batchId);
        if (b && ['completed', 'completed_with_errors', 'rejected', 'failed'].includes(b.status)) return b;
        if (Date.now() > deadline)
          throw new Error(`batch ${batchId} still ${b?.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
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
