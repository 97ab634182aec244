import type pg from 'pg';

import type { BatchRow } from '../db/queries/batches.js';
import type { Logger } from '../logger.js';
import type { BatchRecords } from './batch-records.js';
import type { RecordStore, RecordValidator } from './ports.js';

/** Everything the stages need, passed explicitly (workers run outside fastify). */
export interface PipelineContext {
  pool: pg.Pool;
  logger: Logger;
  chunkSize: number;
  validator: RecordValidator;
  store: RecordStore;
  /** The parsed records of the batches this process is working on (read from Postgres once). */
  records: BatchRecords;
  /** Called once when a batch reaches a final state (e.g. to schedule reconciliation). */
  onBatchFinished: ((batch: BatchRow) => Promise<void> | void)[];
  now: () => Date;
}
