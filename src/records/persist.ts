import type pg from 'pg';

import type { RecordType } from '../standard/record-types.js';
import { copyLines } from './copy-lines.js';
import { encodeRows } from './persist-encode.js';
import { storeNewKeys } from './persist-new-keys.js';
import { applySql, copySql, prepareStageSql, renumberSql, type ApplyRow } from './persist-sql.js';

export interface PersistBatch {
  id: string;
  /** batches.seq: arrival order. A later arrival wins over an earlier one for the same key. */
  seq: number;
  /** The reporting country. */
  country: string;
  period: string;
  schemaVersion: string;
}

export interface PersistItem {
  /** The record's position in its batch (with the batch id, the identity of a received record). */
  recordIndex: number;
  recordType: RecordType;
  action: 'upsert' | 'void';
  /** A schema-valid record of the standard, as submitted. */
  record: Record<string, unknown>;
}

/**
 * What storing a chunk did, per record type. `inserted`: a key seen for the first time;
 * `updated`: a new version replaced the current one; `voided`: a void applied (a tombstone when the
 * key was unknown); `unchanged`: nothing changed in the current view (the record was already stored,
 * as on a rerun, or a version that arrived later is already current).
 */
export interface PersistCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  voided: number;
}

interface Statements {
  prepare: string;
  copy: string;
  apply: string;
  renumber: string;
}

const statements = new Map<RecordType, Statements>();

/** How often the apply statement runs when other transactions insert the chunk's new keys meanwhile. */
const MAX_APPLY_ATTEMPTS = 5;
const UNIQUE_VIOLATION = '23505';

function statementsFor(recordType: RecordType): Statements {
  let s = statements.get(recordType);
  if (s === undefined) {
    s = {
      prepare: prepareStageSql(recordType),
      copy: copySql(recordType),
      apply: applySql(recordType),
      renumber: renumberSql(recordType),
    };
    statements.set(recordType, s);
  }
  return s;
}

/**
 * Stores a chunk of valid records. The current version of each key lives in its record type's
 * table; `record_history` keeps the versions that were superseded (copy-on-write: the statement
 * that replaces a current row first copies it there), so a key seen for the first time writes ONE
 * row. Every version of a key = its history rows ∪ its current row (`recordHistory`).
 *
 * Set-based, per record type. A chunk whose keys are all new (the common case) is COPY'd straight
 * into the record table (`storeNewKeys`). Otherwise the normalised rows are streamed with COPY into
 * a session-local staging table, then ONE statement locks the current rows the chunk touches, copies the ones it
 * replaces into history, upserts the current rows (a later arrival by (batch_seq, record_index)
 * wins) and puts records that can never be current (a late older arrival, an earlier occurrence of
 * a key in the chunk) straight into history. Idempotent: rerunning the same chunk changes nothing.
 *
 * Run it inside the caller's transaction (READ COMMITTED), on a client of its own (COPY needs one):
 * the chunk's rows, issues and progress commit together. The batch is checked (and key-share locked)
 * once per chunk, not per row.
 */
export async function persistRecords(
  client: pg.ClientBase,
  batch: PersistBatch,
  items: readonly PersistItem[],
): Promise<Partial<Record<RecordType, PersistCounts>>> {
  const byType = new Map<RecordType, PersistItem[]>();
  for (const item of items) {
    let list = byType.get(item.recordType);
    if (list === undefined) byType.set(item.recordType, (list = []));
    list.push(item);
  }
  if (byType.size === 0) return {};
  await lockBatch(client, batch.id);
  const result: Partial<Record<RecordType, PersistCounts>> = {};
  for (const [recordType, list] of byType)
    result[recordType] = await persistType(client, batch, recordType, list);
  return result;
}

/**
 * The batch the chunk's versions name must exist, and stay, until the chunk commits: checked once per
 * chunk with the lock a foreign key would take for every row (migration 0009; a batch that records
 * name cannot be deleted).
 */
async function lockBatch(client: pg.ClientBase, batchId: string): Promise<void> {
  const { rowCount } = await client.query('SELECT FROM batches WHERE id = $1 FOR KEY SHARE', [batchId]);
  if (rowCount === 0) throw new Error(`batch ${batchId} does not exist: its records cannot be stored`);
}

async function persistType(
  client: pg.ClientBase,
  batch: PersistBatch,
  recordType: RecordType,
  items: readonly PersistItem[],
): Promise<PersistCounts> {
  const { rows, current, distinctKeys } = encodeRows(recordType, items);
  if (distinctKeys) {
    const stored = await storeNewKeys(client, batch, recordType, rows);
    if (stored) return stored;
  }

  const sql = statementsFor(recordType);
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    lines[i] =
      `${r.index}\t${current.has(i) ? 't' : 'f'}\t${r.isVoid ? 't' : 'f'}\t${r.received}${r.values}\n`;
  }

  await client.query(sql.prepare);
  await copyLines(client, sql.copy, lines);
  const params = [batch.id, recordType, batch.country, batch.seq, batch.schemaVersion, batch.period];
  // A savepoint, so that a new key another transaction inserted meanwhile (unique_violation) undoes
  // only this statement: run again, it sees and locks that row (see applySql).
  await client.query('SAVEPOINT rmdx_persist');
  let r: ApplyRow;
  for (let attempt = 1; ; attempt++) {
    try {
      r = (await client.query<ApplyRow>(sql.apply, params)).rows[0]!;
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= MAX_APPLY_ATTEMPTS) throw err;
      await client.query('ROLLBACK TO SAVEPOINT rmdx_persist');
    }
  }
  await client.query('RELEASE SAVEPOINT rmdx_persist');
  if (r.replaced !== r.superseded) {
    throw new Error(
      `${recordType}: ${r.replaced} current rows replaced but ${r.superseded} copied to history; nothing stored`,
    );
  }
  // A version recorded out of arrival order (a late older batch, a key twice in the chunk) got a
  // provisional number: renumber those keys, history and current row, in arrival order.
  if (r.late_keys !== null) await client.query(sql.renumber, [recordType, batch.country, r.late_keys]);
  return {
    inserted: r.inserted,
    updated: r.updated,
    voided: r.voided,
    unchanged: items.length - r.inserted - r.updated - r.voided,
  };
}
