import type { Argv, CommandModule } from 'yargs';
import { DOCUMENT_FORMATS, type DocumentFormat, validateDocument } from '../../src/documents/index.js';
import { hasErrors, type IssueJson, issueToJson } from '../../src/issues.js';
import type { LayoutDefinition } from '../../src/layouts/index.js';
import { type GlobalArgs, runCommand, usage } from '../command.js';
import { readFileNow, readInput, writeText } from '../io.js';
import { resolveLayout } from '../layout-option.js';

interface ValidateArgs extends GlobalArgs {
  inputs: string[];
  from: DocumentFormat | undefined;
  layout: string | undefined;
  variant: string | undefined;
}

/** `cfdi-layout validate`: structure, catalogs and SAT rules of XML, JSON or layout files. */
export const validateCommand = {
  command: 'validate <inputs..>',
  describe:
    'Validate XML, JSON or layout files offline: structure and types, catalogs, then every SAT rule (CFDI40xxx). Exit 0 valid, 1 any error, 2 usage or I/O.',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Files, or - for stdin',
      })
      .option('from', { choices: DOCUMENT_FORMATS, describe: 'Input format. Defaults to a guess per file' })
      .option('layout', { type: 'string', describe: 'Layout id or definition FILE.json, for layout files' })
      .option('variant', { type: 'string', describe: 'Layout variant, e.g. ticket' })
      .example('$0 validate factura.xml', 'SAT rules with their CFDI40xxx codes')
      .example(
        '$0 validate archivo.txt --layout tralix-legacy --json',
        'issues located at line, record and field',
      ),
  handler: (args: ValidateArgs) =>
    runCommand('validate', args, async () => {
      const layout: LayoutDefinition | undefined =
        args.layout === undefined ? undefined : await resolveLayout(args.layout);
      if (args.inputs.filter((f) => f === '-').length > 1) throw usage('stdin (-) can be read only once');
      const files: Array<{ file: string; format: DocumentFormat; ok: boolean; issues: IssueJson[] }> = [];
      // Files are read synchronously, one at a time: over many small files the promise form spent
      // more time passing each open, stat, read and close through the thread pool than reading.
      for (const file of args.inputs) {
        const bytes = file === '-' ? await readInput(file) : readFileNow(file);
        const result = validateDocument(bytes, {
          from: args.from,
          layout,
          variant: args.variant,
          name: file,
        });
        files.push({
          file,
          format: result.format,
          ok: !hasErrors(result.issues),
          issues: result.issues.map(issueToJson),
        });
      }
      if (args.json !== true) {
        const lines: string[] = [];
        for (const f of files) {
          const errors = f.issues.filter((i) => i.severity === 'error').length;
          const warnings = f.issues.length - errors;
          lines.push(
            `${f.file}: ${f.ok ? 'OK' : 'INVALID'} (${f.format}${errors > 0 ? `, ${errors} errors` : ''}${warnings > 0 ? `, ${warnings} warnings` : ''})`,
          );
          for (const i of f.issues)
            lines.push(`  ${i.severity} ${i.code}${i.path === '' ? '' : ` ${i.path}`}: ${i.message}`);
        }
        await writeText(process.stdout, `${lines.join('\n')}\n`);
      }
      const issues = files.flatMap((f) => f.issues.map((i) => ({ ...i, file: f.file })));
      return {
        ok: files.every((f) => f.ok),
        issues: args.json === true ? issues : [],
        outputs: files.map(({ file, format, ok }) => ({ file, format, ok })),
      };
    }),
} satisfies CommandModule<GlobalArgs, ValidateArgs>;
