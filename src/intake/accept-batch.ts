import { createHash, randomUUID } from 'node:crypto';

import type pg from 'pg';

import { canWrite, type Principal } from '../auth/roles.js';
import {
  findBatchByIdempotencyKey,
  insertBatchIfNew,
  insertBatchPayload,
  type BatchRow,
} from '../db/queries/batches.js';
import { withTransaction, type PoolClient } from '../db/pool.js';
import { apiError } from '../errors.js';
import { actorOf } from '../evidence/audit.js';
import type { Evidence, SignedReceipt } from '../evidence/index.js';
import type { Issue } from '../standard/issue.js';

/** What intake needs to know of a document before it accepts it: a valid envelope. */
export interface EnvelopeCheck {
  schemaVersion: string;
  reportingCountry: string;
  period: string;
  acceptance: 'partial' | 'all-or-nothing';
  submissionRef: string | null;
  source: unknown;
  recordCount: number;
  /** Envelope issues; any error means the batch is refused at the door (422), nothing stored. */
  issues: Issue[];
}

export interface Submission {
  principal: Principal;
  idempotencyKey: string;
  /** The body bytes exactly as received. */
  raw: Buffer;
  /** The JSON text (raw, or raw gunzipped). */
  decoded: Buffer;
  contentEncoding: string | null;
  envelope: EnvelopeCheck;
  origin?: 'push' | 'connector';
  connectorId?: string | null;
  /**
   * Signs the acceptance receipt and appends `batch.received` to the audit chain in the same
   * transaction as the batch. Pass it (app.evidence) wherever batches are accepted; a batch accepted
   * without it gets its acceptance evidence late, when it finishes.
   */
  evidence?: Evidence;
}

export interface Accepted {
  batch: BatchRow;
  /** False when the same key and body were posted before: the first batch is returned. */
  created: boolean;
  /** The signed acceptance receipt of a new batch (when `evidence` was given). */
  receipt?: SignedReceipt;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Idempotency keys are scoped per member state (or per key for region-wide roles). */
function idempotencyScope(p: Principal): string {
  return p.country ?? `key:${p.keyId}`;
}

/**
 * Store first, then work: the raw body, its sha256 and the batch row are committed to Postgres
 * before the caller answers 202, so nothing accepted can be lost if Redis or a worker fails.
 * Pass `client` to take part in the caller's transaction (a connector moves its cursor in it).
 */
export async function acceptBatch(pool: pg.Pool, s: Submission, client?: PoolClient): Promise<Accepted> {
  const env = s.envelope;
  const errors = env.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw apiError(
      'RMDX_ERR_INVALID_BATCH',
      `The batch envelope is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      {
        issues: errors,
      },
    );
  }
  if (!canWrite(s.principal, env.reportingCountry)) {
    throw apiError(
      'RMDX_ERR_FORBIDDEN',
      s.principal.role === 'auditor'
        ? 'An auditor key reads only; it cannot submit batches'
        : `This key submits for ${s.principal.country}; the batch reports for ${env.reportingCountry}`,
    );
  }
  const contentSha256 = sha256(s.decoded);
  const scope = idempotencyScope(s.principal);
  const run = async (db: PoolClient): Promise<Accepted> => {
    const id = randomUUID();
    const inserted = await insertBatchIfNew(db, {
      id,
      reportingCountry: env.reportingCountry,
      period: env.period,
      schemaVersion: env.schemaVersion,
      submissionRef: env.submissionRef,
      source: env.source,
      acceptance: env.acceptance,
      origin: s.origin ?? 'push',
      connectorId: s.connectorId ?? null,
      submittedBy: s.principal.keyId,
      idempotencyScope: scope,
      idempotencyKey: s.idempotencyKey,
      contentSha256,
      receivedSha256: sha256(s.raw),
      contentEncoding: s.contentEncoding,
      byteSize: s.raw.length,
      recordTotal: env.recordCount,
    });
    if (inserted) {
      await insertBatchPayload(db, id, s.raw);
      // Last in the transaction: the audit chain's lock is held only until the commit just after.
      const receipt = await s.evidence?.recordAcceptance(
        db,
        inserted,
        s.origin === 'connector' && s.connectorId ? `connector:${s.connectorId}` : actorOf(s.principal),
      );
      return { batch: inserted, created: true, receipt };
    }
    // The key was used before (perhaps by a concurrent request that has just committed).
    const existing = (await findBatchByIdempotencyKey(db, scope, s.idempotencyKey))!;
    if (existing.content_sha256 !== contentSha256) {
      throw apiError(
        'RMDX_ERR_IDEMPOTENCY_CONFLICT',
        `Idempotency-Key "${s.idempotencyKey}" was used on ${existing.received_at.toISOString()} for batch ${existing.id} with a different body`,
        { batchId: existing.id },
      );
    }
    return { batch: existing, created: false };
  };
  return client ? run(client) : withTransaction(pool, run);
}
