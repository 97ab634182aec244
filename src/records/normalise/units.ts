import { decimalText, multiply, shift, toDecimal } from './decimal.js';

/**
 * Kilograms per unit of the standard's `unit` codelist (UN/ECE Rec. 20). The pound and the troy
 * ounce are exact by definition (international yard and pound agreement, 1959).
 */
export const kilogramsPerUnit = {
  KGM: '1',
  GRM: '0.001',
  TNE: '1000',
  LBR: '0.45359237',
  APZ: '0.0311034768',
} as const;

export type MassUnit = keyof typeof kilogramsPerUnit;

/** The factors as exact decimals, read once. */
const factors = new Map(
  Object.entries(kilogramsPerUnit).map(([unit, kg]) => [unit as MassUnit, toDecimal(kg)] as const),
);

export function isMassUnit(value: unknown): value is MassUnit {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(kilogramsPerUnit, value);
}

/**
 * A mass in kilograms, as exact decimal text (`2500` GRM → `"2.5"`), or null when the mass or
 * its unit is missing or not usable.
 */
export function massToKg(mass: unknown, unit: unknown): string | null {
  if (typeof mass !== 'number' || !Number.isFinite(mass)) return null;
  const code = typeof unit === 'string' ? unit.trim().toUpperCase() : unit;
  if (!isMassUnit(code)) return null;
  return decimalText(multiply(toDecimal(mass), factors.get(code)!));
}

/**
 * The contained metal (or oxide, for 3T ores graded as Ta₂O₅, SnO₂, WO₃) in kilograms:
 * mass_kg × gradePct / 100, exact; null without a mass or a grade.
 */
export function metalKg(massKg: string | null, gradePct: unknown): string | null {
  if (massKg === null || typeof gradePct !== 'number' || !Number.isFinite(gradePct)) return null;
  return decimalText(shift(multiply(toDecimal(massKg), toDecimal(gradePct)), 2));
}
