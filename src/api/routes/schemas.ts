import type { FastifyPluginAsync } from 'fastify';

import { apiError } from '../../errors.js';
import { problemResponses } from '../schemas/problem.js';

/** A published version never changes (standard-v1 "Versions"): caches may keep its documents for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const documentLink = {
  type: 'object',
  required: ['name', 'id', 'url'],
  properties: {
    name: { type: 'string', description: 'The document name, e.g. `export` for export.schema.json.' },
    id: { type: 'string', description: 'The `$id` of the schema (absolute, the same in every deployment).' },
    url: { type: 'string', description: 'Where this hub serves the document.' },
  },
} as const;

const schemasIndex = {
  type: 'object',
  required: ['latest', 'versions'],
  properties: {
    latest: { type: 'string', description: 'The newest published version.' },
    versions: {
      type: 'array',
      description: 'Every published version, oldest first; the hub accepts batches in each of them.',
      items: {
        type: 'object',
        required: ['version', 'latest', 'documents'],
        properties: {
          version: { type: 'string' },
          latest: { type: 'boolean' },
          documents: { type: 'array', items: documentLink },
        },
      },
    },
  },
} as const;

/** `GET /v1/schemas` and every schema document at the path of its `$id`. */
export const schemaRoutes: FastifyPluginAsync = async (app) => {
  const registry = app.standard;
  const base = app.config.publicUrl.replace(/\/+$/, '');
  // The index never changes while the process runs: built once.
  const index = {
    latest: registry.latest,
    versions: registry.versions.map((version) => ({
      version,
      latest: version === registry.latest,
      documents: registry
        .get(version)
        .documents.map((d) => ({ name: d.name, id: d.id, url: `${base}${d.path}` })),
    })),
  };

  app.get(
    '/v1/schemas',
    {
      schema: {
        tags: ['standard'],
        summary: 'The published versions of the regional data standard and their JSON Schema documents',
        response: { 200: schemasIndex, ...problemResponses },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return index;
    },
  );

  app.get<{ Params: { version: string; name: string } }>(
    '/schemas/:version/:name.schema.json',
    {
      schema: {
        tags: ['standard'],
        summary: 'One JSON Schema document of a published version, byte for byte as published',
        params: {
          type: 'object',
          required: ['version', 'name'],
          properties: {
            version: { type: 'string', maxLength: 32, description: 'A published version, e.g. 1.0.0.' },
            name: { type: 'string', maxLength: 100, description: 'The document name, e.g. batch or export.' },
          },
        },
        response: {
          200: {
            description: 'The schema (application/schema+json).',
            type: 'object',
            additionalProperties: true,
          },
          304: { description: 'Not modified (the ETag matched).', type: 'null' },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { version, name } = request.params;
      const doc = registry.documentByPath(`/schemas/${version}/${name}.schema.json`);
      if (!doc) {
        const known = registry.has(version)
          ? `the documents of ${version} are: ${registry
              .get(version)
              .documents.map((d) => d.fileName)
              .join(', ')}`
          : `published versions: ${registry.versions.join(', ')}`;
        throw apiError('RMDX_ERR_NOT_FOUND', `No schema ${name}.schema.json in version ${version}; ${known}`);
      }
      reply.header('cache-control', IMMUTABLE);
      reply.header('etag', doc.etag);
      // Schemas are fetched by editors and validators from other origins.
      reply.header('access-control-allow-origin', '*');
      const inm = request.headers['if-none-match'];
      if (inm && inm.split(',').some((t) => t.trim() === doc.etag || t.trim() === '*')) {
        return reply.status(304).send();
      }
      // A string is sent as is: the published bytes, not a re-serialisation.
      return reply.type('application/schema+json; charset=utf-8').send(doc.text);
    },
  );
};
