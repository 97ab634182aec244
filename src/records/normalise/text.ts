/**
 * Free text and identifiers as the hub stores them: trimmed, Unicode NFC (so "é" typed as e + U+0301
 * and "é" precomposed are one string), empty → null. Anything that is not a string is null. A NUL
 * character (which Postgres text cannot hold) becomes U+FFFD, so "a\0b" stays distinct from "ab".
 */
export function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (isClean(value)) return value;
  const text = (value.includes('\0') ? value.replace(/\0/g, '\uFFFD') : value).trim().normalize('NFC');
  return text === '' ? null : text;
}

/**
 * Whether cleaning would return the text unchanged, decided without the work (most texts): not empty,
 * no space to trim at either end, no NUL, and only code points below U+0300, which NFC never changes
 * (the first combining mark is U+0300).
 */
function isClean(text: string): boolean {
  const n = text.length;
  if (n === 0 || text.charCodeAt(0) <= 0x20 || text.charCodeAt(n - 1) <= 0x20) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0xa0 || c >= 0x300) return false;
  }
  return true;
}

/** A list of texts, each cleaned; empties dropped, duplicates kept out; null when nothing is left. */
export function cleanTextList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of value) {
    const text = cleanText(item);
    if (text !== null && !seen.has(text)) {
      seen.add(text);
      out.push(text);
    }
  }
  return out.length > 0 ? out : null;
}

/** A calendar date `YYYY-MM-DD` as given (dates are not instants: no time zone is applied). */
export function cleanDate(value: unknown): string | null {
  const text = cleanText(value);
  // Year 0000 passes the schema's pattern but is no calendar date Postgres can store.
  return text === null || text.startsWith('0000') ? null : text;
}

/**
 * An RFC 3339 timestamp, kept with its own offset (Postgres stores the instant). RFC 3339 allows a
 * lower-case `t` and `z`; they are upper-cased so every reader parses them the same way.
 */
export function cleanTimestamp(value: unknown): string | null {
  const text = cleanText(value);
  return text === null || text.startsWith('0000') ? null : text.toUpperCase();
}

/** A finite number, else null. */
export function cleanNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** An integer, else null. */
export function cleanInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}
