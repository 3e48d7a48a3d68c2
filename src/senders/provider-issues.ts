import type { z } from 'zod';
import { CfdiLayoutError } from '../errors.js';
import { error, type Issue, type IssuePath } from '../issues.js';
import type { HttpResponse } from './http.js';

/** Issue code of a provider refusal whose text carries no SAT code. */
export const PROVIDER_REFUSED = 'PROVIDER_REFUSED';

/** Issue code of a natural key that exists at the provider with different data. */
export const PROVIDER_CONFLICT = 'PROVIDER_CONFLICT';

const SAT_CODE = /\bCFDI\d{5}\b/;

/** Splits `0.fecha` into `[0, 'fecha']`: numeric segments become indexes. */
export function parseDottedPath(text: string): IssuePath {
  if (text === '') return [];
  return text.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * One provider text as an issue: the SAT code when the text names one (`CFDI40108`), else
 * {@link PROVIDER_REFUSED}; the text is kept as the provider wrote it.
 */
export function issueFromText(text: string, path: IssuePath = []): Issue {
  const code = SAT_CODE.exec(text)?.[0] ?? PROVIDER_REFUSED;
  return error(code, path, text);
}

/**
 * Tralix's generation errors (seed 002): `"Error CFDI40108\n<text>.. :\n Código de error: CFDI40108"`
 * become an issue with code CFDI40108 and the text between the header and the code line.
 */
export function issueFromTralixError(text: string): Issue {
  const match = /^Error\s+(\S+)\s*\n([\s\S]*?)\s*(?::\s*)?\n\s*Código de error:\s*(\S+)\s*$/.exec(text);
  if (match === null) return issueFromText(text.trim());
  const code = match[3] ?? match[1] ?? PROVIDER_REFUSED;
  // The ".. :" before the code line is the sentence's full stop plus Tralix's separator.
  return error(code, [], (match[2] ?? '').replace(/\s+$/, '').replace(/\.\.$/, '.'));
}

/**
 * A Factura.com v4 `message`, a string or Laravel's `{ "0.fecha": ["El campo 0.fecha es requerido"] }`,
 * as issues with paths (`0.fecha`). `mapPath` rewrites a provider path (a chunk index to the input's).
 */
export function issuesFromMessage(
  message: unknown,
  mapPath: (path: IssuePath) => IssuePath = (p) => p,
): Issue[] {
  if (typeof message === 'string') return [issueFromText(message)];
  if (message !== null && typeof message === 'object' && !Array.isArray(message)) {
    const inner = (message as { message?: unknown }).message;
    if (typeof inner === 'string') return [issueFromText(inner)];
    const issues: Issue[] = [];
    for (const [key, value] of Object.entries(message)) {
      const texts = Array.isArray(value) ? value : [value];
      for (const t of texts)
        issues.push(
          issueFromText(typeof t === 'string' ? t : JSON.stringify(t), mapPath(parseDottedPath(key))),
        );
    }
    return issues;
  }
  return [issueFromText(JSON.stringify(message))];
}

/**
 * Parses a JSON answer with a zod schema (providers answer JSON even as `text/plain`, seed 000);
 * anything else is `SENDER_RESPONSE_INVALID` naming the operation and the failing path.
 */
export function parseJsonResponse<S extends z.ZodType>(
  response: HttpResponse,
  schema: S,
  operation: string,
): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(response.text);
  } catch (err) {
    throw new CfdiLayoutError(
      'SENDER_RESPONSE_INVALID',
      `${operation}: HTTP ${response.status} answer is not JSON: ${JSON.stringify(response.text.slice(0, 200))}`,
      { cause: err },
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined || first.path.length === 0 ? '' : ` at ${first.path.join('.')}`;
    throw new CfdiLayoutError(
      'SENDER_RESPONSE_INVALID',
      `${operation}: HTTP ${response.status} answer has an unexpected shape${where}: ${first?.message ?? ''}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** An answer the operation does not know, as `SENDER_RESPONSE_INVALID`. */
export function unexpectedResponse(response: HttpResponse, operation: string): CfdiLayoutError {
  return new CfdiLayoutError(
    'SENDER_RESPONSE_INVALID',
    `${operation}: unexpected HTTP ${response.status}: ${JSON.stringify(response.text.slice(0, 200))}`,
  );
}
