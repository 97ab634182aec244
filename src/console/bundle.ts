import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';
import { feature } from 'topojson-client';
import type { GeometryObject, Topology } from 'topojson-specification';

import { mapSize, project, regionView } from './ui/map/projection.js';

/**
 * Builds the console's browser bundle with esbuild: `npm run build` writes it to dist/console/static,
 * and a server running from sources (tests, `npm run dev`, `npm run demo`) builds it in memory on
 * first use. Everything the pages need — Preact, Chart.js, the map outlines — is in the bundle.
 */

const uiDir = fileURLToPath(new URL('./ui/', import.meta.url));
const require = createRequire(import.meta.url);

/** ISO 3166-1 numeric (Natural Earth's ids in world-atlas) → alpha-2, for the twelve member states. */
const memberStates: Record<string, string> = {
  '024': 'AO',
  '108': 'BI',
  '140': 'CF',
  '178': 'CG',
  '180': 'CD',
  '404': 'KE',
  '646': 'RW',
  '728': 'SS',
  '729': 'SD',
  '800': 'UG',
  '834': 'TZ',
  '894': 'ZM',
};

type Ring = number[][];

function ringPath(ring: Ring): string {
  let d = '';
  let last = '';
  for (const [lon, lat] of ring) {
    const [x, y] = project(regionView, lon!, lat!);
    const p = `${x.toFixed(1)},${y.toFixed(1)}`;
    if (p === last) continue;
    d += (d === '' ? 'M' : 'L') + p;
    last = p;
  }
  return d + 'Z';
}

function inView(rings: Ring[]): boolean {
  const v = regionView;
  return rings.some((r) =>
    r.some(
      ([lon, lat]) =>
        lon! >= v.lonMin - 2 && lon! <= v.lonMax + 2 && lat! >= v.latMin - 2 && lat! <= v.latMax + 2,
    ),
  );
}

/**
 * The region's country outlines from Natural Earth 1:50m (the world-atlas package), projected once
 * at build time into SVG path data: only the countries that show in the map's frame are kept.
 */
export async function regionMapModule(): Promise<string> {
  const file = require.resolve('world-atlas/countries-50m.json');
  const topology = JSON.parse(await readFile(file, 'utf8')) as Topology;
  const fc = feature(topology, topology.objects.countries as GeometryObject) as unknown as {
    features: {
      id: string;
      properties: { name: string };
      geometry: { type: string; coordinates: unknown } | null;
    }[];
  };
  const countries: { code: string | null; name: string; d: string }[] = [];
  for (const f of fc.features) {
    if (!f.geometry) continue;
    const polygons = (
      f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
    ) as Ring[][];
    // Only the polygons in the frame (France's Mayotte and Réunion, not France).
    const rings = polygons.filter(inView).flat();
    if (rings.length === 0) continue;
    countries.push({
      code: memberStates[f.id] ?? null,
      name: f.properties.name,
      d: rings.map(ringPath).join(''),
    });
  }
  // Member states last, so their outlines draw over their neighbours'.
  countries.sort((a, b) => Number(a.code !== null) - Number(b.code !== null) || a.name.localeCompare(b.name));
  return `export default ${JSON.stringify({ ...mapSize(regionView), countries })};`;
}

const regionMapPlugin: esbuild.Plugin = {
  name: 'region-map',
  setup(build) {
    build.onResolve({ filter: /^virtual:region-map$/ }, () => ({ path: 'region-map', namespace: 'rmdx' }));
    build.onLoad({ filter: /.*/, namespace: 'rmdx' }, async () => ({
      contents: await regionMapModule(),
      loader: 'js',
    }));
  },
};

/** The licence texts of every package whose code is in the bundle, served at /console/assets/licenses.txt. */
async function licenceNotices(meta: esbuild.Metafile): Promise<string> {
  const packages = new Map<string, string>();
  for (const input of Object.keys(meta.inputs)) {
    const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (m) packages.set(m[2]!, path.resolve(uiDir, m[1]!));
  }
  // The map outlines (Natural Earth data, public domain) come from world-atlas.
  packages.set('world-atlas', path.dirname(require.resolve('world-atlas/countries-50m.json')));
  const parts: string[] = ['Third-party software and data in the RMDX console bundle.\n'];
  for (const [name, dir] of [...packages].sort()) {
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      version: string;
      license?: string;
    };
    const file = (await readdir(dir)).find((f) => /^licen[cs]e/i.test(f));
    const text = file
      ? await readFile(path.join(dir, file), 'utf8')
      : `License: ${pkg.license ?? 'see the package'}`;
    parts.push(`=== ${name} ${pkg.version} (${pkg.license ?? 'unknown'})\n\n${text.trim()}\n`);
  }
  return parts.join('\n');
}

export interface BuiltFile {
  /** File name under /console/assets/ (content-hashed). */
  name: string;
  contents: Uint8Array;
}

export interface ConsoleBundle {
  files: BuiltFile[];
  /** Names of the entry script and stylesheet the page loads. */
  manifest: { js: string; css: string };
}

export async function buildConsoleBundle(opts: { minify?: boolean } = {}): Promise<ConsoleBundle> {
  const result = await esbuild.build({
    absWorkingDir: uiDir,
    entryPoints: { console: 'main.tsx' },
    bundle: true,
    write: false,
    outdir: '/out',
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: opts.minify ?? true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [regionMapPlugin],
  });
  const files = result.outputFiles.map((f) => ({
    name: f.path.replace(/^\/out\//, ''),
    contents: f.contents,
  }));
  files.push({
    name: 'licenses.txt',
    contents: new TextEncoder().encode(await licenceNotices(result.metafile)),
  });
  const js = files.find((f) => /^console-[\w]+\.js$/.test(f.name));
  const css = files.find((f) => /^console-[\w]+\.css$/.test(f.name));
  if (!js || !css)
    throw new Error(
      `console bundle is missing its script or stylesheet: ${files.map((f) => f.name).join(', ')}`,
    );
  return { files, manifest: { js: js.name, css: css.name } };
}
