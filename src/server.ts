import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { openDatabase } from './runtime.js';

/** The process that listens: config, database, app, and a graceful stop on SIGTERM/SIGINT. */
async function main() {
  let config;
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
  const database = await openDatabase(config, logger);
  const app = await buildApp({ config, db: database.pool, logger });

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
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl;
  console.log(`RMDX is running: ${base}
  health   ${base}/healthz
  ready    ${base}/readyz
  schemas  ${base}/v1/schemas
  database ${database.embedded ? `embedded Postgres (data in ${config.dataDir}/pg)` : 'DATABASE_URL'}`);
}

main().catch((err) => {
  console.error('RMDX failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
