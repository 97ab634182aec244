/**
 * A watched folder on the in-process scheduler (no Redis): files dropped by the national system are
 * stored in Postgres when picked up, then read; a failed run is replayed from the stored bytes even
 * after the file has left the folder.
 */
import { copyFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { testDatabase } from '../../helpers/db.js';
import { waitFor } from '../../helpers/processes.js';
import { bearer, connectorTestHub, waitForConnectorBatches } from './hub.js';

const db = await testDatabase();
const hub = await connectorTestHub(db, { redis: false });
const dir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-folder-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const fixtures = 'connectors/fr-csv-rmd/fixtures';

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  hub.app.inject({ method, url, headers: bearer(hub.keys.secretariat), ...(payload && { payload }) });
const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);
/** Files the exporter finished writing a while ago. */
const settled = async (file: string) => {
  const t = new Date(Date.now() - 3_600_000);
  await utimes(file, t, t);
};

describe('a watched folder, scheduled in-process', () => {
  let id = '';

  it('picks up the files, stores them first, reads them through the pipeline into the tables', async () => {
    for (const f of ['sites_2026-03.csv', 'lots_2026-03.csv']) {
      await copyFile(path.join(fixtures, f), path.join(dir, f));
      await settled(path.join(dir, f));
    }
    await writeFile(path.join(dir, 'notes.txt'), 'not an export');
    const res = await api('POST', '/v1/connectors', {
      country: 'CD',
      name: 'ceec-folder',
      kind: 'file',
      mapping: 'fr-csv-rmd',
      config: { source: { type: 'folder', path: dir, pattern: '*.csv', settleSeconds: 5 } },
      schedule: '* * * * * *',
    });
    expect(res.statusCode).toBe(201);
    id = res.json().id;
    await waitFor(
      'both files read',
      async () =>
        (await count(
          `SELECT count(*) n FROM connector_files WHERE instance_id = $1 AND done_at IS NOT NULL`,
          [id],
        )) === 2,
      60_000,
    );
    await waitForConnectorBatches(hub, db, id);
    expect(await count(`SELECT count(*) n FROM mine_sites WHERE country = 'CD'`)).toBe(6);
    expect(await count(`SELECT count(*) n FROM lots WHERE country = 'CD'`)).toBe(7);
    const files = (await api('GET', `/v1/connectors/${id}/files`)).json().items;
    expect(files.map((f: { name: string; origin: string }) => `${f.origin} ${f.name}`).sort()).toEqual([
      'folder lots_2026-03.csv',
      'folder sites_2026-03.csv',
    ]);
    const status = (await api('GET', `/v1/connectors/${id}`)).json().status;
    expect(status.health).toBe('ok');
    expect(Date.parse(status.nextRunAt)).toBeLessThan(Date.now() + 5000);
  });

  it('an unchanged file is not stored again; a new one is; a file still being written waits', async () => {
    const runsBefore = await count(
      `SELECT count(*) n FROM connector_runs WHERE instance_id = $1 AND status = 'succeeded'`,
      [id],
    );
    await copyFile(
      path.join(fixtures, 'exportations_2026-03.csv'),
      path.join(dir, 'exportations_2026-03.csv'),
    );
    // Just written: it must settle first (settleSeconds 5).
    await waitFor(
      'two more runs',
      async () =>
        (await count(
          `SELECT count(*) n FROM connector_runs WHERE instance_id = $1 AND status = 'succeeded'`,
          [id],
        )) >=
        runsBefore + 2,
      30_000,
    );
    expect(await count(`SELECT count(*) n FROM connector_files WHERE instance_id = $1`, [id])).toBe(2);
    await settled(path.join(dir, 'exportations_2026-03.csv'));
    await waitFor(
      'the new file read',
      async () =>
        (await count(
          `SELECT count(*) n FROM connector_files WHERE instance_id = $1 AND done_at IS NOT NULL`,
          [id],
        )) === 3,
      30_000,
    );
    await waitForConnectorBatches(hub, db, id);
    expect(await count(`SELECT count(*) n FROM exports WHERE country = 'CD'`)).toBe(4);
    expect(await count(`SELECT count(*) n FROM connector_files WHERE instance_id = $1`, [id])).toBe(3);
  });

  it('a failed run is replayed from the stored bytes, though the file has left the folder', async () => {
    await api('POST', `/v1/connectors/${id}/pause`, { reason: 'replay test' });
    const run = (
      await db.pool.query(
        `SELECT * FROM connector_runs WHERE instance_id = $1 AND batches_created > 0 ORDER BY queued_at LIMIT 1`,
        [id],
      )
    ).rows[0];
    await db.pool.query(
      `UPDATE connector_runs SET status = 'failed', error_code = 'RMDX_CONN_INTERRUPTED' WHERE id = $1`,
      [run.id],
    );
    for (const f of ['sites_2026-03.csv', 'lots_2026-03.csv', 'exportations_2026-03.csv'])
      await rm(path.join(dir, f));
    const replay = await api('POST', `/v1/connectors/${id}/runs/${run.id}/replay`);
    const done = await hub.waitForRun(replay.json().id);
    expect(done).toMatchObject({ status: 'succeeded', batches_created: 0 });
    expect(done.batches_existing).toBe(run.batches_created);
    expect(done.rows_read).toBe(run.rows_read);
  });
});
