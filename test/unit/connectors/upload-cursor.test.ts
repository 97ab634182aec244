import { describe, expect, it } from 'vitest';

import type { Cursor, FileInput, SourceRow } from '../../../src/connectors/contract.js';
import { fileKind, type FileConfig } from '../../../src/connectors/index.js';
import { createLogger } from '../../../src/logger.js';

const logger = createLogger('silent');
const config: FileConfig = { source: { type: 'upload' }, pageSize: 3 };

const csv = (name: string, rows: number, tag = ''): FileInput => ({
  name,
  data: Buffer.from(
    [
      'Code du site;Nom du site',
      ...Array.from({ length: rows }, (_, i) => `S${i + 1};Site ${i + 1}${tag}`),
    ].join('\n'),
  ),
});

async function read(files: FileInput[], cursor: Cursor | null, stopAfter?: number) {
  const rows: SourceRow[] = [];
  let stored = cursor;
  let pages = 0;
  for await (const page of fileKind.read(config, {}, cursor, { logger, files })) {
    rows.push(...page.rows);
    stored = page.cursor;
    if (stopAfter !== undefined && ++pages >= stopAfter) break;
  }
  return { rows, cursor: stored };
}

describe('file kind: uploads keep a cursor', () => {
  it('an interrupted upload resumes at its next row; a file read whole is not read again', async () => {
    const files = [csv('sites_2026-03.csv', 7), csv('sites_2026-04.csv', 2)];
    const first = await read(files, null, 2);
    expect(first.rows.map((r) => r.rowNumber)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(first.cursor).toMatchObject({
      current: { name: 'sites_2026-03.csv', next: { 'sites_2026-03.csv': 8 } },
    });

    const rest = await read(files, first.cursor);
    expect(rest.rows.map((r) => `${r.stream}:${r.rowNumber}`)).toEqual([
      'sites_2026-03.csv:8',
      'sites_2026-04.csv:2',
      'sites_2026-04.csv:3',
    ]);
    expect(Object.keys((rest.cursor as { files: object }).files)).toEqual([
      'sites_2026-03.csv',
      'sites_2026-04.csv',
    ]);

    // The same files again: nothing to read. A corrected file under the same name: read again.
    expect((await read(files, rest.cursor)).rows).toHaveLength(0);
    const corrected = await read([csv('sites_2026-03.csv', 2, ' (corrigé)')], rest.cursor);
    expect(corrected.rows).toHaveLength(2);
    // The cursor forgets files that are not among those of the run.
    expect(Object.keys((corrected.cursor as { files: object }).files)).toEqual(['sites_2026-03.csv']);
  });

  it('every page but the last of a file carries the file in progress', async () => {
    const pages: (Cursor | null)[] = [];
    for await (const page of fileKind.read(config, {}, null, { logger, files: [csv('a.csv', 6)] }))
      pages.push(page.cursor);
    expect(pages).toHaveLength(2);
    expect(pages[0]).toHaveProperty('current');
    expect(pages[1]).not.toHaveProperty('current');
  });
});
