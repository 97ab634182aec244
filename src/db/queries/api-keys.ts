import type { Role } from '../../auth/roles.js';
import type { Queryable } from '../pool.js';

export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  country: string | null;
  key_prefix: string;
  created_at: Date;
  created_by: string | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const columns = 'id, name, role, country, key_prefix, created_at, created_by, revoked_at, last_used_at';

export async function insertApiKey(
  db: Queryable,
  k: {
    id: string;
    name: string;
    role: Role;
    country: string | null;
    keyHash: string;
    keyPrefix: string;
    createdBy: string | null;
  },
): Promise<ApiKeyRow> {
  const { rows } = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, name, role, country, key_hash, key_prefix, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${columns}`,
    [k.id, k.name, k.role, k.country, k.keyHash, k.keyPrefix, k.createdBy],
  );
  return rows[0]!;
}

/** The active key with this hash, touching last_used_at at most once a minute. */
export async function findActiveKeyByHash(db: Queryable, keyHash: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await db.query<ApiKeyRow>(
    `WITH k AS (SELECT ${columns} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL),
          touch AS (UPDATE api_keys SET last_used_at = now()
                    WHERE key_hash = $1 AND revoked_at IS NULL
                      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
     SELECT * FROM k`,
    [keyHash],
  );
  return rows[0];
}

export async function listApiKeys(db: Queryable, opts: { includeRevoked: boolean }): Promise<ApiKeyRow[]> {
  const { rows } = await db.query<ApiKeyRow>(
    `SELECT ${columns} FROM api_keys WHERE $1::boolean OR revoked_at IS NULL ORDER BY created_at, id`,
    [opts.includeRevoked],
  );
  return rows;
}

export async function getApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${columns} FROM api_keys WHERE id = $1`, [id]);
  return rows[0];
}

export async function revokeApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${columns}`,
    [id],
  );
  return rows[0];
}

export async function countActiveSecretariatKeys(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM api_keys WHERE role = 'secretariat' AND revoked_at IS NULL`,
  );
  return rows[0]!.n;
}

export async function countAllKeys(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_keys`);
  return rows[0]!.n;
}
