/**
 * The `file` kind: CSV and XLSX exports, uploaded (the files come with the run) or picked up from a
 * watched folder. In a folder, a file is read once per content (sha256): a corrected re-export under
 * the same name is read again, an unchanged one is not; a file still being written (changed within
 * `settleSeconds`) waits for the next run. A read that stops half-way resumes at the next row.
 * Uploads keep the same cursor over the files of the run (the hub stores every file received and
 * hands a run the files it has not finished), so an interrupted upload resumes at its next row too.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import type {
  CheckResult,
  ConnectorContext,
  ConnectorKind,
  Cursor,
  FileInput,
  JsonSchema,
  Page,
  ReadContext,
  SourceRow,
} from '../contract.js';
import { ConnectorError } from '../errors.js';
import { globToRegExp } from '../mapping/manifest.js';
import { readCsv, type CsvDelimiter, type CsvEncoding } from './csv.js';
import { readXlsx } from './xlsx.js';

export interface FileConfig {
  source: { type: 'upload' } | { type: 'folder'; path: string; pattern?: string; settleSeconds?: number };
  /** @defaultValue "auto": by extension, else by content (an XLSX is a zip) */
  format?: 'auto' | 'csv' | 'xlsx';
  csv?: { delimiter?: CsvDelimiter; encoding?: CsvEncoding };
  /** The row holding the headers. @defaultValue 1 */
  headerRow?: number;
  /** Rows per page. @defaultValue 5000 */
  pageSize?: number;
}

/** Files read, by name, and the file being read. */
export interface FileCursor extends Cursor {
  files: { [name: string]: { sha256: string; size: number; rows: number } };
}

const configSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'file connector configuration',
  type: 'object',
  required: ['source'],
  additionalProperties: false,
  properties: {
    source: {
      oneOf: [
        {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: { type: { const: 'upload' } },
        },
        {
          type: 'object',
          required: ['type', 'path'],
          additionalProperties: false,
          properties: {
            type: { const: 'folder' },
            path: { type: 'string', minLength: 1 },
            pattern: { type: 'string', minLength: 1 },
            settleSeconds: { type: 'integer', minimum: 0 },
          },
        },
      ],
    },
    format: { enum: ['auto', 'csv', 'xlsx'] },
    csv: {
      type: 'object',
      additionalProperties: false,
      properties: {
        delimiter: { enum: ['auto', ';', ',', '\t', '|'] },
        encoding: { enum: ['auto', 'utf-8', 'windows-1252', 'latin1', 'utf-16le'] },
      },
    },
    headerRow: { type: 'integer', minimum: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100_000 },
  },
};

const secretsSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'file connector secrets (none)',
  type: 'object',
  additionalProperties: false,
  properties: {},
};

/** CSV or XLSX, from the configuration, the extension or the bytes. */
export function fileFormat(file: FileInput, configured: FileConfig['format'] = 'auto'): 'csv' | 'xlsx' {
  if (configured === 'csv' || configured === 'xlsx') return configured;
  const ext = path.extname(file.name).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
  const d = file.data;
  return d.length >= 4 && d[0] === 0x50 && d[1] === 0x4b && d[2] === 0x03 && d[3] === 0x04 ? 'xlsx' : 'csv';
}

/** Reads one file's rows, page by page. `skipBefore`: resume at that row (per sheet for workbooks). */
export function readFileRows(
  file: FileInput,
  config: FileConfig,
  skipBefore: Record<string, number> = {},
): AsyncGenerator<SourceRow[]> {
  const headerRow = config.headerRow ?? 1;
  const pageSize = config.pageSize ?? 5000;
  if (fileFormat(file, config.format) === 'xlsx') return readXlsx(file, { headerRow, pageSize }, skipBefore);
  return readCsv(file, { ...config.csv, headerRow, pageSize }, skipBefore[file.name] ?? 0);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A file of a watched folder, ready to read (not changed within `settleSeconds`). */
export interface FolderFile {
  name: string;
  full: string;
  size: number;
  mtimeMs: number;
}

/** The files of a watched folder matching its pattern: ready ones (oldest first), and those still being written. */
export async function listReadyFiles(
  config: Extract<FileConfig['source'], { type: 'folder' }>,
  now: number,
): Promise<{
  ready: FolderFile[];
  settling: string[];
}> {
  let names: string[];
  try {
    names = await readdir(config.path);
  } catch (err) {
    throw new ConnectorError(
      'RMDX_CONN_BAD_CONFIG',
      `cannot list the folder ${config.path}: ${(err as Error).message}`,
      {
        cause: err,
        retryable:
          (err as NodeJS.ErrnoException).code !== 'ENOENT' &&
          (err as NodeJS.ErrnoException).code !== 'ENOTDIR',
      },
    );
  }
  const pattern = globToRegExp(config.pattern ?? '*');
  const settleMs = (config.settleSeconds ?? 30) * 1000;
  const ready: FolderFile[] = [];
  const settling: string[] = [];
  for (const name of names) {
    // Hidden files and Excel's lock files (~$book.xlsx) are not exports.
    if (name.startsWith('.') || name.startsWith('~$') || !pattern.test(name)) continue;
    const full = path.join(config.path, name);
    const st = await stat(full).catch(() => undefined);
    if (!st?.isFile()) continue;
    if (now - st.mtimeMs < settleMs) settling.push(name);
    else ready.push({ name, full, size: st.size, mtimeMs: st.mtimeMs });
  }
  ready.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1));
  return { ready, settling };
}

async function check(config: FileConfig, _secrets: unknown, ctx: ConnectorContext): Promise<CheckResult> {
  if (config.source.type === 'upload') {
    return {
      ok: true,
      status: 'ok',
      message: 'files are uploaded to this connector; there is nothing to reach',
      messageFr: 'les fichiers sont téléversés vers ce connecteur ; rien à joindre',
    };
  }
  const started = Date.now();
  try {
    const { ready, settling } = await listReadyFiles(config.source, (ctx.now?.() ?? new Date()).getTime());
    return {
      ok: true,
      status: 'ok',
      message: `folder readable: ${ready.length} file(s) ready, ${settling.length} still being written`,
      messageFr: `dossier lisible : ${ready.length} fichier(s) prêt(s), ${settling.length} en cours d'écriture`,
      latencyMs: Date.now() - started,
      details: { ready: ready.map((f) => f.name), settling },
    };
  } catch (err) {
    const e = err as ConnectorError;
    return {
      ok: false,
      status: e.retryable ? 'unreachable' : 'not_found',
      message: e.message,
      messageFr: `dossier illisible : ${e.message}`,
      latencyMs: Date.now() - started,
      error: { code: e.code, retryable: e.retryable },
    };
  }
}

function parseCursor(cursor: Cursor | null): {
  files: FileCursor['files'];
  current?: { name: string; sha256: string; next: Record<string, number> };
} {
  const files: FileCursor['files'] = {};
  const raw = cursor as { files?: unknown; current?: unknown } | null;
  if (raw?.files && typeof raw.files === 'object') {
    for (const [name, v] of Object.entries(
      raw.files as Record<string, { sha256?: unknown; size?: unknown; rows?: unknown }>,
    )) {
      if (typeof v?.sha256 === 'string')
        files[name] = { sha256: v.sha256, size: Number(v.size) || 0, rows: Number(v.rows) || 0 };
    }
  }
  const cur = raw?.current as { name?: unknown; sha256?: unknown; next?: unknown } | undefined;
  if (
    cur &&
    typeof cur.name === 'string' &&
    typeof cur.sha256 === 'string' &&
    cur.next &&
    typeof cur.next === 'object'
  ) {
    return {
      files,
      current: { name: cur.name, sha256: cur.sha256, next: cur.next as Record<string, number> },
    };
  }
  return { files };
}

/**
 * Reads files in order, skipping those the cursor has read whole (same name and content) and
 * resuming the one it was in; the last page of each file carries the "file done" cursor. The cursor
 * remembers only the files of `present` (a folder's files, or the files of the run).
 */
async function* readFiles(
  files: AsyncIterable<FileInput> | Iterable<FileInput>,
  present: Set<string>,
  state: ReturnType<typeof parseCursor>,
  config: FileConfig,
  ctx: ReadContext,
): AsyncGenerator<Page> {
  for (const name of Object.keys(state.files)) if (!present.has(name)) delete state.files[name];
  for await (const file of files) {
    const digest = sha256(file.data);
    if (state.files[file.name]?.sha256 === digest) continue;
    const resume =
      state.current?.name === file.name && state.current.sha256 === digest ? state.current.next : {};
    const log = ctx.logger.child({ file: file.name });
    log.info({ sha256: digest, resume }, 'reading file');
    const next: Record<string, number> = { ...resume };
    let rows = 0;
    let pending: SourceRow[] | null = null;
    const cursorMidFile = (): FileCursor => ({
      files: { ...state.files },
      current: { name: file.name, sha256: digest, next: { ...next } },
    });
    for await (const page of readFileRows(file, config, resume)) {
      ctx.signal?.throwIfAborted();
      // Hold one page back, so the file's last page carries the "file done" cursor.
      if (pending) yield { rows: pending, cursor: cursorMidFile() };
      for (const r of page) next[r.sheet ?? r.stream] = r.rowNumber + 1;
      rows += page.length;
      pending = page;
    }
    state.files[file.name] = { sha256: digest, size: file.data.length, rows };
    delete state.current;
    yield { rows: pending ?? [], cursor: { files: { ...state.files } } };
  }
}

async function* read(
  config: FileConfig,
  _secrets: unknown,
  cursor: Cursor | null,
  ctx: ReadContext,
): AsyncGenerator<Page> {
  const state = parseCursor(cursor);
  if (config.source.type === 'upload') {
    if (!ctx.files || ctx.files.length === 0) {
      throw new ConnectorError(
        'RMDX_CONN_BAD_CONFIG',
        'this connector reads uploaded files, and none came with the run',
      );
    }
    yield* readFiles(ctx.files, new Set(ctx.files.map((f) => f.name)), state, config, ctx);
    return;
  }

  const now = (ctx.now?.() ?? new Date()).getTime();
  const { ready, settling } = await listReadyFiles(config.source, now);
  if (settling.length > 0) ctx.logger.info({ settling }, 'files still being written wait for the next run');
  // Forget files that left the folder, so the cursor does not grow forever.
  const present = new Set([...ready.map((f) => f.name), ...settling]);
  async function* load(): AsyncGenerator<FileInput> {
    for (const f of ready) yield { name: f.name, data: await readFile(f.full) };
  }
  yield* readFiles(load(), present, state, config, ctx);
}

export const fileKind: ConnectorKind<FileConfig, Record<string, never>> = {
  name: 'file',
  title: 'CSV and XLSX files, uploaded or from a watched folder',
  configSchema,
  secretsSchema,
  check,
  read,
};
