import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { defaultSchemasDir, listVersionDirs } from '../../../src/standard/registry.js';

/** One published example and what validating it must give. */
export interface Example {
  version: string;
  file: string;
  path: string;
  valid: boolean;
  /** For an invalid example: its annotated issues (expected.json), sorted. */
  expected: Annotated[];
}

export interface Annotated {
  code: string;
  path: string;
  severity: string;
}

export function sortIssues(issues: Annotated[]): Annotated[] {
  return issues
    .map(({ code, path: p, severity }) => ({ code, path: p, severity }))
    .sort((a, b) => `${a.path} ${a.code}`.localeCompare(`${b.path} ${b.code}`));
}

/** Every example of every version under schemas/examples/<version>/{valid,invalid}. */
export function loadExamples(): Example[] {
  const out: Example[] = [];
  for (const version of listVersionDirs(defaultSchemasDir)) {
    const dir = path.join(defaultSchemasDir, 'examples', version);
    const validDir = path.join(dir, 'valid');
    const invalidDir = path.join(dir, 'invalid');
    const expected = JSON.parse(readFileSync(path.join(invalidDir, 'expected.json'), 'utf8')) as Record<
      string,
      Annotated[]
    >;
    for (const file of readdirSync(validDir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      out.push({ version, file, path: path.join(validDir, file), valid: true, expected: [] });
    }
    for (const file of readdirSync(invalidDir)
      .filter((f) => f.endsWith('.json') && f !== 'expected.json')
      .sort()) {
      const annotated = expected[file];
      if (!annotated) throw new Error(`${version}/invalid/${file} has no entry in expected.json`);
      out.push({
        version,
        file,
        path: path.join(invalidDir, file),
        valid: false,
        expected: sortIssues(annotated),
      });
    }
  }
  return out;
}
