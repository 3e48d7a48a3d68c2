import type { Argv } from 'yargs';
import type { GlobalArgs } from '../command.js';
import { buildCommand } from './build.js';
import { bundleCommand } from './bundle.js';
import { convertCommand } from './convert.js';
import { desgloseCommand } from './desglose.js';
import { facturav4Command } from './facturav4.js';
import { factureCommand } from './facture.js';
import { globalCommand } from './global.js';
import { layoutsCommand } from './layouts.js';
import { sandboxCommand } from './sandbox.js';
import { schemaCommand } from './schema.js';
import { tralixCommand } from './tralix.js';
import { validateCommand } from './validate.js';

/**
 * Registers every command of the binary, in the order `--help` lists them. Each lives in its own
 * module under `cli/commands/` and is a thin handler over the library; registering them one call at
 * a time keeps each module's argument types checked.
 */
export function registerCommands<T extends GlobalArgs>(cli: Argv<T>): Argv<T> {
  return cli
    .command(desgloseCommand)
    .command(convertCommand)
    .command(validateCommand)
    .command(buildCommand)
    .command(globalCommand)
    .command(bundleCommand)
    .command(tralixCommand)
    .command(facturav4Command)
    .command(factureCommand)
    .command(sandboxCommand)
    .command(layoutsCommand)
    .command(schemaCommand);
}
