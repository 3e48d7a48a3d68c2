import { createHash } from 'node:crypto';
import { isMainThread, type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ValidationLevel } from '../batch/comprobante.js';
import { workerModule } from '../batch/worker-entry.js';
import { CfdiLayoutError, type ErrorCode, type ErrorLocation, isCfdiLayoutError } from '../errors.js';
import type { LayoutDefinition } from '../layouts/index.js';
import { PAYMENT_COLUMN_SET } from '../sales/columns.js';
import type { SalesConfig } from '../sales/config.js';
import { type ReadSalesOptions, readSalesRecords } from '../sales/readers.js';
import type { TicketReject } from '../sales/rejects.js';
import type { Csd } from '../sealing/csd.js';
import { buildReps, type RepDocument } from './build.js';

/*
 * buildReps on a worker thread: the caller's thread hands over the export's bytes as it reads them,
 * and the thread reads the records, checks, computes and writes every REP while the caller's thread
 * does something else with them (zipping them, which on a large export costs as much as building them). One thread, one producer: the REPs come back in
 * the order buildReps yields them, in batches, at most CREDITS batches ahead of the caller, so a
 * slow consumer holds the thread back instead of filling memory. What comes back is what goes out
 * (the text and what a manifest lists), not the comprobante.
 */

const ROLE = 'cfdi-layout-rep-worker';
/** REPs per message. */
const BATCH = 64;
/** Batches the thread may send before the caller has taken them. */
const CREDITS = 16;

/**
 * A REP as the thread sends it back: {@link RepDocument} without its comprobante, its text already
 * encoded (UTF-8, transferred, not copied) and hashed (SHA-256, hex), as a ZIP manifest lists it.
 */
export type RepOutput = Omit<RepDocument, 'comprobante' | 'text'> & {
  readonly content: Uint8Array;
  readonly sha256: string;
};

/** What {@link buildRepsOnThread} yields, in the order buildReps yields it. */
export type RepThreadItem =
  | { readonly kind: 'output'; readonly value: RepOutput }
  | { readonly kind: 'reject'; readonly reject: TicketReject };

/** Options of {@link buildRepsOnThread}: how to read the file, and buildReps's own. */
export interface BuildRepsOnThreadOptions {
  /** Format, delimiter, encoding and column names of the export (the column set is the payments'). */
  readonly read?: Pick<ReadSalesOptions, 'format' | 'delimiter' | 'encoding' | 'columns'>;
  readonly validation?: ValidationLevel | undefined;
  /** A layout definition (plain data: it crosses to the thread) for texts instead of XML. */
  readonly layout?: LayoutDefinition | undefined;
  /** Seals each REP (the key crosses to the thread as a clone). */
  readonly csd?: Csd | undefined;
  /** Counts rows read, set when the thread is done. */
  readonly stats?: { rows: number };
}

interface Setup {
  readonly role: typeof ROLE;
  readonly config: SalesConfig;
  readonly options: Omit<BuildRepsOnThreadOptions, 'stats'>;
}

type Reply =
  | { readonly kind: 'batch'; readonly items: RepThreadItem[] }
  | { readonly kind: 'done'; readonly rows: number }
  | {
      readonly kind: 'failed';
      readonly code?: ErrorCode;
      readonly location?: ErrorLocation;
      readonly error: string;
    };

/**
 * Builds the REPs of a payments export on a worker thread (see the module comment): the same items,
 * in the same order, as `buildReps` over the records of the same bytes.
 */
export async function* buildRepsOnThread(
  chunks: AsyncIterable<Uint8Array>,
  config: SalesConfig,
  options: BuildRepsOnThreadOptions = {},
): AsyncGenerator<RepThreadItem> {
  const { stats, ...rest } = options;
  const setup: Setup = { role: ROLE, config, options: rest };
  const worker = new Worker(
    workerModule(import.meta.url, './thread.js', '../../dist/src/payments/thread.js'),
    {
      workerData: setup,
    },
  );
  const replies: Reply[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  let finished = false;
  const arrived = (): void => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (reply: Reply) => {
    replies.push(reply);
    arrived();
  });
  worker.on('error', (err) => {
    failure ??= err;
    arrived();
  });
  worker.on('exit', (code) => {
    if (!finished) failure ??= new Error(`the REP worker stopped (exit code ${code})`);
    arrived();
  });
  // The bytes go over as they are read (copies, transferred); a read failure ends the run.
  const pump = (async () => {
    for await (const chunk of chunks) {
      const copy = new Uint8Array(chunk);
      worker.postMessage({ kind: 'chunk', bytes: copy }, [copy.buffer]);
    }
    worker.postMessage({ kind: 'end' });
  })().catch((err: unknown) => {
    failure ??= err;
    arrived();
  });
  try {
    for (;;) {
      const reply = replies.shift();
      if (reply === undefined) {
        if (failure !== undefined) throw failure;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (reply.kind === 'failed') {
        if (reply.code === undefined) throw new Error(`REP worker failed: ${reply.error}`);
        throw new CfdiLayoutError(
          reply.code,
          reply.error,
          reply.location === undefined ? {} : { location: reply.location },
        );
      }
      if (reply.kind === 'done') {
        finished = true;
        if (stats !== undefined) stats.rows += reply.rows;
        return;
      }
      worker.postMessage({ kind: 'credit' });
      yield* reply.items;
    }
  } finally {
    finished = true;
    await worker.terminate();
    await pump;
  }
}

/** What the caller's thread sends: the export's bytes, their end, and a credit per batch taken. */
type Request =
  | { readonly kind: 'chunk'; readonly bytes: Uint8Array }
  | { readonly kind: 'end' }
  | { readonly kind: 'credit' };

/** The thread: builds every REP of the file and sends them in batches, as credits allow. */
function serve(setup: Setup, port: MessagePort): void {
  let credits = CREDITS;
  let resume: (() => void) | undefined;
  const received: Uint8Array[] = [];
  let ended = false;
  let more: (() => void) | undefined;
  port.on('message', (request: Request) => {
    if (request.kind === 'credit') {
      credits++;
      resume?.();
      resume = undefined;
      return;
    }
    if (request.kind === 'chunk') received.push(request.bytes);
    else ended = true;
    more?.();
    more = undefined;
  });
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = received.shift();
      if (chunk !== undefined) yield chunk;
      else if (ended) return;
      else
        await new Promise<void>((resolve) => {
          more = resolve;
        });
    }
  }
  const send = async (items: RepThreadItem[]): Promise<void> => {
    while (credits <= 0)
      await new Promise<void>((resolve) => {
        resume = resolve;
      });
    credits--;
    const transfer = items.flatMap((i) =>
      i.kind === 'output' ? [i.value.content.buffer as ArrayBuffer] : [],
    );
    port.postMessage({ kind: 'batch', items } satisfies Reply, transfer);
  };
  const encoder = new TextEncoder();
  const run = async (): Promise<void> => {
    const stats = { rows: 0 };
    const records = readSalesRecords(chunks(), { ...setup.options.read, columnSet: PAYMENT_COLUMN_SET });
    let batch: RepThreadItem[] = [];
    for await (const item of buildReps(records, setup.config, { ...setup.options, stats })) {
      if (item.kind === 'output') {
        const { comprobante: _c, text, ...rest } = item.value;
        const content = encoder.encode(text);
        const sha256 = createHash('sha256').update(content).digest('hex');
        batch.push({ kind: 'output', value: { ...rest, content, sha256 } });
      } else batch.push(item);
      if (batch.length === BATCH) {
        await send(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await send(batch);
    port.postMessage({ kind: 'done', rows: stats.rows } satisfies Reply);
  };
  run().catch((err: unknown) => {
    const reply: Reply = isCfdiLayoutError(err)
      ? {
          kind: 'failed',
          code: err.code,
          ...(err.location === undefined ? {} : { location: err.location }),
          error: err.message,
        }
      : { kind: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    port.postMessage(reply);
  });
}

if (!isMainThread && parentPort !== null && (workerData as { role?: string } | null)?.role === ROLE) {
  serve(workerData as Setup, parentPort);
}
