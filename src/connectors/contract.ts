/**
 * The connector contract. A connector KIND (http-json, file) knows how to reach one sort of source
 * and read rows from it; a MAPPING (src/connectors/mapping) turns those rows into standard records.
 * An INSTANCE (phase B, stored in Postgres) is a kind + a mapping + a configuration + secrets for one
 * member state.
 *
 * The read is incremental and resumable, in the manner of Airbyte/Singer: it yields pages, and each
 * page carries the cursor to store once that page's records are safely stored. Storing the cursor in
 * the same transaction as the batch made from the page is what makes a run exactly-once (phase B);
 * a kind's job is to make that cursor never skip a row (composite (updatedAt, id) cursor, a lookback
 * window that re-reads recent rows; re-read rows are harmless since records are upserted by key and
 * batches are idempotent).
 */
import type { Logger } from '../logger.js';

/** A JSON value (what a cursor, a config or a row may contain once serialised). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON Schema (draft 2020-12) document, as plain data. */
export type JsonSchema = Record<string, unknown>;

/**
 * Where a kind is in its source; opaque to everything but the kind. JSON-serialisable, so that it
 * can be stored in a jsonb column. `null` means "from the beginning".
 */
export type Cursor = { [key: string]: JsonValue };

/** One row read from a source, before mapping. */
export interface SourceRow {
  /**
   * Which stream of the source the row belongs to: a file name (CSV), a sheet name (XLSX) or a
   * resource name (API). The mapping picks its source (and so the record type) from it.
   */
  stream: string;
  /**
   * The row's number as the source's user counts it: in a file, the spreadsheet row (header = row 1);
   * for an API, the position in this read (1, 2, …).
   */
  rowNumber: number;
  /** The row's fields: column header → cell value (files), or the item as the API sent it. */
  data: Record<string, unknown>;
  /** The file the row came from. */
  file?: string;
  /** The sheet the row came from (workbooks). */
  sheet?: string;
  /** The source system's id of the row (API rows), for reports. */
  sourceId?: string;
  /**
   * Set by the reader when the row is broken in a way the mapping must not paper over (more cells
   * than headers: a delimiter inside an unquoted value). The row is reported, not mapped.
   */
  malformed?: string;
}

/** One page of a read: rows, and the cursor to store after they are stored. */
export interface Page {
  rows: SourceRow[];
  /** Store this once the records of `rows` are stored (same transaction); never ahead of them. */
  cursor: Cursor | null;
}

/** A file handed to the file kind (an upload, or a file of a watched folder read by the kind). */
export interface FileInput {
  /** The file name as uploaded (used to pick the mapping source, e.g. "sites_2026-03.csv"). */
  name: string;
  data: Buffer;
}

/** What every kind's operations receive besides config, secrets and cursor. */
export interface ConnectorContext {
  logger: Logger;
  /** Cancels the run (shutdown, "stop" from the console); kinds pass it to every request. */
  signal?: AbortSignal;
  /** The clock (tests freeze it). */
  now?: () => Date;
  /** Random in [0, 1), for backoff jitter (tests make it deterministic). */
  random?: () => number;
  /** Waits ms milliseconds or until the signal aborts (tests make it instant). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What `read` receives: the context plus, for uploads, the files. */
export interface ReadContext extends ConnectorContext {
  /** Uploaded files (the file kind with `source.type: "upload"`). */
  files?: FileInput[];
}

/** The answer of `check`: can we reach the source and are the credentials accepted. */
export interface CheckResult {
  ok: boolean;
  /** `ok`, or what failed first. */
  status: 'ok' | 'unreachable' | 'auth_failed' | 'bad_response' | 'bad_config' | 'not_found';
  message: string;
  messageFr: string;
  /** Milliseconds the probe took, when a request was made. */
  latencyMs?: number;
  /** The connector error behind a failure, without secrets. */
  error?: { code: string; retryable: boolean; status?: number };
  /** Kind-specific facts (e.g. the files found in a watched folder). */
  details?: Record<string, JsonValue>;
}

/** A kind of connector. `C` is its configuration, `S` its secrets. */
export interface ConnectorKind<C = unknown, S = unknown> {
  /** Stable name stored with every instance: "http-json", "file". */
  readonly name: string;
  readonly title: string;
  /** JSON Schema of the non-secret configuration (stored in the clear, shown in the console). */
  readonly configSchema: JsonSchema;
  /**
   * JSON Schema of the secrets (tokens, passwords), stored apart, encrypted, never logged and never
   * returned by the API; `check` and `read` receive them, nothing else does.
   */
  readonly secretsSchema: JsonSchema;
  /** Reachable, credentials accepted, answers look like what we expect. Never throws. */
  check(config: C, secrets: S, ctx: ConnectorContext): Promise<CheckResult>;
  /**
   * Reads everything after `cursor`, page by page. Each page's cursor is what to store after the
   * page is stored; a run that stops half-way resumes from the last stored cursor without skipping
   * a row. Throws ConnectorError (retryable or not) when it cannot go on.
   */
  read(config: C, secrets: S, cursor: Cursor | null, ctx: ReadContext): AsyncIterable<Page>;
}

/** A kind with its types forgotten, as kept in the registry. */
export type AnyConnectorKind = ConnectorKind<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
