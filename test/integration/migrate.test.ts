import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadMigrations, migrate, migrationsDir } from '../../src/db/migrate.js';
import { testDatabase } from '../helpers/db.js';

const db = await testDatabase();

describe('migrations', () => {
  it('are numbered without gaps and all recorded in the template', async () => {
    const files = await loadMigrations();
    const { rows } = await db.pool.query('SELECT id, name FROM rmdx_migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(files.map((f) => f.name));
  });

  it('apply once even when two processes start together', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-mig-'));
    const { readdir, readFile } = await import('node:fs/promises');
    for (const f of await readdir(migrationsDir))
      await writeFile(path.join(dir, f), await readFile(path.join(migrationsDir, f)));
    const next = String((await loadMigrations()).length + 1).padStart(4, '0');
    await writeFile(
      path.join(dir, `${next}_probe.sql`),
      'CREATE TABLE migration_probe (id int); INSERT INTO migration_probe VALUES (1);',
    );
    const results = await Promise.all([
      migrate(db.pool, undefined, dir),
      migrate(db.pool, undefined, dir),
      migrate(db.pool, undefined, dir),
    ]);
    expect(results.flat()).toEqual([`${next}_probe.sql`]);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM migration_probe');
    expect(rows[0].n).toBe(1);
  });

  it('refuses a migration edited after it was applied', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-mig-'));
    const { readdir, readFile } = await import('node:fs/promises');
    for (const f of await readdir(migrationsDir)) {
      const text = await readFile(path.join(migrationsDir, f), 'utf8');
      await writeFile(path.join(dir, f), f.startsWith('0001') ? `${text}\n-- edited` : text);
    }
    await expect(migrate(db.pool, undefined, dir)).rejects.toThrow(/changed after it was applied/);
  });
});
