import { deletionNeighbourhood, levenshteinAtMost } from './similarity.js';
import { mineralGroup, type MatcherSettings } from './settings.js';

/**
 * Stage 2 blocking: which export–import pairs are compared at all.
 *
 * Pass `window`: same corridor (exporting, importing), same mineral, import date within the mineral's
 * window around the export date (gold −7..+30 d, 3T −7..+120 d by default). A sweep over both sides
 * sorted by date, per block; Postgres has no range merge join (research §6 [31]) and the remainder is
 * in memory here anyway.
 *
 * Pass `certificate_near`: same corridor, certificate numbers within `certEditDistance` edits that share
 * a one-deletion variant (every pair within one substitution, insertion, deletion or transposition of
 * neighbours does), import date within the widest window of any mineral. It catches typed certificate
 * numbers whose mineral or date disagree; pairs with two separate typos are compared in the window pass.
 */
export interface BlockRecord {
  exporting: string;
  importing: string;
  mineral: string;
  /** Days since 1970-01-01. */
  day: number;
  certificate: string | null;
}

export type BlockPass = 'window' | 'certificate_near';

export interface CandidatePair {
  e: number;
  i: number;
  pass: BlockPass;
}

function windowOf(s: MatcherSettings, mineral: string) {
  return s.window[mineralGroup(mineral)];
}

function widestWindow(s: MatcherSettings) {
  return {
    before: Math.max(s.window.gold.before, s.window['3t'].before),
    after: Math.max(s.window.gold.after, s.window['3t'].after),
  };
}

/** The blocking rule as a predicate (the eval measures pairs completeness with it; tests tie it to the sweep). */
export function blockedPass(e: BlockRecord, i: BlockRecord, s: MatcherSettings): BlockPass | null {
  if (e.exporting !== i.exporting || e.importing !== i.importing) return null;
  const gap = i.day - e.day;
  const w = windowOf(s, e.mineral);
  if (e.mineral === i.mineral && gap >= -w.before && gap <= w.after) return 'window';
  const wide = widestWindow(s);
  if (
    e.certificate !== null &&
    i.certificate !== null &&
    gap >= -wide.before &&
    gap <= wide.after &&
    sharesDeletionVariant(e.certificate, i.certificate) &&
    levenshteinAtMost(e.certificate, i.certificate, s.certEditDistance) <= s.certEditDistance
  )
    return 'certificate_near';
  return null;
}

export function sharesDeletionVariant(a: string, b: string): boolean {
  const va = new Set(deletionNeighbourhood(a));
  return deletionNeighbourhood(b).some((v) => va.has(v));
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number[]> {
  const m = new Map<string, number[]>();
  items.forEach((t, idx) => {
    const k = key(t);
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(idx);
  });
  return m;
}

/**
 * Every candidate pair of the two passes, each pair once (a pair in both passes counts as `window`).
 * Calls `visit` for each pair instead of collecting them, so a dense block does not hold millions
 * of pairs in memory; returns how many pairs were visited.
 */
export function forEachCandidate(
  exports: readonly BlockRecord[],
  imports: readonly BlockRecord[],
  s: MatcherSettings,
  visit: (e: number, i: number, pass: BlockPass) => void,
): number {
  let count = 0;
  // Pass 1: corridor + mineral blocks, a date sweep.
  const eBlocks = groupBy(exports, (r) => `${r.exporting}|${r.importing}|${r.mineral}`);
  const iBlocks = groupBy(imports, (r) => `${r.exporting}|${r.importing}|${r.mineral}`);
  for (const [key, es] of eBlocks) {
    const is = iBlocks.get(key);
    if (!is) continue;
    es.sort((a, b) => exports[a]!.day - exports[b]!.day);
    is.sort((a, b) => imports[a]!.day - imports[b]!.day);
    const w = windowOf(s, exports[es[0]!]!.mineral);
    // The imports' days and indices as typed arrays, in date order: the inner loop reads no objects.
    const n = is.length;
    const days = Int32Array.from(is, (i) => imports[i]!.day);
    const idx = Int32Array.from(is);
    let lo = 0;
    for (const e of es) {
      const d = exports[e]!.day;
      const from = d - w.before;
      const to = d + w.after;
      while (lo < n && days[lo]! < from) lo++;
      let k = lo;
      for (; k < n && days[k]! <= to; k++) visit(e, idx[k]!, 'window');
      count += k - lo;
    }
  }
  // Pass 2: certificate numbers within the edit distance, per corridor, via one-deletion variants.
  if (s.certEditDistance > 0) {
    const wide = widestWindow(s);
    const byCorridor = new Map<string, Map<string, number[]>>();
    imports.forEach((r, i) => {
      if (r.certificate === null) return;
      const ck = `${r.exporting}|${r.importing}`;
      let byVariant = byCorridor.get(ck);
      if (!byVariant) byCorridor.set(ck, (byVariant = new Map()));
      for (const v of deletionNeighbourhood(r.certificate)) {
        let list = byVariant.get(v);
        if (!list) byVariant.set(v, (list = []));
        list.push(i);
      }
    });
    if (byCorridor.size > 0) {
      exports.forEach((er, e) => {
        if (er.certificate === null) return;
        const byVariant = byCorridor.get(`${er.exporting}|${er.importing}`);
        if (!byVariant) return;
        let seen: Set<number> | undefined;
        for (const v of deletionNeighbourhood(er.certificate)) {
          const hits = byVariant.get(v);
          if (!hits) continue;
          for (const i of hits) {
            if (seen?.has(i)) continue;
            (seen ??= new Set()).add(i);
            const ir = imports[i]!;
            const gap = ir.day - er.day;
            if (gap < -wide.before || gap > wide.after) continue;
            // Already visited by the window pass.
            const w = windowOf(s, er.mineral);
            if (ir.mineral === er.mineral && gap >= -w.before && gap <= w.after) continue;
            if (levenshteinAtMost(er.certificate, ir.certificate!, s.certEditDistance) > s.certEditDistance)
              continue;
            visit(e, i, 'certificate_near');
            count++;
          }
        }
      });
    }
  }
  return count;
}
