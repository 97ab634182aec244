import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';

import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { loadRegistry } from '../../src/standard/registry.js';
import type { TestDatabase } from './db.js';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ LOG_LEVEL: 'silent' }), ...overrides };
}

/** An app on this file's database, closed after the file. */
export async function testApp(db: TestDatabase, deps: Partial<AppDeps> = {}): Promise<FastifyInstance> {
  const app = await buildApp({
    config: testConfig({ databaseUrl: db.url }),
    db: db.pool,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    registry: loadRegistry(),
    ...deps,
  });
  afterAll(() => app.close());
  return app;
}
