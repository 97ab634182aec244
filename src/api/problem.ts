import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { type ApiError, errorCatalogue, type ErrorCode, isApiError } from '../errors.js';
import { isRetryable } from '../pipeline/errors.js';

/** Fastify's own error codes that are the client's fault, mapped onto ours. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'RMDX_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'RMDX_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'RMDX_ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'RMDX_ERR_EMPTY_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'RMDX_ERR_BAD_JSON',
  FST_ERR_CTP_EMPTY_TYPE: 'RMDX_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'RMDX_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_VALIDATION: 'RMDX_ERR_BAD_REQUEST',
  FST_ERR_BAD_STATUS_CODE: 'RMDX_ERR_INTERNAL',
  FST_ERR_BAD_URL: 'RMDX_ERR_BAD_REQUEST',
  FST_ERR_ASYNC_CONSTRAINT: 'RMDX_ERR_BAD_REQUEST',
  ERR_HTTP_HEADERS_SENT: 'RMDX_ERR_INTERNAL',
  FST_ERR_RATE_LIMITED: 'RMDX_ERR_RATE_LIMITED',
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance: string;
  requestId: string;
  [extension: string]: unknown;
}

function classify(err: FastifyError | ApiError): {
  code: ErrorCode;
  detail: string;
  extensions?: Record<string, unknown>;
} {
  if (isApiError(err)) return { code: err.code, detail: err.message, extensions: err.extensions };
  const mapped = err.code ? fastifyCodes[err.code] : undefined;
  if (mapped) return { code: mapped, detail: err.message };
  // Errors from body parsing that carry a 4xx status (raw-body, zlib) are the client's.
  // The database or another dependency is down for a moment: the client should come back later.
  if (isRetryable(err)) {
    return {
      code: 'RMDX_ERR_UNAVAILABLE',
      detail: 'A dependency of the hub is unavailable; retry shortly',
      extensions: { retryAfter: 5 },
    };
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return { code: 'RMDX_ERR_BODY_TOO_LARGE', detail: err.message };
  if (status === 415) return { code: 'RMDX_ERR_UNSUPPORTED_MEDIA_TYPE', detail: err.message };
  if (status >= 400 && status < 500) return { code: 'RMDX_ERR_BAD_REQUEST', detail: err.message };
  return { code: 'RMDX_ERR_INTERNAL', detail: errorCatalogue.RMDX_ERR_INTERNAL.hint };
}

export function problem(
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  extensions?: Record<string, unknown>,
): ProblemDocument {
  const spec = errorCatalogue[code];
  return {
    type: `/docs/errors#${code}`,
    title: spec.title,
    status: spec.status,
    code,
    detail,
    instance: request.url,
    requestId: String(request.id),
    ...extensions,
  };
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extensions?: Record<string, unknown>,
) {
  const doc = problem(request, code, detail, extensions);
  if (typeof doc.retryAfter === 'number') reply.header('retry-after', String(doc.retryAfter));
  return reply.status(doc.status).type('application/problem+json').send(doc);
}

/** The one error handler: every error becomes problem+json; 5xx details stay in the log. */
export function installProblemHandlers(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    const { code, detail, extensions } = classify(err);
    const status = errorCatalogue[code].status;
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code, detail }, 'request refused');
    return sendProblem(request, reply, code, detail, extensions);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      'RMDX_ERR_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]}`,
    ),
  );
}
