import { fitsJsonNumber } from '../money.js';

/*
 * Provider bodies write amounts as JSON numbers (seed 000 `"monto": 12.36`, seed 001 `"importe": 100.00`).
 * Amounts never pass through a JS number here: a decimal string is written as the number literal it
 * already is, so `1234567890123.45` stays exact. The reader of the body parses it into a double, so
 * only amounts that fit one exactly may become a literal (fitsJsonNumber); each target refuses the
 * others, or writes them as strings where its provider takes one.
 */

/** A decimal string to be written as a JSON number literal; throws for one no JSON reader holds exactly. */
export class JsonDecimal {
  constructor(readonly text: string) {
    if (!fitsJsonNumber(text))
      throw new TypeError(`not a plain decimal a JSON number holds exactly: ${JSON.stringify(text)}`);
  }
}

/** A JSON value whose numbers may be {@link JsonDecimal}s. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonDecimal
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

/** Serializes a value like `JSON.stringify` (compact), writing each {@link JsonDecimal} as its literal. */
export function toJsonText(value: JsonValue): string {
  if (value instanceof JsonDecimal) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => toJsonText(v as JsonValue)).join(',')}]`;
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${toJsonText(v)}`);
  }
  return `{${parts.join(',')}}`;
}
