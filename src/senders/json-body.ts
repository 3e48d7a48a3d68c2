import { parseAmount } from '../money.js';

/**
 * An exact decimal written into a JSON body as a number literal (`"monto": 12.36`), as the seeds'
 * examples send amounts, without ever passing through a binary `number`.
 */
export class JsonNumber {
  readonly text: string;

  constructor(text: string) {
    parseAmount(text);
    this.text = text;
  }
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
