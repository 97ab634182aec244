import type { Queryable } from '../db/pool.js';
import { versionCanonical } from './queries.js';
import { siteStatusAt, type MineStatus, type SiteStatusAt, type SiteVersionEvidence } from './site-status.js';

/** A custody transfer of a lot, oldest first. */
export interface TraceTransfer {
  transferId: string;
  fromActorId: string | null;
  toActorId: string | null;
  occurredAt: string | null;
  massKg: number | null;
  place: string | null;
}

/** One lot of the chain. */
export interface TraceLot {
  lotNumber: string;
  /** 0 for the traced lot, 1 for the lots it was made from, and so on (shortest path). */
  depth: number;
  operation: string | null;
  mineral: string | null;
  massKg: number | null;
  gradePct: number | null;
  registeredAt: string | null;
  custodianId: string | null;
  siteId: string | null;
  inputLots: string[];
  transfers: TraceTransfer[];
}

/** A mine site the chain reaches, with its status when each lot from it was registered. */
export interface TraceSite {
  siteId: string;
  /** False when a lot names a site the state never reported (or voided). */
  found: boolean;
  name: string | null;
  location: { lat: number; lon: number } | null;
  minerals: string[];
  currentStatus: MineStatus | null;
  reachedBy: (SiteStatusAt & { lotNumber: string; date: string })[];
}

export interface TraceExport {
  exportId: string;
  certificateNumber: string | null;
  certificateKey: string | null;
  destinationCountry: string | null;
  mineral: string | null;
  massKg: number | null;
  shippedOn: string | null;
  /** The lots of the chain this export names. */
  lotNumbers: string[];
}

export interface TraceCertificate {
  certificateNumber: string | null;
  certificateKey: string;
  status: string | null;
  issuedOn: string | null;
  expiresOn: string | null;
  destinationCountry: string | null;
  mineral: string | null;
  massKg: number | null;
  /** The lots of the chain this certificate names (empty when found through an export). */
  lotNumbers: string[];
}

export interface LotTrace {
  country: string;
  lotNumber: string;
  /** The lot and every lot it was blended, split or processed from, by depth then number. */
  lots: TraceLot[];
  /** Input lots named in the chain that the state never reported, or voided. */
  missingLots: { lotNumber: string; referencedBy: string[] }[];
  /** True when the inputs loop back on themselves (each lot is still listed once). */
  cycle: boolean;
  sites: TraceSite[];
  exports: TraceExport[];
  certificates: TraceCertificate[];
}

interface LotRow {
  chain_lot: string;
  lot_number: string | null;
  operation: string | null;
  mineral: string | null;
  mass_kg: number | null;
  grade_pct: number | null;
  registered_at: Date | null;
  custodian_id: string | null;
  site_id: string | null;
  input_lots: string[] | null;
  received: Record<string, unknown> | null;
}

/**
 * The chain of custody of a lot, back through `inputLots` (blends, splits, processing) to the mine
 * sites, within the reporting country's own lots. A recursive CTE walks the inputs; its UNION keeps
 * each lot once, so a cycle in the data cannot loop it. Then, set-based: the transfers of every lot,
 * the sites with the evidence for their status (every site version, inspections), and the
 * exports and certificates that name any lot of the chain.
 *
 * Each site's status is given AT THE TIME of the lot that came from it: the local calendar date of
 * that lot's `registeredAt` (as the national system wrote it), by the rule in site-status.ts.
 *
 * Returns null when the lot is unknown or voided.
 */
export async function traceLot(db: Queryable, country: string, lotNumber: string): Promise<LotTrace | null> {
  const cc = country.trim().toUpperCase();
  const start = lotNumber.trim().normalize('NFC');
  const { rows: chain } = await db.query<LotRow>(
    `WITH RECURSIVE chain(lot_number) AS (
       SELECT $2::text
       UNION
       SELECT input.lot_number
         FROM chain c
         JOIN lots l ON l.country = $1::char(2) AND l.lot_number = c.lot_number AND NOT l.is_void
        CROSS JOIN LATERAL unnest(l.input_lots) AS input(lot_number)
     )
     SELECT c.lot_number AS chain_lot, l.lot_number, l.operation, l.mineral, l.mass_kg, l.grade_pct,
            l.registered_at, l.custodian_id, l.site_id, l.input_lots, l.received
       FROM chain c
       LEFT JOIN lots l ON l.country = $1::char(2) AND l.lot_number = c.lot_number AND NOT l.is_void`,
    [cc, start],
  );
  const byNumber = new Map(chain.filter((r) => r.lot_number !== null).map((r) => [r.chain_lot, r]));
  if (!byNumber.has(start)) return null;

  // Depth by breadth-first search from the traced lot; missing inputs and cycles on the way.
  const depth = new Map<string, number>([[start, 0]]);
  const missing = new Map<string, string[]>();
  let cycle = false;
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const input of byNumber.get(current)?.input_lots ?? []) {
      if (!byNumber.has(input)) {
        const refs = missing.get(input) ?? [];
        refs.push(current);
        missing.set(input, refs);
        continue;
      }
      if (depth.has(input)) {
        if (reaches(input, current, byNumber)) cycle = true;
        continue;
      }
      depth.set(input, depth.get(current)! + 1);
      queue.push(input);
    }
  }
  const lotNumbers = [...depth.keys()];

  const [transfers, exports] = await Promise.all([
    db.query<{
      lot_number: string;
      transfer_id: string;
      from_actor_id: string | null;
      to_actor_id: string | null;
      occurred_at: Date | null;
      mass_kg: number | null;
      place: string | null;
    }>(
      `SELECT lot_number, transfer_id, from_actor_id, to_actor_id, occurred_at, mass_kg, place
         FROM custody_transfers
        WHERE country = $1::char(2) AND lot_number = ANY($2::text[]) AND NOT is_void
        ORDER BY lot_number, occurred_at, transfer_id`,
      [cc, lotNumbers],
    ),
    db.query<{
      export_id: string;
      certificate_number: string | null;
      certificate_key: string | null;
      destination_country: string | null;
      mineral: string | null;
      mass_kg: number | null;
      shipped_on: string | null;
      lot_numbers: string[];
    }>(
      `SELECT export_id, certificate_number, certificate_key, destination_country, mineral, mass_kg, shipped_on,
              lot_numbers
         FROM exports
        WHERE country = $1::char(2) AND lot_numbers && $2::text[] AND NOT is_void
        ORDER BY shipped_on, export_id`,
      [cc, lotNumbers],
    ),
  ]);
  const certificateKeys = [
    ...new Set(exports.rows.map((e) => e.certificate_key).filter((k): k is string => k !== null)),
  ];
  const { rows: certificates } = await db.query<{
    certificate_key: string;
    certificate_number: string | null;
    status: string | null;
    issued_on: string | null;
    expires_on: string | null;
    destination_country: string | null;
    mineral: string | null;
    mass_kg: number | null;
    lot_numbers: string[] | null;
  }>(
    `SELECT certificate_key, certificate_number, status, issued_on, expires_on, destination_country, mineral,
            mass_kg, lot_numbers
       FROM certificates
      WHERE country = $1::char(2) AND NOT is_void
        AND (lot_numbers && $2::text[] OR certificate_key = ANY($3::text[]))
      ORDER BY issued_on, certificate_key`,
    [cc, lotNumbers, certificateKeys],
  );

  const sites = await traceSites(
    db,
    cc,
    lotNumbers.map((n) => byNumber.get(n)!),
  );

  const transfersOf = new Map<string, TraceTransfer[]>();
  for (const t of transfers.rows) {
    const list = transfersOf.get(t.lot_number) ?? [];
    list.push({
      transferId: t.transfer_id,
      fromActorId: t.from_actor_id,
      toActorId: t.to_actor_id,
      occurredAt: t.occurred_at?.toISOString() ?? null,
      massKg: t.mass_kg,
      place: t.place,
    });
    transfersOf.set(t.lot_number, list);
  }
  const inChain = new Set(lotNumbers);
  return {
    country: cc,
    lotNumber: start,
    lots: lotNumbers
      .map((n) => {
        const l = byNumber.get(n)!;
        return {
          lotNumber: n,
          depth: depth.get(n)!,
          operation: l.operation,
          mineral: l.mineral,
          massKg: l.mass_kg,
          gradePct: l.grade_pct,
          registeredAt: l.registered_at?.toISOString() ?? null,
          custodianId: l.custodian_id,
          siteId: l.site_id,
          inputLots: l.input_lots ?? [],
          transfers: transfersOf.get(n) ?? [],
        };
      })
      .sort((a, b) => a.depth - b.depth || a.lotNumber.localeCompare(b.lotNumber)),
    missingLots: [...missing].map(([n, refs]) => ({ lotNumber: n, referencedBy: [...new Set(refs)].sort() })),
    cycle,
    sites,
    exports: exports.rows.map((e) => ({
      exportId: e.export_id,
      certificateNumber: e.certificate_number,
      certificateKey: e.certificate_key,
      destinationCountry: e.destination_country,
      mineral: e.mineral,
      massKg: e.mass_kg,
      shippedOn: e.shipped_on,
      lotNumbers: e.lot_numbers.filter((n) => inChain.has(n)),
    })),
    certificates: certificates.map((c) => ({
      certificateNumber: c.certificate_number,
      certificateKey: c.certificate_key,
      status: c.status,
      issuedOn: c.issued_on,
      expiresOn: c.expires_on,
      destinationCountry: c.destination_country,
      mineral: c.mineral,
      massKg: c.mass_kg,
      lotNumbers: (c.lot_numbers ?? []).filter((n) => inChain.has(n)),
    })),
  };
}

/** Whether `to` is among the inputs (transitively) of `from`. */
function reaches(from: string, to: string, lots: Map<string, LotRow>): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(lots.get(n)?.input_lots ?? []));
  }
  return false;
}

/** The local calendar date an RFC 3339 timestamp was written in ("2026-03-01T23:30:00+02:00" → 2026-03-01). */
function localDate(lot: LotRow): string | null {
  const written = lot.received?.registeredAt;
  if (typeof written === 'string' && /^\d{4}-\d{2}-\d{2}/.test(written)) return written.slice(0, 10);
  return lot.registered_at?.toISOString().slice(0, 10) ?? null;
}

async function traceSites(db: Queryable, country: string, lots: LotRow[]): Promise<TraceSite[]> {
  const fromSite = lots.filter((l) => l.site_id !== null);
  const siteIds = [...new Set(fromSite.map((l) => l.site_id!))].sort();
  if (siteIds.length === 0) return [];
  const [current, history, inspections] = await Promise.all([
    db.query<{
      site_id: string;
      name: string | null;
      lat: number | null;
      lon: number | null;
      minerals: string[] | null;
      certification_status: string | null;
    }>(
      `SELECT site_id, name, lat, lon, minerals, certification_status
         FROM mine_sites WHERE country = $1::char(2) AND site_id = ANY($2::text[]) AND NOT is_void`,
      [country, siteIds],
    ),
    // Every version of each site: the superseded ones (record_history, status derived from the
    // record as received) and the current row (its columns).
    db.query<{
      key: string;
      action: 'upsert' | 'void';
      status: string | null;
      status_since: string | null;
      received: Record<string, unknown> | null;
      period: string;
      batch_seq: string | number;
      record_index: number;
    }>(
      `SELECT h.key, h.action, NULL AS status, NULL AS status_since, h.received, b.period, h.batch_seq,
              h.record_index
         FROM record_history h JOIN batches b ON b.id = h.batch_id
        WHERE h.record_type = 'mineSite' AND h.country = $1::char(2) AND h.key = ANY($2::text[])
       UNION ALL
       SELECT t.site_id, CASE WHEN t.is_void THEN 'void' ELSE 'upsert' END, t.certification_status,
              t.status_since::text, NULL, t.period, t.batch_seq, t.record_index
         FROM mine_sites t
        WHERE t.country = $1::char(2) AND t.site_id = ANY($2::text[])`,
      [country, siteIds],
    ),
    db.query<{ site_id: string; inspection_date: string; result: string }>(
      `SELECT site_id, inspection_date, result
         FROM inspections
        WHERE country = $1::char(2) AND site_id = ANY($2::text[]) AND NOT is_void
          AND inspection_date IS NOT NULL AND result IS NOT NULL`,
      [country, siteIds],
    ),
  ]);
  const versionsOf = new Map<string, SiteVersionEvidence[]>();
  for (const h of history.rows) {
    const list = versionsOf.get(h.key) ?? [];
    const derived =
      h.received === null ? null : versionCanonical('mineSite', h.received, h.action === 'void');
    list.push({
      action: h.action,
      status: derived ? ((derived.certification_status as string | undefined) ?? null) : h.status,
      statusSince: derived ? ((derived.status_since as string | undefined) ?? null) : h.status_since,
      period: h.period,
      batchSeq: Number(h.batch_seq),
      recordIndex: h.record_index,
    });
    versionsOf.set(h.key, list);
  }
  const inspectionsOf = new Map<string, { date: string; result: string }[]>();
  for (const i of inspections.rows) {
    const list = inspectionsOf.get(i.site_id) ?? [];
    list.push({ date: i.inspection_date, result: i.result });
    inspectionsOf.set(i.site_id, list);
  }
  const currentOf = new Map(current.rows.map((s) => [s.site_id, s]));
  return siteIds.map((siteId) => {
    const site = currentOf.get(siteId);
    const reachedBy = fromSite
      .filter((l) => l.site_id === siteId)
      .map((l) => {
        const date = localDate(l) ?? '';
        return {
          lotNumber: l.lot_number!,
          date,
          ...siteStatusAt(date, versionsOf.get(siteId) ?? [], inspectionsOf.get(siteId) ?? []),
        };
      })
      .sort((a, b) => a.date.localeCompare(b.date) || a.lotNumber.localeCompare(b.lotNumber));
    return {
      siteId,
      found: site !== undefined,
      name: site?.name ?? null,
      location: site && site.lat !== null && site.lon !== null ? { lat: site.lat, lon: site.lon } : null,
      minerals: site?.minerals ?? [],
      currentStatus: (site?.certification_status as MineStatus | undefined) ?? null,
      reachedBy,
    };
  });
}

/** A lot with what it was made from, nested (the console's trace view). */
export interface TraceTreeNode {
  country: string;
  lotNumber: string;
  mineral: string | null;
  massKg: number | null;
  gradePct: number | null;
  operation: string | null;
  custodianId: string | null;
  registeredAt: string | null;
  siteId: string | null;
  /** The site this lot came from, with its status when the lot was registered. */
  site: {
    siteId: string;
    name: string | null;
    certificationStatus: MineStatus | null;
    statusBasis: SiteStatusAt['basis'];
    currentStatus: MineStatus | null;
  } | null;
  transfers: TraceTransfer[];
  /** Input lots; a lot already on the path above (a cycle) or missing is listed without inputs. */
  inputs: TraceTreeNode[];
  missing?: boolean;
}

/** The flat trace as a tree rooted at the traced lot (a lot reached twice appears under each parent). */
export function lotTree(trace: LotTrace): TraceTreeNode {
  const lots = new Map(trace.lots.map((l) => [l.lotNumber, l]));
  const sites = new Map(trace.sites.map((s) => [s.siteId, s]));
  const build = (lotNumber: string, path: Set<string>): TraceTreeNode => {
    const lot = lots.get(lotNumber);
    if (lot === undefined) {
      return {
        country: trace.country,
        lotNumber,
        mineral: null,
        massKg: null,
        gradePct: null,
        operation: null,
        custodianId: null,
        registeredAt: null,
        siteId: null,
        site: null,
        transfers: [],
        inputs: [],
        missing: true,
      };
    }
    const site = lot.siteId === null ? undefined : sites.get(lot.siteId);
    const atTime = site?.reachedBy.find((r) => r.lotNumber === lotNumber);
    const inner = new Set(path).add(lotNumber);
    return {
      country: trace.country,
      lotNumber,
      mineral: lot.mineral,
      massKg: lot.massKg,
      gradePct: lot.gradePct,
      operation: lot.operation,
      custodianId: lot.custodianId,
      registeredAt: lot.registeredAt,
      siteId: lot.siteId,
      site:
        lot.siteId === null
          ? null
          : {
              siteId: lot.siteId,
              name: site?.name ?? null,
              certificationStatus: atTime?.status ?? null,
              statusBasis: atTime?.basis ?? 'unknown',
              currentStatus: site?.currentStatus ?? null,
            },
      transfers: lot.transfers,
      inputs: lot.inputLots.filter((n) => !path.has(n) && n !== lotNumber).map((n) => build(n, inner)),
    };
  };
  return build(trace.lotNumber, new Set());
}
