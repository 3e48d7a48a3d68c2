import { CfdiLayoutError } from '../errors.js';
import { formatPath, type IssuePath } from '../issues.js';
import { ExactSum, isAmountText, Money, roundTo } from '../money.js';

/*
 * Completion must not stop at the first unusable amount: a computed value that depends on garbage is
 * carried as a Blocked reason, its dependents inherit the reason, and whoever fills a field with it
 * reports COMPUTE_FAILED at that field's path (collect, don't abort; STYLE rule 10).
 */

/** Why an amount could not be computed, carried in place of the value. */
export interface Blocked {
  readonly blocked: string;
}

/** A computed amount or the reason it could not be computed. */
export type Attempt = Money | Blocked;

/** The decimals of the currency, or the reason they are unknown (a moneda not in c_Moneda). */
export type Decimals = number | Blocked;

/** Receives a field that could not be filled: its path and why. */
export type Report = (path: IssuePath, message: string) => void;

/** True when the attempt carries a reason instead of a value. */
export function isBlocked(value: Attempt): value is Blocked {
  return !(value instanceof Money);
}

/*
 * Batches sum the same few amount strings over and over (menu prices, their taxes), and parsing a
 * decimal string is most of the cost of a sum. Money values are immutable, so one parsed value can
 * be shared by every caller; the cache is dropped when full, so memory stays bounded.
 */
const parsed = new Map<string, Money>();
const PARSED_LIMIT = 10_000;

/** The amount a plain decimal string holds, or undefined when it is not one (memoized, bounded). */
export function cachedAmount(text: string): Money | undefined {
  let value = parsed.get(text);
  if (value === undefined) {
    if (!isAmountText(text)) return undefined;
    value = new Money(text);
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(text, value);
  }
  return value;
}

/** Parses a model amount, or explains (with its dotted path) why it is not one. */
export function amountAt(text: string, path: IssuePath): Attempt {
  return cachedAmount(text) ?? notAnAmount(text, path);
}

function notAnAmount(text: string, path: IssuePath): Blocked {
  return { blocked: `${formatPath(path)} ${JSON.stringify(text)} is not a decimal amount` };
}

/** Applies `f` when both attempts hold values; otherwise passes the first reason on. */
export function combine(a: Attempt, b: Attempt, f: (x: Money, y: Money) => Attempt): Attempt {
  if (isBlocked(a)) return a;
  if (isBlocked(b)) return b;
  return f(a, b);
}

/** Sums attempts; the first blocked one blocks the sum. */
export function sumAttempts(values: Iterable<Attempt>): Attempt {
  let total: Money | undefined;
  for (const v of values) {
    if (isBlocked(v)) return v;
    total = total === undefined ? v : total.plus(v);
  }
  return total ?? ZERO;
}

const ZERO = new Money(0);

/** Rounds half up to the currency's decimals, passing a reason on (rules doc A.9). */
export function roundAt(value: Attempt, decimals: Decimals): Attempt {
  if (isBlocked(value)) return value;
  if (typeof decimals !== 'number') return decimals;
  return roundTo(value, decimals);
}

/** A report that throws `COMPUTE_FAILED` with the path, for the single-object functions. */
export const throwOnBlocked: Report = (path, message) => {
  throw new CfdiLayoutError('COMPUTE_FAILED', message, { location: { path } });
};

/**
 * An exact running sum of model amounts for A.5-style totals (an {@link ExactSum}): the first amount
 * that is not a decimal blocks the sum, as in {@link sumAttempts}; its path is only built then.
 */
export class AmountSum {
  readonly #sum: ExactSum;
  #blocked: Blocked | undefined;

  constructor(scale: number) {
    this.#sum = new ExactSum(scale);
  }

  /** Adds a model amount; `path` names it if it is not a decimal. */
  add(text: string, path: () => IssuePath): void {
    if (this.#blocked === undefined && !this.#sum.add(text)) this.#blocked = notAnAmount(text, path());
  }

  /** Blocks the sum with a reason (an amount that is missing). */
  block(reason: Blocked): void {
    this.#blocked ??= reason;
  }

  /** The sum, or the reason of the first amount that blocked it. */
  get value(): Attempt {
    return this.#blocked ?? this.#sum.value;
  }
}
