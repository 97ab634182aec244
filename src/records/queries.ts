import type { Queryable } from '../db/pool.js';
import { certificateKey, type RecordType } from '../standard/record-types.js';
import { InvalidCursorError, UnsupportedFilterError } from './errors.js';
import { canonicalRow } from './normalise/normalise-record.js';
import { q } from './persist-sql.js';
import { tableSpecs, type CanonicalRow } from './table-specs.js';

/** Filters of `GET /v1/records/{recordType}`. All optional; they combine with AND. */
export interface RecordFilters {
  /** Reporting country (a submitter's own; the API sets it). */
  country?: string;
  /** Reporting month of the batch the current version came from, `YYYY-MM`. */
  period?: string;
  /** Records whose current version came from this batch. */
  batchId?: string;
  /** The record's key (certificate numbers in any spacing/case). */
  key?: string;
  /** Include voided records (tombstones). @defaultValue false */
  includeVoid?: boolean;
  /** Current versions stored at or after this instant (ISO 8601). */
  updatedSince?: string | Date;
  /** lot, export, import, certificate: `mineral`; mineSite, licence: one of `minerals`. */
  mineral?: string;
  /** export, certificate: destination; import: origin. */
  partnerCountry?: string;
  /** export, import, certificate: the certificate, compared in normal form. */
  certificateNumber?: string;
  /** mineSite: certification status; certificate: status; inspection: result; actor: audit flag. */
  status?: string;
}

export interface PageRequest {
  /** Rows per page, 1..1000. @defaultValue 100 */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
}

export interface StoredRecord<T extends RecordType = RecordType> {
  recordType: T;
  country: string;
  key: string;
  version: number;
  isVoid: boolean;
  batch: { id: string; seq: number; recordIndex: number; period: string };
  schemaVersion: string;
  createdAt: string;
  updatedAt: string;
  /** The canonical columns (snake_case, as in the table). */
  canonical: CanonicalRow<T>;
  /** The record exactly as received. */
  received: unknown;
}

export interface RecordPage<T extends RecordType = RecordType> {
  items: StoredRecord<T>[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

type FilterName = 'mineral' | 'partnerCountry' | 'certificateNumber' | 'status';

/** Which column each type-specific filter reads; `[]` marks an array column (`= ANY`). */
const typeFilters: { [T in RecordType]: Partial<Record<FilterName, string>> } = {
  mineSite: { mineral: 'minerals[]', status: 'certification_status' },
  actor: { status: 'audit_flag' },
  licence: { mineral: 'minerals[]' },
  inspection: { status: 'result' },
  lot: { mineral: 'mineral' },
  custodyTransfer: {},
  export: { mineral: 'mineral', partnerCountry: 'destination_country', certificateNumber: 'certificate_key' },
  import: { mineral: 'mineral', partnerCountry: 'origin_country', certificateNumber: 'certificate_key' },
  certificate: {
    mineral: 'mineral',
    partnerCountry: 'destination_country',
    certificateNumber: 'certificate_key',
    status: 'status',
  },
};

/** The key of a record as stored, from what a client typed. */
export function storedKey(recordType: RecordType, key: string): string {
  return recordType === 'certificate' ? certificateKey(key) : key.trim().normalize('NFC');
}

/**
 * The current records of one type, filtered, in (country, key) order, paged by keyset: each page
 * continues after the last (country, key) of the previous one, so pages stay stable and cheap however
 * deep. Voided records are left out unless `includeVoid`.
 */
export async function listRecords<T extends RecordType>(
  db: Queryable,
  recordType: T,
  filters: RecordFilters = {},
  page: PageRequest = {},
): Promise<RecordPage<T>> {
  const spec = tableSpecs[recordType];
  const key = q(spec.keyColumn);
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? 100), 1), 1000);
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown, cast: string) => {
    values.push(value);
    return `$${values.length}::${cast}`;
  };

  if (filters.country !== undefined)
    where.push(`t.country = ${param(filters.country.toUpperCase(), 'char(2)')}`);
  if (filters.period !== undefined) where.push(`t.period = ${param(filters.period, 'char(7)')}`);
  if (filters.batchId !== undefined) where.push(`t.batch_id = ${param(filters.batchId, 'uuid')}`);
  if (filters.key !== undefined)
    where.push(`t.${key} = ${param(storedKey(recordType, filters.key), 'text')}`);
  if (!filters.includeVoid) where.push('NOT t.is_void');
  if (filters.updatedSince !== undefined) {
    where.push(`t.updated_at >= ${param(new Date(filters.updatedSince).toISOString(), 'timestamptz')}`);
  }
  for (const name of ['mineral', 'partnerCountry', 'certificateNumber', 'status'] as const) {
    const raw = filters[name];
    if (raw === undefined) continue;
    const column = typeFilters[recordType][name];
    if (column === undefined) throw new UnsupportedFilterError(recordType, name);
    const value =
      name === 'certificateNumber'
        ? certificateKey(raw)
        : name === 'partnerCountry'
          ? raw.trim().toUpperCase()
          : raw.trim().toLowerCase();
    if (column.endsWith('[]')) where.push(`${param(value, 'text')} = ANY(t.${q(column.slice(0, -2))})`);
    else if (name === 'partnerCountry') where.push(`t.${q(column)} = ${param(value, 'char(2)')}`);
    else where.push(`t.${q(column)} = ${param(value, 'text')}`);
  }
  if (page.cursor) {
    const [country, after] = decodeCursor(page.cursor, recordType);
    where.push(`(t.country, t.${key}) > (${param(country, 'char(2)')}, ${param(after, 'text')})`);
  }
  const sql = `SELECT t.* FROM ${q(spec.table)} t
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY t.country, t.${key}
    LIMIT ${limit + 1}`;
  const { rows } = await db.query<Record<string, unknown>>(sql, values);
  const items = rows.slice(0, limit).map((row) => toStoredRecord(recordType, row));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(recordType, last.country, last.key) : null,
  };
}

/** One version of a record. */
export interface HistoryEntry {
  version: number;
  action: 'upsert' | 'void';
  batch: { id: string; seq: number; recordIndex: number; period: string };
  schemaVersion: string;
  /** When this version was stored. */
  recordedAt: string;
  /**
   * The canonical columns of that version (nulls left out): what the hub's normalisation makes of
   * `received` (the same function that filled the columns when the version was current).
   */
  canonical: Record<string, unknown>;
  received: unknown;
}

/**
 * Every version of one record ever received, oldest first (version 1, 2, …: arrival order): the
 * superseded versions in `record_history` and the current row of the record's table.
 */
export async function recordHistory(
  db: Queryable,
  recordType: RecordType,
  country: string,
  key: string,
): Promise<HistoryEntry[]> {
  const spec = tableSpecs[recordType];
  const { rows } = await db.query<{
    version: number;
    action: 'upsert' | 'void';
    batch_id: string;
    batch_seq: string | number;
    record_index: number;
    period: string;
    schema_version: string;
    recorded_at: Date;
    received: Record<string, unknown>;
  }>(
    `SELECT h.version, h.action, h.batch_id, h.batch_seq, h.record_index, b.period, h.schema_version,
            h.recorded_at, h.received
       FROM record_history h
       JOIN batches b ON b.id = h.batch_id
      WHERE h.record_type = $1::text AND h.country = $2::char(2) AND h.key = $3::text
     UNION ALL
     SELECT t.version, CASE WHEN t.is_void THEN 'void' ELSE 'upsert' END, t.batch_id, t.batch_seq,
            t.record_index, t.period, t.schema_version, t.updated_at, t.received
       FROM ${q(spec.table)} t
      WHERE t.country = $2::char(2) AND t.${q(spec.keyColumn)} = $3::text
      ORDER BY batch_seq, record_index`,
    [recordType, country.toUpperCase(), storedKey(recordType, key)],
  );
  return rows.map((r) => ({
    version: r.version,
    action: r.action,
    batch: { id: r.batch_id, seq: Number(r.batch_seq), recordIndex: r.record_index, period: r.period },
    schemaVersion: r.schema_version,
    recordedAt: r.recorded_at.toISOString(),
    canonical: versionCanonical(recordType, r.received, r.action === 'void'),
    received: r.received,
  }));
}

/**
 * The canonical columns of a stored version, from the record as received (nulls left out; exact
 * decimals as JSON numbers, as the API shows them). History keeps `received` only: this is the
 * normalisation persistence applied to it.
 */
export function versionCanonical(
  recordType: RecordType,
  received: Record<string, unknown>,
  isVoid: boolean,
): Record<string, unknown> {
  const row = canonicalRow(recordType, received, isVoid) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [column, type] of Object.entries(tableSpecs[recordType].columns)) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    out[column] = type === 'numeric' && typeof value === 'string' ? Number(value) : value;
  }
  return out;
}

/** A table row → the API's shape: bookkeeping apart, canonical columns together. */
export function toStoredRecord<T extends RecordType>(
  recordType: T,
  row: Record<string, unknown>,
): StoredRecord<T> {
  const spec = tableSpecs[recordType];
  const canonical: Record<string, unknown> = {};
  for (const column of Object.keys(spec.columns)) {
    const value = row[column];
    canonical[column] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return {
    recordType,
    country: String(row.country),
    key: String(row[spec.keyColumn]),
    version: Number(row.version),
    isVoid: Boolean(row.is_void),
    batch: {
      id: String(row.batch_id),
      seq: Number(row.batch_seq),
      recordIndex: Number(row.record_index),
      period: String(row.period),
    },
    schemaVersion: String(row.schema_version),
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
    canonical: canonical as CanonicalRow<T>,
    received: row.received,
  };
}

function encodeCursor(recordType: RecordType, country: string, key: string): string {
  return Buffer.from(JSON.stringify([recordType, country, key]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, recordType: RecordType): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      value[0] === recordType &&
      typeof value[1] === 'string' &&
      typeof value[2] === 'string'
    ) {
      return [value[1], value[2]];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}
