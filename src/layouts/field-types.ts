import type { NormalizedLayoutDefinition } from './definition.js';

/*
 * Field types compiled into plain functions: one checker and two converters per field, chosen once
 * when the layout is compiled. Checks walk character codes instead of building regular expressions,
 * because they run once per value on files of a hundred thousand lines.
 */

type NormalizedField = NormalizedLayoutDefinition['records'][number]['fields'][number];

/** A value that breaks its field's declaration: which issue code, and why. */
export interface FieldProblem {
  readonly code: 'LAYOUT_FIELD_TYPE' | 'LAYOUT_FIELD_LENGTH' | 'LAYOUT_FIELD_VALUE';
  readonly message: string;
}

/** The compiled behaviour of one field's type. */
export interface FieldCodec {
  /** Why a non-empty layout value breaks the field's type, length or value map; `undefined` when it is fine. */
  check(value: string): FieldProblem | undefined;
  /** Layout value → model value (compact dates become ISO, mapped values become model codes). */
  toModel(value: string): string;
  /** Model value → layout value, or `undefined` when the model value cannot be written in this type. */
  toLayout(value: string): string | undefined;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function digitsAt(value: string, from: number, count: number): boolean {
  if (from + count > value.length) return false;
  for (let i = from; i < from + count; i++) if (!isDigit(value.charCodeAt(i))) return false;
  return true;
}

function numberAt(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (value.charCodeAt(i) - 48);
  return n;
}

/** Fraction digits of a valid decimal, or -1 when `value` is not `-?digits(.digits)?`. */
function decimalShape(value: string, signed: boolean): number {
  let i = 0;
  if (signed && value.charCodeAt(0) === 45) i = 1;
  const intStart = i;
  while (i < value.length && isDigit(value.charCodeAt(i))) i++;
  if (i === intStart) return -1;
  if (i === value.length) return 0;
  if (value.charCodeAt(i) !== 46) return -1;
  const fracStart = ++i;
  while (i < value.length && isDigit(value.charCodeAt(i))) i++;
  if (i !== value.length || i === fracStart) return -1;
  return i - fracStart;
}

function validDate(value: string, at: number, compact: boolean): boolean {
  // YYYY-MM-DD or YYYYMMDD starting at `at`.
  const sep = compact ? 0 : 1;
  if (!digitsAt(value, at, 4) || !digitsAt(value, at + 4 + sep, 2) || !digitsAt(value, at + 6 + 2 * sep, 2))
    return false;
  if (!compact && (value[at + 4] !== '-' || value[at + 7] !== '-')) return false;
  const month = numberAt(value, at + 4 + sep, 2);
  const day = numberAt(value, at + 6 + 2 * sep, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function validTime(value: string, at: number): boolean {
  if (!digitsAt(value, at, 2) || !digitsAt(value, at + 3, 2) || !digitsAt(value, at + 6, 2)) return false;
  if (value[at + 2] !== ':' || value[at + 5] !== ':') return false;
  return numberAt(value, at, 2) <= 23 && numberAt(value, at + 3, 2) <= 59 && numberAt(value, at + 6, 2) <= 59;
}

const ISO_DATE_LENGTH = 10;
const COMPACT_DATE_LENGTH = 8;

function isIsoDate(value: string): boolean {
  return value.length === ISO_DATE_LENGTH && validDate(value, 0, false);
}

function isCompactDate(value: string): boolean {
  return value.length === COMPACT_DATE_LENGTH && validDate(value, 0, true);
}

function isIsoDateTime(value: string): boolean {
  return value.length === 19 && validDate(value, 0, false) && value[10] === 'T' && validTime(value, 11);
}

function isCompactDateTime(value: string): boolean {
  return value.length === 17 && validDate(value, 0, true) && value[8] === 'T' && validTime(value, 9);
}

function isCatalogCode(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!(isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return value.length > 0;
}

/** Characters (code points) in `value`; UTF-16 length is an upper bound, so most values never loop. */
function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Compiles the type, length and value map of one field. */
export function makeFieldCodec(field: NormalizedField): FieldCodec {
  const { type } = field;
  const compact = field.format === 'compact';
  const signed = field.signed === true;
  const maxDecimals = field.decimals;

  let checkType: (value: string) => string | undefined;
  let fromLayout: (value: string) => string = (v) => v;
  let intoLayout: (value: string) => string | undefined = (v) => v;

  switch (type) {
    case 'decimal':
      checkType = (v) => {
        const decimals = decimalShape(v, signed);
        if (decimals < 0)
          return `${signed ? 'a' : 'a non-negative'} decimal number written with digits and a point`;
        if (maxDecimals !== undefined && decimals > maxDecimals)
          return `a decimal with at most ${maxDecimals} decimals`;
        return undefined;
      };
      break;
    case 'integer':
      checkType = (v) =>
        decimalShape(v, signed) === 0 ? undefined : `${signed ? 'an' : 'a non-negative'} integer`;
      break;
    case 'date':
      if (compact) {
        checkType = (v) => (isCompactDate(v) ? undefined : 'a date written YYYYMMDD');
        fromLayout = (v) => (isCompactDate(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : v);
        intoLayout = (v) => (isIsoDate(v) ? `${v.slice(0, 4)}${v.slice(5, 7)}${v.slice(8, 10)}` : undefined);
      } else {
        checkType = (v) => (isIsoDate(v) ? undefined : 'a date written YYYY-MM-DD');
        intoLayout = (v) => (isIsoDate(v) ? v : undefined);
      }
      break;
    case 'datetime':
      if (compact) {
        checkType = (v) => (isCompactDateTime(v) ? undefined : 'a date and time written YYYYMMDDTHH:MM:SS');
        fromLayout = (v) =>
          isCompactDateTime(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}${v.slice(8)}` : v;
        intoLayout = (v) =>
          isIsoDateTime(v) ? `${v.slice(0, 4)}${v.slice(5, 7)}${v.slice(8, 10)}${v.slice(10)}` : undefined;
      } else {
        checkType = (v) => (isIsoDateTime(v) ? undefined : 'a date and time written YYYY-MM-DDTHH:MM:SS');
        intoLayout = (v) => (isIsoDateTime(v) ? v : undefined);
      }
      break;
    case 'catalog':
      checkType = (v) =>
        isCatalogCode(v)
          ? undefined
          : `a catalog code${field.catalog === undefined ? '' : ` of ${field.catalog}`} (letters and digits)`;
      break;
    default:
      checkType = () => undefined;
  }

  const valueMap = field.valueMap;
  let toModelMap: ReadonlyMap<string, string> | undefined;
  let toLayoutMap: ReadonlyMap<string, string> | undefined;
  if (valueMap !== undefined) {
    const forward = new Map<string, string>();
    const backward = new Map<string, string>();
    for (const [layoutValue, modelValue] of Object.entries(valueMap)) {
      forward.set(layoutValue, modelValue);
      if (!backward.has(modelValue)) backward.set(modelValue, layoutValue);
    }
    toModelMap = forward;
    toLayoutMap = backward;
  }

  const { minLength, maxLength } = field;
  const check = (value: string): FieldProblem | undefined => {
    if (toModelMap !== undefined && !toModelMap.has(value)) {
      return {
        code: 'LAYOUT_FIELD_VALUE',
        message: `expected one of ${[...toModelMap.keys()].map((k) => JSON.stringify(k)).join(', ')}`,
      };
    }
    const typeProblem = checkType(value);
    if (typeProblem !== undefined) return { code: 'LAYOUT_FIELD_TYPE', message: `expected ${typeProblem}` };
    if (maxLength !== undefined && value.length > maxLength) {
      const length = codePoints(value);
      if (length > maxLength) {
        return { code: 'LAYOUT_FIELD_LENGTH', message: `${length} characters, at most ${maxLength} allowed` };
      }
    }
    if (minLength !== undefined && value.length < minLength * 2) {
      const length = codePoints(value);
      if (length < minLength) {
        return {
          code: 'LAYOUT_FIELD_LENGTH',
          message: `${length} characters, at least ${minLength} required`,
        };
      }
    }
    return undefined;
  };

  const toModel =
    toModelMap === undefined ? fromLayout : (value: string) => toModelMap.get(value) ?? fromLayout(value);
  const toLayout =
    toLayoutMap === undefined
      ? intoLayout
      : (value: string) => {
          const mapped = toLayoutMap.get(value);
          return mapped === undefined ? undefined : mapped;
        };
  return { check, toModel, toLayout };
}
