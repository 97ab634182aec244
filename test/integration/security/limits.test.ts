/** The limits of docs/limits.md: rate limits, load shedding, time limits, headers and CORS. */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';

import type { Config } from '../../../src/config.js';
import { batchDoc, exportRecord, rng } from '../../fixtures/factory.js';
import { testApp, testConfig } from '../../helpers/app.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, issueTestKeys } from '../../helpers/hub.js';

const db = await testDatabase();
const keys = await issueTestKeys(db);

async function appWith(config: Partial<Config>, extra?: (app: FastifyInstance) => void) {
  const app = await testApp(db, { config: testConfig({ databaseUrl: db.url, ...config }) });
  extra?.(app);
  return app;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limits', () => {
  it('gives each key its own budget: 429 with Retry-After and a problem, other keys unaffected', async () => {
    const app = await appWith({ rateLimitPerMinute: 5 });
    const get = (key: string) => app.inject({ method: 'GET', url: '/v1/batches', headers: bearer(key) });
    for (let i = 0; i < 5; i++) {
      const ok = await get(keys.RW);
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['ratelimit-limit']).toBe('5');
    }
    const limited = await get(keys.RW);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({ code: 'RMDX_ERR_RATE_LIMITED', retryAfter: 12 });
    expect(limited.headers['retry-after']).toBe('12');
    expect((await get(keys.CD)).statusCode).toBe(200);
  });

  it('limits callers without a key per address, and never the health probes', async () => {
    const app = await appWith({ rateLimitAnonPerMinute: 3 });
    for (let i = 0; i < 3; i++)
      expect((await app.inject({ method: 'GET', url: '/v1/schemas' })).statusCode).toBe(200);
    const limited = await app.inject({ method: 'GET', url: '/v1/schemas' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // Another address has its own budget.
    expect(
      (await app.inject({ method: 'GET', url: '/v1/schemas', remoteAddress: '10.9.8.7' })).statusCode,
    ).toBe(200);
  });

  it('has a tighter budget for batch submissions, checked before the body is read', async () => {
    const app = await appWith({ submitRateLimitPerMinute: 2 });
    const post = (i: number) =>
      app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: { ...bearer(keys.UG), 'idempotency-key': `limit-${i}`, 'content-type': 'application/json' },
        payload: JSON.stringify(
          batchDoc('UG', '2026-01', [exportRecord({ country: 'UG', period: '2026-01', r: rng(i) }, i)]),
        ),
      });
    expect((await post(1)).statusCode).toBe(202);
    expect((await post(2)).statusCode).toBe(202);
    const third = await post(3);
    expect(third.statusCode).toBe(429);
    expect(third.json().detail).toMatch(/batch submissions/);
    // Reads by the same key still pass.
    expect(
      (await app.inject({ method: 'GET', url: '/v1/batches', headers: bearer(keys.UG) })).statusCode,
    ).toBe(200);
  });
});

describe('load shedding and time limits', () => {
  it('sheds requests beyond the in-flight limit with 503 + Retry-After, then recovers', async () => {
    const app = await appWith({ maxInFlight: 2 }, (a) =>
      a.get('/test/slow', { schema: { hide: true } }, async () => {
        await sleep(300);
        return { ok: true };
      }),
    );
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => app.inject({ method: 'GET', url: '/test/slow' })),
    );
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes).toEqual([200, 200, 503, 503, 503, 503]);
    const shed = answers.find((a) => a.statusCode === 503)!;
    expect(shed.json()).toMatchObject({ code: 'RMDX_ERR_UNAVAILABLE' });
    expect(shed.headers['retry-after']).toBe('2');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(app.limitsState().inFlight).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/test/slow' })).statusCode).toBe(200);
  });

  it('sheds while the event loop lags with work in hand, but keeps answering /healthz', async () => {
    const app = await appWith({ maxEventLoopDelayMs: 100 }, (a) => {
      a.get('/test/slow', { schema: { hide: true } }, async () => {
        await sleep(1500);
        return { ok: true };
      });
      a.get('/test/block', { schema: { hide: true } }, async () => {
        const until = Date.now() + 400;
        while (Date.now() < until) {
          /* a handler hogging the CPU */
        }
        return { ok: true };
      });
    });
    await app.inject({ method: 'GET', url: '/healthz' });
    await sleep(300); // start-up (compiling schemas) is a long task too: let the monitor see it end
    // Work in hand while the loop lags: the situation shedding protects.
    const pending = app.inject({ method: 'GET', url: '/test/slow' });
    await sleep(5);
    // One long task alone sheds nothing: only lag in two samples running does.
    await app.inject({ method: 'GET', url: '/test/block' });
    await sleep(5); // let the lag monitor's timer run
    expect((await app.inject({ method: 'GET', url: '/v1/schemas' })).statusCode).toBe(200);
    await app.inject({ method: 'GET', url: '/test/block' });
    await sleep(5);
    const shed = await app.inject({ method: 'GET', url: '/v1/schemas' });
    expect(shed.statusCode).toBe(503);
    expect(shed.json().detail).toMatch(/event loop lags/);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await pending).statusCode).toBe(200);
    await sleep(350);
    expect((await app.inject({ method: 'GET', url: '/v1/schemas' })).statusCode).toBe(200);
  });

  it('answers 503 when a request runs past the time limit, and counts it out of the in-flight total', async () => {
    const app = await appWith({ requestTimeoutSeconds: 0.2, maxInFlight: 1 }, (a) =>
      a.get('/test/stuck', { schema: { hide: true } }, async () => {
        await sleep(600);
        return { late: true };
      }),
    );
    await app.ready();
    const t0 = Date.now();
    const res = await app.inject({ method: 'GET', url: '/test/stuck' });
    expect(Date.now() - t0).toBeLessThan(550);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'RMDX_ERR_UNAVAILABLE', retryAfter: 5 });
    expect(res.json().detail).toMatch(/not answered within 0.2 s/);
    await sleep(700);
    expect(app.limitsState().inFlight).toBe(0);
  });

  it('gives the HTTP server the receive timeout for whole requests', async () => {
    const app = await appWith({ receiveTimeoutSeconds: 42 });
    await app.ready();
    expect(app.server.requestTimeout).toBe(42_000);
  });
});

describe('security headers and CORS', () => {
  it('sends the security headers on API answers and problems alike', async () => {
    const app = await appWith({});
    for (const url of ['/v1/schemas', '/v1/batches', '/nope']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('adds HSTS when the hub is served over https', async () => {
    const app = await appWith({ publicUrl: 'https://rmdx.example.org' });
    const res = await app.inject({ method: 'GET', url: '/v1/schemas' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  });

  it('allows no cross-origin calls by default', async () => {
    const app = await appWith({});
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/v1/batches',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows the configured origins only', async () => {
    const app = await appWith({ corsOrigins: ['https://console.example.org'] });
    const ok = await app.inject({
      method: 'OPTIONS',
      url: '/v1/batches',
      headers: {
        origin: 'https://console.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://console.example.org');
    expect(ok.headers['access-control-allow-headers']).toMatch(/idempotency-key/);
    const other = await app.inject({
      method: 'GET',
      url: '/v1/schemas',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
