import { beforeAll, describe, expect, it } from 'vitest';

import { withTransaction } from '../../../src/db/pool.js';
import { InvalidCursorError, UnsupportedFilterError } from '../../../src/records/errors.js';
import { persistRecords, type PersistItem } from '../../../src/records/persist.js';
import { listRecords, recordHistory, type RecordPage } from '../../../src/records/queries.js';
import { testDatabase } from '../../helpers/db.js';
import { exportRecord, insertBatch } from './fixtures.js';

const db = await testDatabase();
let marchId = '';
let aprilId = '';

beforeAll(async () => {
  const march = await insertBatch(db.pool, { country: 'RW', period: '2026-03' });
  const april = await insertBatch(db.pool, { country: 'RW', period: '2026-04' });
  const cd = await insertBatch(db.pool, { country: 'CD', period: '2026-03' });
  marchId = march.id;
  aprilId = april.id;
  const items = (list: Record<string, unknown>[]): PersistItem[] =>
    list.map((record, i) => ({
      recordIndex: i,
      recordType: record.recordType as PersistItem['recordType'],
      action: record.action === 'void' ? 'void' : 'upsert',
      record,
    }));
  await withTransaction(db.pool, async (c) => {
    await persistRecords(
      c,
      march,
      items([
        ...Array.from({ length: 25 }, (_, i) =>
          exportRecord(`RW-E${String(i).padStart(2, '0')}`, {
            mineral: i % 2 === 0 ? 'gold' : 'cassiterite',
            destinationCountry: i % 3 === 0 ? 'AE' : 'CN',
          }),
        ),
        {
          recordType: 'mineSite',
          siteId: 'S-1',
          name: 'One',
          country: 'RW',
          minerals: ['cassiterite', 'wolframite'],
          certificationStatus: 'green',
        },
        {
          recordType: 'mineSite',
          siteId: 'S-2',
          name: 'Two',
          country: 'RW',
          minerals: ['gold'],
          certificationStatus: 'red',
        },
      ]),
    );
    await persistRecords(
      c,
      april,
      items([
        exportRecord('RW-E00', { mass: 9, unit: 'KGM' }),
        { recordType: 'export', action: 'void', exportId: 'RW-E01' },
      ]),
    );
    await persistRecords(c, cd, items([exportRecord('CD-E1', { certificateNumber: 'CD-2026-77' })]));
  });
});

describe('listRecords', () => {
  it('pages through every current record in (country, key) order with a keyset cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: RecordPage<'export'> = await listRecords(db.pool, 'export', {}, { limit: 7, cursor });
      seen.push(...page.items.map((r) => `${r.country}/${r.key}`));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(25); // 26 exports, one voided
    expect(seen[0]).toBe('CD/CD-E1');
    expect(seen).not.toContain('RW/RW-E01');
    expect([...seen].sort()).toEqual(seen);
  });

  it('returns the canonical form, the record as received, the version and the batch', async () => {
    const { items } = await listRecords(db.pool, 'export', { country: 'rw', key: ' RW-E00 ' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      recordType: 'export',
      country: 'RW',
      key: 'RW-E00',
      version: 2,
      isVoid: false,
      batch: { id: aprilId, period: '2026-04', recordIndex: 0 },
      schemaVersion: '1.0.0',
      canonical: { export_id: 'RW-E00', mass_kg: 9, certificate_key: 'RW-2026-RW-E00', hs_code: '710812' },
      received: { exportId: 'RW-E00', mass: 9, unit: 'KGM' },
    });
    expect(items[0]!.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('filters by country, period, batch, mineral, partner and certificate', async () => {
    const keys = async (filters: Parameters<typeof listRecords>[2]) =>
      (await listRecords(db.pool, 'export', filters, { limit: 1000 })).items.map((r) => r.key);
    expect(await keys({ country: 'CD' })).toEqual(['CD-E1']);
    expect(await keys({ period: '2026-04' })).toEqual(['RW-E00']);
    expect(await keys({ batchId: marchId })).toHaveLength(23);
    expect(await keys({ country: 'RW', mineral: 'Gold', partnerCountry: 'ae' })).toEqual([
      'RW-E00',
      'RW-E06',
      'RW-E12',
      'RW-E18',
      'RW-E24',
    ]);
    expect(await keys({ certificateNumber: 'cd - 2026 - 77' })).toEqual(['CD-E1']);
    expect(await keys({ updatedSince: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('shows voided records only when asked', async () => {
    const { items } = await listRecords(db.pool, 'export', { key: 'RW-E01', includeVoid: true });
    expect(items).toMatchObject([{ key: 'RW-E01', isVoid: true, version: 2, canonical: { mineral: null } }]);
  });

  it('filters mine sites by one of their minerals and by status', async () => {
    const { items } = await listRecords(db.pool, 'mineSite', { mineral: 'wolframite', status: 'green' });
    expect(items.map((r) => r.key)).toEqual(['S-1']);
  });

  it('refuses a filter the type does not have, and a cursor it did not issue', async () => {
    await expect(listRecords(db.pool, 'export', { status: 'green' })).rejects.toBeInstanceOf(
      UnsupportedFilterError,
    );
    await expect(listRecords(db.pool, 'export', {}, { cursor: 'nonsense' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    const page = await listRecords(db.pool, 'export', {}, { limit: 1 });
    await expect(listRecords(db.pool, 'mineSite', {}, { cursor: page.nextCursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe('recordHistory', () => {
  it('lists every version in arrival order with its batch and period', async () => {
    const history = await recordHistory(db.pool, 'export', 'RW', 'RW-E01');
    expect(history.map((h) => [h.version, h.action, h.batch.period])).toEqual([
      [1, 'upsert', '2026-03'],
      [2, 'void', '2026-04'],
    ]);
    expect(history[0]!.canonical).toMatchObject({ export_id: 'RW-E01', mass_kg: 2.5 });
    expect(history[1]!.canonical).toEqual({ export_id: 'RW-E01' });
  });

  it('is empty for an unknown key', async () => {
    expect(await recordHistory(db.pool, 'export', 'RW', 'nope')).toEqual([]);
  });
});
