import type { Command } from 'commander';

import { getBatch } from '../../db/queries/batches.js';
import { reopenForReplay } from '../../pipeline/replay.js';
import { withPipeline } from '../with-database.js';

/** `rmdx batches …`: operate on stored batches. */
export function registerBatchCommands(program: Command): void {
  const batches = program.command('batches').description('operate on stored batches');

  batches
    .command('replay <id>')
    .description('run a failed batch again: chunks already stored stay stored, the rest run again')
    .action(async (id: string) => {
      await withPipeline(async ({ pool, pipeline }) => {
        const batch = await getBatch(pool, id);
        if (!batch) throw new Error(`no batch ${id}`);
        const reopened = batch.status === 'failed' ? await reopenForReplay(pool, batch, 'cli') : undefined;
        if (!reopened) throw new Error(`batch ${id} is ${batch.status}; only a failed batch can be replayed`);
        await pipeline.enqueue(id, reopened.attempts);
        if (pipeline.kind === 'inline') {
          // Without Redis this process is the worker: run the batch to its end here.
          await pipeline.idle();
          console.log(`batch ${id} replayed: ${(await getBatch(pool, id))?.status}`);
        } else {
          console.log(`batch ${id} queued again (attempt ${reopened.attempts}); workers will take it`);
        }
      });
    });
}
