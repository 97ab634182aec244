import { describe, expect, it } from 'vitest';

import { certificateRecord, exportRecord, importRecord } from '../../../scripts/lib/trade-records.js';
import { hashApiKey } from '../../../src/auth/api-key.js';
import { listAudit, verifyAuditChain } from '../../../src/evidence/audit.js';
import { runSettingsOf } from '../../../src/matcher/reconciler.js';
import { claimRun, createRun, failRun } from '../../../src/matcher/runs.js';
import { testDatabase } from '../../helpers/db.js';
import { waitFor } from '../../helpers/processes.js';
import { matcherHub } from './helpers.js';

/** Runs as BullMQ jobs on the test Redis, and the debounced incremental runs completed batches schedule. */
const db = await testDatabase();
const hub = await matcherHub(db, {
  redis: true,
  config: { reconcileDebounceSeconds: 0, reconcileMaxWaitSeconds: 60 },
});

/** The audit entries of a run, oldest first, with their data. */
async function runAudit(runId: string) {
  const rows = await listAudit(db.pool, { subject: `reconciliation_run:${runId}`, limit: 100 });
  return rows.map((r) => ({ ...r, data: JSON.parse(r.entry).data }));
}

describe('reconciliation as jobs', () => {
  it('runs a requested run on the BullMQ worker with progress to completion', async () => {
    expect(hub.reconciler.kind).toBe('bullmq');
    await hub.submit('CD', '2025-04', [
      exportRecord({
        country: 'CD',
        exportId: 'E1',
        certificateNumber: 'CD-2025-000001',
        destinationCountry: 'RW',
        mineral: 'gold',
        mass: 10,
        valueUsd: 600000,
        shippedOn: '2025-04-02',
      }),
      certificateRecord({
        certificateNumber: 'CD-2025-000001',
        issuedOn: '2025-04-01',
        destinationCountry: 'RW',
        mineral: 'gold',
        mass: 10,
      }),
    ]);
    const run = await hub.reconcile({ period: '2025-04', asOf: '2025-06-30' });
    expect(run.status).toBe('completed');
    expect(run.counts).toMatchObject({ unmatchedExports: 1 });
    expect(run.progress).toMatchObject({ stage: 'done', percent: 100 });
    // Audited: requested by the secretariat's key, then finished with its counts.
    const { rows: key } = await db.pool.query('SELECT id FROM api_keys WHERE key_hash = $1', [
      hashApiKey(hub.keys.secretariat),
    ]);
    const audit = await runAudit(run.id);
    expect(audit.map((e) => [e.type, e.actor])).toEqual([
      ['reconciliation.run_started', `key:${key[0].id}`],
      ['reconciliation.run_finished', 'system'],
    ]);
    expect(audit[0]!.data).toMatchObject({
      runId: run.id,
      status: 'queued',
      trigger: 'api',
      requestedBy: key[0].id,
      periodFrom: '2025-04',
      periodTo: '2025-04',
      asOf: '2025-06-30',
    });
    expect(audit[1]!.data).toMatchObject({
      status: 'completed',
      attempts: 1,
      counts: { unmatchedExports: 1 },
      inputsFingerprint: run.inputs_fingerprint,
    });
  });

  it('a completed batch marks the cells it touched; due cells become one run per corridor', async () => {
    const batch = await hub.submit('RW', '2025-04', [
      importRecord({
        country: 'RW',
        importId: 'I1',
        originCountry: 'CD',
        certificateNumber: 'CD-2025-000001',
        mineral: 'gold',
        mass: 10,
        valueUsd: 636000,
        arrivedOn: '2025-04-03',
      }),
    ]);
    expect(batch.status).toBe('completed');
    // The hook runs right after the batch is final.
    const pending = await waitFor('the cells of the batch', async () => {
      const r = await db.pool.query<{ exporting_country: string; importing_country: string; period: string }>(
        `SELECT exporting_country, importing_country, period FROM reconciliation_pending ORDER BY period`,
      );
      return r.rows.some((x) => x.period === '2024-12') && r;
    });
    // An import of April may meet exports from up to four months before.
    expect(pending.rows.map((r) => `${r.exporting_country}>${r.importing_country} ${r.period}`)).toEqual(
      expect.arrayContaining(['CD>RW 2024-12', 'CD>RW 2025-04']),
    );
    const runs = await hub.reconciler.schedulePending();
    const cdRw = runs.find((r) => r.exporting_country === 'CD' && r.importing_country === 'RW')!;
    // With the cells of the first batch (its exports of April meet imports up to August).
    expect(cdRw).toMatchObject({ trigger: 'batch', period_from: '2024-12', period_to: '2025-08' });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM reconciliation_pending')).rows[0].n).toBe(0);
    // Audited as started by the incremental schedule, after the batches that marked its cells.
    const [started] = await runAudit(cdRw.id);
    expect(started).toMatchObject({ type: 'reconciliation.run_started', actor: 'system' });
    expect(started!.data).toMatchObject({ trigger: 'batch', requestedBy: null, periodFrom: '2024-12' });
    expect(started!.data.afterBatches).toContain(batch.id);
    expect(started!.data.afterBatchCount).toBe(started!.data.afterBatches.length);
    // The worker takes it; the link then shows as the current result of the corridor.
    for (let i = 0; i < 300; i++) {
      const { rows } = await db.pool.query(`SELECT status FROM reconciliation_runs WHERE id = $1`, [cdRw.id]);
      if (rows[0].status === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const links = (await hub.get('/v1/matches?corridor=CD-RW&period=2025-04')).body.items;
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ runId: cdRw.id, exportId: 'E1', importId: 'I1', stage: 1 });
  });

  it('debounces: a cell touched again waits, but never past the longest wait', async () => {
    await db.pool.query(
      `INSERT INTO reconciliation_pending (exporting_country, importing_country, period, first_requested_at, due_at)
       VALUES ('UG', 'RW', '2025-04', now() - interval '59 seconds', now() + interval '1 hour')`,
    );
    await hub.submit('UG', '2025-04', [
      exportRecord({
        country: 'UG',
        exportId: 'U1',
        certificateNumber: 'UG-2025-000001',
        destinationCountry: 'RW',
        mineral: 'gold',
        mass: 3,
        valueUsd: 180000,
        shippedOn: '2025-04-05',
      }),
    ]);
    const capped = await waitFor(
      'the debounced cell',
      async () => {
        const { rows } = await db.pool.query(
          `SELECT due_at <= first_requested_at + interval '60 seconds' AS capped FROM reconciliation_pending
         WHERE exporting_country = 'UG' AND importing_country = 'RW' AND period = '2025-04'`,
        );
        return rows[0]?.capped === true;
      },
      10_000,
    );
    expect(capped).toBe(true);
  });

  it('a failed run is audited as finished with its error; the chain verifies', async () => {
    const run = await createRun(db.pool, {
      periodFrom: '2025-01',
      periodTo: '2025-01',
      asOf: '2025-06-30',
      trigger: 'cli',
      settings: runSettingsOf(hub.config.matcher),
    });
    await claimRun(db.pool, run.id);
    expect(await failRun(db.pool, run.id, { message: 'disk full', retryable: false }, {})).toMatchObject({
      status: 'failed',
    });
    // Failing it again (a late second attempt) records nothing more.
    expect(await failRun(db.pool, run.id, { message: 'again', retryable: false }, {})).toBeUndefined();
    const audit = await runAudit(run.id);
    expect(audit.map((e) => [e.type, e.actor, e.data.status])).toEqual([
      ['reconciliation.run_started', 'cli', 'queued'],
      ['reconciliation.run_finished', 'system', 'failed'],
    ]);
    expect(audit[1]!.data).toMatchObject({ error: 'disk full', attempts: 1 });
    expect((await verifyAuditChain(db.pool)).ok).toBe(true);
  });
});
