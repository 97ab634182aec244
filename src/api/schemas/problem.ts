/** The RFC 9457 problem document every error answer uses. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable RMDX_ERR_* code (see the README).' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    retryAfter: { type: 'integer' },
    issues: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
  additionalProperties: true,
} as const;

const ref = { $ref: 'Problem#' };

/** The error answers most routes share, for their response schemas. */
export const problemResponses = {
  '4xx': { description: 'A problem with the request (application/problem+json).', ...ref },
  '5xx': { description: 'The hub could not serve the request (application/problem+json).', ...ref },
} as const;
