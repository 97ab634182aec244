import { importExportingSql } from '../scope.js';
import type { MatcherSettings } from '../settings.js';
import { fingerprintSql, lit, responsibleSql } from './classify.js';

/**
 * Records of the reported months left unmatched after stages 1 and 2 (stage 2 writes them into its
 * table). Parameters: the scope ($1..$8), $9 run_seq, $10 as_of, $11 certifying states.
 *
 * UNMATCHED_EXPORT subtypes: `awaiting_lag` (info) while the mineral's window has not closed on as_of;
 * then `partner_not_reported` (minor, the importing state's) when the partner has no completed batch for
 * some month of the window; else `suspected_diversion` (major). UNMATCHED_IMPORT is major when the
 * exporting state issues certificates (its export should carry one), minor otherwise.
 */
const insertHead = `INSERT INTO reconciliation_discrepancies (run_seq, id, code, subtype, severity,
  exporting_country, importing_country, responsible, mineral, period, export_id, import_ids, certificate_key,
  link_stage, link_score, figures)`;

/** Member states' reported months: a completed batch for (country, period). */
export function reportedSql(reported: string): string {
  return `CREATE UNLOGGED TABLE ${reported} AS
  SELECT DISTINCT reporting_country AS country, period FROM batches
  WHERE status IN ('completed', 'completed_with_errors')`;
}

export function unmatchedExportsSql(s2: string, reported: string, s: MatcherSettings): string {
  const after = `CASE WHEN e.mineral = 'gold' THEN ${s.window.gold.after} ELSE ${s.window['3t'].after} END`;
  // The partner's missing months depend only on (partner, first month, last month of the window):
  // computed once per distinct span (a few hundred), not once per export (MATERIALIZED: inlined, the
  // subquery would be evaluated again for each use).
  return `${insertHead}
  WITH u AS (
    SELECT e.country, e.export_id, e.destination_country, e.mineral, e.shipped_on, e.mass_kg, e.value_usd,
      e.certificate_key, e.exporter_name, e.importer_name, e.transport_ref,
      (e.shipped_on + ${after}) AS window_end, rc.candidates
    FROM ${s2} s
    JOIN exports e ON e.country = s.ec AND e.export_id = s.eid
    LEFT JOIN (
      SELECT r.ec, r.eid, jsonb_agg(jsonb_build_object('importCountry', r.ic, 'importId', r.iid, 'score', r.score)
        ORDER BY r.score DESC, r.ic, r.iid) AS candidates
      FROM ${s2} r WHERE r.kind = 'review' GROUP BY r.ec, r.eid) rc ON rc.ec = s.ec AND rc.eid = s.eid
    WHERE s.kind = 'unmatched_export' AND e.shipped_on >= $8::date
  ), spans AS MATERIALIZED (
    SELECT sp.c, sp.m0, sp.m1, (
      SELECT array_agg(to_char(m, 'YYYY-MM') ORDER BY m) FILTER (WHERE r.period IS NULL)
      FROM generate_series(sp.m0, sp.m1, interval '1 month') m
      LEFT JOIN ${reported} r ON r.country = sp.c AND r.period = to_char(m, 'YYYY-MM')) AS missing_months
    FROM (SELECT DISTINCT destination_country AS c, date_trunc('month', shipped_on) AS m0,
            date_trunc('month', window_end) AS m1 FROM u) sp
  )
  SELECT $9::bigint, ${fingerprintSql(`'UNMATCHED_EXPORT'`, 'x.sub', `e.country || ':' || e.export_id`)},
    'UNMATCHED_EXPORT', x.sub,
    CASE x.sub WHEN 'awaiting_lag' THEN 'info' WHEN 'partner_not_reported' THEN 'minor' ELSE 'major' END,
    e.country, e.destination_country,
    ${responsibleSql(`'UNMATCHED_EXPORT'`, 'x.sub', 'e.country', 'e.destination_country')},
    e.mineral, to_char(e.shipped_on, 'YYYY-MM'), e.export_id, NULL, e.certificate_key, NULL, NULL,
    jsonb_build_object('export', jsonb_build_object('country', e.country, 'id', e.export_id,
        'shippedOn', e.shipped_on, 'kg', e.mass_kg, 'valueUsdFob', e.value_usd, 'certificate', e.certificate_key,
        'exporter', e.exporter_name, 'importer', e.importer_name, 'transportRef', e.transport_ref),
      'windowEnd', e.window_end, 'asOf', $10::date, 'partnerMissingMonths', rep.missing_months,
      'reviewCandidates', e.candidates)
  FROM u e
  JOIN spans rep ON rep.c = e.destination_country AND rep.m0 = date_trunc('month', e.shipped_on)
    AND rep.m1 = date_trunc('month', e.window_end)
  CROSS JOIN LATERAL (
    SELECT CASE WHEN $10::date < e.window_end THEN 'awaiting_lag'
                WHEN rep.missing_months IS NOT NULL THEN 'partner_not_reported'
                ELSE 'suspected_diversion' END AS sub) x
`;
}

export function unmatchedImportsSql(s2: string): string {
  return `${insertHead}
  SELECT $9::bigint, ${fingerprintSql(`'UNMATCHED_IMPORT'`, 'NULL', `i.country || ':' || i.import_id`)},
    'UNMATCHED_IMPORT', NULL,
    CASE WHEN ${importExportingSql} = ANY($11::char(2)[]) THEN 'major' ELSE 'minor' END,
    ${importExportingSql}, i.country, i.country, i.mineral, to_char(i.arrived_on, 'YYYY-MM'), NULL,
    ARRAY[i.import_id], i.certificate_key, NULL, NULL,
    jsonb_build_object('import', jsonb_build_object('country', i.country, 'id', i.import_id,
        'arrivedOn', i.arrived_on, 'kg', i.mass_kg, 'valueUsdCif', i.value_usd, 'origin', i.origin_country,
        'consignedFrom', i.consignment_country, 'certificate', i.certificate_key, 'exporter', i.exporter_name,
        'importer', i.importer_name, 'transportRef', i.transport_ref),
      'reviewCandidates', rc.candidates)
  FROM ${s2} s
  JOIN imports i ON i.country = s.ic AND i.import_id = s.iid
  LEFT JOIN (
    SELECT r.ic, r.iid, jsonb_agg(jsonb_build_object('exportCountry', r.ec, 'exportId', r.eid, 'score', r.score)
      ORDER BY r.score DESC, r.ec, r.eid) AS candidates
    FROM ${s2} r WHERE r.kind = 'review' GROUP BY r.ic, r.iid) rc ON rc.ic = s.ic AND rc.iid = s.iid
  WHERE s.kind = 'unmatched_import' AND i.arrived_on >= $8::date AND i.arrived_on <= $2::date`;
}

export { lit };
