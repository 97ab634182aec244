/**
 * A fake national mineral database API (the `json-api-rmd` reference format), on a real node:http
 * server on 127.0.0.1. Resources `sites`, `lots`, `exports` under `/api/v1/`, each listing items with
 * `updated_since` (inclusive), `page` and `limit`, sorted by (updated_at, id), answering
 * `{ data, meta: { page, limit, total }, links: { next } }`.
 *
 * It misbehaves on demand: a 500 every Nth request, a request left hanging (to trip the client's
 * timeout) every Mth, a connection reset, a required bearer token; and its seed data has several
 * rows sharing one updated_at across a page boundary.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Resource = 'sites' | 'lots' | 'exports';

/** The streams a connector reads from this server, one per resource, in dependency order. */
export const fakeServerStreams = [
  { name: 'sites', path: 'sites' },
  { name: 'lots', path: 'lots' },
  { name: 'exports', path: 'exports' },
];

export interface FakeItem {
  id: number;
  updated_at: string;
  [key: string]: unknown;
}

export interface FakeServerOptions {
  /** Answer 500 to every Nth request (counting all requests, 1-based). */
  failEvery?: number;
  /** Leave every Nth request without an answer (until the server closes). */
  hangEvery?: number;
  /** Destroy the socket of every Nth request without answering. */
  resetEvery?: number;
  /** Require `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest page size served. @defaultValue 100 */
  maxLimit?: number;
  /** Seed data; default: `seedData()`. */
  data?: Record<Resource, FakeItem[]>;
}

export interface RequestLog {
  n: number;
  method: string;
  url: string;
  status: number | 'hang' | 'reset';
  authorization: string | undefined;
}

export interface FakeNationalServer {
  url: string;
  /** Base URL of the API (ends with /api/v1/). */
  apiUrl: string;
  data: Record<Resource, FakeItem[]>;
  requests: RequestLog[];
  options: FakeServerOptions;
  /** Adds or replaces an item, stamping it with updated_at (default: now). */
  upsert(resource: Resource, item: Omit<FakeItem, 'updated_at'> & { updated_at?: string }): FakeItem;
  close(): Promise<void>;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * Realistic seed data of Rwanda's national database (RMB): mine sites, lots and exports. 30 lots share
 * one updated_at, so that with pages of 10 they straddle several page boundaries.
 */
export function seedData(
  counts: { sites?: number; lots?: number; exports?: number } = {},
): Record<Resource, FakeItem[]> {
  const nSites = counts.sites ?? 24;
  const nLots = counts.lots ?? 180;
  const nExports = counts.exports ?? 40;
  const districts = [
    ['Western', 'Rutsiro', 'Mushubati'],
    ['Western', 'Ngororero', 'Nyange'],
    ['Northern', 'Gakenke', 'Nemba'],
    ['Southern', 'Muhanga', 'Nyabinoni'],
    ['Eastern', 'Rwamagana', 'Musha'],
    ['Western', 'Nyabihu', 'Jomba'],
  ] as const;
  const mineralsBySite = [['Sn'], ['Ta', 'Sn'], ['W'], ['Au'], ['Sn', 'W'], ['Ta']];
  const base = Date.UTC(2026, 1, 1);
  const sites: FakeItem[] = [];
  for (let i = 1; i <= nSites; i++) {
    const [province, district, sector] = districts[i % districts.length]!;
    sites.push({
      id: i,
      site_code: `RW-MS-${pad(i, 4)}`,
      name: `${sector} ${['Cassiterite', 'Coltan', 'Wolfram', 'Gold', 'Mixed', 'Tantalum'][i % 6]} Concession ${i}`,
      province,
      district,
      sector,
      gps: { lat: -1.5 - (i % 17) * 0.05, lng: 29.3 + (i % 13) * 0.07 },
      minerals: mineralsBySite[i % mineralsBySite.length],
      status: i % 9 === 0 ? 0 : i % 7 === 0 ? 2 : i % 11 === 0 ? 3 : 1,
      status_date: new Date(base - (i % 200) * 86_400_000).toISOString().slice(0, 10),
      activity: i % 10 === 0 ? 'inactive' : 'active',
      last_inspection: new Date(base - (i % 200) * 86_400_000).toISOString().slice(0, 10),
      operator_id: `RMB-ACT-${pad(100 + (i % 9), 5)}`,
      licence_no: `ML/${2019 + (i % 6)}/${pad(i, 3)}`,
      updated_at: new Date(base + i * 3_600_000).toISOString(),
    });
  }
  const mineralNames = ['cassiterite', 'coltan', 'wolframite', 'gold'];
  const lots: FakeItem[] = [];
  // Lots 55..84 share the timestamp of lot 55: with pages of 10 they straddle three page boundaries.
  const shared = new Date(Date.UTC(2026, 2, 1) + 55 * 17 * 60_000).toISOString();
  for (let i = 1; i <= nLots; i++) {
    const mineral = mineralNames[i % 4]!;
    const gold = mineral === 'gold';
    const updated =
      i >= 55 && i < 85 ? shared : new Date(Date.UTC(2026, 2, 1) + i * 17 * 60_000).toISOString();
    lots.push({
      id: 1000 + i,
      lot_number: `RW-LOT-2026-${pad(4000 + i, 6)}`,
      registered_at: new Date(Date.UTC(2026, 2, 1, 6) + i * 11 * 60_000)
        .toISOString()
        .replace('.000Z', '+00:00'),
      custodian: { id: `RMB-ACT-${pad(100 + (i % 9), 5)}`, name: `Custodian ${i % 9}` },
      mineral,
      weight: gold
        ? { value: 250 + (i % 40) * 12.5, unit: 'g' }
        : { value: 400 + (i % 50) * 37.25, unit: 'kg' },
      grade_pct: gold ? 88 + (i % 10) : mineral === 'coltan' ? 28 + (i % 8) : 60 + (i % 12) * 0.5,
      package_type: gold ? 'sealed pouch' : 'bags',
      packages: gold ? 1 : 5 + (i % 30),
      operation: i % 5 === 0 ? 'purchase' : 'extraction',
      mine_site_id: i % 5 === 0 ? null : `RW-MS-${pad(1 + (i % nSites), 4)}`,
      parent_lots: [],
      updated_at: updated,
    });
  }
  const destinations = ['MY', 'TH', 'CN', 'AE', 'BE', 'KZ'];
  const exportsList: FakeItem[] = [];
  for (let i = 1; i <= nExports; i++) {
    const mineral = mineralNames[i % 4]!;
    const gold = mineral === 'gold';
    exportsList.push({
      id: 5000 + i,
      export_ref: `RMB-EXP-2026-${pad(300 + i, 4)}`,
      certificate_no: `RW-2026-${pad(100 + i, 6)}`,
      exporter: {
        id: `RMB-ACT-${pad(200 + (i % 5), 5)}`,
        name: [
          'Trinity Metals Ltd',
          'Phoenix Metals Ltd',
          'Kigali Mineral Traders Ltd',
          'Rwanda Tantalum Co',
          'Gasabo Gold Refinery',
        ][i % 5],
      },
      consignee: gold ? 'Emirates Gold DMCC' : 'Malaysia Smelting Corporation Berhad',
      destination: gold ? 'AE' : destinations[i % destinations.length],
      mineral,
      hs_code: { cassiterite: '2609.00', coltan: '2615.90', wolframite: '2611.00', gold: '7108.12' }[mineral],
      net_weight_kg: gold ? 2.5 + (i % 5) * 0.75 : 12_000 + (i % 9) * 1_250.5,
      grade: gold ? 99.1 : 55 + (i % 10),
      fob_value_usd: gold ? 190_000 + i * 1000 : 250_000 + i * 5_000,
      shipped_date: new Date(Date.UTC(2026, 2, 2) + i * 86_400_000 * 0.6).toISOString().slice(0, 10),
      exit_point: gold ? 'RWKGL' : 'Rusumo',
      lots: [`RW-LOT-2026-${pad(4000 + i, 6)}`],
      awb: gold ? `AWB 459-${pad(1000000 + i, 8)}` : `TRK RAD ${pad(100 + i, 3)}B`,
      updated_at: new Date(Date.UTC(2026, 2, 2) + i * 5_400_000).toISOString(),
    });
  }
  return { sites, lots, exports: exportsList };
}

function sorted(items: FakeItem[]): FakeItem[] {
  return [...items].sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
}

export async function startFakeNationalServer(options: FakeServerOptions = {}): Promise<FakeNationalServer> {
  const data = options.data ?? seedData();
  const requests: RequestLog[] = [];
  const hanging = new Set<http.ServerResponse>();
  let n = 0;

  const server = http.createServer((req, res) => {
    n++;
    const opts = server.fakeOptions;
    const log: RequestLog = {
      n,
      method: req.method ?? 'GET',
      url: req.url ?? '',
      status: 200,
      authorization: req.headers.authorization,
    };
    requests.push(log);
    const send = (status: number, body: unknown) => {
      log.status = status;
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (opts.resetEvery && n % opts.resetEvery === 0) {
      log.status = 'reset';
      req.socket.destroy();
      return;
    }
    if (opts.hangEvery && n % opts.hangEvery === 0) {
      log.status = 'hang';
      hanging.add(res);
      return;
    }
    if (opts.failEvery && n % opts.failEvery === 0) {
      send(500, { error: 'internal_error', message: 'database connection pool exhausted' });
      return;
    }
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
      send(401, { error: 'unauthorized', message: 'invalid or missing bearer token' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/api\/v1\/(sites|lots|exports)\/?$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) {
      send(404, { error: 'not_found' });
      return;
    }
    const resource = m[1] as Resource;
    const sinceText = url.searchParams.get('updated_since');
    const since = sinceText === null ? undefined : Date.parse(sinceText);
    if (since !== undefined && Number.isNaN(since)) {
      send(400, { error: 'bad_request', message: 'updated_since must be an ISO 8601 timestamp' });
      return;
    }
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const limit = Math.min(
      opts.maxLimit ?? 100,
      Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50),
    );
    const matching = sorted(data[resource]).filter(
      (it) => since === undefined || Date.parse(it.updated_at) >= since,
    );
    const slice = matching.slice((page - 1) * limit, page * limit);
    const next = page * limit < matching.length ? new URL(url.toString()) : null;
    next?.searchParams.set('page', String(page + 1));
    send(200, {
      data: slice,
      meta: { page, limit, total: matching.length },
      links: { next: next ? `${next.pathname}${next.search}` : null },
    });
  }) as http.Server & { fakeOptions: FakeServerOptions };
  server.fakeOptions = options;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api/v1/`,
    data,
    requests,
    options,
    upsert(resource, item) {
      const full = { ...item, updated_at: item.updated_at ?? new Date().toISOString() } as FakeItem;
      const list = data[resource];
      const at = list.findIndex((x) => x.id === item.id);
      if (at >= 0) list[at] = full;
      else list.push(full);
      return full;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
