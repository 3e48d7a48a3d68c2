import { open } from 'node:fs/promises';
import { type CanonicalColumn, columnLookup, normalizeHeader, resolveColumns } from '../sales/columns.js';
import type { SalesConfig } from '../sales/config.js';
import { tokenizeCsv } from '../sales/csv.js';
import { recordKey } from '../sales/group.js';
import { type CsvDelimiter, guessDelimiter, type SalesFormat } from '../sales/readers.js';
import { ticketKeyString } from '../sales/row.js';

/*
 * Cutting a sales export into pieces for the worker threads of a parallel build: one scan of its
 * bytes, no parsing but of the records around a candidate cut, and cuts only between two tickets so
 * that every ticket is whole in one piece.
 */

/** Bytes read at a time to find the cuts (and by a worker reading its piece). */
export const SCAN_CHUNK = 256 * 1024;

/** How a worker reads the export: the options of the single-threaded reader, settled by the main thread. */
export interface SliceFormat {
  readonly format: 'csv' | 'jsonl';
  readonly delimiter: CsvDelimiter | undefined;
  readonly encoding: 'utf8' | 'latin1';
}

/** A piece of the export between two tickets: bytes `[start, end)` of the file and the rows before it. */
export interface Piece {
  readonly start: number;
  readonly end: number;
  /** Added to the row numbers the piece's reader counts (its repeated CSV header is its row 1). */
  readonly rowOffset: number;
  /** Added to the line numbers the piece's reader counts: lines before it, less its header's. */
  readonly lineOffset: number;
  /** The CSV header, read before the piece's bytes (every piece but the first). */
  readonly header: Uint8Array | undefined;
}

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: the field's end, or the first half of an escaped quote. */
const QUOTE_SEEN = 3;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * Finds record ends in the bytes of an export, as the reader's CSV tokenizer finds them: records end at
 * CRLF, LF or CR outside quotes (JSON lines: at LF); a quote opens a quoted field only at the start
 * of a field (elsewhere it is text, `relax_quotes`), `""` inside one is an escaped quote, and line
 * endings inside one are data. It also counts lines as csv-parse does in its messages: every CR and
 * every LF, a CRLF that ends a record once.
 */
class RecordEnds {
  private state = FIELD_START;
  /** A CR that ended a record: one line ending with the LF that may follow. */
  private pendingCr = false;
  private readonly delimiter: number;
  lines = 0;

  constructor(
    private readonly csv: boolean,
    delimiter: CsvDelimiter | undefined,
  ) {
    this.delimiter = delimiter === undefined ? -1 : delimiter.charCodeAt(0);
  }

  /** Calls `found` with the offset just past each record end in `bytes`. */
  scan(bytes: Buffer, found: (after: number) => void): void {
    // JSON lines, and most CSV exports (nothing quoted, no CR ahead): every LF ends a record.
    if (
      !this.csv ||
      (!this.pendingCr &&
        (this.state === FIELD_START || this.state === UNQUOTED) &&
        bytes.indexOf(QUOTE) < 0 &&
        bytes.indexOf(CR) < 0)
    ) {
      for (let at = bytes.indexOf(LF); at >= 0; at = bytes.indexOf(LF, at + 1)) {
        this.lines++;
        found(at + 1);
      }
      const lastByte = bytes[bytes.length - 1];
      this.state = lastByte === LF || lastByte === this.delimiter ? FIELD_START : UNQUOTED;
      return;
    }
    const delimiter = this.delimiter;
    let state = this.state;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      if (this.pendingCr) {
        this.pendingCr = false;
        if (c === LF) {
          // CRLF: one record end, one line (counted at the CR).
          found(i + 1);
          continue;
        }
        found(i);
      }
      if (c === LF || c === CR) this.lines++;
      if (state === QUOTED) {
        if (c === QUOTE) state = QUOTE_SEEN;
      } else if (state === QUOTE_SEEN && c === QUOTE) state = QUOTED;
      else if (c === LF) {
        state = FIELD_START;
        found(i + 1);
      } else if (c === CR) {
        state = FIELD_START;
        this.pendingCr = true;
      } else if (c === delimiter) state = FIELD_START;
      else if (c === QUOTE && state === FIELD_START) state = QUOTED;
      else state = UNQUOTED;
    }
    this.state = state;
  }
}

/** The cells of the first record of a CSV text, read as the sales reader reads its rows. */
function firstCsvRecord(text: string, delimiter: CsvDelimiter): string[] {
  const { records, unclosed } = tokenizeCsv(text, delimiter);
  if (unclosed !== undefined) throw new RangeError('a quote in the record is never closed');
  return records[0] ?? [];
}

/**
 * The reading options with the CSV delimiter settled: given, or guessed from the header line as the
 * single-threaded reader guesses it, so that every piece is read with the same one.
 */
export async function withDelimiter(path: string, read: SliceFormat): Promise<SliceFormat> {
  if (read.format !== 'csv' || read.delimiter !== undefined) return read;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(SCAN_CHUNK);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = new TextDecoder(read.encoding === 'latin1' ? 'latin1' : 'utf-8').decode(
      head.subarray(0, bytesRead),
    );
    return { ...read, delimiter: guessDelimiter(text.split(/[\r\n]/, 1)[0] ?? '') };
  } finally {
    await handle.close();
  }
}

/**
 * Cuts the export into pieces of at least `pieceBytes` that end between two tickets, scanning its
 * bytes once: a cut goes only where the ticket key of the next record differs from the previous
 * one's (or either record has no ticket), so every ticket is whole in one piece. Only the records
 * around a candidate cut are parsed. Each piece knows the rows before it; every piece but the first
 * gets the CSV header.
 */
export async function* cutExport(
  path: string,
  read: SliceFormat,
  config: SalesConfig,
  pieceBytes: number,
): AsyncGenerator<Piece> {
  const format = await withDelimiter(path, read);
  const decoder = new TextDecoder(read.encoding === 'latin1' ? 'latin1' : 'utf-8');
  const csv = read.format === 'csv';
  const lookup = columnLookup(config.columns);
  const ends = new RecordEnds(csv, format.delimiter);
  let header: Uint8Array | undefined;
  let keyColumns: { ticket: number; sucursal: number | undefined; delimiter: CsvDelimiter } | undefined;
  /**
   * The bytes a cut may still need to parse: `tail` (a copy of what earlier chunks held from the
   * start of the last whole record on) from `tailStart`, then the chunk being scanned from `chunkStart`.
   */
  let tail: Buffer = Buffer.alloc(0);
  let tailStart = 0;
  const chunk = Buffer.allocUnsafe(SCAN_CHUNK);
  let chunkStart = 0;
  const bytesOf = (from: number, to: number): Uint8Array => {
    if (from >= chunkStart) return chunk.subarray(from - chunkStart, to - chunkStart);
    if (to <= chunkStart) return tail.subarray(from - tailStart, to - tailStart);
    return Buffer.concat([tail.subarray(from - tailStart), chunk.subarray(0, to - chunkStart)]);
  };
  /** The last record end found, where that record starts, and the lines up to it. */
  let last = 0;
  let lastStart = 0;
  let linesAtLast = 0;
  /** Where the CSV header ends, and its lines. */
  let headerEnd = 0;
  let headerLines = 0;
  let pieceStart = 0;
  let rowsBefore = 0;
  let linesBefore = 0;
  let pieceRows = 0;
  const pieces: Piece[] = [];

  const keyOf = (from: number, to: number): string | undefined => {
    const text = decoder.decode(bytesOf(from, to));
    if (!csv) {
      try {
        const value = JSON.parse(text) as Record<string, unknown>;
        const values: Partial<Record<CanonicalColumn, unknown>> = {};
        for (const [k, v] of Object.entries(value)) {
          const column = lookup.get(normalizeHeader(k));
          if (column !== undefined) values[column] = v;
        }
        const key = recordKey({ row: 0, values, issues: [] });
        return key === undefined ? '' : ticketKeyString(key);
      } catch {
        return undefined;
      }
    }
    const columns = keyColumns;
    if (columns === undefined) return undefined;
    let cells: string[];
    try {
      cells = firstCsvRecord(text, columns.delimiter);
    } catch {
      return undefined;
    }
    const key = recordKey({
      row: 0,
      values: {
        ticket: cells[columns.ticket],
        sucursal: columns.sucursal === undefined ? '' : cells[columns.sucursal],
      },
      issues: [],
    });
    return key === undefined ? '' : ticketKeyString(key);
  };

  const piece = (end: number): Piece => {
    const first = pieceStart === 0;
    const cut: Piece = {
      start: pieceStart,
      end,
      // CSV: the piece's reader counts the repeated header as its row 1.
      rowOffset: first ? 0 : csv ? rowsBefore - 1 : rowsBefore,
      lineOffset: first ? 0 : linesBefore - headerLines,
      header: first ? undefined : header,
    };
    rowsBefore += pieceRows;
    pieceRows = 0;
    pieceStart = end;
    linesBefore = linesAtLast;
    return cut;
  };

  /** A record ends at `end` (just past its newline). */
  const recordEnd = (end: number): void => {
    if (csv && header === undefined) {
      header = Uint8Array.from(bytesOf(0, end));
      headerEnd = end;
      headerLines = ends.lines;
      const line = decoder
        .decode(header)
        .replace(/^\uFEFF/, '')
        .replace(/(\r\n|\n|\r)$/, '');
      const delimiter = format.delimiter ?? ',';
      const cells = firstCsvRecord(line, delimiter);
      const map = resolveColumns(cells, config.columns);
      keyColumns = { ticket: map.index.ticket as number, sucursal: map.index.sucursal, delimiter };
    } else if (last > headerEnd && last - pieceStart >= pieceBytes) {
      // Is `last` a cut? The record before it is [lastStart, last), the one after it [last, end).
      const before = keyOf(lastStart, last);
      const after = keyOf(last, end);
      if (before !== undefined && after !== undefined && (before === '' || after === '' || before !== after))
        pieces.push(piece(last));
    }
    pieceRows++;
    lastStart = last;
    last = end;
    linesAtLast = ends.lines;
  };

  let offset = 0;
  const handle = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, offset);
      if (bytesRead === 0) break;
      chunkStart = offset;
      offset += bytesRead;
      ends.scan(chunk.subarray(0, bytesRead), (after) => recordEnd(chunkStart + after));
      // Keep what the next cut may need: from the start of the last whole record on.
      tail = Buffer.from(bytesOf(lastStart, offset));
      tailStart = lastStart;
      chunkStart = offset;
      yield* pieces;
      pieces.length = 0;
    }
  } finally {
    await handle.close();
  }
  if (offset > pieceStart || pieceStart === 0) yield piece(offset);
}

/**
 * How the pieces of an export are read: the reading options with the format settled as the reader
 * settles it (from the first character: `[` JSON array, `{` JSON lines, anything else CSV) and the
 * CSV delimiter too, or `undefined` for a JSON array, which cannot be cut between tickets.
 */
export async function sliceFormat(
  path: string,
  options: {
    readonly format: SalesFormat | undefined;
    readonly delimiter: CsvDelimiter | undefined;
    readonly encoding: 'utf8' | 'latin1';
  },
): Promise<SliceFormat | undefined> {
  let format = options.format;
  if (format === undefined) {
    const head = Buffer.alloc(4096);
    const handle = await open(path, 'r');
    try {
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const first = /\S/.exec(
        head
          .subarray(0, bytesRead)
          .toString('latin1')
          .replace(/^\u00ef\u00bb\u00bf/, ''),
      );
      format = first?.[0] === '[' ? 'json' : first?.[0] === '{' ? 'jsonl' : 'csv';
    } finally {
      await handle.close();
    }
  }
  if (format === 'json') return undefined;
  return withDelimiter(path, { format, delimiter: options.delimiter, encoding: options.encoding });
}
