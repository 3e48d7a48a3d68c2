import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJson, scratchDir } from './run-cli.js';

/*
 * `build` over a small sales export on every target, as the built binary: the summary counts, the
 * rejects file and what each target wrote, so that a test can hold every target to the same rule.
 */

/** Every ticket target of `build`. */
export const SALES_TARGETS = ['tralix-tickets', 'tralix-async', 'orders', 'layout', 'xml', 'zip'] as const;

/** One target of `build`. */
export type SalesTarget = (typeof SALES_TARGETS)[number];

/** A line of the rejects file. */
export interface RejectLine {
  readonly ticket: string | null;
  readonly sucursal: string;
  readonly rows: number[];
  readonly row: number | null;
  readonly field: string;
  readonly code: string;
  readonly message: string;
  readonly issues: Array<{ row?: number; line?: number; field: string; code: string; message: string }>;
}

/** The counts `build --json` reports. */
export interface BuildCounts {
  readonly rows: number;
  readonly tickets: number;
  readonly written: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly threads: number;
}

/** What one `build` left behind. */
export interface BuildRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly counts: BuildCounts;
  readonly rejects: RejectLine[];
  /** The text of a file target (tralix-tickets, tralix-async, orders), or the names in a folder or ZIP. */
  readonly output: string;
  readonly files: string[];
}

/** A configuration every target can build with (tralix-async needs its idTipoCfd). */
export function salesConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    lugarExpedicion: '42501',
    serie: 'VTA',
    tralix: { idTipoCfd: 'd18bb0158356449c31e72cb69e642b31' },
    ...extra,
  };
}

/** The receptor cells of a nominative row, so that the invoice targets build the ticket too. */
export const RECEPTOR = 'XIA190128J61,XENON INDUSTRIAL ARTICLES,76343,601';

/** The CSV header of the exports these tests write (receptor columns last). */
export const HEADER =
  'ticket,sucursal,fecha,importe,descripcion,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal';

function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Runs `build INPUT --to TARGET` with `--rejects` and `--json`, in a scratch folder of its own. */
export async function buildSales(
  target: SalesTarget,
  input: string | Buffer,
  options: { config?: Record<string, unknown>; args?: readonly string[]; name?: string } = {},
): Promise<BuildRun> {
  const scratch = scratchDir(`build-${target}`);
  try {
    const inputPath = scratch.file(options.name ?? 'ventas.csv', input);
    const config = scratch.file('cfdi-layout.config.json', JSON.stringify(options.config ?? salesConfig()));
    const file = target === 'tralix-tickets' || target === 'tralix-async' || target === 'orders';
    const out = join(scratch.dir, target === 'zip' ? 'out.zip' : file ? 'out.json' : 'out');
    const rejects = join(scratch.dir, 'rejects.jsonl');
    const run = await runJson(
      [
        'build',
        inputPath,
        '--to',
        target,
        '--config',
        config,
        '--out',
        out,
        '--rejects',
        rejects,
        '--no-progress',
        ...(options.args ?? []),
      ],
      { timeoutMs: 120_000 },
    );
    const outputs = run.doc.outputs as BuildCounts;
    const files =
      target === 'layout' || target === 'xml'
        ? existsSync(out)
          ? readdirSync(out).sort()
          : []
        : target === 'zip'
          ? readdirSync(scratch.dir).filter((f) => f.endsWith('.zip'))
          : [];
    return {
      code: run.code,
      stderr: run.stderr,
      counts: {
        rows: outputs.rows,
        tickets: outputs.tickets,
        written: outputs.written,
        rejected: outputs.rejected,
        skipped: outputs.skipped,
        threads: outputs.threads,
      },
      rejects: existsSync(rejects) ? jsonLines<RejectLine>(readFileSync(rejects, 'utf8')) : [],
      output: file && existsSync(out) ? readFileSync(out, 'utf8') : '',
      files,
    };
  } finally {
    scratch.cleanup();
  }
}
