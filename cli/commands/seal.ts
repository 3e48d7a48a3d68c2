import type { Argv, CommandModule } from 'yargs';
import { readDocument } from '../../src/documents/index.js';
import { renderSealed } from '../../src/sealing/seal.js';
import { type GlobalArgs, runCommand, usage } from '../command.js';
import { type CsdArgs, csdFromArgs, csdOptions } from '../csd-option.js';
import { readInput, writeOutput } from '../io.js';

interface SealArgs extends GlobalArgs, CsdArgs {
  input: string;
  output: string;
}

/** `cfdi-layout seal`: NoCertificado, Certificado and Sello from the issuer's CSD. */
export const sealCommand = {
  command: 'seal <input>',
  describe:
    "Seal a CFDI with the issuer's CSD: NoCertificado, Certificado and Sello (RSA-SHA256 over the cadena original). Reads XML or the JSON model; the password comes from CFDI_LAYOUT_CSD_PASSWORD or --password-file.",
  builder: (y: Argv<GlobalArgs>) =>
    csdOptions(
      y
        .positional('input', {
          type: 'string',
          demandOption: true,
          describe: 'CFDI XML or JSON file, or - for stdin',
        })
        .option('output', {
          alias: 'o',
          type: 'string',
          default: '-',
          describe: 'Output file, or - for stdout',
        }),
      '(required)',
    ).example(
      'CFDI_LAYOUT_CSD_PASSWORD=... $0 seal factura.xml --cer CSD.cer --key CSD.key -o sellada.xml',
      'the sealed CFDI, ready for a PAC that stamps sealed documents',
    ),
  handler: (args: SealArgs) =>
    runCommand('seal', args, async () => {
      const csd = await csdFromArgs(args);
      if (csd === undefined) throw usage('--cer and --key are required');
      const read = readDocument(await readInput(args.input));
      if (read.comprobante === undefined)
        return { ok: false, issues: read.issues, outputs: { from: read.format } };
      const xml = renderSealed(read.comprobante, csd);
      const outputs = { from: read.format, noCertificado: csd.noCertificado };
      if (args.json === true && args.output === '-')
        return { ok: true, issues: read.issues, outputs: { ...outputs, document: xml } };
      await writeOutput(args.output, xml);
      return { ok: true, issues: read.issues, outputs: { ...outputs, file: args.output } };
    }),
} satisfies CommandModule<GlobalArgs, SealArgs>;
