import { currencyDecimals } from '../catalogs/moneda.js';
import { CfdiLayoutError } from '../errors.js';
import {
  ceilTo,
  floorDiv,
  formatAmount,
  formatExact,
  formatTasa,
  formatUnits,
  Money,
  parseAmount,
  rateFromPercent,
  roundTo,
  truncTo,
  unitsOf,
} from '../money.js';
import { halfUnit, taxWindowOf } from './windows.js';

/*
 * Back-calculation of a tax-included importe (rules doc C.3, generalised to IEPS and ISH).
 *
 * Rates apply as the law stacks them: IEPS on the base B; IVA on B + IEPS, because LIVA art. 12
 * puts the other taxes charged to the buyer in the IVA value, and the SAT Guía de llenado writes the
 * IVA Traslado Base of a concept with the IEPS included when the IEPS is trasladado; ISH on B alone,
 * the lodging consideration (rules doc B: ISH is not part of the IVA base). So
 *
 *   I = B + IEPS + IVA + ISH,   gross factor F = 1 + ieps + iva × (1 + ieps) + ish.
 *
 * B = roundHalfUp(I / F); each tax is rounded half up; the residual Δ = I − B − Σ taxes (a few units
 * at most) is then moved one unit at a time onto the tax, IVA first, then IEPS, then ISH, whose SAT
 * window (A.4, with that tax's own base at the currency's decimals) still holds the moved value.
 * ROUND_HALF_UP matters: with banker's rounding B can land on the −u/2 edge (C.3).
 *
 * The B-adjust branch: when no tax can take the next unit, B moves one unit toward Δ, every tax is
 * rounded again from the new B and the walk resumes. With B = roundHalfUp(I / F) it never fires:
 * every window is an interval of whole units holding floor and ceil of its exact tax, and when IEPS
 * moves by a unit the IVA windows of the old and new IVA base overlap at the IVA's limit, so the walk
 * stops only with every tax at its limit. The upper limits add up to at least (B + u/2)(F − 1), while
 * I − B = B(F − 1) + F(I/F − B) ≤ (B + u/2)(F − 1) + u/2, less than a unit above it (the lower side is
 * symmetric), so the residual is always absorbed. A script confirmed it for every I up to 200,000
 * units at every rate mix the tests draw. The branch fires when the walk starts from another base
 * (`PreparedDesglose.split` with a `startBase`); the property tests drive it that way and check that
 * Σ = I and every window still hold.
 */

const ZERO = new Money(0);
const ONE = new Money(1);
const EPSILON = new Money('1e-12');
/** Lifts a 60-digit quotient above its exact value (see `upperQuotient`). */
const NUDGE_UP = new Money('1e-55').plus(1);
/** t_Importe: at most 18 integer digits. */
const IMPORTE_LIMIT = new Money('1e18');
/** The walk moves a unit per step; a bound that real inputs never approach guards the loop. */
const MAX_STEPS = 100_000;
const EXENTO = /^exento$/i;

/** Rates and amounts of a desglose, as the CLI and the sales export write them. */
export interface DesgloseOptions {
  /** IVA percentage (`16`, `8`, `0`, any percentage with up to 4 decimals) or `exento`. Defaults to `16`. */
  readonly iva?: string | undefined;
  /** IEPS percentage (`8`, `26.5`, `160`); `0` means no IEPS. Defaults to `0`. */
  readonly ieps?: string | undefined;
  /** ISH percentage with up to 2 decimals (implocal TasadeTraslado); `0` means no ISH. Defaults to `0`. */
  readonly ish?: string | undefined;
  /** c_Moneda code; the amounts carry its decimals. Defaults to `MXN`. */
  readonly moneda?: string | undefined;
  /**
   * Decimals the ISH amount may carry. Defaults to the currency's decimals; `conceptoFromImporte`
   * passes 2 because implocal.xsd fixes 2 fraction digits, which matters only for 3- and 4-decimal
   * currencies (KWD, CLF).
   */
  readonly ishDecimals?: number | undefined;
}

/** A tax-included importe and its rates. */
export interface DesgloseInput extends DesgloseOptions {
  /** The line total including every tax, a plain decimal with at most the currency's decimals. */
  readonly importe: string;
}

/**
 * A reconciled split. Every amount is written with exactly the currency's decimals, and
 * `subtotal + ieps + iva + ish === importe === total` exactly.
 */
export interface DesgloseResult {
  /** The importe as given, written with the currency's decimals. */
  readonly importe: string;
  /** The base B: the concept's ValorUnitario × Cantidad and Importe. */
  readonly subtotal: string;
  /** IVA amount; `0.00`-style when the IVA is exempt or at 0 %. */
  readonly iva: string;
  /** IEPS amount; `0.00`-style without IEPS. */
  readonly ieps: string;
  /** ISH amount (implocal); `0.00`-style without ISH. */
  readonly ish: string;
  /** Equal to `importe`, always. */
  readonly total: string;
  /** The c_Moneda code used. */
  readonly moneda: string;
  /** True when the IVA is exempt: the concept carries an IVA Traslado with TipoFactor Exento (Base only). */
  readonly ivaExento: boolean;
  /** Base of the IVA Traslado: subtotal + IEPS (LIVA art. 12). */
  readonly ivaBase: string;
  /** Base of the IEPS Traslado: the subtotal. */
  readonly iepsBase: string;
  /** Base the ISH is computed on: the subtotal (the lodging consideration, not the IVA base). */
  readonly ishBase: string;
}

/** The split as decimals, for callers that keep computing (concept builders, tests). */
export interface DesgloseParts {
  readonly base: Money;
  readonly ieps: Money;
  readonly iva: Money;
  readonly ish: Money;
  /** True when the walk had to move B (the B-adjust branch). */
  readonly baseAdjusted: boolean;
}

/** A desglose with its rates parsed and its constants computed once, for batches and benchmarks. */
export interface PreparedDesglose {
  /** The c_Moneda code. */
  readonly moneda: string;
  /** The currency's decimals. */
  readonly decimals: number;
  /** Decimals of the ISH amount (at most `decimals`). */
  readonly ishDecimals: number;
  /** True when the IVA is exempt. */
  readonly ivaExento: boolean;
  /** IVA TasaOCuota with 6 decimals (`0.160000`, `0.000000`); undefined when exempt. */
  readonly ivaTasa: string | undefined;
  /** IEPS TasaOCuota with 6 decimals (`0.265000`); undefined without IEPS. */
  readonly iepsTasa: string | undefined;
  /** ISH TasadeTraslado as implocal writes it, a percentage with 2 decimals (`3.00`); undefined without ISH. */
  readonly ishTasa: string | undefined;
  /** Splits one importe. Throws `AMOUNT_INVALID`, `AMOUNT_NEGATIVE` or `AMOUNT_TOO_MANY_DECIMALS`. */
  desglose(importe: string): DesgloseResult;
  /**
   * The reconciliation on decimals. `startBase` (tests only) starts the walk from another base than
   * roundHalfUp(I / F), which exercises the B-adjust branch.
   */
  split(importe: Money, startBase?: Money): DesgloseParts;
}

interface Plan {
  readonly d: number;
  readonly unit: Money;
  readonly minusUnit: Money;
  /** h = u/2 and h − 10^-12: the A.4 tolerance of a base written with d decimals. */
  readonly half: Money;
  readonly halfUp: Money;
  readonly iva: Money;
  readonly ieps: Money;
  readonly ish: Money;
  readonly hasIva: boolean;
  readonly hasIeps: boolean;
  readonly hasIsh: boolean;
  /** How many of the three rates are above zero. */
  readonly taxed: number;
  /** 1 / F, rounded up to just enough digits (see `upperInverse`). */
  readonly inverse: Money;
  readonly ishDecimals: number;
  /** ish / F rounded up: the ISH share of the gross amount, for the coarse-ISH path. */
  readonly ishShare: Money;
  /** The same plan without ISH, set when the ISH moves on a coarser grid than the currency. */
  readonly federal: Plan | undefined;
}

/**
 * `1 / factor` rounded UP to as few significant digits as exactness allows, so that a multiplication
 * replaces a division in the hot path. B = roundHalfUp(I × (1/F)↑) equals roundHalfUp(I / F): with
 * F = N / 10^k, I / F is either exactly on a half unit (the product is at or above it and rounds up,
 * as HALF_UP requires) or at least 1/(2N) units away from it, while the factor's relative error,
 * 10^-(digits − 1), moves an importe of under 10^(18 + d) units by less than that.
 */
function upperInverse(factor: Money, d: number): Money {
  const n = factor.times(new Money(10).pow(factor.decimalPlaces()));
  const digits = 21 + d + n.toFixed(0).length;
  return ONE.dividedBy(factor).times(NUDGE_UP).toSignificantDigits(digits, Money.ROUND_UP);
}

/** `a / b` rounded up at ~55 significant digits (off the hot path). */
function upperQuotient(a: Money, b: Money): Money {
  return a.dividedBy(b).times(NUDGE_UP);
}

function percent(text: string, field: string, maxDecimals: number): Money {
  const rate = rateFromPercent(text, { field });
  if (rate.decimalPlaces() > maxDecimals + 2) {
    throw new CfdiLayoutError(
      'RATE_INVALID',
      `${field} ${JSON.stringify(text)} has more than ${maxDecimals} decimals as a percentage`,
      { location: { field } },
    );
  }
  return rate;
}

function buildPlan(d: number, iva: Money, ieps: Money, ish: Money, ishDecimals: number): Plan {
  const factor = ONE.plus(ieps)
    .plus(iva.times(ONE.plus(ieps)))
    .plus(ish);
  const hasIva = iva.isPositive() && !iva.isZero();
  const hasIeps = ieps.isPositive() && !ieps.isZero();
  const hasIsh = ish.isPositive() && !ish.isZero();
  const half = halfUnit(d);
  const coarse = hasIsh && ishDecimals < d;
  return {
    d,
    unit: half.times(2),
    minusUnit: half.times(-2),
    half,
    halfUp: half.minus(EPSILON),
    iva,
    ieps,
    ish,
    hasIva,
    hasIeps,
    hasIsh,
    taxed: (hasIva ? 1 : 0) + (hasIeps ? 1 : 0) + (hasIsh ? 1 : 0),
    inverse: upperInverse(factor, d),
    ishDecimals,
    ishShare: upperQuotient(ish, factor),
    federal: coarse ? buildPlan(d, iva, ieps, ZERO, d) : undefined,
  };
}

function parts(base: Money, ieps: Money, iva: Money, ish: Money, baseAdjusted: boolean): DesgloseParts {
  return { base, ieps, iva, ish, baseAdjusted };
}

function split(plan: Plan, importe: Money, startBase: Money | undefined): DesgloseParts {
  if (plan.federal !== undefined) return splitCoarseIsh(plan, plan.federal, importe, startBase);
  if (plan.taxed === 0) return parts(importe, ZERO, ZERO, ZERO, false);
  const { d, unit } = plan;
  const base = startBase ?? roundTo(importe.times(plan.inverse), d);
  if (startBase === undefined && plan.taxed === 1) {
    // One tax: T = I − B is the only value that reconciles and it always lies in its window (C.3:
    // |I − B(1 + r)| ≤ u/2 (1 + r)), so the walk would end exactly here.
    const rest = importe.minus(base);
    if (plan.hasIva) return parts(base, ZERO, rest, ZERO, false);
    if (plan.hasIeps) return parts(base, rest, ZERO, ZERO, false);
    return parts(base, ZERO, ZERO, rest, false);
  }
  const ieps = plan.hasIeps ? roundTo(base.times(plan.ieps), d) : ZERO;
  const ish = plan.hasIsh ? roundTo(base.times(plan.ish), d) : ZERO;
  if (startBase === undefined) {
    // The walk moves the preferred tax (IVA, else IEPS) first; when the whole residual fits in its
    // window it stops there. A value on the unit grid less than a unit away from the exact tax is its
    // floor or ceil, both inside the window (A.4), so two comparisons replace the window.
    let rest = importe.minus(base);
    if (plan.hasIsh) rest = rest.minus(ish);
    if (plan.hasIva) {
      if (plan.hasIeps) rest = rest.minus(ieps);
      const gap = (plan.hasIeps ? base.plus(ieps) : base).times(plan.iva).minus(rest);
      if (gap.lt(unit) && gap.gt(plan.minusUnit)) return parts(base, ieps, rest, ish, false);
    } else {
      const gap = base.times(plan.ieps).minus(rest);
      if (gap.lt(unit) && gap.gt(plan.minusUnit)) return parts(base, rest, ZERO, ish, false);
    }
  }
  return walk(plan, importe, base, ieps, ish);
}

function lowerLimit(plan: Plan, base: Money, rate: Money): Money {
  return truncTo(base.minus(plan.half).times(rate), plan.d);
}

function upperLimit(plan: Plan, base: Money, rate: Money): Money {
  return ceilTo(base.plus(plan.halfUp).times(rate), plan.d);
}

function inWindow(plan: Plan, value: Money, base: Money, rate: Money): boolean {
  return value.gte(lowerLimit(plan, base, rate)) && value.lte(upperLimit(plan, base, rate));
}

/** The unit-by-unit walk of C.3, with the B-adjust branch (see the module comment). */
function walk(
  plan: Plan,
  importe: Money,
  startBase: Money,
  startIeps: Money,
  startIsh: Money,
): DesgloseParts {
  const { d, unit } = plan;
  let base = startBase;
  let ieps = startIeps;
  let ish = startIsh;
  let iva = plan.hasIva ? roundTo(base.plus(ieps).times(plan.iva), d) : ZERO;
  let baseAdjusted = false;
  for (let step = 0; step < MAX_STEPS; step++) {
    const residual = importe.minus(base).minus(ieps).minus(iva).minus(ish);
    if (residual.isZero()) return parts(base, ieps, iva, ish, baseAdjusted);
    const up = residual.isPositive();
    if (plan.hasIva) {
      // Moving IVA unit by unit until its limit is one clamp.
      const target = iva.plus(residual);
      const ivaBase = base.plus(ieps);
      const next = up
        ? Money.min(target, upperLimit(plan, ivaBase, plan.iva))
        : Money.max(target, lowerLimit(plan, ivaBase, plan.iva), ZERO);
      if (!next.eq(iva)) {
        iva = next;
        continue;
      }
    }
    if (plan.hasIeps) {
      const next = up ? ieps.plus(unit) : ieps.minus(unit);
      // IEPS is part of the IVA base, so the IVA must stay inside the window of the moved base too.
      if (
        !next.isNegative() &&
        inWindow(plan, next, base, plan.ieps) &&
        (!plan.hasIva || inWindow(plan, iva, base.plus(next), plan.iva))
      ) {
        ieps = next;
        continue;
      }
    }
    if (plan.hasIsh) {
      const next = up ? ish.plus(unit) : ish.minus(unit);
      if (!next.isNegative() && inWindow(plan, next, base, plan.ish)) {
        ish = next;
        continue;
      }
    }
    base = up ? base.plus(unit) : base.minus(unit);
    baseAdjusted = true;
    ieps = plan.hasIeps ? roundTo(base.times(plan.ieps), d) : ZERO;
    ish = plan.hasIsh ? roundTo(base.times(plan.ish), d) : ZERO;
    iva = plan.hasIva ? roundTo(base.plus(ieps).times(plan.iva), d) : ZERO;
  }
  throw new CfdiLayoutError(
    'BACK_CALCULATION_FAILED',
    `importe ${importe.toString()} could not be reconciled`,
  );
}

/**
 * ISH on a coarser grid than the currency (implocal's 2 decimals with KWD or CLF): a unit walk cannot
 * move it, so it is fixed first as its share of the gross amount, roundHalfUp(I × ish / F) at its
 * decimals, and the federal split reconciles the rest. That ISH is within (1 + ish/F_federal) half
 * grid steps of B × ish, hence floor or ceil of it for any ISH rate below ~90 %: inside its window.
 */
function splitCoarseIsh(
  plan: Plan,
  federal: Plan,
  importe: Money,
  startBase: Money | undefined,
): DesgloseParts {
  const ish = roundTo(importe.times(plan.ishShare), plan.ishDecimals);
  const rest = split(federal, importe.minus(ish), startBase);
  const { lower, upper } = taxWindowOf(rest.base, plan.d, plan.ish, plan.ishDecimals);
  if (ish.gte(lower) && ish.lte(upper)) return parts(rest.base, rest.ieps, rest.iva, ish, rest.baseAdjusted);
  throw new CfdiLayoutError(
    'BACK_CALCULATION_FAILED',
    `importe ${importe.toString()}: ISH at ${plan.ishDecimals} decimals does not fit its base`,
  );
}

/*
 * The same split on scaled integers (money.ts), for the plans batches meet most: IVA and ISH without
 * IEPS, the ISH on the currency's grid, rates of at most 100 %. With S = 10^6, the rates r·S and
 * F·S = S + iva·S + ish·S are integers (IVA has at most 6 decimals as a fraction, ISH 4), and for an
 * importe of I units
 *
 *   B = roundHalfUp(I·S / (F·S)) = ⌊(2·I·S + F·S) / (2·F·S)⌋,   ISH = ⌊(2·B·ish·S + S) / (2·S)⌋,
 *
 * the values `split` computes on decimals. The one-tax and IVA-takes-the-residual cases end there as
 * they do in `split`; every other case (the walk) goes to `split`. Every product stays below
 * 2·I·S + F·S, a safe integer for I ≤ MAX_FAST_UNITS.
 */
const S = 1_000_000;
const MAX_FAST_UNITS = Math.floor((Number.MAX_SAFE_INTEGER - 4 * S) / (2 * S));

interface UnitPlan {
  readonly iva: number;
  readonly ish: number;
  readonly factor: number;
  readonly hasIva: boolean;
  readonly hasIsh: boolean;
}

/** The scaled-integer form of a plan, or undefined when it has IEPS, coarse ISH or a rate above 100 %. */
function unitPlan(plan: Plan): UnitPlan | undefined {
  if (plan.hasIeps || plan.federal !== undefined) return undefined;
  const iva = plan.iva.times(S);
  const ish = plan.ish.times(S);
  if (!iva.isInteger() || !ish.isInteger() || iva.gt(S) || ish.gt(S)) return undefined;
  const ivaUnits = iva.toNumber();
  const ishUnits = ish.toNumber();
  return {
    iva: ivaUnits,
    ish: ishUnits,
    factor: S + ivaUnits + ishUnits,
    hasIva: plan.hasIva,
    hasIsh: plan.hasIsh,
  };
}

/** Base, IVA and ISH in units, or undefined when the split needs the walk (left to `split`). */
function splitUnits(plan: UnitPlan, importe: number): [number, number, number] | undefined {
  const base = floorDiv(2 * importe * S + plan.factor, 2 * plan.factor);
  if (!plan.hasIsh) return plan.hasIva ? [base, importe - base, 0] : [importe, 0, 0];
  if (!plan.hasIva) return [base, 0, importe - base];
  const ish = floorDiv(2 * base * plan.ish + S, 2 * S);
  const rest = importe - base - ish;
  // split's gap test, B × iva − rest strictly within one unit, times S.
  const gap = base * plan.iva - rest * S;
  return gap < S && gap > -S ? [base, rest, ish] : undefined;
}

/** True when `text` already is the canonical writing with `decimals` places (no leading zeros). */
function isCanonical(text: string, decimals: number): boolean {
  const dot = text.indexOf('.');
  const written = dot < 0 ? 0 : text.length - dot - 1;
  if (written !== decimals) return false;
  const integerDigits = dot < 0 ? text.length : dot;
  return text.charCodeAt(0) !== 48 || integerDigits === 1;
}

function build(options: DesgloseOptions): PreparedDesglose {
  const moneda = options.moneda ?? 'MXN';
  const d = currencyDecimals(moneda);
  const ivaText = options.iva ?? '16';
  const ivaExento = EXENTO.test(ivaText);
  const iva = ivaExento ? ZERO : percent(ivaText, 'iva', 4);
  const ieps = percent(options.ieps ?? '0', 'ieps', 4);
  const ish = percent(options.ish ?? '0', 'ish', 2);
  const wanted = options.ishDecimals ?? d;
  if (!Number.isInteger(wanted) || wanted < 0) {
    throw new CfdiLayoutError('AMOUNT_INVALID', `ishDecimals must be a non-negative integer, got ${wanted}`);
  }
  const plan = buildPlan(d, iva, ieps, ish, Math.min(wanted, d));
  const fast = unitPlan(plan);
  const zero = formatAmount(ZERO, d);
  const location = { location: { field: 'importe' } };

  function runUnits(importe: string, units: number, split: [number, number, number]): DesgloseResult {
    const written = isCanonical(importe, d) ? importe : formatUnits(units, d);
    const subtotal = formatUnits(split[0], d);
    return {
      importe: written,
      subtotal,
      iva: plan.hasIva ? formatUnits(split[1], d) : zero,
      ieps: zero,
      ish: plan.hasIsh ? formatUnits(split[2], d) : zero,
      total: written,
      moneda,
      ivaExento,
      ivaBase: subtotal,
      iepsBase: subtotal,
      ishBase: subtotal,
    };
  }

  function run(importe: string): DesgloseResult {
    if (fast !== undefined) {
      const units = unitsOf(importe, d);
      if (units !== undefined && units <= MAX_FAST_UNITS) {
        const split = splitUnits(fast, units);
        if (split !== undefined) return runUnits(importe, units, split);
      }
    }
    const value = parseAmount(importe, location.location);
    if (value.decimalPlaces() > d) {
      throw new CfdiLayoutError(
        'AMOUNT_TOO_MANY_DECIMALS',
        `importe ${JSON.stringify(importe)} has more decimals than ${moneda} allows (${d})`,
        location,
      );
    }
    if (value.gte(IMPORTE_LIMIT)) {
      throw new CfdiLayoutError(
        'AMOUNT_INVALID',
        `importe ${JSON.stringify(importe)} exceeds t_Importe's 18 integer digits`,
        location,
      );
    }
    const p = split(plan, value, undefined);
    const written = isCanonical(importe, d) ? importe : formatExact(value, d);
    const subtotal = formatExact(p.base, d);
    return {
      importe: written,
      subtotal,
      iva: plan.hasIva ? formatExact(p.iva, d) : zero,
      ieps: plan.hasIeps ? formatExact(p.ieps, d) : zero,
      ish: plan.hasIsh ? formatExact(p.ish, d) : zero,
      total: written,
      moneda,
      ivaExento,
      ivaBase: plan.hasIeps ? formatExact(p.base.plus(p.ieps), d) : subtotal,
      iepsBase: subtotal,
      ishBase: subtotal,
    };
  }

  return {
    moneda,
    decimals: d,
    ishDecimals: plan.ishDecimals,
    ivaExento,
    ivaTasa: ivaExento ? undefined : formatTasa(iva),
    iepsTasa: plan.hasIeps ? formatTasa(ieps) : undefined,
    ishTasa: plan.hasIsh ? formatAmount(ish.times(100), 2) : undefined,
    desglose: run,
    split: (importe, startBase) => split(plan, importe, startBase),
  };
}

const PREPARED = new Map<string, PreparedDesglose>();
/** The options `prepareDesglose` last answered, as given, and what it answered. */
let lastPrepared:
  | {
      readonly moneda: string | undefined;
      readonly iva: string | undefined;
      readonly ieps: string | undefined;
      readonly ish: string | undefined;
      readonly ishDecimals: number | undefined;
      readonly prepared: PreparedDesglose;
    }
  | undefined;
/** Distinct rate mixes kept; a batch uses a handful, so the cache is simply reset when full. */
const PREPARED_LIMIT = 256;

/**
 * Parses the rates of a desglose once (cached by their text) and returns an object that splits
 * importes with no per-call work beyond the arithmetic: the entry point for batches and benchmarks.
 * Throws `RATE_INVALID` for a rate that is not a percentage (IVA and IEPS with at most 4 decimals, so
 * the TasaOCuota fits its 6; ISH with at most 2, implocal's TasadeTraslado) and `CURRENCY_UNKNOWN`
 * for a code not in c_Moneda.
 */
export function prepareDesglose(options: DesgloseOptions = {}): PreparedDesglose {
  // The lines of a batch mostly repeat one rate mix: the last one is answered without a key string.
  const last = lastPrepared;
  if (
    last !== undefined &&
    last.moneda === options.moneda &&
    last.iva === options.iva &&
    last.ieps === options.ieps &&
    last.ish === options.ish &&
    last.ishDecimals === options.ishDecimals
  ) {
    return last.prepared;
  }
  const key = `${options.moneda ?? 'MXN'}|${options.iva ?? '16'}|${options.ieps ?? '0'}|${options.ish ?? '0'}|${options.ishDecimals ?? ''}`;
  let prepared = PREPARED.get(key);
  if (prepared === undefined) {
    prepared = build(options);
    if (PREPARED.size >= PREPARED_LIMIT) PREPARED.clear();
    PREPARED.set(key, prepared);
  }
  lastPrepared = {
    moneda: options.moneda,
    iva: options.iva,
    ieps: options.ieps,
    ish: options.ish,
    ishDecimals: options.ishDecimals,
    prepared,
  };
  return prepared;
}

/**
 * Splits a tax-included importe into subtotal, IEPS, IVA and ISH that add up to it exactly, each tax
 * inside its SAT window (rules doc C.3, A.4). Rates are percentages as the seeds write them; parsed
 * rates are cached by their text. Importe 0 gives all zeros. Throws `AMOUNT_INVALID`,
 * `AMOUNT_NEGATIVE`, `AMOUNT_TOO_MANY_DECIMALS` (more significant decimals than the currency;
 * trailing zeros are fine), `RATE_INVALID` or `CURRENCY_UNKNOWN`.
 */
export function desglose(input: DesgloseInput): DesgloseResult {
  return prepareDesglose(input).desglose(input.importe);
}
