import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import type { RecordType } from '../standard/record-types.js';
import { copyField, copyJson, copyValue } from './copy-text.js';
import { canonicalRow } from './normalise/normalise-record.js';
import { applySql, copySql, prepareStageSql, renumberSql } from './persist-sql.js';
import { tableSpecs } from './table-specs.js';

export interface PersistBatch {
  id: string;
  /** batches.seq: arrival order. A later arrival wins over an earlier one for the same key. */
  seq: number;
  /** The reporting country. */
  country: string;
  period: string;
  schemaVersion: string;
}

export interface PersistItem {
  /** The record's position in its batch (with the batch id, the identity of a received record). */
  recordIndex: number;
  recordType: RecordType;
  action: 'upsert' | 'void';
  /** A schema-valid record of the standard, as submitted. */
  record: Record<string, unknown>;
}

/**
 * What storing a chunk did, per record type. `inserted`: a key seen for the first time;
 * `updated`: a new version replaced the current one; `voided`: a void applied (a tombstone when the
 * key was unknown); `unchanged`: nothing changed in the current view (the record was already stored,
 * as on a rerun, or a version that arrived later is already current).
 */
export interface PersistCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  voided: number;
}

interface ApplyResult {
  recorded: number;
  applied: number;
  inserted: number;
  updated: number;
  voided: number;
}

interface Statements {
  prepare: string;
  copy: string;
  apply: string;
  renumber: [string, string];
}

const statements = new Map<RecordType, Statements>();

// A decimal text marked to be written into JSON as a bare number: "\u0001N2.5" → 2.5.
const RAW = '\u0001N';
const RAW_JSON = /"\\u0001N(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)"/g;

function statementsFor(recordType: RecordType): Statements {
  let s = statements.get(recordType);
  if (s === undefined) {
    s = {
      prepare: prepareStageSql(recordType),
      copy: copySql(recordType),
      apply: applySql(recordType),
      renumber: renumberSql(recordType),
    };
    statements.set(recordType, s);
  }
  return s;
}

/**
 * Stores a chunk of valid records: every one into `record_history`, and the current version of each
 * key into its record type's table. Set-based, per record type: the normalised rows are streamed
 * with COPY into a session-local staging table, then ONE statement upserts the current rows and
 * inserts the history rows. Idempotent: rerunning the same chunk inserts and changes nothing.
 *
 * Run it inside the caller's transaction (READ COMMITTED), on a client of its own (COPY needs one):
 * the chunk's rows, issues and progress commit together.
 */
export async function persistRecords(
  client: pg.ClientBase,
  batch: PersistBatch,
  items: readonly PersistItem[],
): Promise<Partial<Record<RecordType, PersistCounts>>> {
  const byType = new Map<RecordType, PersistItem[]>();
  for (const item of items) {
    let list = byType.get(item.recordType);
    if (list === undefined) byType.set(item.recordType, (list = []));
    list.push(item);
  }
  const result: Partial<Record<RecordType, PersistCounts>> = {};
  for (const [recordType, list] of byType)
    result[recordType] = await persistType(client, batch, recordType, list);
  return result;
}

async function persistType(
  client: pg.ClientBase,
  batch: PersistBatch,
  recordType: RecordType,
  items: readonly PersistItem[],
): Promise<PersistCounts> {
  const spec = tableSpecs[recordType];
  const columns = Object.keys(spec.columns);
  const types: Readonly<Record<string, string>> = spec.columns;
  const numeric = new Set(columns.filter((c) => types[c] === 'numeric'));
  const sql = statementsFor(recordType);

  // Normalise and encode. The last occurrence of a key in the chunk is the one that can become current.
  const lastOfKey = new Map<string, number>();
  const rows: { index: number; isVoid: boolean; received: string; canonical: string; values: string }[] =
    new Array(items.length);
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
    // The typed columns for the table, and the same values as one JSON document (nulls left out) for history.
    let values = '';
    const canonical: Record<string, unknown> = {};
    for (const c of columns) {
      const value = row[c];
      values += `\t${copyValue(value)}`;
      // Exact decimals (mass_kg, metal_kg) go into the JSON as numbers, digit for digit (jsonb numbers are numeric).
      if (value !== null)
        canonical[c] = typeof value === 'string' && numeric.has(c) ? `${RAW}${value}` : value;
    }
    rows[i] = {
      index: item.recordIndex,
      isVoid,
      received: copyJson(item.record),
      canonical: copyField(JSON.stringify(canonical).replace(RAW_JSON, '$1')),
      values,
    };
    const seen = lastOfKey.get(key);
    if (seen === undefined || items[seen]!.recordIndex < item.recordIndex) lastOfKey.set(key, i);
  }
  const current = new Set(lastOfKey.values());
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    lines[i] =
      `${r.index}\t${current.has(i) ? 't' : 'f'}\t${r.isVoid ? 't' : 'f'}\t${r.received}\t${r.canonical}${r.values}\n`;
  }

  await client.query(sql.prepare);
  await pipeline(Readable.from(blocks(lines)), client.query(copyFrom(sql.copy)));
  const { rows: out } = await client.query<ApplyResult>(sql.apply, [
    batch.id,
    recordType,
    batch.country,
    batch.seq,
    batch.schemaVersion,
    batch.period,
  ]);
  const r = out[0]!;
  // Every newly recorded version applied (the normal case)? If not — a late older arrival, a key
  // twice in the chunk — their versions are provisional: renumber the chunk's keys in arrival order.
  if (r.recorded !== r.applied) {
    const keys = [...lastOfKey.keys()];
    await client.query(sql.renumber[0], [recordType, batch.country, keys]);
    await client.query(sql.renumber[1], [batch.country, keys]);
  }
  return {
    inserted: r.inserted,
    updated: r.updated,
    voided: r.voided,
    unchanged: items.length - r.inserted - r.updated - r.voided,
  };
}

/** The COPY lines in blocks of ~1000, so a large chunk is never one giant string. */
function* blocks(lines: readonly string[]): Generator<string> {
  for (let i = 0; i < lines.length; i += 1000) yield lines.slice(i, i + 1000).join('');
}
