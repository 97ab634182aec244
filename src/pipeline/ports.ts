import type { PoolClient } from '../db/pool.js';
import type { Issue } from '../standard/issue.js';
import type { RecordType } from '../standard/record-types.js';

/** What the pipeline needs from the standard (src/standard). */
export interface RecordValidator {
  /** Schema and per-record semantic checks of one record. */
  validateRecord(
    schemaVersion: string,
    record: unknown,
    recordIndex: number,
    ctx: { reportingCountry: string; period: string; now: Date },
  ): Issue[];
  /** Batch-wide check: later occurrences of a key already seen in the batch. */
  findDuplicateKeys(records: readonly unknown[]): Issue[];
}

export interface PersistItem {
  recordIndex: number;
  recordType: RecordType;
  action: 'upsert' | 'void';
  record: Record<string, unknown>;
}

export interface PersistBatch {
  id: string;
  seq: number;
  country: string;
  period: string;
  schemaVersion: string;
}

/** What the pipeline needs from the records store (src/records). */
export interface RecordStore {
  persistRecords(client: PoolClient, batch: PersistBatch, items: PersistItem[]): Promise<unknown>;
}
