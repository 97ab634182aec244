import { exportScopeSql, importExportingSql, importScopeSql } from '../scope.js';

/**
 * Stage 0 and 1 in SQL. Work tables are UNLOGGED, named after the run (`w<seq>_…`), created and dropped
 * inside the run's transaction: scans of them run in parallel, and an aborted run leaves nothing.
 *
 * Stage 0 — comparable quantities — is in the columns below: kilograms and contained metal (from the
 * records' canonical mass_kg / metal_kg), the import's CIF value (converted to FOB where compared),
 * certificate keys, party-name keys and transport keys, all computed at intake by src/records.
 */
export const workTable = (seq: number, name: string) => `w${seq}_${name}`;

/** The export and import columns every pair row carries (prefix e_ and i_). */
export const exportColumns = `e.country AS ec, e.export_id AS eid, e.destination_country AS e_dest,
  e.mineral AS e_mineral, e.hs_code AS e_hs, e.mass_kg::float8 AS e_kg, e.grade_pct::float8 AS e_grade,
  e.value_usd::float8 AS e_value, e.shipped_on AS e_date, e.certificate_key AS e_cert,
  e.exporter_id AS e_exporter_id, e.exporter_name AS e_xname, e.exporter_name_key AS e_xkey,
  e.importer_name AS e_iname, e.importer_name_key AS e_ikey, e.transport_ref_key AS e_tref`;

export const importColumns = `i.country AS ic, i.import_id AS iid, i.origin_country AS i_origin,
  ${importExportingSql} AS i_exporting, i.mineral AS i_mineral, i.hs_code AS i_hs,
  i.mass_kg::float8 AS i_kg, i.grade_pct::float8 AS i_grade, i.value_usd::float8 AS i_value,
  i.arrived_on AS i_date, i.certificate_key AS i_cert, i.exporter_name AS i_xname,
  i.exporter_name_key AS i_xkey, i.importer_name AS i_iname, i.importer_name_key AS i_ikey,
  i.transport_ref_key AS i_tref`;

/**
 * Stage 1: the certificate equi-join on (certificate, exporting country, importing country) —
 * the KP import confirmation. 1:n: every import citing the certificate is linked (split shipments).
 */
export function stage1Sql(pairs: string): string {
  return `CREATE UNLOGGED TABLE ${pairs} AS
  SELECT 'link'::text AS decision, 1::smallint AS stage, 'certificate'::text AS pass,
         NULL::real AS score, NULL::smallint[] AS levels,
         ${exportColumns}, ${importColumns}
  FROM exports e
  JOIN imports i ON i.certificate_key = e.certificate_key
                AND ${importExportingSql} = e.country
                AND i.country = e.destination_country
  WHERE ${exportScopeSql} AND ${importScopeSql}`;
}

/**
 * An import whose certificate joins several exports (a certificate number used twice by the
 * exporting state) is not decided by the certificate: it goes to stage 2, where the certificate
 * still weighs and one-to-one assignment chooses.
 */
export function ambiguousStage1Sql(pairs: string): string {
  return `DELETE FROM ${pairs} p USING (
    SELECT ic, iid FROM ${pairs} GROUP BY ic, iid HAVING count(*) > 1) d
  WHERE p.ic = d.ic AND p.iid = d.iid`;
}

/** Stage 2 input: exports in scope not linked in stage 1, ordered for a deterministic sweep. */
export function remainderExportsSql(pairs: string): string {
  return `SELECT e.country, e.export_id, e.destination_country, e.mineral, e.mass_kg::float8,
         e.grade_pct::float8, e.value_usd::float8, (e.shipped_on - DATE '1970-01-01') AS day,
         e.certificate_key, e.exporter_name_key, e.importer_name_key, e.transport_ref_key
  FROM exports e
  WHERE ${exportScopeSql}
    AND NOT EXISTS (SELECT 1 FROM ${pairs} p WHERE p.ec = e.country AND p.eid = e.export_id)
  ORDER BY e.country, e.destination_country, e.mineral, e.shipped_on, e.export_id`;
}

export function remainderImportsSql(pairs: string): string {
  return `SELECT i.country, i.import_id, ${importExportingSql} AS exporting, i.mineral, i.mass_kg::float8,
         i.grade_pct::float8, i.value_usd::float8, (i.arrived_on - DATE '1970-01-01') AS day,
         i.certificate_key, i.exporter_name_key, i.importer_name_key, i.transport_ref_key
  FROM imports i
  WHERE ${importScopeSql}
    AND NOT EXISTS (SELECT 1 FROM ${pairs} p WHERE p.ic = i.country AND p.iid = i.import_id)
  ORDER BY ${importExportingSql}, i.country, i.mineral, i.arrived_on, i.import_id`;
}

/** Stage 2's decisions as written back from TypeScript (COPY). */
export function stage2TableSql(s2: string): string {
  return `CREATE UNLOGGED TABLE ${s2} (
    kind text NOT NULL, ec char(2), eid text, ic char(2), iid text,
    pass text, score real, levels smallint[])`;
}

/** Stage 2 links and review pairs join the pairs table with the same columns as stage 1's. */
export function stage2PairsSql(pairs: string, s2: string): string {
  return `INSERT INTO ${pairs}
  SELECT s.kind, 2::smallint, s.pass, s.score, s.levels, ${exportColumns}, ${importColumns}
  FROM ${s2} s
  JOIN exports e ON e.country = s.ec AND e.export_id = s.eid
  JOIN imports i ON i.country = s.ic AND i.import_id = s.iid
  WHERE s.kind IN ('link', 'review')`;
}

/** The distinct party-name key pairs that differ on linked pairs (their similarity is computed in TS). */
export function differingNamesSql(pairs: string): string {
  return `SELECT e_xkey, i_xkey FROM ${pairs}
    WHERE decision = 'link' AND e_xkey <> i_xkey AND e_xname <> i_xname
  UNION
  SELECT e_ikey, i_ikey FROM ${pairs}
    WHERE decision = 'link' AND e_ikey <> i_ikey AND e_iname <> i_iname`;
}
