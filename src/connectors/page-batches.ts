/**
 * From a mapped page to batches of the standard: one batch per reporting month (a page of an API
 * may span months), an envelope naming the connector, and an idempotency key derived from the
 * instance, the page's cursors and the content — so the same page read again (a replay, a resumed
 * run) is the same batch, and a page whose content differs is never mistaken for a stored one.
 * Pure functions: the runner (runner.ts) does the I/O.
 */
import { createHash } from 'node:crypto';

import canonicalize from 'canonicalize';

import { eventDateFields } from '../standard/semantic-checks.js';
import { isRecordType, recordKey, type RecordType } from '../standard/record-types.js';
import type { Cursor } from './contract.js';
import type { MappedRecord, RowOrigin } from './mapping/runtime.js';

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])/;
const NAME_PERIOD = /(?:^|[^\d])((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])(?!\d)/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Canonical JSON (RFC 8785): the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? 'null';
}

/** The month a file or sheet name speaks of ("sites_2026-03.csv", "ug-rmd-202603.xlsx"). */
export function periodInName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const m = NAME_PERIOD.exec(name);
  return m ? `${m[1]}-${m[2]}` : undefined;
}

/** How to place records that carry no event date (sites, actors, licences). */
export interface PeriodRules {
  /** The month the run was told (an upload naming its period); wins over the rules below. */
  period?: string | null;
  /** The month of the source row's update time (API rows), if the runner can tell it. */
  rowPeriod?: (origin: RowOrigin) => string | undefined;
  /** Last resort: the run's month (stored with the run, so a replay places them alike). */
  hint: string;
}

/**
 * The reporting month of a record: the month of its event date (lot registered, export shipped…,
 * the date the standard compares with the batch period), else the rules for undated records.
 */
export function periodOf(record: MappedRecord, origin: RowOrigin, rules: PeriodRules): string {
  const field = isRecordType(record.recordType) ? eventDateFields[record.recordType] : undefined;
  if (field) {
    const value = record[field];
    const m = typeof value === 'string' ? PERIOD.exec(value) : null;
    if (m) return `${m[1]}-${m[2]}`;
  }
  return (
    rules.period ??
    periodInName(origin.file) ??
    periodInName(origin.sheet) ??
    rules.rowPeriod?.(origin) ??
    rules.hint
  );
}

/** The records of one page that fall in one month. */
export interface PagePart {
  period: string;
  records: MappedRecord[];
  origins: RowOrigin[];
}

/** Splits a page's records by month (months in order; records keep their order within a month). */
export function splitByPeriod(records: MappedRecord[], origins: RowOrigin[], rules: PeriodRules): PagePart[] {
  const parts = new Map<string, PagePart>();
  for (let i = 0; i < records.length; i++) {
    const period = periodOf(records[i]!, origins[i]!, rules);
    let part = parts.get(period);
    if (!part) parts.set(period, (part = { period, records: [], origins: [] }));
    part.records.push(records[i]!);
    part.origins.push(origins[i]!);
  }
  return [...parts.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}

/** Where a page sits in the source: the cursors around it, and its rank among pages between them. */
export interface PagePosition {
  before: Cursor | null;
  after: Cursor | null;
  /** Pages read before this one with the same `before` (a kind whose cursor moves only at the end). */
  ordinal: number;
}

/**
 * The Idempotency-Key of a page's batch for one month. Same instance, same cursors, same content →
 * same key → the stored batch (a replay yields the same batch); anything else → a new key.
 */
export function pageBatchKey(
  instanceId: string,
  pos: PagePosition,
  period: string,
  docSha256: string,
): string {
  const h = sha256(
    canonicalJson({ before: pos.before, after: pos.after, ordinal: pos.ordinal, period, doc: docSha256 }),
  );
  return `connector:${instanceId}:${h.slice(0, 40)}`;
}

/** sha256 of a record's canonical JSON: what "the same record" means for re-read rows. */
export function recordDigest(record: MappedRecord): string {
  return sha256(canonicalJson(record));
}

/** A record's identity under its reporting country, when it has one. */
export function identityOf(record: MappedRecord): { type: RecordType; key: string } | undefined {
  if (!isRecordType(record.recordType)) return undefined;
  const key = recordKey(record.recordType, record);
  return key === undefined ? undefined : { type: record.recordType, key };
}

/**
 * Keeps the last record of each key within a part (a row read twice in one page, its newer version
 * last), so a batch never repeats a key because of the read.
 */
export function lastPerKey(part: PagePart): PagePart {
  const seen = new Map<string, number>();
  part.records.forEach((r, i) => {
    const id = identityOf(r);
    if (id) seen.set(`${id.type}\0${id.key}`, i);
  });
  if (seen.size === part.records.length) return part;
  const keep = part.records.map((r, i) => {
    const id = identityOf(r);
    return !id || seen.get(`${id.type}\0${id.key}`) === i;
  });
  return {
    period: part.period,
    records: part.records.filter((_, i) => keep[i]),
    origins: part.origins.filter((_, i) => keep[i]),
  };
}

export interface EnvelopeFacts {
  country: string;
  schemaVersion: string;
  acceptance: 'partial' | 'all-or-nothing';
  /** The connector as the batch's source system. */
  system: string;
  version: string;
}

/** The batch document of the standard for a part. */
export function batchDocument(env: EnvelopeFacts, period: string, records: MappedRecord[]) {
  return {
    schemaVersion: env.schemaVersion,
    reportingCountry: env.country,
    period,
    acceptance: env.acceptance,
    source: { system: env.system, version: env.version },
    records,
  };
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Compact origin of a record, as kept with the run's batches: [stream, row, file, sheet, sourceId]. */
export function compactOrigin(o: RowOrigin): (string | number | null)[] {
  return [o.stream, o.rowNumber, o.file ?? null, o.sheet ?? null, o.sourceId ?? null];
}
