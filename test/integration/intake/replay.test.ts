/**
 * Failed work is kept and can be replayed (POST /v1/batches/{id}/replay, `rmdx batches replay <id>`):
 * a batch whose last chunk fails for a reason a retry cannot mend (here a constraint standing in for a
 * defect or a database change) ends `failed` with its other chunks stored; once the cause is gone, a
 * replay runs what is left and the batch completes with exact counts and no duplicate rows.
 */
import { describe, expect, it } from 'vitest';

import { batchDoc, mixedRecords, rng } from '../../fixtures/factory.js';
import { runRmdx } from '../../helpers/cli.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';
import { storedVersions } from '../records/versions.js';

const db = await testDatabase();
const hub = await testHub(db); // BullMQ on the test Redis, chunks of 500
const { app, keys } = hub;

/** Posts a 1,200-record batch for `period` whose export in the last chunk cannot be stored yet. */
async function failedBatch(period: string, seed: number) {
  const records = mixedRecords({ country: 'RW', period, r: rng(seed) }, 1200);
  const blocked = records.slice(1000).find((r) => r.recordType === 'export')!.exportId as string;
  const constraint = `replay_probe_${seed}`;
  await db.pool.query(`ALTER TABLE exports ADD CONSTRAINT ${constraint} CHECK (export_id <> '${blocked}')`);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/batches',
    headers: {
      ...bearer(keys.RW),
      'idempotency-key': `replay-${period}`,
      'content-type': 'application/json',
    },
    payload: JSON.stringify(batchDoc('RW', period, records)),
  });
  expect(res.statusCode).toBe(202);
  const batchId = res.json().batchId as string;
  const failed = await hub.waitForBatch(batchId);
  expect(failed.status).toBe('failed');
  // What the Secretariat reads is the chunk's own failure, not the job flow's "child … failed".
  expect(failed.error?.message).toMatch(new RegExp(constraint));
  const kept = await storedVersions(db.pool, batchId);
  expect(kept.n).toBeGreaterThan(0); // the chunks before the failing one stay stored
  expect(kept.n).toBeLessThan(1200);
  await db.pool.query(`ALTER TABLE exports DROP CONSTRAINT ${constraint}`);
  return { batchId, records };
}

async function expectComplete(batchId: string, records: Record<string, unknown>[]) {
  const done = await hub.waitForBatch(batchId);
  expect(done.status).toBe('completed');
  expect(done.counts.totals).toMatchObject({ received: 1200, stored: 1200, invalid: 0 });
  expect(await storedVersions(db.pool, batchId)).toEqual({ n: 1200, d: 1200 });
  const { rows } = await db.pool.query(
    'SELECT count(*)::int AS n, count(DISTINCT export_id)::int AS d FROM exports WHERE batch_id = $1',
    [batchId],
  );
  const exports = records.filter((r) => r.recordType === 'export').length;
  expect(rows[0]).toEqual({ n: exports, d: exports });
}

/** The batch's audit entries in order: type, the kind of actor (its id cut off), a final status. */
async function auditOf(batchId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ type: string; actor: string; entry: string }>(
    'SELECT type, actor, entry FROM audit_log WHERE subject = $1 ORDER BY seq',
    [`batch:${batchId}`],
  );
  return rows.map((r) => {
    const status = (JSON.parse(r.entry) as { data: { status?: string } }).data.status;
    return [r.type, r.actor.replace(/:.*/, ':'), status].filter(Boolean).join(' ');
  });
}

describe('replaying a failed batch', () => {
  it('through the API: the secretariat replays it, the rest runs, counts are exact', async () => {
    const { batchId, records } = await failedBatch('2026-02', 21);
    const asSubmitter = await app.inject({
      method: 'POST',
      url: `/v1/batches/${batchId}/replay`,
      headers: bearer(keys.RW),
    });
    expect(asSubmitter.statusCode).toBe(403);

    const replay = await app.inject({
      method: 'POST',
      url: `/v1/batches/${batchId}/replay`,
      headers: bearer(keys.secretariat),
    });
    expect(replay.statusCode).toBe(202);
    await expectComplete(batchId, records);
    expect(await auditOf(batchId)).toEqual([
      'batch.received key:',
      'batch.finished system failed',
      'batch.replayed key:',
      'batch.finished system completed',
    ]);
    const { rows } = await db.pool.query<{ entry: string }>(
      `SELECT entry FROM audit_log WHERE type = 'batch.replayed' AND subject = $1`,
      [`batch:${batchId}`],
    );
    expect(JSON.parse(rows[0]!.entry).data).toMatchObject({
      attempt: 1,
      failure: expect.stringMatching(/replay_probe_21/),
    });

    const again = await app.inject({
      method: 'POST',
      url: `/v1/batches/${batchId}/replay`,
      headers: bearer(keys.secretariat),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'RMDX_ERR_CONFLICT' });
  });

  it('from the command line without Redis: rmdx batches replay runs it to its end in that process', async () => {
    const { batchId, records } = await failedBatch('2026-01', 22);
    const run = await runRmdx(['batches', 'replay', batchId], { DATABASE_URL: db.url, REDIS_URL: undefined });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`batch ${batchId} replayed: completed`);
    await expectComplete(batchId, records);
    expect((await auditOf(batchId)).filter((e) => e.startsWith('batch.replayed'))).toEqual([
      'batch.replayed cli',
    ]);

    const again = await runRmdx(['batches', 'replay', batchId], {
      DATABASE_URL: db.url,
      REDIS_URL: undefined,
    });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/only a failed batch can be replayed/);
  });
});
