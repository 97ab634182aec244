/**
 * Exact decimal arithmetic for the few derived quantities the hub stores (kilograms, metal content).
 * A JS number is read as the decimal it prints as (`String(x)`: the shortest text that round-trips), so
 * 2500 g becomes exactly 2.5 kg and 1 lb exactly 0.45359237 kg; Postgres `numeric` keeps that text as is.
 */
export interface Decimal {
  /** The digits as an integer: value = digits × 10^-scale. */
  digits: bigint;
  scale: number;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/** Reads a finite number or a decimal text (`"0.001"`, `"1e-7"`) exactly. */
export function toDecimal(value: number | string): Decimal {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const m = DECIMAL_TEXT.exec(text);
  if (!m) throw new RangeError(`not a decimal number: ${text}`);
  const [, sign, int = '', frac = '', exp = '0'] = m;
  let digits = BigInt(`${int}${frac}` || '0');
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: sign === '-' ? -digits : digits, scale };
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { digits: a.digits * b.digits, scale: a.scale + b.scale };
}

/** value × 10^-places (a division by a power of ten, exact). */
export function shift(a: Decimal, places: number): Decimal {
  return places >= 0
    ? { digits: a.digits, scale: a.scale + places }
    : { digits: a.digits * 10n ** BigInt(-places), scale: a.scale };
}

/** Plain decimal text without exponent or trailing zeros: `2.5`, `0.0025`, `2500`. */
export function decimalText(a: Decimal): string {
  let { digits, scale } = a;
  while (scale > 0 && digits % 10n === 0n) {
    digits /= 10n;
    scale--;
  }
  const negative = digits < 0n;
  let body = (negative ? -digits : digits).toString();
  if (scale > 0) {
    body = body.padStart(scale + 1, '0');
    body = `${body.slice(0, -scale)}.${body.slice(-scale)}`;
  }
  return negative ? `-${body}` : body;
}

/** -1, 0 or 1 as a is less than, equal to or greater than b, exactly (whatever their scale). */
export function compareDecimals(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = a.digits * 10n ** BigInt(scale - a.scale);
  const y = b.digits * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether two decimals are the same number (whatever their scale). */
export function decimalEquals(a: Decimal, b: Decimal): boolean {
  return compareDecimals(a, b) === 0;
}
