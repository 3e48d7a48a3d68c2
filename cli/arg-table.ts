import { parseArgs } from 'node:util';
import type { Argv, Options, PositionalOptions } from 'yargs';

/** One option of a command, in the shape yargs' `.option()` takes (the fast path reads `type` and `default`). */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly describe: string;
  readonly default?: string | boolean;
}

/** Options by name. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** One positional argument of a command; every positional is a string. */
export interface PositionalSpec {
  readonly name: string;
  readonly describe: string;
  /** `<name>` in the command line instead of `[name]`. Defaults to false. */
  readonly demandOption?: boolean;
  readonly choices?: readonly string[];
}

/**
 * A command's arguments as data: the yargs builder and the fast path of the binary (`parseTable`)
 * both derive from it, so the two parsers cannot drift apart.
 */
export interface ArgTable {
  readonly command: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options: OptionTable;
  readonly examples?: ReadonlyArray<readonly [command: string, description: string]>;
}

type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean' ? boolean : string;

/** The handler's arguments a table declares: options with a default are always present. */
export type ArgsOf<T extends ArgTable> = {
  [K in keyof T['options']]: T['options'][K] extends { readonly default: string | boolean }
    ? OptionValue<T['options'][K]>
    : OptionValue<T['options'][K]> | undefined;
} & {
  [P in T['positionals'][number] as P['name']]: P extends { readonly demandOption: true }
    ? string
    : string | undefined;
};

/** The yargs command line of a table: `desglose [importe]`, `cadena <input>`. */
export function commandLine(table: ArgTable): string {
  const positionals = table.positionals.map((p) => (p.demandOption === true ? `<${p.name}>` : `[${p.name}]`));
  return [table.command, ...positionals].join(' ');
}

/** Declares a table's positionals, options and examples on a yargs builder. */
export function declareTable<T, U>(y: Argv<T>, table: ArgTable): Argv<U> {
  // yargs' builder methods configure the instance they are called on and return it.
  for (const p of table.positionals) {
    const spec: PositionalOptions = { type: 'string', describe: p.describe };
    if (p.demandOption === true) spec.demandOption = true;
    if (p.choices !== undefined) spec.choices = [...p.choices];
    y.positional(p.name, spec);
  }
  y.options(table.options as Record<string, Options>);
  for (const [command, description] of table.examples ?? []) y.example(command, description);
  // The handler's type comes from the same table (`ArgsOf`); yargs cannot infer it through a loop.
  return y as unknown as Argv<U>;
}

/** A value yargs-parser would rewrite (strip its quotes) or read as an option or a boolean's value. */
function ambiguous(value: string): boolean {
  const first = value[0];
  return (
    (value.length > 1 && first === '-') ||
    first === '"' ||
    first === "'" ||
    value === 'true' ||
    value === 'false'
  );
}

/**
 * Parses `argv` for the command of `table` with node:util's parseArgs, or answers `undefined` when the
 * answer might differ from yargs' in any way: a global option other than a bare boolean flag before the
 * command, an option outside the tables (`--help`, `--version`, a typo), an option given twice (yargs
 * makes an array), a short option, `--`, a missing or extra positional, a value outside its choices,
 * a positional `help`, or a value yargs-parser would rewrite (see `ambiguous`). The caller then runs yargs, whose output and
 * errors stay the reference. Options with a default are filled in, as yargs does.
 */
export function parseTable(
  argv: readonly string[],
  globals: OptionTable,
  table: ArgTable,
): Record<string, unknown> | undefined {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0 || argv[at] !== table.command) return undefined;
  for (const before of argv.slice(0, at)) {
    const spec = before.startsWith('--') ? globals[before.slice(2)] : undefined;
    if (spec?.type !== 'boolean') return undefined;
  }
  const all: OptionTable = { ...globals, ...table.options };
  let parsed: {
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
    tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>;
  };
  try {
    parsed = parseArgs({
      args: argv.filter((_, i) => i !== at),
      options: Object.fromEntries(Object.entries(all).map(([name, spec]) => [name, { type: spec.type }])),
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch {
    return undefined;
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind === 'option-terminator') return undefined;
    if (token.kind === 'positional') {
      // yargs reads a last positional `help` as --help.
      if (ambiguous(token.value) || token.value === 'help') return undefined;
      continue;
    }
    if (token.rawName !== `--${token.name}` || seen.has(token.name)) return undefined;
    seen.add(token.name);
    if (token.value !== undefined && ambiguous(token.value)) return undefined;
  }
  const { positionals } = parsed;
  if (positionals.length > table.positionals.length) return undefined;
  const args: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(all)) {
    const value = parsed.values[name] ?? spec.default;
    if (value === undefined) continue;
    args[name] = value;
    // yargs also names `max-files` as `maxFiles` (camel-case expansion); handlers read either.
    if (name.includes('-')) args[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  for (const [i, p] of table.positionals.entries()) {
    const value = positionals[i];
    if (value === undefined) {
      if (p.demandOption === true) return undefined;
      continue;
    }
    if (p.choices !== undefined && !p.choices.includes(value)) return undefined;
    args[p.name] = value;
  }
  return args;
}
