import { beforeAll, describe, expect, it } from 'vitest';

import {
  certificateRecord,
  exportRecord,
  importRecord,
  type Mineral,
} from '../../../scripts/lib/trade-records.js';
import { bandOf } from '../../../src/matcher/compliance.js';
import { defaultSettings } from '../../../src/matcher/settings.js';
import { testDatabase } from '../../helpers/db.js';
import { bearer } from '../../helpers/hub.js';
import { matcherHub } from './helpers.js';

/** Compliance bands per state and month (research §4), each figure with the items behind it. */
describe('bands', () => {
  const c = defaultSettings.compliance;
  it('compliant needs confirmation ≥ 95 %, reliability ≤ log 1.10 and nothing overdue; partial ≥ 80 %', () => {
    expect(bandOf({ confirmationRate: 1, reliabilityIndex: 0.05, overdueMajorItems: 0 }, c)).toBe(
      'compliant',
    );
    expect(bandOf({ confirmationRate: 0.95, reliabilityIndex: Math.log(1.1), overdueMajorItems: 0 }, c)).toBe(
      'compliant',
    );
    expect(bandOf({ confirmationRate: 1, reliabilityIndex: 0.2, overdueMajorItems: 0 }, c)).toBe('partial');
    expect(bandOf({ confirmationRate: 1, reliabilityIndex: 0, overdueMajorItems: 1 }, c)).toBe('partial');
    expect(bandOf({ confirmationRate: 0.9, reliabilityIndex: 0, overdueMajorItems: 0 }, c)).toBe('partial');
    expect(bandOf({ confirmationRate: 0.79, reliabilityIndex: 0, overdueMajorItems: 0 }, c)).toBe(
      'non_compliant',
    );
    expect(bandOf({ confirmationRate: null, reliabilityIndex: null, overdueMajorItems: 0 }, c)).toBe(
      'compliant',
    );
  });
});

const db = await testDatabase();
const hub = await matcherHub(db);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read loosely in tests
type Item = Record<string, any>;

let seq = 0;
/** `n` certified shipments of `kg` each from `a` to `b`; the importer records `recorded` of them at `importedKg`. */
function trade(a: string, b: string, mineral: Mineral, n: number, kg: number, recorded = n, importedKg = kg) {
  const ex: Record<string, unknown>[] = [];
  const im: Record<string, unknown>[] = [];
  for (let k = 0; k < n; k++) {
    seq++;
    const cert = `${a}-2025-${String(seq).padStart(6, '0')}`;
    const day = String(1 + k).padStart(2, '0');
    const price = mineral === 'gold' ? 60_000 : 15;
    ex.push(
      exportRecord({
        country: a,
        exportId: `${a}-E${seq}`,
        certificateNumber: cert,
        destinationCountry: b,
        mineral,
        mass: kg,
        valueUsd: kg * price,
        shippedOn: `2025-03-${day}`,
      }),
      certificateRecord({
        certificateNumber: cert,
        issuedOn: `2025-03-${day}`,
        destinationCountry: b,
        mineral,
        mass: kg,
      }),
    );
    if (k < recorded)
      im.push(
        importRecord({
          country: b,
          importId: `${b}-I${seq}`,
          originCountry: a,
          certificateNumber: cert,
          mineral,
          mass: importedKg,
          valueUsd: Math.round(importedKg * price * 1.06),
          arrivedOn: `2025-03-${day}`,
        }),
      );
  }
  return { a, b, ex, im };
}

const bandsOf = async () =>
  Object.fromEntries(
    ((await hub.get('/v1/compliance?period=2025-03')).body.items as Item[]).map((r) => [r.country, r.band]),
  );

beforeAll(async () => {
  const flows = [
    trade('CD', 'RW', 'gold', 4, 10),
    trade('CD', 'RW', 'cassiterite', 2, 10000),
    trade('TZ', 'RW', 'gold', 3, 10),
    trade('CD', 'KE', 'gold', 4, 10, 3),
    trade('TZ', 'BI', 'gold', 10, 10, 9),
    trade('TZ', 'BI', 'coltan', 2, 6000),
    // Uganda declares 6 kg where its partners receive 10.
    trade('UG', 'RW', 'gold', 2, 6, 2, 10),
    trade('UG', 'BI', 'gold', 2, 6, 2, 10),
  ];
  const by = new Map<string, Record<string, unknown>[]>();
  const add = (country: string, records: Record<string, unknown>[]) =>
    by.set(country, [...(by.get(country) ?? []), ...records]);
  for (const f of flows) {
    add(f.a, f.ex);
    add(f.b, f.im);
  }
  // An import into Rwanda from nowhere: a major item Rwanda answers for.
  by.get('RW')!.push(
    importRecord({
      country: 'RW',
      importId: 'RW-ORPHAN',
      originCountry: 'CD',
      mineral: 'gold',
      mass: 0.4,
      valueUsd: 24000,
      arrivedOn: '2025-03-20',
    }),
  );
  for (const [country, records] of by) await hub.submit(country, '2025-03', records);
  await hub.reconcile({ period: '2025-03', asOf: '2025-12-31' });
}, 120_000);

describe('compliance per state and month', () => {
  it('bands the states by confirmation rate and reliability', async () => {
    expect(await bandsOf()).toEqual({
      RW: 'compliant',
      CD: 'compliant',
      TZ: 'compliant',
      KE: 'non_compliant',
      BI: 'partial',
      UG: 'partial',
    });
  });

  it('links each figure to the items behind it', async () => {
    const ke = (
      (await hub.get('/v1/compliance?country=KE&period=2025-03', hub.keys.secretariat)).body.items as Item[]
    )[0]!;
    expect(ke.figures.confirmationRate).toMatchObject({
      value: 0.75,
      confirmable: 4,
      confirmed: 3,
      itemCount: 1,
    });
    const href = ke.figures.confirmationRate.href as string;
    expect(href).toContain('importingCountry=KE');
    const behind = (await hub.get(href)).body.items as Item[];
    expect(behind.map((d) => d.id)).toEqual(ke.figures.confirmationRate.items);
    expect(behind[0]).toMatchObject({ code: 'UNMATCHED_EXPORT', exportingCountry: 'CD' });
    const ug = ((await hub.get('/v1/compliance?country=UG&period=2025-03')).body.items as Item[])[0]!;
    expect(ug.figures.reliabilityIndex.asExporter.value).toBeCloseTo(Math.log(10 / 6), 6);
    expect(ug.figures.reliabilityIndex.value).toBeGreaterThan(ug.figures.reliabilityIndex.bound);
    expect(ug.figures.reliabilityIndex.items.length).toBeGreaterThan(0);
    expect(ug.figures.certificateCoverage.value).toBe(1);
    expect(ug.figures.timeliness).toMatchObject({ monthsDue: expect.any(Number) });
  });

  it('an open major item older than 60 days keeps a state from compliant, until it is answered', async () => {
    const orphan = (
      (await hub.get('/v1/discrepancies?code=UNMATCHED_IMPORT&importingCountry=RW')).body.items as Item[]
    )[0]!;
    expect(orphan).toMatchObject({ responsible: 'RW', severity: 'major', status: 'open' });
    await db.pool.query(
      `UPDATE discrepancy_followups SET first_seen_at = now() - interval '90 days' WHERE id = $1`,
      [orphan.id],
    );
    await hub.reconcile({ period: '2025-03', asOf: '2025-12-31' });
    const rw = ((await hub.get('/v1/compliance?country=RW&period=2025-03')).body.items as Item[])[0]!;
    expect(rw.band).toBe('partial');
    expect(rw.figures.overdueMajorItems).toMatchObject({ value: 1, items: [orphan.id] });
    await hub.app.inject({
      method: 'PATCH',
      url: `/v1/discrepancies/${orphan.id}`,
      headers: { ...bearer(hub.keys.RW), 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'explained', comment: 'A sample for the national laboratory.' }),
    });
    await hub.reconcile({ period: '2025-03', asOf: '2025-12-31' });
    expect((await bandsOf()).RW).toBe('compliant');
  });

  it('does not score states with nothing on record', async () => {
    expect(Object.keys(await bandsOf()).sort()).toEqual(['BI', 'CD', 'KE', 'RW', 'TZ', 'UG']);
  });
});
