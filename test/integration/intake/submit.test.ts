import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { batchDoc, exportRecord, importRecord, mixedRecords, rng } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';
import { storedVersions } from '../records/versions.js';

const db = await testDatabase();
const hub = await testHub(db);
const { app, keys } = hub;
// The same hub with small body limits (RMDX_BODY_LIMIT_MB, RMDX_DECODED_BODY_LIMIT_MB), to test the 413s.
const small = await testHub(db, { config: { bodyLimitBytes: 64 * 1024, decodedBodyLimitBytes: 256 * 1024 } });

function post(key: string, body: unknown, idem: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/batches',
    headers: { ...bearer(key), 'idempotency-key': idem, 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

const ctx = (country: string, period = '2026-03', seed = 1) => ({ country, period, r: rng(seed) });

describe('submitting a batch', () => {
  it('stores a valid batch, processes it and reports exact counts', async () => {
    const records = mixedRecords(ctx('RW'), 1200);
    const res = await post(keys.RW, batchDoc('RW', '2026-03', records), 'rw-2026-03-a');
    expect(res.statusCode).toBe(202);
    const { batchId, links } = res.json();
    expect(res.headers.location).toBe(`/v1/batches/${batchId}`);
    expect(links.self).toBe(`/v1/batches/${batchId}`);
    const done = await hub.waitForBatch(batchId);
    expect(done.status).toBe('completed');
    expect(done.counts.totals).toMatchObject({ received: 1200, stored: 1200, invalid: 0 });
    const view = (
      await app.inject({ method: 'GET', url: `/v1/batches/${batchId}`, headers: bearer(keys.RW) })
    ).json();
    expect(view.progress).toMatchObject({ recordsDone: 1200, recordTotal: 1200, percent: 100 });
    expect(view.counts.byType.export.stored).toBe(records.filter((r) => r.recordType === 'export').length);
    expect(view.stageTimings.prepareMs).toBeGreaterThanOrEqual(0);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM exports WHERE batch_id = $1`, [
      batchId,
    ]);
    expect(rows[0].n).toBe(records.filter((r) => r.recordType === 'export').length);
  });

  it('keeps the body exactly as received with its sha256', async () => {
    const body = JSON.stringify(batchDoc('RW', '2026-04', [exportRecord(ctx('RW', '2026-04'), 1)]));
    const res = await post(keys.RW, body, 'rw-sha');
    const { batchId, sha256 } = res.json();
    const { createHash } = await import('node:crypto');
    expect(sha256).toBe(createHash('sha256').update(body).digest('hex'));
    const { rows } = await db.pool.query('SELECT body FROM batch_payloads WHERE batch_id = $1', [batchId]);
    expect(rows[0].body.toString()).toBe(body);
    await hub.waitForBatch(batchId);
  });

  it('yields one batch for the same Idempotency-Key posted 20 times at once, and 409 for another body', async () => {
    const body = batchDoc('RW', '2026-05', mixedRecords(ctx('RW', '2026-05', 7), 50));
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(keys.RW, body, 'rw-2026-05-once')),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(202));
    const ids = new Set(answers.map((a) => a.json().batchId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.json().replayed === false)).toHaveLength(1);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM batches WHERE idempotency_key = 'rw-2026-05-once'`,
    );
    expect(rows[0].n).toBe(1);

    const other = await post(
      keys.RW,
      batchDoc('RW', '2026-05', mixedRecords(ctx('RW', '2026-05', 8), 50)),
      'rw-2026-05-once',
    );
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'RMDX_ERR_IDEMPOTENCY_CONFLICT', batchId: [...ids][0] });
    await hub.waitForBatch([...ids][0]!);
  });

  it('accepts a gzip body and refuses a truncated one', async () => {
    const body = Buffer.from(
      JSON.stringify(batchDoc('RW', '2026-06', [exportRecord(ctx('RW', '2026-06'), 2)])),
    );
    const gz = gzipSync(body);
    const ok = await post(keys.RW, gz, 'rw-gz', { 'content-encoding': 'gzip' });
    expect(ok.statusCode).toBe(202);
    expect((await hub.waitForBatch(ok.json().batchId)).status).toBe('completed');
    const bad = await post(keys.RW, gz.subarray(0, gz.length - 10), 'rw-gz-bad', {
      'content-encoding': 'gzip',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('RMDX_ERR_BAD_ENCODING');
  });

  it('needs an Idempotency-Key, a valid key, and a country the key may submit for', async () => {
    const body = batchDoc('RW', '2026-06', [exportRecord(ctx('RW', '2026-06'), 3)]);
    const noKey = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: bearer(keys.RW),
      payload: body,
    });
    expect(noKey.json().code).toBe('RMDX_ERR_IDEMPOTENCY_KEY_REQUIRED');
    expect((await post(keys.revoked, body, 'x1')).statusCode).toBe(401);
    const anon = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { 'idempotency-key': 'x' },
      payload: body,
    });
    expect(anon.statusCode).toBe(401);
    expect((await post(keys.auditor, body, 'x2')).statusCode).toBe(403);
    const cdForRw = await post(keys.CD, body, 'x3');
    expect(cdForRw.statusCode).toBe(403);
    expect(cdForRw.json().code).toBe('RMDX_ERR_FORBIDDEN');
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM batches WHERE idempotency_key IN ('x1','x2','x3')`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('refuses a batch whose envelope is invalid with the issues, storing nothing', async () => {
    const res = await post(
      keys.RW,
      { schemaVersion: '1.0.0', reportingCountry: 'RW', period: '2026-13', records: [] },
      'bad-env',
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('RMDX_ERR_INVALID_BATCH');
    expect(res.json().issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['/period']),
    );
    const unknown = await post(
      keys.RW,
      { schemaVersion: '9.9.9', reportingCountry: 'RW', period: '2026-01', records: [{}] },
      'bad-ver',
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe('RMDX_ERR_UNKNOWN_SCHEMA_VERSION');
  });

  it('answers envelope members of the wrong JSON type with a 4xx, objects that String() cannot print included', async () => {
    // Found by the fuzz test: String({ toString: false }) throws.
    for (const [i, member] of [
      { toString: false },
      { valueOf: 1, toString: [] },
      [1, 2],
      7,
      true,
    ].entries()) {
      for (const field of ['reportingCountry', 'period']) {
        const doc = { schemaVersion: '1.0.0', reportingCountry: 'RW', period: '2026-03', records: [] };
        const res = await post(keys.RW, { ...doc, [field]: member }, `odd-${field}-${i}`);
        expect(res.statusCode, `${field} = ${JSON.stringify(member)}: ${res.body}`).toBeGreaterThanOrEqual(
          400,
        );
        expect(res.statusCode).toBeLessThan(500);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    }
  });

  it('refuses a body over the limit, or gzip that decodes past it, with 413 and stores nothing', async () => {
    const send = (body: Buffer, idem: string, headers: Record<string, string> = {}) =>
      small.app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: {
          ...bearer(small.keys.RW),
          'idempotency-key': idem,
          'content-type': 'application/json',
          ...headers,
        },
        payload: body,
      });
    const batchesNamed = async (idem: string) =>
      (await db.pool.query('SELECT count(*)::int AS n FROM batches WHERE idempotency_key = $1', [idem]))
        .rows[0].n;
    const big = Buffer.from(
      JSON.stringify(batchDoc('RW', '2026-10', mixedRecords(ctx('RW', '2026-10', 3), 1000))),
    );
    expect(big.length).toBeGreaterThan(256 * 1024);

    const plain = await send(big, 'too-big-plain');
    expect(plain.statusCode).toBe(413);
    expect(plain.json()).toMatchObject({ code: 'RMDX_ERR_BODY_TOO_LARGE' });
    const gz = gzipSync(big);
    expect(gz.length).toBeLessThan(64 * 1024);
    const inflated = await send(gz, 'too-big-gzip', { 'content-encoding': 'gzip' });
    expect(inflated.statusCode).toBe(413);
    expect(inflated.json()).toMatchObject({ code: 'RMDX_ERR_BODY_TOO_LARGE' });
    expect(await batchesNamed('too-big-plain')).toBe(0);
    expect(await batchesNamed('too-big-gzip')).toBe(0);

    // Under both limits, the same hub takes it.
    const fits = Buffer.from(
      JSON.stringify(batchDoc('RW', '2026-10', mixedRecords(ctx('RW', '2026-10', 3), 20))),
    );
    const ok = await send(fits, 'fits');
    expect(ok.statusCode).toBe(202);
    expect((await small.waitForBatch(ok.json().batchId)).status).toBe('completed');
  });
});

describe('acceptance policy', () => {
  function withInvalid(country: string, period: string, n: number) {
    const records = mixedRecords(ctx(country, period, 3), n);
    const broken: number[] = [];
    for (let i = 5; i < n; i += 10) {
      delete records[i]![Object.keys(records[i]!).find((k) => k.endsWith('Id') || k === 'lotNumber')!];
      broken.push(i);
    }
    return { records, broken };
  }

  it('partial: keeps every valid record and reports every invalid one with pointer and code', async () => {
    const { records, broken } = withInvalid('RW', '2026-07', 1000);
    const res = await post(keys.RW, batchDoc('RW', '2026-07', records), 'rw-partial');
    const done = await hub.waitForBatch(res.json().batchId);
    expect(done.status).toBe('completed_with_errors');
    expect(done.counts.totals).toMatchObject({ received: 1000, stored: 900, invalid: 100 });
    const stored = await db.pool.query(
      `SELECT (SELECT count(*) FROM exports WHERE batch_id = $1) + (SELECT count(*) FROM imports WHERE batch_id = $1)
            + (SELECT count(*) FROM lots WHERE batch_id = $1) + (SELECT count(*) FROM custody_transfers WHERE batch_id = $1)
            + (SELECT count(*) FROM mine_sites WHERE batch_id = $1) AS n`,
      [done.id],
    );
    expect(Number(stored.rows[0].n)).toBe(900);
    const issues = [];
    let cursor: number | null | undefined;
    do {
      const page = (
        await app.inject({
          method: 'GET',
          url: `/v1/batches/${done.id}/issues?limit=40${cursor ? `&cursor=${cursor}` : ''}`,
          headers: bearer(keys.RW),
        })
      ).json();
      issues.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const errors = issues.filter((i) => i.severity === 'error');
    expect(new Set(errors.map((i) => i.recordIndex))).toEqual(new Set(broken));
    for (const e of errors) {
      expect(e.code).toBe('RMDX_VAL_REQUIRED');
      expect(e.path).toMatch(new RegExp(`^/records/${e.recordIndex}/`));
      expect(e.message.length).toBeGreaterThan(10);
      expect(e.messageFr.length).toBeGreaterThan(10);
    }
    const csv = await app.inject({
      method: 'GET',
      url: `/v1/batches/${done.id}/issues?format=csv&severity=error`,
      headers: bearer(keys.RW),
    });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('recordIndex,recordType,key,path,code,severity,message,messageFr');
    expect(lines).toHaveLength(101);
  });

  it('all-or-nothing: any invalid record rejects the batch and stores nothing', async () => {
    const { records } = withInvalid('UG', '2026-07', 200);
    const res = await post(
      keys.UG,
      batchDoc('UG', '2026-07', records, { acceptance: 'all-or-nothing' }),
      'ug-aon',
    );
    const done = await hub.waitForBatch(res.json().batchId);
    expect(done.status).toBe('rejected');
    expect(done.counts.totals).toMatchObject({ received: 200, stored: 0, invalid: 20, rejected: 180 });
    expect(await storedVersions(db.pool, done.id)).toEqual({ n: 0, d: 0 });
  });
});

describe('reading back across countries', () => {
  it('shows a submitter its own batches only', async () => {
    const rw = await post(
      keys.RW,
      batchDoc('RW', '2026-08', [importRecord(ctx('RW', '2026-08'), 1)]),
      'rw-read',
    );
    const rwId = rw.json().batchId;
    await hub.waitForBatch(rwId);
    expect(
      (await app.inject({ method: 'GET', url: `/v1/batches/${rwId}`, headers: bearer(keys.CD) })).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: `/v1/batches/${rwId}/issues`, headers: bearer(keys.CD) }))
        .statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/batches?country=RW', headers: bearer(keys.CD) }))
        .statusCode,
    ).toBe(403);
    const cdList = (await app.inject({ method: 'GET', url: '/v1/batches', headers: bearer(keys.CD) })).json();
    expect(cdList.items.every((b: { reportingCountry: string }) => b.reportingCountry === 'CD')).toBe(true);
    const all = (
      await app.inject({
        method: 'GET',
        url: '/v1/batches?country=RW&limit=500',
        headers: bearer(keys.auditor),
      })
    ).json();
    expect(all.items.some((b: { batchId: string }) => b.batchId === rwId)).toBe(true);
    expect(
      (await app.inject({ method: 'GET', url: `/v1/batches/${rwId}`, headers: bearer(keys.secretariat) }))
        .statusCode,
    ).toBe(200);
  });
});
