import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The key-encryption key (KEK) that seals the receipt signing keys stored in Postgres, so a copy of
 * the database alone (a backup, a replica, a dump) cannot sign receipts.
 *
 * Where it comes from, in order: `RMDX_RECEIPT_KEK` (base64 of 32 bytes; set it on every server and
 * worker of a deployment, from the secret store), else the file `RMDX_RECEIPT_KEK_FILE`
 * (default `<dataDir>/receipt-kek`, created with mode 0600 on first use).
 */
export interface Kek {
  /** 32 bytes for AES-256-GCM. */
  key: Buffer;
  /** Public fingerprint naming the KEK (stored beside each sealed key); reveals nothing of it. */
  id: string;
  /** Where it came from, for messages (never the key itself). */
  source: string;
}

export function kekId(key: Buffer): string {
  return createHash('sha256').update('rmdx-kek').update(key).digest('hex').slice(0, 16);
}

function fromBase64(text: string, source: string): Kek {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new Error(`The receipt KEK from ${source} must be base64 of exactly 32 bytes (got ${key.length})`);
  }
  return { key, id: kekId(key), source };
}

/** Reads the KEK, creating the file (atomically, mode 0600) when neither source exists yet. */
export async function loadKek(opts: { kek?: string; kekFile: string }): Promise<Kek> {
  if (opts.kek) return fromBase64(opts.kek, 'RMDX_RECEIPT_KEK');
  try {
    return fromBase64(await readFile(opts.kekFile, 'utf8'), opts.kekFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(opts.kekFile), { recursive: true });
  // Write a temporary file, then link it into place: link fails if another process won the race,
  // and nobody ever reads a half-written file.
  const tmp = `${opts.kekFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  try {
    await link(tmp, opts.kekFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  return fromBase64(await readFile(opts.kekFile, 'utf8'), opts.kekFile);
}

/** AES-256-GCM: 12-byte IV || ciphertext || 16-byte tag; `aad` binds the blob to its key id. */
export function seal(kek: Kek, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

export function open(kek: Kek, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 12 + 16 + 1) throw new Error('sealed key is too short');
  const iv = sealed.subarray(0, 12);
  const tag = sealed.subarray(sealed.length - 16);
  const decipher = createDecipheriv('aes-256-gcm', kek.key, iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
}
