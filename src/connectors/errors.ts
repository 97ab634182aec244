/**
 * Errors of connector runs, classified by what happens next: a retryable error (the source is down,
 * slow or reset the connection) is tried again with backoff; a permanent one (credentials refused,
 * a 4xx answer, a malformed configuration or file) is not, and says so, because trying again cannot
 * help and only hammers the national system.
 */
export const connectorErrorCodes = {
  RMDX_CONN_AUTH_FAILED: { retryable: false, title: 'The source refused the credentials' },
  RMDX_CONN_HTTP_STATUS: { retryable: false, title: 'The source answered with a client error' },
  RMDX_CONN_UNAVAILABLE: { retryable: true, title: 'The source answered with a server error' },
  RMDX_CONN_RATE_LIMITED: { retryable: true, title: 'The source asked us to slow down' },
  RMDX_CONN_TIMEOUT: { retryable: true, title: 'The source did not answer in time' },
  RMDX_CONN_NETWORK: { retryable: true, title: 'The connection to the source failed' },
  RMDX_CONN_BAD_RESPONSE: { retryable: false, title: 'The source answered with something unreadable' },
  RMDX_CONN_BAD_CONFIG: { retryable: false, title: 'The connector configuration is not valid' },
  RMDX_CONN_BAD_FILE: { retryable: false, title: 'The file could not be read' },
  RMDX_CONN_ABORTED: { retryable: false, title: 'The run was cancelled' },
  // Of runs (src/connectors/runner.ts), not of a kind's requests:
  RMDX_CONN_BAD_MAPPING: { retryable: false, title: 'The mapping could not be loaded' },
  RMDX_CONN_CURSOR_MOVED: { retryable: true, title: 'The stored cursor moved while the run read' },
  RMDX_CONN_BUSY: { retryable: true, title: 'Another run of this connector was going on' },
  RMDX_CONN_PAUSED: { retryable: false, title: 'The connector is paused' },
  RMDX_CONN_INTERRUPTED: { retryable: true, title: 'The process running the run stopped' },
  RMDX_CONN_DATABASE: { retryable: true, title: 'The hub database failed for a moment' },
  RMDX_CONN_INTERNAL: { retryable: false, title: 'A fault in the hub' },
} as const;

export type ConnectorErrorCode = keyof typeof connectorErrorCodes;

export interface ConnectorErrorOptions {
  cause?: unknown;
  /** HTTP status of the answer that caused it, if any. */
  status?: number;
  /** How many attempts were made before giving up. */
  attempts?: number;
  /** Seconds the source asked us to wait (Retry-After), if it said. */
  retryAfterSeconds?: number;
  /** Override of the code's default retryability. */
  retryable?: boolean;
  /** Structured details safe to show (never secrets). */
  details?: Record<string, unknown>;
}

export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  /** True when the same request (or run) may succeed later. */
  readonly retryable: boolean;
  readonly status?: number;
  attempts?: number;
  readonly retryAfterSeconds?: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ConnectorErrorCode, message: string, opts: ConnectorErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ConnectorError';
    this.code = code;
    this.retryable = opts.retryable ?? connectorErrorCodes[code].retryable;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.attempts !== undefined) this.attempts = opts.attempts;
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds;
    if (opts.details !== undefined) this.details = opts.details;
  }

  /** A plain object for logs, run status and API answers. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      retryable: this.retryable,
      message: this.message,
      ...(this.status !== undefined && { status: this.status }),
      ...(this.attempts !== undefined && { attempts: this.attempts }),
      ...(this.details !== undefined && { details: this.details }),
    };
  }
}

export function isConnectorError(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError;
}

/** Node and undici error codes of a connection that failed or broke, worth another try. */
const transientNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function errorCodeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies an HTTP status: which error, and may it be retried. */
export function classifyStatus(status: number): { code: ConnectorErrorCode; retryable: boolean } {
  if (status === 401 || status === 403) return { code: 'RMDX_CONN_AUTH_FAILED', retryable: false };
  if (status === 429) return { code: 'RMDX_CONN_RATE_LIMITED', retryable: true };
  if (status === 408) return { code: 'RMDX_CONN_TIMEOUT', retryable: true };
  if (status >= 500) return { code: 'RMDX_CONN_UNAVAILABLE', retryable: status !== 501 && status !== 505 };
  return { code: 'RMDX_CONN_HTTP_STATUS', retryable: false };
}

/**
 * Turns anything thrown during a request into a ConnectorError with a retryability:
 * timeouts and broken connections are retryable, a cancelled run is not, unknown errors are not
 * (a bug does not fix itself on the next try).
 */
export function classifyError(err: unknown, what = 'the request'): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as { name?: string; message?: string };
  if (e?.name === 'TimeoutError') {
    return new ConnectorError('RMDX_CONN_TIMEOUT', `${what} timed out`, { cause: err });
  }
  if (e?.name === 'AbortError') {
    return new ConnectorError('RMDX_CONN_ABORTED', `${what} was cancelled`, { cause: err });
  }
  const code = errorCodeOf(err);
  if (code && transientNetworkCodes.has(code)) {
    return new ConnectorError('RMDX_CONN_NETWORK', `${what} failed: ${code}`, { cause: err });
  }
  // undici reports a dropped connection as TypeError('fetch failed') or 'terminated' with the socket error as cause.
  if (e?.name === 'TypeError' && /fetch failed|terminated|other side closed/i.test(e.message ?? '')) {
    return new ConnectorError('RMDX_CONN_NETWORK', `${what} failed: ${e.message}`, { cause: err });
  }
  return new ConnectorError('RMDX_CONN_BAD_RESPONSE', `${what} failed: ${e?.message ?? String(err)}`, {
    cause: err,
    retryable: false,
  });
}

/** Whether an error (of any kind) is worth another try. */
export function isRetryable(err: unknown): boolean {
  return classifyError(err).retryable;
}

/** Replaces every occurrence of a secret in a text (an echoed error body, a URL) by [redacted]. */
export function redactSecrets(text: string, secrets: unknown): string {
  const values: string[] = [];
  const collect = (v: unknown) => {
    if (typeof v === 'string' && v.length >= 4) values.push(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
  };
  collect(secrets);
  let out = text;
  for (const v of values.sort((a, b) => b.length - a.length)) {
    out = out.split(v).join('[redacted]');
    const b64 = Buffer.from(v).toString('base64');
    if (b64.length >= 6) out = out.split(b64).join('[redacted]');
  }
  return out;
}
