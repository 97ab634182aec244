/**
 * Cutting a batch's JSON text in two at a record boundary, so that two threads can each parse and
 * check one part (`rmdx validate` on a large file). Works on the UTF-8 bytes: every byte this looks
 * at is ASCII, and no byte of a multi-byte UTF-8 sequence is.
 *
 * The cut is proposed from a few bytes; it is proven by parsing: the caller parses
 * `text[0, recordsOpen) + "[]}"` (the envelope before the records), `text[recordsOpen, cut) + "]"`
 * (the first records) and `"[" + text(cut, recordsClose]` (the rest). If all three parse, the text is
 * exactly `{ <envelope>, "records": [ <first records>, <rest> ] }`, because a JSON parser reads left to
 * right: the first part cannot end inside a string or a nested value (the closing `]` would not close
 * the array opened at `recordsOpen`), and the last part ends exactly at the array's closing bracket
 * (anything after it but whitespace and the final `}` is refused by `findSplit`).
 */

/**
 * What keeps a text off the fast path (parseDocument in commands/validate.ts): a `__proto__` or
 * `constructor` name or a `\u` escape. One regular expression, one pass: 2–3 times faster than three
 * `includes` on a 76 MB text. With two threads each part is tested in its own thread; no match can
 * straddle a cut, which falls on a `[` or a `,`.
 */
export const notPlain = /__proto__|constructor|\\u/;

export interface BatchSplit {
  /** Where the text starts (after a UTF-8 byte order mark). */
  start: number;
  /** Index of the `[` that opens the value of the top-level `"records"` key. */
  recordsOpen: number;
  /** Index of the `,` between the two parts. */
  cut: number;
  /** Index of the `]` that closes the records array (only whitespace and the root's `}` follow). */
  recordsClose: number;
}

const isWs = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

const RECORDS = [0x72, 0x65, 0x63, 0x6f, 0x72, 0x64, 0x73]; // records

/**
 * Finds the `[` of the top-level `"records"` key by reading the envelope before it (at most
 * `maxHead` bytes); undefined when the text does not start with an object or the key is not found.
 */
function findRecordsOpen(buf: Uint8Array, start: number, maxHead: number): number | undefined {
  const end = Math.min(buf.length, start + maxHead);
  let i = start;
  while (isWs(buf[i])) i++;
  if (buf[i] !== 0x7b) return undefined; // {
  let depth = 0;
  let expectKey = false;
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b === 0x22) {
      // A string: find its end (a quote not escaped).
      const from = i + 1;
      let j = from;
      while (j < end && buf[j] !== 0x22) j += buf[j] === 0x5c ? 2 : 1;
      if (j >= end) return undefined;
      if (depth === 1 && expectKey) {
        expectKey = false;
        let isRecords = j - from === RECORDS.length;
        for (let k = 0; isRecords && k < RECORDS.length; k++) isRecords = buf[from + k] === RECORDS[k];
        let k = j + 1;
        while (isWs(buf[k])) k++;
        if (buf[k] !== 0x3a) return undefined; // :
        k++;
        while (isWs(buf[k])) k++;
        if (isRecords) return buf[k] === 0x5b ? k : undefined; // [
        i = k - 1;
        continue;
      }
      i = j;
    } else if (b === 0x7b || b === 0x5b) {
      depth++;
      expectKey = depth === 1;
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
      if (depth <= 0) return undefined;
    } else if (b === 0x2c) {
      if (depth === 1) expectKey = true;
    }
  }
  return undefined;
}

/**
 * A proposed cut of a batch text in two, or undefined when the text is not shaped for one: not an
 * object, no top-level `"records"` array found in the first `maxHead` bytes, something other than the
 * closing `}` after the records array, or no `}` `,` `{` between records past the middle.
 */
export function findSplit(buf: Uint8Array, maxHead = 1 << 20): BatchSplit | undefined {
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const recordsOpen = findRecordsOpen(buf, start, maxHead);
  if (recordsOpen === undefined) return undefined;
  let e = buf.length - 1;
  while (e > recordsOpen && isWs(buf[e])) e--;
  if (buf[e] !== 0x7d) return undefined; // }
  e--;
  while (e > recordsOpen && isWs(buf[e])) e--;
  if (buf[e] !== 0x5d) return undefined; // ]
  const recordsClose = e;
  // The first `,` past the middle that sits between a `}` and a `{` (whitespace allowed around it).
  const mid = recordsOpen + Math.floor((recordsClose - recordsOpen) / 2);
  for (let c = mid, tries = 0; tries < 64; tries++) {
    c = indexOfByte(buf, 0x2c, c, recordsClose);
    if (c < 0) return undefined;
    let before = c - 1;
    while (isWs(buf[before])) before--;
    let after = c + 1;
    while (isWs(buf[after])) after++;
    if (buf[before] === 0x7d && buf[after] === 0x7b) return { start, recordsOpen, cut: c, recordsClose };
    c++;
  }
  return undefined;
}

function indexOfByte(buf: Uint8Array, byte: number, from: number, to: number): number {
  const i = buf.indexOf(byte, from);
  return i >= 0 && i < to ? i : -1;
}
