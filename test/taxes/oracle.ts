/*
 * An exact decimal oracle on BigInt, independent of decimal.js and of src/taxes: amounts are
 * integers scaled by 10^30, enough for every product the SAT formulas form (a Base with 12 decimals
 * after subtracting 10^-12, times a 6-decimal TasaOCuota). Property tests check our results against
 * it, so no expected value comes from the code under test.
 */

export const SCALE = 30;
const ONE = 10n ** BigInt(SCALE);

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Parses a plain decimal (optionally negative) into a scaled integer. */
export function big(text: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) throw new Error(`oracle: not a decimal: ${text}`);
  const fraction = match[3] ?? '';
  if (fraction.length > SCALE) throw new Error(`oracle: too many decimals: ${text}`);
  const value = BigInt((match[2] ?? '0') + fraction.padEnd(SCALE, '0'));
  return match[1] === '-' ? -value : value;
}

/** Decimals written in a decimal string. */
export function written(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Writes a scaled value with exactly `decimals` places; it must already fit them. */
export function text(value: bigint, decimals: number): string {
  const step = pow10(SCALE - decimals);
  if (value % step !== 0n) throw new Error(`oracle: ${value} does not fit ${decimals} decimals`);
  const negative = value < 0n;
  const units = (negative ? -value : value) / step;
  const digits = units.toString().padStart(decimals + 1, '0');
  const body = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${body}` : body;
}

/** Product of two scaled values (exact while the factors' decimals add up to at most SCALE). */
export function mul(a: bigint, b: bigint): bigint {
  const product = a * b;
  if (product % ONE !== 0n) throw new Error('oracle: product needs more than SCALE decimals');
  return product / ONE;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Rounds half up (away from zero on ties, as ROUND_HALF_UP) to `decimals` places. */
export function roundHalfUp(value: bigint, decimals: number): bigint {
  const step = pow10(SCALE - decimals);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const rounded = ((magnitude * 2n + step) / (2n * step)) * step;
  return negative ? -rounded : rounded;
}

/** Truncates toward zero to `decimals` places (SAT's "truncado"). */
export function trunc(value: bigint, decimals: number): bigint {
  const step = pow10(SCALE - decimals);
  return (value / step) * step;
}

/** Rounds away from zero to `decimals` places (SAT's "redondeado hacia arriba"). */
export function ceilAway(value: bigint, decimals: number): bigint {
  const step = pow10(SCALE - decimals);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const up = ((magnitude + step - 1n) / step) * step;
  return negative ? -up : up;
}

/** a / b rounded half up to `decimals` places (both scaled, b > 0, a ≥ 0). */
export function divRoundHalfUp(a: bigint, b: bigint, decimals: number): bigint {
  // a / b is a plain ratio (both scaled alike); in units of 10^-decimals, rounded half up:
  // floor((2·a·10^decimals + b) / (2·b)).
  return floorDiv(2n * a * pow10(decimals) + b, 2n * b) * pow10(SCALE - decimals);
}

const EPSILON = big('0.000000000001');

/** A.4: [trunc((Base − h) × rate), ceil((Base + h − 1e-12) × rate)] at `importeDecimals`. */
export function taxWindow(base: string, rate: string, importeDecimals: number): [bigint, bigint] {
  const h = pow10(SCALE - written(base)) / 2n;
  const b = big(base);
  const r = big(rate);
  return [trunc(mul(b - h, r), importeDecimals), ceilAway(mul(b + h - EPSILON, r), importeDecimals)];
}

/** True when `importe` lies in the A.4 window at the decimals written in it. */
export function inTaxWindow(base: string, rate: string, importe: string): boolean {
  const [lower, upper] = taxWindow(base, rate, written(importe));
  const value = big(importe);
  return value >= lower && value <= upper;
}

/** A.3: the Concepto Importe window at `importeDecimals`. */
export function importeWindow(
  cantidad: string,
  valorUnitario: string,
  importeDecimals: number,
): [bigint, bigint] {
  const hC = pow10(SCALE - written(cantidad)) / 2n;
  const hV = pow10(SCALE - written(valorUnitario)) / 2n;
  const c = big(cantidad);
  const v = big(valorUnitario);
  return [
    trunc(mul(c - hC, v - hV), importeDecimals),
    ceilAway(mul(c + hC - EPSILON, v + hV - EPSILON), importeDecimals),
  ];
}

/** True when `importe` lies in the A.3 window at the decimals written in it. */
export function inImporteWindow(cantidad: string, valorUnitario: string, importe: string): boolean {
  const [lower, upper] = importeWindow(cantidad, valorUnitario, written(importe));
  const value = big(importe);
  return value >= lower && value <= upper;
}

/** A percentage (`16`, `26.5`) as a scaled fraction. */
export function fromPercent(percent: string): bigint {
  return big(percent) / 100n;
}

/** A scaled fraction written with 6 decimals (a TasaOCuota). */
export function tasa(fraction: bigint): string {
  return text(fraction, 6);
}

/** The sum of decimal strings, scaled. */
export function total(values: readonly string[]): bigint {
  return values.reduce((acc, v) => acc + big(v), 0n);
}
