import { copyFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { Cursor, SourceRow } from '../../../src/connectors/contract.js';
import { fileKind, type FileConfig } from '../../../src/connectors/index.js';
import { createLogger } from '../../../src/logger.js';

const logger = createLogger('silent');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'rmdx-watched-'));
  dirs.push(d);
  return d;
}

const old = async (file: string) => {
  const t = new Date(Date.now() - 3600_000);
  await utimes(file, t, t);
};

async function run(config: FileConfig, cursor: Cursor | null, crashAfter?: number) {
  const rows: SourceRow[] = [];
  let stored = cursor;
  let pages = 0;
  for await (const page of fileKind.read(config, {}, cursor, { logger })) {
    rows.push(...page.rows);
    stored = page.cursor;
    if (crashAfter !== undefined && ++pages >= crashAfter) return { rows, cursor: stored, crashed: true };
  }
  return { rows, cursor: stored, crashed: false };
}

describe('file kind: a watched folder', () => {
  it('reads each file once per content, re-reads a corrected file, waits for files still being written', async () => {
    const dir = await folder();
    const fixtures = 'connectors/fr-csv-rmd/fixtures';
    await copyFile(`${fixtures}/sites_2026-03.csv`, path.join(dir, 'sites_2026-03.csv'));
    await copyFile(`${fixtures}/lots_2026-03.csv`, path.join(dir, 'lots_2026-03.csv'));
    await writeFile(path.join(dir, '~$lots_2026-03.csv'), 'excel lock file');
    await old(path.join(dir, 'sites_2026-03.csv'));
    await old(path.join(dir, 'lots_2026-03.csv'));
    await writeFile(path.join(dir, 'exportations_2026-03.csv'), "N° d'exportation;Minerai\nE1;or\n"); // just written
    const config: FileConfig = { source: { type: 'folder', path: dir, pattern: '*.csv', settleSeconds: 60 } };

    const check = await fileKind.check(config, {}, { logger });
    expect(check).toMatchObject({ ok: true, details: { settling: ['exportations_2026-03.csv'] } });
    expect([...(check.details!.ready as string[])].sort()).toEqual(['lots_2026-03.csv', 'sites_2026-03.csv']);

    const first = await run(config, null);
    expect(first.rows).toHaveLength(13);
    expect(Object.keys((first.cursor as { files: object }).files).sort()).toEqual([
      'lots_2026-03.csv',
      'sites_2026-03.csv',
    ]);

    const second = await run(config, first.cursor);
    expect(second.rows).toHaveLength(0);

    await old(path.join(dir, 'exportations_2026-03.csv'));
    await writeFile(
      path.join(dir, 'sites_2026-03.csv'),
      'Code du site;Nom du site\nCD-SK-0142;Nyabibwe (corrigé)\n',
    );
    await old(path.join(dir, 'sites_2026-03.csv'));
    const third = await run(config, second.cursor);
    expect(third.rows.map((r) => `${r.file}:${r.rowNumber}`).sort()).toEqual([
      'exportations_2026-03.csv:2',
      'sites_2026-03.csv:2',
    ]);
    expect(Object.keys((third.cursor as { files: object }).files)).toHaveLength(3);
  });

  it('resumes a file read half-way at the next row, without skipping one', async () => {
    const dir = await folder();
    const lines = ['N° de lot;Poids'];
    for (let i = 1; i <= 95; i++) lines.push(`L${i};${i},5`);
    await writeFile(path.join(dir, 'lots.csv'), lines.join('\n'));
    await old(path.join(dir, 'lots.csv'));
    const config: FileConfig = { source: { type: 'folder', path: dir }, pageSize: 10 };
    const seen: number[] = [];
    let cursor: Cursor | null = null;
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await run(config, cursor, 3);
      seen.push(...r.rows.map((x) => x.rowNumber));
      cursor = r.cursor;
      if (!r.crashed) break;
    }
    expect(new Set(seen)).toEqual(new Set(Array.from({ length: 95 }, (_, i) => i + 2)));
    expect(seen).toHaveLength(95); // resumed exactly at the next row: nothing read twice
    expect((await run(config, cursor)).rows).toHaveLength(0);
  });

  it('an upload connector needs files; a missing folder is not found', async () => {
    await expect(run({ source: { type: 'upload' } }, null)).rejects.toMatchObject({
      code: 'RMDX_CONN_BAD_CONFIG',
    });
    const check = await fileKind.check(
      { source: { type: 'folder', path: '/nonexistent/rmdx' } },
      {},
      { logger },
    );
    expect(check).toMatchObject({ ok: false, status: 'not_found' });
  });
});
