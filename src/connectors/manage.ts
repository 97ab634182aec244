/**
 * What the API (`/v1/connectors`) and the CLI (`rmdx connectors`) do to connectors: create and change
 * instances (validated against their kind and mapping; secrets sealed apart), pause and resume, run
 * now, receive files, replay a failed run, check the source, dry-run, and the views they show. One
 * place, so both speak alike. Changes are recorded in the audit chain in their own transaction.
 */
import { randomUUID } from 'node:crypto';

import type pg from 'pg';

import { createApiKey } from '../auth/keys.js';
import { withTransaction, type Queryable } from '../db/pool.js';
import { apiError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import type { SchemaRegistry } from '../standard/registry.js';
import { validateDocument, type ValidationReport } from '../standard/validate.js';
import { auditConnector } from './audit.js';
import type { MappingCatalogue } from './catalogue.js';
import type { CheckResult, Cursor, FileInput } from './contract.js';
import { checkSchedule, nextRun } from './cron.js';
import { dryRunMapping } from './dry-run.js';
import { ConnectorError } from './errors.js';
import type { FileConfig } from './kinds/file.js';
import type { MappingIssue } from './mapping-issues.js';
import type { Mapping } from './mapping/manifest.js';
import type { MappedRecord, MapStats, RowOrigin } from './mapping/runtime.js';
import { isOffset } from './mapping/values.js';
import { batchDocument, sha256Hex, splitByPeriod } from './page-batches.js';
import { getKind, validateConfig, validateSecrets } from './registry.js';
import type { ConnectorScheduler } from './scheduler.js';
import { readSecrets, secretFieldNames, writeSecrets, type SecretBox } from './secrets.js';
import {
  findInstance,
  getCursor,
  insertFile,
  insertInstance,
  lastRun,
  pauseInstance,
  resumeInstance,
  setCursor,
  updateInstance,
  type CursorRow,
  type FileRow,
  type InstanceOptions,
  type InstanceRow,
  type RunRow,
} from './store.js';

/** What the operations need; the app and the CLI build one. */
export interface ConnectorsContext {
  pool: pg.Pool;
  registry: SchemaRegistry;
  secrets: SecretBox;
  mappings: MappingCatalogue;
  /** Without it, runs are stored queued and wait for a process running workers. */
  scheduler?: ConnectorScheduler | undefined;
  logger?: Logger;
  now?: () => Date;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function bad(message: string, details?: Record<string, unknown>): never {
  throw apiError('RMDX_ERR_BAD_REQUEST', message, details);
}

/** A ConnectorError of configuration as a 400 the caller can act on. */
async function asRequest<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConnectorError) bad(err.message, err.details);
    throw err;
  }
}

function checkOptions(o: unknown): InstanceOptions {
  if (o === undefined || o === null) return {};
  if (typeof o !== 'object' || Array.isArray(o)) bad('options must be an object');
  const { timezone, acceptance, ...rest } = o as Record<string, unknown>;
  if (Object.keys(rest).length > 0) bad(`unknown option(s): ${Object.keys(rest).join(', ')}`);
  if (timezone !== undefined && (typeof timezone !== 'string' || !isOffset(timezone)))
    bad('options.timezone must be an offset such as "+02:00" or "Z"');
  if (acceptance !== undefined && acceptance !== 'partial' && acceptance !== 'all-or-nothing')
    bad('options.acceptance must be "partial" or "all-or-nothing"');
  return {
    ...(timezone !== undefined && { timezone: timezone as string }),
    ...(acceptance !== undefined && { acceptance: acceptance as 'partial' | 'all-or-nothing' }),
  };
}

const kindFormats: Record<string, string[]> = { 'http-json': ['json'], file: ['csv', 'xlsx'] };

function checkMappingFits(kind: string, mapping: Mapping): void {
  if (!(kindFormats[kind] ?? []).includes(mapping.manifest.format)) {
    bad(
      `mapping ${mapping.id} reads ${mapping.manifest.format}; a ${kind} connector reads ${(kindFormats[kind] ?? []).join(' or ')}`,
    );
  }
}

function checkScheduleFits(kind: string, config: unknown, schedule: string | null): void {
  if (schedule === null) return;
  checkSchedule(schedule);
  if (kind === 'file' && (config as FileConfig).source?.type === 'upload')
    bad('an upload connector runs when a file arrives; it takes no schedule (a watched folder does)');
}

export interface CreateInput {
  country: string;
  name: string;
  title?: string | null;
  kind: string;
  /** "name" (the installed version) or "name@version". */
  mapping: string;
  config: unknown;
  secrets?: Record<string, unknown>;
  schedule?: string | null;
  options?: unknown;
}

export async function createConnector(
  c: ConnectorsContext,
  input: CreateInput,
  actor: string,
): Promise<InstanceRow> {
  const country = String(input.country ?? '').toUpperCase();
  if (!c.registry.get(c.registry.latest).codelists.memberState.has(country))
    bad(`country "${input.country}" is not a member state of the standard`);
  if (!NAME.test(input.name ?? ''))
    bad('name must be 1–63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');
  const kind = await asRequest(() => getKind(input.kind));
  const secrets = input.secrets ?? {};
  await asRequest(() => validateConfig(kind, input.config));
  await asRequest(() => validateSecrets(kind, secrets));
  const mapping = await asRequest(() => c.mappings.resolve(input.mapping));
  checkMappingFits(kind.name, mapping);
  const schedule = input.schedule ?? null;
  await asRequest(() => checkScheduleFits(kind.name, input.config, schedule));
  const options = checkOptions(input.options);
  const now = c.now?.() ?? new Date();
  const id = randomUUID();
  try {
    const inst = await withTransaction(c.pool, async (db) => {
      const { row: key } = await createApiKey(db, {
        name: `connector:${country}/${input.name}`,
        role: 'submitter',
        country,
      });
      const inst = await insertInstance(db, {
        id,
        country,
        name: input.name,
        title: input.title ?? null,
        kind: kind.name,
        mappingName: mapping.manifest.name,
        mappingVersion: mapping.manifest.version,
        config: input.config,
        options,
        schedule,
        nextRunAt: schedule ? nextRun(schedule, now) : null,
        apiKeyId: key.id,
        createdBy: actor,
      });
      await writeSecrets(db, c.secrets, id, secrets);
      await auditConnector(db, {
        type: 'connector.created',
        actor,
        instanceId: id,
        data: {
          country,
          name: input.name,
          kind: kind.name,
          mapping: mapping.id,
          schedule,
          secretFields: Object.keys(secrets).sort(),
        },
      });
      return inst;
    });
    void c.scheduler?.tick();
    return inst;
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw apiError('RMDX_ERR_CONFLICT', `${country} already has a connector named "${input.name}"`);
    throw err;
  }
}

export interface UpdateInput {
  title?: string | null;
  mapping?: string;
  config?: unknown;
  /** Merged into the stored secrets; a field set to null is removed. */
  secrets?: Record<string, unknown | null>;
  schedule?: string | null;
  options?: unknown;
  /** Read from the beginning at the next run. */
  resetCursor?: boolean;
}

export async function updateConnector(
  c: ConnectorsContext,
  inst: InstanceRow,
  input: UpdateInput,
  actor: string,
): Promise<InstanceRow> {
  const kind = getKind(inst.kind);
  const config = input.config ?? inst.config;
  if (input.config !== undefined) await asRequest(() => validateConfig(kind, config));
  let mapping: Mapping | undefined;
  if (input.mapping !== undefined) {
    mapping = await asRequest(() => c.mappings.resolve(input.mapping!));
    checkMappingFits(kind.name, mapping);
  }
  const schedule = input.schedule === undefined ? inst.schedule : input.schedule;
  if (input.schedule !== undefined || input.config !== undefined)
    await asRequest(() => checkScheduleFits(kind.name, config, schedule));
  const options = input.options === undefined ? undefined : checkOptions(input.options);
  const now = c.now?.() ?? new Date();
  const changed = Object.entries(input)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  const updated = await withTransaction(c.pool, async (db) => {
    if (input.secrets !== undefined) {
      const merged: Record<string, unknown> = { ...(await readSecrets(db, c.secrets, inst.id)) };
      for (const [k, v] of Object.entries(input.secrets)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      await asRequest(() => validateSecrets(kind, merged));
      await writeSecrets(db, c.secrets, inst.id, merged);
    }
    const row = (await updateInstance(db, inst.id, {
      ...(input.title !== undefined && { title: input.title }),
      ...(mapping && { mappingName: mapping.manifest.name, mappingVersion: mapping.manifest.version }),
      ...(input.config !== undefined && { config }),
      ...(options && { options }),
      ...(input.schedule !== undefined && {
        schedule,
        nextRunAt: schedule && !inst.paused_at ? nextRun(schedule, now) : null,
      }),
    }))!;
    if (input.resetCursor) await setCursor(db, inst.id, null);
    await auditConnector(db, {
      type: 'connector.updated',
      actor,
      instanceId: inst.id,
      data: {
        changed,
        ...(mapping && { mapping: mapping.id }),
        ...(input.schedule !== undefined && { schedule }),
        ...(input.secrets !== undefined && { secretFields: Object.keys(input.secrets).sort() }),
      },
    });
    return row;
  });
  void c.scheduler?.tick();
  return updated;
}

export async function pauseConnector(
  c: ConnectorsContext,
  inst: InstanceRow,
  reason: string | undefined,
  actor: string,
): Promise<InstanceRow> {
  const row = await withTransaction(c.pool, async (db) => {
    const row = (await pauseInstance(db, inst.id, reason?.trim() || `paused by ${actor}`))!;
    await auditConnector(db, {
      type: 'connector.paused',
      actor,
      instanceId: inst.id,
      data: { reason: row.paused_reason },
    });
    return row;
  });
  void c.scheduler?.tick();
  return row;
}

export async function resumeConnector(
  c: ConnectorsContext,
  inst: InstanceRow,
  actor: string,
): Promise<InstanceRow> {
  const now = c.now?.() ?? new Date();
  const row = await withTransaction(c.pool, async (db) => {
    const row = (await resumeInstance(db, inst.id, inst.schedule ? nextRun(inst.schedule, now) : null))!;
    await auditConnector(db, { type: 'connector.resumed', actor, instanceId: inst.id });
    return row;
  });
  void c.scheduler?.tick();
  return row;
}

function scheduler(c: ConnectorsContext): ConnectorScheduler {
  if (!c.scheduler)
    throw apiError('RMDX_ERR_UNAVAILABLE', 'connector runs are not available in this process');
  return c.scheduler;
}

/** "Run now": a queued manual run, handed to the workers (an upload connector reads the files it has not finished). */
export async function runNow(c: ConnectorsContext, inst: InstanceRow, actor: string): Promise<RunRow> {
  return scheduler(c).requestRun(inst, { trigger: 'manual', requestedBy: actor });
}

/** Replays a failed run: reads again from where it began (its stored files for file kinds). */
export async function replayRun(c: ConnectorsContext, original: RunRow, actor: string): Promise<RunRow> {
  if (original.status !== 'failed')
    throw apiError(
      'RMDX_ERR_CONFLICT',
      `run ${original.id} is ${original.status}; only a failed run can be replayed`,
    );
  const inst = (await findInstance(c.pool, original.instance_id))!;
  const s = scheduler(c);
  const run = await withTransaction(c.pool, async (db) => {
    const run = await s.requestRun(
      inst,
      { trigger: 'replay', replayOf: original.id, fileIds: original.file_ids, requestedBy: actor },
      db,
    );
    await auditConnector(db, {
      type: 'connector.run_replayed',
      actor,
      instanceId: inst.id,
      data: { run: original.id, replay: run.id },
    });
    return run;
  });
  await s.handOver(run.id);
  return run;
}

export interface UploadInput {
  name: string;
  data: Buffer;
  /** The month the file speaks of, for records without an event date (when its name does not say). */
  period?: string | undefined;
}

/** Stores an uploaded file (before anything reads it) and queues the run that reads it. */
export async function uploadFile(
  c: ConnectorsContext,
  inst: InstanceRow,
  file: UploadInput,
  actor: string,
): Promise<{ file: FileRow; run: RunRow }> {
  if (inst.kind !== 'file')
    bad(`connector ${inst.country}/${inst.name} is ${inst.kind}; files go to a file connector`);
  if (!file.name || /[/\\\0]/.test(file.name) || file.name.length > 255)
    bad('the file needs a name (no slashes, at most 255 characters)');
  if (file.data.length === 0) bad('the file is empty');
  if (file.period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(file.period))
    bad('period must be YYYY-MM');
  const s = scheduler(c);
  const out = await withTransaction(c.pool, async (db) => {
    const row = (await insertFile(db, {
      id: randomUUID(),
      instanceId: inst.id,
      origin: 'upload',
      name: file.name,
      sha256: sha256Hex(file.data),
      data: file.data,
      receivedBy: actor,
    }))!;
    const run = await s.requestRun(
      inst,
      { trigger: 'upload', requestedBy: actor, periodHint: file.period ?? null },
      db,
    );
    return { file: row, run };
  });
  await s.handOver(out.run.id);
  return out;
}

/** Reachable, credentials accepted (the kind's check, with the stored secrets). */
export async function checkConnector(c: ConnectorsContext, inst: InstanceRow): Promise<CheckResult> {
  const kind = getKind(inst.kind);
  const secrets = await readSecrets(c.pool, c.secrets, inst.id);
  return kind.check(inst.config, secrets, { logger: c.logger ?? createLogger('silent') });
}

// --- dry run ----------------------------------------------------------------------------------

export interface TestInput {
  /** Read these files instead of the source (file kinds: always an upload-style read). */
  files?: FileInput[];
  /** Live source: from the stored cursor (what the next run would read), or from the start. */
  fromStart?: boolean;
  maxRows?: number;
}

export interface TestResult {
  connector: { id: string; country: string; name: string; kind: string };
  mapping: { id: string; digest: string };
  stats: MapStats;
  pages: number;
  truncated: boolean;
  records: MappedRecord[];
  origins: RowOrigin[];
  issues: MappingIssue[];
  /** The batches a run would store (one per month), each with the standard's validation report. */
  batches: { period: string; records: number; origins: RowOrigin[]; report: ValidationReport }[];
  cursor: Cursor | null;
}

/** Dry run: read, map, validate as batches of the standard; stores nothing. */
export async function testConnector(
  c: ConnectorsContext,
  inst: InstanceRow,
  input: TestInput,
): Promise<TestResult> {
  const kind = getKind(inst.kind);
  const mapping = await c.mappings.pinned(inst.mapping_name, inst.mapping_version);
  const secrets = await readSecrets(c.pool, c.secrets, inst.id);
  let config: unknown = inst.config;
  if (input.files) {
    if (kind.name !== 'file')
      bad('--file is for file connectors; an API connector is tested against its source');
    config = { ...(inst.config as unknown as FileConfig), source: { type: 'upload' } };
  } else if (kind.name === 'file' && (inst.config as unknown as FileConfig).source.type === 'upload') {
    bad('an upload connector has no live source: give it a file to test');
  }
  const cursor = input.fromStart || input.files ? null : ((await getCursor(c.pool, inst.id))?.cursor ?? null);
  const r = await dryRunMapping(kind, mapping, {
    config,
    secrets,
    cursor,
    ...(input.files && { files: input.files }),
    ...(input.maxRows !== undefined && { maxRows: input.maxRows }),
    map: {
      reportingCountry: inst.country,
      ...(inst.options.timezone && { timezone: inst.options.timezone }),
    },
    logger: c.logger ?? createLogger('silent'),
  });
  const now = c.now?.() ?? new Date();
  const parts = splitByPeriod(r.records, r.origins, { hint: now.toISOString().slice(0, 7) });
  const env = {
    country: inst.country,
    schemaVersion: mapping.manifest.standardVersion,
    acceptance: inst.options.acceptance ?? 'partial',
    system: `rmdx-connector:${inst.country}/${inst.name}`,
    version: mapping.id,
  } as const;
  return {
    connector: { id: inst.id, country: inst.country, name: inst.name, kind: inst.kind },
    mapping: { id: mapping.id, digest: mapping.digest },
    stats: r.stats,
    pages: r.pages,
    truncated: r.truncated,
    records: r.records,
    origins: r.origins,
    issues: r.issues,
    batches: parts.map((p) => ({
      period: p.period,
      records: p.records.length,
      origins: p.origins,
      report: validateDocument(c.registry, batchDocument(env, p.period, p.records), { now }),
    })),
    cursor: r.cursor,
  };
}

// --- views ------------------------------------------------------------------------------------

export type Health = 'ok' | 'failing' | 'paused' | 'never';

export interface ConnectorState {
  cursor: CursorRow | undefined;
  last: RunRow | undefined;
  lastFailed: RunRow | undefined;
  secretFields: string[];
}

export async function connectorState(db: Queryable, inst: InstanceRow): Promise<ConnectorState> {
  const [cursor, last, secretFields, failed] = await Promise.all([
    getCursor(db, inst.id),
    lastRun(db, inst.id),
    secretFieldNames(db, inst.id),
    db.query<RunRow>(
      `SELECT * FROM connector_runs WHERE instance_id = $1 AND status = 'failed' ORDER BY finished_at DESC NULLS LAST LIMIT 1`,
      [inst.id],
    ),
  ]);
  return { cursor, last, lastFailed: failed.rows[0], secretFields };
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export function connectorView(inst: InstanceRow, s: ConnectorState) {
  const health: Health = inst.paused_at
    ? 'paused'
    : !s.last
      ? 'never'
      : s.last.status === 'failed' || inst.consecutive_failures > 0
        ? 'failing'
        : 'ok';
  const err = s.lastFailed && (health === 'failing' || health === 'paused') ? s.lastFailed : undefined;
  return {
    id: inst.id,
    country: inst.country,
    name: inst.name,
    title: inst.title,
    kind: inst.kind,
    mapping: {
      name: inst.mapping_name,
      version: inst.mapping_version,
      id: `${inst.mapping_name}@${inst.mapping_version}`,
    },
    config: inst.config,
    options: inst.options,
    schedule: inst.schedule,
    enabled: !inst.paused_at,
    paused: inst.paused_at ? { at: inst.paused_at.toISOString(), reason: inst.paused_reason } : null,
    secrets: { fields: s.secretFields },
    status: {
      health,
      lastRunId: s.last?.id ?? null,
      lastRunAt: iso(s.last?.started_at ?? s.last?.queued_at),
      lastRunStatus: s.last?.status ?? null,
      lastRunFinishedAt: iso(s.last?.finished_at),
      nextRunAt: iso(inst.next_run_at),
      cursor: s.cursor?.cursor ?? null,
      cursorUpdatedAt: iso(s.cursor?.updated_at),
      rows: s.last
        ? { read: s.last.rows_read, mapped: s.last.rows_mapped, rejected: s.last.rows_rejected }
        : { read: 0, mapped: 0, rejected: 0 },
      batches: s.last
        ? { created: s.last.batches_created, existing: s.last.batches_existing }
        : { created: 0, existing: 0 },
      lastError: err
        ? { code: err.error_code, message: err.error_message ?? '', at: iso(err.finished_at), runId: err.id }
        : null,
      consecutiveFailures: inst.consecutive_failures,
    },
    createdAt: inst.created_at.toISOString(),
    updatedAt: inst.updated_at.toISOString(),
    links: {
      self: `/v1/connectors/${inst.id}`,
      runs: `/v1/connectors/${inst.id}/runs`,
      files: `/v1/connectors/${inst.id}/files`,
    },
  };
}

export function runView(r: RunRow) {
  return {
    id: r.id,
    connectorId: r.instance_id,
    trigger: r.trigger,
    status: r.status,
    attempt: r.attempt,
    replayOf: r.replay_of,
    fileIds: r.file_ids,
    queuedAt: r.queued_at.toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    cursorBefore: r.cursor_before,
    cursorAfter: r.cursor_after,
    pages: r.pages,
    rows: { read: r.rows_read, mapped: r.rows_mapped, rejected: r.rows_rejected, skipped: r.rows_skipped },
    records: { mapped: r.records, unchanged: r.records_unchanged },
    batches: { created: r.batches_created, existing: r.batches_existing },
    issues: r.issues,
    mappingDigest: r.mapping_digest,
    error: r.error_code
      ? { code: r.error_code, retryable: r.error_retryable, message: r.error_message }
      : null,
    links: {
      self: `/v1/connectors/${r.instance_id}/runs/${r.id}`,
      issues: `/v1/connectors/${r.instance_id}/runs/${r.id}/issues`,
      batches: `/v1/batches?connectorId=${r.instance_id}`,
    },
  };
}

export function fileView(f: FileRow) {
  return {
    id: f.id,
    connectorId: f.instance_id,
    origin: f.origin,
    name: f.name,
    sha256: f.sha256,
    size: f.size,
    receivedAt: f.received_at.toISOString(),
    receivedBy: f.received_by,
    doneAt: iso(f.done_at),
    doneRunId: f.done_run_id,
  };
}
