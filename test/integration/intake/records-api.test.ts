import { describe, expect, it } from 'vitest';

import { batchDoc } from '../../fixtures/factory.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer, testHub } from '../../helpers/hub.js';

const db = await testDatabase();
const hub = await testHub(db, { redis: false });
const { app, keys } = hub;

let n = 0;
async function submit(key: string, doc: Record<string, unknown>) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/batches',
    headers: { ...bearer(key), 'idempotency-key': `rec-${n++}` },
    payload: doc,
  });
  expect(res.statusCode).toBe(202);
  const done = await hub.waitForBatch(res.json().batchId);
  expect(done.status).toBe('completed');
  return done;
}

const site = (id: string, status: string, since: string) => ({
  recordType: 'mineSite',
  siteId: id,
  name: `Site ${id}`,
  country: 'RW',
  location: { lat: -1.68, lon: 29.87 },
  minerals: ['cassiterite'],
  certificationStatus: status,
  statusSince: since,
});

const lot = (lotNumber: string, extra: Record<string, unknown>) => ({
  recordType: 'lot',
  lotNumber,
  registeredAt: '2026-03-10T08:00:00+02:00',
  custodianId: 'RMB-ACT-1',
  mineral: 'cassiterite',
  mass: 1000,
  unit: 'KGM',
  gradePct: 60,
  ...extra,
});

describe('records: versions, void and history', () => {
  it('replaces a resubmitted key, keeps the earlier version, and withdraws a voided one from the current view', async () => {
    const v1 = await submit(keys.RW, batchDoc('RW', '2026-02', [site('RW-MS-1', 'blue', '2026-02-01')]));
    const v2 = await submit(keys.RW, batchDoc('RW', '2026-03', [site('RW-MS-1', 'green', '2026-03-02')]));

    const list = (
      await app.inject({ method: 'GET', url: '/v1/records/mineSite?key=RW-MS-1', headers: bearer(keys.RW) })
    ).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      key: 'RW-MS-1',
      version: 2,
      certificationStatus: 'green',
      batchId: v2.id,
      isVoid: false,
    });
    expect(list.items[0].location).toEqual({ lat: -1.68, lon: 29.87 });
    expect(list.items[0].received.certificationStatus).toBe('green');

    const one = (
      await app.inject({ method: 'GET', url: '/v1/records/mineSite/RW/RW-MS-1', headers: bearer(keys.RW) })
    ).json();
    expect(
      one.history.map((h: { version: number; batch: { id: string } }) => [h.version, h.batch.id]),
    ).toEqual([
      [1, v1.id],
      [2, v2.id],
    ]);

    await submit(
      keys.RW,
      batchDoc('RW', '2026-04', [{ recordType: 'mineSite', action: 'void', siteId: 'RW-MS-1' }]),
    );
    const after = (
      await app.inject({ method: 'GET', url: '/v1/records/mineSite?key=RW-MS-1', headers: bearer(keys.RW) })
    ).json();
    expect(after.items).toHaveLength(0);
    const withVoid = (
      await app.inject({
        method: 'GET',
        url: '/v1/records/mineSite?key=RW-MS-1&includeVoid=true',
        headers: bearer(keys.RW),
      })
    ).json();
    expect(withVoid.items[0]).toMatchObject({ isVoid: true, version: 3 });
    const history = (
      await app.inject({ method: 'GET', url: '/v1/records/mineSite/RW/RW-MS-1', headers: bearer(keys.RW) })
    ).json();
    expect(history.history.map((h: { action: string }) => h.action)).toEqual(['upsert', 'upsert', 'void']);
  });

  it("never shows one country another country's records", async () => {
    expect(
      (await app.inject({ method: 'GET', url: '/v1/records/mineSite?country=RW', headers: bearer(keys.CD) }))
        .statusCode,
    ).toBe(403);
    const own = (
      await app.inject({
        method: 'GET',
        url: '/v1/records/mineSite?includeVoid=true',
        headers: bearer(keys.CD),
      })
    ).json();
    expect(own.items).toEqual([]);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/records/mineSite/RW/RW-MS-1', headers: bearer(keys.CD) }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1/records/mineSite?country=RW&includeVoid=true',
          headers: bearer(keys.auditor),
        })
      ).json().items,
    ).toHaveLength(1);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1/records/export?status=x',
          headers: bearer(keys.secretariat),
        })
      ).json().code,
    ).toBe('RMDX_ERR_BAD_REQUEST');
    expect(
      (await app.inject({ method: 'GET', url: '/v1/records/nothing', headers: bearer(keys.secretariat) }))
        .statusCode,
    ).toBe(400);
  });
});

describe('lot trace', () => {
  it('reaches the mine sites through a blend and a split, with each site status at the time', async () => {
    await submit(
      keys.RW,
      batchDoc('RW', '2026-03', [
        site('RW-MS-10', 'green', '2026-01-15'),
        site('RW-MS-11', 'yellow', '2026-02-20'),
        lot('L-A', { operation: 'extraction', siteId: 'RW-MS-10' }),
        lot('L-B', { operation: 'extraction', siteId: 'RW-MS-11' }),
        lot('L-C', {
          operation: 'blending',
          inputLots: ['L-A', 'L-B'],
          registeredAt: '2026-03-12T08:00:00+02:00',
        }),
        lot('L-D', {
          operation: 'splitting',
          inputLots: ['L-C'],
          registeredAt: '2026-03-14T08:00:00+02:00',
          mass: 400,
        }),
        {
          recordType: 'custodyTransfer',
          transferId: 'T-1',
          lotNumber: 'L-C',
          fromActorId: 'RMB-ACT-1',
          toActorId: 'RMB-ACT-2',
          occurredAt: '2026-03-13T10:00:00+02:00',
        },
      ]),
    );
    const res = await app.inject({ method: 'GET', url: '/v1/lots/RW/L-D/trace', headers: bearer(keys.RW) });
    expect(res.statusCode).toBe(200);
    const trace = res.json();
    expect(trace.lot.lotNumber).toBe('L-D');
    expect(trace.lot.inputs[0].lotNumber).toBe('L-C');
    expect(trace.lot.inputs[0].transfers.map((t: { transferId: string }) => t.transferId)).toEqual(['T-1']);
    const leaves = trace.lot.inputs[0].inputs;
    expect(leaves.map((l: { lotNumber: string }) => l.lotNumber).sort()).toEqual(['L-A', 'L-B']);
    const statuses = Object.fromEntries(
      leaves.map((l: { site: { siteId: string; certificationStatus: string } }) => [
        l.site.siteId,
        l.site.certificationStatus,
      ]),
    );
    expect(statuses).toEqual({ 'RW-MS-10': 'green', 'RW-MS-11': 'yellow' });
    expect(
      (await app.inject({ method: 'GET', url: '/v1/lots/RW/L-D/trace', headers: bearer(keys.CD) }))
        .statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/lots/RW/NOPE/trace', headers: bearer(keys.RW) }))
        .statusCode,
    ).toBe(404);
  });
});
