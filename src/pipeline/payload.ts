import { gunzipSync } from 'node:zlib';

import { PermanentPipelineError } from './errors.js';

/** The stored body as the JSON document it was accepted as. */
export function decodeStoredBody(body: Buffer, contentEncoding: string | null): { records: unknown[] } {
  try {
    const text = contentEncoding && /gzip/i.test(contentEncoding) ? gunzipSync(body) : body;
    const doc = JSON.parse(text.toString('utf8')) as { records?: unknown };
    if (!Array.isArray(doc.records)) throw new Error('the stored body has no records array');
    return doc as { records: unknown[] };
  } catch (err) {
    // It was parsed once at intake; failing now is not something a retry can mend.
    throw new PermanentPipelineError(`Stored batch body cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Splits [0, total) into chunks of at most `size` records. */
export function chunkRanges(total: number, size: number): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  for (let start = 0; start < total; start += size)
    ranges.push({ start, end: Math.min(total, start + size) });
  return ranges;
}
