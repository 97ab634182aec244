/**
 * Hostile input against the two routes that take documents, POST /v1/validate and POST /v1/batches:
 * every answer is below 500, every non-2xx is problem+json with an RMDX_ERR_ code, the process
 * keeps serving, nothing pollutes prototypes, and strings meant for SQL or HTML are stored verbatim.
 */
import { gzipSync } from 'node:zlib';

import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';

import { batchDoc, exportRecord, rng } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';

const db = await testDatabase();
const hub = await testHub(db, {
  redis: false,
  // Input handling is under test here, not load shedding (test/integration/security/limits.test.ts).
  config: {
    rateLimitPerMinute: 1_000_000,
    rateLimitAnonPerMinute: 1_000_000,
    submitRateLimitPerMinute: 1_000_000,
    maxEventLoopDelayMs: 600_000,
  },
});
const { app, keys } = hub;
let n = 0;

function send(
  url: '/v1/validate' | '/v1/batches',
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url,
    headers: {
      ...bearer(keys.RW),
      'content-type': 'application/json',
      ...(url === '/v1/batches' ? { 'idempotency-key': `hostile-${n++}` } : {}),
      ...headers,
    },
    payload: body,
  });
}

/** The contract for every answer: no 5xx; a refusal is problem+json with a stable code. */
function expectSane(res: LightMyRequestResponse, what: string) {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 300) {
    expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
    const p = res.json();
    expect(p.code, what).toMatch(/^RMDX_ERR_[A-Z_]+$/);
    expect(p.status).toBe(res.statusCode);
  }
}

async function both(body: string | Buffer, headers: Record<string, string> = {}, what = '') {
  const out: LightMyRequestResponse[] = [];
  for (const url of ['/v1/validate', '/v1/batches'] as const) {
    const res = await send(url, body, headers);
    expectSane(res, `${url} ${what}`);
    out.push(res);
  }
  return out;
}

const record = () => exportRecord({ country: 'RW', period: '2026-03', r: rng(n) }, n + 1);
const batchWith = (records: unknown[]) => batchDoc('RW', '2026-03', records as Record<string, unknown>[]);

describe('hostile input', () => {
  it('malformed JSON → 400 RMDX_ERR_BAD_JSON with a position', async () => {
    for (const body of ['{"records": [', '{"a":1,}', "{'a':1}", '[1,2', '{"a":"\\x"}', 'nul', '\u0000']) {
      const [v, b] = await both(body, {}, JSON.stringify(body));
      for (const res of [v!, b!]) {
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toMatch(/RMDX_ERR_(BAD_JSON|EMPTY_BODY|BAD_ENCODING)/);
      }
    }
  });

  it('truncated or fake gzip → 400 RMDX_ERR_BAD_ENCODING', async () => {
    const gz = gzipSync(JSON.stringify(batchWith([record()])));
    for (const body of [gz.subarray(0, gz.length - 10), gz.subarray(0, 12), Buffer.from('not gzip at all')]) {
      const [v, b] = await both(body, { 'content-encoding': 'gzip' }, 'gzip');
      expect(v!.json().code).toBe('RMDX_ERR_BAD_ENCODING');
      expect(b!.json().code).toBe('RMDX_ERR_BAD_ENCODING');
    }
  });

  it('a gzip bomb stops at the decoded-size limit → 413', async () => {
    const bomb = gzipSync(Buffer.alloc(300 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const [v] = await both(bomb, { 'content-encoding': 'gzip' }, 'bomb');
    expect(v!.statusCode).toBe(413);
  });

  it('invalid UTF-8 → 400 RMDX_ERR_BAD_ENCODING', async () => {
    const json = Buffer.from(JSON.stringify(batchWith([record()])));
    for (const bad of [
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0xed, 0xa0, 0x80]),
    ]) {
      const body = Buffer.concat([json.subarray(0, 40), bad, json.subarray(40)]);
      const [v, b] = await both(body, {}, 'utf8');
      expect(v!.json().code).toBe('RMDX_ERR_BAD_ENCODING');
      expect(b!.json().code).toBe('RMDX_ERR_BAD_ENCODING');
    }
  });

  it('1,000-deep (and 100,000-deep) nesting answers without crashing', async () => {
    for (const depth of [1000, 100_000]) {
      const arr = '['.repeat(depth) + ']'.repeat(depth);
      const obj = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      await both(arr, {}, `array ${depth}`);
      await both(obj, {}, `object ${depth}`);
      const r = { ...record(), remarks: 'x' } as Record<string, unknown>;
      const inRecord = JSON.stringify(batchWith([r])).replace('"remarks":"x"', `"remarks":${obj}`);
      await both(inRecord, {}, `in a record ${depth}`);
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('__proto__ and constructor.prototype keys are refused; nothing is polluted', async () => {
    const bodies = [
      '{"__proto__":{"polluted":true},"records":[]}',
      JSON.stringify(batchWith([record()])).replace(
        '"recordType"',
        '"__proto__":{"polluted":true},"recordType"',
      ),
      '{"constructor":{"prototype":{"polluted":true}},"records":[]}',
    ];
    for (const body of bodies) {
      const [v, b] = await both(body, {}, body.slice(0, 40));
      expect(v!.statusCode).toBe(400);
      expect(b!.statusCode).toBe(400);
    }
    // A plain "constructor" member is data like any other.
    await both(JSON.stringify({ ...batchWith([record()]), constructor: 'x' }), {}, 'constructor');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('a 10 MB string is refused or reported, never a crash', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    await both(JSON.stringify(batchWith([{ ...record(), exporterName: big }])), {}, '10 MB name');
    await both(JSON.stringify({ ...batchWith([record()]), submissionRef: big }), {}, '10 MB ref');
    await both(JSON.stringify(big), {}, '10 MB bare string');
  }, 60_000);

  it('NaN, Infinity and other non-JSON numbers → 400', async () => {
    for (const lit of ['NaN', 'Infinity', '-Infinity', '0x10', '01', '1.', '.5', '+1']) {
      const body = JSON.stringify(batchWith([{ ...record(), mass: 1 }])).replace('"mass":1', `"mass":${lit}`);
      const [v, b] = await both(body, {}, lit);
      expect(v!.statusCode).toBe(400);
      expect(b!.statusCode).toBe(400);
    }
    // Huge and tiny numbers are JSON; they must be judged, not crash anything.
    for (const lit of ['1e400', '-1e400', '1e-400', '123456789012345678901234567890']) {
      const body = JSON.stringify(batchWith([{ ...record(), mass: 1 }])).replace('"mass":1', `"mass":${lit}`);
      await both(body, {}, lit);
    }
  });

  it('numbers as strings are validation issues, not coerced', async () => {
    const body = JSON.stringify(batchWith([{ ...record(), mass: '1200', valueUsd: '5e3' }]));
    const v = await send('/v1/validate', body);
    expect(v.statusCode).toBe(200);
    expect(JSON.stringify(v.json())).toMatch(/mass/);
    const b = await send('/v1/batches', body);
    expect(b.statusCode).toBe(202);
    const done = await hub.waitForBatch(b.json().batchId);
    expect(done.counts.totals).toMatchObject({ received: 1, stored: 0, invalid: 1 });
  });

  it('duplicate JSON keys: answered sanely, and the body is kept byte for byte (the receipt hashes those bytes)', async () => {
    const body = JSON.stringify(batchWith([record()])).replace(
      '"period":"2026-03"',
      '"period":"2026-03","period":"2026-04"',
    );
    const [, b] = await both(body, {}, 'duplicate keys');
    if (b!.statusCode === 202) {
      const { rows } = await db.pool.query('SELECT body FROM batch_payloads WHERE batch_id = $1', [
        b!.json().batchId,
      ]);
      expect(rows[0].body.toString()).toBe(body);
      await hub.waitForBatch(b!.json().batchId);
    }
  });

  it('SQL and script strings are stored verbatim and served as escaped JSON, never as HTML', async () => {
    const evil = [
      `Robert'); DROP TABLE batches;--`,
      `<script>alert("x")</script>`,
      `' OR '1'='1`,
      `\\'; SELECT pg_sleep(10); --`,
      `</textarea><img src=x onerror=alert(1)>`,
    ];
    const records = evil.map((s, i) => ({
      ...exportRecord({ country: 'RW', period: '2026-05', r: rng(i) }, 900 + i),
      exporterName: s,
    }));
    const res = await send('/v1/batches', JSON.stringify(batchDoc('RW', '2026-05', records)));
    expect(res.statusCode).toBe(202);
    const done = await hub.waitForBatch(res.json().batchId);
    expect(done.status).toBe('completed');
    const { rows } = await db.pool.query(
      'SELECT exporter_name FROM exports WHERE batch_id = $1 ORDER BY export_id',
      [done.id],
    );
    expect(rows.map((r) => r.exporter_name).sort()).toEqual([...evil].sort());
    expect((await db.pool.query('SELECT count(*)::int AS n FROM batches')).rows[0].n).toBeGreaterThan(0);
    // Reported back (here through the validation report) as JSON, with nosniff: never rendered as HTML.
    const report = await send(
      '/v1/validate',
      JSON.stringify(
        batchDoc(
          'RW',
          '2026-05',
          records.map((r) => ({ ...r, exportId: r.exporterName })),
        ),
      ),
    );
    expectSane(report, 'evil ids');
    expect(report.headers['content-type']).toMatch(/^application\/json/);
    expect(report.headers['x-content-type-options']).toBe('nosniff');
  });

  it('huge arrays are refused or reported, never a crash', async () => {
    await both(
      JSON.stringify({ ...batchWith([]), records: Array.from({ length: 300_000 }, () => 0) }),
      {},
      '300k zeros',
    );
    for (const length of [5000, 5001])
      await both(
        JSON.stringify(batchWith([{ ...record(), lotNumbers: Array.from({ length }, (_, i) => `L${i}`) }])),
        {},
        `${length} lots`,
      );
    await both(`[${'1,'.repeat(2_000_000)}1]`, {}, '2M numbers');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 120_000);

  // ajv checks `uniqueItems` with a hash only when the item type is stated on `items` (else pairwise,
  // and with allErrors even past maxItems): the lists of the standard state it, so this stays linear.
  it('an array far past its maxItems is refused quickly (500k lot numbers)', async () => {
    const t0 = Date.now();
    await both(
      JSON.stringify(
        batchWith([{ ...record(), lotNumbers: Array.from({ length: 500_000 }, (_, i) => `L${i}`) }]),
      ),
      {},
      '500k lots',
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('wrong content types, encodings and empty bodies → 4xx problems', async () => {
    await both('', {}, 'empty');
    await both('   ', {}, 'blank');
    await both('{}', { 'content-type': 'text/html' }, 'html');
    await both('{}', { 'content-type': 'application/x-www-form-urlencoded' }, 'form');
    await both('{}', { 'content-encoding': 'br' }, 'br');
    await both('{}', { 'content-encoding': 'gzip, gzip' }, 'double gzip');
  });
});
