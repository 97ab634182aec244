import type { Queryable } from '../../../src/db/pool.js';
import { tableSpecs } from '../../../src/records/table-specs.js';
import { recordTypes } from '../../../src/standard/record-types.js';

/**
 * Versions of records stored, counted where they live: the current rows of the nine record tables
 * and the superseded versions in record_history (migration 0007). `n` counts rows, `d` distinct
 * received records ((batch_id, record_index)): stored exactly once means n = d = the records stored.
 * With a batch id, only that batch's versions.
 */
export async function storedVersions(db: Queryable, batchId?: string): Promise<{ n: number; d: number }> {
  const where = batchId === undefined ? '' : 'WHERE batch_id = $1::uuid';
  const parts = [
    `SELECT batch_id, record_index FROM record_history ${where}`,
    ...recordTypes.map((t) => `SELECT batch_id, record_index FROM ${tableSpecs[t].table} ${where}`),
  ];
  const { rows } = await db.query<{ n: number; d: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT (batch_id, record_index))::int AS d
       FROM (${parts.join('\n UNION ALL ')}) v`,
    batchId === undefined ? [] : [batchId],
  );
  return rows[0]!;
}
