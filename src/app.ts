import './api/schemas/route-meta.js';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';

import type { Config } from './config.js';
import type { SchemaRegistry } from './standard/registry.js';
import type { Logger } from './logger.js';
import { jsonBodyPlugin } from './api/plugins/json-body.js';
import { installProblemHandlers } from './api/problem.js';
import { authPlugin } from './api/plugins/auth.js';
import { limitsPlugin } from './api/plugins/limits.js';
import { auditRoutes } from './api/routes/audit.js';
import { receiptRoutes } from './api/routes/receipts.js';
import { type Evidence, evidenceFromConfig } from './evidence/index.js';
import { buildOpenApiDocument, collectRoutes } from './api/openapi.js';
import { batchRoutes } from './api/routes/batches.js';
import { complianceRoutes } from './api/routes/compliance.js';
import { connectorRoutes } from './api/routes/connectors.js';
import type { ConnectorsContext } from './connectors/manage.js';
import { discrepancyRoutes } from './api/routes/discrepancies.js';
import { matchRoutes } from './api/routes/matches.js';
import { reconciliationRoutes } from './api/routes/reconciliation.js';
import type { ReconcilerHandle } from './matcher/reconciler.js';
import { publicStatisticsRoutes } from './api/routes/public-statistics.js';
import { docsRoutes } from './api/routes/docs.js';
import { healthRoutes } from './api/routes/health.js';
import { keyRoutes } from './api/routes/keys.js';
import { recordRoutes } from './api/routes/records.js';
import { schemaRoutes } from './api/routes/schemas.js';
import { validateRoutes } from './api/routes/validate.js';
import { problemSchema } from './api/schemas/problem.js';
import { consolePlugin } from './console/plugin.js';

/** What the pipeline offers the API; the drivers (bullmq, inline) implement it. */
export interface PipelineHandle {
  /** 'ok' or a reason the pipeline cannot take work. */
  health(): Promise<string>;
  /** Hands a stored batch to the workers; may fail while Redis is down (the sweeper re-sends it). */
  enqueue(batchId: string, attempt: number): Promise<void>;
}

/** Everything the HTTP app needs, built by the process that hosts it (server, tests). */
export interface AppDeps {
  config: Config;
  db: pg.Pool;
  logger: Logger;
  /** The published versions of the standard, compiled once. */
  registry: SchemaRegistry;
  pipeline?: PipelineHandle;
  /** Receipts and the audit chain; built from config when not given. */
  evidence?: Evidence;
  /** Reconciliation runs (src/matcher); without it, POST /v1/reconciliation/runs only stores the run. */
  reconciler?: ReconcilerHandle;
  /** Connectors (src/connectors); with a scheduler, /v1/connectors can run them. Built from config when not given. */
  connectors?: ConnectorsContext;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: pg.Pool;
    pipeline: PipelineHandle | undefined;
    reconciler: ReconcilerHandle | undefined;
    /** The schema registry: every published version of the standard, compiled. */
    standard: SchemaRegistry;
    /** Signs receipts and appends to the audit chain (src/evidence). */
    evidence: Evidence;
  }
}

/** The version of the HTTP API, shown in the OpenAPI document. */
export const apiVersion = '1.0.0';

/** Builds the RMDX HTTP app without listening, so tests can `inject()` into it. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    // Receiving a whole request (body included) may not take longer; see docs/limits.md.
    requestTimeout: deps.config.receiveTimeoutSeconds * 1000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  });
  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('pipeline', deps.pipeline);
  app.decorate('reconciler', deps.reconciler);
  app.decorate('standard', deps.registry);
  app.decorate('evidence', deps.evidence ?? evidenceFromConfig(deps.config));
  const routes = collectRoutes(app);
  let openapi: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.addSchema(problemSchema);
  installProblemHandlers(app);
  await app.register(jsonBodyPlugin, { decodedBodyLimitBytes: deps.config.decodedBodyLimitBytes });
  // Before auth: load shedding must come before auth's database lookup.
  await app.register(limitsPlugin, deps.config);
  await app.register(authPlugin);
  await app.register(healthRoutes);
  await app.register(docsRoutes(() => (openapi ??= buildOpenApiDocument(routes, apiVersion))));
  await app.register(keyRoutes);
  await app.register(batchRoutes);
  await app.register(recordRoutes);
  await app.register(receiptRoutes);
  await app.register(auditRoutes);
  await app.register(reconciliationRoutes);
  await app.register(matchRoutes);
  await app.register(discrepancyRoutes);
  await app.register(complianceRoutes);
  await app.register(connectorRoutes, { connectors: deps.connectors });
  await app.register(schemaRoutes);
  await app.register(validateRoutes);
  await app.register(publicStatisticsRoutes);
  await app.register(consolePlugin);
  return app;
}
