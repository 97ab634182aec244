import { describe, expect, it } from 'vitest';

import { addMonths, currentPeriod, reportingDeadline } from '../../../src/console/completeness.js';
import { batchDoc, exportRecord, rng } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';

const db = await testDatabase();
const hub = await testHub(db, { redis: false });

async function submit(
  country: string,
  period: string,
  records: Record<string, unknown>[],
  key = hub.keys.secretariat,
) {
  const res = await hub.app.inject({
    method: 'POST',
    url: '/v1/batches',
    headers: {
      ...bearer(key),
      'idempotency-key': `c-${country}-${period}-${records.length}-${Math.random()}`,
    },
    payload: batchDoc(country, period, records),
  });
  expect(res.statusCode).toBe(202);
  return hub.waitForBatch(res.json().batchId);
}

const exports = (country: string, period: string, n: number) =>
  Array.from({ length: n }, (_, i) => exportRecord({ country, period, r: rng(i + 1) }, i));

describe('reporting deadline', () => {
  it('is the end of the configured day of the following month (UTC)', () => {
    expect(reportingDeadline('2025-04', 15).toISOString()).toBe('2025-05-16T00:00:00.000Z');
    expect(reportingDeadline('2025-12', 15).toISOString()).toBe('2026-01-16T00:00:00.000Z');
    expect(addMonths('2025-01', -1)).toBe('2024-12');
  });
});

describe('GET /v1/completeness', () => {
  it('classifies every state and month: complete, late, with errors, received, missing, not due', async () => {
    const onTime = await submit('RW', '2025-04', exports('RW', '2025-04', 3));
    await db.pool.query(`UPDATE batches SET received_at = '2025-05-10T09:00:00Z' WHERE id = $1`, [onTime.id]);
    await submit('RW', '2025-05', exports('RW', '2025-05', 2)); // arrives now: long after 2025-06-15
    const bad = exports('RW', '2025-06', 2);
    delete bad[1]!.shippedOn; // one invalid record: stored with errors
    const withErrors = await submit('RW', '2025-06', bad);
    expect(withErrors.status).toBe('completed_with_errors');
    const busy = await submit('UG', '2025-05', exports('UG', '2025-05', 1));
    await db.pool.query(`UPDATE batches SET status = 'persisting' WHERE id = $1`, [busy.id]);

    const res = await hub.app.inject({
      method: 'GET',
      url: '/v1/completeness?to=2025-06&months=3',
      headers: bearer(hub.keys.secretariat),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.periods).toEqual(['2025-04', '2025-05', '2025-06']);
    expect(body.countries).toHaveLength(12);
    expect(body.cells).toHaveLength(36);
    const cell = (c: string, p: string) =>
      body.cells.find((x: { country: string; period: string }) => x.country === c && x.period === p);
    expect(cell('RW', '2025-04')).toMatchObject({
      state: 'complete',
      late: false,
      batches: 1,
      latestBatchId: onTime.id,
    });
    expect(cell('RW', '2025-05')).toMatchObject({ state: 'late', late: true });
    expect(cell('RW', '2025-06')).toMatchObject({ state: 'withErrors', records: { received: 2, stored: 1 } });
    expect(cell('RW', '2025-06').records.errors).toBeGreaterThan(0);
    expect(cell('UG', '2025-05')).toMatchObject({ state: 'received' });
    expect(cell('CD', '2025-04')).toMatchObject({ state: 'missing', batches: 0 });

    // A clean resubmission after the errors makes the month late (it was first reported late), not erroneous.
    await submit('RW', '2025-06', exports('RW', '2025-06', 2));
    const again = await hub.app.inject({
      method: 'GET',
      url: '/v1/completeness?to=2025-06&months=1',
      headers: bearer(hub.keys.auditor),
    });
    expect(again.json().cells.find((x: { country: string }) => x.country === 'RW')).toMatchObject({
      state: 'late',
      batches: 2,
    });

    // The current month is not due yet.
    const now = await hub.app.inject({
      method: 'GET',
      url: `/v1/completeness?to=${currentPeriod()}&months=1`,
      headers: bearer(hub.keys.auditor),
    });
    expect(now.json().cells.every((x: { state: string }) => x.state === 'notDue')).toBe(true);
  });

  it('shows a submitter its own state only', async () => {
    const res = await hub.app.inject({
      method: 'GET',
      url: '/v1/completeness?to=2025-06&months=2',
      headers: bearer(hub.keys.RW),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().countries).toEqual(['RW']);
    expect(res.json().cells).toHaveLength(2);
    const other = await hub.app.inject({
      method: 'GET',
      url: '/v1/completeness?country=CD',
      headers: bearer(hub.keys.RW),
    });
    expect(other.statusCode).toBe(403);
    expect((await hub.app.inject({ method: 'GET', url: '/v1/completeness' })).statusCode).toBe(401);
  });
});
