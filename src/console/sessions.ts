import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type { Role } from '../auth/roles.js';
import type { Queryable } from '../db/pool.js';

/** A console session as the server resolves it from the cookie. */
export interface SessionRow {
  id: string;
  key_id: string;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  /** From the API key the session was opened with (a revoked key ends its sessions at once). */
  name: string;
  role: Role;
  country: string | null;
}

export interface NewSession {
  /** The cookie value: shown to the browser once, only its hash is stored. */
  token: string;
  csrfToken: string;
  row: { id: string; expiresAt: Date };
}

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Cookie values are 256 random bits, base64url; anything else is not worth a query. */
export function looksLikeSessionToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

export async function createSession(
  db: Queryable,
  s: { keyId: string; maxHours: number; userAgent: string | undefined },
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const id = randomUUID();
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO console_sessions (id, token_hash, key_id, csrf_token, expires_at, user_agent)
     VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5::int), $6)
     RETURNING expires_at`,
    [id, hash(token), s.keyId, csrfToken, s.maxHours, s.userAgent?.slice(0, 300) ?? null],
  );
  return { token, csrfToken, row: { id, expiresAt: rows[0]!.expires_at } };
}

/**
 * The live session for this cookie value: not ended, not past its absolute end, not idle longer
 * than `idleMinutes`, and its API key not revoked. Touches last_seen_at at most once a minute.
 */
export async function findLiveSession(
  db: Queryable,
  token: string,
  idleMinutes: number,
): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>(
    `WITH s AS (
       SELECT s.id, s.key_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at,
              k.name, k.role, k.country
       FROM console_sessions s JOIN api_keys k ON k.id = s.key_id
       WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now()
         AND s.last_seen_at > now() - make_interval(mins => $2::int)
         AND k.revoked_at IS NULL),
     touch AS (
       UPDATE console_sessions c SET last_seen_at = now()
       FROM s WHERE c.id = s.id AND c.last_seen_at < now() - interval '1 minute')
     SELECT * FROM s`,
    [hash(token), idleMinutes],
  );
  return rows[0];
}

export async function endSession(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE console_sessions SET ended_at = now() WHERE id = $1 AND ended_at IS NULL`, [id]);
}

/** Deletes sessions that ended or expired more than a day ago (called now and then, not per request). */
export async function purgeOldSessions(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM console_sessions
     WHERE coalesce(ended_at, expires_at) < now() - interval '1 day'`,
  );
  return rowCount ?? 0;
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
