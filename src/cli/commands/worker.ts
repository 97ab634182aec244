import type { Command } from 'commander';

import { runWorkerProcess } from '../../worker.js';

/** `rmdx worker`: a pipeline worker process, to scale out beside the servers. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run pipeline workers (needs REDIS_URL and DATABASE_URL); stops gracefully on SIGTERM/SIGINT',
    )
    .action(async () => {
      await runWorkerProcess();
    });
}
