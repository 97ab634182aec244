import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  compareDecimals,
  decimalEquals,
  multiply,
  shift,
  toDecimal,
} from '../../../src/records/normalise/decimal.js';
import { kilogramsPerUnit, massToKg, metalKg, type MassUnit } from '../../../src/records/normalise/units.js';

const masses = fc.double({ min: 1e-9, max: 1e12, noNaN: true, noDefaultInfinity: true });

describe('massToKg', () => {
  it.each([
    [2500, 'GRM', '2.5'],
    [2.5, 'KGM', '2.5'],
    [24, 'TNE', '24000'],
    [1, 'LBR', '0.45359237'],
    [100, 'LBR', '45.359237'],
    [1, 'APZ', '0.0311034768'],
    [32.1507466, 'APZ', '1.00000000097577888'],
    [0.001, 'GRM', '0.000001'],
    [1e21, 'KGM', '1000000000000000000000'],
    [1.5e-7, 'TNE', '0.00015'],
  ])('%s %s = %s kg, exactly', (mass, unit, kg) => {
    expect(massToKg(mass, unit)).toBe(kg);
  });

  it('reads unit codes in any case and leaves a mass without a usable unit or number out', () => {
    expect(massToKg(3, ' tne ')).toBe('3000');
    expect(massToKg(3, 'OZ')).toBeNull();
    expect(massToKg(undefined, 'KGM')).toBeNull();
    expect(massToKg('3', 'KGM')).toBeNull();
    expect(massToKg(Number.NaN, 'KGM')).toBeNull();
  });

  it('kilograms round-trip: x KGM is x', () => {
    fc.assert(fc.property(masses, (x) => Number(massToKg(x, 'KGM')) === x));
  });

  it('x grams are exactly x / 1000 kilograms (and x tonnes x × 1000)', () => {
    fc.assert(
      fc.property(masses, (x) => {
        const kg = toDecimal(massToKg(x, 'KGM')!);
        return (
          decimalEquals(toDecimal(massToKg(x, 'GRM')!), shift(kg, 3)) &&
          decimalEquals(toDecimal(massToKg(x, 'TNE')!), shift(kg, -3)) &&
          Math.abs(Number(massToKg(x, 'GRM')) - x / 1000) <= Math.abs(x / 1000) * 1e-15
        );
      }),
    );
  });

  it('every unit is its exact factor times the mass, and the order of masses is kept', () => {
    const units = Object.keys(kilogramsPerUnit) as MassUnit[];
    fc.assert(
      fc.property(masses, masses, fc.constantFrom(...units), (a, b, unit) => {
        const kg = toDecimal(massToKg(a, unit)!);
        const expected = multiply(toDecimal(a), toDecimal(kilogramsPerUnit[unit]));
        // Compared as exact decimals: adjacent doubles (1.0000000000000015e-9 and …13e-9 APZ) give
        // kilograms that differ only beyond what a double can hold.
        const ordered = compareDecimals(kg, toDecimal(massToKg(b, unit)!)) === Math.sign(a - b);
        return decimalEquals(kg, expected) && ordered;
      }),
      { examples: [[1.0000000000000015e-9, 1.0000000000000013e-9, 'APZ']] },
    );
  });
});

describe('metalKg', () => {
  it('is mass × grade / 100, exactly', () => {
    expect(metalKg('2.5', 92.5)).toBe('2.3125');
    expect(metalKg('1000', 65)).toBe('650');
    expect(metalKg('1000', 0)).toBe('0');
    expect(metalKg('0.45359237', 100)).toBe('0.45359237');
  });

  it('is null without a mass or a grade', () => {
    expect(metalKg(null, 50)).toBeNull();
    expect(metalKg('10', undefined)).toBeNull();
  });

  it('never exceeds the mass and is 0..mass for grades 0..100', () => {
    fc.assert(
      fc.property(masses, fc.double({ min: 0, max: 100, noNaN: true }), (x, grade) => {
        const kg = massToKg(x, 'KGM')!;
        const metal = Number(metalKg(kg, grade));
        return metal >= 0 && metal <= Number(kg) * (1 + 1e-15);
      }),
    );
  });
});
