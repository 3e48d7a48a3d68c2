import { basename, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import {
  type AcuseForm,
  acuseOperation,
  type Cancelacion,
  cancelar,
  cancelOperation,
  checkCancelacion,
  consultaOperation,
  createFactureClient,
  type DocumentQuery,
  downloadPdf,
  downloadXml,
  type FactureClient,
  type FactureDocument,
  type FactureFormat,
  fileOperation,
  type MotivoCancelacion,
  masivoOperation,
  type PreCfdi,
  sucursalesOperation,
  type TimbradoResult,
  timbrar,
  timbrarMasivo,
  timbrarOperation,
  usuarioOperation,
  type ZipFile,
} from '../../src/senders/facture.js';
import { type Operation, type Outcome, perform } from '../../src/senders/outcome.js';
import { SECRET_ENV } from '../../src/senders/secret.js';
import type { Download } from '../../src/senders/tralix.js';
import { type CommandResult, runCommand, usage } from '../command.js';
import { readInput, writeOutput, writeText } from '../io.js';
import {
  type BatchArgs,
  batchResult,
  clientOptions,
  concurrencyOf,
  credentialsFor,
  dryRun,
  outcomeResult,
  printJson,
  resolveSucursal,
  type SenderArgs,
  withBatchOptions,
  withJournal,
  withSenderOptions,
} from '../senders-options.js';

interface FactureArgs extends SenderArgs {
  accept: FactureFormat;
}

const SUCURSAL_DESCRIBE =
  'Branch ID from `facture sucursales` (Sucursal header, seed 003); defaults to providers.facture.sucursal of the config';

/** Stamping needs a Sucursal (seed 003): `--sucursal` or the config's default. */
async function stampingSucursal(args: TimbrarArgs): Promise<string> {
  const sucursal = await resolveSucursal('facture', args);
  if (sucursal === undefined)
    throw usage(
      'pass --sucursal (a branch ID from `facture sucursales`) or set providers.facture.sucursal in the config',
    );
  return sucursal;
}

async function factureClient(args: SenderArgs): Promise<FactureClient> {
  const credentials = await credentialsFor(
    'facture',
    { user: SECRET_ENV.factureUser, password: SECRET_ENV.facturePassword },
    args,
  );
  return createFactureClient(credentials, await clientOptions('facture', args));
}

function withAccept<T>(y: Argv<T>, fallback: FactureFormat) {
  return withSenderOptions(y).option('accept', {
    choices: ['json', 'xml'] as const,
    default: fallback,
    describe: 'Answer format (Accept header)',
  });
}

async function printDocument(doc: FactureDocument, client: FactureClient): Promise<void> {
  if (doc.json !== undefined) await printJson(doc.json, client.http);
  else await writeText(process.stdout, doc.text.endsWith('\n') ? doc.text : `${doc.text}\n`);
}

function documentCommand(
  name: string,
  describe: string,
  fallback: FactureFormat,
  operation: (client: FactureClient) => Operation<DocumentQuery, FactureDocument>,
  positional?: string,
) {
  interface Args extends FactureArgs {
    uuid?: string;
  }
  return {
    command: positional === undefined ? name : `${name} <${positional}>`,
    describe,
    builder: (y: Argv<SenderArgs>) => {
      const withOptions = withAccept(y, fallback);
      return (positional === undefined
        ? withOptions
        : withOptions.positional(positional, {
            type: 'string',
            demandOption: true,
          })) as unknown as Argv<Args>;
    },
    handler: (args: Args) =>
      runCommand(`facture ${name}`, args, async () => {
        const client = await factureClient(args);
        const value = positional === undefined ? '' : String(args.uuid);
        const op = operation(client);
        const query = { value, format: args.accept };
        if (args['dry-run'] === true) return dryRun(client.http, [op.request(query)], args);
        return outcomeResult(await perform(client.http, op, query), client.http, args, (doc) =>
          printDocument(doc, client),
        );
      }),
  } satisfies CommandModule<SenderArgs, Args>;
}

interface TimbrarArgs extends BatchArgs {
  files: string[];
  sucursal?: string;
  out?: string;
  accept: FactureFormat;
}

const timbrarCommand = {
  command: 'timbrar <files..>',
  describe: 'POST /rest/timbrado/produccion/: stamps each pre-CFDI XML; writes <UUID>.xml to --out',
  builder: (y: Argv<SenderArgs>) =>
    withBatchOptions(y)
      .positional('files', { type: 'string', array: true, demandOption: true })
      .option('sucursal', { type: 'string', describe: SUCURSAL_DESCRIBE })
      .option('out', { type: 'string', describe: 'Folder for the stamped XML (required unless --dry-run)' })
      .option('accept', {
        choices: ['json', 'xml'] as const,
        default: 'xml' as const,
      }) as unknown as Argv<TimbrarArgs>,
  handler: (args: TimbrarArgs) =>
    runCommand('facture timbrar', args, async () => {
      const documents: PreCfdi[] = [];
      for (const file of args.files)
        documents.push({ name: basename(file), xml: (await readInput(file)).toString('utf8') });
      const concurrency = concurrencyOf(args);
      const client = await factureClient(args);
      const options = { sucursal: await stampingSucursal(args), format: args.accept };
      if (args['dry-run'] === true)
        return dryRun(
          client.http,
          documents.map((d) => timbrarOperation(client, options).request(d)),
          args,
        );
      const out = args.out;
      if (out === undefined)
        throw usage('--out DIR is required: the stamped XML is written there as <UUID>.xml');
      const report = await withJournal(args, client.http, async (journal) => {
        return timbrar(client, documents, {
          ...options,
          journal,
          concurrency,
          resendUnknown: args['resend-unknown'] === true,
          // Written before the journal records the item, so a killed run never loses a stamped XML.
          persist: async (outcome) => {
            const stamped = outcome.result as TimbradoResult | undefined;
            if (stamped !== undefined) await writeOutput(join(out, `${stamped.uuid}.xml`), stamped.xml);
          },
        });
      });
      return await batchResult('facture timbrar', report, client.http, args, [], (r) => {
        const stamped = r as TimbradoResult;
        return { file: stamped.name, uuid: stamped.uuid, path: join(out, `${stamped.uuid}.xml`) };
      });
    }),
} satisfies CommandModule<SenderArgs, TimbrarArgs>;

const masivoCommand = {
  command: 'masivo <files..>',
  describe:
    'POST /rest/timbrado/masivoProduccion/: each ZIP of pre-CFDIs as multipart field `file`; answers per file',
  builder: (y: Argv<SenderArgs>) =>
    withBatchOptions(y)
      .positional('files', { type: 'string', array: true, demandOption: true })
      .option('sucursal', { type: 'string', describe: SUCURSAL_DESCRIBE })
      .option('accept', {
        choices: ['json', 'xml'] as const,
        default: 'json' as const,
      }) as unknown as Argv<TimbrarArgs>,
  handler: (args: TimbrarArgs) =>
    runCommand('facture masivo', args, async () => {
      const zips: ZipFile[] = [];
      for (const file of args.files)
        zips.push({ name: basename(file), data: new Uint8Array(await readInput(file)) });
      const concurrency = concurrencyOf(args);
      const client = await factureClient(args);
      const options = { sucursal: await stampingSucursal(args), format: args.accept };
      if (args['dry-run'] === true)
        return dryRun(
          client.http,
          zips.map((z) => masivoOperation(client, options).request(z)),
          args,
        );
      const report = await withJournal(args, client.http, async (journal) => {
        return timbrarMasivo(client, zips, {
          ...options,
          journal,
          concurrency,
          resendUnknown: args['resend-unknown'] === true,
        });
      });
      return await batchResult('facture masivo', report, client.http, args);
    }),
} satisfies CommandModule<SenderArgs, TimbrarArgs>;

interface FileArgs extends SenderArgs {
  uuid: string;
  out?: string;
}

function fileCommand(kind: 'xml' | 'pdf') {
  return {
    command: `${kind} <uuid>`,
    describe: `GET /rest/consulta/${kind}/?uuid=: the ${kind === 'xml' ? 'stamped XML' : 'PDF'} (--out FILE; ${kind === 'xml' ? 'default stdout' : 'default <UUID>.pdf'})`,
    builder: (y: Argv<SenderArgs>) =>
      withSenderOptions(y)
        .positional('uuid', { type: 'string', demandOption: true })
        .option('out', { type: 'string', alias: 'o' }) as unknown as Argv<FileArgs>,
    handler: (args: FileArgs) =>
      runCommand(`facture ${kind}`, args, async (): Promise<CommandResult> => {
        const client = await factureClient(args);
        const uuid = String(args.uuid);
        if (args['dry-run'] === true)
          return dryRun(client.http, [fileOperation(client, kind).request(uuid)], args);
        const outcome: Outcome<Download> =
          kind === 'xml' ? await downloadXml(client, uuid) : await downloadPdf(client, uuid);
        const target = args.out ?? (kind === 'xml' ? '-' : `${uuid}.pdf`);
        if (outcome.result !== undefined && (target !== '-' || args.json !== true))
          await writeOutput(target, outcome.result.data);
        return outcomeResult(
          outcome,
          client.http,
          args,
          () => undefined,
          (r) => ({ path: target, bytes: r.data.byteLength, contentType: r.contentType }),
        );
      }),
  } satisfies CommandModule<SenderArgs, FileArgs>;
}

interface CancelArgs extends FactureArgs {
  uuid: string;
  motivo: MotivoCancelacion;
  'folio-sustitucion'?: string;
  sucursal?: string;
}

const cancelarCommand = {
  command: 'cancelar <uuid>',
  describe:
    'GET /rest/cancelacion/produccion/?uuid= with the Sucursal header (--sucursal or the config); motivo 01 needs --folio-sustitucion (the replacing UUID)',
  builder: (y: Argv<SenderArgs>) =>
    withAccept(y, 'json')
      .positional('uuid', { type: 'string', demandOption: true })
      .option('motivo', {
        choices: ['01', '02', '03', '04'] as const,
        demandOption: true,
        describe:
          'c_MotivoCancelacion, which the SAT requires on every cancellation; seed 003 does not document it, so it travels as the query parameter motivo',
      })
      .option('folio-sustitucion', {
        type: 'string',
        describe:
          'UUID that replaces the cancelled CFDI: the SAT requires it with motivo 01 and refuses it with any other (query parameter folioSustitucion)',
      })
      .option('sucursal', {
        type: 'string',
        describe:
          'Sucursal header (seed 003): a branch ID from `facture sucursales`; defaults to providers.facture.sucursal of the config, else not sent',
      }) as unknown as Argv<CancelArgs>,
  handler: (args: CancelArgs) =>
    runCommand('facture cancelar', args, async () => {
      const cancel: Cancelacion = {
        uuid: String(args.uuid),
        motivo: String(args.motivo) as MotivoCancelacion,
        folioSustitucion: args['folio-sustitucion'],
        sucursal: await resolveSucursal('facture', args),
      };
      const problems = checkCancelacion(cancel);
      if (problems.length > 0) throw usage(problems.map((p) => p.message).join('; '));
      const client = await factureClient(args);
      if (args['dry-run'] === true)
        return dryRun(client.http, [cancelOperation(client, args.accept).request(cancel)], args);
      return outcomeResult(await cancelar(client, cancel, args.accept), client.http, args, (r) =>
        printJson(r, client.http),
      );
    }),
} satisfies CommandModule<SenderArgs, CancelArgs>;

interface AcuseArgs extends FactureArgs {
  uuid: string;
  'uuid-in': AcuseForm;
}

const acuseCommand = {
  command: 'acuse <uuid>',
  describe:
    'GET /rest/cancelacion/acuse/?uuid=UUID (or /acuse/UUID with --uuid-in path): the cancellation acuse',
  builder: (y: Argv<SenderArgs>) =>
    withAccept(y, 'xml')
      .positional('uuid', { type: 'string', demandOption: true })
      .option('uuid-in', {
        choices: ['query', 'path'] as const,
        default: 'query' as const,
        describe:
          'Where the UUID goes: seed 003 writes the route acuse/uuid?, read as acuse/?uuid=UUID (query) or acuse/UUID (path)',
      }) as unknown as Argv<AcuseArgs>,
  handler: (args: AcuseArgs) =>
    runCommand('facture acuse', args, async () => {
      const client = await factureClient(args);
      const op = acuseOperation(client, args['uuid-in']);
      const query = { value: String(args.uuid), format: args.accept };
      if (args['dry-run'] === true) return dryRun(client.http, [op.request(query)], args);
      return outcomeResult(await perform(client.http, op, query), client.http, args, (doc) =>
        printDocument(doc, client),
      );
    }),
} satisfies CommandModule<SenderArgs, AcuseArgs>;

/** `cfdi-layout facture …`: Facture APP REST (usuario, sucursales, timbrado, masivo, consulta, cancelación, acuse). */
export const factureCommand = {
  command: 'facture',
  describe: 'Facture APP senders: usuario, sucursales, timbrar, masivo, consulta, xml, pdf, cancelar, acuse',
  builder: (y: Argv<SenderArgs>) =>
    y
      .command(
        documentCommand(
          'usuario',
          'GET /rest/administracion/usuario/: user status and credits',
          'json',
          usuarioOperation,
        ),
      )
      .command(
        documentCommand(
          'sucursales',
          'GET /rest/administracion/sucursales/: branch IDs for stamping',
          'json',
          sucursalesOperation,
        ),
      )
      .command(timbrarCommand)
      .command(masivoCommand)
      .command(
        documentCommand(
          'consulta',
          'GET /rest/consulta/cfdi/?cfdi=UUID: the comprobante as JSON or XML',
          'json',
          consultaOperation,
          'uuid',
        ),
      )
      .command(fileCommand('xml'))
      .command(fileCommand('pdf'))
      .command(cancelarCommand)
      .command(acuseCommand)
      .demandCommand(1, 'Name a facture command.'),
  handler: () => undefined,
} satisfies CommandModule<SenderArgs, SenderArgs>;
