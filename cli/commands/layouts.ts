import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_LAYOUT_ID, LAYOUTS } from '../../src/layouts/index.js';
import { type GlobalArgs, runCommand } from '../command.js';
import { writeText } from '../io.js';

/** `cfdi-layout layouts`: lists the built-in layout definitions. */
export const layoutsCommand = {
  command: 'layouts',
  describe: 'List the built-in layouts (use their id with --layout, or pass your own FILE.json).',
  builder: (y: Argv<GlobalArgs>) => y,
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
} satisfies CommandModule<GlobalArgs, GlobalArgs>;
