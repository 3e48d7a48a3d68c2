import type { Argv, CommandModule } from 'yargs';
import {
  DOCUMENT_FORMATS,
  type DocumentFormat,
  readDocument,
  writeDocument,
} from '../../src/documents/index.js';
import type { Issue } from '../../src/issues.js';
import type { LayoutDefinition } from '../../src/layouts/index.js';
import { validateComprobante } from '../../src/rules/index.js';
import { type GlobalArgs, runCommand, usage } from '../command.js';
import { readInput, writeOutput } from '../io.js';
import { resolveLayout } from '../layout-option.js';

interface ConvertArgs extends GlobalArgs {
  input: string;
  from: DocumentFormat | undefined;
  to: DocumentFormat;
  layout: string | undefined;
  variant: string | undefined;
  output: string;
}

/** `cfdi-layout convert`: between CFDI XML, the JSON model and any layout. */
export const convertCommand = {
  command: 'convert <input>',
  describe:
    'Convert a comprobante between CFDI XML, the JSON model and a layout. Carries documents as they are, even when they break SAT rules (validate reports those); refuses only what the target cannot represent.',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('input', { type: 'string', demandOption: true, describe: 'Input file, or - for stdin' })
      .option('from', {
        choices: DOCUMENT_FORMATS,
        describe: 'Input format. Defaults to a guess from the content',
      })
      .option('to', { choices: DOCUMENT_FORMATS, demandOption: true, describe: 'Output format' })
      .option('layout', {
        type: 'string',
        describe: 'Layout id (see cfdi-layout layouts) or definition FILE.json',
      })
      .option('variant', {
        type: 'string',
        describe: 'Layout variant, e.g. ticket (an insumo without receptor)',
      })
      .option('output', {
        alias: 'o',
        type: 'string',
        default: '-',
        describe: 'Output file, or - for stdout',
      })
      .example(
        '$0 convert factura.json --to xml -o factura.xml',
        'compute every amount and write the pre-CFDI',
      )
      .example('$0 convert factura.xml --to layout --layout tralix-40', 'the archivoFuente of an invoice'),
  handler: (args: ConvertArgs) =>
    runCommand('convert', args, async () => {
      const needsLayout = args.from === 'layout' || args.to === 'layout';
      if (needsLayout && args.layout === undefined)
        throw usage('--layout ID|FILE is required for layout input or output');
      const layout: LayoutDefinition | undefined =
        args.layout === undefined ? undefined : await resolveLayout(args.layout);
      const bytes = await readInput(args.input);
      const read = readDocument(bytes, { from: args.from, layout, variant: args.variant });
      if (read.comprobante === undefined)
        return { ok: false, issues: read.issues, outputs: { from: read.format } };
      const written = writeDocument(read.comprobante, args.to, { layout, variant: args.variant });
      // The conversion carries the document as it is; what the SAT would reject is reported, as warnings.
      const findings: Issue[] = validateComprobante(read.comprobante).map((i) => ({
        ...i,
        severity: 'warning',
      }));
      const issues = [...read.issues, ...written.issues, ...findings];
      if (written.text === undefined)
        return { ok: false, issues, outputs: { from: read.format, to: args.to } };
      if (args.json === true && args.output === '-') {
        return { ok: true, issues, outputs: { from: read.format, to: args.to, document: written.text } };
      }
      await writeOutput(args.output, written.text);
      return { ok: true, issues, outputs: { from: read.format, to: args.to, file: args.output } };
    }),
} satisfies CommandModule<GlobalArgs, ConvertArgs>;
