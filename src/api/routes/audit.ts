import type { FastifyPluginAsync } from 'fastify';

import { auditHead, entryOf, listAudit, verifyAuditChain } from '../../evidence/audit.js';
import { problemResponses } from '../schemas/problem.js';

const entrySchema = {
  type: 'object',
  required: ['seq', 'at', 'type', 'actor', 'subject', 'data', 'prevHash', 'hash'],
  properties: {
    seq: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    type: { type: 'string' },
    actor: { type: 'string' },
    subject: { type: ['string', 'null'] },
    data: { type: 'object', additionalProperties: true },
    prevHash: { type: 'string' },
    hash: { type: 'string', description: 'sha256 of the entry in RFC 8785 canonical JSON (without hash).' },
  },
} as const;

/** The audit chain, for the secretariat and auditors. */
export const auditRoutes: FastifyPluginAsync = async (app) => {
  app.get<{
    Querystring: {
      type?: string;
      actor?: string;
      subject?: string;
      from?: string;
      to?: string;
      cursor?: number;
      limit: number;
    };
  }>(
    '/v1/audit',
    {
      onRequest: app.requireRole('secretariat', 'auditor'),
      schema: {
        tags: ['evidence'],
        summary:
          'The audit chain, oldest first, paged; filter by type (or type prefix), actor, subject, time',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: { type: 'string', pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$', maxLength: 100 },
            actor: { type: 'string', maxLength: 200 },
            subject: { type: 'string', maxLength: 200 },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            cursor: { type: 'integer', minimum: 0, description: 'nextCursor of the previous page.' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'nextCursor', 'head'],
            properties: {
              items: { type: 'array', items: entrySchema },
              nextCursor: { type: ['integer', 'null'] },
              head: {
                type: ['object', 'null'],
                description: 'The newest entry of the whole chain (seq and hash).',
                properties: { seq: { type: 'integer' }, hash: { type: 'string' } },
              },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listAudit(app.db, {
        type: q.type,
        actor: q.actor,
        subject: q.subject,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        afterSeq: q.cursor,
        limit: q.limit,
      });
      return {
        items: rows.map(entryOf),
        nextCursor: rows.length === q.limit ? rows[rows.length - 1]!.seq : null,
        head: (await auditHead(app.db)) ?? null,
      };
    },
  );

  app.get(
    '/v1/audit/verify',
    {
      onRequest: app.requireRole('secretariat', 'auditor'),
      schema: {
        tags: ['evidence'],
        summary: 'Verify the whole audit chain (hashes, links, sequence, receipts pinning it) and report',
        response: {
          200: {
            type: 'object',
            required: ['ok', 'entries', 'head', 'problems'],
            properties: {
              ok: { type: 'boolean' },
              entries: { type: 'integer' },
              head: {
                type: ['object', 'null'],
                properties: { seq: { type: 'integer' }, hash: { type: 'string' } },
              },
              problems: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    seq: { type: 'integer' },
                    problem: { type: 'string' },
                    detail: { type: 'string' },
                  },
                },
              },
            },
          },
          ...problemResponses,
        },
      },
    },
    async () => verifyAuditChain(app.db),
  );
};
