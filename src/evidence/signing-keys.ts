import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

import type { Queryable } from '../db/pool.js';
import { canonicalJson } from './canonical.js';
import { type Kek, open, seal } from './kek.js';

/** An Ed25519 public key as a JWK (RFC 8037), with the hub's bookkeeping members. */
export interface ReceiptJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
  /** `active` signs new receipts; `retired` keys stay published so old receipts keep verifying. */
  status?: 'active' | 'retired';
  createdAt?: string;
  retiredAt?: string | null;
}

export interface SigningKeyRow {
  kid: string;
  public_jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string };
  private_enc: Buffer;
  kek_id: string;
  status: 'active' | 'retired';
  created_at: Date;
  retired_at: Date | null;
}

/** Serialises key creation and rotation across processes (any fixed number all processes share). */
const KEYS_LOCK = 7_240_515_005;

/** RFC 7638 thumbprint of an Ed25519 JWK: base64url(sha256 of {"crv","kty","x"} in JCS form). */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string }): string {
  return createHash('sha256')
    .update(canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }))
    .digest('base64url');
}

export function jwkOf(row: SigningKeyRow): ReceiptJwk {
  return {
    ...row.public_jwk,
    kid: row.kid,
    alg: 'EdDSA',
    use: 'sig',
    status: row.status,
    createdAt: row.created_at.toISOString(),
    retiredAt: row.retired_at?.toISOString() ?? null,
  };
}

async function insertNewKey(db: Queryable, kek: Kek, status: 'active' | 'retired'): Promise<SigningKeyRow> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
  const kid = jwkThumbprint(pub);
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const { rows } = await db.query<SigningKeyRow>(
    `INSERT INTO receipt_signing_keys (kid, public_jwk, private_enc, kek_id, status)
     VALUES ($1, $2::jsonb, $3, $4, $5) RETURNING *`,
    [kid, JSON.stringify({ kty: pub.kty, crv: pub.crv, x: pub.x }), seal(kek, der, kid), kek.id, status],
  );
  der.fill(0);
  return rows[0]!;
}

export async function getActiveKeyRow(db: Queryable): Promise<SigningKeyRow | undefined> {
  const { rows } = await db.query<SigningKeyRow>(
    `SELECT * FROM receipt_signing_keys WHERE status = 'active'`,
  );
  return rows[0];
}

/**
 * The active signing key, created on first use. `db` must be a client inside a transaction: the
 * transaction-scoped lock makes two processes starting together create one key, not two.
 */
export async function ensureActiveKey(
  db: Queryable,
  kek: Kek,
): Promise<{ row: SigningKeyRow; created: boolean }> {
  const existing = await getActiveKeyRow(db);
  if (existing) return { row: existing, created: false };
  await db.query('SELECT pg_advisory_xact_lock($1::bigint)', [KEYS_LOCK]);
  const again = await getActiveKeyRow(db);
  if (again) return { row: again, created: false };
  return { row: await insertNewKey(db, kek, 'active'), created: true };
}

/** Retires the active key and makes a new one active; `db` must be inside a transaction. */
export async function rotateActiveKey(
  db: Queryable,
  kek: Kek,
): Promise<{ previous: SigningKeyRow | undefined; current: SigningKeyRow }> {
  await db.query('SELECT pg_advisory_xact_lock($1::bigint)', [KEYS_LOCK]);
  const { rows } = await db.query<SigningKeyRow>(
    `UPDATE receipt_signing_keys SET status = 'retired', retired_at = now() WHERE status = 'active' RETURNING *`,
  );
  const current = await insertNewKey(db, kek, 'active');
  return { previous: rows[0], current };
}

/** Every key that ever signed a receipt, newest first: the JWK set verifiers fetch. */
export async function listPublicKeys(db: Queryable): Promise<ReceiptJwk[]> {
  const { rows } = await db.query<SigningKeyRow>(
    `SELECT kid, public_jwk, status, created_at, retired_at FROM receipt_signing_keys
     ORDER BY (status = 'active') DESC, created_at DESC, kid`,
  );
  return rows.map(jwkOf);
}

/**
 * Holds decrypted private keys in memory (by kid) so signing costs one Ed25519 operation.
 * Private key material never leaves this object: not in logs, errors or answers.
 */
export class KeyRing {
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly kek: Kek) {}

  get kekId(): string {
    return this.kek.id;
  }

  private privateKey(row: SigningKeyRow): KeyObject {
    let key = this.keys.get(row.kid);
    if (!key) {
      if (row.kek_id !== this.kek.id) {
        throw new Error(
          `Receipt signing key ${row.kid} was sealed with KEK ${row.kek_id}, but this process has KEK ${this.kek.id} (from ${this.kek.source}); give every process the same RMDX_RECEIPT_KEK`,
        );
      }
      let der: Buffer;
      try {
        der = open(this.kek, row.private_enc, row.kid);
      } catch {
        throw new Error(`Receipt signing key ${row.kid} could not be unsealed with KEK ${this.kek.id}`);
      }
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      der.fill(0);
      this.keys.set(row.kid, key);
    }
    return key;
  }

  /** Ed25519 signature (base64url) of `bytes` with the key of `row`. */
  sign(row: SigningKeyRow, bytes: Buffer): string {
    return sign(null, bytes, this.privateKey(row)).toString('base64url');
  }

  /** Checks that a stored key can be unsealed (at start-up, so a wrong KEK fails loudly and early). */
  check(row: SigningKeyRow): void {
    this.privateKey(row);
  }

  createKey(db: Queryable): Promise<{ row: SigningKeyRow; created: boolean }> {
    return ensureActiveKey(db, this.kek);
  }

  rotate(db: Queryable) {
    return rotateActiveKey(db, this.kek);
  }
}
