import { createReadStream, createWriteStream, existsSync, readdirSync, renameSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { BlockFileStream } from '../../src/batch/block-file.js';
import {
  BUILD_TARGETS,
  type BuildCounts,
  type BuildSalesExportCommonOptions,
  type BuildSalesExportResult,
  type BuildTarget,
  buildSalesExport,
  isLineTarget,
  type Order,
  ordersJson,
  type ValidationLevel,
} from '../../src/batch/index.js';
import {
  type BundleFile,
  type BundleReport,
  manifestJson,
  type WriteZipBundlesOptions,
  writeZipBundles,
} from '../../src/bundle/index.js';
import { CfdiLayoutError, isCfdiLayoutError } from '../../src/errors.js';
import type { IssueJson } from '../../src/issues.js';
import {
  isBuiltInLayoutId,
  LAYOUTS,
  type LayoutDefinition,
  loadLayoutDefinition,
} from '../../src/layouts/index.js';
import {
  type ColumnSet,
  type CsvDelimiter,
  type GroupOrder,
  parseSalesConfig,
  type ReadSalesOptions,
  readSalesRecords,
  rejectToJsonLine,
  type SalesConfig,
  type SalesFormat,
  type SalesRecord,
  type SalesStats,
  type TicketReject,
} from '../../src/sales/index.js';
import { checkCsdRfc } from '../../src/sealing/seal.js';
import { type CommandResult, type GlobalArgs, runCommand, usage } from '../command.js';
import { type CsdArgs, csdFromArgs, csdOptions } from '../csd-option.js';
import { type LineSink, openLines, writeFileNow, writeText } from '../io.js';
import type { PagosBuildArgs } from './build-pagos.js';

/*
 * Shared by build and global: the config, the sales input (with the order check and the spill of
 * standard input), the progress bar, the rejects file and the summary. The library does the work
 * (`buildSalesExport`, on worker threads too); this module opens files and reports.
 */

/** The targets of `build` for a payments export (build-pagos.ts): one REP per payment. */
export const PAGOS_TARGETS = ['pagos-xml', 'pagos-layout', 'pagos-zip'] as const;

/** One payments target. */
export type PagosTarget = (typeof PAGOS_TARGETS)[number];

/** Default config file, looked up in the working directory. */
export const DEFAULT_CONFIG = 'cfdi-layout.config.json';
/** At most this many rejects are listed as issues in the `--json` document (all are in --rejects). */
const JSON_ISSUE_LIMIT = 1000;

/** Options of commands that read a sales export. */
export interface SalesInputArgs extends GlobalArgs {
  input: string;
  config?: string | undefined;
  rejects?: string | undefined;
  order?: 'auto' | 'sorted' | 'unsorted' | undefined;
  encoding?: 'utf8' | 'latin1' | undefined;
  delimiter?: string | undefined;
  format?: SalesFormat | undefined;
  layout?: string | undefined;
  progress?: boolean | undefined;
}

/** Adds the options every sales command takes. */
export function withSalesInputOptions<T>(y: Argv<T>) {
  return y
    .positional('input', {
      type: 'string',
      demandOption: true,
      describe: 'Sales export: CSV, JSON array or JSON lines (- for stdin)',
    })
    .option('config', { type: 'string', describe: `Config file (default ./${DEFAULT_CONFIG})` })
    .option('rejects', {
      type: 'string',
      describe: 'Write rejected tickets here as JSON lines (default: report them on stderr)',
    })
    .option('order', {
      choices: ['auto', 'sorted', 'unsorted'] as const,
      describe: "Are a ticket's rows together? auto checks first (default: config input.order, else auto)",
    })
    .option('encoding', {
      choices: ['utf8', 'latin1'] as const,
      describe: 'Text encoding of the export (default: config, else utf8)',
    })
    .option('delimiter', {
      type: 'string',
      describe: 'CSV delimiter: , ; | or tab (default: guessed from the header)',
    })
    .option('format', {
      choices: ['csv', 'json', 'jsonl'] as const,
      describe: 'Input format (default: guessed)',
    })
    .option('layout', {
      type: 'string',
      describe: 'Layout id or definition file (default: config layout, else tralix-40)',
    })
    .option('progress', {
      type: 'boolean',
      default: true,
      describe: 'Progress bar on a terminal (--no-progress to hide)',
    });
}

/** Reads and checks the config file; a missing or invalid config is `CONFIG_INVALID` (exit 2). */
export async function loadSalesConfig(
  path: string | undefined,
): Promise<{ config: SalesConfig; dir: string }> {
  const file = path ?? DEFAULT_CONFIG;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new CfdiLayoutError(
      'CONFIG_INVALID',
      path === undefined
        ? `no ${DEFAULT_CONFIG} in the working directory (${code}): pass --config FILE`
        : `cannot read config ${file}: ${code}`,
      { cause: err, location: { file } },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new CfdiLayoutError(
      'CONFIG_INVALID',
      `config ${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
        location: { file },
      },
    );
  }
  return { config: parseSalesConfig(json, file), dir: dirname(resolve(file)) };
}

/** The layout to use: a built-in id, or a definition file (relative to the config's folder). */
export async function resolveLayout(id: string, configDir: string): Promise<LayoutDefinition> {
  if (isBuiltInLayoutId(id)) return LAYOUTS[id];
  const file = isAbsolute(id) || existsSync(id) ? id : join(configDir, id);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new CfdiLayoutError(
      'LAYOUT_UNKNOWN',
      `layout ${JSON.stringify(id)} is no built-in layout (${Object.keys(LAYOUTS).join(', ')}) and no readable definition file: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return loadLayoutDefinition(json);
}

function delimiterOf(text: string | undefined): CsvDelimiter | undefined {
  if (text === undefined) return undefined;
  const value = text === 'tab' || text === '\\t' ? '\t' : text;
  if (value === ',' || value === ';' || value === '|' || value === '\t') return value;
  throw usage(`--delimiter must be , ; | or tab, not ${JSON.stringify(text)}`);
}

/** An opened sales export: how to read it (again) and the grouping order it asks for. */
export interface SalesSource {
  /** `auto` starts sorted and starts over unsorted if a ticket's rows turn out not to be together. */
  readonly order: 'auto' | GroupOrder;
  /** The file read (standard input's spill file). */
  readonly path: string;
  /** Bytes of the input file (for the progress bar). */
  readonly size: number;
  /** Bytes read so far by the current pass. */
  bytesRead(): number;
  /** Reads the export from the start. */
  records(): AsyncIterable<SalesRecord>;
  /** The export's bytes from the start (what records() reads). */
  chunks(): AsyncIterable<Uint8Array>;
  /** How records() reads it (for a thread that reads the file itself). */
  readonly read: Pick<ReadSalesOptions, 'format' | 'delimiter' | 'encoding' | 'columns'>;
  /** Removes the spill file of standard input, if any. */
  cleanup(): Promise<void>;
}

/**
 * Opens the sales export. Standard input is first copied to a temporary file (disk, not memory) so
 * that order `auto` can read it a second time; the copy is removed by `cleanup`.
 */
export async function openSales(
  args: SalesInputArgs,
  config: SalesConfig,
  columns: { readonly set?: ColumnSet; readonly renames?: Readonly<Record<string, string | undefined>> } = {},
): Promise<SalesSource> {
  const order = args.order ?? config.input.order;
  let path = args.input;
  let spill: string | undefined;
  if (path === '-') {
    spill = await mkdtemp(join(tmpdir(), 'cfdi-layout-stdin-'));
    path = join(spill, 'input');
    await pipeline(process.stdin, createWriteStream(path));
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw usage(`${path} is not a file`);
    size = info.size;
  } catch (err) {
    if (err instanceof CfdiLayoutError) throw err;
    throw new CfdiLayoutError(
      'IO',
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        cause: err,
        location: { file: path },
      },
    );
  }
  const file = path;
  let bytes = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    bytes = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  const read = {
    format: args.format ?? config.input.format,
    delimiter: delimiterOf(args.delimiter) ?? config.input.delimiter,
    encoding: args.encoding ?? config.input.encoding,
    columns: columns.renames ?? config.columns,
  };
  return {
    order,
    path: file,
    size,
    bytesRead: () => bytes,
    read,
    chunks,
    records: () => readSalesRecords(chunks(), { ...read, columnSet: columns.set }),
    cleanup: async () => {
      if (spill !== undefined) await rm(spill, { recursive: true, force: true });
    },
  };
}

/** A progress bar (share of the input read, rows, rows/s) on a terminal; nothing on a pipe, with --json or --no-progress. */
export class RowProgress {
  private readonly bar: SingleBar | undefined;
  private readonly started = Date.now();
  private rows = 0;
  private bytes: number | undefined;

  constructor(
    args: SalesInputArgs,
    private readonly source: { readonly size: number; bytesRead(): number },
  ) {
    const enabled = process.stderr.isTTY === true && args.progress !== false && args.json !== true;
    if (!enabled) return;
    this.bar = new SingleBar({
      stream: process.stderr,
      format: '[{bar}] {percentage}% | {rows} rows | {speed} rows/s | ETA {eta_formatted}',
      fps: 5,
      hideCursor: null,
      clearOnComplete: true,
    });
    this.bar.start(Math.max(source.size, 1), 0, { rows: 0, speed: 0 });
  }

  /** Counts the rows flowing through (only when a bar shows them). */
  track(records: AsyncIterable<SalesRecord>): AsyncIterable<SalesRecord> {
    return this.bar === undefined ? records : this.counted(records);
  }

  private async *counted(records: AsyncIterable<SalesRecord>): AsyncGenerator<SalesRecord> {
    for await (const record of records) {
      this.rows++;
      if (this.bar !== undefined && (this.rows & 1023) === 0) this.update();
      yield record;
    }
    if (this.bar !== undefined) this.update();
  }

  /** Sets the rows and bytes read so far (by the library's build, or a worker thread). */
  set(rows: number, bytes: number): void {
    this.rows = rows;
    this.bytes = bytes;
    if (this.bar !== undefined) this.update();
  }

  private update(): void {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    this.bar?.update(this.bytes ?? this.source.bytesRead(), {
      rows: this.rows,
      speed: Math.round(this.rows / seconds),
    });
  }

  /** Removes the bar. */
  stop(): void {
    this.bar?.stop();
  }
}

/**
 * Outputs written under temporary names and put in place only when a pass succeeds, so a pass that
 * starts over (order `auto` on unsorted input) or fails leaves nothing half-written. Standard output
 * is staged in a temporary file and copied out at the end.
 */
export class StagedOutputs {
  private readonly files: Array<{ staged: string; final: string }> = [];
  private readonly dirs: Array<{ staged: string; final: string }> = [];
  private readonly tag = `${process.pid}-${Date.now().toString(36)}`;

  /** The path to write instead of `final` (a file, or `-` for standard output). */
  async file(final: string): Promise<string> {
    const staged =
      final === '-'
        ? join(await mkdtemp(join(tmpdir(), 'cfdi-layout-out-')), 'stdout')
        : `${final}.partial-${this.tag}`;
    this.files.push({ staged, final });
    return staged;
  }

  /** A staging folder whose files move into `final` on commit. */
  async dir(final: string): Promise<string> {
    const staged = join(final, `.partial-${this.tag}`);
    await mkdir(staged, { recursive: true });
    this.dirs.push({ staged, final });
    return staged;
  }

  /** Puts every staged output in place. */
  async commit(): Promise<void> {
    for (const { staged, final } of this.files) {
      if (!existsSync(staged)) continue;
      if (final === '-') {
        await pipeline(createReadStream(staged), process.stdout, { end: false });
        await rm(dirname(staged), { recursive: true, force: true });
      } else await rename(staged, final);
    }
    // A folder may hold 100,000 documents: a rename is one quick system call (about 20 µs here), and
    // sending each through the thread pool and waiting for it took three times as long.
    for (const { staged, final } of this.dirs) {
      for (const name of readdirSync(staged).sort()) renameSync(join(staged, name), join(final, name));
      await rm(staged, { recursive: true, force: true });
    }
  }

  /** Removes every staged output. */
  async discard(): Promise<void> {
    for (const { staged, final } of this.files)
      await rm(final === '-' ? dirname(staged) : staged, { recursive: true, force: true });
    for (const { staged } of this.dirs) await rm(staged, { recursive: true, force: true });
  }
}

/**
 * Runs one pass over the export per grouping order: `auto` first streams sorted (a reappearing ticket
 * throws `SALES_UNSORTED`), and on that signal runs again unsorted. Each pass stages its outputs and
 * commits them only when it completes.
 */
export async function withOrderFallback<T>(
  source: SalesSource,
  pass: (order: GroupOrder, onSplit: 'reject' | 'throw', staged: StagedOutputs) => Promise<T>,
): Promise<T> {
  const orders: Array<[GroupOrder, 'reject' | 'throw']> =
    source.order === 'auto'
      ? [
          ['sorted', 'throw'],
          ['unsorted', 'reject'],
        ]
      : [[source.order, 'reject']];
  for (const [order, onSplit] of orders) {
    const staged = new StagedOutputs();
    try {
      const result = await pass(order, onSplit, staged);
      await staged.commit();
      return result;
    } catch (err) {
      await staged.discard();
      if (!(onSplit === 'throw' && isCfdiLayoutError(err, 'SALES_UNSORTED'))) throw err;
    }
  }
  throw new CfdiLayoutError('SALES_UNSORTED', 'the input could not be grouped by ticket');
}

/** Where rejected tickets go: the --rejects file as JSON lines, or stderr as one line each. */
export class RejectsWriter {
  private readonly issues: IssueJson[] = [];
  /** Reject lines for stderr, printed only when the pass succeeds (a pass may start over). */
  private readonly pendingStderr: string[] = [];
  private listed = 0;

  private constructor(
    private readonly sink: LineSink | undefined,
    private readonly json: boolean,
    private readonly noun: 'ticket' | 'payment',
  ) {}

  /**
   * Opens the writer for the command's options; `path` is where the rejects file goes (staged).
   * `noun` names what a reject is in the messages: a sales ticket, or a payment of a payments export.
   */
  static async open(
    args: SalesInputArgs,
    path: string | undefined,
    noun: 'ticket' | 'payment' = 'ticket',
  ): Promise<RejectsWriter> {
    return new RejectsWriter(
      path === undefined ? undefined : await openLines(path),
      args.json === true,
      noun,
    );
  }

  /** Records one rejected ticket. */
  async write(reject: TicketReject): Promise<void> {
    if (this.sink !== undefined) await this.sink.line(rejectToJsonLine(reject));
    const where = `${reject.ticket === null ? `row without ${this.noun}` : `${this.noun} ${reject.ticket}`}${reject.sucursal === '' ? '' : ` (sucursal ${reject.sucursal})`}, row${reject.rows.length === 1 ? '' : 's'} ${reject.rows.join(', ')}`;
    if (this.json) {
      if (this.listed < JSON_ISSUE_LIMIT) {
        this.issues.push({
          code: reject.code,
          path: reject.field,
          message: `${where}: ${reject.message}`,
          severity: 'error',
        });
      }
      this.listed++;
    } else if (this.sink === undefined) {
      const more = reject.issues.length > 1 ? ` (+${reject.issues.length - 1} more)` : '';
      this.pendingStderr.push(
        `reject ${where}: ${reject.code}${reject.field === '' ? '' : ` ${reject.field}`}: ${reject.message}${more}\n`,
      );
    }
  }

  /** Prints the rejects reported on stderr (no --rejects file, no --json); call once the pass succeeded. */
  async report(): Promise<void> {
    if (this.pendingStderr.length > 0) await writeText(process.stderr, this.pendingStderr.join(''));
    this.pendingStderr.length = 0;
  }

  /** Issues for the `--json` document. */
  jsonIssues(): IssueJson[] {
    if (this.listed <= JSON_ISSUE_LIMIT) return this.issues;
    return [
      ...this.issues,
      {
        code: 'REJECTS_TRUNCATED',
        path: '',
        message: `${this.listed - JSON_ISSUE_LIMIT} more rejects are not listed; use --rejects FILE`,
        severity: 'warning',
      },
    ];
  }

  /** Closes the rejects file. */
  async close(): Promise<void> {
    await this.sink?.close();
  }
}

/** The one-line summary on stderr: read, written, rejected, skipped; they reconcile. */
export async function printSummary(
  label: string,
  stats: SalesStats,
  counts: BuildCounts,
  skipReason?: string,
): Promise<void> {
  const skipped =
    counts.skipped === 0
      ? ''
      : `, ${counts.skipped} skipped${skipReason === undefined ? '' : ` (${skipReason})`}`;
  await writeText(
    process.stderr,
    `${label}: read ${stats.rows} rows, ${counts.tickets} tickets: ${counts.written} written, ${counts.rejected} rejected${skipped}\n`,
  );
}

// ------------------------------------------------------------------------------------------- build

interface BuildArgs extends SalesInputArgs, CsdArgs {
  to: BuildTarget;
  out?: string | undefined;
  'max-files'?: number | undefined;
  'max-bytes'?: number | undefined;
  validate?: ValidationLevel | undefined;
  jobs?: number | undefined;
}

function requireDirOut(args: BuildArgs): string {
  if (args.out === undefined || args.out === '-')
    throw usage(`--to ${args.to} writes one file per document: give --out DIR`);
  return args.out;
}

/** `SERIE.zip` → `SERIE-001.zip` for the parts of a split bundle. */
export function partName(out: string, part: number, parts: number): string {
  if (parts === 1) return out;
  const ext = extname(out) || '.zip';
  const stem = extname(out) === '' ? out : out.slice(0, -ext.length);
  return `${stem}-${String(part).padStart(3, '0')}${ext}`;
}

/** `lote.zip` → `lote.manifest.json`. */
export function manifestName(out: string): string {
  const ext = extname(out);
  return `${ext === '' ? out : out.slice(0, -ext.length)}.manifest.json`;
}

/**
 * Writes files into ZIP bundles at `out` (split into `-001`, `-002`… when a limit is reached) and the
 * manifest beside them; returns the ZIP paths and the manifest path.
 */
export async function writeBundles(
  files: AsyncIterable<BundleFile> | Iterable<BundleFile>,
  out: string,
  limits: { maxFiles: number; maxBytes: number },
): Promise<{ zips: string[]; manifest: string; files: number }> {
  return bundlesAt(out, limits, (options) => writeZipBundles(files, options));
}

/**
 * The ZIP bundles at `out` that `write` fills through the streams it is given: each part staged as
 * `OUT.part-N.tmp` (removed if `write` fails), then renamed to its name, and the manifest written.
 */
async function bundlesAt(
  out: string,
  limits: { maxFiles: number; maxBytes: number },
  write: (options: WriteZipBundlesOptions) => Promise<BundleReport>,
): Promise<{ zips: string[]; manifest: string; files: number }> {
  await mkdir(dirname(resolve(out)), { recursive: true });
  const staging = (part: number) => `${out}.part-${part}.tmp`;
  let report: BundleReport;
  try {
    report = await write({ limits, open: (part) => new BlockFileStream(staging(part)) });
  } catch (err) {
    for (let part = 1; existsSync(staging(part)); part++) await rm(staging(part), { force: true });
    throw err;
  }
  const zips = report.parts.map((p) => partName(out, p.part, report.parts.length));
  for (const p of report.parts) await rename(staging(p.part), zips[p.part - 1] as string);
  const manifest = manifestName(out);
  await writeFile(
    manifest,
    manifestJson(
      report,
      zips.map((z) => basename(z)),
    ),
  );
  return { zips, manifest, files: report.manifest.length };
}

/**
 * Orders in JSON arrays of `orders.batchSize`, each the body of one POST /multiple: files
 * `orders-0001.json`… in `--out DIR` (a path without extension, or ending in /), else one array per
 * line in `--out FILE` or on stdout. `build` hands each ticket's orders to `add`; `finish` writes the
 * last array and returns what was written.
 */
async function ordersWriter(
  out: string,
  staged: StagedOutputs,
  batchSize: number,
): Promise<{ add: (orders: readonly Order[]) => Promise<void>; finish: () => Promise<string[] | string> }> {
  const toDir =
    out !== '-' &&
    (out.endsWith('/') || (existsSync(out) && (await stat(out)).isDirectory()) || extname(out) === '');
  const files: string[] = [];
  const sink = toDir ? undefined : await openLines(await staged.file(out));
  const dir = toDir ? await staged.dir(out) : out;
  let batch: Order[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const text = ordersJson(batch);
    batch = [];
    if (sink !== undefined) await sink.line(text);
    else {
      const name = `orders-${String(files.length + 1).padStart(4, '0')}.json`;
      await writeFile(join(dir, name), `${text}\n`);
      files.push(join(out, name));
    }
  };
  return {
    add: async (orders) => {
      for (const order of orders) {
        batch.push(order);
        if (batch.length >= batchSize) await flush();
      }
    },
    finish: async () => {
      await flush();
      await sink?.close();
      return toDir ? files : out;
    },
  };
}

/** What every pass of `build` reads and builds with, settled once from the options and the config. */
interface BuildSetup {
  readonly config: SalesConfig;
  readonly layout: LayoutDefinition;
  readonly validation: ValidationLevel;
  readonly csd: BuildSalesExportCommonOptions['csd'];
  readonly limits: { maxFiles: number; maxBytes: number };
}

async function runBuild(args: BuildArgs): Promise<CommandResult> {
  if ((PAGOS_TARGETS as readonly string[]).includes(args.to)) {
    const { runPagosBuild } = await import('./build-pagos.js');
    return runPagosBuild(args as unknown as PagosBuildArgs);
  }
  const out = args.out ?? '-';
  if (args.json === true && out === '-' && (isLineTarget(args.to) || args.to === 'orders')) {
    throw usage('--json prints its document on stdout: give --out FILE for the data');
  }
  if (args.to === 'zip' && out === '-') throw usage('--to zip needs --out FILE.zip');
  if (args.to === 'layout' || args.to === 'xml') requireDirOut(args);
  if (args.jobs !== undefined && (!Number.isInteger(args.jobs) || args.jobs < 0))
    throw usage('--jobs must be a whole number ≥ 0');
  const { config, dir } = await loadSalesConfig(args.config);
  const layout = await resolveLayout(args.layout ?? config.layout, dir);
  if (args.to === 'tralix-async' && config.tralix.idTipoCfd === undefined) {
    throw new CfdiLayoutError(
      'CONFIG_INVALID',
      '--to tralix-async needs tralix.idTipoCfd in the config (seed 002)',
    );
  }
  const maxFiles = args['max-files'] ?? config.bundle.maxFiles;
  const maxBytes = args['max-bytes'] ?? config.bundle.maxBytes;
  if (!Number.isInteger(maxFiles) || maxFiles < 1) throw usage('--max-files must be a whole number ≥ 1');
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw usage('--max-bytes must be a whole number ≥ 1');

  const csd = await csdFromArgs(args);
  if (csd !== undefined) {
    if (args.to !== 'xml' && args.to !== 'zip')
      throw usage('--cer/--key seal XML: use them with --to xml or zip');
    // One emisor for the whole export: a CSD of another RFC fails before anything is built.
    checkCsdRfc(config.emisor.rfc, csd);
  }
  const source = await openSales(args, config);
  const setup: BuildSetup = {
    config,
    layout,
    validation: args.validate ?? 'fast',
    csd,
    limits: { maxFiles, maxBytes },
  };
  try {
    return await withOrderFallback(source, (order, onSplit, staged) =>
      buildPass(args, setup, source, { order, onSplit }, staged),
    );
  } finally {
    await source.cleanup();
  }
}

/** The most worker threads a build starts without --jobs. */
const DEFAULT_JOBS_LIMIT = 4;

/**
 * Worker threads for `build`: by default for every target but orders (no desglose, little work per
 * ticket). Line targets leave the main thread idle, so they get a worker per CPU; documents keep the
 * main thread busy writing files or zipping, so they get one worker fewer (measured on 2 vCPUs: a
 * 20,000-invoice zip build ~10 % faster on one worker than on two). At most four by default: each
 * worker holds its own heap (~60 MB), and flat memory matters more on a shared ERP server than the
 * last cores; --jobs N asks for more.
 */
function jobsFor(args: BuildArgs): number {
  if (args.to === 'orders') return 0;
  if (args.jobs !== undefined) return args.jobs;
  const cpus = Math.min(availableParallelism(), DEFAULT_JOBS_LIMIT);
  // One CPU: a worker would only add its start and the hand-over to the same core's work.
  return cpus <= 1 ? 0 : isLineTarget(args.to) ? cpus : cpus - 1;
}

/** One pass of `build` over the export with one grouping order; outputs go to staged paths. */
async function buildPass(
  args: BuildArgs,
  setup: BuildSetup,
  source: SalesSource,
  grouping: { order: GroupOrder; onSplit: 'reject' | 'throw' },
  staged: StagedOutputs,
): Promise<CommandResult> {
  const out = args.out ?? '-';
  const progress = new RowProgress(args, { size: source.size, bytesRead: () => 0 });
  const rejects = await RejectsWriter.open(
    args,
    args.rejects === undefined ? undefined : await staged.file(args.rejects),
  );
  // The library streams sorted input on worker threads only with the order check (onSplit throw),
  // so an explicit sorted or unsorted order runs on the main thread; an explicit --jobs asks for
  // threads whatever the export's size (tests use it on small exports).
  const common: BuildSalesExportCommonOptions = {
    input: source.path,
    config: setup.config,
    layout: setup.layout,
    validation: setup.validation,
    csd: setup.csd,
    format: args.format,
    delimiter: delimiterOf(args.delimiter),
    encoding: args.encoding,
    order: grouping.order,
    onSplit: grouping.onSplit,
    jobs: jobsFor(args),
    minParallelBytes: args.jobs === undefined ? undefined : 0,
    onReject: (reject) => rejects.write(reject),
    onProgress: ({ rows, bytes }) => progress.set(rows, bytes),
  };
  const outputs: Record<string, unknown> = { target: args.to, order: grouping.order };
  let result: BuildSalesExportResult;
  try {
    switch (args.to) {
      case 'tralix-tickets':
      case 'tralix-async':
        result = await buildSalesExport({ ...common, target: args.to, out: await staged.file(out) });
        outputs.file = out;
        break;
      case 'orders': {
        const orders = await ordersWriter(out, staged, setup.config.orders.batchSize);
        result = await buildSalesExport({ ...common, target: 'orders', onOrders: orders.add });
        outputs.files = await orders.finish();
        break;
      }
      case 'layout':
      case 'xml': {
        const dir = await staged.dir(out);
        result = await buildSalesExport({
          ...common,
          target: args.to,
          onDocument: (doc) => writeFileNow(join(dir, doc.name), doc.content),
        });
        outputs.dir = out;
        break;
      }
      case 'zip': {
        let built: BuildSalesExportResult | undefined;
        const bundles = await bundlesAt(out, setup.limits, async (zip) => {
          built = await buildSalesExport({ ...common, target: 'zip', zip });
          return built.bundle as BundleReport;
        });
        result = built as BuildSalesExportResult;
        outputs.zips = bundles.zips;
        outputs.manifest = bundles.manifest;
        break;
      }
    }
  } finally {
    progress.stop();
    await rejects.close();
  }
  await rejects.report();
  const counts: BuildCounts = {
    tickets: result.tickets,
    written: result.written,
    rejected: result.rejected,
    skipped: result.skipped,
  };
  await printSummary(
    `build ${args.to}`,
    { rows: result.rows, tickets: result.tickets },
    counts,
    args.to !== 'tralix-tickets' && args.to !== 'orders'
      ? 'no receptor: left for the factura global'
      : undefined,
  );
  Object.assign(outputs, { rows: result.rows, ...counts, threads: result.threads });
  if (args.rejects !== undefined) outputs.rejects = args.rejects;
  return { ok: result.rejected === 0, issues: rejects.jsonIssues(), outputs };
}

/** `cfdi-layout build INPUT --to TARGET`: a sales export to provider payloads, layouts, XML or ZIPs. */
export const buildCommand = {
  command: 'build <input>',
  describe:
    'Sales export (CSV/JSON/JSONL) → tralix-tickets | tralix-async | orders | layout | xml | zip, or payments export → pagos-xml | pagos-layout | pagos-zip; bad rows go to --rejects',
  builder: (y: Argv<GlobalArgs>) =>
    csdOptions(withSalesInputOptions(y), 'to seal each document (xml, zip)')
      .option('to', {
        choices: [...BUILD_TARGETS, ...PAGOS_TARGETS],
        demandOption: true,
        describe:
          'What to build (pagos-xml, pagos-layout, pagos-zip: from a payments export, one REP per payment)',
      })
      .option('out', {
        type: 'string',
        describe:
          'tralix-tickets, tralix-async, orders: FILE or - (default); orders: DIR for one file per array; layout, xml: DIR; zip: FILE.zip',
      })
      .option('max-files', {
        type: 'number',
        describe: 'zip: XML files per ZIP (default: config bundle.maxFiles, 1000)',
      })
      .option('max-bytes', {
        type: 'number',
        describe: 'zip: uncompressed XML bytes per ZIP (default: config bundle.maxBytes, 50 MiB)',
      })
      .option('validate', {
        choices: ['fast', 'full'] as const,
        describe:
          'SAT rules per document: fast (rules the rows cannot settle; default) or full (every offline rule)',
      })
      .option('jobs', {
        type: 'number',
        describe:
          'Worker threads that build pieces of the export (default for exports over 2 MB: one per CPU, at most 4, for tralix-tickets and tralix-async, one fewer for documents; orders, a single CPU and 0: the main thread). Payments targets: any N ≥ 1 builds the REPs on one thread beside the one writing them (default over 2 MB on more than one CPU)',
      }) as unknown as Argv<GlobalArgs>,
  // yargs types a module's handler by the registry's loose args; the builder guarantees BuildArgs.
  handler: (args: ArgumentsCamelCase<GlobalArgs>) =>
    runCommand('build', args, () => runBuild(args as unknown as BuildArgs)),
} satisfies CommandModule<GlobalArgs, GlobalArgs>;
