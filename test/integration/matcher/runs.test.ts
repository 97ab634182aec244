import { beforeAll, describe, expect, it } from 'vitest';

import { exportRecord } from '../../../scripts/lib/trade-records.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer } from '../../helpers/hub.js';
import { seedTwoCorridors } from './fixtures.js';
import { matcherHub } from './helpers.js';

/** Runs: stages end to end, determinism, the run view, and the API's run routes. */
const db = await testDatabase();
const hub = await matcherHub(db);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read loosely in tests
type Item = Record<string, any>;

const results = async (runId: string) => {
  const links: Item[] = (await hub.get(`/v1/matches?runId=${runId}&limit=1000`)).body.items;
  const review: Item[] = (await hub.get(`/v1/matches?runId=${runId}&decision=review&limit=1000`)).body.items;
  const discrepancies: Item[] = (await hub.get(`/v1/discrepancies?runId=${runId}&limit=1000`)).body.items;
  const strip = (x: Item) => {
    const { runId: _r, firstSeenAt: _f, lastSeenAt: _l, statusChangedAt: _s, ...rest } = x;
    return rest;
  };
  return { links: links.map(strip), review: review.map(strip), discrepancies: discrepancies.map(strip) };
};

let first: Item;

beforeAll(async () => {
  await seedTwoCorridors(hub);
  const run = await hub.reconcile({ period: '2025-04', periodTo: '2025-05', asOf: '2025-09-30' });
  first = (await hub.get(`/v1/reconciliation/runs/${run.id}`)).body;
}, 120_000);

describe('a run', () => {
  it('reports its stages, progress, counts, timings and inputs fingerprint', () => {
    expect(first).toMatchObject({
      status: 'completed',
      period: { from: '2025-04', to: '2025-05' },
      exportingCountry: null,
      asOf: '2025-09-30',
      trigger: 'api',
      progress: { stage: 'done', percent: 100 },
    });
    expect(first.inputsFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(first.counts).toMatchObject({
      stage1Links: 3,
      stage2Links: 1,
      unmatchedExports: 1,
      unmatchedImports: 1,
    });
    for (const stage of [
      'stage1Ms',
      'stage2Ms',
      'classifyMs',
      'checksMs',
      'stage3Ms',
      'publishMs',
      'totalMs',
    ])
      expect(first.timings[stage], stage).toBeGreaterThanOrEqual(0);
    expect(first.thresholds.cifFobFactor).toBe(1.06);
    expect(first.links.matches).toBe(`/v1/matches?runId=${first.id}`);
  });

  it('links stage 1 by certificate and stage 2 by score with the comparison that produced it', async () => {
    const { links } = await results(first.id);
    const stage2 = links.find((l) => l.exportId === 'CD-2')!;
    expect(stage2).toMatchObject({ stage: 2, importId: 'RW-2', decision: 'link' });
    expect(stage2.score).toBeGreaterThanOrEqual(12);
    const fields = Object.fromEntries(stage2.comparison.map((c: Item) => [c.field, c.level]));
    expect(fields).toMatchObject({
      weight: 'within_0_5pct',
      value: 'within_5pct',
      transport: 'exact',
      date: 'days_0_7',
    });
    expect(stage2.comparison.every((c: Item) => typeof c.weight === 'number')).toBe(true);
    const stage1 = links.find((l) => l.exportId === 'CD-1')!;
    expect(stage1).toMatchObject({
      stage: 1,
      pass: 'certificate',
      comparison: [{ field: 'certificate', level: 'exact' }],
    });
  });

  it('gives the same results for the same inputs, and another fingerprint when they change', async () => {
    const again = await hub.reconcile({ period: '2025-04', periodTo: '2025-05', asOf: '2025-09-30' });
    expect(again.inputs_fingerprint).toBe(first.inputsFingerprint);
    expect(await results(again.id)).toEqual(await results(first.id));
    await hub.submit('CD', '2025-05', [
      exportRecord({
        country: 'CD',
        exportId: 'CD-9',
        certificateNumber: 'CD-2025-000009',
        destinationCountry: 'RW',
        mineral: 'coltan',
        mass: 100,
        valueUsd: 5000,
        shippedOn: '2025-05-02',
      }),
    ]);
    const changed = await hub.reconcile({ period: '2025-04', periodTo: '2025-05', asOf: '2025-09-30' });
    expect(changed.inputs_fingerprint).not.toBe(first.inputsFingerprint);
    const asOfMoved = await hub.reconcile({ period: '2025-04', periodTo: '2025-05', asOf: '2025-10-01' });
    expect(asOfMoved.inputs_fingerprint).not.toBe(changed.inputs_fingerprint);
  });

  it('shows the latest run per corridor and month by default, any run by runId', async () => {
    const current = (await hub.get('/v1/discrepancies?period=2025-04&limit=1000')).body.items as Item[];
    const runs = new Set(current.map((d) => d.runId));
    expect(runs.size).toBe(1);
    expect(runs.has(first.id)).toBe(false);
    const old = (await hub.get(`/v1/discrepancies?runId=${first.id}&period=2025-04`)).body.items as Item[];
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((d) => d.runId === first.id)).toBe(true);
  });

  it('runs a single corridor, which becomes the current result of its cells only', async () => {
    const run = await hub.reconcile({
      period: '2025-04',
      exportingCountry: 'UG',
      importingCountry: 'RW',
      asOf: '2025-09-30',
    });
    expect(run.counts).toMatchObject({ stage1Links: 1, stage2Links: 0 });
    const ug = (await hub.get('/v1/matches?corridor=UG-RW&period=2025-04')).body.items as Item[];
    expect(ug.map((l) => l.runId)).toEqual([run.id]);
    const cd = (await hub.get('/v1/matches?corridor=CD-RW&period=2025-04')).body.items as Item[];
    expect(cd.length).toBeGreaterThan(0);
    expect(cd.every((l) => l.runId !== run.id)).toBe(true);
  });

  it('pages listings with a cursor', async () => {
    const page1 = (await hub.get('/v1/matches?period=2025-04&limit=2')).body;
    expect(page1.items).toHaveLength(2);
    const page2 = (await hub.get(`/v1/matches?period=2025-04&limit=2&cursor=${page1.nextCursor}`)).body;
    expect(page2.items.length).toBeGreaterThan(0);
    expect(
      page2.items[0].exportId > page1.items[1].exportId ||
        page2.items[0].importId !== page1.items[1].importId,
    ).toBe(true);
    const bad = await hub.get('/v1/matches?cursor=nonsense');
    expect(bad.status).toBe(400);
  });
});

describe('the run routes', () => {
  it('validate the request and list runs for the secretariat and auditors', async () => {
    const post = (body: unknown, key = hub.keys.secretariat) =>
      hub.app.inject({
        method: 'POST',
        url: '/v1/reconciliation/runs',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    expect((await post({ period: '2025-13' })).statusCode).toBe(400);
    expect((await post({ period: '2025-04', periodTo: '2025-03' })).json().code).toBe('RMDX_ERR_BAD_REQUEST');
    expect((await post({ period: '2025-04', exportingCountry: 'CN' })).statusCode).toBe(400);
    expect((await post({ period: '2025-04' }, hub.keys.RW)).statusCode).toBe(403);
    expect((await post({ period: '2025-04' }, hub.keys.auditor)).statusCode).toBe(403);
    const list = await hub.get('/v1/reconciliation/runs?limit=2', hub.keys.auditor);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect((await hub.get(`/v1/reconciliation/runs/${first.id}`, hub.keys.CD)).status).toBe(403);
    expect((await hub.get('/v1/reconciliation/runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
