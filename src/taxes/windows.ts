import { ceilTo, decimalsOf, Money, parseAmount, parseRate, truncTo } from '../money.js';

/*
 * The SAT limit windows (rules doc A.3 and A.4). The PAC does not recompute an amount: it accepts any
 * value between a lower limit, truncated, and an upper limit, rounded up, both at the decimals
 * WRITTEN in the checked amount. That is why "17.030000" can fail where "17.03" passes, and why the
 * tolerance h comes from the decimals written in the Base (or Cantidad, ValorUnitario).
 */

/** SAT's `10^-12`, subtracted from the upper limit so that a product landing exactly on a limit stays in. */
const EPSILON = new Money('1e-12');

const HALVES: Money[] = [];

/** `10^-decimals / 2`: half a unit of the last written decimal (the tolerance h of A.3/A.4). */
export function halfUnit(decimals: number): Money {
  let half = HALVES[decimals];
  if (half === undefined) {
    half = new Money(5).times(new Money(10).pow(-decimals - 1));
    HALVES[decimals] = half;
  }
  return half;
}

/** The inclusive limits a SAT-checked amount must lie between. */
export interface Window {
  readonly lower: Money;
  readonly upper: Money;
}

/**
 * The A.4 window of a tax Importe, from amounts already parsed: `baseDecimals` is the number of
 * decimals written in the Base, `importeDecimals` the number written in the Importe.
 */
export function taxWindowOf(base: Money, baseDecimals: number, rate: Money, importeDecimals: number): Window {
  const h = halfUnit(baseDecimals);
  return {
    lower: truncTo(base.minus(h).times(rate), importeDecimals),
    upper: ceilTo(base.plus(h).minus(EPSILON).times(rate), importeDecimals),
  };
}

/**
 * The window a Traslado or Retención Importe must lie in (CFDI40180, CFDI40186; rules doc A.4):
 * `trunc((Base − h) × TasaOCuota)` to `ceil((Base + h − 10^-12) × TasaOCuota)` at `importeDecimals`,
 * with `h` half a unit of the last decimal written in `base`. Throws `AMOUNT_INVALID` /
 * `AMOUNT_NEGATIVE` for a base and `RATE_INVALID` for a rate that is not a plain decimal.
 */
export function taxWindow(base: string, tasaOCuota: string, importeDecimals: number): Window {
  return taxWindowOf(parseAmount(base), decimalsOf(base), parseRate(tasaOCuota), importeDecimals);
}

/**
 * True when a tax Importe lies in its A.4 window, measured at the decimals written in `importe`
 * (CFDI40180 for traslados, CFDI40186 for retenciones). Throws like {@link taxWindow} for text that
 * is not a plain decimal.
 */
export function isTaxImporteInWindow(base: string, tasaOCuota: string, importe: string): boolean {
  const value = parseAmount(importe);
  const { lower, upper } = taxWindow(base, tasaOCuota, decimalsOf(importe));
  return value.gte(lower) && value.lte(upper);
}

/**
 * The window a Concepto Importe must lie in (CFDI40167; rules doc A.3):
 * `trunc((Cantidad − hC) × (ValorUnitario − hV))` to
 * `ceil((Cantidad + hC − 10^-12) × (ValorUnitario + hV − 10^-12))` at `importeDecimals`, with `hC`
 * and `hV` half a unit of the last decimal written in each factor. Throws `AMOUNT_INVALID` /
 * `AMOUNT_NEGATIVE` for text that is not a plain decimal.
 */
export function importeWindow(cantidad: string, valorUnitario: string, importeDecimals: number): Window {
  const c = parseAmount(cantidad);
  const v = parseAmount(valorUnitario);
  const hC = halfUnit(decimalsOf(cantidad));
  const hV = halfUnit(decimalsOf(valorUnitario));
  return {
    lower: truncTo(c.minus(hC).times(v.minus(hV)), importeDecimals),
    upper: ceilTo(c.plus(hC).minus(EPSILON).times(v.plus(hV).minus(EPSILON)), importeDecimals),
  };
}

/**
 * True when a Concepto Importe lies in its A.3 window, measured at the decimals written in `importe`
 * (CFDI40167). Throws like {@link importeWindow} for text that is not a plain decimal.
 */
export function isImporteInWindow(cantidad: string, valorUnitario: string, importe: string): boolean {
  const value = parseAmount(importe);
  const { lower, upper } = importeWindow(cantidad, valorUnitario, decimalsOf(importe));
  return value.gte(lower) && value.lte(upper);
}
