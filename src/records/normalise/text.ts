/**
 * Free text and identifiers as the hub stores them: trimmed, Unicode NFC (so "é" typed as e + U+0301
 * and "é" precomposed are one string), empty → null. Anything that is not a string is null. A NUL
 * character (which Postgres text cannot hold) becomes U+FFFD, so "a\0b" stays distinct from "ab".
 */
export function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = (value.includes('\0') ? value.replace(/\0/g, '\uFFFD') : value).trim().normalize('NFC');
  return text === '' ? null : text;
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
