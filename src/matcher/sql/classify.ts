import { codeSpecs, discrepancyCodes, type DiscrepancyCode } from '../codes.js';
import { unitFactors } from '../model.js';
import type { MatcherSettings } from '../settings.js';

/**
 * Classification of linked pairs, in SQL (research §3). Thresholds come from the validated settings and
 * are written into the statement as numeric literals.
 *
 * Per export group (one export and the imports linked to it — several for a split shipment):
 *   weight   qd = |Σ import kg − export kg| / export kg → QTY_MINOR / QTY_MAJOR by mineral, unless the
 *            ratio is a unit factor or the ore grade → UNIT_OR_CODE_ERROR (unit | grade);
 *   value    vd = the smaller of |Σ CIF ÷ factor − FOB| and |Σ CIF − FOB|, over FOB → VALUE_MINOR / _MAJOR;
 *            a raw ratio in the CIF band that agrees after conversion (and not before) → CIF_FOB_ONLY.
 * Per pair:
 *   months   import month − export month ≠ 0 → TIMING_LAG (info within the mineral's lag, else minor);
 *   parties  names that differ as written: info when their match keys agree (legal form), minor when
 *            similar (Jaro–Winkler ≥ low), major otherwise → PARTY_MISMATCH (exporter | importer | both);
 *   origin   declared origin ≠ the exporting state → ORIGIN_MISMATCH;
 *   HS       7108 on one side and 7112 on the other → UNIT_OR_CODE_ERROR (hs_code).
 */
export const lit = (x: number): string => {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return `(${x})::float8`;
};

const light = (col: string) => `regexp_replace(lower(${col}), '[^[:alnum:]]+', '', 'g')`;

function unitFactorSql(s: MatcherSettings): { factor: string; kind: string } {
  const tol = lit(s.unitRatioTolerance);
  const near = (f: string) => `abs(qr / (${f}) - 1) <= ${tol}`;
  const units = unitFactors.map((u) => ({ cond: near(lit(u.factor)), f: lit(u.factor) }));
  // One side reported the contained metal (oxide) of the other's ore (see explainRatio).
  const content = (g: string) => `(${g} IS NULL OR ${g} >= 95)`;
  const grades = [
    {
      cond: `e_grade > 0 AND e_grade < 95 AND ${content('i_grade')} AND ${near(`nullif(e_grade, 0) / 100`)}`,
      f: `e_grade / 100`,
    },
    {
      cond: `i_grade > 0 AND i_grade < 95 AND ${content('e_grade')} AND ${near(`100 / nullif(i_grade, 0)`)}`,
      f: `100 / i_grade`,
    },
  ];
  const factor = `CASE WHEN qd IS NULL OR qd <= qminor THEN NULL
    ${units.map((u) => `WHEN ${u.cond} THEN ${u.f}`).join('\n    ')}
    ${grades.map((g) => `WHEN ${g.cond} THEN ${g.f}`).join('\n    ')}
    END`;
  const kind = `CASE WHEN qd IS NULL OR qd <= qminor THEN NULL
    ${units.map((u) => `WHEN ${u.cond} THEN 'unit'`).join('\n    ')}
    ${grades.map((g) => `WHEN ${g.cond} THEN 'grade'`).join('\n    ')}
    END`;
  return { factor, kind };
}

const sevRank = `CASE WHEN %s = 'major' THEN 2 WHEN %s = 'minor' THEN 1 WHEN %s = 'info' THEN 0 ELSE -1 END`;
const rank = (col: string) => sevRank.replaceAll('%s', col);

/**
 * The export groups of more than one linked import (split shipments), with their sums: a parallel
 * hash aggregate, so that classifying the pairs needs no sort.
 */
export function groupsSql(pairs: string, groups: string): string {
  return `CREATE UNLOGGED TABLE ${groups} AS
  SELECT ec, eid, count(*)::int AS n, sum(i_kg) AS kg, count(i_kg)::int AS kg_n, sum(i_value) AS value,
    count(i_value)::int AS value_n, array_agg(iid ORDER BY ic, iid) AS iids, min(ic || '|' || iid) AS first
  FROM ${pairs} WHERE decision = 'link'
  GROUP BY ec, eid HAVING count(*) > 1`;
}

/** CTAS of the classified pairs: the pairs' figures, group figures, and codes. */
export function classifySql(
  pairs: string,
  groups: string,
  names: string,
  cls: string,
  s: MatcherSettings,
  from: string,
): string {
  const u = unitFactorSql(s);
  const party = (eName: string, iName: string, eKey: string, iKey: string, jw: string) => `CASE
      WHEN ${eKey} IS NULL OR ${iKey} IS NULL OR ${eName} = ${iName} THEN 0
      WHEN ${light(eName)} = ${light(iName)} THEN 0
      WHEN ${eKey} = ${iKey} THEN 1
      WHEN coalesce(${jw}, 0) >= ${lit(s.names.low)} THEN 2
      ELSE 3 END`;
  return `CREATE UNLOGGED TABLE ${cls} AS
  WITH g AS (
    SELECT p.*,
      CASE WHEN p.e_mineral = 'gold' THEN 'gold' ELSE '3t' END AS grp,
      coalesce(gr.n, 1) AS gsize,
      CASE WHEN gr.n IS NULL THEN p.i_kg ELSE gr.kg END AS g_ikg,
      CASE WHEN gr.n IS NULL THEN (p.i_kg IS NOT NULL)::int ELSE gr.kg_n END AS g_ikg_n,
      CASE WHEN gr.n IS NULL THEN p.i_value ELSE gr.value END AS g_ivalue,
      CASE WHEN gr.n IS NULL THEN (p.i_value IS NOT NULL)::int ELSE gr.value_n END AS g_ivalue_n,
      CASE WHEN gr.n IS NULL THEN ARRAY[p.iid] ELSE gr.iids END AS g_iids,
      CASE WHEN gr.n IS NULL OR gr.first = p.ic || '|' || p.iid THEN 1 ELSE 2 END AS gpos
    FROM ${pairs} p
    LEFT JOIN ${groups} gr ON p.decision = 'link' AND gr.ec = p.ec AND gr.eid = p.eid
    OFFSET 0
  ), f AS (
    SELECT g.*,
      CASE WHEN g.e_kg > 0 AND g.g_ikg_n = g.gsize AND g.g_ikg > 0
           THEN abs(g.g_ikg - g.e_kg) / g.e_kg END AS qd,
      CASE WHEN g.e_kg > 0 AND g.g_ikg_n = g.gsize AND g.g_ikg > 0 THEN g.g_ikg / g.e_kg END AS qr,
      CASE WHEN g.e_value > 0 AND g.g_ivalue_n = g.gsize AND g.g_ivalue > 0
           THEN g.g_ivalue / g.e_value END AS vr,
      ((extract(year FROM g.i_date) * 12 + extract(month FROM g.i_date))
        - (extract(year FROM g.e_date) * 12 + extract(month FROM g.e_date)))::int AS mdiff,
      CASE WHEN g.grp = 'gold' THEN ${lit(s.qty.gold.minor)} ELSE ${lit(s.qty['3t'].minor)} END AS qminor,
      CASE WHEN g.grp = 'gold' THEN ${lit(s.qty.gold.major)} ELSE ${lit(s.qty['3t'].major)} END AS qmajor,
      CASE WHEN g.grp = 'gold' THEN ${s.lagMonths.gold} ELSE ${s.lagMonths['3t']} END AS lag_months,
      ${party('g.e_xname', 'g.i_xname', 'g.e_xkey', 'g.i_xkey', 'nx.jw')} AS party_x,
      ${party('g.e_iname', 'g.i_iname', 'g.e_ikey', 'g.i_ikey', 'ni.jw')} AS party_i,
      (left(g.e_hs, 4) = '7108' AND left(g.i_hs, 4) = '7112')
        OR (left(g.e_hs, 4) = '7112' AND left(g.i_hs, 4) = '7108') AS hs_err,
      g.i_origin IS NOT NULL AND g.i_origin <> g.ec AS origin_err
    FROM g
    LEFT JOIN ${names} nx ON nx.a = g.e_xkey AND nx.b = g.i_xkey
    LEFT JOIN ${names} ni ON ni.a = g.e_ikey AND ni.b = g.i_ikey
    OFFSET 0
  ), u AS (
    SELECT f.*,
      ${u.factor} AS unit_factor,
      ${u.kind} AS unit_kind,
      CASE WHEN f.vr IS NULL THEN NULL
           ELSE least(abs(f.vr / ${lit(s.cifFobFactor)} - 1), abs(f.vr - 1)) END AS vd
    FROM f
    OFFSET 0
  ), c AS (
    SELECT u.*,
      CASE WHEN u.unit_factor IS NOT NULL THEN NULL
           WHEN u.qd > u.qmajor THEN 'QTY_MAJOR' WHEN u.qd > u.qminor THEN 'QTY_MINOR' END AS qty_code,
      CASE WHEN u.vd > ${lit(s.value.major)} THEN 'VALUE_MAJOR'
           WHEN u.vd > ${lit(s.value.minor)} THEN 'VALUE_MINOR'
           WHEN abs(u.vr - 1) > ${lit(s.value.minor)}
                AND u.vr BETWEEN ${lit(s.cifFobBand.min)} AND ${lit(s.cifFobBand.max)} THEN 'CIF_FOB_ONLY'
      END AS value_code,
      CASE WHEN u.mdiff = 0 THEN NULL
           WHEN u.mdiff > 0 AND u.mdiff <= u.lag_months THEN 'info' ELSE 'minor' END AS timing_sev,
      CASE WHEN greatest(u.party_x, u.party_i) = 0 THEN NULL
           WHEN u.party_x > 0 AND u.party_i > 0 THEN 'both'
           WHEN u.party_x > 0 THEN 'exporter' ELSE 'importer' END AS party_sub,
      CASE greatest(u.party_x, u.party_i) WHEN 1 THEN 'info' WHEN 2 THEN 'minor' WHEN 3 THEN 'major' END
        AS party_sev
    FROM u
    OFFSET 0
  ), k AS (
    SELECT c.*,
      array_remove(ARRAY[
        CASE WHEN c.unit_factor IS NOT NULL OR c.hs_err THEN 'UNIT_OR_CODE_ERROR' END,
        c.qty_code,
        c.value_code,
        CASE WHEN c.timing_sev IS NOT NULL THEN 'TIMING_LAG' END,
        CASE WHEN c.party_sev IS NOT NULL THEN 'PARTY_MISMATCH' END,
        CASE WHEN c.origin_err THEN 'ORIGIN_MISMATCH' END
      ]::text[], NULL) AS code_list,
      greatest(
        CASE WHEN c.unit_factor IS NOT NULL OR c.hs_err THEN 1 ELSE 0 END,
        CASE c.qty_code WHEN 'QTY_MAJOR' THEN 2 WHEN 'QTY_MINOR' THEN 1 ELSE 0 END,
        CASE c.value_code WHEN 'VALUE_MAJOR' THEN 2 WHEN 'VALUE_MINOR' THEN 1 ELSE 0 END,
        ${rank('c.timing_sev')},
        ${rank('c.party_sev')},
        CASE WHEN c.origin_err THEN 2 ELSE 0 END) AS sev_rank
    FROM c
    OFFSET 0
  )
  SELECT k.decision, k.stage, k.pass, k.score, k.levels, k.ec, k.eid, k.ic, k.iid, k.e_mineral, k.e_hs, k.i_hs,
    k.e_kg, k.i_kg, k.e_grade, k.i_grade, k.e_value, k.i_value, k.e_date, k.i_date, k.e_cert, k.i_cert,
    k.e_xname, k.e_iname, k.i_xname, k.i_iname, k.i_origin, k.gsize, k.g_ikg, k.g_ivalue, k.g_iids, k.gpos,
    k.qd, k.vd, k.vr, k.mdiff, k.qminor, k.qmajor, k.lag_months, k.unit_factor, k.unit_kind, k.hs_err,
    k.origin_err, k.qty_code, k.value_code, k.timing_sev, k.party_sub, k.party_sev, k.sev_rank,
    to_char(k.e_date, 'YYYY-MM') AS period,
    to_char(k.i_date, 'YYYY-MM') AS iperiod,
    k.e_date >= '${from}'::date AS in_period,
    CASE WHEN cardinality(k.code_list) = 0 THEN ARRAY['OK']::text[] ELSE k.code_list END AS codes,
    CASE k.sev_rank WHEN 2 THEN 'major' WHEN 1 THEN 'minor' ELSE 'info' END AS severity
  FROM k`;
}

/** Moves the classified pairs of the reported months into reconciliation_links. */
export function insertLinksSql(cls: string): string {
  return `INSERT INTO reconciliation_links (run_seq, decision, stage, pass, exporting_country, export_id,
    importing_country, import_id, mineral, period, import_period, certificate_key, group_size, score, levels,
    export_kg, import_kg, group_import_kg, export_value_usd, import_value_usd, group_import_value_fob,
    qty_diff, value_diff, value_ratio, day_gap, unit_factor, codes, severity)
  SELECT $1::bigint, decision, stage, pass, ec, eid, ic, iid, e_mineral, period, iperiod,
    coalesce(e_cert, i_cert), gsize, score, levels, e_kg, i_kg, g_ikg, e_value, i_value,
    g_ivalue / $2::float8, qd, vd, vr, i_date - e_date, unit_factor, codes, severity
  FROM ${cls}
  WHERE in_period`;
}

/** Codes whose fingerprint includes the subtype (different subtypes are different items). */
export const subtypeInFingerprint: readonly DiscrepancyCode[] = [
  'VALUE_MINOR',
  'UNIT_OR_CODE_ERROR',
  'AGG_ASYMMETRY',
];

/** SQL of a discrepancy's stable id: md5 over code, (subtype) and the item's identity. */
export function fingerprintSql(code: string, subtype: string, item: string): string {
  const sub = `CASE WHEN ${code} IN (${subtypeInFingerprint.map((c) => `'${c}'`).join(', ')}) THEN coalesce(${subtype}, '') ELSE '' END`;
  return `md5(${code} || '|' || ${sub} || '|' || ${item})`;
}

/** SQL of the state that answers for a code (codeSpecs.responsible), given the corridor's columns. */
export function responsibleSql(code: string, subtype: string, exporting: string, importing: string): string {
  const exp = discrepancyCodes.filter((c) => codeSpecs[c].responsible === 'exporting');
  const imp = discrepancyCodes.filter((c) => codeSpecs[c].responsible === 'importing');
  const list = (cs: readonly string[]) => cs.map((c) => `'${c}'`).join(', ');
  return `CASE WHEN ${code} IN (${list(exp)}) THEN ${exporting}
    WHEN ${code} IN (${list(imp)}) THEN ${importing}
    WHEN ${code} = 'UNMATCHED_EXPORT' AND ${subtype} = 'partner_not_reported' THEN ${importing}
    ELSE NULL END`;
}

const linkFigures = `jsonb_build_object(
    'export', jsonb_build_object('country', c.ec, 'id', c.eid, 'shippedOn', c.e_date, 'kg', c.e_kg,
      'gradePct', c.e_grade, 'valueUsdFob', c.e_value, 'certificate', c.e_cert, 'hsCode', c.e_hs,
      'exporter', c.e_xname, 'importer', c.e_iname),
    'import', jsonb_build_object('country', c.ic, 'ids', c.g_iids, 'id', c.iid, 'arrivedOn', c.i_date,
      'kg', c.i_kg, 'groupKg', c.g_ikg, 'gradePct', c.i_grade, 'valueUsdCif', c.i_value,
      'groupValueUsdCif', c.g_ivalue, 'groupValueUsdFob', c.g_ivalue / $2::float8,
      'origin', c.i_origin, 'certificate', c.i_cert, 'hsCode', c.i_hs,
      'exporter', c.i_xname, 'importer', c.i_iname),
    'compared', jsonb_build_object('qtyDiff', c.qd, 'qtyMinor', c.qminor, 'qtyMajor', c.qmajor,
      'valueDiff', c.vd, 'valueRatio', c.vr, 'unitFactor', c.unit_factor, 'dayGap', c.i_date - c.e_date,
      'monthGap', c.mdiff, 'lagMonths', c.lag_months, 'groupSize', c.gsize))`;

/**
 * Discrepancies of the links (codes of severity minor or major). Group codes (quantity, value, unit)
 * once per export group; pair codes (months, parties, origin, HS) once per pair.
 */
export function linkDiscrepanciesSql(cls: string): string {
  const item = `CASE WHEN d.per_group THEN c.ec || ':' || c.eid ELSE c.ec || ':' || c.eid || '>' || c.ic || ':' || c.iid END`;
  return `INSERT INTO reconciliation_discrepancies (run_seq, id, code, subtype, severity, exporting_country,
    importing_country, responsible, mineral, period, export_id, import_ids, certificate_key, link_stage,
    link_score, figures)
  SELECT $1::bigint, ${fingerprintSql('d.code', 'd.subtype', item)}, d.code, d.subtype, d.severity, c.ec, c.ic,
    ${responsibleSql('d.code', 'd.subtype', 'c.ec', 'c.ic')}, c.e_mineral, c.period, c.eid,
    CASE WHEN d.per_group THEN c.g_iids ELSE ARRAY[c.iid] END, coalesce(c.e_cert, c.i_cert), c.stage, c.score,
    ${linkFigures}
  FROM (SELECT * FROM ${cls} WHERE decision = 'link' AND in_period AND sev_rank >= 1) c
  CROSS JOIN LATERAL (VALUES
    (CASE WHEN c.unit_factor IS NOT NULL THEN 'UNIT_OR_CODE_ERROR' END, c.unit_kind, 'minor', true),
    (c.qty_code, NULL, CASE c.qty_code WHEN 'QTY_MAJOR' THEN 'major' ELSE 'minor' END, true),
    (CASE WHEN c.value_code IN ('VALUE_MINOR', 'VALUE_MAJOR') THEN c.value_code END, 'value',
      CASE c.value_code WHEN 'VALUE_MAJOR' THEN 'major' ELSE 'minor' END, true),
    (CASE WHEN c.hs_err THEN 'UNIT_OR_CODE_ERROR' END, 'hs_code', 'minor', false),
    (CASE WHEN c.timing_sev = 'minor' THEN 'TIMING_LAG' END, NULL, 'minor', false),
    (CASE WHEN c.party_sev IN ('minor', 'major') THEN 'PARTY_MISMATCH' END, c.party_sub, c.party_sev, false),
    (CASE WHEN c.origin_err THEN 'ORIGIN_MISMATCH' END, NULL, 'major', false)
  ) AS d(code, subtype, severity, per_group)
  WHERE c.decision = 'link' AND c.in_period AND c.sev_rank >= 1 AND d.code IS NOT NULL
    AND (NOT d.per_group OR c.gpos = 1)`;
}
