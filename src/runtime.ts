import type pg from 'pg';

import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool } from './db/pool.js';
import type { Logger } from './logger.js';

/** The database a process works on: the configured server, or an embedded one under dataDir. */
export interface Database {
  pool: pg.Pool;
  url: string;
  embedded: EmbeddedCluster | undefined;
  close(): Promise<void>;
}

export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedCluster | undefined;
  let url = config.databaseUrl;
  if (!url) {
    logger.info(
      { dataDir: config.dataDir, port: config.embeddedPgPort },
      'DATABASE_URL not set: starting embedded Postgres',
    );
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger });
    url = embedded.url;
  }
  const pool = createPool(url, config.pgPoolMax);
  await migrate(pool, logger);
  return {
    pool,
    url,
    embedded,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}
