import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { KeyIndex } from '../../../src/standard/key-index.js';

/** The reference: one Map per type. */
function reference(entries: [number, string][]): number[] {
  const maps = new Map<number, Map<string, number>>();
  return entries.map(([t, k], i) => {
    let m = maps.get(t);
    if (!m) maps.set(t, (m = new Map()));
    const first = m.get(k);
    if (first !== undefined) return first;
    m.set(k, i);
    return -1;
  });
}

describe('KeyIndex', () => {
  it('property: answers as one Map per record type would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.string({ maxLength: 4 })), { maxLength: 300 }),
        (entries) => {
          const index = new KeyIndex(entries.length);
          expect(entries.map(([t, k], i) => index.firstIndex(t, k, i))).toEqual(reference(entries));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps answering right after long probe sequences move it to Maps', () => {
    const entries: [number, string][] = [];
    for (let i = 0; i < 2000; i++) entries.push([1 + (i % 3), `K${i % 700}`]);
    // With a probe limit of 1 the first collision moves the table to Maps, halfway through.
    const index = new KeyIndex(entries.length, 1);
    expect(entries.map(([t, k], i) => index.firstIndex(t, k, i))).toEqual(reference(entries));
    expect(index.usesMaps).toBe(true);
    const roomy = new KeyIndex(entries.length);
    expect(entries.map(([t, k], i) => roomy.firstIndex(t, k, i))).toEqual(reference(entries));
    expect(roomy.usesMaps).toBe(false);
  });
});
