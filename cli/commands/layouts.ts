import type { Argv } from 'yargs';
import { DEFAULT_LAYOUT_ID, LAYOUTS } from '../../src/layouts/index.js';
import { type ArgTable, commandLine, declareTable } from '../arg-table.js';
import { type GlobalArgs, runCommand, type TableCommand } from '../command.js';
import { writeText } from '../io.js';

/** The arguments of `layouts` (none of its own): the yargs builder and the binary's fast path read this table. */
export const layoutsArgs = { command: 'layouts', positionals: [], options: {} } as const satisfies ArgTable;

/** `cfdi-layout layouts`: lists the built-in layout definitions. */
export const layoutsCommand = {
  command: commandLine(layoutsArgs),
  describe: 'List the built-in layouts (use their id with --layout, or pass your own FILE.json).',
  args: layoutsArgs,
  builder: (y: Argv<GlobalArgs>) => declareTable<GlobalArgs, GlobalArgs>(y, layoutsArgs),
  handler: (args: GlobalArgs) =>
    runCommand('layouts', args, async () => {
      const list = Object.values(LAYOUTS).map((d) => ({
        id: d.id,
        version: d.version,
        description: d.description ?? '',
        default: d.id === DEFAULT_LAYOUT_ID,
      }));
      if (args.json !== true) {
        const lines = list.map(
          (l) => `${l.id}${l.default ? ' (default)' : ''}  v${l.version}  ${l.description}`,
        );
        await writeText(process.stdout, `${lines.join('\n')}\n`);
      }
      return { ok: true, outputs: list };
    }),
} satisfies TableCommand<GlobalArgs>;
