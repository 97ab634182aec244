/**
 * `npm run demo`: a hub with a year of realistic data, ready to look at.
 *
 * Starts RMDX on the embedded Postgres (no Postgres or Redis needed; its data under ./.rmdx/demo),
 * loads the demo dataset of the five certifying states through the API, runs reconciliation, and
 * serves the console, printing its URL and a secretariat key. Run it again: the same returns are
 * replayed by their Idempotency-Keys, nothing is stored twice.
 *
 *   npm run demo                  load and serve (Ctrl-C stops)
 *   npm run demo -- --no-serve    load, print, exit
 *
 * DATABASE_URL and REDIS_URL are honoured, but loading demo data into a configured database needs
 * `--into-database-url`, so a production database is never filled by mistake.
 */
import net from 'node:net';
import path from 'node:path';

import { ConfigError, loadConfig } from '../src/config.js';
import { addMonths, currentPeriod } from '../src/console/completeness.js';
import { createLogger } from '../src/logger.js';
import { loadRegistry, openDatabase } from '../src/runtime.js';
import { assembleHub, loadDemo } from './lib/load-demo.js';

const args = new Set(process.argv.slice(2));

async function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

async function main() {
  const env: NodeJS.ProcessEnv = {
    RMDX_DATA_DIR: path.join('.rmdx', 'demo'),
    RMDX_EMBEDDED_PG_PORT: '54339',
    LOG_LEVEL: 'warn',
    ...process.env,
  };
  if (env.DATABASE_URL && !args.has('--into-database-url')) {
    console.error(
      'DATABASE_URL is set: the demo would load its data into that database. Unset it to use the embedded one, or pass --into-database-url.',
    );
    process.exit(2);
  }
  let config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const say = (line: string) => console.log(`demo: ${line}`);

  say(
    config.databaseUrl ? 'database: DATABASE_URL' : `database: embedded Postgres under ${config.dataDir}/pg`,
  );
  const database = await openDatabase(config, logger);
  // Serve on PORT when it is free, else on any free port: the demo must not fail on a busy 8080.
  if (!(await portFree(config.port, config.host))) {
    const free = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, config.host, () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    config = { ...config, port: free, publicUrl: process.env.RMDX_PUBLIC_URL ?? `http://localhost:${free}` };
  }
  const hub = await assembleHub({ config, pool: database.pool, logger, registry: loadRegistry() });
  const { app } = hub;
  say(`pipeline: ${hub.pipeline.kind === 'bullmq' ? 'BullMQ on REDIS_URL' : 'inline (no Redis)'}`);

  const to = addMonths(currentPeriod(), -1);
  const started = Date.now();
  const result = await loadDemo(app, database.pool, { to, months: 12, log: say });
  say(`loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const stop = async () => {
    await hub.close();
    await database.close();
  };
  if (args.has('--no-serve')) {
    console.log(`secretariat key: ${result.secretariatKey}`);
    await stop();
    return;
  }
  await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl;
  console.log(`
RMDX demo is running.

  console            ${base}/console
  public statistics  ${base}/statistics
  API docs           ${base}/docs
  secretariat key    ${result.secretariatKey}

Sign in to the console with the key above. Ctrl-C stops the demo; its data stays in ${config.databaseUrl ? 'DATABASE_URL' : config.dataDir}.`);
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `demo failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
