import { readFile } from 'node:fs/promises';
import { constants as bufferConstants } from 'node:buffer';

import { type Command, InvalidArgumentError, Option } from 'commander';

import { decodeBody, parseJsonText } from '../../api/plugins/json-body.js';
import { isApiError } from '../../errors.js';
import type { Lang } from '../../standard/messages.js';
import { defaultSchemasDir, loadRegistry } from '../../standard/registry.js';
import { DEFAULT_GROUP_CAP, validateDocument } from '../../standard/validate.js';
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

/** Reads, parses and validates; returns the exit code. Exported for in-process use (tests, bench). */
export async function runValidate(source: string, opts: ValidateCliOptions): Promise<number> {
  const t0 = performance.now();
  const progress = progressReporter();
  try {
    progress.phase(`reading ${source}`);
    let bytes = await readSource(source);
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      progress.phase(`decompressing ${source}`);
      bytes = await decodeBody(bytes, 'gzip', bufferConstants.MAX_LENGTH);
    }
    progress.phase(`parsing ${source} (${(bytes.length / 1e6).toFixed(1)} MB)`);
    const doc = parseJsonText(bytes);
    bytes = Buffer.alloc(0);
    progress.phase('loading the standard');
    const registry = loadRegistry(opts.schemasDir);
    const report = validateDocument(registry, doc, {
      schemaVersion: opts.schemaVersion,
      reportingCountry: opts.reportingCountry,
      period: opts.period,
      groupCap: opts.groupCap,
      onProgress: (done, total) => progress.records(done, total),
    });
    progress.done();
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      process.stdout.write(
        formatReportText(report, {
          lang: opts.lang,
          source,
          elapsedMs: performance.now() - t0,
          groupCap: opts.groupCap,
        }),
      );
    }
    return report.valid ? EXIT_VALID : EXIT_INVALID;
  } catch (err) {
    progress.done();
    if (err instanceof UnusableInput || isApiError(err)) {
      // The JSON reader speaks of "the body" (it serves the API too); here it is the file.
      const message = err.message.replace(/^The body/, source === '-' ? 'The input' : 'The file');
      console.error(`rmdx validate: ${message}`);
      return EXIT_UNUSABLE;
    }
    throw err;
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
}

/** `rmdx validate <file|->`: the report of POST /v1/validate, offline (no server, no database). */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'check a batch or one record against the standard, offline; exit 0 valid, 1 invalid, 2 unusable input',
    )
    .argument('<file>', 'a JSON file (gzip accepted), or - for standard input')
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
    .action(async (file: string, opts: ValidateCliOptions) => {
      process.exitCode = await runValidate(file, opts);
    });
}
