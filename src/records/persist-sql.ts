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
    'canonical',
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
    'canonical jsonb NOT NULL',
    ...Object.entries(spec.columns).map(([c, t]) => `${q(c)} ${sqlTypes[t]}`),
  ];
  const name = `rmdx_stage_${spec.table}`;
  return `CREATE TEMP TABLE IF NOT EXISTS ${name} (${columns.join(', ')}) ON COMMIT DELETE ROWS;
DELETE FROM pg_temp.${name};`;
}

export function copySql(recordType: RecordType): string {
  return `COPY ${stageTable(recordType)} (${stageColumns(recordType).map(q).join(', ')}) FROM STDIN`;
}

/**
 * Moves a staged chunk of one record type into its table and into `record_history`, in one statement.
 *
 * Parameters: $1 batch id, $2 record type, $3 reporting country, $4 batch seq, $5 schema version,
 * $6 period.
 *
 * The rows marked current (the last occurrence of a key in the chunk) are upserted first: a new key
 * gets version 1; an existing row is replaced, version + 1, only when the new one arrived later by
 * (batch_seq, record_index), so a late older batch never overwrites a newer version and a rerun (same
 * position) changes nothing. Then every staged row goes into `record_history` with the version the
 * upsert gave it; a rerun conflicts on (batch_id, record_index) and inserts nothing.
 *
 * Rows recorded in history but not applied (a late arrival, a key twice in the chunk) got a
 * provisional version: the caller sees `recorded <> applied` and renumbers those keys (`renumberSql`).
 * The version of an applied row comes from the row it replaced, read under its row lock, so two
 * transactions writing one key still number it consistently.
 */
export function applySql(recordType: RecordType): string {
  const spec: TableSpec = tableSpecs[recordType];
  const columns = Object.keys(spec.columns);
  const key = q(spec.keyColumn);
  const tableColumns = [
    'country',
    ...columns.map(q),
    'batch_id',
    'batch_seq',
    'record_index',
    'period',
    'schema_version',
    'version',
    'is_void',
    'received',
  ];
  const selected = [
    '$3::char(2)',
    ...columns.map((c) => `s.${q(c)}`),
    '$1::uuid',
    '$4::bigint',
    's.record_index',
    '$6::char(7)',
    '$5::text',
    '1',
    's.is_void',
    's.received',
  ];
  const updates = [
    ...columns.filter((c) => c !== spec.keyColumn),
    'batch_id',
    'batch_seq',
    'record_index',
    'period',
    'schema_version',
    'is_void',
    'received',
  ]
    .map((c) => `${q(c)} = EXCLUDED.${q(c)}`)
    .concat(['version = t.version + 1', 'updated_at = now()'])
    .join(',\n      ');
  return `WITH up AS (
  INSERT INTO ${q(spec.table)} AS t (${tableColumns.join(', ')})
  SELECT ${selected.join(', ')}
    FROM ${stageTable(recordType)} s
   WHERE s.is_current
  ON CONFLICT (country, ${key}) DO UPDATE SET
      ${updates}
    WHERE (t.batch_seq, t.record_index) < (EXCLUDED.batch_seq, EXCLUDED.record_index)
  RETURNING record_index, version, (xmax = 0) AS inserted, is_void
),
hist AS (
  INSERT INTO record_history (batch_id, record_index, record_type, country, key, version, batch_seq,
                              action, schema_version, received, canonical)
  SELECT $1::uuid, s.record_index, $2::text, $3::char(2), s.${key}, coalesce(u.version, 1), $4::bigint,
         CASE WHEN s.is_void THEN 'void' ELSE 'upsert' END, $5::text, s.received, s.canonical
    FROM ${stageTable(recordType)} s
    LEFT JOIN up u ON u.record_index = s.record_index
  ON CONFLICT (batch_id, record_index) DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM hist)::int AS recorded,
       count(*)::int AS applied,
       (count(*) FILTER (WHERE u.inserted AND NOT u.is_void))::int AS inserted,
       (count(*) FILTER (WHERE NOT u.inserted AND NOT u.is_void))::int AS updated,
       (count(*) FILTER (WHERE u.is_void))::int AS voided
  FROM up u`;
}

/**
 * Renumbers the versions of some keys so they follow arrival order (batch_seq, record_index) again,
 * and points each current row at the version number of the history row it came from.
 * Two statements, the second must see the first's result. Parameters of the first: $1 record type,
 * $2 reporting country, $3 keys (text[]); of the second: $1 reporting country, $2 keys.
 */
export function renumberSql(recordType: RecordType): [string, string] {
  const spec = tableSpecs[recordType];
  return [
    `WITH ranked AS (
  SELECT batch_id, record_index,
         row_number() OVER (PARTITION BY key ORDER BY batch_seq, record_index)::int AS v
    FROM record_history
   WHERE record_type = $1::text AND country = $2::char(2) AND key = ANY($3::text[])
)
UPDATE record_history h SET version = r.v
  FROM ranked r
 WHERE h.batch_id = r.batch_id AND h.record_index = r.record_index AND h.version <> r.v`,
    `UPDATE ${q(spec.table)} t SET version = h.version
  FROM record_history h
 WHERE t.country = $1::char(2) AND t.${q(spec.keyColumn)} = ANY($2::text[])
   AND h.batch_id = t.batch_id AND h.record_index = t.record_index AND t.version <> h.version`,
  ];
}

/** Quotes an identifier from the specs (they are plain snake_case; quoting keeps keywords safe). */
export function q(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) throw new Error(`unexpected identifier: ${identifier}`);
  return `"${identifier}"`;
}
