import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  classifyError,
  classifyStatus,
  ConnectorError,
  isRetryable,
  redactSecrets,
} from '../../../src/connectors/errors.js';
import { backoffDelay, defaultRetryPolicy, withRetry } from '../../../src/connectors/retry.js';
import { createLogger } from '../../../src/logger.js';

const logger = createLogger('silent');

describe('classifying failures', () => {
  it.each([
    [401, 'RMDX_CONN_AUTH_FAILED', false],
    [403, 'RMDX_CONN_AUTH_FAILED', false],
    [400, 'RMDX_CONN_HTTP_STATUS', false],
    [404, 'RMDX_CONN_HTTP_STATUS', false],
    [422, 'RMDX_CONN_HTTP_STATUS', false],
    [408, 'RMDX_CONN_TIMEOUT', true],
    [429, 'RMDX_CONN_RATE_LIMITED', true],
    [500, 'RMDX_CONN_UNAVAILABLE', true],
    [502, 'RMDX_CONN_UNAVAILABLE', true],
    [503, 'RMDX_CONN_UNAVAILABLE', true],
    [504, 'RMDX_CONN_UNAVAILABLE', true],
    [501, 'RMDX_CONN_UNAVAILABLE', false],
  ])('HTTP %i → %s (retryable %s)', (status, code, retryable) => {
    expect(classifyStatus(status)).toEqual({ code, retryable });
  });

  it('timeouts, resets and refused connections are retryable; cancellations and bugs are not', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classifyError(timeout)).toMatchObject({ code: 'RMDX_CONN_TIMEOUT', retryable: true });
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    });
    expect(classifyError(reset)).toMatchObject({ code: 'RMDX_CONN_NETWORK', retryable: true });
    expect(classifyError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).retryable).toBe(true);
    expect(classifyError(new TypeError('terminated')).retryable).toBe(true);
    expect(classifyError(new DOMException('aborted', 'AbortError'))).toMatchObject({
      code: 'RMDX_CONN_ABORTED',
      retryable: false,
    });
    expect(isRetryable(new RangeError('bug'))).toBe(false);
    const mine = new ConnectorError('RMDX_CONN_AUTH_FAILED', 'no');
    expect(classifyError(mine)).toBe(mine);
  });

  it('serialises without causes or secrets', () => {
    const e = new ConnectorError('RMDX_CONN_UNAVAILABLE', 'GET /lots answered 503', {
      status: 503,
      attempts: 5,
    });
    expect(e.toJSON()).toEqual({
      code: 'RMDX_CONN_UNAVAILABLE',
      retryable: true,
      message: 'GET /lots answered 503',
      status: 503,
      attempts: 5,
    });
  });

  it('redacts secrets, also base64-encoded, from texts', () => {
    const secrets = { token: 'tok-3f9a8b7c', username: 'rmb', password: 'S3cret!pass' };
    const basic = Buffer.from('S3cret!pass').toString('base64');
    const text = `bad token tok-3f9a8b7c, password S3cret!pass (${basic})`;
    const out = redactSecrets(text, secrets);
    expect(out).not.toContain('tok-3f9a8b7c');
    expect(out).not.toContain('S3cret!pass');
    expect(out).not.toContain(basic);
  });
});

describe('backoff with full jitter', () => {
  it('property: every wait is within [0, min(max, base·2^(n-1))]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 120_000 }),
        (attempt, r, base, max) => {
          const d = backoffDelay(attempt, { maxAttempts: 5, baseDelayMs: base, maxDelayMs: max }, () => r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(Math.min(max, base * 2 ** (attempt - 1)));
        },
      ),
    );
  });

  it('retries what is retryable, then gives up saying how often it tried', async () => {
    const waits: number[] = [];
    const ctx = { logger, random: () => 0.5, sleep: async (ms: number) => void waits.push(ms) };
    let calls = 0;
    await expect(
      withRetry('GET /lots', { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 }, ctx, async () => {
        calls++;
        throw new ConnectorError('RMDX_CONN_UNAVAILABLE', 'GET /lots answered 503', { status: 503 });
      }),
    ).rejects.toMatchObject({
      code: 'RMDX_CONN_UNAVAILABLE',
      attempts: 4,
      message: expect.stringMatching(/gave up after 4 attempts/),
    });
    expect(calls).toBe(4);
    expect(waits).toEqual([50, 100, 125]);
  });

  it('does not retry a refused credential', async () => {
    let calls = 0;
    const ctx = { logger, sleep: async () => undefined };
    await expect(
      withRetry('GET /lots', defaultRetryPolicy, ctx, async () => {
        calls++;
        throw new ConnectorError('RMDX_CONN_AUTH_FAILED', 'answered 401', { status: 401 });
      }),
    ).rejects.toMatchObject({ code: 'RMDX_CONN_AUTH_FAILED', retryable: false, attempts: 1 });
    expect(calls).toBe(1);
  });

  it('succeeds after transient failures, honouring Retry-After', async () => {
    const waits: number[] = [];
    const ctx = { logger, random: () => 0, sleep: async (ms: number) => void waits.push(ms) };
    let calls = 0;
    const v = await withRetry(
      'GET /x',
      { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 5000 },
      ctx,
      async () => {
        calls++;
        if (calls === 1) throw new ConnectorError('RMDX_CONN_RATE_LIMITED', '429', { retryAfterSeconds: 2 });
        if (calls === 2) throw new ConnectorError('RMDX_CONN_TIMEOUT', 'slow');
        return 'ok';
      },
    );
    expect(v).toBe('ok');
    expect(waits).toEqual([2000, 0]);
  });

  it('stops at once when the run is cancelled', async () => {
    const ac = new AbortController();
    const ctx = { logger, signal: ac.signal };
    const p = withRetry(
      'GET /x',
      { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      { ...ctx, random: () => 0.99 },
      async () => {
        throw new ConnectorError('RMDX_CONN_UNAVAILABLE', '503');
      },
    );
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toMatchObject({ code: 'RMDX_CONN_ABORTED' });
  });
});
