import type { FastifyPluginAsync } from 'fastify';

import { createApiKey } from '../../auth/keys.js';
import { roles } from '../../auth/roles.js';
import { getApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../../db/queries/api-keys.js';
import { withTransaction } from '../../db/pool.js';
import { apiError } from '../../errors.js';
import { actorOf, appendAudit } from '../../evidence/audit.js';
import { problemResponses } from '../schemas/problem.js';

const keyView = {
  type: 'object',
  required: ['id', 'name', 'role', 'country', 'prefix', 'createdAt', 'revokedAt', 'lastUsedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    role: { type: 'string', enum: [...roles] },
    country: { type: ['string', 'null'] },
    prefix: { type: 'string', description: 'The first characters of the key, to tell keys apart.' },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

function view(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    country: row.country,
    prefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

/** Issuing and revoking API keys: the secretariat's job. */
export const keyRoutes: FastifyPluginAsync = async (app) => {
  // The member states of the newest published standard.
  const isMemberState = (code: string) =>
    app.standard.get(app.standard.latest).codelists.memberState.has(code);

  app.get<{ Querystring: { includeRevoked?: boolean } }>(
    '/v1/keys',
    {
      onRequest: app.requireRole('secretariat', 'auditor'),
      schema: {
        tags: ['keys'],
        summary: 'List API keys (never the keys themselves)',
        querystring: { type: 'object', properties: { includeRevoked: { type: 'boolean', default: false } } },
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: keyView } },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => ({
      items: (await listApiKeys(app.db, { includeRevoked: request.query.includeRevoked ?? false })).map(view),
    }),
  );

  app.post<{ Body: { name: string; role: (typeof roles)[number]; country?: string } }>(
    '/v1/keys',
    {
      onRequest: app.requireRole('secretariat'),
      schema: {
        tags: ['keys'],
        summary: 'Issue an API key; the key is shown once in this answer',
        body: {
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            role: { type: 'string', enum: [...roles] },
            country: {
              type: 'string',
              pattern: '^[A-Z]{2}$',
              description: 'Member state of a submitter key.',
            },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['key', 'apiKey'],
            properties: { key: { type: 'string' }, apiKey: keyView },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { name, role, country } = request.body;
      if (role === 'submitter' && (!country || !isMemberState(country))) {
        throw apiError(
          'RMDX_ERR_BAD_REQUEST',
          'A submitter key needs `country`: one of the member states of the standard',
        );
      }
      if (role !== 'submitter' && country) {
        throw apiError(
          'RMDX_ERR_BAD_REQUEST',
          `A ${role} key acts for the whole region; leave out \`country\``,
        );
      }
      const { key, row } = await withTransaction(app.db, async (client) => {
        const issued = await createApiKey(client, {
          name,
          role,
          country,
          createdBy: request.principal!.keyId,
        });
        await appendAudit(client, {
          type: 'key.issued',
          actor: actorOf(request.principal),
          subject: `key:${issued.row.id}`,
          data: { name, role, country: issued.row.country, prefix: issued.row.key_prefix },
        });
        return issued;
      });
      request.log.info({ keyId: row.id, role, country }, 'api key issued');
      return reply.status(201).send({ key, apiKey: view(row) });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/keys/:id',
    {
      onRequest: app.requireRole('secretariat'),
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key at once',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        response: { 200: keyView, ...problemResponses },
      },
    },
    async (request) => {
      const before = await getApiKey(app.db, request.params.id);
      if (!before) throw apiError('RMDX_ERR_NOT_FOUND', `No API key ${request.params.id}`);
      const row = await withTransaction(app.db, async (client) => {
        const revoked = (await revokeApiKey(client, request.params.id))!;
        if (!before.revoked_at) {
          await appendAudit(client, {
            type: 'key.revoked',
            actor: actorOf(request.principal),
            subject: `key:${revoked.id}`,
            data: { name: revoked.name, role: revoked.role, country: revoked.country },
          });
        }
        return revoked;
      });
      request.log.info({ keyId: row.id }, 'api key revoked');
      return view(row);
    },
  );
};
