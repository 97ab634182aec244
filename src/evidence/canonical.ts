import { createHash } from 'node:crypto';

import canonicalize from 'canonicalize';

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): sorted keys, no whitespace, ECMAScript number
 * formatting. Receipts are signed over, and audit entries hashed over, these exact bytes, so any
 * verifier in any language with a JCS implementation gets the same bytes from the same JSON.
 * Throws on values JSON cannot carry faithfully (NaN, Infinity, lone surrogates, cycles).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('canonicalJson: the value has no JSON representation');
  return text;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
