/**
 * The `http-json` kind: a national database's paged REST API that can list items updated since a
 * time. Incremental, with a composite cursor (updatedAt, id) per stream so that rows sharing a
 * timestamp are never skipped, and a lookback window that re-reads recent rows (a row committed late
 * with an older timestamp is still picked up; re-reading is harmless, records being upserted by key).
 *
 * Pagination styles:
 * - `keyset` (recommended; the API must accept `updated_since` inclusively and sort by (updated, id)):
 *   every request asks from the last timestamp seen; rows already seen (same timestamp, id ≤ last id)
 *   are dropped; when a whole page shares one timestamp, the next page of that timestamp is asked.
 *   Rows changing during the run cannot shift pages and make us skip one.
 * - `page`: page/limit with a fixed `updated_since` for the run.
 * - `next-link`: follow the `next` link of each answer (body path or Link header).
 */
import type {
  CheckResult,
  ConnectorContext,
  ConnectorKind,
  Cursor,
  JsonSchema,
  Page,
  ReadContext,
  SourceRow,
} from '../contract.js';
import { classifyError, classifyStatus, ConnectorError, redactSecrets } from '../errors.js';
import { withRetry, type RetryPolicy } from '../retry.js';

export interface HttpJsonStream {
  /** The stream name rows carry (the mapping source matches on it), e.g. "lots". */
  name: string;
  /** Path of the resource, relative to baseUrl, e.g. "lots". */
  path: string;
  /** Extra query parameters for this resource. */
  query?: Record<string, string>;
}

export interface HttpJsonConfig {
  /** Base URL of the API, e.g. "https://rmd.example.gov.rw/api/v1/". */
  baseUrl: string;
  streams: HttpJsonStream[];
  /** Dotted path of the items array in an answer; "" when the answer is the array. @defaultValue "data" */
  recordsPath?: string;
  pagination?: {
    /** @defaultValue "keyset" */
    style?: 'keyset' | 'page' | 'next-link';
    /** @defaultValue "page" */
    pageParam?: string;
    /** @defaultValue "limit" */
    limitParam?: string;
    /** Items per page asked for. @defaultValue 100 */
    limit?: number;
    /** Number of the first page. @defaultValue 1 */
    firstPage?: number;
    /** Dotted path of the next link in an answer (next-link style); the Link header is used otherwise. @defaultValue "links.next" */
    nextLinkPath?: string;
  };
  cursor?: {
    /** Query parameter of the lower bound. @defaultValue "updated_since" */
    sinceParam?: string;
    /** Dotted path of the update timestamp in an item. @defaultValue "updated_at" */
    updatedAtField?: string;
    /** Dotted path of the item id. @defaultValue "id" */
    idField?: string;
    /** Seconds re-read before the stored cursor on every run. @defaultValue 300 */
    lookbackSeconds?: number;
    /** The API filters with > instead of ≥: ask from 1 ms earlier. @defaultValue false */
    exclusive?: boolean;
    /**
     * The API sorts items by (updated, id) ascending, so the cursor may advance after every page;
     * otherwise it advances only when a stream is read to the end. @defaultValue true
     */
    ordered?: boolean;
  };
  auth?: { type: 'none' | 'bearer' | 'basic' };
  /** Per-request timeout, body included. @defaultValue 15000 */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Extra request headers (not secrets: those go in the secrets). */
  headers?: Record<string, string>;
  /** Stop a run after this many requests per stream; the next run goes on from the cursor. @defaultValue 10000 */
  maxRequestsPerStream?: number;
}

export interface HttpJsonSecrets {
  /** Bearer token (auth.type "bearer"). */
  token?: string;
  /** Basic auth (auth.type "basic"). */
  username?: string;
  password?: string;
}

/** The cursor: per stream, the (updatedAt, id) of the last row read in order. */
export interface HttpJsonCursor extends Cursor {
  streams: { [stream: string]: { updatedAt: string; id: string } };
}

const configSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'http-json connector configuration',
  type: 'object',
  required: ['baseUrl', 'streams'],
  additionalProperties: false,
  properties: {
    baseUrl: { type: 'string', pattern: '^https?://' },
    streams: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'path'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          path: { type: 'string', minLength: 1 },
          query: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
    recordsPath: { type: 'string' },
    pagination: {
      type: 'object',
      additionalProperties: false,
      properties: {
        style: { enum: ['keyset', 'page', 'next-link'] },
        pageParam: { type: 'string', minLength: 1 },
        limitParam: { type: 'string', minLength: 1 },
        limit: { type: 'integer', minimum: 1, maximum: 10000 },
        firstPage: { type: 'integer', minimum: 0 },
        nextLinkPath: { type: 'string' },
      },
    },
    cursor: {
      type: 'object',
      additionalProperties: false,
      properties: {
        sinceParam: { type: 'string', minLength: 1 },
        updatedAtField: { type: 'string', minLength: 1 },
        idField: { type: 'string', minLength: 1 },
        lookbackSeconds: { type: 'integer', minimum: 0, maximum: 31_536_000 },
        exclusive: { type: 'boolean' },
        ordered: { type: 'boolean' },
      },
    },
    auth: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: { type: { enum: ['none', 'bearer', 'basic'] } },
    },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 600_000 },
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
        baseDelayMs: { type: 'integer', minimum: 0 },
        maxDelayMs: { type: 'integer', minimum: 0 },
      },
    },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    maxRequestsPerStream: { type: 'integer', minimum: 1 },
  },
};

const secretsSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'http-json connector secrets',
  type: 'object',
  additionalProperties: false,
  properties: {
    token: { type: 'string', minLength: 1, writeOnly: true },
    username: { type: 'string', minLength: 1 },
    password: { type: 'string', minLength: 1, writeOnly: true },
  },
};

/** Reads a dotted path ("links.next") in a JSON value. */
export function getPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let v = value;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** A position in a stream: epoch ms of the update, and the id. */
interface Key {
  ms: number;
  id: string;
}

const NUMERIC = /^\d+$/;

/** Orders ids as the API does: numerically when both are whole numbers, else by code units. */
function compareIds(a: string, b: string): number {
  if (NUMERIC.test(a) && NUMERIC.test(b)) {
    if (a.length !== b.length) return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareKeys(a: Key, b: Key): number {
  return a.ms - b.ms || compareIds(a.id, b.id);
}

function authHeaders(config: HttpJsonConfig, secrets: HttpJsonSecrets): Record<string, string> {
  const type = config.auth?.type ?? 'none';
  if (type === 'bearer') {
    if (!secrets.token)
      throw new ConnectorError('RMDX_CONN_BAD_CONFIG', 'auth is "bearer" but no token is stored');
    return { authorization: `Bearer ${secrets.token}` };
  }
  if (type === 'basic') {
    if (!secrets.username || secrets.password === undefined) {
      throw new ConnectorError(
        'RMDX_CONN_BAD_CONFIG',
        'auth is "basic" but no username and password are stored',
      );
    }
    const b64 = Buffer.from(`${secrets.username}:${secrets.password}`).toString('base64');
    return { authorization: `Basic ${b64}` };
  }
  return {};
}

/** Configured extra headers, without the ones only secrets may set. */
function plainHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (!/^(authorization|proxy-authorization|cookie)$/i.test(k)) out[k] = v;
  }
  return out;
}

/** The `next` URL of a Link header, if any. */
function linkNext(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

interface Answer {
  body: unknown;
  headers: Headers;
}

/** One GET with a timeout; errors classified; secrets never in messages. */
async function getJson(
  url: URL,
  config: HttpJsonConfig,
  secrets: HttpJsonSecrets,
  ctx: ConnectorContext,
): Promise<Answer> {
  const timeout = AbortSignal.timeout(config.timeoutMs ?? 15_000);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  const shown = `GET ${url.pathname}${url.search}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: {
        accept: 'application/json',
        ...plainHeaders(config.headers),
        ...authHeaders(config, secrets),
      },
      signal,
    });
  } catch (err) {
    throw classifyError(err, shown);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw classifyError(err, `${shown} (reading the answer)`);
  }
  if (!res.ok) {
    const { code, retryable } = classifyStatus(res.status);
    const excerpt = redactSecrets(text.slice(0, 300), secrets).replace(/\s+/g, ' ').trim();
    const retryAfter = Number(res.headers.get('retry-after'));
    const advice =
      code === 'RMDX_CONN_AUTH_FAILED'
        ? '; the credentials were refused: not retried, check the token or password stored for this connector'
        : retryable
          ? ''
          : '; not retried';
    throw new ConnectorError(
      code,
      `${shown} answered ${res.status}${excerpt ? `: ${excerpt}` : ''}${advice}`,
      {
        status: res.status,
        retryable,
        ...(Number.isFinite(retryAfter) && retryAfter >= 0 && { retryAfterSeconds: retryAfter }),
      },
    );
  }
  try {
    return { body: JSON.parse(text), headers: res.headers };
  } catch (err) {
    throw new ConnectorError(
      'RMDX_CONN_BAD_RESPONSE',
      `${shown} answered ${res.status} with something that is not JSON`,
      {
        cause: err,
        status: res.status,
      },
    );
  }
}

function itemsOf(body: unknown, config: HttpJsonConfig, url: URL): unknown[] {
  const items = getPath(body, config.recordsPath ?? 'data');
  if (!Array.isArray(items)) {
    throw new ConnectorError(
      'RMDX_CONN_BAD_RESPONSE',
      `GET ${url.pathname}: the answer has no array at "${config.recordsPath ?? 'data'}"`,
    );
  }
  return items;
}

function streamUrl(config: HttpJsonConfig, stream: HttpJsonStream): URL {
  const base = config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`;
  const url = new URL(stream.path.replace(/^\//, ''), base);
  for (const [k, v] of Object.entries(stream.query ?? {})) url.searchParams.set(k, v);
  return url;
}

async function check(
  config: HttpJsonConfig,
  secrets: HttpJsonSecrets,
  ctx: ConnectorContext,
): Promise<CheckResult> {
  const stream = config.streams[0]!;
  const url = streamUrl(config, stream);
  const p = config.pagination ?? {};
  if ((p.style ?? 'keyset') !== 'next-link') url.searchParams.set(p.limitParam ?? 'limit', '1');
  const started = Date.now();
  try {
    const answer = await withRetry(`check ${stream.name}`, { ...config.retry, maxAttempts: 2 }, ctx, () =>
      getJson(url, config, secrets, ctx),
    );
    itemsOf(answer.body, config, url);
    return {
      ok: true,
      status: 'ok',
      message: `reached ${url.host} and read "${stream.name}"; credentials accepted`,
      messageFr: `${url.host} joint et « ${stream.name} » lu ; identifiants acceptés`,
      latencyMs: Date.now() - started,
    };
  } catch (err) {
    const e = classifyError(err);
    const status: CheckResult['status'] =
      e.code === 'RMDX_CONN_AUTH_FAILED'
        ? 'auth_failed'
        : e.code === 'RMDX_CONN_BAD_CONFIG'
          ? 'bad_config'
          : e.status === 404
            ? 'not_found'
            : e.retryable
              ? 'unreachable'
              : 'bad_response';
    const fr: Record<CheckResult['status'], string> = {
      ok: 'joint',
      auth_failed: 'identifiants refusés par la source',
      bad_config: 'configuration incomplète',
      not_found: 'ressource introuvable sur la source',
      unreachable: 'source injoignable ou en erreur',
      bad_response: 'réponse illisible de la source',
    };
    return {
      ok: false,
      status,
      message: redactSecrets(e.message, secrets),
      messageFr: `${fr[status]} : ${redactSecrets(e.message, secrets)}`,
      latencyMs: Date.now() - started,
      error: { code: e.code, retryable: e.retryable, ...(e.status !== undefined && { status: e.status }) },
    };
  }
}

function parseCursor(cursor: Cursor | null): HttpJsonCursor {
  const streams: HttpJsonCursor['streams'] = {};
  const raw = (cursor as { streams?: unknown } | null)?.streams;
  if (raw && typeof raw === 'object') {
    for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
      const c = v as { updatedAt?: unknown; id?: unknown };
      if (
        typeof c?.updatedAt === 'string' &&
        !Number.isNaN(Date.parse(c.updatedAt)) &&
        typeof c.id === 'string'
      ) {
        streams[name] = { updatedAt: c.updatedAt, id: c.id };
      } else {
        throw new ConnectorError(
          'RMDX_CONN_BAD_CONFIG',
          `the stored cursor of stream "${name}" is not valid`,
        );
      }
    }
  }
  return { streams };
}

async function* read(
  config: HttpJsonConfig,
  secrets: HttpJsonSecrets,
  cursor: Cursor | null,
  ctx: ReadContext,
): AsyncGenerator<Page> {
  const state = parseCursor(cursor);
  const p = config.pagination ?? {};
  const style = p.style ?? 'keyset';
  const limit = p.limit ?? 100;
  const firstPage = p.firstPage ?? 1;
  const pageParam = p.pageParam ?? 'page';
  const limitParam = p.limitParam ?? 'limit';
  const c = config.cursor ?? {};
  const sinceParam = c.sinceParam ?? 'updated_since';
  const updatedAtField = c.updatedAtField ?? 'updated_at';
  const idField = c.idField ?? 'id';
  const lookbackMs = (c.lookbackSeconds ?? 300) * 1000;
  const maxRequests = config.maxRequestsPerStream ?? 10_000;
  let rowNumber = 0;

  const snapshot = (): HttpJsonCursor => ({ streams: { ...state.streams } });
  // Rows that did not move a cursor (re-read in the lookback window) ride with the next page that
  // does, so that a run failing after every page still makes progress from run to run.
  let carry: SourceRow[] = [];

  for (const stream of config.streams) {
    const log = ctx.logger.child({ stream: stream.name });
    const stored = state.streams[stream.name];
    const storedKey: Key | undefined = stored
      ? { ms: Date.parse(stored.updatedAt), id: stored.id }
      : undefined;
    let ordered = c.ordered ?? true;
    let since: number | undefined = storedKey ? storedKey.ms - lookbackMs : undefined;
    let page = firstPage;
    let nextUrl: URL | undefined;
    let last: Key | undefined; // last row emitted in order (keyset filter)
    let max: Key | undefined = storedKey; // highest position read
    let previous: Key | undefined; // previous item, to check the order
    let warnedNoKey = false;
    let largestPageSeen = 0;

    for (let request = 1; ; request++) {
      if (request > maxRequests) {
        log.warn({ maxRequests }, 'request limit of the run reached; the next run goes on from the cursor');
        break;
      }
      let url: URL;
      if (nextUrl) url = nextUrl;
      else {
        url = streamUrl(config, stream);
        if (since !== undefined) {
          url.searchParams.set(sinceParam, new Date(since - (c.exclusive ? 1 : 0)).toISOString());
        }
        if (style !== 'next-link') {
          url.searchParams.set(pageParam, String(page));
          url.searchParams.set(limitParam, String(limit));
        }
      }
      const answer = await withRetry(`GET ${url.pathname}${url.search}`, config.retry, ctx, () =>
        getJson(url, config, secrets, ctx),
      );
      const items = itemsOf(answer.body, config, url);
      const largestPage = Math.max(largestPageSeen, items.length);
      largestPageSeen = largestPage;
      // Each keyset request starts again at `since`: the order is checked within one answer.
      if (style === 'keyset') previous = undefined;

      const rows: SourceRow[] = [];
      let pageMax: Key | undefined;
      for (const item of items) {
        if (!item || typeof item !== 'object' || Array.isArray(item)) {
          throw new ConnectorError('RMDX_CONN_BAD_RESPONSE', `GET ${url.pathname}: an item is not an object`);
        }
        const ms = Date.parse(String(getPath(item, updatedAtField) ?? ''));
        const rawId = getPath(item, idField);
        const id = rawId === undefined || rawId === null ? undefined : String(rawId);
        const key: Key | undefined = Number.isNaN(ms) || id === undefined ? undefined : { ms, id };
        if (!key) {
          if (!warnedNoKey)
            log.warn(
              { updatedAtField, idField },
              'items without a readable update time or id: read, not tracked',
            );
          warnedNoKey = true;
        } else {
          if (previous && compareKeys(key, previous) < 0) {
            if (style === 'keyset') {
              throw new ConnectorError(
                'RMDX_CONN_BAD_RESPONSE',
                `GET ${url.pathname}: items are not sorted by (${updatedAtField}, ${idField}); keyset paging would skip rows — use pagination style "page" with cursor.ordered false`,
              );
            }
            if (ordered)
              log.warn(
                'items are not sorted by (updated, id): the cursor now advances only at the end of the stream',
              );
            ordered = false;
          }
          previous = key;
          if (style === 'keyset' && last && compareKeys(key, last) <= 0) continue; // already read in this run
          if (!pageMax || compareKeys(key, pageMax) > 0) pageMax = key;
        }
        rowNumber++;
        rows.push({
          stream: stream.name,
          rowNumber,
          data: item as Record<string, unknown>,
          ...(id !== undefined && { sourceId: id }),
        });
      }
      let advanced = false;
      if (pageMax) {
        if (style === 'keyset') last = pageMax;
        if (!max || compareKeys(pageMax, max) > 0) {
          max = pageMax;
          advanced = true;
        }
      }
      if (ordered && max)
        state.streams[stream.name] = { updatedAt: new Date(max.ms).toISOString(), id: max.id };
      if (!ordered) {
        if (rows.length > 0) yield { rows, cursor: snapshot() };
      } else if (advanced) {
        yield { rows: carry.length > 0 ? carry.concat(rows) : rows, cursor: snapshot() };
        carry = [];
      } else carry.push(...rows);

      // What to ask next.
      if (style === 'next-link') {
        const link =
          getPath(answer.body, p.nextLinkPath ?? 'links.next') ?? linkNext(answer.headers.get('link'));
        if (typeof link !== 'string' || link === '') break;
        nextUrl = new URL(link, url);
        continue;
      }
      // A short page is the last one — but servers may cap the page size below what we asked, so
      // "short" is measured against the largest page this stream has answered, not just `limit`.
      if (items.length === 0 || items.length < Math.min(limit, largestPage)) break;
      if (style === 'keyset' && last && (since === undefined || last.ms > since)) {
        since = last.ms;
        page = firstPage;
      } else page++;
    }
    if (!ordered && max) {
      state.streams[stream.name] = { updatedAt: new Date(max.ms).toISOString(), id: max.id };
      yield { rows: [], cursor: snapshot() };
    }
  }
  if (carry.length > 0) yield { rows: carry, cursor: snapshot() };
}

export const httpJsonKind: ConnectorKind<HttpJsonConfig, HttpJsonSecrets> = {
  name: 'http-json',
  title: 'Paged JSON REST API with an updated-since cursor',
  configSchema,
  secretsSchema,
  check,
  read,
};
