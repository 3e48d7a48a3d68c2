import { z } from 'zod';
import { error, type Issue } from '../issues.js';
import { amountFromJson, fitsJsonNumber, JSON_NUMBER_DIGITS } from '../money.js';

/** Issue code of an input item that is not what the operation sends. */
export const ITEM_INVALID = 'ITEM_INVALID';

/** An amount given in JSON, a string or an exact number, normalised to its decimal string. */
export const JsonAmount = z
  .union([z.string(), z.number()], {
    error: 'expected an amount: a decimal string ("12.36") or an exact JSON number',
  })
  .transform((value, ctx) => {
    try {
      return amountFromJson(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
      return z.NEVER;
    }
  });

/**
 * An amount the request carries as a JSON number only (Tralix's monto, seed 000): a {@link JsonAmount}
 * that a JSON number holds exactly, so that the provider reads the amount that was meant.
 */
export const JsonNumberAmount = JsonAmount.refine(
  fitsJsonNumber,
  `has more than ${JSON_NUMBER_DIGITS} digits, which the provider's JSON number cannot hold exactly`,
);

/** A text that may be written as a JSON number (`"folio": 55101` or `"55101"`). */
export const JsonText = z
  .union([z.string(), z.number().int().nonnegative()], { error: 'expected a text or a whole number' })
  .transform(String)
  .pipe(z.string().min(1, 'must not be empty'));

/** Items read from a JSON-lines file (or a JSON array), each with its position, and the issues of the rest. */
export interface ParsedItems<T> {
  readonly items: ReadonlyArray<{ readonly index: number; readonly value: T }>;
  readonly issues: readonly Issue[];
}

/**
 * Reads JSON lines (blank lines skipped) or one JSON array and checks each item with `schema`.
 * Index `i` is the i-th item; a bad item becomes issues under path `i` and never stops the others.
 */
export function parseJsonItems<S extends z.ZodType>(text: string, schema: S): ParsedItems<z.output<S>> {
  const raw: Array<{ index: number; line: number; value?: unknown; error?: string }> = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    try {
      const array = JSON.parse(text) as unknown;
      if (Array.isArray(array)) {
        for (const [index, value] of array.entries()) raw.push({ index, line: 0, value });
      } else raw.push({ index: 0, line: 1, error: 'expected a JSON array' });
    } catch (err) {
      raw.push({ index: 0, line: 1, error: err instanceof Error ? err.message : String(err) });
    }
  } else {
    let index = 0;
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        raw.push({ index, line: i + 1, value: JSON.parse(line) as unknown });
      } catch (err) {
        raw.push({ index, line: i + 1, error: err instanceof Error ? err.message : String(err) });
      }
      index++;
    });
  }
  const items: Array<{ index: number; value: z.output<S> }> = [];
  const issues: Issue[] = [];
  for (const r of raw) {
    const where = r.line === 0 ? `item ${r.index}` : `line ${r.line}`;
    if (r.error !== undefined) {
      issues.push(error('JSON_INVALID', [r.index], `${where} is not JSON: ${r.error}`));
      continue;
    }
    const parsed = schema.safeParse(r.value);
    if (parsed.success) items.push({ index: r.index, value: parsed.data });
    else {
      for (const issue of parsed.error.issues) {
        issues.push(
          error(
            ITEM_INVALID,
            [r.index, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
            `${where}: ${issue.message}`,
          ),
        );
      }
    }
  }
  return { items, issues };
}
