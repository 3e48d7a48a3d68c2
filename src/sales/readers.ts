import { CfdiLayoutError } from '../errors.js';
import type { CanonicalColumn, ColumnSet } from './columns.js';
import { columnLookup, normalizeHeader, resolveColumns, SALES_COLUMN_SET } from './columns.js';
import { CsvTokenizer, type UnclosedRecord } from './csv.js';
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
 * CSV text is tokenized by csv.ts. A quote that is never closed makes every later line part of one
 * field, up to the end of the export. Such a record is not one row: the reader splits it back into its
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

const REPLACEMENT_CHAR = '\uFFFD';
/** Characters handed to the CSV tokenizer at a time (a few dozen rows). */
const PARSE_PIECE = 8192;
/** A physical line ending: CRLF, LF or CR alone, as the parser ends records. */
const LINE_BREAK = /\r\n|\r|\n/;

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
  /** Records the tokenizer completed and the reader has not yet turned into sales records. */
  let ready: string[][] = [];
  const tokenizer = new CsvTokenizer(delimiter, (cells) => ready.push(cells));
  /** The row number of the last record read (the header is row 1 of a whole export). */
  let ordinal = rowOffset;
  let columns: ReturnType<typeof resolveColumns> | undefined;
  let width = 0;
  let positions: Array<[CanonicalColumn, number]> = [];
  /** One malformed row per physical line of a record whose quote is never closed (see the module comment). */
  const unclosed = function* (broken: UnclosedRecord): Generator<SalesRecord> {
    if (columns === undefined) {
      throw new CfdiLayoutError(
        'SALES_HEADER_INVALID',
        `the ${set.what}'s header cannot be read: a quote in it is never closed (Quote Not Closed: the parsing is finished with an opening quote at line ${broken.endLine})`,
        { location: { row: 1, line: 1 } },
      );
    }
    const record = broken.text;
    const quoteLine = record.slice(0, broken.quoteAt).split(LINE_BREAK).length - 1;
    const lines = record.split(LINE_BREAK);
    if (lines.length > 1 && lines.at(-1) === '') lines.pop();
    const first = broken.line + lineOffset;
    const last = first + lines.length - 1;
    const header = info.header?.[broken.index] ?? `${broken.index + 1}`;
    const canonical = positions.find(([, at]) => at === broken.index)?.[0] ?? '';
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
  /** The records the tokenizer completed, turned into sales records. */
  const taken = function* (): Generator<SalesRecord> {
    const batch = ready;
    ready = [];
    for (const cells of batch) {
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
  };
  // The text is tokenized a small piece at a time and its records taken at once, so that only a
  // few dozen rows are ever in flight (a whole read chunk of parsed rows would outlive
  // young-generation collections and be copied to the old generation).
  for await (const text of replay(head.chunks, head.iterator, head.done)) {
    for (let at = 0; at < text.length; at += PARSE_PIECE) {
      tokenizer.write(text.slice(at, at + PARSE_PIECE));
      yield* taken();
    }
  }
  const broken = tokenizer.end();
  yield* taken();
  if (broken !== undefined) yield* unclosed(broken);
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
