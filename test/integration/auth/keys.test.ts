import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { ensureBootstrapKey } from '../../../src/auth/keys.js';
import { verifyAuditChain } from '../../../src/evidence/audit.js';
import { runRmdx } from '../../helpers/cli.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';

const db = await testDatabase();
const hub = await testHub(db, { redis: false });
const { app, keys } = hub;

const rmdx = (args: string[]) => runRmdx(args, { DATABASE_URL: db.url });

describe('API keys', () => {
  it('lets the secretariat issue a submitter key, shown once, that works at once and stops working when revoked', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(keys.secretariat),
      payload: { name: 'Burundi OBEM system', role: 'submitter', country: 'BI' },
    });
    expect(created.statusCode).toBe(201);
    const { key, apiKey } = created.json();
    expect(key).toMatch(/^rmdx_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ role: 'submitter', country: 'BI', revokedAt: null });
    const stored = await db.pool.query('SELECT key_hash FROM api_keys WHERE id = $1', [apiKey.id]);
    expect(stored.rows[0].key_hash).not.toContain(key);

    const list = (
      await app.inject({ method: 'GET', url: '/v1/keys', headers: bearer(keys.secretariat) })
    ).json();
    expect(JSON.stringify(list)).not.toContain(key);
    expect(list.items.find((k: { id: string }) => k.id === apiKey.id).prefix).toBe(key.slice(0, 11));

    expect((await app.inject({ method: 'GET', url: '/v1/batches', headers: bearer(key) })).statusCode).toBe(
      200,
    );
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/v1/keys/${apiKey.id}`,
      headers: bearer(keys.secretariat),
    });
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await app.inject({ method: 'GET', url: '/v1/batches', headers: bearer(key) });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('RMDX_ERR_UNAUTHENTICATED');
  });

  it('refuses bad key requests and other roles', async () => {
    const post = (key: string, payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/v1/keys', headers: bearer(key), payload });
    expect((await post(keys.secretariat, { name: 'x', role: 'submitter' })).json().code).toBe(
      'RMDX_ERR_BAD_REQUEST',
    );
    expect((await post(keys.secretariat, { name: 'x', role: 'submitter', country: 'FR' })).statusCode).toBe(
      400,
    );
    expect((await post(keys.secretariat, { name: 'x', role: 'auditor', country: 'RW' })).statusCode).toBe(
      400,
    );
    expect((await post(keys.secretariat, { name: 'x', role: 'king' })).statusCode).toBe(400);
    expect((await post(keys.RW, { name: 'x', role: 'secretariat' })).statusCode).toBe(403);
    expect((await post(keys.auditor, { name: 'x', role: 'secretariat' })).statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/keys', headers: bearer(keys.auditor) })).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/keys', headers: bearer(keys.RW) })).statusCode).toBe(
      403,
    );
    expect((await app.inject({ method: 'GET', url: '/v1/keys' })).statusCode).toBe(401);
    const malformed = await app.inject({
      method: 'GET',
      url: '/v1/keys',
      headers: { authorization: 'Bearer not-a-key' },
    });
    expect(malformed.statusCode).toBe(401);
  });

  it('issues keys from the command line, printing the key once', async () => {
    const res = await rmdx([
      'keys',
      'create',
      '--role',
      'submitter',
      '--country',
      'TZ',
      '--name',
      'Tanzania Mining Commission',
    ]);
    expect(res.code).toBe(0);
    const key = res.stdout.trim();
    expect(key).toMatch(/^rmdx_/);
    expect(res.stderr).toContain('shown only now');
    const who = await app.inject({ method: 'GET', url: '/v1/batches', headers: bearer(key) });
    expect(who.statusCode).toBe(200);
    const bad = await rmdx(['keys', 'create', '--role', 'submitter', '--country', 'XX', '--name', 'nobody']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/not a member state/);
  });

  it('writes a secretariat key on first start only, readable by its owner alone', async () => {
    const empty = await testDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-boot-'));
    const file = await ensureBootstrapKey(empty.pool, dir);
    expect(file).toBe(path.join(dir, 'secretariat.key'));
    expect((await stat(file!)).mode & 0o777).toBe(0o600);
    const key = (await readFile(file!, 'utf8')).trim();
    expect(key).toMatch(/^rmdx_/);
    const { rows } = await empty.pool.query(`SELECT id, role FROM api_keys`);
    expect(rows.map((r) => r.role)).toEqual(['secretariat']);
    expect(await ensureBootstrapKey(empty.pool, dir)).toBeUndefined();
    // Audited once, as issued by the system at boot, without the key itself.
    const audit = await empty.pool.query(`SELECT type, actor, subject, entry FROM audit_log`);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({
      type: 'key.issued',
      actor: 'system',
      subject: `key:${rows[0].id}`,
    });
    const entry = JSON.parse(audit.rows[0].entry);
    expect(entry.data).toMatchObject({ role: 'secretariat', country: null, bootstrap: true });
    expect(entry.data.prefix).toBe(key.slice(0, entry.data.prefix.length));
    expect(audit.rows[0].entry).not.toContain(key);
    expect((await verifyAuditChain(empty.pool)).ok).toBe(true);
  });
});
