import { randomUUID } from 'node:crypto';

import type { Queryable } from '../../../src/db/pool.js';
import type { PersistBatch } from '../../../src/records/persist.js';

/** A minimal `batches` row (the record tables reference it), returned as persist's batch argument. */
export async function insertBatch(
  db: Queryable,
  opts: { country?: string; period?: string; schemaVersion?: string } = {},
): Promise<PersistBatch> {
  const id = randomUUID();
  const country = opts.country ?? 'RW';
  const period = opts.period ?? '2026-03';
  const schemaVersion = opts.schemaVersion ?? '1.0.0';
  const { rows } = await db.query<{ seq: string }>(
    `INSERT INTO batches (id, reporting_country, period, schema_version, acceptance, idempotency_scope,
                          idempotency_key, content_sha256, received_sha256, byte_size, record_total)
     VALUES ($1::uuid, $2, $3, $4, 'partial', 'test', $1::text, 'x', 'x', 0, 0)
     RETURNING seq::text`,
    [id, country, period, schemaVersion],
  );
  return { id, seq: Number(rows[0]!.seq), country, period, schemaVersion };
}

export function exportRecord(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    recordType: 'export',
    exportId: id,
    certificateNumber: `RW-2026-${id.padStart(6, '0')}`,
    exporterId: 'ACT-1',
    exporterName: 'Ets. Namukaya',
    importerName: 'Golden Refinery DMCC',
    destinationCountry: 'AE',
    mineral: 'gold',
    hsCode: '7108.12',
    mass: 2500,
    unit: 'GRM',
    gradePct: 92.5,
    valueUsd: 150000,
    shippedOn: '2026-03-14',
    exitPoint: 'Kigali International Airport',
    lotNumbers: [`LOT-${id}`],
    transportRef: 'AWB 176-1234 5675',
    ...overrides,
  };
}
