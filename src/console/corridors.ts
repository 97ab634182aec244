import type { FastifyPluginAsync } from 'fastify';

import { countryScope } from '../auth/roles.js';
import type { Queryable } from '../db/pool.js';
import { apiError } from '../errors.js';
import { problemResponses } from '../api/schemas/problem.js';
import { addMonths, currentPeriod } from './completeness.js';

/**
 * Corridor flows for the reconciliation charts: what A reported exporting to B against what B
 * reported importing from A, per month (of shipment / arrival) and mineral, from the stored records.
 * Unlike the public statistics nothing is withheld: these routes need a key, and a member state sees
 * only the corridors it is a party to.
 */
export interface CorridorMonth {
  month: string;
  exportKg: number;
  importKg: number;
  exportUsd: number;
  importUsd: number;
  exports: number;
  imports: number;
}

export interface CorridorTotal {
  exporter: string;
  importer: string;
  mineral: string;
  exportKg: number;
  importKg: number;
  exportUsd: number;
  importUsd: number;
}

const flowsSql = `
  WITH e AS (
    SELECT r.country AS exporter, r.destination_country AS importer, r.mineral,
           to_char(r.shipped_on, 'YYYY-MM') AS month,
           sum(r.mass_kg) AS kg, sum(r.value_usd) AS usd, count(*)::int AS n
    FROM exports r
    WHERE NOT r.is_void AND r.destination_country = ANY($3::text[]) AND r.country = ANY($3::text[])
      AND r.shipped_on >= $1::date AND r.shipped_on < $2::date
    GROUP BY 1, 2, 3, 4),
  i AS (
    SELECT r.origin_country AS exporter, r.country AS importer, r.mineral,
           to_char(r.arrived_on, 'YYYY-MM') AS month,
           sum(r.mass_kg) AS kg, sum(r.value_usd) AS usd, count(*)::int AS n
    FROM imports r
    WHERE NOT r.is_void AND r.origin_country = ANY($3::text[]) AND r.country = ANY($3::text[])
      AND r.arrived_on >= $1::date AND r.arrived_on < $2::date
    GROUP BY 1, 2, 3, 4)
  SELECT coalesce(e.exporter, i.exporter) AS exporter, coalesce(e.importer, i.importer) AS importer,
         coalesce(e.mineral, i.mineral) AS mineral, coalesce(e.month, i.month) AS month,
         coalesce(e.kg, 0)::float8 AS export_kg, coalesce(i.kg, 0)::float8 AS import_kg,
         coalesce(e.usd, 0)::float8 AS export_usd, coalesce(i.usd, 0)::float8 AS import_usd,
         coalesce(e.n, 0) AS exports, coalesce(i.n, 0) AS imports
  FROM e FULL JOIN i USING (exporter, importer, mineral, month)`;

interface FlowRow {
  exporter: string;
  importer: string;
  mineral: string;
  month: string;
  export_kg: number;
  import_kg: number;
  export_usd: number;
  import_usd: number;
  exports: number;
  imports: number;
}

export async function corridorFlows(
  db: Queryable,
  q: { members: string[]; from: string; to: string; party?: string },
): Promise<FlowRow[]> {
  const { rows } = await db.query<FlowRow>(
    `SELECT * FROM (${flowsSql}) f
     WHERE f.mineral IS NOT NULL AND ($4::text IS NULL OR f.exporter = $4 OR f.importer = $4)
     ORDER BY exporter, importer, mineral, month`,
    [`${q.from}-01`, `${addMonths(q.to, 1)}-01`, q.members, q.party ?? null],
  );
  return rows;
}

const periodPattern = '^\\d{4}-(0[1-9]|1[0-2])$';
const window = {
  from: { type: 'string', pattern: periodPattern, description: 'First month (default: to − 11).' },
  to: { type: 'string', pattern: periodPattern, description: 'Last month (default: the previous month).' },
} as const;
const num = { type: 'number' } as const;

export const corridorRoutes: FastifyPluginAsync = async (app) => {
  const members = () => [...app.standard.get(app.standard.latest).codelists.memberState].sort();
  const range = (q: { from?: string; to?: string }) => {
    const to = q.to ?? addMonths(currentPeriod(), -1);
    const from = q.from ?? addMonths(to, -11);
    if (from > to) throw apiError('RMDX_ERR_BAD_REQUEST', `from (${from}) is after to (${to})`);
    if (addMonths(from, 36) <= to)
      throw apiError('RMDX_ERR_BAD_REQUEST', 'Ask for at most 36 months at a time');
    return { from, to };
  };

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/v1/corridors',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['reconciliation'],
        summary:
          'Corridors between member states with their reported exports and mirror imports over a window',
        querystring: { type: 'object', properties: window },
        response: {
          200: {
            type: 'object',
            required: ['from', 'to', 'items'],
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    exporter: { type: 'string' },
                    importer: { type: 'string' },
                    mineral: { type: 'string' },
                    exportKg: num,
                    importKg: num,
                    exportUsd: num,
                    importUsd: num,
                  },
                },
              },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { from, to } = range(request.query);
      const rows = await corridorFlows(app.db, {
        members: members(),
        from,
        to,
        party: countryScope(request.principal!),
      });
      const totals = new Map<string, CorridorTotal>();
      for (const r of rows) {
        const k = `${r.exporter}|${r.importer}|${r.mineral}`;
        const t = totals.get(k) ?? {
          exporter: r.exporter,
          importer: r.importer,
          mineral: r.mineral,
          exportKg: 0,
          importKg: 0,
          exportUsd: 0,
          importUsd: 0,
        };
        t.exportKg += r.export_kg;
        t.importKg += r.import_kg;
        t.exportUsd += r.export_usd;
        t.importUsd += r.import_usd;
        totals.set(k, t);
      }
      const items = [...totals.values()].sort((a, b) => b.exportKg + b.importKg - (a.exportKg + a.importKg));
      return { from, to, items };
    },
  );

  app.get<{
    Querystring: { exporter: string; importer: string; mineral: string; from?: string; to?: string };
  }>(
    '/v1/corridors/flows',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['reconciliation'],
        summary: 'Exports A→B against imports B←A per month for one corridor and mineral (kg and USD)',
        querystring: {
          type: 'object',
          required: ['exporter', 'importer', 'mineral'],
          properties: {
            exporter: { type: 'string', pattern: '^[A-Z]{2}$' },
            importer: { type: 'string', pattern: '^[A-Z]{2}$' },
            mineral: { type: 'string', enum: ['gold', 'cassiterite', 'wolframite', 'coltan'] },
            ...window,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['exporter', 'importer', 'mineral', 'from', 'to', 'months'],
            properties: {
              exporter: { type: 'string' },
              importer: { type: 'string' },
              mineral: { type: 'string' },
              from: { type: 'string' },
              to: { type: 'string' },
              months: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    month: { type: 'string' },
                    exportKg: num,
                    importKg: num,
                    exportUsd: num,
                    importUsd: num,
                    exports: { type: 'integer' },
                    imports: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const scope = countryScope(request.principal!);
      if (scope && q.exporter !== scope && q.importer !== scope)
        throw apiError('RMDX_ERR_FORBIDDEN', `This key reads the corridors of ${scope} only`);
      const { from, to } = range(q);
      const rows = (await corridorFlows(app.db, { members: members(), from, to })).filter(
        (r) => r.exporter === q.exporter && r.importer === q.importer && r.mineral === q.mineral,
      );
      const byMonth = new Map(rows.map((r) => [r.month, r]));
      const months: CorridorMonth[] = [];
      for (let m = from; m <= to; m = addMonths(m, 1)) {
        const r = byMonth.get(m);
        months.push({
          month: m,
          exportKg: r?.export_kg ?? 0,
          importKg: r?.import_kg ?? 0,
          exportUsd: r?.export_usd ?? 0,
          importUsd: r?.import_usd ?? 0,
          exports: r?.exports ?? 0,
          imports: r?.imports ?? 0,
        });
      }
      return { exporter: q.exporter, importer: q.importer, mineral: q.mineral, from, to, months };
    },
  );
};
