import type { Argv } from 'yargs';
import type { GlobalArgs } from '../command.js';

type Register = (cli: Argv<GlobalArgs>) => Promise<Argv<GlobalArgs>>;

/**
 * Every command of the binary, in the order `--help` lists them, each registering its own module
 * under `cli/commands/` (a thin handler over the library). The modules are imported only when they
 * are needed: an ERP calls the binary once per document, and loading every command's library code
 * (XML, ZIP, HTTP, layouts) for `desglose 100` would cost more than the work itself.
 */
const COMMANDS: Readonly<Record<string, Register>> = {
  desglose: async (cli) => cli.command((await import('./desglose.js')).desgloseCommand),
  convert: async (cli) => cli.command((await import('./convert.js')).convertCommand),
  validate: async (cli) => cli.command((await import('./validate.js')).validateCommand),
  cadena: async (cli) => cli.command((await import('./cadena.js')).cadenaCommand),
  seal: async (cli) => cli.command((await import('./seal.js')).sealCommand),
  build: async (cli) => cli.command((await import('./build.js')).buildCommand),
  global: async (cli) => cli.command((await import('./global.js')).globalCommand),
  bundle: async (cli) => cli.command((await import('./bundle.js')).bundleCommand),
  tralix: async (cli) => cli.command((await import('./tralix.js')).tralixCommand),
  facturav4: async (cli) => cli.command((await import('./facturav4.js')).facturav4Command),
  facture: async (cli) => cli.command((await import('./facture.js')).factureCommand),
  sandbox: async (cli) => cli.command((await import('./sandbox.js')).sandboxCommand),
  layouts: async (cli) => cli.command((await import('./layouts.js')).layoutsCommand),
  schema: async (cli) => cli.command((await import('./schema.js')).schemaCommand),
};

/** The names of every command, in `--help` order. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/**
 * Registers the command that `argv` names, or every command when it names none that exists
 * (`--help`, a typo that yargs should answer with a suggestion). The global options are flags
 * without values, so the command is the first argument that is not an option.
 */
export async function registerCommands(
  cli: Argv<GlobalArgs>,
  argv: readonly string[],
): Promise<Argv<GlobalArgs>> {
  const named = argv.find((a) => !a.startsWith('-'));
  const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : COMMAND_NAMES;
  let registered = cli;
  for (const name of wanted) registered = await (COMMANDS[name] as Register)(registered);
  return registered;
}
