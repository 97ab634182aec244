/**
 * A mapping: the manifest (`mapping.json`) and one JSONata expression per source (a file, a sheet
 * or an API resource), versioned together in `connectors/<format>/`. Loading validates the manifest,
 * parses every expression once (a syntax error names the file and position) and compiles it to the
 * fast path where it can.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { Ajv2020 } from 'ajv/dist/2020.js';
import jsonata from 'jsonata';

import { isRecordType, type RecordType } from '../../standard/record-types.js';
import type { JsonSchema } from '../contract.js';
import { compileFast, type FastFunction } from './compile.js';
import { buildCodeTables, codeKey, type CodeTable } from './crosswalks.js';
import { helperNames } from './helpers.js';
import { isOffset, type DateOrder, type DecimalSeparator } from './values.js';

/** A column of the source: its header (or the headers it goes by), and whether a file must have it. */
export interface ColumnSpec {
  header: string | string[];
  /** A file without this column is not mapped at all (RMDX_MAP_MISSING_COLUMN, once per file). */
  required?: boolean;
}

export interface SourceSpec {
  /** Name of the source in reports ("sites", "lots", …). */
  name: string;
  /**
   * Which streams it reads: patterns (`*` and `?`, case-insensitive) on the file name, the sheet name
   * or the API resource name.
   */
  match: string | string[];
  /** The record type(s) the expression produces; a single one is filled in when the output lacks it. */
  recordType: RecordType | RecordType[];
  /** The JSONata file, relative to the manifest. */
  expression: string;
  /**
   * Column crosswalk: the name the expression uses → the source header(s). Headers match ignoring
   * case, accents and punctuation; columns not listed keep their header as name.
   */
  columns?: Record<string, string | string[] | ColumnSpec>;
}

export interface MappingOptions {
  /** The decimal separator of the source's numbers. @defaultValue "auto" (refuses ambiguous ones) */
  decimalSeparator?: DecimalSeparator;
  /** Order of day and month in slashed dates. @defaultValue "dmy" */
  dateOrder?: DateOrder;
  /** Offset of the source's wall-clock times, e.g. "+02:00". @defaultValue "Z" */
  timezone?: string;
  /** Cell texts that mean "no value" besides the empty cell, e.g. "-", "n/a", "néant". */
  nullValues?: string[];
}

export interface MappingManifest {
  name: string;
  /** Semantic version of the mapping; a changed expression is a new version. */
  version: string;
  /** The format of the national source. */
  format: 'csv' | 'xlsx' | 'json';
  /** The version of the standard the mapping produces. */
  standardVersion: string;
  description?: string;
  options?: MappingOptions;
  /** Extra code crosswalks: list name → { source word → standard code }; extends the built-in lists. */
  crosswalks?: Record<string, Record<string, string>>;
  /** Streams that hold no data (a "Lisez-moi" sheet): patterns, skipped without an issue. */
  ignore?: string[];
  sources: SourceSpec[];
}

/** JSON Schema of mapping.json. */
export const manifestSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://rmdx.icglr.org/schemas/connectors/mapping-manifest.schema.json',
  title: 'RMDX connector mapping manifest',
  type: 'object',
  required: ['name', 'version', 'format', 'standardVersion', 'sources'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
    version: { type: 'string', pattern: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$' },
    format: { enum: ['csv', 'xlsx', 'json'] },
    standardVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
    description: { type: 'string' },
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        decimalSeparator: { enum: [',', '.', 'auto'] },
        dateOrder: { enum: ['dmy', 'mdy'] },
        timezone: { type: 'string' },
        nullValues: { type: 'array', items: { type: 'string' } },
      },
    },
    crosswalks: {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
    },
    ignore: { type: 'array', items: { type: 'string', minLength: 1 } },
    sources: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'match', 'recordType', 'expression'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          match: {
            oneOf: [
              { type: 'string', minLength: 1 },
              { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
            ],
          },
          recordType: {
            oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }],
          },
          expression: { type: 'string', pattern: '\\.jsonata$' },
          columns: {
            type: 'object',
            additionalProperties: {
              oneOf: [
                { type: 'string', minLength: 1 },
                { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
                {
                  type: 'object',
                  required: ['header'],
                  additionalProperties: false,
                  properties: {
                    header: {
                      oneOf: [
                        { type: 'string', minLength: 1 },
                        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
                      ],
                    },
                    required: { type: 'boolean' },
                  },
                },
              ],
            },
          },
        },
      },
    },
  },
};

/** A column of the crosswalk, resolved. */
export interface ColumnDef {
  field: string;
  /** codeKey of each accepted header. */
  keys: string[];
  headers: string[];
  required: boolean;
}

/** A source, ready to run. */
export interface CompiledSource {
  spec: SourceSpec;
  recordTypes: RecordType[];
  patterns: RegExp[];
  columns: ColumnDef[] | null;
  expression: jsonata.Expression;
  /** The synchronous fast path, or null when the expression is outside its subset. */
  fast: FastFunction | null;
  /** Why there is no fast path. */
  fastUnsupported?: string;
}

/** A loaded mapping. */
export interface Mapping {
  manifest: MappingManifest;
  /** "name@version". */
  id: string;
  /** sha256 of the manifest and every expression: which exact mapping made a batch. */
  digest: string;
  sources: CompiledSource[];
  ignore: RegExp[];
  codeTables: Map<string, CodeTable>;
  options: Required<Omit<MappingOptions, 'nullValues'>> & { nullValues: Set<string> };
}

export class MappingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MappingError';
  }
}

/** A glob (`*`, `?`) as a case-insensitive regular expression on the whole name. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

let validateManifest: ReturnType<Ajv2020['compile']> | undefined;

function checkManifest(manifest: unknown, where: string): MappingManifest {
  validateManifest ??= new Ajv2020({ allErrors: true, strict: false }).compile(manifestSchema);
  if (!validateManifest(manifest)) {
    const errors = (validateManifest.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
      .join('; ');
    throw new MappingError(`${where}: the manifest is not valid: ${errors}`);
  }
  const m = manifest as MappingManifest;
  for (const s of m.sources) {
    for (const t of Array.isArray(s.recordType) ? s.recordType : [s.recordType]) {
      if (!isRecordType(t))
        throw new MappingError(`${where}: source "${s.name}" has unknown recordType "${t}"`);
    }
  }
  const tz = m.options?.timezone;
  if (tz !== undefined && !isOffset(tz)) {
    throw new MappingError(
      `${where}: options.timezone must be "Z" or an offset such as "+02:00", not "${tz}"`,
    );
  }
  return m;
}

function columnDefs(columns: SourceSpec['columns']): ColumnDef[] | null {
  if (!columns) return null;
  return Object.entries(columns).map(([field, spec]) => {
    const s: ColumnSpec = typeof spec === 'string' || Array.isArray(spec) ? { header: spec } : spec;
    const headers = Array.isArray(s.header) ? s.header : [s.header];
    return { field, headers, keys: headers.map(codeKey), required: s.required ?? false };
  });
}

/**
 * Builds a mapping from a manifest and its expressions' texts (by file name). Used by `loadMapping`
 * and by tests; phase B may also keep mappings in the database and build them here.
 */
export function defineMapping(
  manifest: unknown,
  expressions: Record<string, string>,
  where = 'mapping',
): Mapping {
  const m = checkManifest(manifest, where);
  const hash = createHash('sha256').update(JSON.stringify(m));
  const sources = m.sources.map((spec): CompiledSource => {
    const text = expressions[spec.expression];
    if (text === undefined) throw new MappingError(`${where}: missing expression file ${spec.expression}`);
    hash.update(`\0${spec.expression}\0${text}`);
    let expression: jsonata.Expression;
    try {
      expression = jsonata(text);
    } catch (err) {
      const e = err as { message?: string; position?: number; code?: string };
      throw new MappingError(
        `${where}: ${spec.expression}: JSONata syntax error ${e.code ?? ''} at position ${e.position ?? '?'}: ${e.message ?? String(err)}`,
        { cause: err },
      );
    }
    const fast = compileFast(expression.ast(), helperNames);
    return {
      spec,
      recordTypes: (Array.isArray(spec.recordType) ? spec.recordType : [spec.recordType]) as RecordType[],
      patterns: (Array.isArray(spec.match) ? spec.match : [spec.match]).map(globToRegExp),
      columns: columnDefs(spec.columns),
      expression,
      fast: 'fn' in fast ? fast.fn : null,
      ...('unsupported' in fast && { fastUnsupported: fast.unsupported }),
    };
  });
  return {
    manifest: m,
    id: `${m.name}@${m.version}`,
    digest: hash.digest('hex'),
    sources,
    ignore: (m.ignore ?? []).map(globToRegExp),
    codeTables: buildCodeTables(m.crosswalks),
    options: {
      decimalSeparator: m.options?.decimalSeparator ?? 'auto',
      dateOrder: m.options?.dateOrder ?? 'dmy',
      timezone: m.options?.timezone ?? 'Z',
      nullValues: new Set((m.options?.nullValues ?? []).map((v) => v.trim().toLowerCase())),
    },
  };
}

/** Loads `<dir>/mapping.json` and the expression files it names. */
export async function loadMapping(dir: string): Promise<Mapping> {
  const manifestPath = path.join(dir, 'mapping.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (err) {
    throw new MappingError(`${manifestPath}: ${(err as Error).message}`, { cause: err });
  }
  const expressions: Record<string, string> = {};
  const sources = (manifest as { sources?: { expression?: unknown }[] })?.sources;
  for (const s of Array.isArray(sources) ? sources : []) {
    if (typeof s.expression !== 'string' || s.expression in expressions) continue;
    const file = path.resolve(dir, s.expression);
    if (path.dirname(file) !== path.resolve(dir)) {
      throw new MappingError(`${manifestPath}: expression ${s.expression} must sit beside the manifest`);
    }
    expressions[s.expression] = await readFile(file, 'utf8');
  }
  return defineMapping(manifest, expressions, manifestPath);
}
