/**
 * Generates the TypeScript types of each published version of the standard from its JSON Schemas:
 * `src/standard/types/v<major>_<minor>_<patch>.ts` (committed; a test fails when it is stale).
 *
 *   npm run gen:types            write the files
 *   npm run gen:types -- --check exit 1 when a committed file differs from a fresh generation
 *
 * `$ref`s are resolved from the local schema files, never from the network.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { compile, type JSONSchema } from 'json-schema-to-typescript';

import { recordTypes } from '../src/standard/record-types.js';
import { defaultSchemasDir, listVersionDirs, readVersionDocuments } from '../src/standard/registry.js';

export const typesDir = fileURLToPath(new URL('../src/standard/types/', import.meta.url));

type Node = Record<string, unknown>;

/** `export` → `ExportRecord`, `batch` → `Batch`, `codelists` → `Codelists`. */
function documentTypeName(name: string): string {
  const pascal = name.charAt(0).toUpperCase() + name.slice(1);
  if (name === 'record') return 'AnyRecord';
  return (recordTypes as readonly string[]).includes(name) ? `${pascal}Record` : pascal;
}

/** Type names of `$defs` entries; some would shadow globals (Date) or read badly. */
const defNames: Record<string, string> = { date: 'IsoDate', timestamp: 'Timestamp', semver: 'SemVer' };

function defTypeName(key: string): string {
  return defNames[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/**
 * Prepares a document for the generator: the document and each `$defs` entry are named by their
 * file or key (not by their bilingual titles), other titles are dropped so that fields are not turned
 * into one named type each, and a `$ref` keeps no siblings, so a field that uses a codelist refers to
 * its named type instead of repeating the codes (the field's own description is not carried over).
 */
function prepare(node: unknown, name?: string): unknown {
  if (Array.isArray(node)) return node.map((n) => prepare(n));
  if (!node || typeof node !== 'object') return node;
  const src = node as Node;
  const out: Node = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'title' || k === 'examples' || k === '$comment') continue;
    if (k === '$defs' && v && typeof v === 'object') {
      const defs: Node = {};
      for (const [dk, dv] of Object.entries(v as Node)) defs[dk] = prepare(dv, defTypeName(dk));
      out[k] = defs;
    } else if (k === 'properties' && v && typeof v === 'object') {
      const props: Node = {};
      for (const [pk, pv] of Object.entries(v as Node)) props[pk] = prepare(pv);
      out[k] = props;
    } else out[k] = prepare(v);
  }
  if (typeof out.$ref === 'string') {
    // Keep the reference only: with siblings (even a description) the generator declares a copy of the
    // target under a numbered name (Identifier9) instead of referring to it.
    return { $ref: out.$ref };
  }
  if (name) out.title = name;
  return out;
}

const banner = (version: string) => `/* eslint-disable */
/**
 * Types of the regional data standard ${version}, generated from schemas/${version}/ by
 * scripts/gen-types.ts (json-schema-to-typescript). Do not edit: run \`npm run gen:types\`.
 */`;

/** The types of one version, as the committed file should read. */
export async function generateTypes(version: string, dir: string = defaultSchemasDir): Promise<string> {
  const docs = readVersionDocuments(dir, version);
  const byId = new Map<string, string>();
  for (const d of docs) byId.set(d.id, JSON.stringify(prepare(d.schema, documentTypeName(d.name))));
  const batch = docs.find((d) => d.name === 'batch');
  if (!batch) throw new Error(`schemas/${version} has no batch.schema.json`);
  const folder = new URL('./', batch.id).href;

  // One root that reaches every document, so each type is declared once in one file.
  const root: JSONSchema = {
    title: `Standard_${version.replace(/\./g, '_')}`,
    description: `Every document of version ${version}, for type generation only.`,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(docs.map((d) => [d.name, { $ref: d.id }])),
  };

  const ts = await compile(root, root.title!, {
    bannerComment: banner(version),
    cwd: folder,
    declareExternallyReferenced: true,
    additionalProperties: false,
    unknownAny: true,
    ignoreMinAndMaxItems: true,
    strictIndexSignatures: true,
    format: true,
    style: { singleQuote: true, printWidth: 110, trailingComma: 'all' },
    $refOptions: {
      resolve: {
        file: false,
        http: false,
        rmdx: {
          order: 1,
          canRead: (file: { url: string }) => byId.has(file.url.split('#')[0]!),
          read: (file: { url: string }) => byId.get(file.url.split('#')[0]!)!,
        },
      },
    } as never,
  });
  return ts;
}

export function typesFile(version: string): string {
  return path.join(typesDir, `v${version.replace(/\./g, '_')}.ts`);
}

async function main() {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const version of listVersionDirs(defaultSchemasDir)) {
    const file = typesFile(version);
    const fresh = await generateTypes(version);
    if (check) {
      let current = '';
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        /* missing counts as stale */
      }
      if (current !== fresh) {
        stale++;
        console.error(`${path.relative(process.cwd(), file)} is stale: run npm run gen:types`);
      }
    } else {
      mkdirSync(typesDir, { recursive: true });
      writeFileSync(file, fresh);
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
  }
  if (stale > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
