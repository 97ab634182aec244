import type { FastifyPluginAsync } from 'fastify';

import { listReceipts, receiptOf } from '../../evidence/receipts.js';
import { problemResponses } from '../schemas/problem.js';
import { signedReceiptSchema } from '../../evidence/receipt-schema.js';
import { visibleBatch } from './batches.js';

const jwkSchema = {
  type: 'object',
  required: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
  properties: {
    kty: { type: 'string', enum: ['OKP'] },
    crv: { type: 'string', enum: ['Ed25519'] },
    x: { type: 'string', description: 'The public key, base64url.' },
    kid: { type: 'string', description: 'RFC 7638 thumbprint; receipts name their key by it.' },
    alg: { type: 'string', enum: ['EdDSA'] },
    use: { type: 'string', enum: ['sig'] },
    status: { type: 'string', enum: ['active', 'retired'] },
    createdAt: { type: 'string', format: 'date-time' },
    retiredAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/** The receipt signing keys (public) and the receipts of a batch. */
export const receiptRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/v1/receipt-keys',
    {
      schema: {
        tags: ['evidence'],
        summary:
          'The JWK set that verifies receipts: the active Ed25519 key and every retired one (rotation keeps them)',
        response: {
          200: {
            type: 'object',
            required: ['keys'],
            properties: { keys: { type: 'array', items: jwkSchema } },
          },
          ...problemResponses,
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return app.evidence.jwks(app.db);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/batches/:id/receipts',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['evidence'],
        summary: 'The signed receipts of a batch: on acceptance and on each completion',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', format: 'uuid' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['batchId', 'items'],
            properties: { batchId: { type: 'string' }, items: { type: 'array', items: signedReceiptSchema } },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const batch = await visibleBatch(request, request.params.id);
      return { batchId: batch.id, items: (await listReceipts(app.db, batch.id)).map(receiptOf) };
    },
  );
};
