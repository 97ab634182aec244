import type { FastifyPluginAsync } from 'fastify';

import { countryScope } from '../../auth/roles.js';
import { apiError } from '../../errors.js';
import { discrepancyCodes } from '../../matcher/codes.js';
import { decodeCursor, encodeCursor, linkCursor, listLinks } from '../../matcher/reads.js';
import { getRun, getRunBySeq, type RunSettings } from '../../matcher/runs.js';
import { linkView, linkViewSchema } from '../../matcher/views.js';
import { problemResponses } from '../schemas/problem.js';

export const periodPattern = '^\\d{4}-(0[1-9]|1[0-2])$';
export const countryParam = { type: 'string', pattern: '^[A-Z]{2}$' } as const;

/** The filters of the result listings (matches and discrepancies) shared by both routes. */
export const resultQueryProperties = {
  runId: {
    type: 'string',
    format: 'uuid',
    description: 'Results of this run (default: the current results).',
  },
  period: {
    type: 'string',
    pattern: periodPattern,
    description: 'Month (YYYY-MM), or first month with periodTo.',
  },
  periodTo: { type: 'string', pattern: periodPattern },
  exportingCountry: countryParam,
  importingCountry: countryParam,
  corridor: {
    type: 'string',
    pattern: '^[A-Z]{2}-[A-Z]{2}$',
    description: 'Exporting and importing state, e.g. CD-RW.',
  },
  mineral: { type: 'string', enum: ['gold', 'cassiterite', 'coltan', 'wolframite'] },
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  cursor: { type: 'string', description: 'nextCursor of the previous page.' },
} as const;

export interface ResultQuery {
  runId?: string;
  period?: string;
  periodTo?: string;
  exportingCountry?: string;
  importingCountry?: string;
  corridor?: string;
  mineral?: string;
  limit: number;
  cursor?: string;
}

/** Resolves the common filters; a member state only ever sees its own corridors. */
export async function resultFilter(
  db: Parameters<typeof getRun>[0],
  q: ResultQuery,
  scope: string | undefined,
): Promise<{
  runSeq?: number;
  periodFrom?: string;
  periodTo?: string;
  exportingCountry?: string;
  importingCountry?: string;
  mineral?: string;
  party?: string;
}> {
  let exporting = q.exportingCountry;
  let importing = q.importingCountry;
  if (q.corridor) {
    const [a, b] = q.corridor.split('-');
    if ((exporting && exporting !== a) || (importing && importing !== b))
      throw apiError('RMDX_ERR_BAD_REQUEST', 'corridor contradicts exportingCountry / importingCountry');
    exporting = a;
    importing = b;
  }
  let runSeq: number | undefined;
  if (q.runId) {
    const run = await getRun(db, q.runId);
    if (!run) throw apiError('RMDX_ERR_NOT_FOUND', `No reconciliation run ${q.runId}`);
    runSeq = run.seq;
  }
  return {
    runSeq,
    periodFrom: q.period,
    periodTo: q.periodTo ?? q.period,
    exportingCountry: exporting,
    importingCountry: importing,
    mineral: q.mineral,
    party: scope,
  };
}

export function cursorOf(q: { cursor?: string }, n: number): (string | number)[] | undefined {
  try {
    return decodeCursor(q.cursor, n);
  } catch {
    throw apiError('RMDX_ERR_BAD_REQUEST', 'cursor is not a nextCursor of this listing');
  }
}

/** Links between exports and imports, with the stage, score and comparison that produced each. */
export const matchRoutes: FastifyPluginAsync = async (app) => {
  app.get<{
    Querystring: ResultQuery & {
      stage?: number;
      decision: 'link' | 'review';
      code?: string;
      severity?: string;
      exportId?: string;
      importId?: string;
    };
  }>(
    '/v1/matches',
    {
      onRequest: app.requireRole('submitter', 'secretariat', 'auditor'),
      schema: {
        tags: ['reconciliation'],
        summary: 'Links between exports and partner imports (a member state sees its corridors)',
        querystring: {
          type: 'object',
          properties: {
            ...resultQueryProperties,
            stage: { type: 'integer', enum: [1, 2] },
            decision: {
              type: 'string',
              enum: ['link', 'review'],
              default: 'link',
              description: 'review: pairs in the clerical-review band, not linked.',
            },
            code: { type: 'string', enum: [...discrepancyCodes] },
            severity: { type: 'string', enum: ['info', 'minor', 'major'] },
            exportId: { type: 'string' },
            importId: { type: 'string' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: linkViewSchema },
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
      const rows = await listLinks(
        app.db,
        {
          ...filter,
          stage: q.stage,
          decision: q.decision,
          code: q.code,
          severity: q.severity,
          exportId: q.exportId,
          importId: q.importId,
        },
        { limit: q.limit, after: cursorOf(q, 6) },
      );
      const settings = new Map<number, RunSettings | undefined>();
      for (const r of rows) {
        if (!settings.has(r.run_seq))
          settings.set(r.run_seq, (await getRunBySeq(app.db, r.run_seq))?.settings);
      }
      return {
        items: rows.map((r) => linkView(r, settings.get(r.run_seq))),
        nextCursor: rows.length === q.limit ? encodeCursor(linkCursor(rows[rows.length - 1]!)) : null,
      };
    },
  );
};
