import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { testDatabase } from '../../helpers/db.js';
import { bearer, connectorTestHub, waitForConnectorBatches } from './hub.js';

const db = await testDatabase();
const hub = await connectorTestHub(db, { redis: false });
const fixtures = 'connectors/fr-csv-rmd/fixtures';
const csvFiles = ['sites_2026-03.csv', 'lots_2026-03.csv', 'exportations_2026-03.csv'];

async function post(url: string, body: unknown, key = hub.keys.secretariat) {
  return hub.app.inject({ method: 'POST', url, headers: bearer(key), payload: body as object });
}

async function upload(id: string, name: string, data: Buffer, type = 'text/csv') {
  return hub.app.inject({
    method: 'POST',
    url: `/v1/connectors/${id}/files?name=${encodeURIComponent(name)}`,
    headers: { ...bearer(hub.keys.secretariat), 'content-type': type },
    payload: data,
  });
}

const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);

describe('file connectors through /v1/connectors: uploads end to end into Postgres', () => {
  let frId = '';

  it('the secretariat creates a connector per member state; others may not', async () => {
    const body = {
      country: 'CD',
      name: 'ceec-exports',
      kind: 'file',
      mapping: 'fr-csv-rmd',
      config: { source: { type: 'upload' } },
    };
    expect((await post('/v1/connectors', body, hub.keys.CD)).statusCode).toBe(403);
    const res = await post('/v1/connectors', body);
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({
      country: 'CD',
      name: 'ceec-exports',
      kind: 'file',
      mapping: { id: 'fr-csv-rmd@1.0.0' },
      enabled: true,
      status: { health: 'never', lastRunId: null, cursor: null },
    });
    frId = c.id;
    expect((await post('/v1/connectors', body)).json()).toMatchObject({ code: 'RMDX_ERR_CONFLICT' });
    const bad = await post('/v1/connectors', { ...body, name: 'other', mapping: 'json-api-rmd' });
    expect(bad.json()).toMatchObject({ code: 'RMDX_ERR_BAD_REQUEST' });
    expect(bad.json().detail).toMatch(/reads json/);
    const badConfig = await post('/v1/connectors', {
      ...body,
      name: 'other',
      config: { source: { type: 'ftp' } },
    });
    expect(badConfig.json()).toMatchObject({ code: 'RMDX_ERR_BAD_REQUEST' });
    const withSchedule = await post('/v1/connectors', { ...body, name: 'other', schedule: '0 * * * *' });
    expect(withSchedule.json().detail).toMatch(/takes no schedule/);
  });

  it('stores each upload before reading it; the batches go through the pipeline and name their connector', async () => {
    const runs: string[] = [];
    for (const name of csvFiles) {
      const res = await upload(frId, name, await readFile(`${fixtures}/${name}`));
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({
        file: { name, origin: 'upload', doneAt: null },
        run: { trigger: 'upload' },
      });
      runs.push(res.json().run.id);
    }
    for (const id of runs) await hub.waitForRun(id);
    const batches = await waitForConnectorBatches(hub, db, frId);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const b of batches) {
      expect(b).toMatchObject({
        origin: 'connector',
        connector_id: frId,
        reporting_country: 'CD',
        status: 'completed',
      });
      expect(b.source).toEqual({ system: 'rmdx-connector:CD/ceec-exports', version: 'fr-csv-rmd@1.0.0' });
    }
    // Every file was read by some run, and the rows are in the record tables.
    const files = (
      await hub.app.inject({ url: `/v1/connectors/${frId}/files`, headers: bearer(hub.keys.secretariat) })
    ).json();
    expect(files.items).toHaveLength(3);
    for (const f of files.items) expect(f.doneAt).not.toBeNull();
    expect(await count(`SELECT count(*) n FROM mine_sites WHERE country = 'CD'`)).toBe(6);
    expect(await count(`SELECT count(*) n FROM lots WHERE country = 'CD'`)).toBe(7);
    expect(await count(`SELECT count(*) n FROM exports WHERE country = 'CD'`)).toBe(4);
    const lot = (await db.pool.query(`SELECT * FROM lots WHERE lot_number = 'CD-LOT-2026-004512'`)).rows[0];
    expect(lot).toMatchObject({ period: '2026-03' });

    // The API shows a connector's batches like pushed ones, with their connector.
    const listed = await hub.app.inject({
      url: `/v1/batches?origin=connector&connectorId=${frId}`,
      headers: bearer(hub.keys.secretariat),
    });
    expect(listed.json().items.length).toBe(batches.length);
    expect(listed.json().items[0]).toMatchObject({ origin: 'connector', connectorId: frId });

    const status = (
      await hub.app.inject({ url: `/v1/connectors/${frId}`, headers: bearer(hub.keys.secretariat) })
    ).json();
    expect(status.status).toMatchObject({ health: 'ok', lastRunStatus: 'succeeded', consecutiveFailures: 0 });
  });

  it('the same file uploaded again stores nothing twice: its records were sent unchanged', async () => {
    const historyBefore = await count(`SELECT count(*) n FROM record_history WHERE country = 'CD'`);
    const batchesBefore = await count(`SELECT count(*) n FROM batches WHERE connector_id = $1`, [frId]);
    const res = await upload(frId, 'lots_2026-03.csv', await readFile(`${fixtures}/lots_2026-03.csv`));
    const run = await hub.waitForRun(res.json().run.id);
    expect(run.status).toBe('succeeded');
    expect(await count(`SELECT count(*) n FROM batches WHERE connector_id = $1`, [frId])).toBe(batchesBefore);
    expect(await count(`SELECT count(*) n FROM record_history WHERE country = 'CD'`)).toBe(historyBefore);
  });

  it('a file with unmappable rows: each reported with its row, column and reason; the other rows go on', async () => {
    const res = await upload(
      frId,
      'lots_2026-03.csv',
      await readFile(`${fixtures}/erreurs/lots_2026-03.csv`),
    );
    const run = await hub.waitForRun(res.json().run.id);
    await waitForConnectorBatches(hub, db, frId);
    expect(run.status).toBe('succeeded');
    expect(run).toMatchObject({ rows_read: 5, rows_mapped: 2, rows_rejected: 3, issues: 4 });
    const issues = (
      await hub.app.inject({
        url: `/v1/connectors/${frId}/runs/${run.id}/issues`,
        headers: bearer(hub.keys.secretariat),
      })
    ).json();
    const codes = issues.items.map((i: { code: string }) => i.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'RMDX_MAP_UNPARSABLE_DATE',
        'RMDX_MAP_UNKNOWN_CODE',
        'RMDX_MAP_UNPARSABLE_NUMBER',
      ]),
    );
    for (const i of issues.items) {
      expect(i.rowNumber).toBeGreaterThan(1);
      expect(i.file).toBe('lots_2026-03.csv');
      expect(typeof i.message).toBe('string');
      expect(typeof i.messageFr).toBe('string');
    }
    expect(
      issues.items.map((i: { rowNumber: number; column: string }) => `${i.rowNumber} ${i.column}`),
    ).toEqual(["3 Date d'enregistrement", '4 Minerai', '5 Poids', '5 Unité']);
    // The two good rows went on into the tables.
    expect(
      await count(
        `SELECT count(*) n FROM lots WHERE lot_number IN ('CD-LOT-2026-005001', 'CD-LOT-2026-005005')`,
      ),
    ).toBe(2);
    const csv = await hub.app.inject({
      url: `/v1/connectors/${frId}/runs/${run.id}/issues?format=csv`,
      headers: bearer(hub.keys.secretariat),
    });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toBe(
      'rowNumber,stream,file,sheet,sourceId,column,value,code,message,messageFr',
    );
  });

  it('the XLSX workbook, one sheet per record type, end to end', async () => {
    const created = await post('/v1/connectors', {
      country: 'UG',
      name: 'dgsm-returns',
      kind: 'file',
      mapping: 'xlsx-rmd@1.0.0',
      config: { source: { type: 'upload' } },
      options: { acceptance: 'partial' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const res = await upload(
      id,
      'ug-rmd-2026-03.xlsx',
      await readFile('connectors/xlsx-rmd/fixtures/ug-rmd-2026-03.xlsx'),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.statusCode).toBe(202);
    const run = await hub.waitForRun(res.json().run.id);
    expect(run).toMatchObject({ status: 'succeeded', rows_rejected: 0 });
    const batches = await waitForConnectorBatches(hub, db, id);
    for (const b of batches) expect(b.status).toBe('completed');
    for (const table of ['mine_sites', 'actors', 'lots', 'exports', 'certificates'])
      expect(await count(`SELECT count(*) n FROM ${table} WHERE country = 'UG'`)).toBeGreaterThan(0);
  });

  it('dry run over the API: a file as the body, mapped and validated, nothing stored; check', async () => {
    const before = await count(`SELECT count(*) n FROM batches`);
    const files = await count(`SELECT count(*) n FROM connector_files`);
    const res = await hub.app.inject({
      method: 'POST',
      url: `/v1/connectors/${frId}/test?name=lots_2026-03.csv&limit=2`,
      headers: { ...bearer(hub.keys.secretariat), 'content-type': 'text/csv' },
      payload: await readFile(`${fixtures}/erreurs/lots_2026-03.csv`),
    });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.stats).toMatchObject({ rows: 5, mapped: 2, rejected: 3 });
    expect(r.records).toEqual([
      expect.objectContaining({
        origin: expect.objectContaining({ rowNumber: 2 }),
        record: expect.objectContaining({ lotNumber: 'CD-LOT-2026-005001' }),
      }),
      expect.objectContaining({ origin: expect.objectContaining({ rowNumber: 6 }) }),
    ]);
    expect(r.issues).toHaveLength(4);
    expect(r.batches).toEqual([
      expect.objectContaining({
        period: '2026-03',
        records: 2,
        report: expect.objectContaining({ valid: true }),
      }),
    ]);
    expect(await count(`SELECT count(*) n FROM batches`)).toBe(before);
    expect(await count(`SELECT count(*) n FROM connector_files`)).toBe(files);
    const check = await post(`/v1/connectors/${frId}/check`, {});
    expect(check.json()).toMatchObject({ ok: true, status: 'ok' });
    // An upload connector has no live source to read.
    expect((await post(`/v1/connectors/${frId}/test`, {})).json()).toMatchObject({
      code: 'RMDX_ERR_BAD_REQUEST',
    });
  });

  it('the list the console shows: every connector with its health, last run, rows and next run', async () => {
    const list = (await hub.app.inject({ url: '/v1/connectors', headers: bearer(hub.keys.auditor) })).json();
    expect(list.items.map((c: { country: string; name: string }) => `${c.country}/${c.name}`)).toEqual([
      'CD/ceec-exports',
      'UG/dgsm-returns',
    ]);
    for (const c of list.items) {
      expect(c.status).toMatchObject({
        health: 'ok',
        lastRunStatus: 'succeeded',
        nextRunAt: null,
        lastError: null,
      });
      expect(c.status.rows).toEqual({
        read: expect.any(Number),
        mapped: expect.any(Number),
        rejected: expect.any(Number),
      });
    }
    const mappings = (
      await hub.app.inject({ url: '/v1/connectors/mappings', headers: bearer(hub.keys.auditor) })
    ).json();
    expect(mappings.items.map((m: { id: string }) => m.id)).toEqual([
      'fr-csv-rmd@1.0.0',
      'json-api-rmd@1.0.0',
      'xlsx-rmd@1.0.0',
    ]);
  });

  it('pause and resume; a paused upload connector still takes files', async () => {
    const paused = await post(`/v1/connectors/${frId}/pause`, { reason: 'national system migrating' });
    expect(paused.json()).toMatchObject({
      enabled: false,
      paused: { reason: 'national system migrating' },
      status: { health: 'paused' },
    });
    const res = await upload(frId, 'sites_2026-04.csv', await readFile(`${fixtures}/sites_2026-03.csv`));
    expect((await hub.waitForRun(res.json().run.id)).status).toBe('succeeded');
    const resumed = await post(`/v1/connectors/${frId}/resume`, {});
    expect(resumed.json()).toMatchObject({ enabled: true, paused: null });
  });
});
