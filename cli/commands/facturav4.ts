import type { Argv, CommandModule } from 'yargs';
import {
  createFacturav4Client,
  createOrders,
  createSerie,
  type Facturav4Client,
  listAllOrders,
  listOrders,
  type OrderChanges,
  OrderChangesSchema,
  OrderSchema,
  type OrderTarget,
  OrderUpdateSchema,
  orderCreateRequests,
  orderDeleteOperation,
  orderGetOperation,
  orderListOperation,
  orderUpdateOperation,
  orderUpdateRequests,
  type SerieAction,
  serieActionOperation,
  serieCreateOperation,
  serieGetOperation,
  seriesListOperation,
  updateOrders,
} from '../../src/senders/facturav4.js';
import { parseJsonItems } from '../../src/senders/input.js';
import type { ProviderApi } from '../../src/senders/providers.js';
import { SECRET_ENV } from '../../src/senders/secret.js';
import { runCommand, usage } from '../command.js';
import { readInput } from '../io.js';
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

async function facturav4Client(api: ProviderApi, args: SenderArgs): Promise<Facturav4Client> {
  const credentials = await credentialsFor(
    'facturav4',
    { apiKey: SECRET_ENV.facturav4ApiKey, secretKey: SECRET_ENV.facturav4SecretKey },
    args,
  );
  return createFacturav4Client(credentials, await clientOptions(api, args));
}

const ordersClient = (args: SenderArgs) => facturav4Client('facturav4-orders', args);
const seriesClient = (args: SenderArgs) => facturav4Client('facturav4-series', args);

interface CreateArgs extends BatchArgs {
  file: string;
  'chunk-size': number;
}

const createCommand = {
  command: 'create <file>',
  describe:
    'POST /v4/autofacturacion (one) or /v4/autofacturacion/multiple (chunks): JSON lines or a JSON array of orders',
  builder: (y: Argv<SenderArgs>) =>
    withBatchOptions(y).positional('file', { type: 'string', demandOption: true }).option('chunk-size', {
      type: 'number',
      default: 50,
      describe: 'Orders per /multiple request; 1 sends each on its own',
    }) as unknown as Argv<CreateArgs>,
  handler: (args: CreateArgs) =>
    runCommand('facturav4 orders create', args, async () => {
      const parsed = parseJsonItems((await readInput(args.file)).toString('utf8'), OrderSchema);
      const concurrency = concurrencyOf(args);
      if (!Number.isInteger(args['chunk-size']) || args['chunk-size'] < 1)
        throw usage('--chunk-size must be a whole number ≥ 1');
      const client = await ordersClient(args);
      return await sendBatch('facturav4 orders create', args, client.http, parsed, {
        requests: (orders) => orderCreateRequests(client, orders, args['chunk-size']),
        send: (orders, journal) =>
          createOrders(client, orders, { journal, concurrency, chunkSize: args['chunk-size'] }),
      });
    }),
} satisfies CommandModule<SenderArgs, CreateArgs>;

interface ListArgs extends SenderArgs {
  page?: number;
  'per-page'?: number;
  fecha?: string;
  all?: boolean;
}

const listCommand = {
  command: 'list',
  describe: 'GET /v4/autofacturacion: one page, or every page with --all',
  builder: (y: Argv<SenderArgs>) =>
    withSenderOptions(y)
      .option('page', { type: 'number' })
      .option('per-page', { type: 'number', describe: 'At most 100 (seed 001)' })
      .option('fecha', { type: 'string', describe: 'Sale date, YYYY-MM-DD' })
      .option('all', { type: 'boolean', describe: 'Read every page' }) as unknown as Argv<ListArgs>,
  handler: (args: ListArgs) =>
    runCommand('facturav4 orders list', args, async () => {
      const client = await ordersClient(args);
      const query = { page: args.page, perPage: args['per-page'], fecha: args.fecha };
      if (args['dry-run'] === true)
        return dryRun(
          client.http,
          [orderListOperation(client).request({ ...query, page: args.all === true ? 1 : args.page })],
          args,
        );
      if (args.all === true) {
        return outcomeResult(
          await listAllOrders(client, { perPage: args['per-page'], fecha: args.fecha }),
          client.http,
          args,
          (r) => printJson(r.orders, client.http),
        );
      }
      return outcomeResult(await listOrders(client, query), client.http, args, (r) =>
        printJson(r, client.http),
      );
    }),
} satisfies CommandModule<SenderArgs, ListArgs>;

interface FolioArgs extends SenderArgs {
  folio: string;
}

const getCommand = {
  command: 'get <folio>',
  describe: 'GET /v4/autofacturacion/folio/{folio}',
  builder: (y: Argv<SenderArgs>) =>
    withSenderOptions(y).positional('folio', {
      type: 'string',
      demandOption: true,
    }) as unknown as Argv<FolioArgs>,
  handler: (args: FolioArgs) =>
    runCommand('facturav4 orders get', args, async () => {
      const client = await ordersClient(args);
      return runOperation(client.http, orderGetOperation(client), String(args.folio), args);
    }),
} satisfies CommandModule<SenderArgs, FolioArgs>;

interface UpdateArgs extends BatchArgs {
  folio?: string;
  id?: number;
  file?: string;
  'chunk-size': number;
  vencimiento?: string;
  importe?: string;
  fecha?: string;
  iva?: string;
  'forma-de-pago'?: string;
  ish?: string;
  tag?: string;
  'objeto-impuesto'?: string;
}

function changesOf(args: UpdateArgs): OrderChanges {
  const raw = {
    vencimiento: args.vencimiento,
    importe: args.importe,
    fecha: args.fecha,
    iva: args.iva,
    formaDePago: args['forma-de-pago'],
    ish: args.ish,
    tag: args.tag,
    objetoImpuesto: args['objeto-impuesto'],
  };
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length === 0)
    throw usage('name at least one field to change (--importe, --fecha, --vencimiento, --iva, …)');
  const parsed = OrderChangesSchema.safeParse(defined);
  if (!parsed.success)
    throw usage(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
  return parsed.data;
}

const updateCommand = {
  command: 'update [folio]',
  describe:
    'PATCH /v4/autofacturacion/folio/{folio}, /v4/autofacturacion/{id} (--id), or /multiple (--file JSON lines with id)',
  builder: (y: Argv<SenderArgs>) =>
    withBatchOptions(y)
      .positional('folio', { type: 'string' })
      .option('id', { type: 'number', describe: 'Order id (from orders list) instead of the folio' })
      .option('file', { type: 'string', describe: 'JSON lines of {id, …changes} for PATCH /multiple' })
      .option('chunk-size', { type: 'number', default: 50, describe: 'Orders per /multiple request' })
      .option('vencimiento', { type: 'string' })
      .option('importe', { type: 'string' })
      .option('fecha', { type: 'string' })
      .option('iva', { type: 'string' })
      .option('forma-de-pago', { type: 'string' })
      .option('ish', { type: 'string' })
      .option('tag', { type: 'string' })
      .option('objeto-impuesto', { type: 'string' }) as unknown as Argv<UpdateArgs>,
  handler: (args: UpdateArgs) =>
    runCommand('facturav4 orders update', args, async () => {
      const targets = [args.folio, args.id, args.file].filter((v) => v !== undefined).length;
      if (targets !== 1) throw usage('name exactly one of FOLIO, --id ID or --file FILE');
      const client = await ordersClient(args);
      if (args.file !== undefined) {
        const parsed = parseJsonItems((await readInput(args.file)).toString('utf8'), OrderUpdateSchema);
        const concurrency = concurrencyOf(args);
        return await sendBatch('facturav4 orders update', args, client.http, parsed, {
          requests: (updates) => orderUpdateRequests(client, updates, args['chunk-size']),
          send: (updates, journal) =>
            updateOrders(client, updates, { journal, concurrency, chunkSize: args['chunk-size'] }),
        });
      }
      const target: OrderTarget = args.id !== undefined ? { id: args.id } : { folio: String(args.folio) };
      const changes = changesOf(args);
      return runOperation(client.http, orderUpdateOperation(client), { target, changes }, args);
    }),
} satisfies CommandModule<SenderArgs, UpdateArgs>;

const deleteCommand = {
  command: 'delete <folio>',
  describe: 'DELETE /v4/autofacturacion/folio/{folio}',
  builder: (y: Argv<SenderArgs>) =>
    withSenderOptions(y).positional('folio', {
      type: 'string',
      demandOption: true,
    }) as unknown as Argv<FolioArgs>,
  handler: (args: FolioArgs) =>
    runCommand('facturav4 orders delete', args, async () => {
      const client = await ordersClient(args);
      return runOperation(client.http, orderDeleteOperation(client), String(args.folio), args);
    }),
} satisfies CommandModule<SenderArgs, FolioArgs>;

const ordersCommand = {
  command: 'orders',
  describe: 'Factu-Ramval autofacturación orders: create, list, get, update, delete (seed 001)',
  builder: (y: Argv<SenderArgs>) =>
    y
      .command(createCommand)
      .command(listCommand)
      .command(getCommand)
      .command(updateCommand)
      .command(deleteCommand)
      .demandCommand(1, 'Name an orders command: create, list, get, update or delete.'),
  handler: () => undefined,
} satisfies CommandModule<SenderArgs, SenderArgs>;

const seriesListCommand = {
  command: 'list',
  describe: 'GET /v4/series',
  builder: (y: Argv<SenderArgs>) => withSenderOptions(y),
  handler: (args: SenderArgs) =>
    runCommand('facturav4 series list', args, async () => {
      const client = await seriesClient(args);
      return runOperation(client.http, seriesListOperation(client), undefined, args);
    }),
} satisfies CommandModule<SenderArgs, SenderArgs>;

interface UidArgs extends SenderArgs {
  uid: string;
}

const seriesGetCommand = {
  command: 'get <uid>',
  describe: 'GET /v4/series/{uid}',
  builder: (y: Argv<SenderArgs>) =>
    withSenderOptions(y).positional('uid', {
      type: 'string',
      demandOption: true,
    }) as unknown as Argv<UidArgs>,
  handler: (args: UidArgs) =>
    runCommand('facturav4 series get', args, async () => {
      const client = await seriesClient(args);
      return runOperation(client.http, serieGetOperation(client), String(args.uid), args);
    }),
} satisfies CommandModule<SenderArgs, UidArgs>;

interface SerieCreateArgs extends SenderArgs {
  letra: string;
  'tipo-documento': string;
  folio?: number;
}

const seriesCreateCommand = {
  command: 'create',
  describe: 'POST /v4/series/create {letra, tipoDocumento, folio?}; the new SerieID is read from the list',
  builder: (y: Argv<SenderArgs>) =>
    withSenderOptions(y)
      .option('letra', { type: 'string', demandOption: true })
      .option('tipo-documento', {
        type: 'string',
        demandOption: true,
        describe: 'factura, nota_credito, nota_debito, pago, retencion, …',
      })
      .option('folio', {
        type: 'number',
        describe: 'First folio (default 1)',
      }) as unknown as Argv<SerieCreateArgs>,
  handler: (args: SerieCreateArgs) =>
    runCommand('facturav4 series create', args, async () => {
      if (args.folio !== undefined && (!Number.isInteger(args.folio) || args.folio < 1))
        throw usage('--folio must be a whole number ≥ 1');
      const client = await seriesClient(args);
      const create = {
        letra: String(args.letra),
        tipoDocumento: String(args['tipo-documento']),
        folio: args.folio,
      };
      if (args['dry-run'] === true)
        return dryRun(client.http, [serieCreateOperation(client).request(create)], args);
      return outcomeResult(await createSerie(client, create), client.http, args, (r) =>
        printJson(r, client.http),
      );
    }),
} satisfies CommandModule<SenderArgs, SerieCreateArgs>;

function seriesActionCommand(action: SerieAction, describe: string) {
  return {
    command: `${action} <uid>`,
    describe,
    builder: (y: Argv<SenderArgs>) =>
      withSenderOptions(y).positional('uid', {
        type: 'string',
        demandOption: true,
      }) as unknown as Argv<UidArgs>,
    handler: (args: UidArgs) =>
      runCommand(`facturav4 series ${action}`, args, async () => {
        const client = await seriesClient(args);
        return runOperation(client.http, serieActionOperation(client, action), String(args.uid), args);
      }),
  } satisfies CommandModule<SenderArgs, UidArgs>;
}

const seriesCommand = {
  command: 'series',
  describe: 'facturaonline series: list, get, create, up, down, drop (seed 004, F-PLUGIN header)',
  builder: (y: Argv<SenderArgs>) =>
    y
      .command(seriesListCommand)
      .command(seriesGetCommand)
      .command(seriesCreateCommand)
      .command(seriesActionCommand('up', 'POST /v4/series/{uid}/up: activate'))
      .command(seriesActionCommand('down', 'POST /v4/series/{uid}/down: pause'))
      .command(seriesActionCommand('drop', 'POST /v4/series/{uid}/drop: delete'))
      .demandCommand(1, 'Name a series command: list, get, create, up, down or drop.'),
  handler: () => undefined,
} satisfies CommandModule<SenderArgs, SenderArgs>;

/** `cfdi-layout facturav4 orders|series …`: the Factura.com v4 family (Factu-Ramval orders, facturaonline series). */
export const facturav4Command = {
  command: 'facturav4',
  describe:
    'Factura.com v4 senders: orders create|list|get|update|delete, series list|get|create|up|down|drop',
  builder: (y: Argv<SenderArgs>) =>
    y
      .command(ordersCommand)
      .command(seriesCommand)
      .demandCommand(1, 'Name a facturav4 command: orders or series.'),
  handler: () => undefined,
} satisfies CommandModule<SenderArgs, SenderArgs>;
