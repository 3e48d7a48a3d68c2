import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { WORKER_MIN_BYTES } from '../../src/batch/build-sales-export.js';
import type { ValidationLevel } from '../../src/batch/index.js';
import { type BundleFile, uniqueNames } from '../../src/bundle/index.js';
import {
  buildReps,
  buildRepsOnThread,
  type RepDocument,
  type RepItem,
  type RepThreadItem,
} from '../../src/payments/index.js';
import { PAYMENT_COLUMN_SET } from '../../src/sales/index.js';
import { checkCsdRfc } from '../../src/sealing/seal.js';
import { type CommandResult, usage } from '../command.js';
import { type CsdArgs, csdFromArgs } from '../csd-option.js';
import { writeFileNow, writeText } from '../io.js';
import type { PagosTarget } from './build.js';
import {
  loadSalesConfig,
  openSales,
  RejectsWriter,
  resolveLayout,
  type SalesInputArgs,
  StagedOutputs,
  writeBundles,
} from './build.js';

/*
 * `build PAGOS.csv --to pagos-xml | pagos-zip`: a payments export (one row per payment × paid
 * invoice) to one REP (CFDI tipo P with Pagos 2.0) per payment, the work done by the library's
 * buildReps; this module opens, writes and reports, as the sales targets do.
 */

/** The options `build` passes for a payments target. */
export interface PagosBuildArgs extends SalesInputArgs, CsdArgs {
  to: PagosTarget;
  out?: string | undefined;
  'max-files'?: number | undefined;
  'max-bytes'?: number | undefined;
  validate?: ValidationLevel | undefined;
  jobs?: number | undefined;
}

/** What a payments target writes of each REP: its text, or its bytes and their hash from the thread. */
type RepOut = Pick<RepDocument, 'name' | 'serie' | 'folio' | 'total'> & {
  readonly content: string | Uint8Array;
  readonly sha256?: string;
};

/**
 * Whether the REPs are built on a thread of their own while this one writes them: `--jobs N ≥ 1`
 * asks for it; by default, an export over WORKER_MIN_BYTES on a machine with more than one CPU.
 */
function onThread(args: PagosBuildArgs, size: number): boolean {
  if (args.jobs !== undefined) return args.jobs >= 1;
  return size >= WORKER_MIN_BYTES && availableParallelism() > 1;
}

async function* counted(
  items: AsyncIterable<RepItem | RepThreadItem>,
  rejects: RejectsWriter,
  counts: { payments: number; written: number; rejected: number },
): AsyncGenerator<RepOut> {
  for await (const item of items) {
    counts.payments++;
    if (item.kind === 'reject') {
      counts.rejected++;
      await rejects.write(item.reject);
    } else {
      counts.written++;
      const value = item.value;
      yield 'text' in value ? { ...value, content: value.text } : value;
    }
  }
}

/** Runs a payments target of `build`. */
export async function runPagosBuild(args: PagosBuildArgs): Promise<CommandResult> {
  const out = args.out ?? '-';
  if (out === '-')
    throw usage(
      args.to === 'pagos-zip' ? '--to pagos-zip needs --out FILE.zip' : `--to ${args.to} needs --out DIR`,
    );
  const { config, dir: configDir } = await loadSalesConfig(args.config);
  const layout =
    args.to === 'pagos-layout' ? await resolveLayout(args.layout ?? config.layout, configDir) : undefined;
  const maxFiles = args['max-files'] ?? config.bundle.maxFiles;
  const maxBytes = args['max-bytes'] ?? config.bundle.maxBytes;
  if (!Number.isInteger(maxFiles) || maxFiles < 1) throw usage('--max-files must be a whole number ≥ 1');
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw usage('--max-bytes must be a whole number ≥ 1');
  if (args.jobs !== undefined && (!Number.isInteger(args.jobs) || args.jobs < 0))
    throw usage('--jobs must be a whole number ≥ 0');
  const csd = await csdFromArgs(args);
  if (csd !== undefined) {
    if (layout !== undefined) throw usage('--cer/--key seal XML: use them with --to pagos-xml or pagos-zip');
    checkCsdRfc(config.emisor.rfc, csd);
  }
  const source = await openSales(args, config, { set: PAYMENT_COLUMN_SET, renames: config.pagos.columns });
  const staged = new StagedOutputs();
  const stats = { rows: 0 };
  const counts = { payments: 0, written: 0, rejected: 0 };
  const outputs: Record<string, unknown> = { target: args.to };
  try {
    const rejects = await RejectsWriter.open(
      args,
      args.rejects === undefined ? undefined : await staged.file(args.rejects),
      'payment',
    );
    const validation = args.validate ?? 'fast';
    const threaded = onThread(args, source.size);
    outputs.threads = threaded ? 1 : 0;
    const items = threaded
      ? buildRepsOnThread(source.chunks(), config, { read: source.read, csd, layout, stats, validation })
      : buildReps(source.records(), config, { csd, layout, stats, validation });
    const unique = uniqueNames();
    try {
      if (args.to !== 'pagos-zip') {
        const dir = await staged.dir(out);
        for await (const rep of counted(items, rejects, counts))
          writeFileNow(join(dir, unique(rep.name)), rep.content);
        outputs.dir = out;
      } else {
        async function* files(): AsyncGenerator<BundleFile> {
          for await (const rep of counted(items, rejects, counts)) {
            yield {
              name: unique(rep.name),
              content: rep.content,
              ...(rep.sha256 === undefined ? {} : { sha256: rep.sha256 }),
              serie: rep.serie,
              folio: rep.folio,
              total: rep.total,
            };
          }
        }
        const bundles = await writeBundles(files(), out, { maxFiles, maxBytes });
        outputs.zips = bundles.zips;
        outputs.manifest = bundles.manifest;
      }
    } finally {
      await rejects.close();
    }
    await staged.commit();
    await rejects.report();
    await writeText(
      process.stderr,
      `build ${args.to}: read ${stats.rows} rows, ${counts.payments} payments: ${counts.written} REPs written, ${counts.rejected} rejected\n`,
    );
    Object.assign(outputs, { rows: stats.rows, ...counts });
    if (args.rejects !== undefined) outputs.rejects = args.rejects;
    return { ok: counts.rejected === 0, issues: rejects.jsonIssues(), outputs };
  } catch (err) {
    await staged.discard();
    throw err;
  } finally {
    await source.cleanup();
  }
}
