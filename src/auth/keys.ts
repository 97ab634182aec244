import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type pg from 'pg';

import { countAllKeys, insertApiKey, type ApiKeyRow } from '../db/queries/api-keys.js';
import { withTransaction } from '../db/pool.js';
import type { Queryable } from '../db/pool.js';
import { appendAudit } from '../evidence/audit.js';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key.js';
import type { Role } from './roles.js';

export interface NewKey {
  name: string;
  role: Role;
  country?: string | null;
  createdBy?: string | null;
}

/** Issues a key: the plain key is returned once and never stored. */
export async function createApiKey(db: Queryable, k: NewKey): Promise<{ key: string; row: ApiKeyRow }> {
  const key = generateApiKey();
  const row = await insertApiKey(db, {
    id: randomUUID(),
    name: k.name,
    role: k.role,
    country: k.role === 'submitter' ? (k.country ?? null) : null,
    keyHash: hashApiKey(key),
    keyPrefix: displayPrefix(key),
    createdBy: k.createdBy ?? null,
  });
  return { key, row };
}

/**
 * On first start with an empty key table, issues a secretariat key and writes it to
 * `<dataDir>/secretariat.key` (mode 0600). Returns the file path when it did so. The key is
 * audited like any other (`key.issued`, actor `system`, `bootstrap: true`; never the key itself),
 * in the same transaction: a key that exists has its audit entry.
 */
export async function ensureBootstrapKey(pool: pg.Pool, dataDir: string): Promise<string | undefined> {
  return withTransaction(pool, async (client) => {
    // Two processes starting together: only one issues the first key.
    await client.query('LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE');
    if ((await countAllKeys(client)) > 0) return undefined;
    const name = 'bootstrap secretariat key';
    const { key, row } = await createApiKey(client, { name, role: 'secretariat' });
    await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, 'secretariat.key');
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    // Last in the transaction (the chain's lock is held until the commit).
    await appendAudit(client, {
      type: 'key.issued',
      actor: 'system',
      subject: `key:${row.id}`,
      data: { name, role: row.role, country: null, prefix: row.key_prefix, bootstrap: true },
    });
    return file;
  });
}
