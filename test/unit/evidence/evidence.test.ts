import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { TokenBuckets } from '../../../src/api/plugins/limits.js';
import { ChainVerifier, GENESIS_HASH } from '../../../src/evidence/audit.js';
import { canonicalJson, sha256Hex } from '../../../src/evidence/canonical.js';
import { kekId, loadKek, open, seal } from '../../../src/evidence/kek.js';
import { verifyReceipt } from '../../../src/evidence/receipts.js';
import { jwkThumbprint } from '../../../src/evidence/signing-keys.js';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units, drops whitespace and formats numbers as ECMAScript does', () => {
    expect(canonicalJson({ b: 1, a: [1.0, 'é', 1e21, -0, 0.000001], c: { z: null } })).toBe(
      '{"a":[1,"é",1e+21,0,0.000001],"b":1,"c":{"z":null}}',
    );
    // RFC 8785 §3.2.3 example ordering: "\r" < "1" < "\u0080" < "ö" < "€" < "😀" < "\ufb33".
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\u00f6', '\u0080', '\ud83d\ude00'];
    const obj = Object.fromEntries(keys.map((k, i) => [k, i]));
    expect(canonicalJson(obj)).toBe('{"\\r":1,"1":3,"\u0080":5,"ö":4,"€":0,"😀":6,"\ufb33":2}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ x: NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ x: Infinity })).toThrow(/Infinity/);
    expect(() => canonicalJson({ x: '\ud800' })).toThrow(/surrogate/i);
  });
});

describe('the key-encryption key', () => {
  it('is created once with mode 0600, by whichever of several racing loaders wins', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-kek-'));
    const file = path.join(dir, 'sub', 'receipt-kek');
    const keks = await Promise.all(Array.from({ length: 8 }, () => loadKek({ kekFile: file })));
    expect(new Set(keks.map((k) => k.id)).size).toBe(1);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toHaveLength(32);
  });

  it('prefers RMDX_RECEIPT_KEK and rejects one that is not 32 bytes', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const kek = await loadKek({ kek: key, kekFile: '/nonexistent/never-read' });
    expect(kek.id).toBe(kekId(Buffer.alloc(32, 7)));
    await expect(loadKek({ kek: 'c2hvcnQ=', kekFile: '/x' })).rejects.toThrow(/32 bytes/);
  });

  it('seals with AES-256-GCM: the wrong KEK, a changed byte or another key id fail to open', async () => {
    const a = await loadKek({ kek: Buffer.alloc(32, 1).toString('base64'), kekFile: '/x' });
    const b = await loadKek({ kek: Buffer.alloc(32, 2).toString('base64'), kekFile: '/x' });
    const secret = Buffer.from('private key bytes');
    const sealed = seal(a, secret, 'kid-1');
    expect(sealed.includes(secret)).toBe(false);
    expect(open(a, sealed, 'kid-1').equals(secret)).toBe(true);
    expect(() => open(b, sealed, 'kid-1')).toThrow();
    expect(() => open(a, sealed, 'kid-2')).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[20]! ^= 1;
    expect(() => open(a, flipped, 'kid-1')).toThrow();
  });
});

function keySet() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  const kid = jwkThumbprint(jwk);
  return { privateKey, kid, jwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
}

describe('offline receipt verification', () => {
  const k = keySet();
  const payload = { type: 'rmdx.receipt', batchId: 'b1', body: { sha256: 'ab' }, counts: { records: 3 } };
  const receipt = {
    payload,
    alg: 'EdDSA',
    kid: k.kid,
    signature: sign(null, Buffer.from(canonicalJson(payload)), k.privateKey).toString('base64url'),
  };
  const jwks = { keys: [k.jwk] };

  it('accepts a genuine receipt, whatever the key order or whitespace it was saved with', () => {
    expect(verifyReceipt(receipt, jwks)).toMatchObject({ ok: true, kid: k.kid });
    const reordered = JSON.parse(
      JSON.stringify(
        {
          signature: receipt.signature,
          kid: k.kid,
          alg: 'EdDSA',
          payload: { counts: { records: 3 }, body: { sha256: 'ab' }, batchId: 'b1', type: 'rmdx.receipt' },
        },
        null,
        4,
      ),
    );
    expect(verifyReceipt(reordered, jwks).ok).toBe(true);
  });

  it('refuses an altered payload, another key, an unknown kid and a mangled signature', () => {
    const altered = structuredClone(receipt);
    altered.payload.counts.records = 4;
    expect(verifyReceipt(altered, jwks)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not match/),
    });
    const other = keySet();
    expect(verifyReceipt(receipt, { keys: [{ ...other.jwk, kid: k.kid }] }).ok).toBe(false);
    expect(verifyReceipt({ ...receipt, kid: 'nope' }, jwks).reason).toMatch(/no key nope/);
    expect(verifyReceipt({ ...receipt, signature: 'AAAA' }, jwks).reason).toMatch(/64 bytes/);
    expect(verifyReceipt({ ...receipt, alg: 'none' }, jwks).ok).toBe(false);
    expect(verifyReceipt(null, jwks).ok).toBe(false);
  });

  it('computes RFC 7638 thumbprints (RFC 8037 appendix A.3 example)', () => {
    expect(
      jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }),
    ).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });
});

/** Builds a valid chain of n entries in memory, as the database holds it. */
function chain(n: number) {
  const rows: {
    seq: number;
    entry: string;
    hash: string;
    prev_hash: string;
    type: string;
    actor: string;
    subject: string | null;
    at: Date;
  }[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
    const entry = canonicalJson({
      seq,
      at,
      type: 'batch.received',
      actor: 'system',
      subject: `batch:${seq}`,
      data: { n: seq },
      prevHash: prev,
    });
    const hash = sha256Hex(entry);
    rows.push({
      seq,
      entry,
      hash,
      prev_hash: prev,
      type: 'batch.received',
      actor: 'system',
      subject: `batch:${seq}`,
      at: new Date(at),
    });
    prev = hash;
  }
  return rows;
}

function verify(rows: ReturnType<typeof chain>, anchors?: Map<number, string>) {
  const v = new ChainVerifier(anchors);
  for (const r of rows) v.add(r);
  return v.finish();
}

describe('audit chain verification', () => {
  it('passes an intact chain and reports its head', () => {
    const rows = chain(50);
    const r = verify(rows);
    expect(r).toMatchObject({ ok: true, entries: 50, head: { seq: 50, hash: rows[49]!.hash } });
  });

  it('detects an altered entry', () => {
    const rows = chain(10);
    rows[4]!.entry = rows[4]!.entry.replace('"n":5', '"n":6');
    const r = verify(rows);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ seq: 5, problem: 'hash_mismatch' }));
  });

  it('detects an altered entry whose hash was recomputed (the next link breaks)', () => {
    const rows = chain(10);
    rows[4]!.entry = rows[4]!.entry.replace('"n":5', '"n":6');
    rows[4]!.hash = sha256Hex(rows[4]!.entry);
    const r = verify(rows);
    expect(r.problems).toContainEqual(expect.objectContaining({ seq: 6, problem: 'broken_link' }));
  });

  it('detects a removed entry', () => {
    const rows = chain(10);
    rows.splice(3, 1);
    const r = verify(rows);
    expect(r.problems.map((p) => p.problem)).toEqual(expect.arrayContaining(['sequence_gap', 'broken_link']));
  });

  it('detects reordered entries, with or without renumbering', () => {
    const rows = chain(10);
    const swapped = [...rows];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    expect(verify(swapped).ok).toBe(false);
    const renumbered = swapped.map((r, i) => ({ ...r, seq: i + 1 }));
    const r = verify(renumbered);
    expect(r.problems.map((p) => p.problem)).toEqual(
      expect.arrayContaining(['column_mismatch', 'broken_link']),
    );
  });

  it('detects a filter column changed behind the entry', () => {
    const rows = chain(5);
    rows[2]!.subject = 'batch:other';
    expect(verify(rows).problems).toContainEqual(
      expect.objectContaining({ seq: 3, problem: 'column_mismatch' }),
    );
  });

  it('detects truncation and a fully rewritten chain through the anchors receipts carry', () => {
    const rows = chain(10);
    const anchors = () => new Map([[9, rows[8]!.hash]]);
    expect(verify(rows, anchors()).ok).toBe(true);
    const truncated = verify(rows.slice(0, 7), anchors());
    expect(truncated.problems).toContainEqual(
      expect.objectContaining({ seq: 9, problem: 'anchor_mismatch' }),
    );
    // Rewrite entry 3 and recompute every hash after it: internally consistent, but the anchor differs.
    const forged = chain(10);
    let prev = forged[1]!.hash;
    for (let i = 2; i < forged.length; i++) {
      const body = JSON.parse(forged[i]!.entry);
      body.prevHash = prev;
      if (i === 2) body.data.n = 99;
      forged[i]!.entry = canonicalJson(body);
      forged[i]!.prev_hash = prev;
      forged[i]!.hash = sha256Hex(forged[i]!.entry);
      prev = forged[i]!.hash;
    }
    const r = verify(forged, anchors());
    expect(r.problems).toEqual([expect.objectContaining({ seq: 9, problem: 'anchor_mismatch' })]);
  });

  it('hashes exactly the stored entry text (sha256 hex)', () => {
    const [row] = chain(1);
    expect(row!.hash).toBe(createHash('sha256').update(row!.entry).digest('hex'));
  });
});

describe('rate-limit token buckets', () => {
  it('allows the limit at once, then one more per 60/limit seconds, with a Retry-After', () => {
    let t = 0;
    const b = new TokenBuckets(() => t);
    for (let i = 0; i < 60; i++) expect(b.take('k', 60).retryAfter).toBe(0);
    expect(b.take('k', 60).retryAfter).toBe(1);
    t += 1000;
    expect(b.take('k', 60).retryAfter).toBe(0);
    expect(b.take('k', 60).retryAfter).toBeGreaterThan(0);
    expect(b.take('other', 60).retryAfter).toBe(0);
  });

  it('tells a slow limit to wait long enough', () => {
    let t = 0;
    const b = new TokenBuckets(() => t);
    expect(b.take('k', 1).retryAfter).toBe(0);
    expect(b.take('k', 1).retryAfter).toBe(60);
    t += 30_000;
    expect(b.take('k', 1).retryAfter).toBe(30);
  });

  it('forgets idle callers', () => {
    let t = 0;
    const b = new TokenBuckets(() => t);
    for (let i = 0; i < 100; i++) b.take(`k${i}`, 10);
    t += 120_000;
    b.take('new', 10);
    expect(b.size).toBe(1);
  });
});
