import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { CfdiLayoutError } from '../../src/errors.js';
import type { Issue } from '../../src/issues.js';
import { type ParsedItems, parseJsonItems } from '../../src/senders/input.js';
import { SECRET_ENV, secretsFromEnv, type TralixCredentials } from '../../src/senders/secret.js';
import {
  type AsyncRequest,
  AsyncRequestSchema,
  archivoFuenteFromText,
  asyncDownloadOperation,
  asyncStatusOperation,
  asyncSubmitOperation,
  createTralixClient,
  downloadAsync,
  type ExpireMethod,
  expireTicket,
  getAsyncStatus,
  putTickets,
  type Representacion,
  submitAsync,
  type TralixClient,
  TralixTicketSchema,
  ticketExpireOperation,
  ticketGetOperation,
  ticketPutOperation,
  waitForAsync,
} from '../../src/senders/tralix.js';
import { runCommand, usage } from '../command.js';
import { readInput, writeText } from '../io.js';
import {
  type BatchArgs,
  clientOptions,
  concurrencyOf,
  credentialsFor,
  dryRun,
  outcomeResult,
  printJson,
  runOperation,
  type SenderArgs,
  sendBatch,
  withBatchOptions,
  withSenderOptions,
} from '../senders-options.js';

/**
 * A Tralix client for the tickets API (Basic auth required, seed 000) or the async API (its own
 * host, seed 002; Basic auth sent only when configured, so a dry run does not invent it). `path`
 * names the URL credential: the keyEmpresa, or the `{Token}` of `PUT /{Token}/tickets` (the
 * keyEmpresa when CFDI_LAYOUT_TRALIX_TOKEN is unset). A dry run fills in only what is missing.
 */
async function tralixClient(
  args: SenderArgs,
  api: 'tralix' | 'tralix-async' = 'tralix',
  path: 'key' | 'token' = 'key',
): Promise<TralixClient> {
  const present = secretsFromEnv(process.env).tralix;
  const needed: Partial<Record<keyof TralixCredentials, string>> = {};
  if (path === 'key') needed.key = SECRET_ENV.tralixKey;
  else if (present.token === undefined && present.key === undefined)
    needed.token = `${SECRET_ENV.tralixToken} (or ${SECRET_ENV.tralixKey})`;
  if (api === 'tralix' && present.basic === undefined) {
    needed.user = `${SECRET_ENV.tralixUser} (or ${SECRET_ENV.tralixBasic})`;
    needed.password = `${SECRET_ENV.tralixPassword} (or ${SECRET_ENV.tralixBasic})`;
  }
  const credentials = await credentialsFor('tralix', needed, args);
  return createTralixClient(credentials, await clientOptions(api, args));
}

interface PutArgs extends BatchArgs {
  file: string;
}

const putCommand = {
  command: 'put <file>',
  describe:
    'PUT /{Token}/tickets for each JSON line {fecha, insumo, monto, numeroTicket, sucursal} (- for stdin)',
  builder: (y: Argv<SenderArgs>) =>
    withBatchOptions(y).positional('file', {
      type: 'string',
      demandOption: true,
    }) as unknown as Argv<PutArgs>,
  handler: (args: PutArgs) =>
    runCommand('tralix tickets put', args, async () => {
      const parsed = parseJsonItems((await readInput(args.file)).toString('utf8'), TralixTicketSchema);
      const concurrency = concurrencyOf(args);
      const client = await tralixClient(args, 'tralix', 'token');
      return await sendBatch('tralix tickets put', args, client.http, parsed, {
        requests: (tickets) => tickets.map((t) => ticketPutOperation(client).request(t)),
        send: (tickets, journal) => putTickets(client, tickets, { journal, concurrency }),
      });
    }),
} satisfies CommandModule<SenderArgs, PutArgs>;

interface GetArgs extends SenderArgs {
  ticket?: string;
  sucursal?: string;
}

const getCommand = {
  command: 'get',
  describe:
    'GET /{keyEmpresa}/cfdis: CFDIs generated from tickets (200 list, 204 none, 400 not yet invoiced)',
  builder: (y: Argv<SenderArgs>) =>
    withSenderOptions(y).option('ticket', { type: 'string', describe: 'Ticket number' }).option('sucursal', {
      type: 'string',
      describe: 'Branch id ({idSucursal})',
    }) as unknown as Argv<GetArgs>,
  handler: (args: GetArgs) =>
    runCommand('tralix tickets get', args, async () => {
      const client = await tralixClient(args);
      const query = { ticket: args.ticket, sucursal: args.sucursal };
      return runOperation(client.http, ticketGetOperation(client), query, args);
    }),
} satisfies CommandModule<SenderArgs, GetArgs>;

interface ExpireArgs extends SenderArgs {
  ticket: string;
  sucursal: string;
  method: ExpireMethod;
}

const expireCommand = {
  command: 'expire',
  describe:
    'PUT /{keyEmpresa}/expired (or POST): the ticket can no longer be self-invoiced; a 405 is retried once with the other method',
  builder: (y: Argv<SenderArgs>) =>
    withSenderOptions(y)
      .option('ticket', { type: 'string', demandOption: true, describe: 'Ticket number (noTicket)' })
      .option('sucursal', {
        type: 'string',
        demandOption: true,
        describe: 'Branch id',
      })
      .option('method', {
        choices: ['PUT', 'POST'] as const,
        default: 'PUT' as const,
        describe:
          "Method tried first: seed 000's table says PUT, its curl example POST; on 405 the other is tried",
      }) as unknown as Argv<ExpireArgs>,
  handler: (args: ExpireArgs) =>
    runCommand('tralix tickets expire', args, async () => {
      const client = await tralixClient(args);
      const expiry = { noTicket: String(args.ticket), sucursal: String(args.sucursal) };
      const method = args.method;
      if (args['dry-run'] === true)
        return dryRun(client.http, [ticketExpireOperation(client, method).request(expiry)], args);
      return outcomeResult(await expireTicket(client, expiry, { method }), client.http, args, (r) =>
        writeText(process.stdout, `${r.message}\n`),
      );
    }),
} satisfies CommandModule<SenderArgs, ExpireArgs>;

const ticketsCommand = {
  command: 'tickets',
  describe: 'Portal de Autofacturación tickets: put, get, expire (seed 000)',
  builder: (y: Argv<SenderArgs>) =>
    y
      .command(putCommand)
      .command(getCommand)
      .command(expireCommand)
      .demandCommand(1, 'Name a tickets command: put, get or expire.'),
  handler: () => undefined,
} satisfies CommandModule<SenderArgs, SenderArgs>;

interface SubmitArgs extends BatchArgs {
  files: string[];
  'id-tipo-cfd'?: string;
  'id-sucursal'?: string;
  wait?: boolean;
  'wait-timeout': number;
  'poll-interval': number;
}

/** Reads submit inputs: `.txt` files are one layout each (with the ids from options), others JSON lines of bodies. */
async function readAsyncRequests(args: SubmitArgs): Promise<ParsedItems<AsyncRequest>> {
  const requests: Array<{ index: number; value: AsyncRequest }> = [];
  const issues: Issue[] = [];
  let next = 0;
  for (const file of args.files) {
    const text = (await readInput(file)).toString('utf8');
    if (extname(file).toLowerCase() === '.txt') {
      const idTipoCfd = args['id-tipo-cfd'];
      const idSucursal = args['id-sucursal'];
      if (idTipoCfd === undefined || idSucursal === undefined)
        throw usage(`${file} is a layout: pass --id-tipo-cfd and --id-sucursal`);
      requests.push({
        index: next++,
        value: { idTipoCfd, idSucursal, archivoFuente: archivoFuenteFromText(text) },
      });
      continue;
    }
    const parsed = parseJsonItems(text, AsyncRequestSchema);
    const base = next;
    for (const item of parsed.items) requests.push({ index: base + item.index, value: item.value });
    for (const issue of parsed.issues)
      issues.push({
        ...issue,
        path: [base + Number(issue.path[0]), ...issue.path.slice(1)],
        message: `${basename(file)}: ${issue.message}`,
      });
    next =
      base +
      Math.max(
        0,
        ...parsed.items.map((i) => i.index + 1),
        ...parsed.issues.map((i) => Number(i.path[0]) + 1),
      );
  }
  return { items: requests, issues };
}

const submitCommand = {
  command: 'submit <files..>',
  describe:
    'PUT /{keyEmpresa}/cfdisAsync: JSON lines of {idTipoCfd, idSucursal, archivoFuente}, or .txt layouts with --id-tipo-cfd --id-sucursal',
  builder: (y: Argv<SenderArgs>) =>
    withBatchOptions(y)
      .positional('files', { type: 'string', array: true, demandOption: true })
      .option('id-tipo-cfd', { type: 'string', describe: 'idTipoCfd (encrypted) for .txt layouts' })
      .option('id-sucursal', { type: 'string', describe: 'idSucursal (encrypted) for .txt layouts' })
      .option('wait', {
        type: 'boolean',
        describe: 'Poll each request until it is stamped (200), refused (400) or unknown (404)',
      })
      .option('wait-timeout', {
        type: 'number',
        default: 300,
        describe: 'Seconds to keep polling each request',
      })
      .option('poll-interval', {
        type: 'number',
        default: 1000,
        describe: 'First pause between polls in ms (grows 1.5x up to 15 s)',
      }) as unknown as Argv<SubmitArgs>,
  handler: (args: SubmitArgs) =>
    runCommand('tralix async submit', args, async () => {
      const parsed = await readAsyncRequests(args);
      const concurrency = concurrencyOf(args);
      const client = await tralixClient(args, 'tralix-async');
      const wait =
        args.wait === true
          ? { timeoutMs: args['wait-timeout'] * 1000, intervalMs: args['poll-interval'] }
          : undefined;
      return await sendBatch('tralix async submit', args, client.http, parsed, {
        requests: (values) => values.map((r) => asyncSubmitOperation(client).request(r)),
        send: (values, journal) =>
          submitAsync(client, values, {
            journal,
            concurrency,
            resendUnknown: args['resend-unknown'] === true,
            wait,
          }),
      });
    }),
} satisfies CommandModule<SenderArgs, SubmitArgs>;

interface StatusArgs extends SenderArgs {
  id: string;
  wait?: boolean;
  'wait-timeout': number;
  'poll-interval': number;
}

const statusCommand = {
  command: 'status <id>',
  describe: 'GET /{keyEmpresa}/cfdis/{idPeticion}: 202 EN_PROCESO, 200 stamped, 400 errors, 404 unknown',
  builder: (y: Argv<SenderArgs>) =>
    withSenderOptions(y)
      .positional('id', { type: 'string', demandOption: true, describe: 'idPeticion' })
      .option('wait', { type: 'boolean', describe: 'Poll with growing pauses until 200, 400 or 404' })
      .option('wait-timeout', { type: 'number', default: 300, describe: 'Seconds to keep polling' })
      .option('poll-interval', {
        type: 'number',
        default: 1000,
        describe: 'First pause between polls in ms',
      }) as unknown as Argv<StatusArgs>,
  handler: (args: StatusArgs) =>
    runCommand('tralix async status', args, async () => {
      const client = await tralixClient(args, 'tralix-async');
      const id = String(args.id);
      if (args['dry-run'] === true)
        return dryRun(client.http, [asyncStatusOperation(client).request(id)], args);
      const outcome =
        args.wait === true
          ? await waitForAsync(client, id, {
              timeoutMs: args['wait-timeout'] * 1000,
              intervalMs: args['poll-interval'],
            })
          : await getAsyncStatus(client, id);
      return outcomeResult(outcome, client.http, args, (r) => printJson(r, client.http));
    }),
} satisfies CommandModule<SenderArgs, StatusArgs>;

interface DownloadArgs extends SenderArgs {
  uuid?: string;
  representacion: Representacion;
  out: string;
}

const downloadCommand = {
  command: 'download',
  describe:
    'GET /{keyEmpresa}/descargasCfdiAsync: the XML, the PDF, or a ZIP with both (XML_PDF); without --uuid, every CFDI',
  builder: (y: Argv<SenderArgs>) =>
    withSenderOptions(y)
      .option('uuid', {
        type: 'string',
        describe:
          'The CFDI to download; omit it to download every CFDI in --representacion (seed 002 example #1)',
      })
      .option('representacion', {
        choices: ['XML', 'PDF', 'XML_PDF'] as const,
        default: 'XML_PDF' as const,
        describe: 'XML, PDF, or a ZIP with both',
      })
      .option('out', {
        type: 'string',
        default: '.',
        describe: 'Folder to write the file to',
      }) as unknown as Argv<DownloadArgs>,
  handler: (args: DownloadArgs) =>
    runCommand('tralix async download', args, async () => {
      const client = await tralixClient(args, 'tralix-async');
      const query = {
        uuid: args.uuid === undefined ? undefined : String(args.uuid),
        representacion: args.representacion,
      };
      if (query.uuid === '') throw usage('--uuid must not be empty: omit it to download every CFDI');
      if (args['dry-run'] === true)
        return dryRun(client.http, [asyncDownloadOperation(client).request(query)], args);
      const outcome = await downloadAsync(client, query);
      let written: string | undefined;
      if (outcome.result !== undefined) {
        written = join(args.out, outcome.result.filename);
        try {
          await mkdir(args.out, { recursive: true });
          await writeFile(written, outcome.result.data);
        } catch (err) {
          throw new CfdiLayoutError(
            'IO',
            `cannot write ${written}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
            { cause: err },
          );
        }
      }
      return outcomeResult(
        outcome,
        client.http,
        args,
        () => writeText(process.stdout, `${written}\n`),
        (r) => ({
          path: written,
          filename: r.filename,
          contentType: r.contentType,
          bytes: r.data.byteLength,
        }),
      );
    }),
} satisfies CommandModule<SenderArgs, DownloadArgs>;

const asyncCommand = {
  command: 'async',
  describe: 'CFDI async API: submit, status, download (seed 002)',
  builder: (y: Argv<SenderArgs>) =>
    y
      .command(submitCommand)
      .command(statusCommand)
      .command(downloadCommand)
      .demandCommand(1, 'Name an async command: submit, status or download.'),
  handler: () => undefined,
} satisfies CommandModule<SenderArgs, SenderArgs>;

/** `cfdi-layout tralix tickets|async …`: Tralix autofacturación tickets and CFDI async requests. */
export const tralixCommand = {
  command: 'tralix',
  describe: 'Tralix senders: tickets put|get|expire, async submit|status|download',
  builder: (y: Argv<SenderArgs>) =>
    y
      .command(ticketsCommand)
      .command(asyncCommand)
      .demandCommand(1, 'Name a Tralix command: tickets or async.'),
  handler: () => undefined,
} satisfies CommandModule<SenderArgs, SenderArgs>;
