/**
 * The authorization matrix: EVERY route the app registers (collected with an onRoute hook, so a new
 * route is covered the moment it exists) is called as every kind of caller, and the status must be
 * the one in `matrix` below: one table for the whole API. A route missing from the table fails the
 * test, naming the statuses it gave, so its author adds a row on purpose.
 *
 * Cross-country: every id in a path names a resource of RW (a batch, a lot…); the CD submitter must
 * never get it (404/403), must never see RW's batch id in any answer, and must never write for RW.
 * openapi.yaml, when present, must list exactly the routes the app serves (documented ones).
 */
import { existsSync, readFileSync } from 'node:fs';

import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { createApiKey } from '../../../src/auth/keys.js';
import { batchDoc, exportRecord, mixedRecords, rng } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';

type Caller = 'anonymous' | 'RW' | 'CD' | 'secretariat' | 'auditor' | 'revoked';
const callers: Caller[] = ['anonymous', 'RW', 'CD', 'secretariat', 'auditor', 'revoked'];
type Row = Record<Caller, number>;

// Policies: the same statuses for every route of a kind. [anonymous, RW, CD, secretariat, auditor, revoked]
const row = (...s: [number, number, number, number, number, number]): Row =>
  Object.fromEntries(callers.map((c, i) => [c, s[i]])) as Row;
/** Anyone; a revoked key is refused everywhere (a client learns at once that its key is wrong). */
const PUBLIC = row(200, 200, 200, 200, 200, 401);
/** One RW resource: RW, the secretariat and auditors see it; CD gets "not found". */
const OWN = row(401, 200, 404, 200, 200, 401);
/** A listing scoped to the caller's country (CD sees only CD's). */
const SCOPED_LIST = row(401, 200, 200, 200, 200, 401);
/** A corridor's figures: its two parties, the secretariat and auditors. */
const OWN_CORRIDOR = row(401, 200, 403, 200, 200, 401);
/** A connector that does not exist, read / changed. */
const CONNECTOR_READ = row(401, 403, 403, 404, 404, 401);
const CONNECTOR_WRITE = row(401, 403, 403, 404, 403, 401);
/** The secretariat and auditors. */
const OVERSIGHT = row(401, 403, 403, 200, 200, 401);

/** The one table: `METHOD url` as registered → status per caller. */
const matrix: Record<string, Row> = {
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  'GET /openapi.json': PUBLIC,
  'GET /docs': PUBLIC,
  'GET /docs/init.js': PUBLIC,
  'GET /docs/assets/:file': row(404, 404, 404, 404, 404, 401),
  'GET /v1/schemas': PUBLIC,
  'GET /schemas/:version/:name.schema.json': PUBLIC,
  'POST /v1/validate': PUBLIC,
  'GET /v1/receipt-keys': PUBLIC,
  'GET /v1/public/statistics': PUBLIC,
  'GET /statistics': PUBLIC,

  'GET /v1/keys': OVERSIGHT,
  'POST /v1/keys': row(401, 403, 403, 201, 403, 401),
  'DELETE /v1/keys/:id': row(401, 403, 403, 200, 403, 401),

  'POST /v1/batches': row(401, 202, 403, 202, 403, 401),
  'GET /v1/batches': SCOPED_LIST,
  'GET /v1/batches/:id': OWN,
  'GET /v1/batches/:id/issues': OWN,
  'GET /v1/batches/:id/receipts': OWN,
  // Authorised callers reach the state check: only a failed batch can be replayed (409).
  'POST /v1/batches/:id/replay': row(401, 403, 403, 409, 403, 401),

  'GET /v1/records/:recordType': SCOPED_LIST,
  'GET /v1/records/:recordType/:country/:key': OWN,
  'GET /v1/lots/:country/:lotNumber/trace': OWN,

  'POST /v1/reconciliation/runs': row(401, 403, 403, 202, 403, 401),
  'GET /v1/reconciliation/runs': OVERSIGHT,
  'GET /v1/reconciliation/runs/:id': OVERSIGHT,
  'GET /v1/matches': SCOPED_LIST,
  'GET /v1/discrepancies': SCOPED_LIST,
  // An id that names no discrepancy: authorised callers learn only "not found".
  'GET /v1/discrepancies/:id': row(401, 404, 404, 404, 404, 401),
  'PATCH /v1/discrepancies/:id': row(401, 404, 404, 404, 403, 401),
  'GET /v1/compliance': SCOPED_LIST,

  // Connectors: the secretariat's (auditors read). The id names no connector: "not found" once authorised.
  'GET /v1/connectors': OVERSIGHT,
  'POST /v1/connectors': row(401, 403, 403, 400, 403, 401),
  'GET /v1/connectors/mappings': OVERSIGHT,
  'GET /v1/connectors/:id': CONNECTOR_READ,
  'PATCH /v1/connectors/:id': CONNECTOR_WRITE,
  'POST /v1/connectors/:id/pause': CONNECTOR_WRITE,
  'POST /v1/connectors/:id/resume': CONNECTOR_WRITE,
  'POST /v1/connectors/:id/run': CONNECTOR_WRITE,
  'GET /v1/connectors/:id/runs': CONNECTOR_READ,
  'GET /v1/connectors/:id/runs/:runId': CONNECTOR_READ,
  'GET /v1/connectors/:id/runs/:runId/issues': CONNECTOR_READ,
  'POST /v1/connectors/:id/runs/:runId/replay': CONNECTOR_WRITE,
  'POST /v1/connectors/:id/check': CONNECTOR_WRITE,
  'POST /v1/connectors/:id/test': CONNECTOR_WRITE,
  'POST /v1/connectors/:id/files': CONNECTOR_WRITE,
  'GET /v1/connectors/:id/files': CONNECTOR_READ,
  'GET /v1/connectors/:id/files/:fileId': CONNECTOR_READ,

  'GET /v1/audit': OVERSIGHT,
  'GET /v1/audit/verify': OVERSIGHT,

  'GET /v1/completeness': SCOPED_LIST,
  'GET /v1/corridors': SCOPED_LIST,
  // RW→UG: CD is not a party to the corridor.
  'GET /v1/corridors/flows': OWN_CORRIDOR,
  'GET /console': PUBLIC,
  'GET /console/*': PUBLIC,
  // The console's session is a cookie; a Bearer key is not a session.
  'GET /console/api/session': row(401, 401, 401, 401, 401, 401),
  'POST /console/api/session': row(400, 400, 400, 400, 400, 401),
  'DELETE /console/api/session': row(204, 204, 204, 204, 204, 401),
  'OPTIONS *': row(404, 404, 404, 404, 404, 401),
};

const db = await testDatabase();
const hub = await testHub(db, { redis: false });
const app: FastifyInstance = hub.app;
const keys: Record<Caller, string | undefined> = {
  anonymous: undefined,
  RW: hub.keys.RW,
  CD: hub.keys.CD,
  secretariat: hub.keys.secretariat,
  auditor: hub.keys.auditor,
  revoked: hub.keys.revoked,
};

// Every route as registered. The app is built by testHub; its routes are read back from fastify.
const routes: { method: string; url: string }[] = [];

let rwBatchId = '';
let cdBatchId = '';
let lotNumber = '';
let spareKeyId = '';
let rwExportId = '';
let runId = '';

beforeAll(async () => {
  for (const r of listRoutes(app)) routes.push(r);
  const rwRecords = mixedRecords({ country: 'RW', period: '2026-01', r: rng(1) }, 40);
  lotNumber = String(rwRecords.find((r) => r.recordType === 'lot')?.lotNumber ?? 'RW-LOT-000001');
  const submit = async (key: string, doc: unknown, idem: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(key), 'idempotency-key': idem, 'content-type': 'application/json' },
      payload: JSON.stringify(doc),
    });
    expect(res.statusCode).toBe(202);
    return (await hub.waitForBatch(res.json().batchId)).id;
  };
  rwBatchId = await submit(hub.keys.RW, batchDoc('RW', '2026-01', rwRecords), 'matrix-rw');
  cdBatchId = await submit(
    hub.keys.CD,
    batchDoc('CD', '2026-01', mixedRecords({ country: 'CD', period: '2026-01', r: rng(2) }, 40)),
    'matrix-cd',
  );
  spareKeyId = (await createApiKey(db.pool, { name: 'to revoke', role: 'auditor' })).row.id;
  rwExportId = String(rwRecords.find((r) => r.recordType === 'export')!.exportId);
  const run = await app.inject({
    method: 'POST',
    url: '/v1/reconciliation/runs',
    headers: { ...bearer(hub.keys.secretariat), 'content-type': 'application/json' },
    payload: JSON.stringify({ period: '2026-01' }),
  });
  expect(run.statusCode).toBe(202);
  runId = run.json().id;
});

/** Reads fastify's route table (the same one printRoutes prints) as method + url pairs. */
function listRoutes(instance: FastifyInstance): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const seen = new Set<string>();
  // printRoutes with includeMeta lists every method of every path; parse its tree back into urls.
  const text = instance.printRoutes({ commonPrefix: false });
  const stack: { depth: number; path: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)$/.exec(line) ?? /^([│ ]*)[├└]── (\S+)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const parent = stack[stack.length - 1]?.path ?? '';
    // A wildcard child prints as "*" under its parent: find the url fastify actually registered.
    const path =
      m[2] === '*' && parent && !instance.hasRoute({ method: 'GET', url: parent + '*' })
        ? `${parent}/*`
        : parent + m[2];
    stack.push({ depth, path });
    if (!m[3]) continue;
    for (const method of m[3].split(',').map((s) => s.trim())) {
      if (method === 'HEAD') continue; // fastify's automatic HEAD for every GET: same handler
      const key = `${method} ${path}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ method, url: path });
      }
    }
  }
  return out;
}

/** Query strings a route needs to get past validation; cross-country where that means anything. */
const queries: Record<string, string> = {
  '/v1/corridors/flows': '?exporter=RW&importer=UG&mineral=gold',
};

/** The `:id` of a route: a key, a run, a discrepancy that does not exist, else RW's batch. */
function idFor(url: string): string {
  if (url.startsWith('/v1/keys')) return spareKeyId;
  if (url.startsWith('/v1/reconciliation/runs')) return runId;
  if (url.startsWith('/v1/discrepancies')) return 'f'.repeat(32);
  return rwBatchId;
}

/** A concrete request for a route pattern: every path parameter names an RW resource. */
function requestFor(method: string, url: string, caller: Caller, n: number) {
  const fill: Record<string, string> = {
    version: '1.0.0',
    name: 'batch',
    file: 'missing.js',
    recordType: 'export',
    country: 'RW',
    lotNumber,
  };
  let path = url
    .replace(/:(\w+)/g, (_m, p: string) =>
      p === 'id' ? idFor(url) : p === 'key' ? rwExportId : (fill[p] ?? rwBatchId),
    )
    .replace(/\*$/, 'overview');
  if (path === '*') path = '/v1/batches';
  path += queries[url] ?? '';
  const headers: Record<string, string> = { ...(keys[caller] ? bearer(keys[caller]!) : {}) };
  let payload: string | undefined;
  if (method === 'POST' && url === '/v1/batches') {
    headers['idempotency-key'] = `matrix-${caller}-${n}`;
    payload = JSON.stringify(
      batchDoc('RW', '2026-02', [exportRecord({ country: 'RW', period: '2026-02', r: rng(n) }, n)]),
    );
  } else if (method === 'POST' && url === '/v1/keys') {
    payload = JSON.stringify({ name: `matrix ${caller}`, role: 'auditor' });
  } else if (method === 'POST' && url === '/v1/validate') {
    payload = JSON.stringify(exportRecord({ country: 'RW', period: '2026-02', r: rng(1) }, 1));
  } else if (method === 'POST' && url === '/v1/reconciliation/runs') {
    payload = JSON.stringify({ period: '2026-01' });
  } else if (method === 'PATCH' && url === '/v1/discrepancies/:id') {
    payload = JSON.stringify({ status: 'explained' });
  } else if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    payload = '{}';
  }
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return { method: method as 'GET', url: path, headers, payload };
}

describe('the authorization matrix', () => {
  it('covers every registered route', () => {
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((r) => !matrix[`${r.method} ${r.url}`]).map((r) => `${r.method} ${r.url}`);
    expect(missing, 'add these routes to the matrix in this file').toEqual([]);
  });

  it('answers every route for every caller with the status in the table, never a 5xx', async () => {
    const failures: string[] = [];
    const observed: string[] = [];
    let n = 0;
    for (const r of routes) {
      const expected = matrix[`${r.method} ${r.url}`];
      const got: Partial<Row> = {};
      for (const caller of callers) {
        const res = await app.inject(requestFor(r.method, r.url, caller, n++));
        got[caller] = res.statusCode;
        if (res.statusCode >= 500)
          failures.push(`${r.method} ${r.url} as ${caller}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (expected && res.statusCode !== expected[caller])
          failures.push(`${r.method} ${r.url} as ${caller}: ${res.statusCode}, expected ${expected[caller]}`);
        if (
          res.statusCode >= 400 &&
          res.statusCode !== 404 &&
          !/problem\+json/.test(String(res.headers['content-type'])) &&
          r.url.startsWith('/v1')
        )
          failures.push(`${r.method} ${r.url} as ${caller}: ${res.statusCode} is not problem+json`);
        if (caller === 'CD' && res.body.includes(rwBatchId) && res.statusCode < 400)
          failures.push(`${r.method} ${r.url}: CD saw RW's batch ${rwBatchId}`);
        if (caller === 'RW' && res.body.includes(cdBatchId) && res.statusCode < 400)
          failures.push(`${r.method} ${r.url}: RW saw CD's batch ${cdBatchId}`);
      }
      observed.push(`'${r.method} ${r.url}': row(${callers.map((c) => got[c]).join(', ')}),`);
    }
    if (process.env.MATRIX_PRINT) console.log(observed.join('\n'));
    expect(failures).toEqual([]);
  });

  it('lets no submitter read or write another country, whatever it asks for', async () => {
    const cd = bearer(hub.keys.CD);
    const cases = [
      { method: 'GET', url: `/v1/batches/${rwBatchId}`, status: 404 },
      { method: 'GET', url: `/v1/batches/${rwBatchId}/issues`, status: 404 },
      { method: 'GET', url: `/v1/batches/${rwBatchId}/issues?format=csv`, status: 404 },
      { method: 'GET', url: `/v1/batches/${rwBatchId}/receipts`, status: 404 },
      { method: 'GET', url: '/v1/batches?country=RW', status: 403 },
      { method: 'POST', url: `/v1/batches/${rwBatchId}/replay`, status: 403 },
    ] as const;
    for (const c of cases) {
      const res = await app.inject({ method: c.method, url: c.url, headers: cd });
      expect(res.statusCode, `${c.method} ${c.url}`).toBe(c.status);
      expect(res.body).not.toContain('"reportingCountry":"RW"');
    }
    const listed = await app.inject({ method: 'GET', url: '/v1/batches?limit=500', headers: cd });
    expect(listed.json().items.every((b: { reportingCountry: string }) => b.reportingCountry === 'CD')).toBe(
      true,
    );
    // A CD key posting an RW batch is refused and stores nothing.
    const write = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...cd, 'idempotency-key': 'cross-write', 'content-type': 'application/json' },
      payload: JSON.stringify(
        batchDoc('RW', '2026-03', [exportRecord({ country: 'RW', period: '2026-03', r: rng(3) }, 3)]),
      ),
    });
    expect(write.statusCode).toBe(403);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM batches b JOIN api_keys k ON k.id = b.submitted_by
       WHERE k.country IS NOT NULL AND k.country <> b.reporting_country`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('matches openapi.yaml, when present: every documented path is served and every served /v1 route documented', () => {
    const file = new URL('../../../openapi.yaml', import.meta.url);
    if (!existsSync(file)) return;
    const doc = parseYaml(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths ?? {}))
      for (const m of Object.keys(ops))
        if (['get', 'post', 'put', 'patch', 'delete'].includes(m))
          documented.add(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
    const served = new Set(routes.map((r) => `${r.method} ${r.url}`));
    const undocumentedV1 = [...served].filter((r) => / \/v1\//.test(r) && !documented.has(r));
    const notServed = [...documented].filter((r) => !served.has(r));
    expect(notServed, 'documented in openapi.yaml but not served').toEqual([]);
    expect(undocumentedV1, 'served but missing from openapi.yaml (npm run gen:openapi)').toEqual([]);
  });
});
