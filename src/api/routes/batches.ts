import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify';

import { canRead, countryScope, type Principal } from '../../auth/roles.js';
import { listIssues, type IssueRow } from '../../db/queries/batch-issues.js';
import { getBatch, listBatches, type BatchRow, type BatchStatus } from '../../db/queries/batches.js';
import { actorOf } from '../../evidence/audit.js';
import { apiError } from '../../errors.js';
import { acceptBatch } from '../../intake/accept-batch.js';
import { checkEnvelope } from '../../intake/envelope.js';
import { reopenForReplay } from '../../pipeline/replay.js';
import { signedReceiptSchema } from '../../evidence/receipt-schema.js';
import { problemResponses } from '../schemas/problem.js';
import { batchView, batchViewSchema } from '../views/batch-view.js';

const statuses = [
  'received',
  'validating',
  'persisting',
  'completed',
  'completed_with_errors',
  'rejected',
  'failed',
] as const;
const uuidParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** The batch if this caller may see it; a batch of another country is "not found" to a submitter. */
export async function visibleBatch(request: FastifyRequest, id: string): Promise<BatchRow> {
  const batch = await getBatch(request.server.db, id);
  if (!batch || !canRead(request.principal!, batch.reporting_country))
    throw apiError('RMDX_ERR_NOT_FOUND', `No batch ${id}`);
  return batch;
}

const issueSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    recordIndex: { type: ['integer', 'null'] },
    recordType: { type: ['string', 'null'] },
    key: { type: ['string', 'null'] },
    path: { type: 'string', description: 'JSON Pointer into the submitted document.' },
    code: { type: 'string' },
    severity: { type: 'string', enum: ['error', 'warning'] },
    message: { type: 'string' },
    messageFr: { type: 'string' },
  },
} as const;

function issueView(i: IssueRow) {
  return {
    id: i.id,
    recordIndex: i.record_index,
    recordType: i.record_type,
    key: i.record_key,
    path: i.path,
    code: i.code,
    severity: i.severity,
    message: i.message,
    messageFr: i.message_fr,
  };
}

function enqueueSoon(request: FastifyRequest, batch: BatchRow) {
  const pipeline = request.server.pipeline;
  if (!pipeline) return;
  // The batch is safe in Postgres already: a failure here only delays it until the sweeper's next pass.
  pipeline
    .enqueue(batch.id, batch.attempts)
    .catch((err: Error) =>
      request.log.warn(
        { batchId: batch.id, err: err.message },
        'could not enqueue the batch now; the sweeper will',
      ),
    );
}

export const batchRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Headers: { 'idempotency-key'?: string } }>(
    '/v1/batches',
    {
      onRequest: app.requireRole('submitter', 'secretariat'),
      schema: {
        tags: ['batches'],
        summary:
          'Submit a monthly batch; stored before the answer, then validated, normalised and stored per record',
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': {
              type: 'string',
              description: 'Unique per batch; reuse it only to retry the same body.',
            },
          },
        },
        body: {
          type: 'object',
          description: 'A batch document of the regional data standard (batch.schema.json).',
        },
        response: {
          202: {
            type: 'object',
            required: ['batchId', 'status', 'links'],
            properties: {
              batchId: { type: 'string', format: 'uuid' },
              status: { type: 'string' },
              sha256: { type: 'string' },
              replayed: { type: 'boolean', description: 'True when this key and body were accepted before.' },
              links: {
                type: 'object',
                properties: {
                  self: { type: 'string' },
                  issues: { type: 'string' },
                  receipts: { type: 'string' },
                },
              },
              receipt: {
                ...signedReceiptSchema,
                description:
                  'The signed acceptance receipt (new batches only; a replay finds it at links.receipts).',
              },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string' || key.trim() === '' || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
        throw apiError(
          'RMDX_ERR_IDEMPOTENCY_KEY_REQUIRED',
          'Send an Idempotency-Key header of 1–200 visible ASCII characters, unique per batch',
        );
      }
      const doc = request.body;
      if (
        !doc ||
        typeof doc !== 'object' ||
        Array.isArray(doc) ||
        !Array.isArray((doc as { records?: unknown }).records)
      ) {
        throw apiError(
          'RMDX_ERR_NOT_A_DOCUMENT',
          'POST /v1/batches takes a batch document: an object with `records` (an array)',
        );
      }
      const envelope = checkEnvelope(app.standard, doc as Record<string, unknown>);
      const { batch, created, receipt } = await acceptBatch(app.db, {
        principal: request.principal!,
        idempotencyKey: key,
        raw: request.rawBody!,
        decoded: request.decodedBody!,
        contentEncoding: (request.headers['content-encoding'] as string | undefined) ?? null,
        envelope,
        evidence: app.evidence,
      });
      if (created) {
        request.log.info(
          {
            batchId: batch.id,
            country: batch.reporting_country,
            period: batch.period,
            records: batch.record_total,
          },
          'batch accepted',
        );
        enqueueSoon(request, batch);
      }
      return reply
        .status(202)
        .header('location', `/v1/batches/${batch.id}`)
        .send({
          batchId: batch.id,
          status: batch.status,
          sha256: batch.content_sha256,
          replayed: !created,
          links: { ...batchView(batch).links, receipts: `/v1/batches/${batch.id}/receipts` },
          ...(receipt ? { receipt } : {}),
        });
    },
  );

  app.get<{
    Querystring: {
      country?: string;
      period?: string;
      status?: BatchStatus;
      origin?: 'push' | 'connector';
      connectorId?: string;
      limit: number;
      cursor?: number;
    };
  }>(
    '/v1/batches',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['batches'],
        summary: 'List batches, newest first (a submitter sees its own country only)',
        querystring: {
          type: 'object',
          properties: {
            country: { type: 'string', pattern: '^[A-Z]{2}$' },
            period: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' },
            status: { type: 'string', enum: [...statuses] },
            origin: { type: 'string', enum: ['push', 'connector'] },
            connectorId: { type: 'string', format: 'uuid' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            cursor: { type: 'integer', minimum: 1, description: 'nextCursor of the previous page.' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: {
              items: { type: 'array', items: batchViewSchema },
              nextCursor: { type: ['integer', 'null'] },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const p = request.principal as Principal;
      const scope = countryScope(p);
      if (scope && q.country && q.country !== scope) {
        throw apiError('RMDX_ERR_FORBIDDEN', `This key reads ${scope}'s batches only`);
      }
      const rows = await listBatches(app.db, {
        country: scope ?? q.country,
        period: q.period,
        status: q.status,
        origin: q.origin,
        connectorId: q.connectorId,
        beforeSeq: q.cursor,
        limit: q.limit,
      });
      return {
        items: rows.map(batchView),
        nextCursor: rows.length === q.limit ? rows[rows.length - 1]!.seq : null,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/batches/:id',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['batches'],
        summary: 'A batch: status, progress, counts per record type and outcome, stage timings',
        params: uuidParams,
        response: { 200: batchViewSchema, ...problemResponses },
      },
    },
    async (request) => batchView(await visibleBatch(request, request.params.id)),
  );

  app.get<{
    Params: { id: string };
    Querystring: {
      format: 'json' | 'csv';
      severity?: 'error' | 'warning';
      code?: string;
      recordType?: string;
      limit: number;
      cursor?: number;
    };
  }>(
    '/v1/batches/:id/issues',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['batches'],
        summary: 'Per-record issues of a batch, paged; ?format=csv for the whole report as CSV',
        params: uuidParams,
        querystring: {
          type: 'object',
          properties: {
            format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
            severity: { type: 'string', enum: ['error', 'warning'] },
            code: { type: 'string', pattern: '^RMDX_[A-Z_]+$' },
            recordType: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            cursor: { type: 'integer', minimum: 0 },
          },
        },
        response: {
          200: {
            description: 'A page of issues (JSON), or with ?format=csv the whole report as text/csv.',
            type: 'object',
            properties: {
              batchId: { type: 'string' },
              items: { type: 'array', items: issueSchema },
              nextCursor: { type: ['integer', 'null'] },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const batch = await visibleBatch(request, request.params.id);
      const q = request.query;
      const filter = { batchId: batch.id, severity: q.severity, code: q.code, recordType: q.recordType };
      if (q.format === 'csv') return sendIssuesCsv(request, reply, batch, filter);
      const rows = await listIssues(app.db, { ...filter, afterId: q.cursor, limit: q.limit });
      return {
        batchId: batch.id,
        items: rows.map(issueView),
        nextCursor: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/batches/:id/replay',
    {
      onRequest: app.requireRole('secretariat'),
      schema: {
        tags: ['batches'],
        summary: 'Replay a failed batch: chunks already stored stay stored, the rest run again',
        params: uuidParams,
        response: { 202: batchViewSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const batch = await visibleBatch(request, request.params.id);
      const reopened =
        batch.status === 'failed'
          ? await reopenForReplay(app.db, batch, actorOf(request.principal))
          : undefined;
      if (!reopened)
        throw apiError(
          'RMDX_ERR_CONFLICT',
          `Batch ${batch.id} is ${batch.status}; only a failed batch can be replayed`,
        );
      request.log.info({ batchId: batch.id, attempt: reopened.attempts }, 'batch replay requested');
      enqueueSoon(request, reopened);
      return reply.status(202).send(batchView(reopened));
    },
  );
};

/** Streams every matching issue as CSV, page by page, so a 100k-issue report needs no big buffer. */
async function sendIssuesCsv(
  request: FastifyRequest,
  reply: FastifyReply,
  batch: BatchRow,
  filter: { batchId: string; severity?: 'error' | 'warning'; code?: string; recordType?: string },
) {
  const csv = stringify({
    header: true,
    columns: ['recordIndex', 'recordType', 'key', 'path', 'code', 'severity', 'message', 'messageFr'],
  });
  const db = request.server.db;
  void (async () => {
    let afterId: number | undefined;
    try {
      for (;;) {
        const rows = await listIssues(db, { ...filter, afterId, limit: 5000 });
        for (const r of rows) {
          const v = issueView(r);
          if (
            !csv.write([
              v.recordIndex,
              v.recordType,
              v.key,
              v.path,
              v.code,
              v.severity,
              v.message,
              v.messageFr,
            ])
          ) {
            await new Promise((resolve) => csv.once('drain', resolve));
          }
        }
        if (rows.length < 5000) break;
        afterId = rows[rows.length - 1]!.id;
      }
      csv.end();
    } catch (err) {
      csv.destroy(err as Error);
    }
  })();
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="rmdx-batch-${batch.id}-issues.csv"`)
    .send(csv);
}
