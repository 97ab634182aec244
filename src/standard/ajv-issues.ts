import type { ErrorObject } from 'ajv';
import localizeFrModule from 'ajv-i18n/localize/fr/index.js';

import type { IssueCode } from './issue.js';
import { closest, type IssueDetail } from './messages.js';

const localizeFr = localizeFrModule as unknown as (errors: ErrorObject[] | null | undefined) => void;

/**
 * One finding about a record or the envelope, before it becomes an `Issue`: the code, the JSON Pointer
 * relative to the validated object (`/mass`, `/location/lat`, `` for the object itself) and the detail
 * the message templates need. Findings are cheap; messages are only written for issues that are listed.
 */
export interface Finding {
  code: IssueCode;
  path: string;
  detail: IssueDetail;
}

/** How ajv keywords map onto issue codes (docs/issue-codes.md); `if` is dropped, the rest is INVALID. */
const keywordCodes: Record<string, IssueCode> = {
  required: 'RMDX_VAL_REQUIRED',
  dependentRequired: 'RMDX_VAL_REQUIRED',
  additionalProperties: 'RMDX_VAL_UNKNOWN_FIELD',
  unevaluatedProperties: 'RMDX_VAL_UNKNOWN_FIELD',
  type: 'RMDX_VAL_TYPE',
  enum: 'RMDX_VAL_CODE',
  const: 'RMDX_VAL_CODE',
  format: 'RMDX_VAL_FORMAT',
  pattern: 'RMDX_VAL_FORMAT',
  minimum: 'RMDX_VAL_RANGE',
  maximum: 'RMDX_VAL_RANGE',
  exclusiveMinimum: 'RMDX_VAL_RANGE',
  exclusiveMaximum: 'RMDX_VAL_RANGE',
  multipleOf: 'RMDX_VAL_RANGE',
  minLength: 'RMDX_VAL_LENGTH',
  maxLength: 'RMDX_VAL_LENGTH',
  minItems: 'RMDX_VAL_LENGTH',
  maxItems: 'RMDX_VAL_LENGTH',
  minProperties: 'RMDX_VAL_LENGTH',
  maxProperties: 'RMDX_VAL_LENGTH',
  uniqueItems: 'RMDX_VAL_DUPLICATE_ITEM',
};

/** Codes national systems often send instead of the standard's, by lower-cased value. */
const codeAliases: Record<string, string> = {
  uk: 'GB',
  drc: 'CD',
  rdc: 'CD',
  zr: 'CD',
  uae: 'AE',
  eau: 'AE',
  kg: 'KGM',
  kgs: 'KGM',
  g: 'GRM',
  gr: 'GRM',
  t: 'TNE',
  tonne: 'TNE',
  tonnes: 'TNE',
  lb: 'LBR',
  lbs: 'LBR',
  oz: 'APZ',
  ozt: 'APZ',
  tin: 'cassiterite',
  tungsten: 'wolframite',
  tantalum: 'coltan',
  or: 'gold',
  au: 'gold',
  vert: 'green',
  jaune: 'yellow',
  rouge: 'red',
  bleu: 'blue',
};

/** Codes that say nothing more once the value has the wrong JSON type. */
const subsumedByType = new Set<IssueCode>([
  'RMDX_VAL_CODE',
  'RMDX_VAL_FORMAT',
  'RMDX_VAL_RANGE',
  'RMDX_VAL_LENGTH',
  'RMDX_VAL_DUPLICATE_ITEM',
]);

/** RFC 6901 escaping of one pointer segment. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `/location/lat` → `location.lat`; `/lotNumbers/2` → `lotNumbers[2]`; `` → ``. */
export function fieldName(pointer: string): string {
  if (pointer === '') return '';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const seg = unescapePointer(raw);
    if (/^(0|[1-9]\d*)$/.test(seg) && out !== '') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** The top-level field a relative pointer is about (`/location/lat` → `location`). */
export function topField(pointer: string): string {
  const end = pointer.indexOf('/', 1);
  return unescapePointer(end === -1 ? pointer.slice(1) : pointer.slice(1, end));
}

/** `codelists.schema.json#/$defs/country/enum` → `country`. */
function defName(schemaPath: string, fileName: string): string | undefined {
  const m = /([\w.-]+\.schema\.json)?#\/\$defs\/([^/]+)\//.exec(schemaPath);
  if (!m) return undefined;
  if (m[1] !== undefined && !m[1].endsWith(fileName)) return undefined;
  return m[2];
}

function anyDefName(schemaPath: string): string | undefined {
  return /#\/\$defs\/([^/]+)\//.exec(schemaPath)?.[1];
}

type SchemaNode = Record<string, unknown>;

function numberOf(schema: SchemaNode | undefined, keyword: string): number | undefined {
  const v = schema?.[keyword];
  return typeof v === 'number' ? v : undefined;
}

/** The condition of an `if` schema in words, when it is the simple form `{ properties: { f: { const } } }`. */
function describeCondition(ifSchema: unknown): { field: string; value: unknown } | undefined {
  if (!ifSchema || typeof ifSchema !== 'object') return undefined;
  const props = (ifSchema as SchemaNode).properties as Record<string, SchemaNode> | undefined;
  if (!props) return undefined;
  for (const [field, s] of Object.entries(props)) {
    if (s && typeof s === 'object' && 'const' in s) return { field, value: s.const };
    if (s && typeof s === 'object' && Array.isArray(s.enum) && s.enum.length === 1)
      return { field, value: s.enum[0] };
  }
  return undefined;
}

/** The fields of `anyOf: [{ required: [a] }, { required: [b] }]`, when every branch is such a branch. */
function requiredAlternatives(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const fields: string[] = [];
  for (const b of branches) {
    const req = (b as SchemaNode | undefined)?.required;
    if (!Array.isArray(req) || req.length !== 1) return undefined;
    fields.push(String(req[0]));
  }
  return fields;
}

function frenchRule(error: ErrorObject): string | undefined {
  const copy = { ...error };
  try {
    localizeFr([copy]);
    return copy.message;
  } catch {
    return undefined;
  }
}

/**
 * Maps ajv errors (validated with `allErrors` and `verbose`) onto findings, per docs/issue-codes.md:
 * a missing property is reported at its own pointer, an unknown property at the extra property's pointer,
 * the wrapper errors of `if` are dropped, the branch errors of a failed `anyOf`/`oneOf` fold into it, a
 * wrong type hides the other complaints about the same value, and each (code, path) appears once.
 */
export function findingsFromAjv(errors: readonly ErrorObject[] | null | undefined): Finding[] {
  if (!errors || errors.length === 0) return [];
  // Branches of failed anyOf/oneOf: their errors are noise once the combinator itself is reported.
  const foldedPrefixes: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') foldedPrefixes.push(`${e.schemaPath}/`);
  }
  const typePaths = new Set<string>();
  for (const e of errors) if (e.keyword === 'type') typePaths.add(e.instancePath);

  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    if (foldedPrefixes.some((p) => e.schemaPath.startsWith(p))) continue;
    const finding = toFinding(e, errors);
    if (!finding) continue;
    if (subsumedByType.has(finding.code) && typePaths.has(finding.path)) continue;
    const id = `${finding.code} ${finding.path}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(finding);
  }
  return out;
}

function toFinding(e: ErrorObject, all: readonly ErrorObject[]): Finding | undefined {
  const params = e.params as Record<string, unknown>;
  const parent = e.parentSchema as SchemaNode | undefined;
  const code = keywordCodes[e.keyword] ?? 'RMDX_VAL_INVALID';
  switch (e.keyword) {
    case 'required':
    case 'dependentRequired': {
      const missing = String(params.missingProperty);
      const path = `${e.instancePath}/${escapePointer(missing)}`;
      const detail: IssueDetail = { field: fieldName(path) };
      if (e.schemaPath.endsWith('/then/required')) {
        const ifPath = e.schemaPath.slice(0, -'/then/required'.length) + '/if';
        const ifError = all.find((x) => x.keyword === 'if' && x.schemaPath === ifPath);
        const condition = describeCondition((ifError?.parentSchema as SchemaNode | undefined)?.if);
        if (condition) detail.condition = condition;
      }
      return { code, path, detail };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const extra = String(params.additionalProperty ?? params.unevaluatedProperty);
      const path = `${e.instancePath}/${escapePointer(extra)}`;
      const detail: IssueDetail = { field: fieldName(path) };
      const props = parent?.properties as Record<string, unknown> | undefined;
      if (props) {
        const s = closest(extra, Object.keys(props));
        if (s) detail.suggestion = s;
      }
      return { code, path, detail };
    }
    case 'type': {
      const t = params.type;
      const types = Array.isArray(t) ? t.map(String) : String(t).split(',');
      return {
        code,
        path: e.instancePath,
        detail: { field: fieldName(e.instancePath), value: e.data, types },
      };
    }
    case 'enum':
    case 'const': {
      const allowed =
        e.keyword === 'enum' ? ((params.allowedValues as unknown[]) ?? []) : [params.allowedValue];
      const detail: IssueDetail = { field: fieldName(e.instancePath), value: e.data, allowed };
      const codelist = defName(e.schemaPath, 'codelists.schema.json');
      if (codelist) detail.codelist = codelist;
      if (typeof e.data === 'string') {
        const alias = codeAliases[e.data.trim().toLowerCase()];
        const s =
          alias && allowed.includes(alias)
            ? alias
            : closest(
                e.data,
                allowed.filter((a): a is string => typeof a === 'string'),
              );
        if (s && s !== e.data) detail.suggestion = s;
      }
      return { code, path: e.instancePath, detail };
    }
    case 'format':
      return {
        code,
        path: e.instancePath,
        detail: { field: fieldName(e.instancePath), value: e.data, format: String(params.format) },
      };
    case 'pattern': {
      const detail: IssueDetail = {
        field: fieldName(e.instancePath),
        value: e.data,
        pattern: String(params.pattern),
      };
      const name = anyDefName(e.schemaPath);
      if (name) detail.patternName = name;
      return { code, path: e.instancePath, detail };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const detail: IssueDetail = { field: fieldName(e.instancePath), value: e.data };
      const exMin = numberOf(parent, 'exclusiveMinimum');
      const min = numberOf(parent, 'minimum');
      const exMax = numberOf(parent, 'exclusiveMaximum');
      const max = numberOf(parent, 'maximum');
      if (exMin !== undefined && (min === undefined || exMin >= min)) {
        detail.min = exMin;
        detail.exclusiveMin = true;
      } else if (min !== undefined) detail.min = min;
      if (exMax !== undefined && (max === undefined || exMax <= max)) {
        detail.max = exMax;
        detail.exclusiveMax = true;
      } else if (max !== undefined) detail.max = max;
      return { code, path: e.instancePath, detail };
    }
    case 'multipleOf':
      return {
        code,
        path: e.instancePath,
        detail: { field: fieldName(e.instancePath), value: e.data, multipleOf: Number(params.multipleOf) },
      };
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const counted = e.keyword.endsWith('Length')
        ? 'characters'
        : e.keyword.endsWith('Items')
          ? 'items'
          : 'fields';
      const detail: IssueDetail = {
        field: fieldName(e.instancePath),
        limit: Number(params.limit),
        limitSide: e.keyword.startsWith('min') ? 'min' : 'max',
        counted,
      };
      const d = e.data;
      if (typeof d === 'string') detail.actual = [...d].length;
      else if (Array.isArray(d)) detail.actual = d.length;
      else if (d && typeof d === 'object') detail.actual = Object.keys(d).length;
      return { code, path: e.instancePath, detail };
    }
    case 'uniqueItems':
      return {
        code,
        path: e.instancePath,
        detail: {
          field: fieldName(e.instancePath),
          items: [Number(params.j), Number(params.i)] as const,
        },
      };
    default: {
      const detail: IssueDetail = { field: fieldName(e.instancePath), rule: e.message ?? e.keyword };
      if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
        const fields = requiredAlternatives(parent?.[e.keyword]);
        if (fields) {
          detail.oneOfFields = fields;
          detail.oneOfMode = e.keyword;
        }
      }
      const ruleFr = frenchRule(e);
      if (ruleFr) detail.ruleFr = ruleFr;
      return { code: 'RMDX_VAL_INVALID', path: e.instancePath, detail };
    }
  }
}
