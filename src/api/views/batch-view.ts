import type { BatchRow } from '../../db/queries/batches.js';

/** A batch as the API shows it. */
export function batchView(b: BatchRow) {
  const percent = b.record_total > 0 ? Math.floor((100 * b.records_done) / b.record_total) : 100;
  return {
    batchId: b.id,
    reportingCountry: b.reporting_country,
    period: b.period,
    schemaVersion: b.schema_version,
    submissionRef: b.submission_ref,
    source: b.source ?? null,
    acceptance: b.acceptance,
    origin: b.origin,
    connectorId: b.connector_id,
    status: b.status,
    sha256: b.content_sha256,
    receivedSha256: b.received_sha256,
    contentEncoding: b.content_encoding,
    byteSize: b.byte_size,
    receivedAt: b.received_at.toISOString(),
    startedAt: b.started_at?.toISOString() ?? null,
    finishedAt: b.finished_at?.toISOString() ?? null,
    progress: {
      recordsDone: b.records_done,
      recordTotal: b.record_total,
      percent,
      chunkTotal: b.chunk_total,
    },
    counts: b.counts,
    stageTimings: b.stage_timings,
    error: b.error,
    attempts: b.attempts,
    links: {
      self: `/v1/batches/${b.id}`,
      issues: `/v1/batches/${b.id}/issues`,
      issuesCsv: `/v1/batches/${b.id}/issues?format=csv`,
    },
  };
}

const typeCounts = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    ['received', 'stored', 'invalid', 'voided', 'rejected', 'warnings', 'errors'].map((k) => [
      k,
      { type: 'integer' },
    ]),
  ),
} as const;

export const batchViewSchema = {
  type: 'object',
  required: ['batchId', 'reportingCountry', 'period', 'status', 'progress', 'counts', 'links'],
  properties: {
    batchId: { type: 'string', format: 'uuid' },
    reportingCountry: { type: 'string' },
    period: { type: 'string' },
    schemaVersion: { type: 'string' },
    submissionRef: { type: ['string', 'null'] },
    source: {},
    acceptance: { type: 'string', enum: ['partial', 'all-or-nothing'] },
    origin: { type: 'string', enum: ['push', 'connector'] },
    connectorId: { type: ['string', 'null'] },
    status: {
      type: 'string',
      enum: [
        'received',
        'validating',
        'persisting',
        'completed',
        'completed_with_errors',
        'rejected',
        'failed',
      ],
    },
    sha256: { type: 'string', description: 'sha256 of the JSON body (after gzip decoding).' },
    receivedSha256: { type: 'string', description: 'sha256 of the body bytes exactly as received.' },
    contentEncoding: { type: ['string', 'null'] },
    byteSize: { type: 'integer' },
    receivedAt: { type: 'string', format: 'date-time' },
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    progress: {
      type: 'object',
      properties: {
        recordsDone: { type: 'integer' },
        recordTotal: { type: 'integer' },
        percent: { type: 'integer' },
        chunkTotal: { type: ['integer', 'null'] },
      },
    },
    counts: {
      type: 'object',
      properties: { byType: { type: 'object', additionalProperties: typeCounts }, totals: typeCounts },
    },
    stageTimings: { type: 'object', additionalProperties: { type: 'number' } },
    error: {
      type: ['object', 'null'],
      properties: { message: { type: 'string' }, retryable: { type: 'boolean' } },
    },
    attempts: { type: 'integer' },
    links: {
      type: 'object',
      properties: { self: { type: 'string' }, issues: { type: 'string' }, issuesCsv: { type: 'string' } },
    },
  },
} as const;
