/**
 * The paged JSON API connector on BullMQ: a job scheduler per connector (cron), "run now", retries
 * with backoff, pausing after failed runs in a row, replays — against the fake national server with
 * its 500s, hanging requests and connection resets.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { getRun } from '../../../src/connectors/store.js';
import { testDatabase } from '../../helpers/db.js';
import { seedData, startFakeNationalServer, fakeServerStreams } from '../../helpers/fake-national-server.js';
import { waitFor } from '../../helpers/processes.js';
import { bearer, connectorTestHub, waitForConnectorBatches } from './hub.js';

const db = await testDatabase();
const hub = await connectorTestHub(db, {
  redis: true,
  connectors: { pauseAfter: 2, runAttempts: 3, retryBaseMs: 20 },
});
const national = await startFakeNationalServer({
  failEvery: 5,
  hangEvery: 17,
  resetEvery: 29,
  token: 'rmb-token-123456',
  data: seedData({ sites: 24, lots: 180, exports: 40 }),
});
afterAll(() => national.close());

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  hub.app.inject({ method, url, headers: bearer(hub.keys.secretariat), ...(payload && { payload }) });
const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);

const config = (over: object = {}) => ({
  baseUrl: national.apiUrl,
  streams: fakeServerStreams,
  pagination: { style: 'keyset', limit: 10 },
  cursor: { lookbackSeconds: 600 },
  auth: { type: 'bearer' },
  timeoutMs: 500,
  retry: { maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 5 },
  ...over,
});

describe('an API connector scheduled on BullMQ', () => {
  let id = '';

  it('a cron schedule runs it; its batches go through the pipeline into the tables', async () => {
    const res = await api('POST', '/v1/connectors', {
      country: 'RW',
      name: 'rmb-api',
      kind: 'http-json',
      mapping: 'json-api-rmd',
      config: config(),
      secrets: { token: 'rmb-token-123456' },
      schedule: '*/2 * * * * *',
    });
    expect(res.statusCode).toBe(201);
    expect(JSON.stringify(res.json())).not.toContain('rmb-token-123456');
    id = res.json().id;
    const run = await waitFor(
      'a scheduled run to succeed',
      async () =>
        (
          await db.pool.query(
            `SELECT * FROM connector_runs WHERE instance_id = $1 AND trigger = 'schedule' AND status = 'succeeded'`,
            [id],
          )
        ).rows[0],
      90_000,
    );
    expect(run.rows_read).toBeGreaterThanOrEqual(244);
    await waitForConnectorBatches(hub, db, id);
    expect(await count(`SELECT count(*) n FROM lots WHERE country = 'RW'`)).toBe(180);
    expect(await count(`SELECT count(*) n FROM mine_sites WHERE country = 'RW'`)).toBe(24);
    expect(await count(`SELECT count(*) n FROM exports WHERE country = 'RW'`)).toBe(40);
    // The national server failed on the way; the runs went on.
    expect(national.requests.some((r) => r.status === 500)).toBe(true);
    expect(national.requests.some((r) => r.status === 'hang')).toBe(true);

    const status = (await api('GET', `/v1/connectors/${id}`)).json().status;
    expect(status).toMatchObject({ health: 'ok', consecutiveFailures: 0 });
    expect(status.cursor.streams.lots.id).toBe('1180');
    expect(Date.parse(status.nextRunAt)).toBeGreaterThan(Date.now() - 5000);
    expect(status.rows.read).toBeGreaterThanOrEqual(0);
    const schedulers = await (
      hub.connectors.scheduler as unknown as {
        queue: { getJobSchedulers(): Promise<{ key: string; pattern?: string }[]> };
      }
    ).queue.getJobSchedulers();
    expect(schedulers).toEqual([
      expect.objectContaining({ key: `connector:${id}`, pattern: '*/2 * * * * *' }),
    ]);
  });

  it('later runs send only what changed: re-read rows go nowhere, a changed row is one new version', async () => {
    const history = await count(`SELECT count(*) n FROM record_history WHERE country = 'RW'`);
    const lot = national.data.lots.find((l) => l.id === 1100)!;
    national.upsert('lots', { ...lot, packages: 99, updated_at: new Date().toISOString() });
    await waitFor(
      'the changed lot stored',
      async () =>
        (await db.pool.query(`SELECT 1 FROM lots WHERE lot_number = $1 AND packages = 99`, [lot.lot_number]))
          .rowCount === 1,
      60_000,
    );
    await waitForConnectorBatches(hub, db, id);
    expect(await count(`SELECT count(*) n FROM record_history WHERE country = 'RW'`)).toBe(history + 1);
    const unchanged = await count(
      `SELECT sum(records_unchanged) n FROM connector_runs WHERE instance_id = $1`,
      [id],
    );
    expect(unchanged).toBeGreaterThan(0);
  });

  it('run now, and a replay of a run finds the batches it stored: the same batches', async () => {
    await api('PATCH', `/v1/connectors/${id}`, { schedule: null });
    await waitFor('the job scheduler removed', async () => {
      const s = await (
        hub.connectors.scheduler as unknown as { queue: { getJobSchedulers(): Promise<unknown[]> } }
      ).queue.getJobSchedulers();
      return s.length === 0;
    });
    await waitFor(
      'no run in progress',
      async () =>
        (
          await db.pool.query(
            `SELECT 1 FROM connector_runs WHERE instance_id = $1 AND status IN ('queued', 'running')`,
            [id],
          )
        ).rowCount === 0,
    );
    // From the beginning again: every page is read and stored anew as one long run.
    const reset = await api('PATCH', `/v1/connectors/${id}`, { resetCursor: true });
    expect(reset.json().status.cursor).toBeNull();
    const now = await api('POST', `/v1/connectors/${id}/run`);
    expect(now.statusCode).toBe(202);
    const first = await hub.waitForRun(now.json().id, 90_000);
    expect(first.status).toBe('succeeded');
    // Make it "failed" to replay it (as an interrupted run would be), then replay it.
    await db.pool.query(
      `UPDATE connector_runs SET status = 'failed', error_code = 'RMDX_CONN_INTERRUPTED' WHERE id = $1`,
      [first.id],
    );
    const batchesBefore = await count(`SELECT count(*) n FROM batches WHERE connector_id = $1`, [id]);
    const replay = await api('POST', `/v1/connectors/${id}/runs/${first.id}/replay`);
    expect(replay.statusCode).toBe(202);
    expect(replay.json()).toMatchObject({ trigger: 'replay', replayOf: first.id });
    const replayed = await hub.waitForRun(replay.json().id, 90_000);
    expect(replayed.status).toBe('succeeded');
    expect(replayed.batches_created).toBe(0);
    // Its pages are the pages the first run of all stored from the same cursor: found, not stored again.
    expect(replayed.batches_existing).toBe(first.batches_created + first.batches_existing);
    expect(replayed.batches_existing).toBeGreaterThan(0);
    expect(await count(`SELECT count(*) n FROM batches WHERE connector_id = $1`, [id])).toBe(batchesBefore);
    const shown = (await api('GET', `/v1/connectors/${id}/runs/${replayed.id}`)).json();
    expect(shown.batchList.every((b: { created: boolean }) => !b.created)).toBe(true);
    // Only a failed run can be replayed.
    expect((await api('POST', `/v1/connectors/${id}/runs/${replayed.id}/replay`)).json()).toMatchObject({
      code: 'RMDX_ERR_CONFLICT',
    });
  });

  it('refused credentials fail a run without retrying; failed runs in a row pause the connector, which says why', async () => {
    await api('PATCH', `/v1/connectors/${id}`, { secrets: { token: 'expired-token-0000' } });
    const runs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await hub.waitForRun((await api('POST', `/v1/connectors/${id}/run`)).json().id, 60_000);
      expect(r).toMatchObject({
        status: 'failed',
        attempt: 1,
        error_code: 'RMDX_CONN_AUTH_FAILED',
        error_retryable: false,
      });
      expect(r.error_message).not.toContain('expired-token');
      runs.push(r.id);
    }
    const c = (await api('GET', `/v1/connectors/${id}`)).json();
    expect(c).toMatchObject({
      enabled: false,
      status: { health: 'paused', consecutiveFailures: 2, lastError: { code: 'RMDX_CONN_AUTH_FAILED' } },
    });
    expect(c.paused.reason).toMatch(/paused after 2 failed runs in a row; last: RMDX_CONN_AUTH_FAILED/);
    const audit = await db.pool.query(`SELECT type, actor FROM audit_log WHERE subject = $1 ORDER BY seq`, [
      `connector:${id}`,
    ]);
    expect(audit.rows.map((r) => r.type)).toEqual(
      expect.arrayContaining([
        'connector.created',
        'connector.updated',
        'connector.run_replayed',
        'connector.paused',
      ]),
    );
    expect(audit.rows.find((r) => r.type === 'connector.paused')).toMatchObject({ actor: 'system' });

    // Fixed and resumed, it runs again; the failed run can be replayed.
    await api('PATCH', `/v1/connectors/${id}`, { secrets: { token: 'rmb-token-123456' } });
    expect((await api('POST', `/v1/connectors/${id}/resume`)).json()).toMatchObject({
      enabled: true,
      status: { consecutiveFailures: 0 },
    });
    const replay = await hub.waitForRun(
      (await api('POST', `/v1/connectors/${id}/runs/${runs[1]}/replay`)).json().id,
      60_000,
    );
    expect(replay.status).toBe('succeeded');
  });

  it('transient failures are tried again with backoff; when they last, the run fails and counts', async () => {
    const down = await api('POST', '/v1/connectors', {
      country: 'UG',
      name: 'down',
      kind: 'http-json',
      mapping: 'json-api-rmd',
      // Nothing listens on port 9 of localhost: connection refused.
      config: config({
        baseUrl: 'http://127.0.0.1:9/api/v1/',
        auth: { type: 'none' },
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      }),
    });
    const downId = down.json().id;
    const r = await hub.waitForRun((await api('POST', `/v1/connectors/${downId}/run`)).json().id, 60_000);
    expect(r).toMatchObject({
      status: 'failed',
      attempt: 3,
      error_code: 'RMDX_CONN_NETWORK',
      error_retryable: true,
    });
    expect(r.finished_at!.getTime() - r.started_at!.getTime()).toBeGreaterThanOrEqual(20 / 2 + 40 / 2);
    expect((await getRun(db.pool, r.id))?.error_message).toMatch(/ECONNREFUSED|fetch failed/);
    const c = (await api('GET', `/v1/connectors/${downId}`)).json();
    expect(c.status).toMatchObject({ health: 'failing', consecutiveFailures: 1, lastRunStatus: 'failed' });
  });
});
