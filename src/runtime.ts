import pg from 'pg';

import type { Config } from './config.js';
import { embeddedUrl, startEmbeddedPostgres, type EmbeddedCluster } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { batchesMissingCompletion, type Evidence, evidenceFromConfig } from './evidence/index.js';
import type { Logger } from './logger.js';
import { createReconciler, type Reconciler } from './matcher/reconciler.js';
import { createPipeline, type Pipeline } from './pipeline/index.js';
import { persistRecords } from './records/persist.js';
import { loadRegistry, type SchemaRegistry } from './standard/registry.js';
import { findDuplicateKeys, validateRecord } from './standard/validate.js';

/** The database a process works on: the configured server, or the embedded one under dataDir. */
export interface Database {
  pool: pg.Pool;
  url: string;
  /** Set when this process started the embedded cluster (and so stops it). */
  embedded: EmbeddedCluster | undefined;
  close(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * DATABASE_URL when set; otherwise the embedded cluster under dataDir — reused when another RMDX
 * process (the server, say) already runs it, started here when not. Migrates either way.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedCluster | undefined;
  let url = config.databaseUrl;
  if (!url) {
    url = embeddedUrl(config.embeddedPgPort);
    if (!(await reachable(url))) {
      logger.info(
        { dataDir: config.dataDir, port: config.embeddedPgPort },
        'DATABASE_URL not set: starting embedded Postgres',
      );
      embedded = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPgPort,
        logger,
      });
    }
  }
  const pool = createPool(url, config.pgPoolMax);
  await migrate(pool, logger);
  return {
    pool,
    url,
    embedded,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}

/** The pipeline with the real standard and records store behind its ports. */
export function createHubPipeline(o: {
  config: Config;
  pool: pg.Pool;
  logger: Logger;
  registry: SchemaRegistry;
  runWorkers: boolean;
  /** When given, a finished batch schedules a debounced reconciliation of the cells it touched. */
  reconciler?: Pick<Reconciler, 'onBatchFinished'>;
  /** Receipts and the audit chain; built from config when not given. */
  evidence?: Evidence;
}): Pipeline {
  const reconciler = o.reconciler;
  const evidence = o.evidence ?? evidenceFromConfig(o.config);
  // First: the completion receipt and `batch.finished` audit entry (idempotent, once per finish).
  const completion = (batch: Parameters<Evidence['recordCompletion']>[1]) =>
    evidence.recordCompletion(o.pool, batch).then(() => undefined);
  const withCompletion = (hooks: NonNullable<Parameters<typeof createPipeline>[0]['onBatchFinished']>) => [
    completion,
    ...hooks,
  ];
  const pipeline = createPipeline({
    config: o.config,
    pool: o.pool,
    logger: o.logger,
    runWorkers: o.runWorkers,
    onBatchFinished: withCompletion(reconciler ? [(batch) => reconciler.onBatchFinished(batch)] : []),

    validator: {
      validateRecord: (version, record, index, ctx) =>
        validateRecord(o.registry, version, record, index, ctx).issues,
      findDuplicateKeys: (records) => findDuplicateKeys(records),
    },
    store: { persistRecords },
  });
  if (!o.runWorkers) return pipeline;
  const start = pipeline.start.bind(pipeline);
  return Object.assign(pipeline, {
    async start() {
      await start();
      // A process killed between a batch's finish and its receipt: issue what is missing.
      void backfillCompletionEvidence(o.pool, evidence, o.logger);
    },
  });
}

/** Issues completion receipts for finished batches that lack one (after a crash); returns how many. */
export async function backfillCompletionEvidence(
  pool: pg.Pool,
  evidence: Evidence,
  logger: Logger,
): Promise<number> {
  let n = 0;
  try {
    for (;;) {
      const missing = await batchesMissingCompletion(pool, 100);
      for (const b of missing) await evidence.recordCompletion(pool, b);
      n += missing.length;
      if (missing.length < 100) break;
    }
    if (n > 0) logger.info({ receipts: n }, 'issued missing completion receipts');
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'could not backfill completion receipts');
  }
  return n;
}

/** The matcher's runs (BullMQ on REDIS_URL, else in-process), judged against the standard's codelists. */
export function createHubReconciler(o: {
  config: Config;
  pool: pg.Pool;
  logger: Logger;
  registry: SchemaRegistry;
  runWorkers: boolean;
}): Reconciler {
  const codelists = o.registry.get(o.registry.latest).codelists;
  return createReconciler({
    pool: o.pool,
    logger: o.logger,
    settings: o.config.matcher,
    members: [...codelists.memberState],
    certifying: [...codelists.certifyingState],
    deadlineDay: (o.config as { reportingDeadlineDay?: number }).reportingDeadlineDay,
    redisUrl: o.config.redisUrl,
    prefix: o.config.queuePrefix,
    runWorkers: o.runWorkers,
    debounceSeconds: o.config.reconcileDebounceSeconds,
    maxWaitSeconds: o.config.reconcileMaxWaitSeconds,
  });
}

export { loadRegistry };
