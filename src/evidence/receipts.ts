import { createPublicKey, randomUUID, verify } from 'node:crypto';

import type { BatchRow } from '../db/queries/batches.js';
import type { Queryable } from '../db/pool.js';
import { canonicalJson } from './canonical.js';
import type { AuditEntry } from './audit.js';
import type { KeyRing, ReceiptJwk, SigningKeyRow } from './signing-keys.js';

/**
 * A signed receipt, as served by the API and stored by clients. Verify it offline with
 * `rmdx receipts verify receipt.json --keys jwks.json` (or any Ed25519 + RFC 8785 implementation):
 * the signature is Ed25519 over the UTF-8 bytes of JCS(payload), with the key `kid` of the JWK set
 * at GET /v1/receipt-keys.
 */
export interface SignedReceipt {
  payload: ReceiptPayload;
  /** RFC 8037: Ed25519. */
  alg: 'EdDSA';
  /** RFC 7638 thumbprint of the signing key, the `kid` of its JWK. */
  kid: string;
  /** base64url (no padding) of the 64-byte Ed25519 signature. */
  signature: string;
}

export type ReceiptKind = 'accepted' | 'completed';

export interface ReceiptPayload {
  /** Always `rmdx.receipt`; `version` changes only if the payload's meaning changes. */
  type: 'rmdx.receipt';
  version: 1;
  kind: ReceiptKind;
  receiptId: string;
  /** The hub that issued it (its public URL). */
  issuer: string;
  batchId: string;
  reportingCountry: string;
  period: string;
  schemaVersion: string;
  submissionRef: string | null;
  idempotencyKey: string;
  /** The API key that submitted the batch. */
  submittedBy: string | null;
  body: {
    /** sha256 (hex) of the body bytes exactly as received (gzip-encoded if it was sent so). */
    sha256: string;
    /** sha256 (hex) of the JSON text (equal to sha256 unless the body was gzip). */
    contentSha256: string;
    bytes: number;
    contentEncoding: string | null;
  };
  /** Acceptance: the record count of the envelope. Completion: outcome counts per record type. */
  counts: {
    records: number;
    totals?: Record<string, number>;
    byType?: Record<string, Record<string, number>>;
  };
  /** Completion only: the final status. */
  status?: string;
  timestamps: {
    receivedAt: string;
    finishedAt?: string;
    issuedAt: string;
  };
  /** The audit chain entry that records this event: pins the chain up to it. */
  audit: { seq: number; hash: string };
}

export interface ReceiptRow {
  id: string;
  batch_id: string;
  kind: ReceiptKind;
  event_at: Date;
  kid: string;
  payload: string;
  signature: string;
  issued_at: Date;
}

export function buildPayload(
  kind: ReceiptKind,
  batch: BatchRow,
  audit: Pick<AuditEntry, 'seq' | 'hash'>,
  issuer: string,
  receiptId: string,
  issuedAt: Date,
): ReceiptPayload {
  const totals = batch.counts?.totals;
  return {
    type: 'rmdx.receipt',
    version: 1,
    kind,
    receiptId,
    issuer,
    batchId: batch.id,
    reportingCountry: batch.reporting_country,
    period: batch.period,
    schemaVersion: batch.schema_version,
    submissionRef: batch.submission_ref,
    idempotencyKey: batch.idempotency_key,
    submittedBy: batch.submitted_by,
    body: {
      sha256: batch.received_sha256,
      contentSha256: batch.content_sha256,
      bytes: batch.byte_size,
      contentEncoding: batch.content_encoding,
    },
    counts:
      kind === 'accepted'
        ? { records: batch.record_total }
        : {
            records: batch.record_total,
            ...(totals ? { totals: { ...totals } } : {}),
            ...(batch.counts?.byType ? { byType: batch.counts.byType } : {}),
          },
    ...(kind === 'completed' ? { status: batch.status } : {}),
    timestamps: {
      receivedAt: batch.received_at.toISOString(),
      ...(kind === 'completed' && batch.finished_at ? { finishedAt: batch.finished_at.toISOString() } : {}),
      issuedAt: issuedAt.toISOString(),
    },
    audit: { seq: audit.seq, hash: audit.hash },
  };
}

/** Signs and stores a receipt; `db` is the transaction that records the event. */
export async function issueReceipt(
  db: Queryable,
  ring: KeyRing,
  key: SigningKeyRow,
  payload: ReceiptPayload,
  eventAt: Date,
): Promise<SignedReceipt> {
  const text = canonicalJson(payload);
  const signature = ring.sign(key, Buffer.from(text, 'utf8'));
  await db.query(
    `INSERT INTO receipts (id, batch_id, kind, event_at, kid, payload, signature, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      payload.receiptId,
      payload.batchId,
      payload.kind,
      eventAt,
      key.kid,
      text,
      signature,
      payload.timestamps.issuedAt,
    ],
  );
  return { payload, alg: 'EdDSA', kid: key.kid, signature };
}

export function receiptOf(row: ReceiptRow): SignedReceipt {
  return {
    payload: JSON.parse(row.payload) as ReceiptPayload,
    alg: 'EdDSA',
    kid: row.kid,
    signature: row.signature,
  };
}

export async function listReceipts(db: Queryable, batchId: string): Promise<ReceiptRow[]> {
  const { rows } = await db.query<ReceiptRow>(
    `SELECT * FROM receipts WHERE batch_id = $1 ORDER BY issued_at, kind`,
    [batchId],
  );
  return rows;
}

export async function findReceipt(
  db: Queryable,
  batchId: string,
  kind: ReceiptKind,
  eventAt: Date,
): Promise<ReceiptRow | undefined> {
  const { rows } = await db.query<ReceiptRow>(
    `SELECT * FROM receipts WHERE batch_id = $1 AND kind = $2 AND event_at = $3`,
    [batchId, kind, eventAt],
  );
  return rows[0];
}

export const newReceiptId = () => randomUUID();

export interface VerifyResult {
  ok: boolean;
  /** Why not, in words (absent when ok). */
  reason?: string;
  kid?: string;
  /** Status of the signing key in the set (a retired key still verifies old receipts). */
  keyStatus?: string;
}

/**
 * Offline verification: needs only the receipt and the JWK set. Recomputes JCS(payload) (so a
 * receipt re-serialised with other whitespace or key order still verifies) and checks the
 * Ed25519 signature with the key named by `kid`.
 */
export function verifyReceipt(receipt: unknown, jwks: { keys: unknown[] }): VerifyResult {
  if (!receipt || typeof receipt !== 'object') return { ok: false, reason: 'not a receipt object' };
  const r = receipt as Partial<SignedReceipt>;
  if (r.alg !== 'EdDSA') return { ok: false, reason: `unsupported alg ${JSON.stringify(r.alg) ?? 'none'}` };
  if (
    typeof r.kid !== 'string' ||
    typeof r.signature !== 'string' ||
    !r.payload ||
    typeof r.payload !== 'object'
  )
    return { ok: false, reason: 'a receipt needs payload, kid and signature' };
  const jwk = (jwks.keys ?? []).find((k) => (k as ReceiptJwk | undefined)?.kid === r.kid) as
    ReceiptJwk | undefined;
  if (!jwk) return { ok: false, reason: `no key ${r.kid} in the key set`, kid: r.kid };
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    return { ok: false, reason: `key ${r.kid} is not an Ed25519 key`, kid: r.kid };
  let text: string;
  try {
    text = canonicalJson(r.payload);
  } catch (err) {
    return { ok: false, reason: `payload cannot be canonicalised: ${(err as Error).message}`, kid: r.kid };
  }
  const sig = Buffer.from(r.signature, 'base64url');
  if (sig.length !== 64) return { ok: false, reason: 'the signature is not 64 bytes', kid: r.kid };
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  const good = verify(null, Buffer.from(text, 'utf8'), key, sig);
  return good
    ? { ok: true, kid: r.kid, keyStatus: jwk.status }
    : { ok: false, reason: 'the signature does not match the payload (altered, or another key)', kid: r.kid };
}
