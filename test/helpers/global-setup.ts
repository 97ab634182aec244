import pg from 'pg';
import type { TestProject } from 'vitest/node';

import { migrate } from '../../src/db/migrate.js';
import { startTestPostgres, startTestRedis } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    templateDatabase: string;
    redisUrl: string;
  }
}

/**
 * Starts (or reaches) the real services once per run and builds a migrated template database;
 * each test file then clones its own database from it (test/helpers/db.ts).
 */
export default async function setup(project: TestProject) {
  const [postgres, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
  const template = `rmdx_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(postgres.url, template);
  const pool = new pg.Pool({ connectionString: templateUrl, max: 1 });
  await migrate(pool);
  await pool.end();

  project.provide('databaseUrl', postgres.url);
  project.provide('templateDatabase', template);
  project.provide('redisUrl', redis.url);

  return async () => {
    // Drop the clones a crashed file may have left, then the template.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${template.replace('tpl', 't')}%`],
    );
    for (const r of rows)
      await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await Promise.all([postgres.stop(), redis.stop()]);
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
