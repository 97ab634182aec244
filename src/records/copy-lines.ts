import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Runs `COPY … FROM STDIN` with the given lines (each ending in a newline), sent in blocks. */
export async function copyLines(
  client: pg.ClientBase,
  copySql: string,
  lines: readonly string[],
): Promise<void> {
  await pipeline(Readable.from(blocks(lines)), client.query(copyFrom(copySql)));
}

/** The COPY lines in blocks of ~1000, so a large chunk is never one giant string. */
function* blocks(lines: readonly string[]): Generator<string> {
  for (let i = 0; i < lines.length; i += 1000) yield lines.slice(i, i + 1000).join('');
}
