/**
 * One connector run: read pages from the kind, map them, and for each page store its batches (one
 * per month), the mapping issues, the run's counts and the cursor in ONE Postgres transaction — so a
 * run that stops anywhere (an error, a crash, SIGKILL) has stored exactly the pages whose cursor it
 * stored, and the next run goes on from there without skipping or repeating a row.
 *
 * - One run per connector at a time: a session advisory lock on a dedicated connection, released by
 *   Postgres itself when the process dies. Runs found "running" under the lock were interrupted.
 * - The cursor moves by compare-and-set from the page's `before` to its `after`. A replay reads again
 *   from an older cursor: its pages find their batches already stored (same key: same cursors, same
 *   content) and the cursor only moves once the replay reaches it.
 * - Records this connector already sent unchanged (rows re-read in the lookback window, a file
 *   uploaded twice) are not sent again: the digest of every record sent is kept per connector.
 * - Files (uploads, folder pick-ups) are stored in Postgres before they are read; a run reads the
 *   stored bytes, so it can be replayed.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import type pg from 'pg';

import type { Principal } from '../auth/roles.js';
import { findBatchByIdempotencyKey, type BatchRow } from '../db/queries/batches.js';
import type { PoolClient } from '../db/pool.js';
import { isApiError } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import { acceptBatch } from '../intake/accept-batch.js';
import { checkEnvelope } from '../intake/envelope.js';
import type { Logger } from '../logger.js';
import { isRetryable as isTransientDbError } from '../pipeline/errors.js';
import type { SchemaRegistry } from '../standard/registry.js';
import type { MappingCatalogue } from './catalogue.js';
import type { ConnectorContext, Cursor, FileInput } from './contract.js';
import { ConnectorError, redactSecrets } from './errors.js';
import type { MappingIssue } from './mapping-issues.js';
import { getPath } from './kinds/http-json.js';
import { listReadyFiles, type FileConfig } from './kinds/file.js';
import { MappingError } from './mapping/manifest.js';
import { createMapper, type RowOrigin } from './mapping/runtime.js';
import {
  batchDocument,
  canonicalJson,
  compactOrigin,
  identityOf,
  lastPerKey,
  pageBatchKey,
  recordDigest,
  sha256Hex,
  splitByPeriod,
  type EnvelopeFacts,
  type PagePart,
} from './page-batches.js';
import { getKind } from './registry.js';
import { readSecrets, type SecretBox } from './secrets.js';
import {
  addPageProgress,
  compareAndSetCursor,
  countFailure,
  failInterruptedRuns,
  finishRun,
  folderFilesSeen,
  getCursor,
  getInstance,
  getRun,
  insertFile,
  insertRunBatch,
  insertRunIssues,
  loadFiles,
  markFileDone,
  pauseInstance,
  pendingFileIds,
  resetFailures,
  sentDigests,
  setBatchRun,
  startRun,
  storeDigests,
  type InstanceRow,
  type RunRow,
} from './store.js';
import { auditConnector } from './audit.js';

export interface RunnerSettings {
  /** Failed runs in a row after which the connector pauses. @defaultValue 5 */
  pauseAfter: number;
  /** Mapping issues kept per run (the count goes on). @defaultValue 10000 */
  issueCap: number;
}

export const defaultRunnerSettings: RunnerSettings = { pauseAfter: 5, issueCap: 10_000 };

export interface RunnerDeps {
  pool: pg.Pool;
  logger: Logger;
  registry: SchemaRegistry;
  secrets: SecretBox;
  mappings: MappingCatalogue;
  settings: RunnerSettings;
  /** Hands a stored batch to the pipeline, after its page committed (a failure only delays it: the sweeper re-sends). */
  enqueueBatch?: (batchId: string, attempt: number) => Promise<void>;
  /**
   * Receipts and the audit chain (the app's `evidence`): each batch a page creates gets its signed
   * acceptance receipt and `batch.received` entry in the page's transaction, as a REST batch does in
   * its own. Without it, a connector batch gets them late, when it finishes.
   */
  evidence?: Evidence;
  /** Overrides of the kinds' context (tests: instant sleeps). */
  kindContext?: Partial<ConnectorContext>;
  now?: () => Date;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** No attempt follows this one: a transient failure fails the run (and counts) instead of retrying. */
  lastAttempt: boolean;
  /** How long to wait for another run of the same connector to end. @defaultValue 0 */
  lockWaitMs?: number;
  /** Called after each stored page (CLI progress). */
  onPage?: (run: { pages: number; rowsRead: number; batches: number }) => void;
}

/**
 * What became of an attempt: `retry` — a transient failure, try again later (the run is queued
 * again); `busy` — another run of this connector holds it, try later (nothing counted).
 */
export type Outcome = 'succeeded' | 'failed' | 'cancelled' | 'retry' | 'busy';

export interface ExecuteResult {
  outcome: Outcome;
  run: RunRow;
  error?: RunError;
  /** The connector paused because of this failure. */
  paused?: boolean;
  /** The batches this attempt stored (already handed to the pipeline). */
  batches: string[];
}

export interface RunError {
  code: string;
  retryable: boolean;
  message: string;
}

/** Any failure of a run as stored and shown: a code, whether a retry may help, a message without secrets. */
export function runErrorOf(err: unknown, secrets: unknown = {}): RunError {
  const redact = (m: string) => redactSecrets(m, secrets);
  if (err instanceof ConnectorError)
    return { code: err.code, retryable: err.retryable, message: redact(err.message) };
  if (isApiError(err)) return { code: err.code, retryable: false, message: redact(err.message) };
  if (err instanceof MappingError)
    return { code: 'RMDX_CONN_BAD_MAPPING', retryable: false, message: redact(err.message) };
  if (isTransientDbError(err))
    return { code: 'RMDX_CONN_DATABASE', retryable: true, message: redact((err as Error).message) };
  const e = err as { name?: string; message?: string };
  if (e?.name === 'AbortError')
    return {
      code: 'RMDX_CONN_ABORTED',
      retryable: true,
      message: 'the run was stopped (the process is shutting down)',
    };
  return { code: 'RMDX_CONN_INTERNAL', retryable: false, message: redact(e?.message ?? String(err)) };
}

/** pg_advisory_lock(class, key): a fixed class for connector runs, the instance id hashed by Postgres. */
const LOCK_CLASS = 72405150;

async function tryLock(client: PoolClient, instanceId: string, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
      [LOCK_CLASS, instanceId],
    );
    if (rows[0]?.ok) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(250, Math.max(10, deadline - Date.now()))));
  }
}

async function unlock(client: PoolClient, instanceId: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, instanceId]);
}

/** Is a run of this instance going on somewhere (its lock held)? The sweeper asks. */
export async function instanceBusy(pool: pg.Pool, instanceId: string): Promise<boolean> {
  const client = await pool.connect();
  try {
    if (!(await tryLock(client, instanceId, 0))) return true;
    await unlock(client, instanceId);
    return false;
  } finally {
    client.release();
  }
}

const monthOf = (d: Date) => d.toISOString().slice(0, 7);

function principalOf(inst: InstanceRow): Principal {
  return {
    keyId: inst.api_key_id,
    name: `connector:${inst.country}/${inst.name}`,
    role: 'submitter',
    country: inst.country,
  };
}

/** Stores the files of a watched folder not stored yet (new name, or new content). */
async function pickUpFolder(
  db: PoolClient,
  inst: InstanceRow,
  config: FileConfig,
  now: Date,
  logger: Logger,
): Promise<number> {
  if (config.source.type !== 'folder') return 0;
  const { ready } = await listReadyFiles(config.source, now.getTime());
  const seen = await folderFilesSeen(db, inst.id);
  let stored = 0;
  for (const f of ready) {
    const known = seen.get(f.name) ?? [];
    // Unchanged since it was stored (same size and time): not read again.
    if (known.some((k) => k.size === f.size && k.mtimeMs === f.mtimeMs)) continue;
    const data = await readFile(f.full);
    const sha = sha256Hex(data);
    if (known.some((k) => k.sha256 === sha)) continue;
    const row = await insertFile(db, {
      id: randomUUID(),
      instanceId: inst.id,
      origin: 'folder',
      name: f.name,
      sha256: sha,
      data,
      mtimeMs: f.mtimeMs,
      receivedBy: 'folder',
    });
    if (row) {
      stored++;
      logger.info({ file: f.name, sha256: sha, size: data.length }, 'picked up a file of the watched folder');
    }
  }
  return stored;
}

/**
 * Runs one attempt of a stored run. Never throws for what happens to the run (the outcome says);
 * throws only when the database cannot be reached at all.
 */
export async function executeRun(d: RunnerDeps, runId: string, opts: ExecuteOptions): Promise<ExecuteResult> {
  const now = d.now ?? (() => new Date());
  const first = await getRun(d.pool, runId);
  if (!first) throw new ConnectorError('RMDX_CONN_BAD_CONFIG', `no connector run ${runId}`);
  if (first.status !== 'queued' && first.status !== 'running')
    return { outcome: first.status as Outcome, run: first, batches: [] };

  const client = await d.pool.connect();
  let broken = false;
  const log = d.logger.child({ connectorId: first.instance_id, runId });
  try {
    if (!(await tryLock(client, first.instance_id, opts.lockWaitMs ?? 0))) {
      if (first.trigger === 'schedule') {
        const run = (await finishRun(client, runId, {
          status: 'cancelled',
          error: {
            code: 'RMDX_CONN_BUSY',
            retryable: true,
            message: 'another run of this connector was going on; it covers this one',
          },
        }))!;
        return { outcome: 'cancelled', run, batches: [] };
      }
      return { outcome: 'busy', run: first, batches: [] };
    }
    try {
      return await locked(d, client, runId, opts, log, now);
    } finally {
      await unlock(client, first.instance_id).catch(() => (broken = true));
    }
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    client.release(broken);
  }
}

async function locked(
  d: RunnerDeps,
  client: PoolClient,
  runId: string,
  opts: ExecuteOptions,
  log: Logger,
  now: () => Date,
): Promise<ExecuteResult> {
  let run = (await getRun(client, runId))!;
  if (run.status !== 'queued' && run.status !== 'running')
    return { outcome: run.status as Outcome, run, batches: [] };
  const interrupted = await failInterruptedRuns(client, run.instance_id, run.id);
  if (interrupted > 0)
    log.warn({ interrupted }, 'runs left running by a stopped process marked failed (interrupted)');
  const inst = await getInstance(client, run.instance_id);
  if (!inst) throw new ConnectorError('RMDX_CONN_BAD_CONFIG', `no connector ${run.instance_id}`);
  if (inst.paused_at && run.trigger === 'schedule') {
    run = (await finishRun(client, runId, {
      status: 'cancelled',
      error: {
        code: 'RMDX_CONN_PAUSED',
        retryable: false,
        message: `the connector is paused: ${inst.paused_reason ?? ''}`,
      },
    }))!;
    return { outcome: 'cancelled', run, batches: [] };
  }

  let secrets: Record<string, unknown> = {};
  const stored: BatchRow[] = [];
  try {
    const kind = getKind(inst.kind);
    const mapping = await d.mappings.pinned(inst.mapping_name, inst.mapping_version);
    secrets = await readSecrets(client, d.secrets, inst.id);
    const original = run.replay_of ? await getRun(client, run.replay_of) : undefined;
    if (run.replay_of && !original)
      throw new ConnectorError('RMDX_CONN_BAD_CONFIG', `the replayed run ${run.replay_of} is gone`);

    // Where to read from: the stored cursor (the frontier), or for a replay where the replayed run began.
    const frontier = (await getCursor(client, inst.id))?.cursor ?? null;
    const readFrom: Cursor | null = original ? original.cursor_before : frontier;

    // Files: folder pick-ups are stored first; a run reads stored bytes only.
    let config = inst.config as unknown;
    let files: (FileInput & { id: string })[] | undefined;
    if (kind.name === 'file') {
      const fc = inst.config as unknown as FileConfig;
      if (!original) await pickUpFolder(client, inst, fc, now(), log);
      const ids = original
        ? (original.file_ids ?? [])
        : (run.file_ids ?? (await pendingFileIds(client, inst.id)));
      const rows = await loadFiles(client, ids);
      files = rows
        .filter((f) => original || !f.done_at)
        .map((f) => ({ id: f.id, name: f.name, data: f.data }));
      run = await startRun(client, runId, {
        fileIds: ids,
        cursorBefore: readFrom,
        periodHint: original?.period_hint ?? monthOf(now()),
        mappingDigest: mapping.digest,
      });
      config = { ...fc, source: { type: 'upload' } };
    } else {
      run = await startRun(client, runId, {
        fileIds: null,
        cursorBefore: readFrom,
        periodHint: original?.period_hint ?? monthOf(now()),
        mappingDigest: mapping.digest,
      });
    }
    log.info(
      {
        trigger: run.trigger,
        attempt: run.attempt,
        kind: kind.name,
        mapping: mapping.id,
        replayOf: run.replay_of,
      },
      'connector run started',
    );

    const env: EnvelopeFacts = {
      country: inst.country,
      schemaVersion: mapping.manifest.standardVersion,
      acceptance: inst.options.acceptance ?? 'partial',
      system: `rmdx-connector:${inst.country}/${inst.name}`,
      version: mapping.id,
    };
    const principal = principalOf(inst);
    const mapper = createMapper(mapping, {
      reportingCountry: inst.country,
      ...(inst.options.timezone && { timezone: inst.options.timezone }),
    });
    const updatedAtField =
      kind.name === 'http-json'
        ? ((inst.config as { cursor?: { updatedAtField?: string } }).cursor?.updatedAtField ?? 'updated_at')
        : undefined;
    let issuesSoFar = run.issues;

    if (files && files.length === 0) {
      log.info('no file waiting to be read');
    } else {
      const ctx = {
        logger: log,
        ...(opts.signal && { signal: opts.signal }),
        ...(files && { files }),
        ...d.kindContext,
      };
      let before = readFrom;
      let ordinal = 0;
      let pageNo = run.pages;
      for await (const page of kind.read(config, secrets, readFrom, ctx)) {
        opts.signal?.throwIfAborted();
        pageNo++;
        const after = page.cursor ?? before;
        const mapped = await mapper.mapPage(page.rows);
        const rowByOrigin = updatedAtField ? new Map(page.rows.map((r) => [originKey(r), r])) : undefined;
        const parts = splitByPeriod(mapped.records, mapped.origins, {
          hint: run.period_hint ?? monthOf(now()),
          ...(rowByOrigin && {
            rowPeriod: (o: RowOrigin) => {
              const row = rowByOrigin.get(originKey(o));
              const t = Date.parse(String(getPath(row?.data, updatedAtField!) ?? ''));
              return Number.isNaN(t) ? undefined : monthOf(new Date(t));
            },
          }),
        });
        const doneFiles = files?.filter((f) => {
          const done = (after as { files?: Record<string, { sha256?: string }> } | null)?.files?.[f.name];
          return done?.sha256 === sha256Hex(f.data);
        });
        const pos = { before, after, ordinal };
        const result = await storePage(d, client, {
          inst,
          run,
          env,
          principal,
          page: pageNo,
          pos,
          parts,
          issues: mapped.issues,
          issuesSoFar,
          stats: mapped.stats,
          doneFileIds: doneFiles?.map((f) => f.id) ?? [],
          replay: Boolean(original),
        });
        issuesSoFar += mapped.issues.length;
        stored.push(...result.created);
        for (const b of result.created) {
          await d
            .enqueueBatch?.(b.id, b.attempts)
            .catch((err: Error) =>
              log.warn(
                { batchId: b.id, err: err.message },
                'could not hand the batch to the pipeline now; the sweeper will',
              ),
            );
        }
        ordinal = canonicalJson(after) === canonicalJson(before) ? ordinal + 1 : 0;
        before = after;
        opts.onPage?.({ pages: pageNo, rowsRead: mapped.stats.rows, batches: stored.length });
      }
    }
    run = (await finishRun(client, runId, { status: 'succeeded' }))!;
    await resetFailures(client, inst.id);
    log.info(
      {
        pages: run.pages,
        rowsRead: run.rows_read,
        rejected: run.rows_rejected,
        batches: run.batches_created,
        unchanged: run.records_unchanged,
      },
      'connector run succeeded',
    );
    return { outcome: 'succeeded', run, batches: stored.map((b) => b.id) };
  } catch (err) {
    const e = runErrorOf(
      opts.signal?.aborted ? Object.assign(new Error('aborted'), { name: 'AbortError' }) : err,
      secrets,
    );
    const shuttingDown = e.code === 'RMDX_CONN_ABORTED';
    if (e.retryable && (!opts.lastAttempt || shuttingDown)) {
      run = (await finishRun(client, runId, { status: 'queued', error: e }))!;
      log.warn({ err: e, attempt: run.attempt }, 'connector run failed; it will be tried again');
      return { outcome: 'retry', run, error: e, batches: stored.map((b) => b.id) };
    }
    run = (await finishRun(client, runId, { status: 'failed', error: e }))!;
    const counted = await countFailure(client, inst.id);
    let paused = false;
    if (counted && counted.consecutive_failures >= d.settings.pauseAfter && !counted.paused_at) {
      const reason = `paused after ${counted.consecutive_failures} failed runs in a row; last: ${e.code}: ${e.message}`;
      await client.query('BEGIN');
      try {
        await pauseInstance(client, inst.id, reason.slice(0, 1000));
        await auditConnector(client, {
          type: 'connector.paused',
          actor: 'system',
          instanceId: inst.id,
          data: { reason: 'consecutive_failures', failures: counted.consecutive_failures, lastError: e.code },
        });
        await client.query('COMMIT');
      } catch (pauseErr) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw pauseErr;
      }
      paused = true;
      log.error(
        { failures: counted.consecutive_failures, err: e },
        'connector paused after consecutive failures',
      );
    } else {
      log.error({ err: e, failures: counted?.consecutive_failures }, 'connector run failed');
    }
    return { outcome: 'failed', run, error: e, paused, batches: stored.map((b) => b.id) };
  }
}

const originKey = (o: { stream: string; rowNumber: number; file?: string; sheet?: string }) =>
  `${o.stream}\0${o.rowNumber}\0${o.file ?? ''}\0${o.sheet ?? ''}`;

interface PageInput {
  inst: InstanceRow;
  run: RunRow;
  env: EnvelopeFacts;
  principal: Principal;
  page: number;
  pos: { before: Cursor | null; after: Cursor | null; ordinal: number };
  parts: PagePart[];
  issues: MappingIssue[];
  issuesSoFar: number;
  stats: { rows: number; mapped: number; rejected: number; skipped: number; records: number };
  doneFileIds: string[];
  replay: boolean;
}

/** One page, one transaction: its batches, digests, issues, counts, files done and cursor. */
async function storePage(d: RunnerDeps, client: PoolClient, p: PageInput): Promise<{ created: BatchRow[] }> {
  const created: BatchRow[] = [];
  let existing = 0;
  let unchanged = 0;
  let lastBatchId: string | null = null;
  await client.query('BEGIN');
  try {
    for (const whole of p.parts) {
      const part = lastPerKey(whole);
      unchanged += whole.records.length - part.records.length;
      const full = batchDocument(p.env, part.period, part.records);
      const key = pageBatchKey(p.inst.id, p.pos, part.period, sha256Hex(canonicalJson(full)));
      const found = await findBatchByIdempotencyKey(client, p.inst.country, key);
      if (found) {
        // The same page, read again (a replay, a resumed run): the batch it made is the one.
        existing++;
        lastBatchId = found.id;
        await insertRunBatch(client, {
          runId: p.run.id,
          batchId: found.id,
          page: p.page,
          period: part.period,
          recordCount: found.record_total,
          created: false,
          origins: [],
        });
        continue;
      }
      // Records this connector already sent unchanged are not sent again.
      const ids = part.records.map(identityOf);
      const digests = part.records.map(recordDigest);
      const sent = await sentDigests(
        client,
        p.inst.id,
        ids.filter((x): x is NonNullable<typeof x> => x !== undefined),
      );
      const keep: number[] = [];
      part.records.forEach((_, i) => {
        const id = ids[i];
        if (id && sent.get(`${id.type}\0${id.key}`) === digests[i]) unchanged++;
        else keep.push(i);
      });
      if (keep.length === 0) continue;
      const records = keep.map((i) => part.records[i]!);
      const doc = batchDocument(p.env, part.period, records);
      const raw = Buffer.from(JSON.stringify(doc));
      const { batch, created: isNew } = await acceptBatch(
        d.pool,
        {
          principal: p.principal,
          idempotencyKey: key,
          raw,
          decoded: raw,
          contentEncoding: null,
          envelope: checkEnvelope(d.registry, doc),
          origin: 'connector',
          connectorId: p.inst.id,
        },
        client,
      );
      await setBatchRun(client, batch.id, p.run.id);
      await storeDigests(
        client,
        p.inst.id,
        batch.id,
        keep.flatMap((i) => (ids[i] ? [{ ...ids[i]!, digest: digests[i]! }] : [])),
      );
      await insertRunBatch(client, {
        runId: p.run.id,
        batchId: batch.id,
        page: p.page,
        period: part.period,
        recordCount: records.length,
        created: isNew,
        origins: keep.map((i) => compactOrigin(part.origins[i]!)),
      });
      lastBatchId = batch.id;
      if (isNew) created.push(batch);
      else existing++;
    }
    const room = Math.max(0, d.settings.issueCap - p.issuesSoFar);
    await insertRunIssues(client, p.run.id, p.issuesSoFar + 1, p.issues.slice(0, room));
    for (const id of p.doneFileIds) await markFileDone(client, id, p.run.id);
    const moved = await compareAndSetCursor(
      client,
      p.inst.id,
      p.pos.before,
      p.pos.after,
      p.run.id,
      lastBatchId,
    );
    if (!moved && !p.replay) {
      throw new ConnectorError(
        'RMDX_CONN_CURSOR_MOVED',
        'the stored cursor moved while this run read (another run of the connector?); the run is tried again from the new cursor',
      );
    }
    await addPageProgress(client, p.run.id, {
      cursorAfter: p.pos.after,
      rowsRead: p.stats.rows,
      rowsMapped: p.stats.mapped,
      rowsRejected: p.stats.rejected,
      rowsSkipped: p.stats.skipped,
      records: p.stats.records,
      recordsUnchanged: unchanged,
      batchesCreated: created.length,
      batchesExisting: existing,
      issues: p.issues.length,
    });
    // The acceptance receipts and `batch.received` entries of the page's new batches, last in the
    // page's transaction: they commit with the batches. Not through acceptBatch's `evidence`, which
    // would take the audit chain's lock at the first batch and then the cursor's and run's rows above
    // while holding it; changes to a connector take those rows first and the chain's lock last
    // (src/connectors/audit.ts), so that order could deadlock. Here every lock is taken in the same
    // order, and the chain's lock is held only until the commit just after.
    for (const batch of created) await d.evidence?.recordAcceptance(client, batch, `connector:${p.inst.id}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return { created };
}
