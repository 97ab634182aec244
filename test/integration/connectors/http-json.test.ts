import { afterEach, describe, expect, it } from 'vitest';

import type { Cursor, SourceRow } from '../../../src/connectors/contract.js';
import { ConnectorError } from '../../../src/connectors/errors.js';
import {
  dryRunMapping,
  httpJsonKind,
  loadMapping,
  type HttpJsonConfig,
} from '../../../src/connectors/index.js';
import { createLogger } from '../../../src/logger.js';
import {
  startFakeNationalServer,
  type FakeNationalServer,
  fakeServerStreams,
} from '../../helpers/fake-national-server.js';
import { issueLines, validateMapped } from './standard.js';

const logger = createLogger('silent');
const instant = { logger, sleep: async () => undefined, random: () => 0.5 };
let server: FakeNationalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const config = (srv: FakeNationalServer, over: Partial<HttpJsonConfig> = {}): HttpJsonConfig => ({
  baseUrl: srv.apiUrl,
  streams: fakeServerStreams,
  pagination: { style: 'keyset', limit: 10 },
  cursor: { lookbackSeconds: 600 },
  timeoutMs: 2000,
  retry: { maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 5 },
  ...over,
});

/** Reads to the end, "storing" each page's cursor; optionally crashes after `crashAfter` pages. */
async function readAll(cfg: HttpJsonConfig, secrets: object, cursor: Cursor | null, crashAfter?: number) {
  const rows: SourceRow[] = [];
  let stored = cursor;
  let pages = 0;
  for await (const page of httpJsonKind.read(cfg, secrets, cursor, instant)) {
    rows.push(...page.rows);
    stored = page.cursor;
    if (crashAfter !== undefined && ++pages >= crashAfter) return { rows, cursor: stored, crashed: true };
  }
  return { rows, cursor: stored, crashed: false };
}

const idsOf = (rows: SourceRow[], stream: string) =>
  rows.filter((r) => r.stream === stream).map((r) => Number(r.sourceId));
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('http-json against the fake national server', () => {
  it('reads the json-api-rmd format end to end into valid records', async () => {
    server = await startFakeNationalServer();
    const mapping = await loadMapping('connectors/json-api-rmd');
    const r = await dryRunMapping(httpJsonKind, mapping, {
      config: config(server),
      map: { reportingCountry: 'RW' },
    });
    expect(r.issues).toEqual([]);
    expect(r.stats).toMatchObject({ rows: 244, mapped: 244, records: 244 });
    const report = validateMapped('RW', '2026-03', r.records);
    expect(issueLines(report)).toEqual([]);
    const lot = r.records.find((x) => x.lotNumber === 'RW-LOT-2026-004060')!;
    expect(lot).toMatchObject({ operation: 'purchase', unit: 'KGM', custodianId: 'RMB-ACT-00106' });
    expect(lot).not.toHaveProperty('siteId'); // null in the API
    expect(r.records.find((x) => x.exportId === 'RMB-EXP-2026-0303')).toMatchObject({
      certificateNumber: 'RW-2026-000103',
      mineral: 'gold',
      destinationCountry: 'AE',
    });
    expect(r.cursor).toEqual({
      streams: {
        sites: { updatedAt: '2026-02-02T00:00:00.000Z', id: '24' },
        lots: { updatedAt: server.data.lots.find((l) => l.id === 1180)!.updated_at, id: '1180' },
        exports: { updatedAt: '2026-03-04T12:00:00.000Z', id: '5040' },
      },
    });
  });

  it('does not skip rows sharing an updated_at across page boundaries', async () => {
    server = await startFakeNationalServer();
    const { rows } = await readAll(config(server, { streams: [{ name: 'lots', path: 'lots' }] }), {}, null);
    // Lots 1055..1084 share one timestamp; pages of 10 cut that group three times.
    expect(idsOf(rows, 'lots')).toEqual(range(1001, 180));
    const shared = server.data.lots.find((l) => l.id === 1055)!.updated_at;
    const sharedPages = server.requests.filter((q) =>
      q.url.includes(`updated_since=${encodeURIComponent(shared)}`),
    );
    expect(sharedPages.map((q) => new URL(q.url, server!.url).searchParams.get('page'))).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
  });

  it('survives 500s, hanging requests (timeouts) and connection resets', async () => {
    server = await startFakeNationalServer({ failEvery: 3, hangEvery: 7, resetEvery: 11 });
    const { rows } = await readAll(config(server, { timeoutMs: 300 }), {}, null);
    expect(idsOf(rows, 'sites')).toEqual(range(1, 24));
    expect(idsOf(rows, 'lots')).toEqual(range(1001, 180));
    expect(idsOf(rows, 'exports')).toEqual(range(5001, 40));
    const statuses = server.requests.map((q) => q.status);
    expect(statuses).toContain(500);
    expect(statuses).toContain('hang');
    expect(statuses).toContain('reset');
  });

  it('gives up on a source that keeps timing out, with a retryable error', async () => {
    server = await startFakeNationalServer({ hangEvery: 1 });
    const cfg = config(server, { timeoutMs: 200, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const err = await readAll(cfg, {}, null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'RMDX_CONN_TIMEOUT', retryable: true, attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it('resumes after a crash at any page from the stored cursor without skipping a row', async () => {
    server = await startFakeNationalServer();
    const cfg = config(server, { cursor: { lookbackSeconds: 0 } });
    const all = (await readAll(cfg, {}, null)).rows;
    expect(all).toHaveLength(244);
    for (const crashAfter of [1, 2, 3, 5, 8, 13]) {
      const seen = new Map<string, number>();
      let cursor: Cursor | null = null;
      for (let attempt = 0, idle = 0; attempt < 200 && idle < 2; attempt++) {
        const before = seen.size;
        const run = await readAll(cfg, {}, cursor, crashAfter);
        for (const r of run.rows)
          seen.set(`${r.stream}:${r.sourceId}`, (seen.get(`${r.stream}:${r.sourceId}`) ?? 0) + 1);
        cursor = run.cursor;
        if (!run.crashed) break;
        idle = seen.size === before ? idle + 1 : 0;
      }
      expect(seen.size, `crash after ${crashAfter} pages`).toBe(244);
    }
  });

  it('reads only what changed since the cursor, plus the lookback window (a row committed late is not lost)', async () => {
    server = await startFakeNationalServer();
    const cfg = config(server, {
      streams: [{ name: 'lots', path: 'lots' }],
      cursor: { lookbackSeconds: 600 },
    });
    const first = await readAll(cfg, {}, null);
    const cursorTime = Date.parse(
      (first.cursor as { streams: { lots: { updatedAt: string } } }).streams.lots.updatedAt,
    );
    const changed = server.upsert('lots', {
      ...server.data.lots.find((l) => l.id === 1010)!,
      grade_pct: 64,
      updated_at: new Date(cursorTime + 60_000).toISOString(),
    });
    server.upsert('lots', {
      ...changed,
      id: 1181,
      lot_number: 'RW-LOT-2026-004181',
      updated_at: new Date(cursorTime + 120_000).toISOString(),
    });
    // Committed late: its timestamp is before the stored cursor, within the lookback.
    server.upsert('lots', {
      ...changed,
      id: 1182,
      lot_number: 'RW-LOT-2026-004182',
      updated_at: new Date(cursorTime - 300_000).toISOString(),
    });
    const second = await readAll(cfg, {}, first.cursor);
    const ids = idsOf(second.rows, 'lots');
    expect(ids).toEqual(expect.arrayContaining([1010, 1181, 1182]));
    expect(ids.length).toBeLessThan(10);
    expect(second.cursor).toEqual({
      streams: { lots: { updatedAt: new Date(cursorTime + 120_000).toISOString(), id: '1181' } },
    });
    const third = await readAll(cfg, {}, second.cursor);
    expect(third.cursor).toEqual(second.cursor);
  });

  it('reads everything when the server serves smaller pages than asked for', async () => {
    server = await startFakeNationalServer({ maxLimit: 7 });
    for (const style of ['keyset', 'page'] as const) {
      const { rows } = await readAll(config(server, { pagination: { style, limit: 50 } }), {}, null);
      expect(idsOf(rows, 'lots')).toEqual(range(1001, 180));
      expect(idsOf(rows, 'sites')).toEqual(range(1, 24));
    }
  });

  it('refuses keyset paging on an API that does not sort, and holds the cursor back in page mode', async () => {
    // A national API that ignores the sort order: items come newest first.
    server = await startFakeNationalServer();
    const data = server.data;
    const http = await import('node:http');
    const unsorted = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const page = Number(url.searchParams.get('page') ?? 1);
      const items = [...data.lots].reverse().slice((page - 1) * 10, page * 10);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: items }));
    });
    await new Promise<void>((r) => unsorted.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(unsorted.address() as { port: number }).port}/`;
    try {
      const cfg = config(server, { baseUrl: base, streams: [{ name: 'lots', path: 'lots' }] });
      await expect(readAll(cfg, {}, null)).rejects.toMatchObject({
        code: 'RMDX_CONN_BAD_RESPONSE',
        retryable: false,
      });
      const cursors: unknown[] = [];
      const rows: SourceRow[] = [];
      for await (const page of httpJsonKind.read(
        { ...cfg, pagination: { style: 'page', limit: 10 } },
        {},
        null,
        instant,
      )) {
        rows.push(...page.rows);
        cursors.push(page.cursor);
      }
      expect(rows).toHaveLength(180);
      // Until the stream is read to its end, no page may claim the newest row.
      expect(cursors.slice(0, -1).every((c) => JSON.stringify(c) === JSON.stringify({ streams: {} }))).toBe(
        true,
      );
      expect(cursors.at(-1)).toMatchObject({ streams: { lots: { id: '1180' } } });
    } finally {
      unsorted.closeAllConnections();
      await new Promise<void>((r) => unsorted.close(() => r()));
    }
  });

  it('also pages with page/limit and with next links', async () => {
    server = await startFakeNationalServer();
    for (const style of ['page', 'next-link'] as const) {
      const { rows, cursor } = await readAll(config(server, { pagination: { style, limit: 10 } }), {}, null);
      expect(idsOf(rows, 'lots')).toEqual(range(1001, 180));
      expect(cursor).toMatchObject({ streams: { lots: { id: '1180' } } });
    }
  });

  it('sends the bearer token, and a refused token is not retried', async () => {
    server = await startFakeNationalServer({ token: 'rmb-4f1c9e2a77' });
    const cfg = config(server, { auth: { type: 'bearer' } });
    const ok = await readAll(
      { ...cfg, streams: [{ name: 'sites', path: 'sites' }] },
      { token: 'rmb-4f1c9e2a77' },
      null,
    );
    expect(ok.rows).toHaveLength(24);
    server.requests.length = 0;
    const err = (await readAll(cfg, { token: 'rmb-wrong-token' }, null).catch(
      (e: unknown) => e,
    )) as ConnectorError;
    expect(err).toMatchObject({ code: 'RMDX_CONN_AUTH_FAILED', retryable: false, status: 401, attempts: 1 });
    expect(err.message).toMatch(/not retried/);
    expect(err.message).not.toContain('rmb-wrong-token');
    expect(server.requests).toHaveLength(1);
  });

  it('sends basic auth, never logging or returning the password', async () => {
    server = await startFakeNationalServer();
    const lines: string[] = [];
    const { pino } = await import('pino');
    const captured = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
    const cfg = config(server, { auth: { type: 'basic' }, streams: [{ name: 'sites', path: 'sites' }] });
    server.options.failEvery = 2;
    for await (const _ of httpJsonKind.read(cfg, { username: 'rmdx', password: 'Pa55-w0rd!' }, null, {
      ...instant,
      logger: captured,
    }))
      void _;
    expect(server.requests[0]!.authorization).toBe(
      `Basic ${Buffer.from('rmdx:Pa55-w0rd!').toString('base64')}`,
    );
    expect(lines.length).toBeGreaterThan(0); // the retries were logged
    expect(lines.join('\n')).not.toContain('Pa55-w0rd!');
    expect(lines.join('\n')).not.toContain(Buffer.from('rmdx:Pa55-w0rd!').toString('base64'));
  });

  it('check says ok, auth_failed, not_found or unreachable', async () => {
    server = await startFakeNationalServer({ token: 't0k3n-abcdef' });
    const cfg = config(server, { auth: { type: 'bearer' } });
    expect(await httpJsonKind.check(cfg, { token: 't0k3n-abcdef' }, instant)).toMatchObject({
      ok: true,
      status: 'ok',
    });
    const refused = await httpJsonKind.check(cfg, { token: 'nope-nope' }, instant);
    expect(refused).toMatchObject({
      ok: false,
      status: 'auth_failed',
      error: { code: 'RMDX_CONN_AUTH_FAILED', retryable: false },
    });
    expect(JSON.stringify(refused)).not.toContain('nope-nope');
    expect(
      await httpJsonKind.check(
        { ...cfg, streams: [{ name: 'x', path: 'stock' }] },
        { token: 't0k3n-abcdef' },
        instant,
      ),
    ).toMatchObject({
      status: 'not_found',
    });
    const missing = await httpJsonKind.check(cfg, {}, instant);
    expect(missing).toMatchObject({ ok: false, status: 'bad_config' });
    const url = server.url;
    await server.close();
    server = undefined;
    const down = await httpJsonKind.check(
      { ...cfg, baseUrl: `${url}/api/v1/` },
      { token: 't0k3n-abcdef' },
      instant,
    );
    expect(down).toMatchObject({ ok: false, status: 'unreachable', error: { retryable: true } });
  });
});
