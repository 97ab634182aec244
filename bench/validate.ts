/**
 * npm run bench:validate — how fast the standard validates a realistic 200,000-record batch, as records/s
 * and as a ratio to a baseline measured in the same run on the same records:
 *
 *   (a)  baseline: the bare compiled ajv validators (one per record type, as the registry compiles them)
 *        called on the already parsed records; nothing else.
 *   (a') informative: the full batch.schema.json validator on the whole parsed document.
 *   (b)  the CLI: `node bin/rmdx.js validate <file> --format json` spawned as a real process, timed from
 *        spawn to exit (Node start, module loading, schema compilation, reading, JSON parsing, checks,
 *        the JSON report on stdout). From a source checkout bin/rmdx.js runs the TypeScript through tsx;
 *        the same CLI compiled by tsc (as `npm run build` makes it, in a temporary folder) is measured
 *        too. Also the same code path in this process (read + parse + report), which leaves out process
 *        start, schema compilation and a cold JIT.
 *   (c)  POST /v1/validate through real HTTP on a server listening in its own process
 *        (bench/lib/validate-server.ts: the real app with its JSON body parser and problem handler; the
 *        route touches no database), timed from the first byte sent to the last byte of the report.
 *
 * Each figure is the best of --runs runs (default 3) to damp the noise of a shared machine.
 * Options: --records N (default 200000), --runs N (default 3), --invalid-share X (default 0.002).
 * Targets (issue 2): CLI ≥ 0.5 × baseline, endpoint ≥ 0.3 × baseline.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { parseJsonText } from '../src/api/plugins/json-body.js';
import { loadRegistry } from '../src/standard/registry.js';
import { validateDocument } from '../src/standard/validate.js';
import { generateBatch } from './lib/generate.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
    'invalid-share': { type: 'string', default: '0.002' },
  },
});
const N = Number(args.records);
const RUNS = Number(args.runs);
const repo = fileURLToPath(new URL('../', import.meta.url));

function best(times: number[]): number {
  return Math.min(...times);
}

function rate(ms: number): number {
  return N / (ms / 1000);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function timed(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Runs the CLI as a user does; resolves with the wall time and the exit code. */
function spawnCli(entry: string, file: string): Promise<{ ms: number; code: number | null; report: string }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [entry, 'validate', file, '--format', 'json'], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ ms: performance.now() - t, code, report: Buffer.concat(chunks).toString('utf8') }),
    );
  });
}

/**
 * Compiles src/ with tsc as `npm run build` does, into a temporary package folder (schemas and
 * node_modules linked), so the built CLI can be timed without touching the checkout's dist/.
 * Returns the entry point, or undefined when the build fails.
 */
function buildCli(dir: string): string | undefined {
  const pkg = path.join(dir, 'pkg');
  const out = path.join(pkg, 'dist');
  const r = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out],
    {
      cwd: repo,
      encoding: 'utf8',
    },
  );
  const entry = path.join(out, 'cli', 'main.js');
  if (!existsSync(entry)) {
    console.log(`  (the built CLI is skipped: tsc did not emit it) ${r.stdout.slice(0, 300)}`);
    return undefined;
  }
  copyFileSync(path.join(repo, 'package.json'), path.join(pkg, 'package.json'));
  symlinkSync(path.join(repo, 'schemas'), path.join(pkg, 'schemas'));
  symlinkSync(path.join(repo, 'node_modules'), path.join(pkg, 'node_modules'));
  return entry;
}

/** Starts bench/lib/validate-server.ts in its own process; resolves with its port. */
function startServer(bodyLimitMb: number): Promise<{ port: number; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/validate-server.ts'], {
      cwd: repo,
      env: { ...process.env, RMDX_BODY_LIMIT_MB: String(bodyLimitMb) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the bench server exited with code ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        const { port } = JSON.parse(line) as { port: number };
        resolve({
          port,
          stop: () =>
            new Promise<void>((done) => {
              child.removeAllListeners('exit');
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/** One POST with the body as bytes; resolves when the last byte of the answer has arrived. */
function post(port: number, body: Buffer): Promise<{ ms: number; status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/validate',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            ms: performance.now() - t,
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rmdx-bench-validate-'));
  const file = path.join(dir, `batch-${N}.json`);
  try {
    console.log(`Generating a ${fmt(N)}-record batch (mostly exports and imports) …`);
    const text = JSON.stringify(generateBatch({ records: N, invalidShare: Number(args['invalid-share']) }));
    writeFileSync(file, text);
    const bytes = readFileSync(file);
    console.log(`  ${file}: ${(bytes.length / 1e6).toFixed(1)} MB`);

    const registry = loadRegistry();
    const version = registry.get(registry.latest);
    const doc = JSON.parse(text) as { records: Record<string, unknown>[] };
    const records = doc.records;

    // (a) bare compiled validators over the same parsed records.
    const baseline: number[] = [];
    let passed = 0;
    for (let r = 0; r < RUNS + 1; r++) {
      passed = 0;
      const ms = await timed(() => {
        for (let i = 0; i < records.length; i++) {
          const rec = records[i]!;
          if (version.byRecordType[rec.recordType as string]!(rec)) passed++;
        }
      });
      if (r > 0) baseline.push(ms); // the first run warms the JIT
    }
    const a = best(baseline);

    // (a') the published batch schema on the whole document (informative).
    const full = version.validators.get('batch.schema.json')!;
    const fullMs = best(await Promise.all([0, 1].map(() => timed(() => full(doc)))));

    // (b) the CLI as a process (from source, and built), and the same path in this process.
    const runCli = async (entry: string) => {
      const times: number[] = [];
      let last = { code: null as number | null, report: '' };
      for (let r = 0; r < RUNS; r++) {
        const run = await spawnCli(entry, file);
        times.push(run.ms);
        last = run;
      }
      return { times, ...last };
    };
    const cliRun = await runCli('bin/rmdx.js');
    const cli = cliRun.times;
    const cliSummary = JSON.parse(cliRun.report) as { valid: boolean; totals: Record<string, number> };
    console.log('  building the CLI with tsc for the built-CLI figure …');
    const builtEntry = buildCli(dir);
    const built = builtEntry ? (await runCli(builtEntry)).times : undefined;
    const inProcess: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      inProcess.push(await timed(() => validateDocument(registry, parseJsonText(readFileSync(file)))));
    }

    // (c) POST /v1/validate through HTTP on a server in its own process.
    const server = await startServer(Math.ceil((bytes.length * 2) / 1e6));
    const http: number[] = [];
    let httpStatus = 0;
    let httpBytes = 0;
    try {
      await post(server.port, Buffer.from(JSON.stringify({ recordType: 'lot' }))); // first request
      for (let r = 0; r < RUNS; r++) {
        const res = await post(server.port, bytes);
        http.push(res.ms);
        httpStatus = res.status;
        httpBytes = res.text.length;
      }
    } finally {
      await server.stop();
    }

    const b = best(cli);
    const bIn = best(inProcess);
    const c = best(http);
    const line = (label: string, ms: number, target?: number) => {
      const ratio = rate(ms) / rate(a);
      const verdict =
        target === undefined
          ? ''
          : ratio >= target
            ? `  target ≥ ${target}: met`
            : `  target ≥ ${target}: NOT met`;
      console.log(
        `${label.padEnd(52)} ${fmt(rate(ms)).padStart(10)} records/s  ${(ms / 1000).toFixed(2).padStart(6)} s  ratio ${ratio.toFixed(3)}${verdict}`,
      );
    };
    console.log('');
    console.log(
      `Records: ${fmt(N)} (${fmt(passed)} pass the schema), best of ${RUNS} runs, ${os.cpus().length} CPUs`,
    );
    line('(a)  bare compiled ajv validators (baseline)', a);
    line("(a') batch.schema.json on the whole document", fullMs);
    line('(b)  CLI: node bin/rmdx.js validate (process, tsx)', b, 0.5);
    if (built) line('     CLI built with tsc (process, as installed)', best(built), 0.5);
    line('     CLI code path in-process (read+parse+check)', bIn);
    line('(c)  POST /v1/validate over HTTP', c, 0.3);
    console.log('');
    console.log(
      `CLI exit code ${cliRun.code}, report: valid=${cliSummary.valid}, ${fmt(cliSummary.totals.errors ?? 0)} errors; ` +
        `HTTP ${httpStatus}, report ${fmt(httpBytes)} bytes`,
    );
    console.log(
      `runs (ms): baseline ${baseline.map(Math.round).join(', ')}; CLI ${cli.map(Math.round).join(', ')}; ` +
        `built CLI ${(built ?? []).map(Math.round).join(', ')}; ` +
        `in-process ${inProcess.map(Math.round).join(', ')}; HTTP ${http.map(Math.round).join(', ')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
