import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { runRmdx } from '../../helpers/cli.js';
import { testDatabase } from '../../helpers/db.js';
import { startFakeNationalServer } from '../../helpers/fake-national-server.js';
import { testSecretKey } from './hub.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const db = await testDatabase();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rmdx-connectors-cli-'));
const server = await startFakeNationalServer({ token: 'rmb-secret-token-4711' });
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await server.close();
});
const fixtures = path.join(repo, 'connectors/fr-csv-rmd/fixtures');

/** `rmdx …` from the sources, as a real process on this file's database, without Redis. */
const rmdx = (args: string[], input?: string) =>
  runRmdx(
    args,
    {
      DATABASE_URL: db.url,
      RMDX_CONNECTOR_SECRET_KEY: testSecretKey,
      RMDX_DATA_DIR: tmp,
      LOG_LEVEL: 'warn',
      REDIS_URL: undefined,
    },
    input,
  );

const count = async (sql: string) => Number((await db.pool.query<{ n: string }>(sql)).rows[0]!.n);
const stored = async () => ({
  batches: await count('SELECT count(*) n FROM batches'),
  runs: await count('SELECT count(*) n FROM connector_runs'),
  files: await count('SELECT count(*) n FROM connector_files'),
  lots: await count('SELECT count(*) n FROM lots'),
});

// Each command is a process of its own (a few seconds each on a busy machine).
describe('rmdx connectors', { timeout: 240_000 }, () => {
  it('creates, lists and shows a connector', async () => {
    const created = await rmdx([
      'connectors',
      'create',
      '--country',
      'CD',
      '--name',
      'ceec',
      '--kind',
      'file',
      '--mapping',
      'fr-csv-rmd',
      '--config',
      '{"source":{"type":"upload"},"pageSize":4}',
      '--json',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      country: 'CD',
      name: 'ceec',
      mapping: { id: 'fr-csv-rmd@1.0.0' },
    });
    const list = await rmdx(['connectors', 'list']);
    expect(list.stdout).toMatch(/CD\/ceec\tfile\tfr-csv-rmd@1\.0\.0\tnever/);
    const bad = await rmdx([
      'connectors',
      'create',
      '--country',
      'XX',
      '--name',
      'x',
      '--kind',
      'file',
      '--mapping',
      'fr-csv-rmd',
      '--config',
      '{}',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a member state/);
  });

  it('test --file prints the mapped records and the validation report, and stores nothing', async () => {
    const before = await stored();
    const r = await rmdx([
      'connectors',
      'test',
      'CD/ceec',
      '--file',
      path.join(fixtures, 'lots_2026-03.csv'),
      '--file',
      path.join(fixtures, 'erreurs/lots_2026-03.csv'),
    ]);
    expect(r.code).toBe(1); // some rows could not be mapped
    expect(r.stdout).toMatch(/dry run, nothing stored/);
    expect(r.stdout).toMatch(/read 12 row\(s\) in \d+ page\(s\): 9 mapped, 3 rejected/);
    expect(r.stdout).toMatch(
      /lots_2026-03\.csv row 2 {2}\{"recordType":"lot","lotNumber":"CD-LOT-2026-004512"/,
    );
    expect(r.stdout).toMatch(
      /lots_2026-03\.csv row 3, column "Date d'enregistrement": RMDX_MAP_UNPARSABLE_DATE/,
    );
    expect(r.stdout).toMatch(
      /validation \(1 batch\(es\), one per month\):\n {2}2026-03: 9 record\(s\) — VALID/,
    );
    expect(await stored()).toEqual(before);

    const json = await rmdx([
      'connectors',
      'test',
      'CD/ceec',
      '--file',
      path.join(fixtures, 'sites_2026-03.csv'),
      '--json',
    ]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.records).toHaveLength(6);
    expect(report.records[0]).toMatchObject({
      origin: { file: 'sites_2026-03.csv', rowNumber: 2 },
      record: { recordType: 'mineSite' },
    });
    expect(report.batches).toEqual([
      expect.objectContaining({
        period: '2026-03',
        records: 6,
        report: expect.objectContaining({ valid: true }),
      }),
    ]);
    expect(await stored()).toEqual(before);
  });

  it('run --file stores the files, runs here, and (without Redis) leaves the batches stored', async () => {
    const r = await rmdx([
      'connectors',
      'run',
      'CD/ceec',
      '--json',
      '--file',
      path.join(fixtures, 'sites_2026-03.csv'),
      '--file',
      path.join(fixtures, 'lots_2026-03.csv'),
      '--file',
      path.join(fixtures, 'exportations_2026-03.csv'),
    ]);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'upload',
      rows: { read: 17, mapped: 17, rejected: 0 },
    });
    expect(run.batchList.length).toBeGreaterThan(0);
    for (const b of run.batchList) expect(b.status).toBe('completed');
    expect(await count(`SELECT count(*) n FROM lots WHERE country = 'CD'`)).toBe(7);
    expect(await count(`SELECT count(*) n FROM connector_files WHERE done_at IS NOT NULL`)).toBe(3);

    const show = await rmdx(['connectors', 'show', 'CD/ceec']);
    expect(show.stdout).toMatch(/last run {3}succeeded/);
    expect(show.stdout).toMatch(/rows {7}read 17, mapped 17, rejected 0/);
    const runs = await rmdx(['connectors', 'runs', 'CD/ceec']);
    expect(runs.stdout).toMatch(/\(upload\): succeeded after 1 attempt/);
  });

  it('an API connector: secrets from a file, never shown, never logged, sealed in the database', async () => {
    const secretsFile = path.join(tmp, 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ token: 'rmb-secret-token-4711' }));
    const config = {
      baseUrl: server.apiUrl,
      streams: [{ name: 'sites', path: 'sites' }],
      pagination: { style: 'keyset', limit: 10 },
      auth: { type: 'bearer' },
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    };
    const created = await rmdx([
      'connectors',
      'create',
      '--country',
      'RW',
      '--name',
      'rmb-api',
      '--kind',
      'http-json',
      '--mapping',
      'json-api-rmd@1.0.0',
      '--config',
      JSON.stringify(config),
      '--secrets-file',
      secretsFile,
      '--schedule',
      '0 */6 * * *',
    ]);
    expect(created.code).toBe(0);
    const check = await rmdx(['connectors', 'check', 'RW/rmb-api']);
    expect(check.stdout).toMatch(/^OK \(ok\)/);
    const run = await rmdx(['connectors', 'run', 'RW/rmb-api']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/succeeded after 1 attempt/);
    const show = await rmdx(['connectors', 'show', 'RW/rmb-api', '--json']);
    const v = JSON.parse(show.stdout);
    expect(v.secrets).toEqual({ fields: ['token'] });
    expect(v.schedule).toBe('0 */6 * * *');
    expect(v.status.nextRunAt).toMatch(/T(00|06|12|18):00:00/);
    for (const out of [created, check, run, show]) {
      expect(out.stdout + out.stderr).not.toContain('rmb-secret-token-4711');
    }
    const sealed = await db.pool.query<{ ciphertext: Buffer }>('SELECT ciphertext FROM connector_secrets');
    for (const r of sealed.rows) expect(r.ciphertext.toString('latin1')).not.toContain('rmb-secret-token');
    expect(server.requests.every((q) => q.authorization === 'Bearer rmb-secret-token-4711')).toBe(true);

    // A wrong token: the run fails without retrying, says why, and the token does not appear.
    writeFileSync(secretsFile, JSON.stringify({ token: 'wrong-token-0000' }));
    expect((await rmdx(['connectors', 'update', 'RW/rmb-api', '--secrets-file', secretsFile])).code).toBe(0);
    const refused = await rmdx(['connectors', 'run', 'RW/rmb-api']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/failed after 1 attempt/);
    expect(refused.stdout).toMatch(/RMDX_CONN_AUTH_FAILED/);
    expect(refused.stdout + refused.stderr).not.toContain('wrong-token-0000');
  });

  it('pause and resume', async () => {
    const p = await rmdx(['connectors', 'pause', 'RW/rmb-api', '--reason', 'token being renewed']);
    expect(p.stdout).toMatch(/paused RW\/rmb-api: token being renewed/);
    const shown = JSON.parse((await rmdx(['connectors', 'show', 'RW/rmb-api', '--json'])).stdout);
    expect(shown).toMatchObject({ enabled: false, status: { health: 'paused', nextRunAt: null } });
    const r = await rmdx(['connectors', 'resume', 'RW/rmb-api']);
    expect(r.stdout).toMatch(/resumed RW\/rmb-api; next run/);
  });
});
