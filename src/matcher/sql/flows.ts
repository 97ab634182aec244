import { importExportingSql } from '../scope.js';
import type { MatcherSettings } from '../settings.js';
import { fingerprintSql, lit } from './classify.js';

/**
 * Stage 3: mirror flows per (exporting, importing, mineral, month), over the whole context so that
 * the rolling 3-month sums of the first reported months are complete. Imports are aligned to the
 * month of the export they are linked to (the lag), with unit slips corrected (no penalty: research
 * scenario 5); unlinked imports count in their arrival month. Flows with a non-member partner are
 * counted (member = false) and never matched. Parameters: scope ($1..$8), $9 run_seq, $10 as_of.
 */
export function flowsSql(fl: string, s2: string, cls: string, s: MatcherSettings): string {
  const f = lit(s.cifFobFactor);
  const after = `CASE WHEN e.mineral = 'gold' THEN ${s.window.gold.after} ELSE ${s.window['3t'].after} END`;
  return `CREATE UNLOGGED TABLE ${fl} AS
  WITH ex AS (
    SELECT e.country AS a, e.destination_country AS b, e.mineral, to_char(e.shipped_on, 'YYYY-MM') AS period,
      count(*)::int AS n, coalesce(sum(e.mass_kg), 0)::float8 AS kg, coalesce(sum(e.value_usd), 0)::float8 AS val,
      count(e.certificate_key)::int AS certified
    FROM exports e
    WHERE NOT e.is_void AND e.shipped_on BETWEEN $1::date AND $2::date AND e.country = ANY($5::char(2)[])
      AND e.destination_country IS NOT NULL AND e.destination_country <> e.country AND e.mineral IS NOT NULL
      AND ($6::char(2) IS NULL OR e.country = $6::char(2))
      AND ($7::char(2) IS NULL OR e.destination_country = $7::char(2))
    GROUP BY 1, 2, 3, 4
  ), um AS (
    SELECT e.country AS a, e.destination_country AS b, e.mineral, to_char(e.shipped_on, 'YYYY-MM') AS period,
      count(*)::int AS n,
      count(*) FILTER (WHERE e.certificate_key IS NOT NULL)::int AS n_cert,
      count(*) FILTER (WHERE e.certificate_key IS NOT NULL AND $10::date < e.shipped_on + ${after})::int AS n_cert_awaiting
    FROM ${s2} s JOIN exports e ON e.country = s.ec AND e.export_id = s.eid
    WHERE s.kind = 'unmatched_export'
    GROUP BY 1, 2, 3, 4
  ), li AS (
    SELECT ec AS a, ic AS b, e_mineral AS mineral, to_char(e_date, 'YYYY-MM') AS period, count(*)::int AS n,
      coalesce(sum(CASE WHEN unit_factor > 0 THEN i_kg / unit_factor ELSE i_kg END), 0)::float8 AS kg,
      coalesce(sum(i_value), 0)::float8 / ${f} AS val
    FROM ${cls} WHERE decision = 'link'
    GROUP BY 1, 2, 3, 4
  ), ui AS (
    SELECT ${importExportingSql} AS a, i.country AS b, i.mineral, to_char(i.arrived_on, 'YYYY-MM') AS period,
      count(*)::int AS n, coalesce(sum(i.mass_kg), 0)::float8 AS kg, coalesce(sum(i.value_usd), 0)::float8 / ${f} AS val
    FROM ${s2} s JOIN imports i ON i.country = s.ic AND i.import_id = s.iid
    WHERE s.kind = 'unmatched_import'
    GROUP BY 1, 2, 3, 4
  ), nm AS (
    SELECT ${importExportingSql} AS a, i.country AS b, i.mineral, to_char(i.arrived_on, 'YYYY-MM') AS period,
      count(*)::int AS n, coalesce(sum(i.mass_kg), 0)::float8 AS kg, coalesce(sum(i.value_usd), 0)::float8 / ${f} AS val
    FROM imports i
    WHERE NOT i.is_void AND i.arrived_on BETWEEN $8::date AND $2::date AND i.country = ANY($5::char(2)[])
      AND ${importExportingSql} IS NOT NULL AND ${importExportingSql} <> ALL($5::char(2)[]) AND i.mineral IS NOT NULL
      AND $6::char(2) IS NULL AND ($7::char(2) IS NULL OR i.country = $7::char(2))
    GROUP BY 1, 2, 3, 4
  ), cells AS (
    SELECT a, b, mineral, period FROM ex UNION SELECT a, b, mineral, period FROM li
    UNION SELECT a, b, mineral, period FROM ui UNION SELECT a, b, mineral, period FROM nm
  ), m AS (
    SELECT c.a, c.b, c.mineral, c.period,
      (c.a = ANY($5::char(2)[]) AND c.b = ANY($5::char(2)[])) AS member,
      (substr(c.period, 1, 4)::int * 12 + substr(c.period, 6, 2)::int) AS mi,
      coalesce(ex.n, 0) AS export_count, coalesce(ex.kg, 0) AS export_kg, coalesce(ex.val, 0) AS export_value_usd,
      coalesce(ex.certified, 0) AS certified_export_count,
      coalesce(ex.certified, 0) - coalesce(um.n_cert_awaiting, 0) AS confirmable_export_count,
      coalesce(ex.certified, 0) - coalesce(um.n_cert, 0) AS confirmed_export_count,
      coalesce(um.n, 0) AS unmatched_export_count,
      coalesce(li.n, 0) + coalesce(ui.n, 0) + coalesce(nm.n, 0) AS import_count,
      coalesce(li.kg, 0) + coalesce(ui.kg, 0) + coalesce(nm.kg, 0) AS import_kg,
      coalesce(li.val, 0) + coalesce(ui.val, 0) + coalesce(nm.val, 0) AS import_value_fob,
      coalesce(ui.n, 0) AS unmatched_import_count
    FROM cells c
    LEFT JOIN ex ON ex.a = c.a AND ex.b = c.b AND ex.mineral = c.mineral AND ex.period = c.period
    LEFT JOIN um ON um.a = c.a AND um.b = c.b AND um.mineral = c.mineral AND um.period = c.period
    LEFT JOIN li ON li.a = c.a AND li.b = c.b AND li.mineral = c.mineral AND li.period = c.period
    LEFT JOIN ui ON ui.a = c.a AND ui.b = c.b AND ui.mineral = c.mineral AND ui.period = c.period
    LEFT JOIN nm ON nm.a = c.a AND nm.b = c.b AND nm.mineral = c.mineral AND nm.period = c.period
  )
  SELECT m.*,
    sum(m.export_kg) OVER w3 AS export_kg_3m,
    sum(m.import_kg) OVER w3 AS import_kg_3m
  FROM m
  WINDOW w3 AS (PARTITION BY m.a, m.b, m.mineral ORDER BY m.mi RANGE BETWEEN 2 PRECEDING AND CURRENT ROW)`;
}

export function insertFlowsSql(fl: string): string {
  return `INSERT INTO reconciliation_flows (run_seq, exporting_country, importing_country, mineral, period, member,
    export_count, export_kg, export_value_usd, certified_export_count, confirmable_export_count,
    confirmed_export_count, unmatched_export_count, import_count, import_kg, import_value_fob,
    unmatched_import_count, ratio, export_kg_3m, import_kg_3m, ratio_3m)
  SELECT $9::bigint, a, b, mineral, period, member, export_count, export_kg, export_value_usd,
    certified_export_count, confirmable_export_count, confirmed_export_count, unmatched_export_count,
    import_count, import_kg, import_value_fob, unmatched_import_count,
    CASE WHEN export_kg > 0 THEN import_kg / export_kg END, export_kg_3m, import_kg_3m,
    CASE WHEN export_kg_3m > 0 THEN import_kg_3m / export_kg_3m END
  FROM ${fl}
  WHERE period >= to_char($8::date, 'YYYY-MM')`;
}

/**
 * AGG_ASYMMETRY per member cell of the reported months: |log(imports ÷ exports)| above log(ratio),
 * monthly and over the rolling 3 months, when either side reaches the mineral's floor. Major beyond
 * twice the band (or when one side is nil), minor within.
 */
export function aggregateSql(fl: string, s: MatcherSettings): string {
  const band = lit(Math.log(s.aggregate.ratio));
  const floor = `CASE WHEN x.mineral = 'gold' THEN ${lit(s.aggregate.floorKg.gold)} ELSE ${lit(s.aggregate.floorKg['3t'])} END`;
  return `INSERT INTO reconciliation_discrepancies (run_seq, id, code, subtype, severity, exporting_country,
    importing_country, responsible, mineral, period, export_id, import_ids, certificate_key, link_stage,
    link_score, figures)
  SELECT $9::bigint,
    ${fingerprintSql(`'AGG_ASYMMETRY'`, 'd.sub', `x.a || '>' || x.b || '|' || x.mineral || '|' || x.period`)},
    'AGG_ASYMMETRY', d.sub,
    CASE WHEN d.ekg = 0 OR d.ikg = 0 THEN 'major'
         WHEN abs(ln(d.ikg / d.ekg)) > 2 * ${band} THEN 'major' ELSE 'minor' END,
    x.a, x.b, NULL, x.mineral, x.period, NULL, NULL, NULL, NULL, NULL,
    jsonb_build_object('exportKg', d.ekg, 'importKg', d.ikg,
      'ratio', CASE WHEN d.ekg > 0 THEN d.ikg / d.ekg END,
      'logRatio', CASE WHEN d.ekg > 0 AND d.ikg > 0 THEN ln(d.ikg / d.ekg) END,
      'band', ${lit(s.aggregate.ratio)}, 'floorKg', ${floor},
      'months', CASE d.sub WHEN 'month' THEN 1 ELSE 3 END,
      'exportCount', x.export_count, 'importCount', x.import_count,
      'unmatchedExports', x.unmatched_export_count, 'unmatchedImports', x.unmatched_import_count)
  FROM ${fl} x
  CROSS JOIN LATERAL (VALUES ('month', x.export_kg, x.import_kg), ('rolling_3m', x.export_kg_3m, x.import_kg_3m))
    AS d(sub, ekg, ikg)
  WHERE x.member AND x.period >= to_char($8::date, 'YYYY-MM')
    AND greatest(d.ekg, d.ikg) >= ${floor}
    AND CASE WHEN d.ekg = 0 OR d.ikg = 0 THEN true ELSE abs(ln(d.ikg / d.ekg)) > ${band} END`;
}
