import { cleanText } from './text.js';

/**
 * Codes as the standard writes them. Schema-valid records already use these forms; connectors and
 * older versions may not, so the hub canonicalises again rather than trusting the input.
 */

/** Lower-case codes: minerals, statuses, roles, operations, licence types, … */
export function lowerCode(value: unknown): string | null {
  return cleanText(value)?.toLowerCase() ?? null;
}

/** Upper-case codes: ISO 3166-1 alpha-2 countries, UN/ECE Rec. 20 units. */
export function upperCode(value: unknown): string | null {
  return cleanText(value)?.toUpperCase() ?? null;
}

/** A list of lower-case codes, unique, in the order given; null when empty. */
export function lowerCodeList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const out = [...new Set(value.map(lowerCode).filter((c): c is string => c !== null))];
  return out.length > 0 ? out : null;
}

/**
 * A transport reference (waybill, air waybill, truck plate) in the form both sides can compare:
 * letters and digits only, upper case. "AWB 176-1234 5675" and "awb176.12345675" → "AWB17612345675".
 */
export function transportRefKey(value: unknown): string | null {
  const text = cleanText(value);
  if (text === null) return null;
  const key = text
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]/gu, '')
    .toUpperCase();
  return key === '' ? null : key;
}
