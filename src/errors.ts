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

/**
 * What a thrown error says is wrong, which sets the CLI's exit code (DESIGN.md): `domain` is 1,
 * the data itself (a document, a row, a CSD that cannot seal it); `usage` is 2, what the command
 * line, the config file or the environment gave; `io` is 2, reading, writing or reaching a
 * provider. Codes that documents and data lines report as issues are classed by where they are
 * thrown whole instead.
 */
export type ErrorClass = 'domain' | 'usage' | 'io';

/** The {@link ErrorClass} of every code. */
export const ERROR_CLASSES: Readonly<Record<ErrorCode, ErrorClass>> = {
  // Thrown whole only for one value given on the command line (desglose IMPORTE, --iva, --moneda);
  // an amount inside a document or a data line is an issue of that document or line (exit 1).
  AMOUNT_INVALID: 'usage',
  AMOUNT_NEGATIVE: 'usage',
  AMOUNT_TOO_MANY_DECIMALS: 'usage',
  AMOUNT_NOT_EXACT: 'usage',
  RATE_INVALID: 'usage',
  CURRENCY_UNKNOWN: 'usage',
  BACK_CALCULATION_FAILED: 'domain',
  MODEL_INVALID: 'domain',
  JSON_INVALID: 'domain',
  INPUT_FORMAT_UNKNOWN: 'domain',
  COMPUTE_FAILED: 'domain',
  RFC_INVALID: 'domain',
  XML_ENCODING_NOT_UTF8: 'domain',
  XML_MALFORMED: 'domain',
  XML_DOCTYPE_FORBIDDEN: 'domain',
  XML_NOT_CFDI: 'domain',
  XML_VERSION_UNSUPPORTED: 'domain',
  XML_STRUCTURE_INVALID: 'domain',
  XML_RENDER_FAILED: 'domain',
  CADENA_UNSUPPORTED: 'domain',
  // The CSD is the SAT's credential for the emisor, read fine but unfit to seal: a .key that
  // refuses a well-formed password is the offline twin of a provider refusing a password (exit 1);
  // a missing or malformed password is SECRET_MISSING / SECRET_INVALID (usage).
  CSD_INVALID: 'domain',
  CSD_PASSWORD_WRONG: 'domain',
  CSD_KEY_MISMATCH: 'domain',
  CSD_NOT_CSD: 'domain',
  CSD_RFC_MISMATCH: 'domain',
  CSD_OUT_OF_VALIDITY: 'domain',
  // A layout definition and its variants and parameters are how the command is set up.
  LAYOUT_DEFINITION_INVALID: 'usage',
  LAYOUT_UNKNOWN: 'usage',
  LAYOUT_PARSE_FAILED: 'usage',
  LAYOUT_RENDER_FAILED: 'usage',
  LAYOUT_UNREPRESENTABLE: 'domain',
  CONFIG_INVALID: 'usage',
  SALES_ROW_INVALID: 'domain',
  // A header the config's column mapping does not fit, and an export not sorted as promised, stop
  // the run before any row is judged: the setup is fixed, not a row.
  SALES_HEADER_INVALID: 'usage',
  SALES_UNSORTED: 'usage',
  BUNDLE_FAILED: 'io',
  SECRET_MISSING: 'usage',
  SECRET_INVALID: 'usage',
  // A provider's refusal is an outcome (exit 1), not a thrown error; what is thrown failed on the way.
  SENDER_HTTP: 'io',
  SENDER_TIMEOUT: 'io',
  SENDER_NETWORK: 'io',
  SENDER_RESPONSE_INVALID: 'io',
  SENDER_INSECURE_URL: 'usage',
  SENDER_REQUEST_INVALID: 'usage',
  JOURNAL_INVALID: 'io',
  ZIP_INVALID: 'domain',
  USAGE: 'usage',
  IO: 'io',
};

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
