/**
 * A labelled synthetic year of regional trade for the matcher's evaluation: the five scenarios of
 * matching-research §7 seeded into a background of ordinary certified trade with noise (typed
 * certificate numbers, split shipments, lags, unit slips, missing partner records, name variants),
 * for five certifying states and Kenya over twelve months. Deterministic for a seed.
 *
 * The labels are the ground truth of the world generated: which import belongs to which export (and
 * whether its certificate lets stage 1 find it), which codes each item carries by the research's rules
 * applied to what was seeded (thresholds: the matcher's defaults), and which states were made
 * non-compliant (Uganda under-declares its exports; Kenya leaves a third of its imports unrecorded and
 * two months unreported).
 */
import { certificateKey } from '../../src/standard/record-types.js';
import { defaultSettings, mineralGroup } from '../../src/matcher/settings.js';
import {
  actorRecord,
  certificateRecord,
  exportRecord,
  hsOf,
  importRecord,
  mineSiteRecord,
  type Mineral,
} from './trade-records.js';

export type Rng = () => number;

/** mulberry32. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rec = Record<string, unknown>;

export interface BatchFile {
  country: string;
  period: string;
  records: Rec[];
}

/** A link of the truth: an export and the import(s) it arrived as. */
export interface TrueLink {
  export: string;
  imports: string[];
  /** 1 when every part cites the export's certificate as issued, else 2. */
  stage: 1 | 2;
}

export interface BlockingRecord {
  key: string;
  exporting: string;
  importing: string;
  mineral: string;
  day: number;
  certificate: string | null;
}

export interface Labels {
  seed: number;
  months: string[];
  asOf: string;
  states: string[];
  links: TrueLink[];
  /** Items: `E:<export>` (link group), `P:<export>><import>` (pair), `X:<export>`, `I:<import>`, `C:<certificate>`, `A:<a>><b>|<mineral>|<month>`. */
  codes: { item: string; code: string }[];
  nonCompliant: { country: string; months: string[]; why: string }[];
  scenarios: { scenario: number; what: string; items: string[] }[];
  /** The blocking fields of every export and import (pairs completeness). */
  records: { exports: BlockingRecord[]; imports: BlockingRecord[] };
}

export interface Scenario {
  batches: BatchFile[];
  labels: Labels;
}

const certifying = ['CD', 'RW', 'UG', 'BI', 'TZ'] as const;
const importersOnly = ['KE'] as const;
const nonMembers = ['AE', 'CN'] as const;
const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);

const unitPrice: Record<Mineral, number> = { gold: 60_000, cassiterite: 15, coltan: 50, wolframite: 12 };

const exporterNames: Record<string, string[]> = {
  CD: [
    'Kivu Mining Exports SARL',
    'Comptoir Minier du Sud SPRL',
    'Etablissement Namukaya SARL',
    'Maniema Metals SA',
    'Ituri Gold Trading SARL',
    'Katanga Ores SARL',
  ],
  RW: [
    'Trinity Metals Ltd',
    'Gatsata Ore Processing Ltd',
    'Kigali Gold Ltd',
    'Rutongo Mines Ltd',
    'Nyakabingo Tungsten Ltd',
    'Musanze Minerals Ltd',
  ],
  UG: [
    'Entebbe Bullion Ltd',
    'Kampala Gold Refinery Ltd',
    'Busia Minerals Ltd',
    'Mubende Mining Co Ltd',
    'Kisoro Tin Ltd',
    'Karamoja Metals Ltd',
  ],
  BI: [
    'Comptoir Minier de Kayanza SPRL',
    'Burundi Mining Metallurgy SA',
    'Ngozi Minerals SPRL',
    'Muramvya Tin SPRL',
    'Gitega Gold SPRL',
    'Kirundo Ores SPRL',
  ],
  TZ: [
    'Geita Gold Traders Ltd',
    'Mwanza Mineral Exports Ltd',
    'Dar Minerals Co Ltd',
    'Kagera Tin Ltd',
    'Chunya Gold Ltd',
    'Arusha Gemstones Ltd',
  ],
};
const importerNames: Record<string, string[]> = {
  CD: ['Goma Smelting SARL', 'Bukavu Refining SARL', 'Lubumbashi Metals SARL'],
  RW: ['Gatsata Ore Processing Ltd', 'Kigali Precious Metals Ltd', 'Rwanda Tin Smelter Ltd'],
  UG: ['Kampala Gold Refinery Ltd', 'African Gold Refinery Ltd', 'Kampala Ores Ltd'],
  BI: ['Bujumbura Metals SPRL', 'Burundi Gold Refinery SA', 'Rumonge Ores SPRL'],
  TZ: ['Dar es Salaam Refinery Ltd', 'Tanzania Smelting Co Ltd', 'Mwanza Gold Refinery Ltd'],
  KE: ['Mombasa Minerals Ltd', 'Nairobi Gold Refinery Ltd', 'Kenya Ores Trading Ltd'],
  AE: ['Emirates Gold DMCC', 'Dubai Precious Metals FZE', 'Kaloti Trading DMCC'],
  CN: ['Jiangxi Tungsten Co Ltd', 'Yunnan Tin Co Ltd', 'Ningxia Tantalum Co Ltd'],
};

const pad = (n: number, w = 6) => String(n).padStart(w, '0');
const dayOf = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
const dateOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const monthOf = (date: string) => date.slice(0, 7);
const monthIndex = (period: string) => Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7));
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** A legal-form variant of a name ("Kivu Mining Exports SARL" → "Ets Kivu Mining Exports"). */
function legalFormVariant(name: string): string {
  const stripped = name.replace(/\s+(SARL|SPRL|SA|Ltd|Co Ltd|DMCC|FZE)$/i, '');
  return stripped === name ? `${name} Ltd` : `Ets. ${stripped}`;
}

/** A typing error in a name: two neighbouring letters swapped past the first word. */
function typoVariant(name: string, r: Rng): string {
  const start = Math.max(3, name.indexOf(' ') + 2);
  const i = start + Math.floor(r() * Math.max(1, name.length - start - 2));
  for (let j = i; j + 1 < name.length; j++) {
    if (name[j] !== ' ' && name[j + 1] !== ' ' && name[j] !== name[j + 1])
      return name.slice(0, j) + name[j + 1] + name[j] + name.slice(j + 2);
  }
  return `${name}x`;
}

/** A typed certificate number: one digit of the serial changed, or two neighbouring digits swapped. */
function certificateTypo(cert: string, r: Rng): string {
  const serialStart = cert.lastIndexOf('-') + 1;
  const i = serialStart + 1 + Math.floor(r() * (cert.length - serialStart - 2));
  if (r() < 0.5 && cert[i] !== cert[i + 1])
    return cert.slice(0, i) + cert[i + 1] + cert[i] + cert.slice(i + 2);
  const d = (Number(cert[i]) + 1 + Math.floor(r() * 8)) % 10;
  return cert.slice(0, i) + String(d) + cert.slice(i + 1);
}

interface Shipment {
  key: string;
  country: string;
  id: string;
  dest: string;
  mineral: Mineral;
  shippedOn: string;
  declaredKg: number;
  declaredValue: number;
  cert: string;
  certKg: number;
  exporterName: string;
  importerName: string;
}

interface Arrival {
  key: string;
  country: string;
  origin: string;
  consignment?: string;
  mineral: Mineral;
  arrivedOn: string;
  /** As recorded (may carry a unit slip). */
  recordedKg: number;
  /** What it weighs for the aggregates (the slip corrected). */
  trueKg: number;
  cert: string | null;
  record: Rec;
}

export function generateScenario(seed: number, perMonth = 20): Scenario {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const s = defaultSettings;
  const batches = new Map<string, Rec[]>();
  const add = (country: string, period: string, rec: Rec) => {
    const k = `${country}|${period}`;
    let list = batches.get(k);
    if (!list) batches.set(k, (list = []));
    list.push(rec);
  };
  const links: TrueLink[] = [];
  const codes = new Map<string, Set<string>>();
  const code = (item: string, c: string) => {
    let set = codes.get(item);
    if (!set) codes.set(item, (set = new Set()));
    set.add(c);
  };
  const scenarios: Labels['scenarios'] = [];
  const shipments: Shipment[] = [];
  const arrivals: Arrival[] = [];
  /** import key → the export it belongs to (for the aggregates). */
  const arrivalOf = new Map<string, string>();
  const certificates = new Map<string, { kg: number; mineral: Mineral }>();
  const blockingExports: BlockingRecord[] = [];
  const blockingImports: BlockingRecord[] = [];
  let seq = 0;
  const typos: { cert: string; rec: Rec; arrival: Arrival; blocking: BlockingRecord }[] = [];

  // Registries: exporters (one red-flagged in June–September), mine sites (one red per state).
  for (const c of certifying) {
    const recs: Rec[] = exporterNames[c]!.map((name, k) =>
      actorRecord({
        actorId: `${c}-X${k}`,
        name,
        country: c,
        roles: ['exporter'],
        ...(c === 'TZ' && k === 5
          ? { auditFlag: 'red' as const, auditDate: '2025-06-01', suspendedUntil: '2025-09-30' }
          : { auditFlag: 'green' as const, auditDate: '2024-12-01' }),
      }),
    );
    for (let k = 0; k < 6; k++)
      recs.push(
        mineSiteRecord({
          siteId: `${c}-S${k}`,
          country: c,
          minerals: ['gold', 'cassiterite', 'coltan', 'wolframite'],
          certificationStatus: k === 5 ? 'red' : k === 4 ? 'yellow' : 'green',
          statusSince: '2024-06-01',
        }),
      );
    for (const rec of recs) add(c, '2025-01', rec);
  }

  const keUnreported = new Set(['2025-11', '2025-12']);

  for (const period of months) {
    for (const c of certifying) {
      for (let n = 0; n < perMonth; n++) {
        seq++;
        const mineral: Mineral = r() < 0.3 ? 'gold' : pick(['cassiterite', 'coltan', 'wolframite'] as const);
        const toNonMember = r() < 0.08;
        const partners = [...certifying.filter((x) => x !== c), ...importersOnly];
        const dest = toNonMember ? pick(nonMembers) : pick(partners);
        const day = 1 + Math.floor(r() * 28);
        const shippedOn = `${period}-${String(day).padStart(2, '0')}`;
        const trueKg = mineral === 'gold' ? round(2 + r() * 58, 3) : Math.round(2000 + r() * 28000);
        const trueValue = Math.round(trueKg * unitPrice[mineral] * (0.9 + r() * 0.2));
        // Uganda under-declares every export by 40 % (research scenario 2; its certificates too).
        const underDeclared = c === 'UG';
        const declaredKg = underDeclared ? round(trueKg * 0.6, 3) : trueKg;
        const declaredValue = underDeclared ? Math.round(trueValue * 0.6) : trueValue;
        const xk = Math.floor(r() * 6);
        const exporterName = exporterNames[c]![xk]!;
        const importerName = pick(importerNames[dest]!);
        const id = `${c}-E-${pad(seq)}`;
        const cert = `${c}-2025-${pad(seq)}`;
        const key = `${c}:${id}`;
        const gradePct = mineral === 'gold' ? round(85 + r() * 14, 1) : round(20 + r() * 45, 1);
        // Certificate checks seeded on a few exports.
        const expired = shippedOn >= '2025-03-15' && r() < 0.015;
        const redSite = r() < 0.01;
        const exp = exportRecord({
          country: c,
          exportId: id,
          certificateNumber: cert,
          exporterId: `${c}-X${xk}`,
          exporterName,
          importerName,
          destinationCountry: dest,
          mineral,
          mass: declaredKg,
          gradePct,
          valueUsd: declaredValue,
          shippedOn,
          transportRef: mineral === 'gold' ? `AWB ${pad(seq, 8)}` : undefined,
        });
        add(c, period, exp);
        // An expired certificate was issued two months before and ran out ten days before shipping.
        const issuedOn = expired ? dateOf(dayOf(shippedOn) - 60) : dateOf(dayOf(shippedOn) - 1);
        add(
          c,
          monthOf(issuedOn) < '2025-01' ? '2025-01' : monthOf(issuedOn),
          certificateRecord({
            certificateNumber: cert,
            issuedOn: monthOf(issuedOn) < '2025-01' ? '2025-01-01' : issuedOn,
            expiresOn: expired ? dateOf(dayOf(shippedOn) - 10) : dateOf(dayOf(shippedOn) + 180),
            exporterId: `${c}-X${xk}`,
            importerName,
            destinationCountry: dest,
            mineral,
            mass: declaredKg,
            gradePct,
            valueUsd: declaredValue,
            originSiteIds: [redSite ? `${c}-S5` : `${c}-S${Math.floor(r() * 5)}`],
          }),
        );
        certificates.set(certificateKey(cert), { kg: declaredKg, mineral });
        if (redSite) code(`X:${key}`, 'CERT_SITE_NOT_GREEN');
        if (c === 'TZ' && xk === 5 && shippedOn >= '2025-06-01' && shippedOn <= '2025-09-30')
          code(`X:${key}`, 'EXPORTER_SUSPENDED');
        const sh: Shipment = {
          key,
          country: c,
          id,
          dest,
          mineral,
          shippedOn,
          declaredKg,
          declaredValue,
          cert,
          certKg: declaredKg,
          exporterName,
          importerName,
        };
        shipments.push(sh);
        if (toNonMember) continue;
        blockingExports.push({
          key,
          exporting: c,
          importing: dest,
          mineral,
          day: dayOf(shippedOn),
          certificate: certificateKey(cert),
        });

        // Does the partner record it? Kenya leaves a third out and two months unreported; others 2 %.
        const lagDays = mineral === 'gold' ? Math.floor(r() * 7) : 10 + Math.floor(r() * 66);
        const arrival = dateOf(dayOf(shippedOn) + lagDays);
        const dropped =
          (dest === 'KE' && (r() < 0.33 || keUnreported.has(monthOf(arrival)))) ||
          r() < 0.02 ||
          arrival > '2026-04-30';
        if (dropped) {
          code(`X:${key}`, 'UNMATCHED_EXPORT');
          continue;
        }

        // The import(s): noise chosen once per shipment.
        const roll = r();
        const noise = underDeclared
          ? 'none'
          : mineral !== 'gold' && roll < 0.06
            ? 'split'
            : roll < 0.075
              ? 'unit'
              : mineral === 'coltan' && roll < 0.09
                ? 'grade'
                : mineral === 'gold' && roll < 0.11
                  ? 'hs'
                  : roll < 0.14
                    ? 'qty_minor'
                    : roll < 0.155
                      ? 'qty_major'
                      : roll < 0.18
                        ? 'value_minor'
                        : 'none';
        const certMode = underDeclared ? 'cited' : r() < 0.85 ? 'cited' : r() < 0.67 ? 'omitted' : 'typo';
        const fobDeclarer = r() < 0.2;
        const nameRoll = r();
        const consigneeName = nameRoll < 0.1 ? legalFormVariant(importerName) : importerName;
        const consignorName =
          nameRoll >= 0.1 && nameRoll < 0.2
            ? legalFormVariant(exporterName)
            : nameRoll >= 0.2 && nameRoll < 0.23
              ? typoVariant(exporterName, r)
              : exporterName;

        // What arrives: the true quantity (Uganda's under-declaration shows here), with noise.
        const tol = s.qty[mineralGroup(mineral)];
        let arriveKg =
          mineral === 'gold' ? trueKg * (1 + (r() - 0.5) * 0.004) : trueKg * (1 + (r() - 0.5) * 0.016);
        if (noise === 'qty_minor')
          arriveKg = trueKg * (1 + tol.minor * 1.5 + r() * (tol.major - tol.minor * 2));
        if (noise === 'qty_major')
          arriveKg = trueKg * (r() < 0.5 ? 1 + tol.major * 1.5 + r() * 0.2 : 1 - tol.major * 1.5 - r() * 0.1);
        arriveKg = mineral === 'gold' ? round(arriveKg, 3) : Math.round(arriveKg);
        let cif = fobDeclarer
          ? trueValue * (1 + (r() - 0.5) * 0.02)
          : trueValue * s.cifFobFactor * (1 + (r() - 0.5) * 0.008);
        if (noise === 'value_minor') cif = trueValue * s.cifFobFactor * (1 + 0.08 + r() * 0.12);
        if (noise === 'qty_major' || noise === 'qty_minor') cif = (cif * arriveKg) / trueKg;
        cif = Math.round(cif);
        const citedCert =
          certMode === 'cited' ? cert : certMode === 'typo' ? certificateTypo(cert, r) : undefined;

        const parts: { kg: number; value: number; lag: number }[] = [];
        if (noise === 'split') {
          const n = r() < 0.7 ? 2 : 3;
          let left = arriveKg;
          for (let k = 0; k < n; k++) {
            const kg = k === n - 1 ? left : Math.round((arriveKg / n) * (0.8 + r() * 0.4));
            left -= kg;
            parts.push({ kg, value: Math.round((cif * kg) / arriveKg), lag: k * Math.floor(1 + r() * 3) });
          }
        } else parts.push({ kg: arriveKg, value: cif, lag: 0 });

        const importKeys: string[] = [];
        parts.forEach((p, k) => {
          seq++;
          const iid = `${dest}-I-${pad(seq)}`;
          const ikey = `${dest}:${iid}`;
          const arrivedOn = dateOf(dayOf(arrival) + p.lag);
          let recordedKg = p.kg;
          let igrade: number | undefined;
          if (noise === 'unit') {
            // Grams typed as kilograms (gold) or tonnes typed as kilograms (ore).
            recordedKg = mineral === 'gold' ? round(p.kg * 1000, 3) : round(p.kg / 1000, 3);
          }
          if (noise === 'grade') {
            recordedKg = round((p.kg * gradePct) / 100, 1);
            igrade = 100;
          }
          const rec = importRecord({
            country: dest,
            importId: iid,
            originCountry: c,
            importerName: consigneeName,
            exporterName: consignorName,
            certificateNumber: citedCert,
            mineral,
            hsCode: noise === 'hs' ? '7112.91' : hsOf[mineral],
            mass: recordedKg,
            gradePct: igrade,
            valueUsd: p.value,
            arrivedOn,
            transportRef: mineral === 'gold' && r() < 0.5 ? `AWB${pad(seq - k - 1, 8)}` : undefined,
            customsRef: `${dest}-C-${pad(seq)}`,
          });
          add(dest, monthOf(arrivedOn), rec);
          const arrivalRow: Arrival = {
            key: ikey,
            country: dest,
            origin: c,
            mineral,
            arrivedOn,
            recordedKg,
            trueKg: p.kg,
            cert: citedCert ? certificateKey(citedCert) : null,
            record: rec,
          };
          arrivals.push(arrivalRow);
          arrivalOf.set(ikey, key);
          const blockingRow: BlockingRecord = {
            key: ikey,
            exporting: c,
            importing: dest,
            mineral,
            day: dayOf(arrivedOn),
            certificate: citedCert ? certificateKey(citedCert) : null,
          };
          blockingImports.push(blockingRow);
          if (certMode === 'typo') typos.push({ cert, rec, arrival: arrivalRow, blocking: blockingRow });
          importKeys.push(ikey);
          // Pair codes.
          if (monthOf(arrivedOn) !== period) code(`P:${key}>${ikey}`, 'TIMING_LAG');
          if (consigneeName !== importerName || consignorName !== exporterName)
            code(`P:${key}>${ikey}`, 'PARTY_MISMATCH');
          if (certMode === 'typo') code(`I:${ikey}`, 'CERT_UNKNOWN');
          if (expired && certMode === 'cited') code(`I:${ikey}`, 'CERT_EXPIRED');
        });
        links.push({ export: key, imports: importKeys, stage: certMode === 'cited' ? 1 : 2 });

        // Group codes, by the research's rules on what was seeded.
        const g = `E:${key}`;
        const groupKg = parts.reduce((a, p) => a + p.kg, 0);
        const groupValue = parts.reduce((a, p) => a + p.value, 0);
        const qd = Math.abs(groupKg - declaredKg) / declaredKg;
        if (noise === 'unit' || noise === 'grade' || noise === 'hs') code(g, 'UNIT_OR_CODE_ERROR');
        if (noise !== 'unit' && noise !== 'grade') {
          if (qd > tol.major) code(g, 'QTY_MAJOR');
          else if (qd > tol.minor) code(g, 'QTY_MINOR');
        }
        const vr = groupValue / declaredValue;
        const vd = Math.min(Math.abs(vr / s.cifFobFactor - 1), Math.abs(vr - 1));
        if (vd > s.value.major) code(g, 'VALUE_MAJOR');
        else if (vd > s.value.minor) code(g, 'VALUE_MINOR');
        else if (Math.abs(vr - 1) > s.value.minor && vr >= s.cifFobBand.min && vr <= s.cifFobBand.max)
          code(g, 'CIF_FOB_ONLY');
        // Imported more under the certificate than it covers.
        if (
          certMode === 'cited' &&
          groupKg > declaredKg * (1 + tol.minor) &&
          noise !== 'unit' &&
          noise !== 'grade'
        )
          code(`C:${certificateKey(cert)}`, 'CERT_OVERDRAWN');
        // OK: a link (pair) with no code at all, its group's included.
        if (!codes.has(g))
          for (const ik of importKeys) if (!codes.has(`P:${key}>${ik}`)) code(`P:${key}>${ik}`, 'OK');
      }
    }
  }

  // A typed certificate number that happens to be another issued certificate is typed again: the
  // labels say CERT_UNKNOWN for every mistyped number, and none may join another shipment's.
  for (const t of typos) {
    let typed = t.rec.certificateNumber as string;
    while (certificates.has(certificateKey(typed))) typed = certificateTypo(t.cert, r);
    t.rec.certificateNumber = typed;
    t.arrival.cert = certificateKey(typed);
    t.blocking.certificate = certificateKey(typed);
  }

  // Scenario 3: coltan imported into Rwanda "from DRC" with no certificate, ~12 t a month; in some
  // months the importer cites a certificate number the DRC never issued.
  const s3: string[] = [];
  for (const period of months) {
    seq++;
    const iid = `RW-I-${pad(seq)}`;
    const ikey = `RW:${iid}`;
    const arrivedOn = `${period}-${String(5 + Math.floor(r() * 20)).padStart(2, '0')}`;
    const kg = Math.round(11000 + r() * 2000);
    const fake = r() < 0.3 ? `CD-2025-9${pad(seq, 5)}` : undefined;
    const rec = importRecord({
      country: 'RW',
      importId: iid,
      originCountry: 'CD',
      importerName: 'Musanze Minerals Ltd',
      exporterName: 'Rubaya Traders',
      certificateNumber: fake,
      mineral: 'coltan',
      mass: kg,
      valueUsd: Math.round(kg * 50),
      arrivedOn,
    });
    add('RW', period, rec);
    arrivals.push({
      key: ikey,
      country: 'RW',
      origin: 'CD',
      mineral: 'coltan',
      arrivedOn,
      recordedKg: kg,
      trueKg: kg,
      cert: fake ?? null,
      record: rec,
    });
    blockingImports.push({
      key: ikey,
      exporting: 'CD',
      importing: 'RW',
      mineral: 'coltan',
      day: dayOf(arrivedOn),
      certificate: fake ? certificateKey(fake) : null,
    });
    code(`I:${ikey}`, 'UNMATCHED_IMPORT');
    if (fake) code(`I:${ikey}`, 'CERT_UNKNOWN');
    s3.push(ikey);
  }
  scenarios.push({ scenario: 3, what: 'orphan coltan imports into RW from CD', items: s3 });

  // Scenario 4: DRC gold by Etablissement Namukaya, declared in Uganda as of Tanzanian origin.
  const s4: string[] = [];
  for (const period of ['2025-02', '2025-05', '2025-08', '2025-11']) {
    seq++;
    const id = `CD-E-${pad(seq)}`;
    const key = `CD:${id}`;
    const cert = `CD-2025-${pad(seq)}`;
    const shippedOn = `${period}-10`;
    const kg = round(20 + r() * 20, 3);
    const value = Math.round(kg * 60_000);
    add(
      'CD',
      period,
      exportRecord({
        country: 'CD',
        exportId: id,
        certificateNumber: cert,
        exporterId: 'CD-X2',
        exporterName: 'Etablissement Namukaya SARL',
        importerName: 'Kampala Gold Refinery Ltd',
        destinationCountry: 'UG',
        mineral: 'gold',
        mass: kg,
        gradePct: 92,
        valueUsd: value,
        shippedOn,
      }),
    );
    add(
      'CD',
      period,
      certificateRecord({
        certificateNumber: cert,
        issuedOn: `${period}-09`,
        expiresOn: dateOf(dayOf(shippedOn) + 180),
        destinationCountry: 'UG',
        mineral: 'gold',
        mass: kg,
        originSiteIds: ['CD-S0'],
      }),
    );
    certificates.set(certificateKey(cert), { kg, mineral: 'gold' });
    blockingExports.push({
      key,
      exporting: 'CD',
      importing: 'UG',
      mineral: 'gold',
      day: dayOf(shippedOn),
      certificate: certificateKey(cert),
    });
    seq++;
    const iid = `UG-I-${pad(seq)}`;
    const ikey = `UG:${iid}`;
    const arrivedOn = `${period}-13`;
    const rec = importRecord({
      country: 'UG',
      importId: iid,
      originCountry: 'TZ',
      consignmentCountry: 'CD',
      exporterName: 'Ets. Namukaya',
      importerName: 'Kampala Gold Refinery Ltd',
      mineral: 'gold',
      mass: kg,
      valueUsd: Math.round(value * s.cifFobFactor),
      arrivedOn,
    });
    add('UG', period, rec);
    arrivals.push({
      key: ikey,
      country: 'UG',
      origin: 'CD',
      mineral: 'gold',
      arrivedOn,
      recordedKg: kg,
      trueKg: kg,
      cert: null,
      record: rec,
    });
    arrivalOf.set(ikey, key);
    blockingImports.push({
      key: ikey,
      exporting: 'CD',
      importing: 'UG',
      mineral: 'gold',
      day: dayOf(arrivedOn),
      certificate: null,
    });
    shipments.push({
      key,
      country: 'CD',
      id,
      dest: 'UG',
      mineral: 'gold',
      shippedOn,
      declaredKg: kg,
      declaredValue: value,
      cert,
      certKg: kg,
      exporterName: 'Etablissement Namukaya SARL',
      importerName: 'Kampala Gold Refinery Ltd',
    });
    links.push({ export: key, imports: [ikey], stage: 2 });
    code(`E:${key}`, 'CIF_FOB_ONLY');
    code(`P:${key}>${ikey}`, 'ORIGIN_MISMATCH');
    code(`P:${key}>${ikey}`, 'PARTY_MISMATCH');
    s4.push(`P:${key}>${ikey}`);
  }
  scenarios.push({
    scenario: 4,
    what: 'DRC gold declared in UG as Tanzanian, exporter name abbreviated',
    items: s4,
  });
  scenarios.push({
    scenario: 2,
    what: 'UG under-declares every export by 40 %',
    items: shipments.filter((x) => x.country === 'UG').map((x) => `E:${x.key}`),
  });
  scenarios.push({
    scenario: 5,
    what: 'unit slips (g as kg, t as kg, Ta₂O₅ as concentrate) and HS 7112 for gold',
    items: [...codes.entries()]
      .filter(([k, v]) => k.startsWith('E:') && v.has('UNIT_OR_CODE_ERROR'))
      .map(([k]) => k),
  });
  scenarios.push({
    scenario: 1,
    what: 'certified trade with lags and CIF; splits across trucks',
    items: links.filter((l) => l.imports.length > 1).map((l) => `E:${l.export}`),
  });

  // Aggregates from the truth: exports as declared by month shipped; imports aligned to the month of
  // their export (slips corrected), orphans by month of arrival.
  const cells = new Map<string, { e: number; i: number }>();
  const cell = (a: string, b: string, mineral: string, m: string) => {
    const k = `${a}>${b}|${mineral}|${m}`;
    let v = cells.get(k);
    if (!v) cells.set(k, (v = { e: 0, i: 0 }));
    return v;
  };
  const shipmentByKey = new Map(shipments.map((x) => [x.key, x]));
  for (const x of shipments)
    if (!nonMembers.includes(x.dest as never))
      cell(x.country, x.dest, x.mineral, monthOf(x.shippedOn)).e += x.declaredKg;
  for (const a of arrivals) {
    const owner = arrivalOf.get(a.key);
    const m = owner ? monthOf(shipmentByKey.get(owner)!.shippedOn) : monthOf(a.arrivedOn);
    cell(a.origin, a.country, a.mineral, m).i += a.trueKg;
  }
  const band = Math.log(s.aggregate.ratio);
  const fires = (e: number, i: number, mineral: string) => {
    const floor = s.aggregate.floorKg[mineralGroup(mineral)];
    if (Math.max(e, i) < floor) return false;
    if (e === 0 || i === 0) return true;
    return Math.abs(Math.log(i / e)) > band;
  };
  for (const [k, v] of cells) {
    const [ab, mineral, m] = k.split('|') as [string, string, string];
    if (!months.includes(m)) continue;
    let e3 = 0;
    let i3 = 0;
    for (let d = 0; d < 3; d++) {
      const mm = months.find((p) => monthIndex(p) === monthIndex(m) - d) ?? null;
      const c = mm ? cells.get(`${ab}|${mineral}|${mm}`) : undefined;
      e3 += c?.e ?? 0;
      i3 += c?.i ?? 0;
    }
    if (fires(v.e, v.i, mineral) || fires(e3, i3, mineral)) code(`A:${k}`, 'AGG_ASYMMETRY');
  }

  // Submission order: registries and exports month by month, then each month's imports.
  const files: BatchFile[] = [];
  const order = [...batches.keys()].sort((a, b) => {
    const [ca, pa] = a.split('|') as [string, string];
    const [cb, pb] = b.split('|') as [string, string];
    return pa < pb ? -1 : pa > pb ? 1 : ca < cb ? -1 : ca > cb ? 1 : 0;
  });
  for (const k of order) {
    const [country, period] = k.split('|') as [string, string];
    if (country === 'KE' && keUnreported.has(period)) continue;
    files.push({ country, period, records: batches.get(k)! });
  }

  return {
    batches: files,
    labels: {
      seed,
      months,
      asOf: '2026-06-30',
      states: [...certifying, ...importersOnly],
      links,
      codes: [...codes.entries()].flatMap(([item, cs]) => [...cs].sort().map((c) => ({ item, code: c }))),
      nonCompliant: [
        { country: 'UG', months, why: 'under-declares every export by 40 % (scenario 2): reliability index' },
        {
          country: 'KE',
          months,
          why: 'a third of its imports unrecorded, two months unreported: confirmation rate',
        },
      ],
      scenarios: scenarios.sort((a, b) => a.scenario - b.scenario),
      records: { exports: blockingExports, imports: blockingImports },
    },
  };
}
