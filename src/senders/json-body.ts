import { CfdiLayoutError } from '../errors.js';
import { fitsJsonNumber, JSON_NUMBER_DIGITS, parseAmount } from '../money.js';

/**
 * An exact decimal written into a JSON body as a number literal (`"monto": 12.36`), as the seeds'
 * examples send amounts, without ever passing through a binary `number`. Throws `AMOUNT_NOT_EXACT`
 * for an amount the provider's JSON reader could not hold exactly (see `fitsJsonNumber`).
 */
export class JsonNumber {
  readonly text: string;

  constructor(text: string) {
    parseAmount(text);
    if (!fitsJsonNumber(text)) {
      throw new CfdiLayoutError(
        'AMOUNT_NOT_EXACT',
        `${text} has more than ${JSON_NUMBER_DIGITS} digits: a JSON reader would not take it back exactly`,
      );
    }
    this.text = text;
  }
}

/** An amount as a JSON number when one holds it exactly, else as its decimal string (for fields that take both). */
export function jsonNumberOrString(text: string): JsonNumber | string {
  return fitsJsonNumber(text) ? new JsonNumber(text) : text;
}

const MARK = '\u0000jsonnumber:';

/** `JSON.stringify` that writes every {@link JsonNumber} as its exact literal. */
export function stringifyJson(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) =>
    v instanceof JsonNumber ? `${MARK}${v.text}` : v,
  );
  // The marker starts with NUL, which JSON.stringify always escapes, so no user string can forge it.
  return json.replace(/"\\u0000jsonnumber:([0-9.]+)"/g, '$1');
}
