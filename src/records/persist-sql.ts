import type { RecordType } from '../standard/record-types.js';
import { sqlTypes, tableSpecs, type TableSpec } from './table-specs.js';

/** The session's staging table for a record type (temporary, emptied at every commit). */
export function stageTable(recordType: RecordType): string {
  return `pg_temp.rmdx_stage_${tableSpecs[recordType].table}`;
}

/** The columns of a staging table, in COPY order. */
export function stageColumns(recordType: RecordType): string[] {
  return [
    'record_index',
    'is_current',
    'is_void',
    'received',
    ...Object.keys(tableSpecs[recordType].columns),
  ];
}

/**
 * Creates the staging table when this session has none yet, and empties it (it is normally empty
 * already: ON COMMIT DELETE ROWS). No parameters; one round trip.
 */
export function prepareStageSql(recordType: RecordType): string {
  const spec = tableSpecs[recordType];
  const columns = [
    'record_index integer NOT NULL',
    'is_current boolean NOT NULL',
    'is_void boolean NOT NULL',
    'received jsonb NOT NULL',
    ...Object.entries(spec.columns).map(([c, t]) => `${q(c)} ${sqlTypes[t]}`),
  ];
  const name = `rmdx_stage_${spec.table}`;
  return `CREATE TEMP TABLE IF NOT EXISTS ${name} (${columns.join(', ')}) ON COMMIT DELETE ROWS;
DELETE FROM pg_temp.${name};`;
}

export function copySql(recordType: RecordType): string {
  return `COPY ${stageTable(recordType)} (${stageColumns(recordType).map(q).join(', ')}) FROM STDIN`;
}

/** The columns of a record table that persistence writes, in COPY order (the rest have defaults). */
export function tableColumns(recordType: RecordType): string[] {
  return [
    'country',
    ...Object.keys(tableSpecs[recordType].columns),
    'batch_id',
    'batch_seq',
    'record_index',
    'period',
    'schema_version',
    'version',
    'is_void',
    'received',
  ];
}

/** Whether any of some keys is stored for a country. Parameters: $1 country, $2 keys (text[]). */
export function anyStoredSql(recordType: RecordType): string {
  const spec = tableSpecs[recordType];
  return `SELECT EXISTS (SELECT FROM ${q(spec.table)} WHERE country = $1::char(2) AND ${q(spec.keyColumn)} = ANY($2::text[])) AS stored`;
}

/** COPY of whole rows (`tableColumns`) straight into a record table. */
export function copyCurrentSql(recordType: RecordType): string {
  return `COPY ${q(tableSpecs[recordType].table)} (${tableColumns(recordType).map(q).join(', ')}) FROM STDIN`;
}

/** The result row of `applySql`. */
export interface ApplyRow {
  inserted: number;
  updated: number;
  voided: number;
  /** Current rows replaced, and copies of them written to history (always equal). */
  replaced: number;
  superseded: number;
  /** Keys that got a version in history out of arrival order (to renumber), or null. */
  late_keys: string[] | null;
}

/**
 * Moves a staged chunk of one record type into its table, copy-on-write: in ONE statement, the
 * current rows the chunk replaces are copied into `record_history`, then replaced.
 *
 * Parameters: $1 batch id, $2 record type, $3 reporting country, $4 batch seq, $5 schema version,
 * $6 period.
 *
 * 1. `cur`: the current row of every key staged as current (the last occurrence of a key in the
 *    chunk), locked (FOR UPDATE, in key order, one index probe per key). Under READ COMMITTED a row
 *    changed by a transaction that committed meanwhile is seen, and locked, in its latest version.
 * 2. `ins`: a key with no current row is inserted, version 1, by a plain INSERT (in key order,
 *    like the locks, so two chunks waiting for each other's new keys wait in one order). When
 *    another transaction inserted the same key after this statement's snapshot (two batches
 *    bringing a new key at once), it fails with unique_violation: the caller rolls back to a
 *    savepoint and runs the statement again, which then sees and locks that row. (A plain INSERT
 *    costs less than ON CONFLICT's speculative insertion, and new keys are the common case.)
 * 3. `replace`: a key whose locked row arrived earlier by (batch_seq, record_index) is replaced,
 *    version + 1. A key whose current row is this very record (a rerun) or a later one is left.
 * 4. `superseded`: each locked row being replaced goes into `record_history` as it was (version,
 *    batch, received; recorded_at = when it was stored).
 * 5. `late`: staged rows that can never be current go straight into `record_history`: an earlier
 *    occurrence of a key in the chunk, and a record older than the key's current row (a late
 *    batch). A rerun finds them there ((batch_id, record_index) conflicts) and inserts nothing.
 *    Their version is provisional; the caller renumbers `late_keys` (`renumberSql`).
 */
export function applySql(recordType: RecordType): string {
  const spec: TableSpec = tableSpecs[recordType];
  const columns = Object.keys(spec.columns);
  const key = q(spec.keyColumn);
  const table = q(spec.table);
  const stage = stageTable(recordType);
  const insertColumns = tableColumns(recordType).map(q).join(', ');
  const selected = (version: string) =>
    [
      '$3::char(2)',
      ...columns.map((c) => `s.${q(c)}`),
      '$1::uuid',
      '$4::bigint',
      's.record_index',
      '$6::char(7)',
      '$5::text',
      version,
      's.is_void',
      's.received',
    ].join(', ');
  const updates = tableColumns(recordType)
    .filter((c) => c !== 'country' && c !== spec.keyColumn)
    .map((c) => `${q(c)} = EXCLUDED.${q(c)}`)
    .concat(['updated_at = now()'])
    .join(',\n      ');
  const historyColumns = `batch_id, record_index, record_type, country, key, version, batch_seq, action,
                              schema_version, received, recorded_at`;
  return `WITH cur AS (
  SELECT s.record_index AS staged_index, t.${key} AS key, t.batch_id, t.batch_seq, t.record_index,
         t.version, t.is_void, t.schema_version, t.received, t.updated_at
    FROM (SELECT record_index, ${key} FROM ${stage} WHERE is_current ORDER BY ${key}) s
   CROSS JOIN LATERAL (
     SELECT * FROM ${table} t WHERE t.country = $3::char(2) AND t.${key} = s.${key} FOR UPDATE
   ) t
),
ins AS (
  INSERT INTO ${table} (${insertColumns})
  SELECT ${selected('1')}
    FROM ${stage} s
   WHERE s.is_current AND NOT EXISTS (SELECT FROM cur c WHERE c.staged_index = s.record_index)
   ORDER BY s.${key}
  RETURNING is_void
),
replace AS (
  -- Every key here has a current row (rows are never deleted) that cur holds locked: it conflicts.
  INSERT INTO ${table} AS t (${insertColumns})
  SELECT ${selected('c.version + 1')}
    FROM ${stage} s
    JOIN cur c ON c.staged_index = s.record_index
   WHERE (c.batch_seq, c.record_index) < ($4::bigint, s.record_index)
  ON CONFLICT (country, ${key}) DO UPDATE SET
      ${updates}
    WHERE t.version = EXCLUDED.version - 1
  RETURNING is_void
),
superseded AS (
  INSERT INTO record_history (${historyColumns})
  SELECT c.batch_id, c.record_index, $2::text, $3::char(2), c.key, c.version, c.batch_seq,
         CASE WHEN c.is_void THEN 'void' ELSE 'upsert' END, c.schema_version, c.received, c.updated_at
    FROM cur c
   WHERE (c.batch_seq, c.record_index) < ($4::bigint, c.staged_index)
  ON CONFLICT (batch_id, record_index) DO NOTHING
  RETURNING 1
),
late AS (
  INSERT INTO record_history (${historyColumns})
  SELECT $1::uuid, s.record_index, $2::text, $3::char(2), s.${key}, 1, $4::bigint,
         CASE WHEN s.is_void THEN 'void' ELSE 'upsert' END, $5::text, s.received, now()
    FROM ${stage} s
    LEFT JOIN cur c ON c.staged_index = s.record_index
   WHERE NOT s.is_current OR (c.batch_seq, c.record_index) > ($4::bigint, s.record_index)
  ON CONFLICT (batch_id, record_index) DO NOTHING
  RETURNING key
)
SELECT (SELECT count(*) FROM ins WHERE NOT is_void)::int AS inserted,
       (SELECT count(*) FROM replace WHERE NOT is_void)::int AS updated,
       ((SELECT count(*) FROM ins WHERE is_void) + (SELECT count(*) FROM replace WHERE is_void))::int AS voided,
       (SELECT count(*) FROM replace)::int AS replaced,
       (SELECT count(*) FROM superseded)::int AS superseded,
       (SELECT array_agg(DISTINCT key) FROM late) AS late_keys`;
}

/**
 * Renumbers the versions of some keys so they follow arrival order (batch_seq, record_index) again,
 * across `record_history` and the current rows (the current row, the latest arrival, gets the
 * highest number). One statement. Parameters: $1 record type, $2 reporting country, $3 keys (text[]).
 */
export function renumberSql(recordType: RecordType): string {
  const spec = tableSpecs[recordType];
  const key = q(spec.keyColumn);
  return `WITH versions AS (
  SELECT h.key, h.batch_id, h.record_index, h.batch_seq, h.version, false AS is_current
    FROM record_history h
   WHERE h.record_type = $1::text AND h.country = $2::char(2) AND h.key = ANY($3::text[])
  UNION ALL
  SELECT t.${key}, t.batch_id, t.record_index, t.batch_seq, t.version, true
    FROM ${q(spec.table)} t
   WHERE t.country = $2::char(2) AND t.${key} = ANY($3::text[])
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY key ORDER BY batch_seq, record_index)::int AS v FROM versions
),
history AS (
  UPDATE record_history h SET version = r.v
    FROM ranked r
   WHERE NOT r.is_current AND r.version <> r.v
     AND h.batch_id = r.batch_id AND h.record_index = r.record_index
)
UPDATE ${q(spec.table)} t SET version = r.v
  FROM ranked r
 WHERE r.is_current AND r.version <> r.v AND t.country = $2::char(2) AND t.${key} = r.key`;
}

/** Quotes an identifier from the specs (they are plain snake_case; quoting keeps keywords safe). */
export function q(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) throw new Error(`unexpected identifier: ${identifier}`);
  return `"${identifier}"`;
}
