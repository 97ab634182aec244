import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

import type { SchemaRegistry } from '../standard/registry.js';
import {
  type CheckedRecords,
  checkRecords,
  Validation,
  type ValidateOptions,
  type ValidationReport,
} from '../standard/validate.js';
import { findSplit, notPlain } from './split-batch.js';
import type { WorkerReply } from './validate-worker.js';

/**
 * `rmdx validate` on a large batch file with two threads: the file is read once into shared memory,
 * cut in two at a record boundary (split-batch.ts); a worker thread parses and checks the second part
 * while this thread parses and checks the first (`checkRecords`, without waiting for the worker), then
 * both results are added to the report in record order (`Validation.addChecked`), so the report is the
 * one the single-threaded path gives:
 * the same issues in the same order, the same grouping, the same duplicate keys and counts.
 *
 * Returns undefined, having checked nothing, when the file is not a candidate: its text is not plain
 * (not UTF-8, a `__proto__`, `constructor` or `\u` escape anywhere, a byte order mark is fine), it is
 * not shaped `{ …, "records": [ … ] }` with records last, or a part does not parse. The caller then
 * takes the single-threaded path, which gives the exact answer and messages for those.
 */

export interface ParallelRun {
  report: ValidationReport;
}

/** How the worker is started: the compiled .js, or the TypeScript through tsx in a source checkout. */
function startWorker(schemasDir: string): Worker {
  const options = { workerData: { schemasDir }, stdout: false, stderr: false };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./validate-worker.js', import.meta.url), options);
  // From source (bin/rmdx.js without a build, tests): through a shim that registers tsx's loader.
  return new Worker(new URL('./validate-worker-tsx.mjs', import.meta.url), options);
}

/** The replies of a worker, one at a time; a crash or an early exit is a `failed` reply. */
function replies(worker: Worker) {
  const queue: WorkerReply[] = [];
  let waiting: ((m: WorkerReply) => void) | undefined;
  const push = (m: WorkerReply) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(m);
    } else queue.push(m);
  };
  worker.on('message', push);
  worker.on('error', (err: Error) => push({ type: 'failed', reason: err.message }));
  worker.on('exit', () => push({ type: 'failed', reason: 'the worker exited' }));
  return () =>
    new Promise<WorkerReply>((resolve) => {
      const m = queue.shift();
      if (m) resolve(m);
      else waiting = resolve;
    });
}

async function readShared(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const bytes = Buffer.from(new SharedArrayBuffer(size));
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(bytes, off, size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return off === size ? bytes : bytes.subarray(0, off);
  } finally {
    await fh.close();
  }
}

/**
 * Validates the batch in `file` with two threads (see above). `onBytes` receives the bytes read, so
 * that a caller falling back to one thread does not read the file again.
 */
export async function validateFileInParallel(
  file: string,
  registry: SchemaRegistry,
  schemasDir: string,
  opts: ValidateOptions & { now: number },
  onBytes: (bytes: Buffer) => void,
): Promise<ParallelRun | undefined> {
  const worker = startWorker(schemasDir);
  const next = replies(worker);
  let done = false;
  try {
    const bytes = await readShared(file);
    onBytes(bytes);
    if (bytes.length === 0 || !isUtf8(bytes)) return undefined;
    const split = findSplit(bytes);
    if (!split) return undefined;
    worker.postMessage({ bytes: bytes.buffer, from: split.cut + 1, to: split.recordsClose + 1 });

    // The envelope, then the first records, while the worker parses the rest.
    let doc: Record<string, unknown>;
    let first: unknown[];
    let firstChecked: CheckedRecords;
    let told: { version: string; semantic: Validation['semanticOptions'] };
    try {
      const head = bytes.toString('utf8', split.start, split.recordsOpen);
      if (notPlain.test(head)) return undefined;
      doc = JSON.parse(`${head}[]}`) as Record<string, unknown>;
      if (!Array.isArray(doc.records) || doc.records.length !== 0) return undefined;
      // The context of the semantic checks depends on the envelope's fields only (not on the records).
      const probe = new Validation(registry, doc, opts);
      const semantic = probe.semanticOptions;
      told = { version: probe.report().schemaVersion, semantic };
      worker.postMessage({ ...told, now: opts.now });
      const firstText = bytes.toString('utf8', split.recordsOpen, split.cut);
      if (notPlain.test(firstText)) return undefined;
      first = JSON.parse(`${firstText}]`) as unknown[];
      // Checked now, in the batch's context, while the worker parses: the report's order, duplicate
      // keys and counts are decided afterwards, once the worker's part is known.
      firstChecked = checkRecords(registry.get(told.version), first, semantic, opts.now);
    } catch {
      return undefined;
    }
    const parsed = await next();
    if (parsed.type !== 'parsed') return undefined;
    const firstCount = first.length;
    first.length = firstCount + parsed.count; // the worker's records stay there; this thread never reads them
    doc.records = first;
    const v = new Validation(registry, doc, opts);
    // The worker checked its records in the context read from the envelope alone; it must be the
    // batch's (it is: the semantic context depends on the envelope's fields, not on the records).
    const { semantic } = told;
    if (
      v.semanticOptions.reportingCountry !== semantic.reportingCountry ||
      v.semanticOptions.period !== semantic.period
    ) {
      return undefined;
    }
    v.addChecked(firstChecked);
    const checked = await next();
    if (checked.type !== 'checked' || checked.checked.count !== parsed.count) return undefined;
    v.addChecked(checked.checked);
    const report = v.report();
    if (report.schemaVersion !== told.version) return undefined;
    done = true;
    return { report };
  } finally {
    if (!done) void worker.terminate();
  }
}
