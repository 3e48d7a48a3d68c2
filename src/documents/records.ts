import type { Issue } from '../issues.js';
import {
  type CompiledLayout,
  compileLayout,
  LAYOUT_ISSUE_CODES,
  type LayoutDefinition,
  parseRecords,
  renderRecords,
} from '../layouts/index.js';
import { readRecordsJson, recordsToJson } from '../layouts/records-json.js';

/** A layout text or records JSON written, or the issues that refused it (`text` is then absent). */
export interface RecordsConversion {
  readonly text?: string;
  readonly issues: Issue[];
}

/** Layout options of the records conversions. */
export interface RecordsOptions {
  /** A layout variant (`ticket`). Defaults to the full layout. */
  readonly variant?: string | undefined;
}

/**
 * Parse findings after which a line is not in the records as it is in the text (an unknown or
 * left-out record, a blank line, a broken escape, a field count, a missing suffix, a carriage
 * return or bad bytes): records JSON of such a text could not give its bytes back, so it is refused.
 */
export const LOSSY_PARSE_CODES: ReadonlySet<string> = new Set([
  LAYOUT_ISSUE_CODES.empty,
  LAYOUT_ISSUE_CODES.encoding,
  LAYOUT_ISSUE_CODES.lineEnding,
  LAYOUT_ISSUE_CODES.recordUnknown,
  LAYOUT_ISSUE_CODES.recordNotAllowed,
  LAYOUT_ISSUE_CODES.recordSuffix,
  LAYOUT_ISSUE_CODES.escapeInvalid,
  LAYOUT_ISSUE_CODES.fieldCount,
  LAYOUT_ISSUE_CODES.valueUnrepresentable,
]);

/**
 * A layout text as records JSON: one object per line with the record id and every field by name.
 * Values that break their field (a type, a length, a required field, a computed total) are carried
 * as written, reported as warnings, so they can be fixed in the JSON; a text some line of which
 * the records cannot hold is refused.
 */
export function layoutToRecordsJson(
  layout: LayoutDefinition | CompiledLayout,
  input: string | Uint8Array,
  options: RecordsOptions = {},
): RecordsConversion {
  const parsed = parseRecords(
    compileLayout(layout),
    input,
    options.variant === undefined ? {} : { variant: options.variant },
  );
  const refused = parsed.issues.some((i) => i.severity === 'error' && LOSSY_PARSE_CODES.has(i.code));
  if (refused) return { issues: parsed.issues };
  const issues: Issue[] = parsed.issues.map((i) => ({ ...i, severity: 'warning' }));
  return { text: recordsToJson(parsed), issues };
}

/**
 * Records JSON back to the layout text: every field as given, left-out fields from their default
 * or computed value, the line endings the records name (else the definition's). Refused, with
 * issues at `records.N.field`, when a value breaks its field or the records break the structure.
 */
export function recordsJsonToLayout(
  layout: LayoutDefinition | CompiledLayout,
  input: string,
  options: RecordsOptions = {},
): RecordsConversion {
  const read = readRecordsJson(input);
  if (read.issues.some((i) => i.severity === 'error')) return { issues: read.issues };
  const rendered = renderRecords(compileLayout(layout), read.records, {
    ...(options.variant === undefined ? {} : { variant: options.variant }),
    ...(read.lineEnding === undefined ? {} : { lineEnding: read.lineEnding }),
    ...(read.finalLineEnding === undefined ? {} : { finalLineEnding: read.finalLineEnding }),
  });
  const issues: Issue[] = [...read.issues, ...rendered.issues];
  return issues.some((i) => i.severity === 'error') ? { issues } : { text: rendered.text, issues };
}
