import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { errorCatalogue } from '../../../src/errors.js';
import { renderOpenApiYaml } from '../../../scripts/lib/openapi-yaml.js';
import { testApp } from '../../helpers/app.js';
import { testDatabase } from '../../helpers/db.js';

const db = await testDatabase();
const app = await testApp(db);

describe('API documentation', () => {
  it('serves the OpenAPI 3.1 description with every error code documented', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/batches', '/v1/batches/{id}', '/v1/keys', '/v1/validate']),
    );
    for (const code of Object.keys(errorCatalogue)) expect(doc.info.description).toContain(code);
  });

  it('renders /docs from assets bundled with the hub', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\//);
    const css = await app.inject({ method: 'GET', url: '/docs/assets/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
    const js = await app.inject({ method: 'GET', url: '/docs/assets/swagger-ui-bundle.js' });
    expect(js.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/assets/..%2Fpackage.json' })).statusCode).toBe(404);
  });

  it('has a committed openapi.yaml that matches the route schemas (run `npm run gen:openapi`)', async () => {
    const committed = await readFile(new URL('../../../openapi.yaml', import.meta.url), 'utf8');
    expect(committed).toBe(await renderOpenApiYaml());
  });
});
