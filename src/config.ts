import path from 'node:path';

import { Ajv } from 'ajv';

import {
  checkSettings,
  settingsEnvSchema,
  settingSpecs,
  settingsFrom,
  type MatcherSettings,
} from './matcher/settings.js';

/** Connector settings (RMDX_CONNECTOR_*), documented in src/connectors/README.md. */
export interface ConnectorConfig {
  /**
   * Key sealing connector secrets (base64 of 32 bytes), the same on every server and worker. When
   * unset, `secretKeyFile` is used. Never logged.
   */
  secretKey: string | undefined;
  /** The key file used when RMDX_CONNECTOR_SECRET_KEY is unset; created (mode 0600) on first use. @defaultValue '<dataDir>/connector-secret-key' */
  secretKeyFile: string;
  /** Older keys (comma-separated base64) that still open secrets sealed before a rotation. */
  secretKeyPrevious: string | undefined;
  /** Where the installed mappings live (one folder per national format). @defaultValue the repository's connectors/ */
  dir: string | undefined;
  /** Failed runs in a row after which a connector pauses itself. @defaultValue 5 */
  pauseAfter: number;
  /** Attempts per run when it fails transiently (source down, timeouts), with backoff and jitter. @defaultValue 3 */
  runAttempts: number;
  /** First wait before another attempt, ms; doubled each attempt, jittered. @defaultValue 30000 */
  retryBaseMs: number;
  /** Connector runs at once per process running workers. @defaultValue 2 */
  concurrency: number;
  /** How often the in-process scheduler (no Redis) and the runs sweeper look, seconds. @defaultValue 15 */
  tickSeconds: number;
}

/**
 * Everything RMDX reads from its environment, validated once at boot.
 * A bad value stops start-up with a message naming the variable.
 */
export interface Config {
  /** HTTP port. @defaultValue 8080 */
  port: number;
  /** Interface to listen on. @defaultValue '0.0.0.0' */
  host: string;
  /** Postgres connection string; when absent, `npm start` runs an embedded Postgres under `dataDir`. */
  databaseUrl: string | undefined;
  /** Redis connection string; when absent the pipeline runs in-process (inline driver). */
  redisUrl: string | undefined;
  /** Where the embedded database, the first secretariat key and other local state live. @defaultValue './.rmdx' */
  dataDir: string;
  /** Port of the embedded Postgres. @defaultValue 54329 */
  embeddedPgPort: number;
  /** pino level. @defaultValue 'info' */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest request body accepted, in bytes as received. @defaultValue 64 MiB */
  bodyLimitBytes: number;
  /** Largest body after gzip decoding, in bytes. @defaultValue 4 × bodyLimitBytes */
  decodedBodyLimitBytes: number;
  /** Records per pipeline chunk job. @defaultValue 5000 */
  chunkSize: number;
  /** Run pipeline workers inside the server process. @defaultValue true */
  workersInServer: boolean;
  /** Chunk jobs processed at once per worker process. @defaultValue 2 */
  workerConcurrency: number;
  /** Seconds a batch may sit in a non-final state before the sweeper enqueues it again. @defaultValue 300 */
  stuckAfterSeconds: number;
  /** How often the sweeper looks, in seconds. @defaultValue 30 */
  sweepIntervalSeconds: number;
  /** Identical issues listed one by one before the rest are grouped with a count. @defaultValue 100 */
  issueGroupCap: number;
  /** Public base URL used in links and printed at start. @defaultValue http://localhost:PORT */
  publicUrl: string;
  /** Connection pool size. @defaultValue 10 */
  pgPoolMax: number;
  /** Redis key prefix of the pipeline's queues (several hubs may share one Redis). @defaultValue 'rmdx' */
  queuePrefix: string;
  /** How long a worker holds a job before another may take it over if the worker died, in ms. @defaultValue 30000 */
  jobLockMs: number;
  /**
   * Key-encryption key (base64 of 32 bytes) that seals the receipt signing keys in Postgres. Set the
   * same value on every server and worker. When unset, `receiptKekFile` is used. Never logged.
   * @see docs/evidence.md
   */
  receiptKek: string | undefined;
  /** The KEK file used when RMDX_RECEIPT_KEK is unset; created (mode 0600) on first use. @defaultValue '<dataDir>/receipt-kek' */
  receiptKekFile: string;
  /** Requests per minute per API key, all routes. @defaultValue 3000 @see docs/limits.md */
  rateLimitPerMinute: number;
  /** Requests per minute per client address without an API key. @defaultValue 600 */
  rateLimitAnonPerMinute: number;
  /** Batch submissions (POST /v1/batches) per minute per API key. @defaultValue 120 */
  submitRateLimitPerMinute: number;
  /** A request not answered within this many seconds gets 503 (the work may still finish). @defaultValue 30 */
  requestTimeoutSeconds: number;
  /** Seconds allowed to receive a whole request, body included (slow uploads are cut off). @defaultValue 300 */
  receiveTimeoutSeconds: number;
  /** Requests handled at once by one process before new ones are shed with 503. @defaultValue 256 */
  maxInFlight: number;
  /** Event-loop delay (ms, two samples running) above which new requests are shed with 503. @defaultValue 1000 */
  maxEventLoopDelayMs: number;
  /** Origins allowed by CORS (exact matches); empty means no CORS headers. @defaultValue [] */
  corsOrigins: string[];
  /**
   * The matcher's thresholds; each has its own RMDX_MATCH_* / RMDX_COMPLIANCE_* variable, default and
   * source in src/matcher/settings.ts (listed in src/matcher/README.md).
   */
  matcher: MatcherSettings;
  /** Quiet seconds after the last batch touching a corridor and month before its incremental run. @defaultValue 30 */
  reconcileDebounceSeconds: number;
  /** Longest a touched corridor and month waits for its run under a stream of batches, seconds. @defaultValue 300 */
  reconcileMaxWaitSeconds: number;
  /** Connectors (src/connectors): secrets, mappings, scheduling and retries. @see src/connectors/README.md */
  connectors: ConnectorConfig;
  /** A reporting month M is due by the end (UTC) of this day of month M+1; later is "late". @defaultValue 15 */
  reportingDeadlineDay: number;
  /** A console session ends after this many minutes without a request. @defaultValue 60 */
  sessionIdleMinutes: number;
  /** A console session ends this many hours after sign-in, active or not. @defaultValue 12 */
  sessionMaxHours: number;
  /**
   * Public statistics: a cell built from fewer distinct traders than this is withheld as confidential.
   * 1 publishes every cell (aggregates name no company either way). @defaultValue 1
   */
  publicMinTraders: number;
}

const envSchema = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://' },
    REDIS_URL: { type: 'string', pattern: '^rediss?://' },
    RMDX_DATA_DIR: { type: 'string', minLength: 1, default: './.rmdx' },
    RMDX_EMBEDDED_PG_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 54329 },
    LOG_LEVEL: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    RMDX_BODY_LIMIT_MB: { type: 'number', exclusiveMinimum: 0, maximum: 1024, default: 64 },
    RMDX_DECODED_BODY_LIMIT_MB: { type: 'number', exclusiveMinimum: 0, maximum: 4096 },
    RMDX_CHUNK_SIZE: { type: 'integer', minimum: 1, maximum: 100000, default: 5000 },
    RMDX_WORKERS_IN_SERVER: { type: 'boolean', default: true },
    RMDX_WORKER_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 64, default: 2 },
    RMDX_STUCK_AFTER_S: { type: 'integer', minimum: 1, default: 300 },
    RMDX_SWEEP_INTERVAL_S: { type: 'integer', minimum: 1, default: 30 },
    RMDX_ISSUE_GROUP_CAP: { type: 'integer', minimum: 1, default: 100 },
    RMDX_PUBLIC_URL: { type: 'string', pattern: '^https?://' },
    PG_POOL_MAX: { type: 'integer', minimum: 1, maximum: 500, default: 10 },
    RMDX_QUEUE_PREFIX: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'rmdx' },
    RMDX_JOB_LOCK_MS: { type: 'integer', minimum: 1000, maximum: 3600000, default: 30000 },
    RMDX_RECEIPT_KEK: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
    RMDX_RECEIPT_KEK_FILE: { type: 'string', minLength: 1 },
    RMDX_RATE_LIMIT_PER_MIN: { type: 'integer', minimum: 1, maximum: 1000000000, default: 3000 },
    RMDX_RATE_LIMIT_ANON_PER_MIN: { type: 'integer', minimum: 1, maximum: 1000000000, default: 600 },
    RMDX_SUBMIT_RATE_LIMIT_PER_MIN: { type: 'integer', minimum: 1, maximum: 1000000000, default: 120 },
    RMDX_REQUEST_TIMEOUT_S: { type: 'number', exclusiveMinimum: 0, maximum: 3600, default: 30 },
    RMDX_RECEIVE_TIMEOUT_S: { type: 'number', exclusiveMinimum: 0, maximum: 3600, default: 300 },
    RMDX_MAX_IN_FLIGHT: { type: 'integer', minimum: 1, maximum: 100000, default: 256 },
    RMDX_MAX_EVENT_LOOP_DELAY_MS: { type: 'integer', minimum: 10, maximum: 600000, default: 1000 },
    RMDX_CORS_ORIGINS: { type: 'string', pattern: '^(https?://[^,\\s]+)(,https?://[^,\\s]+)*$' },
    RMDX_RECONCILE_DEBOUNCE_S: { type: 'integer', minimum: 0, maximum: 86400, default: 30 },
    RMDX_RECONCILE_MAX_WAIT_S: { type: 'integer', minimum: 0, maximum: 604800, default: 300 },
    ...settingsEnvSchema(),
    RMDX_CONNECTOR_SECRET_KEY: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
    RMDX_CONNECTOR_SECRET_KEY_FILE: { type: 'string', minLength: 1 },
    RMDX_CONNECTOR_SECRET_KEY_PREVIOUS: {
      type: 'string',
      pattern: '^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$',
    },
    RMDX_CONNECTORS_DIR: { type: 'string', minLength: 1 },
    RMDX_CONNECTOR_PAUSE_AFTER: { type: 'integer', minimum: 1, maximum: 1000, default: 5 },
    RMDX_CONNECTOR_RUN_ATTEMPTS: { type: 'integer', minimum: 1, maximum: 20, default: 3 },
    RMDX_CONNECTOR_RETRY_BASE_MS: { type: 'integer', minimum: 0, maximum: 3600000, default: 30000 },
    RMDX_CONNECTOR_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 64, default: 2 },
    RMDX_CONNECTOR_TICK_S: { type: 'integer', minimum: 1, maximum: 3600, default: 15 },
    RMDX_REPORTING_DEADLINE_DAY: { type: 'integer', minimum: 1, maximum: 28, default: 15 },
    RMDX_SESSION_IDLE_MIN: { type: 'integer', minimum: 1, maximum: 1440, default: 60 },
    RMDX_SESSION_MAX_H: { type: 'integer', minimum: 1, maximum: 720, default: 12 },
    RMDX_PUBLIC_MIN_TRADERS: { type: 'integer', minimum: 1, maximum: 100, default: 1 },
  },
} as const;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const MB = 1024 * 1024;

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: true });
  const validate = ajv.compile(envSchema);
  // Only the variables we know, and empty strings treated as unset.
  const data: Record<string, unknown> = {};
  for (const name of Object.keys(envSchema.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') data[name] = value;
  }
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map((e) => {
      const name = e.instancePath.replace(/^\//, '');
      return `${name}=${JSON.stringify(data[name])} ${e.message ?? 'is invalid'}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shape guaranteed by the schema above
  const v = data as Record<string, any>;
  const matcher = settingsFrom(
    Object.fromEntries(settingSpecs.map((x) => [x.env, v[x.env] as number | undefined])),
  );
  const matcherProblems = checkSettings(matcher);
  if (matcherProblems.length > 0)
    throw new ConfigError(`Invalid configuration: ${matcherProblems.join('; ')}`);
  const port = v.PORT as number;
  const bodyLimitBytes = Math.round((v.RMDX_BODY_LIMIT_MB as number) * MB);
  return {
    port,
    host: v.HOST,
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL,
    dataDir: path.resolve(v.RMDX_DATA_DIR as string),
    embeddedPgPort: v.RMDX_EMBEDDED_PG_PORT,
    logLevel: v.LOG_LEVEL,
    bodyLimitBytes,
    decodedBodyLimitBytes:
      v.RMDX_DECODED_BODY_LIMIT_MB !== undefined
        ? Math.round((v.RMDX_DECODED_BODY_LIMIT_MB as number) * MB)
        : bodyLimitBytes * 4,
    chunkSize: v.RMDX_CHUNK_SIZE,
    workersInServer: v.RMDX_WORKERS_IN_SERVER,
    workerConcurrency: v.RMDX_WORKER_CONCURRENCY,
    stuckAfterSeconds: v.RMDX_STUCK_AFTER_S,
    sweepIntervalSeconds: v.RMDX_SWEEP_INTERVAL_S,
    issueGroupCap: v.RMDX_ISSUE_GROUP_CAP,
    publicUrl: (v.RMDX_PUBLIC_URL as string | undefined) ?? `http://localhost:${port}`,
    pgPoolMax: v.PG_POOL_MAX,
    queuePrefix: v.RMDX_QUEUE_PREFIX,
    jobLockMs: v.RMDX_JOB_LOCK_MS,
    receiptKek: v.RMDX_RECEIPT_KEK,
    receiptKekFile: path.resolve(
      (v.RMDX_RECEIPT_KEK_FILE as string | undefined) ?? path.join(v.RMDX_DATA_DIR as string, 'receipt-kek'),
    ),
    rateLimitPerMinute: v.RMDX_RATE_LIMIT_PER_MIN,
    rateLimitAnonPerMinute: v.RMDX_RATE_LIMIT_ANON_PER_MIN,
    submitRateLimitPerMinute: v.RMDX_SUBMIT_RATE_LIMIT_PER_MIN,
    requestTimeoutSeconds: v.RMDX_REQUEST_TIMEOUT_S,
    receiveTimeoutSeconds: v.RMDX_RECEIVE_TIMEOUT_S,
    maxInFlight: v.RMDX_MAX_IN_FLIGHT,
    maxEventLoopDelayMs: v.RMDX_MAX_EVENT_LOOP_DELAY_MS,
    corsOrigins: v.RMDX_CORS_ORIGINS ? (v.RMDX_CORS_ORIGINS as string).split(',') : [],
    matcher,
    reconcileDebounceSeconds: v.RMDX_RECONCILE_DEBOUNCE_S,
    reconcileMaxWaitSeconds: v.RMDX_RECONCILE_MAX_WAIT_S,
    connectors: {
      secretKey: v.RMDX_CONNECTOR_SECRET_KEY,
      secretKeyFile: path.resolve(
        (v.RMDX_CONNECTOR_SECRET_KEY_FILE as string | undefined) ??
          path.join(v.RMDX_DATA_DIR as string, 'connector-secret-key'),
      ),
      secretKeyPrevious: v.RMDX_CONNECTOR_SECRET_KEY_PREVIOUS,
      dir: v.RMDX_CONNECTORS_DIR ? path.resolve(v.RMDX_CONNECTORS_DIR as string) : undefined,
      pauseAfter: v.RMDX_CONNECTOR_PAUSE_AFTER,
      runAttempts: v.RMDX_CONNECTOR_RUN_ATTEMPTS,
      retryBaseMs: v.RMDX_CONNECTOR_RETRY_BASE_MS,
      concurrency: v.RMDX_CONNECTOR_CONCURRENCY,
      tickSeconds: v.RMDX_CONNECTOR_TICK_S,
    },
    reportingDeadlineDay: v.RMDX_REPORTING_DEADLINE_DAY,
    sessionIdleMinutes: v.RMDX_SESSION_IDLE_MIN,
    sessionMaxHours: v.RMDX_SESSION_MAX_H,
    publicMinTraders: v.RMDX_PUBLIC_MIN_TRADERS,
  };
}
