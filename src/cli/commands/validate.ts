import { readFile, stat } from 'node:fs/promises';
import { constants as bufferConstants, isUtf8 } from 'node:buffer';

import { type Command, InvalidArgumentError, Option } from 'commander';

import { decodeBody, parseJsonText } from '../../api/plugins/json-body.js';
import { isApiError } from '../../errors.js';
import type { Lang } from '../../standard/messages.js';
import { precompiled } from '../../standard/generated/validators.js';
import { defaultSchemasDir, loadRegistry, type SchemaRegistry } from '../../standard/registry.js';
import { DEFAULT_GROUP_CAP, validateDocument, type ValidationReport } from '../../standard/validate.js';
import { validateFileInParallel } from '../parallel-validate.js';
import { notPlain } from '../split-batch.js';
import { formatReportText } from '../report-text.js';

/** Exit codes of `rmdx validate`. */
export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_UNUSABLE = 2;

interface ValidateCliOptions {
  format: 'text' | 'json';
  lang: Lang;
  schemaVersion?: string;
  reportingCountry?: string;
  period?: string;
  groupCap: number;
  schemasDir: string;
  /** 2: two threads when the input allows (see parallel-validate.ts); else one. */
  threads?: 1 | 2 | undefined;
}

/**
 * Whether to try two threads on `source`: asked for (`--threads 2`), and a regular file (not stdin).
 * Not the default: on the shared 2-core machine where it was built, loaded by other work throughout,
 * two threads were not reliably faster than one (a second thread waits for a core and adds its own
 * start-up and JIT warm-up, ~0.3 s of CPU on the 200,000-record bench batch); measure before making it so.
 */
async function wantsThreads(source: string, opts: ValidateCliOptions): Promise<boolean> {
  if (source === '-' || opts.threads !== 2) return false;
  try {
    return (await stat(source)).isFile();
  } catch {
    return false; // reading it says why, in the usual words
  }
}

/** Input the command cannot work with: it says why, and the command exits with code 2. */
class UnusableInput extends Error {}

async function readSource(source: string): Promise<Buffer> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(source);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT'
        ? 'no such file'
        : e.code === 'EISDIR'
          ? 'it is a directory'
          : e.code === 'EACCES'
            ? 'permission denied'
            : e.message;
    throw new UnusableInput(`cannot read ${source}: ${why}`);
  }
}

/**
 * Parses the input exactly as the API's JSON body parser does (`parseJsonText`: UTF-8 only, no
 * `__proto__` or `constructor.prototype` keys, the same error messages), with a fast path for the
 * common file: valid UTF-8 in which neither name nor any \u escape occurs can go straight to
 * JSON.parse, skipping the parser's two pattern scans of the whole text (6 % of a 200,000-record run).
 */
export function parseDocument(bytes: Buffer): unknown {
  if (bytes.length > 0 && isUtf8(bytes)) {
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() !== '' && !notPlain.test(text)) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // Fall through: the reference parser says where and why, in its words.
      }
    }
  }
  return parseJsonText(bytes);
}

/** A progress line on stderr, only when stderr is a terminal (never in pipes, logs or CI). */
function progressReporter() {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    phase(text: string) {
      if (tty) process.stderr.write(`\r\x1b[2K${text}`);
    },
    records(done: number, total: number) {
      if (!tty) return;
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      process.stderr.write(
        `\r\x1b[2Kvalidating ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} records (${pct}%)`,
      );
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[2K');
    },
  };
}

/** What checking one file gave: its report, or why it could not be checked. */
export type FileOutcome =
  | { file: string; exitCode: 0 | 1; report: ValidationReport; elapsedMs: number }
  | { file: string; exitCode: 2; error: string };

/** Reads, parses and validates one file (or `-`); never throws for unusable input. */
export async function validateFile(
  source: string,
  registry: SchemaRegistry,
  opts: ValidateCliOptions,
  progress: ReturnType<typeof progressReporter> = progressReporter(),
): Promise<FileOutcome> {
  const t0 = performance.now();
  try {
    progress.phase(`reading ${source}`);
    let bytes: Buffer | undefined;
    if (await wantsThreads(source, opts)) {
      let read: Buffer | undefined;
      const run = await validateFileInParallel(
        source,
        registry,
        opts.schemasDir,
        {
          schemaVersion: opts.schemaVersion,
          reportingCountry: opts.reportingCountry,
          period: opts.period,
          groupCap: opts.groupCap,
          now: Date.now(),
          onProgress: (done, total) => progress.records(done, total),
        },
        (b) => {
          read = b;
          progress.phase(`parsing ${source} (${(b.length / 1e6).toFixed(1)} MB, two threads)`);
        },
      ).catch(() => undefined);
      if (run) {
        progress.done();
        const { report } = run;
        return {
          file: source,
          exitCode: report.valid ? EXIT_VALID : EXIT_INVALID,
          report,
          elapsedMs: performance.now() - t0,
        };
      }
      // Not a candidate for two threads (see parallel-validate.ts): one thread, from the bytes read.
      if (read) bytes = Buffer.from(read as Buffer);
    }
    bytes ??= await readSource(source);
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      progress.phase(`decompressing ${source}`);
      bytes = await decodeBody(bytes, 'gzip', bufferConstants.MAX_LENGTH);
    }
    progress.phase(`parsing ${source} (${(bytes.length / 1e6).toFixed(1)} MB)`);
    const doc = parseDocument(bytes);
    bytes = Buffer.alloc(0);
    const report = validateDocument(registry, doc, {
      schemaVersion: opts.schemaVersion,
      reportingCountry: opts.reportingCountry,
      period: opts.period,
      groupCap: opts.groupCap,
      onProgress: (done, total) => progress.records(done, total),
    });
    progress.done();
    return {
      file: source,
      exitCode: report.valid ? EXIT_VALID : EXIT_INVALID,
      report,
      elapsedMs: performance.now() - t0,
    };
  } catch (err) {
    progress.done();
    if (err instanceof UnusableInput || isApiError(err)) {
      // The JSON reader speaks of "the body" (it serves the API too); here it is the file.
      const error = err.message.replace(/^The body/, source === '-' ? 'The input' : 'The file');
      return { file: source, exitCode: EXIT_UNUSABLE, error };
    }
    throw err;
  }
}

/**
 * Checks each file and prints the reports; returns the exit code (the worst over the files).
 * One file: the report as is (`--format json` prints exactly the report of POST /v1/validate).
 * Several files: text reports one after another, or in JSON `{ files: [{ file, exitCode, report | error }] }`.
 */
export async function runValidate(sources: string[], opts: ValidateCliOptions): Promise<number> {
  if (sources.filter((s) => s === '-').length > 1) {
    console.error('rmdx validate: standard input (-) can be read only once');
    return EXIT_UNUSABLE;
  }
  const progress = progressReporter();
  progress.phase('loading the standard');
  // The validators generated at build time (npm run gen:validators) when the schemas are theirs: no
  // compilation at start; other schemas (--schemas-dir, an edited checkout) are compiled as usual.
  const registry = loadRegistry(opts.schemasDir, { precompiled });
  const outcomes: FileOutcome[] = [];
  for (const source of sources) {
    const outcome = await validateFile(source, registry, opts, progress);
    outcomes.push(outcome);
    if (outcome.exitCode === EXIT_UNUSABLE) console.error(`rmdx validate: ${outcome.error}`);
    else if (opts.format === 'text') {
      process.stdout.write(
        formatReportText(outcome.report, {
          lang: opts.lang,
          source,
          elapsedMs: outcome.elapsedMs,
          groupCap: opts.groupCap,
        }) + (sources.length > 1 ? '\n' : ''),
      );
    }
  }
  if (opts.format === 'json') {
    if (sources.length === 1) {
      const only = outcomes[0]!;
      if (only.exitCode !== EXIT_UNUSABLE) process.stdout.write(`${JSON.stringify(only.report, null, 2)}\n`);
    } else {
      const files = outcomes.map((o) =>
        o.exitCode === EXIT_UNUSABLE
          ? { file: o.file, exitCode: o.exitCode, error: o.error }
          : { file: o.file, exitCode: o.exitCode, report: o.report },
      );
      process.stdout.write(`${JSON.stringify({ files }, null, 2)}\n`);
    }
  }
  return Math.max(...outcomes.map((o) => o.exitCode));
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
}

/** `rmdx validate <file|->…`: the report of POST /v1/validate, offline (no server, no database). */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'check batches or single records against the standard, offline; exit 0 valid, 1 invalid, 2 unusable input (the worst over the files)',
    )
    .argument('<files...>', 'JSON files (gzip accepted), or - for standard input')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--lang <lang>', 'language of the text report').choices(['en', 'fr']).default('en'))
    .option(
      '--schema-version <version>',
      'for a single record: the version to check against (default: latest)',
    )
    .option(
      '--reporting-country <code>',
      'for a single record: the reporting member state (enables its checks)',
    )
    .option('--period <YYYY-MM>', 'for a single record: the reporting month (checks its event date)')
    .option(
      '--group-cap <n>',
      'like issues listed before the rest are counted',
      positiveInt,
      DEFAULT_GROUP_CAP,
    )
    .option('--schemas-dir <dir>', 'the folder of published schema versions', defaultSchemasDir)
    .option(
      '--threads <n>',
      'threads checking a file: 1 (default) or 2 (a worker thread parses and checks the second half of the records)',
      (v: string) => {
        if (v !== '1' && v !== '2') throw new InvalidArgumentError('must be 1 or 2');
        return Number(v);
      },
    )
    .action(async (files: string[], opts: ValidateCliOptions) => {
      process.exitCode = await runValidate(files, opts);
    });
}
