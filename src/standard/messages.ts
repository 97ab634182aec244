import type { IssueCode } from './issue.js';

/**
 * Message templates, English and French, one per issue code.
 *
 * A message says where (the record: type, index, key; the field) and why (what was found and what the
 * standard expects), in words the operator of a national mineral database understands. Record indexes
 * count from 0, as in the JSON Pointer `path` of the issue.
 */
export type Lang = 'en' | 'fr';

/** What an issue is about, beyond its code; every member is optional except `field`. */
export interface IssueDetail {
  /** The field as the operator knows it: `mass`, `location.lat`, `lotNumbers[2]`; '' for the whole record. */
  field: string;
  /** The value found, when there is one (`undefined` in group messages, which speak of many values). */
  value?: unknown;
  /** RMDX_VAL_CODE: the allowed codes (enum) or the one fixed value (const). */
  allowed?: readonly unknown[];
  /** RMDX_VAL_CODE: the codelist, when the rule comes from codelists.schema.json. */
  codelist?: string;
  /** RMDX_VAL_CODE / RMDX_VAL_UNKNOWN_FIELD / RMDX_VAL_UNKNOWN_RECORD_TYPE: a close valid spelling. */
  suggestion?: string;
  /** RMDX_VAL_FORMAT: the JSON Schema format (`date`, `date-time`) or ... */
  format?: string;
  /** ... the pattern, with the `$defs` name it comes from (`hsCode`) to explain it in words. */
  pattern?: string;
  patternName?: string;
  /** RMDX_VAL_RANGE: the bounds of the field. */
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  multipleOf?: number;
  /** RMDX_VAL_LENGTH: the limit broken, which side, and what is counted. */
  limit?: number;
  limitSide?: 'min' | 'max';
  counted?: 'characters' | 'items' | 'fields';
  /** The actual length or count, when known. */
  actual?: number;
  /** RMDX_VAL_TYPE: the JSON types allowed. */
  types?: readonly string[];
  /** RMDX_VAL_REQUIRED: the condition that makes the field required (`operation` is `extraction`). */
  condition?: { field: string; value: unknown };
  /** RMDX_VAL_DUPLICATE_ITEM: the positions of the two equal items. */
  items?: readonly [number, number];
  /** RMDX_VAL_UNKNOWN_RECORD_TYPE: the record types of the version. */
  recordTypes?: readonly string[];
  /** RMDX_VAL_DUPLICATE_KEY: where the key appeared first. */
  firstIndex?: number;
  /** Envelope values the check compared with. */
  reportingCountry?: string;
  period?: string;
  /** RMDX_VAL_CERTIFICATE_REQUIRED: the mineral exported and the designated minerals. */
  mineral?: string;
  designated?: readonly string[];
  /** RMDX_VAL_CERTIFICATE_PREFIX: the prefix expected, e.g. `RW-`. */
  expectedPrefix?: string;
  /** RMDX_VAL_FUTURE_DATE: today's date as the check saw it (UTC). */
  today?: string;
  /** RMDX_VAL_DATE_ORDER: the start field and its value. */
  startField?: string;
  startValue?: unknown;
  /** RMDX_VAL_INVALID: ajv's own words, English and French. */
  rule?: string;
  ruleFr?: string;
  /** RMDX_VAL_INVALID from `anyOf`/`oneOf` branches that each require a field: at least / exactly one of them. */
  oneOfFields?: readonly string[];
  oneOfMode?: 'anyOf' | 'oneOf';
}

/** Who the issue is about. */
export interface RecordLabel {
  recordType: string | null;
  /** null for the batch envelope. */
  recordIndex: number | null;
  keyField?: string | null;
  key: string | null;
  /** A record validated on its own (no batch around it): no index in the message. */
  single?: boolean;
}

type Template = (d: IssueDetail, generic: boolean) => string;

const MAX_LISTED_CODES = 12;

// ---------------------------------------------------------------------------------------------------
// Formatting helpers

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A value as it appears in a message: strings quoted, the rest as JSON, long values cut. */
export function showValue(value: unknown, lang: Lang): string {
  if (typeof value === 'string') return lang === 'fr' ? `« ${truncate(value)} »` : `"${truncate(value)}"`;
  if (value === undefined) return lang === 'fr' ? 'rien' : 'nothing';
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return truncate(json);
}

function q(name: string, lang: Lang): string {
  return lang === 'fr' ? `« ${name} »` : `"${name}"`;
}

function fmtNumber(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-US', { maximumFractionDigits: 20 });
}

/** The allowed codes, all of them when few, else the first ones and how many there are. */
export function listCodes(values: readonly unknown[], lang: Lang, codelist?: string): string {
  const shown = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (codelist === 'country' || shown.length > MAX_LISTED_CODES) {
    const head = shown.slice(0, 8).join(', ');
    const n = fmtNumber(shown.length, lang);
    if (codelist === 'country') {
      return lang === 'fr'
        ? `un code pays ISO 3166-1 alpha-2 en majuscules (${n} codes : ${head}, …)`
        : `an upper-case ISO 3166-1 alpha-2 country code (${n} codes: ${head}, …)`;
    }
    const where = codelist
      ? lang === 'fr'
        ? ` ; voir la liste de codes ${codelist}`
        : `; see codelist ${codelist}`
      : '';
    return lang === 'fr' ? `${head}, … (${n} codes${where})` : `${head}, … (${n} codes${where})`;
  }
  return shown.join(', ');
}

const typeNamesEn: Record<string, string> = {
  number: 'a number',
  integer: 'a whole number',
  string: 'a text (a JSON string in quotes)',
  boolean: 'true or false',
  object: 'an object ({ … })',
  array: 'a list ([ … ])',
  null: 'null',
};
const typeNamesFr: Record<string, string> = {
  number: 'un nombre',
  integer: 'un nombre entier',
  string: 'un texte (une chaîne JSON entre guillemets)',
  boolean: 'true ou false',
  object: 'un objet ({ … })',
  array: 'une liste ([ … ])',
  null: 'null',
};

/** The JSON type of a value, in the words of typeNames. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** What a value is, in words: `a decimal number`, `a text`, … */
function actualTypeName(value: unknown, lang: Lang): string {
  const t = jsonType(value);
  if (t === 'number') return lang === 'fr' ? 'un nombre décimal' : 'a decimal number';
  if (t === 'string') return lang === 'fr' ? 'un texte' : 'a text';
  return (lang === 'fr' ? typeNamesFr : typeNamesEn)[t] ?? t;
}

function typeList(types: readonly string[], lang: Lang): string {
  const names = types.map((t) => (lang === 'fr' ? typeNamesFr : typeNamesEn)[t] ?? t);
  return names.join(lang === 'fr' ? ' ou ' : ' or ');
}

/** Words for the patterns of common.schema.json, by `$defs` name (and field name as a fallback). */
const patternHints: Record<string, { en: string; fr: string }> = {
  hsCode: {
    en: 'an HS code of 6 to 10 digits, dots allowed, e.g. 2609.00 or 7108.12',
    fr: 'un code SH de 6 à 10 chiffres, points permis, p. ex. 2609.00 ou 7108.12',
  },
  period: {
    en: 'a month in the form YYYY-MM, e.g. 2026-03',
    fr: 'un mois de la forme AAAA-MM, p. ex. 2026-03',
  },
  semver: {
    en: 'a version in the form MAJOR.MINOR.PATCH, e.g. 1.0.0',
    fr: 'une version de la forme MAJEUR.MINEUR.CORRECTIF, p. ex. 1.0.0',
  },
  date: {
    en: 'a date in the form YYYY-MM-DD, e.g. 2026-03-31',
    fr: 'une date de la forme AAAA-MM-JJ, p. ex. 2026-03-31',
  },
  certificateNumber: {
    en: "the issuing country's two-letter code, a hyphen and the number, e.g. RW-2026-000123",
    fr: "le code à deux lettres du pays émetteur, un trait d'union et le numéro, p. ex. RW-2026-000123",
  },
  identifier: {
    en: 'an identifier without spaces at its start or end',
    fr: 'un identifiant sans espace au début ni à la fin',
  },
};

function formatExpectation(d: IssueDetail, lang: Lang): string {
  if (d.format === 'date') return patternHints.date![lang];
  if (d.format === 'date-time') {
    return lang === 'fr'
      ? 'un horodatage RFC 3339 avec fuseau horaire, p. ex. 2026-03-31T14:05:00Z ou 2026-03-31T16:05:00+02:00'
      : 'an RFC 3339 timestamp with a time zone, e.g. 2026-03-31T14:05:00Z or 2026-03-31T16:05:00+02:00';
  }
  if (d.format) return lang === 'fr' ? `le format ${d.format}` : `the ${d.format} format`;
  const hint = (d.patternName && patternHints[d.patternName]) || patternHints[d.field];
  if (hint) return hint[lang];
  return lang === 'fr' ? `la forme ${d.pattern ?? '?'}` : `the form ${d.pattern ?? '?'}`;
}

function rangeText(d: IssueDetail, lang: Lang): string {
  const fr = lang === 'fr';
  if (d.multipleOf !== undefined) {
    return fr
      ? `doit être un multiple de ${fmtNumber(d.multipleOf, lang)}`
      : `must be a multiple of ${fmtNumber(d.multipleOf, lang)}`;
  }
  const { min, max } = d;
  if (min !== undefined && max !== undefined) {
    const a = fmtNumber(min, lang);
    const b = fmtNumber(max, lang);
    if (!d.exclusiveMin && !d.exclusiveMax)
      return fr ? `doit être entre ${a} et ${b}` : `must be between ${a} and ${b}`;
    const lo = d.exclusiveMin
      ? fr
        ? `supérieur à ${a}`
        : `greater than ${a}`
      : fr
        ? `au moins ${a}`
        : `at least ${a}`;
    const hi = d.exclusiveMax
      ? fr
        ? `inférieur à ${b}`
        : `less than ${b}`
      : fr
        ? `au plus ${b}`
        : `at most ${b}`;
    return fr ? `doit être ${lo} et ${hi}` : `must be ${lo} and ${hi}`;
  }
  if (min !== undefined) {
    const a = fmtNumber(min, lang);
    if (d.exclusiveMin) return fr ? `doit être strictement supérieur à ${a}` : `must be greater than ${a}`;
    return fr ? `doit être supérieur ou égal à ${a}` : `must be ${a} or more`;
  }
  if (max !== undefined) {
    const b = fmtNumber(max, lang);
    if (d.exclusiveMax) return fr ? `doit être strictement inférieur à ${b}` : `must be less than ${b}`;
    return fr ? `doit être inférieur ou égal à ${b}` : `must be ${b} or less`;
  }
  return fr ? 'est hors des limites permises' : 'is out of the allowed range';
}

function lengthText(d: IssueDetail, lang: Lang): string {
  const fr = lang === 'fr';
  const n = d.limit ?? 0;
  const words = {
    characters: fr ? ['caractère', 'caractères'] : ['character', 'characters'],
    items: fr ? ['élément', 'éléments'] : ['item', 'items'],
    fields: fr ? ['champ', 'champs'] : ['field', 'fields'],
  }[d.counted ?? 'characters'];
  const unit = n === 1 ? words[0] : words[1];
  const verbEn = d.counted === 'items' ? 'list' : 'have';
  if (d.limitSide === 'max') {
    return fr
      ? `doit avoir au plus ${fmtNumber(n, lang)} ${unit}`
      : `must ${verbEn} at most ${fmtNumber(n, lang)} ${unit}`;
  }
  if (n === 1 && d.counted === 'characters') return fr ? 'ne doit pas être vide' : 'must not be empty';
  return fr
    ? `doit avoir au moins ${fmtNumber(n, lang)} ${unit}`
    : `must ${verbEn} at least ${fmtNumber(n, lang)} ${unit}`;
}

function got(d: IssueDetail, generic: boolean, lang: Lang): string {
  if (generic || d.value === undefined) return '';
  return lang === 'fr' ? ` ; reçu : ${showValue(d.value, lang)}` : `; got ${showValue(d.value, lang)}`;
}

/** `. Did you mean "x"?` after a sentence, or nothing. */
function suggestion(d: IssueDetail, generic: boolean, lang: Lang): string {
  if (generic || !d.suggestion) return '';
  return lang === 'fr' ? `. Vouliez-vous dire « ${d.suggestion} » ?` : `. Did you mean "${d.suggestion}"?`;
}

// ---------------------------------------------------------------------------------------------------
// The templates

const en: Record<IssueCode, Template> = {
  RMDX_VAL_REQUIRED: (d) => {
    const when = d.condition
      ? ` (required when ${d.condition.field} is ${showValue(d.condition.value, 'en')})`
      : '';
    return `the required field ${q(d.field, 'en')} is missing${when}`;
  },
  RMDX_VAL_UNKNOWN_FIELD: (d, g) =>
    `the field ${q(d.field, 'en')} is not part of the standard here; remove it or correct its name${suggestion(d, g, 'en')}`,
  RMDX_VAL_TYPE: (d, g) =>
    `${q(d.field, 'en')} must be ${typeList(d.types ?? [], 'en')}` +
    (g || d.value === undefined
      ? ''
      : `, not ${actualTypeName(d.value, 'en')} (${showValue(d.value, 'en')})`),
  RMDX_VAL_CODE: (d, g) => {
    const allowed = d.allowed ?? [];
    if (allowed.length === 1 && !d.codelist) {
      return `${q(d.field, 'en')} must be ${showValue(allowed[0], 'en')}${got(d, g, 'en')}`;
    }
    const lead = g
      ? `${q(d.field, 'en')} has a code that is not allowed`
      : `${showValue(d.value, 'en')} is not an allowed code for ${q(d.field, 'en')}`;
    return `${lead}; allowed: ${listCodes(allowed, 'en', d.codelist)}${suggestion(d, g, 'en')}`;
  },
  RMDX_VAL_FORMAT: (d, g) =>
    (g
      ? `${q(d.field, 'en')} is not written as expected`
      : `${showValue(d.value, 'en')} is not valid for ${q(d.field, 'en')}`) +
    `; write ${formatExpectation(d, 'en')}`,
  RMDX_VAL_RANGE: (d, g) => `${q(d.field, 'en')} ${rangeText(d, 'en')}${got(d, g, 'en')}`,
  RMDX_VAL_LENGTH: (d, g) =>
    `${q(d.field, 'en')} ${lengthText(d, 'en')}` +
    (g || d.actual === undefined ? '' : `; it has ${fmtNumber(d.actual, 'en')}`),
  RMDX_VAL_DUPLICATE_ITEM: (d, g) =>
    `${q(d.field, 'en')} lists the same value more than once` +
    (g || !d.items ? '' : ` (items ${d.items[0]} and ${d.items[1]})`) +
    '; list each value once',
  RMDX_VAL_UNKNOWN_RECORD_TYPE: (d, g) => {
    const types = (d.recordTypes ?? []).join(', ');
    if (g) return `the recordType is missing or not one of: ${types}`;
    if (d.value === undefined) return `the record has no recordType; give one of: ${types}`;
    return `recordType ${showValue(d.value, 'en')} is not one of the record types: ${types}${suggestion(d, g, 'en') || '.'} Its other fields were not checked`;
  },
  RMDX_VAL_INVALID: (d) => {
    const what = d.field ? q(d.field, 'en') : 'the record';
    if (d.oneOfFields) {
      const fields = d.oneOfFields.map((f) => q(f, 'en')).join(', ');
      return `${what} needs ${d.oneOfMode === 'oneOf' ? 'exactly' : 'at least'} one of the fields ${fields}`;
    }
    return `${what} does not follow a rule of the standard (${d.rule ?? 'invalid'})`;
  },
  RMDX_VAL_COUNTRY_MISMATCH: (d, g) =>
    (g ? `the mine site's country` : `the mine site's country ${showValue(d.value, 'en')}`) +
    ` is not the batch's reportingCountry ${showValue(d.reportingCountry, 'en')}; a member state reports only the mine sites on its own territory`,
  RMDX_VAL_CERTIFICATE_REQUIRED: (d, g) =>
    `the export${g ? '' : ` of ${d.mineral ?? 'a designated mineral'}`} has no certificateNumber; ${d.reportingCountry ?? 'the reporting country'} issues ICGLR certificates, so every export of ${(d.designated ?? []).join(', ') || 'a designated mineral'} must carry the number of its certificate`,
  RMDX_VAL_CERTIFICATE_PREFIX: (d, g) =>
    (g ? `the certificate number` : `the certificate number ${showValue(d.value, 'en')}`) +
    ` must begin with "${d.expectedPrefix ?? '??-'}", the code of the issuing country (${d.reportingCountry ?? '?'}) and a hyphen`,
  RMDX_VAL_DUPLICATE_KEY: (d, g) =>
    (g
      ? `${d.field} repeats a key already used in the batch`
      : `${d.field} ${showValue(d.value, 'en')} appears more than once in the batch`) +
    (g || d.firstIndex === undefined ? '' : ` (first in record ${d.firstIndex})`) +
    '; a key may appear only once per record type in a batch: keep one record for it',
  RMDX_VAL_FUTURE_DATE: (d, g) =>
    `${d.field}${g ? '' : ` ${showValue(d.value, 'en')}`} lies in the future` +
    (g || !d.today ? '' : ` (today is ${d.today} UTC)`) +
    '; report events only after they happened',
  RMDX_VAL_DATE_ORDER: (d, g) =>
    `${d.field}${g ? '' : ` ${showValue(d.value, 'en')}`} is before ${d.startField ?? 'the start date'}` +
    (g ? '' : ` ${showValue(d.startValue, 'en')}`) +
    '; an end date cannot precede its start date',
  RMDX_VAL_PERIOD_MISMATCH: (d, g) =>
    `${d.field}${g ? '' : ` ${showValue(d.value, 'en')}`} is outside the batch period ${d.period ?? '?'}` +
    '; the record is accepted, but check the date or report it in the batch of its month',
};

const fr: Record<IssueCode, Template> = {
  RMDX_VAL_REQUIRED: (d) => {
    const when = d.condition
      ? ` (obligatoire quand ${d.condition.field} vaut ${showValue(d.condition.value, 'fr')})`
      : '';
    return `le champ obligatoire ${q(d.field, 'fr')} est absent${when}`;
  },
  RMDX_VAL_UNKNOWN_FIELD: (d, g) =>
    `le champ ${q(d.field, 'fr')} ne fait pas partie de la norme à cet endroit ; supprimez-le ou corrigez son nom${suggestion(d, g, 'fr')}`,
  RMDX_VAL_TYPE: (d, g) =>
    `${q(d.field, 'fr')} doit être ${typeList(d.types ?? [], 'fr')}` +
    (g || d.value === undefined
      ? ''
      : `, et non ${actualTypeName(d.value, 'fr')} (${showValue(d.value, 'fr')})`),
  RMDX_VAL_CODE: (d, g) => {
    const allowed = d.allowed ?? [];
    if (allowed.length === 1 && !d.codelist) {
      return `${q(d.field, 'fr')} doit valoir ${showValue(allowed[0], 'fr')}${got(d, g, 'fr')}`;
    }
    const lead = g
      ? `${q(d.field, 'fr')} contient un code non autorisé`
      : `${showValue(d.value, 'fr')} n'est pas un code autorisé pour ${q(d.field, 'fr')}`;
    return `${lead} ; codes permis : ${listCodes(allowed, 'fr', d.codelist)}${suggestion(d, g, 'fr')}`;
  },
  RMDX_VAL_FORMAT: (d, g) =>
    (g
      ? `${q(d.field, 'fr')} n'est pas écrit comme attendu`
      : `${showValue(d.value, 'fr')} n'est pas valable pour ${q(d.field, 'fr')}`) +
    ` ; écrivez ${formatExpectation(d, 'fr')}`,
  RMDX_VAL_RANGE: (d, g) => `${q(d.field, 'fr')} ${rangeText(d, 'fr')}${got(d, g, 'fr')}`,
  RMDX_VAL_LENGTH: (d, g) =>
    `${q(d.field, 'fr')} ${lengthText(d, 'fr')}` +
    (g || d.actual === undefined ? '' : ` ; il en a ${fmtNumber(d.actual, 'fr')}`),
  RMDX_VAL_DUPLICATE_ITEM: (d, g) =>
    `${q(d.field, 'fr')} contient plusieurs fois la même valeur` +
    (g || !d.items ? '' : ` (éléments ${d.items[0]} et ${d.items[1]})`) +
    ' ; donnez chaque valeur une seule fois',
  RMDX_VAL_UNKNOWN_RECORD_TYPE: (d, g) => {
    const types = (d.recordTypes ?? []).join(', ');
    if (g) return `le recordType est absent ou n'est pas l'un de : ${types}`;
    if (d.value === undefined) return `l'enregistrement n'a pas de recordType ; donnez l'un de : ${types}`;
    return `le recordType ${showValue(d.value, 'fr')} n'est pas un type d'enregistrement de la norme : ${types}${suggestion(d, g, 'fr') || '.'} Ses autres champs n'ont pas été contrôlés`;
  },
  RMDX_VAL_INVALID: (d) => {
    const what = d.field ? q(d.field, 'fr') : "l'enregistrement";
    if (d.oneOfFields) {
      const fields = d.oneOfFields.map((f) => q(f, 'fr')).join(', ');
      return `${what} doit contenir ${d.oneOfMode === 'oneOf' ? 'exactement' : 'au moins'} un des champs ${fields}`;
    }
    return `${what} ne respecte pas une règle de la norme (${d.ruleFr ?? d.rule ?? 'invalide'})`;
  },
  RMDX_VAL_COUNTRY_MISMATCH: (d, g) =>
    (g ? `le pays du site minier` : `le pays du site minier ${showValue(d.value, 'fr')}`) +
    ` n'est pas le reportingCountry de l'envoi ${showValue(d.reportingCountry, 'fr')} ; un État membre ne déclare que les sites miniers de son territoire`,
  RMDX_VAL_CERTIFICATE_REQUIRED: (d, g) =>
    `l'exportation${g ? '' : ` de ${d.mineral ?? 'minerai désigné'}`} n'a pas de certificateNumber ; ${d.reportingCountry ?? 'le pays déclarant'} délivre des certificats CIRGL : toute exportation de ${(d.designated ?? []).join(', ') || 'minerai désigné'} doit porter le numéro de son certificat`,
  RMDX_VAL_CERTIFICATE_PREFIX: (d, g) =>
    (g ? 'le numéro de certificat' : `le numéro de certificat ${showValue(d.value, 'fr')}`) +
    ` doit commencer par « ${d.expectedPrefix ?? '??-'} », le code du pays émetteur (${d.reportingCountry ?? '?'}) et un trait d'union`,
  RMDX_VAL_DUPLICATE_KEY: (d, g) =>
    (g
      ? `${d.field} répète une clé`
      : `${d.field} ${showValue(d.value, 'fr')} apparaît plusieurs fois dans l'envoi`) +
    (g || d.firstIndex === undefined ? '' : ` (d'abord dans l'enregistrement n° ${d.firstIndex})`) +
    " ; une clé ne peut apparaître qu'une fois par type d'enregistrement dans un envoi : gardez un seul enregistrement",
  RMDX_VAL_FUTURE_DATE: (d, g) =>
    `${d.field}${g ? '' : ` ${showValue(d.value, 'fr')}`} est dans le futur` +
    (g || !d.today ? '' : ` (nous sommes le ${d.today} UTC)`) +
    " ; ne déclarez un événement qu'une fois qu'il a eu lieu",
  RMDX_VAL_DATE_ORDER: (d, g) =>
    `${d.field}${g ? '' : ` ${showValue(d.value, 'fr')}`} précède ${d.startField ?? 'la date de début'}` +
    (g ? '' : ` ${showValue(d.startValue, 'fr')}`) +
    ' ; une date de fin ne peut pas précéder sa date de début',
  RMDX_VAL_PERIOD_MISMATCH: (d, g) =>
    `${d.field}${g ? '' : ` ${showValue(d.value, 'fr')}`} est hors de la période de l'envoi ${d.period ?? '?'}` +
    " ; l'enregistrement est accepté, mais vérifiez la date ou déclarez-le dans l'envoi de son mois",
};

const templates: Record<Lang, Record<IssueCode, Template>> = { en, fr };

/** Ends a sentence with a full stop unless it already ends with punctuation. */
function stop(sentence: string): string {
  return /[.?!]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** `export record 3 (exportId "EXP-1")`, `Batch envelope`, and their French forms. */
export function describeRecord(label: RecordLabel, lang: Lang): string {
  const fr = lang === 'fr';
  if (label.recordIndex === null && !label.single) return fr ? "Enveloppe de l'envoi" : 'Batch envelope';
  const key =
    label.key !== null && label.keyField ? ` (${label.keyField} ${showValue(label.key, lang)})` : '';
  const index =
    label.single || label.recordIndex === null
      ? ''
      : fr
        ? ` n° ${label.recordIndex}`
        : ` ${label.recordIndex}`;
  if (!label.recordType) return fr ? `Enregistrement${index}${key}` : `Record${index}${key}`;
  return fr ? `Enregistrement ${label.recordType}${index}${key}` : `${label.recordType} record${index}${key}`;
}

/** The full message of one issue. */
export function issueMessage(code: IssueCode, label: RecordLabel, detail: IssueDetail, lang: Lang): string {
  const sentence = templates[lang][code](detail, false);
  return `${describeRecord(label, lang)}${lang === 'fr' ? ' : ' : ': '}${stop(sentence)}`;
}

/** The message of a group of like issues past the cap: how many more, where, and the rule they break. */
export function groupMessage(
  code: IssueCode,
  recordType: string | null,
  path: string,
  count: number,
  detail: IssueDetail,
  lang: Lang,
): string {
  const sentence = templates[lang][code]({ ...detail, value: undefined, actual: undefined }, true);
  const n = fmtNumber(count, lang);
  if (lang === 'fr') {
    const what = recordType ? `enregistrements ${recordType}` : 'enregistrements';
    return `${n} autre${count > 1 ? 's' : ''} ${what} (${path}) : ${stop(sentence)}`;
  }
  const what = recordType ? `${recordType} record${count > 1 ? 's' : ''}` : `record${count > 1 ? 's' : ''}`;
  return `${n} more ${what} (${path}): ${stop(sentence)}`;
}

/** A close valid spelling of `value` among `candidates`, for "did you mean …?" (case or up to 2 edits). */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
  const lower = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.toLowerCase() === lower) return c;
    if (Math.abs(c.length - value.length) > 2) continue;
    const dist = editDistance(lower, c.toLowerCase());
    if (dist < bestDistance) {
      bestDistance = dist;
      best = c;
    }
  }
  // Short codes (UK, g, tin) are too close to too many others to guess from their spelling.
  const allowed = value.length <= 3 ? 0 : value.length <= 5 ? 1 : 2;
  return bestDistance <= allowed ? best : undefined;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}
