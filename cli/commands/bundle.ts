import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { type BundleFile, describeCfdi, uniqueNames } from '../../src/bundle/index.js';
import { CfdiLayoutError, isCfdiLayoutError } from '../../src/errors.js';
import type { IssueJson } from '../../src/issues.js';
import { BundleConfigSchema } from '../../src/sales/config.js';
import { type CommandResult, type GlobalArgs, runCommand, usage } from '../command.js';
import { writeText } from '../io.js';
import { writeBundles } from './build.js';

interface BundleArgs extends GlobalArgs {
  inputs: string[];
  out: string;
  'max-files'?: number | undefined;
  'max-bytes'?: number | undefined;
}

/** The XML files named by the arguments: files as given, folders' `*.xml` (recursively) sorted by path. */
async function listInputs(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(input);
    } catch (err) {
      throw new CfdiLayoutError(
        'IO',
        `cannot read ${input}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        {
          cause: err,
          location: { file: input },
        },
      );
    }
    if (info.isDirectory()) {
      const entries = await readdir(input, { recursive: true, withFileTypes: true });
      const found = entries
        .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.xml'))
        .map((e) => join(e.parentPath, e.name))
        .sort();
      files.push(...found);
    } else files.push(input);
  }
  return files;
}

async function runBundle(args: BundleArgs): Promise<CommandResult> {
  const defaults = BundleConfigSchema.parse({});
  const maxFiles = args['max-files'] ?? defaults.maxFiles;
  const maxBytes = args['max-bytes'] ?? defaults.maxBytes;
  if (!Number.isInteger(maxFiles) || maxFiles < 1) throw usage('--max-files must be a whole number ≥ 1');
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw usage('--max-bytes must be a whole number ≥ 1');
  if (!args.out.toLowerCase().endsWith('.zip')) throw usage('--out must name a .zip file');
  const paths = await listInputs(args.inputs);
  if (paths.length === 0) throw usage('no XML file in the inputs');
  const issues: IssueJson[] = [];
  const unique = uniqueNames();
  async function* files(): AsyncGenerator<BundleFile> {
    for (const path of paths) {
      const content = await readFile(path);
      try {
        const summary = describeCfdi(content);
        yield { name: unique(basename(path)), content, ...summary };
      } catch (err) {
        if (!isCfdiLayoutError(err)) throw err;
        issues.push({
          code: err.code,
          path,
          message: `${path} is left out: ${err.message}`,
          severity: 'error',
        });
      }
    }
  }
  const bundles = await writeBundles(files(), args.out, { maxFiles, maxBytes });
  if (args.json !== true) {
    for (const i of issues) await writeText(process.stderr, `error ${i.code}: ${i.message}\n`);
  }
  await writeText(
    process.stderr,
    `bundle: ${paths.length} files read, ${bundles.files} bundled in ${bundles.zips.length} ZIP${bundles.zips.length === 1 ? '' : 's'}, ${issues.length} left out\n`,
  );
  return {
    ok: issues.length === 0,
    issues: args.json === true ? issues : [],
    outputs: {
      zips: bundles.zips,
      manifest: bundles.manifest,
      files: bundles.files,
      rejected: issues.length,
    },
  };
}

/** `cfdi-layout bundle INPUT... --out FILE.zip`: existing XML into deterministic ZIPs with a manifest. */
export const bundleCommand = {
  command: 'bundle <inputs..>',
  describe: 'Bundle CFDI XML files (or folders of them) into ZIPs for timbrado masivo, with a manifest',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'XML files or folders',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'FILE.zip (parts FILE-001.zip… when split; FILE.manifest.json beside)',
      })
      .option('max-files', { type: 'number', describe: 'XML files per ZIP (default 1000)' })
      .option('max-bytes', {
        type: 'number',
        describe: 'Uncompressed XML bytes per ZIP (default 50 MiB)',
      }) as unknown as Argv<GlobalArgs>,
  // yargs types a module's handler by the registry's loose args; the builder guarantees BundleArgs.
  handler: (args: ArgumentsCamelCase<GlobalArgs>) =>
    runCommand('bundle', args, () => runBundle(args as unknown as BundleArgs)),
} satisfies CommandModule<GlobalArgs, GlobalArgs>;
