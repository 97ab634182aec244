import { escapePointer } from './ajv-issues.js';
import { compareSemver, listVersionDirs, readVersionDocuments } from './registry.js';

/**
 * The compatibility rule of the standard (standard-v1 "Versions"): a minor or patch version may only add
 * optional fields and codes. This compares two versions schema by schema, keyword by keyword, and names
 * every change that does more: a removed schema, field, definition or code, a changed type, a new
 * required field, a tightened, loosened or changed constraint. Annotations (title, description,
 * examples, $comment, default, …) may change freely; so may the version number inside `$id`s and `$ref`s.
 * A major version may break anything (it ships an upgrade function instead); it is not checked.
 */

export type ViolationKind =
  | 'removed-schema'
  | 'removed-property'
  | 'removed-definition'
  | 'removed-code'
  | 'changed-type'
  | 'added-required'
  | 'tightened-constraint'
  | 'loosened-constraint'
  | 'changed-rule';

export interface CompatViolation {
  kind: ViolationKind;
  /** The schema file, e.g. `export.schema.json`. */
  schema: string;
  /** JSON Pointer into the (older) schema where the change is. */
  pointer: string;
  message: string;
}

export interface CompatResult {
  from: string;
  to: string;
  bump: 'major' | 'minor' | 'patch' | 'none';
  /** False for a major bump (anything may change) or when there is no predecessor. */
  checked: boolean;
  violations: CompatViolation[];
  /** What the new version adds (informational): optional fields, codes, definitions, schemas. */
  additions: string[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** Keywords that carry no validation meaning. */
const annotations = new Set([
  'title',
  'description',
  '$comment',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$id',
  '$anchor',
  'contentMediaType',
  'contentEncoding',
]);

/** Lower bounds: raising one tightens. */
const lowerBounds = new Set([
  'minimum',
  'exclusiveMinimum',
  'minLength',
  'minItems',
  'minProperties',
  'minContains',
]);
/** Upper bounds: lowering one tightens. */
const upperBounds = new Set([
  'maximum',
  'exclusiveMaximum',
  'maxLength',
  'maxItems',
  'maxProperties',
  'maxContains',
]);
/** Keywords whose value is one subschema. */
const subschemaKeywords = new Set([
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
]);
/** Keywords whose value is a list of subschemas. */
const subschemaListKeywords = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

function isObj(v: Json | undefined): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Replaces the old version string in every string of a schema (in `$id`, `$ref`, `const`). */
function withVersion(value: Json, from: string, to: string): Json {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => withVersion(v, from, to));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[k] = withVersion(v, from, to);
    return out;
  }
  return value;
}

function show(v: Json | undefined): string {
  return JSON.stringify(v);
}

function typesOf(v: Json | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map(String).sort();
  return [];
}

class Comparer {
  readonly violations: CompatViolation[] = [];
  readonly additions: string[] = [];
  constructor(private schema: string) {}

  setSchema(name: string) {
    this.schema = name;
  }

  private flag(kind: ViolationKind, pointer: string, message: string) {
    this.violations.push({ kind, schema: this.schema, pointer: pointer || '/', message });
  }

  private add(pointer: string, what: string) {
    this.additions.push(`${this.schema} ${pointer || '/'}: ${what}`);
  }

  compare(a: Json | undefined, b: Json | undefined, ptr: string): void {
    if (typeof a === 'boolean' || typeof b === 'boolean' || !isObj(a) || !isObj(b)) {
      if (!deepEqual(a, b))
        this.flag('changed-rule', ptr, `the schema changes from ${show(a)} to ${show(b)}`);
      return;
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    // `const` turned into an `enum` that still has the old value: codes were added.
    if (
      'const' in a &&
      !('const' in b) &&
      Array.isArray(b.enum) &&
      b.enum.some((x) => deepEqual(x, a.const))
    ) {
      const added = b.enum.filter((x) => !deepEqual(x, a.const));
      if (added.length) this.add(ptr, `adds code(s) ${added.map(show).join(', ')}`);
      keys.delete('const');
      keys.delete('enum');
    }
    for (const k of keys) {
      if (annotations.has(k) || k.startsWith('x-')) continue;
      const p = `${ptr}/${escapePointer(k)}`;
      const av = a[k];
      const bv = b[k];
      if (k === 'properties' || k === '$defs' || k === 'patternProperties' || k === 'dependentSchemas') {
        this.compareMembers(k, isObj(av) ? av : {}, isObj(bv) ? bv : {}, p, b);
      } else if (k === 'required') {
        this.compareRequired(Array.isArray(av) ? av : [], Array.isArray(bv) ? bv : [], ptr);
      } else if (k === 'enum') {
        this.compareEnum(av, bv, p);
      } else if (k === 'type') {
        const ta = typesOf(av);
        const tb = typesOf(bv);
        if (!deepEqual(ta, tb)) {
          this.flag(
            'changed-type',
            p,
            `the type changes from ${ta.join('|') || 'any'} to ${tb.join('|') || 'any'}`,
          );
        }
      } else if (lowerBounds.has(k) || upperBounds.has(k)) {
        this.compareBound(k, av, bv, p);
      } else if (subschemaKeywords.has(k)) {
        if (av === undefined) this.flag('tightened-constraint', p, `adds the rule ${k}: ${show(bv)}`);
        else if (bv === undefined) this.flag('loosened-constraint', p, `removes the rule ${k}`);
        else this.compare(av, bv, p);
      } else if (subschemaListKeywords.has(k)) {
        const la = Array.isArray(av) ? av : [];
        const lb = Array.isArray(bv) ? bv : [];
        if (la.length !== lb.length) {
          this.flag('changed-rule', p, `${k} changes from ${la.length} to ${lb.length} subschema(s)`);
        } else la.forEach((x, i) => this.compare(x, lb[i], `${p}/${i}`));
      } else if (!deepEqual(av, bv)) {
        if (av === undefined) this.flag('tightened-constraint', p, `adds the rule ${k}: ${show(bv)}`);
        else if (bv === undefined) this.flag('loosened-constraint', p, `removes the rule ${k}: ${show(av)}`);
        else this.flag('changed-rule', p, `${k} changes from ${show(av)} to ${show(bv)}`);
      }
    }
  }

  private compareMembers(keyword: string, a: Obj, b: Obj, ptr: string, newParent: Obj) {
    const required = new Set(Array.isArray(newParent.required) ? newParent.required.map(String) : []);
    for (const name of Object.keys(a)) {
      const p = `${ptr}/${escapePointer(name)}`;
      if (!(name in b)) {
        if (keyword === 'properties') this.flag('removed-property', p, `removes the field "${name}"`);
        else if (keyword === '$defs') this.flag('removed-definition', p, `removes the definition "${name}"`);
        else this.flag('loosened-constraint', p, `removes ${keyword} "${name}"`);
      } else this.compare(a[name], b[name], p);
    }
    for (const name of Object.keys(b)) {
      if (name in a) continue;
      const p = `${ptr}/${escapePointer(name)}`;
      if (keyword === 'properties')
        this.add(p, `adds the ${required.has(name) ? 'required' : 'optional'} field "${name}"`);
      else if (keyword === '$defs') this.add(p, `adds the definition "${name}"`);
      else this.flag('tightened-constraint', p, `adds ${keyword} "${name}"`);
    }
  }

  private compareRequired(a: Json[], b: Json[], ptr: string) {
    const sa = new Set(a.map(String));
    const sb = new Set(b.map(String));
    for (const name of sb) {
      if (!sa.has(name)) this.flag('added-required', `${ptr}/required`, `makes the field "${name}" required`);
    }
    for (const name of sa) {
      if (!sb.has(name))
        this.flag('loosened-constraint', `${ptr}/required`, `makes the field "${name}" optional`);
    }
  }

  private compareEnum(av: Json | undefined, bv: Json | undefined, p: string) {
    if (!Array.isArray(av) || !Array.isArray(bv)) {
      if (av === undefined) this.flag('tightened-constraint', p, `adds a list of allowed codes`);
      else if (bv === undefined) this.flag('loosened-constraint', p, `removes the list of allowed codes`);
      else if (!deepEqual(av, bv))
        this.flag('changed-rule', p, `enum changes from ${show(av)} to ${show(bv)}`);
      return;
    }
    const removed = av.filter((x) => !bv.some((y) => deepEqual(x, y)));
    const added = bv.filter((y) => !av.some((x) => deepEqual(x, y)));
    if (removed.length) this.flag('removed-code', p, `removes the code(s) ${removed.map(show).join(', ')}`);
    if (added.length) this.add(p, `adds the code(s) ${added.map(show).join(', ')}`);
  }

  private compareBound(k: string, av: Json | undefined, bv: Json | undefined, p: string) {
    if (av === bv) return;
    const lower = lowerBounds.has(k);
    if (typeof av !== 'number') {
      this.flag('tightened-constraint', p, `adds ${k} ${show(bv)}`);
      return;
    }
    if (typeof bv !== 'number') {
      this.flag('loosened-constraint', p, `removes ${k} ${show(av)}`);
      return;
    }
    const tighter = lower ? bv > av : bv < av;
    this.flag(
      tighter ? 'tightened-constraint' : 'loosened-constraint',
      p,
      `${tighter ? 'tightens' : 'loosens'} ${k} from ${av} to ${bv}`,
    );
  }
}

export function bumpOf(from: string, to: string): CompatResult['bump'] {
  const [a, b] = [from.split('.').map(Number), to.split('.').map(Number)];
  if (a[0] !== b[0]) return 'major';
  if (a[1] !== b[1]) return 'minor';
  if (a[2] !== b[2]) return 'patch';
  return 'none';
}

/**
 * Compares the schema documents of two versions (file name → parsed schema).
 * For a major bump nothing is checked (`checked: false`).
 */
export function compareVersions(
  from: string,
  oldDocs: ReadonlyMap<string, unknown>,
  to: string,
  newDocs: ReadonlyMap<string, unknown>,
): CompatResult {
  const bump = bumpOf(from, to);
  const result: CompatResult = { from, to, bump, checked: bump !== 'major', violations: [], additions: [] };
  if (bump === 'major') return result;
  const cmp = new Comparer('');
  for (const [name, oldSchema] of oldDocs) {
    cmp.setSchema(name);
    const newSchema = newDocs.get(name);
    if (newSchema === undefined) {
      result.violations.push({
        kind: 'removed-schema',
        schema: name,
        pointer: '/',
        message: `removes the schema ${name}`,
      });
      continue;
    }
    cmp.compare(withVersion(oldSchema as Json, from, to), newSchema as Json, '');
  }
  for (const name of newDocs.keys()) if (!oldDocs.has(name)) result.additions.push(`${name}: a new schema`);
  result.violations.push(...cmp.violations);
  result.additions.push(...cmp.additions);
  return result;
}

/**
 * Checks `version` (default: the latest) of the schemas under `dir` against its predecessor.
 * Throws when the version does not exist.
 */
export function checkVersion(dir: string, version?: string): CompatResult {
  const versions = listVersionDirs(dir);
  const to = version ?? versions[versions.length - 1];
  if (to === undefined || !versions.includes(to)) {
    throw new Error(`No version ${version ?? ''} under ${dir}; published: ${versions.join(', ') || 'none'}`);
  }
  const older = versions.filter((v) => compareSemver(v, to) < 0);
  const from = older[older.length - 1];
  if (from === undefined)
    return { from: '', to, bump: 'none', checked: false, violations: [], additions: [] };
  const docs = (v: string) =>
    new Map(readVersionDocuments(dir, v).map((d) => [d.fileName, d.schema as unknown]));
  return compareVersions(from, docs(from), to, docs(to));
}
