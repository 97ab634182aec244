import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { Evidence } from '../../../src/evidence/index.js';
import { verifyReceipt, type SignedReceipt } from '../../../src/evidence/receipts.js';
import { batchDoc, mixedRecords, rng } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const db = await testDatabase();
const hub = await testHub(db, { redis: false });
const { app, keys } = hub;
const tmp = await mkdtemp(path.join(os.tmpdir(), 'rmdx-receipts-'));

function post(key: string, body: string | Buffer, idem: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/batches',
    headers: { ...bearer(key), 'idempotency-key': idem, 'content-type': 'application/json', ...headers },
    payload: body,
  });
}

async function jwks() {
  const res = await app.inject({ method: 'GET', url: '/v1/receipt-keys' });
  expect(res.statusCode).toBe(200);
  return res.json() as { keys: { kid: string; status: string; d?: string }[] };
}

/**
 * The completion receipt is signed just after the batch's final status commits (a hook of the same
 * process; a crash in between is repaired by the backfill at the next start): wait for it.
 */
async function waitForReceipts(batchId: string, n = 2) {
  await expect
    .poll(async () => (await receiptsOf(batchId, keys.auditor)).length, { timeout: 10_000 })
    .toBe(n);
}

async function receiptsOf(batchId: string, key = keys.RW): Promise<SignedReceipt[]> {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/batches/${batchId}/receipts`,
    headers: bearer(key),
  });
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

/** Runs the real `rmdx` command (no database needed for `receipts verify`). */
function rmdx(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

const doc = (period: string, n: number, seed: number) =>
  batchDoc('RW', period, mixedRecords({ country: 'RW', period, r: rng(seed) }, n));

describe('signed receipts', () => {
  it('answers a new batch with a signed acceptance receipt, and signs a completion receipt when it finishes', async () => {
    const body = JSON.stringify(doc('2026-01', 300, 1));
    const res = await post(keys.RW, body, 'receipt-1');
    expect(res.statusCode).toBe(202);
    const { batchId, receipt, links } = res.json();
    expect(links.receipts).toBe(`/v1/batches/${batchId}/receipts`);
    const set = await jwks();
    expect(verifyReceipt(receipt, set)).toMatchObject({ ok: true, keyStatus: 'active' });
    expect(receipt.payload).toMatchObject({
      type: 'rmdx.receipt',
      kind: 'accepted',
      batchId,
      reportingCountry: 'RW',
      period: '2026-01',
      body: { sha256: createHash('sha256').update(body).digest('hex'), bytes: Buffer.byteLength(body) },
      counts: { records: 300 },
    });
    expect(receipt.payload.timestamps.receivedAt).toMatch(/Z$/);

    const done = await hub.waitForBatch(batchId);
    expect(done.status).toBe('completed');
    await waitForReceipts(batchId);
    const all = await receiptsOf(batchId);
    expect(all.map((r) => r.payload.kind)).toEqual(['accepted', 'completed']);
    const completed = all[1]!;
    expect(verifyReceipt(completed, set).ok).toBe(true);
    expect(completed.payload).toMatchObject({
      status: 'completed',
      counts: { records: 300, totals: { received: 300, stored: 300, invalid: 0 } },
    });
    expect(completed.payload.timestamps.finishedAt).toBe(done.finished_at!.toISOString());
    // The audit entries the receipts pin exist with those hashes.
    for (const r of all) {
      const { rows } = await db.pool.query('SELECT hash, type FROM audit_log WHERE seq = $1', [
        r.payload.audit.seq,
      ]);
      expect(rows[0].hash).toBe(r.payload.audit.hash);
      expect(rows[0].type).toBe(r.payload.kind === 'accepted' ? 'batch.received' : 'batch.finished');
    }
  });

  it('hashes a gzip body as received (and the JSON text separately)', async () => {
    const text = JSON.stringify(doc('2026-02', 20, 2));
    const gz = gzipSync(text);
    const res = await post(keys.RW, gz, 'receipt-gzip', { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(202);
    const { payload } = res.json().receipt;
    expect(payload.body.sha256).toBe(createHash('sha256').update(gz).digest('hex'));
    expect(payload.body.contentSha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(payload.body.contentEncoding).toBe('gzip');
    await hub.waitForBatch(res.json().batchId);
  });

  it('issues no second acceptance receipt for a retried post; the retry finds the first one', async () => {
    const body = JSON.stringify(doc('2026-03', 10, 3));
    const first = (await post(keys.RW, body, 'receipt-retry')).json();
    const again = await post(keys.RW, body, 'receipt-retry');
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ batchId: first.batchId, replayed: true });
    expect(again.json().receipt).toBeUndefined();
    await hub.waitForBatch(first.batchId);
    await waitForReceipts(first.batchId);
    const all = await receiptsOf(first.batchId);
    expect(all.filter((r) => r.payload.kind === 'accepted')).toEqual([first.receipt]);
  });

  it('keeps receipts of a batch from other countries', async () => {
    const res = await post(keys.RW, JSON.stringify(doc('2026-04', 5, 4)), 'receipt-private');
    const { batchId } = res.json();
    const cd = await app.inject({
      method: 'GET',
      url: `/v1/batches/${batchId}/receipts`,
      headers: bearer(keys.CD),
    });
    expect(cd.statusCode).toBe(404);
    const anon = await app.inject({ method: 'GET', url: `/v1/batches/${batchId}/receipts` });
    expect(anon.statusCode).toBe(401);
    await hub.waitForBatch(batchId);
    await waitForReceipts(batchId);
  });

  it('publishes public keys only, and stores the private key sealed', async () => {
    const set = await jwks();
    expect(set.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of set.keys) expect(k).not.toHaveProperty('d');
    const { rows } = await db.pool.query('SELECT private_enc, kek_id FROM receipt_signing_keys');
    for (const r of rows) {
      // A PKCS#8 Ed25519 key in clear starts with this DER prefix; the sealed blob must not contain it.
      expect(r.private_enc.includes(Buffer.from('302e020100300506032b6570', 'hex'))).toBe(false);
      expect(r.kek_id).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('verifies offline with `rmdx receipts verify`, and exits 1 on a forged receipt, 2 on bad usage', async () => {
    const res = await post(keys.RW, JSON.stringify(doc('2026-05', 5, 5)), 'receipt-cli');
    const answer = res.json();
    await hub.waitForBatch(answer.batchId);
    await waitForReceipts(answer.batchId);
    const keysFile = path.join(tmp, 'jwks.json');
    await writeFile(keysFile, JSON.stringify(await jwks()));
    const one = path.join(tmp, 'receipt.json');
    await writeFile(one, JSON.stringify(answer.receipt, null, 2));
    const ok = rmdx(['receipts', 'verify', one, '--keys', keysFile]);
    expect(ok.out).toMatch(/^valid +accepted receipt of batch/m);
    expect(ok.code).toBe(0);

    const list = path.join(tmp, 'receipts.json');
    await writeFile(
      list,
      JSON.stringify({ batchId: answer.batchId, items: await receiptsOf(answer.batchId) }),
    );
    const both = rmdx(['receipts', 'verify', list, '--keys', keysFile, '--json']);
    expect(both.code).toBe(0);
    expect(JSON.parse(both.out).results).toHaveLength(2);

    const forged = structuredClone(answer.receipt);
    forged.payload.counts.records = 6;
    const bad = path.join(tmp, 'forged.json');
    await writeFile(bad, JSON.stringify(forged));
    const no = rmdx(['receipts', 'verify', bad, '--keys', keysFile]);
    expect(no.out).toMatch(/INVALID/);
    expect(no.code).toBe(1);
    expect(rmdx(['receipts', 'verify', one]).code).toBe(2);
    expect(rmdx(['receipts', 'verify', path.join(tmp, 'missing.json'), '--keys', keysFile]).code).toBe(2);
  });

  it('rotates the signing key: new receipts use the new key, old ones still verify', async () => {
    const before = (await post(keys.RW, JSON.stringify(doc('2026-06', 5, 6)), 'receipt-rot-1')).json();
    await hub.waitForBatch(before.batchId);
    const { previous, current } = await app.evidence.rotateKey(db.pool, 'test');
    expect(previous).toBe(before.receipt.kid);
    const after = (await post(keys.RW, JSON.stringify(doc('2026-07', 5, 7)), 'receipt-rot-2')).json();
    expect(after.receipt.kid).toBe(current);
    const set = await jwks();
    expect(set.keys.map((k) => [k.kid, k.status])).toEqual(
      expect.arrayContaining([
        [current, 'active'],
        [previous, 'retired'],
      ]),
    );
    expect(set.keys[0]!.kid).toBe(current);
    expect(verifyReceipt(before.receipt, set)).toMatchObject({ ok: true, keyStatus: 'retired' });
    expect(verifyReceipt(after.receipt, set)).toMatchObject({ ok: true, keyStatus: 'active' });
    const { rows } = await db.pool.query(
      `SELECT data FROM (SELECT entry::jsonb -> 'data' AS data, type FROM audit_log) e WHERE type = 'receipt_key.rotated'`,
    );
    expect(rows[0].data).toMatchObject({ previous, current });
    await hub.waitForBatch(after.batchId);
  });

  it('rotates and lists keys from the command line too (`rmdx receipts rotate-key`, `rmdx receipts keys`)', async () => {
    const before = (await jwks()).keys.length;
    const rotated = rmdx(['receipts', 'rotate-key'], { DATABASE_URL: db.url });
    expect(rotated.out).toMatch(/^active key \S+ \(retired \S+; still published\)/m);
    expect(rotated.code).toBe(0);
    const listed = rmdx(['receipts', 'keys'], { DATABASE_URL: db.url });
    expect(listed.code).toBe(0);
    const set = JSON.parse(listed.out) as { keys: { status: string; d?: string }[] };
    expect(set.keys).toHaveLength(before + 1);
    expect(set.keys.filter((k) => k.status === 'active')).toHaveLength(1);
    expect(listed.out).not.toMatch(/"d"/);
  });

  it('refuses to sign with a different KEK, naming the mismatch and nothing secret', async () => {
    const other = new Evidence({
      kek: Buffer.alloc(32, 9).toString('base64'),
      kekFile: '/nonexistent',
      issuer: 'http://x',
    });
    const err = await other.init(db.pool).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/sealed with KEK [0-9a-f]{16}.*RMDX_RECEIPT_KEK/);
    expect(err?.message).not.toContain(Buffer.alloc(32, 9).toString('base64'));
  });
});
