import type pg from 'pg';

import type { Config } from '../config.js';
import type { BatchRow } from '../db/queries/batches.js';
import { withTransaction, type Queryable } from '../db/pool.js';
import { appendAudit, lockAuditChain } from './audit.js';
import { loadKek } from './kek.js';
import {
  buildPayload,
  findReceipt,
  issueReceipt,
  newReceiptId,
  receiptOf,
  type SignedReceipt,
} from './receipts.js';
import { getActiveKeyRow, jwkOf, KeyRing, listPublicKeys, type SigningKeyRow } from './signing-keys.js';

export { actorOf, appendAudit, type AuditEvent } from './audit.js';

/** The receipts and audit chain of this hub, from its config (one per process). */
export function evidenceFromConfig(
  config: Pick<Config, 'receiptKek' | 'receiptKekFile' | 'publicUrl'>,
): Evidence {
  return new Evidence({ kek: config.receiptKek, kekFile: config.receiptKekFile, issuer: config.publicUrl });
}
export type { SignedReceipt } from './receipts.js';

export interface EvidenceOptions {
  /** RMDX_RECEIPT_KEK: base64 of 32 bytes; wins over the file. */
  kek?: string;
  /** Where the KEK lives when RMDX_RECEIPT_KEK is unset (created on first use, mode 0600). */
  kekFile: string;
  /** The hub's public URL, written into every receipt as `issuer`. */
  issuer: string;
}

/**
 * Receipts and the audit entries that go with them. One per process; safe to share. The private
 * keys live in Postgres sealed under the KEK, so every server and worker of a deployment signs with
 * the same active key and a rotation in one process is seen by all at their next receipt.
 */
export class Evidence {
  private ringPromise: Promise<KeyRing> | undefined;

  constructor(private readonly opts: EvidenceOptions) {}

  private ring(): Promise<KeyRing> {
    this.ringPromise ??= loadKek({ kek: this.opts.kek, kekFile: this.opts.kekFile }).then(
      (k) => new KeyRing(k),
    );
    // A failed load (e.g. an unreadable file) is retried on the next call, not cached.
    this.ringPromise.catch(() => (this.ringPromise = undefined));
    return this.ringPromise;
  }

  /** The active key, created (and audited) in this transaction when there is none yet. */
  private async activeKey(db: Queryable, ring: KeyRing): Promise<SigningKeyRow> {
    const existing = await getActiveKeyRow(db);
    if (existing) return existing;
    const { row, created } = await ring.createKey(db);
    if (created) {
      await appendAudit(db, {
        type: 'receipt_key.created',
        actor: 'system',
        subject: `receipt_key:${row.kid}`,
        data: { kid: row.kid, jwk: jwkOf(row) },
      });
    }
    return row;
  }

  /** At start-up: make sure a key exists and this process can unseal it (a wrong KEK fails here). */
  async init(pool: pg.Pool): Promise<{ kid: string }> {
    const ring = await this.ring();
    const row = await withTransaction(pool, (c) => this.activeKey(c, ring));
    ring.check(row);
    return { kid: row.kid };
  }

  /**
   * Inside the transaction that stores a new batch: appends `batch.received` to the audit chain and
   * signs the acceptance receipt, so the batch, its audit entry and its receipt commit together.
   */
  async recordAcceptance(client: Queryable, batch: BatchRow, actor: string): Promise<SignedReceipt> {
    const ring = await this.ring();
    const key = await this.activeKey(client, ring);
    const receiptId = newReceiptId();
    const audit = await appendAudit(client, {
      type: 'batch.received',
      actor,
      subject: `batch:${batch.id}`,
      data: {
        receiptId,
        reportingCountry: batch.reporting_country,
        period: batch.period,
        origin: batch.origin,
        sha256: batch.received_sha256,
        bytes: batch.byte_size,
        records: batch.record_total,
        idempotencyKey: batch.idempotency_key,
      },
    });
    const payload = buildPayload('accepted', batch, audit, this.opts.issuer, receiptId, new Date());
    return issueReceipt(client, ring, key, payload, batch.received_at);
  }

  /**
   * When a batch reaches a final state: appends `batch.finished` and signs the completion receipt, once
   * per finish (idempotent: a second call returns the first receipt). Also issues the acceptance
   * evidence if the batch was accepted without it (e.g. by a caller that passed no Evidence).
   */
  async recordCompletion(pool: pg.Pool, batch: BatchRow): Promise<SignedReceipt | undefined> {
    if (!batch.finished_at) return undefined;
    const ring = await this.ring();
    return withTransaction(pool, async (client) => {
      const key = await this.activeKey(client, ring);
      await lockAuditChain(client);
      if (!(await findReceipt(client, batch.id, 'accepted', batch.received_at))) {
        const actor =
          batch.origin === 'connector' && batch.connector_id
            ? `connector:${batch.connector_id}`
            : batch.submitted_by
              ? `key:${batch.submitted_by}`
              : 'system';
        await this.recordAcceptance(client, batch, actor);
      }
      const existing = await findReceipt(client, batch.id, 'completed', batch.finished_at!);
      if (existing) return receiptOf(existing);
      const receiptId = newReceiptId();
      const audit = await appendAudit(client, {
        type: 'batch.finished',
        actor: 'system',
        subject: `batch:${batch.id}`,
        data: {
          receiptId,
          status: batch.status,
          totals: batch.counts?.totals ?? null,
          error: batch.error?.message ?? null,
        },
      });
      const payload = buildPayload('completed', batch, audit, this.opts.issuer, receiptId, new Date());
      return issueReceipt(client, ring, key, payload, batch.finished_at!);
    });
  }

  /** Retires the active key (kept for verification) and activates a new one; audited. */
  async rotateKey(pool: pg.Pool, actor: string): Promise<{ previous: string | null; current: string }> {
    const ring = await this.ring();
    return withTransaction(pool, async (client) => {
      const { previous, current } = await ring.rotate(client);
      await appendAudit(client, {
        type: 'receipt_key.rotated',
        actor,
        subject: `receipt_key:${current.kid}`,
        data: { previous: previous?.kid ?? null, current: current.kid, jwk: jwkOf(current) },
      });
      return { previous: previous?.kid ?? null, current: current.kid };
    });
  }

  /** The JWK set: the active key first, then every retired one. */
  async jwks(db: Queryable): Promise<{ keys: ReturnType<typeof jwkOf>[] }> {
    return { keys: await listPublicKeys(db) };
  }
}

/** Finds final batches that have no completion receipt for their last finish (a crash between the two). */
export async function batchesMissingCompletion(db: Queryable, limit: number): Promise<BatchRow[]> {
  const { rows } = await db.query<BatchRow>(
    `SELECT b.* FROM batches b
     WHERE b.finished_at IS NOT NULL
       AND b.status IN ('completed', 'completed_with_errors', 'rejected', 'failed')
       AND NOT EXISTS (SELECT 1 FROM receipts r
                       WHERE r.batch_id = b.id AND r.kind = 'completed' AND r.event_at = b.finished_at)
     ORDER BY b.seq LIMIT $1`,
    [limit],
  );
  return rows;
}
