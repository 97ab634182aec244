import { beforeAll, describe, expect, it } from 'vitest';

import { withTransaction } from '../../../src/db/pool.js';
import { persistRecords, type PersistBatch, type PersistItem } from '../../../src/records/persist.js';
import { lotTree, traceLot } from '../../../src/records/trace.js';
import { testDatabase } from '../../helpers/db.js';
import { exportRecord, insertBatch } from './fixtures.js';

const db = await testDatabase();

async function store(batch: PersistBatch, records: Record<string, unknown>[]) {
  const items: PersistItem[] = records.map((record, i) => ({
    recordIndex: i,
    recordType: record.recordType as PersistItem['recordType'],
    action: record.action === 'void' ? 'void' : 'upsert',
    record,
  }));
  await withTransaction(db.pool, (c) => persistRecords(c, batch, items));
}

const lot = (lotNumber: string, fields: Record<string, unknown>) => ({
  recordType: 'lot',
  lotNumber,
  custodianId: 'A-1',
  mineral: 'cassiterite',
  unit: 'KGM',
  ...fields,
});

beforeAll(async () => {
  // January: site S-A green since 2025-12 (dated); site S-B reported yellow without a date.
  const jan = await insertBatch(db.pool, { country: 'RW', period: '2026-01' });
  await store(jan, [
    {
      recordType: 'mineSite',
      siteId: 'S-A',
      name: 'Site A',
      country: 'RW',
      minerals: ['cassiterite'],
      certificationStatus: 'green',
      statusSince: '2025-12-01',
      location: { lat: -1.6, lon: 29.7 },
    },
    {
      recordType: 'mineSite',
      siteId: 'S-B',
      name: 'Site B',
      country: 'RW',
      minerals: ['cassiterite'],
      certificationStatus: 'yellow',
    },
    // Extraction at both sites, blended into LOT-C, split into LOT-D (and LOT-E).
    lot('LOT-A', {
      registeredAt: '2026-01-10T09:00:00+02:00',
      operation: 'extraction',
      siteId: 'S-A',
      mass: 600,
    }),
    lot('LOT-B', {
      registeredAt: '2026-01-11T23:30:00+02:00',
      operation: 'extraction',
      siteId: 'S-B',
      mass: 400,
    }),
    lot('LOT-C', {
      registeredAt: '2026-01-20T10:00:00Z',
      operation: 'blending',
      inputLots: ['LOT-A', 'LOT-B'],
      mass: 1,
      unit: 'TNE',
    }),
    lot('LOT-D', {
      registeredAt: '2026-01-25T10:00:00Z',
      operation: 'splitting',
      inputLots: ['LOT-C'],
      mass: 700,
    }),
    lot('LOT-E', {
      registeredAt: '2026-01-25T10:00:00Z',
      operation: 'splitting',
      inputLots: ['LOT-C'],
      mass: 300,
    }),
    {
      recordType: 'custodyTransfer',
      transferId: 'T-1',
      lotNumber: 'LOT-A',
      fromActorId: 'COOP-1',
      toActorId: 'A-1',
      occurredAt: '2026-01-12T08:00:00Z',
      mass: 600,
      unit: 'KGM',
    },
    {
      recordType: 'custodyTransfer',
      transferId: 'T-2',
      lotNumber: 'LOT-D',
      fromActorId: 'A-1',
      toActorId: 'EXP-1',
      occurredAt: '2026-01-26T08:00:00Z',
    },
    exportRecord('EXP-D', {
      mineral: 'cassiterite',
      hsCode: '2609.00',
      lotNumbers: ['LOT-D'],
      certificateNumber: 'RW-2026-000777',
    }),
    exportRecord('EXP-OTHER', { lotNumbers: ['LOT-Z'] }),
    {
      recordType: 'certificate',
      certificateNumber: 'RW-2026-000777',
      issuedOn: '2026-01-27',
      destinationCountry: 'AE',
      mineral: 'cassiterite',
      status: 'used',
    },
    // A cycle in someone's data: X is made from Y and Y from X.
    lot('LOT-X', {
      registeredAt: '2026-01-05T00:00:00Z',
      operation: 'blending',
      inputLots: ['LOT-Y', 'LOT-MISSING'],
    }),
    lot('LOT-Y', { registeredAt: '2026-01-05T00:00:00Z', operation: 'blending', inputLots: ['LOT-X'] }),
  ]);
  // February: S-A turns red from 2026-02-01; an inspection of S-B on 2026-01-11 found it red.
  const feb = await insertBatch(db.pool, { country: 'RW', period: '2026-02' });
  await store(feb, [
    {
      recordType: 'mineSite',
      siteId: 'S-A',
      name: 'Site A',
      country: 'RW',
      minerals: ['cassiterite'],
      certificationStatus: 'red',
      statusSince: '2026-02-01',
    },
    {
      recordType: 'inspection',
      inspectionId: 'I-1',
      siteId: 'S-B',
      inspectionDate: '2026-01-11',
      result: 'red',
    },
  ]);
});

describe('traceLot', () => {
  it('follows a split and a blend back to two mine sites with their status when each lot was registered', async () => {
    const trace = await traceLot(db.pool, 'rw', 'LOT-D');
    expect(trace).not.toBeNull();
    expect(trace!.lots.map((l) => [l.lotNumber, l.depth, l.operation])).toEqual([
      ['LOT-D', 0, 'splitting'],
      ['LOT-C', 1, 'blending'],
      ['LOT-A', 2, 'extraction'],
      ['LOT-B', 2, 'extraction'],
    ]);
    expect(trace!.lots.find((l) => l.lotNumber === 'LOT-C')).toMatchObject({
      massKg: 1000,
      inputLots: ['LOT-A', 'LOT-B'],
    });
    expect(trace!.lots.find((l) => l.lotNumber === 'LOT-A')!.transfers).toMatchObject([
      { transferId: 'T-1', fromActorId: 'COOP-1', toActorId: 'A-1', massKg: 600 },
    ]);
    expect(trace!.sites).toEqual([
      {
        siteId: 'S-A',
        found: true,
        name: 'Site A',
        location: null, // the February version has no location
        minerals: ['cassiterite'],
        currentStatus: 'red',
        // Green at the time (since 2025-12-01), although red today.
        reachedBy: [
          {
            lotNumber: 'LOT-A',
            date: '2026-01-10',
            status: 'green',
            basis: 'site_record',
            evidenceDate: '2025-12-01',
          },
        ],
      },
      {
        siteId: 'S-B',
        found: true,
        name: 'Site B',
        location: null,
        minerals: ['cassiterite'],
        currentStatus: 'yellow',
        // Registered on 2026-01-11 local time (21:30 UTC): the red inspection that day is newer than the
        // undated yellow, which speaks from its report month (2026-01-01).
        reachedBy: [
          {
            lotNumber: 'LOT-B',
            date: '2026-01-11',
            status: 'red',
            basis: 'inspection',
            evidenceDate: '2026-01-11',
          },
        ],
      },
    ]);
    expect(trace!.exports).toMatchObject([
      { exportId: 'EXP-D', certificateKey: 'RW-2026-000777', lotNumbers: ['LOT-D'] },
    ]);
    expect(trace!.certificates).toMatchObject([
      { certificateKey: 'RW-2026-000777', status: 'used', lotNumbers: [] },
    ]);
    expect(trace!.missingLots).toEqual([]);
    expect(trace!.cycle).toBe(false);
  });

  it('gives the console its nested view', async () => {
    const tree = lotTree((await traceLot(db.pool, 'RW', 'LOT-D'))!);
    expect(tree).toMatchObject({
      lotNumber: 'LOT-D',
      transfers: [{ transferId: 'T-2' }],
      inputs: [
        {
          lotNumber: 'LOT-C',
          inputs: [
            {
              lotNumber: 'LOT-A',
              site: { siteId: 'S-A', certificationStatus: 'green', currentStatus: 'red' },
            },
            { lotNumber: 'LOT-B', site: { siteId: 'S-B', certificationStatus: 'red' } },
          ],
        },
      ],
    });
  });

  it('stops at cycles and lists inputs nobody reported', async () => {
    const trace = await traceLot(db.pool, 'RW', 'LOT-X');
    expect(trace!.lots.map((l) => l.lotNumber)).toEqual(['LOT-X', 'LOT-Y']);
    expect(trace!.cycle).toBe(true);
    expect(trace!.missingLots).toEqual([{ lotNumber: 'LOT-MISSING', referencedBy: ['LOT-X'] }]);
    const tree = lotTree(trace!);
    expect(tree.inputs.map((n) => [n.lotNumber, n.inputs.length, n.missing ?? false])).toEqual([
      ['LOT-Y', 0, false],
      ['LOT-MISSING', 0, true],
    ]);
  });

  it('is null for an unknown lot, another country or a voided lot', async () => {
    expect(await traceLot(db.pool, 'RW', 'NOPE')).toBeNull();
    expect(await traceLot(db.pool, 'CD', 'LOT-D')).toBeNull();
    const mar = await insertBatch(db.pool, { country: 'RW', period: '2026-03' });
    await store(mar, [{ recordType: 'lot', action: 'void', lotNumber: 'LOT-E' }]);
    expect(await traceLot(db.pool, 'RW', 'LOT-E')).toBeNull();
  });
});
