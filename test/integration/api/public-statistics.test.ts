import { describe, expect, it } from 'vitest';

import { batchDoc, exportRecord, importRecord, rng } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';

const db = await testDatabase();
const hub = await testHub(db, { redis: false, config: { publicMinTraders: 3 } });

async function submit(country: string, period: string, records: Record<string, unknown>[]) {
  const res = await hub.app.inject({
    method: 'POST',
    url: '/v1/batches',
    headers: {
      ...bearer(hub.keys.secretariat),
      'idempotency-key': `s-${country}-${period}-${Math.random()}`,
    },
    payload: batchDoc(country, period, records),
  });
  expect(res.statusCode).toBe(202);
  return hub.waitForBatch(res.json().batchId);
}

const ctx = (country: string, period: string) => ({ country, period, r: rng(7) });

/** Three exporters of gold to AE (published) and one of cassiterite to CN (withheld). */
function rwanda(period: string, country = 'RW') {
  const gold = [0, 1, 2].map((i) => ({
    ...exportRecord(ctx(country, period), i),
    exporterId: `RW-ACT-${i}`,
    exporterName: `Secret Trader ${i} Ltd`,
    mineral: 'gold',
    hsCode: '7108.12',
    destinationCountry: 'AE',
    mass: 10 + i,
    unit: 'KGM',
    valueUsd: 1000 * (i + 1),
    shippedOn: `${period}-0${i + 1}`,
  }));
  const tin = {
    ...exportRecord(ctx(country, period), 9),
    exporterId: 'RW-ACT-9',
    exporterName: 'Lonely Tin Exporter',
    mineral: 'cassiterite',
    hsCode: '2609.00',
    destinationCountry: 'CN',
    mass: 2.5,
    unit: 'TNE',
    valueUsd: 40000,
    shippedOn: `${period}-20`,
  };
  return [...gold, tin];
}

describe('GET /v1/public/statistics', () => {
  it('publishes exports and imports by state, partner, mineral and month, withholding small cells', async () => {
    const b = await submit('RW', '2025-03', rwanda('2025-03'));
    expect(b.status).toBe('completed');
    const imports = [0, 1, 2].map((i) => ({
      ...importRecord(ctx('UG', '2025-03'), i),
      importerId: `UG-IMP-${i}`,
      originCountry: 'RW',
      mineral: 'coltan',
      hsCode: '2615.90',
      mass: 1000,
      unit: 'KGM',
      valueUsd: 5000,
      arrivedOn: '2025-04-02',
    }));
    expect((await submit('UG', '2025-04', imports)).status).toBe('completed');

    // Anyone may read it: no key.
    const res = await hub.app.inject({ method: 'GET', url: '/v1/public/statistics?from=2025-01&to=2025-06' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toMatch(/public/);
    const body = res.json();
    expect(body.minTraders).toBe(3);
    expect(body.methodology).toBe('/statistics#methodology');
    expect(body.items).toEqual([
      {
        flow: 'export',
        month: '2025-03',
        reporter: 'RW',
        partner: 'CN',
        mineral: 'cassiterite',
        massKg: null,
        valueUsd: null,
        shipments: null,
        confidential: true,
      },
      {
        flow: 'export',
        month: '2025-03',
        reporter: 'RW',
        partner: 'AE',
        mineral: 'gold',
        massKg: 33,
        valueUsd: 6000,
        shipments: 3,
        confidential: false,
      },
      // Imports count in the month they arrived, not the month reported.
      {
        flow: 'import',
        month: '2025-04',
        reporter: 'UG',
        partner: 'RW',
        mineral: 'coltan',
        massKg: 3000,
        valueUsd: 15000,
        shipments: 3,
        confidential: false,
      },
    ]);
    // No company or person leaves the hub.
    expect(res.body).not.toMatch(/Secret Trader|Lonely|RW-ACT|UG-IMP|Gatsata/);

    const filtered = await hub.app.inject({
      method: 'GET',
      url: '/v1/public/statistics?from=2025-01&to=2025-06&flow=import&partner=RW',
    });
    expect(filtered.json().items.map((c: { flow: string }) => c.flow)).toEqual(['import']);

    const csv = await hub.app.inject({
      method: 'GET',
      url: '/v1/public/statistics?from=2025-01&to=2025-06&format=csv',
    });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('flow,month,reporter,partner,mineral,massKg,valueUsd,shipments,confidential');
    expect(lines).toContain('export,2025-03,RW,AE,gold,33,6000,3,false');
    expect(lines).toContain('export,2025-03,RW,CN,cassiterite,,,,true');
    expect(csv.body).not.toMatch(/Lonely/);
  });

  it('counts only records of finished batches and not voided ones', async () => {
    const b = await submit('BI', '2025-05', rwanda('2025-05', 'BI'));
    expect(b.status).toBe('completed');
    const url = '/v1/public/statistics?from=2025-05&to=2025-05&reporter=BI';
    expect((await hub.app.inject({ method: 'GET', url })).json().items).toHaveLength(2);
    await db.pool.query(`UPDATE batches SET status = 'failed' WHERE id = $1`, [b.id]);
    expect((await hub.app.inject({ method: 'GET', url })).json().items).toHaveLength(0);
    await db.pool.query(`UPDATE batches SET status = 'completed' WHERE id = $1`, [b.id]);
    await db.pool.query(`UPDATE exports SET is_void = true WHERE batch_id = $1 AND mineral = 'cassiterite'`, [
      b.id,
    ]);
    expect((await hub.app.inject({ method: 'GET', url })).json().items).toHaveLength(1);
  });

  it('rejects a bad range', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/v1/public/statistics?from=2025-06&to=2025-01' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('RMDX_ERR_BAD_REQUEST');
    expect(
      (await hub.app.inject({ method: 'GET', url: '/v1/public/statistics?to=2025-13' })).statusCode,
    ).toBe(400);
  });
});
