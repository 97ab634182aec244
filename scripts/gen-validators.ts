/**
 * Generates the compiled validators of every published version of the standard as ajv standalone code:
 * `src/standard/generated/validators.ts` (committed; a test fails when it is stale). `rmdx validate`
 * loads them instead of compiling the schemas at start (about 110 ms of each run saved); they are the
 * very functions ajv compiles at run time (same options, same schemas, same order), written out.
 * Each version carries the sha256 of its schema files: a registry uses the generated functions only
 * when the files it reads are the ones they were generated from, and compiles them otherwise.
 *
 *   npm run gen:validators            write the file
 *   npm run gen:validators -- --check exit 1 when the committed file differs from a fresh generation
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import standaloneCode from 'ajv/dist/standalone/index.js';

import {
  createStandardAjv,
  defaultSchemasDir,
  envelopeOf,
  listVersionDirs,
  readVersionDocuments,
  versionSourceHash,
} from '../src/standard/registry.js';

export const validatorsFile = fileURLToPath(
  new URL('../src/standard/generated/validators.ts', import.meta.url),
);

const banner = `// @ts-nocheck
/* eslint-disable */
/**
 * The compiled validators of the regional data standard, generated from schemas/ by
 * scripts/gen-validators.ts (ajv standalone code, the same options as src/standard/registry.ts).
 * Do not edit: run \`npm run gen:validators\`.
 */
import { createRequire } from 'node:module';

import type { PrecompiledStandard } from '../registry.js';
`;

/** The generated module, as the committed file should read. */
export function generateValidators(dir: string = defaultSchemasDir): string {
  const ajv = createStandardAjv({ code: { source: true } });
  const versions = listVersionDirs(dir);
  const refs: Record<string, string> = {};
  const meta: Record<string, { hash: string; documents: string[] }> = {};
  // The same additions, in the same order, as loadRegistry: every document of every version first,
  // then each version compiled in turn (dependency order does not change the generated code).
  const docsByVersion = versions.map((version) => readVersionDocuments(dir, version));
  for (const docs of docsByVersion) for (const doc of docs) ajv.addSchema(doc.schema as object, doc.id);
  versions.forEach((version, i) => {
    const docs = docsByVersion[i]!;
    meta[version] = { hash: versionSourceHash(docs), documents: docs.map((d) => d.fileName) };
    for (const doc of docs) refs[`${version}/${doc.fileName}`] = doc.id;
    const batch = docs.find((d) => d.fileName === 'batch.schema.json');
    if (!batch) throw new Error(`Version ${version} has no batch.schema.json`);
    const envelope = envelopeOf(batch);
    ajv.addSchema(envelope);
    refs[`${version}/envelope`] = envelope.$id as string;
  });
  const code = standaloneCode.default(ajv, refs);
  const versionsCode = versions
    .map((version) => {
      const m = meta[version]!;
      const fns = m.documents
        .map((f) => `      ${JSON.stringify(f)}: validators[${JSON.stringify(`${version}/${f}`)}],`)
        .join('\n');
      return [
        `  ${JSON.stringify(version)}: {`,
        `    sourceHash: ${JSON.stringify(m.hash)},`,
        `    validators: {`,
        fns,
        `    },`,
        `    envelope: validators[${JSON.stringify(`${version}/envelope`)}],`,
        `  },`,
      ].join('\n');
    })
    .join('\n');
  return `${banner}
const validators = {};
(function (require, exports) {
${code}
})(createRequire(import.meta.url), validators);

export const precompiled: PrecompiledStandard = {
${versionsCode}
};
`;
}

async function main() {
  const check = process.argv.includes('--check');
  const fresh = generateValidators();
  const rel = path.relative(process.cwd(), validatorsFile);
  if (check) {
    let current = '';
    try {
      current = readFileSync(validatorsFile, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current !== fresh) {
      console.error(`${rel} is stale: run npm run gen:validators`);
      process.exitCode = 1;
    }
    return;
  }
  mkdirSync(path.dirname(validatorsFile), { recursive: true });
  writeFileSync(validatorsFile, fresh);
  console.log(`wrote ${rel} (${(fresh.length / 1024).toFixed(0)} KB)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
