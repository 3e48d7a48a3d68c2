import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parse as parseCsv } from 'csv-parse/sync';
import { CfdiLayoutError, type ErrorCode, type ErrorLocation, isCfdiLayoutError } from '../../src/errors.js';
import {
  type CanonicalColumn,
  CSV_RECORD_DELIMITERS,
  type CsvDelimiter,
  columnLookup,
  groupRecords,
  guessDelimiter,
  normalizeHeader,
  readSalesRecords,
  recordKey,
  resolveColumns,
  type SalesConfig,
  type SalesStats,
  ticketKeyString,
} from '../../src/sales/index.js';
import { KeyHashSet, keyHash } from '../../src/sales/key-set.js';
import { type LineSink, openLines } from '../io.js';
import { type BuildTarget, type Produced, produceTickets, type StageSpec, ticketsOf } from './build-stage.js';

/*
 * Parallel builds on worker threads. The main thread cuts the export between two tickets (a byte
 * scan, no parsing) and the workers read, check and build each piece with the same library functions
 * as the single-threaded path:
 * - line targets (tralix-tickets, tralix-async) go in ranges of megabytes: a worker streams its range
 *   straight from the file and writes its lines to a part file, which the main thread appends to the
 *   output in input order. The main thread does almost nothing else, so every core builds.
 * - document targets (layout, xml, zip) go in slices of 256 KB whose documents come back to the main
 *   thread, which names, writes or zips them.
 * The order check spans pieces: each reports the 53-bit hashes of its ticket keys, and a key seen in
 * two pieces, or reappearing within one, throws SALES_UNSORTED so that order `auto` starts over
 * unsorted.
 */

const WORKER_ROLE = 'cfdi-layout-build-worker';
/** Bytes of input per slice of a document target: about 2,500 rows, a few milliseconds of work. */
const SLICE_BYTES = 256 * 1024;
/** Bounds of a range of a line target: about four ranges per worker, so a slow range is caught up. */
const RANGE_MIN_BYTES = 64 * 1024;
const RANGE_MAX_BYTES = 32 * 1024 * 1024;
/** Below this input size (about 20,000 rows), starting worker threads costs more than it saves. */
export const WORKER_MIN_BYTES = 2 * 1024 * 1024;
/** Bytes the main thread reads at a time to find the cuts. */
const SCAN_CHUNK = 256 * 1024;
/** Rows between two progress reports of a worker. */
const PROGRESS_ROWS = 8192;

/** How a worker reads the export: the options of the single-threaded reader, fixed by the main thread. */
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

interface PieceRequest extends Piece {
  readonly seq: number;
  /** Line targets: the part file the lines go to. Document targets: absent, results come back. */
  readonly out?: string;
}

/** A worker's report: progress while it reads, then the piece's outcome. */
type PieceReply =
  | { readonly kind: 'progress'; readonly rows: number; readonly bytes: number }
  | {
      readonly kind: 'done';
      readonly seq: number;
      /** Rows and bytes not yet reported as progress. */
      readonly rows: number;
      readonly bytes: number;
      readonly stats: SalesStats;
      /** 53-bit hashes of the piece's ticket keys, in order. */
      readonly keys: Float64Array;
      /** Document targets: every result in order. Line targets: the rejects and skips only. */
      readonly results: Produced[];
      /** Line targets: lines written to the part file. */
      readonly written: number;
    }
  | { readonly kind: 'unsorted'; readonly seq: number }
  | {
      readonly kind: 'failed';
      readonly seq: number;
      readonly error: string;
      readonly code?: ErrorCode;
      readonly location?: ErrorLocation;
    };

type PieceDone = Extract<PieceReply, { kind: 'done' }>;

/**
 * Heap limits of a build worker. Bounded heaps keep the peak RSS flat (a default heap collects
 * lazily and grows to hundreds of MB). Document targets build an element tree per invoice (comprobanteTree),
 * whose short-lived nodes would otherwise be promoted and collected over and over, so their young
 * generation is larger.
 */
function workerLimits(target: BuildTarget): {
  maxYoungGenerationSizeMb: number;
  maxOldGenerationSizeMb: number;
} {
  return target === 'tralix-tickets' || target === 'tralix-async'
    ? { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 64 }
    : { maxYoungGenerationSizeMb: 48, maxOldGenerationSizeMb: 64 };
}

// ------------------------------------------------------------------------------------ worker side

/** The bytes of a piece: the header, then its range of the file. Counts the file bytes read. */
async function* pieceBytes(path: string, piece: Piece, read: { bytes: number }): AsyncGenerator<Uint8Array> {
  if (piece.header !== undefined) yield piece.header;
  if (piece.end <= piece.start) return;
  for await (const chunk of createReadStream(path, {
    start: piece.start,
    end: piece.end - 1,
    highWaterMark: SCAN_CHUNK,
  })) {
    read.bytes += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
}

/**
 * Builds one piece. Line targets write their lines to the part file; documents come back encoded,
 * with their checksums, so the main thread only moves bytes.
 */
async function buildPiece(
  spec: StageSpec,
  read: SliceFormat,
  path: string,
  request: PieceRequest,
  port: NonNullable<typeof parentPort>,
): Promise<PieceReply> {
  const stats: SalesStats = { rows: 0, tickets: 0 };
  const input = { bytes: 0 };
  const reported = { rows: 0, bytes: 0 };
  const keys: number[] = [];
  const results: Produced[] = [];
  let written = 0;
  let sink: LineSink | undefined;
  try {
    // The part's folder is the main thread's: never created here, so that once it is removed a
    // worker stopped halfway can leave nothing behind.
    sink = request.out === undefined ? undefined : await openLines(request.out, false);
    const records = readSalesRecords(pieceBytes(path, request, input), {
      format: read.format,
      delimiter: read.delimiter,
      encoding: read.encoding,
      columns: spec.config.columns,
      rowOffset: request.rowOffset,
      lineOffset: request.lineOffset,
    });
    async function* groups() {
      for await (const group of groupRecords(records, { order: 'sorted', onSplit: 'throw', stats })) {
        if (group.key !== undefined) keys.push(keyHash(ticketKeyString(group.key)));
        if (stats.rows - reported.rows >= PROGRESS_ROWS) {
          port.postMessage({
            kind: 'progress',
            rows: stats.rows - reported.rows,
            bytes: input.bytes - reported.bytes,
          } satisfies PieceReply);
          reported.rows = stats.rows;
          reported.bytes = input.bytes;
        }
        yield group;
      }
    }
    for await (const p of produceTickets(ticketsOf(groups(), spec.config), spec)) {
      if (p.kind === 'line' && sink !== undefined) {
        await sink.line(p.text);
        written++;
      } else if (p.kind === 'document' && typeof p.content === 'string') {
        // A buffer of its own (never a slice of Node's shared pool), so that it can be transferred.
        const data = Buffer.allocUnsafeSlow(Buffer.byteLength(p.content));
        data.write(p.content);
        results.push({ ...p, content: data, sha256: createHash('sha256').update(data).digest('hex') });
      } else results.push(p);
    }
    await sink?.close();
    return {
      kind: 'done',
      seq: request.seq,
      rows: stats.rows - reported.rows,
      bytes: input.bytes - reported.bytes,
      stats,
      keys: Float64Array.from(keys),
      results,
      written,
    };
  } catch (err) {
    await sink?.close().catch(() => undefined);
    if (isCfdiLayoutError(err, 'SALES_UNSORTED')) return { kind: 'unsorted', seq: request.seq };
    return {
      kind: 'failed',
      seq: request.seq,
      // A coded error keeps its code and location, as on the main thread.
      ...(isCfdiLayoutError(err)
        ? { code: err.code, ...(err.location === undefined ? {} : { location: err.location }) }
        : {}),
      error: isCfdiLayoutError(err)
        ? err.message
        : err instanceof Error
          ? (err.stack ?? err.message)
          : String(err),
    };
  }
}

/** The worker thread: builds the pieces it is sent, one at a time, in the order they come. */
function serveWorker(spec: StageSpec, read: SliceFormat, path: string): void {
  const port = parentPort;
  if (port === null) return;
  let queue = Promise.resolve();
  port.on('message', (request: PieceRequest) => {
    queue = queue.then(async () => {
      const reply = await buildPiece(spec, read, path, request, port);
      const transfer: ArrayBuffer[] = [];
      if (reply.kind === 'done') {
        transfer.push(reply.keys.buffer as ArrayBuffer);
        for (const r of reply.results)
          if (r.kind === 'document' && typeof r.content !== 'string')
            transfer.push(r.content.buffer as ArrayBuffer);
      }
      port.postMessage(reply, transfer);
    });
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === WORKER_ROLE) {
  const data = workerData as { spec: StageSpec; read: SliceFormat; path: string };
  serveWorker(data.spec, data.read, data.path);
}

// ----------------------------------------------------------------------------- cutting the export

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: the field's end, or the first half of an escaped quote. */
const QUOTE_SEEN = 3;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * Finds record ends in the bytes of an export, as the reader's csv-parse finds them: records end at
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
  const records = parseCsv(text, {
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    record_delimiter: [...CSV_RECORD_DELIMITERS],
  }) as string[][];
  return records[0] ?? [];
}

/**
 * The reading options with the CSV delimiter settled: given, or guessed from the header line as the
 * single-threaded reader guesses it, so that every piece is read with the same one.
 */
async function withDelimiter(path: string, read: SliceFormat): Promise<SliceFormat> {
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

// -------------------------------------------------------------------------------------- main side

/** What a parallel build needs: the export, how to read and build it, and where counts go. */
export interface PoolRun {
  readonly path: string;
  /** Bytes of the export. */
  readonly size: number;
  readonly read: SliceFormat;
  readonly spec: StageSpec;
  readonly jobs: number;
  /** Rows and tickets, counted in input order. */
  readonly stats: SalesStats;
  /** Rows and file bytes read by the workers (for the progress bar), as they go. */
  readonly progress: (rows: number, bytes: number) => void;
}

const unsorted = (): CfdiLayoutError =>
  new CfdiLayoutError('SALES_UNSORTED', 'rows of a ticket appear in two places');

/**
 * Runs the pieces on `run.jobs` worker threads, each piece sent to the least busy worker, at most
 * `inFlight` per worker at a time, and yields the outcomes in input order after the order check.
 */
async function* runPieces(
  run: PoolRun,
  pieces: AsyncIterable<Piece>,
  inFlight: number,
  partOf: ((seq: number) => string) | undefined,
): AsyncGenerator<PieceDone & { readonly part: string | undefined }> {
  const workers = Array.from(
    { length: run.jobs },
    () =>
      new Worker(new URL(import.meta.url), {
        workerData: { role: WORKER_ROLE, spec: run.spec, read: run.read, path: run.path },
        resourceLimits: workerLimits(run.spec.target),
      }),
  );
  const waiting = new Map<number, { resolve: (r: PieceReply) => void; reject: (e: unknown) => void }>();
  const replies = new Map<number, Promise<PieceReply>>();
  const parts = new Map<number, string>();
  const load = workers.map(() => 0);
  const seen = new KeyHashSet();
  let failure: unknown;
  let closing = false;
  workers.forEach((worker, i) => {
    worker.on('message', (reply: PieceReply) => {
      if (reply.kind === 'progress') {
        run.progress(reply.rows, reply.bytes);
        return;
      }
      load[i] = (load[i] ?? 1) - 1;
      const waiter = waiting.get(reply.seq);
      waiting.delete(reply.seq);
      waiter?.resolve(reply);
    });
    const fail = (err: unknown): void => {
      failure ??= err;
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    };
    worker.on('error', fail);
    // A worker that ends while pieces wait on it (not by terminate below) would leave them hanging.
    worker.on('exit', (code) => {
      if (!closing) fail(new Error(`a build worker stopped (exit code ${code})`));
    });
  });
  let seq = 0;
  let next = 0;
  const send = (piece: Piece): void => {
    if (failure !== undefined) throw failure;
    const reply = new Promise<PieceReply>((resolve, reject) => waiting.set(seq, { resolve, reject }));
    reply.catch(() => undefined);
    replies.set(seq, reply);
    let target = 0;
    for (let i = 1; i < workers.length; i++) if ((load[i] ?? 0) < (load[target] ?? 0)) target = i;
    load[target] = (load[target] ?? 0) + 1;
    const out = partOf?.(seq);
    if (out !== undefined) parts.set(seq, out);
    const request: PieceRequest = out === undefined ? { ...piece, seq } : { ...piece, seq, out };
    workers[target]?.postMessage(request);
    seq++;
  };
  const take = async (): Promise<PieceDone & { readonly part: string | undefined }> => {
    const reply = await (replies.get(next) as Promise<PieceReply>);
    replies.delete(next);
    const part = parts.get(next);
    parts.delete(next);
    next++;
    if (reply.kind === 'failed') {
      if (reply.code === undefined) throw new Error(`build worker failed: ${reply.error}`);
      throw new CfdiLayoutError(
        reply.code,
        reply.error,
        reply.location === undefined ? {} : { location: reply.location },
      );
    }
    if (reply.kind !== 'done') throw unsorted();
    for (const key of reply.keys) if (!seen.add(key)) throw unsorted();
    run.stats.rows += reply.stats.rows;
    run.stats.tickets += reply.stats.tickets;
    run.progress(reply.rows, reply.bytes);
    return { ...reply, part };
  };
  try {
    for await (const piece of pieces) {
      send(piece);
      while (seq - next >= run.jobs * inFlight) yield await take();
    }
    while (next < seq) yield await take();
  } finally {
    closing = true;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The outcome of one range of a line target: its part file and what did not become a line. */
export interface LinesPart {
  /** The range's lines, in order, for the caller to append to the output; removed once the caller moves on. */
  readonly part: string;
  readonly written: number;
  /** Rejects and skips, in order. */
  readonly results: readonly Produced[];
}

/**
 * Builds a line target (tralix-tickets, tralix-async) on worker threads in ranges of the export; the
 * lines of each range are in a part file in a folder beside `outPath`, yielded in input order. The
 * folder is removed at the end, whether the run completes or not.
 */
export async function* pooledLines(pool: PoolRun, outPath: string): AsyncGenerator<LinesPart> {
  const run = { ...pool, read: await withDelimiter(pool.path, pool.read) };
  const rangeBytes = Math.min(
    RANGE_MAX_BYTES,
    Math.max(RANGE_MIN_BYTES, Math.ceil(run.size / (run.jobs * 4))),
  );
  const folder = await mkdtemp(`${outPath}.parts-`);
  try {
    const pieces = cutExport(run.path, run.read, run.spec.config, rangeBytes);
    for await (const done of runPieces(run, pieces, 2, (seq) => join(folder, `part-${seq}`))) {
      const part = done.part as string;
      try {
        yield { part, written: done.written, results: done.results };
      } finally {
        // Appended by the caller by now: the disk space goes back at once.
        await rm(part, { force: true });
      }
    }
  } finally {
    await rm(folder, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Builds a document target (layout, xml, zip) on worker threads in slices; results in input order. */
export async function* pooledDocuments(pool: PoolRun): AsyncGenerator<Produced> {
  const run = { ...pool, read: await withDelimiter(pool.path, pool.read) };
  const pieces = cutExport(run.path, run.read, run.spec.config, SLICE_BYTES);
  for await (const done of runPieces(run, pieces, 4, undefined)) yield* done.results;
}
