/**
 * Exactly once, under SIGKILL. A real hub server process (src/server.ts, no Redis: the in-process
 * scheduler runs the connector every second, the inline pipeline stores its batches) pulls the fake
 * national API — which answers 500 every 7th request and leaves every 23rd hanging past the client's
 * timeout — and is killed with SIGKILL at random moments, over and over, then started again. Between
 * kills the national database changes: rows are updated (each at most once) and new rows appear.
 *
 * In the end every source row's last version is the current record, and the versions stored
 * (record_history ∪ current rows) hold each version exactly once: the originals once, each updated
 * row twice, nothing skipped, nothing stored
 * twice — though pages were re-read after every kill and every run re-reads a lookback window.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { connectorsContextOf } from '../../../src/connectors/hub.js';
import { createConnector } from '../../../src/connectors/manage.js';
import type { SourceRow } from '../../../src/connectors/contract.js';
import { mapRows, type MappedRecord } from '../../../src/connectors/mapping/runtime.js';
import { canonicalJson, identityOf } from '../../../src/connectors/page-batches.js';
import { loadRegistry } from '../../../src/standard/registry.js';
import { testConfig } from '../../helpers/app.js';
import { testDatabase } from '../../helpers/db.js';
import {
  seedData,
  startFakeNationalServer,
  type FakeItem,
  type Resource,
  fakeServerStreams,
} from '../../helpers/fake-national-server.js';
import { startHubProcess, waitFor, type RunningProcess } from '../../helpers/processes.js';
import { freePort } from '../../helpers/services.js';
import { testSecretKey } from './hub.js';

const KILLS = Number(process.env.EXACTLY_ONCE_KILLS ?? 14);
const db = await testDatabase();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rmdx-exactly-once-'));
const national = await startFakeNationalServer({
  failEvery: 7,
  hangEvery: 23,
  data: seedData({ sites: 30, lots: 400, exports: 80 }),
});
let proc: RunningProcess | undefined;
afterAll(async () => {
  await proc?.kill('SIGKILL');
  await national.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A seeded random, so a failing run can be repeated (EXACTLY_ONCE_SEED). */
const seed = Number(process.env.EXACTLY_ONCE_SEED ?? Date.now() % 100_000);
let state = seed;
const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

const registry = loadRegistry();
const ctx = connectorsContextOf({
  config: { connectors: { ...testConfig().connectors, secretKey: testSecretKey } },
  pool: db.pool,
  registry,
});

async function startServer(): Promise<RunningProcess> {
  return startHubProcess('src/server.ts', {
    DATABASE_URL: db.url,
    REDIS_URL: '',
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    RMDX_DATA_DIR: tmp,
    RMDX_CONNECTOR_SECRET_KEY: testSecretKey,
    RMDX_CONNECTOR_TICK_S: '1',
    RMDX_CONNECTOR_RUN_ATTEMPTS: '5',
    RMDX_CONNECTOR_RETRY_BASE_MS: '200',
    RMDX_CONNECTOR_PAUSE_AFTER: '1000',
    RMDX_STUCK_AFTER_S: '5',
    RMDX_SWEEP_INTERVAL_S: '2',
    LOG_LEVEL: 'warn',
  });
}

/** The source's rows as the connector reads them, mapped: what the hub must end up holding. */
async function mapped(data: Record<Resource, FakeItem[]>): Promise<Map<string, MappedRecord>> {
  const mapping = await ctx.mappings.load('json-api-rmd');
  const rows: SourceRow[] = (['sites', 'lots', 'exports'] as const).flatMap((stream) =>
    data[stream].map((item, i) => ({ stream, rowNumber: i + 1, data: item, sourceId: String(item.id) })),
  );
  const r = await mapRows(mapping, rows, { reportingCountry: 'RW' });
  expect(r.issues).toEqual([]);
  return new Map(
    r.records.map((rec) => {
      const id = identityOf(rec)!;
      return [`${id.type}:${id.key}`, rec];
    }),
  );
}

const clone = (d: Record<Resource, FakeItem[]>) => structuredClone(d);
const pagesStored = async () =>
  (await db.pool.query<{ n: number }>('SELECT coalesce(sum(pages), 0)::int n FROM connector_runs')).rows[0]!
    .n;

describe('a connector killed at random points of many runs stores every source row exactly once', () => {
  it('survives SIGKILL, 500s and timeouts', { timeout: 900_000 }, async () => {
    const inst = await createConnector(
      ctx,
      {
        country: 'RW',
        name: 'rmb-api',
        kind: 'http-json',
        mapping: 'json-api-rmd@1.0.0',
        config: {
          baseUrl: national.apiUrl,
          streams: fakeServerStreams,
          pagination: { style: 'keyset', limit: 10 },
          // Every run re-reads the last hour: many rows are read again and again.
          cursor: { lookbackSeconds: 3600 },
          timeoutMs: 400,
          retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 40 },
        },
        schedule: '* * * * * *',
      },
      'test',
    );
    const originals = await mapped(clone(national.data));
    const versions = new Map<string, string[]>([...originals].map(([k, r]) => [k, [canonicalJson(r)]]));
    const touched = new Set<number>();
    let kills = 0;
    let phase: 'first pass' | 'changing' = 'first pass';
    let lastChange = new Date(0);
    const log: string[] = [];

    for (let cycle = 0; kills < KILLS; cycle++) {
      proc = await startServer();
      const started = proc;
      await waitFor(
        'the server to listen',
        async () => /RMDX is running/.test(started.output()),
        120_000,
        50,
      );
      const pagesBefore = await pagesStored();
      // Kill at a random moment after it listens: between runs, in the middle of a run's pages, in a
      // page's transaction, while the pipeline stores a batch…
      const delay = 200 + random() * 6000;
      await new Promise((r) => setTimeout(r, delay));
      await proc.kill('SIGKILL');
      kills++;
      const runs = await db.pool.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int n FROM connector_runs GROUP BY 1 ORDER BY 1`,
      );
      log.push(
        `kill ${kills} ${Math.round(delay)} ms after listening, ${(await pagesStored()) - pagesBefore} page(s) stored meanwhile; runs: ${runs.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`,
      );
      if (phase === 'first pass') {
        const done = await db.pool.query(`SELECT 1 FROM connector_runs WHERE status = 'succeeded' LIMIT 1`);
        if (done.rowCount) phase = 'changing';
        else continue;
      }
      // The national database changes while the hub is down: rows updated (each once), rows added.
      const now = Date.now();
      for (let k = 0; k < 20; k++) {
        const lot = national.data.lots[Math.floor(random() * national.data.lots.length)]!;
        if (touched.has(lot.id)) continue;
        touched.add(lot.id);
        national.upsert('lots', {
          ...lot,
          packages: Number(lot.packages) + 1000,
          updated_at: new Date(now - 1000 * k).toISOString(),
        });
      }
      for (let k = 0; k < 3; k++) {
        const exp = national.data.exports[Math.floor(random() * national.data.exports.length)]!;
        if (touched.has(exp.id)) continue;
        touched.add(exp.id);
        national.upsert('exports', {
          ...exp,
          fob_value_usd: Number(exp.fob_value_usd) + 1,
          updated_at: new Date(now - 500 * k).toISOString(),
        });
      }
      for (let k = 0; k < 5; k++) {
        const n = 9000 + cycle * 10 + k;
        national.upsert('lots', {
          ...national.data.lots[0]!,
          id: n,
          lot_number: `RW-LOT-2026-${String(n).padStart(6, '0')}`,
          updated_at: new Date(now).toISOString(),
        });
        touched.add(n);
      }
      lastChange = new Date();
      for (const [k, rec] of await mapped(clone(national.data))) {
        const list = versions.get(k) ?? [];
        const text = canonicalJson(rec);
        if (list[list.length - 1] !== text) list.push(text);
        versions.set(k, list);
      }
    }

    // Last: a server left alone until a run that began after the last change has succeeded and
    // every batch is stored.
    proc = await startServer();
    await waitFor(
      'a complete run after the last change, and every batch final',
      async () => {
        const ran = await db.pool.query(
          `SELECT 1 FROM connector_runs WHERE status = 'succeeded' AND started_at > $1 LIMIT 1`,
          [lastChange],
        );
        const open = await db.pool.query(
          `SELECT 1 FROM batches WHERE status IN ('received', 'validating', 'persisting') LIMIT 1`,
        );
        return ran.rowCount === 1 && open.rowCount === 0;
      },
      300_000,
      500,
    );
    await proc.kill('SIGTERM');

    const final = await mapped(national.data);
    // 1. Nothing skipped: every source row's last version is the current record.
    const current = await db.pool.query<{ record_type: string; key: string; received: unknown }>(
      `SELECT 'mineSite' AS record_type, site_id AS key, received FROM mine_sites WHERE country = 'RW'
       UNION ALL SELECT 'lot', lot_number, received FROM lots WHERE country = 'RW'
       UNION ALL SELECT 'export', export_id, received FROM exports WHERE country = 'RW'`,
    );
    const held = new Map(current.rows.map((r) => [`${r.record_type}:${r.key}`, canonicalJson(r.received)]));
    expect([...held.keys()].sort()).toEqual([...final.keys()].sort());
    for (const [k, rec] of final) expect(held.get(k), k).toBe(canonicalJson(rec));

    // 2. Nothing stored twice: each version of each row exactly once, in order: the superseded
    //    versions in record_history and the current one in its table (migration 0007).
    const history = await db.pool.query<{ record_type: string; key: string; received: unknown }>(
      `SELECT record_type, key, received FROM (
         SELECT record_type, key, received, batch_seq, record_index FROM record_history WHERE country = 'RW'
         UNION ALL SELECT 'mineSite', site_id, received, batch_seq, record_index FROM mine_sites WHERE country = 'RW'
         UNION ALL SELECT 'lot', lot_number, received, batch_seq, record_index FROM lots WHERE country = 'RW'
         UNION ALL SELECT 'export', export_id, received, batch_seq, record_index FROM exports WHERE country = 'RW'
       ) v ORDER BY batch_seq, record_index`,
    );
    const seen = new Map<string, string[]>();
    for (const h of history.rows) {
      const k = `${h.record_type}:${h.key}`;
      seen.set(k, [...(seen.get(k) ?? []), canonicalJson(h.received)]);
    }
    const twice = [...seen].filter(([k, list]) => list.length !== versions.get(k)?.length);
    expect(
      twice.map(([k, list]) => `${k}: ${list.length} stored, ${versions.get(k)?.length} versions`),
    ).toEqual([]);
    for (const [k, list] of versions) expect(seen.get(k), k).toEqual(list);

    // 3. The batches went through the pipeline, and every one says which connector it came from.
    const batches = await db.pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int n FROM batches WHERE connector_id = $1 GROUP BY 1`,
      [inst.id],
    );
    expect(batches.rows.map((r) => r.status)).toEqual(['completed']);
    expect(
      await db.pool.query(`SELECT 1 FROM batches WHERE connector_id IS DISTINCT FROM $1`, [inst.id]),
    ).toMatchObject({ rowCount: 0 });

    const runs = await db.pool.query<{ status: string; error_code: string | null; n: number }>(
      `SELECT status, error_code, count(*)::int n FROM connector_runs GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const totals = await db.pool.query<{ pages: number; rows: number; unchanged: number; created: number }>(
      `SELECT sum(pages)::int pages, sum(rows_read)::int rows, sum(records_unchanged)::int unchanged,
              sum(batches_created)::int created FROM connector_runs`,
    );
    const failures = national.requests.filter((r) => r.status === 500 || r.status === 'hang').length;
    const figures = {
      seed,
      kills,
      runs: runs.rows.reduce((a, r) => a + r.n, 0),
      runsByOutcome: Object.fromEntries(
        runs.rows.map((r) => [`${r.status}${r.error_code ? ` ${r.error_code}` : ''}`, r.n]),
      ),
      sourceRows: final.size,
      updatedRows: [...versions.values()].filter((v) => v.length > 1).length,
      historyRows: history.rowCount,
      pagesStored: totals.rows[0]!.pages,
      rowsRead: totals.rows[0]!.rows,
      rowsReadAgainUnchanged: totals.rows[0]!.unchanged,
      batches: totals.rows[0]!.created,
      requests: national.requests.length,
      serverErrorsAndHangs: failures,
    };
    console.log(`exactly once: ${JSON.stringify(figures)}\n${log.join('\n')}`);
    expect(figures.runs).toBeGreaterThanOrEqual(KILLS);
    expect(figures.rowsRead).toBeGreaterThan(figures.sourceRows);
  });
});
