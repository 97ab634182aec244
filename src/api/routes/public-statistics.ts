import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsync } from 'fastify';

import { addMonths, currentPeriod } from '../../console/completeness.js';
import type { Queryable } from '../../db/pool.js';
import { apiError } from '../../errors.js';
import { problemResponses } from '../schemas/problem.js';

/**
 * Published trade statistics: exports and imports of the designated minerals by reporting state,
 * partner, mineral and month, in kilograms and US dollars. Only records whose current version came in
 * a batch that finished (completed, or completed with some records rejected) count; nothing about a
 * company or a person leaves the hub, and a cell built from fewer than `minTraders` distinct traders is
 * withheld (its figures are null and `confidential` is true).
 */
export interface StatisticsCell {
  flow: 'export' | 'import';
  month: string;
  reporter: string;
  partner: string;
  mineral: string;
  massKg: number | null;
  valueUsd: number | null;
  shipments: number | null;
  confidential: boolean;
}

export interface StatisticsQuery {
  from: string;
  to: string;
  flow?: 'export' | 'import';
  reporter?: string;
  partner?: string;
  mineral?: string;
  minTraders: number;
}

const finished = `('completed', 'completed_with_errors')`;

export async function publicStatistics(db: Queryable, q: StatisticsQuery): Promise<StatisticsCell[]> {
  const from = `${q.from}-01`;
  const toExclusive = `${addMonths(q.to, 1)}-01`;
  const { rows } = await db.query<{
    flow: 'export' | 'import';
    month: string;
    reporter: string;
    partner: string;
    mineral: string;
    mass_kg: number | null;
    value_usd: number | null;
    shipments: number;
    traders: number;
  }>(
    `SELECT * FROM (
       SELECT 'export' AS flow, to_char(r.shipped_on, 'YYYY-MM') AS month, r.country AS reporter,
              r.destination_country AS partner, r.mineral,
              round(sum(r.mass_kg), 3) AS mass_kg, round(sum(r.value_usd), 2) AS value_usd,
              count(*)::int AS shipments,
              count(DISTINCT coalesce(r.exporter_id, r.exporter_name_key, ''))::int AS traders
       FROM exports r JOIN batches b ON b.id = r.batch_id
       WHERE NOT r.is_void AND b.status IN ${finished}
         AND r.shipped_on >= $1::date AND r.shipped_on < $2::date
         AND ($3::text IS NULL OR $3 = 'export')
         AND ($4::text IS NULL OR r.country = $4) AND ($5::text IS NULL OR r.destination_country = $5)
         AND ($6::text IS NULL OR r.mineral = $6)
         AND r.destination_country IS NOT NULL AND r.mineral IS NOT NULL
       GROUP BY 2, 3, 4, 5
       UNION ALL
       SELECT 'import', to_char(r.arrived_on, 'YYYY-MM'), r.country, r.origin_country, r.mineral,
              round(sum(r.mass_kg), 3), round(sum(r.value_usd), 2), count(*)::int,
              count(DISTINCT coalesce(r.importer_id, r.importer_name_key, ''))::int
       FROM imports r JOIN batches b ON b.id = r.batch_id
       WHERE NOT r.is_void AND b.status IN ${finished}
         AND r.arrived_on >= $1::date AND r.arrived_on < $2::date
         AND ($3::text IS NULL OR $3 = 'import')
         AND ($4::text IS NULL OR r.country = $4) AND ($5::text IS NULL OR r.origin_country = $5)
         AND ($6::text IS NULL OR r.mineral = $6)
         AND r.origin_country IS NOT NULL AND r.mineral IS NOT NULL
       GROUP BY 2, 3, 4, 5) cells
     ORDER BY month, flow, reporter, mineral, partner`,
    [from, toExclusive, q.flow ?? null, q.reporter ?? null, q.partner ?? null, q.mineral ?? null],
  );
  return rows.map((r) => {
    const confidential = r.traders < q.minTraders;
    return {
      flow: r.flow,
      month: r.month,
      reporter: r.reporter,
      partner: r.partner,
      mineral: r.mineral,
      massKg: confidential ? null : r.mass_kg,
      valueUsd: confidential ? null : r.value_usd,
      shipments: confidential ? null : r.shipments,
      confidential,
    };
  });
}

const periodPattern = '^\\d{4}-(0[1-9]|1[0-2])$';
const csvColumns = [
  'flow',
  'month',
  'reporter',
  'partner',
  'mineral',
  'massKg',
  'valueUsd',
  'shipments',
  'confidential',
] as const;

const cellSchema = {
  type: 'object',
  required: [...csvColumns],
  properties: {
    flow: { type: 'string', enum: ['export', 'import'] },
    month: { type: 'string', description: 'Month of shipment (exports) or arrival (imports), YYYY-MM.' },
    reporter: {
      type: 'string',
      description: 'The member state that reported the flow (ISO 3166-1 alpha-2).',
    },
    partner: {
      type: 'string',
      description: 'Destination of an export, declared origin of an import (ISO 3166-1 alpha-2).',
    },
    mineral: { type: 'string', enum: ['gold', 'cassiterite', 'wolframite', 'coltan'] },
    massKg: { type: ['number', 'null'], description: 'Net mass in kilograms; null when confidential.' },
    valueUsd: {
      type: ['number', 'null'],
      description: 'Declared value in US dollars (exports FOB, imports CIF); null when confidential.',
    },
    shipments: { type: ['integer', 'null'], description: 'Number of declarations; null when confidential.' },
    confidential: {
      type: 'boolean',
      description: 'True when fewer distinct traders than minTraders stand behind the cell.',
    },
  },
} as const;

/** GET /v1/public/statistics: open to anyone, JSON or CSV. */
export const publicStatisticsRoutes: FastifyPluginAsync = async (app) => {
  app.get<{
    Querystring: {
      from?: string;
      to?: string;
      flow?: 'export' | 'import';
      reporter?: string;
      partner?: string;
      mineral?: string;
      format: 'json' | 'csv';
    };
  }>(
    '/v1/public/statistics',
    {
      schema: {
        tags: ['public'],
        summary: 'Published export and import statistics by state, partner, mineral and month (kg and USD)',
        description:
          'Aggregates of the exports and imports that member states reported, from finished batches only, with no company or personal data. Cells built from fewer than RMDX_PUBLIC_MIN_TRADERS distinct traders are withheld. Methodology: /statistics#methodology.',
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', pattern: periodPattern, description: 'First month (default: to − 11).' },
            to: {
              type: 'string',
              pattern: periodPattern,
              description: 'Last month (default: the month before the current one).',
            },
            flow: { type: 'string', enum: ['export', 'import'] },
            reporter: { type: 'string', pattern: '^[A-Z]{2}$' },
            partner: { type: 'string', pattern: '^[A-Z]{2}$' },
            mineral: { type: 'string', enum: ['gold', 'cassiterite', 'wolframite', 'coltan'] },
            format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['generatedAt', 'from', 'to', 'minTraders', 'methodology', 'items'],
            properties: {
              generatedAt: { type: 'string', format: 'date-time' },
              from: { type: 'string' },
              to: { type: 'string' },
              minTraders: { type: 'integer' },
              methodology: { type: 'string' },
              items: { type: 'array', items: cellSchema },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const to = q.to ?? addMonths(currentPeriod(), -1);
      const from = q.from ?? addMonths(to, -11);
      if (from > to) throw apiError('RMDX_ERR_BAD_REQUEST', `from (${from}) is after to (${to})`);
      if (addMonths(from, 120) <= to)
        throw apiError('RMDX_ERR_BAD_REQUEST', 'Ask for at most 120 months at a time');
      const items = await publicStatistics(app.db, {
        from,
        to,
        flow: q.flow,
        reporter: q.reporter,
        partner: q.partner,
        mineral: q.mineral,
        minTraders: app.config.publicMinTraders,
      });
      reply.header('cache-control', 'public, max-age=300');
      if (q.format === 'csv') {
        const csv = stringify(
          items.map((c) => csvColumns.map((k) => (c[k] === null ? '' : String(c[k])))),
          { header: true, columns: [...csvColumns] },
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="rmdx-statistics-${from}-${to}.csv"`)
          .send(csv);
      }
      return {
        generatedAt: new Date().toISOString(),
        from,
        to,
        minTraders: app.config.publicMinTraders,
        methodology: '/statistics#methodology',
        items,
      };
    },
  );
};
