/*
 * Independent decimal arithmetic for the CLI tests: amounts as BigInt counts of the smallest unit, so
 * that expected values never come from the library under test (nor from floating point).
 */

const PLAIN = /^(\d+)(?:\.(\d+))?$/;

/** Decimals written in a plain decimal string (`'17.030'` → 3, `'17'` → 0). */
export function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** A plain decimal string as a count of 10^-decimals units; fails on anything finer or not plain. */
export function toUnits(text: string, decimals: number): bigint {
  const m = PLAIN.exec(text);
  if (m === null) throw new Error(`${JSON.stringify(text)} is not a plain decimal`);
  const fraction = m[2] ?? '';
  if (fraction.length > decimals && /[1-9]/.test(fraction.slice(decimals))) {
    throw new Error(`${JSON.stringify(text)} has more than ${decimals} significant decimals`);
  }
  return BigInt((m[1] ?? '0') + fraction.slice(0, decimals).padEnd(decimals, '0'));
}

/** Writes a unit count with exactly `decimals` places (`1703n, 2` → `'17.03'`). */
export function fromUnits(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}

/** Adds `units` of the last written decimal to an amount, keeping how many decimals it has. */
export function addUnits(text: string, units: bigint): string {
  const d = decimalsOf(text);
  return fromUnits(toUnits(text, d) + units, d);
}

/** A percentage as the CLI takes it (`'26.5'`) as an exact fraction numerator / denominator. */
export function percentFraction(percent: string): { num: bigint; den: bigint } {
  const k = decimalsOf(percent);
  return { num: toUnits(percent, k), den: 10n ** BigInt(k + 2) };
}

/**
 * The SAT window of a tax Importe (rules doc A.4), in units of 10^-d, for a Base of `base` units
 * written with `d` decimals and an Importe written with `d` decimals:
 *   LI = trunc_d((Base − h) × rate),  LS = ceil_d((Base + h − 10^-12) × rate),  h = 10^-d / 2.
 */
export function taxWindowUnits(
  base: bigint,
  d: number,
  rate: { num: bigint; den: bigint },
): { lower: bigint; upper: bigint } {
  // (Base − h) × rate in units = (2·base − 1) · num / (2 · den); BigInt division truncates toward zero.
  const lower = ((2n * base - 1n) * rate.num) / (2n * rate.den);
  // (Base + h − 10^-12) × rate in units = (2·s·base + s − 2) · num / (2 · s · den), s = 10^(12 − d).
  const s = 10n ** BigInt(12 - d);
  const n = (2n * s * base + s - 2n) * rate.num;
  const den = 2n * s * rate.den;
  const upper = n <= 0n ? 0n : (n + den - 1n) / den;
  return { lower, upper };
}
