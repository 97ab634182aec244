import { afterEach, describe, expect, it, vi } from 'vitest';

import { BatchRecords, type LoadedBatch } from '../../../src/pipeline/batch-records.js';

/** A loader that counts its reads and resolves each batch to records named after it. */
function loader(fail = new Set<string>()) {
  const reads: string[] = [];
  const load = async (batchId: string): Promise<LoadedBatch> => {
    reads.push(batchId);
    await new Promise((r) => setTimeout(r, 1));
    if (fail.has(batchId)) throw new Error(`cannot read ${batchId}`);
    return { records: [`${batchId}-0`, `${batchId}-1`], duplicates: [] };
  };
  return { reads, load };
}

afterEach(() => vi.useRealTimers());

describe('BatchRecords: each process reads a batch body once for its chunks', () => {
  it('concurrent chunks of one batch share one read, and later chunks reuse it', async () => {
    const { reads, load } = loader();
    const cache = new BatchRecords(load);
    const [a, b] = await Promise.all([cache.get('B1'), cache.get('B1')]);
    expect(a).toBe(b);
    expect((await cache.get('B1')).records).toEqual(['B1-0', 'B1-1']);
    expect(reads).toEqual(['B1']);
  });

  it('holds at most `capacity` batches, the least recently used going first', async () => {
    const { reads, load } = loader();
    const cache = new BatchRecords(load, 2);
    await cache.get('B1');
    await cache.get('B2');
    await cache.get('B1');
    await cache.get('B3'); // B2 goes
    await cache.get('B1');
    await cache.get('B2');
    expect(reads).toEqual(['B1', 'B2', 'B3', 'B2']);
  });

  it('a failed read is not kept; a finished batch and an idle one are let go', async () => {
    const fail = new Set(['B1']);
    const { reads, load } = loader(fail);
    const cache = new BatchRecords(load, 1, 50);
    await expect(cache.get('B1')).rejects.toThrow(/cannot read/);
    fail.clear();
    expect((await cache.get('B1')).records).toHaveLength(2);
    cache.forget('B1');
    await cache.get('B1');
    await new Promise((r) => setTimeout(r, 80));
    await cache.get('B1');
    expect(reads).toEqual(['B1', 'B1', 'B1', 'B1']);
  });
});
