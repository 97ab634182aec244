import { type RecordType } from '../../standard/record-types.js';
import { tableSpecs, type CanonicalRow } from '../table-specs.js';
import { mappings } from './mappings.js';
import { cleanText } from './text.js';

export interface NormaliseContext {
  /** The batch's reporting country (ISO 3166-1 alpha-2): the `country` of every row. */
  reportingCountry: string;
  /** The batch's reporting month, `YYYY-MM`. */
  period: string;
  /** The schema version the record arrived in. */
  schemaVersion: string;
}

/** A record's row in its table: the canonical columns plus what the batch says about it. */
export type NormalisedRow<T extends RecordType> = CanonicalRow<T> & {
  country: string;
  period: string;
  schema_version: string;
  is_void: boolean;
};

/**
 * A schema-valid record of the standard → the row of its table. Pure and total: it never throws on
 * a schema-valid record, and a field it cannot read becomes null (the record as received is stored
 * next to the row). A `void` record keeps only its key: it withdraws the record, it does not describe it.
 */
export function normaliseRecord<T extends RecordType>(
  recordType: T,
  record: Record<string, unknown>,
  ctx: NormaliseContext,
): NormalisedRow<T> {
  const isVoid = record.action === 'void';
  const row = canonicalRow(recordType, record, isVoid) as NormalisedRow<T>;
  row.country = ctx.reportingCountry.trim().toUpperCase();
  row.period = ctx.period;
  row.schema_version = ctx.schemaVersion;
  row.is_void = isVoid;
  return row;
}

/** The canonical columns alone (a fresh object); for a void, only the key (and the certificate's number). */
export function canonicalRow<T extends RecordType>(
  recordType: T,
  record: Record<string, unknown>,
  isVoid: boolean,
): CanonicalRow<T> {
  const full = mappings[recordType](record) as Record<string, unknown>;
  if (!isVoid) return full as CanonicalRow<T>;
  const spec = tableSpecs[recordType];
  for (const column of Object.keys(spec.columns)) {
    if (column !== spec.keyColumn) full[column] = null;
  }
  // A certificate's key is derived from its number; keep the number as written next to it.
  if (recordType === 'certificate') full.certificate_number = cleanText(record.certificateNumber);
  return full as CanonicalRow<T>;
}
