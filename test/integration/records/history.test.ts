/**
 * Copy-on-write history (migration 0007): the current row holds the latest version of a key,
 * record_history the versions it superseded. Every guarantee of "a resubmitted key replaces the
 * current version and keeps the earlier ones with their batch; void withdraws it and keeps its
 * history", including under two transactions writing one key at once.
 */
import { describe, expect, it } from 'vitest';

import { withTransaction, type PoolClient } from '../../../src/db/pool.js';
import { persistRecords, type PersistBatch, type PersistItem } from '../../../src/records/persist.js';
import { recordHistory } from '../../../src/records/queries.js';
import { testDatabase } from '../../helpers/db.js';
import { exportRecord, insertBatch } from './fixtures.js';
import { storedVersions } from './versions.js';

const db = await testDatabase();

function upsert(recordIndex: number, id: string, overrides: Record<string, unknown> = {}): PersistItem {
  return { recordIndex, recordType: 'export', action: 'upsert', record: exportRecord(id, overrides) };
}

function voidOf(recordIndex: number, id: string): PersistItem {
  return {
    recordIndex,
    recordType: 'export',
    action: 'void',
    record: { recordType: 'export', action: 'void', exportId: id },
  };
}

function persist(batch: PersistBatch, items: PersistItem[]) {
  return withTransaction(db.pool, (client) => persistRecords(client, batch, items));
}

/** The rows of one key: its history (version, batch seq, record index, action) and its current row. */
async function rowsOf(country: string, id: string) {
  const history = await db.pool.query<{ version: number; seq: number; index: number; action: string }>(
    `SELECT version, batch_seq AS seq, record_index AS index, action FROM record_history
      WHERE record_type = 'export' AND country = $1 AND key = $2 ORDER BY batch_seq, record_index`,
    [country, id],
  );
  const current = await db.pool.query<{ version: number; seq: number; index: number; is_void: boolean }>(
    `SELECT version, batch_seq AS seq, record_index AS index, is_void FROM exports
      WHERE country = $1 AND export_id = $2`,
    [country, id],
  );
  return { history: history.rows, current: current.rows[0] };
}

/** Versions as recordHistory shows them: [version, batch seq, record index, action, mass]. */
async function versions(country: string, id: string) {
  return (await recordHistory(db.pool, 'export', country, id)).map((h) => [
    h.version,
    h.batch.seq,
    h.batch.recordIndex,
    h.action,
    h.canonical.mass ?? null,
  ]);
}

/** Resolves once the backend `pid` waits for a lock. */
async function blocked(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await db.pool.query<{ w: string | null }>(
      `SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = $1`,
      [pid],
    );
    if (rows[0]?.w === 'Lock') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`backend ${pid} never waited for a lock`);
}

async function session(): Promise<{ client: PoolClient; pid: number }> {
  const client = await db.pool.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0]!.pid };
}

describe('copy-on-write history', () => {
  it('a key seen once is one row: the current one, nothing in history', async () => {
    const b = await insertBatch(db.pool, { country: 'KE' });
    const items = Array.from({ length: 50 }, (_, i) => upsert(i, `K${i}`));
    expect(await persist(b, items)).toEqual({
      export: { inserted: 50, updated: 0, unchanged: 0, voided: 0 },
    });
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM record_history WHERE batch_id = $1',
      [b.id],
    );
    expect(rows[0]!.n).toBe(0);
    expect(await storedVersions(db.pool, b.id)).toEqual({ n: 50, d: 50 });
    expect(await versions('KE', 'K7')).toEqual([[1, b.seq, 7, 'upsert', 2500]]);
  });

  it('a replacement copies the replaced row into history and bumps the version; reruns change nothing', async () => {
    const b1 = await insertBatch(db.pool, { country: 'ZM' });
    const b2 = await insertBatch(db.pool, { country: 'ZM' });
    const b3 = await insertBatch(db.pool, { country: 'ZM' });
    const c1 = [upsert(0, 'R1', { mass: 1 })];
    const c2 = [upsert(4, 'R1', { mass: 2 })];
    const c3 = [voidOf(9, 'R1')];
    await persist(b1, c1);
    await persist(b2, c2);
    expect(await rowsOf('ZM', 'R1')).toEqual({
      history: [{ version: 1, seq: b1.seq, index: 0, action: 'upsert' }],
      current: { version: 2, seq: b2.seq, index: 4, is_void: false },
    });
    expect(await persist(b3, c3)).toEqual({ export: { inserted: 0, updated: 0, unchanged: 0, voided: 1 } });
    const after = await rowsOf('ZM', 'R1');
    expect(after).toEqual({
      history: [
        { version: 1, seq: b1.seq, index: 0, action: 'upsert' },
        { version: 2, seq: b2.seq, index: 4, action: 'upsert' },
      ],
      current: { version: 3, seq: b3.seq, index: 9, is_void: true },
    });
    expect(await versions('ZM', 'R1')).toEqual([
      [1, b1.seq, 0, 'upsert', 1],
      [2, b2.seq, 4, 'upsert', 2],
      [3, b3.seq, 9, 'void', null],
    ]);
    // Every chunk again, in any order: the superseded ones find their record in history, the
    // current one finds itself current. Nothing is written twice.
    for (const [b, c] of [
      [b2, c2],
      [b1, c1],
      [b3, c3],
    ] as const) {
      expect(await persist(b, c)).toEqual({ export: { inserted: 0, updated: 0, unchanged: 1, voided: 0 } });
    }
    expect(await rowsOf('ZM', 'R1')).toEqual(after);
    for (const b of [b1, b2, b3]) expect(await storedVersions(db.pool, b.id)).toEqual({ n: 1, d: 1 });
    // A version after the void brings the key back, the tombstone goes into history.
    const b4 = await insertBatch(db.pool, { country: 'ZM' });
    expect(await persist(b4, [upsert(0, 'R1', { mass: 4 })])).toEqual({
      export: { inserted: 0, updated: 1, unchanged: 0, voided: 0 },
    });
    expect((await versions('ZM', 'R1')).map((v) => [v[0], v[3], v[4]])).toEqual([
      [1, 'upsert', 1],
      [2, 'upsert', 2],
      [3, 'void', null],
      [4, 'upsert', 4],
    ]);
  });

  it('late older arrivals land in history in arrival order, around the versions already there', async () => {
    const b1 = await insertBatch(db.pool, { country: 'MW' });
    const b2 = await insertBatch(db.pool, { country: 'MW' });
    const b3 = await insertBatch(db.pool, { country: 'MW' });
    const b4 = await insertBatch(db.pool, { country: 'MW' });
    // Arrive as b3, b1, b4, b2 (processing order), seq order is b1 < b2 < b3 < b4.
    await persist(b3, [upsert(0, 'L', { mass: 3 })]);
    expect(await persist(b1, [upsert(0, 'L', { mass: 1 })])).toEqual({
      export: { inserted: 0, updated: 0, unchanged: 1, voided: 0 },
    });
    await persist(b4, [upsert(0, 'L', { mass: 4 })]);
    await persist(b2, [upsert(0, 'L', { mass: 2 })]);
    expect(await versions('MW', 'L')).toEqual([
      [1, b1.seq, 0, 'upsert', 1],
      [2, b2.seq, 0, 'upsert', 2],
      [3, b3.seq, 0, 'upsert', 3],
      [4, b4.seq, 0, 'upsert', 4],
    ]);
    expect((await rowsOf('MW', 'L')).current).toEqual({ version: 4, seq: b4.seq, index: 0, is_void: false });
    // A late void (b2 is older than the current b4) stays in history: the current view keeps b4.
    expect(await persist(b2, [voidOf(1, 'L')])).toEqual({
      export: { inserted: 0, updated: 0, unchanged: 1, voided: 0 },
    });
    expect((await versions('MW', 'L')).map((v) => [v[0], v[1], v[3]])).toEqual([
      [1, b1.seq, 'upsert'],
      [2, b2.seq, 'upsert'],
      [3, b2.seq, 'void'],
      [4, b3.seq, 'upsert'],
      [5, b4.seq, 'upsert'],
    ]);
    expect((await rowsOf('MW', 'L')).current).toEqual({ version: 5, seq: b4.seq, index: 0, is_void: false });
    // Every chunk again: nothing changes.
    const before = await versions('MW', 'L');
    for (const [b, mass] of [
      [b1, 1],
      [b2, 2],
      [b3, 3],
      [b4, 4],
    ] as const)
      await persist(b, [upsert(0, 'L', { mass })]);
    expect(await versions('MW', 'L')).toEqual(before);
    const all = await storedVersions(db.pool);
    expect(all.n).toBe(all.d);
  });

  it('a key twice in a chunk over an existing version: three versions, the last one current', async () => {
    const b1 = await insertBatch(db.pool, { country: 'AO' });
    const b2 = await insertBatch(db.pool, { country: 'AO' });
    await persist(b1, [upsert(0, 'T', { mass: 1 })]);
    const chunk = [upsert(5, 'T', { mass: 3 }), upsert(3, 'T', { mass: 2 }), upsert(4, 'U')];
    expect(await persist(b2, chunk)).toEqual({
      export: { inserted: 1, updated: 1, unchanged: 1, voided: 0 },
    });
    expect(await versions('AO', 'T')).toEqual([
      [1, b1.seq, 0, 'upsert', 1],
      [2, b2.seq, 3, 'upsert', 2],
      [3, b2.seq, 5, 'upsert', 3],
    ]);
    expect((await rowsOf('AO', 'T')).current).toEqual({ version: 3, seq: b2.seq, index: 5, is_void: false });
    expect(await persist(b2, chunk)).toEqual({
      export: { inserted: 0, updated: 0, unchanged: 3, voided: 0 },
    });
    expect(await storedVersions(db.pool, b2.id)).toEqual({ n: 3, d: 3 });
  });

  describe('two transactions writing one key at once', () => {
    /**
     * A stores its chunk and keeps its transaction open; B stores its chunk and waits for A's row;
     * A commits, then B. Returns B's counts.
     */
    async function race(first: [PersistBatch, PersistItem[]], second: [PersistBatch, PersistItem[]]) {
      const a = await session();
      const b = await session();
      try {
        await a.client.query('BEGIN');
        await persistRecords(a.client, ...first);
        await b.client.query('BEGIN');
        const pending = persistRecords(b.client, ...second);
        await blocked(b.pid);
        await a.client.query('COMMIT');
        const counts = await pending;
        await b.client.query('COMMIT');
        return counts;
      } finally {
        a.client.release();
        b.client.release();
      }
    }

    it('a new key from two batches: the later batch is current, the other one in history', async () => {
      const older = await insertBatch(db.pool, { country: 'SS' });
      const newer = await insertBatch(db.pool, { country: 'SS' });
      // Newer first: the older one, blocked on its insert, finds the key taken and goes to history.
      expect(
        await race([newer, [upsert(1, 'N1', { mass: 2 })]], [older, [upsert(1, 'N1', { mass: 1 })]]),
      ).toEqual({ export: { inserted: 0, updated: 0, unchanged: 1, voided: 0 } });
      expect(await versions('SS', 'N1')).toEqual([
        [1, older.seq, 1, 'upsert', 1],
        [2, newer.seq, 1, 'upsert', 2],
      ]);
      // Older first: the newer one, blocked on its insert, replaces it and copies it to history.
      expect(
        await race([older, [upsert(2, 'N2', { mass: 1 })]], [newer, [upsert(2, 'N2', { mass: 2 })]]),
      ).toEqual({ export: { inserted: 0, updated: 1, unchanged: 0, voided: 0 } });
      expect(await versions('SS', 'N2')).toEqual([
        [1, older.seq, 2, 'upsert', 1],
        [2, newer.seq, 2, 'upsert', 2],
      ]);
      expect((await rowsOf('SS', 'N2')).current).toMatchObject({ version: 2, seq: newer.seq });
      for (const b of [older, newer]) expect(await storedVersions(db.pool, b.id)).toEqual({ n: 2, d: 2 });
    });

    it('an existing key replaced by two batches: the one waiting copies the version the other stored', async () => {
      const b1 = await insertBatch(db.pool, { country: 'SD' });
      const b2 = await insertBatch(db.pool, { country: 'SD' });
      const b3 = await insertBatch(db.pool, { country: 'SD' });
      await persist(b1, [upsert(0, 'X', { mass: 1 })]);
      expect(await race([b2, [upsert(0, 'X', { mass: 2 })]], [b3, [upsert(0, 'X', { mass: 3 })]])).toEqual({
        export: { inserted: 0, updated: 1, unchanged: 0, voided: 0 },
      });
      expect(await versions('SD', 'X')).toEqual([
        [1, b1.seq, 0, 'upsert', 1],
        [2, b2.seq, 0, 'upsert', 2],
        [3, b3.seq, 0, 'upsert', 3],
      ]);
      // And the other way round on another key: the later batch commits first, the earlier one waits.
      await persist(b1, [upsert(1, 'Y', { mass: 1 })]);
      expect(await race([b3, [upsert(1, 'Y', { mass: 3 })]], [b2, [upsert(1, 'Y', { mass: 2 })]])).toEqual({
        export: { inserted: 0, updated: 0, unchanged: 1, voided: 0 },
      });
      expect(await versions('SD', 'Y')).toEqual([
        [1, b1.seq, 1, 'upsert', 1],
        [2, b2.seq, 1, 'upsert', 2],
        [3, b3.seq, 1, 'upsert', 3],
      ]);
      expect((await rowsOf('SD', 'Y')).current).toMatchObject({ version: 3, seq: b3.seq });
    });
  });
});
