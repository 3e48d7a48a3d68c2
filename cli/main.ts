#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CfdiLayoutError } from '../src/errors.js';
import { errorToIssue } from './command.js';
import { registerCommands } from './commands/index.js';

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
  const cli = yargs(argv.map((a) => (a === '-' ? STDIO_TOKEN : a)))
    .scriptName('cfdi-layout')
    .usage(
      '$0 <command> [options]\n\nCFDI 4.0 for ERPs: desglose, layouts, pre-CFDI XML, bundles and provider senders.',
    )
    .option('json', { type: 'boolean', describe: 'Print one JSON document {ok, command, issues, outputs}' })
    .option('debug', { type: 'boolean', describe: 'Print stack traces of unexpected errors' })
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

// A reader that stops early (`| head`) closes stdout: that ends the command quietly, not with a stack.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

try {
  await (await buildCli(hideBin(process.argv))).parseAsync();
} catch (err) {
  const issue = errorToIssue(err);
  const debug = process.argv.includes('--debug');
  if (debug && err instanceof Error && err.stack !== undefined) process.stderr.write(`${err.stack}\n`);
  if (process.argv.includes('--json')) {
    const command = hideBin(process.argv).find((a) => !a.startsWith('-')) ?? '';
    process.stdout.write(
      `${JSON.stringify({ ok: false, command, issues: [issue], outputs: null }, null, 2)}\n`,
    );
  } else {
    const hint = issue.code === 'USAGE' ? '\nRun cfdi-layout --help for the commands and options.' : '';
    process.stderr.write(`error ${issue.code}: ${issue.message}${hint}\n`);
  }
  process.exitCode = 2;
}
