import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { type GlobalArgs, runCommand, usage } from '../command.js';
import { writeOutput, writeText } from '../io.js';
import { SCHEMAS, schemaText } from '../schemas.js';

interface SchemaArgs extends GlobalArgs {
  name: string | undefined;
  write: string | undefined;
}

/** `cfdi-layout schema`: prints a published JSON Schema, or writes them all. */
export const schemaCommand = {
  command: 'schema [name]',
  describe: `Print a JSON Schema (${Object.keys(SCHEMAS).join(', ')}), or write them all with --write DIR.`,
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('name', { type: 'string', choices: Object.keys(SCHEMAS), describe: 'Which schema' })
      .option('write', { type: 'string', describe: 'Write every schema into DIR as NAME.schema.json' }),
  handler: (args: SchemaArgs) =>
    runCommand('schema', args, async () => {
      if (args.write !== undefined) {
        const files: string[] = [];
        for (const name of Object.keys(SCHEMAS)) {
          const file = join(args.write, `${name}.schema.json`);
          await writeOutput(file, schemaText(name));
          files.push(file);
        }
        return { ok: true, outputs: { files } };
      }
      if (args.name === undefined) throw usage(`name a schema: ${Object.keys(SCHEMAS).join(', ')}`);
      const text = schemaText(args.name);
      if (args.json === true) return { ok: true, outputs: JSON.parse(text) };
      await writeText(process.stdout, text);
      return { ok: true };
    }),
} satisfies CommandModule<GlobalArgs, SchemaArgs>;
