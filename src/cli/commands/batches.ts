import type { Command } from 'commander';

import { resetFailedChunks } from '../../db/queries/batch-chunks.js';
import { getBatch, reopenBatch } from '../../db/queries/batches.js';
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
        if (batch.status !== 'failed')
          throw new Error(`batch ${id} is ${batch.status}; only a failed batch can be replayed`);
        await resetFailedChunks(pool, id);
        const reopened = (await reopenBatch(pool, id))!;
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
