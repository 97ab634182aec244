import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseJsonText } from '../../../src/api/plugins/json-body.js';
import { parseDocument } from '../../../src/cli/commands/validate.js';

function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (err) {
    return { error: (err as Error).message, code: (err as { code?: string }).code };
  }
}

/** The CLI's fast JSON path must answer exactly as the API's body parser does. */
describe('parseDocument (rmdx validate) and parseJsonText (the API)', () => {
  it('property: the same value or the same error for any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, bom) => {
        const bytes = Buffer.from(`${bom ? '\uFEFF' : ''}${JSON.stringify(value)}`);
        expect(outcome(() => parseDocument(bytes))).toEqual(outcome(() => parseJsonText(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it('property: the same answer for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (raw) => {
        const bytes = Buffer.from(raw);
        expect(outcome(() => parseDocument(bytes))).toEqual(outcome(() => parseJsonText(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses prototype keys, empty input and bad UTF-8 with the API codes', () => {
    const cases: [string | Buffer, string][] = [
      ['{"recordType":"lot","__proto__":{"a":1}}', 'RMDX_ERR_BAD_JSON'],
      ['{"constructor":{"prototype":{"a":1}}}', 'RMDX_ERR_BAD_JSON'],
      ['{"\\u005f_proto__":{"a":1}}', 'RMDX_ERR_BAD_JSON'],
      ['', 'RMDX_ERR_EMPTY_BODY'],
      [' \n ', 'RMDX_ERR_EMPTY_BODY'],
      [Buffer.from([0x7b, 0xff, 0x7d]), 'RMDX_ERR_BAD_ENCODING'],
      ['{"records": [1,', 'RMDX_ERR_BAD_JSON'],
    ];
    for (const [input, code] of cases) {
      const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
      expect(outcome(() => parseDocument(bytes))).toMatchObject({ code });
      expect(outcome(() => parseDocument(bytes))).toEqual(outcome(() => parseJsonText(bytes)));
    }
  });
});
