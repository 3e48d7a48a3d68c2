import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import {
  type BundleFile,
  type BundleReport,
  uniqueNames,
  type WriteZipBundlesOptions,
  writeZipBundles,
} from '../bundle/zip.js';
import { CfdiLayoutError } from '../errors.js';
import type { LayoutDefinition } from '../layouts/definition.js';
import { DEFAULT_LAYOUT_ID, isBuiltInLayoutId, LAYOUTS } from '../layouts/registry.js';
import type { SalesConfig } from '../sales/config.js';
import type { GroupOrder } from '../sales/group.js';
import { type CsvDelimiter, readSalesRecords, type SalesFormat } from '../sales/readers.js';
import type { TicketReject } from '../sales/rejects.js';
import { groupRecords, type SalesStats } from '../sales/ticket.js';
import type { Csd } from '../sealing/csd.js';
import { checkCsdRfc } from '../sealing/seal.js';
import { emptyCounts } from './build-item.js';
import type { ValidationLevel } from './comprobante.js';
import { sliceFormat } from './cut.js';
import { LineSink, openLineFile } from './line-sink.js';
import type { Order } from './orders.js';
import { type PoolRun, pooledLines, pooledResults } from './pool.js';
import { type Produced, produceTickets, type StageSpec, ticketsOf } from './stage.js';

/*
 * A whole sales export built in one call, on the calling thread or on worker threads (pool.ts), with
 * the same outputs, rejects and counts either way. Outputs are handed over in input order: lines are
 * written to the given file or stream; orders and documents go to the caller's callback, which is
 * awaited, so a slow writer holds the build back instead of filling memory; ZIPs go to the streams
 * the caller opens. The order check (`onSplit: 'throw'`) is what lets the export be cut: a ticket
 * whose rows reappear stops the run with `SALES_UNSORTED`, and the caller starts over unsorted.
 */

/** Below this input size (about 20,000 rows), starting worker threads costs more than it saves. */
export const WORKER_MIN_BYTES = 2 * 1024 * 1024;
/** Rows between two progress reports of the calling thread. */
const PROGRESS_ROWS = 1024;
/** Bytes read at a time by the calling thread. */
const READ_CHUNK = 1 << 20;

/** How far a build has read, for a progress bar; both counts only grow. */
export interface BuildProgress {
  /** Data rows read so far. */
  readonly rows: number;
  /** Bytes of the export read so far. */
  readonly bytes: number;
}

/** One document of the layout, xml or zip target, in input order. */
export interface BuildDocument {
  /** File name (`SERIE-FOLIO.xml` / `.txt`), unique within the run: a repeated name gets `-2`, `-3`… */
  readonly name: string;
  /** The document's UTF-8 bytes. */
  readonly content: Uint8Array;
  readonly serie: string;
  readonly folio: string;
  readonly total: string;
}

/** Options of {@link buildSalesExport} that every target takes. */
export interface BuildSalesExportCommonOptions {
  /** Path of the sales export: CSV with a header, JSON array or JSON lines. */
  readonly input: string;
  readonly config: SalesConfig;
  /**
   * The layout of the insumo / archivoFuente (tralix targets) or of the layout target. Defaults to
   * the built-in layout the config names; a definition file must be loaded by the caller
   * (`loadLayoutDefinition`).
   */
  readonly layout?: LayoutDefinition | undefined;
  /** SAT rules run per document. Defaults to `fast`. */
  readonly validation?: ValidationLevel | undefined;
  /** xml, zip: the emisor's CSD to seal each document with. Defaults to none (unsigned pre-CFDI). */
  readonly csd?: Csd | undefined;
  /** Defaults to the config's `input.format`, else guessed from the first character. */
  readonly format?: SalesFormat | undefined;
  /** Defaults to the config's `input.delimiter`, else guessed from the header. */
  readonly delimiter?: CsvDelimiter | undefined;
  /** Defaults to the config's `input.encoding`. */
  readonly encoding?: 'utf8' | 'latin1' | undefined;
  /** Are a ticket's rows together (`sorted`, streamed) or anywhere (`unsorted`, held)? Defaults to `sorted`. */
  readonly order?: GroupOrder | undefined;
  /**
   * Sorted order: what a ticket whose rows appear again after it closed does. `throw` stops the run
   * with `SALES_UNSORTED` (outputs handed over until then are to be dropped; start over with order
   * `unsorted`); `reject` rejects those rows as `SALES_TICKET_SPLIT` and keeps the build on the
   * calling thread. Defaults to `throw`.
   */
  readonly onSplit?: 'reject' | 'throw' | undefined;
  /**
   * Worker threads that build pieces of the export. They run only for sorted order with `onSplit`
   * `throw`, a CSV or JSON lines export (a JSON array cannot be cut) of at least `minParallelBytes`;
   * otherwise the calling thread builds. Defaults to 0 (the calling thread).
   */
  readonly jobs?: number | undefined;
  /** The smallest export worth starting worker threads for. Defaults to {@link WORKER_MIN_BYTES}. */
  readonly minParallelBytes?: number | undefined;
  /**
   * Called with each rejected ticket in input order, and awaited. Defaults to collecting them in the
   * result's `rejects`.
   */
  readonly onReject?: ((reject: TicketReject) => void | Promise<void>) | undefined;
  /** Called as rows are read (every 1,024 rows or so, and at the end). Defaults to none. */
  readonly onProgress?: ((progress: BuildProgress) => void) | undefined;
}

/** Where the outputs of each target go. */
export type BuildSalesExportOutputs =
  | {
      readonly target: 'tralix-tickets' | 'tralix-async';
      /** One JSON request per line: a file (created, its folder too) or a stream, left open. */
      readonly out: string | Writable;
    }
  | {
      readonly target: 'orders';
      /** Called with each ticket's orders in input order, and awaited. */
      readonly onOrders: (orders: readonly Order[]) => void | Promise<void>;
    }
  | {
      readonly target: 'layout' | 'xml';
      /** Called with each document in input order, and awaited. */
      readonly onDocument: (document: BuildDocument) => void | Promise<void>;
    }
  | {
      readonly target: 'zip';
      /** The XML documents go into ZIPs for timbrado masivo (see `writeZipBundles`). */
      readonly zip: WriteZipBundlesOptions;
    };

/** Options of {@link buildSalesExport}: the export, the target and where its outputs go. */
export type BuildSalesExportOptions = BuildSalesExportCommonOptions & BuildSalesExportOutputs;

/** What {@link buildSalesExport} did; the counts reconcile: `tickets === written + rejected + skipped`. */
export interface BuildSalesExportResult {
  /** Data rows read (header excluded). */
  readonly rows: number;
  /** Tickets formed (a row without a ticket number counts as one). */
  readonly tickets: number;
  readonly written: number;
  readonly rejected: number;
  /** Tickets the target does not handle (no receptor for an invoice target: left for the factura global). */
  readonly skipped: number;
  /** Worker threads that built the export; 0 when the calling thread did. */
  readonly threads: number;
  /** The rejected tickets in input order, each with its rows, field, code and message; empty with `onReject`. */
  readonly rejects: readonly TicketReject[];
  /** zip: the ZIPs written and their manifest (see `manifestJson`). */
  readonly bundle?: BundleReport;
}

function layoutOf(options: BuildSalesExportOptions): LayoutDefinition {
  if (options.layout !== undefined) return options.layout;
  const id = options.config.layout;
  if (isBuiltInLayoutId(id)) return LAYOUTS[id];
  // Orders and XML use no layout: any definition will do.
  if (options.target === 'orders' || options.target === 'xml' || options.target === 'zip')
    return LAYOUTS[DEFAULT_LAYOUT_ID];
  throw new CfdiLayoutError(
    'LAYOUT_UNKNOWN',
    `the config names layout ${JSON.stringify(id)}, no built-in layout (${Object.keys(LAYOUTS).join(', ')}): load the definition file and pass it as layout`,
  );
}

/** The export's size; a missing or unreadable file is an `IO` error. */
async function inputSize(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    throw new CfdiLayoutError(
      'IO',
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { cause: err, location: { file: path } },
    );
  }
  if (!info.isFile()) throw new CfdiLayoutError('IO', `${path} is not a file`, { location: { file: path } });
  return info.size;
}

/** The option errors that stop a build before anything is read. */
function checkOptions(options: BuildSalesExportOptions): void {
  const { jobs, config, csd, target } = options;
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 0))
    throw new CfdiLayoutError('USAGE', `jobs must be a whole number ≥ 0, not ${jobs}`);
  if (target === 'tralix-async' && config.tralix.idTipoCfd === undefined) {
    throw new CfdiLayoutError(
      'CONFIG_INVALID',
      'target tralix-async needs tralix.idTipoCfd in the config (seed 002)',
    );
  }
  if (csd !== undefined) {
    if (target !== 'xml' && target !== 'zip')
      throw new CfdiLayoutError('USAGE', `a CSD seals XML: target ${target} takes none`);
    // One emisor for the whole export: a CSD of another RFC fails before anything is built.
    checkCsdRfc(config.emisor.rfc, csd);
  }
}

/**
 * Builds a sales export (one row per ticket line, see the sales export contract) into one target:
 * tralix-tickets or tralix-async request lines, orders, layout or XML documents, or ZIPs of XML.
 * Bad rows never stop the build: each rejected ticket is reported with its rows and the finding's
 * field, SAT or sales code and message. With `jobs`, a large sorted export is cut between tickets and
 * built on worker threads, and its outputs, rejects and counts are exactly those of the calling
 * thread. Only I/O and option errors throw, and `SALES_UNSORTED` with `onSplit: 'throw'`.
 */
export async function buildSalesExport(options: BuildSalesExportOptions): Promise<BuildSalesExportResult> {
  checkOptions(options);
  const { config, input } = options;
  const spec: StageSpec = {
    target: options.target,
    config,
    layout: layoutOf(options),
    validation: options.validation ?? 'fast',
    csd: options.csd,
  };
  const size = await inputSize(input);
  const order = options.order ?? 'sorted';
  const onSplit = options.onSplit ?? 'throw';
  const jobs = options.jobs ?? 0;
  const reading = {
    format: options.format ?? config.input.format,
    delimiter: options.delimiter ?? config.input.delimiter,
    encoding: options.encoding ?? config.input.encoding,
  };
  const read =
    jobs >= 1 &&
    order === 'sorted' &&
    onSplit === 'throw' &&
    size >= (options.minParallelBytes ?? WORKER_MIN_BYTES)
      ? await sliceFormat(input, reading)
      : undefined;

  const stats: SalesStats = { rows: 0, tickets: 0 };
  const counts = emptyCounts();
  const rejects: TicketReject[] = [];
  const onReject = options.onReject ?? ((reject: TicketReject) => void rejects.push(reject));
  const onProgress = options.onProgress;
  let run: PoolRun | undefined;
  let items: AsyncIterable<Produced>;
  if (read !== undefined) {
    const progress = { rows: 0, bytes: 0 };
    run = {
      path: input,
      size,
      read,
      spec,
      jobs,
      stats,
      progress: (rows, bytes) => {
        progress.rows += rows;
        progress.bytes += bytes;
        onProgress?.({ rows: progress.rows, bytes: progress.bytes });
      },
    };
    // Line targets run in ranges (pooledLines below); the generator is lazy, so it starts only for the others.
    items = pooledResults(run);
  } else {
    const file = { bytes: 0 };
    async function* chunks(): AsyncGenerator<Buffer> {
      for await (const chunk of createReadStream(input, { highWaterMark: READ_CHUNK })) {
        file.bytes += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    const records = readSalesRecords(chunks(), { ...reading, columns: config.columns });
    const groups = groupRecords(records, { order, onSplit, stats });
    items = produceTickets(
      ticketsOf(onProgress === undefined ? groups : reported(groups, stats, file, onProgress), config),
      spec,
    );
  }

  let bundle: BundleReport | undefined;
  const settle = (item: Produced): Promise<void> | void => {
    counts.tickets++;
    if (item.kind === 'reject') {
      counts.rejected++;
      return onReject(item.reject);
    }
    if (item.kind === 'skip') counts.skipped++;
    else counts.written++;
  };
  switch (options.target) {
    case 'tralix-tickets':
    case 'tralix-async': {
      const out = options.out;
      const sink = typeof out === 'string' ? await openLineFile(out) : new LineSink(out, false);
      try {
        if (run !== undefined) {
          for await (const range of pooledLines(run, typeof out === 'string' ? out : undefined)) {
            await sink.file(range.part);
            counts.tickets += range.written;
            counts.written += range.written;
            for (const item of range.results) await settle(item);
          }
        } else {
          for await (const item of items) {
            await settle(item);
            if (item.kind === 'line') await sink.line(item.text);
          }
        }
      } catch (err) {
        // A failed run still lets go of the file; its error is the one that counts.
        await sink.close().catch(() => undefined);
        throw err;
      }
      await sink.close();
      break;
    }
    case 'orders': {
      const onOrders = options.onOrders;
      for await (const item of items) {
        await settle(item);
        if (item.kind === 'orders') await onOrders(item.orders);
      }
      break;
    }
    case 'layout':
    case 'xml': {
      const onDocument = options.onDocument;
      const unique = uniqueNames();
      for await (const item of items) {
        await settle(item);
        if (item.kind === 'document')
          await onDocument({
            name: unique(item.name),
            content: typeof item.content === 'string' ? Buffer.from(item.content, 'utf8') : item.content,
            serie: item.serie,
            folio: item.folio,
            total: item.total,
          });
      }
      break;
    }
    case 'zip': {
      const unique = uniqueNames();
      async function* files(): AsyncGenerator<BundleFile> {
        for await (const item of items) {
          await settle(item);
          if (item.kind === 'document') {
            yield {
              name: unique(item.name),
              content: item.content,
              serie: item.serie,
              folio: item.folio,
              total: item.total,
              ...(item.sha256 === undefined ? {} : { sha256: item.sha256 }),
            };
          }
        }
      }
      bundle = await writeZipBundles(files(), options.zip);
      break;
    }
  }
  return {
    rows: stats.rows,
    tickets: counts.tickets,
    written: counts.written,
    rejected: counts.rejected,
    skipped: counts.skipped,
    threads: run === undefined ? 0 : jobs,
    rejects,
    ...(bundle === undefined ? {} : { bundle }),
  };
}

/** Passes the groups on, reporting the rows and bytes read every {@link PROGRESS_ROWS} rows and at the end. */
async function* reported<T>(
  groups: AsyncIterable<T>,
  stats: SalesStats,
  file: { readonly bytes: number },
  onProgress: (progress: BuildProgress) => void,
): AsyncGenerator<T> {
  let last = 0;
  for await (const group of groups) {
    if (stats.rows - last >= PROGRESS_ROWS) {
      last = stats.rows;
      onProgress({ rows: stats.rows, bytes: file.bytes });
    }
    yield group;
  }
  onProgress({ rows: stats.rows, bytes: file.bytes });
}
