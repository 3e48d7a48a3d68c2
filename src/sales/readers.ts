import { type CsvError, parse } from 'csv-parse';
import { CfdiLayoutError } from '../errors.js';
import type { CanonicalColumn, ColumnSet } from './columns.js';
import { columnLookup, normalizeHeader, resolveColumns, SALES_COLUMN_SET } from './columns.js';
import type { RowIssue } from './rejects.js';

/*
 * Readers turn a byte stream into records keyed by canonical column, one per row, in input order,
 * each with its row number. They never throw on a bad row: a record that cannot be read becomes a
 * record with an issue, so its ticket is rejected and the batch goes on. Only a header without the
 * required columns stops the run (`SALES_HEADER_INVALID`), because then no row can be read.
 *
 * Row numbers are what a person finds with a spreadsheet: CSV rows count records with the header as
 * row 1 (an empty line is a row, a quoted newline is not); JSON lines count lines; a JSON array
 * counts its items from 1.
 *
 * A CSV quote that is never closed makes csv-parse read every later line as part of one field, up
 * to the end of the export. Such a record is not one row: the reader splits it back into its
 * physical lines and yields each as a malformed row of its own, keyed by the ticket its cells name
 * when split naively on the delimiter. So every ticket those lines carry is rejected by name, the
 * counts still reconcile (tickets in = written + rejected + skipped), and each reject says from
 * which line to which line the record ran and where its quote opened.
 */

/** The formats of a sales export. */
export type SalesFormat = 'csv' | 'json' | 'jsonl';

/** A CSV field delimiter the reader recognises. */
export type CsvDelimiter = ',' | ';' | '|' | '\t';

/** Options of {@link readSalesRecords}. */
export interface ReadSalesOptions {
  /** Defaults to a guess from the first character: `[` JSON array, `{` JSON lines, anything else CSV. */
  readonly format?: SalesFormat | undefined;
  /** Defaults to the candidate (`,` `;` `|` tab) found most often in the header line. */
  readonly delimiter?: CsvDelimiter | undefined;
  /** Defaults to `utf8` (a BOM is dropped). */
  readonly encoding?: 'utf8' | 'latin1' | undefined;
  /** Canonical column → the ERP's header (the config's `columns`). Defaults to none. */
  readonly columns?: Readonly<Partial<Record<CanonicalColumn, string | undefined>>> | undefined;
  /**
   * Added to every row number, for a stream that is a slice of a larger export (a parallel build's
   * ranges: the header, then rows from the middle of the file). Defaults to 0.
   */
  readonly rowOffset?: number | undefined;
  /**
   * Added to the line numbers in messages about unreadable CSV records, for a slice: the lines of
   * the export before the slice, less the lines of its repeated header. Defaults to 0.
   */
  readonly lineOffset?: number | undefined;
  /**
   * The columns to look for. Defaults to the sales export's; a record's `values` are then keyed by
   * the set's column names (the types name the sales columns).
   */
  readonly columnSet?: ColumnSet | undefined;
}

/** One row of the export: its values by canonical column (strings for CSV, any JSON value for JSON). */
export interface SalesRecord {
  readonly row: number;
  readonly values: Partial<Record<CanonicalColumn, unknown>>;
  /** Problems found while reading (malformed record, wrong field count, undecodable text). */
  readonly issues: readonly RowIssue[];
}

/** What the reader learned about the export, available once reading has started. */
export interface SalesReadInfo {
  format?: SalesFormat;
  delimiter?: CsvDelimiter;
  /** The header cells as written (CSV only). */
  header?: readonly string[];
}

const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '|', '\t'];

/** The line endings that end a CSV record (outside quotes), whichever the header uses. */
export const CSV_RECORD_DELIMITERS: readonly string[] = ['\r\n', '\n', '\r'];
const REPLACEMENT_CHAR = '\uFFFD';
/** Characters handed to the CSV parser at a time (about a hundred rows). */
const PARSE_PIECE = 8192;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** A physical line ending: CRLF, LF or CR alone, as the parser ends records. */
const LINE_BREAK = /\r\n|\r|\n/;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Decodes byte chunks to text, dropping a UTF-8 BOM; Latin-1 maps every byte to one character. */
async function* decode(
  source: AsyncIterable<Uint8Array | string>,
  encoding: 'utf8' | 'latin1',
): AsyncGenerator<string> {
  // WHATWG "latin1" is windows-1252, a superset of ISO-8859-1 in the printable range ERPs write.
  const decoder = new TextDecoder(encoding === 'latin1' ? 'latin1' : 'utf-8', { ignoreBOM: false });
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield text;
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}

/** Reads chunks until the first non-blank character is known; returns it and the chunks read. */
async function peekFirst(
  texts: AsyncIterator<string>,
): Promise<{ first: string | undefined; buffered: string[]; done: boolean }> {
  const buffered: string[] = [];
  for (;;) {
    const next = await texts.next();
    if (next.done === true) return { first: undefined, buffered, done: true };
    let text = next.value;
    if (buffered.length === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    buffered.push(text);
    const match = /\S/.exec(text);
    if (match !== null) return { first: match[0], buffered, done: false };
  }
}

/** The rest of an iterator after some chunks already taken from it. */
async function* replay(
  buffered: readonly string[],
  texts: AsyncIterator<string>,
  done: boolean,
): AsyncGenerator<string> {
  yield* buffered;
  if (done) return;
  for (;;) {
    const next = await texts.next();
    if (next.done === true) return;
    yield next.value;
  }
}

/**
 * Guesses the delimiter from the header line: the candidate found most often outside quotes;
 * a comma when none appears (a one-column header).
 */
export function guessDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch as CsvDelimiter))
      counts.set(ch as CsvDelimiter, (counts.get(ch as CsvDelimiter) ?? 0) + 1);
  }
  let best: CsvDelimiter = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = counts.get(d) ?? 0;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Where the last record of a CSV text starts: the text begins at a field boundary and is scanned as
 * csv-parse reads it with `relax_quotes` (a quote opens a quoted field only at the start of a field,
 * `""` inside one is a quote, a quote followed by anything but a delimiter or a line ending closes it
 * and is kept as text; records end at CRLF, LF or CR outside quotes).
 */
function lastRecordStart(text: string, delimiter: CsvDelimiter): number {
  const sep = delimiter.charCodeAt(0);
  let start = 0;
  /** 0 at a field start, 1 in an unquoted field, 2 in a quoted one, 3 just after a quote in one. */
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (state === 2) {
      if (c === QUOTE) state = 3;
      continue;
    }
    if (state === 3 && c === QUOTE) {
      state = 2;
      continue;
    }
    if (c === LF || c === CR) {
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      state = 0;
      start = i + 1;
    } else if (c === sep) state = 0;
    else if (c === QUOTE && state === 0) state = 2;
    else state = 1;
  }
  return start;
}

/** CR and LF characters in a text: csv-parse counts each as a line inside a quoted field. */
function lineBreakChars(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) n++;
  }
  return n;
}

/** A cell as a naive split on the delimiter leaves it, without the quotes that may surround it. */
function naiveCell(cell: string): string {
  return cell.replace(/^"/, '').replace(/"$/, '');
}

function undecodable(row: number, column: string): RowIssue {
  return {
    row,
    field: column,
    code: 'SALES_TEXT_INVALID',
    message: `${column} holds bytes that are not UTF-8; if the export is Latin-1, read it with encoding latin1`,
  };
}

/**
 * Reads a sales export (CSV with a header, a JSON array of objects, or JSON lines) from a stream of
 * bytes or text and yields one {@link SalesRecord} per row, in order. `info` is filled with the
 * detected format, delimiter and header as soon as they are known.
 */
export async function* readSalesRecords(
  source: AsyncIterable<Uint8Array | string>,
  options: ReadSalesOptions = {},
  info: SalesReadInfo = {},
): AsyncGenerator<SalesRecord> {
  const texts = decode(source, options.encoding ?? 'utf8')[Symbol.asyncIterator]();
  const { first, buffered, done } = await peekFirst(texts);
  const format: SalesFormat = options.format ?? (first === '[' ? 'json' : first === '{' ? 'jsonl' : 'csv');
  info.format = format;
  const rest = replay(buffered, texts, done);
  const renames = options.columns ?? {};
  const offset = options.rowOffset ?? 0;
  const set = options.columnSet ?? SALES_COLUMN_SET;
  if (format === 'csv')
    yield* readCsv(rest, options.delimiter, renames, info, offset, options.lineOffset ?? 0, set);
  else if (format === 'jsonl') yield* readJsonLines(rest, renames, offset, set);
  else yield* readJsonArray(rest, renames, offset, set);
}

/** Splits off the first line (up to the first CR or LF) to guess the delimiter. */
async function firstLine(
  texts: AsyncIterable<string>,
): Promise<{ line: string; chunks: string[]; iterator: AsyncIterator<string>; done: boolean }> {
  const iterator = texts[Symbol.asyncIterator]();
  const chunks: string[] = [];
  let seen = '';
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return { line: seen, chunks, iterator, done: true };
    chunks.push(next.value);
    seen += next.value;
    // A CR alone ends the line too (old Mac spreadsheets): the delimiter is guessed from the header only.
    const newline = seen.search(/[\r\n]/);
    if (newline >= 0) return { line: seen.slice(0, newline), chunks, iterator, done: false };
  }
}

/** A record csv-parse skipped, with what its error says about where it is. */
interface Skip {
  /** Records (header included) read before it. */
  readonly after: number;
  readonly code: string;
  readonly message: string;
  /** csv-parse's line count at the error: every CR and LF inside quotes, a record's ending once. */
  readonly lines: number;
  /** Byte offset (UTF-8) of the last field boundary before the error: the delimiter before the broken field. */
  readonly bytes: number;
  /** Fields of the record read before the broken one. */
  readonly index: number;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

async function* readCsv(
  texts: AsyncIterable<string>,
  delimiterOption: CsvDelimiter | undefined,
  renames: Readonly<Partial<Record<CanonicalColumn, string | undefined>>>,
  info: SalesReadInfo,
  rowOffset: number,
  lineOffset: number,
  set: ColumnSet,
): AsyncGenerator<SalesRecord> {
  const head = await firstLine(texts);
  const delimiter = delimiterOption ?? guessDelimiter(head.line);
  info.delimiter = delimiter;
  const skipped: Skip[] = [];
  const parser = parse({
    delimiter,
    relax_column_count: true,
    // A stray quote inside an unquoted field is kept as text rather than derailing every later row.
    relax_quotes: true,
    skip_empty_lines: false,
    // Every line ending ends a record, whatever the header's: ERPs that glue exports together mix
    // CRLF and LF, and old Mac spreadsheets write CR alone. (Detecting one ending from the header
    // would glue the rows of a mixed file into one record.)
    record_delimiter: [...CSV_RECORD_DELIMITERS],
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      skipped.push({
        after: parser.info.records,
        code: err?.code ?? '',
        message: err?.message ?? 'unreadable record',
        lines: numberOr(err?.lines, parser.info.lines),
        bytes: numberOr(err?.bytes, parser.info.bytes),
        index: numberOr(err?.index, 0),
      });
    },
  });
  let failure: unknown;
  parser.on('error', (err) => {
    failure ??= err;
  });
  /**
   * What the parser was given from `anchor` on, as the UTF-8 it counts bytes in. `anchor` is a field
   * boundary the parser reported before the record being read began, so a record that turns out to
   * be unreadable can be found again in these bytes (a few pieces; the parser holds as much itself).
   */
  const held: Buffer[] = [];
  let heldStart = 0;
  let anchor = 0;
  /** The row number of the last record read (the header is row 1 of a whole export). */
  let ordinal = rowOffset;
  let emittedSkips = 0;
  let columns: ReturnType<typeof resolveColumns> | undefined;
  let width = 0;
  let positions: Array<[CanonicalColumn, number]> = [];
  /** One malformed row per physical line of a record whose quote is never closed (see the module comment). */
  const unclosed = function* (skip: Skip): Generator<SalesRecord> {
    const bytes = Buffer.concat(held).subarray(anchor - heldStart);
    const text = bytes.toString('utf8');
    const start = lastRecordStart(text, delimiter);
    const record = text.slice(start);
    if (columns === undefined) {
      throw new CfdiLayoutError(
        'SALES_HEADER_INVALID',
        `the ${set.what}'s header cannot be read: a quote in it is never closed (${skip.message})`,
        { location: { row: 1, line: 1 } },
      );
    }
    // The quote opens the broken field: just after the delimiter at `bytes`, or at the record's start.
    const fieldAt = bytes.subarray(0, Math.max(0, skip.bytes - anchor)).toString('utf8').length;
    const quoteAt = Math.max(0, fieldAt + (skip.index > 0 ? 1 : 0) - start);
    const quoteLine = record.slice(0, quoteAt).split(LINE_BREAK).length - 1;
    const lines = record.split(LINE_BREAK);
    if (lines.length > 1 && lines.at(-1) === '') lines.pop();
    const endsWithBreak = /[\r\n]$/.test(record);
    // csv-parse counted each CR and LF of the record as a line and stopped on its last character.
    const first = skip.lines - lineBreakChars(record) + (endsWithBreak ? 1 : 0) + lineOffset;
    const last = first + lines.length - 1;
    const header = info.header?.[skip.index] ?? `${skip.index + 1}`;
    const canonical = positions.find(([, at]) => at === skip.index)?.[0] ?? '';
    const column = `column ${JSON.stringify(header)}`;
    const why =
      first === last
        ? `a quote opens ${column} on line ${first}, the last line of the export, and is never closed`
        : `a quote opens ${column} on line ${first + quoteLine} and is never closed, so the CSV record runs from line ${first} to line ${last}, the end of the export, and each of its lines is rejected with the ticket it names`;
    for (const [i, line] of lines.entries()) {
      ordinal++;
      const cells = line.split(delimiter);
      const values: Partial<Record<CanonicalColumn, unknown>> = {};
      for (const [column, at] of positions) {
        const cell = cells[at];
        if (cell !== undefined) values[column] = naiveCell(cell);
      }
      yield {
        row: ordinal,
        values,
        issues: [
          {
            row: ordinal,
            line: first + i,
            field: i === quoteLine ? canonical : '',
            code: 'SALES_RECORD_MALFORMED',
            message: `line ${first + i} cannot be read: ${why}`,
          },
        ],
      };
    }
  };
  const pendingSkips = function* (upTo: number): Generator<SalesRecord> {
    while (emittedSkips < skipped.length && (skipped[emittedSkips]?.after ?? 0) < upTo) {
      const skip = skipped[emittedSkips] as Skip;
      emittedSkips++;
      if (skip.code === 'CSV_QUOTE_NOT_CLOSED') {
        yield* unclosed(skip);
        continue;
      }
      ordinal++;
      // csv-parse counts the lines of what it was given ("... at line 7"): make them the export's.
      const message =
        lineOffset === 0
          ? skip.message
          : skip.message
              .replace(/\bline (\d+)/g, (_, n: string) => `line ${Number(n) + lineOffset}`);
      yield {
        row: ordinal,
        values: {},
        issues: [
          {
            row: ordinal,
            line: skip.lines + lineOffset,
            field: '',
            code: 'SALES_RECORD_MALFORMED',
            message: `the CSV record cannot be read (${message}); everything up to line ${skip.lines + lineOffset} is in it`,
          },
        ],
      };
    }
  };
  let records = 0;
  /** The records the parser holds, turned into sales records. */
  const taken = function* (): Generator<SalesRecord> {
    for (let cells = parser.read() as string[] | null; cells !== null; cells = parser.read()) {
      records++;
      yield* pendingSkips(records);
      ordinal++;
      if (columns === undefined) {
        info.header = cells;
        columns = resolveColumns(cells, renames, set);
        positions = Object.entries(columns.index) as Array<[CanonicalColumn, number]>;
        width = cells.length;
        continue;
      }
      const issues: RowIssue[] = [];
      // An empty line is a row of one empty cell: it carries no ticket and is reported as such.
      if (cells.length !== width && !(cells.length === 1 && cells[0] === '')) {
        issues.push({
          row: ordinal,
          field: '',
          code: 'SALES_COLUMN_COUNT',
          message: `the record has ${cells.length} fields but the header has ${width}`,
        });
      }
      const values: Partial<Record<CanonicalColumn, unknown>> = {};
      for (const [column, at] of positions) {
        const value = cells[at];
        if (value === undefined) continue;
        values[column] = value;
        if (value.includes(REPLACEMENT_CHAR)) issues.push(undecodable(ordinal, column));
      }
      yield { row: ordinal, values, issues };
    }
    if (failure !== undefined) throw failure;
  };
  // The parser is driven by hand, a small piece at a time: each write parses synchronously and its
  // records are taken at once, so only a few hundred rows are ever in flight (a whole read chunk of
  // parsed rows would outlive young-generation collections and be copied to the old generation).
  for await (const text of replay(head.chunks, head.iterator, head.done)) {
    for (let at = 0; at < text.length; ) {
      let to = Math.min(at + PARSE_PIECE, text.length);
      // Never between the two halves of a surrogate pair: the parser takes the piece as UTF-8.
      if (to < text.length && isHighSurrogate(text.charCodeAt(to - 1))) to++;
      // The bytes the parser would make of the text itself (a writable stream decodes strings).
      const piece = Buffer.from(text.slice(at, to), 'utf8');
      const boundary = parser.info.bytes;
      const before = records;
      parser.write(piece);
      held.push(piece);
      at = to;
      yield* taken();
      // A record ended in this piece: the one being read began after the boundary of the last piece.
      if (records > before) {
        anchor = boundary;
        while (held.length > 1 && heldStart + (held[0] as Buffer).length <= anchor)
          heldStart += (held.shift() as Buffer).length;
      }
    }
  }
  parser.end();
  if (!parser.writableFinished && failure === undefined) {
    await new Promise<void>((done) => {
      parser.once('finish', done);
      parser.once('close', done);
      parser.once('error', () => done());
    });
  }
  yield* taken();
  yield* pendingSkips(Number.POSITIVE_INFINITY);
  if (columns === undefined) resolveColumns([], renames, set);
}

/** Maps a JSON object's keys to canonical columns; keys that are no column are ignored. */
function jsonValues(
  object: Record<string, unknown>,
  lookup: ReadonlyMap<string, CanonicalColumn>,
  row: number,
  issues: RowIssue[],
): Partial<Record<CanonicalColumn, unknown>> {
  const values: Partial<Record<CanonicalColumn, unknown>> = {};
  for (const [key, value] of Object.entries(object)) {
    const column = lookup.get(normalizeHeader(key));
    if (column === undefined) continue;
    values[column] = value;
    if (typeof value === 'string' && value.includes(REPLACEMENT_CHAR)) issues.push(undecodable(row, column));
  }
  return values;
}

function jsonRecord(
  text: string,
  row: number,
  lookup: ReadonlyMap<string, CanonicalColumn>,
  what: string,
): SalesRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      row,
      values: {},
      issues: [
        { row, field: '', code: 'SALES_RECORD_MALFORMED', message: `${what} is not valid JSON: ${reason}` },
      ],
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      row,
      values: {},
      issues: [{ row, field: '', code: 'SALES_RECORD_MALFORMED', message: `${what} is not a JSON object` }],
    };
  }
  const issues: RowIssue[] = [];
  const values = jsonValues(value as Record<string, unknown>, lookup, row, issues);
  return { row, values, issues };
}

async function* readJsonLines(
  texts: AsyncIterable<string>,
  renames: Readonly<Partial<Record<CanonicalColumn, string | undefined>>>,
  rowOffset: number,
  set: ColumnSet,
): AsyncGenerator<SalesRecord> {
  const lookup = columnLookup(renames, set);
  let carry = '';
  let line = rowOffset;
  for await (const text of texts) {
    carry += text;
    let start = 0;
    for (let nl = carry.indexOf('\n', start); nl >= 0; nl = carry.indexOf('\n', start)) {
      line++;
      const content = carry.slice(start, nl).trim();
      start = nl + 1;
      if (content !== '') yield jsonRecord(content, line, lookup, `line ${line}`);
    }
    carry = carry.slice(start);
  }
  line++;
  if (carry.trim() !== '') yield jsonRecord(carry.trim(), line, lookup, `line ${line}`);
}

/**
 * Streams the items of a top-level JSON array without holding the whole document: a small scanner
 * tracks strings and nesting and hands each complete item to `JSON.parse`.
 */
async function* readJsonArray(
  texts: AsyncIterable<string>,
  renames: Readonly<Partial<Record<CanonicalColumn, string | undefined>>>,
  rowOffset: number,
  set: ColumnSet,
): AsyncGenerator<SalesRecord> {
  const lookup = columnLookup(renames, set);
  let buf = '';
  let pos = 0;
  let opened = false;
  let closed = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let itemStart = -1;
  let item = rowOffset;
  const malformed = (message: string): SalesRecord => {
    item++;
    return {
      row: item,
      values: {},
      issues: [{ row: item, field: '', code: 'SALES_RECORD_MALFORMED', message }],
    };
  };
  const complete = (end: number): SalesRecord => {
    item++;
    const record = jsonRecord(buf.slice(itemStart, end).trim(), item, lookup, `item ${item}`);
    itemStart = -1;
    return record;
  };
  for await (const text of texts) {
    buf += text;
    while (pos < buf.length) {
      const ch = buf[pos] as string;
      pos++;
      if (closed || !opened) {
        if (/\s/.test(ch)) continue;
        if (!opened && ch === '[') {
          opened = true;
          continue;
        }
        yield malformed(
          closed
            ? `text after the closing ] of the JSON array: ${JSON.stringify(buf.slice(pos - 1, pos + 19))}`
            : 'a JSON export must be an array of objects, starting with [',
        );
        return;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (itemStart < 0) {
        if (ch === ']') closed = true;
        else if (ch !== ',' && !/\s/.test(ch)) {
          itemStart = pos - 1;
          if (ch === '"') inString = true;
          else if (ch === '{' || ch === '[') depth = 1;
        }
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if ((ch === '}' || ch === ']') && depth > 0) {
        depth--;
        if (depth === 0) yield complete(pos);
      } else if (depth === 0 && (ch === ',' || ch === ']' || ch === '}')) {
        // A scalar item ends at the next comma or at the array's end; JSON.parse then rejects it.
        yield complete(pos - 1);
        if (ch === ']') closed = true;
      }
    }
    // Keep only what a later chunk still needs: the unfinished item, or nothing.
    const keep = itemStart >= 0 ? itemStart : pos;
    buf = buf.slice(keep);
    pos -= keep;
    if (itemStart >= 0) itemStart = 0;
  }
  if (itemStart >= 0) yield malformed(`item ${item + 1} is cut off: the JSON array ends inside it`);
  else if (opened && !closed) yield malformed('the JSON array is not closed with ]');
}
