/**
 * A realistic monthly batch for benchmarks: one reporting state (RW, which issues ICGLR certificates),
 * mostly exports and imports, and the other record types in the proportions a national system sends.
 * Deterministic for a given seed. A small share of records carries a typical mistake so the issue
 * paths are exercised too (`invalidShare`).
 */

export interface BatchOptions {
  records: number;
  /** @defaultValue 0.002 */
  invalidShare?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** @defaultValue 'RW' */
  reportingCountry?: string;
  /** @defaultValue '2026-03' */
  period?: string;
}

/** Share of each record type in a month's batch. */
const mix: [string, number][] = [
  ['export', 0.34],
  ['import', 0.3],
  ['lot', 0.12],
  ['custodyTransfer', 0.1],
  ['certificate', 0.08],
  ['mineSite', 0.02],
  ['actor', 0.015],
  ['licence', 0.01],
  ['inspection', 0.015],
];

const minerals = ['cassiterite', 'wolframite', 'coltan', 'gold'] as const;
const hs: Record<string, string> = {
  cassiterite: '2609.00',
  wolframite: '2611.00',
  coltan: '2615.90',
  gold: '7108.12',
};
const destinations = ['MY', 'TH', 'CN', 'AE', 'BE', 'CH', 'HK', 'IN'];
const origins = ['CD', 'BI', 'UG', 'TZ'];

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function generateBatch(opts: BatchOptions): Record<string, unknown> {
  const rand = rng(opts.seed ?? 1);
  const rc = opts.reportingCountry ?? 'RW';
  const period = opts.period ?? '2026-03';
  const invalidShare = opts.invalidShare ?? 0.002;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const day = () => `${period}-${pad(1 + Math.floor(rand() * 28), 2)}`;
  const ts = () =>
    `${day()}T${pad(6 + Math.floor(rand() * 12), 2)}:${pad(Math.floor(rand() * 60), 2)}:00+02:00`;
  const mass = () => Math.round(rand() * 25000 * 10) / 10 + 0.1;
  const cum: [string, number][] = [];
  let acc = 0;
  for (const [t, p] of mix) cum.push([t, (acc += p)]);

  const records: Record<string, unknown>[] = new Array(opts.records);
  for (let i = 0; i < opts.records; i++) {
    const r = rand() * acc;
    const type = cum.find(([, c]) => r < c)?.[0] ?? 'export';
    const mineral = pick(minerals);
    let rec: Record<string, unknown>;
    switch (type) {
      case 'export':
        rec = {
          recordType: 'export',
          exportId: `${rc}-EXP-2026-${pad(i, 7)}`,
          certificateNumber: `${rc}-2026-${pad(i, 7)}`,
          exporterId: `${rc}-ACT-${pad(i % 400, 5)}`,
          exporterName: `Exporter ${i % 400} Ltd`,
          importerName: 'Straits Tin Smelting Sdn Bhd',
          destinationCountry: pick(destinations),
          mineral,
          hsCode: hs[mineral],
          mass: mass(),
          unit: mineral === 'gold' ? 'GRM' : 'KGM',
          gradePct: Math.round(rand() * 7000) / 100 + 10,
          valueUsd: Math.round(rand() * 500000),
          shippedOn: day(),
          exitPoint: 'RWKGL',
          lotNumbers: [`${rc}-LOT-2026-${pad(i, 7)}`],
          transportRef: `176-${pad(i, 8)}`,
        };
        break;
      case 'import':
        rec = {
          recordType: 'import',
          importId: `${rc}-IMP-2026-${pad(i, 7)}`,
          originCountry: pick(origins),
          consignmentCountry: pick(origins),
          importerId: `${rc}-ACT-${pad(i % 400, 5)}`,
          importerName: `Importer ${i % 300} SARL`,
          exporterName: `Comptoir ${i % 200}`,
          certificateNumber: `${pick(origins)}-2026-${pad(i, 6)}`,
          mineral,
          hsCode: hs[mineral],
          mass: mass(),
          unit: 'KGM',
          gradePct: Math.round(rand() * 7000) / 100 + 10,
          valueUsd: Math.round(rand() * 400000),
          arrivedOn: day(),
          entryPoint: 'Rusizi I',
          customsRef: `C${pad(i, 9)}`,
        };
        break;
      case 'lot':
        rec = {
          recordType: 'lot',
          lotNumber: `${rc}-LOT-2026-${pad(i, 7)}`,
          registeredAt: ts(),
          custodianId: `${rc}-ACT-${pad(i % 400, 5)}`,
          mineral,
          mass: mass(),
          unit: 'KGM',
          gradePct: Math.round(rand() * 7000) / 100,
          packageType: 'bag',
          packages: 1 + Math.floor(rand() * 40),
          operation: 'extraction',
          siteId: `${rc}-MS-${pad(i % 900, 4)}`,
          tags: [`T${pad(i, 8)}`],
        };
        break;
      case 'custodyTransfer':
        rec = {
          recordType: 'custodyTransfer',
          transferId: `${rc}-TRF-2026-${pad(i, 7)}`,
          lotNumber: `${rc}-LOT-2026-${pad(i, 7)}`,
          fromActorId: `${rc}-ACT-${pad(i % 400, 5)}`,
          toActorId: `${rc}-ACT-${pad((i + 7) % 400, 5)}`,
          occurredAt: ts(),
          mass: mass(),
          unit: 'KGM',
          priceUsd: Math.round(rand() * 90000),
          place: 'Musanze',
        };
        break;
      case 'certificate':
        rec = {
          recordType: 'certificate',
          certificateNumber: `${rc}-2026-C${pad(i, 7)}`,
          issuedOn: day(),
          expiresOn: '2026-06-30',
          issuingAuthority: 'Rwanda Mines, Petroleum and Gas Board',
          exporterId: `${rc}-ACT-${pad(i % 400, 5)}`,
          importerName: 'Thaisarco',
          destinationCountry: pick(destinations),
          mineral,
          hsCode: hs[mineral],
          mass: mass(),
          unit: 'KGM',
          status: 'issued',
        };
        break;
      case 'mineSite':
        rec = {
          recordType: 'mineSite',
          siteId: `${rc}-MS-${pad(i, 7)}`,
          name: `Site ${i}`,
          country: rc,
          location: { lat: -1.5 - rand(), lon: 29.5 + rand() },
          subdivision1: 'Northern Province',
          minerals: [mineral],
          certificationStatus: 'green',
          statusSince: '2025-11-02',
          activityStatus: 'active',
        };
        break;
      case 'actor':
        rec = {
          recordType: 'actor',
          actorId: `${rc}-ACT-X${pad(i, 7)}`,
          name: `Actor ${i} Ltd`,
          country: rc,
          roles: ['trader', 'exporter'],
          registrationNumber: `RDB-${pad(i, 8)}`,
          auditStatus: { flag: 'green', date: '2025-12-01' },
        };
        break;
      case 'licence':
        rec = {
          recordType: 'licence',
          licenceId: `${rc}-LIC-${pad(i, 7)}`,
          type: 'trading_licence',
          holderId: `${rc}-ACT-${pad(i % 400, 5)}`,
          minerals: [mineral],
          validFrom: '2025-01-01',
          validTo: '2027-12-31',
        };
        break;
      default:
        rec = {
          recordType: 'inspection',
          inspectionId: `${rc}-INS-${pad(i, 7)}`,
          siteId: `${rc}-MS-${pad(i % 900, 4)}`,
          inspectionDate: day(),
          result: 'green',
          inspectorType: 'government',
          agency: 'RMB',
        };
    }
    if (invalidShare > 0 && rand() < invalidShare) {
      // The mistakes national systems make most: a unit as written locally, a mass as text, a bad date.
      const k = Math.floor(rand() * 3);
      if (k === 0 && 'unit' in rec) rec.unit = 'kg';
      else if (k === 1 && 'mass' in rec) rec.mass = String(rec.mass);
      else rec.extraField = 'x';
    }
    records[i] = rec;
  }
  return {
    schemaVersion: '1.0.0',
    reportingCountry: rc,
    period,
    submissionRef: `BENCH-${opts.records}`,
    records,
  };
}
