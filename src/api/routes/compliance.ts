import type { FastifyPluginAsync } from 'fastify';

import { countryScope } from '../../auth/roles.js';
import { apiError } from '../../errors.js';
import { encodeCursor, listCompliance } from '../../matcher/reads.js';
import { complianceView, complianceViewSchema } from '../../matcher/views.js';
import { problemResponses } from '../schemas/problem.js';
import { countryParam, cursorOf, periodPattern } from './matches.js';

/** Compliance per member state and month: the secretariat and auditors see all, each state its own. */
export const complianceRoutes: FastifyPluginAsync = async (app) => {
  app.get<{
    Querystring: {
      country?: string;
      period?: string;
      periodTo?: string;
      band?: string;
      limit: number;
      cursor?: string;
    };
  }>(
    '/v1/compliance',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['reconciliation'],
        summary:
          'Compliance per state and month: timeliness, certificate coverage, confirmation rate, reliability index, open major items, band',
        querystring: {
          type: 'object',
          properties: {
            country: countryParam,
            period: { type: 'string', pattern: periodPattern },
            periodTo: { type: 'string', pattern: periodPattern },
            band: { type: 'string', enum: ['compliant', 'partial', 'non_compliant'] },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
            cursor: { type: 'string' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: complianceViewSchema },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const scope = countryScope(request.principal!);
      if (scope && q.country && q.country !== scope)
        throw apiError('RMDX_ERR_NOT_FOUND', `No compliance figures of ${q.country} for this key`);
      const rows = await listCompliance(
        app.db,
        { country: scope ?? q.country, periodFrom: q.period, periodTo: q.periodTo ?? q.period, band: q.band },
        { limit: q.limit, after: cursorOf(q, 2) },
      );
      return {
        items: rows.map(complianceView),
        nextCursor:
          rows.length === q.limit
            ? encodeCursor([rows[rows.length - 1]!.period, rows[rows.length - 1]!.country])
            : null,
      };
    },
  );
};
