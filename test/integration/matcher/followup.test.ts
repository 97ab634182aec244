import { beforeAll, describe, expect, it } from 'vitest';

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
});
