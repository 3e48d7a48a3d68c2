import type { Issue, IssuePath, Severity } from '../issues.js';

/**
 * Issue codes of the layout engine. Every finding about a layout text, a record or a model value the
 * layout cannot carry uses one of these; SAT rules keep their own codes (`CFDI40167`).
 */
export const LAYOUT_ISSUE_CODES = {
  /** The text is empty. */
  empty: 'LAYOUT_EMPTY',
  /** Bytes that are not valid in the layout's encoding, or a byte order mark. */
  encoding: 'LAYOUT_ENCODING',
  /** A line ending other than the definition's, or a blank line. */
  lineEnding: 'LAYOUT_LINE_ENDING',
  /** A line whose record id (and prefix) the definition does not declare. */
  recordUnknown: 'LAYOUT_RECORD_UNKNOWN',
  /** A record the chosen variant leaves out. */
  recordNotAllowed: 'LAYOUT_RECORD_NOT_ALLOWED',
  /** A line that does not end with the record suffix. */
  recordSuffix: 'LAYOUT_RECORD_SUFFIX',
  /** A record out of place: a child without its parent, a header not first, a trailer not last. */
  recordOrder: 'LAYOUT_RECORD_ORDER',
  /** Too few or too many records of one kind. */
  cardinality: 'LAYOUT_CARDINALITY',
  /** A line with more or fewer fields than its record declares. */
  fieldCount: 'LAYOUT_FIELD_COUNT',
  /** A required field left empty. */
  fieldRequired: 'LAYOUT_FIELD_REQUIRED',
  /** A value that does not match the field's type (decimal, integer, date, datetime, catalog code). */
  fieldType: 'LAYOUT_FIELD_TYPE',
  /** A value shorter or longer than the field allows. */
  fieldLength: 'LAYOUT_FIELD_LENGTH',
  /** A value outside the field's value map. */
  fieldValue: 'LAYOUT_FIELD_VALUE',
  /** A field unknown to its record (record-level input). */
  fieldUnknown: 'LAYOUT_FIELD_UNKNOWN',
  /** An escape sequence the escaping policy does not define. */
  escapeInvalid: 'LAYOUT_ESCAPE_INVALID',
  /** A value the text cannot hold: a separator or line break under `reject`, a character outside the encoding. */
  valueUnrepresentable: 'LAYOUT_VALUE_UNREPRESENTABLE',
  /** A computed field (line count, record count, sum) that does not match the text. */
  computedMismatch: 'LAYOUT_COMPUTED_MISMATCH',
  /** A computed field that could not be computed (importe con letra of a non-amount). */
  computedFailed: 'LAYOUT_COMPUTED_FAILED',
  /** A child record whose link value matches no parent record, or more than one. */
  linkUnresolved: 'LAYOUT_LINK_UNRESOLVED',
  /** Model content no record of the layout carries: other complements, addenda, nodes. */
  unsupportedContent: 'LAYOUT_UNSUPPORTED_CONTENT',
  /** Model content the layout leaves out on purpose (sello, timbre): reported, never silent. */
  valueOmitted: 'LAYOUT_VALUE_OMITTED',
  /** The records parsed do not make a complete comprobante (a required node or attribute is missing). */
  modelIncomplete: 'LAYOUT_MODEL_INCOMPLETE',
  /** The SAT rules could not run on the parsed comprobante. */
  rulesFailed: 'LAYOUT_RULES_FAILED',
} as const;

/** One of {@link LAYOUT_ISSUE_CODES}. */
export type LayoutIssueCode = (typeof LAYOUT_ISSUE_CODES)[keyof typeof LAYOUT_ISSUE_CODES];

/** Where in a layout text something is: 1-based line and column (in characters), record id and field name. */
export interface LayoutLocation {
  readonly line: number;
  readonly record: string;
  readonly field?: string;
  readonly column: number;
}

/** An {@link Issue} about a layout text, with the line, record, field and column it points at when known. */
export interface LayoutIssue extends Issue {
  readonly location?: LayoutLocation;
}

/** Counts the characters (code points) of `text` up to UTF-16 offset `end`, so columns match what editors show. */
export function codePointColumn(text: string, end: number): number {
  let column = 1;
  for (let i = 0; i < end && i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < end) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    column++;
  }
  return column;
}

/** Writes a location the way every layout message starts: `line 6, record 05 (concepto), field importe, column 47`. */
export function describeLocation(location: LayoutLocation, recordName?: string): string {
  const record = recordName === undefined ? location.record : `${location.record} (${recordName})`;
  const field = location.field === undefined ? '' : `, field ${location.field}`;
  return `line ${location.line}, record ${record}${field}, column ${location.column}`;
}

/** Builds a layout issue located in the text, its message prefixed with the location. */
export function textIssue(
  code: string,
  severity: Severity,
  location: LayoutLocation,
  recordName: string | undefined,
  message: string,
  path?: IssuePath,
): LayoutIssue {
  const issuePath: IssuePath =
    path ??
    (location.field === undefined ? ['line', location.line] : ['line', location.line, location.field]);
  return {
    code,
    path: issuePath,
    message: `${describeLocation(location, recordName)}: ${message}`,
    severity,
    location,
  };
}

/** Builds a layout issue about a model value (render), its path the model path. */
export function modelIssue(code: string, severity: Severity, path: IssuePath, message: string): LayoutIssue {
  return { code, path, message, severity };
}

/** Shows a value in a message, shortened so a 1,000-character name does not flood the output. */
export function showValue(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return JSON.stringify(shown);
}
