import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type pg from 'pg';

import type { Logger } from '../logger.js';

export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Any fixed number: all RMDX processes agree on it, so only one migrates at a time. */
const MIGRATION_LOCK = 7_240_515_001;

export interface Migration {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file, i) => {
      const id = Number(file.slice(0, 4));
      if (id !== i + 1) throw new Error(`Migration ${file} is out of sequence: expected number ${i + 1}`);
      const sql = await readFile(path.join(dir, file), 'utf8');
      return { id, name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies pending forward-only migrations, each in its own transaction, under a session advisory
 * lock so two processes starting together never both migrate. Returns the names applied.
 */
export async function migrate(pool: pg.Pool, logger?: Logger, dir = migrationsDir): Promise<string[]> {
  const migrations = await loadMigrations(dir);
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS rmdx_migrations (
      id integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ id: number; name: string; checksum: string }>(
      'SELECT id, name, checksum FROM rmdx_migrations ORDER BY id',
    );
    const done = new Map(rows.map((r) => [r.id, r]));
    for (const m of migrations) {
      const prior = done.get(m.id);
      if (prior) {
        // A published migration never changes: a different checksum means someone edited history.
        if (prior.checksum !== m.checksum) {
          throw new Error(
            `Migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead`,
          );
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO rmdx_migrations (id, name, checksum) VALUES ($1, $2, $3)', [
          m.id,
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(m.name);
      logger?.info({ migration: m.name }, 'migration applied');
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
