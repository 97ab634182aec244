import createError, { type FastifyErrorConstructor } from '@fastify/error';

/**
 * Every error the API can answer with. Each code is stable: clients may branch on it.
 * The README's error table is generated from `errorCatalogue` (and a test keeps them in step).
 */
interface ErrorSpec {
  status: number;
  title: string;
  /** What a client can do about it. */
  hint: string;
}

export const errorCatalogue = {
  RMDX_ERR_BAD_JSON: {
    status: 400,
    title: 'The body is not valid JSON',
    hint: 'Send well-formed UTF-8 JSON; the detail names the position.',
  },
  RMDX_ERR_EMPTY_BODY: {
    status: 400,
    title: 'The body is empty',
    hint: 'Send a batch document or one record.',
  },
  RMDX_ERR_BAD_ENCODING: {
    status: 400,
    title: 'The body could not be decoded',
    hint: 'A gzip body must be complete; text must be UTF-8.',
  },
  RMDX_ERR_BAD_REQUEST: {
    status: 400,
    title: 'The request is not valid',
    hint: 'The detail names the parameter or field and what is expected.',
  },
  RMDX_ERR_IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    title: 'An Idempotency-Key header is required',
    hint: 'Send a unique key per batch (1–200 characters); reuse it only to retry the same body.',
  },
  RMDX_ERR_UNAUTHENTICATED: {
    status: 401,
    title: 'No valid API key',
    hint: 'Send Authorization: Bearer <api key>; ask the Secretariat for a key.',
  },
  RMDX_ERR_FORBIDDEN: {
    status: 403,
    title: 'This key may not do that',
    hint: 'A submitter key acts for its own country only; some actions need the secretariat role.',
  },
  RMDX_ERR_NOT_FOUND: {
    status: 404,
    title: 'Not found',
    hint: 'Check the identifier; items of other countries are not visible to a submitter.',
  },
  RMDX_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    hint: 'See /docs for the methods of each route.',
  },
  RMDX_ERR_IDEMPOTENCY_CONFLICT: {
    status: 409,
    title: 'This Idempotency-Key was used for another body',
    hint: 'Use a new key for a new or corrected batch.',
  },
  RMDX_ERR_CONFLICT: {
    status: 409,
    title: 'The request conflicts with the current state',
    hint: 'Read the current state and try again.',
  },
  RMDX_ERR_BODY_TOO_LARGE: {
    status: 413,
    title: 'The body is larger than the limit',
    hint: 'Split the month into several batches, or gzip the body.',
  },
  RMDX_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported content type or encoding',
    hint: 'Send Content-Type: application/json, optionally with Content-Encoding: gzip.',
  },
  RMDX_ERR_UNKNOWN_SCHEMA_VERSION: {
    status: 422,
    title: 'Unknown schemaVersion',
    hint: 'Use one of the versions listed at GET /v1/schemas.',
  },
  RMDX_ERR_NOT_A_DOCUMENT: {
    status: 422,
    title: 'The body is neither a batch nor a record',
    hint: 'A batch has `records`; a single record has `recordType`.',
  },
  RMDX_ERR_INVALID_BATCH: {
    status: 422,
    title: 'The batch envelope is invalid',
    hint: 'Fix the envelope fields listed in `issues`; no record was stored.',
  },
  RMDX_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests', hint: 'Wait for Retry-After seconds.' },
  RMDX_ERR_INTERNAL: {
    status: 500,
    title: 'Internal error',
    hint: 'Retry later; the Secretariat has the log line of this request id.',
  },
  RMDX_ERR_UNAVAILABLE: {
    status: 503,
    title: 'Service unavailable',
    hint: 'A dependency is down or the hub is shedding load; retry after Retry-After seconds.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

const constructors = new Map<ErrorCode, FastifyErrorConstructor>();
for (const [code, spec] of Object.entries(errorCatalogue) as [ErrorCode, ErrorSpec][]) {
  constructors.set(code, createError(code, '%s', spec.status));
}

/** An error that becomes a problem+json answer with its stable code. */
export interface ApiError extends Error {
  code: ErrorCode;
  statusCode: number;
  /** Extra members of the problem document (e.g. `issues`, `retryAfter`). */
  extensions?: Record<string, unknown>;
}

/** Builds an API error; `detail` says where and why in words a client operator understands. */
export function apiError(code: ErrorCode, detail?: string, extensions?: Record<string, unknown>): ApiError {
  const Ctor = constructors.get(code)!;
  const err = new Ctor(detail ?? errorCatalogue[code].title) as unknown as ApiError;
  if (extensions) err.extensions = extensions;
  return err;
}

export function isApiError(err: unknown): err is ApiError {
  return (
    err instanceof Error &&
    typeof (err as ApiError).code === 'string' &&
    (err as ApiError).code in errorCatalogue
  );
}

/** Normalises anything thrown into an Error (graphile-worker's coerceError). */
export function coerceError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : JSON.stringify(err));
}
