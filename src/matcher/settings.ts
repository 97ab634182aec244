/**
 * Every threshold of the matcher, with its default, its environment variable and its source.
 * Bracketed numbers refer to the sources of ../shared/reference/matching-research.md; `[rec]` marks a
 * proposal of that note with no published anchor. The table below is the one place these live: the
 * env schema (src/config.ts), the settings a run records, and src/matcher/README.md derive from it
 * (a test keeps the README in step).
 */

/** The two mineral groups the tolerances distinguish. */
export type MineralGroup = 'gold' | '3t';

export function mineralGroup(mineral: string | null | undefined): MineralGroup {
  return mineral === 'gold' ? 'gold' : '3t';
}

/** Every tunable figure of a reconciliation run. A run stores the values it used. */
export interface MatcherSettings {
  /** Import CIF value ÷ factor = FOB value. @defaultValue 1.06 @see IMF DOTS [2] */
  cifFobFactor: number;
  /** Raw import/export value ratio explained by CIF vs FOB. @defaultValue [1.00, 1.12] @see [2][3][4] */
  cifFobBand: { min: number; max: number };
  /** Stage 2 blocking: import date window around the export date, days. @see §2 [rec], lag [15] */
  window: Record<MineralGroup, { before: number; after: number }>;
  /** TIMING_LAG is informative up to this many months between export and import. @see [5][15] */
  lagMonths: Record<MineralGroup, number>;
  /** Stage 2 second pass: certificate numbers within this edit distance. @defaultValue 2 */
  certEditDistance: number;
  /** Match weight (log2 m/u, summed) at or above which a pair is linked. @defaultValue 12 [rec] */
  linkThreshold: number;
  /** Match weight at or above which an unlinked pair goes to clerical review. @defaultValue 6 [rec] */
  reviewThreshold: number;
  /**
   * A pair in the review band is linked when each side is the other's best candidate and outweighs
   * every other candidate of either side by at least this margin (log2). @defaultValue 4 [rec]
   */
  margin: number;
  /**
   * Split shipments (n imports : 1 export): imports whose identity evidence (dates, parties, references;
   * not quantities) weighs at least this are candidate parts. @defaultValue 6 [rec]
   */
  splitEvidence: number;
  /** Most imports one export may be split into in stage 2. @defaultValue 6 [rec] */
  splitMaxParts: number;
  /** Relative weight difference above which QTY_MINOR / QTY_MAJOR. @see [17] */
  qty: Record<MineralGroup, { minor: number; major: number }>;
  /** Relative FOB value difference above which VALUE_MINOR / VALUE_MAJOR. @see [4] */
  value: { minor: number; major: number };
  /** FOB unit price outside [median ÷ t, median × t] of its mineral and month: VALUE_MINOR. @see [4] */
  unitPriceBand: number;
  /** A weight ratio within this relative distance of a unit factor (1000, 31.1, grade) is a slip. [rec] */
  unitRatioTolerance: number;
  /** Jaro–Winkler levels of party-name keys. @see §2 comparison levels */
  names: { high: number; low: number };
  /** AGG_ASYMMETRY: |log ratio| above log(ratio), if either side is at least the floor. @see [9] */
  aggregate: { ratio: number; floorKg: Record<MineralGroup, number> };
  /** A red-flagged exporter without suspendedUntil is suspended this many months from its audit. @see TPA */
  suspensionMonths: number;
  /** Compliance bands and figures. @see §4 [rec], [10][12] */
  compliance: {
    confirmationCompliant: number;
    confirmationPartial: number;
    reliabilityRatio: number;
    overdueDays: number;
    timelinessMonths: number;
  };
}

export interface SettingSpec {
  env: string;
  /** Dotted path into MatcherSettings. */
  path: string;
  default: number;
  minimum: number;
  maximum: number;
  integer?: boolean;
  meaning: string;
  source: string;
}

/** The table every threshold is read from (env var, default, bounds, meaning, source). */
export const settingSpecs: readonly SettingSpec[] = [
  {
    env: 'RMDX_MATCH_CIF_FOB_FACTOR',
    path: 'cifFobFactor',
    default: 1.06,
    minimum: 1,
    maximum: 2,
    meaning: 'import CIF value ÷ this factor = FOB value, compared with the export FOB value',
    source: 'IMF DOTS fixed factor [2]; OECD BIMTS ~5 % [3]',
  },
  {
    env: 'RMDX_MATCH_CIF_FOB_BAND_MIN',
    path: 'cifFobBand.min',
    default: 1.0,
    minimum: 0.5,
    maximum: 2,
    meaning: 'lowest raw import/export value ratio that CIF_FOB_ONLY explains',
    source: 'research §3 [2][3][4]',
  },
  {
    env: 'RMDX_MATCH_CIF_FOB_BAND_MAX',
    path: 'cifFobBand.max',
    default: 1.12,
    minimum: 1,
    maximum: 3,
    meaning: 'highest raw import/export value ratio that CIF_FOB_ONLY explains',
    source: 'research §3; FAO 12 % [4]',
  },
  {
    env: 'RMDX_MATCH_GOLD_DAYS_BEFORE',
    path: 'window.gold.before',
    default: 7,
    minimum: 0,
    maximum: 365,
    integer: true,
    meaning: 'stage 2 blocking, gold: an import may be dated this many days before the export',
    source: 'research §2 [rec]',
  },
  {
    env: 'RMDX_MATCH_GOLD_DAYS_AFTER',
    path: 'window.gold.after',
    default: 30,
    minimum: 0,
    maximum: 730,
    integer: true,
    meaning: 'stage 2 blocking, gold: … and this many days after (gold moves by air)',
    source: 'research §2 [rec]; §1 lags',
  },
  {
    env: 'RMDX_MATCH_3T_DAYS_BEFORE',
    path: 'window.3t.before',
    default: 7,
    minimum: 0,
    maximum: 365,
    integer: true,
    meaning: 'stage 2 blocking, 3T ores: days before the export',
    source: 'research §2 [rec]',
  },
  {
    env: 'RMDX_MATCH_3T_DAYS_AFTER',
    path: 'window.3t.after',
    default: 120,
    minimum: 0,
    maximum: 730,
    integer: true,
    meaning: 'stage 2 blocking, 3T ores: days after the export (ore arrives ~3 months later)',
    source: 'research §2 [rec]; CPM Group [15]',
  },
  {
    env: 'RMDX_MATCH_GOLD_LAG_MONTHS',
    path: 'lagMonths.gold',
    default: 1,
    minimum: 0,
    maximum: 12,
    integer: true,
    meaning: 'TIMING_LAG is informative up to month M+n for gold (minor beyond)',
    source: 'research §3 [5][15]',
  },
  {
    env: 'RMDX_MATCH_3T_LAG_MONTHS',
    path: 'lagMonths.3t',
    default: 3,
    minimum: 0,
    maximum: 12,
    integer: true,
    meaning: 'TIMING_LAG is informative up to month M+n for 3T ores (minor beyond)',
    source: 'research §3 [5][15]',
  },
  {
    env: 'RMDX_MATCH_CERT_EDIT_DISTANCE',
    path: 'certEditDistance',
    default: 2,
    minimum: 0,
    maximum: 4,
    integer: true,
    meaning: 'stage 2 second pass: certificate numbers within this Levenshtein distance are candidates',
    source: 'research §2',
  },
  {
    env: 'RMDX_MATCH_LINK_THRESHOLD',
    path: 'linkThreshold',
    default: 12,
    minimum: -50,
    maximum: 100,
    meaning: 'stage 2 match weight (sum of log2 m/u) at or above which a pair is linked',
    source: 'research §2 decisions [rec]; Splink [19]',
  },
  {
    env: 'RMDX_MATCH_REVIEW_THRESHOLD',
    path: 'reviewThreshold',
    default: 6,
    minimum: -50,
    maximum: 100,
    meaning: 'stage 2 match weight at or above which an unlinked pair is put in the clerical-review band',
    source: 'research §2 decisions [rec]',
  },
  {
    env: 'RMDX_MATCH_MARGIN',
    path: 'margin',
    default: 4,
    minimum: 0,
    maximum: 100,
    meaning:
      'a review-band pair is linked when the two are each other’s best candidate by at least this margin (log2)',
    source: 'research §2 one-to-one assignment [rec]',
  },
  {
    env: 'RMDX_MATCH_SPLIT_EVIDENCE',
    path: 'splitEvidence',
    default: 6,
    minimum: -50,
    maximum: 100,
    meaning:
      'stage 2 split shipments: weight of non-quantity evidence an import needs to be a candidate part',
    source: 'research §2 n:1 groups [rec]',
  },
  {
    env: 'RMDX_MATCH_SPLIT_MAX_PARTS',
    path: 'splitMaxParts',
    default: 6,
    minimum: 2,
    maximum: 12,
    integer: true,
    meaning: 'stage 2 split shipments: most imports one export may be split into',
    source: '[rec]',
  },
  {
    env: 'RMDX_MATCH_GOLD_QTY_MINOR',
    path: 'qty.gold.minor',
    default: 0.005,
    minimum: 0,
    maximum: 1,
    meaning: 'gold: relative weight difference above which QTY_MINOR',
    source: 'research §3 [17]',
  },
  {
    env: 'RMDX_MATCH_GOLD_QTY_MAJOR',
    path: 'qty.gold.major',
    default: 0.02,
    minimum: 0,
    maximum: 10,
    meaning: 'gold: relative weight difference above which QTY_MAJOR',
    source: 'research §3 [17]',
  },
  {
    env: 'RMDX_MATCH_3T_QTY_MINOR',
    path: 'qty.3t.minor',
    default: 0.02,
    minimum: 0,
    maximum: 1,
    meaning: '3T ores: relative weight difference above which QTY_MINOR (moisture, dry weight)',
    source: 'research §3 [17]',
  },
  {
    env: 'RMDX_MATCH_3T_QTY_MAJOR',
    path: 'qty.3t.major',
    default: 0.1,
    minimum: 0,
    maximum: 10,
    meaning: '3T ores: relative weight difference above which QTY_MAJOR',
    source: 'research §3 [17]',
  },
  {
    env: 'RMDX_MATCH_VALUE_MINOR',
    path: 'value.minor',
    default: 0.05,
    minimum: 0,
    maximum: 1,
    meaning: 'relative FOB value difference above which VALUE_MINOR',
    source: 'research §3 [4]',
  },
  {
    env: 'RMDX_MATCH_VALUE_MAJOR',
    path: 'value.major',
    default: 0.25,
    minimum: 0,
    maximum: 10,
    meaning: 'relative FOB value difference above which VALUE_MAJOR',
    source: 'research §3 [4]',
  },
  {
    env: 'RMDX_MATCH_UNIT_PRICE_BAND',
    path: 'unitPriceBand',
    default: 3,
    minimum: 1.1,
    maximum: 10,
    meaning:
      'an export FOB unit price outside [median ÷ t, median × t] of its mineral and month: VALUE_MINOR',
    source: 'FAO mirror band [1/t, t], t 1.1–10 [4]',
  },
  {
    env: 'RMDX_MATCH_UNIT_RATIO_TOLERANCE',
    path: 'unitRatioTolerance',
    default: 0.02,
    minimum: 0,
    maximum: 0.5,
    meaning: 'a weight ratio this close to 1000, 31.1035, 2.2046 or the ore grade is a unit slip',
    source: 'research §3 [16][18] [rec]',
  },
  {
    env: 'RMDX_MATCH_NAME_JW_HIGH',
    path: 'names.high',
    default: 0.9,
    minimum: 0,
    maximum: 1,
    meaning: 'party-name keys with Jaro–Winkler at or above this are the same party written differently',
    source: 'research §2 comparison levels',
  },
  {
    env: 'RMDX_MATCH_NAME_JW_LOW',
    path: 'names.low',
    default: 0.8,
    minimum: 0,
    maximum: 1,
    meaning: 'party-name keys with Jaro–Winkler at or above this are a weak name agreement',
    source: 'research §2 comparison levels',
  },
  {
    env: 'RMDX_MATCH_AGG_RATIO',
    path: 'aggregate.ratio',
    default: 1.1,
    minimum: 1,
    maximum: 10,
    meaning: 'AGG_ASYMMETRY when the monthly (or rolling 3-month) |log mirror ratio| exceeds log of this',
    source: 'research §3; HMRC asymmetries −8 %..+0.7 % [9]',
  },
  {
    env: 'RMDX_MATCH_AGG_FLOOR_GOLD_KG',
    path: 'aggregate.floorKg.gold',
    default: 5,
    minimum: 0,
    maximum: 1e9,
    meaning: 'gold: AGG_ASYMMETRY only when either side of the cell reaches this many kg',
    source: 'research §3',
  },
  {
    env: 'RMDX_MATCH_AGG_FLOOR_3T_KG',
    path: 'aggregate.floorKg.3t',
    default: 5000,
    minimum: 0,
    maximum: 1e12,
    meaning: '3T ores: AGG_ASYMMETRY only when either side of the cell reaches this many kg',
    source: 'research §3',
  },
  {
    env: 'RMDX_MATCH_SUSPENSION_MONTHS',
    path: 'suspensionMonths',
    default: 6,
    minimum: 0,
    maximum: 120,
    integer: true,
    meaning: 'a red-flagged exporter with no suspendedUntil is suspended this long from its audit date',
    source: 'ICGLR TPA: red flag = exports suspended 6 months (domain research §1e)',
  },
  {
    env: 'RMDX_COMPLIANCE_CONFIRMATION_COMPLIANT',
    path: 'compliance.confirmationCompliant',
    default: 0.95,
    minimum: 0,
    maximum: 1,
    meaning: 'band compliant needs a confirmation rate at least this (and a reliability index within bound)',
    source: 'research §4 [rec]; KP import confirmation [10]',
  },
  {
    env: 'RMDX_COMPLIANCE_CONFIRMATION_PARTIAL',
    path: 'compliance.confirmationPartial',
    default: 0.8,
    minimum: 0,
    maximum: 1,
    meaning: 'band partial needs a confirmation rate at least this; below: non_compliant',
    source: 'research §4 [rec]',
  },
  {
    env: 'RMDX_COMPLIANCE_RELIABILITY_RATIO',
    path: 'compliance.reliabilityRatio',
    default: 1.1,
    minimum: 1,
    maximum: 10,
    meaning: 'band compliant needs a reliability index (median |log mirror ratio|) at most log of this',
    source: 'research §4 [rec]; BACI reliability [1]',
  },
  {
    env: 'RMDX_COMPLIANCE_OVERDUE_DAYS',
    path: 'compliance.overdueDays',
    default: 60,
    minimum: 1,
    maximum: 3650,
    integer: true,
    meaning: 'an open major item older than this (since first seen) keeps its states from compliant',
    source: 'research §4; KP Data Anomaly Questionnaire [12]',
  },
  {
    env: 'RMDX_COMPLIANCE_TIMELINESS_MONTHS',
    path: 'compliance.timelinessMonths',
    default: 12,
    minimum: 1,
    maximum: 60,
    integer: true,
    meaning:
      'timeliness is the share of the last n months (up to the month scored) reported on time (deadline: RMDX_REPORTING_DEADLINE_DAY)',
    source: 'research §4',
  },
];

function setPath(target: Record<string, unknown>, path: string, value: number): void {
  const parts = path.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) {
    node[p] ??= {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

/** Settings from a map of env values (already validated and coerced); defaults for what is absent. */
export function settingsFrom(values: Readonly<Record<string, number | undefined>> = {}): MatcherSettings {
  const out: Record<string, unknown> = {};
  for (const s of settingSpecs) setPath(out, s.path, values[s.env] ?? s.default);
  return out as unknown as MatcherSettings;
}

/** The defaults. */
export const defaultSettings: MatcherSettings = settingsFrom();

/** JSON Schema properties for the env schema of src/config.ts. */
export function settingsEnvSchema(): Record<string, { type: string; minimum: number; maximum: number }> {
  const props: Record<string, { type: string; minimum: number; maximum: number }> = {};
  for (const s of settingSpecs) {
    props[s.env] = { type: s.integer ? 'integer' : 'number', minimum: s.minimum, maximum: s.maximum };
  }
  return props;
}

/** Cross-field rules the per-variable bounds cannot express; returns the problems found. */
export function checkSettings(s: MatcherSettings): string[] {
  const problems: string[] = [];
  if (s.reviewThreshold > s.linkThreshold)
    problems.push('RMDX_MATCH_REVIEW_THRESHOLD must not exceed RMDX_MATCH_LINK_THRESHOLD');
  if (s.cifFobBand.min > s.cifFobBand.max)
    problems.push('RMDX_MATCH_CIF_FOB_BAND_MIN must not exceed RMDX_MATCH_CIF_FOB_BAND_MAX');
  for (const g of ['gold', '3t'] as const) {
    if (s.qty[g].minor > s.qty[g].major) problems.push(`the ${g} QTY minor tolerance exceeds the major one`);
  }
  if (s.value.minor > s.value.major) problems.push('RMDX_MATCH_VALUE_MINOR exceeds RMDX_MATCH_VALUE_MAJOR');
  if (s.names.low > s.names.high) problems.push('RMDX_MATCH_NAME_JW_LOW exceeds RMDX_MATCH_NAME_JW_HIGH');
  if (s.compliance.confirmationPartial > s.compliance.confirmationCompliant)
    problems.push('RMDX_COMPLIANCE_CONFIRMATION_PARTIAL exceeds RMDX_COMPLIANCE_CONFIRMATION_COMPLIANT');
  return problems;
}
