import { forEachCandidate, type BlockPass, type BlockRecord } from './blocking.js';
import {
  compareInto,
  explainRatio,
  fieldOrder,
  identityBound,
  identityScore,
  NameSimilarity,
  unitFactors,
  unpromisingBound,
  type PairSide,
} from './model.js';
import { mineralGroup, type MatcherSettings } from './settings.js';
import { histogram, histogramDistance } from './similarity.js';

/**
 * Stage 2 on the remainder of stage 1, pure: blocking, Fellegi–Sunter scoring, then decisions —
 * greedy one-to-one assignment by match weight (ties broken by the records' keys, so a rerun gives the
 * same links), split shipments (several imports whose summed weight fits one export), clear best
 * candidates in the review band (each side the other's best by a margin), the clerical-review band for
 * the rest, and what is left unmatched.
 */
export interface Stage2Record extends BlockRecord, PairSide {
  /** `country:id`, the record's identity; orders ties. */
  key: string;
}

export type Stage2Pass = BlockPass | 'split' | `${BlockPass}:margin`;

export interface Stage2Link {
  e: number;
  /** One import, or the parts of a split shipment (by key). */
  imports: number[];
  pass: Stage2Pass;
  score: number;
  /** Level index per field (fieldOrder), of the pair or of the export against the summed parts. */
  levels: number[];
}

export interface Stage2Review {
  e: number;
  i: number;
  pass: BlockPass;
  score: number;
  levels: number[];
}

export interface Stage2Result {
  links: Stage2Link[];
  review: Stage2Review[];
  unmatchedExports: number[];
  unmatchedImports: number[];
  /** Pairs the blocking produced (compared), for the reduction ratio. */
  candidatePairs: number;
}

interface Scored {
  e: number;
  i: number;
  pass: BlockPass;
  score: number;
  /** The levels vector packed 3 bits a field (see packLevels): a small integer, not an object. */
  levels: number;
}

interface SplitCandidate {
  i: number;
  identity: number;
}

const REVIEW_PER_EXPORT = 3;
const SPLIT_CANDIDATES = 12;

const byKey = (xs: readonly Stage2Record[]) => (a: number, b: number) =>
  xs[a]!.key < xs[b]!.key ? -1 : xs[a]!.key > xs[b]!.key ? 1 : 0;

export function matchRemainder(
  exports: readonly Stage2Record[],
  imports: readonly Stage2Record[],
  s: MatcherSettings,
): Stage2Result {
  const names = new NameSimilarity();
  for (const list of [exports, imports]) {
    for (const r of list) {
      r.exporterNameId = names.intern(r.exporterKey);
      r.importerNameId = names.intern(r.importerKey);
      if (r.certificate !== null) r.certificateHistogram = histogram(r.certificate);
    }
  }
  const levels = new Int8Array(fieldOrder.length);
  // The pairs at or above the review threshold, a column each (millions at scale: no object per pair).
  const gE: number[] = [];
  const gI: number[] = [];
  const gPass: BlockPass[] = [];
  const gScore: number[] = [];
  const gLevels: number[] = [];
  const splitCands = new Map<number, SplitCandidate[]>();
  // Pairs that provably weigh less than both the review threshold and the split evidence are not
  // scored (see unpromisingBound); with looser settings every candidate is.
  const skipUnpromising = unpromisingBound() < s.reviewThreshold && identityBound() < s.splitEvidence;

  const fe = columns(exports, names);
  const fi = columns(imports, names);
  const tol = s.unitRatioTolerance;
  const certReach = 2 * s.certEditDistance;

  const candidatePairs = forEachCandidate(exports, imports, s, (e, i, pass) => {
    // The pre-check of promising(), on typed columns: the sweep meets tens of millions of pairs.
    if (skipUnpromising) {
      const ek = fe.kg[e]!;
      const ik = fi.kg[i]!;
      const x = fe.exporter[e]!;
      const m = fe.importer[e]!;
      if (
        !(x >= 0 && x === fi.exporter[i]) &&
        !(m >= 0 && m === fi.importer[i]) &&
        ek > 0 &&
        ik > 0 &&
        fe.mineral[e] === fi.mineral[i] &&
        !(fe.transport[e]! >= 0 && fe.transport[e] === fi.transport[i])
      ) {
        const r = ik / ek;
        if (
          (r < 0.9 || r > 1.1) &&
          !unitRatio(r, tol) &&
          // The grade case only when one side gives an ore grade and the other none (or ~100 %).
          !(
            ((fe.ore[e] === 1 && fi.ore[i] === 0) || (fi.ore[i] === 1 && fe.ore[e] === 0)) &&
            ratioExplained(r, fe.grade[e]!, fi.grade[i]!, tol)
          ) &&
          !(
            fe.hist[e] !== undefined &&
            fi.hist[i] !== undefined &&
            histogramDistance(fe.hist[e]!, fi.hist[i]!, certReach) <= certReach
          )
        )
          return;
      }
    }
    const er = exports[e]!;
    const ir = imports[i]!;
    const score = compareInto(er, ir, s, names, levels);
    if (score >= s.reviewThreshold) {
      gE.push(e);
      gI.push(i);
      gPass.push(pass);
      gScore.push(score);
      gLevels.push(packLevels(levels));
    }
    if (er.kg !== null && ir.kg !== null && ir.kg < er.kg) {
      const identity = identityScore(levels, er.mineral);
      if (identity >= s.splitEvidence) {
        let list = splitCands.get(e);
        if (!list) splitCands.set(e, (list = []));
        list.push({ i, identity });
      }
    }
  });

  const eKey = byKey(exports);
  const iKey = byKey(imports);
  // The order of the records' keys as integer ranks (equal keys, equal ranks): the sort compares numbers.
  const eRank = ranks(exports.length, eKey);
  const iRank = ranks(imports.length, iKey);
  const good = Array.from({ length: gE.length }, (_, k) => k).sort(
    (a, b) => gScore[b]! - gScore[a]! || eRank[gE[a]!]! - eRank[gE[b]!]! || iRank[gI[a]!]! - iRank[gI[b]!]!,
  );
  const scored = (k: number): Scored => ({
    e: gE[k]!,
    i: gI[k]!,
    pass: gPass[k]!,
    score: gScore[k]!,
    levels: gLevels[k]!,
  });

  const exportLink = new Map<number, Stage2Link>();
  const importUsed = new Set<number>();
  for (const k of good) {
    if (gScore[k]! < s.linkThreshold) break;
    const e = gE[k]!;
    const i = gI[k]!;
    if (exportLink.has(e) || importUsed.has(i)) continue;
    exportLink.set(e, {
      e,
      imports: [i],
      pass: gPass[k]!,
      score: gScore[k]!,
      levels: unpackLevels(gLevels[k]!),
    });
    importUsed.add(i);
  }

  // Split shipments: an export left unlinked, or linked to one import that carries only part of it.
  const splitOrder = [...splitCands.keys()].sort(eKey);
  for (const e of splitOrder) {
    const er = exports[e]!;
    if (er.kg === null || !(er.kg > 0)) continue;
    const tol = s.qty[mineralGroup(er.mineral)].minor;
    const current = exportLink.get(e);
    if (current && current.imports.length === 1) {
      const i0 = imports[current.imports[0]!]!;
      if (i0.kg === null || i0.kg >= er.kg * (1 - tol)) continue;
    } else if (current) continue;
    const fixed = current ? current.imports : [];
    const pool = splitCands
      .get(e)!
      .filter((c) => !importUsed.has(c.i))
      .sort((a, b) => b.identity - a.identity || iKey(a.i, b.i))
      .slice(0, SPLIT_CANDIDATES);
    const chosen = bestSubset(er.kg, tol, fixed, pool, imports, s.splitMaxParts, iKey);
    if (!chosen) continue;
    const parts = [...fixed, ...chosen].sort(iKey);
    const combined = combineParts(parts.map((i) => imports[i]!));
    const score = compareInto(er, combined, s, names, levels);
    if (score < s.linkThreshold) continue;
    for (const i of chosen) importUsed.add(i);
    exportLink.set(e, { e, imports: parts, pass: 'split', score, levels: Array.from(levels) });
  }

  // Clear best candidates: a review-band pair whose two sides are each other's best remaining candidate,
  // ahead of every other candidate of either side by the margin.
  const open = good.filter((k) => !exportLink.has(gE[k]!) && !importUsed.has(gI[k]!)).map(scored);
  const bestE = new Map<number, Scored[]>();
  const bestI = new Map<number, Scored[]>();
  for (const p of open) {
    const le = bestE.get(p.e) ?? [];
    if (le.length < 2) bestE.set(p.e, [...le, p]);
    const li = bestI.get(p.i) ?? [];
    if (li.length < 2) bestI.set(p.i, [...li, p]);
  }
  for (const p of open) {
    if (exportLink.has(p.e) || importUsed.has(p.i)) continue;
    const le = bestE.get(p.e)!;
    const li = bestI.get(p.i)!;
    if (le[0] !== p || li[0] !== p) continue;
    const runnerUp = Math.max(le[1]?.score ?? -Infinity, li[1]?.score ?? -Infinity);
    if (p.score - runnerUp < s.margin) continue;
    exportLink.set(p.e, {
      e: p.e,
      imports: [p.i],
      pass: `${p.pass}:margin`,
      score: p.score,
      levels: unpackLevels(p.levels),
    });
    importUsed.add(p.i);
  }

  const review: Stage2Review[] = [];
  const reviewPerExport = new Map<number, number>();
  for (const k of good) {
    const e = gE[k]!;
    const i = gI[k]!;
    if (exportLink.has(e) || importUsed.has(i)) continue;
    const n = reviewPerExport.get(e) ?? 0;
    if (n >= REVIEW_PER_EXPORT) continue;
    reviewPerExport.set(e, n + 1);
    review.push({ e, i, pass: gPass[k]!, score: gScore[k]!, levels: unpackLevels(gLevels[k]!) });
  }

  const links = [...exportLink.values()].sort((a, b) => eKey(a.e, b.e));
  const unmatchedExports: number[] = [];
  for (let e = 0; e < exports.length; e++) if (!exportLink.has(e)) unmatchedExports.push(e);
  const unmatchedImports: number[] = [];
  for (let i = 0; i < imports.length; i++) if (!importUsed.has(i)) unmatchedImports.push(i);
  return { links, review, unmatchedExports, unmatchedImports, candidatePairs };
}

/** Each field's level index (−1..6) + 1 in 3 bits, in fieldOrder: 8 fields fit a small integer. */
function packLevels(levels: Int8Array): number {
  let code = 0;
  for (let k = levels.length - 1; k >= 0; k--) code = code * 8 + (levels[k]! + 1);
  return code;
}

function unpackLevels(code: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < fieldOrder.length; k++) {
    out.push((code % 8) - 1);
    code = Math.floor(code / 8);
  }
  return out;
}

/** rank[x]: the position of x in the order `cmp`, equal elements sharing a rank. */
function ranks(n: number, cmp: (a: number, b: number) => number): Int32Array {
  const order = Array.from({ length: n }, (_, k) => k).sort(cmp);
  const rank = new Int32Array(n);
  for (let k = 1; k < n; k++)
    rank[order[k]!] = cmp(order[k - 1]!, order[k]!) === 0 ? rank[order[k - 1]!]! : k;
  return rank;
}

/**
 * The fields the sweep's pre-check reads, as typed columns. A pair is scored only when it may weigh
 * enough to be linked, reviewed or taken as a split part: its weights agree within 10 % or by a unit
 * factor or grade, or a party name or the transport reference agrees exactly, or the certificate
 * numbers may be within the edit distance, or it pairs different minerals (certificate pass), or a
 * weight is missing.
 */
function columns(records: readonly Stage2Record[], names: NameSimilarity) {
  const n = records.length;
  const c = {
    kg: new Float64Array(n),
    grade: new Float64Array(n),
    exporter: new Int32Array(n),
    importer: new Int32Array(n),
    transport: new Int32Array(n),
    mineral: new Int32Array(n),
    hist: new Array<Uint8Array | undefined>(n),
    /** 1: an ore grade (0–95 %), 0: none or ~100 % (contained metal), 2: neither (see explainRatio). */
    ore: new Uint8Array(n),
  };
  const minerals = new Map<string, number>();
  records.forEach((r, k) => {
    c.kg[k] = r.kg ?? Number.NaN;
    c.grade[k] = r.gradePct ?? Number.NaN;
    const g = r.gradePct;
    c.ore[k] = g !== null && g > 0 && g < 95 ? 1 : g === null || g >= 95 ? 0 : 2;
    c.exporter[k] = r.exporterNameId ?? -1;
    c.importer[k] = r.importerNameId ?? -1;
    c.transport[k] = r.transportKey === null ? -1 : names.intern(`\u0001${r.transportKey}`)!;
    let m = minerals.get(r.mineral);
    if (m === undefined) minerals.set(r.mineral, (m = minerals.size));
    c.mineral[k] = mineralIds.get(r.mineral) ?? -1 - m;
    c.hist[k] = r.certificateHistogram;
  });
  return c;
}

const mineralIds = new Map(['gold', 'cassiterite', 'coltan', 'wolframite'].map((m, k) => [m, k]));

const unitFactorList = Float64Array.from(unitFactors.map((u) => u.factor)).sort();

/**
 * Whether a weight ratio is a unit factor: explainRatio's test, inline (no call, nothing allocated).
 * The factors in ascending order: a ratio below a factor's band (widened a hair, so that rounding never
 * decides) is below every later one's too, and the exact test runs only inside a band.
 */
function unitRatio(r: number, tolerance: number): boolean {
  for (let k = 0; k < unitFactorList.length; k++) {
    const f = unitFactorList[k]!;
    if (r < f * (1 - tolerance) * (1 - 1e-9)) return false;
    if (r <= f * (1 + tolerance) * (1 + 1e-9) && Math.abs(r / f - 1) <= tolerance) return true;
  }
  return false;
}

/** Whether a weight ratio is a unit factor or an ore grade (explainRatio, NaN for a missing grade). */
function ratioExplained(r: number, exportGrade: number, importGrade: number, tolerance: number): boolean {
  return (
    explainRatio(
      1,
      r,
      Number.isNaN(exportGrade) ? null : exportGrade,
      Number.isNaN(importGrade) ? null : importGrade,
      tolerance,
    ) !== null
  );
}

/** The parts taken together: summed weights and values, the earliest date, the first part's parties. */
export function combineParts(parts: readonly Stage2Record[]): Stage2Record {
  const first = parts[0]!;
  let kg = 0;
  let value: number | null = 0;
  let day = first.day;
  for (const p of parts) {
    kg += p.kg ?? 0;
    value = value === null || p.valueUsd === null ? null : value + p.valueUsd;
    if (p.day < day) day = p.day;
  }
  return {
    ...first,
    kg,
    valueUsd: value,
    day,
    gradePct: null,
    certificate: parts.find((p) => p.certificate !== null)?.certificate ?? null,
    transportKey: parts.find((p) => p.transportKey !== null)?.transportKey ?? null,
  };
}

/**
 * The subset of `pool` that, with the `fixed` parts, sums closest to `target` kg within `tol`
 * (relative), with at least two parts in all: fewest parts first, then the closest sum, then keys.
 * A depth-first search over the pool in descending weight, cut as soon as a sum overshoots.
 */
function bestSubset(
  target: number,
  tol: number,
  fixed: readonly number[],
  pool: readonly SplitCandidate[],
  imports: readonly Stage2Record[],
  maxParts: number,
  iKey: (a: number, b: number) => number,
): number[] | null {
  const base = fixed.reduce((acc, i) => acc + (imports[i]!.kg ?? 0), 0);
  const items = pool
    .map((c) => ({ i: c.i, kg: imports[c.i]!.kg ?? 0 }))
    .filter((x) => x.kg > 0)
    .sort((a, b) => b.kg - a.kg || iKey(a.i, b.i));
  const hi = target * (1 + tol);
  const minExtra = Math.max(1, 2 - fixed.length);
  for (let size = minExtra; size + fixed.length <= maxParts && size <= items.length; size++) {
    let best: { set: number[]; diff: number } | null = null;
    const chosen: number[] = [];
    const search = (start: number, sum: number) => {
      if (chosen.length === size) {
        const diff = Math.abs(sum - target) / target;
        if (diff > tol) return;
        const set = [...chosen].sort(iKey);
        if (!best || diff < best.diff || (diff === best.diff && compareSets(set, best.set, iKey) < 0))
          best = { set, diff };
        return;
      }
      for (let k = start; k < items.length; k++) {
        const next = sum + items[k]!.kg;
        if (next > hi) continue;
        chosen.push(items[k]!.i);
        search(k + 1, next);
        chosen.pop();
      }
    };
    search(0, base);
    if (best) return (best as { set: number[] }).set;
  }
  return null;
}

function compareSets(a: number[], b: number[], cmp: (x: number, y: number) => number): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const c = cmp(a[k]!, b[k]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
