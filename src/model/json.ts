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
    // The position travels as line and column in the location; the edges print it once.
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/ at position \d+.*$/, '');
    throw new CfdiLayoutError('JSON_INVALID', `not valid JSON: ${reason}`, {
      cause: err,
      location: { ...(file === undefined ? {} : { file }), ...where },
    });
  }
}

/** A JSON number literal that cannot be taken as an exact amount, where it stood. */
export interface InexactNumber {
  readonly path: ReadonlyArray<string | number>;
  readonly literal: string;
}

const MARK = '\u0000#';
/** The same mark as it is written inside a JSON string literal. */
const MARK_IN_JSON = '\\u0000#';
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

/**
 * True when a JSON number literal survives `JSON.parse` as the number written: a plain decimal
 * (no exponent) of at most 15 significant digits, which a double holds exactly.
 */
function isExactLiteral(literal: string): boolean {
  if (!PLAIN_DECIMAL.test(literal)) return false;
  const digits = literal.replace('-', '').replace('.', '').replace(/^0+/, '');
  return digits.length <= 15;
}

/** Rewrites every number literal outside strings as a marked string, so its text survives parsing. */
function markNumbers(text: string): string {
  let out = '';
  let i = 0;
  let copied = 0;
  const n = text.length;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      // skip a string, honouring escapes
      i++;
      while (i < n && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
      continue;
    }
    if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (m !== null && m[0] !== '') {
        out += `${text.slice(copied, i)}"${MARK_IN_JSON}${m[0]}"`;
        i += m[0].length;
        copied = i;
        continue;
      }
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function unmark(value: unknown, path: Array<string | number>, inexact: InexactNumber[]): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith(MARK)) return value;
    const literal = value.slice(MARK.length);
    if (!isExactLiteral(literal)) inexact.push({ path: [...path], literal });
    return Number(literal);
  }
  if (Array.isArray(value)) return value.map((v, i) => unmark(v, [...path, i], inexact));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unmark(v, [...path, k], inexact);
    return out;
  }
  return value;
}

/**
 * Parses JSON while keeping the text of every number literal, so that a number that `JSON.parse`
 * would silently turn into a nearby double (`0.1000000000000000055511`, `1e3`,
 * `12345678901234.567`) is reported instead of accepted as an amount it is not.
 */
export function parseJsonExact(text: string, file?: string): { value: unknown; inexact: InexactNumber[] } {
  const inexact: InexactNumber[] = [];
  const value = unmark(parseJsonText(markNumbers(text), file), [], inexact);
  return { value, inexact };
}

/**
 * Reads a comprobante written as JSON in the model's naming. Computed amounts may be omitted;
 * amounts given as JSON numbers are accepted only when exact. Shape problems come back as
 * `MODEL_INVALID` issues with their paths instead of a document.
 */
export function readComprobanteJson(
  value: unknown,
  inexact: readonly InexactNumber[] = [],
): { input?: ComprobanteInput; issues: Issue[] } {
  if (inexact.length > 0) {
    return {
      issues: inexact.map((n) =>
        error(
          'AMOUNT_NOT_EXACT',
          n.path,
          `the JSON number ${n.literal} cannot be taken as an exact amount (JSON numbers are read as binary doubles): write it as a string, "${n.literal}"`,
        ),
      ),
    };
  }
  const parsed = ComprobanteInputSchema.safeParse(value);
  if (parsed.success) return { input: parsed.data, issues: [] };
  return { issues: zodIssues(parsed.error, 'MODEL_INVALID') };
}
