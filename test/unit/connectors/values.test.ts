import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  Failure,
  formatFrench,
  parseDate,
  parseDecimal,
  parseTimestamp,
  toExcelSerial,
} from '../../../src/connectors/mapping/values.js';

const fail = (code: string) => expect.objectContaining({ code });

describe('parseDecimal', () => {
  it.each([
    ['1 234,56', ',', 1234.56],
    ['1\u00a0234,56', ',', 1234.56],
    ['1\u202f234,56', ',', 1234.56],
    ['1.234,56', ',', 1234.56],
    ['1.234.567,5', ',', 1234567.5],
    ['65,2', ',', 65.2],
    ['1,845', ',', 1.845],
    [',5', ',', 0.5],
    ['-12,5', ',', -12.5],
    ['\u22123,25', ',', -3.25],
    ['1,234.56', '.', 1234.56],
    ["1'234.56", '.', 1234.56],
    ['1234.5', '.', 1234.5],
    ['1,234', '.', 1234],
    ['1,234.56', 'auto', 1234.56],
    ['1.234,56', 'auto', 1234.56],
    ['1 234,567', 'auto', 1234.567],
    ['0,125', 'auto', 0.125],
    ['0.125', 'auto', 0.125],
    ['1234,5', 'auto', 1234.5],
    ['1234.567', 'auto', 1234.567],
    ['12,5', 'auto', 12.5],
    ['1,2E+3', ',', 1200],
    ['  42  ', 'auto', 42],
  ] as const)('reads %j with decimal %j', (input, dec, expected) => {
    expect(parseDecimal(input, dec)).toBeCloseTo(expected, 10);
  });

  it('passes numbers through and leaves empty values out', () => {
    expect(parseDecimal(3.5)).toBe(3.5);
    expect(parseDecimal('')).toBeUndefined();
    expect(parseDecimal('   ')).toBeUndefined();
    expect(parseDecimal(undefined)).toBeUndefined();
    expect(parseDecimal(null)).toBeUndefined();
  });

  it.each([
    ['12,3,4', ','],
    ['1.23,4', ','],
    ['1,234.56', ','],
    ['12 34', ','],
    ['abc', 'auto'],
    ['12kg', ','],
    ['1.2.3', 'auto'],
    ['-', ','],
    [',', ','],
  ] as const)('refuses %j (decimal %j)', (input, dec) => {
    expect(parseDecimal(input, dec)).toEqual(fail('RMDX_MAP_UNPARSABLE_NUMBER'));
  });

  it.each(['1,234', '1.234', '12,345', '-1.234'])(
    'calls %j ambiguous when the separator is not declared',
    (input) => {
      expect(parseDecimal(input, 'auto')).toEqual(fail('RMDX_MAP_AMBIGUOUS_NUMBER'));
    },
  );

  it('refuses NaN, Infinity and non-numbers', () => {
    expect(parseDecimal(Number.NaN)).toBeInstanceOf(Failure);
    expect(parseDecimal(Number.POSITIVE_INFINITY)).toBeInstanceOf(Failure);
    expect(parseDecimal(true)).toBeInstanceOf(Failure);
    expect(parseDecimal({})).toBeInstanceOf(Failure);
  });

  it('property: a number written the French way reads back to itself', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(' ', '\u00a0', '\u202f', '.', ''),
        (cents, decimals, group) => {
          const n = cents / 100;
          const text = formatFrench(n, decimals, group);
          const expected = Number(Math.abs(n).toFixed(decimals)) * (n < 0 ? -1 : 1);
          expect(parseDecimal(text, ',')).toBeCloseTo(expected, 9);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: with both marks present, auto reads French and English the same', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 999_999_999 }),
        fc.integer({ min: 1, max: 99 }),
        (int, frac) => {
          const f = frac.toString().padStart(2, '0');
          const en = `${int.toLocaleString('en-US')}.${f}`;
          const fr = `${int.toLocaleString('en-US').replace(/,/g, '.')},${f}`;
          expect(parseDecimal(en, 'auto')).toBe(Number(`${int}.${f}`));
          expect(parseDecimal(fr, 'auto')).toBe(Number(`${int}.${f}`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: JS numbers printed plainly read back exactly', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (n) => {
        const text = String(n);
        if (/e/i.test(text)) return;
        const read = parseDecimal(text, '.');
        expect(read).toBe(n === 0 ? 0 : n);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseDate', () => {
  it.each([
    ['24/03/2026', '2026-03-24'],
    ['4/3/2026', '2026-03-04'],
    ['24-03-2026', '2026-03-24'],
    ['24.03.2026', '2026-03-24'],
    ['2026-03-24', '2026-03-24'],
    ['2026-3-4', '2026-03-04'],
    ['2026/03/24', '2026-03-24'],
    ['2026-03-24T23:30:00Z', '2026-03-24'],
    ['24/03/2026 14:30', '2026-03-24'],
    ['24 mars 2026', '2026-03-24'],
    ['1er février 2026', '2026-02-01'],
    ['24-mars-26', '2026-03-24'],
    ['20260324', '2026-03-24'],
    ['29/02/2024', '2024-02-29'],
    ['24/03/26', '2026-03-24'],
  ])('reads %j', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it('reads month first when told', () => {
    expect(parseDate('03/24/2026', 'mdy')).toBe('2026-03-24');
    expect(parseDate('24/03/2026', 'mdy')).toEqual(fail('RMDX_MAP_UNPARSABLE_DATE'));
  });

  it('reads Excel serials and exceljs Dates (UTC fields)', () => {
    expect(parseDate(46105)).toBe('2026-03-24');
    expect(parseDate('46105')).toBe('2026-03-24');
    expect(parseDate(46105.75)).toBe('2026-03-24');
    expect(parseDate(new Date(Date.UTC(2026, 2, 24)))).toBe('2026-03-24');
    expect(parseDate(20260324)).toBe('2026-03-24');
  });

  it.each([
    '31/02/2026',
    '29/02/2025',
    '00/01/2026',
    '12/13/2026',
    '2026-02-30',
    'hier',
    '24/03',
    '24/03/2026 25:00',
  ])('refuses %j', (input) => {
    expect(parseDate(input)).toEqual(fail('RMDX_MAP_UNPARSABLE_DATE'));
  });

  it('says why an impossible day is refused', () => {
    const f = parseDate('31/02/2026') as Failure;
    expect(f.reason).toContain('31/02/2026');
    expect(f.reasonFr).toContain("n'existe pas");
  });

  it('refuses Excel serial 60 (29 February 1900, which never was) and invalid Dates', () => {
    expect(parseDate(60)).toBeInstanceOf(Failure);
    expect(parseDate(new Date(Number.NaN))).toBeInstanceOf(Failure);
  });

  it('leaves empty values out', () => {
    expect(parseDate('')).toBeUndefined();
    expect(parseDate(undefined)).toBeUndefined();
  });

  const dates = fc
    .record({
      y: fc.integer({ min: 1950, max: 2100 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
    })
    .filter(({ y, m, d }) => new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d);
  const iso = ({ y, m, d }: { y: number; m: number; d: number }) =>
    `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

  it('property: every written form of a date reads back to it', () => {
    fc.assert(
      fc.property(dates, fc.constantFrom('/', '-', '.'), (date, sep) => {
        const dd = String(date.d).padStart(2, '0');
        const mm = String(date.m).padStart(2, '0');
        expect(parseDate(`${dd}${sep}${mm}${sep}${date.y}`)).toBe(iso(date));
        expect(parseDate(`${mm}/${dd}/${date.y}`, 'mdy')).toBe(iso(date));
        expect(parseDate(iso(date))).toBe(iso(date));
        expect(parseDate(toExcelSerial(iso(date)))).toBe(iso(date));
        expect(parseDate(new Date(Date.UTC(date.y, date.m - 1, date.d, 13, 5)))).toBe(iso(date));
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['24/03/2026 14:30', '+02:00', '2026-03-24T14:30:00+02:00'],
    ['24/03/2026 14h30', '+02:00', '2026-03-24T14:30:00+02:00'],
    ['24/03/2026', '+03:00', '2026-03-24T00:00:00+03:00'],
    ['2026-03-24 14:30:05', 'Z', '2026-03-24T14:30:05Z'],
    ['2026-03-24T14:30:00+0100', '+02:00', '2026-03-24T14:30:00+01:00'],
    ['2026-03-24T12:30:00.123z', '+02:00', '2026-03-24T12:30:00.123Z'],
  ])('reads %j in %s', (input, offset, expected) => {
    expect(parseTimestamp(input, offset)).toBe(expected);
  });

  it('reads exceljs date-time cells and Excel serials with a time', () => {
    expect(parseTimestamp(new Date(Date.UTC(2026, 2, 24, 14, 30)), '+02:00')).toBe(
      '2026-03-24T14:30:00+02:00',
    );
    expect(parseTimestamp(46105.5, '+02:00')).toBe('2026-03-24T12:00:00+02:00');
  });

  it('refuses what is not a date and time', () => {
    expect(parseTimestamp('24/03/2026 14:75')).toEqual(fail('RMDX_MAP_UNPARSABLE_DATE'));
    expect(parseTimestamp('bientôt')).toEqual(fail('RMDX_MAP_UNPARSABLE_DATE'));
  });
});
