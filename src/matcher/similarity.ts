/**
 * String comparisons of stage 2, in plain TypeScript on the blocked set (no Postgres extension needed:
 * fuzzystrmatch ships with both the embedded and the Debian Postgres, but a managed DATABASE_URL may
 * not allow CREATE EXTENSION, and the candidates are in memory here anyway).
 */

/** Jaro similarity, 0..1. */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 1 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const aMatched = new Uint8Array(la);
  const bMatched = new Uint8Array(lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(lb - 1, i + range);
    for (let j = lo; j <= hi; j++) {
      if (bMatched[j] || a.charCodeAt(i) !== b.charCodeAt(j)) continue;
      aMatched[i] = 1;
      bMatched[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < la; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  return (m / la + m / lb + (m - transpositions / 2) / m) / 3;
}

/**
 * Jaro–Winkler similarity (prefix scale 0.1, prefix up to 4 characters), 0..1. Symmetric.
 * @see Winkler (1990), as used by Splink's name comparisons.
 */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  let prefix = 0;
  const max = Math.min(4, a.length, b.length);
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

let prevRow = new Int32Array(64);
let curRow = new Int32Array(64);

/**
 * Levenshtein distance if it is at most `max`, else `max + 1` (banded dynamic programming, so the
 * cost is O(len × max); no allocation in the common case).
 */
export function levenshteinAtMost(a: string, b: string, max: number): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (prevRow.length <= lb) {
    prevRow = new Int32Array(lb * 2 + 1);
    curRow = new Int32Array(lb * 2 + 1);
  }
  let prev = prevRow;
  let cur = curRow;
  const big = max + 1;
  for (let j = 0; j <= lb; j++) prev[j] = j <= max ? j : big;
  for (let i = 1; i <= la; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(lb, i + max);
    cur[0] = i <= max ? i : big;
    if (lo > 1) cur[lo - 1] = big;
    let rowMin = cur[0]!;
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      let v = prev[j - 1]! + cost;
      const up = (j <= i - 1 + max ? prev[j]! : big) + 1;
      if (up < v) v = up;
      const left = cur[j - 1]! + 1;
      if (left < v) v = left;
      cur[j] = v > big ? big : v;
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (hi < lb) cur[hi + 1] = big;
    if (rowMin > max) return big;
    const t = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[lb]!;
  return d > max ? big : d;
}

/**
 * A character histogram of a short code (certificate numbers): two strings within k edits differ by
 * at most 2k in their histograms, so `histogramDistance(a, b, 2k) > 2k` proves `levenshtein(a, b) > k`
 * at a fraction of its cost. Digits come first in the bins, so that two serial numbers part early.
 */
export function histogram(s: string): Uint8Array {
  const h = new Uint8Array(64);
  for (let i = 0; i < s.length; i++) h[(s.charCodeAt(i) - 48) & 63]!++;
  return h;
}

/** The histogram distance, or a number above `max` as soon as it exceeds it. */
export function histogramDistance(a: Uint8Array, b: Uint8Array, max = Infinity): number {
  let d = 0;
  for (let i = 0; i < 64; i++) {
    const x = a[i]! - b[i]!;
    d += x < 0 ? -x : x;
    if (d > max) return d;
  }
  return d;
}

/**
 * The string and every string made from it by deleting one character. Two strings within one edit
 * (a substitution, an insertion or deletion, or a transposition of neighbours) always share one of
 * these; the candidates are then checked with `levenshteinAtMost`.
 */
export function deletionNeighbourhood(s: string): string[] {
  const out = new Set<string>([s]);
  for (let i = 0; i < s.length; i++) out.add(s.slice(0, i) + s.slice(i + 1));
  return [...out];
}
