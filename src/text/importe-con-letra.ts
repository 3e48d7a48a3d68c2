import { currencyDecimals } from '../catalogs/moneda.js';
import { CfdiLayoutError } from '../errors.js';
import { parseAmount, roundTo } from '../money.js';

/*
 * Amounts in words as Mexican representaciones impresas print them (rules doc D). The words are
 * built from the amount's digit string, three or six digits at a time; the small numbers that index
 * the word tables are never money, which stays a decimal string throughout.
 */

/** A currency noun in singular and plural (`PESO`, `PESOS`). */
export interface CurrencyName {
  readonly singular: string;
  readonly plural: string;
}

/** Options of {@link importeConLetra}. */
export interface ImporteConLetraOptions {
  /** The currency noun. Defaults to the built-in name of the currency, or its code for the rest. */
  readonly currencyName?: CurrencyName;
  /** The text after the fraction. Defaults to `M.N.` for MXN and to the currency code otherwise. */
  readonly suffix?: string;
}

interface CurrencyWords extends CurrencyName {
  readonly suffix: string;
}

/**
 * Built-in currency names (rules doc D). Any other c_Moneda code prints as
 * `<words> <CODE> nn/100 <CODE>`: naming all 183 currencies in Spanish would need their gender too
 * (UNA LIBRA, DOSCIENTAS LIBRAS), and the code is unambiguous on a printed invoice.
 */
const CURRENCY_WORDS: Readonly<Record<string, CurrencyWords>> = Object.freeze({
  MXN: { singular: 'PESO', plural: 'PESOS', suffix: 'M.N.' },
  USD: { singular: 'DÓLAR', plural: 'DÓLARES', suffix: 'USD' },
  EUR: { singular: 'EURO', plural: 'EUROS', suffix: 'EUR' },
});

/** 0–29 are single words in Spanish, with the accents of DIECISÉIS, VEINTIDÓS, VEINTITRÉS, VEINTISÉIS. */
const UNITS = [
  'CERO',
  'UNO',
  'DOS',
  'TRES',
  'CUATRO',
  'CINCO',
  'SEIS',
  'SIETE',
  'OCHO',
  'NUEVE',
  'DIEZ',
  'ONCE',
  'DOCE',
  'TRECE',
  'CATORCE',
  'QUINCE',
  'DIECISÉIS',
  'DIECISIETE',
  'DIECIOCHO',
  'DIECINUEVE',
  'VEINTE',
  'VEINTIUNO',
  'VEINTIDÓS',
  'VEINTITRÉS',
  'VEINTICUATRO',
  'VEINTICINCO',
  'VEINTISÉIS',
  'VEINTISIETE',
  'VEINTIOCHO',
  'VEINTINUEVE',
];

const TENS = ['', '', '', 'TREINTA', 'CUARENTA', 'CINCUENTA', 'SESENTA', 'SETENTA', 'OCHENTA', 'NOVENTA'];

/** Index 1 is CIENTO; exactly 100 is CIEN, handled apart. */
const HUNDREDS = [
  '',
  'CIENTO',
  'DOSCIENTOS',
  'TRESCIENTOS',
  'CUATROCIENTOS',
  'QUINIENTOS',
  'SEISCIENTOS',
  'SETECIENTOS',
  'OCHOCIENTOS',
  'NOVECIENTOS',
];

/** Long scale (rules doc D.6): 10^6 MILLÓN, 10^12 BILLÓN; 10^9 is MIL MILLONES. */
const SCALES: readonly CurrencyName[] = [
  { singular: 'MILLÓN', plural: 'MILLONES' },
  { singular: 'BILLÓN', plural: 'BILLONES' },
];

/** t_Importe allows 18 integer digits, which BILLONES covers (up to 10^18 − 1). */
const MAX_DIGITS = 6 * (SCALES.length + 1);

/**
 * `apocope` writes the final one as UN / VEINTIÚN / … Y UN, as Spanish requires before a masculine
 * noun or MIL/MILLÓN (rules doc D.1); without it the number ends in UNO as a bare cardinal.
 */
function below100(n: number, apocope: boolean): string {
  if (n < 30) {
    if (apocope && n === 1) return 'UN';
    if (apocope && n === 21) return 'VEINTIÚN';
    return UNITS[n] ?? '';
  }
  const tens = TENS[Math.floor(n / 10)] ?? '';
  const unit = n % 10;
  if (unit === 0) return tens;
  return `${tens} Y ${apocope && unit === 1 ? 'UN' : (UNITS[unit] ?? '')}`;
}

/** 1–999. */
function below1000(n: number, apocope: boolean): string {
  if (n === 100) return 'CIEN';
  const words: string[] = [];
  if (n >= 100) words.push(HUNDREDS[Math.floor(n / 100)] ?? '');
  if (n % 100 > 0) words.push(below100(n % 100, apocope));
  return words.join(' ');
}

/** 1–999 999: thousands are MIL, never UN MIL (rules doc D.2), and take the apocope (VEINTIÚN MIL). */
function below1e6(digits: string, apocope: boolean): string {
  const thousands = Number(digits.slice(0, 3));
  const rest = Number(digits.slice(3));
  const words: string[] = [];
  if (thousands === 1) words.push('MIL');
  else if (thousands > 1) words.push(`${below1000(thousands, true)} MIL`);
  if (rest > 0) words.push(below1000(rest, apocope));
  return words.join(' ');
}

interface IntegerWords {
  readonly words: string;
  readonly endsInScale: boolean;
}

/*
 * Batches print the words of the same few totals over and over: the words of an integer are a pure
 * function of its digits, so they are memoized; the cache is dropped when full, so memory stays
 * bounded.
 */
const wordsCache = new Map<string, IntegerWords>();
const apocopeCache = new Map<string, IntegerWords>();
const WORDS_CACHE_LIMIT = 10_000;

/** below1000 of 0–999 (index 0 unused), built on first use: the bricks of every number under a million. */
const hundredsWords: string[] = [];
const hundredsApocope: string[] = [];

function wordsBelow1000(n: number, apocope: boolean): string {
  const table = apocope ? hundredsApocope : hundredsWords;
  let words = table[n];
  if (words === undefined) {
    words = below1000(n, apocope);
    table[n] = words;
  }
  return words;
}

/**
 * The words of an integer given as digits (no sign, at most MAX_DIGITS significant). Below a million
 * (six digits at most, the totals of nearly every ticket) they are put together from two memoized
 * groups of three digits, as below1e6 does; larger ones are memoized whole.
 */
function integerWords(digits: string, apocope: boolean): IntegerWords {
  if (digits.length <= 6) {
    const n = Number(digits);
    if (n === 0) return ZERO_WORDS;
    const thousands = Math.floor(n / 1000);
    const rest = n % 1000;
    let words = thousands === 0 ? '' : thousands === 1 ? 'MIL' : `${wordsBelow1000(thousands, true)} MIL`;
    if (rest > 0)
      words = words === '' ? wordsBelow1000(rest, apocope) : `${words} ${wordsBelow1000(rest, apocope)}`;
    return { words, endsInScale: false };
  }
  const cache = apocope ? apocopeCache : wordsCache;
  let hit = cache.get(digits);
  if (hit === undefined) {
    hit = computeIntegerWords(digits, apocope);
    if (cache.size >= WORDS_CACHE_LIMIT) cache.clear();
    cache.set(digits, hit);
  }
  return hit;
}

const ZERO_WORDS: IntegerWords = { words: 'CERO', endsInScale: false };

function computeIntegerWords(digits: string, apocope: boolean): IntegerWords {
  const significant = digits.replace(/^0+/, '');
  if (significant === '') return ZERO_WORDS;
  if (significant.length > MAX_DIGITS) {
    throw new CfdiLayoutError('AMOUNT_INVALID', `amounts in words go up to ${MAX_DIGITS} integer digits`);
  }
  const padded = significant.padStart(MAX_DIGITS, '0');
  const words: string[] = [];
  // Groups of six digits from the highest; group k counts units of 10^(6k).
  for (let k = SCALES.length; k >= 0; k--) {
    const group = padded.slice(MAX_DIGITS - 6 * (k + 1), MAX_DIGITS - 6 * k);
    const scale = SCALES[k - 1];
    if (Number(group) === 0) continue;
    if (scale === undefined) words.push(below1e6(group, apocope));
    else if (Number(group) === 1) words.push(`UN ${scale.singular}`);
    else words.push(`${below1e6(group, true)} ${scale.plural}`);
  }
  return { words: words.join(' '), endsInScale: significant.length > 6 && Number(padded.slice(-6)) === 0 };
}

function integerDigits(integer: string | bigint): string {
  if (typeof integer === 'bigint') {
    if (integer < 0n) throw new CfdiLayoutError('AMOUNT_NEGATIVE', 'a number in words cannot be negative');
    return integer.toString();
  }
  if (/^\d+$/.test(integer)) return integer;
  if (/^-\d+$/.test(integer))
    throw new CfdiLayoutError('AMOUNT_NEGATIVE', 'a number in words cannot be negative');
  throw new CfdiLayoutError('AMOUNT_INVALID', `${JSON.stringify(integer)} is not a whole number`);
}

/**
 * A non-negative integer in Spanish words, uppercase (`21000` → `VEINTIÚN MIL`). It ends in UNO as a
 * bare cardinal (`21` → `VEINTIUNO`); `apocope: true` ends it in UN for use before a masculine noun
 * (`VEINTIÚN`). Defaults to `apocope: false`. Throws `AMOUNT_NEGATIVE`, or `AMOUNT_INVALID` for
 * anything but digits or beyond 18 digits.
 */
export function numeroALetras(
  integer: string | bigint,
  options: { readonly apocope?: boolean } = {},
): string {
  return integerWords(integerDigits(integer), options.apocope ?? false).words;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * True when `importe` is already written the way rounding to `decimals` would write it (amounts from
 * a CFDI always are), so the words can be read off the text without a decimal round trip: a
 * canonical integer part (`0` or no leading zero), then a fraction of exactly `decimals` digits when
 * there are any.
 */
function isCanonical(importe: string, decimals: number): boolean {
  const length = importe.length;
  let i = 0;
  while (i < length && isDigit(importe.charCodeAt(i))) i++;
  if (i === 0 || (i > 1 && importe.charCodeAt(0) === 48)) return false;
  if (i === length) return decimals === 0;
  if (importe.charCodeAt(i) !== 46) return false;
  const fractionStart = ++i;
  while (i < length && isDigit(importe.charCodeAt(i))) i++;
  return i === length && i > fractionStart && length - fractionStart === decimals;
}

/**
 * An amount in words as printed on a CFDI (rules doc D): `123.45` MXN →
 * `CIENTO VEINTITRÉS PESOS 45/100 M.N.`. The amount is rounded half up to the currency's c_Moneda
 * decimals; the fraction prints as `nn/100` for two decimals, `nnn/1000` for three and so on, and is
 * left out for currencies without decimals (`1500` JPY → `MIL QUINIENTOS JPY JPY`). DE goes before
 * the noun when the words end in MILLÓN/MILLONES/BILLÓN/BILLONES; the singular noun only for an
 * integer part of exactly 1. Throws `AMOUNT_INVALID`/`AMOUNT_NEGATIVE` for a bad amount,
 * `CURRENCY_UNKNOWN` for a code outside c_Moneda, and `AMOUNT_INVALID` beyond 18 integer digits.
 */
export function importeConLetra(
  importe: string,
  moneda = 'MXN',
  options: ImporteConLetraOptions = {},
): string {
  const decimals = currencyDecimals(moneda);
  const amount = isCanonical(importe, decimals)
    ? importe
    : roundTo(parseAmount(importe), decimals).toFixed(decimals);
  const dot = amount.indexOf('.');
  const integer = dot < 0 ? amount : amount.slice(0, dot);
  const { words, endsInScale } = integerWords(integer, true);
  const builtIn = Object.hasOwn(CURRENCY_WORDS, moneda) ? CURRENCY_WORDS[moneda] : undefined;
  const name = options.currencyName ?? builtIn ?? { singular: moneda, plural: moneda };
  const suffix = options.suffix ?? builtIn?.suffix ?? moneda;
  // Words, DE, noun, fraction, suffix, one space apart (built once per total: no list to join).
  let text = endsInScale ? `${words} DE ` : `${words} `;
  text += integer === '1' ? name.singular : name.plural;
  if (decimals > 0)
    text += ` ${dot < 0 ? '' : amount.slice(dot + 1)}/${FRACTION_DENOMINATORS[decimals] ?? `1${'0'.repeat(decimals)}`}`;
  if (suffix !== '') text += ` ${suffix}`;
  return text;
}

/** `100`, `1000`, …: the denominators of the fraction for each count of decimals. */
const FRACTION_DENOMINATORS = ['1', '10', '100', '1000', '10000'];
