import { describe, expect, it } from 'vitest';

import { certificateRecord, exportRecord, importRecord } from '../../../scripts/lib/trade-records.js';
import { testDatabase } from '../../helpers/db.js';
import { waitFor } from '../../helpers/processes.js';
import { matcherHub } from './helpers.js';

/** Runs as BullMQ jobs on the test Redis, and the debounced incremental runs completed batches schedule. */
const db = await testDatabase();
const hub = await matcherHub(db, {
  redis: true,
  config: { reconcileDebounceSeconds: 0, reconcileMaxWaitSeconds: 60 },
});

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
});
