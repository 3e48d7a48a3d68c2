import { z } from 'zod';
import type { Issue } from '../issues.js';
import { LAYOUT_ISSUE_CODES } from './layout-issues.js';
import type { ParsedRecords } from './parse.js';
import type { RecordInput } from './render.js';

/** The line endings a records line may name in `end`; `""` marks a last line written without one. */
const LINE_ENDS = ['\n', '\r\n', ''] as const;

/**
 * One line of a layout text in its record-level JSON form (one object per line of JSON Lines):
 * the record id, every field by name as written, and what follows the line in the text. `name` and
 * `line` are for people and ignored on the way back; a field left out takes its default or computed value.
 */
export const LayoutRecordLineSchema = z
  .object({
    id: z.string().describe('Record id, as the line starts with it (01, 05)'),
    name: z.string().optional().describe('Record name in the definition; informative'),
    line: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('1-based line number in the text read; informative'),
    fields: z
      .record(z.string(), z.string())
      .describe(
        'Every field of the record by name, unescaped; left-out fields take their default or computed value',
      ),
    end: z
      .enum(LINE_ENDS)
      .optional()
      .describe(
        'What followed the line in the text: "\\n", "\\r\\n", or "" for a last line without a line ending. Defaults to the definition\'s',
      ),
  })
  .strict();

/** One records JSON line, as {@link LayoutRecordLineSchema} reads it. */
export type LayoutRecordLine = z.infer<typeof LayoutRecordLineSchema>;

/** The JSON Schema of one records JSON line (`schemas/layout-records.schema.json`). */
export function layoutRecordLineJsonSchema(): unknown {
  return z.toJSONSchema(LayoutRecordLineSchema, { io: 'input' });
}

/**
 * Writes parsed records as JSON Lines, one object per line of the text, each with the line ending
 * that followed it, so {@link readRecordsJson} and renderRecords give the same bytes back.
 */
export function recordsToJson(parsed: ParsedRecords): string {
  const last = parsed.records.length - 1;
  let out = '';
  parsed.records.forEach((record, index) => {
    const end = index < last || parsed.finalLineEnding ? parsed.lineEnding : '';
    const line: LayoutRecordLine = {
      id: record.id,
      name: record.name,
      line: record.line,
      fields: record.fields,
      end,
    };
    out += `${JSON.stringify(line)}\n`;
  });
  return out;
}

/** Records JSON read back: the records to render and the line endings they name. */
export interface RecordsJsonRead {
  readonly records: RecordInput[];
  readonly issues: Issue[];
  /** The line ending the records name, when they name one. */
  readonly lineEnding?: '\n' | '\r\n';
  /** Whether the last record ends with a line ending, when it says. */
  readonly finalLineEnding?: boolean;
}

/**
 * Reads records JSON Lines (blank lines skipped). Each line that is not a records object is an
 * error issue at `records.N` naming its line; records naming different line endings are refused,
 * because a layout text has one.
 */
export function readRecordsJson(text: string): RecordsJsonRead {
  const records: RecordInput[] = [];
  const issues: Issue[] = [];
  const ends: Array<{ end: '\n' | '\r\n' | ''; line: number }> = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const source = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (source.trim() === '') return;
    const path = ['records', records.length];
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (err) {
      issues.push({
        code: LAYOUT_ISSUE_CODES.recordUnknown,
        path,
        message: `JSON line ${i + 1} is not JSON: ${err instanceof Error ? err.message : String(err)}`,
        severity: 'error',
      });
      return;
    }
    const checked = LayoutRecordLineSchema.safeParse(value);
    if (!checked.success) {
      for (const zodIssue of checked.error.issues) {
        issues.push({
          code: LAYOUT_ISSUE_CODES.recordUnknown,
          path: [...path, ...zodIssue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
          message: `JSON line ${i + 1}: ${zodIssue.path.length === 0 ? '' : `${zodIssue.path.join('.')}: `}${zodIssue.message}`,
          severity: 'error',
        });
      }
      return;
    }
    records.push({ id: checked.data.id, fields: checked.data.fields });
    if (checked.data.end !== undefined) ends.push({ end: checked.data.end, line: i + 1 });
  });
  if (records.length === 0 && issues.length === 0) {
    issues.push({
      code: LAYOUT_ISSUE_CODES.empty,
      path: ['records'],
      message: 'the records JSON holds no record',
      severity: 'error',
    });
  }
  const lastEnd = ends.length > 0 && ends.length === records.length ? ends[ends.length - 1] : undefined;
  let lineEnding: '\n' | '\r\n' | undefined;
  for (const [k, { end, line }] of ends.entries()) {
    // The last line's end says only whether the text ends with a line ending.
    if (end === '' && k === ends.length - 1 && lastEnd !== undefined) continue;
    if (end === '') {
      issues.push({
        code: LAYOUT_ISSUE_CODES.lineEnding,
        path: ['records'],
        message: `JSON line ${line}: only the last record can end without a line ending`,
        severity: 'error',
      });
      continue;
    }
    if (lineEnding === undefined) lineEnding = end;
    else if (end !== lineEnding) {
      issues.push({
        code: LAYOUT_ISSUE_CODES.lineEnding,
        path: ['records'],
        message: `JSON line ${line}: ends with ${JSON.stringify(end)}, an earlier record with ${JSON.stringify(lineEnding)}; a layout text has one line ending`,
        severity: 'error',
      });
    }
  }
  return {
    records,
    issues,
    ...(lineEnding === undefined ? {} : { lineEnding }),
    ...(lastEnd === undefined ? {} : { finalLineEnding: lastEnd.end !== '' }),
  };
}
