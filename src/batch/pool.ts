import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CfdiLayoutError } from '../errors.js';
import { KeyHashSet } from '../sales/key-set.js';
import type { SalesStats } from '../sales/ticket.js';
import { cutExport, type Piece, type SliceFormat } from './cut.js';
import { type PieceReply, type PieceRequest, WORKER_ROLE, type WorkerSetup } from './pool-worker.js';
import { type BuildTarget, isLineTarget, type Produced, type StageSpec } from './stage.js';
import { workerModule } from './worker-entry.js';

/*
 * Parallel builds on worker threads. The main thread cuts the export between two tickets (cut.ts: a
 * byte scan, no parsing) and the workers (pool-worker.ts) read, check and build each piece with the
 * same library functions as the single-threaded path:
 * - line targets (tralix-tickets, tralix-async) go in ranges of megabytes: a worker streams its range
 *   straight from the file and writes its lines to a part file, which the main thread appends to the
 *   output in input order. The main thread does almost nothing else, so every core builds.
 * - document targets (layout, xml, zip, and orders when asked) go in slices of 256 KB whose results
 *   come back to the main thread, which hands them on in input order.
 * The order check spans pieces: each reports the 53-bit hashes of its ticket keys, and a key seen in
 * two pieces, or reappearing within one, throws SALES_UNSORTED so that the caller can start over
 * unsorted (the CLI's order `auto`).
 */

/** Bytes of input per slice of a document target: about 2,500 rows, a few milliseconds of work. */
const SLICE_BYTES = 256 * 1024;
/** Bounds of a range of a line target: about four ranges per worker, so a slow range is caught up. */
const RANGE_MIN_BYTES = 64 * 1024;
const RANGE_MAX_BYTES = 32 * 1024 * 1024;

/** What a parallel build needs: the export, how to read and build it, and where counts go. */
export interface PoolRun {
  readonly path: string;
  /** Bytes of the export. */
  readonly size: number;
  /** The reading options, delimiter settled (`sliceFormat`). */
  readonly read: SliceFormat;
  readonly spec: StageSpec;
  readonly jobs: number;
  /** Rows and tickets, counted in input order. */
  readonly stats: SalesStats;
  /** Rows and file bytes read by the workers since the last call, as they go. */
  readonly progress: (rows: number, bytes: number) => void;
}

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
  return isLineTarget(target)
    ? { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 64 }
    : { maxYoungGenerationSizeMb: 48, maxOldGenerationSizeMb: 64 };
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
  const entry = workerModule(import.meta.url, './pool-worker.js', '../../dist/src/batch/pool-worker.js');
  const setup: WorkerSetup = { role: WORKER_ROLE, spec: run.spec, read: run.read, path: run.path };
  const workers = Array.from(
    { length: run.jobs },
    () => new Worker(entry, { workerData: setup, resourceLimits: workerLimits(run.spec.target) }),
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
 * lines of each range are in a part file, yielded in input order. The part files go in a folder
 * beside `outPath` (same disk as the output they are appended to), or in the system's temporary
 * folder when there is no output path; the folder is removed at the end, whether the run completes
 * or not.
 */
export async function* pooledLines(run: PoolRun, outPath: string | undefined): AsyncGenerator<LinesPart> {
  const rangeBytes = Math.min(
    RANGE_MAX_BYTES,
    Math.max(RANGE_MIN_BYTES, Math.ceil(run.size / (run.jobs * 4))),
  );
  const folder = await mkdtemp(
    outPath === undefined ? join(tmpdir(), 'cfdi-layout-parts-') : `${outPath}.parts-`,
  );
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

/** Builds a document target (layout, xml, zip) or orders on worker threads in slices; results in input order. */
export async function* pooledResults(run: PoolRun): AsyncGenerator<Produced> {
  const pieces = cutExport(run.path, run.read, run.spec.config, SLICE_BYTES);
  for await (const done of runPieces(run, pieces, 4, undefined)) yield* done.results;
}
