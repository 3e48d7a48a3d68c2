import type { IssuePath } from '../issues.js';
import { type Comprobante, ComprobanteSchema } from '../model/comprobante.js';
import { Money } from '../money.js';
import { importeConLetra } from '../text/importe-con-letra.js';
import {
  type CompiledField,
  type CompiledLayout,
  type CompiledRecord,
  compileLayout,
  excludedRecords,
} from './compile.js';
import type { LayoutDefinition } from './definition.js';
import {
  codePointColumn,
  LAYOUT_ISSUE_CODES,
  type LayoutIssue,
  type LayoutLocation,
  showValue,
  textIssue,
} from './layout-issues.js';
import { decodeBytes } from './line-codec.js';
import {
  formatSegments,
  insertAt,
  isCompleteModel,
  type ModelObject,
  type PathItem,
  setAt,
} from './model-path.js';
import { makeStructureTracker } from './structure.js';

/** One line of a layout text as named fields: the record-level form, which keeps what the model has no place for. */
export interface ParsedRecord {
  /** 1-based line number. */
  readonly line: number;
  readonly id: string;
  readonly name: string;
  /** Every field of the record by name, unescaped, as written. */
  readonly fields: Record<string, string>;
  /** Model path of the node the line fills (`['conceptos', 1]`), when the layout maps the record. */
  readonly path?: IssuePath;
}

/** Options of {@link parseLayout} and {@link parseRecords}. */
export interface ParseLayoutOptions {
  /** A variant the layout declares (`ticket`); its left-out records are then refused. Defaults to the full layout. */
  readonly variant?: string;
}

/** A layout text read at record level. */
export interface ParsedRecords {
  readonly records: ParsedRecord[];
  readonly issues: LayoutIssue[];
  /** The line ending the text uses (pass it to renderRecords to keep its bytes). */
  readonly lineEnding: '\n' | '\r\n';
  /** Whether the text ends with a line ending. */
  readonly finalLineEnding: boolean;
}

/** A layout text read into the model and at record level. */
export interface ParsedLayout extends ParsedRecords {
  /** The comprobante, when the records make a complete one (`LAYOUT_MODEL_INCOMPLETE` issues say what is missing otherwise). */
  readonly comprobante?: Comprobante;
  /** The model as far as the records fill it, complete or not. */
  readonly draft: Record<string, unknown>;
  /** Where a model path (`conceptos.1.importe` or its array form) was written: the nearest line, record, field and column. */
  locate(path: IssuePath | string): LayoutLocation | undefined;
}

/** What parsing keeps beyond its results: the lines, for columns on demand. */
interface ParseState {
  readonly compiled: CompiledLayout;
  readonly excluded: ReadonlySet<number>;
  readonly lines: readonly string[];
  readonly records: ParsedRecord[];
  readonly issues: LayoutIssue[];
  readonly lineEnding: '\n' | '\r\n';
  readonly finalLineEnding: boolean;
  readonly draft: ModelObject | undefined;
}

/** Column (in characters) where field `fieldIndex` of a line starts, or where the line ends when it is missing. */
function fieldColumn(
  compiled: CompiledLayout,
  record: CompiledRecord,
  line: string,
  fieldIndex: number,
): number {
  const body = line.slice(record.prefix.length);
  const offsets = compiled.codec.offsets(body);
  const offset = offsets[fieldIndex + 1];
  return codePointColumn(line, offset === undefined ? line.length : record.prefix.length + offset);
}

/** The location of a field (or of the line, without a field) for an issue. */
function locationOf(
  compiled: CompiledLayout,
  record: CompiledRecord,
  line: string,
  lineNo: number,
  field: CompiledField | undefined,
): LayoutLocation {
  return field === undefined
    ? { line: lineNo, record: record.id, column: 1 }
    : {
        line: lineNo,
        record: record.id,
        field: field.name,
        column: fieldColumn(compiled, record, line, field.index),
      };
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

function parseText(
  compiled: CompiledLayout,
  input: string | Uint8Array,
  options: ParseLayoutOptions,
  buildModel: boolean,
): ParseState {
  const excluded = excludedRecords(compiled, options.variant, 'LAYOUT_PARSE_FAILED');
  const issues: LayoutIssue[] = [];
  const records: ParsedRecord[] = [];
  const draft: ModelObject | undefined = buildModel ? {} : undefined;
  const unplaced = { line: 1, record: '', column: 1 };

  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const decoded = decodeBytes(input, compiled.encoding);
    text = decoded.text;
    if (decoded.invalidAt !== undefined) {
      const line = lineOfOffset(text, decoded.invalidAt);
      issues.push(
        textIssue(
          LAYOUT_ISSUE_CODES.encoding,
          'error',
          { ...unplaced, line },
          undefined,
          'holds bytes that are not valid UTF-8',
        ),
      );
    }
  }
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    issues.push(
      textIssue(
        LAYOUT_ISSUE_CODES.encoding,
        'warning',
        unplaced,
        undefined,
        'starts with a byte order mark, which was skipped',
      ),
    );
  }
  const empty = (): ParseState => ({
    compiled,
    excluded,
    lines: [],
    records,
    issues,
    lineEnding: compiled.lineEnding,
    finalLineEnding: compiled.finalLineEnding,
    draft,
  });
  if (text === '') {
    issues.push(textIssue(LAYOUT_ISSUE_CODES.empty, 'error', unplaced, undefined, 'the text is empty'));
    return empty();
  }

  const lines = text.split('\n');
  let finalLineEnding = false;
  if (lines.length > 1 && lines[lines.length - 1] === '') {
    lines.pop();
    finalLineEnding = true;
  }
  // The first terminated line tells the text's line ending; a lone line keeps the definition's.
  const terminated = finalLineEnding ? lines.length : lines.length - 1;
  const crlf = terminated > 0 ? (lines[0] as string).endsWith('\r') : compiled.lineEnding === '\r\n';
  if (crlf) {
    let mixed = 0;
    for (let i = 0; i < terminated; i++) {
      const line = lines[i] as string;
      if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
      else if (mixed === 0) mixed = i + 1;
    }
    if (mixed > 0) {
      issues.push(
        textIssue(
          LAYOUT_ISSUE_CODES.lineEnding,
          'warning',
          { ...unplaced, line: mixed },
          undefined,
          'mixes \\n and \\r\\n line endings',
        ),
      );
    }
  }
  const lineEnding = crlf ? '\r\n' : '\n';
  if (terminated > 0 && lineEnding !== compiled.lineEnding) {
    issues.push(
      textIssue(
        LAYOUT_ISSUE_CODES.lineEnding,
        'warning',
        unplaced,
        undefined,
        `uses ${JSON.stringify(lineEnding)} line endings; layout ${compiled.id} writes ${JSON.stringify(compiled.lineEnding)}`,
      ),
    );
  }

  const rootItem: PathItem | undefined = draft === undefined ? undefined : { node: draft, path: [] };
  const tracker = makeStructureTracker(compiled, excluded, issues, rootItem);
  const { codec, prefixes, recordById } = compiled;
  const separator = codec.separator;
  const pending: Array<{ line: number; record: CompiledRecord; values: readonly string[] }> = [];

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    if (line === '') {
      issues.push(
        textIssue(
          LAYOUT_ISSUE_CODES.lineEnding,
          'error',
          { ...unplaced, line: lineNo },
          undefined,
          'the line is blank',
        ),
      );
      continue;
    }

    let record: CompiledRecord | undefined;
    let misprefixed: CompiledRecord | undefined;
    for (const prefix of prefixes) {
      if (!line.startsWith(prefix)) continue;
      const end = line.indexOf(separator, prefix.length);
      const candidate = recordById.get(end < 0 ? line.slice(prefix.length) : line.slice(prefix.length, end));
      if (candidate === undefined) continue;
      if (candidate.prefix === prefix) {
        record = candidate;
        break;
      }
      misprefixed ??= candidate;
    }
    if (record === undefined) {
      const shown = line.length > 20 ? `${line.slice(0, 20)}…` : line;
      issues.push(
        textIssue(
          LAYOUT_ISSUE_CODES.recordUnknown,
          'error',
          { ...unplaced, line: lineNo },
          undefined,
          misprefixed === undefined
            ? `${showValue(shown)} starts with no record id of layout ${compiled.id}`
            : `record ${misprefixed.id} (${misprefixed.name}) must start with ${JSON.stringify(misprefixed.prefix + misprefixed.id)}`,
        ),
      );
      continue;
    }
    if (excluded.has(record.index)) {
      issues.push(
        textIssue(
          LAYOUT_ISSUE_CODES.recordNotAllowed,
          'error',
          locationOf(compiled, record, line, lineNo, undefined),
          record.name,
          `variant ${options.variant ?? ''} of layout ${compiled.id} leaves this record out`,
        ),
      );
      continue;
    }

    let body = line.slice(record.prefix.length);
    if (record.suffix !== '') {
      if (codec.endsWithSuffix(body, record.suffix)) body = body.slice(0, body.length - record.suffix.length);
      else {
        issues.push(
          textIssue(
            LAYOUT_ISSUE_CODES.recordSuffix,
            'error',
            { line: lineNo, record: record.id, column: codePointColumn(line, line.length) },
            record.name,
            `the line must end with ${JSON.stringify(record.suffix)}`,
          ),
        );
      }
    }
    const split = codec.split(body);
    if (!Array.isArray(split)) {
      issues.push(
        textIssue(
          LAYOUT_ISSUE_CODES.escapeInvalid,
          'error',
          {
            line: lineNo,
            record: record.id,
            column: codePointColumn(line, record.prefix.length + split.offset),
          },
          record.name,
          split.message,
        ),
      );
      continue;
    }
    const fields = record.fields;
    const count = split.length - 1;
    let values: string[];
    if (count === fields.length) {
      split.shift();
      values = split;
    } else {
      const column =
        count > fields.length
          ? fieldColumn(compiled, record, line, fields.length)
          : codePointColumn(line, line.length);
      issues.push(
        textIssue(
          LAYOUT_ISSUE_CODES.fieldCount,
          'error',
          { line: lineNo, record: record.id, column },
          record.name,
          `${count} field${count === 1 ? '' : 's'}, record ${record.id} has ${fields.length} (${fields.map((f) => f.name).join(', ')})`,
        ),
      );
      values = new Array<string>(fields.length);
      for (let f = 0; f < fields.length; f++) values[f] = split[f + 1] ?? '';
    }

    const carriageReturn = line.indexOf('\r');
    if (carriageReturn >= 0) {
      const offsets = codec.offsets(body);
      let fieldIndex = -1;
      for (let f = 0; f < offsets.length; f++)
        if ((offsets[f] as number) + record.prefix.length <= carriageReturn) fieldIndex = f - 1;
      const field = fieldIndex >= 0 ? fields[fieldIndex] : undefined;
      issues.push(
        textIssue(
          LAYOUT_ISSUE_CODES.valueUnrepresentable,
          'error',
          {
            ...locationOf(compiled, record, line, lineNo, field),
            column: codePointColumn(line, carriageReturn),
          },
          record.name,
          'holds a carriage return inside the line, which the layout cannot carry',
        ),
      );
    }

    const parsedFields: Record<string, string> = {};
    for (const field of fields) {
      const value = values[field.index] as string;
      parsedFields[field.name] = value;
      if (value === '') {
        if (field.required) {
          issues.push(
            textIssue(
              LAYOUT_ISSUE_CODES.fieldRequired,
              'error',
              locationOf(compiled, record, line, lineNo, field),
              record.name,
              'the field is required',
            ),
          );
        }
        continue;
      }
      const problem = field.codec.check(value);
      if (problem !== undefined) {
        issues.push(
          textIssue(
            problem.code,
            'error',
            locationOf(compiled, record, line, lineNo, field),
            record.name,
            `${showValue(value)}: ${problem.message}`,
          ),
        );
      }
    }
    if (record.hasComputed) pending.push({ line: lineNo, record, values });

    const instance = tracker.add(record, lineNo, values);
    let item: PathItem | undefined;
    if (instance !== undefined && record.path !== undefined) {
      const parentItem = instance.parent?.item;
      if (parentItem !== undefined) {
        item = record.path.length === 0 ? parentItem : insertAt(parentItem, record.path);
        instance.item = item;
        for (const field of record.mappedFields) {
          const value = values[field.index] as string;
          if (value !== '' && field.path !== undefined)
            setAt(item.node, field.path, field.codec.toModel(value));
        }
      }
    }
    records.push(
      item === undefined
        ? { line: lineNo, id: record.id, name: record.name, fields: parsedFields }
        : { line: lineNo, id: record.id, name: record.name, fields: parsedFields, path: item.path },
    );
  }
  tracker.finish(lines.length);
  verifyComputed(compiled, lines, pending, tracker.recordCounts, records, issues);
  if (draft !== undefined)
    for (const constant of compiled.constants) setAt(draft, constant.segments, constant.value);
  return { compiled, excluded, lines, records, issues, lineEnding, finalLineEnding, draft };
}

const DECIMAL = /^-?\d+(?:\.\d+)?$/;

function verifyComputed(
  compiled: CompiledLayout,
  lines: readonly string[],
  pending: ReadonlyArray<{ line: number; record: CompiledRecord; values: readonly string[] }>,
  recordCounts: readonly number[],
  records: readonly ParsedRecord[],
  issues: LayoutIssue[],
): void {
  for (const { line, record, values } of pending) {
    for (const field of record.fields) {
      const computed = field.computed;
      if (computed === undefined || !field.verify) continue;
      const written = values[field.index] ?? '';
      let expected: string | undefined;
      if (computed.kind === 'lineCount') expected = String(lines.length);
      else if (computed.kind === 'recordCount') {
        const target = compiled.recordById.get(computed.record);
        expected = String(target === undefined ? 0 : (recordCounts[target.index] ?? 0));
      } else if (computed.kind === 'sum') {
        let total: Money | undefined = new Money(0);
        for (const r of records) {
          const value = r.id === computed.record ? r.fields[computed.field] : undefined;
          if (value === undefined || value === '') continue;
          // A summand that is not a number has its own type issue; no sum can be stated then.
          if (!DECIMAL.test(value)) {
            total = undefined;
            break;
          }
          total = total.plus(value);
        }
        if (total === undefined) continue;
        expected = field.decimals === undefined ? total.toFixed() : total.toFixed(field.decimals);
        // Sums compare as numbers: 450 and 450.00 are the same total.
        if (DECIMAL.test(written) && new Money(written).equals(total)) continue;
      } else {
        const amount = values[record.fieldByName.get(computed.amountField)?.index ?? -1] ?? '';
        const currency =
          computed.currencyField === undefined
            ? 'MXN'
            : values[record.fieldByName.get(computed.currencyField)?.index ?? -1] || 'MXN';
        try {
          expected = amount === '' ? '' : importeConLetra(amount, currency);
        } catch {
          expected = undefined;
        }
      }
      if (expected === undefined || expected === written) continue;
      const lineText = lines[line - 1] ?? '';
      issues.push(
        textIssue(
          LAYOUT_ISSUE_CODES.computedMismatch,
          'error',
          {
            line,
            record: record.id,
            field: field.name,
            column: fieldColumn(compiled, record, lineText, field.index),
          },
          record.name,
          `the text gives ${showValue(written)} but the ${computed.kind} of the text is ${showValue(expected)}`,
        ),
      );
    }
  }
}

/**
 * Reads a layout text at record level only: every line as named fields, with structure, type,
 * length and escaping issues located by line, record, field and column. Bytes are decoded with the
 * layout's encoding. Throws `LAYOUT_PARSE_FAILED` for an unknown variant.
 */
export function parseRecords(
  layout: LayoutDefinition | CompiledLayout,
  text: string | Uint8Array,
  options: ParseLayoutOptions = {},
): ParsedRecords {
  const state = parseText(compileLayout(layout), text, options, false);
  return {
    records: state.records,
    issues: state.issues,
    lineEnding: state.lineEnding,
    finalLineEnding: state.finalLineEnding,
  };
}

/** Model patterns (`receptor`, `conceptos[].impuestos`) the layout leaves out by declaration or variant. */
function leftOutPatterns(compiled: CompiledLayout, excluded: ReadonlySet<number>): string[] {
  const patterns = compiled.omissions.map((o) => o.pattern);
  const full = new Map<number, string>();
  for (const record of compiled.records) {
    if (record.path === undefined) continue;
    const own = formatSegments(record.path);
    const base = record.parent === undefined ? '' : (full.get(record.parent.index) ?? '');
    const joined = base === '' ? own : own === '' ? base : `${base}.${own}`;
    full.set(record.index, joined);
    if (excluded.has(record.index) && joined !== '') patterns.push(joined);
  }
  return patterns;
}

function patternOf(path: IssuePath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += '[]';
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/**
 * Reads a layout text into the CFDI model and into the record-level form at once. Issues name the
 * line, record, field and column; `locate` maps any model path back to where the text wrote it, so
 * SAT rule issues can point at lines. The comprobante is returned only when the records make a
 * complete one. Throws `LAYOUT_PARSE_FAILED` for an unknown variant.
 */
export function parseLayout(
  layout: LayoutDefinition | CompiledLayout,
  text: string | Uint8Array,
  options: ParseLayoutOptions = {},
): ParsedLayout {
  const compiled = compileLayout(layout);
  const state = parseText(compiled, text, options, true);
  const draft = state.draft ?? {};
  const locate = makeLocator(state);
  const issues = state.issues;
  let comprobante: Comprobante | undefined;
  if (state.records.length > 0) {
    const checked = isCompleteModel(draft) ? undefined : ComprobanteSchema.safeParse(draft);
    if (checked === undefined || checked.success) comprobante = draft as unknown as Comprobante;
    else {
      const leftOut = leftOutPatterns(compiled, state.excluded);
      // One issue per missing model field, not per line: a legacy file of 50,000 concepts without
      // ClaveProdServ says so once, with the first line and the count.
      const groups = new Map<string, { path: IssuePath; message: string; count: number }>();
      for (const zodIssue of checked.error.issues) {
        const path = zodIssue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        const key = `${patternOf(path)}\u0000${zodIssue.message}`;
        const group = groups.get(key);
        if (group === undefined) groups.set(key, { path, message: zodIssue.message, count: 1 });
        else group.count++;
      }
      for (const { path, message: zodMessage, count } of groups.values()) {
        const pattern = patternOf(path);
        const omitted = leftOut.some(
          (p) => pattern === p || pattern.startsWith(`${p}.`) || pattern.startsWith(`${p}[]`),
        );
        const shown = path.length === 0 ? 'the comprobante' : path.join('.');
        const more = count > 1 ? ` (and ${count - 1} more like it)` : '';
        const what = zodMessage.endsWith('received undefined')
          ? `the text gives no ${shown}${more}, which a comprobante requires`
          : `${shown}${more}: ${zodMessage}`;
        const message = `${what}${omitted ? ` (layout ${compiled.id} leaves it out)` : ''}`;
        const severity = omitted ? 'warning' : 'error';
        const location = locate(path);
        issues.push(
          location === undefined
            ? { code: LAYOUT_ISSUE_CODES.modelIncomplete, path, message, severity }
            : {
                ...textIssue(
                  LAYOUT_ISSUE_CODES.modelIncomplete,
                  severity,
                  location,
                  compiled.recordById.get(location.record)?.name,
                  message,
                ),
                path,
              },
        );
      }
    }
  }
  return {
    ...(comprobante === undefined ? {} : { comprobante }),
    draft,
    records: state.records,
    issues,
    lineEnding: state.lineEnding,
    finalLineEnding: state.finalLineEnding,
    locate,
  };
}

/** Builds the model-path → line index lazily: parsing a large file pays for it only when something is located. */
function makeLocator(state: ParseState): (path: IssuePath | string) => LayoutLocation | undefined {
  let index: Map<string, { record: ParsedRecord; field: CompiledField | undefined }> | undefined;
  const build = (): Map<string, { record: ParsedRecord; field: CompiledField | undefined }> => {
    const map = new Map<string, { record: ParsedRecord; field: CompiledField | undefined }>();
    for (const parsed of state.records) {
      if (parsed.path === undefined) continue;
      const key = parsed.path.map(String).join('\u0000');
      if (!map.has(key)) map.set(key, { record: parsed, field: undefined });
      const compiledRecord = state.compiled.recordById.get(parsed.id);
      for (const field of compiledRecord?.mappedFields ?? []) {
        const fieldKey = [...parsed.path, ...(field.path ?? []).map((s) => s.key)].map(String).join('\u0000');
        if (!map.has(fieldKey)) map.set(fieldKey, { record: parsed, field });
      }
    }
    return map;
  };
  return (path) => {
    index ??= build();
    const segments = typeof path === 'string' ? (path === '' ? [] : path.split('.')) : path.map(String);
    for (let length = segments.length; length >= 0; length--) {
      const found = index.get(segments.slice(0, length).join('\u0000'));
      if (found === undefined) continue;
      const record = state.compiled.recordById.get(found.record.id);
      const line = state.lines[found.record.line - 1] ?? '';
      if (found.field === undefined || record === undefined)
        return { line: found.record.line, record: found.record.id, column: 1 };
      return {
        line: found.record.line,
        record: found.record.id,
        field: found.field.name,
        column: fieldColumn(state.compiled, record, line, found.field.index),
      };
    }
    return undefined;
  };
}
