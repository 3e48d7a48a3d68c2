/**
 * Every code a {@link CfdiLayoutError} can carry. Callers branch on `code`, never on the message.
 * A test checks that every code thrown anywhere in `src/` is listed here.
 */
export const ERROR_CODES = [
  // money and amounts
  'AMOUNT_INVALID',
  'AMOUNT_NEGATIVE',
  'AMOUNT_TOO_MANY_DECIMALS',
  'AMOUNT_NOT_EXACT',
  'RATE_INVALID',
  'CURRENCY_UNKNOWN',
  'BACK_CALCULATION_FAILED',
  // model and input documents
  'MODEL_INVALID',
  'JSON_INVALID',
  'INPUT_FORMAT_UNKNOWN',
  'COMPUTE_FAILED',
  'RFC_INVALID',
  // XML
  'XML_ENCODING_NOT_UTF8',
  'XML_MALFORMED',
  'XML_DOCTYPE_FORBIDDEN',
  'XML_NOT_CFDI',
  'XML_VERSION_UNSUPPORTED',
  'XML_STRUCTURE_INVALID',
  'XML_RENDER_FAILED',
  // cadena original, CSD and sello
  'CADENA_UNSUPPORTED',
  'CSD_INVALID',
  'CSD_PASSWORD_WRONG',
  'CSD_KEY_MISMATCH',
  'CSD_NOT_CSD',
  'CSD_RFC_MISMATCH',
  'CSD_OUT_OF_VALIDITY',
  // layouts
  'LAYOUT_DEFINITION_INVALID',
  'LAYOUT_UNKNOWN',
  'LAYOUT_PARSE_FAILED',
  'LAYOUT_RENDER_FAILED',
  'LAYOUT_UNREPRESENTABLE',
  // sales exports, batches and bundles
  'CONFIG_INVALID',
  'SALES_ROW_INVALID',
  'SALES_HEADER_INVALID',
  'SALES_UNSORTED',
  'BUNDLE_FAILED',
  // senders and sandbox
  'SECRET_MISSING',
  'SECRET_INVALID',
  'SENDER_HTTP',
  'SENDER_TIMEOUT',
  'SENDER_NETWORK',
  'SENDER_RESPONSE_INVALID',
  'SENDER_INSECURE_URL',
  'SENDER_REQUEST_INVALID',
  'JOURNAL_INVALID',
  'ZIP_INVALID',
  // edges
  'USAGE',
  'IO',
] as const;

/** A stable, documented error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where an error happened, as precisely as is known (row, line, record, field, path, column). */
export interface ErrorLocation {
  readonly file?: string;
  readonly row?: number;
  readonly line?: number;
  readonly column?: number;
  readonly record?: string;
  readonly field?: string;
  readonly path?: ReadonlyArray<string | number>;
}

/** The one error class of the library: a closed code, a message, an optional location and cause. */
export class CfdiLayoutError extends Error {
  override readonly name = 'CfdiLayoutError';
  readonly code: ErrorCode;
  readonly location: ErrorLocation | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; location?: ErrorLocation } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.location = options.location;
  }
}

/** True when `value` is a {@link CfdiLayoutError}, optionally with the given code. */
export function isCfdiLayoutError(value: unknown, code?: ErrorCode): value is CfdiLayoutError {
  return value instanceof CfdiLayoutError && (code === undefined || value.code === code);
}
