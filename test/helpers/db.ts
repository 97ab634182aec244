import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll, inject } from 'vitest';

import { createPool } from '../../src/db/pool.js';
import { withDatabase } from './global-setup.js';

export interface TestDatabase {
  url: string;
  name: string;
  pool: pg.Pool;
}

/**
 * A fresh database for this test file, cloned from the migrated template, dropped after the file.
 * Call at module level: `const db = await testDatabase();`
 */
export async function testDatabase(): Promise<TestDatabase> {
  const base = inject('databaseUrl');
  const template = inject('templateDatabase');
  const name = `${template.replace('tpl', 't')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  // Cloning needs the template to have no other sessions; clones are made one at a time per run.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (err) {
      if (attempt > 50 || !/being accessed by other users/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const url = withDatabase(base, name);
  const pool = createPool(url, 5);
  afterAll(async () => {
    await pool.end();
    const a = new pg.Client({ connectionString: base });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  });
  return { url, name, pool };
}
