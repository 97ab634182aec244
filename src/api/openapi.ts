import type { FastifyInstance, RouteOptions } from 'fastify';
import {
  OpenApiBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
} from 'openapi3-ts/oas31';

import { errorCatalogue } from '../errors.js';
import { problemSchema } from './schemas/problem.js';

/** Routes as registered, collected by an onRoute hook (see buildApp). */
export type CollectedRoute = Pick<RouteOptions, 'method' | 'url' | 'schema'>;

type JsonSchema = Record<string, unknown>;

const problemRef = { $ref: '#/components/schemas/Problem' };

const tagDescriptions: Record<string, string> = {
  standard: 'The published regional data standard (JSON Schemas) and validation without storing.',
  batches: 'Monthly batches of a member state: submit, follow, read the per-record report.',
  records: 'The normalised records as stored, and chains of custody.',
  keys: 'API keys and roles (secretariat).',
  reconciliation: 'Matching exports against partner imports, discrepancies and their follow-up.',
  compliance: 'Per-state, per-month compliance figures.',
  connectors: 'Pulling from national databases and reading their files.',
  evidence: 'Signed receipts and the audit chain.',
  public: 'Published statistics, open to anyone.',
};

/** Rewrites fastify's shared-schema references (`Problem#`) into OpenAPI component references. */
function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema && typeof schema === 'object') {
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(schema)) {
      out[k] = k === '$ref' && v === 'Problem#' ? problemRef.$ref : rewriteRefs(v);
    }
    return out;
  }
  return schema;
}

function parameters(where: 'path' | 'query' | 'header', schema: JsonSchema | undefined): ParameterObject[] {
  if (!schema || typeof schema !== 'object') return [];
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' ? true : required.has(name),
      ...(description ? { description: String(description) } : {}),
      schema: rewriteRefs(rest) as JsonSchema,
    };
  });
}

/** `/v1/batches/:id` → `/v1/batches/{id}` */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function responses(schema: JsonSchema | undefined): OperationObject['responses'] {
  const out: OperationObject['responses'] = {};
  const declared = (schema?.response ?? {}) as Record<string, JsonSchema>;
  for (const [status, s] of Object.entries(declared)) {
    const isProblem = status.endsWith('xx') && (status.startsWith('4') || status.startsWith('5'));
    const { description, ...body } = s;
    out[status.toUpperCase()] = {
      description: String(description ?? (isProblem ? 'A problem (RFC 9457)' : 'OK')),
      content: {
        [isProblem ? 'application/problem+json' : 'application/json']: {
          schema: rewriteRefs(body) as JsonSchema,
        },
      },
    };
  }
  if (Object.keys(out).length === 0) out['200'] = { description: 'OK' };
  return out;
}

function operationId(method: string, url: string): string {
  const words = url
    .replace(/^\/v1\//, '')
    .split(/[/{}:.-]+/)
    .filter(Boolean)
    .map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1)));
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/**
 * The OpenAPI 3.1 description of the API, generated from the route schemas. Routes without a
 * `tags` entry (health probes, console pages, static files) are left out on purpose.
 */
export function buildOpenApiDocument(routes: readonly CollectedRoute[], version: string): OpenAPIObject {
  const builder = OpenApiBuilder.create()
    .addOpenApiVersion('3.1.0')
    .addTitle('RMDX — Regional Mineral Data Exchange API')
    .addVersion(version)
    .addDescription(
      [
        'The data exchange hub of the ICGLR Regional Database on Mineral Flows. Member states submit monthly batches',
        'of the regional data standard (JSON Schemas at /v1/schemas); the hub validates, normalises and stores every',
        'record, reconciles exports against partner imports and reports compliance.',
        '',
        'Authentication: `Authorization: Bearer <api key>`. Errors are RFC 9457 problem documents with a stable `code`:',
        '',
        '| code | status | meaning |',
        '|---|---|---|',
        ...Object.entries(errorCatalogue).map(
          ([code, e]) => `| ${code} | ${e.status} | ${e.title}. ${e.hint} |`,
        ),
      ].join('\n'),
    )
    .addServer({ url: '/', description: 'This hub' })
    .addLicense({ name: 'ICGLR Regional Certification Mechanism — terms of the Secretariat' })
    .addSecurityScheme('apiKey', { type: 'http', scheme: 'bearer', description: 'An RMDX API key (rmdx_…).' })
    .addSchema('Problem', { ...(rewriteRefs(problemSchema) as JsonSchema), $id: undefined } as JsonSchema);

  const sorted = [...routes].sort((a, b) =>
    a.url === b.url ? String(a.method).localeCompare(String(b.method)) : a.url.localeCompare(b.url),
  );
  const paths: Record<string, Record<string, OperationObject>> = {};
  for (const r of sorted) {
    const schema = r.schema as JsonSchema | undefined;
    if (!schema?.tags || schema.hide) continue;
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      const op: OperationObject = {
        operationId: operationId(method, r.url),
        tags: schema.tags as string[],
        ...(schema.summary ? { summary: String(schema.summary) } : {}),
        ...(schema.description ? { description: String(schema.description) } : {}),
        parameters: [
          ...parameters('path', schema.params as JsonSchema),
          ...parameters('query', schema.querystring as JsonSchema),
          ...parameters('header', schema.headers as JsonSchema),
        ],
        responses: responses(schema),
      };
      if (schema.body) {
        op.requestBody = {
          required: true,
          content: { 'application/json': { schema: rewriteRefs(schema.body) as JsonSchema } },
        };
      }
      if (!(schema.tags as string[]).includes('public')) op.security = [{ apiKey: [] }];
      if (op.parameters!.length === 0) delete op.parameters;
      (paths[openApiPath(r.url)] ??= {})[method.toLowerCase()] = op;
    }
  }
  for (const [path, item] of Object.entries(paths)) builder.addPath(path, item);
  const used = new Set(
    Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])),
  );
  for (const tag of [...used].sort())
    builder.addTag({ name: tag, ...(tagDescriptions[tag] ? { description: tagDescriptions[tag] } : {}) });
  const doc = builder.getSpec();
  // The Problem schema's $id is fastify-internal; drop the undefined left by the spread.
  delete (doc.components!.schemas!.Problem as JsonSchema).$id;
  return doc;
}

/** Collects routes as they are registered, for the OpenAPI document. */
export function collectRoutes(app: FastifyInstance): CollectedRoute[] {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (r) => {
    routes.push({ method: r.method, url: r.url, schema: r.schema });
  });
  return routes;
}
