/**
 * Builds the connectors of a process from its config: the secret box, the installed mappings, the
 * runner and the scheduler (BullMQ on REDIS_URL, else in-process). The server, the worker and the
 * CLI each build one; `runWorkers` says whether this process runs connector runs and schedules.
 */
import type pg from 'pg';

import type { Config } from '../config.js';
import { evidenceFromConfig, type Evidence } from '../evidence/index.js';
import type { Logger } from '../logger.js';
import type { SchemaRegistry } from '../standard/registry.js';
import { defaultConnectorsDir, MappingCatalogue } from './catalogue.js';
import type { ConnectorContext } from './contract.js';
import type { ConnectorsContext } from './manage.js';
import type { RunnerDeps } from './runner.js';
import { createConnectorScheduler, type ConnectorScheduler } from './scheduler.js';
import { SecretBox } from './secrets.js';

export interface HubConnectors {
  context: ConnectorsContext;
  scheduler: ConnectorScheduler;
  runner: RunnerDeps;
}

export function secretBoxOf(config: Pick<Config, 'connectors'>): SecretBox {
  return new SecretBox({
    key: config.connectors.secretKey,
    keyFile: config.connectors.secretKeyFile,
    previous: config.connectors.secretKeyPrevious,
  });
}

/** Connectors without runs: what a process that only reads and configures them needs. */
export function connectorsContextOf(o: {
  config: Pick<Config, 'connectors'>;
  pool: pg.Pool;
  registry: SchemaRegistry;
  logger?: Logger;
}): ConnectorsContext {
  return {
    pool: o.pool,
    registry: o.registry,
    secrets: secretBoxOf(o.config),
    mappings: new MappingCatalogue(o.config.connectors.dir ?? defaultConnectorsDir),
    ...(o.logger && { logger: o.logger }),
  };
}

export function createHubConnectors(o: {
  config: Pick<
    Config,
    'connectors' | 'redisUrl' | 'queuePrefix' | 'receiptKek' | 'receiptKekFile' | 'publicUrl'
  >;
  pool: pg.Pool;
  logger: Logger;
  registry: SchemaRegistry;
  /** Where a connector's stored batches go next (the pipeline). */
  pipeline?: { enqueue(batchId: string, attempt: number): Promise<void> } | undefined;
  runWorkers: boolean;
  /**
   * Signs each connector batch's acceptance receipt when its page is stored, as `POST /v1/batches`
   * does; built from config when not given (the same key and KEK as the app's).
   */
  evidence?: Evidence;
  /** Tests: the kinds' sleeps, clock and randomness. */
  kindContext?: Partial<ConnectorContext>;
  now?: () => Date;
}): HubConnectors {
  const base = connectorsContextOf(o);
  const pipeline = o.pipeline;
  const runner: RunnerDeps = {
    pool: o.pool,
    logger: o.logger.child({ component: 'connectors' }),
    registry: o.registry,
    secrets: base.secrets,
    mappings: base.mappings,
    settings: { pauseAfter: o.config.connectors.pauseAfter, issueCap: 10_000 },
    evidence: o.evidence ?? evidenceFromConfig(o.config),
    ...(pipeline && { enqueueBatch: (id: string, attempt: number) => pipeline.enqueue(id, attempt) }),
    ...(o.kindContext && { kindContext: o.kindContext }),
    ...(o.now && { now: o.now }),
  };
  const scheduler = createConnectorScheduler({
    runner,
    settings: {
      runAttempts: o.config.connectors.runAttempts,
      retryBaseMs: o.config.connectors.retryBaseMs,
      concurrency: o.config.connectors.concurrency,
      tickSeconds: o.config.connectors.tickSeconds,
    },
    redisUrl: o.config.redisUrl,
    prefix: o.config.queuePrefix,
    runWorkers: o.runWorkers,
  });
  return {
    context: { ...base, scheduler, logger: o.logger, ...(o.now && { now: o.now }) },
    scheduler,
    runner,
  };
}
