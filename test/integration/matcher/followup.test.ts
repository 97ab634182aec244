import { beforeAll, describe, expect, it } from 'vitest';

import { hashApiKey } from '../../../src/auth/api-key.js';
import { verifyAuditChain } from '../../../src/evidence/audit.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer } from '../../helpers/hub.js';
import { seedTwoCorridors } from './fixtures.js';
import { matcherHub } from './helpers.js';

/**
 * Who sees and answers what (both states of a corridor, the secretariat all, auditors read, other
 * states get 404), and the follow-up of an item carried over to the next run.
 */
const db = await testDatabase();
const hub = await matcherHub(db);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read loosely in tests
type Item = Record<string, any>;
let cdItem: Item;
let ugItem: Item;

const patch = (id: string, key: string, body: unknown) =>
  hub.app.inject({
    method: 'PATCH',
    url: `/v1/discrepancies/${id}`,
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

beforeAll(async () => {
  await seedTwoCorridors(hub);
  await hub.reconcile({ period: '2025-04', periodTo: '2025-05', asOf: '2025-09-30' });
  const all: Item[] = (await hub.get('/v1/discrepancies?period=2025-04&limit=1000')).body.items;
  cdItem = all.find((d) => d.exportingCountry === 'CD' && d.code === 'QTY_MAJOR')!;
  ugItem = all.find((d) => d.exportingCountry === 'UG' && d.code === 'QTY_MAJOR')!;
}, 120_000);

describe('access to results', () => {
  it('a member state lists only its corridors; the importer sees both of its corridors', async () => {
    const corridors = async (key: string) => {
      const items: Item[] = (
        await hub.get('/v1/discrepancies?period=2025-04&periodTo=2025-05&limit=1000', key)
      ).body.items;
      return [...new Set(items.map((d) => `${d.exportingCountry}-${d.importingCountry}`))].sort();
    };
    expect(await corridors(hub.keys.RW)).toEqual(['CD-RW', 'UG-RW']);
    expect(await corridors(hub.keys.CD)).toEqual(['CD-RW']);
    expect(await corridors(hub.keys.UG)).toEqual(['UG-RW']);
    expect(await corridors(hub.keys.secretariat)).toEqual(['CD-RW', 'UG-RW']);
    expect(await corridors(hub.keys.auditor)).toEqual(['CD-RW', 'UG-RW']);
    const links: Item[] = (await hub.get('/v1/matches?period=2025-04', hub.keys.UG)).body.items;
    expect(links.every((l) => l.exportingCountry === 'UG' || l.importingCountry === 'UG')).toBe(true);
    // Asking for another corridor returns nothing rather than its items.
    expect((await hub.get('/v1/discrepancies?corridor=CD-RW', hub.keys.UG)).body.items).toEqual([]);
  });

  it('another member state gets 404 for an item, reading or answering; an auditor only reads', async () => {
    expect((await hub.get(`/v1/discrepancies/${cdItem.id}`, hub.keys.UG)).status).toBe(404);
    expect((await patch(cdItem.id, hub.keys.UG, { comment: 'not ours' })).statusCode).toBe(404);
    expect((await hub.get(`/v1/discrepancies/${cdItem.id}`, hub.keys.auditor)).status).toBe(200);
    expect((await patch(cdItem.id, hub.keys.auditor, { comment: 'x' })).statusCode).toBe(403);
    expect((await hub.get('/v1/discrepancies?period=2025-04')).status).toBe(200);
    expect((await hub.app.inject({ method: 'GET', url: '/v1/discrepancies' })).statusCode).toBe(401);
    expect((await hub.get('/v1/discrepancies/ffffffffffffffffffffffffffffffff')).status).toBe(404);
  });

  it('shows both records side by side with the link, its comparison and the reasons', async () => {
    const d = (await hub.get(`/v1/discrepancies/${cdItem.id}`, hub.keys.CD)).body;
    expect(d).toMatchObject({ id: cdItem.id, code: 'QTY_MAJOR', current: true });
    expect(d.records.exports).toHaveLength(1);
    expect(d.records.exports[0]).toMatchObject({ country: 'CD', exportId: 'CD-3', massKg: 8 });
    expect(d.records.imports[0]).toMatchObject({ country: 'RW', importId: 'RW-3', massKg: 14 });
    expect(d.matches[0]).toMatchObject({ stage: 1, exportId: 'CD-3', importId: 'RW-3' });
    expect(d.reason.en).toMatch(/weights differ/);
    expect(d.reason.fr).toMatch(/poids/);
    expect(d.figures.compared.qtyDiff).toBeCloseTo(0.75, 6);
  });

  it('compliance: each state its own, the secretariat all', async () => {
    const own = await hub.get('/v1/compliance?period=2025-04', hub.keys.RW);
    expect(own.status).toBe(200);
    expect(own.body.items.map((c: Item) => c.country)).toEqual(['RW']);
    expect((await hub.get('/v1/compliance?country=CD', hub.keys.RW)).status).toBe(404);
    const all = (await hub.get('/v1/compliance?period=2025-04')).body.items.map((c: Item) => c.country);
    expect(all).toEqual(expect.arrayContaining(['CD', 'RW', 'UG']));
  });
});

describe('follow-up', () => {
  it('both states answer; status and comments carry over to the next run of the same item', async () => {
    const r1 = await patch(cdItem.id, hub.keys.CD, {
      status: 'explained',
      comment: 'Moisture loss at Rusizi; see lab report 44.',
    });
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toMatchObject({ status: 'explained', commentCount: 1 });
    const r2 = await patch(cdItem.id, hub.keys.RW, { comment: 'Our scale reading is confirmed.' });
    expect(r2.json().comments.map((c: Item) => c.author.country)).toEqual(['CD', 'RW']);
    expect(r2.json().comments[0]).toMatchObject({ statusFrom: 'open', statusTo: 'explained' });
    expect((await patch(cdItem.id, hub.keys.RW, {})).statusCode).toBe(400);
    expect((await patch(cdItem.id, hub.keys.RW, { status: 'closed' })).statusCode).toBe(400);

    const next = await hub.reconcile({ period: '2025-04', periodTo: '2025-05', asOf: '2025-09-30' });
    const again = (await hub.get(`/v1/discrepancies/${cdItem.id}`, hub.keys.CD)).body;
    expect(again.runId).toBe(next.id);
    expect(again.runId).not.toBe(cdItem.runId);
    expect(again).toMatchObject({ status: 'explained', commentCount: 2 });
    expect(again.occurrences).toHaveLength(2);
    // The untouched item of the other corridor is still open.
    expect((await hub.get(`/v1/discrepancies/${ugItem.id}`)).body.status).toBe('open');
  });

  it('filters by status; the secretariat resolves', async () => {
    const r = await patch(ugItem.id, hub.keys.secretariat, {
      status: 'resolved',
      comment: 'Corrected by UG in batch 2025-05.',
    });
    expect(r.json()).toMatchObject({ status: 'resolved' });
    expect(r.json().comments[0].author.role).toBe('secretariat');
    const resolved: Item[] = (await hub.get('/v1/discrepancies?status=resolved&period=2025-04')).body.items;
    expect(resolved.map((d) => d.id)).toEqual([ugItem.id]);
    const explained: Item[] = (
      await hub.get('/v1/discrepancies?status=explained&period=2025-04', hub.keys.RW)
    ).body.items;
    expect(explained.map((d) => d.id)).toEqual([cdItem.id]);
  });

  it('every status change and comment is in the audit chain: who, from → to, the comment', async () => {
    const keyId = async (key: string) =>
      (await db.pool.query('SELECT id FROM api_keys WHERE key_hash = $1', [hashApiKey(key)])).rows[0].id;
    const entries = async (id: string) =>
      (await hub.get(`/v1/audit?subject=discrepancy:${id}`, hub.keys.auditor)).body.items as Item[];
    const cd = await entries(cdItem.id);
    // The refused answers (an empty body, an unknown status, another state, an auditor) left nothing.
    expect(cd.map((e) => e.type)).toEqual(['discrepancy.status_changed', 'discrepancy.commented']);
    expect(cd[0]).toMatchObject({
      actor: `key:${await keyId(hub.keys.CD)}`,
      data: {
        from: 'open',
        to: 'explained',
        comment: 'Moisture loss at Rusizi; see lab report 44.',
        by: { role: 'submitter', country: 'CD' },
        code: 'QTY_MAJOR',
        exportingCountry: 'CD',
        importingCountry: 'RW',
      },
    });
    expect(cd[1]).toMatchObject({
      actor: `key:${await keyId(hub.keys.RW)}`,
      data: { from: 'explained', to: 'explained', comment: 'Our scale reading is confirmed.' },
    });
    const ug = await entries(ugItem.id);
    expect(ug).toHaveLength(1);
    expect(ug[0]).toMatchObject({
      type: 'discrepancy.status_changed',
      actor: `key:${await keyId(hub.keys.secretariat)}`,
      data: { from: 'open', to: 'resolved', comment: 'Corrected by UG in batch 2025-05.' },
    });

    // A status set to what it already is, without a comment, changes nothing and records nothing;
    // a status change without a comment is recorded with comment null.
    await patch(ugItem.id, hub.keys.secretariat, { status: 'resolved' });
    expect(await entries(ugItem.id)).toHaveLength(1);
    await patch(ugItem.id, hub.keys.UG, { status: 'open' });
    const reopened = await entries(ugItem.id);
    expect(reopened.at(-1)).toMatchObject({ data: { from: 'resolved', to: 'open', comment: null } });

    // The entry commits with the change: a comment whose transaction fails leaves neither.
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
    await db.pool.query(
      `CREATE FUNCTION fail_comment() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'refused'; END $$`,
    );
    await db.pool.query(
      `CREATE TRIGGER fail_comment AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fail_comment()`,
    );
    try {
      expect((await patch(cdItem.id, hub.keys.CD, { status: 'resolved', comment: 'x' })).statusCode).toBe(
        500,
      );
    } finally {
      await db.pool.query('DROP TRIGGER fail_comment ON audit_log');
    }
    expect((await db.pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBe(before);
    expect((await hub.get(`/v1/discrepancies/${cdItem.id}`)).body).toMatchObject({ status: 'explained' });

    // The runs of this file are in the chain too, and the chain verifies.
    const runs: Item[] = (await hub.get('/v1/audit?type=reconciliation&limit=1000', hub.keys.auditor)).body
      .items;
    const requested = runs.filter((e) => e.type === 'reconciliation.run_started' && e.data.trigger === 'api');
    expect(requested.map((e) => e.data.runId)).toEqual([
      cdItem.runId,
      (await hub.get(`/v1/discrepancies/${cdItem.id}`)).body.runId,
    ]);
    for (const started of requested) {
      const finished = runs.find(
        (e) => e.type === 'reconciliation.run_finished' && e.subject === started.subject,
      );
      expect(finished).toMatchObject({ actor: 'system', data: { status: 'completed' } });
      expect(finished!.seq).toBeGreaterThan(started.seq);
    }
    expect((await verifyAuditChain(db.pool)).ok).toBe(true);
    expect((await hub.get('/v1/audit/verify', hub.keys.auditor)).body).toMatchObject({ ok: true });
  });
});
