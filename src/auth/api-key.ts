import { createHash, randomBytes } from 'node:crypto';

/** Keys look like `rmdx_<43 base64url chars>`: 256 random bits, recognisable in a secret scanner. */
export const KEY_PREFIX = 'rmdx_';

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Only this hash is stored. The key is high-entropy, so sha256 suffices (no slow KDF needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The first characters, shown in listings so an operator can tell keys apart. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX) && value.length >= KEY_PREFIX.length + 40 && value.length <= 100;
}
