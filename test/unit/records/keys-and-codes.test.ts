import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { lowerCode, transportRefKey, upperCode } from '../../../src/records/normalise/codes.js';
import { hsCodeDigits, mineralOfHsCode } from '../../../src/records/normalise/hs-code.js';
import { cleanDate, cleanText, cleanTextList, cleanTimestamp } from '../../../src/records/normalise/text.js';
import { certificateKey } from '../../../src/standard/record-types.js';

describe('certificate keys', () => {
  it.each([
    ['RW-2026-000123', 'RW-2026-000123'],
    ['rw-2026-000123', 'RW-2026-000123'],
    [' RW - 2026 - 000123 ', 'RW-2026-000123'],
    ['cd-2026 000001', 'CD-2026000001'],
  ])('%j → %j', (number, key) => expect(certificateKey(number)).toBe(key));

  it('do not change with spaces or case', () => {
    const number = fc.stringMatching(/^[A-Z]{2}-[A-Z0-9/.-]{1,20}$/);
    fc.assert(
      fc.property(number, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (n, flips) => {
        const varied = [...n].map((c, i) => (flips[i] ? ` ${c.toLowerCase()}` : c)).join('');
        return (
          certificateKey(varied) === certificateKey(n) &&
          certificateKey(certificateKey(n)) === certificateKey(n)
        );
      }),
    );
  });
});

describe('HS codes', () => {
  it.each([
    ['7108.12', '710812'],
    ['710812', '710812'],
    ['7108.12.00', '71081200'],
    ['2615.90', '261590'],
    [' 2609.00 ', '260900'],
    ['', null],
    [undefined, null],
  ])('%j → %j', (code, digits) => expect(hsCodeDigits(code)).toBe(digits));

  it('dotted and plain forms are one code', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{4}(\.?\d{2}){1,3}$/),
        (code) => hsCodeDigits(code) === code.replace(/\./g, ''),
      ),
    );
  });

  it('name the mineral of their heading (7112 is gold declared as scrap)', () => {
    expect(mineralOfHsCode('7108.12')).toBe('gold');
    expect(mineralOfHsCode('7112.91')).toBe('gold');
    expect(mineralOfHsCode('2609.00')).toBe('cassiterite');
    expect(mineralOfHsCode('2611.00')).toBe('wolframite');
    expect(mineralOfHsCode('2615.90')).toBe('coltan');
    expect(mineralOfHsCode('8001.10')).toBeNull();
  });
});

describe('transport references', () => {
  it('compare on letters and digits only', () => {
    expect(transportRefKey('AWB 176-1234 5675')).toBe('AWB17612345675');
    expect(transportRefKey('awb176.12345675')).toBe('AWB17612345675');
    expect(transportRefKey('RAD 123 A')).toBe('RAD123A');
    expect(transportRefKey(' - ')).toBeNull();
  });
});

describe('text and codes', () => {
  it('text is trimmed, NFC, empty is null, NUL replaced', () => {
    expect(cleanText('  Kigali  ')).toBe('Kigali');
    expect(cleanText('Cafe\u0301')).toBe('Café');
    expect(cleanText('   ')).toBeNull();
    expect(cleanText('a\u0000b')).toBe('a\uFFFDb');
    expect(cleanText(12)).toBeNull();
    expect(cleanTextList([' a ', 'a', '', 'b'])).toEqual(['a', 'b']);
    expect(cleanTextList([])).toBeNull();
  });

  it('NFC text is stable', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const once = cleanText(s);
        return once === null || cleanText(once) === once;
      }),
    );
  });

  it('dates stay calendar dates; timestamps keep their offset with T and Z upper-cased', () => {
    expect(cleanDate('2026-03-14')).toBe('2026-03-14');
    expect(cleanDate('0000-01-01')).toBeNull();
    expect(cleanTimestamp('2026-03-01t10:00:00z')).toBe('2026-03-01T10:00:00Z');
    expect(cleanTimestamp('2026-03-01T23:30:00+02:00')).toBe('2026-03-01T23:30:00+02:00');
  });

  it('codes are written as the standard writes them', () => {
    expect(lowerCode(' Gold ')).toBe('gold');
    expect(upperCode(' rw')).toBe('RW');
    expect(upperCode('')).toBeNull();
  });
});
