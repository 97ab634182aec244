import './schemas/route-meta.js';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';

import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { jsonBodyPlugin } from './api/plugins/json-body.js';
import { installProblemHandlers } from './api/problem.js';
import { healthRoutes } from './api/routes/health.js';

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
  pipeline?: PipelineHandle;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: pg.Pool;
    pipeline: PipelineHandle | undefined;
  }
}

/** Builds the RMDX HTTP app without listening, so tests can `inject()` into it. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  });
  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('pipeline', deps.pipeline);
  installProblemHandlers(app);
  await app.register(jsonBodyPlugin, { decodedBodyLimitBytes: deps.config.decodedBodyLimitBytes });
  await app.register(healthRoutes);
  return app;
}
