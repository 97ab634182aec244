/**
 * Retrying transient failures: exponential backoff with full jitter (AWS architecture blog,
 * "Exponential Backoff and Jitter"): the n-th wait is uniform in [0, min(max, base·2ⁿ)], which spreads
 * the retries of many connectors hitting one recovering national server.
 */
import type { ConnectorContext } from './contract.js';
import { classifyError, ConnectorError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. @defaultValue 5 */
  maxAttempts?: number;
  /** @defaultValue 500 */
  baseDelayMs?: number;
  /** @defaultValue 30000 */
  maxDelayMs?: number;
}

export const defaultRetryPolicy: Required<RetryPolicy> = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, policy: Required<RetryPolicy>, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

/** Waits, or rejects as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error is thrown, or the attempts run out. The
 * error thrown at the end is a ConnectorError carrying the number of attempts made.
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy | undefined,
  ctx: ConnectorContext,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  const p = { ...defaultRetryPolicy, ...policy };
  const random = ctx.random ?? Math.random;
  const wait = ctx.sleep ?? sleep;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (ctx.signal?.aborted) {
        throw new ConnectorError('RMDX_CONN_ABORTED', `${what} was cancelled`, { cause: err, attempts: n });
      }
      const e = classifyError(err, what);
      e.attempts = n;
      if (!e.retryable) throw e;
      if (n >= p.maxAttempts) {
        e.message = `${e.message} (gave up after ${n} attempts)`;
        throw e;
      }
      let delay = backoffDelay(n, p, random);
      if (e.retryAfterSeconds !== undefined)
        delay = Math.min(p.maxDelayMs, Math.max(delay, e.retryAfterSeconds * 1000));
      ctx.logger.warn(
        { err: e.toJSON(), attempt: n, maxAttempts: p.maxAttempts, delayMs: delay },
        `${what}: ${e.code}, retrying`,
      );
      try {
        await wait(delay, ctx.signal);
      } catch (abortErr) {
        throw new ConnectorError('RMDX_CONN_ABORTED', `${what} was cancelled`, {
          cause: abortErr,
          attempts: n,
        });
      }
    }
  }
}
