import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { cleanText } from '../../../src/records/normalise/text.js';

/** What cleaning means, written the slow way: NUL → U+FFFD, trimmed, NFC, empty → null. */
function reference(value: string): string | null {
  const text = value.replace(/\0/g, '\uFFFD').trim().normalize('NFC');
  return text === '' ? null : text;
}

/** Characters near every edge of the fast path: controls, spaces, NUL, U+0085/U+00A0, U+02FF/U+0300. */
const edgy = fc.constantFrom(
  ...['a', 'Z', '-', ' ', '\t', '\n', '\v', '\f', '\r', '\0', '\u0085', '\u00a0', '\u00e9', '\u02ff'],
  ...[
    '\u0300',
    '\u0301',
    'e\u0301',
    '\u1680',
    '\u2009',
    '\u2028',
    '\u3000',
    '\ufeff',
    '\u212b',
    '\ud83d\ude00',
  ],
);

describe('cleanText', () => {
  it('returns plain texts as they are and agrees with the slow way on every text', () => {
    fc.assert(
      fc.property(fc.array(edgy, { maxLength: 8 }), (parts) => {
        const text = parts.join('');
        expect(cleanText(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
        expect(cleanText(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
    expect(cleanText('Kivu Mining Exports SARL')).toBe('Kivu Mining Exports SARL');
    expect(cleanText('  Ets. Namukaya ')).toBe('Ets. Namukaya');
    expect(cleanText('Société'.normalize('NFD'))).toBe('Société'.normalize('NFC'));
    expect(cleanText('')).toBeNull();
    expect(cleanText(3)).toBeNull();
  });
});
