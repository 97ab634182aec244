import { histogramDistance, jaroWinkler, levenshteinAtMost } from './similarity.js';
import { mineralGroup, type MatcherSettings, type MineralGroup } from './settings.js';

/**
 * The stage 2 Fellegi–Sunter model: for each field, comparison levels with fixed m (probability of
 * the level among true matches) and u (among non-matches in the same block) probabilities; a level's
 * weight is log2(m/u) and a pair's match weight is the sum (research §2; Splink with fixed m/u [19]).
 * The levels follow research §2; m and u are set from the research's tolerances and the shape of
 * regional trade (a handful of exporters per corridor, so names agree often by chance). A missing
 * value on either side weighs 0. Every run stores this table with its settings.
 */

export type FieldName =
  'weight' | 'value' | 'date' | 'exporter' | 'importer' | 'transport' | 'certificate' | 'mineral';

export interface LevelSpec {
  level: string;
  m: number;
  u: number;
}

type Model = Record<Exclude<FieldName, 'date'>, readonly LevelSpec[]> & {
  date: Record<MineralGroup, readonly LevelSpec[]>;
};

export const model: Model = {
  // Relative weight difference ≤ 0.5 / 2 / 10 %; a unit factor (1000, 31.1, 2.2, ore grade); beyond.
  weight: [
    { level: 'within_0_5pct', m: 0.75, u: 0.01 },
    { level: 'within_2pct', m: 0.15, u: 0.02 },
    { level: 'within_10pct', m: 0.06, u: 0.08 },
    { level: 'unit_factor', m: 0.02, u: 0.002 },
    { level: 'different', m: 0.02, u: 0.888 },
  ],
  // Relative FOB value difference (the smaller of the CIF→FOB and the raw comparison) ≤ 5 / 15 / 50 %.
  value: [
    { level: 'within_5pct', m: 0.85, u: 0.05 },
    { level: 'within_15pct', m: 0.09, u: 0.1 },
    { level: 'within_50pct', m: 0.04, u: 0.35 },
    { level: 'different', m: 0.02, u: 0.5 },
  ],
  // Days from export to import: 0–7 (or up to the window's days before), 8–31, 32–120, beyond. Gold
  // moves by air within days; ore arrives about three months later (research §1 [15]). u: the share of
  // a mineral's window each level covers (−7..+30 d gold, −7..+120 d 3T).
  date: {
    gold: [
      { level: 'days_0_7', m: 0.85, u: 0.4 },
      { level: 'days_8_31', m: 0.13, u: 0.55 },
      { level: 'days_32_120', m: 0.015, u: 0.04 },
      { level: 'beyond', m: 0.005, u: 0.01 },
    ],
    '3t': [
      { level: 'days_0_7', m: 0.08, u: 0.12 },
      { level: 'days_8_31', m: 0.3, u: 0.19 },
      { level: 'days_32_120', m: 0.6, u: 0.65 },
      { level: 'beyond', m: 0.02, u: 0.04 },
    ],
  },
  // Party-name match keys: identical / Jaro–Winkler ≥ high / ≥ low / else.
  exporter: [
    { level: 'exact', m: 0.88, u: 0.1 },
    { level: 'jw_high', m: 0.07, u: 0.03 },
    { level: 'jw_low', m: 0.03, u: 0.07 },
    { level: 'different', m: 0.02, u: 0.8 },
  ],
  importer: [
    { level: 'exact', m: 0.88, u: 0.1 },
    { level: 'jw_high', m: 0.07, u: 0.03 },
    { level: 'jw_low', m: 0.03, u: 0.07 },
    { level: 'different', m: 0.02, u: 0.8 },
  ],
  // Waybill / air waybill / truck number, when both sides give one.
  transport: [
    { level: 'exact', m: 0.6, u: 0.0005 },
    { level: 'different', m: 0.4, u: 0.9995 },
  ],
  // Certificate numbers that did not join in stage 1 (typos): within 1 / 2 edits, or different.
  certificate: [
    { level: 'exact', m: 0.5, u: 0.00001 },
    { level: 'edit_1', m: 0.3, u: 0.0002 },
    { level: 'edit_2', m: 0.1, u: 0.001 },
    { level: 'different', m: 0.1, u: 0.99879 },
  ],
  // Only the certificate pass can pair different minerals (an HS slip); within blocks it is always equal.
  mineral: [
    { level: 'same', m: 1, u: 1 },
    { level: 'different', m: 0.02, u: 0.2 },
  ],
};

export const weightOf = (spec: LevelSpec): number => Math.log2(spec.m / spec.u);

/** The model with each level's weight, as a run records it. */
export function modelTable() {
  const withWeights = (levels: readonly LevelSpec[]) =>
    levels.map((l) => ({ ...l, weight: Math.round(weightOf(l) * 1000) / 1000 }));
  return {
    weight: withWeights(model.weight),
    value: withWeights(model.value),
    date: { gold: withWeights(model.date.gold), '3t': withWeights(model.date['3t']) },
    exporter: withWeights(model.exporter),
    importer: withWeights(model.importer),
    transport: withWeights(model.transport),
    certificate: withWeights(model.certificate),
    mineral: withWeights(model.mineral),
  };
}

/** One side of a candidate pair, as stage 2 reads it (see stage2.ts). */
export interface PairSide {
  mineral: string;
  kg: number | null;
  gradePct: number | null;
  /** Export: FOB as declared. Import: CIF as declared. */
  valueUsd: number | null;
  /** Days since 1970-01-01 of shippedOn / arrivedOn. */
  day: number;
  certificate: string | null;
  exporterKey: string | null;
  importerKey: string | null;
  transportKey: string | null;
  /** The name keys interned by a NameSimilarity (stage 2 sets them; faster than comparing strings). */
  exporterNameId?: number;
  importerNameId?: number;
  /** histogram(certificate), set by stage 2: rules out distant certificate numbers cheaply. */
  certificateHistogram?: Uint8Array;
}

/** The unit factors a weight ratio may reveal (import kg ÷ export kg). */
export const unitFactors: readonly { factor: number; what: string }[] = [
  { factor: 1000, what: 'grams recorded as kilograms (or kg as tonnes)' },
  { factor: 1 / 1000, what: 'kilograms recorded as grams (or tonnes as kg)' },
  { factor: 31.1034768, what: 'troy ounces recorded as grams' },
  { factor: 1 / 31.1034768, what: 'grams recorded as troy ounces' },
  { factor: 2.20462262, what: 'pounds recorded as kilograms' },
  { factor: 1 / 2.20462262, what: 'kilograms recorded as pounds' },
];

/**
 * The unit factor (or ore grade) that explains a weight ratio (import ÷ export), if any; the grade case
 * is one side reporting contained metal (Ta₂O₅, Sn, WO₃, fine gold) and the other the ore.
 */
export function explainRatio(
  exportKg: number,
  importKg: number,
  exportGrade: number | null,
  importGrade: number | null,
  tolerance: number,
): { factor: number; kind: 'unit' | 'grade' } | null {
  if (!(exportKg > 0) || !(importKg > 0)) return null;
  const r = importKg / exportKg;
  for (let k = 0; k < unitFactorValues.length; k++) {
    const f = unitFactorValues[k]!;
    if (Math.abs(r / f - 1) <= tolerance) return { factor: f, kind: 'unit' };
  }
  const g = gradeFactor(r, exportGrade, importGrade, tolerance);
  return g === null ? null : { factor: g, kind: 'grade' };
}

const unitFactorValues: readonly number[] = unitFactors.map((u) => u.factor);

/**
 * A grade explains the ratio when one side reported the contained metal (oxide) of the other's ore:
 * the import weighs the export × the export's grade (and the import gives no grade, or ~100 %), or the
 * export weighs the import × the import's grade (and the export gives no grade, or ~100 %).
 */
function gradeFactor(
  r: number,
  exportGrade: number | null,
  importGrade: number | null,
  tolerance: number,
): number | null {
  if (
    isOreGrade(exportGrade) &&
    isContentGrade(importGrade) &&
    Math.abs(r / (exportGrade / 100) - 1) <= tolerance
  )
    return exportGrade / 100;
  if (
    isOreGrade(importGrade) &&
    isContentGrade(exportGrade) &&
    Math.abs(r * (importGrade / 100) - 1) <= tolerance
  )
    return 100 / importGrade;
  return null;
}

function isContentGrade(g: number | null): boolean {
  return g === null || g >= 95;
}

function isOreGrade(g: number | null): g is number {
  return g !== null && g > 0 && g < 95;
}

export interface FieldComparison {
  field: FieldName;
  level: string;
  weight: number;
}

export interface PairComparison {
  score: number;
  fields: FieldComparison[];
}

/** Field order of a levels vector (see compareInto). */
export const fieldOrder: readonly FieldName[] = [
  'weight',
  'value',
  'date',
  'exporter',
  'importer',
  'transport',
  'certificate',
  'mineral',
];

const W = (levels: readonly LevelSpec[]) => levels.map(weightOf);
const maxOf = (levels: readonly LevelSpec[]) => Math.max(...levels.map(weightOf));
const weights = {
  weight: W(model.weight),
  value: W(model.value),
  date: { gold: W(model.date.gold), '3t': W(model.date['3t']) },
  exporter: W(model.exporter),
  importer: W(model.importer),
  transport: W(model.transport),
  certificate: W(model.certificate),
  mineral: W(model.mineral),
};

/**
 * Jaro–Winkler of party-name keys, cached: a corridor has few parties, compared many times. Keys can
 * be interned to integers so that the sweep compares numbers.
 */
export class NameSimilarity {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  /** By the smaller id, then the larger: small integer keys, so a lookup allocates nothing. */
  private cache = new Map<number, Map<number, number>>();
  private cached = 0;

  intern(key: string | null): number | undefined {
    if (key === null) return undefined;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(key);
    }
    return id;
  }

  similarityIds(a: number, b: number): number {
    if (a === b) return 1;
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    let row = this.cache.get(lo);
    let v = row?.get(hi);
    if (v === undefined) {
      v = jaroWinkler(this.keys[a]!, this.keys[b]!);
      if (this.cached >= 1_000_000) {
        this.cache = new Map();
        this.cached = 0;
        row = undefined;
      }
      if (!row) this.cache.set(lo, (row = new Map()));
      row.set(hi, v);
      this.cached++;
    }
    return v;
  }

  similarity(a: string, b: string): number {
    if (a === b) return 1;
    return this.similarityIds(this.intern(a)!, this.intern(b)!);
  }
}

function nameLevel(
  a: string | null,
  b: string | null,
  aId: number | undefined,
  bId: number | undefined,
  s: MatcherSettings,
  names: NameSimilarity,
): number {
  if (a === null || b === null) return -1;
  let jw: number;
  if (aId !== undefined && bId !== undefined) {
    if (aId === bId) return 0;
    jw = names.similarityIds(aId, bId);
  } else {
    if (a === b) return 0;
    jw = names.similarity(a, b);
  }
  return jw >= s.names.high ? 1 : jw >= s.names.low ? 2 : 3;
}

export function relativeDiff(a: number, b: number): number {
  return Math.abs(b - a) / Math.abs(a);
}

/** The weight level index of two masses (see model.weight), or -1 when either is missing. */
export function weightLevel(e: PairSide, i: PairSide, s: MatcherSettings): number {
  if (e.kg === null || i.kg === null || !(e.kg > 0) || !(i.kg > 0)) return -1;
  const d = relativeDiff(e.kg, i.kg);
  if (d <= 0.005) return 0;
  if (d <= 0.02) return 1;
  if (d <= 0.1) return 2;
  return explainRatio(e.kg, i.kg, e.gradePct, i.gradePct, s.unitRatioTolerance) ? 3 : 4;
}

/** The value level index (FOB basis, the smaller of the converted and the raw difference), or -1. */
export function valueLevel(eValue: number | null, iValue: number | null, s: MatcherSettings): number {
  if (eValue === null || iValue === null || !(eValue > 0) || !(iValue > 0)) return -1;
  const d = Math.min(relativeDiff(eValue, iValue / s.cifFobFactor), relativeDiff(eValue, iValue));
  return d <= 0.05 ? 0 : d <= 0.15 ? 1 : d <= 0.5 ? 2 : 3;
}

/**
 * Compares an export with a candidate import field by field, writing each field's level index into
 * `levels` (in fieldOrder; -1 = not compared because a side is missing) and returning the match weight.
 * Allocation-free: the sweep calls it for every candidate pair.
 */
export function compareInto(
  e: PairSide,
  i: PairSide,
  s: MatcherSettings,
  names: NameSimilarity,
  levels: Int8Array,
): number {
  const group = mineralGroup(e.mineral);
  let score = 0;
  const wl = weightLevel(e, i, s);
  levels[0] = wl;
  if (wl >= 0) score += weights.weight[wl]!;
  const vl = valueLevel(e.valueUsd, i.valueUsd, s);
  levels[1] = vl;
  if (vl >= 0) score += weights.value[vl]!;
  const gap = i.day - e.day;
  const dl =
    gap >= -s.window[group].before && gap <= 7
      ? 0
      : gap >= 8 && gap <= 31
        ? 1
        : gap >= 32 && gap <= 120
          ? 2
          : 3;
  levels[2] = dl;
  score += weights.date[group][dl]!;
  const xl = nameLevel(e.exporterKey, i.exporterKey, e.exporterNameId, i.exporterNameId, s, names);
  levels[3] = xl;
  if (xl >= 0) score += weights.exporter[xl]!;
  const il = nameLevel(e.importerKey, i.importerKey, e.importerNameId, i.importerNameId, s, names);
  levels[4] = il;
  if (il >= 0) score += weights.importer[il]!;
  let tl = -1;
  if (e.transportKey !== null && i.transportKey !== null) tl = e.transportKey === i.transportKey ? 0 : 1;
  levels[5] = tl;
  if (tl >= 0) score += weights.transport[tl]!;
  let cl = -1;
  if (e.certificate !== null && i.certificate !== null) {
    const d =
      e.certificate === i.certificate
        ? 0
        : e.certificateHistogram &&
            i.certificateHistogram &&
            histogramDistance(e.certificateHistogram, i.certificateHistogram, 4) > 4
          ? 3
          : levenshteinAtMost(e.certificate, i.certificate, 2);
    cl = d === 0 ? 0 : d === 1 && s.certEditDistance >= 1 ? 1 : d === 2 && s.certEditDistance >= 2 ? 2 : 3;
  }
  levels[6] = cl;
  if (cl >= 0) score += weights.certificate[cl]!;
  const ml = e.mineral === i.mineral ? -1 : 1;
  levels[7] = ml;
  if (ml >= 0) score += weights.mineral[ml]!;
  return score;
}

/**
 * The most a pair can weigh when its weights differ beyond 10 % without a unit factor and no party
 * name agrees exactly (nor transport references, nor certificates, compared): the sweep skips such
 * pairs without scoring them when this stays below the review threshold and the split evidence.
 */
export function unpromisingBound(): number {
  const notExact = (levels: readonly LevelSpec[]) => Math.max(...levels.slice(1).map(weightOf));
  return (
    weightOf(model.weight[4]!) +
    maxOf(model.value) +
    Math.max(maxOf(model.date.gold), maxOf(model.date['3t'])) +
    notExact(model.exporter) +
    notExact(model.importer)
  );
}

/** The most the identity evidence (dates, names, no references) weighs without an exact name. */
export function identityBound(): number {
  const notExact = (levels: readonly LevelSpec[]) => Math.max(...levels.slice(1).map(weightOf));
  return (
    Math.max(maxOf(model.date.gold), maxOf(model.date['3t'])) +
    notExact(model.exporter) +
    notExact(model.importer)
  );
}

/** The score of the fields that say "same shipment" without quantities: dates, parties, references. */
export function identityScore(levels: Int8Array, mineral: string): number {
  const group = mineralGroup(mineral);
  let score = weights.date[group][levels[2]!]!;
  if (levels[3]! >= 0) score += weights.exporter[levels[3]!]!;
  if (levels[4]! >= 0) score += weights.importer[levels[4]!]!;
  if (levels[5]! >= 0) score += weights.transport[levels[5]!]!;
  if (levels[6]! >= 0) score += weights.certificate[levels[6]!]!;
  if (levels[7]! >= 0) score += weights.mineral[levels[7]!]!;
  return score;
}

/** The explanation of a levels vector: each compared field with its level name and weight. */
export function describeLevels(levels: ArrayLike<number>, mineral: string): PairComparison {
  const group = mineralGroup(mineral);
  const fields: FieldComparison[] = [];
  let score = 0;
  fieldOrder.forEach((field, idx) => {
    const l = levels[idx]!;
    if (l < 0) return;
    const specs = field === 'date' ? model.date[group] : model[field];
    const spec = specs[l]!;
    const weight = weightOf(spec);
    score += weight;
    fields.push({ field, level: spec.level, weight: Math.round(weight * 1000) / 1000 });
  });
  return { score: Math.round(score * 1000) / 1000, fields };
}

/** Compares a pair and explains it (tests and single lookups; the sweep uses compareInto). */
export function comparePair(
  e: PairSide,
  i: PairSide,
  s: MatcherSettings,
  names = new NameSimilarity(),
): PairComparison {
  const levels = new Int8Array(fieldOrder.length);
  compareInto(e, i, s, names, levels);
  return describeLevels(levels, e.mineral);
}
