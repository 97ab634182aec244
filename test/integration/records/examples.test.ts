import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { withTransaction } from '../../../src/db/pool.js';
import { persistRecords, type PersistItem } from '../../../src/records/persist.js';
import { versionCanonical } from '../../../src/records/queries.js';
import { tableSpecs } from '../../../src/records/table-specs.js';
import type { RecordType } from '../../../src/standard/record-types.js';
import { testDatabase } from '../../helpers/db.js';
import { insertBatch } from './fixtures.js';
import { storedVersions } from './versions.js';

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
    // Every record is stored as exactly one version (current row or history).
    expect(await storedVersions(db.pool, batch.id)).toEqual({
      n: doc.records.length,
      d: doc.records.length,
    });
    // History keeps `received` only: the canonical columns of a version are derived from it. For
    // every row stored, what is derived equals what the columns hold.
    for (const recordType of Object.keys(counts) as RecordType[]) {
      const types = tableSpecs[recordType].columns as Readonly<Record<string, string>>;
      const same = (row: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(row)
            .filter(([c, v]) => c in types && v !== null && v !== undefined)
            .map(([c, v]) => [c, types[c] === 'timestamptz' ? new Date(v as string).toISOString() : v]),
        );
      const { rows } = await db.pool.query<Record<string, unknown>>(
        `SELECT * FROM ${tableSpecs[recordType].table} WHERE batch_id = $1`,
        [batch.id],
      );
      for (const row of rows) {
        const derived = versionCanonical(
          recordType,
          row.received as Record<string, unknown>,
          row.is_void === true,
        );
        expect(same(derived)).toEqual(same(row));
      }
    }
  });
});
