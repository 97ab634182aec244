import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { appendAudit, verifyAuditChain } from '../../../src/evidence/audit.js';
import { withTransaction } from '../../../src/db/pool.js';
import { batchDoc, mixedRecords, rng } from '../../fixtures/factory.js';
import { testDatabase, type TestDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const db = await testDatabase();
const hub = await testHub(db, { redis: false });
const { app, keys } = hub;

function rmdx(args: string[], database: TestDatabase) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: database.url },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

async function audit(query = '', key = keys.auditor) {
  return app.inject({ method: 'GET', url: `/v1/audit${query}`, headers: bearer(key) });
}

describe('the audit chain', () => {
  it('records keys issued and revoked, by whom, without the key itself', async () => {
    const issued = await app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(keys.secretariat),
      payload: { name: 'Burundi system', role: 'submitter', country: 'BI' },
    });
    expect(issued.statusCode).toBe(201);
    const { key, apiKey } = issued.json();
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/v1/keys/${apiKey.id}`,
      headers: bearer(keys.secretariat),
    });
    expect(revoked.statusCode).toBe(200);
    // Revoking again changes nothing and records nothing.
    await app.inject({ method: 'DELETE', url: `/v1/keys/${apiKey.id}`, headers: bearer(keys.secretariat) });

    const res = await audit(`?subject=key:${apiKey.id}`);
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((e: { type: string }) => e.type)).toEqual(['key.issued', 'key.revoked']);
    expect(items[0].actor).toMatch(/^key:[0-9a-f-]{36}$/);
    expect(items[0].data).toMatchObject({ role: 'submitter', country: 'BI', name: 'Burundi system' });
    expect(JSON.stringify(res.json())).not.toContain(key);
  });

  it('records batches received and finished, pinned by their receipts', async () => {
    const doc = batchDoc('CD', '2026-02', mixedRecords({ country: 'CD', period: '2026-02', r: rng(3) }, 50));
    const res = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(keys.CD), 'idempotency-key': 'audit-1', 'content-type': 'application/json' },
      payload: JSON.stringify(doc),
    });
    const { batchId } = res.json();
    await hub.waitForBatch(batchId);
    await expect.poll(async () => (await audit(`?subject=batch:${batchId}`)).json().items.length).toBe(2);
    const items = (await audit(`?subject=batch:${batchId}`)).json().items;
    expect(items.map((e: { type: string }) => e.type)).toEqual(['batch.received', 'batch.finished']);
    expect(items[1].data).toMatchObject({ status: 'completed', totals: { received: 50 } });
  });

  it('serves pages, filters and the head; only to the secretariat and auditors', async () => {
    for (let i = 0; i < 7; i++)
      await appendAudit(db.pool, { type: 'test.page', actor: 'test', subject: `thing:${i}`, data: { i } });
    const first = (await audit('?type=test&limit=3')).json();
    expect(first.items.map((e: { data: { i: number } }) => e.data.i)).toEqual([0, 1, 2]);
    const second = (await audit(`?type=test&limit=3&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((e: { data: { i: number } }) => e.data.i)).toEqual([3, 4, 5]);
    expect(first.head.seq).toBeGreaterThanOrEqual(second.items[2].seq);
    expect((await audit('?actor=test&subject=thing:6')).json().items).toHaveLength(1);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await audit(`?from=${encodeURIComponent(future)}`)).json().items).toHaveLength(0);
    expect((await audit('?type=Not%20A%20Type')).statusCode).toBe(400);
    expect((await audit('', keys.secretariat)).statusCode).toBe(200);
    expect((await audit('', keys.RW)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/audit' })).statusCode).toBe(401);
    expect((await audit('', keys.revoked)).statusCode).toBe(401);
  });

  it('rolls back with the change it records', async () => {
    const before = (await verifyAuditChain(db.pool)).entries;
    await expect(
      withTransaction(db.pool, async (c) => {
        await appendAudit(c, { type: 'test.rollback', actor: 'test' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await verifyAuditChain(db.pool)).entries).toBe(before);
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        appendAudit(db.pool, { type: 'test.concurrent', actor: 'test', data: { i } }),
      ),
    );
    const report = await verifyAuditChain(db.pool);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(db.pool.query(`UPDATE audit_log SET actor = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.pool.query(`DELETE FROM audit_log WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`DELETE FROM receipts`)).rejects.toThrow(/append-only/);
  });

  it('`rmdx audit verify` and GET /v1/audit/verify pass an intact chain; export + --file verifies too', async () => {
    const ok = rmdx(['audit', 'verify'], db);
    expect(ok.out).toMatch(/audit chain intact: \d+ entries/);
    expect(ok.code).toBe(0);
    const api = await audit('/verify');
    expect(api.json()).toMatchObject({ ok: true, problems: [] });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-audit-'));
    const file = path.join(dir, 'audit.jsonl');
    expect(rmdx(['audit', 'export', '--out', file], db).code).toBe(0);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.length).toBe(api.json().entries);
    expect(rmdx(['audit', 'verify', '--file', file], db).code).toBe(0);
  });
});

describe('tampering with the audit chain (someone who got past the triggers)', () => {
  /** A fresh database with a chain of 12 entries, some pinned by receipts, and the triggers off. */
  async function tamperable() {
    const d = await testDatabase();
    const h = await testHub(d, { redis: false });
    for (let i = 0; i < 3; i++) {
      const doc = batchDoc(
        'UG',
        `2026-0${i + 1}`,
        mixedRecords({ country: 'UG', period: `2026-0${i + 1}`, r: rng(i) }, 5),
      );
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: { ...bearer(h.keys.UG), 'idempotency-key': `t-${i}`, 'content-type': 'application/json' },
        payload: JSON.stringify(doc),
      });
      await h.waitForBatch(res.json().batchId);
    }
    for (let i = 0; i < 4; i++)
      await appendAudit(d.pool, { type: 'test.filler', actor: 'test', data: { i } });
    await expect.poll(async () => (await verifyAuditChain(d.pool)).entries).toBeGreaterThanOrEqual(11);
    expect((await verifyAuditChain(d.pool)).ok).toBe(true);
    await d.pool.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    return d;
  }

  it('detects an altered entry, with exit code 1 from the CLI', async () => {
    const d = await tamperable();
    await d.pool.query(
      `UPDATE audit_log SET entry = replace(entry, '"i":1', '"i":7') WHERE type = 'test.filler'`,
    );
    const report = await verifyAuditChain(d.pool);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.problem)).toContain('hash_mismatch');
    const cli = rmdx(['audit', 'verify'], d);
    expect(cli.out).toMatch(/BROKEN/);
    expect(cli.code).toBe(1);
  });

  it('detects a removed entry', async () => {
    const d = await tamperable();
    await d.pool.query(`DELETE FROM audit_log WHERE seq = 5`);
    const report = await verifyAuditChain(d.pool);
    expect(report.problems).toContainEqual(expect.objectContaining({ seq: 6, problem: 'sequence_gap' }));
    expect(report.problems).toContainEqual(expect.objectContaining({ seq: 6, problem: 'broken_link' }));
  });

  it('detects reordered entries', async () => {
    const d = await tamperable();
    // Swap the positions of entries 3 and 4.
    await d.pool.query(`UPDATE audit_log SET seq = 1000003 WHERE seq = 3`);
    await d.pool.query(`UPDATE audit_log SET seq = 3 WHERE seq = 4`);
    await d.pool.query(`UPDATE audit_log SET seq = 4 WHERE seq = 1000003`);
    const report = await verifyAuditChain(d.pool);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.problem)).toEqual(
      expect.arrayContaining(['column_mismatch', 'broken_link']),
    );
  });

  it('detects a truncated chain through the receipts that pin it', async () => {
    const d = await tamperable();
    const { rows } = await d.pool.query(
      `SELECT max((payload::jsonb #>> '{audit,seq}')::int) AS m FROM receipts`,
    );
    await d.pool.query(`DELETE FROM audit_log WHERE seq >= $1`, [rows[0].m]);
    const report = await verifyAuditChain(d.pool);
    expect(report.problems).toContainEqual(
      expect.objectContaining({ seq: rows[0].m, problem: 'anchor_mismatch' }),
    );
  });
});
