import type { StoredRecord } from '../../records/queries.js';

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * A stored record as the API shows it: the bookkeeping, the canonical values under the standard's
 * field names (plus the derived ones: massKg, metalKg, certificateKey, *NameKey …), and the record
 * exactly as received.
 */
export function recordView(r: StoredRecord) {
  const canonical: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(r.canonical as Record<string, unknown>)) {
    if (column === 'lat' || column === 'lon') continue;
    canonical[camel(column)] = value;
  }
  const c = r.canonical as Record<string, unknown>;
  if (c.lat !== undefined || c.lon !== undefined) {
    canonical.location = c.lat === null || c.lon === null ? null : { lat: Number(c.lat), lon: Number(c.lon) };
  }
  return {
    recordType: r.recordType,
    country: r.country,
    key: r.key,
    version: r.version,
    isVoid: r.isVoid,
    batchId: r.batch.id,
    recordIndex: r.batch.recordIndex,
    period: r.batch.period,
    schemaVersion: r.schemaVersion,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ...canonical,
    received: r.received,
  };
}

export const recordViewSchema = {
  type: 'object',
  description:
    'A stored record: bookkeeping, the canonical values under the standard field names (with derived massKg, metalKg, certificateKey, name keys), and `received`, the record as submitted.',
  required: ['recordType', 'country', 'key', 'version', 'isVoid', 'batchId', 'period', 'received'],
  properties: {
    recordType: { type: 'string' },
    country: { type: 'string' },
    key: { type: 'string' },
    version: { type: 'integer' },
    isVoid: { type: 'boolean' },
    batchId: { type: 'string', format: 'uuid' },
    recordIndex: { type: 'integer' },
    period: { type: 'string' },
    schemaVersion: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    received: { type: 'object', additionalProperties: true },
  },
  additionalProperties: true,
} as const;
