import type { Argv, CommandModule } from 'yargs';
import { cadenaOriginal, cadenaOriginalTfd } from '../../src/sealing/cadena.js';
import { type GlobalArgs, runCommand } from '../command.js';
import { readInput, writeText } from '../io.js';

interface CadenaArgs extends GlobalArgs {
  input: string;
  tfd: boolean;
}

/** `cfdi-layout cadena`: the cadena original of a CFDI, as SAT's XSLT writes it. */
export const cadenaCommand = {
  command: 'cadena <input>',
  describe:
    "Print the cadena original of a CFDI 4.0 or 3.3 XML exactly as SAT's cadenaoriginal XSLT writes it (no trailing newline), or with --tfd the TimbreFiscalDigital's.",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('input', { type: 'string', demandOption: true, describe: 'CFDI XML file, or - for stdin' })
      .option('tfd', {
        type: 'boolean',
        default: false,
        describe: 'The cadena original of the TimbreFiscalDigital (a stamped CFDI)',
      })
      .example('$0 cadena factura.xml | openssl dgst -sha256', 'the digest the Sello signs'),
  handler: (args: CadenaArgs) =>
    runCommand('cadena', args, async () => {
      const bytes = await readInput(args.input);
      const cadena = args.tfd ? cadenaOriginalTfd(bytes) : cadenaOriginal(bytes);
      if (args.json === true) return { ok: true, outputs: { cadena } };
      await writeText(process.stdout, cadena);
      return { ok: true };
    }),
} satisfies CommandModule<GlobalArgs, CadenaArgs>;
