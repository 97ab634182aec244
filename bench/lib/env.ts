import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { migrate } from '../../src/db/migrate.js';
import {
  startTestPostgres,
  startTestRedis,
  type StartedPostgres,
  type StartedRedis,
} from '../../test/helpers/services.js';

/** A fresh, migrated database and a Redis for one benchmark run (DATABASE_URL/REDIS_URL when given). */
export interface BenchEnv {
  databaseUrl: string;
  redisUrl: string;
  pool: pg.Pool;
  close(): Promise<void>;
}

export async function benchEnv(opts: { redis?: boolean } = {}): Promise<BenchEnv> {
  const postgres: StartedPostgres = await startTestPostgres();
  const redis: StartedRedis | undefined = opts.redis === false ? undefined : await startTestRedis();
  const name = `rmdx_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(postgres.url);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  await migrate(pool);
  return {
    databaseUrl,
    redisUrl: redis?.url ?? '',
    pool,
    async close() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      await redis?.stop();
      await postgres.stop();
    },
  };
}

/** Peak and current resident memory of a process, from /proc (Linux). */
export async function rssOf(pid: number): Promise<{ rssMiB: number; hwmMiB: number } | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
