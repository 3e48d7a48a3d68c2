import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs, TableCommand } from '../command.js';

/**
 * A command module of any argument type. Each module checks itself against `CommandModule` with its
 * own arguments (`satisfies`); the table only needs to hand it to yargs.
 */
type AnyCommand = CommandModule<GlobalArgs, GlobalArgs>;

/**
 * Every command of the binary, in the order `--help` lists them, each loading its own module under
 * `cli/commands/` (a thin handler over the library). The modules are imported only when they are
 * needed: an ERP calls the binary once per document, and loading every command's library code (XML,
 * ZIP, HTTP, layouts) for `desglose 100` would cost more than the work itself.
 */
const COMMANDS: Readonly<Record<string, () => Promise<object>>> = {
  desglose: async () => (await import('./desglose.js')).desgloseCommand,
  convert: async () => (await import('./convert.js')).convertCommand,
  validate: async () => (await import('./validate.js')).validateCommand,
  cadena: async () => (await import('./cadena.js')).cadenaCommand,
  seal: async () => (await import('./seal.js')).sealCommand,
  build: async () => (await import('./build.js')).buildCommand,
  global: async () => (await import('./global.js')).globalCommand,
  bundle: async () => (await import('./bundle.js')).bundleCommand,
  tralix: async () => (await import('./tralix.js')).tralixCommand,
  facturav4: async () => (await import('./facturav4.js')).facturav4Command,
  facture: async () => (await import('./facture.js')).factureCommand,
  sandbox: async () => (await import('./sandbox.js')).sandboxCommand,
  layouts: async () => (await import('./layouts.js')).layoutsCommand,
  schema: async () => (await import('./schema.js')).schemaCommand,
};

/** The names of every command, in `--help` order. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** The command a command line names: its first argument that is not an option (the global options take no value). */
export function commandNamed(argv: readonly string[]): string | undefined {
  const named = argv.find((a) => !a.startsWith('-'));
  return named !== undefined && Object.hasOwn(COMMANDS, named) ? named : undefined;
}

/**
 * The module of the command `argv` names when it declares its arguments as a table (the binary can
 * then parse them without yargs), else `undefined`.
 */
export async function tableCommand(
  argv: readonly string[],
): Promise<TableCommand<Record<string, unknown>> | undefined> {
  const name = commandNamed(argv);
  if (name === undefined) return undefined;
  const module = await (COMMANDS[name] as () => Promise<AnyCommand>)();
  return 'args' in module ? (module as TableCommand<Record<string, unknown>>) : undefined;
}

/**
 * Registers the command that `argv` names, or every command when it names none that exists
 * (`--help`, a typo that yargs should answer with a suggestion).
 */
export async function registerCommands(
  cli: Argv<GlobalArgs>,
  argv: readonly string[],
): Promise<Argv<GlobalArgs>> {
  const named = commandNamed(argv);
  let registered = cli;
  for (const name of named === undefined ? COMMAND_NAMES : [named]) {
    registered = registered.command(await (COMMANDS[name] as () => Promise<AnyCommand>)());
  }
  return registered;
}
