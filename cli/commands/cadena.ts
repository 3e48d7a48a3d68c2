import type { Argv } from 'yargs';
import { cadenaOriginal, cadenaOriginalTfd } from '../../src/sealing/cadena.js';
import { type ArgsOf, type ArgTable, commandLine, declareTable } from '../arg-table.js';
import { type GlobalArgs, runCommand, type TableCommand } from '../command.js';
import { readInput, writeText } from '../io.js';

/** The arguments of `cadena`: the yargs builder and the binary's fast path both read this table. */
export const cadenaArgs = {
  command: 'cadena',
  positionals: [{ name: 'input', demandOption: true, describe: 'CFDI XML file, or - for stdin' }],
  options: {
    tfd: {
      type: 'boolean',
      default: false,
      describe: 'The cadena original of the TimbreFiscalDigital (a stamped CFDI)',
    },
  },
  examples: [['$0 cadena factura.xml | openssl dgst -sha256', 'the digest the Sello signs']],
} as const satisfies ArgTable;

type CadenaArgs = GlobalArgs & ArgsOf<typeof cadenaArgs>;

/** `cfdi-layout cadena`: the cadena original of a CFDI, as SAT's XSLT writes it. */
export const cadenaCommand = {
  command: commandLine(cadenaArgs),
  describe:
    "Print the cadena original of a CFDI 4.0 or 3.3 XML exactly as SAT's cadenaoriginal XSLT writes it (no trailing newline), or with --tfd the TimbreFiscalDigital's.",
  args: cadenaArgs,
  builder: (y: Argv<GlobalArgs>) => declareTable<GlobalArgs, CadenaArgs>(y, cadenaArgs),
  handler: (args: CadenaArgs) =>
    runCommand('cadena', args, async () => {
      const bytes = await readInput(args.input);
      const cadena = args.tfd ? cadenaOriginalTfd(bytes) : cadenaOriginal(bytes);
      if (args.json === true) return { ok: true, outputs: { cadena } };
      await writeText(process.stdout, cadena);
      return { ok: true };
    }),
} satisfies TableCommand<CadenaArgs>;
