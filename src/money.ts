import { Decimal as DecimalBase } from 'decimal.js';
import { CfdiLayoutError, type ErrorLocation } from './errors.js';

/**
 * Rounding policy: the one place where amounts are rounded. Every amount enters and leaves as a
 * string; inside, it is a {@link Money} decimal, or, on the hot paths of batches, a count of units of
 * 10^-scale held in a JS `number` (see {@link unitsOf}): an integer of magnitude at most 2^53 is a
 * double exactly, and so is every sum, difference and product of such integers whose result stays
 * at most 2^53 (ECMA-262, 6.1.6.1 The Number Type: IEEE 754 rounding is the identity on
 * representable values). Every scaled-integer step checks that bound and otherwise leaves the work
 * to {@link Money}; no fractional `number` ever holds money.
 *
 * | what | how | why |
 * |---|---|---|
 * | subtotal of a tax-included importe (desglose) | ROUND_HALF_UP to the currency's decimals, then the residual cent moved onto a tax inside its window | reconciles to the importe (C.3); HALF_UP keeps the residual off the −u/2 edge |
 * | concept tax Importe (Traslado/Retención) | ROUND_HALF_UP(Base × TasaOCuota) to the currency's decimals | inside the CFDI40180 / CFDI40186 window, which always holds floor and ceil |
 * | concept Importe | ROUND_HALF_UP(Cantidad × ValorUnitario) to the currency's decimals | inside the CFDI40167 window when written with the currency's decimals |
 * | comprobante SubTotal, Descuento, Traslado/Retención Base and Importe, TotalImpuestos* | ROUND_HALF_UP of the plain sum of concept values | CFDI40108, 40111, 40215, 40221, 40211: "redondeo de la suma", never rate × Σbase |
 * | Total | SubTotal − Descuento + traslados − retenciones (+ implocal), no further rounding | CFDI40119 |
 * | implocal Importe, TotaldeTraslados, TotaldeRetenciones | ROUND_HALF_UP to 2 decimals | implocal.xsd fixes 2 fraction digits |
 * | SAT windows (lower / upper limit) | ROUND_DOWN / ROUND_UP at the decimals written in the checked amount | CFDI40167, 40180, 40186 |
 * | ValorUnitario derived from a base and a Cantidad > 1 | ROUND_HALF_UP to 6 decimals | t_Importe allows 6; the CFDI40167 window with an integer Cantidad absorbs it |
 */
export const Money = DecimalBase.clone({
  precision: 60,
  rounding: DecimalBase.ROUND_HALF_UP,
  toExpNeg: -30,
  toExpPos: 40,
});

/** A decimal number in the money context (ROUND_HALF_UP, 60 significant digits). */
export type Money = InstanceType<typeof Money>;

const AMOUNT = /^(\d+)(?:\.(\d+))?$/;
const SIGNED = /^-?(\d+)(?:\.(\d+))?$/;

/** Decimals written in a decimal string (`'17.030'` → 3, `'17'` → 0). */
export function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Integer digits SAT's t_Importe allows (`[0-9]{1,18}(.[0-9]{1,6})?`, Anexo 20). */
export const IMPORTE_INTEGER_DIGITS = 18;

/**
 * Digits a JSON number may carry and still be the same amount for every reader: IEEE 754 doubles,
 * which JSON readers parse numbers into, hold any decimal of up to 15 significant digits so that it
 * reads back as written, whether the reader prints it shortest or at the amount's decimals (DBL_DIG).
 * A 16-digit amount may survive one reader and come back a cent off from another.
 */
export const JSON_NUMBER_DIGITS = 15;

/** Integer digits of a plain decimal, leading zeros aside (`'0012.50'` → 2, `'0.5'` → 0). */
export function integerDigitsOf(text: string): number {
  const dot = text.indexOf('.');
  const integer = (dot < 0 ? text : text.slice(0, dot)).replace(/^-/, '').replace(/^0+/, '');
  return integer.length;
}

/**
 * True when a plain decimal can be written as a JSON number that every reader takes back exactly:
 * at most {@link JSON_NUMBER_DIGITS} digits, leading zeros aside (`9999999999999.99` is the largest
 * amount with 2 decimals).
 */
export function fitsJsonNumber(text: string): boolean {
  // One scan (it runs once per ticket of a batch): the SIGNED shape, and the digits from the first
  // non-zero one on, the point aside.
  const length = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  let significant = 0;
  let digits = 0;
  let point = -1;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (point >= 0 || digits === 0) return false;
      point = i;
      continue;
    }
    if (c < 48 || c > 57) return false;
    digits++;
    if (significant > 0 || c !== 48) significant++;
  }
  if (digits === 0 || point === length - 1) return false;
  return significant <= JSON_NUMBER_DIGITS;
}

/** True when `text` is a plain non-negative decimal (`123`, `123.45`; no sign, exponent or spaces). */
export function isAmountText(text: string): boolean {
  return AMOUNT.test(text);
}

/**
 * Parses a non-negative decimal string into {@link Money}. Throws `AMOUNT_INVALID` for anything that
 * is not a plain decimal and `AMOUNT_NEGATIVE` for a leading minus.
 */
export function parseAmount(text: string, location?: ErrorLocation): Money {
  checkAmountText(text, location);
  return new Money(text);
}

/** Throws what {@link parseAmount} throws for a text that is not a plain non-negative decimal. */
function checkAmountText(text: string, location: ErrorLocation | undefined): void {
  if (AMOUNT.test(text)) return;
  const opts = location === undefined ? {} : { location };
  if (SIGNED.test(text))
    throw new CfdiLayoutError('AMOUNT_NEGATIVE', `amount ${JSON.stringify(text)} is negative`, opts);
  throw new CfdiLayoutError('AMOUNT_INVALID', `${JSON.stringify(text)} is not a decimal amount`, opts);
}

/**
 * Accepts an amount given as a JSON value: strings as they are; numbers only when their shortest
 * decimal form is exact (`123.45`), never a binary approximation silently rounded.
 */
export function amountFromJson(value: unknown, location?: ErrorLocation): string {
  const opts = location === undefined ? {} : { location };
  if (typeof value === 'string') {
    checkAmountText(value, location);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new CfdiLayoutError('AMOUNT_INVALID', `${value} is not a finite amount`, opts);
    const text = String(value);
    // A double holds any decimal of up to 15 significant digits exactly, so its shortest form is
    // the number the user wrote; beyond that JSON.parse may already have changed it.
    if (/e/i.test(text) || !fitsJsonNumber(text) || decimalsOf(text) > 6) {
      throw new CfdiLayoutError(
        'AMOUNT_NOT_EXACT',
        `the JSON number ${text} cannot be taken as an exact amount: write it as a string`,
        opts,
      );
    }
    return amountFromJson(text, location);
  }
  throw new CfdiLayoutError('AMOUNT_INVALID', `expected an amount, got ${JSON.stringify(value)}`, opts);
}

/** Rounds half up to `decimals` places. */
export function roundTo(value: Money, decimals: number): Money {
  // Sums of amounts already at the currency's decimals need no rounding: no new value for them.
  if (value.decimalPlaces() <= decimals) return value;
  return value.toDecimalPlaces(decimals, Money.ROUND_HALF_UP);
}

/** Truncates toward zero at `decimals` places (the SAT lower limit). */
export function truncTo(value: Money, decimals: number): Money {
  return value.toDecimalPlaces(decimals, Money.ROUND_DOWN);
}

/** Rounds away from zero at `decimals` places (the SAT upper limit). */
export function ceilTo(value: Money, decimals: number): Money {
  return value.toDecimalPlaces(decimals, Money.ROUND_UP);
}

/** Writes an amount with exactly `decimals` places, rounding half up. */
export function formatAmount(value: Money, decimals: number): string {
  return value.toFixed(decimals, Money.ROUND_HALF_UP);
}

/** The smallest unit of a currency with `decimals` places (`0.01` for 2). */
export function unit(decimals: number): Money {
  return new Money(1).dividedBy(new Money(10).pow(decimals));
}

/** Sums amount strings exactly. */
export function sum(values: Iterable<Money | string>): Money {
  let total = new Money(0);
  for (const v of values) total = total.plus(v);
  return total;
}

/**
 * Parses a rate written as the seeds write it (a percentage: `16`, `8`, `0`, `26.5`) into a
 * fraction (`0.16`). Throws `RATE_INVALID` for anything else.
 */
export function rateFromPercent(text: string, location?: ErrorLocation): Money {
  if (!AMOUNT.test(text)) {
    throw new CfdiLayoutError(
      'RATE_INVALID',
      `rate ${JSON.stringify(text)} is not a percentage`,
      location === undefined ? {} : { location },
    );
  }
  return new Money(text).dividedBy(100);
}

/** Writes a TasaOCuota the way the SAT expects it: six decimals (`0.160000`). */
export function formatTasa(rate: Money): string {
  return rate.toFixed(6, Money.ROUND_HALF_UP);
}

/**
 * Parses a TasaOCuota as written in a CFDI (a fraction: `0.160000`, `0.16`, or a Cuota amount).
 * Throws `RATE_INVALID` for anything that is not a plain non-negative decimal.
 */
export function parseRate(text: string, location?: ErrorLocation): Money {
  if (AMOUNT.test(text)) return new Money(text);
  throw new CfdiLayoutError(
    'RATE_INVALID',
    `TasaOCuota ${JSON.stringify(text)} is not a decimal rate`,
    location === undefined ? {} : { location },
  );
}

const ZERO_PADDING = ['', '0', '00', '000', '0000', '00000', '000000'];

/**
 * Writes an amount with exactly `decimals` places, like {@link formatAmount}, but without a rounding
 * pass when the value already fits (the hot path of the desglose: every amount there is already
 * rounded to the currency's decimals).
 */
export function formatExact(value: Money, decimals: number): string {
  const text = value.toString();
  const pad = ZERO_PADDING[decimals];
  if (pad === undefined || value.isNegative() || text.includes('e')) return formatAmount(value, decimals);
  const dot = text.indexOf('.');
  if (dot < 0) return decimals === 0 ? text : `${text}.${pad}`;
  const written = text.length - dot - 1;
  if (written > decimals) return formatAmount(value, decimals);
  return text + (ZERO_PADDING[decimals - written] ?? '');
}

/*
 * Scaled integers. An amount with at most `scale` decimals is the integer amount × 10^scale. The
 * helpers below keep every value a safe integer (Number.isSafeInteger), so the arithmetic is exact;
 * a caller that would leave that range gets `undefined` and falls back to Money.
 */

/** 10^k for the scales amounts use (up to 12). */
export const POWERS_OF_TEN: readonly number[] = Array.from({ length: 13 }, (_, k) => 10 ** k);

/** Digits a scaled amount may have so that it and a sum of a few hundred of them stay safe integers. */
const MAX_UNIT_DIGITS = 13;

/**
 * The amount a plain non-negative decimal string holds, in units of 10^-scale (`unitsOf('12.5', 2)`
 * is 1250), or undefined when the text is not a plain decimal, has more than `scale` decimals, or
 * needs more than 13 digits at that scale (so that sums of up to 900 such amounts stay exact).
 */
export function unitsOf(text: string, scale: number): number | undefined {
  const length = text.length;
  if (length === 0) return undefined;
  let units = 0;
  let digits = 0;
  let decimals = -1;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (decimals >= 0 || i === 0 || i === length - 1) return undefined;
      decimals = 0;
      continue;
    }
    if (c < 48 || c > 57) return undefined;
    if (decimals >= 0 && ++decimals > scale) return undefined;
    units = units * 10 + (c - 48);
    if (units > 0) digits++;
  }
  const shift = scale - (decimals < 0 ? 0 : decimals);
  if (digits + shift > MAX_UNIT_DIGITS) return undefined;
  return units * (POWERS_OF_TEN[shift] as number);
}

/** Writes a non-negative count of units of 10^-decimals as a decimal string with exactly `decimals` places. */
export function formatUnits(units: number, decimals: number): string {
  const text = String(units);
  if (decimals === 0) return text;
  const padded = text.length > decimals ? text : '0'.repeat(decimals + 1 - text.length) + text;
  const dot = padded.length - decimals;
  return `${padded.slice(0, dot)}.${padded.slice(dot)}`;
}

/** ⌊a / b⌋ of non-negative safe integers, exactly (the remainder of integers is exact; the quotient of a multiple is too). */
export function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/** Rounds a count of units of 10^-from half up to units of 10^-to (to ≤ from), exactly. */
export function roundUnits(units: number, from: number, to: number): number {
  if (from <= to) return units * (POWERS_OF_TEN[to - from] as number);
  const step = POWERS_OF_TEN[from - to] as number;
  return floorDiv(units + step / 2, step);
}

/**
 * An exact running sum of plain decimal texts: on scaled integers at `scale` decimals while every
 * text fits them and the sum stays a safe integer, on {@link Money} from the first that does not.
 */
export class ExactSum {
  #units = 0;
  #money: Money | undefined;
  readonly #scale: number;

  constructor(scale: number) {
    this.#scale = scale;
  }

  /** Adds `text`; false (and nothing added) when it is not a plain non-negative decimal. */
  add(text: string): boolean {
    if (this.#money === undefined) {
      const units = unitsOf(text, this.#scale);
      if (units !== undefined && Number.isSafeInteger(this.#units + units)) {
        this.#units += units;
        return true;
      }
      if (!AMOUNT.test(text)) return false;
      this.#money = new Money(formatUnits(this.#units, this.#scale)).plus(text);
      return true;
    }
    if (!AMOUNT.test(text)) return false;
    this.#money = this.#money.plus(text);
    return true;
  }

  /** The sum as a decimal. */
  get value(): Money {
    return this.#money ?? new Money(formatUnits(this.#units, this.#scale));
  }

  /** The sum written with `decimals` places, rounded half up (as {@link formatAmount}). */
  text(decimals: number): string {
    if (this.#money !== undefined) return formatAmount(this.#money, decimals);
    return formatUnits(roundUnits(this.#units, this.#scale, decimals), decimals);
  }

  /** True when `this` sum is greater than `other`'s. */
  greaterThan(other: ExactSum): boolean {
    if (this.#money === undefined && other.#money === undefined && this.#scale === other.#scale)
      return this.#units > other.#units;
    return this.value.greaterThan(other.value);
  }
}
