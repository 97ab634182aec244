/**
 * Connector batches get their evidence as REST batches do: the signed acceptance receipt and the
 * `batch.received` audit entry commit with the page that stores the batch (not when the batch
 * finishes), and the completion receipt follows when it is final.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { createConnector } from '../../../src/connectors/manage.js';
import { executeRun, type RunnerDeps } from '../../../src/connectors/runner.js';
import { verifyAuditChain } from '../../../src/evidence/audit.js';
import { listAudit } from '../../../src/evidence/audit.js';
import { testDatabase } from '../../helpers/db.js';
import { seedData, startFakeNationalServer, fakeServerStreams } from '../../helpers/fake-national-server.js';
import { bearer, connectorTestHub } from './hub.js';

const db = await testDatabase();
const hub = await connectorTestHub(db, { redis: false });
const national = await startFakeNationalServer({ data: seedData({ sites: 4, lots: 12, exports: 3 }) });
afterAll(() => national.close());

async function connector(name: string) {
  return createConnector(
    hub.connectors.context,
    {
      country: 'RW',
      name,
      kind: 'http-json',
      mapping: 'json-api-rmd@1.0.0',
      config: {
        baseUrl: national.apiUrl,
        streams: fakeServerStreams,
        pagination: { style: 'keyset', limit: 10 },
      },
    },
    'test',
  );
}

/** Runs the connector once with `runner`, which hands nothing to the pipeline: its batches stay as accepted. */
async function runOnce(runner: RunnerDeps, name: string) {
  const inst = await connector(name);
  const run = await hub.connectors.scheduler.requestRun(
    inst,
    { trigger: 'manual', requestedBy: 'test' },
    db.pool,
  );
  const result = await executeRun({ ...runner, enqueueBatch: undefined }, run.id, { lastAttempt: true });
  expect(result.outcome).toBe('succeeded');
  expect(result.batches.length).toBeGreaterThan(0);
  return { inst, batches: result.batches };
}

const receiptsOf = async (batchId: string) =>
  (
    await db.pool.query<{ kind: string; payload: string }>(
      'SELECT kind, payload FROM receipts WHERE batch_id = $1 ORDER BY issued_at, kind',
      [batchId],
    )
  ).rows;

describe('connector batches and their evidence', () => {
  it('are signed on acceptance, in the page’s transaction, like REST batches; completion follows', async () => {
    const { inst, batches } = await runOnce(hub.connectors.runner, 'rmb-api');
    for (const id of batches) {
      const { rows } = await db.pool.query('SELECT status FROM batches WHERE id = $1', [id]);
      expect(rows[0].status).toBe('received');
      const receipts = await receiptsOf(id);
      expect(receipts.map((r) => r.kind)).toEqual(['accepted']);
      const payload = JSON.parse(receipts[0]!.payload);
      const [entry] = await listAudit(db.pool, { subject: `batch:${id}`, limit: 10 });
      expect(entry).toMatchObject({ type: 'batch.received', actor: `connector:${inst.id}` });
      expect(payload.audit).toEqual({ seq: entry!.seq, hash: entry!.hash });
    }
    // Served like any batch's receipts, and they verify.
    const res = await hub.app.inject({
      url: `/v1/batches/${batches[0]}/receipts`,
      headers: bearer(hub.keys.RW),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(1);

    // Handed to the pipeline: each finishes with its completion receipt and no second acceptance.
    for (const id of batches) await hub.pipeline.enqueue(id, 1);
    for (const id of batches) await hub.waitForBatch(id);
    for (const id of batches) {
      await expect
        .poll(async () => (await receiptsOf(id)).map((r) => r.kind).sort())
        .toEqual(['accepted', 'completed']);
    }
    expect((await verifyAuditChain(db.pool)).ok).toBe(true);
  });

  it('without evidence in the runner, a connector batch gets its acceptance receipt when it finishes, still as the connector', async () => {
    const { evidence: _none, ...withoutEvidence } = hub.connectors.runner;
    const { inst, batches } = await runOnce(withoutEvidence, 'rmb-api-2');
    for (const id of batches) expect(await receiptsOf(id)).toEqual([]);
    for (const id of batches) await hub.pipeline.enqueue(id, 1);
    for (const id of batches) await hub.waitForBatch(id);
    for (const id of batches) {
      await expect.poll(async () => (await receiptsOf(id)).length).toBe(2);
      const [received] = await listAudit(db.pool, {
        subject: `batch:${id}`,
        type: 'batch.received',
        limit: 10,
      });
      expect(received).toMatchObject({ actor: `connector:${inst.id}` });
    }
    expect((await verifyAuditChain(db.pool)).ok).toBe(true);
  });
});
