import type pg from 'pg';

import { withTransaction, type Queryable } from '../db/pool.js';
import { canonicalJson, sha256Hex } from './canonical.js';

/**
 * The audit chain: an append-only, hash-chained log of what happened to keys, batches, receipts,
 * reconciliation runs, discrepancies and connectors. Each entry's hash covers its canonical JSON,
 * which includes the previous entry's hash, so altering, removing or reordering any entry breaks
 * every hash after it (`rmdx audit verify`). Receipts carry the seq and hash of their own entry, so
 * a receipt a member state holds also pins the chain up to that point (truncation shows).
 */

/** The prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Serialises appends: one writer at a time holds the chain's head. Any fixed number. */
const AUDIT_LOCK = 7_240_515_006;

/** Event types: lower-case dotted words (`area.event`). */
export const auditTypePattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * Every event type the hub emits (docs/evidence.md describes each; a test checks that page and the
 * README name them all). Add a new one here.
 */
export const hubAuditTypes = [
  'key.issued',
  'key.revoked',
  'batch.received',
  'batch.finished',
  'batch.replayed',
  'receipt_key.created',
  'receipt_key.rotated',
  'reconciliation.run_started',
  'reconciliation.run_finished',
  'discrepancy.status_changed',
  'discrepancy.commented',
  'connector.created',
  'connector.updated',
  'connector.paused',
  'connector.resumed',
  'connector.run_replayed',
] as const;
export type HubAuditType = (typeof hubAuditTypes)[number];

export interface AuditEvent {
  /** What happened, e.g. `discrepancy.status_changed` (see auditTypePattern). */
  type: string;
  /** Who did it: `key:<api key id>`, `cli`, `system`, `connector:<id>`… (see actorOf()). */
  actor: string;
  /** What it happened to, e.g. `batch:<uuid>`, `key:<uuid>`, `discrepancy:<id>`. */
  subject?: string | null;
  /** Details: any JSON (no NaN/Infinity). Keep it small and never put secrets in it. */
  data?: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  at: string;
  type: string;
  actor: string;
  subject: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditRow {
  seq: number;
  at: Date;
  type: string;
  actor: string;
  subject: string | null;
  entry: string;
  prev_hash: string;
  hash: string;
}

/** The actor string of an API key (or `system` when there is none). */
export function actorOf(principal: { keyId: string } | null | undefined): string {
  return principal ? `key:${principal.keyId}` : 'system';
}

function checkEvent(e: AuditEvent): void {
  if (!auditTypePattern.test(e.type)) throw new Error(`audit: bad event type "${e.type}"`);
  if (typeof e.actor !== 'string' || e.actor.length === 0 || e.actor.length > 200)
    throw new Error('audit: actor must be a non-empty string of at most 200 characters');
}

/**
 * Appends one entry. `client` MUST be inside a transaction (BEGIN … COMMIT, e.g. withTransaction):
 * the entry commits or rolls back with the change it records, and the chain lock is held until
 * then. Call it last in the transaction to hold the lock briefly. Passing the pool opens a
 * transaction of its own. Returns the entry with its seq and hash.
 *
 * ```ts
 * await withTransaction(pool, async (client) => {
 *   await setDiscrepancyStatus(client, id, 'resolved');
 *   await appendAudit(client, { type: 'discrepancy.status_changed', actor: actorOf(principal),
 *     subject: `discrepancy:${id}`, data: { from: 'open', to: 'resolved' } });
 * });
 * ```
 */
export async function appendAudit(client: Queryable | pg.Pool, e: AuditEvent): Promise<AuditEntry> {
  checkEvent(e);
  if (isPool(client)) return withTransaction(client, (c) => appendAudit(c, e));
  await lockAuditChain(client);
  const { rows } = await client.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const seq = (rows[0]?.seq ?? 0) + 1;
  const prevHash = rows[0]?.hash ?? GENESIS_HASH;
  const body = {
    seq,
    at: new Date().toISOString(),
    type: e.type,
    actor: e.actor,
    subject: e.subject ?? null,
    data: e.data ?? {},
    prevHash,
  };
  const entry = canonicalJson(body);
  const hash = sha256Hex(entry);
  await client.query(
    `INSERT INTO audit_log (seq, at, type, actor, subject, entry, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [seq, body.at, body.type, body.actor, body.subject, entry, prevHash, hash],
  );
  return { ...body, hash };
}

/** Takes the chain's lock until the end of the caller's transaction (appendAudit does it itself). */
export async function lockAuditChain(client: Queryable): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK]);
}

function isPool(db: unknown): db is pg.Pool {
  return (
    typeof db === 'object' &&
    db !== null &&
    'totalCount' in db &&
    'idleCount' in db &&
    typeof (db as pg.Pool).connect === 'function'
  );
}

export function entryOf(row: AuditRow): AuditEntry {
  const parsed = JSON.parse(row.entry) as Omit<AuditEntry, 'hash'>;
  return { ...parsed, hash: row.hash };
}

export interface AuditFilter {
  type?: string;
  actor?: string;
  subject?: string;
  from?: Date;
  to?: Date;
  afterSeq?: number;
  limit: number;
}

export async function listAudit(db: Queryable, f: AuditFilter): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT * FROM audit_log
     WHERE ($1::text IS NULL OR type = $1 OR type LIKE $1 || '.%')
       AND ($2::text IS NULL OR actor = $2)
       AND ($3::text IS NULL OR subject = $3)
       AND ($4::timestamptz IS NULL OR at >= $4)
       AND ($5::timestamptz IS NULL OR at < $5)
       AND seq > $6
     ORDER BY seq LIMIT $7`,
    [
      f.type ?? null,
      f.actor ?? null,
      f.subject ?? null,
      f.from ?? null,
      f.to ?? null,
      f.afterSeq ?? 0,
      f.limit,
    ],
  );
  return rows;
}

export async function auditHead(db: Queryable): Promise<{ seq: number; hash: string } | undefined> {
  const { rows } = await db.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  return rows[0];
}

/** One problem found in the chain. */
export interface ChainProblem {
  seq: number;
  problem:
    'hash_mismatch' | 'broken_link' | 'sequence_gap' | 'bad_entry' | 'column_mismatch' | 'anchor_mismatch';
  detail: string;
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  problems: ChainProblem[];
}

/**
 * Verifies a chain, fed in seq order (streamed: call `add` per row, then `finish`). Detects an
 * altered entry (its hash no longer matches), a removed one (a seq gap and a broken link), entries
 * reordered (broken links), and a filter column changed behind the entry's back.
 * `anchors` (seq → hash, e.g. from receipts) must all be found: that catches truncation and a
 * rewritten chain whose hashes were all recomputed.
 */
export class ChainVerifier {
  private prev: { seq: number; hash: string } | null = null;
  private count = 0;
  readonly problems: ChainProblem[] = [];

  constructor(
    private readonly anchors = new Map<number, string>(),
    private readonly maxProblems = 100,
  ) {}

  private report(p: ChainProblem) {
    if (this.problems.length < this.maxProblems) this.problems.push(p);
  }

  add(row: Pick<AuditRow, 'seq' | 'entry' | 'hash' | 'prev_hash'> & Partial<AuditRow>): void {
    this.count++;
    const expectedSeq = (this.prev?.seq ?? 0) + 1;
    const expectedPrev = this.prev?.hash ?? GENESIS_HASH;
    let parsed: Omit<AuditEntry, 'hash'> | undefined;
    try {
      parsed = JSON.parse(row.entry) as Omit<AuditEntry, 'hash'>;
    } catch {
      this.report({ seq: row.seq, problem: 'bad_entry', detail: 'the stored entry is not JSON' });
    }
    if (sha256Hex(row.entry) !== row.hash) {
      this.report({
        seq: row.seq,
        problem: 'hash_mismatch',
        detail: 'the entry does not hash to its stored hash (altered)',
      });
    }
    if (parsed) {
      if (parsed.seq !== row.seq)
        this.report({ seq: row.seq, problem: 'column_mismatch', detail: `the entry says seq ${parsed.seq}` });
      if (parsed.prevHash !== row.prev_hash)
        this.report({ seq: row.seq, problem: 'column_mismatch', detail: 'prev_hash differs from the entry' });
      for (const [col, field] of [
        ['type', 'type'],
        ['actor', 'actor'],
        ['subject', 'subject'],
      ] as const) {
        if (row[col] !== undefined && row[col] !== parsed[field])
          this.report({ seq: row.seq, problem: 'column_mismatch', detail: `${col} differs from the entry` });
      }
      if (row.at !== undefined && new Date(parsed.at).getTime() !== row.at.getTime())
        this.report({ seq: row.seq, problem: 'column_mismatch', detail: 'at differs from the entry' });
    }
    if (row.seq !== expectedSeq) {
      this.report({
        seq: row.seq,
        problem: 'sequence_gap',
        detail: `expected seq ${expectedSeq} (an entry was removed or reordered)`,
      });
    }
    if ((parsed?.prevHash ?? row.prev_hash) !== expectedPrev) {
      this.report({
        seq: row.seq,
        problem: 'broken_link',
        detail: `prevHash does not match the hash of entry ${expectedSeq - 1} (removed, inserted or reordered)`,
      });
    }
    const anchored = this.anchors.get(row.seq);
    if (anchored !== undefined && anchored !== row.hash) {
      this.report({
        seq: row.seq,
        problem: 'anchor_mismatch',
        detail: 'a signed receipt pins a different hash here',
      });
    }
    this.anchors.delete(row.seq);
    this.prev = { seq: row.seq, hash: row.hash };
  }

  finish(): ChainReport {
    for (const [seq] of this.anchors) {
      this.report({
        seq,
        problem: 'anchor_mismatch',
        detail: 'a signed receipt pins this entry, but it is missing (truncated?)',
      });
    }
    this.anchors.clear();
    return { ok: this.problems.length === 0, entries: this.count, head: this.prev, problems: this.problems };
  }
}

/** Verifies the whole chain in the database, page by page, against the receipts' anchors. */
export async function verifyAuditChain(
  db: Queryable,
  opts: { pageSize?: number } = {},
): Promise<ChainReport> {
  const anchors = new Map<number, string>();
  const { rows: receiptAnchors } = await db.query<{ seq: string; hash: string }>(
    `SELECT payload::jsonb #>> '{audit,seq}' AS seq, payload::jsonb #>> '{audit,hash}' AS hash
     FROM receipts WHERE payload::jsonb ? 'audit'`,
  );
  for (const a of receiptAnchors) if (a.seq && a.hash) anchors.set(Number(a.seq), a.hash);
  const v = new ChainVerifier(anchors);
  const size = opts.pageSize ?? 5000;
  let after = 0;
  for (;;) {
    const { rows } = await db.query<AuditRow>(
      'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2',
      [after, size],
    );
    for (const r of rows) v.add(r);
    if (rows.length < size) break;
    after = rows[rows.length - 1]!.seq;
  }
  return v.finish();
}
