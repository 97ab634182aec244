import type { FastifyPluginAsync } from 'fastify';

import { apiError } from '../../errors.js';
import { issueCodes } from '../../standard/issue.js';
import { validateDocumentAsync } from '../../standard/validate.js';
import { problemResponses } from '../schemas/problem.js';

const issueSchema = {
  type: 'object',
  required: ['recordIndex', 'recordType', 'key', 'path', 'code', 'severity', 'message', 'messageFr'],
  properties: {
    recordIndex: {
      type: ['integer', 'null'],
      description: 'Index in `records` (from 0); null for the envelope.',
    },
    recordType: { type: ['string', 'null'] },
    key: {
      type: ['string', 'null'],
      description: "The record's key (its key field's value), when it has one.",
    },
    path: { type: 'string', description: 'JSON Pointer into the submitted document, e.g. /records/3/mass.' },
    code: { type: 'string', enum: [...issueCodes] },
    severity: { type: 'string', enum: ['error', 'warning'] },
    message: { type: 'string' },
    messageFr: { type: 'string' },
  },
} as const;

const groupSchema = {
  type: 'object',
  required: ['code', 'recordType', 'path', 'severity', 'count', 'message', 'messageFr'],
  properties: {
    code: { type: 'string', enum: [...issueCodes] },
    recordType: { type: ['string', 'null'] },
    path: {
      type: 'string',
      description: 'The path with the record index replaced by *, e.g. /records/*/mass.',
    },
    severity: { type: 'string', enum: ['error', 'warning'] },
    count: { type: 'integer', description: 'How many more issues of this kind, beyond those listed.' },
    message: { type: 'string' },
    messageFr: { type: 'string' },
  },
} as const;

const countsSchema = {
  type: 'object',
  required: ['valid', 'invalid'],
  properties: { valid: { type: 'integer' }, invalid: { type: 'integer' } },
} as const;

/** The validation report (src/standard/validate.ts `ValidationReport`). */
export const validationReportSchema = {
  type: 'object',
  required: ['valid', 'schemaVersion', 'kind', 'counts', 'totals', 'issues', 'groups'],
  properties: {
    valid: { type: 'boolean', description: 'True when there is no error (warnings allowed).' },
    schemaVersion: { type: 'string', description: 'The version the document was checked against.' },
    kind: { type: 'string', enum: ['batch', 'record'] },
    counts: {
      type: 'object',
      description: 'Valid and invalid records per record type.',
      additionalProperties: countsSchema,
    },
    totals: {
      type: 'object',
      required: ['records', 'valid', 'invalid', 'errors', 'warnings'],
      properties: {
        records: { type: 'integer' },
        valid: { type: 'integer' },
        invalid: { type: 'integer' },
        errors: { type: 'integer', description: 'Every error found, listed or grouped.' },
        warnings: { type: 'integer' },
      },
    },
    issues: {
      type: 'array',
      description: 'The issues, in document order; like issues past the cap are in `groups`.',
      items: issueSchema,
    },
    groups: {
      type: 'array',
      description: 'Like issues (code, record type, path) past the cap, counted.',
      items: groupSchema,
    },
  },
} as const;

interface ValidateQuery {
  schemaVersion?: string;
  reportingCountry?: string;
  period?: string;
}

/** `POST /v1/validate`: the full report of a batch or one record, nothing stored. */
export const validateRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Querystring: ValidateQuery }>(
    '/v1/validate',
    {
      // The response schemas document the report (and feed the OpenAPI description); the report itself
      // is written by JSON.stringify: for a large report (tens of thousands of issues) it is several
      // times faster than the schema-compiled serializer, whose string escaping runs in JavaScript.
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['standard'],
        summary: 'Dry run: validate a batch or one record and return the full report; nothing is stored',
        description:
          'The body is a batch (an object with `records`, checked against the version it states) or one record ' +
          '(an object with `recordType`). For a single record the query names the version (default: latest) and, ' +
          'to run the checks that need an envelope, the reporting country and period. The answer is 200 with the ' +
          'report whether the document is valid or not.',
        querystring: {
          type: 'object',
          properties: {
            schemaVersion: {
              type: 'string',
              minLength: 1,
              maxLength: 32,
              description: 'Single record only: the version to check against (default: the latest).',
            },
            reportingCountry: {
              type: 'string',
              pattern: '^[A-Z]{2}$',
              description: 'Single record only: the reporting member state (ISO 3166-1 alpha-2).',
            },
            period: {
              type: 'string',
              pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
              description: 'Single record only: the reporting month, YYYY-MM.',
            },
          },
        },
        body: {
          description:
            'A batch (batch.schema.json) or one record (record.schema.json). Not checked here: the report says what is wrong.',
        },
        response: { 200: validationReportSchema, ...problemResponses },
      },
    },
    async (request) => {
      const body = request.body;
      if (body === undefined) {
        throw apiError('RMDX_ERR_EMPTY_BODY', 'The body is empty; send a batch document or one record');
      }
      const q = request.query;
      return validateDocumentAsync(app.standard, body, {
        schemaVersion: q.schemaVersion,
        reportingCountry: q.reportingCountry,
        period: q.period,
        groupCap: app.config.issueGroupCap,
      });
    },
  );
};
