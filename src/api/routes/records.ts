import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

import { canRead, countryScope } from '../../auth/roles.js';
import { InvalidCursorError, UnsupportedFilterError } from '../../records/errors.js';
import { listRecords, recordHistory, type RecordFilters } from '../../records/queries.js';
import { lotTree, traceLot } from '../../records/trace.js';
import { recordTypes, type RecordType } from '../../standard/record-types.js';
import { apiError } from '../../errors.js';
import { problemResponses } from '../schemas/problem.js';
import { recordView, recordViewSchema } from '../views/record-view.js';

const country = { type: 'string', pattern: '^[A-Za-z]{2}$' } as const;

/** Turns the records store's input errors into 400 problems. */
async function asBadRequest<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UnsupportedFilterError || err instanceof InvalidCursorError) {
      throw apiError('RMDX_ERR_BAD_REQUEST', err.message);
    }
    throw err;
  }
}

/** The country whose data this request may read, or a 403/404 for another's. */
function readableCountry(
  request: FastifyRequest,
  wanted: string | undefined,
  hide: boolean,
): string | undefined {
  const scope = countryScope(request.principal!);
  const asked = wanted?.toUpperCase();
  if (scope && asked && asked !== scope) {
    if (hide) throw apiError('RMDX_ERR_NOT_FOUND', 'Not found');
    throw apiError('RMDX_ERR_FORBIDDEN', `This key reads ${scope}'s records only`);
  }
  return scope ?? asked;
}

type ListQuery = Omit<RecordFilters, 'country'> & { country?: string; limit: number; cursor?: string };

export const recordRoutes: FastifyPluginAsync = async (app) => {
  const readers = app.requireRole('submitter', 'secretariat', 'auditor');

  app.get<{ Params: { recordType: RecordType }; Querystring: ListQuery }>(
    '/v1/records/:recordType',
    {
      onRequest: readers,
      schema: {
        tags: ['records'],
        summary:
          'The current normalised records of one type, filtered and paged (a submitter sees its own country)',
        params: {
          type: 'object',
          required: ['recordType'],
          properties: { recordType: { type: 'string', enum: [...recordTypes] } },
        },
        querystring: {
          type: 'object',
          properties: {
            country,
            period: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' },
            batchId: { type: 'string', format: 'uuid' },
            key: { type: 'string', minLength: 1, maxLength: 200 },
            includeVoid: { type: 'boolean', default: false },
            updatedSince: { type: 'string', format: 'date-time' },
            mineral: { type: 'string', maxLength: 50 },
            partnerCountry: country,
            certificateNumber: { type: 'string', maxLength: 100 },
            status: { type: 'string', maxLength: 50 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            cursor: { type: 'string', maxLength: 1000, description: 'nextCursor of the previous page.' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: {
              items: { type: 'array', items: recordViewSchema },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { limit, cursor, country: wanted, ...filters } = request.query;
      const page = await asBadRequest(() =>
        listRecords(
          app.db,
          request.params.recordType,
          { ...filters, country: readableCountry(request, wanted, false) },
          { limit, cursor },
        ),
      );
      return { items: page.items.map(recordView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { recordType: RecordType; country: string; key: string } }>(
    '/v1/records/:recordType/:country/:key',
    {
      onRequest: readers,
      schema: {
        tags: ['records'],
        summary: 'One record: its current version and every version received, oldest first',
        params: {
          type: 'object',
          required: ['recordType', 'country', 'key'],
          properties: {
            recordType: { type: 'string', enum: [...recordTypes] },
            country,
            key: { type: 'string', minLength: 1 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              current: { anyOf: [recordViewSchema, { type: 'null' }] },
              history: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { recordType, key } = request.params;
      const cc = request.params.country.toUpperCase();
      if (!canRead(request.principal!, cc))
        throw apiError('RMDX_ERR_NOT_FOUND', `No ${recordType} ${key} of ${cc}`);
      const [page, history] = await Promise.all([
        listRecords(app.db, recordType, { country: cc, key, includeVoid: true }, { limit: 1 }),
        recordHistory(app.db, recordType, cc, key),
      ]);
      const current = page.items[0];
      if (!current && history.length === 0)
        throw apiError('RMDX_ERR_NOT_FOUND', `No ${recordType} ${key} of ${cc}`);
      return { current: current ? recordView(current) : null, history };
    },
  );

  app.get<{ Params: { country: string; lotNumber: string } }>(
    '/v1/lots/:country/:lotNumber/trace',
    {
      onRequest: readers,
      schema: {
        tags: ['records'],
        summary:
          "A lot's chain of custody back through its input lots and transfers to the mine sites, with each site's status at the time",
        params: {
          type: 'object',
          required: ['country', 'lotNumber'],
          properties: { country, lotNumber: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['country', 'lotNumber', 'lot'],
            properties: {
              country: { type: 'string' },
              lotNumber: { type: 'string' },
              lot: {
                type: 'object',
                additionalProperties: true,
                description: 'The traced lot with its inputs, nested.',
              },
              sites: { type: 'array', items: { type: 'object', additionalProperties: true } },
              exports: { type: 'array', items: { type: 'object', additionalProperties: true } },
              certificates: { type: 'array', items: { type: 'object', additionalProperties: true } },
              missingLots: { type: 'array', items: { type: 'object', additionalProperties: true } },
              cycle: { type: 'boolean' },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const cc = request.params.country.toUpperCase();
      const lotNumber = request.params.lotNumber;
      if (!canRead(request.principal!, cc))
        throw apiError('RMDX_ERR_NOT_FOUND', `No lot ${lotNumber} of ${cc}`);
      const trace = await traceLot(app.db, cc, lotNumber);
      if (!trace) throw apiError('RMDX_ERR_NOT_FOUND', `No lot ${lotNumber} of ${cc}`);
      return {
        country: trace.country,
        lotNumber: trace.lotNumber,
        lot: lotTree(trace),
        sites: trace.sites,
        exports: trace.exports,
        certificates: trace.certificates,
        missingLots: trace.missingLots,
        cycle: trace.cycle,
      };
    },
  );
};
