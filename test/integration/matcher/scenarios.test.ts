import { beforeAll, describe, expect, it } from 'vitest';

import { certificateRecord, exportRecord, importRecord } from '../../../scripts/lib/trade-records.js';
import { testDatabase } from '../../helpers/db.js';
import { matcherHub } from './helpers.js';

/**
 * The five scenarios of matching-research §7, each in its own corridor (or mineral), submitted
 * through the API and reconciled in one run over March–May 2025.
 */
const db = await testDatabase();
const hub = await matcherHub(db);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read loosely in tests
type Item = Record<string, any>;
let links: Item[] = [];
let discrepancies: Item[] = [];

const byExport = (id: string) => links.filter((l) => l.exportId === id);
const codesOf = (pred: (d: Item) => boolean) =>
  discrepancies
    .filter(pred)
    .map((d) => d.code)
    .sort();

beforeAll(async () => {
  // Registries: the certificates each certifying state issued.
  await hub.submit('CD', '2025-03', [
    // 1. DRC cassiterite, 24.0 t in March at US$300k FOB.
    exportRecord({
      country: 'CD',
      exportId: 'S1-E',
      certificateNumber: 'CD-2025-000101',
      exporterName: 'Kivu Mining SARL',
      importerName: 'Gatsata Ore Ltd',
      destinationCountry: 'RW',
      mineral: 'cassiterite',
      mass: 24000,
      valueUsd: 300000,
      shippedOn: '2025-03-20',
      transportRef: 'TRK 1001',
    }),
    certificateRecord({
      certificateNumber: 'CD-2025-000101',
      issuedOn: '2025-03-18',
      destinationCountry: 'RW',
      mineral: 'cassiterite',
      mass: 24000,
    }),
    // 1 (variant). The same certificate arriving on two trucks.
    exportRecord({
      country: 'CD',
      exportId: 'S1-SPLIT',
      certificateNumber: 'CD-2025-000102',
      exporterName: 'Kivu Mining SARL',
      importerName: 'Gatsata Ore Ltd',
      destinationCountry: 'RW',
      mineral: 'cassiterite',
      mass: 20000,
      valueUsd: 250000,
      shippedOn: '2025-03-22',
    }),
    certificateRecord({
      certificateNumber: 'CD-2025-000102',
      issuedOn: '2025-03-21',
      destinationCountry: 'RW',
      mineral: 'cassiterite',
      mass: 20000,
    }),
    // 4. Gold of a DRC exporter, later declared in Uganda as of Tanzanian origin.
    exportRecord({
      country: 'CD',
      exportId: 'S4-E',
      certificateNumber: 'CD-2025-000401',
      exporterName: 'Etablissement Namukaya SARL',
      importerName: 'Kampala Gold Refinery Ltd',
      destinationCountry: 'UG',
      mineral: 'gold',
      mass: 30,
      valueUsd: 1_800_000,
      shippedOn: '2025-03-05',
    }),
    certificateRecord({
      certificateNumber: 'CD-2025-000401',
      issuedOn: '2025-03-04',
      destinationCountry: 'UG',
      mineral: 'gold',
      mass: 30,
    }),
  ]);
  await hub.submit('UG', '2025-03', [
    // 2. Uganda declares 100 kg of gold exports to Rwanda…
    exportRecord({
      country: 'UG',
      exportId: 'S2-E',
      certificateNumber: 'UG-2025-000201',
      exporterName: 'Entebbe Bullion Ltd',
      importerName: 'Kigali Precious Metals',
      destinationCountry: 'RW',
      mineral: 'gold',
      mass: 100,
      valueUsd: 6_000_000,
      shippedOn: '2025-03-10',
    }),
    certificateRecord({
      certificateNumber: 'UG-2025-000201',
      issuedOn: '2025-03-09',
      destinationCountry: 'RW',
      mineral: 'gold',
      mass: 100,
    }),
  ]);
  await hub.submit('RW', '2025-03', [
    // 2. … Rwanda records 175 kg from Uganda under the same certificate.
    importRecord({
      country: 'RW',
      importId: 'S2-I',
      originCountry: 'UG',
      certificateNumber: 'UG-2025-000201',
      exporterName: 'Entebbe Bullion Ltd',
      importerName: 'Kigali Precious Metals',
      mineral: 'gold',
      mass: 175,
      valueUsd: 11_130_000,
      arrivedOn: '2025-03-12',
    }),
    // 3. Coltan "from DRC" with no certificate, ~12 t a month.
    importRecord({
      country: 'RW',
      importId: 'S3-I-03',
      originCountry: 'CD',
      exporterName: 'Rubaya Traders',
      importerName: 'Musanze Minerals',
      mineral: 'coltan',
      mass: 12000,
      valueUsd: 600000,
      arrivedOn: '2025-03-15',
    }),
    // 5. Rwanda's own exports to Uganda with unit and code slips on the Ugandan side.
    exportRecord({
      country: 'RW',
      exportId: 'S5-G',
      certificateNumber: 'RW-2025-000501',
      exporterName: 'Kigali Gold Ltd',
      importerName: 'Kampala Gold Refinery Ltd',
      destinationCountry: 'UG',
      mineral: 'gold',
      mass: 2.5,
      valueUsd: 150_000,
      shippedOn: '2025-03-03',
    }),
    certificateRecord({
      certificateNumber: 'RW-2025-000501',
      issuedOn: '2025-03-02',
      destinationCountry: 'UG',
      mineral: 'gold',
      mass: 2.5,
    }),
    exportRecord({
      country: 'RW',
      exportId: 'S5-TA',
      certificateNumber: 'RW-2025-000502',
      exporterName: 'Trinity Metals',
      importerName: 'Kampala Ores Ltd',
      destinationCountry: 'UG',
      mineral: 'coltan',
      mass: 9000,
      gradePct: 30,
      valueUsd: 450_000,
      shippedOn: '2025-03-04',
    }),
    certificateRecord({
      certificateNumber: 'RW-2025-000502',
      issuedOn: '2025-03-03',
      destinationCountry: 'UG',
      mineral: 'coltan',
      mass: 9000,
    }),
    exportRecord({
      country: 'RW',
      exportId: 'S5-HS',
      certificateNumber: 'RW-2025-000503',
      exporterName: 'Kigali Gold Ltd',
      importerName: 'Kampala Gold Refinery Ltd',
      destinationCountry: 'UG',
      mineral: 'gold',
      mass: 4,
      valueUsd: 240_000,
      shippedOn: '2025-03-06',
    }),
    certificateRecord({
      certificateNumber: 'RW-2025-000503',
      issuedOn: '2025-03-05',
      destinationCountry: 'UG',
      mineral: 'gold',
      mass: 4,
    }),
  ]);
  await hub.submit('RW', '2025-04', [
    // 1. Rwanda records the import in April: 23.8 t at US$318k CIF.
    importRecord({
      country: 'RW',
      importId: 'S1-I',
      originCountry: 'CD',
      certificateNumber: 'CD-2025-000101',
      exporterName: 'Kivu Mining SARL',
      importerName: 'Gatsata Ore Ltd',
      mineral: 'cassiterite',
      mass: 23800,
      valueUsd: 318000,
      arrivedOn: '2025-04-08',
      transportRef: 'TRK-1001',
    }),
    importRecord({
      country: 'RW',
      importId: 'S1-SPLIT-A',
      originCountry: 'CD',
      certificateNumber: 'CD-2025-000102',
      exporterName: 'Kivu Mining SARL',
      importerName: 'Gatsata Ore Ltd',
      mineral: 'cassiterite',
      mass: 10050,
      valueUsd: 132500,
      arrivedOn: '2025-04-10',
    }),
    importRecord({
      country: 'RW',
      importId: 'S1-SPLIT-B',
      originCountry: 'CD',
      certificateNumber: 'CD-2025-000102',
      exporterName: 'Kivu Mining SARL',
      importerName: 'Gatsata Ore Ltd',
      mineral: 'cassiterite',
      mass: 9900,
      valueUsd: 132500,
      arrivedOn: '2025-04-12',
    }),
    importRecord({
      country: 'RW',
      importId: 'S3-I-04',
      originCountry: 'CD',
      exporterName: 'Rubaya Traders',
      importerName: 'Musanze Minerals',
      mineral: 'coltan',
      mass: 12500,
      valueUsd: 625000,
      arrivedOn: '2025-04-15',
    }),
  ]);
  await hub.submit('RW', '2025-05', [
    importRecord({
      country: 'RW',
      importId: 'S3-I-05',
      originCountry: 'CD',
      exporterName: 'Rubaya Traders',
      importerName: 'Musanze Minerals',
      mineral: 'coltan',
      mass: 11800,
      valueUsd: 590000,
      arrivedOn: '2025-05-15',
    }),
  ]);
  await hub.submit('UG', '2025-03', [
    // 4. Declared origin Tanzania, consigned from the DRC, the exporter's name abbreviated.
    importRecord({
      country: 'UG',
      importId: 'S4-I',
      originCountry: 'TZ',
      consignmentCountry: 'CD',
      exporterName: 'Ets. Namukaya',
      importerName: 'Kampala Gold Refinery Ltd',
      mineral: 'gold',
      mass: 30,
      valueUsd: 1_908_000,
      arrivedOn: '2025-03-08',
    }),
    // 5. 2.5 kg recorded as 2,500 "kg"; the Ta₂O₅ content instead of the concentrate; gold as HS 7112.
    importRecord({
      country: 'UG',
      importId: 'S5-G-I',
      originCountry: 'RW',
      certificateNumber: 'RW-2025-000501',
      exporterName: 'Kigali Gold Ltd',
      importerName: 'Kampala Gold Refinery Ltd',
      mineral: 'gold',
      mass: 2500,
      valueUsd: 159_000,
      arrivedOn: '2025-03-04',
    }),
    importRecord({
      country: 'UG',
      importId: 'S5-TA-I',
      originCountry: 'RW',
      certificateNumber: 'RW-2025-000502',
      exporterName: 'Trinity Metals',
      importerName: 'Kampala Ores Ltd',
      mineral: 'coltan',
      mass: 2700,
      gradePct: 100,
      valueUsd: 477_000,
      arrivedOn: '2025-03-20',
    }),
    importRecord({
      country: 'UG',
      importId: 'S5-HS-I',
      originCountry: 'RW',
      certificateNumber: 'RW-2025-000503',
      exporterName: 'Kigali Gold Ltd',
      importerName: 'Kampala Gold Refinery Ltd',
      mineral: 'gold',
      hsCode: '7112.91',
      mass: 4,
      valueUsd: 254_400,
      arrivedOn: '2025-03-07',
    }),
  ]);
  await hub.reconcile({ period: '2025-03', periodTo: '2025-05', asOf: '2025-12-31' });
  links = (await hub.get('/v1/matches?period=2025-03&periodTo=2025-05&limit=1000')).body.items;
  discrepancies = (await hub.get('/v1/discrepancies?period=2025-03&periodTo=2025-05&limit=1000')).body.items;
}, 180_000);

describe('scenario 1: clean certificate match with lag and CIF', () => {
  it('links by certificate, within weight tolerance, CIF_FOB_ONLY and TIMING_LAG', () => {
    const [l] = byExport('S1-E');
    expect(l).toMatchObject({ stage: 1, pass: 'certificate', importId: 'S1-I', severity: 'info' });
    expect(l!.codes.sort()).toEqual(['CIF_FOB_ONLY', 'TIMING_LAG']);
    expect(l!.figures.qtyDiff).toBeCloseTo(0.0083, 3);
    expect(l!.figures.valueRatio).toBeCloseTo(1.06, 5);
    expect(codesOf((d) => d.exportId === 'S1-E')).toEqual([]);
  });

  it('links one certificate imported on two trucks (1:n) and compares the sum', () => {
    const parts = byExport('S1-SPLIT');
    expect(parts.map((p) => p.importId).sort()).toEqual(['S1-SPLIT-A', 'S1-SPLIT-B']);
    for (const p of parts) {
      expect(p).toMatchObject({ stage: 1, groupSize: 2 });
      expect(p.figures.groupImportKg).toBeCloseTo(19950, 6);
      expect(p.codes).not.toContain('QTY_MINOR');
    }
  });
});

describe('scenario 2: gold under-declared by the exporter', () => {
  it('QTY_MAJOR on the link and AGG_ASYMMETRY on the corridor', () => {
    const [l] = byExport('S2-E');
    expect(l).toMatchObject({ stage: 1, importId: 'S2-I', severity: 'major' });
    expect(l!.codes).toContain('QTY_MAJOR');
    const agg = discrepancies.filter(
      (d) =>
        d.code === 'AGG_ASYMMETRY' &&
        d.exportingCountry === 'UG' &&
        d.importingCountry === 'RW' &&
        d.mineral === 'gold',
    );
    expect(agg.map((d) => d.subtype).sort()).toEqual(['month', 'rolling_3m']);
    expect(agg[0]!.figures.ratio).toBeCloseTo(1.75, 5);
    expect(codesOf((d) => d.exportId === 'S2-E')).toEqual(
      expect.arrayContaining(['QTY_MAJOR', 'VALUE_MAJOR']),
    );
    expect(codesOf((d) => d.certificate === 'UG-2025-000201' && d.code === 'CERT_OVERDRAWN')).toEqual([
      'CERT_OVERDRAWN',
    ]);
  });
});

describe('scenario 3: orphan 3T imports', () => {
  it('UNMATCHED_IMPORT against the importer each month, and AGG_ASYMMETRY', () => {
    const orphans = discrepancies.filter((d) => d.code === 'UNMATCHED_IMPORT' && d.mineral === 'coltan');
    expect(orphans.map((d) => d.importIds[0]).sort()).toEqual(['S3-I-03', 'S3-I-04', 'S3-I-05']);
    for (const d of orphans)
      expect(d).toMatchObject({ responsible: 'RW', severity: 'major', exportingCountry: 'CD' });
    const agg = discrepancies.filter(
      (d) =>
        d.code === 'AGG_ASYMMETRY' &&
        d.exportingCountry === 'CD' &&
        d.mineral === 'coltan' &&
        d.subtype === 'month',
    );
    expect(agg.map((d) => d.period)).toEqual(['2025-03', '2025-04', '2025-05']);
    expect(agg.every((d) => d.severity === 'major' && d.figures.exportKg === 0)).toBe(true);
  });
});

describe('scenario 4: production gap and origin laundering', () => {
  it('links in stage 2 with ORIGIN_MISMATCH and PARTY_MISMATCH', () => {
    const [l] = byExport('S4-E');
    expect(l).toMatchObject({ stage: 2, importId: 'S4-I', decision: 'link' });
    expect(l!.score).toBeGreaterThanOrEqual(12);
    expect(l!.codes).toEqual(expect.arrayContaining(['ORIGIN_MISMATCH', 'PARTY_MISMATCH']));
    expect(l!.comparison.map((c: Item) => c.field)).toEqual(
      expect.arrayContaining(['weight', 'value', 'date', 'exporter', 'importer']),
    );
    expect(codesOf((d) => d.exportId === 'S4-E')).toEqual(['ORIGIN_MISMATCH']);
    const origin = discrepancies.find((d) => d.exportId === 'S4-E')!;
    expect(origin).toMatchObject({ severity: 'major', responsible: 'UG' });
    expect(origin.figures.import.origin).toBe('TZ');
  });
});

describe('scenario 5: unit and code errors, not smuggling', () => {
  it('UNIT_OR_CODE_ERROR for g-as-kg, Ta₂O₅-as-concentrate and HS 7112, with no penalty', () => {
    const unit = (id: string) =>
      discrepancies.filter((d) => d.exportId === id && d.code === 'UNIT_OR_CODE_ERROR');
    expect(unit('S5-G').map((d) => d.subtype)).toEqual(['unit']);
    expect(unit('S5-TA').map((d) => d.subtype)).toEqual(['grade']);
    expect(unit('S5-HS').map((d) => d.subtype)).toEqual(['hs_code']);
    for (const id of ['S5-G', 'S5-TA', 'S5-HS']) {
      expect(codesOf((d) => d.exportId === id)).toEqual(['UNIT_OR_CODE_ERROR']);
      expect(unit(id)[0]!.severity).toBe('minor');
    }
    expect(byExport('S5-G')[0]!.figures.unitFactor).toBeCloseTo(1000, 6);
    // The slips do not make the corridor asymmetric: the aggregate uses the corrected weight.
    expect(discrepancies.filter((d) => d.code === 'AGG_ASYMMETRY' && d.exportingCountry === 'RW')).toEqual(
      [],
    );
  });
});
