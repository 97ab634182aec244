import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { Command } from 'commander';
import type pg from 'pg';

import { loadConfig, type Config } from '../../config.js';
import { auditConnector } from '../../connectors/audit.js';
import { createHubConnectors, type HubConnectors } from '../../connectors/hub.js';
import {
  checkConnector,
  connectorState,
  connectorView,
  createConnector,
  fileView,
  pauseConnector,
  replayRun,
  resumeConnector,
  runView,
  testConnector,
  updateConnector,
  type TestResult,
} from '../../connectors/manage.js';
import type { RowOrigin } from '../../connectors/mapping/runtime.js';
import { executeRun, type ExecuteResult } from '../../connectors/runner.js';
import { retryDelayMs } from '../../connectors/scheduler.js';
import { rekeySecrets } from '../../connectors/secrets.js';
import {
  findInstance,
  getRun,
  insertFile,
  insertRun,
  listInstances,
  listRunBatches,
  listRunIssues,
  listRuns,
  listFiles,
  type InstanceRow,
} from '../../connectors/store.js';
import { sha256Hex } from '../../connectors/page-batches.js';
import { withTransaction } from '../../db/pool.js';
import { getBatch } from '../../db/queries/batches.js';
import { isApiError } from '../../errors.js';
import { destination, pino } from 'pino';

import { loggerOptions } from '../../logger.js';
import type { Pipeline } from '../../pipeline/index.js';
import { createHubPipeline } from '../../runtime.js';
import type { SchemaRegistry } from '../../standard/registry.js';
import { withDatabase } from '../with-database.js';

/** The actor the audit chain names for what the CLI does. */
const CLI = 'cli';

interface Deps {
  pool: pg.Pool;
  registry: SchemaRegistry;
  config: Config;
  hub: HubConnectors;
  pipeline: Pipeline;
}

/** The database, the pipeline (to hand batches to) and the connectors, for one command. */
async function withConnectors<T>(fn: (d: Deps) => Promise<T>): Promise<T> {
  return withDatabase(async ({ pool, registry }) => {
    const config = loadConfig();
    // Log lines go to stderr: stdout is the command's answer (JSON with --json).
    const logger = pino(loggerOptions(process.env.LOG_LEVEL ?? 'warn'), destination(2));
    const pipeline = createHubPipeline({ config, pool, logger, registry, runWorkers: false });
    const hub = createHubConnectors({ config, pool, logger, registry, pipeline, runWorkers: false });
    try {
      return await fn({ pool, registry, config, hub, pipeline });
    } finally {
      await hub.scheduler.close();
      await pipeline.close();
    }
  });
}

async function instanceOf(pool: pg.Pool, ref: string): Promise<InstanceRow> {
  const inst = await findInstance(pool, ref);
  if (!inst) throw new Error(`no connector ${ref} (give its id, or COUNTRY/name such as CD/ceec-exports)`);
  return inst;
}

/** JSON from a file path, "-" (stdin) or inline text. */
async function jsonArg(value: string, what: string): Promise<unknown> {
  let text = value;
  if (value === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } else if (!value.trimStart().startsWith('{')) {
    text = await readFile(value, 'utf8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} is not JSON: ${(err as Error).message}`);
  }
}

/** Secrets come from a file or stdin, never from the command line (which `ps` shows). */
async function secretsArg(file: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (file === undefined) return undefined;
  let text: string;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } else text = await readFile(file, 'utf8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error('the secrets file is not JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('the secrets must be a JSON object');
  return v as Record<string, unknown>;
}

function problemText(err: unknown): string {
  if (isApiError(err)) return err.message;
  return err instanceof Error ? err.message : String(err);
}

const fmtDate = (s: string | null | undefined) => (s ? s.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');

function printConnector(v: ReturnType<typeof connectorView>): void {
  const s = v.status;
  console.log(`${v.country}/${v.name}  ${v.id}`);
  console.log(`  kind       ${v.kind}, mapping ${v.mapping.id}`);
  console.log(`  schedule   ${v.schedule ?? 'none (run now, uploads)'}`);
  console.log(
    `  state      ${v.paused ? `paused since ${fmtDate(v.paused.at)}: ${v.paused.reason}` : s.health}`,
  );
  console.log(
    `  last run   ${s.lastRunId ? `${s.lastRunStatus} ${fmtDate(s.lastRunAt)} (${s.lastRunId})` : 'never'}`,
  );
  console.log(
    `  rows       read ${s.rows.read}, mapped ${s.rows.mapped}, rejected ${s.rows.rejected} (last run)`,
  );
  console.log(`  next run   ${fmtDate(s.nextRunAt)}`);
  console.log(`  cursor     ${s.cursor === null ? '— (from the beginning)' : JSON.stringify(s.cursor)}`);
  console.log(`  failures   ${s.consecutiveFailures} in a row`);
  if (s.lastError)
    console.log(`  last error ${s.lastError.code}: ${s.lastError.message} (${fmtDate(s.lastError.at)})`);
  console.log(
    `  secrets    ${v.secrets.fields.length ? v.secrets.fields.join(', ') + ' (set; never shown)' : 'none'}`,
  );
}

function printRun(r: ReturnType<typeof runView>): void {
  console.log(
    `run ${r.id} (${r.trigger}${r.replayOf ? ` of ${r.replayOf}` : ''}): ${r.status} after ${r.attempt} attempt(s)`,
  );
  console.log(
    `  ${r.pages} page(s); rows read ${r.rows.read}, mapped ${r.rows.mapped}, rejected ${r.rows.rejected}, skipped ${r.rows.skipped}`,
  );
  console.log(
    `  records ${r.records.mapped} (${r.records.unchanged} unchanged, not sent again); batches ${r.batches.created} stored, ${r.batches.existing} already stored`,
  );
  if (r.issues) console.log(`  ${r.issues} row(s) could not be mapped: rmdx connectors issues ${r.id}`);
  if (r.error) console.log(`  error ${r.error.code}: ${r.error.message}`);
}

const originText = (o: RowOrigin | undefined) =>
  o
    ? `${o.file ?? o.stream}${o.sheet && o.sheet !== o.file ? ` › ${o.sheet}` : ''} row ${o.rowNumber}${o.sourceId ? ` (id ${o.sourceId})` : ''}`
    : '?';

/** The dry run as an operator reads it: counts, the records, the rows that failed, the validation. */
function printTest(r: TestResult, limit: number): void {
  const s = r.stats;
  console.log(
    `connector ${r.connector.country}/${r.connector.name} (${r.connector.kind}, mapping ${r.mapping.id}) — dry run, nothing stored`,
  );
  console.log(
    `read ${s.rows} row(s) in ${r.pages} page(s)${r.truncated ? ' (cut short)' : ''}: ${s.mapped} mapped, ${s.rejected} rejected, ${s.skipped} skipped → ${s.records} record(s)`,
  );
  console.log('');
  console.log(`records${r.records.length > limit ? ` (first ${limit} of ${r.records.length})` : ''}:`);
  r.records
    .slice(0, limit)
    .forEach((rec, i) => console.log(`  ${originText(r.origins[i])}  ${JSON.stringify(rec)}`));
  console.log('');
  if (r.issues.length === 0) console.log('mapping issues: none');
  else {
    console.log(`mapping issues (${r.issues.length}):`);
    for (const i of r.issues) {
      const where = `${i.file ?? i.stream}${i.sheet && i.sheet !== i.file ? ` › ${i.sheet}` : ''} row ${i.rowNumber}`;
      console.log(`  ${where}${i.column ? `, column "${i.column}"` : ''}: ${i.code}`);
      console.log(`      ${i.message}`);
    }
  }
  console.log('');
  console.log(`validation (${r.batches.length} batch(es), one per month):`);
  for (const b of r.batches) {
    const t = b.report.totals;
    console.log(
      `  ${b.period}: ${b.records} record(s) — ${b.report.valid ? 'VALID' : 'INVALID'}: ${t.errors} error(s), ${t.warnings} warning(s), ${t.valid} valid, ${t.invalid} invalid`,
    );
    for (const i of b.report.issues) {
      const where = i.recordIndex === null ? 'envelope' : originText(b.origins[i.recordIndex]);
      console.log(`    ${i.severity.padEnd(7)} ${where}${i.key ? ` [${i.key}]` : ''} ${i.path} ${i.code}`);
      console.log(`            ${i.message}`);
    }
    for (const g of b.report.groups)
      console.log(`    ${g.severity.padEnd(7)} ${g.path} ${g.code} × ${g.count}`);
  }
}

/**
 * Runs a stored run here, attempt after attempt (transient failures wait with backoff and jitter),
 * and hands its batches to the pipeline. Without Redis this process is the pipeline's worker too:
 * the command ends when the batches are stored.
 */
async function runHere(d: Deps, runId: string, quiet: boolean): Promise<ExecuteResult> {
  const attempts = d.config.connectors.runAttempts;
  for (;;) {
    const run = (await getRun(d.pool, runId))!;
    const result = await executeRun(d.hub.runner, runId, {
      lastAttempt: run.attempt + 1 >= attempts,
      lockWaitMs: 30_000,
      onPage: quiet
        ? undefined
        : (p) => process.stderr.write(`\r  page ${p.pages}, ${p.batches} batch(es) stored`),
    });
    if (!quiet) process.stderr.write('\n');
    if (result.outcome === 'busy')
      throw new Error('another run of this connector is going on; try again when it ends');
    if (result.outcome !== 'retry') {
      if (d.pipeline.kind === 'inline') await d.pipeline.idle();
      return result;
    }
    const wait = retryDelayMs(result.run.attempt, d.config.connectors.retryBaseMs);
    console.error(
      `attempt ${result.run.attempt} failed (${result.error?.code}); trying again in ${Math.round(wait / 1000)} s`,
    );
    await new Promise((r) => setTimeout(r, wait));
  }
}

async function reportRun(d: Deps, result: ExecuteResult, json: boolean): Promise<void> {
  const batches = await listRunBatches(d.pool, result.run.id);
  // Statuses after the pipeline had its turn.
  const statuses = await Promise.all(
    batches.map(async (b) => (await getBatch(d.pool, b.batch_id))?.status ?? b.status),
  );
  if (json) {
    console.log(
      JSON.stringify({
        ...runView(result.run),
        paused: result.paused ?? false,
        batchList: batches.map((b, i) => ({
          batchId: b.batch_id,
          period: b.period,
          records: b.record_count,
          created: b.created,
          status: statuses[i],
        })),
      }),
    );
  } else {
    printRun(runView(result.run));
    for (const [i, b] of batches.entries())
      console.log(
        `  batch ${b.batch_id} ${b.period} ${b.record_count} record(s) ${b.created ? 'stored' : 'already stored'} → ${statuses[i]}`,
      );
    if (d.pipeline.kind === 'bullmq' && batches.length)
      console.log('  (the pipeline workers take the batches from here)');
    if (result.paused)
      console.log(
        '  the connector paused itself after too many failed runs in a row: rmdx connectors resume',
      );
  }
  if (result.outcome !== 'succeeded') process.exitCode = 1;
}

/** `rmdx connectors …`: configure, run, replay and test the connectors of the member states. */
export function registerConnectorCommands(program: Command): void {
  const cmd = program
    .command('connectors')
    .description(
      'connectors: pull from national databases and read their files (talks to the database directly)',
    );

  cmd
    .command('list')
    .description('list connectors with their status')
    .option('--country <code>', 'only this member state')
    .option('--json', 'print JSON')
    .action(async (opts: { country?: string; json?: boolean }) => {
      await withConnectors(async (d) => {
        const rows = await listInstances(d.pool, { country: opts.country?.toUpperCase() });
        const views = await Promise.all(
          rows.map(async (i) => connectorView(i, await connectorState(d.pool, i))),
        );
        if (opts.json) return console.log(JSON.stringify({ items: views }));
        if (views.length === 0) return console.log('no connector yet: rmdx connectors create --help');
        for (const v of views)
          console.log(
            [
              v.id,
              `${v.country}/${v.name}`,
              v.kind,
              v.mapping.id,
              v.status.health,
              `last ${v.status.lastRunStatus ?? '—'} ${fmtDate(v.status.lastRunAt)}`,
              `next ${fmtDate(v.status.nextRunAt)}`,
            ].join('\t'),
          );
      });
    });

  cmd
    .command('mappings')
    .description('the mappings installed with the hub (one per national format)')
    .action(async () => {
      await withConnectors(async (d) => {
        for (const m of await d.hub.context.mappings.list())
          console.log(`${m.id}\t${m.format}\tstandard ${m.standardVersion}\t${m.description ?? ''}`);
      });
    });

  cmd
    .command('show <connector>')
    .description('a connector, its status and its last runs (by id or COUNTRY/name)')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      await withConnectors(async (d) => {
        const inst = await instanceOf(d.pool, ref);
        const v = connectorView(inst, await connectorState(d.pool, inst));
        const runs = (await listRuns(d.pool, { instanceId: inst.id, limit: 10 })).map(runView);
        if (opts.json) return console.log(JSON.stringify({ ...v, runs }));
        printConnector(v);
        if (runs.length) console.log('  runs');
        for (const r of runs)
          console.log(
            `    ${r.id} ${r.trigger.padEnd(8)} ${r.status.padEnd(9)} ${fmtDate(r.startedAt ?? r.queuedAt)}  read ${r.rows.read}, batches ${r.batches.created}${r.error ? `  ${r.error.code}` : ''}`,
          );
      });
    });

  cmd
    .command('create')
    .description('configure a connector for a member state')
    .requiredOption('--country <code>', 'member state (e.g. CD)')
    .requiredOption('--name <name>', 'unique in the country, lower case (e.g. ceec-exports)')
    .requiredOption('--kind <kind>', 'http-json or file')
    .requiredOption(
      '--mapping <mapping>',
      'installed mapping, e.g. fr-csv-rmd or fr-csv-rmd@1.0.0 (rmdx connectors mappings)',
    )
    .requiredOption('--config <json|file>', "the kind's configuration: a JSON file, or inline JSON")
    .option(
      '--secrets-file <file>',
      'tokens and passwords as a JSON file, or - for stdin (never on the command line)',
    )
    .option('--schedule <cron>', 'cron expression, UTC (e.g. "0 */6 * * *")')
    .option('--title <title>', 'a longer name')
    .option('--timezone <offset>', "offset of the source's times, overriding the mapping's (e.g. +02:00)")
    .option('--acceptance <mode>', 'partial (default) or all-or-nothing')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        country: string;
        name: string;
        kind: string;
        mapping: string;
        config: string;
        secretsFile?: string;
        schedule?: string;
        title?: string;
        timezone?: string;
        acceptance?: string;
        json?: boolean;
      }) => {
        const config = await jsonArg(opts.config, '--config');
        const secrets = await secretsArg(opts.secretsFile);
        await withConnectors(async (d) => {
          const inst = await createConnector(
            d.hub.context,
            {
              country: opts.country,
              name: opts.name,
              kind: opts.kind,
              mapping: opts.mapping,
              config,
              ...(secrets && { secrets }),
              schedule: opts.schedule ?? null,
              title: opts.title ?? null,
              options: {
                ...(opts.timezone && { timezone: opts.timezone }),
                ...(opts.acceptance && { acceptance: opts.acceptance }),
              },
            },
            CLI,
          ).catch((err: unknown) => {
            throw new Error(problemText(err));
          });
          const v = connectorView(inst, await connectorState(d.pool, inst));
          if (opts.json) console.log(JSON.stringify(v));
          else {
            console.log(inst.id);
            console.error(`created connector ${inst.country}/${inst.name}`);
          }
        });
      },
    );

  cmd
    .command('update <connector>')
    .description(
      'change a connector (configuration replaced whole; secrets merged, a field set to null removed)',
    )
    .option('--config <json|file>', "the kind's new configuration")
    .option('--secrets-file <file>', 'secrets to set (JSON file, or - for stdin)')
    .option('--schedule <cron>', 'new schedule (cron, UTC)')
    .option('--no-schedule', 'no schedule: run now and uploads only')
    .option('--mapping <mapping>', 'adopt this mapping (name or name@version)')
    .option('--title <title>', 'a longer name')
    .option('--timezone <offset>', "offset of the source's times")
    .option('--acceptance <mode>', 'partial or all-or-nothing')
    .option('--reset-cursor', 'read from the beginning at the next run')
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        opts: {
          config?: string;
          secretsFile?: string;
          schedule?: string | false;
          mapping?: string;
          title?: string;
          timezone?: string;
          acceptance?: string;
          resetCursor?: boolean;
          json?: boolean;
        },
      ) => {
        const config = opts.config === undefined ? undefined : await jsonArg(opts.config, '--config');
        const secrets = await secretsArg(opts.secretsFile);
        await withConnectors(async (d) => {
          const inst = await instanceOf(d.pool, ref);
          const options =
            opts.timezone || opts.acceptance
              ? {
                  ...inst.options,
                  ...(opts.timezone && { timezone: opts.timezone }),
                  ...(opts.acceptance && { acceptance: opts.acceptance }),
                }
              : undefined;
          const updated = await updateConnector(
            d.hub.context,
            inst,
            {
              ...(config !== undefined && { config }),
              ...(secrets && { secrets }),
              ...(opts.schedule !== undefined && {
                schedule: opts.schedule === false ? null : opts.schedule,
              }),
              ...(opts.mapping && { mapping: opts.mapping }),
              ...(opts.title !== undefined && { title: opts.title }),
              ...(options && { options }),
              ...(opts.resetCursor && { resetCursor: true }),
            },
            CLI,
          ).catch((err: unknown) => {
            throw new Error(problemText(err));
          });
          const v = connectorView(updated, await connectorState(d.pool, updated));
          if (opts.json) console.log(JSON.stringify(v));
          else printConnector(v);
        });
      },
    );

  cmd
    .command('pause <connector>')
    .description('pause a connector: no scheduled run until it is resumed')
    .option('--reason <text>', 'why (shown in its status)')
    .action(async (ref: string, opts: { reason?: string }) => {
      await withConnectors(async (d) => {
        const row = await pauseConnector(d.hub.context, await instanceOf(d.pool, ref), opts.reason, CLI);
        console.log(`paused ${row.country}/${row.name}: ${row.paused_reason}`);
      });
    });

  cmd
    .command('resume <connector>')
    .description('resume a paused connector (its failure count starts again at 0)')
    .action(async (ref: string) => {
      await withConnectors(async (d) => {
        const row = await resumeConnector(d.hub.context, await instanceOf(d.pool, ref), CLI);
        console.log(
          `resumed ${row.country}/${row.name}${row.next_run_at ? `; next run ${fmtDate(row.next_run_at.toISOString())}` : ''}`,
        );
      });
    });

  cmd
    .command('run <connector>')
    .description(
      'run a connector now, in this process (without Redis the batches are stored before it ends); --file uploads files first',
    )
    .option('--file <path...>', 'files for a file connector (stored first, then read)')
    .option('--period <YYYY-MM>', 'month of records without an event date, when the file names do not say')
    .option('--queue', 'only queue the run for the workers (BullMQ), do not run it here')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print JSON')
    .action(
      async (
        ref: string,
        opts: { file?: string[]; period?: string; queue?: boolean; quiet?: boolean; json?: boolean },
      ) => {
        if (opts.period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.period))
          throw new Error('--period must be YYYY-MM');
        const files = await Promise.all(
          (opts.file ?? []).map(async (f) => ({ name: path.basename(f), data: await readFile(f) })),
        );
        await withConnectors(async (d) => {
          const inst = await instanceOf(d.pool, ref);
          if (files.length && inst.kind !== 'file')
            throw new Error(`--file is for file connectors; ${ref} is ${inst.kind}`);
          const run = await withTransaction(d.pool, async (db) => {
            for (const f of files)
              await insertFile(db, {
                id: randomUUID(),
                instanceId: inst.id,
                origin: 'upload',
                name: f.name,
                sha256: sha256Hex(f.data),
                data: f.data,
                receivedBy: CLI,
              });
            if (opts.queue) return undefined;
            return insertRun(db, {
              id: randomUUID(),
              instanceId: inst.id,
              trigger: files.length ? 'upload' : 'manual',
              periodHint: opts.period ?? null,
              requestedBy: CLI,
            });
          });
          if (!run) {
            const queued = await d.hub.scheduler.requestRun(inst, {
              trigger: files.length ? 'upload' : 'manual',
              periodHint: opts.period ?? null,
              requestedBy: CLI,
            });
            if (opts.json) console.log(JSON.stringify(runView(queued)));
            else
              console.log(
                `run ${queued.id} queued${d.hub.scheduler.kind === 'inline' ? ' (no Redis: the server takes it at its next start or sweep; run without --queue to run it now)' : ' for the workers'}`,
              );
            return;
          }
          if (!opts.json && !opts.quiet) console.error(`run ${run.id} of ${inst.country}/${inst.name}`);
          const result = await runHere(d, run.id, Boolean(opts.quiet || opts.json));
          await reportRun(d, result, Boolean(opts.json));
        });
      },
    );

  cmd
    .command('replay <run>')
    .description(
      'replay a failed run: read again from where it began (its stored files); stored pages find their batch',
    )
    .option('--queue', 'only queue the replay for the workers')
    .option('--json', 'print JSON')
    .action(async (runId: string, opts: { queue?: boolean; json?: boolean }) => {
      await withConnectors(async (d) => {
        const original = await getRun(d.pool, runId);
        if (!original) throw new Error(`no connector run ${runId}`);
        if (opts.queue) {
          const run = await replayRun(d.hub.context, original, CLI).catch((err: unknown) => {
            throw new Error(problemText(err));
          });
          return console.log(opts.json ? JSON.stringify(runView(run)) : `replay ${run.id} queued`);
        }
        if (original.status !== 'failed')
          throw new Error(`run ${runId} is ${original.status}; only a failed run can be replayed`);
        const run = await insertRun(d.pool, {
          id: randomUUID(),
          instanceId: original.instance_id,
          trigger: 'replay',
          replayOf: original.id,
          fileIds: original.file_ids,
          requestedBy: CLI,
        });
        await auditConnector(d.pool, {
          type: 'connector.run_replayed',
          actor: CLI,
          instanceId: original.instance_id,
          data: { run: original.id, replay: run.id },
        });
        const result = await runHere(d, run.id, Boolean(opts.json));
        await reportRun(d, result, Boolean(opts.json));
      });
    });

  cmd
    .command('test <connector>')
    .description(
      'dry run: read a file (or the live source), map, validate, print the records and the report; store nothing',
    )
    .option('--file <path...>', 'read these files instead of the source')
    .option('--from-start', 'live source: from the beginning, not from the stored cursor')
    .option('--limit <n>', 'records printed', (v) => Number(v), 50)
    .option('--max-rows <n>', 'stop after this many source rows', (v) => Number(v))
    .option('--json', 'print JSON (every record, with its source row)')
    .action(
      async (
        ref: string,
        opts: { file?: string[]; fromStart?: boolean; limit: number; maxRows?: number; json?: boolean },
      ) => {
        const files = opts.file
          ? await Promise.all(
              opts.file.map(async (f) => ({ name: path.basename(f), data: await readFile(f) })),
            )
          : undefined;
        await withConnectors(async (d) => {
          const inst = await instanceOf(d.pool, ref);
          const r = await testConnector(d.hub.context, inst, {
            ...(files && { files }),
            ...(opts.fromStart && { fromStart: true }),
            ...(opts.maxRows !== undefined && { maxRows: opts.maxRows }),
          }).catch((err: unknown) => {
            throw new Error(problemText(err));
          });
          if (opts.json) {
            const { records, origins, ...rest } = r;
            console.log(
              JSON.stringify({
                ...rest,
                records: records.map((record, i) => ({ origin: origins[i], record })),
              }),
            );
          } else printTest(r, opts.limit);
          if (r.issues.length > 0 || r.batches.some((b) => !b.report.valid)) process.exitCode = 1;
        });
      },
    );

  cmd
    .command('check <connector>')
    .description('check the source: reachable, credentials accepted (nothing read or stored)')
    .action(async (ref: string) => {
      await withConnectors(async (d) => {
        const r = await checkConnector(d.hub.context, await instanceOf(d.pool, ref));
        console.log(
          `${r.ok ? 'OK' : 'FAILED'} (${r.status}): ${r.message}${r.latencyMs !== undefined ? ` [${r.latencyMs} ms]` : ''}`,
        );
        if (!r.ok) process.exitCode = 1;
      });
    });

  cmd
    .command('runs <connector>')
    .description('runs of a connector, newest first')
    .option('--limit <n>', 'how many', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { limit: number; json?: boolean }) => {
      await withConnectors(async (d) => {
        const inst = await instanceOf(d.pool, ref);
        const runs = (await listRuns(d.pool, { instanceId: inst.id, limit: opts.limit })).map(runView);
        if (opts.json) return console.log(JSON.stringify({ items: runs }));
        for (const r of runs) printRun(r);
      });
    });

  cmd
    .command('issues <run>')
    .description('rows of a run that could not be mapped: row number, column, value, reason')
    .option('--json', 'print JSON lines')
    .action(async (runId: string, opts: { json?: boolean }) => {
      await withConnectors(async (d) => {
        let after = 0;
        for (;;) {
          const rows = await listRunIssues(d.pool, { runId, afterSeq: after, limit: 1000 });
          for (const i of rows) {
            if (opts.json) console.log(JSON.stringify(i));
            else
              console.log(
                `${i.file ?? i.stream}${i.sheet ? ` › ${i.sheet}` : ''} row ${i.row_number}${i.column_name ? `, column "${i.column_name}"` : ''}${i.value !== null ? ` = ${JSON.stringify(i.value)}` : ''}: ${i.code} — ${i.message}`,
              );
          }
          if (rows.length < 1000) break;
          after = rows[rows.length - 1]!.seq;
        }
      });
    });

  cmd
    .command('files <connector>')
    .description('files received (uploads, folder pick-ups), newest first')
    .action(async (ref: string) => {
      await withConnectors(async (d) => {
        for (const f of (await listFiles(d.pool, (await instanceOf(d.pool, ref)).id)).map(fileView))
          console.log(
            [
              f.id,
              f.origin,
              f.name,
              f.size,
              f.sha256.slice(0, 12),
              f.doneAt ? `read by ${f.doneRunId}` : 'waiting',
            ].join('\t'),
          );
      });
    });

  cmd
    .command('rekey')
    .description('seal every connector secret again under the current key (after a key rotation)')
    .action(async () => {
      await withConnectors(async (d) => {
        const n = await rekeySecrets(d.pool, d.hub.context.secrets);
        console.log(`${n} connector secret(s) sealed again under the current key`);
      });
    });
}
