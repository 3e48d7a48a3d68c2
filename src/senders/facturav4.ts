import { z } from 'zod';
import { error, type Issue, type IssuePath, warning } from '../issues.js';
import { Money } from '../money.js';
import {
  type BatchOptions,
  type BatchReport,
  countOutcomes,
  digestOf,
  type ItemOutcome,
  journalOutcome,
  journalVerdict,
  mapPool,
  sendBatch,
} from './batch.js';
import { createProviderClient, type ProviderClient, type SenderClientOptions } from './client.js';
import { type HttpRequest, type HttpResponse, SenderError } from './http.js';
import { JsonAmount, JsonText } from './input.js';
import { jsonNumberOrString, stringifyJson } from './json-body.js';
import { type Operation, type Outcome, perform } from './outcome.js';
import {
  issueFromText,
  issuesFromMessage,
  PROVIDER_CONFLICT,
  PROVIDER_REFUSED,
  parseJsonResponse,
  unexpectedResponse,
} from './provider-issues.js';
import { type Facturav4Credentials, requireSecret, SECRET_ENV } from './secret.js';

/*
 * The Factura.com v4 API family (E.2): Factu-Ramval autofacturación orders (seed 001, hosts
 * app/sandbox.facturamval.com/api) and facturaonline series (seed 004). Every call carries
 * F-Api-Key and F-Secret-Key; series calls also carry the constant F-PLUGIN. Seed 001 gives no HTTP
 * status codes, only bodies, so answers are read by their `response`/`status` field, never the status.
 */

/** A Factura.com v4 client (orders or series host). */
export type Facturav4Client = ProviderClient<Facturav4Credentials>;

/** Creates a {@link Facturav4Client}; the base URL ends in `/api` as the seeds write the host. */
export function createFacturav4Client(
  credentials: Facturav4Credentials,
  options: SenderClientOptions,
): Facturav4Client {
  return createProviderClient(credentials, options);
}

/** Seed 004: "F-PLUGIN: 9d4095c8f7ed5785cb14c0e3b033eeb8252416ed", a constant on every series call. */
export const F_PLUGIN = '9d4095c8f7ed5785cb14c0e3b033eeb8252416ed';

function authHeaders(client: Facturav4Client) {
  return {
    'F-Api-Key': requireSecret(client.credentials.apiKey, SECRET_ENV.facturav4ApiKey),
    'F-Secret-Key': requireSecret(client.credentials.secretKey, SECRET_ENV.facturav4SecretKey),
    'Content-Type': 'application/json',
  };
}

function seriesHeaders(client: Facturav4Client) {
  return { ...authHeaders(client), 'F-PLUGIN': F_PLUGIN };
}

const FlexText = z.union([z.string(), z.number()]).transform(String);

/** Any answer of the family: `response` or `status` says success or error, `message` is a text or Laravel's field map. */
const AnswerSchema = z.looseObject({
  response: z.string().optional(),
  status: z.string().optional(),
  message: z.unknown().optional(),
  messsage: z.unknown().optional(),
});

function isError(answer: z.infer<typeof AnswerSchema>): boolean {
  return answer.response === 'error' || answer.status === 'error';
}

/** The provider's refusal as issues; paths like `0.fecha` are mapped by `mapPath`. */
function refusal<R>(
  response: HttpResponse,
  message: unknown,
  mapPath?: (p: IssuePath) => IssuePath,
): Outcome<R> {
  // An authentication error also returns bcrypt-like `Data`/`Secret` fields (seed 004); only `message` is kept.
  return {
    status: 'refused',
    issues: issuesFromMessage(message ?? `HTTP ${response.status}`, mapPath),
    attempts: response.attempts,
  };
}

// ---------------------------------------------------------------- orders (seed 001)

const Ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in the Y-m-d format (2025-03-31)');
const Rate = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d{1,2}(\.\d+)?$/, 'must be a percentage such as 16, 8 or 0'));

/** An order of the autofacturación module (seed 001): `importe` always includes IVA. */
export const OrderSchema = z.strictObject({
  folio: JsonText,
  importe: JsonAmount,
  fecha: Ymd,
  vencimiento: Ymd,
  iva: Rate,
  formaDePago: z
    .string()
    .regex(/^\d{2}$/, 'must be a c_FormaPago key such as 01')
    .optional(),
  ish: JsonAmount.optional(),
  tag: z.string().optional(),
  objetoImpuesto: z.string().regex(/^0\d$/, 'must be a c_ObjetoImp key such as 02').optional(),
});

/** An order ready to send. */
export type Order = z.output<typeof OrderSchema>;

/** The fields `PATCH` may change (seed 001: every one optional); `id` is required only in `/multiple`. */
export const OrderChangesSchema = OrderSchema.omit({ folio: true }).partial();

/** Changes to one order. */
export type OrderChanges = z.output<typeof OrderChangesSchema>;

/** An item of `PATCH /v4/autofacturacion/multiple`: the order id (from the list) and its changes. */
export const OrderUpdateSchema = OrderChangesSchema.extend({
  id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(Number),
});

/** One item of a multiple update. */
export type OrderUpdate = z.output<typeof OrderUpdateSchema>;

function orderBody(
  order: { readonly [K in keyof Order]?: Order[K] | undefined } & { readonly id?: number | undefined },
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (order.id !== undefined) body.id = order.id;
  if (order.vencimiento !== undefined) body.vencimiento = order.vencimiento;
  if (order.folio !== undefined) body.folio = order.folio;
  // A JSON number like seed 001's /multiple examples; an amount too long for one exactly goes as the
  // string seed 001's single-order and update examples send ("200.00").
  if (order.importe !== undefined) body.importe = jsonNumberOrString(order.importe);
  if (order.fecha !== undefined) body.fecha = order.fecha;
  if (order.iva !== undefined) body.iva = order.iva;
  if (order.formaDePago !== undefined) body.formaDePago = order.formaDePago;
  if (order.ish !== undefined) body.ish = jsonNumberOrString(order.ish);
  if (order.tag !== undefined) body.tag = order.tag;
  if (order.objetoImpuesto !== undefined) body.objetoImpuesto = order.objetoImpuesto;
  return body;
}

/** An order as creation answers describe it (`soft_*` fields, seed 001). */
const SoftOrderSchema = z.looseObject({
  soft_id: z.number(),
  soft_folio: FlexText,
  soft_fecha: z.string().nullish(),
  soft_importe: FlexText.nullish(),
  soft_facturado: z.union([z.number(), z.string()]).nullish(),
  due_date: z.string().nullish(),
  soft_tasa: FlexText.nullish(),
  soft_forma_de_pago: z.string().nullish(),
  soft_ish: FlexText.nullish(),
});

type SoftOrder = z.infer<typeof SoftOrderSchema>;

/** An order as list, get, update and delete answer it (seed 001). */
export const OrderRowSchema = z.looseObject({
  id: z.number(),
  folio: FlexText,
  importe: FlexText,
  fecha: z.string(),
  vencimiento: z.string(),
  uuid: z.string().nullish(),
  creado: z.string().nullish(),
  facturado: z.string(),
  tasa: FlexText.nullish(),
});

/** One order of the provider. */
export type OrderRow = z.infer<typeof OrderRowSchema>;

/** What a created (or found identical) order is: its provider id. */
export interface OrderCreateResult {
  readonly softId: number;
  /** True when the folio was already stored with the same data (a repeat, or an earlier lost answer). */
  readonly existing: boolean;
}

function sameAmount(a: string, b: string): boolean {
  try {
    return new Money(a).eq(new Money(b));
  } catch {
    return a === b;
  }
}

/**
 * Compares a stored order with the one sent. Seed 001's answers write the rate as `soft_tasa`,
 * "Obj_01" when objetoImpuesto is 01 (not subject to tax), and amounts as "100" or "100.00".
 */
export function orderDifferences(order: Order, stored: SoftOrder): string[] {
  const diffs: string[] = [];
  const differ = (
    field: string,
    have: string | null | undefined,
    sent: string,
    same = (x: string, y: string) => x === y,
  ): void => {
    if (have !== null && have !== undefined && !same(have, sent))
      diffs.push(`${field}: stored ${have}, sent ${sent}`);
  };
  differ('importe', stored.soft_importe, order.importe, sameAmount);
  differ('fecha', stored.soft_fecha, order.fecha);
  differ('vencimiento', stored.due_date, order.vencimiento);
  differ(
    'iva',
    stored.soft_tasa,
    order.objetoImpuesto === '01' ? 'Obj_01' : order.iva,
    (x, y) => x === y || (/^[\d.]+$/.test(x) && /^[\d.]+$/.test(y) && sameAmount(x, y)),
  );
  if (order.formaDePago !== undefined) differ('formaDePago', stored.soft_forma_de_pago, order.formaDePago);
  differ('ish', stored.soft_ish, order.ish ?? '0', sameAmount);
  return diffs;
}

function existingOutcome(
  order: Order,
  index: number,
  stored: SoftOrder,
  attempts: number,
): Outcome<OrderCreateResult> {
  const diffs = orderDifferences(order, stored);
  if (diffs.length === 0)
    return { status: 'stored', result: { softId: stored.soft_id, existing: true }, issues: [], attempts };
  return {
    status: 'conflict',
    result: { softId: stored.soft_id, existing: true },
    issues: [
      error(
        PROVIDER_CONFLICT,
        [index, 'folio'],
        `El registro ya existe (folio ${order.folio}) with other data: ${diffs.join('; ')}`,
      ),
    ],
    attempts,
  };
}

const SingleAnswerSchema = AnswerSchema.extend({ data: SoftOrderSchema.nullish() });
const MultipleAnswerSchema = AnswerSchema.extend({
  data: z.array(SoftOrderSchema).optional(),
  folios_existentes: z.array(SoftOrderSchema).optional(),
});

interface IndexedOrder {
  readonly index: number;
  readonly order: Order;
}

/**
 * `POST /v4/autofacturacion`: `deduplicated`, since a repeated folio answers "El registro ya existe"
 * with the stored order, which counts as stored when it matches and a conflict when it differs.
 */
export function orderCreateOperation(client: Facturav4Client): Operation<IndexedOrder, OrderCreateResult> {
  return {
    name: 'facturav4.orders.create',
    safety: 'deduplicated',
    request: ({ order }) => ({
      method: 'POST',
      path: ['v4', 'autofacturacion'],
      headers: authHeaders(client),
      body: stringifyJson(orderBody(order)),
    }),
    parse: (response, { order, index }) => {
      const answer = parseJsonResponse(response, SingleAnswerSchema, 'facturav4.orders.create');
      if (answer.message === 'El registro ya existe' && answer.data != null)
        return existingOutcome(order, index, answer.data, response.attempts);
      if (isError(answer)) return refusal(response, answer.message, (p) => [index, ...p]);
      if (answer.data == null) throw unexpectedResponse(response, 'facturav4.orders.create');
      return {
        status: 'stored',
        result: { softId: answer.data.soft_id, existing: false },
        issues: [],
        attempts: response.attempts,
      };
    },
  };
}

/** Options of {@link createOrders}. */
export interface CreateOrdersOptions extends BatchOptions {
  /** Orders per `POST /v4/autofacturacion/multiple`; 1 sends each with `POST /v4/autofacturacion`. Defaults to 50. */
  readonly chunkSize?: number | undefined;
}

const CREATE = 'facturav4.orders.create';

/**
 * Loads orders, one POST each or in chunks through `/multiple`, with bounded concurrency. Safe to
 * repeat: a folio that exists is compared with what was sent (seed 001 `folios_existentes`).
 * A chunk refused for some items (`"0.fecha": [...]`) is sent again without them.
 */
export async function createOrders(
  client: Facturav4Client,
  orders: readonly Order[],
  options: CreateOrdersOptions = {},
): Promise<BatchReport<OrderCreateResult>> {
  const { journal } = options;
  const outcomes = new Array<ItemOutcome<OrderCreateResult>>(orders.length);
  const digests = orders.map((o) => digestOf(o));
  const pending: IndexedOrder[] = [];
  const finish = async (item: IndexedOrder, outcome: Outcome<OrderCreateResult>): Promise<void> => {
    const issues = outcome.issues.map((i) => ({ ...i, message: client.http.redact(i.message) }));
    const full: ItemOutcome<OrderCreateResult> = {
      ...outcome,
      issues,
      index: item.index,
      key: item.order.folio,
      resumed: false,
    };
    outcomes[item.index] = full;
    await journalOutcome(journal, CREATE, item.order.folio, digests[item.index] ?? '', full);
    options.onOutcome?.(full as ItemOutcome<unknown>);
  };
  orders.forEach((order, index) => {
    const verdict = journalVerdict<OrderCreateResult>(
      journal,
      CREATE,
      order.folio,
      digests[index] ?? '',
      index,
      true,
    );
    if (verdict.kind === 'done') {
      outcomes[index] = verdict.outcome;
      options.onOutcome?.(verdict.outcome as ItemOutcome<unknown>);
    } else pending.push({ index, order });
  });
  const chunkSize = Math.max(1, options.chunkSize ?? 50);
  const concurrency = options.concurrency ?? 4;
  if (chunkSize === 1 || pending.length === 1) {
    const op = orderCreateOperation(client);
    await mapPool(pending, concurrency, async (item) => finish(item, await perform(client.http, op, item)));
  } else {
    const chunks: IndexedOrder[][] = [];
    for (let i = 0; i < pending.length; i += chunkSize) chunks.push(pending.slice(i, i + chunkSize));
    await mapPool(chunks, concurrency, (chunk) => sendChunk(client, chunk, finish, true));
  }
  return { outcomes, counts: countOutcomes(outcomes as ReadonlyArray<ItemOutcome<unknown>>) };
}

function createChunkRequest(client: Facturav4Client, orders: readonly Order[]): HttpRequest {
  return {
    method: 'POST',
    path: ['v4', 'autofacturacion', 'multiple'],
    headers: authHeaders(client),
    body: stringifyJson(orders.map((o) => orderBody(o))),
  };
}

/** The requests {@link createOrders} would send for these orders (for `--dry-run`). */
export function orderCreateRequests(
  client: Facturav4Client,
  orders: readonly Order[],
  chunkSize = 50,
): HttpRequest[] {
  const size = Math.max(1, chunkSize);
  if (size === 1 || orders.length === 1) {
    const op = orderCreateOperation(client);
    return orders.map((order, index) => op.request({ index, order }));
  }
  const requests: HttpRequest[] = [];
  for (let i = 0; i < orders.length; i += size)
    requests.push(createChunkRequest(client, orders.slice(i, i + size)));
  return requests;
}

async function sendChunk(
  client: Facturav4Client,
  chunk: readonly IndexedOrder[],
  finish: (item: IndexedOrder, outcome: Outcome<OrderCreateResult>) => Promise<void>,
  retryRest: boolean,
): Promise<void> {
  let response: HttpResponse;
  try {
    response = await client.http.send(
      createChunkRequest(
        client,
        chunk.map((c) => c.order),
      ),
      { safety: 'deduplicated', operation: CREATE },
    );
  } catch (err) {
    if (!(err instanceof SenderError)) throw err;
    for (const item of chunk)
      await finish(item, {
        status: 'failed',
        issues: [error(err.code, [item.index], err.message)],
        attempts: err.details.attempts,
      });
    return;
  }
  const attempts = response.attempts;
  let answer: z.infer<typeof MultipleAnswerSchema>;
  try {
    answer = parseJsonResponse(response, MultipleAnswerSchema, CREATE);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    for (const item of chunk)
      await finish(item, {
        status: 'failed',
        issues: [error('SENDER_RESPONSE_INVALID', [item.index], message)],
        attempts,
      });
    return;
  }
  if (isError(answer)) {
    const message = answer.message;
    const named = new Map<number, Issue[]>();
    // Laravel names the failing item by its position in the chunk ("0.fecha"); map it to the input's.
    const issues = issuesFromMessage(message, (p) => {
      const at = typeof p[0] === 'number' ? chunk[p[0]] : undefined;
      return at === undefined ? p : [at.index, ...p.slice(1)];
    });
    for (const issue of issues) {
      const item = chunk.find((c) => c.index === issue.path[0]);
      if (item !== undefined) named.set(item.index, [...(named.get(item.index) ?? []), issue]);
    }
    if (named.size === 0) {
      for (const item of chunk)
        await finish(item, {
          status: 'refused',
          issues: issues.map((i) => ({ ...i, path: [item.index, ...i.path] })),
          attempts,
        });
      return;
    }
    const rest = chunk.filter((c) => !named.has(c.index));
    for (const item of chunk) {
      const mine = named.get(item.index);
      if (mine !== undefined) await finish(item, { status: 'refused', issues: mine, attempts });
    }
    if (rest.length > 0) {
      if (retryRest) await sendChunk(client, rest, finish, false);
      else
        for (const item of rest)
          await finish(item, {
            status: 'refused',
            issues: [error(PROVIDER_REFUSED, [item.index], 'refused together with its chunk')],
            attempts,
          });
    }
    return;
  }
  const created = new Map((answer.data ?? []).map((d) => [d.soft_folio, d]));
  const existing = new Map((answer.folios_existentes ?? []).map((d) => [d.soft_folio, d]));
  for (const item of chunk) {
    const made = created.get(item.order.folio);
    const found = existing.get(item.order.folio);
    if (made !== undefined)
      await finish(item, {
        status: 'stored',
        result: { softId: made.soft_id, existing: false },
        issues: [],
        attempts,
      });
    else if (found !== undefined)
      await finish(item, existingOutcome(item.order, item.index, found, attempts));
    else
      await finish(item, {
        status: 'failed',
        issues: [
          error(
            'SENDER_RESPONSE_INVALID',
            [item.index],
            `folio ${item.order.folio} is neither in data nor in folios_existentes`,
          ),
        ],
        attempts,
      });
  }
}

/** Filters of the order list (seed 001): page, per_page (at most 100) and the sale date. */
export interface OrderListQuery {
  readonly page?: number | undefined;
  readonly perPage?: number | undefined;
  readonly fecha?: string | undefined;
}

/** One page of orders. */
export interface OrderPage {
  readonly page: number;
  readonly perPage: number;
  readonly orders: readonly OrderRow[];
}

const ListAnswerSchema = AnswerSchema.extend({
  page: FlexText.optional(),
  per_page: FlexText.optional(),
  data: z.array(OrderRowSchema).optional(),
});

/**
 * `GET /v4/autofacturacion`. Seed 001's examples put page, per_page and fecha in a GET body, which
 * fetch cannot send; they go in the query string, which the provider's framework reads the same way.
 */
export function orderListOperation(client: Facturav4Client): Operation<OrderListQuery, OrderPage> {
  return {
    name: 'facturav4.orders.list',
    safety: 'idempotent',
    request: (query) => ({
      method: 'GET',
      path: ['v4', 'autofacturacion'],
      query: { page: query.page?.toString(), per_page: query.perPage?.toString(), fecha: query.fecha },
      headers: authHeaders(client),
    }),
    parse: (response, query) => {
      const answer = parseJsonResponse(response, ListAnswerSchema, 'facturav4.orders.list');
      if (isError(answer)) return refusal(response, answer.message);
      const page = Number(answer.page ?? query.page ?? 1);
      const perPage = Number(answer.per_page ?? query.perPage ?? 100);
      return {
        status: 'answered',
        result: { page, perPage, orders: answer.data ?? [] },
        issues: [],
        attempts: response.attempts,
      };
    },
  };
}

/** Lists one page of orders. */
export function listOrders(client: Facturav4Client, query: OrderListQuery = {}): Promise<Outcome<OrderPage>> {
  return perform(client.http, orderListOperation(client), query);
}

/**
 * Lists every page: seed 001's list carries no total, so pages are read until one comes back
 * shorter than `perPage` (or `maxPages`, default 10 000, is reached).
 */
export async function listAllOrders(
  client: Facturav4Client,
  query: Omit<OrderListQuery, 'page'> & { readonly maxPages?: number } = {},
): Promise<Outcome<{ readonly orders: readonly OrderRow[]; readonly pages: number }>> {
  const perPage = query.perPage ?? 100;
  const maxPages = query.maxPages ?? 10_000;
  const orders: OrderRow[] = [];
  let attempts = 0;
  for (let page = 1; page <= maxPages; page++) {
    const outcome = await listOrders(client, { page, perPage, fecha: query.fecha });
    attempts += outcome.attempts;
    if (outcome.status !== 'answered' || outcome.result === undefined)
      return { status: outcome.status, issues: outcome.issues, attempts };
    orders.push(...outcome.result.orders);
    if (outcome.result.orders.length < perPage)
      return { status: 'answered', result: { orders, pages: page }, issues: [], attempts };
  }
  return {
    status: 'answered',
    result: { orders, pages: maxPages },
    issues: [warning('PAGE_LIMIT', [], `stopped after ${maxPages} pages`)],
    attempts,
  };
}

const OneAnswerSchema = AnswerSchema.extend({ data: OrderRowSchema.nullish() });

/** Issue code of a folio the provider does not hold. */
export const ORDER_NOT_FOUND = 'ORDER_NOT_FOUND';

/** `GET /v4/autofacturacion/folio/{folio}`: seed 001 answers `data: null` for an unknown folio. */
export function orderGetOperation(client: Facturav4Client): Operation<string, OrderRow | null> {
  return {
    name: 'facturav4.orders.get',
    safety: 'idempotent',
    request: (folio) => ({
      method: 'GET',
      path: ['v4', 'autofacturacion', 'folio', folio],
      headers: authHeaders(client),
    }),
    parse: (response, folio) => {
      const answer = parseJsonResponse(response, OneAnswerSchema, 'facturav4.orders.get');
      if (isError(answer)) return refusal(response, answer.message);
      const data = answer.data ?? null;
      const issues =
        data === null ? [warning(ORDER_NOT_FOUND, [], `folio ${folio}: data null (no such order)`)] : [];
      return { status: 'answered', result: data, issues, attempts: response.attempts };
    },
  };
}

/** Reads one order by folio; `null` when there is none. */
export function getOrder(client: Facturav4Client, folio: string): Promise<Outcome<OrderRow | null>> {
  return perform(client.http, orderGetOperation(client), folio);
}

/** Which order a single update addresses: the folio it was loaded with, or the id from the list. */
export type OrderTarget = { readonly folio: string } | { readonly id: number };

/** `PATCH /v4/autofacturacion/folio/{folio}` or `/{id}`: sets fixed values, so safe to repeat. */
export function orderUpdateOperation(
  client: Facturav4Client,
): Operation<{ target: OrderTarget; changes: OrderChanges }, OrderRow> {
  return {
    name: 'facturav4.orders.update',
    safety: 'idempotent',
    request: ({ target, changes }) => ({
      method: 'PATCH',
      path:
        'folio' in target
          ? ['v4', 'autofacturacion', 'folio', target.folio]
          : ['v4', 'autofacturacion', String(target.id)],
      headers: authHeaders(client),
      body: stringifyJson(orderBody(changes)),
    }),
    parse: (response) => {
      const answer = parseJsonResponse(response, OneAnswerSchema, 'facturav4.orders.update');
      if (isError(answer) || answer.data == null) return refusal(response, answer.message);
      return { status: 'stored', result: answer.data, issues: [], attempts: response.attempts };
    },
  };
}

/** Updates one order by folio or id; invoiced orders cannot be edited (seed 001). */
export function updateOrder(
  client: Facturav4Client,
  target: OrderTarget,
  changes: OrderChanges,
): Promise<Outcome<OrderRow>> {
  return perform(client.http, orderUpdateOperation(client), { target, changes });
}

const MultipleUpdateAnswerSchema = AnswerSchema.extend({
  actualizados: z.array(FlexText).optional(),
  existentes: z.array(FlexText).optional(),
  inexistentes: z.array(FlexText).optional(),
  facturados: z.array(FlexText).optional(),
});

/** The result of one item of a multiple update. */
export interface OrderUpdateResult {
  readonly id: number;
}

/** Splits updates into chunks, keeping each one's input index. */
function updateChunks(
  updates: readonly OrderUpdate[],
  chunkSize: number,
): Array<Array<{ index: number; update: OrderUpdate }>> {
  const size = Math.max(1, chunkSize);
  const chunks: Array<Array<{ index: number; update: OrderUpdate }>> = [];
  const indexed = updates.map((update, index) => ({ index, update }));
  for (let i = 0; i < indexed.length; i += size) chunks.push(indexed.slice(i, i + size));
  return chunks;
}

function updateChunkRequest(
  client: Facturav4Client,
  chunk: ReadonlyArray<{ update: OrderUpdate }>,
): HttpRequest {
  return {
    method: 'PATCH',
    path: ['v4', 'autofacturacion', 'multiple'],
    headers: authHeaders(client),
    body: stringifyJson(chunk.map((c) => orderBody(c.update))),
  };
}

/** The requests {@link updateOrders} would send (for `--dry-run`). */
export function orderUpdateRequests(
  client: Facturav4Client,
  updates: readonly OrderUpdate[],
  chunkSize = 50,
): HttpRequest[] {
  return updateChunks(updates, chunkSize).map((chunk) => updateChunkRequest(client, chunk));
}

/**
 * `PATCH /v4/autofacturacion/multiple` in chunks: each id lands in `actualizados` (stored),
 * `inexistentes` or `facturados` (refused; "No es posible editar ordenes que ya fueron facturasdas.").
 */
export async function updateOrders(
  client: Facturav4Client,
  updates: readonly OrderUpdate[],
  options: CreateOrdersOptions = {},
): Promise<BatchReport<OrderUpdateResult>> {
  const chunks = updateChunks(updates, options.chunkSize ?? 50);
  const op: Operation<
    ReadonlyArray<{ index: number; update: OrderUpdate }>,
    ReadonlyArray<Outcome<OrderUpdateResult>>
  > = {
    name: 'facturav4.orders.update',
    safety: 'idempotent',
    request: (chunk) => updateChunkRequest(client, chunk),
    parse: (response, chunk) => {
      const answer = parseJsonResponse(response, MultipleUpdateAnswerSchema, 'facturav4.orders.update');
      const attempts = response.attempts;
      if (isError(answer)) {
        const issues = issuesFromMessage(answer.message, (p) => {
          const at = typeof p[0] === 'number' ? chunk[p[0]] : undefined;
          return at === undefined ? p : [at.index, ...p.slice(1)];
        });
        return {
          status: 'refused',
          result: chunk.map(() => ({ status: 'refused', issues, attempts })),
          issues,
          attempts,
        };
      }
      const lists = {
        actualizados: new Set(answer.actualizados ?? []),
        inexistentes: new Set(answer.inexistentes ?? []),
        facturados: new Set(answer.facturados ?? []),
        existentes: new Set(answer.existentes ?? []),
      };
      const results = chunk.map(({ index, update }): Outcome<OrderUpdateResult> => {
        const id = String(update.id);
        const result = { id: update.id };
        if (lists.actualizados.has(id)) return { status: 'stored', result, issues: [], attempts };
        if (lists.facturados.has(id)) {
          return {
            status: 'refused',
            result,
            issues: [
              issueFromText(
                `id ${id} en "facturados": No es posible editar ordenes que ya fueron facturasdas.`,
                [index, 'id'],
              ),
            ],
            attempts,
          };
        }
        if (lists.inexistentes.has(id))
          return {
            status: 'refused',
            result,
            issues: [issueFromText(`id ${id} en "inexistentes"`, [index, 'id'])],
            attempts,
          };
        if (lists.existentes.has(id))
          return {
            status: 'refused',
            result,
            issues: [issueFromText(`id ${id} en "existentes"`, [index, 'id'])],
            attempts,
          };
        return {
          status: 'failed',
          result,
          issues: [error('SENDER_RESPONSE_INVALID', [index, 'id'], `id ${id} is in no list of the answer`)],
          attempts,
        };
      });
      return { status: 'stored', result: results, issues: [], attempts };
    },
  };
  const report = await sendBatch(
    client.http,
    op,
    chunks.map((chunk) => ({ key: chunk.map((c) => c.update.id).join(','), input: chunk })),
    {
      ...options,
      onOutcome: undefined,
    },
  );
  const outcomes: Array<ItemOutcome<OrderUpdateResult>> = [];
  report.outcomes.forEach((chunkOutcome, c) => {
    const chunk = chunks[c] ?? [];
    chunk.forEach(({ index, update }, i) => {
      const item = chunkOutcome.result?.[i] ?? {
        status: chunkOutcome.status,
        issues: chunkOutcome.issues,
        attempts: chunkOutcome.attempts,
      };
      const outcome: ItemOutcome<OrderUpdateResult> = {
        ...item,
        index,
        key: String(update.id),
        resumed: chunkOutcome.resumed,
      };
      outcomes.push(outcome);
      options.onOutcome?.(outcome as ItemOutcome<unknown>);
    });
  });
  return { outcomes, counts: countOutcomes(outcomes as ReadonlyArray<ItemOutcome<unknown>>) };
}

/**
 * `DELETE /v4/autofacturacion/folio/{folio}`: repeating a delete after a lost answer finds nothing
 * ("El registro no existe"), which then means the first attempt deleted it.
 */
export function orderDeleteOperation(client: Facturav4Client): Operation<string, OrderRow | null> {
  return {
    name: 'facturav4.orders.delete',
    safety: 'idempotent',
    request: (folio) => ({
      method: 'DELETE',
      path: ['v4', 'autofacturacion', 'folio', folio],
      headers: authHeaders(client),
    }),
    parse: (response, folio) => {
      const answer = parseJsonResponse(response, OneAnswerSchema, 'facturav4.orders.delete');
      if (isError(answer)) {
        if (response.attempts > 1 && answer.message === 'El registro no existe') {
          return {
            status: 'stored',
            result: null,
            issues: [
              warning(
                'DELETED_EARLIER',
                [],
                `folio ${folio}: El registro no existe on attempt ${response.attempts}; an earlier attempt whose answer was lost deleted it`,
              ),
            ],
            attempts: response.attempts,
          };
        }
        return refusal(response, answer.message);
      }
      return { status: 'stored', result: answer.data ?? null, issues: [], attempts: response.attempts };
    },
  };
}

/** Deletes one order by folio. */
export function deleteOrder(client: Facturav4Client, folio: string): Promise<Outcome<OrderRow | null>> {
  return perform(client.http, orderDeleteOperation(client), folio);
}

// ---------------------------------------------------------------- series (seed 004)

/** A serie as `GET /v4/series` lists it. */
export const SerieSchema = z.looseObject({
  SerieID: z.number(),
  SerieName: z.string(),
  SerieType: z.string(),
  SerieDescription: z.string().optional(),
  SerieStatus: z.string(),
});

/** One serie. */
export type Serie = z.infer<typeof SerieSchema>;

const SeriesAnswerSchema = AnswerSchema.extend({ data: z.array(SerieSchema).optional() });
const SerieAnswerSchema = AnswerSchema.extend({ data: SerieSchema.nullish() });

/** `GET /v4/series`. */
export function seriesListOperation(client: Facturav4Client): Operation<void, readonly Serie[]> {
  return {
    name: 'facturav4.series.list',
    safety: 'idempotent',
    request: () => ({ method: 'GET', path: ['v4', 'series'], headers: seriesHeaders(client) }),
    parse: (response) => {
      const answer = parseJsonResponse(response, SeriesAnswerSchema, 'facturav4.series.list');
      if (isError(answer) || answer.data === undefined) return refusal(response, answer.message);
      return { status: 'answered', result: answer.data, issues: [], attempts: response.attempts };
    },
  };
}

/** Lists the company's series. */
export function listSeries(client: Facturav4Client): Promise<Outcome<readonly Serie[]>> {
  return perform(client.http, seriesListOperation(client), undefined);
}

/** `GET /v4/series/{uid}`. */
export function serieGetOperation(client: Facturav4Client): Operation<string, Serie> {
  return {
    name: 'facturav4.series.get',
    safety: 'idempotent',
    request: (uid) => ({ method: 'GET', path: ['v4', 'series', uid], headers: seriesHeaders(client) }),
    parse: (response) => {
      const answer = parseJsonResponse(response, SerieAnswerSchema, 'facturav4.series.get');
      if (isError(answer) || answer.data == null) return refusal(response, answer.message);
      return { status: 'answered', result: answer.data, issues: [], attempts: response.attempts };
    },
  };
}

/** Reads one serie by UID. */
export function getSerie(client: Facturav4Client, uid: string): Promise<Outcome<Serie>> {
  return perform(client.http, serieGetOperation(client), uid);
}

/** The body of `POST /v4/series/create` (seed 004): folio is the first number, 1 when omitted. */
export interface SerieCreate {
  readonly letra: string;
  readonly tipoDocumento: string;
  readonly folio?: number | undefined;
}

/** A created serie: the provider's message and, found through the list, the serie itself. */
export interface SerieCreateResult {
  readonly message: string;
  readonly serie?: Serie | undefined;
}

async function findSerie(
  client: Facturav4Client,
  create: SerieCreate,
): Promise<{ serie: Serie | undefined; attempts: number } | undefined> {
  const listed = await listSeries(client);
  if (listed.status !== 'answered' || listed.result === undefined) return undefined;
  const serie = listed.result.find(
    (s) => s.SerieName === create.letra && s.SerieType === create.tipoDocumento,
  );
  return { serie, attempts: listed.attempts };
}

/**
 * `POST /v4/series/create` creates a new serie each time, so it is `once`; when its answer is lost
 * the series list tells whether it was created (synchronously, so absent means not created).
 */
export function serieCreateOperation(client: Facturav4Client): Operation<SerieCreate, SerieCreateResult> {
  return {
    name: 'facturav4.series.create',
    safety: 'once',
    request: (create) => ({
      method: 'POST',
      path: ['v4', 'series', 'create'],
      headers: seriesHeaders(client),
      body: JSON.stringify(
        create.folio === undefined ? { letra: create.letra, tipoDocumento: create.tipoDocumento } : create,
      ),
    }),
    parse: (response) => {
      const answer = parseJsonResponse(response, AnswerSchema, 'facturav4.series.create');
      if (isError(answer)) return refusal(response, answer.message);
      return {
        status: 'stored',
        result: { message: typeof answer.message === 'string' ? answer.message : 'success' },
        issues: [],
        attempts: response.attempts,
      };
    },
    lookup: async (create) => {
      const found = await findSerie(client, create);
      if (found === undefined) return undefined;
      if (found.serie === undefined) return 'absent';
      return {
        status: 'stored',
        result: { message: 'found in the series list', serie: found.serie },
        issues: [],
        attempts: found.attempts,
      };
    },
  };
}

/** Creates a serie (active by default, seed 004) and returns it with its SerieID from the list. */
export async function createSerie(
  client: Facturav4Client,
  create: SerieCreate,
): Promise<Outcome<SerieCreateResult>> {
  const outcome = await perform(client.http, serieCreateOperation(client), create);
  if (outcome.status !== 'stored' || outcome.result?.serie !== undefined) return outcome;
  // Seed 004's answer carries no UID; the list does.
  const found = await findSerie(client, create);
  return {
    ...outcome,
    result: { message: outcome.result?.message ?? '', serie: found?.serie },
    attempts: outcome.attempts + (found?.attempts ?? 0),
  };
}

/** What `POST /v4/series/{uid}/up|down|drop` does: activate, pause, delete. */
export type SerieAction = 'up' | 'down' | 'drop';

/** `POST /v4/series/{uid}/{action}`: sets a state, so repeating is safe. */
export function serieActionOperation(
  client: Facturav4Client,
  action: SerieAction,
): Operation<string, { readonly message: string }> {
  return {
    name: `facturav4.series.${action}`,
    safety: 'idempotent',
    request: (uid) => ({
      method: 'POST',
      path: ['v4', 'series', uid, action],
      headers: seriesHeaders(client),
    }),
    parse: (response) => {
      const answer = parseJsonResponse(response, AnswerSchema, `facturav4.series.${action}`);
      if (isError(answer)) return refusal(response, answer.message);
      // Seed 004 spells the key "messsage" in the up and down answers.
      const message = answer.message ?? answer.messsage;
      return {
        status: 'stored',
        result: { message: typeof message === 'string' ? message : 'success' },
        issues: [],
        attempts: response.attempts,
      };
    },
  };
}

/** Activates (`up`), pauses (`down`) or deletes (`drop`) a serie. */
export function changeSerie(
  client: Facturav4Client,
  uid: string,
  action: SerieAction,
): Promise<Outcome<{ readonly message: string }>> {
  return perform(client.http, serieActionOperation(client, action), uid);
}
