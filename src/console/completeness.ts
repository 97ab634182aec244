import type { FastifyPluginAsync } from 'fastify';

import { countryScope } from '../auth/roles.js';
import type { Queryable } from '../db/pool.js';
import { apiError } from '../errors.js';
import { problemResponses } from '../api/schemas/problem.js';

/**
 * What a member state's month looks like from the hub, one value per cell:
 * - `notDue`      nothing received and the reporting deadline has not passed;
 * - `missing`     nothing received and the deadline has passed;
 * - `received`    a batch is still being validated or stored;
 * - `withErrors`  the most recent finished batch was rejected, failed, or stored with record errors;
 * - `late`        the most recent finished batch is clean, but the month's first batch came after the deadline;
 * - `complete`    the most recent finished batch is clean and the first batch came on time.
 */
export const cellStates = ['notDue', 'missing', 'received', 'withErrors', 'late', 'complete'] as const;
export type CellState = (typeof cellStates)[number];

/** The deadline of a reporting month: the end (UTC) of day `deadlineDay` of the following month. */
export function reportingDeadline(period: string, deadlineDay: number): Date {
  const [y, m] = period.split('-').map(Number) as [number, number];
  // Month index m (0-based) is the month after `period`; day deadlineDay + 1 at 00:00 is the end of that day.
  return new Date(Date.UTC(y, m, deadlineDay + 1));
}

export function addMonths(period: string, n: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function currentPeriod(now = new Date()): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

interface Row {
  country: string;
  period: string;
  batches: number | null;
  in_flight: number | null;
  latest_final: string | null;
  latest_final_errors: number | null;
  latest_batch_id: string | null;
  first_received_at: Date | null;
  last_received_at: Date | null;
  records_received: number | null;
  records_stored: number | null;
  record_errors: number | null;
}

export interface CompletenessCell {
  country: string;
  period: string;
  state: CellState;
  late: boolean;
  deadline: string;
  batches: number;
  latestBatchId: string | null;
  firstReceivedAt: string | null;
  lastReceivedAt: string | null;
  records: { received: number; stored: number; errors: number };
}

export function cellState(r: Row, deadline: Date, now: Date): { state: CellState; late: boolean } {
  if (!r.batches) return { state: now >= deadline ? 'missing' : 'notDue', late: now >= deadline };
  const late = r.first_received_at! >= deadline;
  if (r.in_flight) return { state: 'received', late };
  const clean = r.latest_final === 'completed' && !r.latest_final_errors;
  if (!clean) return { state: 'withErrors', late };
  return { state: late ? 'late' : 'complete', late };
}

export async function completeness(
  db: Queryable,
  q: { countries: string[]; from: string; to: string; deadlineDay: number; now?: Date },
): Promise<CompletenessCell[]> {
  const { rows } = await db.query<Row>(
    `WITH months AS (
       SELECT to_char(d, 'YYYY-MM') AS period
       FROM generate_series(($2 || '-01')::date, ($3 || '-01')::date, interval '1 month') d),
     b AS (
       SELECT reporting_country AS country, period,
              count(*)::int AS batches,
              count(*) FILTER (WHERE status IN ('received', 'validating', 'persisting'))::int AS in_flight,
              (array_agg(status ORDER BY seq DESC)
                 FILTER (WHERE status NOT IN ('received', 'validating', 'persisting')))[1] AS latest_final,
              (array_agg(coalesce((counts -> 'totals' ->> 'errors')::int, 0) ORDER BY seq DESC)
                 FILTER (WHERE status NOT IN ('received', 'validating', 'persisting')))[1] AS latest_final_errors,
              (array_agg(id ORDER BY seq DESC))[1]::text AS latest_batch_id,
              min(received_at) AS first_received_at,
              max(received_at) AS last_received_at,
              sum(record_total)::int AS records_received,
              sum(coalesce((counts -> 'totals' ->> 'stored')::int, 0))::int AS records_stored,
              sum(coalesce((counts -> 'totals' ->> 'errors')::int, 0))::int AS record_errors
       FROM batches
       WHERE reporting_country = ANY($1::text[]) AND period BETWEEN $2 AND $3
       GROUP BY 1, 2)
     SELECT c.country, m.period, b.batches, b.in_flight, b.latest_final, b.latest_final_errors,
            b.latest_batch_id, b.first_received_at, b.last_received_at,
            b.records_received, b.records_stored, b.record_errors
     FROM unnest($1::text[]) AS c(country) CROSS JOIN months m
     LEFT JOIN b ON b.country = c.country AND b.period = m.period
     ORDER BY c.country, m.period`,
    [q.countries, q.from, q.to],
  );
  const now = q.now ?? new Date();
  return rows.map((r) => {
    const deadline = reportingDeadline(r.period, q.deadlineDay);
    return {
      country: r.country,
      period: r.period,
      ...cellState(r, deadline, now),
      deadline: deadline.toISOString(),
      batches: r.batches ?? 0,
      latestBatchId: r.latest_batch_id,
      firstReceivedAt: r.first_received_at?.toISOString() ?? null,
      lastReceivedAt: r.last_received_at?.toISOString() ?? null,
      records: {
        received: r.records_received ?? 0,
        stored: r.records_stored ?? 0,
        errors: r.record_errors ?? 0,
      },
    };
  });
}

const periodPattern = '^\\d{4}-(0[1-9]|1[0-2])$';

const cellSchema = {
  type: 'object',
  required: ['country', 'period', 'state', 'late', 'deadline', 'batches', 'records'],
  properties: {
    country: { type: 'string' },
    period: { type: 'string' },
    state: { type: 'string', enum: [...cellStates] },
    late: {
      type: 'boolean',
      description: 'The first batch of the month arrived after the deadline (or none has and it passed).',
    },
    deadline: { type: 'string', format: 'date-time' },
    batches: { type: 'integer' },
    latestBatchId: { type: ['string', 'null'] },
    firstReceivedAt: { type: ['string', 'null'], format: 'date-time' },
    lastReceivedAt: { type: ['string', 'null'], format: 'date-time' },
    records: {
      type: 'object',
      properties: {
        received: { type: 'integer' },
        stored: { type: 'integer' },
        errors: { type: 'integer' },
      },
    },
  },
} as const;

/** GET /v1/completeness: who reported what, per member state and month. */
export const completenessRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { to?: string; months: number; country?: string } }>(
    '/v1/completeness',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['batches'],
        summary: 'Reporting completeness per member state and month (a submitter sees its own state)',
        description:
          'Each cell is one of notDue, missing, received, withErrors, late, complete. The deadline of month M is the end (UTC) of day RMDX_REPORTING_DEADLINE_DAY of month M+1.',
        querystring: {
          type: 'object',
          properties: {
            to: {
              type: 'string',
              pattern: periodPattern,
              description: 'Last month shown (YYYY-MM); default: the month before the current one.',
            },
            months: { type: 'integer', minimum: 1, maximum: 36, default: 12 },
            country: { type: 'string', pattern: '^[A-Z]{2}$' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['from', 'to', 'deadlineDay', 'countries', 'periods', 'cells'],
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              deadlineDay: { type: 'integer' },
              countries: { type: 'array', items: { type: 'string' } },
              periods: { type: 'array', items: { type: 'string' } },
              cells: { type: 'array', items: cellSchema },
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
        throw apiError('RMDX_ERR_FORBIDDEN', `This key reads ${scope}'s completeness only`);
      const members = [...app.standard.get(app.standard.latest).codelists.memberState].sort();
      const wanted = scope ?? q.country;
      if (wanted && !members.includes(wanted))
        throw apiError('RMDX_ERR_BAD_REQUEST', `${wanted} is not a member state`);
      const countries = wanted ? [wanted] : members;
      const to = q.to ?? addMonths(currentPeriod(), -1);
      const from = addMonths(to, -(q.months - 1));
      const cells = await completeness(app.db, {
        countries,
        from,
        to,
        deadlineDay: app.config.reportingDeadlineDay,
      });
      const periods = Array.from({ length: q.months }, (_, i) => addMonths(from, i));
      return { from, to, deadlineDay: app.config.reportingDeadlineDay, countries, periods, cells };
    },
  );
};
