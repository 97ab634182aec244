import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify';

import type { Principal } from '../../auth/roles.js';
import type { Logger } from '../../logger.js';
import { apiError } from '../../errors.js';
import { connectorsContextOf } from '../../connectors/hub.js';
import {
  checkConnector,
  connectorState,
  connectorView,
  createConnector,
  fileView,
  pauseConnector,
  replayRun,
  resumeConnector,
  runNow,
  runView,
  testConnector,
  updateConnector,
  uploadFile,
  type ConnectorsContext,
} from '../../connectors/manage.js';
import {
  getFile,
  getInstance,
  getRun,
  listFiles,
  listInstances,
  listRunBatches,
  listRunIssues,
  listRuns,
  type InstanceRow,
  type RunIssueRow,
  type RunStatus,
} from '../../connectors/store.js';
import { problemResponses } from '../schemas/problem.js';

export interface ConnectorRoutesOptions {
  /** The process's connectors (with a scheduler when it can run them); built from config if absent. */
  connectors?: ConnectorsContext | undefined;
}

const uuid = { type: 'string', format: 'uuid' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const runParams = {
  type: 'object',
  required: ['id', 'runId'],
  properties: { id: uuid, runId: uuid },
} as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const nullableString = { type: ['string', 'null'] } as const;

const connectorSchema = {
  type: 'object',
  required: ['id', 'country', 'name', 'kind', 'mapping', 'status'],
  properties: {
    id: uuid,
    country: { type: 'string' },
    name: { type: 'string' },
    title: nullableString,
    kind: { type: 'string', enum: ['http-json', 'file'] },
    mapping: {
      type: 'object',
      properties: { name: { type: 'string' }, version: { type: 'string' }, id: { type: 'string' } },
    },
    config: { ...anyObject, description: "The kind's configuration (never a secret)." },
    options: anyObject,
    schedule: { ...nullableString, description: 'Cron expression, UTC; null: run now and uploads only.' },
    enabled: { type: 'boolean' },
    paused: {
      type: ['object', 'null'],
      properties: { at: { type: 'string' }, reason: nullableString },
    },
    secrets: {
      type: 'object',
      description: 'The names of the secret fields set; their values are never shown.',
      properties: { fields: { type: 'array', items: { type: 'string' } } },
    },
    status: {
      type: 'object',
      properties: {
        health: { type: 'string', enum: ['ok', 'failing', 'paused', 'never'] },
        lastRunId: nullableString,
        lastRunAt: nullableString,
        lastRunStatus: nullableString,
        lastRunFinishedAt: nullableString,
        nextRunAt: nullableString,
        cursor: { description: "The kind's cursor: where the next run starts." },
        cursorUpdatedAt: nullableString,
        rows: {
          type: 'object',
          properties: {
            read: { type: 'integer' },
            mapped: { type: 'integer' },
            rejected: { type: 'integer' },
          },
        },
        batches: {
          type: 'object',
          properties: { created: { type: 'integer' }, existing: { type: 'integer' } },
        },
        lastError: {
          type: ['object', 'null'],
          properties: {
            code: nullableString,
            message: { type: 'string' },
            at: nullableString,
            runId: nullableString,
          },
        },
        consecutiveFailures: { type: 'integer' },
      },
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    links: anyObject,
  },
} as const;

const runSchema = {
  type: 'object',
  required: ['id', 'connectorId', 'trigger', 'status'],
  properties: {
    id: uuid,
    connectorId: uuid,
    trigger: { type: 'string', enum: ['schedule', 'manual', 'upload', 'replay'] },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] },
    attempt: { type: 'integer' },
    replayOf: nullableString,
    fileIds: { type: ['array', 'null'], items: { type: 'string' } },
    queuedAt: { type: 'string' },
    startedAt: nullableString,
    finishedAt: nullableString,
    cursorBefore: {},
    cursorAfter: {},
    pages: { type: 'integer' },
    rows: {
      type: 'object',
      properties: {
        read: { type: 'integer' },
        mapped: { type: 'integer' },
        rejected: { type: 'integer' },
        skipped: { type: 'integer' },
      },
    },
    records: {
      type: 'object',
      properties: {
        mapped: { type: 'integer' },
        unchanged: {
          type: 'integer',
          description: 'Records already sent unchanged (re-read rows): not sent again.',
        },
      },
    },
    batches: {
      type: 'object',
      properties: {
        created: { type: 'integer' },
        existing: { type: 'integer', description: 'Pages read again whose batch was already stored.' },
      },
    },
    issues: { type: 'integer', description: 'Rows that could not be mapped (see links.issues).' },
    mappingDigest: nullableString,
    error: {
      type: ['object', 'null'],
      properties: {
        code: { type: 'string' },
        retryable: { type: ['boolean', 'null'] },
        message: nullableString,
      },
    },
    links: anyObject,
    batchList: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          batchId: uuid,
          page: { type: 'integer' },
          period: { type: 'string' },
          records: { type: 'integer' },
          created: { type: 'boolean' },
          status: { type: 'string' },
        },
      },
    },
  },
} as const;

const fileSchema = {
  type: 'object',
  properties: {
    id: uuid,
    connectorId: uuid,
    origin: { type: 'string', enum: ['upload', 'folder'] },
    name: { type: 'string' },
    sha256: { type: 'string' },
    size: { type: 'integer' },
    receivedAt: { type: 'string' },
    receivedBy: nullableString,
    doneAt: nullableString,
    doneRunId: nullableString,
  },
} as const;

const issueSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    rowNumber: { type: 'integer', description: 'The row as the source counts it (spreadsheet: header = 1).' },
    stream: { type: 'string' },
    file: nullableString,
    sheet: nullableString,
    sourceId: nullableString,
    column: nullableString,
    value: nullableString,
    code: { type: 'string' },
    message: { type: 'string' },
    messageFr: { type: 'string' },
  },
} as const;

const issueView = (i: RunIssueRow) => ({
  seq: i.seq,
  rowNumber: i.row_number,
  stream: i.stream,
  file: i.file,
  sheet: i.sheet,
  sourceId: i.source_id,
  column: i.column_name,
  value: i.value,
  code: i.code,
  message: i.message,
  messageFr: i.message_fr,
});

const fileTypes = [
  'text/csv',
  'text/plain',
  'application/csv',
  'application/octet-stream',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

/** The file name of an upload: `?name=`, else Content-Disposition's filename. */
function uploadName(request: FastifyRequest<{ Querystring: { name?: string } }>): string {
  if (request.query.name) return request.query.name;
  const cd = request.headers['content-disposition'];
  const m = cd ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd) : null;
  if (m) return decodeURIComponent(m[1]!);
  throw apiError(
    'RMDX_ERR_BAD_REQUEST',
    'Name the file: ?name=sites_2026-03.csv, or Content-Disposition: attachment; filename="…"',
  );
}

function uploadBody(request: FastifyRequest): Buffer {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw apiError(
      'RMDX_ERR_BAD_REQUEST',
      `Send the file as the body (Content-Type: ${fileTypes.slice(0, 1).join('')}, or the XLSX type, or application/octet-stream)`,
    );
  }
  return body;
}

/**
 * `/v1/connectors`: the secretariat configures and runs the connectors of every member state;
 * auditors read. Secrets can be set, never read.
 */
export const connectorRoutes: FastifyPluginAsync<ConnectorRoutesOptions> = async (app, opts) => {
  const c: ConnectorsContext =
    opts.connectors ??
    connectorsContextOf({
      config: app.config,
      pool: app.db,
      registry: app.standard,
      logger: app.log as unknown as Logger,
    });
  const readers = app.requireRole('secretariat', 'auditor');
  const writers = app.requireRole('secretariat');
  // As the audit chain names actors: the API key that asked.
  const actor = (request: FastifyRequest) => `key:${(request.principal as Principal).keyId}`;

  // Files come as they are: CSV, XLSX or any bytes (this plugin's routes only).
  app.addContentTypeParser(
    fileTypes,
    { parseAs: 'buffer', bodyLimit: app.config.bodyLimitBytes },
    async (_request: FastifyRequest, body: Buffer) => body,
  );

  const instance = async (id: string): Promise<InstanceRow> => {
    const inst = await getInstance(c.pool, id);
    if (!inst) throw apiError('RMDX_ERR_NOT_FOUND', `No connector ${id}`);
    return inst;
  };
  const view = async (inst: InstanceRow) => connectorView(inst, await connectorState(c.pool, inst));

  app.get<{ Querystring: { country?: string } }>(
    '/v1/connectors',
    {
      onRequest: readers,
      schema: {
        tags: ['connectors'],
        summary: 'List connectors with their status (last run, cursor, rows, next run, last error)',
        querystring: { type: 'object', properties: { country: { type: 'string', pattern: '^[A-Z]{2}$' } } },
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: connectorSchema } },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => ({
      items: await Promise.all(
        (await listInstances(c.pool, { country: request.query.country })).map((i) => view(i)),
      ),
    }),
  );

  app.get(
    '/v1/connectors/mappings',
    {
      onRequest: readers,
      schema: {
        tags: ['connectors'],
        summary: 'The mappings installed with the hub (one per national format)',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    version: { type: 'string' },
                    id: { type: 'string' },
                    format: { type: 'string' },
                    standardVersion: { type: 'string' },
                    description: nullableString,
                  },
                },
              },
            },
          },
          ...problemResponses,
        },
      },
    },
    async () => ({ items: await c.mappings.list() }),
  );

  app.post<{
    Body: {
      country: string;
      name: string;
      title?: string;
      kind: string;
      mapping: string;
      config: unknown;
      secrets?: Record<string, unknown>;
      schedule?: string | null;
      options?: unknown;
    };
  }>(
    '/v1/connectors',
    {
      onRequest: writers,
      schema: {
        tags: ['connectors'],
        summary: 'Configure a connector for a member state (its secrets are stored sealed and never shown)',
        body: {
          type: 'object',
          required: ['country', 'name', 'kind', 'mapping', 'config'],
          additionalProperties: false,
          properties: {
            country: { type: 'string', pattern: '^[A-Z]{2}$' },
            name: { type: 'string', description: 'Lower-case, unique in the country, e.g. "rmb-api".' },
            title: { type: 'string' },
            kind: { type: 'string', enum: ['http-json', 'file'] },
            mapping: { type: 'string', description: '"json-api-rmd" or "json-api-rmd@1.0.0".' },
            config: {
              ...anyObject,
              description: "The kind's configuration (GET /v1/connectors/mappings, src/connectors).",
            },
            secrets: { ...anyObject, description: 'Tokens and passwords: write-only.' },
            schedule: { ...nullableString, description: 'Cron expression (UTC), e.g. "0 */6 * * *".' },
            options: {
              type: 'object',
              additionalProperties: false,
              properties: {
                timezone: { type: 'string' },
                acceptance: { type: 'string', enum: ['partial', 'all-or-nothing'] },
              },
            },
          },
        },
        response: { 201: connectorSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const inst = await createConnector(c, request.body, actor(request));
      request.log.info({ connectorId: inst.id, country: inst.country, name: inst.name }, 'connector created');
      return reply
        .status(201)
        .header('location', `/v1/connectors/${inst.id}`)
        .send(await view(inst));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/connectors/:id',
    {
      onRequest: readers,
      schema: {
        tags: ['connectors'],
        summary: 'A connector and its status',
        params: idParams,
        response: { 200: connectorSchema, ...problemResponses },
      },
    },
    async (request) => view(await instance(request.params.id)),
  );

  app.patch<{
    Params: { id: string };
    Body: {
      title?: string | null;
      mapping?: string;
      config?: unknown;
      secrets?: Record<string, unknown>;
      schedule?: string | null;
      options?: unknown;
      resetCursor?: boolean;
    };
  }>(
    '/v1/connectors/:id',
    {
      onRequest: writers,
      schema: {
        tags: ['connectors'],
        summary:
          'Change a connector: configuration (whole), secrets (merged; null removes a field), schedule, mapping version',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            title: nullableString,
            mapping: { type: 'string' },
            config: anyObject,
            secrets: anyObject,
            schedule: nullableString,
            options: anyObject,
            resetCursor: { type: 'boolean', description: 'Read from the beginning at the next run.' },
          },
        },
        response: { 200: connectorSchema, ...problemResponses },
      },
    },
    async (request) => {
      const inst = await updateConnector(c, await instance(request.params.id), request.body, actor(request));
      return view(inst);
    },
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
    '/v1/connectors/:id/pause',
    {
      onRequest: writers,
      schema: {
        tags: ['connectors'],
        summary: 'Pause a connector: no scheduled run until it is resumed',
        params: idParams,
        body: { type: ['object', 'null'], properties: { reason: { type: 'string', maxLength: 1000 } } },
        response: { 200: connectorSchema, ...problemResponses },
      },
    },
    async (request) =>
      view(await pauseConnector(c, await instance(request.params.id), request.body?.reason, actor(request))),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/connectors/:id/resume',
    {
      onRequest: writers,
      schema: {
        tags: ['connectors'],
        summary: 'Resume a paused connector (its failure count starts again at 0)',
        params: idParams,
        response: { 200: connectorSchema, ...problemResponses },
      },
    },
    async (request) => view(await resumeConnector(c, await instance(request.params.id), actor(request))),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/connectors/:id/run',
    {
      onRequest: writers,
      schema: {
        tags: ['connectors'],
        summary: 'Run now: queue a run of the connector (its status is at links.self)',
        params: idParams,
        response: { 202: runSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const run = await runNow(c, await instance(request.params.id), actor(request));
      return reply.status(202).header('location', runView(run).links.self).send(runView(run));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/connectors/:id/check',
    {
      onRequest: writers,
      schema: {
        tags: ['connectors'],
        summary: 'Check the source: reachable, credentials accepted (nothing read or stored)',
        params: idParams,
        response: { 200: anyObject, ...problemResponses },
      },
    },
    async (request) => checkConnector(c, await instance(request.params.id)),
  );

  app.post<{ Params: { id: string }; Querystring: { name?: string; limit: number; fromStart?: boolean } }>(
    '/v1/connectors/:id/test',
    {
      onRequest: writers,
      schema: {
        tags: ['connectors'],
        summary:
          'Dry run: read a file sent as the body (file connectors) or the live source, map, validate; store nothing',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            limit: {
              type: 'integer',
              minimum: 0,
              maximum: 10000,
              default: 100,
              description: 'Records shown.',
            },
            fromStart: { type: 'boolean' },
          },
        },
        response: { 200: anyObject, ...problemResponses },
      },
    },
    async (request) => {
      const inst = await instance(request.params.id);
      const files = Buffer.isBuffer(request.body)
        ? [{ name: uploadName(request), data: uploadBody(request) }]
        : undefined;
      const r = await testConnector(c, inst, {
        ...(files && { files }),
        ...(request.query.fromStart && { fromStart: true }),
        maxRows: 100_000,
      });
      const { records, origins, issues, ...rest } = r;
      return {
        ...rest,
        records: records.slice(0, request.query.limit).map((record, i) => ({ origin: origins[i], record })),
        // The first 1,000 mapping issues; issuesTotal says how many there were.
        issues: issues.slice(0, 1000),
        issuesTotal: issues.length,
        batches: rest.batches.map(({ origins: _origins, ...b }) => b),
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { status?: RunStatus; limit: number; before?: string } }>(
    '/v1/connectors/:id/runs',
    {
      onRequest: readers,
      schema: {
        tags: ['connectors'],
        summary: 'Runs of a connector, newest first',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            before: { type: 'string', format: 'date-time', description: 'nextBefore of the previous page.' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: runSchema }, nextBefore: nullableString },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const inst = await instance(request.params.id);
      const q = request.query;
      const rows = await listRuns(c.pool, {
        instanceId: inst.id,
        status: q.status,
        limit: q.limit,
        ...(q.before && { before: new Date(q.before) }),
      });
      return {
        items: rows.map(runView),
        nextBefore: rows.length === q.limit ? rows[rows.length - 1]!.queued_at.toISOString() : null,
      };
    },
  );

  const visibleRun = async (id: string, runId: string) => {
    const run = await getRun(c.pool, runId);
    if (!run || run.instance_id !== id)
      throw apiError('RMDX_ERR_NOT_FOUND', `No run ${runId} of connector ${id}`);
    return run;
  };

  app.get<{ Params: { id: string; runId: string } }>(
    '/v1/connectors/:id/runs/:runId',
    {
      onRequest: readers,
      schema: {
        tags: ['connectors'],
        summary: 'A run: status, cursors, counts, error, and the batches it stored',
        params: runParams,
        response: { 200: runSchema, ...problemResponses },
      },
    },
    async (request) => {
      const run = await visibleRun(request.params.id, request.params.runId);
      const batches = await listRunBatches(c.pool, run.id);
      return {
        ...runView(run),
        batchList: batches.map((b) => ({
          batchId: b.batch_id,
          page: b.page,
          period: b.period,
          records: b.record_count,
          created: b.created,
          status: b.status,
        })),
      };
    },
  );

  app.get<{
    Params: { id: string; runId: string };
    Querystring: { format: 'json' | 'csv'; limit: number; cursor?: number };
  }>(
    '/v1/connectors/:id/runs/:runId/issues',
    {
      onRequest: readers,
      schema: {
        tags: ['connectors'],
        summary: 'Rows of a run that could not be mapped: row number, column, value and reason; ?format=csv',
        params: runParams,
        querystring: {
          type: 'object',
          properties: {
            format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            cursor: { type: 'integer', minimum: 0 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              runId: { type: 'string' },
              items: { type: 'array', items: issueSchema },
              nextCursor: { type: ['integer', 'null'] },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const run = await visibleRun(request.params.id, request.params.runId);
      if (request.query.format === 'csv') return sendIssuesCsv(c, reply, run.id);
      const rows = await listRunIssues(c.pool, {
        runId: run.id,
        afterSeq: request.query.cursor,
        limit: request.query.limit,
      });
      return {
        runId: run.id,
        items: rows.map(issueView),
        nextCursor: rows.length === request.query.limit ? rows[rows.length - 1]!.seq : null,
      };
    },
  );

  app.post<{ Params: { id: string; runId: string } }>(
    '/v1/connectors/:id/runs/:runId/replay',
    {
      onRequest: writers,
      schema: {
        tags: ['connectors'],
        summary:
          'Replay a failed run: read again from where it began (its stored files); pages already stored find their batch',
        params: runParams,
        response: { 202: runSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const run = await replayRun(
        c,
        await visibleRun(request.params.id, request.params.runId),
        actor(request),
      );
      return reply.status(202).header('location', runView(run).links.self).send(runView(run));
    },
  );

  app.post<{ Params: { id: string }; Querystring: { name?: string; period?: string } }>(
    '/v1/connectors/:id/files',
    {
      onRequest: writers,
      schema: {
        tags: ['connectors'],
        summary:
          'Upload a CSV or XLSX export to a file connector: stored first, then read by a run (202 with the run)',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            name: {
              type: 'string',
              description: 'The file name (picks the mapping source: "lots_2026-03.csv").',
            },
            period: {
              type: 'string',
              pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
              description: 'Month of records without an event date, when the file name does not say.',
            },
          },
        },
        response: {
          202: { type: 'object', properties: { file: fileSchema, run: runSchema } },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const inst = await instance(request.params.id);
      const { file, run } = await uploadFile(
        c,
        inst,
        { name: uploadName(request), data: uploadBody(request), period: request.query.period },
        actor(request),
      );
      request.log.info(
        { connectorId: inst.id, fileId: file.id, runId: run.id, size: file.size },
        'connector file received',
      );
      return reply
        .status(202)
        .header('location', runView(run).links.self)
        .send({ file: fileView(file), run: runView(run) });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/connectors/:id/files',
    {
      onRequest: readers,
      schema: {
        tags: ['connectors'],
        summary: 'Files received by a connector (uploads, folder pick-ups), newest first',
        params: idParams,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: fileSchema } } },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const inst = await instance(request.params.id);
      return { items: (await listFiles(c.pool, inst.id)).map(fileView) };
    },
  );

  app.get<{ Params: { id: string; fileId: string } }>(
    '/v1/connectors/:id/files/:fileId',
    {
      onRequest: readers,
      schema: {
        tags: ['connectors'],
        summary: 'A received file: whether it has been read, and by which run',
        params: { type: 'object', required: ['id', 'fileId'], properties: { id: uuid, fileId: uuid } },
        response: { 200: fileSchema, ...problemResponses },
      },
    },
    async (request) => {
      const f = await getFile(c.pool, request.params.fileId);
      if (!f || f.instance_id !== request.params.id)
        throw apiError('RMDX_ERR_NOT_FOUND', `No file ${request.params.fileId}`);
      return fileView(f);
    },
  );
};

/** The whole issue list of a run as CSV, page by page. */
function sendIssuesCsv(c: ConnectorsContext, reply: FastifyReply, runId: string) {
  const columns = [
    'rowNumber',
    'stream',
    'file',
    'sheet',
    'sourceId',
    'column',
    'value',
    'code',
    'message',
    'messageFr',
  ] as const;
  const csv = stringify({ header: true, columns: [...columns] });
  void (async () => {
    let after = 0;
    try {
      for (;;) {
        const rows = await listRunIssues(c.pool, { runId, afterSeq: after, limit: 5000 });
        for (const r of rows) {
          const v = issueView(r);
          if (!csv.write(columns.map((k) => v[k])))
            await new Promise((resolve) => csv.once('drain', resolve));
        }
        if (rows.length < 5000) break;
        after = rows[rows.length - 1]!.seq;
      }
      csv.end();
    } catch (err) {
      csv.destroy(err as Error);
    }
  })();
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="rmdx-connector-run-${runId}-issues.csv"`)
    .send(csv);
}
