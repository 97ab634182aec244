/**
 * `npm run build` step: bundles the console (src/console/ui) with esbuild into dist/console/static,
 * where the compiled server reads it (src/console/assets.ts). Prints what it wrote.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildConsoleBundle } from '../src/console/bundle.js';

const out = fileURLToPath(new URL('../dist/console/static/', import.meta.url));

const started = Date.now();
const bundle = await buildConsoleBundle();
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
for (const f of bundle.files) await writeFile(path.join(out, f.name), f.contents);
await writeFile(path.join(out, 'manifest.json'), JSON.stringify(bundle.manifest, null, 2) + '\n');
const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
for (const f of bundle.files) console.log(`  dist/console/static/${f.name}  ${kb(f.contents.byteLength)}`);
console.log(`console bundle built in ${Date.now() - started} ms`);
