import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, describe, expect, it } from 'vitest';

import { type CliRun, runRmdx } from '../../helpers/cli.js';
import { type Annotated, loadExamples, sortIssues } from './examples.js';

const examples = loadExamples();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rmdx-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `node bin/rmdx.js …` as a user runs it: a real process, exit code and both streams. */
const rmdx = (args: string[], input?: string) => runRmdx(args, { NO_COLOR: '1' }, input);

describe('rmdx validate: the published examples', () => {
  // One process checks every example (the CLI takes several files); each file's report and exit code
  // (0 valid, 1 invalid) must be as annotated. Single-file runs below check the process exit codes.
  let outcomes: Map<string, { exitCode: number; report: { valid: boolean; issues: Annotated[] } }>;
  let run: CliRun;

  it('checks them all in one run, exiting 1 because some are invalid', async () => {
    run = await rmdx(['validate', ...examples.map((e) => e.path), '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const files = JSON.parse(run.stdout).files as { file: string; exitCode: number; report: never }[];
    outcomes = new Map(files.map((f) => [f.file, f]));
    expect(files).toHaveLength(examples.length);
  });

  for (const ex of examples) {
    it(`${ex.version}/${ex.valid ? 'valid' : 'invalid'}/${ex.file}`, () => {
      const outcome = outcomes.get(ex.path)!;
      expect(sortIssues(outcome.report.issues)).toEqual(ex.expected);
      const valid = !ex.expected.some((i) => i.severity === 'error');
      expect(outcome.report.valid).toBe(valid);
      expect(outcome.exitCode).toBe(valid ? 0 : 1);
    });
  }

  it('exits 0 for a valid file and 1 for an invalid one, with the report of POST /v1/validate', async () => {
    const valid = examples.find((e) => e.valid)!;
    const invalid = examples.find((e) => !e.valid)!;
    const [a, b] = await Promise.all([
      rmdx(['validate', valid.path, '--format', 'json']),
      rmdx(['validate', invalid.path, '--format', 'json']),
    ]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual(outcomes.get(valid.path)!.report);
    expect(b.code).toBe(1);
    expect(JSON.parse(b.stdout)).toEqual(outcomes.get(invalid.path)!.report);
  });
});

describe.concurrent('rmdx validate: input', () => {
  const record = JSON.stringify({
    recordType: 'export',
    exportId: 'RW-EXP-1',
    destinationCountry: 'MY',
    mineral: 'cassiterite',
    unit: 'KGM',
    shippedOn: '2026-03-02',
  });

  it('reads standard input with -', async () => {
    const run = await rmdx(['validate', '-', '--format', 'json'], record);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, kind: 'record' });
  });

  it('runs the envelope checks of a single record when told the country and period', async () => {
    const run = await rmdx(
      ['validate', '-', '--format', 'json', '--reporting-country', 'RW', '--period', '2026-03'],
      record,
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).issues.map((i: { code: string }) => i.code)).toEqual([
      'RMDX_VAL_CERTIFICATE_REQUIRED',
    ]);
  });

  it('reads a gzip file', async () => {
    const file = path.join(tmp, 'batch.json.gz');
    const example = examples.find((e) => e.valid)!;
    writeFileSync(file, gzipSync(readFileSync(example.path)));
    const run = await rmdx(['validate', file, '--format', 'json']);
    expect(run.code).toBe(0);
  });

  it('delivers a large report whole through a pipe', async () => {
    const example = JSON.parse(
      readFileSync(examples.find((e) => e.file.startsWith('export-01'))!.path, 'utf8'),
    );
    const record = example.records[0];
    // Each record has its own unknown field: 3,000 issues that do not group, a report of megabytes.
    const records = Array.from({ length: 3000 }, (_, i) => ({
      ...record,
      exportId: `E-${i}`,
      [`extra${i}`]: 1,
    }));
    const file = path.join(tmp, 'large-report.json');
    writeFileSync(file, JSON.stringify({ ...example, records }));
    const run = await rmdx(['validate', file, '--format', 'json']);
    expect(run.stdout.length).toBeGreaterThan(1_000_000);
    const report = JSON.parse(run.stdout);
    expect(report.issues).toHaveLength(3000);
    expect(run.code).toBe(1);
  });

  it('prints a readable summary in English or French', async () => {
    const invalid = examples.find((e) => !e.valid && e.file.startsWith('lot-01'))!;
    const en = await rmdx(['validate', invalid.path]);
    expect(en.code).toBe(1);
    expect(en.stdout).toContain('INVALID: 1 error(s), 0 warning(s) in 1 record(s)');
    expect(en.stdout).toContain('/records/0/siteId  RMDX_VAL_REQUIRED');
    expect(en.stdout).toContain(
      'the required field "siteId" is missing (required when operation is "extraction")',
    );
    const fr = await rmdx(['validate', invalid.path, '--lang', 'fr']);
    expect(fr.stdout).toContain('INVALIDE');
    expect(fr.stdout).toContain('le champ obligatoire « siteId » est absent');
    // Not a terminal: no progress on stderr.
    expect(en.stderr).toBe('');
  });

  const unusable: [string, string[], string | undefined, RegExp][] = [
    [
      'a missing file',
      ['validate', path.join(tmp, 'nope.json')],
      undefined,
      /cannot read .*nope\.json: no such file/,
    ],
    ['a directory', ['validate', tmp], undefined, /cannot read .*: it is a directory/],
    ['malformed JSON', ['validate', '-'], '{"records": [', /not valid JSON/],
    ['an empty input', ['validate', '-'], '', /empty/],
    [
      'an unknown schemaVersion',
      ['validate', '-'],
      '{"schemaVersion":"9.0.0","records":[{}]}',
      /"9\.0\.0" is not a published version.*1\.0\.0/,
    ],
    ['neither batch nor record', ['validate', '-'], '{"a":1}', /neither a batch .* nor a single record/],
    [
      'an unknown reporting country',
      ['validate', '-', '--reporting-country', 'FR'],
      '{"recordType":"lot"}',
      /not a member state/,
    ],
    ['a wrong option', ['validate', '-', '--format', 'xml'], '{}', /argument 'xml' is invalid/],
  ];
  it('exits 2 when one of several files is unusable, and still reports the others', async () => {
    const valid = examples.find((e) => e.valid)!;
    const run = await rmdx(['validate', valid.path, path.join(tmp, 'missing.json'), '--format', 'json']);
    expect(run.code).toBe(2);
    const { files } = JSON.parse(run.stdout);
    expect(files.map((f: { exitCode: number }) => f.exitCode)).toEqual([0, 2]);
    expect(files[1].error).toMatch(/no such file/);
    expect(run.stderr).toMatch(/missing\.json: no such file/);
  });

  for (const [name, args, input, message] of unusable) {
    it(`exits 2 on ${name}`, async () => {
      const run = await rmdx(args, input);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    });
  }
});
