import { importExportingSql, importScopeSql } from '../scope.js';
import { mineralGroup, type MatcherSettings } from '../settings.js';
import { fingerprintSql, lit, responsibleSql } from './classify.js';

/**
 * Checks of records against the registries (certificates, actors, mine sites, inspections, lots), of
 * the reported months. Parameters: the scope ($1..$8, see scope.ts), then $9 run_seq, $10 as_of.
 */
const insertHead = `INSERT INTO reconciliation_discrepancies (run_seq, id, code, subtype, severity,
  exporting_country, importing_country, responsible, mineral, period, export_id, import_ids, certificate_key,
  link_stage, link_score, figures)`;

const importInPeriod = `${importScopeSql} AND i.arrived_on >= $8::date`;
/**
 * A member state's exports of the reported months to any destination: the registry checks apply to
 * exports to non-members too (only matching needs a member partner).
 */
const exportInPeriod = `NOT e.is_void AND e.shipped_on BETWEEN $8::date AND $2::date
  AND e.country = ANY($5::char(2)[]) AND e.destination_country IS NOT NULL AND e.destination_country <> e.country
  AND ($6::char(2) IS NULL OR e.country = $6::char(2))
  AND ($7::char(2) IS NULL OR e.destination_country = $7::char(2))`;

/**
 * Imports of the context that cite a certificate, with the certificate (issued by the state of its
 * prefix) and the export each is linked to, if any. CERT_UNKNOWN, CERT_EXPIRED and CERT_OVERDRAWN
 * read it.
 */
export function certUsesSql(cu: string, cls: string): string {
  return `CREATE UNLOGGED TABLE ${cu} AS
  SELECT i.country AS ic, i.import_id AS iid, ${importExportingSql} AS exporting, i.mineral,
    i.certificate_key AS cert, i.arrived_on, i.arrived_on >= $8::date AS in_period,
    -- A unit slip found on the link is corrected: it does not overdraw the certificate.
    i.mass_kg::float8 / coalesce(nullif(l.unit_factor, 0), 1) AS kg,
    c.country AS c_country, c.status AS c_status, c.expires_on AS c_expires, c.mass_kg::float8 AS c_kg,
    c.mineral AS c_mineral, l.e_date AS shipped_on, l.e_cert AS linked_cert, l.stage AS link_stage
  FROM imports i
  LEFT JOIN certificates c ON c.certificate_key = i.certificate_key AND c.country = left(i.certificate_key, 2)
                           AND NOT c.is_void
  LEFT JOIN ${cls} l ON l.decision = 'link' AND l.ic = i.country AND l.iid = i.import_id
  WHERE ${importScopeSql} AND i.certificate_key IS NOT NULL`;
}

/** CERT_UNKNOWN and CERT_EXPIRED, per import of the reported months. */
export function certImportChecksSql(cu: string, certifiers: string): string {
  const figures = `jsonb_build_object('import', jsonb_build_object('country', u.ic, 'id', u.iid,
      'certificate', u.cert, 'arrivedOn', u.arrived_on, 'kg', u.kg),
    'certificate', CASE WHEN u.c_country IS NULL THEN NULL ELSE jsonb_build_object('country', u.c_country,
      'status', u.c_status, 'expiresOn', u.c_expires, 'kg', u.c_kg) END,
    'linkedExport', CASE WHEN u.shipped_on IS NULL THEN NULL ELSE jsonb_build_object('shippedOn', u.shipped_on,
      'certificate', u.linked_cert, 'stage', u.link_stage) END)`;
  return `${insertHead}
  SELECT $9::bigint, ${fingerprintSql('d.code', 'd.subtype', `u.ic || ':' || u.iid`)}, d.code, d.subtype,
    d.severity, u.exporting, u.ic, ${responsibleSql('d.code', 'd.subtype', 'u.exporting', 'u.ic')}, u.mineral,
    to_char(u.arrived_on, 'YYYY-MM'), NULL, ARRAY[u.iid], u.cert, u.link_stage, NULL, ${figures}
  FROM (SELECT * FROM ${cu}
        WHERE in_period AND (c_country IS NULL OR c_status IN ('cancelled', 'expired')
                             OR c_expires < coalesce(shipped_on, arrived_on))) u
  CROSS JOIN LATERAL (VALUES
    (CASE WHEN u.c_country IS NULL
           AND (u.cert !~ '^[A-Z]{2}-' OR left(u.cert, 2)::char(2) <> ALL($5::char(2)[])
                OR left(u.cert, 2) IN (SELECT country FROM ${certifiers}))
          THEN 'CERT_UNKNOWN' END,
     CASE WHEN u.cert !~ '^[A-Z]{2}-' OR left(u.cert, 2)::char(2) <> ALL($5::char(2)[]) THEN 'bad_prefix'
          WHEN u.linked_cert IS NOT NULL AND u.linked_cert <> u.cert THEN 'near_match'
          ELSE 'not_issued' END,
     CASE WHEN u.linked_cert IS NOT NULL AND u.linked_cert <> u.cert THEN 'minor' ELSE 'major' END),
    (CASE WHEN u.c_status IN ('cancelled', 'expired')
            OR u.c_expires < coalesce(u.shipped_on, u.arrived_on) THEN 'CERT_EXPIRED' END,
     CASE WHEN u.c_status IN ('cancelled', 'expired') THEN 'status' ELSE 'date' END,
     'major')
  ) AS d(code, subtype, severity)
  WHERE u.in_period AND d.code IS NOT NULL`;
}

/**
 * CERT_OVERDRAWN: per certificate cited in the reported months, everything imported under it in the
 * context (unit slips corrected), against what it covers. First a hash aggregate over every cited
 * certificate, kept a hair (10⁻⁶) looser than the limit — its float sum, in no particular order, can
 * differ from the ordered one only in the last bits; then, for those few alone, the figures: the sum in
 * (import country, import id) order, the limit exactly, and the import ids.
 */
export function certTotalsSql(cu: string, totals: string, s: MatcherSettings): string {
  const tol = lit(Math.min(s.qty.gold.minor, s.qty['3t'].minor));
  return `CREATE UNLOGGED TABLE ${totals} AS
  WITH over AS (
    SELECT cert FROM ${cu}
    WHERE c_country IS NOT NULL AND c_kg > 0
    GROUP BY cert
    HAVING bool_or(in_period) AND sum(kg) > min(c_kg) * (1 + ${tol}) * 0.999999)
  SELECT u.cert, min(u.exporting) AS exporting, min(u.ic) AS ic, min(u.mineral) AS mineral,
    min(u.c_mineral) AS c_mineral, min(u.c_country) AS c_country, min(u.c_kg) AS c_kg,
    sum(u.kg ORDER BY u.ic, u.iid) AS kg, count(*) AS n, array_agg(u.iid ORDER BY u.ic, u.iid) AS iids,
    to_char(max(u.arrived_on) FILTER (WHERE u.in_period), 'YYYY-MM') AS period
  FROM ${cu} u JOIN over o ON o.cert = u.cert
  WHERE u.c_country IS NOT NULL AND u.c_kg > 0
  GROUP BY u.cert
  HAVING sum(u.kg ORDER BY u.ic, u.iid) > min(u.c_kg) * (1 + ${tol})`;
}

export function certOverdrawnSql(totals: string, s: MatcherSettings): string {
  const tol = `CASE WHEN coalesce(o.c_mineral, o.mineral) = 'gold' THEN ${lit(s.qty.gold.minor)} ELSE ${lit(s.qty['3t'].minor)} END`;
  return `${insertHead}
  SELECT $9::bigint, ${fingerprintSql(`'CERT_OVERDRAWN'`, 'NULL', 'o.cert')}, 'CERT_OVERDRAWN', NULL,
    CASE WHEN o.kg > o.c_kg * (1 + 2 * ${tol}) THEN 'major' ELSE 'minor' END,
    o.exporting, o.ic, NULL, coalesce(o.c_mineral, o.mineral), o.period, NULL, o.iids, o.cert, NULL, NULL,
    jsonb_build_object('certificate', jsonb_build_object('number', o.cert, 'country', o.c_country, 'kg', o.c_kg),
      'imported', jsonb_build_object('kg', o.kg, 'imports', o.n, 'ids', o.iids),
      'compared', jsonb_build_object('excess', o.kg / o.c_kg - 1, 'tolerance', ${tol}))
  FROM ${totals} o
  WHERE o.kg > o.c_kg * (1 + ${tol})`;
}

/** EXPORTER_SUSPENDED: the exporter's audit flag was red (and not lifted) on the day it shipped. */
export function exporterSuspendedSql(s: MatcherSettings): string {
  return `${insertHead}
  SELECT $9::bigint, ${fingerprintSql(`'EXPORTER_SUSPENDED'`, 'NULL', `e.country || ':' || e.export_id`)},
    'EXPORTER_SUSPENDED', NULL, 'major', e.country, e.destination_country, e.country, e.mineral,
    to_char(e.shipped_on, 'YYYY-MM'), e.export_id, NULL, e.certificate_key, NULL, NULL,
    jsonb_build_object('export', jsonb_build_object('country', e.country, 'id', e.export_id,
        'shippedOn', e.shipped_on, 'exporterId', e.exporter_id, 'exporter', e.exporter_name),
      'actor', jsonb_build_object('name', a.name, 'auditFlag', a.audit_flag, 'auditDate', a.audit_date,
        'suspendedUntil', a.audit_suspended_until, 'suspensionMonths', ${s.suspensionMonths}))
  FROM (SELECT * FROM actors WHERE audit_flag = 'red' AND NOT is_void) a
  JOIN exports e ON e.country = a.country AND e.exporter_id = a.actor_id
  WHERE ${exportInPeriod} AND e.exporter_id IS NOT NULL
    AND (a.audit_date IS NULL OR e.shipped_on >= a.audit_date)
    AND (e.shipped_on <= coalesce(a.audit_suspended_until,
           (a.audit_date + make_interval(months => ${s.suspensionMonths}))::date)
         OR (a.audit_suspended_until IS NULL AND a.audit_date IS NULL))`;
}

/**
 * CERT_SITE_NOT_GREEN: the lots of the export (its own lot numbers and its certificate's), traced back
 * through input lots to the mine sites they were extracted at, plus the certificate's origin sites;
 * a site whose status on the shipping day (its last inspection on or before it, else its current
 * status if dated on or before it) was neither green nor yellow.
 */
export function siteNotGreenSql(): string {
  return `${insertHead}
  WITH RECURSIVE traced AS (
    -- Exports that name lots, and exports whose certificate names lots or origin sites.
    SELECT e.country, e.export_id FROM exports e WHERE ${exportInPeriod} AND e.lot_numbers IS NOT NULL
    UNION
    SELECT e.country, e.export_id
    FROM certificates c JOIN exports e ON e.certificate_key = c.certificate_key AND e.country = c.country
    WHERE NOT c.is_void AND (c.lot_numbers IS NOT NULL OR c.origin_site_ids IS NOT NULL) AND ${exportInPeriod}
  ), start AS (
    SELECT e.country AS ec, e.export_id AS eid, e.destination_country AS ic, e.mineral, e.shipped_on,
      e.certificate_key AS cert, c.origin_site_ids,
      coalesce(e.lot_numbers, '{}'::text[]) || coalesce(c.lot_numbers, '{}'::text[]) AS lot_numbers
    FROM traced t
    JOIN exports e ON e.country = t.country AND e.export_id = t.export_id
    LEFT JOIN certificates c ON c.certificate_key = e.certificate_key AND c.country = e.country AND NOT c.is_void
  ), walk(ec, eid, lot, depth) AS (
    SELECT s.ec, s.eid, l, 0 FROM start s, unnest(s.lot_numbers) AS l
    UNION
    SELECT w.ec, w.eid, x, w.depth + 1
    FROM walk w JOIN lots lo ON lo.country = w.ec AND lo.lot_number = w.lot AND NOT lo.is_void,
      unnest(lo.input_lots) AS x
    WHERE w.depth < 32
  ), sites AS (
    SELECT DISTINCT w.ec, w.eid, lo.site_id, 'lot ' || w.lot AS via
    FROM walk w JOIN lots lo ON lo.country = w.ec AND lo.lot_number = w.lot AND NOT lo.is_void
    WHERE lo.site_id IS NOT NULL
    UNION
    SELECT s.ec, s.eid, x, 'certificate' FROM start s, unnest(s.origin_site_ids) AS x
  ), status AS (
    SELECT st.ec, st.eid, st.site_id, st.via, s.shipped_on,
      coalesce(
        (SELECT ins.result FROM inspections ins
          WHERE ins.country = st.ec AND ins.site_id = st.site_id AND NOT ins.is_void
            AND ins.inspection_date <= s.shipped_on
          ORDER BY ins.inspection_date DESC, ins.inspection_id DESC LIMIT 1),
        (SELECT ms.certification_status FROM mine_sites ms
          WHERE ms.country = st.ec AND ms.site_id = st.site_id AND NOT ms.is_void
            AND (ms.status_since IS NULL OR ms.status_since <= s.shipped_on))) AS status
    FROM sites st JOIN start s ON s.ec = st.ec AND s.eid = st.eid
  ), bad AS (
    SELECT ec, eid, jsonb_agg(jsonb_build_object('siteId', site_id, 'status', status, 'via', via)
      ORDER BY site_id, via) AS sites
    FROM status WHERE status IS NOT NULL AND status NOT IN ('green', 'yellow')
    GROUP BY ec, eid
  )
  SELECT $9::bigint, ${fingerprintSql(`'CERT_SITE_NOT_GREEN'`, 'NULL', `s.ec || ':' || s.eid`)},
    'CERT_SITE_NOT_GREEN', NULL, 'major', s.ec, s.ic, s.ec, s.mineral, to_char(s.shipped_on, 'YYYY-MM'),
    s.eid, NULL, s.cert, NULL, NULL,
    jsonb_build_object('export', jsonb_build_object('country', s.ec, 'id', s.eid, 'shippedOn', s.shipped_on,
      'certificate', s.cert), 'sites', b.sites)
  FROM bad b JOIN start s ON s.ec = b.ec AND s.eid = b.eid`;
}

/**
 * VALUE_MINOR (unit_price): an export of the reported months whose FOB price per kg lies outside
 * [median ÷ t, median × t] of its mineral and month, the median taken over every member state's
 * exports of that mineral and month (the same population whatever the corridor filter). The medians
 * and the exports outside the band are work tables (parallel scans); only those are inserted.
 */
export function unitPricesSql(prices: string): string {
  return `CREATE UNLOGGED TABLE ${prices} AS
  SELECT mineral, to_char(shipped_on, 'YYYY-MM') AS period,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY value_usd::float8 / mass_kg::float8) AS median, count(*) AS n
  FROM exports
  WHERE NOT is_void AND shipped_on BETWEEN $8::date AND $2::date AND country = ANY($5::char(2)[])
    AND value_usd > 0 AND mass_kg > 0
  GROUP BY 1, 2`;
}

export function outsidePriceBandSql(prices: string, outside: string, s: MatcherSettings): string {
  const t = lit(s.unitPriceBand);
  return `CREATE UNLOGGED TABLE ${outside} AS
  SELECT e.country, e.export_id, e.destination_country, e.mineral, e.shipped_on, e.certificate_key,
    e.mass_kg, e.value_usd, m.median, m.n
  FROM exports e
  JOIN ${prices} m ON m.mineral = e.mineral AND m.period = to_char(e.shipped_on, 'YYYY-MM')
  WHERE ${exportInPeriod} AND e.value_usd > 0 AND e.mass_kg > 0 AND m.n >= 5
    AND (e.value_usd::float8 / e.mass_kg::float8 > m.median * ${t}
         OR e.value_usd::float8 / e.mass_kg::float8 < m.median / ${t})`;
}

export function unitPriceSql(outside: string, s: MatcherSettings): string {
  const t = lit(s.unitPriceBand);
  return `${insertHead}
  SELECT $9::bigint, ${fingerprintSql(`'VALUE_MINOR'`, `'unit_price'`, `e.country || ':' || e.export_id`)},
    'VALUE_MINOR', 'unit_price', 'minor', e.country, e.destination_country, NULL, e.mineral,
    to_char(e.shipped_on, 'YYYY-MM'), e.export_id, NULL, e.certificate_key, NULL, NULL,
    jsonb_build_object('export', jsonb_build_object('country', e.country, 'id', e.export_id,
        'kg', e.mass_kg, 'valueUsdFob', e.value_usd, 'unitPrice', e.value_usd::float8 / e.mass_kg::float8),
      'compared', jsonb_build_object('medianUnitPrice', e.median, 'band', ${t}, 'exportsInMonth', e.n))
  FROM ${outside} e`;
}

export const groupOf = mineralGroup;
export { importInPeriod, exportInPeriod };
