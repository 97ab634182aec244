import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { withTransaction } from '../../../src/db/pool.js';
import { persistRecords, type PersistBatch, type PersistItem } from '../../../src/records/persist.js';
import { recordHistory } from '../../../src/records/queries.js';
import type { RecordType } from '../../../src/standard/record-types.js';
import { testDatabase } from '../../helpers/db.js';
import { exportRecord, insertBatch } from './fixtures.js';
import { storedVersions } from './versions.js';

const db = await testDatabase();

function upsert(recordIndex: number, record: Record<string, unknown>): PersistItem {
  return { recordIndex, recordType: record.recordType as RecordType, action: 'upsert', record };
}

function voidOf(recordIndex: number, recordType: RecordType, keyField: string, key: string): PersistItem {
  return { recordIndex, recordType, action: 'void', record: { recordType, action: 'void', [keyField]: key } };
}

function persist(batch: PersistBatch, items: PersistItem[]) {
  return withTransaction(db.pool, (client) => persistRecords(client, batch, items));
}

async function exportRow(country: string, exportId: string) {
  const { rows } = await db.pool.query(`SELECT * FROM exports WHERE country = $1 AND export_id = $2`, [
    country,
    exportId,
  ]);
  return rows[0];
}

async function historyCount(): Promise<number> {
  return (await storedVersions(db.pool)).n;
}

describe('persistRecords', () => {
  it('inserts, updates to version 2 keeping history, voids, and a rerun changes nothing', async () => {
    const b1 = await insertBatch(db.pool, { country: 'CD', period: '2026-01' });
    const first = await persist(b1, [upsert(0, exportRecord('P1')), upsert(1, exportRecord('P2'))]);
    expect(first).toEqual({ export: { inserted: 2, updated: 0, unchanged: 0, voided: 0 } });
    const v1 = await exportRow('CD', 'P1');
    expect(v1).toMatchObject({
      version: 1,
      is_void: false,
      batch_id: b1.id,
      mass_kg: 2.5,
      period: '2026-01',
    });

    // A later batch resubmits P1 with another mass: version 2 replaces it; version 1 stays in history.
    const b2 = await insertBatch(db.pool, { country: 'CD', period: '2026-02' });
    const second = await persist(b2, [upsert(0, exportRecord('P1', { mass: 3, unit: 'KGM' }))]);
    expect(second).toEqual({ export: { inserted: 0, updated: 1, unchanged: 0, voided: 0 } });
    const v2 = await exportRow('CD', 'P1');
    expect(v2).toMatchObject({ version: 2, batch_id: b2.id, mass_kg: 3, unit: 'KGM', period: '2026-02' });
    expect(v2.received).toMatchObject({ mass: 3, unit: 'KGM' });
    const history = await recordHistory(db.pool, 'export', 'CD', 'P1');
    expect(history.map((h) => [h.version, h.batch.id, h.action, h.canonical.mass_kg])).toEqual([
      [1, b1.id, 'upsert', 2.5],
      [2, b2.id, 'upsert', 3],
    ]);

    // A void withdraws P2: the row stays (is_void, key only), history keeps every version.
    const b3 = await insertBatch(db.pool, { country: 'CD', period: '2026-03' });
    const third = await persist(b3, [voidOf(0, 'export', 'exportId', 'P2')]);
    expect(third).toEqual({ export: { inserted: 0, updated: 0, unchanged: 0, voided: 1 } });
    const voided = await exportRow('CD', 'P2');
    expect(voided).toMatchObject({ version: 2, is_void: true, mass_kg: null, destination_country: null });
    expect(voided.received).toEqual({ recordType: 'export', action: 'void', exportId: 'P2' });
    expect((await recordHistory(db.pool, 'export', 'CD', 'P2')).map((h) => h.action)).toEqual([
      'upsert',
      'void',
    ]);

    // Rerunning any of those chunks changes nothing.
    const before = await historyCount();
    const rowBefore = await exportRow('CD', 'P1');
    expect(await persist(b2, [upsert(0, exportRecord('P1', { mass: 3, unit: 'KGM' }))])).toEqual({
      export: { inserted: 0, updated: 0, unchanged: 1, voided: 0 },
    });
    expect(await persist(b1, [upsert(0, exportRecord('P1')), upsert(1, exportRecord('P2'))])).toEqual({
      export: { inserted: 0, updated: 0, unchanged: 2, voided: 0 },
    });
    expect(await historyCount()).toBe(before);
    expect(await exportRow('CD', 'P1')).toEqual(rowBefore);
  });

  it('an older batch arriving late does not overwrite a newer version, and versions follow arrival order', async () => {
    const older = await insertBatch(db.pool, { country: 'UG', period: '2026-01' });
    const newer = await insertBatch(db.pool, { country: 'UG', period: '2026-02' });
    await persist(newer, [upsert(0, exportRecord('L1', { mass: 20 }))]);
    const late = await persist(older, [upsert(0, exportRecord('L1', { mass: 10 }))]);
    expect(late).toEqual({ export: { inserted: 0, updated: 0, unchanged: 1, voided: 0 } });
    const row = await exportRow('UG', 'L1');
    expect(row).toMatchObject({ mass: 20, batch_id: newer.id, version: 2 });
    const history = await recordHistory(db.pool, 'export', 'UG', 'L1');
    expect(history.map((h) => [h.version, h.batch.id, h.received])).toEqual([
      [1, older.id, expect.objectContaining({ mass: 10 })],
      [2, newer.id, expect.objectContaining({ mass: 20 })],
    ]);
  });

  it('voiding an unknown key stores a tombstone that a later upsert replaces', async () => {
    const b1 = await insertBatch(db.pool, { country: 'RW' });
    expect(await persist(b1, [voidOf(0, 'export', 'exportId', 'T1')])).toEqual({
      export: { inserted: 0, updated: 0, unchanged: 0, voided: 1 },
    });
    expect(await exportRow('RW', 'T1')).toMatchObject({ is_void: true, version: 1, mineral: null });
    const b2 = await insertBatch(db.pool, { country: 'RW' });
    expect(await persist(b2, [upsert(0, exportRecord('T1'))])).toEqual({
      export: { inserted: 0, updated: 1, unchanged: 0, voided: 0 },
    });
    expect(await exportRow('RW', 'T1')).toMatchObject({ is_void: false, version: 2, mineral: 'gold' });
  });

  it('a key twice in one chunk: the later record is current, both are in history in order', async () => {
    const b = await insertBatch(db.pool, { country: 'TZ' });
    const counts = await persist(b, [
      upsert(5, exportRecord('D1', { mass: 2 })),
      upsert(3, exportRecord('D1', { mass: 1 })),
      upsert(4, exportRecord('D2')),
    ]);
    expect(counts).toEqual({ export: { inserted: 2, updated: 0, unchanged: 1, voided: 0 } });
    expect(await exportRow('TZ', 'D1')).toMatchObject({ mass: 2, record_index: 5, version: 2 });
    const history = await recordHistory(db.pool, 'export', 'TZ', 'D1');
    expect(history.map((h) => [h.version, h.batch.recordIndex])).toEqual([
      [1, 3],
      [2, 5],
    ]);
  });

  it('keeps reporting countries apart: the same key in two countries is two records', async () => {
    const rw = await insertBatch(db.pool, { country: 'RW' });
    const bi = await insertBatch(db.pool, { country: 'BI' });
    await persist(rw, [upsert(0, exportRecord('SAME', { mass: 1 }))]);
    await persist(bi, [upsert(0, exportRecord('SAME', { mass: 2 }))]);
    expect(await exportRow('RW', 'SAME')).toMatchObject({ mass: 1, version: 1 });
    expect(await exportRow('BI', 'SAME')).toMatchObject({ mass: 2, version: 1 });
  });

  it('stores nothing for a batch that does not exist (checked once per chunk, migration 0009)', async () => {
    const missing = {
      id: randomUUID(),
      seq: 999_999,
      country: 'RW',
      period: '2026-03',
      schemaVersion: '1.0.0',
    };
    await expect(persist(missing, [upsert(0, exportRecord('NO-BATCH'))])).rejects.toThrow(/does not exist/);
    expect(await exportRow('RW', 'NO-BATCH')).toBeUndefined();
  });

  it('a batch that stored records cannot be deleted; one that stored none can', async () => {
    const kept = await insertBatch(db.pool, { country: 'RW' });
    await persist(kept, [upsert(0, exportRecord('KEEP-1'))]);
    await expect(db.pool.query('DELETE FROM batches WHERE id = $1', [kept.id])).rejects.toMatchObject({
      code: '23503',
    });
    // A version only in history (superseded) still holds its batch.
    const later = await insertBatch(db.pool, { country: 'RW' });
    await persist(later, [upsert(0, exportRecord('KEEP-1', { mass: 7 }))]);
    await expect(db.pool.query('DELETE FROM batches WHERE id = $1', [kept.id])).rejects.toMatchObject({
      code: '23503',
    });
    const empty = await insertBatch(db.pool, { country: 'RW' });
    const { rowCount } = await db.pool.query('DELETE FROM batches WHERE id = $1', [empty.id]);
    expect(rowCount).toBe(1);
  });

  it('stores a mixed chunk of every record type with one statement per type', async () => {
    const b = await insertBatch(db.pool, { country: 'RW' });
    const items: PersistItem[] = [
      upsert(0, {
        recordType: 'mineSite',
        siteId: 'S-MIX',
        name: 'Mix',
        country: 'RW',
        minerals: ['cassiterite'],
        certificationStatus: 'green',
        location: { lat: -1.9, lon: 29.8 },
        externalRefs: { ipisPcode: 'X1' },
      }),
      upsert(1, {
        recordType: 'actor',
        actorId: 'A-MIX',
        name: 'Ets. Mix SARL',
        country: 'RW',
        roles: ['exporter'],
        auditStatus: { flag: 'green', date: '2026-01-02' },
      }),
      upsert(2, { recordType: 'licence', licenceId: 'LIC-MIX', type: 'mining_licence', siteIds: ['S-MIX'] }),
      upsert(3, {
        recordType: 'inspection',
        inspectionId: 'I-MIX',
        siteId: 'S-MIX',
        inspectionDate: '2026-01-05',
        result: 'green',
      }),
      upsert(4, {
        recordType: 'lot',
        lotNumber: 'LOT-MIX',
        registeredAt: '2026-01-06T08:00:00+02:00',
        custodianId: 'A-MIX',
        mineral: 'cassiterite',
        mass: 1.5,
        unit: 'TNE',
        gradePct: 60,
        operation: 'extraction',
        siteId: 'S-MIX',
      }),
      upsert(5, {
        recordType: 'custodyTransfer',
        transferId: 'CT-MIX',
        lotNumber: 'LOT-MIX',
        toActorId: 'A-MIX',
        occurredAt: '2026-01-07T10:00:00Z',
        mass: 1500,
        unit: 'KGM',
      }),
      upsert(6, exportRecord('E-MIX')),
      upsert(7, {
        recordType: 'import',
        importId: 'IM-MIX',
        originCountry: 'CD',
        mineral: 'coltan',
        mass: 2,
        unit: 'TNE',
        arrivedOn: '2026-01-08',
        certificateNumber: 'cd-2026 000001',
      }),
      upsert(8, {
        recordType: 'certificate',
        certificateNumber: 'rw-2026-000 123',
        issuedOn: '2026-01-09',
        destinationCountry: 'AE',
        mineral: 'gold',
        mass: 100,
        unit: 'APZ',
      }),
    ];
    const counts = await persist(b, items);
    for (const type of Object.keys(counts)) expect(counts[type as RecordType]!.inserted).toBe(1);
    expect(Object.keys(counts)).toHaveLength(9);
    const { rows } = await db.pool.query(
      `SELECT (SELECT lat FROM mine_sites WHERE site_id = 'S-MIX') AS lat,
              (SELECT name_key FROM actors WHERE actor_id = 'A-MIX') AS name_key,
              (SELECT mass_kg FROM lots WHERE lot_number = 'LOT-MIX') AS lot_kg,
              (SELECT metal_kg FROM lots WHERE lot_number = 'LOT-MIX') AS lot_metal,
              (SELECT to_char(registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM lots WHERE lot_number = 'LOT-MIX') AS at,
              (SELECT certificate_key FROM imports WHERE import_id = 'IM-MIX') AS import_cert,
              (SELECT mass_kg FROM certificates WHERE certificate_key = 'RW-2026-000123') AS cert_kg`,
    );
    expect(rows[0]).toEqual({
      lat: -1.9,
      name_key: 'mix',
      lot_kg: 1500,
      lot_metal: 900,
      at: '2026-01-06 06:00',
      import_cert: 'CD-2026000001',
      cert_kg: 3.11034768,
    });
  });
});
