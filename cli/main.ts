#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { registerCommands } from './commands/index.js';

/** Builds the yargs parser for the binary; exported so tests and docs can list the commands. */
export function buildCli(argv: string[]) {
  const cli = yargs(argv)
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
    .fail((message, err) => {
      if (err) throw err;
      process.stderr.write(`error USAGE: ${message}\nRun cfdi-layout --help for the commands and options.\n`);
      process.exitCode = 2;
    })
    .help()
    .version();
  return registerCommands(cli);
}

await buildCli(hideBin(process.argv)).parseAsync();
