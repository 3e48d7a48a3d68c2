import { createInterface } from 'node:readline';
import type { Argv } from 'yargs';
import { isCfdiLayoutError } from '../../src/errors.js';
import type { IssueJson } from '../../src/issues.js';
import { type DesgloseResult, desglose } from '../../src/taxes/desglose.js';
import { type ArgsOf, type ArgTable, commandLine, declareTable } from '../arg-table.js';
import { type CommandResult, type GlobalArgs, runCommand, type TableCommand, usage } from '../command.js';
import { writeText } from '../io.js';

/** The arguments of `desglose`: the yargs builder and the binary's fast path both read this table. */
export const desgloseArgs = {
  command: 'desglose',
  positionals: [{ name: 'importe', describe: 'Tax-included importe (e.g. 123.45)' }],
  options: {
    iva: { type: 'string', default: '16', describe: 'IVA %: 16, 8, 0 or exento' },
    ieps: { type: 'string', default: '0', describe: 'IEPS % (0 = none)' },
    ish: { type: 'string', default: '0', describe: 'ISH % (local tax, implocal; 0 = none)' },
    moneda: { type: 'string', default: 'MXN', describe: 'c_Moneda code; amounts carry its decimals' },
  },
  examples: [
    ['$0 desglose 123.45 --iva 16', '{"importe":"123.45","subtotal":"106.42","iva":"17.03",...}'],
    ['$0 desglose 2380 --iva 16 --ish 3', 'hotel night: subtotal 2000.00, IVA 320.00, ISH 60.00'],
  ],
} as const satisfies ArgTable;

type DesgloseArgs = GlobalArgs & ArgsOf<typeof desgloseArgs>;

/** The output object: exactly the documented keys, amounts as strings with the currency's decimals. */
function shape(r: DesgloseResult): Record<string, string> {
  return { importe: r.importe, subtotal: r.subtotal, iva: r.iva, ieps: r.ieps, ish: r.ish, total: r.total };
}

function field(value: unknown, name: string, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw usage(`${name} must be a string or a number`);
}

/**
 * JSON lines in, one JSON line out per input line, in order. With --json the results are collected
 * into the one document instead, and each failed line becomes an issue naming the line.
 */
async function streamLines(args: DesgloseArgs): Promise<CommandResult> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  const json = args.json === true;
  const results: unknown[] = [];
  const issues: IssueJson[] = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let out: unknown;
    try {
      const input = JSON.parse(line) as Record<string, unknown>;
      if (typeof input !== 'object' || input === null || Array.isArray(input))
        throw usage('each line must be a JSON object');
      out = shape(
        desglose({
          importe: field(input.importe, 'importe', ''),
          iva: field(input.iva, 'iva', args.iva),
          ieps: field(input.ieps, 'ieps', args.ieps),
          ish: field(input.ish, 'ish', args.ish),
          moneda: field(input.moneda, 'moneda', args.moneda),
        }),
      );
    } catch (err) {
      const code = isCfdiLayoutError(err) ? err.code : 'JSON_INVALID';
      const message = err instanceof Error ? err.message : String(err);
      issues.push({
        code,
        path: `line.${lineNumber}`,
        message: `line ${lineNumber}: ${message}`,
        severity: 'error',
      });
      out = { line: lineNumber, error: { code, message } };
    }
    if (json) results.push(out);
    else await writeText(process.stdout, `${JSON.stringify(out)}\n`);
  }
  return {
    ok: issues.length === 0,
    issues: json ? issues : [],
    outputs: json ? results : { lines: lineNumber, failed: issues.length },
  };
}

/** `cfdi-layout desglose`: back-calculates tax-included importes into subtotal and taxes. */
export const desgloseCommand = {
  command: commandLine(desgloseArgs),
  describe:
    'Back-calculate a tax-included importe into subtotal + IVA + IEPS + ISH that add up to the cent. Without IMPORTE, reads JSON lines {"importe","iva","ieps","ish","moneda"} on stdin and writes one JSON line each, in order.',
  args: desgloseArgs,
  builder: (y: Argv<GlobalArgs>) => declareTable<GlobalArgs, DesgloseArgs>(y, desgloseArgs),
  handler: (args: DesgloseArgs) =>
    runCommand('desglose', args, async () => {
      if (args.importe === undefined) return streamLines(args);
      const result = shape(
        desglose({
          importe: args.importe,
          iva: args.iva,
          ieps: args.ieps,
          ish: args.ish,
          moneda: args.moneda,
        }),
      );
      if (args.json !== true) await writeText(process.stdout, `${JSON.stringify(result)}\n`);
      return { ok: true, outputs: result };
    }),
} satisfies TableCommand<DesgloseArgs>;
