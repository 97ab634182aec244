import { cleanText } from './text.js';

/**
 * Legal forms and business-type words that national systems add, drop or abbreviate at will
 * (matching-research §2 stage 0 and scenario 4: "Ets. Namukaya" = "Etablissement Namukaya SARL").
 * Compared after accents, case and punctuation are gone, so "Établissements", "S.A.R.L." and "Sprl"
 * are covered. Free-zone suffixes (FZE, FZCO, DMCC) are common on Gulf importers.
 */
export const legalForms: ReadonlySet<string> = new Set([
  // French / Belgian / Congolese
  'sarl',
  'sarlu',
  'suarl',
  'sprl',
  'sprlu',
  'sa',
  'sas',
  'sasu',
  'scs',
  'snc',
  'ets',
  'etab',
  'etabl',
  'etablissement',
  'etablissements',
  'cie',
  'ste',
  'societe',
  'cooperative',
  'cooperatives',
  'coop',
  'coopec',
  // English
  'ltd',
  'limited',
  'co',
  'company',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'llc',
  'plc',
  'pty',
  'pvt',
  'llp',
  'lp',
  // others seen on mineral trade documents
  'gmbh',
  'ag',
  'bv',
  'nv',
  'srl',
  'spa',
  'fze',
  'fzco',
  'fzc',
  'fzllc',
  'dmcc',
  'limitee',
  'ltee',
]);

// Letters that have no decomposition in Unicode but an obvious plain-Latin spelling.
const plainLetters: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
const PLAIN_LETTER = /[ßæœøđðłþıħ]/g;
const MARKS = /\p{M}+/gu;
// Single letters joined by dots ("s.a.r.l.", "l.l.c") are one word: the dots go, the letters join.
const DOTTED_ACRONYM = /(?<![\p{L}\p{N}])\p{L}(?:\.\p{L})+\.?(?![\p{L}\p{N}])/gu;
const APOSTROPHES = /['’‘`´ʼ]/g;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

const cache = new Map<string, string | null>();
const CACHE_LIMIT = 20_000;

/**
 * The match key of a party name (exporter, importer, actor): lower case, accents stripped,
 * punctuation removed, legal forms dropped, single spaces. Word order is kept. A name made only of
 * legal forms ("SARL") keeps them rather than becoming empty. Idempotent: key(key(x)) = key(x).
 */
export function partyNameKey(value: unknown): string | null {
  const name = cleanText(value);
  if (name === null) return null;
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const key = computeKey(name);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(name, key);
  return key;
}

function computeKey(name: string): string | null {
  const plain = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(PLAIN_LETTER, (c) => plainLetters[c] ?? c)
    .replace(DOTTED_ACRONYM, (m) => m.replace(/\./g, ''))
    .replace(APOSTROPHES, '')
    .replace(NOT_WORD, ' ');
  const words = plain.split(' ').filter((w) => w !== '');
  if (words.length === 0) return null;
  const kept = words.filter((w) => !legalForms.has(w));
  return (kept.length > 0 ? kept : words).join(' ');
}
