/**
 * Migration 0007 on data in the shape before it: every version in record_history (the current one
 * too) with a `canonical` jsonb. After it, history holds the superseded versions only, and every
 * version still reads back the same (recordHistory: history ∪ current row).
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { createPool } from '../../../src/db/pool.js';
import { migrate, migrationsDir } from '../../../src/db/migrate.js';
import { canonicalRow } from '../../../src/records/normalise/normalise-record.js';
import { recordHistory } from '../../../src/records/queries.js';
import { tableSpecs } from '../../../src/records/table-specs.js';
import type { RecordType } from '../../../src/standard/record-types.js';
import { withDatabase } from '../../helpers/global-setup.js';
import { exportRecord, insertBatch } from './fixtures.js';
import { storedVersions } from './versions.js';

const MIGRATION = '0007_history_superseded_only.sql';

describe('migration 0007: record_history keeps superseded versions only', () => {
  const base = inject('databaseUrl');
  const name = `rmdx_m7_${randomBytes(4).toString('hex')}`;
  let pool: pg.Pool | undefined;
  let dir: string | undefined;

  afterAll(async () => {
    await pool?.end();
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('drops the history rows of current versions and the canonical column, and loses no version', async () => {
    // A database migrated up to the migration before 0007.
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    pool = createPool(withDatabase(base, name), 2);
    dir = await mkdtemp(path.join(os.tmpdir(), 'rmdx-m7-'));
    const files = (await readdir(migrationsDir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f));
    expect(files).toContain(MIGRATION);
    for (const f of files.filter((f) => f < MIGRATION))
      await copyFile(path.join(migrationsDir, f), path.join(dir, f));
    await migrate(pool, undefined, dir);

    // Data as persistence wrote it before 0007. Export P1: version 1 (January) replaced by
    // version 2 (February). P2: one version. Site S1: version 1, then voided.
    const jan = await insertBatch(pool, { country: 'CD', period: '2026-01' });
    const feb = await insertBatch(pool, { country: 'CD', period: '2026-02' });
    const p1v1 = exportRecord('P1');
    const p1v2 = exportRecord('P1', { mass: 3, unit: 'KGM' });
    const p2 = exportRecord('P2');
    const s1 = { recordType: 'mineSite', siteId: 'S1', name: 'One', certificationStatus: 'green' };
    const s1void = { recordType: 'mineSite', action: 'void', siteId: 'S1' };
    await pool.query(
      `INSERT INTO exports (country, export_id, mass_kg, batch_id, batch_seq, record_index, period, schema_version,
                            version, received)
       VALUES ('CD', 'P1', 3, $1, $2, 0, '2026-02', '1.0.0', 2, $3), ('CD', 'P2', 2.5, $4, $5, 1, '2026-01', '1.0.0', 1, $6)`,
      [feb.id, feb.seq, p1v2, jan.id, jan.seq, p2],
    );
    await pool.query(
      `INSERT INTO mine_sites (country, site_id, batch_id, batch_seq, record_index, period, schema_version, version,
                               is_void, received)
       VALUES ('CD', 'S1', $1, $2, 1, '2026-02', '1.0.0', 2, true, $3)`,
      [feb.id, feb.seq, s1void],
    );
    const history = [
      [jan, 0, 'export', 'P1', 1, 'upsert', p1v1],
      [feb, 0, 'export', 'P1', 2, 'upsert', p1v2],
      [jan, 1, 'export', 'P2', 1, 'upsert', p2],
      [jan, 2, 'mineSite', 'S1', 1, 'upsert', s1],
      [feb, 1, 'mineSite', 'S1', 2, 'void', s1void],
    ] as const;
    for (const [b, index, type, key, version, action, received] of history) {
      await pool.query(
        `INSERT INTO record_history (batch_id, record_index, record_type, country, key, version, batch_seq, action,
                                     schema_version, received, canonical)
         VALUES ($1, $2, $3, 'CD', $4, $5, $6, $7, '1.0.0', $8, $9::jsonb)`,
        [
          b.id,
          index,
          type,
          key,
          version,
          b.seq,
          action,
          received,
          canonicalBefore0007(type, received, action === 'void'),
        ],
      );
    }
    const before = {
      P1: await recordHistoryBefore(pool, 'P1'),
      S1: await recordHistoryBefore(pool, 'S1'),
    };

    await copyFile(path.join(migrationsDir, MIGRATION), path.join(dir, MIGRATION));
    expect(await migrate(pool, undefined, dir)).toEqual([MIGRATION]);

    // Only the superseded versions are left in history, without a canonical column.
    const { rows: left } = await pool.query(
      `SELECT key, version, record_index FROM record_history ORDER BY key, version`,
    );
    expect(left).toEqual([
      { key: 'P1', version: 1, record_index: 0 },
      { key: 'S1', version: 1, record_index: 2 },
    ]);
    const { rows: cols } = await pool.query(
      `SELECT attname FROM pg_attribute WHERE attrelid = 'record_history'::regclass AND attnum > 0 AND NOT attisdropped`,
    );
    expect(cols.map((c: { attname: string }) => c.attname)).not.toContain('canonical');

    // Every version reads back as before: number, batch, action, record, canonical columns.
    const shape = (h: Awaited<ReturnType<typeof recordHistory>>[number]) => ({
      version: h.version,
      batch: h.batch,
      action: h.action,
      received: h.received,
      canonical: h.canonical,
    });
    const p1 = (await recordHistory(pool, 'export', 'CD', 'P1')).map(shape);
    expect(p1).toEqual(before.P1);
    expect(p1.map((h) => h.canonical.mass_kg)).toEqual([2.5, 3]);
    expect((await recordHistory(pool, 'mineSite', 'CD', 'S1')).map(shape)).toEqual(before.S1);
    expect((await recordHistory(pool, 'export', 'CD', 'P2')).map((h) => h.version)).toEqual([1]);
    // Each received record once, across history and the current rows.
    expect(await storedVersions(pool, jan.id)).toEqual({ n: 3, d: 3 });
    expect(await storedVersions(pool, feb.id)).toEqual({ n: 2, d: 2 });
  });
});

/**
 * The `canonical` jsonb text persistence wrote into record_history before 0007 (its code, as it
 * was): the canonical columns, nulls left out, exact decimals as bare JSON numbers.
 */
function canonicalBefore0007(
  recordType: RecordType,
  record: Record<string, unknown>,
  isVoid: boolean,
): string {
  const RAW = '\u0001N';
  const RAW_JSON = /"\\u0001N(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)"/g;
  const columns = tableSpecs[recordType].columns as Readonly<Record<string, string>>;
  const row = canonicalRow(recordType, record, isVoid) as Record<string, unknown>;
  const canonical: Record<string, unknown> = {};
  for (const c of Object.keys(columns)) {
    const value = row[c];
    if (value !== null)
      canonical[c] = typeof value === 'string' && columns[c] === 'numeric' ? `${RAW}${value}` : value;
  }
  return JSON.stringify(canonical).replace(RAW_JSON, '$1');
}

/** What recordHistory returned before 0007: every row of record_history, canonical as stored. */
async function recordHistoryBefore(pool: pg.Pool, key: string) {
  const { rows } = await pool.query<{
    version: number;
    action: string;
    batch_id: string;
    batch_seq: number;
    record_index: number;
    period: string;
    received: unknown;
    canonical: Record<string, unknown>;
  }>(
    `SELECT h.version, h.action, h.batch_id, h.batch_seq, h.record_index, b.period, h.received, h.canonical
       FROM record_history h JOIN batches b ON b.id = h.batch_id
      WHERE h.key = $1 ORDER BY h.batch_seq, h.record_index`,
    [key],
  );
  return rows.map((r) => ({
    version: r.version,
    batch: { id: r.batch_id, seq: Number(r.batch_seq), recordIndex: r.record_index, period: r.period },
    action: r.action,
    received: r.received,
    canonical: r.canonical,
  }));
}
