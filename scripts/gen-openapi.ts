/**
 * npm run gen:openapi — writes openapi.yaml (OpenAPI 3.1) from the route schemas of the app.
 * The committed file is checked by test/integration/api/openapi.test.ts.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { renderOpenApiYaml } from './lib/openapi-yaml.js';

const target = fileURLToPath(new URL('../openapi.yaml', import.meta.url));
await writeFile(target, await renderOpenApiYaml());
console.log(`wrote ${target}`);
