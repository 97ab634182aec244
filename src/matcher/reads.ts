import type { Queryable } from '../db/pool.js';
import type { DiscrepancyStatus } from './codes.js';

/**
 * Reads of the results for the API. By default they show the current results: for each cell
 * (exporting, importing, month) those of the latest completed run that covered it. With `runSeq`,
 * those of one run.
 *
 * Visibility: a member state (`party`) sees the items of the corridors it is a party to — as the
 * exporting or the importing state — and nothing else.
 */
export interface ResultFilter {
  runSeq?: number;
  periodFrom?: string;
  periodTo?: string;
  exportingCountry?: string;
  importingCountry?: string;
  mineral?: string;
  /** Only items of corridors this state is a party to. */
  party?: string;
}

export interface LinkFilter extends ResultFilter {
  stage?: number;
  decision?: 'link' | 'review';
  code?: string;
  severity?: string;
  exportId?: string;
  importId?: string;
}

export interface DiscrepancyFilter extends ResultFilter {
  code?: string;
  subtype?: string;
  severity?: string;
  status?: DiscrepancyStatus;
  responsible?: string;
  exportId?: string;
  importId?: string;
}

class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Conditions common to links, discrepancies and flows (alias x), including which run(s). */
function resultConditions(f: ResultFilter, p: Params, alias: string): string[] {
  const w: string[] = [];
  const on = (a: string) => {
    const c: string[] = [];
    if (f.periodFrom) c.push(`${a}.period >= ${p.add(f.periodFrom)}`);
    if (f.periodTo) c.push(`${a}.period <= ${p.add(f.periodTo)}`);
    if (f.exportingCountry) c.push(`${a}.exporting_country = ${p.add(f.exportingCountry)}::char(2)`);
    if (f.importingCountry) c.push(`${a}.importing_country = ${p.add(f.importingCountry)}::char(2)`);
    if (f.party) {
      const party = p.add(f.party);
      c.push(`(${a}.exporting_country = ${party}::char(2) OR ${a}.importing_country = ${party}::char(2))`);
    }
    return c;
  };
  w.push(...on(alias));
  if (f.mineral) w.push(`${alias}.mineral = ${p.add(f.mineral)}`);
  if (f.runSeq !== undefined) {
    w.push(`${alias}.run_seq = ${p.add(f.runSeq)}`);
  } else {
    // The current results: each cell's latest completed run (the cells narrow the runs first).
    const cellConds = on('c');
    const cw = cellConds.length ? `WHERE ${cellConds.join(' AND ')}` : '';
    w.push(`${alias}.run_seq IN (SELECT DISTINCT c.run_seq FROM reconciliation_cells c ${cw})`);
    w.push(`EXISTS (SELECT 1 FROM reconciliation_cells c WHERE c.run_seq = ${alias}.run_seq
      AND c.exporting_country = ${alias}.exporting_country AND c.importing_country = ${alias}.importing_country
      AND c.period = ${alias}.period)`);
  }
  return w;
}

export interface Cursor {
  k: (string | number)[];
}

export function encodeCursor(k: (string | number)[]): string {
  return Buffer.from(JSON.stringify(k)).toString('base64url');
}

export function decodeCursor(s: string | undefined, n: number): (string | number)[] | undefined {
  if (!s) return undefined;
  try {
    const k = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(k) && k.length === n && k.every((x) => typeof x === 'string' || typeof x === 'number'))
      return k as (string | number)[];
  } catch {
    /* fall through */
  }
  throw new Error('invalid cursor');
}

export interface LinkRow {
  run_seq: number;
  run_id: string;
  decision: 'link' | 'review';
  stage: number;
  pass: string;
  exporting_country: string;
  export_id: string;
  importing_country: string;
  import_id: string;
  mineral: string | null;
  period: string;
  import_period: string | null;
  certificate_key: string | null;
  group_size: number;
  score: number | null;
  levels: number[] | null;
  export_kg: number | null;
  import_kg: number | null;
  group_import_kg: number | null;
  export_value_usd: number | null;
  import_value_usd: number | null;
  group_import_value_fob: number | null;
  qty_diff: number | null;
  value_diff: number | null;
  value_ratio: number | null;
  day_gap: number | null;
  unit_factor: number | null;
  codes: string[];
  severity: string;
}

const linkOrder = ['period', 'exporting_country', 'export_id', 'importing_country', 'import_id', 'decision'];

export async function listLinks(
  db: Queryable,
  f: LinkFilter,
  page: { limit: number; after?: (string | number)[] },
): Promise<LinkRow[]> {
  const p = new Params();
  const w = resultConditions(f, p, 'l');
  if (f.stage !== undefined) w.push(`l.stage = ${p.add(f.stage)}`);
  w.push(`l.decision = ${p.add(f.decision ?? 'link')}`);
  if (f.code) w.push(`${p.add(f.code)} = ANY(l.codes)`);
  if (f.severity) w.push(`l.severity = ${p.add(f.severity)}`);
  if (f.exportId) w.push(`l.export_id = ${p.add(f.exportId)}`);
  if (f.importId) w.push(`l.import_id = ${p.add(f.importId)}`);
  if (page.after)
    w.push(
      `(${linkOrder.map((c) => `l.${c}`).join(', ')}) > (${page.after.map((v) => `${p.add(v)}::text`).join(', ')})`,
    );
  const { rows } = await db.query<LinkRow>(
    `SELECT l.*, r.id AS run_id FROM reconciliation_links l JOIN reconciliation_runs r ON r.seq = l.run_seq
     WHERE ${w.join(' AND ')}
     ORDER BY ${linkOrder.map((c) => `l.${c}`).join(', ')} LIMIT ${p.add(page.limit)}`,
    p.values,
  );
  return rows.map(trimLink);
}

export function linkCursor(r: LinkRow): (string | number)[] {
  return [r.period, r.exporting_country, r.export_id, r.importing_country, r.import_id, r.decision];
}

function trimLink(r: LinkRow): LinkRow {
  return {
    ...r,
    exporting_country: r.exporting_country.trim(),
    importing_country: r.importing_country.trim(),
  };
}

export interface DiscrepancyRow {
  run_seq: number;
  run_id: string;
  id: string;
  code: string;
  subtype: string | null;
  severity: string;
  exporting_country: string;
  importing_country: string;
  responsible: string | null;
  mineral: string | null;
  period: string;
  export_id: string | null;
  import_ids: string[] | null;
  certificate_key: string | null;
  link_stage: number | null;
  link_score: number | null;
  figures: Record<string, unknown>;
  status: DiscrepancyStatus;
  first_seen_at: Date | null;
  last_seen_at: Date | null;
  status_changed_at: Date | null;
  comment_count: number;
}

const discrepancyOrder = ['period', 'exporting_country', 'importing_country', 'code', 'id'];

const discrepancySelect = `SELECT d.*, r.id AS run_id, coalesce(fu.status, 'open') AS status, fu.first_seen_at,
    fu.last_seen_at, fu.status_changed_at,
    (SELECT count(*)::int FROM discrepancy_comments dc WHERE dc.discrepancy_id = d.id) AS comment_count
  FROM reconciliation_discrepancies d
  JOIN reconciliation_runs r ON r.seq = d.run_seq
  LEFT JOIN discrepancy_followups fu ON fu.id = d.id`;

export async function listDiscrepancies(
  db: Queryable,
  f: DiscrepancyFilter,
  page: { limit: number; after?: (string | number)[] },
): Promise<DiscrepancyRow[]> {
  const p = new Params();
  const w = resultConditions(f, p, 'd');
  if (f.code) w.push(`d.code = ${p.add(f.code)}`);
  if (f.subtype) w.push(`d.subtype = ${p.add(f.subtype)}`);
  if (f.severity) w.push(`d.severity = ${p.add(f.severity)}`);
  if (f.status) w.push(`coalesce(fu.status, 'open') = ${p.add(f.status)}`);
  if (f.responsible) w.push(`d.responsible = ${p.add(f.responsible)}::char(2)`);
  if (f.exportId) w.push(`d.export_id = ${p.add(f.exportId)}`);
  if (f.importId) w.push(`${p.add(f.importId)} = ANY(d.import_ids)`);
  if (page.after)
    w.push(
      `(${discrepancyOrder.map((c) => `d.${c}`).join(', ')}) > (${page.after.map((v) => `${p.add(v)}::text`).join(', ')})`,
    );
  const { rows } = await db.query<DiscrepancyRow>(
    `${discrepancySelect}
     WHERE ${w.join(' AND ')}
     ORDER BY ${discrepancyOrder.map((c) => `d.${c}`).join(', ')} LIMIT ${p.add(page.limit)}`,
    p.values,
  );
  return rows.map(trimDiscrepancy);
}

export function discrepancyCursor(r: DiscrepancyRow): (string | number)[] {
  return [r.period, r.exporting_country, r.importing_country, r.code, r.id];
}

function trimDiscrepancy(r: DiscrepancyRow): DiscrepancyRow {
  return {
    ...r,
    exporting_country: r.exporting_country.trim(),
    importing_country: r.importing_country.trim(),
    responsible: r.responsible?.trim() ?? null,
  };
}

/**
 * One discrepancy by its stable id: its current occurrence (the latest run that is current for its
 * cell), else its latest occurrence in any run.
 */
export async function getDiscrepancy(
  db: Queryable,
  id: string,
): Promise<(DiscrepancyRow & { current: boolean }) | undefined> {
  const { rows } = await db.query<DiscrepancyRow & { is_current: boolean }>(
    `${discrepancySelect.replace(
      'SELECT d.*,',
      `SELECT d.*, EXISTS (SELECT 1 FROM reconciliation_cells c
        WHERE c.run_seq = d.run_seq AND c.exporting_country = d.exporting_country
          AND c.importing_country = d.importing_country AND c.period = d.period) AS is_current,`,
    )}
     WHERE d.id = $1
     ORDER BY is_current DESC, d.run_seq DESC LIMIT 1`,
    [id],
  );
  return rows[0] ? { ...trimDiscrepancy(rows[0]), current: rows[0].is_current } : undefined;
}

export interface CommentRow {
  id: number;
  author_name: string;
  author_role: string;
  author_country: string | null;
  body: string | null;
  status_from: string | null;
  status_to: string | null;
  created_at: Date;
}

export async function listComments(db: Queryable, id: string): Promise<CommentRow[]> {
  const { rows } = await db.query<CommentRow>(
    `SELECT id, author_name, author_role, author_country, body, status_from, status_to, created_at
     FROM discrepancy_comments WHERE discrepancy_id = $1 ORDER BY id`,
    [id],
  );
  return rows.map((r) => ({ ...r, author_country: r.author_country?.trim() ?? null }));
}

/** The runs an item was seen in, newest first. */
export async function listOccurrences(
  db: Queryable,
  id: string,
): Promise<
  { run_id: string; run_seq: number; severity: string; subtype: string | null; finished_at: Date | null }[]
> {
  const { rows } = await db.query(
    `SELECT r.id AS run_id, r.seq AS run_seq, d.severity, d.subtype, r.finished_at
     FROM reconciliation_discrepancies d JOIN reconciliation_runs r ON r.seq = d.run_seq
     WHERE d.id = $1 ORDER BY d.run_seq DESC LIMIT 20`,
    [id],
  );
  return rows;
}

/** The links of an occurrence's export group (or of its import), with their comparison. */
export async function linksOfItem(
  db: Queryable,
  runSeq: number,
  exporting: string,
  exportId: string | null,
  importing: string,
  importIds: readonly string[] | null,
): Promise<LinkRow[]> {
  const { rows } = await db.query<LinkRow>(
    `SELECT l.*, r.id AS run_id FROM reconciliation_links l JOIN reconciliation_runs r ON r.seq = l.run_seq
     WHERE l.run_seq = $1 AND l.exporting_country = $2 AND l.importing_country = $3
       AND (l.export_id = $4 OR l.import_id = ANY($5::text[]))
     ORDER BY l.decision, l.export_id, l.import_id`,
    [runSeq, exporting, importing, exportId, importIds ?? []],
  );
  return rows.map(trimLink);
}

/** Current records (as the hub holds them now) for the side-by-side view. */
export async function recordsOf(
  db: Queryable,
  table: 'exports' | 'imports',
  country: string,
  ids: readonly string[],
): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  const key = table === 'exports' ? 'export_id' : 'import_id';
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT * FROM ${table} WHERE country = $1 AND ${key} = ANY($2::text[]) ORDER BY ${key}`,
    [country, ids],
  );
  return rows;
}

/** Sets the status and/or adds a comment (who, when, what); run it in a transaction. */
export async function answerDiscrepancy(
  db: Queryable,
  id: string,
  by: { keyId: string; name: string; role: string; country: string | null },
  change: { status?: DiscrepancyStatus; comment?: string },
  runSeq: number,
): Promise<{ from: DiscrepancyStatus; to: DiscrepancyStatus; commentId: number }> {
  await db.query(
    `INSERT INTO discrepancy_followups (id, first_seen_run, last_seen_run) VALUES ($1, $2, $2)
     ON CONFLICT (id) DO NOTHING`,
    [id, runSeq],
  );
  const { rows } = await db.query<{ status: DiscrepancyStatus }>(
    `SELECT status FROM discrepancy_followups WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const from = rows[0]?.status ?? 'open';
  const to = change.status ?? from;
  if (to !== from) {
    await db.query(
      `UPDATE discrepancy_followups SET status = $2, status_changed_at = now(), status_changed_by = $3 WHERE id = $1`,
      [id, to, by.keyId],
    );
  }
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO discrepancy_comments (discrepancy_id, author_key_id, author_name, author_role, author_country, body,
       status_from, status_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      id,
      by.keyId,
      by.name,
      by.role,
      by.country,
      change.comment ?? null,
      to !== from ? from : null,
      to !== from ? to : null,
    ],
  );
  return { from, to, commentId: inserted.rows[0]!.id };
}

export interface ComplianceRow {
  country: string;
  period: string;
  run_seq: number;
  run_id: string;
  computed_at: Date;
  timeliness: number | null;
  reported_on_time: boolean | null;
  certificate_coverage: number | null;
  confirmation_rate: number | null;
  reliability_index: number | null;
  open_major_items: number;
  overdue_major_items: number;
  band: string;
  figures: Record<string, unknown>;
}

export async function listCompliance(
  db: Queryable,
  f: { country?: string; periodFrom?: string; periodTo?: string; band?: string },
  page: { limit: number; after?: (string | number)[] },
): Promise<ComplianceRow[]> {
  const p = new Params();
  const w: string[] = ['true'];
  if (f.country) w.push(`s.country = ${p.add(f.country)}::char(2)`);
  if (f.periodFrom) w.push(`s.period >= ${p.add(f.periodFrom)}`);
  if (f.periodTo) w.push(`s.period <= ${p.add(f.periodTo)}`);
  if (f.band) w.push(`s.band = ${p.add(f.band)}`);
  if (page.after)
    w.push(`(s.period, s.country) > (${p.add(page.after[0])}::text, ${p.add(page.after[1])}::text)`);
  const { rows } = await db.query<ComplianceRow>(
    `SELECT s.*, r.id AS run_id FROM compliance_scores s JOIN reconciliation_runs r ON r.seq = s.run_seq
     WHERE ${w.join(' AND ')} ORDER BY s.period, s.country LIMIT ${p.add(page.limit)}`,
    p.values,
  );
  return rows.map((r) => ({ ...r, country: r.country.trim() }));
}
