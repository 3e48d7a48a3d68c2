#!/usr/bin/env node
import { parseTable } from './arg-table.js';
import { errorToIssue, globalOptions } from './command.js';
import { registerCommands, tableCommand } from './commands/index.js';

/**
 * yargs turns a bare `-` positional into an empty string or drops it (yargs #1312), yet `-` is how
 * every command names stdin/stdout. It is swapped for a token no real argument can hold (argv
 * strings cannot contain NUL) before parsing, and swapped back by a middleware before any handler.
 */
const STDIO_TOKEN = '\u0000-';

function restoreStdio(value: unknown): unknown {
  if (value === STDIO_TOKEN) return '-';
  if (Array.isArray(value)) return value.map(restoreStdio);
  return value;
}

/** Builds the yargs parser for the binary, with the command `argv` names (or all of them) registered. */
export async function buildCli(argv: string[]) {
  const [{ default: yargs }, { CfdiLayoutError }] = await Promise.all([
    import('yargs'),
    import('../src/errors.js'),
  ]);
  const cli = yargs(argv.map((a) => (a === '-' ? STDIO_TOKEN : a)))
    .scriptName('cfdi-layout')
    .usage(
      '$0 <command> [options]\n\nCFDI 4.0 for ERPs: desglose, layouts, pre-CFDI XML, bundles and provider senders.',
    )
    .options(globalOptions)
    // Amounts and folios stay text: yargs must not turn 100.10 into 100.1 or 0012 into 12.
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .strict()
    .demandCommand(1, 'Name a command; see --help.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .middleware((args) => {
      for (const key of Object.keys(args)) args[key] = restoreStdio(args[key]);
    }, true)
    // Throwing stops yargs before the handler runs (yargs #943): a usage mistake never half-runs.
    .fail((message, err) => {
      throw err ?? new CfdiLayoutError('USAGE', message);
    })
    .help()
    .version();
  return registerCommands(cli, argv);
}

/**
 * Runs the command when its arguments are a table the fast path can decide (`parseTable`), without
 * loading yargs: importing yargs costs more than `desglose 100` itself, and ERPs call the binary once
 * per document. Anything else (help, a typo, an unusual value) goes to yargs, so output and errors
 * are yargs' own. `CFDI_LAYOUT_ARGV=yargs` always takes the yargs path (the tests compare both).
 */
async function runFast(argv: readonly string[]): Promise<boolean> {
  if (process.env.CFDI_LAYOUT_ARGV === 'yargs') return false;
  const command = await tableCommand(argv);
  const args = command === undefined ? undefined : parseTable(argv, globalOptions, command.args);
  if (command === undefined || args === undefined) return false;
  await command.handler(args);
  return true;
}

// A reader that stops early (`| head`) closes stdout: that ends the command quietly, not with a stack.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

// What yargs' hideBin drops: the node binary and the script, or only the binary in a bundled Electron app.
const argv = process.argv.slice(
  process.versions.electron !== undefined && !(process as { defaultApp?: boolean }).defaultApp ? 1 : 2,
);

try {
  if (!(await runFast(argv))) await (await buildCli(argv)).parseAsync();
} catch (err) {
  const issue = errorToIssue(err);
  const debug = process.argv.includes('--debug');
  if (debug && err instanceof Error && err.stack !== undefined) process.stderr.write(`${err.stack}\n`);
  if (process.argv.includes('--json')) {
    const command = argv.find((a) => !a.startsWith('-')) ?? '';
    process.stdout.write(
      `${JSON.stringify({ ok: false, command, issues: [issue], outputs: null }, null, 2)}\n`,
    );
  } else {
    const hint = issue.code === 'USAGE' ? '\nRun cfdi-layout --help for the commands and options.' : '';
    process.stderr.write(`error ${issue.code}: ${issue.message}${hint}\n`);
  }
  process.exitCode = 2;
}
