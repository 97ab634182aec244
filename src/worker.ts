import { pathToFileURL } from 'node:url';

import { loadConfig } from './config.js';
import { createHubConnectors } from './connectors/hub.js';
import { createLogger } from './logger.js';
import { createHubPipeline, createHubReconciler, loadRegistry, openDatabase } from './runtime.js';

/**
 * A worker process: BullMQ workers for the pipeline (prepare, chunk, finalise) and for reconciliation
 * runs, the sweepers, and the scheduler of incremental runs.
 * Run as many as the load needs (`rmdx worker`); servers can then set RMDX_WORKERS_IN_SERVER=false.
 */
export async function runWorkerProcess(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) {
    throw new Error(
      'rmdx worker needs REDIS_URL: without Redis the server runs the pipeline in-process (inline driver)',
    );
  }
  const logger = createLogger(config.logLevel).child({ process: 'worker' });
  const database = await openDatabase(config, logger);
  const registry = loadRegistry();
  const reconciler = createHubReconciler({ config, pool: database.pool, logger, registry, runWorkers: true });
  const pipeline = createHubPipeline({
    config,
    pool: database.pool,
    logger,
    registry,
    runWorkers: true,
    reconciler,
  });
  const connectors = createHubConnectors({
    config,
    pool: database.pool,
    logger,
    registry,
    pipeline,
    runWorkers: true,
  });
  await pipeline.start();
  await connectors.scheduler.start();
  await reconciler.start();
  logger.info({ concurrency: config.workerConcurrency }, 'worker started');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'worker stopping: finishing jobs in hand');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  const timer = setTimeout(() => process.exit(1), 30_000);
  timer.unref();
  await connectors.scheduler.close();
  await pipeline.close();
  await reconciler.close();
  await database.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runWorkerProcess().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`RMDX worker failed: ${err.message}`);
      process.exit(1);
    },
  );
}
