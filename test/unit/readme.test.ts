import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { errorCatalogue } from '../../src/errors.js';
import { issueCodes } from '../../src/standard/issue.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every API error code with its status', () => {
    for (const [code, spec] of Object.entries(errorCatalogue)) {
      expect(readme).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${spec.status}\\s*\\|`));
    }
  });

  it('documents every validation issue code', () => {
    for (const code of issueCodes) expect(readme).toContain(`\`${code}\``);
  });

  it('names the test command that CI runs', async () => {
    const ci = await readFile(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(readme).toContain('npm ci && npm test');
    expect(ci).toMatch(/^npm test$/m);
  });
});

describe('README and docs/evidence.md', () => {
  it('name every audit event type the hub emits', async () => {
    const { hubAuditTypes } = await import('../../src/evidence/audit.js');
    const evidence = await readFile(new URL('../../docs/evidence.md', import.meta.url), 'utf8');
    for (const type of hubAuditTypes) {
      expect(readme, type).toContain(`\`${type}\``);
      expect(evidence, type).toContain(`\`${type}\``);
    }
  });
});

describe('README configuration', () => {
  it('names every environment variable the hub reads', async () => {
    const config = await readFile(new URL('../../src/config.ts', import.meta.url), 'utf8');
    const names = [...config.matchAll(/^ {4}([A-Z][A-Z0-9_]+): \{/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(readme, name).toContain(name);
  });

  it('lists every matcher threshold with its default', async () => {
    const { settingSpecs } = await import('../../src/matcher/settings.js');
    for (const s of settingSpecs)
      expect(readme).toMatch(new RegExp(`\\|\\s*\`${s.env}\`\\s*\\|\\s*${s.default}\\s*\\|`));
  });
});
