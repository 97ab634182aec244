/**
 * Property-based fuzzing of the two document routes with fast-check: at least 10,000 generated
 * payloads per run in all (FUZZ_RUNS per property, default below), through inject() (no sockets).
 * Every answer must be < 500, and every non-2xx a problem+json with an RMDX_ERR_ code.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';

import { exportRecord, importRecord, lotRecord, mineSiteRecord, rng } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer } from '../../helpers/hub.js';
import { issueTestKeys } from '../../helpers/hub.js';
import { testApp, testConfig } from '../../helpers/app.js';

const db = await testDatabase();
// No pipeline: accepted batches are stored (and receipted) but not processed; the point is the door.
const app = await testApp(db, {
  config: testConfig({
    databaseUrl: db.url,
    rateLimitPerMinute: 10_000_000,
    rateLimitAnonPerMinute: 10_000_000,
    submitRateLimitPerMinute: 10_000_000,
    maxEventLoopDelayMs: 600_000,
  }),
});
const keys = await issueTestKeys(db);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
let total = 0;
const statuses = new Map<number, number>();
let idem = 0;

afterAll(() => {
  console.log(
    `fuzzing: ${total} generated payloads; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
  );
});

async function post(url: '/v1/validate' | '/v1/batches', body: string | Buffer, key = keys.RW) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: {
      ...bearer(key),
      'content-type': 'application/json',
      ...(url === '/v1/batches' ? { 'idempotency-key': `fuzz-${idem++}` } : {}),
    },
    payload: body,
  });
  total++;
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  return res;
}

function sane(res: LightMyRequestResponse): boolean {
  if (res.statusCode >= 500) throw new Error(`${res.statusCode}: ${res.body.slice(0, 500)}`);
  if (res.statusCode >= 300) {
    if (!/^application\/problem\+json/.test(String(res.headers['content-type'])))
      throw new Error(`${res.statusCode} not problem+json: ${res.body.slice(0, 200)}`);
    const code = (res.json() as { code?: string }).code;
    if (!code || !/^RMDX_ERR_[A-Z_]+$/.test(code)) throw new Error(`no code: ${res.body.slice(0, 200)}`);
  }
  return true;
}

const ctx = { country: 'RW', period: '2026-03', r: rng(42) };
const validRecords = [exportRecord(ctx, 1), importRecord(ctx, 2), lotRecord(ctx, 3), mineSiteRecord(ctx, 4)];

/** A valid record with one field replaced, removed or added with arbitrary JSON. */
const mutatedRecord = fc
  .tuple(
    fc.constantFrom(...validRecords),
    fc.oneof(fc.constant('drop'), fc.constant('set'), fc.constant('add')),
    fc.nat(),
    fc.jsonValue({ maxDepth: 3 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
  )
  .map(([rec, op, i, value, name]) => {
    const r: Record<string, unknown> = { ...rec };
    const ks = Object.keys(r);
    const k = ks[i % ks.length]!;
    if (op === 'drop') delete r[k];
    else if (op === 'set') r[k] = value;
    else r[name] = value;
    return r;
  });

const envelope = fc.record(
  {
    schemaVersion: fc.oneof(fc.constant('1.0.0'), fc.string(), fc.jsonValue({ maxDepth: 1 })),
    reportingCountry: fc.oneof(fc.constantFrom('RW', 'CD', 'XX', 'rw', ''), fc.jsonValue({ maxDepth: 1 })),
    period: fc.oneof(fc.constantFrom('2026-03', '2026-13', '26-03', ''), fc.string(), fc.integer()),
    acceptance: fc.oneof(fc.constantFrom('partial', 'all-or-nothing', 'some'), fc.jsonValue({ maxDepth: 1 })),
    submissionRef: fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 1 })),
    records: fc.oneof(
      fc.array(mutatedRecord, { maxLength: 6 }),
      fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  },
  { requiredKeys: ['records'] },
);

/** A well-formed envelope for RW whose records are mutated: these reach acceptance (202) or a report. */
const plausibleBatch = fc
  .tuple(
    fc.array(mutatedRecord, { minLength: 1, maxLength: 8 }),
    fc.constantFrom('partial', 'all-or-nothing'),
  )
  .map(([records, acceptance]) =>
    JSON.stringify({
      schemaVersion: '1.0.0',
      reportingCountry: 'RW',
      period: '2026-03',
      acceptance,
      records,
    }),
  );

/** Payload generators: random JSON, batch-like documents, mutated records, and raw text/bytes. */
const payloads = fc.oneof(
  { weight: 2, arbitrary: plausibleBatch },
  { weight: 3, arbitrary: envelope.map((d) => JSON.stringify(d)) },
  { weight: 2, arbitrary: mutatedRecord.map((r) => JSON.stringify(r)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  {
    weight: 1,
    // Valid JSON text cut or spliced at a random place.
    arbitrary: fc
      .tuple(
        envelope.map((d) => JSON.stringify(d)),
        fc.nat(),
        fc.string({ maxLength: 5 }),
      )
      .map(([t, i, s]) => t.slice(0, i % (t.length + 1)) + s + t.slice(i % (t.length + 1))),
  },
);

describe('fuzzing the document routes', () => {
  it(`POST /v1/validate answers ${RUNS * 2} generated payloads sanely`, async () => {
    await fc.assert(
      fc.asyncProperty(payloads, async (body) => sane(await post('/v1/validate', body))),
      { numRuns: RUNS * 2, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
  }, 600_000);

  it(`POST /v1/batches answers ${RUNS * 3} generated payloads sanely, for own and other countries`, async () => {
    await fc.assert(
      fc.asyncProperty(
        payloads,
        fc.constantFrom(keys.RW, keys.CD, keys.secretariat, keys.auditor),
        async (body, key) => sane(await post('/v1/batches', body, key)),
      ),
      { numRuns: RUNS * 3, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    // Whatever got in was for the submitter's own country.
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM batches b JOIN api_keys k ON k.id = b.submitted_by
       WHERE k.country IS NOT NULL AND k.country <> b.reporting_country`,
    );
    expect(rows[0].n).toBe(0);
    expect(total).toBeGreaterThanOrEqual(RUNS * 5);
  }, 600_000);
});
