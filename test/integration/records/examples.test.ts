import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { withTransaction } from '../../../src/db/pool.js';
import { persistRecords, type PersistItem } from '../../../src/records/persist.js';
import type { RecordType } from '../../../src/standard/record-types.js';
import { testDatabase } from '../../helpers/db.js';
import { insertBatch } from './fixtures.js';

const db = await testDatabase();
const dir = path.resolve('schemas/examples/1.0.0/valid');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('every valid example of the standard is stored', () => {
  it.each(files)('%s', async (file) => {
    const doc = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      reportingCountry: string;
      period: string;
      schemaVersion: string;
      records: Record<string, unknown>[];
    };
    const batch = await insertBatch(db.pool, {
      country: doc.reportingCountry,
      period: doc.period,
      schemaVersion: doc.schemaVersion,
    });
    const items: PersistItem[] = doc.records.map((record, i) => ({
      recordIndex: i,
      recordType: record.recordType as RecordType,
      action: record.action === 'void' ? 'void' : 'upsert',
      record,
    }));
    const counts = await withTransaction(db.pool, (c) => persistRecords(c, batch, items));
    const total = Object.values(counts).reduce(
      (n, c) => n + c.inserted + c.updated + c.voided + c.unchanged,
      0,
    );
    expect(total).toBe(doc.records.length);
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM record_history WHERE batch_id = $1',
      [batch.id],
    );
    expect(rows[0]!.n).toBe(doc.records.length);
  });
});
