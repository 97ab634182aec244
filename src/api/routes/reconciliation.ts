import type { FastifyPluginAsync } from 'fastify';

import { apiError } from '../../errors.js';
import { runSettingsOf, today } from '../../matcher/reconciler.js';
import { createRun, getRun, listRuns, type RunStatus } from '../../matcher/runs.js';
import { runView, runViewSchema } from '../../matcher/views.js';
import { problemResponses } from '../schemas/problem.js';

const periodPattern = '^\\d{4}-(0[1-9]|1[0-2])$';
const country = { type: 'string', pattern: '^[A-Z]{2}$' } as const;

interface RunBody {
  period: string;
  periodTo?: string;
  exportingCountry?: string;
  importingCountry?: string;
  asOf?: string;
}

/** Reconciliation runs: the matcher over a period (and a corridor), as a job with progress. */
export const reconciliationRoutes: FastifyPluginAsync = async (app) => {
  const members = () => app.standard.get(app.standard.latest).codelists.memberState;

  app.post<{ Body: RunBody }>(
    '/v1/reconciliation/runs',
    {
      onRequest: app.requireRole('secretariat'),
      schema: {
        tags: ['reconciliation'],
        summary: 'Start a reconciliation run for a month (or months) and optionally one corridor',
        body: {
          type: 'object',
          required: ['period'],
          additionalProperties: false,
          properties: {
            period: {
              type: 'string',
              pattern: periodPattern,
              description: 'First (or only) month, YYYY-MM.',
            },
            periodTo: {
              type: 'string',
              pattern: periodPattern,
              description: 'Last month of a range, YYYY-MM.',
            },
            exportingCountry: {
              ...country,
              description: 'Only exports of this member state (and its partners’ imports from it).',
            },
            importingCountry: { ...country, description: 'Only flows into this member state.' },
            asOf: {
              type: 'string',
              format: 'date',
              description: 'The day lag windows are judged against (default today); part of the inputs.',
            },
          },
        },
        response: { 202: runViewSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const periodTo = b.periodTo ?? b.period;
      if (periodTo < b.period) throw apiError('RMDX_ERR_BAD_REQUEST', 'periodTo is before period');
      for (const c of [b.exportingCountry, b.importingCountry]) {
        if (c !== undefined && !members().has(c))
          throw apiError(
            'RMDX_ERR_BAD_REQUEST',
            `${c} is not a member state; flows with it are counted, not matched`,
          );
      }
      if (b.exportingCountry && b.exportingCountry === b.importingCountry)
        throw apiError('RMDX_ERR_BAD_REQUEST', 'exportingCountry and importingCountry are the same state');
      const req = {
        periodFrom: b.period,
        periodTo,
        exportingCountry: b.exportingCountry ?? null,
        importingCountry: b.importingCountry ?? null,
        asOf: b.asOf,
        trigger: 'api' as const,
        requestedBy: request.principal!.keyId,
      };
      // Stored first; without a reconciler in this process a worker's sweeper picks the queued run up.
      const run = app.reconciler
        ? await app.reconciler.requestRun(req)
        : await createRun(app.db, {
            ...req,
            asOf: b.asOf ?? today(new Date()),
            settings: runSettingsOf(app.config.matcher),
          });
      return reply.status(202).header('location', `/v1/reconciliation/runs/${run.id}`).send(runView(run));
    },
  );

  app.get<{ Querystring: { status?: RunStatus; limit: number; cursor?: number } }>(
    '/v1/reconciliation/runs',
    {
      onRequest: app.requireRole('secretariat', 'auditor'),
      schema: {
        tags: ['reconciliation'],
        summary: 'Reconciliation runs, newest first',
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['queued', 'running', 'completed', 'failed'] },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            cursor: { type: 'integer', minimum: 1, description: 'nextCursor of the previous page.' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: runViewSchema },
              nextCursor: { type: ['integer', 'null'] },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listRuns(app.db, { status: q.status, beforeSeq: q.cursor, limit: q.limit });
      return {
        items: rows.map(runView),
        nextCursor: rows.length === q.limit ? rows[rows.length - 1]!.seq : null,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/reconciliation/runs/:id',
    {
      onRequest: app.requireRole('secretariat', 'auditor'),
      schema: {
        tags: ['reconciliation'],
        summary: 'A reconciliation run: status, progress, counts, timings, inputs fingerprint',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', format: 'uuid' } },
        },
        response: { 200: runViewSchema, ...problemResponses },
      },
    },
    async (request) => {
      const run = await getRun(app.db, request.params.id);
      if (!run) throw apiError('RMDX_ERR_NOT_FOUND', `No reconciliation run ${request.params.id}`);
      return runView(run);
    },
  );
};
