import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { FastifyPluginAsync } from 'fastify';
import type { OpenAPIObject } from 'openapi3-ts/oas31';

import { apiError } from '../../errors.js';

const require = createRequire(import.meta.url);
const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>RMDX API documentation</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <main id="api"></main>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api', deepLinking: true, tryItOutEnabled: false });`;

/** The API description as JSON and rendered at /docs, from assets bundled with the hub (no CDN). */
export const docsRoutes =
  (openapi: () => OpenAPIObject): FastifyPluginAsync =>
  async (app) => {
    app.get('/openapi.json', async () => openapi());
    app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
    app.get('/docs/init.js', async (_request, reply) =>
      reply.type('application/javascript; charset=utf-8').send(init),
    );
    app.get<{ Params: { file: string } }>('/docs/assets/:file', async (request, reply) => {
      const type = assets[request.params.file];
      if (!type) throw apiError('RMDX_ERR_NOT_FOUND', `No documentation asset ${request.params.file}`);
      return reply
        .type(type)
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(path.join(swaggerDir, request.params.file)));
    });
  };
