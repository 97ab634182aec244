import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { Pipeline } from '../pipeline/index.js';
import { createHubPipeline, loadRegistry, openDatabase } from '../runtime.js';
import type { SchemaRegistry } from '../standard/registry.js';
import type pg from 'pg';

/** Runs a CLI action against the hub's database (DATABASE_URL, or the local embedded one). */
export async function withDatabase<T>(
  fn: (deps: { pool: pg.Pool; registry: SchemaRegistry }) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const database = await openDatabase(config, logger);
  try {
    return await fn({ pool: database.pool, registry: loadRegistry() });
  } finally {
    await database.close();
  }
}

/** As withDatabase, with a pipeline handle to enqueue work (workers are not started here). */
export async function withPipeline<T>(
  fn: (deps: { pool: pg.Pool; pipeline: Pipeline }) => Promise<T>,
): Promise<T> {
  return withDatabase(async ({ pool, registry }) => {
    const config = loadConfig();
    const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
    const pipeline = createHubPipeline({ config, pool, logger, registry, runWorkers: false });
    try {
      return await fn({ pool, pipeline });
    } finally {
      await pipeline.close();
    }
  });
}
