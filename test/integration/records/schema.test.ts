import { describe, expect, it } from 'vitest';

import { metaColumns, sqlTypes, tableSpecs } from '../../../src/records/table-specs.js';
import { recordTypes } from '../../../src/standard/record-types.js';
import { testDatabase } from '../../helpers/db.js';

const db = await testDatabase();

const pgTypeName: Record<string, string> = {
  text: 'text',
  'char(2)': 'character(2)',
  'char(7)': 'character(7)',
  date: 'date',
  timestamptz: 'timestamp with time zone',
  numeric: 'numeric',
  integer: 'integer',
  'double precision': 'double precision',
  'text[]': 'text[]',
  uuid: 'uuid',
  bigint: 'bigint',
  boolean: 'boolean',
  jsonb: 'jsonb',
};

describe('record tables', () => {
  it.each(recordTypes)('%s: the table has exactly the columns table-specs declares', async (recordType) => {
    const spec = tableSpecs[recordType];
    const { rows } = await db.pool.query<{ column_name: string; type: string }>(
      `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [spec.table],
    );
    const expected = {
      country: pgTypeName['char(2)'],
      ...Object.fromEntries(Object.entries(spec.columns).map(([c, t]) => [c, pgTypeName[sqlTypes[t]]])),
      ...Object.fromEntries(
        Object.entries(metaColumns)
          .filter(([c]) => c !== 'country')
          .map(([c, t]) => [c, pgTypeName[t === 'char2' ? 'char(2)' : t]]),
      ),
    };
    expect(Object.fromEntries(rows.map((r) => [r.column_name, r.type]))).toEqual(expected);
  });

  it('each table is unique on (country, key)', async () => {
    for (const recordType of recordTypes) {
      const spec = tableSpecs[recordType];
      const { rows } = await db.pool.query<{ def: string }>(
        `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = $1::regclass AND indisunique`,
        [spec.table],
      );
      expect(rows.map((r) => r.def).join('\n')).toContain(`(country, ${spec.keyColumn})`);
    }
  });
});
