import type { RecordType } from '../standard/record-types.js';
import { copyJson, copyValue } from './copy-text.js';
import { canonicalRow } from './normalise/normalise-record.js';
import type { PersistItem } from './persist.js';
import { tableSpecs } from './table-specs.js';

/** One record of a chunk, normalised and encoded for COPY (text format). */
export interface EncodedRow {
  /** The record's position in its batch. */
  index: number;
  /** Its key (the table's key column, canonical). */
  key: string;
  isVoid: boolean;
  /** The record as received, as a jsonb field. */
  received: string;
  /** The canonical columns in table-spec order, each preceded by a tab. */
  values: string;
}

export interface EncodedChunk {
  rows: EncodedRow[];
  /** Positions in `rows` of the last occurrence of each key: the ones that can become current. */
  current: Set<number>;
  /** Whether every key occurs once in the chunk. */
  distinctKeys: boolean;
}

/** Normalises and encodes the valid records of one type; a record without a key is a bug upstream. */
export function encodeRows(recordType: RecordType, items: readonly PersistItem[]): EncodedChunk {
  const spec = tableSpecs[recordType];
  const columns = Object.keys(spec.columns);
  const lastOfKey = new Map<string, number>();
  const rows: EncodedRow[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const isVoid = item.action === 'void';
    const row = canonicalRow(recordType, item.record, isVoid) as Record<string, unknown>;
    const key = row[spec.keyColumn];
    if (typeof key !== 'string') {
      throw new Error(
        `record ${item.recordIndex} (${recordType}) has no key: only valid records can be stored`,
      );
    }
    // One flat string per row (a join), not a chain of concatenations kept alive until the COPY.
    const fields: string[] = new Array(columns.length + 1);
    fields[0] = '';
    for (let c = 0; c < columns.length; c++) fields[c + 1] = copyValue(row[columns[c]!]);
    rows[i] = {
      index: item.recordIndex,
      key,
      isVoid,
      received: copyJson(item.record),
      values: fields.join('\t'),
    };
    const seen = lastOfKey.get(key);
    if (seen === undefined || items[seen]!.recordIndex < item.recordIndex) lastOfKey.set(key, i);
  }
  return { rows, current: new Set(lastOfKey.values()), distinctKeys: lastOfKey.size === items.length };
}
