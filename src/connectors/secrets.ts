/**
 * Connector secrets (tokens, passwords), stored apart from the configuration and sealed with
 * AES-256-GCM under the connector secret key: `RMDX_CONNECTOR_SECRET_KEY` (base64 of 32 bytes; set
 * the same value on every server and worker), else the file `RMDX_CONNECTOR_SECRET_KEY_FILE`
 * (default `<dataDir>/connector-secret-key`, created with mode 0600 on first use). A copy of the
 * database alone reveals no secret.
 *
 * Rotation: put the old key in `RMDX_CONNECTOR_SECRET_KEY_PREVIOUS` (comma-separated), the new one
 * in `RMDX_CONNECTOR_SECRET_KEY`, and run `rmdx connectors rekey`: secrets sealed under an old key
 * still open, and every write seals under the current one.
 *
 * The additional data of each ciphertext names its instance and key, so a ciphertext copied onto
 * another instance does not open. Secrets are handed to the kind's `check` and `read` only: never
 * logged, never returned by the API or the CLI (which show the names of the fields set, not values).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Queryable } from '../db/pool.js';
import { ConnectorError } from './errors.js';

export interface SecretKey {
  key: Buffer;
  /** Public fingerprint of the key (stored beside each ciphertext); reveals nothing of it. */
  id: string;
}

export interface SecretKeyOptions {
  /** Base64 of 32 bytes; wins over the file. */
  key?: string | undefined;
  /** Used when `key` is unset; created on first use. */
  keyFile: string;
  /** Older keys that may still have sealed some secrets (base64, comma-separated). */
  previous?: string | undefined;
}

export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('rmdx-connector-secrets').update(key).digest('hex').slice(0, 16);
}

function fromBase64(text: string, source: string): SecretKey {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new Error(
      `The connector secret key from ${source} must be base64 of exactly 32 bytes (got ${key.length})`,
    );
  }
  return { key, id: secretKeyId(key) };
}

async function loadCurrentKey(opts: SecretKeyOptions): Promise<SecretKey> {
  if (opts.key) return fromBase64(opts.key, 'RMDX_CONNECTOR_SECRET_KEY');
  try {
    return fromBase64(await readFile(opts.keyFile, 'utf8'), opts.keyFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(opts.keyFile), { recursive: true });
  // Write a temporary file and link it into place: link fails if another process won the race,
  // and nobody ever reads a half-written key.
  const tmp = `${opts.keyFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  try {
    await link(tmp, opts.keyFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  return fromBase64(await readFile(opts.keyFile, 'utf8'), opts.keyFile);
}

/** A sealed secret as stored. */
export interface SealedSecret {
  ciphertext: Buffer;
  nonce: Buffer;
  keyId: string;
}

const aad = (instanceId: string, keyId: string) => Buffer.from(`rmdx-connector:${instanceId}:${keyId}`);

/** Seals and opens connector secrets; one per process. The key is read on first use. */
export class SecretBox {
  private keys: Promise<{ current: SecretKey; all: Map<string, SecretKey> }> | undefined;

  constructor(private readonly opts: SecretKeyOptions) {}

  private load() {
    this.keys ??= (async () => {
      const current = await loadCurrentKey(this.opts);
      const all = new Map([[current.id, current]]);
      for (const text of (this.opts.previous ?? '').split(',').filter((s) => s.trim() !== '')) {
        const k = fromBase64(text, 'RMDX_CONNECTOR_SECRET_KEY_PREVIOUS');
        all.set(k.id, k);
      }
      return { current, all };
    })();
    // A failed load (an unreadable file) is tried again next time, not cached.
    this.keys.catch(() => (this.keys = undefined));
    return this.keys;
  }

  /** The id of the key new secrets are sealed under. */
  async currentKeyId(): Promise<string> {
    return (await this.load()).current.id;
  }

  async seal(instanceId: string, secrets: Record<string, unknown>): Promise<SealedSecret> {
    const { current } = await this.load();
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', current.key, nonce);
    cipher.setAAD(aad(instanceId, current.id));
    const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return { ciphertext: Buffer.concat([body, cipher.getAuthTag()]), nonce, keyId: current.id };
  }

  async open(instanceId: string, sealed: SealedSecret): Promise<Record<string, unknown>> {
    const { all } = await this.load();
    const key = all.get(sealed.keyId);
    if (!key) {
      throw new ConnectorError(
        'RMDX_CONN_BAD_CONFIG',
        `the secrets of connector ${instanceId} are sealed under key ${sealed.keyId}, which this process does not have: set RMDX_CONNECTOR_SECRET_KEY (or add the old key to RMDX_CONNECTOR_SECRET_KEY_PREVIOUS)`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.nonce);
      decipher.setAAD(aad(instanceId, sealed.keyId));
      const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - 16);
      decipher.setAuthTag(tag);
      const text = Buffer.concat([
        decipher.update(sealed.ciphertext.subarray(0, sealed.ciphertext.length - 16)),
        decipher.final(),
      ]).toString('utf8');
      return JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConnectorError(
        'RMDX_CONN_BAD_CONFIG',
        `the secrets of connector ${instanceId} do not open under key ${sealed.keyId} (altered, or sealed for another connector)`,
        { cause: err },
      );
    }
  }
}

/** Stores (replaces) an instance's secrets, sealed. An empty object removes them. */
export async function writeSecrets(
  db: Queryable,
  box: SecretBox,
  instanceId: string,
  secrets: Record<string, unknown>,
): Promise<void> {
  if (Object.keys(secrets).length === 0) {
    await db.query('DELETE FROM connector_secrets WHERE instance_id = $1', [instanceId]);
    return;
  }
  const s = await box.seal(instanceId, secrets);
  await db.query(
    `INSERT INTO connector_secrets (instance_id, ciphertext, nonce, key_id, fields) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (instance_id) DO UPDATE
     SET ciphertext = EXCLUDED.ciphertext, nonce = EXCLUDED.nonce, key_id = EXCLUDED.key_id,
         fields = EXCLUDED.fields, updated_at = now()`,
    [instanceId, s.ciphertext, s.nonce, s.keyId, Object.keys(secrets).sort()],
  );
}

/** An instance's secrets, opened ({} when none are stored). Only the runner and `check` call this. */
export async function readSecrets(
  db: Queryable,
  box: SecretBox,
  instanceId: string,
): Promise<Record<string, unknown>> {
  const { rows } = await db.query<{ ciphertext: Buffer; nonce: Buffer; key_id: string }>(
    'SELECT ciphertext, nonce, key_id FROM connector_secrets WHERE instance_id = $1',
    [instanceId],
  );
  const r = rows[0];
  if (!r) return {};
  return box.open(instanceId, { ciphertext: r.ciphertext, nonce: r.nonce, keyId: r.key_id });
}

/** The names of the secret fields set (never their values), for views. */
export async function secretFieldNames(db: Queryable, instanceId: string): Promise<string[]> {
  const { rows } = await db.query<{ fields: string[] }>(
    'SELECT fields FROM connector_secrets WHERE instance_id = $1',
    [instanceId],
  );
  return rows[0]?.fields ?? [];
}

/** Re-seals every secret under the current key; returns how many were re-sealed. */
export async function rekeySecrets(db: Queryable, box: SecretBox): Promise<number> {
  const current = await box.currentKeyId();
  const { rows } = await db.query<{ instance_id: string }>(
    'SELECT instance_id FROM connector_secrets WHERE key_id <> $1',
    [current],
  );
  for (const r of rows) {
    await writeSecrets(db, box, r.instance_id, await readSecrets(db, box, r.instance_id));
  }
  return rows.length;
}
