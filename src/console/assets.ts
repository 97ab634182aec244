import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { FastifyBaseLogger } from 'fastify';

import type { ConsoleBundle } from './bundle.js';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  /** Content-hashed names never change content: cache them for a year. */
  immutable: boolean;
}

export interface ConsoleAssets {
  files: Map<string, Asset>;
  /** The one HTML page every console and statistics URL answers with. */
  page(lang: 'en' | 'fr'): string;
}

/** Where `npm run build` writes the bundle: next to the compiled plugin, dist/console/static. */
export const staticDir = fileURLToPath(new URL('./static/', import.meta.url));

const types: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function asset(name: string, body: Buffer): Asset {
  return {
    body,
    type: types[path.extname(name)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    immutable: /-[A-Z0-9]{8,}\./i.test(name),
  };
}

const escapeAttr = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderPage(manifest: ConsoleBundle['manifest'], lang: 'en' | 'fr'): string {
  const title = lang === 'fr' ? 'RMDX — console du Secrétariat' : 'RMDX — Secretariat console';
  const noscript =
    lang === 'fr'
      ? 'La console a besoin de JavaScript. Les statistiques publiques sont aussi disponibles en CSV : /v1/public/statistics?format=csv'
      : 'The console needs JavaScript. The public statistics are also available as CSV: /v1/public/statistics?format=csv';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/console/assets/${escapeAttr(manifest.css)}">
<script type="module" src="/console/assets/${escapeAttr(manifest.js)}"></script>
</head>
<body>
<div id="app"></div>
<noscript><p>${noscript}</p></noscript>
</body>
</html>
`;
}

function assembled(files: Map<string, Asset>, manifest: ConsoleBundle['manifest']): ConsoleAssets {
  const pages = { en: renderPage(manifest, 'en'), fr: renderPage(manifest, 'fr') };
  return { files, page: (lang) => pages[lang] };
}

/**
 * The console's files: read from dist/console/static when the server runs compiled (`npm start`,
 * the Docker image), built in memory with esbuild when it runs from sources (tests, dev, demo).
 */
export async function loadConsoleAssets(log?: FastifyBaseLogger): Promise<ConsoleAssets> {
  const files = new Map<string, Asset>();
  const manifestFile = path.join(staticDir, 'manifest.json');
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as ConsoleBundle['manifest'];
    for (const name of await readdir(staticDir)) {
      if (name === 'manifest.json') continue;
      files.set(name, asset(name, await readFile(path.join(staticDir, name))));
    }
    return assembled(files, manifest);
  }
  const started = Date.now();
  // Only a server running from sources gets here; esbuild is a development dependency.
  const { buildConsoleBundle } = await import('./bundle.js');
  const bundle = await buildConsoleBundle();
  for (const f of bundle.files) files.set(f.name, asset(f.name, Buffer.from(f.contents)));
  log?.info({ ms: Date.now() - started, files: files.size }, 'console bundle built in memory');
  return assembled(files, bundle.manifest);
}
