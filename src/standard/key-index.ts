/**
 * The first occurrence of each (record type, key) in a batch, for RMDX_VAL_DUPLICATE_KEY.
 *
 * An open-addressing hash table over typed arrays, sized once for the batch: on a 200,000-record batch
 * it costs about 40 % of one `Map` per record type (measured by bench/validate.ts's records), and it
 * allocates nothing per record. Keys are hashed with FNV-1a from a random seed per table. Keys crafted
 * to collide cannot make it quadratic: a probe sequence longer than `MAX_PROBE` moves the table to
 * Maps (V8's own seeded hashing), so the worst case costs what the Maps would.
 */
const MAX_PROBE = 64;

export class KeyIndex {
  private readonly mask: number;
  private readonly slots: Int32Array;
  private readonly keys: (string | undefined)[];
  private readonly types: Uint8Array;
  private readonly seed = (Math.random() * 0x7fffffff) | 0;
  private maps: Map<string, number>[] | undefined;

  /**
   * `records`: how many records will be added at most (indexes 0 … records − 1).
   * `maxProbe`: the probe length that moves the table to Maps (lower only in tests).
   */
  constructor(
    private readonly records: number,
    private readonly maxProbe = MAX_PROBE,
  ) {
    let capacity = 16;
    while (capacity < records * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity);
    this.keys = new Array<string | undefined>(records);
    this.types = new Uint8Array(records);
  }

  /**
   * Adds the key of record `index` (of type number `type`, 1–255); returns the index of the earlier
   * record with the same type and key, or -1 when this is the first.
   */
  firstIndex(type: number, key: string, index: number): number {
    if (this.maps) return this.fromMaps(type, key, index);
    let h = this.seed ^ type;
    for (let c = 0; c < key.length; c++) h = Math.imul(h ^ key.charCodeAt(c), 0x01000193);
    let slot = h & this.mask;
    for (let probe = 0; probe < this.maxProbe; probe++) {
      const v = this.slots[slot]!;
      if (v === 0) {
        this.slots[slot] = index + 1;
        this.keys[index] = key;
        this.types[index] = type;
        return -1;
      }
      const j = v - 1;
      if (this.types[j] === type && this.keys[j] === key) return j;
      slot = (slot + 1) & this.mask;
    }
    this.switchToMaps();
    return this.fromMaps(type, key, index);
  }

  /** True once long probe sequences have moved the table to Maps. */
  get usesMaps(): boolean {
    return this.maps !== undefined;
  }

  private fromMaps(type: number, key: string, index: number): number {
    const maps = this.maps!;
    let m = maps[type];
    if (!m) maps[type] = m = new Map();
    const first = m.get(key);
    if (first !== undefined) return first;
    m.set(key, index);
    return -1;
  }

  private switchToMaps() {
    this.maps = [];
    for (let j = 0; j < this.records; j++) {
      const k = this.keys[j];
      if (k !== undefined) this.fromMaps(this.types[j]!, k, j);
    }
  }
}
