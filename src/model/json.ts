import type { z } from 'zod';
import { CfdiLayoutError } from '../errors.js';
import { error, type Issue } from '../issues.js';
import { type ComprobanteInput, ComprobanteInputSchema } from './comprobante.js';

/** Maps zod issues to our issues, keeping their array paths. */
export function zodIssues(
  zodError: z.ZodError,
  code: string,
  prefix: ReadonlyArray<string | number> = [],
): Issue[] {
  return zodError.issues.map((i) =>
    error(
      code,
      [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      i.code === 'unrecognized_keys'
        ? `${i.message} (the model names fields after the XSD attributes)`
        : i.message,
    ),
  );
}

/** Line and column (1-based) of a character offset in a text. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses JSON text, turning a syntax error into `JSON_INVALID` with its line and column. */
export function parseJsonText(text: string, file?: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const where = position === undefined || position === null ? {} : lineColumn(text, Number(position[1]));
    throw new CfdiLayoutError('JSON_INVALID', `not valid JSON: ${message}`, {
      cause: err,
      location: { ...(file === undefined ? {} : { file }), ...where },
    });
  }
}

/**
 * Reads a comprobante written as JSON in the model's naming. Computed amounts may be omitted;
 * amounts given as JSON numbers are accepted only when exact. Shape problems come back as
 * `MODEL_INVALID` issues with their paths instead of a document.
 */
export function readComprobanteJson(value: unknown): { input?: ComprobanteInput; issues: Issue[] } {
  const parsed = ComprobanteInputSchema.safeParse(value);
  if (parsed.success) return { input: parsed.data, issues: [] };
  return { issues: zodIssues(parsed.error, 'MODEL_INVALID') };
}
