import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

import { countryScope, type Principal } from '../../auth/roles.js';
import { withTransaction } from '../../db/pool.js';
import { apiError } from '../../errors.js';
import { actorOf, appendAudit } from '../../evidence/audit.js';
import { discrepancyCodes, discrepancyStatuses, type DiscrepancyStatus } from '../../matcher/codes.js';
import {
  answerDiscrepancy,
  discrepancyCursor,
  encodeCursor,
  getDiscrepancy,
  linksOfItem,
  listComments,
  listDiscrepancies,
  listOccurrences,
  recordsOf,
} from '../../matcher/reads.js';
import { getRunBySeq } from '../../matcher/runs.js';
import {
  commentView,
  commentViewSchema,
  discrepancyView,
  discrepancyViewSchema,
  linkView,
  linkViewSchema,
} from '../../matcher/views.js';
import { problemResponses } from '../schemas/problem.js';
import { countryParam, cursorOf, resultFilter, resultQueryProperties, type ResultQuery } from './matches.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
} as const;

/** A discrepancy of a corridor the caller may see; "not found" to other member states. */
async function visibleDiscrepancy(request: FastifyRequest, id: string) {
  const d = await getDiscrepancy(request.server.db, id);
  const scope = countryScope(request.principal as Principal);
  if (!d || (scope && d.exporting_country !== scope && d.importing_country !== scope))
    throw apiError('RMDX_ERR_NOT_FOUND', `No discrepancy ${id}`);
  return d;
}

const recordSchema = { type: 'object', additionalProperties: true } as const;

const detailSchema = {
  type: 'object',
  properties: {
    ...discrepancyViewSchema.properties,
    current: {
      type: 'boolean',
      description: 'Whether this is the current result for its corridor and month.',
    },
    records: {
      type: 'object',
      description: 'Both sides side by side, as the hub holds them now.',
      properties: {
        exports: { type: 'array', items: recordSchema },
        imports: { type: 'array', items: recordSchema },
      },
    },
    links: {
      type: 'object',
      properties: { self: { type: 'string' } },
    },
    matches: { type: 'array', items: linkViewSchema },
    comments: { type: 'array', items: commentViewSchema },
    occurrences: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          runId: { type: 'string' },
          severity: { type: 'string' },
          subtype: { type: ['string', 'null'] },
          finishedAt: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

function recordView(r: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'received' || k === 'batch_seq' || k === 'record_index') continue;
    out[k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] =
      v instanceof Date ? v.toISOString() : typeof v === 'string' ? v.trimEnd() : v;
  }
  return out;
}

/** Discrepancies: listing with filters, one with both records and its answers, and answering it. */
export const discrepancyRoutes: FastifyPluginAsync = async (app) => {
  app.get<{
    Querystring: ResultQuery & {
      code?: string;
      subtype?: string;
      severity?: string;
      status?: DiscrepancyStatus;
      responsible?: string;
      exportId?: string;
      importId?: string;
    };
  }>(
    '/v1/discrepancies',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['reconciliation'],
        summary:
          'Discrepancies, filterable by period, corridor, code, severity and status (a member state sees its corridors)',
        querystring: {
          type: 'object',
          properties: {
            ...resultQueryProperties,
            code: { type: 'string', enum: [...discrepancyCodes] },
            subtype: { type: 'string' },
            severity: { type: 'string', enum: ['info', 'minor', 'major'] },
            status: { type: 'string', enum: [...discrepancyStatuses] },
            responsible: { ...countryParam, description: 'Items this state is expected to answer.' },
            exportId: { type: 'string' },
            importId: { type: 'string' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: discrepancyViewSchema },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const filter = await resultFilter(app.db, q, countryScope(request.principal!));
      const rows = await listDiscrepancies(
        app.db,
        {
          ...filter,
          code: q.code,
          subtype: q.subtype,
          severity: q.severity,
          status: q.status,
          responsible: q.responsible,
          exportId: q.exportId,
          importId: q.importId,
        },
        { limit: q.limit, after: cursorOf(q, 5) },
      );
      return {
        items: rows.map(discrepancyView),
        nextCursor: rows.length === q.limit ? encodeCursor(discrepancyCursor(rows[rows.length - 1]!)) : null,
      };
    },
  );

  const detail = async (request: FastifyRequest, id: string) => {
    const d = await visibleDiscrepancy(request, id);
    const run = await getRunBySeq(app.db, d.run_seq);
    const importIds = d.import_ids ?? [];
    const [links, exportsRows, importRows, comments, occurrences] = await Promise.all([
      linksOfItem(app.db, d.run_seq, d.exporting_country, d.export_id, d.importing_country, importIds),
      recordsOf(app.db, 'exports', d.exporting_country, d.export_id ? [d.export_id] : []),
      recordsOf(app.db, 'imports', d.importing_country, importIds),
      listComments(app.db, id),
      listOccurrences(app.db, id),
    ]);
    return {
      ...discrepancyView(d),
      current: d.current,
      records: { exports: exportsRows.map(recordView), imports: importRows.map(recordView) },
      matches: links.map((l) => linkView(l, run?.settings)),
      comments: comments.map(commentView),
      occurrences: occurrences.map((o) => ({
        runId: o.run_id,
        severity: o.severity,
        subtype: o.subtype,
        finishedAt: o.finished_at?.toISOString() ?? null,
      })),
    };
  };

  app.get<{ Params: { id: string } }>(
    '/v1/discrepancies/:id',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['reconciliation'],
        summary: 'A discrepancy: both records side by side, the link score and comparison, reasons, comments',
        params: idParams,
        response: { 200: detailSchema, ...problemResponses },
      },
    },
    async (request) => detail(request, request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: { status?: DiscrepancyStatus; comment?: string } }>(
    '/v1/discrepancies/:id',
    {
      onRequest: app.requireRole('submitter', 'secretariat'),
      schema: {
        tags: ['reconciliation'],
        summary: 'Answer a discrepancy: set its status (open, explained, resolved) and/or add a comment',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            status: { type: 'string', enum: [...discrepancyStatuses] },
            comment: { type: 'string', minLength: 1, maxLength: 10000 },
          },
        },
        response: { 200: detailSchema, ...problemResponses },
      },
    },
    async (request) => {
      const d = await visibleDiscrepancy(request, request.params.id);
      const p = request.principal!;
      const comment = request.body.comment?.trim() || undefined;
      const { from, to } = await withTransaction(app.db, async (client) => {
        const answer = await answerDiscrepancy(
          client,
          d.id,
          { keyId: p.keyId, name: p.name, role: p.role, country: p.country },
          { status: request.body.status, comment },
          d.run_seq,
        );
        // Every answer that changes the status or says something goes into the audit chain, last in
        // the transaction of the change (a status set to what it already was, without a comment, is
        // no change).
        if (answer.to !== answer.from || comment !== undefined) {
          await appendAudit(client, {
            type: answer.to !== answer.from ? 'discrepancy.status_changed' : 'discrepancy.commented',
            actor: actorOf(p),
            subject: `discrepancy:${d.id}`,
            data: {
              from: answer.from,
              to: answer.to,
              comment: comment ?? null,
              commentId: answer.commentId,
              by: { name: p.name, role: p.role, country: p.country },
              code: d.code,
              severity: d.severity,
              exportingCountry: d.exporting_country,
              importingCountry: d.importing_country,
              period: d.period,
              runId: d.run_id,
            },
          });
        }
        return answer;
      });
      request.log.info({ discrepancyId: d.id, from, to }, 'discrepancy answered');
      return detail(request, d.id);
    },
  );
};
