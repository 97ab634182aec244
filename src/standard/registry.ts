import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createRequire } from 'node:module';

import type { Ajv2020, AnySchemaObject, Options, ValidateFunction } from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';

import { isRecordType, type RecordType } from './record-types.js';

/**
 * ajv itself is loaded on first use: a registry made from the generated validators never compiles, and
 * `rmdx validate` starts ~40 ms sooner without it (its validators need only ajv's small runtime helpers).
 */
const require = createRequire(import.meta.url);
let ajvModules: { Ajv2020: typeof Ajv2020; addFormats: typeof addFormatsModule.default } | undefined;
function loadAjv() {
  ajvModules ??= {
    Ajv2020: (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).Ajv2020,
    addFormats: (require('ajv-formats') as typeof addFormatsModule).default,
  };
  return ajvModules;
}

/** `schemas/` at the root of the package, from `src/standard/` and from `dist/standard/` alike. */
export const defaultSchemasDir = fileURLToPath(new URL('../../schemas/', import.meta.url));

const semverRe = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** The file name of the internal envelope schema (never served, never written to disk). */
const envelopeFileName = 'batch-envelope.internal.schema.json';

/** One published schema file. */
export interface SchemaDocument {
  version: string;
  /** File name, e.g. `export.schema.json`. */
  fileName: string;
  /** The name without `.schema.json`, e.g. `export`. */
  name: string;
  /** The schema's `$id` (absolute URL). */
  id: string;
  /** The path part of `$id`, where the hub serves it: `/schemas/1.0.0/export.schema.json`. */
  path: string;
  /** The parsed schema (frozen: shared by every reader). */
  schema: Readonly<AnySchemaObject>;
  /** The file exactly as published, served byte for byte. */
  text: string;
  /** Strong ETag of `text`. */
  etag: string;
}

/** The codelists the semantic checks read from a version's `codelists.schema.json`. */
export interface VersionCodelists {
  memberState: ReadonlySet<string>;
  certifyingState: ReadonlySet<string>;
  /** Minerals whose exports from a certifying state need a certificate (`designatedMineral`, else `mineral`). */
  designatedMineral: ReadonlySet<string>;
  country: ReadonlySet<string>;
}

/** Everything compiled for one published version. */
export interface StandardVersion {
  version: string;
  /** The documents of the version, by file name order. */
  documents: readonly SchemaDocument[];
  /** The compiled validator of each record type (its `<recordType>.schema.json`). */
  recordValidators: ReadonlyMap<RecordType, ValidateFunction>;
  /**
   * The same validators in a null-prototype object, for the hot loop: `byRecordType[anyString]` is the
   * validator or undefined, with no prototype to trip over.
   */
  byRecordType: Readonly<Record<string, ValidateFunction | undefined>>;
  /** batch.schema.json with `records.items` replaced by `true`: checks the envelope and the array only. */
  envelopeValidator: ValidateFunction;
  /** Every schema of the version compiled as published, by file name (e.g. the full batch validator). */
  validators: ReadonlyMap<string, ValidateFunction>;
  codelists: VersionCodelists;
}

export interface SchemaRegistry {
  /** Published versions, oldest first. */
  readonly versions: readonly string[];
  readonly latest: string;
  has(version: string): boolean;
  /** The compiled version; throws for an unknown one (check `has` first). */
  get(version: string): StandardVersion;
  /** The document served at a path such as `/schemas/1.0.0/export.schema.json`. */
  documentByPath(urlPath: string): SchemaDocument | undefined;
  recordValidator(version: string, recordType: RecordType): ValidateFunction | undefined;
  envelopeValidator(version: string): ValidateFunction;
  /**
   * The one ajv instance every schema is compiled in (with every published schema added). When the
   * registry was loaded from precompiled validators, it is made on first use.
   */
  readonly ajv: Ajv2020;
}

/**
 * Validators generated ahead of time (scripts/gen-validators.ts → src/standard/generated/), by version:
 * each document's validator by file name and the envelope's, with the sha256 of the schema files they
 * were generated from (`versionSourceHash`).
 */
export type PrecompiledStandard = Readonly<
  Record<
    string,
    {
      sourceHash: string;
      validators: Readonly<Record<string, ValidateFunction>>;
      envelope: ValidateFunction;
    }
  >
>;

export interface LoadRegistryOptions {
  /**
   * Use these generated validators for every version whose schema files are exactly those they were
   * generated from (same names, same bytes); compile the others. Saves the compilation at start.
   */
  precompiled?: PrecompiledStandard | undefined;
}

/** Compares two semver strings (`1.10.0` after `1.9.0`). */
export function compareSemver(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function isSemver(value: unknown): value is string {
  return typeof value === 'string' && semverRe.test(value);
}

/**
 * The ajv options every RMDX schema is compiled with. `extra` only for code generation
 * (`{ code: { source: true } }`), which changes what ajv keeps, not what the validators do.
 */
export function createStandardAjv(extra: Pick<Options, 'code'> = {}): Ajv2020 {
  const { Ajv2020, addFormats } = loadAjv();
  const ajv = new Ajv2020({
    ...extra,
    strict: true,
    allErrors: true,
    // The failing value and schema travel with each error, so messages can name the value and the rule.
    verbose: true,
    // Standard JSON Schema only: no coercion, no defaults written into submitted records.
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
  });
  addFormats(ajv);
  return ajv;
}

/** The version folders under `dir`, oldest first (folders not named like a semver are ignored). */
export function listVersionDirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => semverRe.test(name) && statSync(path.join(dir, name)).isDirectory())
    .sort(compareSemver);
}

/** The sha256 (hex) of a version's schema files: their names and bytes, in file name order. */
export function versionSourceHash(docs: readonly SchemaDocument[]): string {
  const h = createHash('sha256');
  for (const d of [...docs].sort((a, b) =>
    a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0,
  )) {
    h.update(`${d.fileName}\u0000${Buffer.byteLength(d.text)}\u0000`);
    h.update(d.text);
  }
  return h.digest('hex');
}

/** Reads the documents of one version folder without compiling them. */
export function readVersionDocuments(dir: string, version: string): SchemaDocument[] {
  const folder = path.join(dir, version);
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.schema.json'))
    .sort();
  return files.map((fileName) => {
    const file = path.join(folder, fileName);
    const text = readFileSync(file, 'utf8');
    let schema: AnySchemaObject;
    try {
      schema = JSON.parse(text) as AnySchemaObject;
    } catch (err) {
      throw new Error(`Schema ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    const id = schema.$id;
    const expectedSuffix = `/schemas/${version}/${fileName}`;
    if (typeof id !== 'string' || !id.endsWith(expectedSuffix)) {
      throw new Error(`Schema ${file} must have a $id ending in ${expectedSuffix} (found ${String(id)})`);
    }
    return {
      version,
      fileName,
      name: fileName.slice(0, -'.schema.json'.length),
      id,
      path: new URL(id).pathname,
      schema: deepFreeze(schema),
      text,
      etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`,
    };
  });
}

/**
 * Loads every published version under `dir` (folders named like `1.0.0`), adds every schema to one
 * ajv 2020 instance by its `$id`, and compiles each once. Throws when a schema does not compile
 * (strict mode): a broken standard must stop start-up, not fail the first submission.
 * With `opts.precompiled`, a version whose files are those the generated validators were made from
 * uses them instead of compiling (same functions, no compilation at start).
 */
export function loadRegistry(
  dir: string = defaultSchemasDir,
  opts: LoadRegistryOptions = {},
): SchemaRegistry {
  const versions = listVersionDirs(dir);
  if (versions.length === 0) throw new Error(`No schema versions found under ${dir}`);

  const docsByVersion = new Map<string, SchemaDocument[]>();
  const byPath = new Map<string, SchemaDocument>();
  for (const version of versions) {
    const docs = readVersionDocuments(dir, version);
    docsByVersion.set(version, docs);
    for (const doc of docs) byPath.set(doc.path, doc);
  }

  let ajv: Ajv2020 | undefined;
  const standardAjv = () => {
    if (!ajv) {
      ajv = createStandardAjv();
      for (const version of versions) {
        // ajv gets an unfrozen copy: the validators it compiles read the schema's values (the codes of
        // an enum) at run time, and V8 reads frozen arrays and objects markedly slower (~45 % on a
        // 200,000-record batch: bench/validate.ts).
        for (const doc of docsByVersion.get(version)!) {
          ajv.addSchema(structuredClone(doc.schema) as AnySchemaObject, doc.id);
        }
      }
    }
    return ajv;
  };

  const compiled = new Map<string, StandardVersion>();
  for (const version of versions) {
    const docs = docsByVersion.get(version)!;
    const pre = precompiledFor(opts.precompiled, version, docs);
    compiled.set(
      version,
      pre ? versionFromPrecompiled(version, docs, pre) : compileVersion(standardAjv(), version, docs),
    );
  }

  return {
    versions,
    latest: versions[versions.length - 1]!,
    get ajv() {
      return standardAjv();
    },
    has: (version) => compiled.has(version),
    get(version) {
      const v = compiled.get(version);
      if (!v) throw new Error(`Unknown schema version ${version}`);
      return v;
    },
    documentByPath: (urlPath) => byPath.get(urlPath),
    recordValidator: (version, recordType) => compiled.get(version)?.recordValidators.get(recordType),
    envelopeValidator(version) {
      const v = compiled.get(version);
      if (!v) throw new Error(`Unknown schema version ${version}`);
      return v.envelopeValidator;
    },
  };
}

/** The generated validators of a version, when they were generated from exactly these documents. */
function precompiledFor(
  pre: PrecompiledStandard | undefined,
  version: string,
  docs: SchemaDocument[],
): PrecompiledStandard[string] | undefined {
  const v = pre?.[version];
  if (!v || v.sourceHash !== versionSourceHash(docs)) return undefined;
  return docs.every((d) => typeof v.validators[d.fileName] === 'function') ? v : undefined;
}

function versionFromPrecompiled(
  version: string,
  docs: SchemaDocument[],
  pre: PrecompiledStandard[string],
): StandardVersion {
  const validators = new Map<string, ValidateFunction>();
  for (const doc of dependencyOrder(docs)) validators.set(doc.fileName, pre.validators[doc.fileName]!);
  return assembleVersion(version, docs, validators, pre.envelope);
}

/**
 * The documents in an order where each comes after the documents it refers to, so that a schema that
 * does not compile is named itself rather than through the first document that refers to it.
 */
function dependencyOrder(docs: SchemaDocument[]): SchemaDocument[] {
  const byFile = new Map(docs.map((d) => [d.fileName, d]));
  const out: SchemaDocument[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (d: SchemaDocument) => {
    if (state.get(d.fileName)) return;
    state.set(d.fileName, 'visiting');
    for (const m of d.text.matchAll(/"\$ref"\s*:\s*"([^"#]+\.schema\.json)/g)) {
      const dep = byFile.get(m[1]!.split('/').pop()!);
      if (dep && dep !== d) visit(dep);
    }
    state.set(d.fileName, 'done');
    out.push(d);
  };
  docs.forEach(visit);
  return out;
}

function compileVersion(ajv: Ajv2020, version: string, docs: SchemaDocument[]): StandardVersion {
  const validators = new Map<string, ValidateFunction>();
  for (const doc of dependencyOrder(docs)) {
    let validate: ValidateFunction | undefined;
    try {
      validate = ajv.getSchema(doc.id);
    } catch (err) {
      throw new Error(`Schema ${doc.id} does not compile: ${(err as Error).message}`, { cause: err });
    }
    if (!validate) throw new Error(`Schema ${doc.id} was not added`);
    validators.set(doc.fileName, validate);
  }

  const batch = docs.find((d) => d.fileName === 'batch.schema.json');
  if (!batch) throw new Error(`Version ${version} has no batch.schema.json`);
  const envelopeValidator = ajv.compile(envelopeOf(batch));
  return assembleVersion(version, docs, validators, envelopeValidator);
}

/** A version from its validators (by file name, in dependency order) and its envelope validator. */
function assembleVersion(
  version: string,
  docs: SchemaDocument[],
  validators: Map<string, ValidateFunction>,
  envelopeValidator: ValidateFunction,
): StandardVersion {
  const recordValidators = new Map<RecordType, ValidateFunction>();
  const byRecordType = Object.create(null) as Record<string, ValidateFunction | undefined>;
  for (const [fileName, validate] of validators) {
    const doc = docs.find((d) => d.fileName === fileName)!;
    const recordType = (doc.schema.properties as Record<string, { const?: unknown }> | undefined)?.recordType
      ?.const;
    if (isRecordType(recordType)) {
      recordValidators.set(recordType, validate);
      byRecordType[recordType] = validate;
    }
  }

  if (!docs.some((d) => d.fileName === 'batch.schema.json')) {
    throw new Error(`Version ${version} has no batch.schema.json`);
  }
  const codelistsDoc = docs.find((d) => d.fileName === 'codelists.schema.json');
  if (!codelistsDoc) throw new Error(`Version ${version} has no codelists.schema.json`);

  return {
    version,
    documents: docs,
    recordValidators,
    byRecordType,
    envelopeValidator,
    validators,
    codelists: readCodelists(codelistsDoc),
  };
}

/**
 * The envelope schema: batch.schema.json with `records.items` replaced by `true`, under an internal `$id`
 * in the same folder so that its relative `$ref`s resolve as in the original.
 */
export function envelopeOf(batch: SchemaDocument): AnySchemaObject {
  const schema = structuredClone(batch.schema) as AnySchemaObject;
  const records = (schema.properties as Record<string, AnySchemaObject> | undefined)?.records;
  if (!records || typeof records !== 'object') {
    throw new Error(`${batch.id} has no properties.records to derive the envelope from`);
  }
  records.items = true;
  delete records.prefixItems;
  delete records.contains;
  delete records.unevaluatedItems;
  schema.$id = new URL(envelopeFileName, batch.id).href;
  return schema;
}

function enumOf(doc: SchemaDocument, name: string): string[] | undefined {
  const defs = doc.schema.$defs as Record<string, { enum?: unknown[] }> | undefined;
  const values = defs?.[name]?.enum;
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : undefined;
}

function readCodelists(doc: SchemaDocument): VersionCodelists {
  const need = (name: string) => {
    const values = enumOf(doc, name);
    if (!values) throw new Error(`${doc.id} has no $defs/${name} enum`);
    return new Set(values);
  };
  return {
    memberState: need('memberState'),
    certifyingState: need('certifyingState'),
    designatedMineral: new Set(enumOf(doc, 'designatedMineral') ?? need('mineral')),
    country: need('country'),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
