import type { Argv, CommandModule } from 'yargs';
import {
  DOCUMENT_FORMATS,
  type DocumentFormat,
  detectFormat,
  readDocument,
  writeDocument,
} from '../../src/documents/index.js';
import { layoutToModelJson, modelJsonToLayout, splitLayoutLines } from '../../src/documents/layout-json.js';
import { layoutToRecordsJson, recordsJsonToLayout } from '../../src/documents/records.js';
import { type Issue, issueToJson } from '../../src/issues.js';
import { encodeLayoutText, type LayoutDefinition } from '../../src/layouts/index.js';
import { parseJsonText } from '../../src/model/json.js';
import { validateComprobante } from '../../src/rules/index.js';
import { sealComprobante } from '../../src/sealing/seal.js';
import { type CommandResult, type GlobalArgs, runCommand, usage } from '../command.js';
import { type CsdArgs, csdFromArgs, csdOptions } from '../csd-option.js';
import { readInput, writeOutput } from '../io.js';
import { resolveLayout } from '../layout-option.js';

/** What convert reads and writes: the document formats, and a layout's record-level JSON Lines. */
type ConvertFormat = DocumentFormat | 'records';
const CONVERT_FORMATS: readonly ConvertFormat[] = [...DOCUMENT_FORMATS, 'records'];

interface ConvertArgs extends GlobalArgs, CsdArgs {
  input: string;
  from: ConvertFormat | undefined;
  to: ConvertFormat;
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
    csdOptions(y, 'to seal the XML as it is written (--to xml)')
      .positional('input', { type: 'string', demandOption: true, describe: 'Input file, or - for stdin' })
      .option('from', {
        choices: CONVERT_FORMATS,
        describe:
          'Input format (records: the layout text as JSON Lines, one object per line). Defaults to a guess from the content (never records)',
      })
      .option('to', { choices: CONVERT_FORMATS, demandOption: true, describe: 'Output format' })
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
      .example('$0 convert factura.xml --to layout --layout tralix-40', 'the archivoFuente of an invoice')
      .example(
        '$0 convert fuente.txt --from layout --to records --layout tralix-legacy -o fuente.jsonl',
        'every line of a layout as a JSON object with named fields, to edit and write back',
      ),
  handler: (args: ConvertArgs) =>
    runCommand('convert', args, async () => {
      const layoutFormats: ReadonlyArray<ConvertFormat | undefined> = ['layout', 'records'];
      const needsLayout = layoutFormats.includes(args.from) || layoutFormats.includes(args.to);
      if (needsLayout && args.layout === undefined)
        throw usage('--layout ID|FILE is required for layout or records input or output');
      const layout: LayoutDefinition | undefined =
        args.layout === undefined ? undefined : await resolveLayout(args.layout);
      let bytes: string | Uint8Array = await readInput(args.input);
      const steps: Issue[] = [];
      const from: DocumentFormat | undefined = args.from === 'records' ? 'layout' : args.from;
      if (args.from === 'records') {
        // Records become the layout text they describe; any other target reads that text.
        const text = recordsJsonToLayout(layout as LayoutDefinition, Buffer.from(bytes).toString('utf8'), {
          variant: args.variant,
        });
        if (text.text === undefined || args.to === 'layout')
          return finish(args, text, 'records', args.to, layout);
        steps.push(...text.issues);
        bytes = text.text;
      }
      if (args.to === 'records' && from === 'layout') {
        const records = layoutToRecordsJson(layout as LayoutDefinition, bytes, { variant: args.variant });
        return finish(
          args,
          { ...records, issues: [...steps, ...records.issues] },
          args.from ?? from,
          'records',
          layout,
        );
      }
      const format = from ?? detectFormat(bytes, args.input);
      // Without a definition, a guessed layout goes to readDocument: it asks for --layout, or
      // reports an empty document as one.
      if (args.to === 'json' && format === 'layout' && layout !== undefined) {
        // A draft the layout fills in part is written with what is missing as warnings.
        const json = layoutToModelJson(layout, bytes, { variant: args.variant });
        return finish(
          args,
          { ...json, issues: [...steps, ...json.issues] },
          args.from ?? format,
          'json',
          layout,
        );
      }
      if (args.to === 'layout' && format === 'json') {
        const lines = splitLayoutLines(parseJsonText(Buffer.from(bytes).toString('utf8'), args.input));
        if (lines !== undefined)
          return finish(
            args,
            modelJsonToLayout(layout as LayoutDefinition, lines.model, lines.lines, {
              variant: args.variant,
            }),
            'json',
            'layout',
            layout,
          );
      }
      const read = readDocument(bytes, { from: format, layout, variant: args.variant });
      // What refused the input names the file, as validate's issues do.
      if (read.comprobante === undefined)
        return {
          ok: false,
          issues: read.issues.map((i) => ({ ...issueToJson(i), file: args.input })),
          outputs: { from: read.format },
        };
      const to: DocumentFormat = args.to === 'records' ? 'layout' : args.to;
      const csd = await csdFromArgs(args);
      if (csd !== undefined && to !== 'xml') throw usage('--cer/--key seal XML: use them with --to xml');
      const document = csd === undefined ? read.comprobante : sealComprobante(read.comprobante, csd);
      let written = writeDocument(document, to, { layout, variant: args.variant });
      if (args.to === 'records' && written.text !== undefined) {
        const records = layoutToRecordsJson(layout as LayoutDefinition, written.text, {
          variant: args.variant,
        });
        written = { ...records, issues: [...written.issues, ...records.issues] };
      }
      // The conversion carries the document as it is; what the SAT would reject is reported, as warnings.
      const findings: Issue[] = validateComprobante(read.comprobante).map((i) => ({
        ...i,
        severity: 'warning',
      }));
      const issues = [...steps, ...read.issues, ...written.issues, ...findings];
      if (written.text === undefined)
        return { ok: false, issues, outputs: { from: read.format, to: args.to } };
      if (args.json === true && args.output === '-') {
        return { ok: true, issues, outputs: { from: read.format, to: args.to, document: written.text } };
      }
      await writeOutput(args.output, outputBytes(written.text, args.to, layout));
      return { ok: true, issues, outputs: { from: read.format, to: args.to, file: args.output } };
    }),
} satisfies CommandModule<GlobalArgs, ConvertArgs>;

/** Writes a records conversion's text, or reports what refused it. */
async function finish(
  args: ConvertArgs,
  converted: { readonly text?: string; readonly issues: Issue[] },
  from: ConvertFormat,
  to: ConvertFormat,
  layout: LayoutDefinition | undefined,
): Promise<CommandResult> {
  if (converted.text === undefined) return { ok: false, issues: converted.issues, outputs: { from, to } };
  if (args.json === true && args.output === '-')
    return { ok: true, issues: converted.issues, outputs: { from, to, document: converted.text } };
  await writeOutput(args.output, outputBytes(converted.text, to, layout));
  return { ok: true, issues: converted.issues, outputs: { from, to, file: args.output } };
}

/**
 * What goes to the file: a layout text in its definition's encoding (a latin1 layout is written as
 * ISO-8859-1 bytes, as a provider that reads it expects), everything else as UTF-8 text.
 */
function outputBytes(
  text: string,
  to: ConvertFormat,
  layout: LayoutDefinition | undefined,
): string | Uint8Array {
  return to === 'layout' && layout !== undefined ? encodeLayoutText(layout, text) : text;
}
