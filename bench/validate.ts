/**
 * npm run bench:validate — how fast the standard validates a realistic 200,000-record batch, as records/s
 * and as a ratio to a baseline measured in the same run on the same records:
 *
 *   (a)  baseline: the bare compiled ajv validators (one per record type, as the registry compiles them)
 *        called on the already parsed records; nothing else. The registry holds them in two forms: compiled
 *        at start, and generated ahead of time (ajv standalone, src/standard/generated/, what `rmdx
 *        validate` loads). Both are timed and the faster is the baseline, so the CLI is never measured
 *        against a slower form of its own validators.
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
 * Each figure is the best of --runs runs (default 3) to damp the noise of a shared machine. Beside the
 * wall time, the CPU time (user + system) of the process doing the work is measured too — of this
 * process for (a), of the CLI process for (b) (through /usr/bin/time, when present), of the server
 * process for (c) (from /proc) — and given as a second ratio: on a machine whose cores are shared with
 * other work, it is the steadier of the two.
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
import { precompiled } from '../src/standard/generated/validators.js';
import { loadRegistry } from '../src/standard/registry.js';
import { validateDocument } from '../src/standard/validate.js';
import { processCpuMs } from './lib/cpu.js';
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

function rate(ms: number): number {
  return N / (ms / 1000);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Wall time and CPU time (user + system) of this process, in ms. */
interface Timing {
  ms: number;
  cpuMs: number | undefined;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timed(fn: () => unknown | Promise<unknown>): Promise<Timing> {
  const c = cpuNow();
  const t = performance.now();
  await fn();
  return { ms: performance.now() - t, cpuMs: cpuNow() - c };
}

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs the CLI as a user does; resolves with its wall and CPU time, exit code and report. */
function spawnCli(
  entry: string,
  file: string,
  extra: string[] = [],
): Promise<Timing & { code: number | null; report: string }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const cli = [entry, 'validate', file, '--format', 'json', ...extra];
    const [cmd, argv] = timeBin
      ? [timeBin, ['-f', 'RMDX_BENCH_CPU %U %S', process.execPath, ...cli]]
      : [process.execPath, cli];
    const child = spawn(cmd, argv, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t;
      const m = /RMDX_BENCH_CPU ([\d.]+) ([\d.]+)/.exec(err);
      const rest = err.replace(/^(Command exited with non-zero status \d+|RMDX_BENCH_CPU .*)$\n?/gm, '');
      if (rest.trim()) process.stderr.write(rest);
      resolve({
        ms,
        cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined,
        code,
        report: Buffer.concat(chunks).toString('utf8'),
      });
    });
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
function startServer(bodyLimitMb: number): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
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
          pid: child.pid!,
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

    // (a) bare compiled validators over the same parsed records: the registry's compiled at start, and
    // the generated ones the CLI loads; the faster form (best run) is the baseline.
    const generated = loadRegistry(undefined, { precompiled }).get(registry.latest);
    let passed = 0;
    const bareRuns = (v: typeof version) => {
      const runs: Timing[] = [];
      return (async () => {
        for (let r = 0; r < RUNS + 1; r++) {
          passed = 0;
          const t = await timed(() => {
            for (let i = 0; i < records.length; i++) {
              const rec = records[i]!;
              if (v.byRecordType[rec.recordType as string]!(rec)) passed++;
            }
          });
          if (r > 0) runs.push(t); // the first run warms the JIT
        }
        return runs;
      })();
    };
    const compiledRuns = await bareRuns(version);
    const generatedRuns = await bareRuns(generated);
    const fastest = (ts: Timing[]) => Math.min(...ts.map((t) => t.ms));
    const baseline = fastest(generatedRuns) < fastest(compiledRuns) ? generatedRuns : compiledRuns;
    const baselineForm = baseline === generatedRuns ? 'generated' : 'compiled at start';

    // (a') the published batch schema on the whole document (informative).
    const full = version.validators.get('batch.schema.json')!;
    const fullRuns = [await timed(() => full(doc)), await timed(() => full(doc))];

    // (b) the CLI as a process (from source, and built), and the same path in this process.
    const runCli = async (entry: string, extra: string[] = []) => {
      const runs: Timing[] = [];
      let last = { code: null as number | null, report: '' };
      for (let r = 0; r < RUNS; r++) {
        const run = await spawnCli(entry, file, extra);
        runs.push(run);
        last = run;
      }
      return { runs, ...last };
    };
    const cliRun = await runCli('bin/rmdx.js');
    const cliSummary = JSON.parse(cliRun.report) as { valid: boolean; totals: Record<string, number> };
    console.log('  building the CLI with tsc for the built-CLI figure …');
    const builtEntry = buildCli(dir);
    const builtRun = builtEntry ? await runCli(builtEntry) : undefined;
    const built = builtRun?.runs;
    const builtThreads = builtEntry ? await runCli(builtEntry, ['--threads', '2']) : undefined;
    if (builtThreads && builtThreads.report !== builtRun!.report) {
      throw new Error('rmdx validate --threads 2 reported otherwise than one thread');
    }
    const inProcess: Timing[] = [];
    for (let r = 0; r < RUNS; r++) {
      inProcess.push(await timed(() => validateDocument(registry, parseJsonText(readFileSync(file)))));
    }

    // (c) POST /v1/validate through HTTP on a server in its own process.
    const server = await startServer(Math.ceil((bytes.length * 2) / 1e6));
    const http: Timing[] = [];
    let httpStatus = 0;
    let httpBytes = 0;
    try {
      await post(server.port, Buffer.from(JSON.stringify({ recordType: 'lot' }))); // first request
      for (let r = 0; r < RUNS; r++) {
        const before = processCpuMs(server.pid);
        const res = await post(server.port, bytes);
        const after = processCpuMs(server.pid);
        http.push({
          ms: res.ms,
          cpuMs: before !== undefined && after !== undefined ? after - before : undefined,
        });
        httpStatus = res.status;
        httpBytes = res.text.length;
      }
    } finally {
      await server.stop();
    }

    const bestWall = (ts: Timing[]) => Math.min(...ts.map((t) => t.ms));
    const bestCpu = (ts: Timing[]) =>
      ts.every((t) => t.cpuMs !== undefined) ? Math.min(...ts.map((t) => t.cpuMs!)) : undefined;
    const aWall = bestWall(baseline);
    const aCpu = bestCpu(baseline)!;
    const line = (label: string, ts: Timing[], target?: number) => {
      const wall = bestWall(ts);
      const cpu = bestCpu(ts);
      const ratio = aWall / wall;
      const verdict =
        target === undefined
          ? ''
          : ratio >= target
            ? `  target ≥ ${target}: met`
            : `  target ≥ ${target}: NOT met`;
      const cpuPart =
        cpu === undefined ? '' : `  | CPU ${(cpu / 1000).toFixed(2)} s, ratio ${(aCpu / cpu).toFixed(3)}`;
      console.log(
        `${label.padEnd(50)} ${fmt(rate(wall)).padStart(9)} records/s  ${(wall / 1000).toFixed(2).padStart(6)} s  ratio ${ratio.toFixed(3)}${verdict}${cpuPart}`,
      );
    };
    console.log('');
    console.log(
      `Records: ${fmt(N)} (${fmt(passed)} pass the schema), best of ${RUNS} runs, ${os.cpus().length} CPUs, ` +
        `load average ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    console.log(
      '(records/s and ratio from wall time; then the CPU time of the working process and its ratio)',
    );
    line('(a)  bare compiled ajv validators (baseline)', baseline);
    console.log(
      `     (the faster form: ${baselineForm}; compiled at start best ${Math.round(fastest(compiledRuns))} ms, ` +
        `generated best ${Math.round(fastest(generatedRuns))} ms)`,
    );
    line("(a') batch.schema.json on the whole document", fullRuns);
    line('(b)  CLI: node bin/rmdx.js validate (tsx)', cliRun.runs, 0.5);
    if (built) line('     CLI built with tsc (as installed)', built, 0.5);
    if (builtThreads) line('     the same with --threads 2', builtThreads.runs, 0.5);
    line('     CLI code path in-process (read+parse+check)', inProcess);
    line('(c)  POST /v1/validate over HTTP', http, 0.3);
    console.log('');
    console.log(
      `CLI exit code ${cliRun.code}, report: valid=${cliSummary.valid}, ${fmt(cliSummary.totals.errors ?? 0)} errors; ` +
        `HTTP ${httpStatus}, report ${fmt(httpBytes)} bytes`,
    );
    const list = (ts: Timing[] | undefined) => (ts ?? []).map((t) => Math.round(t.ms)).join(', ');
    console.log(
      `wall runs (ms): baseline ${list(baseline)}; CLI ${list(cliRun.runs)}; built CLI ${list(built)}; ` +
        `--threads 2 ${list(builtThreads?.runs)}; ` +
        `in-process ${list(inProcess)}; HTTP ${list(http)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
