import { buildApp } from './app.js';
import { ensureBootstrapKey } from './auth/keys.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createHubConnectors } from './connectors/hub.js';
import { createLogger } from './logger.js';
import { createHubPipeline, createHubReconciler, openDatabase } from './runtime.js';
import { loadRegistry } from './standard/registry.js';

/** The process that listens: config, database, registry, app, and a graceful stop on SIGTERM/SIGINT. */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const registry = loadRegistry();
  const database = await openDatabase(config, logger);
  const keyFile = await ensureBootstrapKey(database.pool, config.dataDir);
  const reconciler = createHubReconciler({
    config,
    pool: database.pool,
    logger,
    registry,
    runWorkers: config.workersInServer,
  });
  const pipeline = createHubPipeline({
    config,
    pool: database.pool,
    logger,
    registry,
    runWorkers: config.workersInServer,
    reconciler,
  });
  // Connector runs and schedules: where the pipeline's workers run (always, without Redis).
  const connectors = createHubConnectors({
    config,
    pool: database.pool,
    logger,
    registry,
    pipeline,
    runWorkers: config.workersInServer || !config.redisUrl,
  });
  const app = await buildApp({
    config,
    db: database.pool,
    logger,
    registry,
    pipeline,
    reconciler,
    connectors: connectors.context,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    timer.unref();
    try {
      await app.close();
      await connectors.scheduler.close();
      await pipeline.close();
      await reconciler.close();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await pipeline.start();
  await connectors.scheduler.start();
  await reconciler.start();
  await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl;
  console.log(`RMDX is running: ${base}
  health    ${base}/healthz
  ready     ${base}/readyz
  schemas   ${base}/v1/schemas
  database  ${database.embedded ? `embedded Postgres (data in ${config.dataDir}/pg)` : database.url === config.databaseUrl ? 'DATABASE_URL' : 'embedded Postgres (shared)'}
  standard  versions ${registry.versions.join(', ')}
  pipeline  ${pipeline.kind === 'bullmq' ? `BullMQ on REDIS_URL${config.workersInServer ? ', workers in this process' : ''}` : 'inline (no REDIS_URL): batches run in this process'}`);
  if (keyFile) console.log(`  first start: a secretariat API key was written to ${keyFile} (mode 0600)`);
}

main().catch((err) => {
  console.error('RMDX failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
