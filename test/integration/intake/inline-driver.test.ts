import { describe, expect, it } from 'vitest';

import { acceptBatch } from '../../../src/intake/accept-batch.js';
import { checkEnvelope } from '../../../src/intake/envelope.js';
import { loadRegistry } from '../../../src/standard/registry.js';
import { batchDoc, mixedRecords, rng } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';
import { storedVersions } from '../records/versions.js';

const db = await testDatabase();
const registry = loadRegistry();

/**
 * Stores a batch as POST /v1/batches does, with no pipeline running (as when the process dies between
 * storing and working); `recordCount` overrides the count taken at intake.
 */
async function storeOnly(doc: Record<string, unknown>, idempotencyKey: string, recordCount?: number) {
  const raw = Buffer.from(JSON.stringify(doc));
  const envelope = checkEnvelope(registry, doc);
  const { batch } = await acceptBatch(db.pool, {
    principal: {
      keyId: (await db.pool.query(`SELECT id FROM api_keys LIMIT 1`)).rows[0].id,
      name: 'x',
      role: 'secretariat',
      country: null,
    },
    idempotencyKey,
    raw,
    decoded: raw,
    contentEncoding: null,
    envelope: recordCount === undefined ? envelope : { ...envelope, recordCount },
  });
  return batch;
}

describe('the inline driver (no Redis)', () => {
  it('runs batches in-process with the same stages', async () => {
    const hub = await testHub(db, { redis: false });
    expect(hub.pipeline.kind).toBe('inline');
    const doc = batchDoc(
      'TZ',
      '2026-02',
      mixedRecords({ country: 'TZ', period: '2026-02', r: rng(4) }, 1300),
    );
    const res = await hub.app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(hub.keys.UG), 'idempotency-key': 'inline-1' },
      payload: doc,
    });
    expect(res.statusCode).toBe(403);
    const ok = await hub.app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(hub.keys.secretariat), 'idempotency-key': 'inline-1' },
      payload: doc,
    });
    expect(ok.statusCode).toBe(202);
    const done = await hub.waitForBatch(ok.json().batchId);
    expect(done.status).toBe('completed');
    expect(done.counts.totals).toMatchObject({ received: 1300, stored: 1300 });
    expect(done.chunk_total).toBe(3);
  });

  it('resumes unfinished batches from Postgres when the process starts again', async () => {
    // Batches accepted while no pipeline was running (the process died between storing and working).
    const ids: string[] = [];
    for (const period of ['2026-03', '2026-04']) {
      const doc = batchDoc('TZ', period, mixedRecords({ country: 'TZ', period, r: rng(5) }, 600));
      const batch = await storeOnly(doc, `resume-${period}`);
      expect(batch.status).toBe('received');
      ids.push(batch.id);
    }
    const hub = await testHub(db, { redis: false });
    for (const id of ids) {
      const done = await hub.waitForBatch(id);
      expect(done.status).toBe('completed');
      expect(done.counts.totals).toMatchObject({ received: 600, stored: 600 });
    }
  });

  it('fails a batch whose stored body does not hold the records it was accepted with, storing none', async () => {
    const doc = batchDoc('TZ', '2026-05', mixedRecords({ country: 'TZ', period: '2026-05', r: rng(6) }, 600));
    // Chunks are planned from the count taken at intake; a body with more records must not lose any.
    const batch = await storeOnly(doc, 'miscounted', 599);
    const hub = await testHub(db, { redis: false });
    await hub.pipeline.enqueue(batch.id, 1);
    const done = await hub.waitForBatch(batch.id);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toMatch(/accepted with 599 records but its stored body holds 600/);
    expect((await storedVersions(db.pool, batch.id)).n).toBe(0);
  });
});
