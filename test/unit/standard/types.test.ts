import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { generateTypes, typesFile } from '../../../scripts/gen-types.js';
import { defaultSchemasDir, listVersionDirs } from '../../../src/standard/registry.js';

describe('generated types', () => {
  for (const version of listVersionDirs(defaultSchemasDir)) {
    it(`src/standard/types for ${version} are what npm run gen:types makes of the schemas`, async () => {
      const file = typesFile(version);
      expect(existsSync(file), `${file} is missing: run npm run gen:types`).toBe(true);
      const fresh = await generateTypes(version);
      // On failure: the schemas changed since the types were generated; run npm run gen:types and commit.
      expect(readFileSync(file, 'utf8') === fresh, `${file} is stale: run npm run gen:types`).toBe(true);
    });
  }
});
