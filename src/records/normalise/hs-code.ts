import { cleanText } from './text.js';

/**
 * HS codes in one form: digits only. "7108.12", "7108 12" and "710812" are all "710812";
 * national 8–10 digit codes keep their extra digits ("2615.90.00" → "26159000").
 */
export function hsCodeDigits(value: unknown): string | null {
  const text = cleanText(value);
  if (text === null) return null;
  const digits = text.replace(/\D/g, '');
  return digits === '' ? null : digits;
}

/**
 * The mineral an HS heading designates, for checking a declared HS code against the declared
 * mineral (standard-v1 codelist `mineral`; 7112 is gold declared as waste/scrap, a known slip).
 */
const mineralByHeading: Readonly<Record<string, string>> = {
  '7108': 'gold',
  '7112': 'gold',
  '2609': 'cassiterite',
  '2611': 'wolframite',
  '2615': 'coltan',
};

export function mineralOfHsCode(value: unknown): string | null {
  const digits = hsCodeDigits(value);
  return digits === null ? null : (mineralByHeading[digits.slice(0, 4)] ?? null);
}
