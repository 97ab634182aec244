/**
 * The demo dataset: a year of monthly returns of the five certifying states (BI, CD, RW, TZ, UG),
 * with every record type of the standard, cross-border flows whose mirror imports sometimes disagree
 * in the ways the matcher classifies (lags, CIF/FOB, quantity gaps, unit slips, certificate typos,
 * orphan imports, unmatched exports), a few invalid records, one missing month and a late one.
 * Deterministic for a seed. Built on test/fixtures/factory.ts.
 */
import { rng, type Rng } from '../../test/fixtures/factory.js';

export interface DemoBatch {
  country: string;
  period: string;
  records: Record<string, unknown>[];
  /** When the batch is shown as received (the demo back-dates a year of reporting). */
  receivedAt: string;
}

interface StateProfile {
  /** Where its mine sites lie: [latMin, latMax, lonMin, lonMax]. */
  box: [number, number, number, number];
  minerals: string[];
  exitPoints: string[];
  authority: string;
  places: string[];
  /** Export destinations: member partners first. */
  partners: string[];
}

const profiles: Record<string, StateProfile> = {
  CD: {
    box: [-4.5, 1.5, 27.2, 29.2],
    minerals: ['cassiterite', 'coltan', 'gold', 'wolframite'],
    exitPoints: ['Goma-Gisenyi', 'Bukavu-Rusizi', 'Kasindi'],
    authority: 'CEEC',
    places: [
      'Rubaya',
      'Nyabibwe',
      'Kalimbi',
      'Bisie',
      'Kamituga',
      'Lugushwa',
      'Mumba',
      'Luntukulu',
      'Kalehe',
      'Walikale',
    ],
    partners: ['RW', 'UG', 'BI', 'AE', 'CN', 'MY'],
  },
  RW: {
    box: [-2.7, -1.3, 29.2, 30.5],
    minerals: ['cassiterite', 'coltan', 'wolframite', 'gold'],
    exitPoints: ['Kigali International Airport', 'Rusumo', 'Gatuna'],
    authority: 'Rwanda Mines, Petroleum and Gas Board',
    places: [
      'Rutongo',
      'Nyakabingo',
      'Gifurwe',
      'Musha',
      'Ntunga',
      'Gatumba',
      'Bisesero',
      'Nemba',
      'Rongi',
      'Kirengo',
    ],
    partners: ['UG', 'TZ', 'MY', 'TH', 'CN', 'BE'],
  },
  BI: {
    box: [-4.2, -2.6, 29.3, 30.6],
    minerals: ['cassiterite', 'coltan', 'gold'],
    exitPoints: ['Bujumbura Airport', 'Kobero', 'Gatumba'],
    authority: 'Ministère de l’Hydraulique, de l’Énergie et des Mines',
    places: ['Kabarore', 'Murehe', 'Kayanza', 'Muyinga', 'Butihinda', 'Mabayi', 'Cibitoke', 'Ngozi'],
    partners: ['RW', 'TZ', 'AE', 'CN'],
  },
  TZ: {
    box: [-9.5, -2.5, 31.0, 36.5],
    minerals: ['gold', 'cassiterite'],
    exitPoints: ['Julius Nyerere International Airport', 'Mwanza', 'Namanga'],
    authority: 'Mining Commission',
    places: ['Geita', 'Kahama', 'Chunya', 'Kyerwa', 'Karagwe', 'Musoma', 'Nzega', 'Mpanda'],
    partners: ['UG', 'RW', 'AE', 'CH', 'IN'],
  },
  UG: {
    box: [-0.9, 3.2, 30.3, 34.3],
    minerals: ['gold', 'wolframite', 'cassiterite'],
    exitPoints: ['Entebbe International Airport', 'Malaba', 'Mutukula'],
    authority: 'Directorate of Geological Survey and Mines',
    places: ['Busia', 'Mubende', 'Kisoro', 'Nyamuliro', 'Ntungamo', 'Amudat', 'Kaabong', 'Buhweju'],
    partners: ['AE', 'KE', 'RW', 'CH', 'IN'],
  },
};
export const demoStates = Object.keys(profiles).sort();
const reporting = new Set(demoStates);

const hs: Record<string, string> = {
  gold: '7108.12',
  cassiterite: '2609.00',
  wolframite: '2611.00',
  coltan: '2615.90',
};
/** US$ per kg, roughly. */
const price: Record<string, number> = { gold: 60000, cassiterite: 18, coltan: 45, wolframite: 12 };
const exporterNames = [
  'Great Lakes Metals Ltd',
  'Kivu Mining Exports SARL',
  'Comptoir Minier du Sud SPRL',
  'Ets. Namukaya',
  'Highland Ores Trading Ltd',
  'Société Minière des Collines SA',
  'African Mineral Traders Ltd',
  'Lakeside Tin & Tantalum Ltd',
];
const consignees: Record<string, string> = {
  AE: 'Emirates Gold DMCC',
  CN: 'Jiangxi Tungsten Co',
  MY: 'Penang Tin Smelters Sdn Bhd',
  TH: 'Thaisarco',
  BE: 'Traxys Europe SA',
  CH: 'Valcambi SA',
  IN: 'Shree Metals Refinery',
  KE: 'Nairobi Bullion Ltd',
};

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const pad = (n: number, w = 4) => String(n).padStart(w, '0');
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export function addMonths(period: string, n: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
const day = (period: string, d: number) =>
  `${period}-${String(Math.min(28, Math.max(1, d))).padStart(2, '0')}`;

function staticRecords(
  c: string,
  p: StateProfile,
  first: string,
  r: Rng,
  sitesPerState: number,
  producing: string[],
) {
  const out: Record<string, unknown>[] = [];
  const exporters = exporterNames.slice(0, 5).map((name, i) => ({
    recordType: 'actor',
    actorId: `${c}-ACT-${pad(i + 1, 3)}`,
    name: `${name} (${c})`,
    country: c,
    roles: ['exporter', 'trader'],
    registrationNumber: `${c}/EXP/${2019 + i}/${pad(100 + i * 7, 4)}`,
    auditStatus: { flag: i === 4 ? 'yellow' : 'green', date: addDays(`${first}-01`, -200 + i * 20) },
  }));
  const coops = Array.from({ length: 4 }, (_, i) => ({
    recordType: 'actor',
    actorId: `${c}-COOP-${pad(i + 1, 3)}`,
    name: `Coopérative minière ${p.places[i]}`,
    country: c,
    roles: ['cooperative', 'miner'],
  }));
  out.push(...exporters, ...coops);
  const [la0, la1, lo0, lo1] = p.box;
  for (let i = 1; i <= sitesPerState; i++) {
    const x = r();
    const status = x < 0.55 ? 'green' : x < 0.75 ? 'yellow' : x < 0.83 ? 'red' : 'blue';
    const siteId = `${c}-MS-${pad(i)}`;
    if (status === 'green' || status === 'yellow') producing.push(siteId);
    const coop = `${c}-COOP-${pad(1 + (i % 4), 3)}`;
    const mineral = p.minerals[i % p.minerals.length]!;
    const inspected = status !== 'blue';
    // The annual inspection round falls in the first month shown.
    const inspectionDate = day(first, 1 + Math.floor(r() * 27));
    out.push({
      recordType: 'mineSite',
      siteId,
      name: `${p.places[i % p.places.length]} ${i > p.places.length ? Math.ceil(i / p.places.length) : ''}`.trim(),
      country: c,
      location: { lat: round(la0 + r() * (la1 - la0), 4), lon: round(lo0 + r() * (lo1 - lo0), 4) },
      minerals: [mineral],
      certificationStatus: status,
      statusSince: inspected ? inspectionDate : undefined,
      activityStatus: status === 'red' ? 'inactive' : 'active',
      lastInspectionDate: inspected ? inspectionDate : undefined,
      operatorId: coop,
      licenceIds: [`${c}-LIC-${pad(i)}`],
    });
    out.push({
      recordType: 'licence',
      licenceId: `${c}-LIC-${pad(i)}`,
      type: 'artisanal_permit',
      holderId: coop,
      siteIds: [siteId],
      minerals: [mineral],
      validFrom: addDays(`${first}-01`, -400),
      validTo: addDays(`${first}-01`, 700),
    });
    if (inspected) {
      out.push({
        recordType: 'inspection',
        inspectionId: `${c}-INS-${pad(i)}`,
        siteId,
        inspectionDate,
        result: status,
        inspectorType: i % 5 === 0 ? 'tpa' : 'government',
        inspectorName: i % 5 === 0 ? 'Third-party audit team' : 'Mines inspectorate',
        agency: p.authority,
        purpose: 'annual inspection',
      });
    }
  }
  return out;
}

interface Shipment {
  exporter: string;
  importer: string;
  mineral: string;
  certificateNumber: string;
  exportId: string;
  massKg: number;
  gradePct: number;
  valueUsd: number;
  shippedOn: string;
  exporterName: string;
  importerName: string;
  transportRef: string;
}

/** The year of returns, in submission order. `scale` multiplies the monthly volume. */
export function demoDataset(opts: {
  to: string;
  months?: number;
  seed?: number;
  scale?: number;
  sitesPerState?: number;
}): DemoBatch[] {
  const months = opts.months ?? 12;
  const scale = opts.scale ?? 1;
  const periods = Array.from({ length: months }, (_, i) => addMonths(opts.to, i - months + 1));
  const r = rng(opts.seed ?? 2026);
  const byKey = new Map<string, Record<string, unknown>[]>();
  const recs = (c: string, p: string) => {
    const k = `${c}|${p}`;
    if (!byKey.has(k)) byKey.set(k, []);
    return byKey.get(k)!;
  };
  const today = new Date().toISOString().slice(0, 10);
  const sitesPerState = opts.sitesPerState ?? 24;
  let certSeq = 0;

  // Sites that may produce certified minerals (green or yellow), per state.
  const producing: Record<string, string[]> = {};
  for (const c of demoStates) {
    producing[c] = [];
    recs(c, periods[0]!).push(...staticRecords(c, profiles[c]!, periods[0]!, r, sitesPerState, producing[c]));
  }

  for (const [pi, period] of periods.entries()) {
    for (const c of demoStates) {
      const p = profiles[c]!;
      const out = recs(c, period);
      const nExports = Math.round((5 + Math.floor(r() * 3)) * scale);
      for (let i = 0; i < nExports; i++) {
        const mineral = p.minerals[(i + pi) % p.minerals.length]!;
        const gold = mineral === 'gold';
        const destination =
          i % 3 === 2
            ? pick(
                r,
                p.partners.filter((d) => !reporting.has(d)),
              )
            : pick(r, p.partners);
        const exporterIdx = (i + pi) % 5;
        const exporterId = `${c}-ACT-${pad(exporterIdx + 1, 3)}`;
        const massKg = gold ? round(2 + r() * 40, 2) : Math.round(3000 + r() * 22000);
        const gradePct = gold ? round(88 + r() * 11) : round(35 + r() * 35);
        const valueUsd = Math.round(massKg * price[mineral]! * (0.9 + r() * 0.2));
        // Shipped from the 12th: the lots, transfers and certificate before it fall in the same month.
        const shippedOn = day(period, 12 + Math.floor(r() * 15));
        const seq = ++certSeq;
        const certificateNumber = `${c}-${period.slice(0, 4)}-${pad(seq, 6)}`;
        const tag = `${c}-${period}-${pad(i + 1, 3)}`;
        // Two extraction lots from sites of the state, blended into the export lot.
        const inputs: string[] = [];
        for (let k = 0; k < 2; k++) {
          // Nearly always a green or yellow site; now and then one that is not (CERT_SITE_NOT_GREEN).
          const site =
            r() < 0.96 ? pick(r, producing[c]!) : `${c}-MS-${pad(1 + Math.floor(r() * sitesPerState))}`;
          const lotNumber = `${c}-LOT-${tag}-${k + 1}`;
          inputs.push(lotNumber);
          out.push({
            recordType: 'lot',
            lotNumber,
            registeredAt: `${addDays(shippedOn, -10 + k)}T08:00:00Z`,
            custodianId: `${c}-COOP-${pad(1 + ((i + k) % 4), 3)}`,
            mineral,
            mass: round(massKg / 2, 2),
            unit: 'KGM',
            gradePct,
            packages: gold ? 1 : 20,
            packageType: gold ? 'sealed box' : 'bag',
            operation: 'extraction',
            siteId: site,
            tags: [`TAG-${lotNumber}`],
          });
          out.push({
            recordType: 'custodyTransfer',
            transferId: `${c}-TRF-${tag}-${k + 1}`,
            lotNumber,
            fromActorId: `${c}-COOP-${pad(1 + ((i + k) % 4), 3)}`,
            toActorId: exporterId,
            occurredAt: `${addDays(shippedOn, -6 + k)}T14:00:00Z`,
            mass: round(massKg / 2, 2),
            unit: 'KGM',
            priceUsd: Math.round((valueUsd / 2) * 0.85),
            place: p.places[k % p.places.length],
          });
        }
        const exportLot = `${c}-LOT-${tag}-X`;
        out.push({
          recordType: 'lot',
          lotNumber: exportLot,
          registeredAt: `${addDays(shippedOn, -3)}T09:30:00Z`,
          custodianId: exporterId,
          mineral,
          mass: massKg,
          unit: 'KGM',
          gradePct,
          packages: gold ? 2 : 40,
          operation: 'blending',
          inputLots: inputs,
        });
        const importerName =
          consignees[destination] ??
          `${exporterNames[(exporterIdx + 3) % exporterNames.length]} (${destination})`;
        out.push({
          recordType: 'certificate',
          certificateNumber,
          issuedOn: addDays(shippedOn, -2),
          expiresOn: addDays(shippedOn, 88),
          issuingAuthority: p.authority,
          exporterId,
          importerName,
          destinationCountry: destination,
          mineral,
          hsCode: hs[mineral],
          mass: massKg,
          unit: 'KGM',
          gradePct,
          valueUsd,
          lotNumbers: [exportLot],
          originSiteIds: [],
          status: 'issued',
        });
        const exporterName = `${exporterNames[exporterIdx]} (${c})`;
        const transportRef = gold ? `AWB ${pad(seq * 7919, 8)}` : `TRK ${c}${pad(seq, 5)}`;
        out.push({
          recordType: 'export',
          exportId: `${c}-EXP-${tag}`,
          certificateNumber,
          exporterId,
          exporterName,
          importerName,
          destinationCountry: destination,
          mineral,
          hsCode: hs[mineral],
          mass: massKg,
          unit: 'KGM',
          gradePct,
          valueUsd,
          shippedOn,
          exitPoint: pick(r, p.exitPoints),
          lotNumbers: [exportLot],
          transportRef,
        });
        if (reporting.has(destination)) {
          mirror(
            {
              exporter: c,
              importer: destination,
              mineral,
              certificateNumber,
              exportId: `${c}-EXP-${tag}`,
              massKg,
              gradePct,
              valueUsd,
              shippedOn,
              exporterName,
              importerName,
              transportRef,
            },
            seq,
          );
        }
      }
      // Scenario 3 (matching research): coltan imported into RW "from CD" every month, no certificate.
      if (c === 'RW') {
        const arrivedOn = day(period, 5 + Math.floor(r() * 20));
        out.push({
          recordType: 'import',
          importId: `RW-IMP-${period}-ORPHAN`,
          originCountry: 'CD',
          importerName: 'Gatsata Ore Processing Ltd',
          exporterName: 'Comptoir Minier de Kayanza SPRL',
          mineral: 'coltan',
          hsCode: hs.coltan,
          mass: Math.round(9000 + r() * 6000),
          unit: 'KGM',
          gradePct: 28,
          valueUsd: Math.round(450000 + r() * 100000),
          arrivedOn,
          entryPoint: 'Rubavu',
          customsRef: `RRA-${period}-${pad(900 + Math.floor(r() * 99), 4)}`,
        });
      }
    }
  }

  /** The partner's import of a shipment, with the disagreements the matcher is there to find. */
  function mirror(s: Shipment, seq: number) {
    const gold = s.mineral === 'gold';
    const x = seq % 17;
    if (x === 3) return; // UNMATCHED_EXPORT: the partner never reports it
    const lag = gold ? 1 + (seq % 6) : 6 + ((seq * 7) % 60); // TIMING_LAG for 3T
    const arrivedOn = addDays(s.shippedOn, lag);
    if (arrivedOn > today) return; // not arrived yet
    const period = arrivedOn.slice(0, 7);
    if (!periods.includes(period)) return;
    let mass = round(s.massKg * (1 - (seq % 5) * 0.002), 2); // within tolerance
    let unit = 'KGM';
    let certificate: string | undefined = s.certificateNumber;
    let origin = s.exporter;
    let exporterName = s.exporterName;
    if (x === 5) mass = round(s.massKg * 1.75, 2); // QTY_MAJOR (scenario 2: under-declared export)
    if (x === 7 && gold) {
      mass = round(s.massKg * 1000, 0); // UNIT_OR_CODE_ERROR: grams declared as kilograms
    } else if (x === 7) {
      unit = 'TNE';
      mass = round(s.massKg / 1000, 3); // same quantity, another unit: no discrepancy
    }
    if (x === 9) certificate = s.certificateNumber.replace(/(\d)$/, (d) => String((Number(d) + 1) % 10)); // typo
    if (x === 11) certificate = undefined; // stage 2 has to find it
    if (x === 13) {
      origin = 'TZ'; // ORIGIN_MISMATCH + PARTY_MISMATCH (scenario 4)
      exporterName = s.exporterName.replace('Ets.', 'Etablissement').replace(/ \(\w\w\)$/, ' SARL');
    }
    if (origin === s.importer) origin = s.exporter;
    recs(s.importer, period).push({
      recordType: 'import',
      importId: `${s.importer}-IMP-${s.exportId}`,
      originCountry: origin,
      consignmentCountry: s.exporter,
      importerName: s.importerName,
      exporterName,
      certificateNumber: certificate,
      mineral: s.mineral,
      hsCode: hs[s.mineral],
      mass,
      unit,
      gradePct: s.gradePct,
      valueUsd: Math.round(s.valueUsd * 1.06), // CIF against FOB
      arrivedOn,
      entryPoint: gold ? 'International airport' : 'Border post',
      customsRef: `CUS-${s.importer}-${pad(seq, 6)}`,
      transportRef: s.transportRef,
    });
  }

  const batches: DemoBatch[] = [];
  for (const [pi, period] of periods.entries()) {
    for (const c of demoStates) {
      // BI has not reported the last month yet: a "missing" cell once the deadline has passed.
      if (c === 'BI' && pi === months - 1) continue;
      const records = recs(c, period).map(clean);
      // Two returns carry records that fail validation: "with errors" in the completeness grid.
      if ((c === 'TZ' && pi === 4) || (c === 'UG' && pi === 8)) {
        records.push({
          ...records.find((x) => x.recordType === 'export')!,
          exportId: `${c}-EXP-${period}-BAD`,
          unit: 'BAGS',
        });
        records.push({
          recordType: 'mineSite',
          siteId: `${c}-MS-BAD-${pi}`,
          country: c,
          name: 'Unnamed site',
        });
      }
      const next = addMonths(period, 1);
      // CD reports month 6 late (after the 15th); everyone else between the 3rd and the 14th.
      const late = c === 'CD' && pi === 6;
      const receivedDay = late ? 22 : 3 + ((pi * 3 + c.charCodeAt(0)) % 12);
      const receivedAt = `${next}-${String(receivedDay).padStart(2, '0')}T${String(7 + (pi % 9)).padStart(2, '0')}:15:00Z`;
      const latest = new Date(Date.now() - 60_000).toISOString();
      batches.push({ country: c, period, records, receivedAt: receivedAt < latest ? receivedAt : latest });
    }
  }
  return batches;
}

/** Drops fields left undefined so the JSON is what a national system would send. */
function clean(rec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rec).filter(([, v]) => v !== undefined));
}
