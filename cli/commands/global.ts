import { readFile } from 'node:fs/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import {
  type GlobalTicket,
  globalComprobante,
  layoutWriter,
  parseExcludeList,
  renderComprobanteChunks,
  selectGlobalTickets,
  type ValidationLevel,
} from '../../src/batch/index.js';
import { CfdiLayoutError, ERROR_CODES, type ErrorCode, isCfdiLayoutError } from '../../src/errors.js';
import { type IssueJson, issueToJson } from '../../src/issues.js';
import type { LayoutDefinition } from '../../src/layouts/index.js';
import {
  type GroupOrder,
  readTickets,
  type SalesConfig,
  type SalesRecord,
  type SalesStats,
} from '../../src/sales/index.js';
import { type CommandResult, type GlobalArgs, runCommand, usage } from '../command.js';
import { openLines, writeOutput, writeText } from '../io.js';
import {
  loadSalesConfig,
  openSales,
  RejectsWriter,
  RowProgress,
  resolveLayout,
  type SalesInputArgs,
  withOrderFallback,
  withSalesInputOptions,
} from './build.js';

interface GlobalCommandArgs extends SalesInputArgs {
  periodicidad: string;
  meses: string;
  anio: string;
  to: 'xml' | 'layout';
  exclude?: string | undefined;
  out?: string | undefined;
  fecha?: string | undefined;
  folio?: string | undefined;
  validate?: ValidationLevel | undefined;
}

/** Now as SAT's t_FechaH, in local time (Fecha carries no time zone). */
function localNow(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function checkArgs(args: GlobalCommandArgs): void {
  if (!/^0[1-5]$/.test(args.periodicidad))
    throw usage(`--periodicidad must be 01 (diario) … 05 (bimestral), not ${args.periodicidad}`);
  if (!/^(0[1-9]|1[0-8])$/.test(args.meses))
    throw usage(`--meses must be 01 … 12, or 13 … 18 for bimestral, not ${args.meses}`);
  if (!/^\d{4}$/.test(args.anio)) throw usage(`--anio must be a four-digit year, not ${args.anio}`);
  if (args.folio !== undefined && !/^[^|]{1,40}$/.test(args.folio))
    throw usage('--folio must be 1 to 40 characters without |');
  if (args.fecha !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(args.fecha)) {
    throw usage(`--fecha must be YYYY-MM-DDTHH:MM:SS (local time), not ${args.fecha}`);
  }
}

async function readExclude(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CfdiLayoutError(
      'IO',
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        cause: err,
        location: { file: path },
      },
    );
  }
  try {
    parseExcludeList(text);
    return text;
  } catch (err) {
    throw new CfdiLayoutError(
      'JSON_INVALID',
      `--exclude ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
        location: { file: path },
      },
    );
  }
}

/** Everything one pass of `global` needs; plain data, so that it crosses to the pass's worker thread. */
interface GlobalPass {
  readonly args: GlobalCommandArgs;
  readonly config: SalesConfig;
  readonly layout: LayoutDefinition | undefined;
  readonly excludeText: string | undefined;
  readonly fecha: string;
  readonly order: GroupOrder;
  readonly onSplit: 'reject' | 'throw';
  /** Staged paths of the outputs (the factura global, the rejects file). */
  readonly outPath: string;
  readonly rejectsPath: string | undefined;
}

const GLOBAL_WORKER_ROLE = 'cfdi-layout-global-worker';

/**
 * One pass of `global`: reads the export, picks the tickets, builds and writes the factura global.
 * It runs on a worker thread whose heap is bounded, so the peak memory follows what the pass holds
 * (about 300 bytes per ticket in the global) rather than how lazily a large default heap collects.
 */
async function globalPass(
  pass: GlobalPass,
  report: (rows: number, bytes: number) => void,
): Promise<CommandResult> {
  const { args, config, layout, fecha, order, onSplit } = pass;
  const out = args.out ?? '-';
  const exclude = pass.excludeText === undefined ? undefined : parseExcludeList(pass.excludeText);
  const source = await openSales({ ...args, order }, config);
  const stats: SalesStats = { rows: 0, tickets: 0 };
  async function* counted(records: AsyncIterable<SalesRecord>) {
    let rows = 0;
    for await (const record of records) {
      if ((++rows & 4095) === 0) report(rows, source.bytesRead());
      yield record;
    }
    report(rows, source.bytesRead());
  }
  const tickets = readTickets(counted(source.records()), config, { order, onSplit, stats });
  const rejects = await RejectsWriter.open(args, pass.rejectsPath);
  const counts = { tickets: 0, rejected: 0, excluded: 0, nominative: 0 };
  const included: GlobalTicket[] = [];
  try {
    for await (const item of selectGlobalTickets(tickets, config, exclude === undefined ? {} : { exclude })) {
      counts.tickets++;
      if (item.kind === 'output') included.push(item.value);
      else if (item.kind === 'reject') {
        counts.rejected++;
        await rejects.write(item.reject);
      } else if (item.ticket.receptor === undefined) counts.excluded++;
      else counts.nominative++;
    }
  } finally {
    await rejects.close();
  }
  const built = globalComprobante(included, config, {
    periodicidad: args.periodicidad,
    meses: args.meses,
    anio: args.anio,
    fecha,
    ...(args.folio === undefined ? {} : { folio: args.folio }),
    validation: args.validate ?? 'fast',
  });
  const issues: IssueJson[] = [...rejects.jsonIssues(), ...built.issues.map(issueToJson)];
  for (const entry of exclude?.unmatched() ?? []) {
    issues.push({
      code: 'EXCLUDE_UNMATCHED',
      path: '',
      message: `--exclude lists ${entry}, which is no ticket of the input`,
      severity: 'warning',
    });
  }
  let written = false;
  if (built.comprobante !== undefined) {
    if (layout === undefined) {
      const sink = await openLines(pass.outPath);
      for (const piece of renderComprobanteChunks(built.comprobante)) await sink.write(piece);
      await sink.close();
      written = true;
    } else {
      const rendered = layoutWriter(layout, config).render(built.comprobante, undefined, 'invoice');
      for (const i of rendered.issues) {
        issues.push({ code: i.code, path: i.field, message: i.message, severity: 'error' });
      }
      if (rendered.text !== undefined) {
        await writeOutput(pass.outPath, rendered.text);
        written = true;
      }
    }
  }
  await rejects.report();
  const inGlobal = written ? included.length : 0;
  const notWritten =
    written || included.length === 0
      ? ''
      : ` (${included.length} tickets not written: the global has errors)`;
  await writeText(
    process.stderr,
    `global ${args.periodicidad}/${args.meses}/${args.anio}: read ${stats.rows} rows, ${counts.tickets} tickets: ${inGlobal} in the factura global${notWritten}, ${counts.rejected} rejected, ${counts.excluded} excluded, ${counts.nominative} nominative\n`,
  );
  return {
    ok: counts.rejected === 0 && !issues.some((i) => i.severity === 'error'),
    issues,
    outputs: {
      file: written ? out : null,
      order,
      rows: stats.rows,
      tickets: counts.tickets,
      included: inGlobal,
      excluded: counts.excluded,
      nominative: counts.nominative,
      rejected: counts.rejected,
      total: built.comprobante?.total ?? null,
      ...(args.rejects === undefined ? {} : { rejects: args.rejects }),
    },
  };
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === GLOBAL_WORKER_ROLE) {
  const port = parentPort;
  const pass = (workerData as { pass: GlobalPass }).pass;
  globalPass(pass, (rows, bytes) => port?.postMessage({ kind: 'progress', rows, bytes })).then(
    (result) => port?.postMessage({ kind: 'done', result }),
    (err: unknown) =>
      port?.postMessage(
        isCfdiLayoutError(err)
          ? { kind: 'failed', code: err.code, message: err.message }
          : {
              kind: 'failed',
              code: 'UNEXPECTED',
              message: err instanceof Error ? (err.stack ?? err.message) : String(err),
            },
      ),
  );
}

/** Runs one pass on a worker thread with a bounded heap and relays its progress to the bar. */
function runPassIsolated(pass: GlobalPass, progress: RowProgress): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { role: GLOBAL_WORKER_ROLE, pass },
      // The pass holds about 300 bytes per ticket plus the transient totals of the global (about
      // 110 MB for 100,000 tickets); a bounded heap keeps the collector from letting garbage pile up.
      resourceLimits: { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 16 },
    });
    let settled = false;
    worker.on(
      'message',
      (message: {
        kind: string;
        rows?: number;
        bytes?: number;
        result?: CommandResult;
        code?: string;
        message?: string;
      }) => {
        if (message.kind === 'progress') progress.set(message.rows ?? 0, message.bytes ?? 0);
        else if (message.kind === 'done') {
          settled = true;
          resolve(message.result as CommandResult);
        } else if (message.kind === 'failed') {
          settled = true;
          const known = (ERROR_CODES as readonly string[]).includes(message.code ?? '');
          reject(
            known
              ? new CfdiLayoutError(message.code as ErrorCode, message.message ?? '')
              : new Error(message.message),
          );
        }
      },
    );
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the global worker stopped (exit ${code}) before finishing`));
    });
  });
}

async function runGlobal(args: GlobalCommandArgs): Promise<CommandResult> {
  checkArgs(args);
  const out = args.out ?? '-';
  if (args.json === true && out === '-')
    throw usage('--json prints its document on stdout: give --out FILE for the factura global');
  const { config, dir } = await loadSalesConfig(args.config);
  const layout = args.to === 'layout' ? await resolveLayout(args.layout ?? config.layout, dir) : undefined;
  const excludeText = await readExclude(args.exclude);
  const fecha = args.fecha ?? localNow();
  // Standard input is spilled once here, so every pass (and its worker) reads the same file.
  const source = await openSales(args, config);
  try {
    const plain: GlobalCommandArgs = { ...args, input: source.path, order: undefined };
    return await withOrderFallback(source, async (order, onSplit, staged) => {
      const progress = new RowProgress(args, source);
      try {
        return await runPassIsolated(
          {
            args: plain,
            config,
            layout,
            excludeText,
            fecha,
            order,
            onSplit,
            outPath: await staged.file(out),
            rejectsPath: args.rejects === undefined ? undefined : await staged.file(args.rejects),
          },
          progress,
        );
      } finally {
        progress.stop();
      }
    });
  } finally {
    await source.cleanup();
  }
}

/** `cfdi-layout global INPUT`: the factura global of the tickets nobody self-invoiced. */
export const globalCommand = {
  command: 'global <input>',
  describe:
    'Factura global (público en general) of the tickets in INPUT not self-invoiced; ISH goes in implocal',
  builder: (y: Argv<GlobalArgs>) =>
    withSalesInputOptions(y)
      .option('periodicidad', {
        type: 'string',
        demandOption: true,
        describe: 'c_Periodicidad: 01 diario … 05 bimestral',
      })
      .option('meses', {
        type: 'string',
        demandOption: true,
        describe: 'c_Meses: 01–12, 13–18 for bimestral',
      })
      .option('anio', {
        type: 'string',
        demandOption: true,
        describe: 'Año of the period (the year of Fecha or the one before)',
      })
      .option('to', {
        choices: ['xml', 'layout'] as const,
        default: 'xml' as const,
        describe: 'Pre-CFDI XML or the layout',
      })
      .option('exclude', {
        type: 'string',
        describe: 'Tickets already invoiced: one per line (TICKET or SUCURSAL/TICKET) or JSON',
      })
      .option('out', { type: 'string', describe: 'Output file (default - for stdout)' })
      .option('fecha', {
        type: 'string',
        describe: 'Comprobante Fecha YYYY-MM-DDTHH:MM:SS (default: now, local time)',
      })
      .option('folio', {
        type: 'string',
        describe: 'Folio of the factura global (default: none)',
      }) as unknown as Argv<GlobalArgs>,
  // yargs types a module's handler by the registry's loose args; the builder guarantees GlobalCommandArgs.
  handler: (args: ArgumentsCamelCase<GlobalArgs>) =>
    runCommand('global', args, () => runGlobal(args as unknown as GlobalCommandArgs)),
} satisfies CommandModule<GlobalArgs, GlobalArgs>;
