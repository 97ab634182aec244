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
export function groupsSql(pairs: string, groups: string): [string, string] {
  return [
    `CREATE UNLOGGED TABLE ${groups}_multi AS
     SELECT ec, eid FROM ${pairs} WHERE decision = 'link' GROUP BY ec, eid HAVING count(*) > 1`,
    `CREATE UNLOGGED TABLE ${groups} AS
     SELECT p.ec, p.eid, count(*)::int AS n, sum(p.i_kg) AS kg, count(p.i_kg)::int AS kg_n,
       sum(p.i_value) AS value, count(p.i_value)::int AS value_n, array_agg(p.iid ORDER BY p.ic, p.iid) AS iids,
       min(p.ic || '|' || p.iid) AS first
     FROM ${pairs} p JOIN ${groups}_multi m ON m.ec = p.ec AND m.eid = p.eid
     WHERE p.decision = 'link'
     GROUP BY p.ec, p.eid`,
  ];
}

/**
 * The classification as two parallel CREATE TABLE AS: the figures of each pair and its group (A),
 * then the codes from them (B). One level of expressions each: nesting subqueries would make Postgres
 * inline (and evaluate) the same sub-expressions many times over, and a fence (OFFSET 0) would cost
 * the parallel scan.
 */
export function classifySql(
  pairs: string,
  groups: string,
  names: string,
  cls: string,
  s: MatcherSettings,
  from: string,
): [string, string] {
  const party = (eName: string, iName: string, eKey: string, iKey: string, jw: string) => `CASE
      WHEN ${eKey} IS NULL OR ${iKey} IS NULL OR ${eName} = ${iName} THEN 0
      WHEN ${light(eName)} = ${light(iName)} THEN 0
      WHEN ${eKey} = ${iKey} THEN 1
      WHEN coalesce(${jw}, 0) >= ${lit(s.names.low)} THEN 2
      ELSE 3 END`;
  const gkg = `(CASE WHEN gr.n IS NULL THEN p.i_kg ELSE gr.kg END)`;
  const gkgN = `(CASE WHEN gr.n IS NULL THEN (p.i_kg IS NOT NULL)::int ELSE gr.kg_n END)`;
  const gval = `(CASE WHEN gr.n IS NULL THEN p.i_value ELSE gr.value END)`;
  const gvalN = `(CASE WHEN gr.n IS NULL THEN (p.i_value IS NOT NULL)::int ELSE gr.value_n END)`;
  const gsize = `coalesce(gr.n, 1)`;
  const gold = `p.e_mineral = 'gold'`;
  const a = `CREATE UNLOGGED TABLE ${cls}0 AS
  SELECT p.decision, p.stage, p.pass, p.score, p.levels, p.ec, p.eid, p.ic, p.iid, p.e_mineral, p.e_hs, p.i_hs,
    p.e_kg, p.i_kg, p.e_grade, p.i_grade, p.e_value, p.i_value, p.e_date, p.i_date, p.e_cert, p.i_cert,
    p.e_xname, p.e_iname, p.i_xname, p.i_iname, p.i_origin,
    ${gsize} AS gsize, ${gkg} AS g_ikg, ${gval} AS g_ivalue,
    CASE WHEN gr.n IS NULL THEN ARRAY[p.iid] ELSE gr.iids END AS g_iids,
    CASE WHEN gr.n IS NULL OR gr.first = p.ic || '|' || p.iid THEN 1 ELSE 2 END AS gpos,
    CASE WHEN p.e_kg > 0 AND ${gkgN} = ${gsize} AND ${gkg} > 0 THEN abs(${gkg} - p.e_kg) / p.e_kg END AS qd,
    CASE WHEN p.e_kg > 0 AND ${gkgN} = ${gsize} AND ${gkg} > 0 THEN ${gkg} / p.e_kg END AS qr,
    CASE WHEN p.e_value > 0 AND ${gvalN} = ${gsize} AND ${gval} > 0 THEN ${gval} / p.e_value END AS vr,
    ((extract(year FROM p.i_date) * 12 + extract(month FROM p.i_date))
      - (extract(year FROM p.e_date) * 12 + extract(month FROM p.e_date)))::int AS mdiff,
    CASE WHEN ${gold} THEN ${lit(s.qty.gold.minor)} ELSE ${lit(s.qty['3t'].minor)} END AS qminor,
    CASE WHEN ${gold} THEN ${lit(s.qty.gold.major)} ELSE ${lit(s.qty['3t'].major)} END AS qmajor,
    CASE WHEN ${gold} THEN ${s.lagMonths.gold} ELSE ${s.lagMonths['3t']} END AS lag_months,
    ${party('p.e_xname', 'p.i_xname', 'p.e_xkey', 'p.i_xkey', 'nx.jw')} AS party_x,
    ${party('p.e_iname', 'p.i_iname', 'p.e_ikey', 'p.i_ikey', 'ni.jw')} AS party_i,
    (left(p.e_hs, 4) = '7108' AND left(p.i_hs, 4) = '7112')
      OR (left(p.e_hs, 4) = '7112' AND left(p.i_hs, 4) = '7108') AS hs_err,
    p.i_origin IS NOT NULL AND p.i_origin <> p.ec AS origin_err
  FROM ${pairs} p
  LEFT JOIN ${groups} gr ON p.decision = 'link' AND gr.ec = p.ec AND gr.eid = p.eid
  LEFT JOIN ${names} nx ON nx.a = p.e_xkey AND nx.b = p.i_xkey
  LEFT JOIN ${names} ni ON ni.a = p.e_ikey AND ni.b = p.i_ikey`;

  const u = unitFactorSql(s);
  const uf = `(${u.factor})`;
  const vd = `(CASE WHEN vr IS NULL THEN NULL ELSE least(abs(vr / ${lit(s.cifFobFactor)} - 1), abs(vr - 1)) END)`;
  const qty = `(CASE WHEN ${uf} IS NOT NULL THEN NULL WHEN qd > qmajor THEN 'QTY_MAJOR' WHEN qd > qminor THEN 'QTY_MINOR' END)`;
  const value = `(CASE WHEN ${vd} > ${lit(s.value.major)} THEN 'VALUE_MAJOR'
      WHEN ${vd} > ${lit(s.value.minor)} THEN 'VALUE_MINOR'
      WHEN abs(vr - 1) > ${lit(s.value.minor)} AND vr BETWEEN ${lit(s.cifFobBand.min)} AND ${lit(s.cifFobBand.max)}
        THEN 'CIF_FOB_ONLY' END)`;
  const timing = `(CASE WHEN mdiff = 0 THEN NULL WHEN mdiff > 0 AND mdiff <= lag_months THEN 'info' ELSE 'minor' END)`;
  const partySev = `(CASE greatest(party_x, party_i) WHEN 1 THEN 'info' WHEN 2 THEN 'minor' WHEN 3 THEN 'major' END)`;
  const unitOrHs = `(${uf} IS NOT NULL OR hs_err)`;
  const codeList = `array_remove(ARRAY[
      CASE WHEN ${unitOrHs} THEN 'UNIT_OR_CODE_ERROR' END,
      ${qty},
      ${value},
      CASE WHEN mdiff <> 0 THEN 'TIMING_LAG' END,
      CASE WHEN greatest(party_x, party_i) > 0 THEN 'PARTY_MISMATCH' END,
      CASE WHEN origin_err THEN 'ORIGIN_MISMATCH' END]::text[], NULL)`;
  const sevRank = `greatest(
      CASE WHEN ${unitOrHs} THEN 1 ELSE 0 END,
      CASE WHEN ${uf} IS NOT NULL THEN 0 WHEN qd > qmajor THEN 2 WHEN qd > qminor THEN 1 ELSE 0 END,
      CASE WHEN ${vd} > ${lit(s.value.major)} THEN 2 WHEN ${vd} > ${lit(s.value.minor)} THEN 1 ELSE 0 END,
      ${rank(timing)},
      greatest(party_x, party_i) - 1,
      CASE WHEN origin_err THEN 2 ELSE 0 END)`;
  const b = `CREATE UNLOGGED TABLE ${cls} AS
  SELECT decision, stage, pass, score, levels, ec, eid, ic, iid, e_mineral, e_hs, i_hs, e_kg, i_kg, e_grade,
    i_grade, e_value, i_value, e_date, i_date, e_cert, i_cert, e_xname, e_iname, i_xname, i_iname, i_origin,
    gsize, g_ikg, g_ivalue, g_iids, gpos, qd, vr, mdiff, qminor, qmajor, lag_months, hs_err, origin_err,
    ${uf} AS unit_factor,
    ${u.kind} AS unit_kind,
    ${vd} AS vd,
    ${qty} AS qty_code,
    ${value} AS value_code,
    ${timing} AS timing_sev,
    CASE WHEN greatest(party_x, party_i) = 0 THEN NULL WHEN party_x > 0 AND party_i > 0 THEN 'both'
         WHEN party_x > 0 THEN 'exporter' ELSE 'importer' END AS party_sub,
    ${partySev} AS party_sev,
    ${sevRank} AS sev_rank,
    to_char(e_date, 'YYYY-MM') AS period,
    to_char(i_date, 'YYYY-MM') AS iperiod,
    e_date >= '${from}'::date AS in_period,
    coalesce(nullif(${codeList}, '{}'::text[]), ARRAY['OK']::text[]) AS codes,
    CASE ${sevRank} WHEN 2 THEN 'major' WHEN 1 THEN 'minor' ELSE 'info' END AS severity
  FROM ${cls}0`;
  return [a, b];
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
