import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

import type { Config } from '../../config.js';
import { apiError } from '../../errors.js';
import { sendProblem } from '../problem.js';

/**
 * The hub's protective limits, all documented in docs/limits.md:
 * - load shedding: 503 + Retry-After when too many requests are in hand, the event loop lags or the
 *   database pool has a queue (checked first, before any other work, including auth);
 * - a time limit per request: 503 + Retry-After when no answer has started in time;
 * - per-key rate limits (token buckets): 429 + Retry-After, a tighter one for batch submission;
 * - security headers (helmet) and CORS for the configured origins only.
 * Register it before the auth plugin: shedding must run before auth's database lookup, and the rate
 * limit (a preParsing hook) runs after every onRequest hook, so it sees the caller's key.
 */
export type LimitsOptions = Pick<
  Config,
  | 'rateLimitPerMinute'
  | 'rateLimitAnonPerMinute'
  | 'submitRateLimitPerMinute'
  | 'requestTimeoutSeconds'
  | 'maxInFlight'
  | 'maxEventLoopDelayMs'
  | 'corsOrigins'
  | 'publicUrl'
  | 'pgPoolMax'
>;

/** Routes that must answer even under pressure (probes) and are never rate limited. */
const exempt = new Set(['/healthz', '/readyz', '/metrics']);

/** Seconds a shed client is asked to wait. */
const SHED_RETRY_AFTER_S = 2;

/**
 * A token bucket per key: `capacity` requests at once, refilled at capacity per minute. Buckets that
 * are full again are dropped, so memory follows the number of recently active callers.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Takes one token; returns 0 when allowed, else the seconds until a token is available. */
  take(key: string, perMinute: number): { retryAfter: number; remaining: number } {
    const t = this.now();
    const rate = perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * rate);
    b.at = t;
    this.buckets.set(key, b);
    if (t - this.lastSweep > 60_000) this.sweep(t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { retryAfter: 0, remaining: Math.floor(b.tokens) };
    }
    return { retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000)), remaining: 0 };
  }

  private sweep(t: number) {
    this.lastSweep = t;
    for (const [k, b] of this.buckets) if (t - b.at > 60_000) this.buckets.delete(k);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/**
 * Measures event-loop lag with a timer (cheap). `lagMs` is the smaller of the last two samples, so
 * one long synchronous task (start-up, a big batch parsed) does not shed the requests after it;
 * sustained lag does, within two intervals.
 */
class LagMonitor {
  lagMs = 0;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  private expected = 0;

  start(intervalMs = 100) {
    this.expected = performance.now() + intervalMs;
    this.timer = setInterval(() => {
      const t = performance.now();
      const sample = Math.max(0, t - this.expected);
      this.lagMs = Math.min(sample, this.last);
      this.last = sample;
      this.expected = t + intervalMs;
    }, intervalMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request counts towards the in-flight limit. */
    limitsCounted?: boolean;
    limitsTimer?: NodeJS.Timeout;
  }
}

export const limitsPlugin = fp<LimitsOptions>(
  async (app: FastifyInstance, o) => {
    const https = o.publicUrl.startsWith('https:');
    await app.register(helmet, {
      // An API first: nothing may frame it; the console's pages load only their own scripts and styles.
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'form-action': ["'self'"],
          'upgrade-insecure-requests': https ? [] : null,
        },
      },
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
    });
    await app.register(cors, {
      origin: o.corsOrigins.length > 0 ? o.corsOrigins : false,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'content-encoding',
        'idempotency-key',
        'x-request-id',
      ],
      exposedHeaders: [
        'location',
        'retry-after',
        'x-request-id',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ],
      maxAge: 600,
    });

    const lag = new LagMonitor();
    lag.start();
    app.addHook('onClose', async () => lag.stop());
    let inFlight = 0;
    const release = (request: FastifyRequest) => {
      if (request.limitsTimer) clearTimeout(request.limitsTimer);
      if (request.limitsCounted) {
        request.limitsCounted = false;
        inFlight--;
      }
    };

    app.decorate('limitsState', () => ({ inFlight, eventLoopLagMs: Math.round(lag.lagMs) }));

    app.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0]!;
      if (exempt.has(path)) return;
      const reason =
        inFlight >= o.maxInFlight
          ? `${inFlight} requests are in hand (limit ${o.maxInFlight})`
          : // Lag alone (GC, a long synchronous task) with nothing else in hand is not a queue to protect.
            inFlight > 0 && lag.lagMs > o.maxEventLoopDelayMs
            ? `the event loop lags ${Math.round(lag.lagMs)} ms (limit ${o.maxEventLoopDelayMs} ms)`
            : app.db.waitingCount > o.pgPoolMax * 4
              ? `${app.db.waitingCount} requests wait for a database connection`
              : undefined;
      if (reason) {
        request.log.warn({ inFlight, lagMs: Math.round(lag.lagMs) }, 'shedding load');
        throw apiError(
          'RMDX_ERR_UNAVAILABLE',
          `The hub is under pressure (${reason}); retry after ${SHED_RETRY_AFTER_S} s`,
          { retryAfter: SHED_RETRY_AFTER_S },
        );
      }
      inFlight++;
      request.limitsCounted = true;
      request.limitsTimer = setTimeout(() => onTimeout(request, reply), o.requestTimeoutSeconds * 1000);
      request.limitsTimer.unref();
    });
    app.addHook('onResponse', async (request) => release(request));
    app.addHook('onRequestAbort', async (request) => release(request));

    const onTimeout = (request: FastifyRequest, reply: FastifyReply) => {
      if (reply.raw.headersSent || reply.sent) return;
      request.log.warn({ timeoutS: o.requestTimeoutSeconds }, 'request took too long: answered 503');
      void sendProblem(
        request,
        reply,
        'RMDX_ERR_UNAVAILABLE',
        `The request was not answered within ${o.requestTimeoutSeconds} s; retry later (a batch post may be retried with the same Idempotency-Key)`,
        { retryAfter: 5 },
      );
    };

    const buckets = new TokenBuckets();
    app.addHook('preParsing', async (request, reply, payload) => {
      const path = request.url.split('?')[0]!;
      if (exempt.has(path) || request.method === 'OPTIONS') return payload;
      const p = request.principal;
      const checks: [string, number][] = p
        ? [[`key:${p.keyId}`, o.rateLimitPerMinute]]
        : [[`ip:${request.ip}`, o.rateLimitAnonPerMinute]];
      if (p && request.method === 'POST' && request.routeOptions.url === '/v1/batches') {
        checks.push([`submit:${p.keyId}`, o.submitRateLimitPerMinute]);
      }
      for (const [key, limit] of checks) {
        const { retryAfter, remaining } = buckets.take(key, limit);
        reply.header('ratelimit-limit', String(limit));
        reply.header('ratelimit-remaining', String(remaining));
        if (retryAfter > 0) {
          reply.header('ratelimit-reset', String(retryAfter));
          request.log.info({ limit: key.split(':')[0], perMinute: limit }, 'rate limited');
          throw apiError(
            'RMDX_ERR_RATE_LIMITED',
            `More than ${limit} requests a minute ${key.startsWith('submit:') ? 'of batch submissions ' : ''}from this ${p ? 'API key' : 'address'}; retry after ${retryAfter} s`,
            { retryAfter },
          );
        }
      }
      return payload;
    });
  },
  { name: 'limits', dependencies: [] },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** Current load figures (for /metrics and tests). */
    limitsState(): { inFlight: number; eventLoopLagMs: number };
  }
}
