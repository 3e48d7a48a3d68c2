import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isMainThread, type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { ErrorCode, ErrorLocation } from '../errors.js';
import { isCfdiLayoutError } from '../errors.js';
import { keyHash } from '../sales/key-set.js';
import { readSalesRecords } from '../sales/readers.js';
import { ticketKeyString } from '../sales/row.js';
import { groupRecords, type SalesStats } from '../sales/ticket.js';
import { type Piece, SCAN_CHUNK, type SliceFormat } from './cut.js';
import { type LineSink, openLineFile } from './line-sink.js';
import { type Produced, produceTickets, type StageSpec, ticketsOf } from './stage.js';

/*
 * The entry module of a build worker thread (started by pool.ts): it reads, checks and builds the
 * pieces of the export it is sent with the same functions as the single-threaded path, and sends
 * back what the main thread needs to merge them in input order.
 */

/** Marks the workers of a parallel build in `workerData`, so that loading this module elsewhere does nothing. */
export const WORKER_ROLE = 'cfdi-layout-build-worker';
/** Rows between two progress reports of a worker. */
const PROGRESS_ROWS = 8192;

/** What a worker is started with: how to read the export and build its tickets. */
export interface WorkerSetup {
  readonly role: typeof WORKER_ROLE;
  readonly spec: StageSpec;
  readonly read: SliceFormat;
  readonly path: string;
}

/** One piece to build, numbered in input order. */
export interface PieceRequest extends Piece {
  readonly seq: number;
  /** Line targets: the part file the lines go to. Document targets: absent, results come back. */
  readonly out?: string;
}

/** A worker's report: progress while it reads, then the piece's outcome. */
export type PieceReply =
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

/** Bytes of a block that documents are encoded into: a few hundred small documents each. */
const BLOCK_BYTES = 1024 * 1024;

/**
 * Encodes a piece's documents as they come into blocks of their own (never slices of Node's shared
 * pool), each document a view of its block, so that a few transfers hand them all to the main thread:
 * a buffer per document cost an allocation and a transfer each, and holding the texts to the end of
 * the piece to size one buffer kept them alive long enough to be promoted (the worker's GC went from
 * 16 to 29 % of its time).
 */
class DocumentBlocks {
  private block: Buffer | undefined;
  private at = 0;

  encode(text: string): Uint8Array {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.block === undefined || this.at + text.length * 3 > this.block.length) {
      this.block = Buffer.allocUnsafeSlow(Math.max(BLOCK_BYTES, text.length * 3));
      this.at = 0;
    }
    const start = this.at;
    this.at += this.block.write(text, start);
    return this.block.subarray(start, this.at);
  }
}

/**
 * Builds one piece. Line targets write their lines to the part file; documents come back encoded
 * (with their checksums for the ZIP target), so the main thread only moves bytes.
 */
async function buildPiece(setup: WorkerSetup, request: PieceRequest, port: MessagePort): Promise<PieceReply> {
  const { spec, read, path } = setup;
  const stats: SalesStats = { rows: 0, tickets: 0 };
  const input = { bytes: 0 };
  const reported = { rows: 0, bytes: 0 };
  const keys: number[] = [];
  const results: Produced[] = [];
  const blocks = new DocumentBlocks();
  let written = 0;
  let sink: LineSink | undefined;
  try {
    // The part's folder is the main thread's: never created here, so that once it is removed a
    // worker stopped halfway can leave nothing behind.
    sink = request.out === undefined ? undefined : await openLineFile(request.out, false);
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
    // The ZIP's manifest needs each document's SHA-256, computed here, off the main thread.
    const hashed = spec.target === 'zip';
    for await (const p of produceTickets(ticketsOf(groups(), spec.config), spec)) {
      if (p.kind === 'line' && sink !== undefined) {
        await sink.line(p.text);
        written++;
      } else if (p.kind === 'document' && typeof p.content === 'string') {
        const content = blocks.encode(p.content);
        results.push(
          hashed
            ? { ...p, content, sha256: createHash('sha256').update(content).digest('hex') }
            : { ...p, content },
        );
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
function serveWorker(setup: WorkerSetup, port: MessagePort): void {
  let queue = Promise.resolve();
  port.on('message', (request: PieceRequest) => {
    queue = queue.then(async () => {
      const reply = await buildPiece(setup, request, port);
      const transfer: ArrayBuffer[] = [];
      if (reply.kind === 'done') {
        transfer.push(reply.keys.buffer as ArrayBuffer);
        const blocks = new Set<ArrayBuffer>();
        for (const r of reply.results)
          if (r.kind === 'document' && typeof r.content !== 'string')
            blocks.add(r.content.buffer as ArrayBuffer);
        transfer.push(...blocks);
      }
      port.postMessage(reply, transfer);
    });
  });
}

if (!isMainThread && parentPort !== null && (workerData as { role?: string } | null)?.role === WORKER_ROLE) {
  serveWorker(workerData as WorkerSetup, parentPort);
}
