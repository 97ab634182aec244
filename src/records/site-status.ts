/**
 * A mine site's certification status (MDC.01: blue, green, yellow, red) at a given date, from the
 * evidence the hub holds. Pure; the lot trace and the matcher's CERT_SITE_NOT_GREEN use it.
 *
 * The rule:
 *  1. Every non-void version of the site ever received (its current row and the superseded
 *     versions in record_history) asserts "status S since D",
 *     where D is its `statusSince`, or — when the state did not date it — the first day of the
 *     reporting month of the batch that carried it (the report speaks for that month at the latest).
 *     The assertion in force at date T is the one from the LAST-RECEIVED version with D ≤ T: a later
 *     version overrides earlier ones from its own D onwards, whether it corrects a past status
 *     (an earlier D) or records a change (a later D), and it says nothing about the time before its D.
 *  2. Inspections of the site are dated evidence too: the latest (non-void) inspection on or before
 *     T gives its result (green, yellow or red).
 *  3. Of the two, the more recent evidence wins; on the same date the site record wins (the status
 *     is the authority's decision; an inspection is what it is based on).
 *  4. With no evidence on or before T the status is unknown (null) — not "blue": the hub cannot say
 *     the site was even registered then. Callers that need "green or yellow" treat unknown as neither.
 */
export type MineStatus = 'blue' | 'green' | 'yellow' | 'red';

export interface SiteVersionEvidence {
  action: 'upsert' | 'void';
  status: string | null;
  statusSince: string | null;
  /** The reporting month of the batch that carried this version, `YYYY-MM`. */
  period: string;
  batchSeq: number;
  recordIndex: number;
}

export interface InspectionEvidence {
  date: string;
  result: string;
}

export interface SiteStatusAt {
  status: MineStatus | null;
  /** Where it comes from: a dated site record, an undated one (dated by its report month), an inspection. */
  basis: 'site_record' | 'site_record_period' | 'inspection' | 'unknown';
  /** The date of the evidence used (statusSince, report month start or inspection date). */
  evidenceDate: string | null;
}

const statuses = new Set(['blue', 'green', 'yellow', 'red']);

export function siteStatusAt(
  date: string,
  versions: readonly SiteVersionEvidence[],
  inspections: readonly InspectionEvidence[],
): SiteStatusAt {
  let record: { status: MineStatus; since: string; dated: boolean; seq: number; index: number } | null = null;
  for (const v of versions) {
    if (v.action !== 'upsert' || v.status === null || !statuses.has(v.status)) continue;
    const since = v.statusSince ?? `${v.period}-01`;
    if (since > date) continue;
    const later =
      record === null ||
      v.batchSeq > record.seq ||
      (v.batchSeq === record.seq && v.recordIndex > record.index);
    if (later) {
      record = {
        status: v.status as MineStatus,
        since,
        dated: v.statusSince !== null,
        seq: v.batchSeq,
        index: v.recordIndex,
      };
    }
  }
  let inspection: InspectionEvidence | null = null;
  for (const i of inspections) {
    if (i.date > date || !statuses.has(i.result)) continue;
    if (inspection === null || i.date > inspection.date) inspection = i;
  }
  if (inspection !== null && (record === null || inspection.date > record.since)) {
    return { status: inspection.result as MineStatus, basis: 'inspection', evidenceDate: inspection.date };
  }
  if (record !== null) {
    return {
      status: record.status,
      basis: record.dated ? 'site_record' : 'site_record_period',
      evidenceDate: record.since,
    };
  }
  return { status: null, basis: 'unknown', evidenceDate: null };
}
