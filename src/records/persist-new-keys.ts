import type pg from 'pg';

import type { RecordType } from '../standard/record-types.js';
import { copyLines } from './copy-lines.js';
import { copyField } from './copy-text.js';
import type { EncodedRow } from './persist-encode.js';
import { anyStoredSql, copyCurrentSql } from './persist-sql.js';
import type { PersistBatch, PersistCounts } from './persist.js';

const UNIQUE_VIOLATION = '23505';
const DEADLOCK_DETECTED = '40P01';

const statements = new Map<RecordType, { anyStored: string; copy: string }>();

function statementsFor(recordType: RecordType) {
  let s = statements.get(recordType);
  if (s === undefined) {
    s = { anyStored: anyStoredSql(recordType), copy: copyCurrentSql(recordType) };
    statements.set(recordType, s);
  }
  return s;
}

/**
 * The common case, a chunk whose keys (each once in the chunk) are all new: every record becomes
 * version 1 of its key and nothing is superseded, so its rows are COPY'd straight into the record
 * table, in key order (as the general path inserts new keys), without a staging table.
 *
 * Returns undefined, having stored nothing, when that is not the case: a key is already stored, or
 * another transaction stored one meanwhile (unique_violation, or a deadlock between two chunks
 * bringing the same new keys; the savepoint undoes the COPY). The caller then runs the general path.
 */
export async function storeNewKeys(
  client: pg.ClientBase,
  batch: PersistBatch,
  recordType: RecordType,
  rows: readonly EncodedRow[],
): Promise<PersistCounts | undefined> {
  const sql = statementsFor(recordType);
  const keys = rows.map((r) => r.key);
  const { rows: found } = await client.query<{ stored: boolean }>(sql.anyStored, [batch.country, keys]);
  if (found[0]!.stored) return undefined;

  const country = copyField(batch.country);
  const mid = `\t${copyField(batch.id)}\t${batch.seq}\t`;
  const tail = `\t${copyField(batch.period)}\t${copyField(batch.schemaVersion)}\t1\t`;
  const lines = [...rows]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => `${country}${r.values}${mid}${r.index}${tail}${r.isVoid ? 't' : 'f'}\t${r.received}\n`);
  await client.query('SAVEPOINT rmdx_new_keys');
  try {
    await copyLines(client, sql.copy, lines);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== UNIQUE_VIOLATION && code !== DEADLOCK_DETECTED) throw err;
    await client.query('ROLLBACK TO SAVEPOINT rmdx_new_keys');
    return undefined;
  }
  await client.query('RELEASE SAVEPOINT rmdx_new_keys');
  let voided = 0;
  for (const r of rows) if (r.isVoid) voided++;
  return { inserted: rows.length - voided, updated: 0, unchanged: 0, voided };
}
