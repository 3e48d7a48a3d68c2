import { z } from 'zod';
import { CfdiLayoutError } from '../errors.js';
import { error, type Issue, warning } from '../issues.js';
import {
  type BatchOptions,
  type BatchReport,
  digestOf,
  type ItemOutcome,
  journalOutcome,
  mapPool,
  sendBatch,
} from './batch.js';
import { createProviderClient, type ProviderClient, type SenderClientOptions } from './client.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { JsonNumberAmount, JsonText } from './input.js';
import { JsonNumber, stringifyJson } from './json-body.js';
import { type Operation, type Outcome, perform } from './outcome.js';
import {
  issueFromText,
  issueFromTralixError,
  PROVIDER_REFUSED,
  parseJsonResponse,
  unexpectedResponse,
} from './provider-issues.js';
import {
  basicAuth,
  basicFromToken,
  basicTokenParts,
  requireSecret,
  SECRET_ENV,
  type Secret,
  type TralixCredentials,
} from './secret.js';

/*
 * Tralix: Portal de Autofacturación (seed 000: PUT /{token}/tickets, GET /{keyEmpresa}/cfdis,
 * PUT /{keyEmpresa}/expired) and the CFDI async API (seed 002: PUT /{keyEmpresa}/cfdisAsync,
 * GET /{keyEmpresa}/cfdis/{idPeticion}, GET /{keyEmpresa}/descargasCfdiAsync). The keyEmpresa, and
 * the `{Token}` of the tickets URL (its own credential where Tralix gives one, else the keyEmpresa),
 * are credentials that travel in the URL path, so they are Secret path segments, masked when printed.
 */

/** A Tralix client: the HTTP core plus the keyEmpresa, the tickets token and the Basic credentials. */
export type TralixClient = ProviderClient<TralixCredentials>;

/**
 * Creates a {@link TralixClient}; the base URL is the Tralix host (`https://10.0.0.183:8572`). A
 * `basic` credential is checked here (`SECRET_INVALID` when it is not a Basic token) and replaces
 * `user` and `password` in the `authorization` header.
 */
export function createTralixClient(
  credentials: TralixCredentials,
  options: SenderClientOptions,
): TralixClient {
  const basic =
    credentials.basic === undefined ? undefined : basicFromToken(credentials.basic, SECRET_ENV.tralixBasic);
  const normalized: TralixCredentials = basic === undefined ? credentials : { ...credentials, basic };
  return createProviderClient(normalized, options, basic === undefined ? [] : basicTokenParts(basic));
}

function key(client: TralixClient): Secret {
  return requireSecret(client.credentials.key, SECRET_ENV.tralixKey);
}

/** The `{Token}` of `PUT /{Token}/tickets` (seed 000): its own credential, else the keyEmpresa. */
function ticketsToken(client: TralixClient): Secret {
  return requireSecret(
    client.credentials.token ?? client.credentials.key,
    `${SECRET_ENV.tralixToken} (or ${SECRET_ENV.tralixKey}, which it defaults to)`,
  );
}

const authorizations = new WeakMap<TralixClient, Secret>();

/** The `authorization: Basic {Token}` value (seed 000): the given token, else built from user and password, once per client. */
function authorization(client: TralixClient): Secret {
  const given = client.credentials.basic;
  if (given !== undefined) return given;
  let value = authorizations.get(client);
  if (value === undefined) {
    const alternative = `, or set ${SECRET_ENV.tralixBasic} to the {Token} of "authorization: Basic {Token}"`;
    value = basicAuth(
      requireSecret(client.credentials.user, `${SECRET_ENV.tralixUser}${alternative}`),
      requireSecret(client.credentials.password, `${SECRET_ENV.tralixPassword}${alternative}`),
    );
    authorizations.set(client, value);
  }
  return value;
}

/** Seed 002 documents only Content-Type for the async API; Basic auth is added when configured. */
function optionalAuthorization(client: TralixClient): Record<string, Secret> {
  const { basic, user, password } = client.credentials;
  if (basic !== undefined) return { authorization: basic };
  return user === undefined || password === undefined ? {} : { authorization: basicAuth(user, password) };
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

// ---------------------------------------------------------------- tickets (seed 000)

/** A ticket as `PUT /{token}/tickets` takes it (seed 000): `fecha` without timezone, `insumo` the TXT layout. */
export const TralixTicketSchema = z.strictObject({
  fecha: z
    .string()
    .regex(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/,
      'fecha must be AAAA-MM-DDTHH:MM:SS, without timezone (seed 000)',
    ),
  insumo: z.string().min(1, 'insumo (the ticket layout) is required'),
  monto: JsonNumberAmount,
  numeroTicket: JsonText,
  sucursal: z.string().min(1, 'sucursal is required'),
});

/** A ticket ready to send (amount as an exact decimal string). */
export type TralixTicket = z.output<typeof TralixTicketSchema>;

/** The natural key of a ticket: Tralix identifies it by sucursal and number. */
export function ticketKey(ticket: Pick<TralixTicket, 'sucursal' | 'numeroTicket'>): string {
  return `${ticket.sucursal}/${ticket.numeroTicket}`;
}

/** What Tralix answered to a stored ticket (`se guardo correctamente`). */
export interface TicketPutResult {
  readonly message: string;
}

function textOf(response: HttpResponse): string {
  return response.text.trim();
}

/** Refusals Tralix answers as plain text (400, 401 "No existe la keyEmpresa", 204 "No hay tipos de CFDs"). */
function refusedText(response: HttpResponse, fallback: string): Outcome<never> {
  const text = textOf(response);
  return {
    status: 'refused',
    issues: [issueFromText(text === '' ? fallback : text)],
    attempts: response.attempts,
  };
}

/** `PUT /{Token}/tickets`: safe to repeat, a second PUT of the same ticket stores the same ticket. */
export function ticketPutOperation(client: TralixClient): Operation<TralixTicket, TicketPutResult> {
  return {
    name: 'tralix.tickets.put',
    safety: 'idempotent',
    request: (ticket) => ({
      method: 'PUT',
      path: [ticketsToken(client), 'tickets'],
      headers: { authorization: authorization(client), ...JSON_HEADERS },
      body: stringifyJson({
        fecha: ticket.fecha,
        insumo: ticket.insumo,
        monto: new JsonNumber(ticket.monto),
        numeroTicket: ticket.numeroTicket,
        sucursal: ticket.sucursal,
      }),
    }),
    parse: (response) => {
      if (response.status === 200)
        return {
          status: 'stored',
          result: { message: textOf(response) },
          issues: [],
          attempts: response.attempts,
        };
      if (response.status === 204) return refusedText(response, 'No hay tipos de CFDs');
      if (response.status === 400 || response.status === 401 || response.status === 404)
        return refusedText(response, `HTTP ${response.status}`);
      throw unexpectedResponse(response, 'tralix.tickets.put');
    },
  };
}

/** Stores tickets with bounded concurrency; with a journal, a rerun sends nothing already stored. */
export function putTickets(
  client: TralixClient,
  tickets: readonly TralixTicket[],
  options: BatchOptions = {},
): Promise<BatchReport<TicketPutResult>> {
  return sendBatch(
    client.http,
    ticketPutOperation(client),
    tickets.map((t) => ({ key: ticketKey(t), input: t })),
    options,
  );
}

/** One CFDI of `GET /{keyEmpresa}/cfdis` (seed 000: every value is a string, `status` `ALMACENADO`). */
export const TicketCfdiSchema = z.looseObject({
  uuid: z.string(),
  status: z.string(),
  idSucursal: z.string().optional(),
  rfc: z.string().optional(),
  razonSocial: z.string().optional(),
  fecha: z.string().optional(),
  serie: z.string().optional(),
  folio: z.string().optional(),
  monto: z.string().optional(),
  subtotal: z.string().optional(),
  iva: z.string().optional(),
  idCfd: z.string().optional(),
  noTicket: z.string().optional(),
});

/** A CFDI generated from a ticket. */
export type TicketCfdi = z.infer<typeof TicketCfdiSchema>;

const TicketCfdisSchema = z.looseObject({ cfdis: z.array(TicketCfdiSchema) });

/** Filters of `tralix tickets get`; both optional, none lists every ticket (seed 000). */
export interface TicketQuery {
  readonly ticket?: string | undefined;
  readonly sucursal?: string | undefined;
}

/** The answer of `GET /{keyEmpresa}/cfdis`: the CFDIs (200), none (204) or "aun no genera cfdi" (400). */
export interface TicketCfdisResult {
  readonly cfdis: readonly TicketCfdi[];
  /** The provider's text when there is no CFDI (204, 400). */
  readonly message?: string;
  /** True for the 400 answer: the ticket exists but nobody self-invoiced it yet. */
  readonly pending: boolean;
}

/** `GET /{keyEmpresa}/cfdis?ticket&sucursal`: a query, safe to repeat. */
export function ticketGetOperation(client: TralixClient): Operation<TicketQuery, TicketCfdisResult> {
  return {
    name: 'tralix.tickets.get',
    safety: 'idempotent',
    request: (query) => ({
      method: 'GET',
      path: [key(client), 'cfdis'],
      query: { ticket: query.ticket, sucursal: query.sucursal },
      headers: { authorization: authorization(client), ...JSON_HEADERS },
    }),
    parse: (response) => {
      const attempts = response.attempts;
      if (response.status === 200) {
        // Seed 000 labels the list `text/plain` although it is JSON.
        const parsed = parseJsonResponse(response, TicketCfdisSchema, 'tralix.tickets.get');
        return { status: 'answered', result: { cfdis: parsed.cfdis, pending: false }, issues: [], attempts };
      }
      if (response.status === 204) {
        // A 204 carries no body on the wire; the seed's text is what it means.
        const message = textOf(response) === '' ? 'No hay cfdi generados' : textOf(response);
        return { status: 'answered', result: { cfdis: [], message, pending: false }, issues: [], attempts };
      }
      if (response.status === 400) {
        const message = textOf(response);
        if (/aun no genera cfdi/i.test(message)) {
          return {
            status: 'answered',
            result: { cfdis: [], message, pending: true },
            issues: [warning('TICKET_NOT_INVOICED', [], message)],
            attempts,
          };
        }
        return refusedText(response, 'HTTP 400');
      }
      if (response.status === 401 || response.status === 404)
        return refusedText(response, `HTTP ${response.status}`);
      throw unexpectedResponse(response, 'tralix.tickets.get');
    },
  };
}

/** Asks which CFDIs were generated from tickets (all tickets when no filter is given). */
export function getTicketCfdis(
  client: TralixClient,
  query: TicketQuery = {},
): Promise<Outcome<TicketCfdisResult>> {
  return perform(client.http, ticketGetOperation(client), query);
}

/** A ticket to expire: `noTicket` and `sucursal`, the body of `PUT /{keyEmpresa}/expired` (seed 000). */
export interface TicketExpiry {
  readonly noTicket: string;
  readonly sucursal: string;
}

/** The method of `/{keyEmpresa}/expired`: seed 000's table says PUT, its curl example POST. */
export type ExpireMethod = 'PUT' | 'POST';

/** Issue code of an answer `405 Method Not Allowed`. */
export const METHOD_NOT_ALLOWED = 'PROVIDER_METHOD_NOT_ALLOWED';

/** Issue code of an expiry sent again with the other method after a 405. */
export const EXPIRE_METHOD_FALLBACK = 'EXPIRE_METHOD_FALLBACK';

/**
 * `PUT /{keyEmpresa}/expired` (or `POST`, as seed 000's example sends it): expiring an expired ticket
 * expires it again, so it is safe to repeat. A 405 is refused with {@link METHOD_NOT_ALLOWED}.
 */
export function ticketExpireOperation(
  client: TralixClient,
  method: ExpireMethod = 'PUT',
): Operation<TicketExpiry, TicketPutResult> {
  return {
    name: 'tralix.tickets.expire',
    safety: 'idempotent',
    request: (expiry) => ({
      method,
      path: [key(client), 'expired'],
      headers: { authorization: authorization(client), ...JSON_HEADERS },
      body: JSON.stringify({ noTicket: expiry.noTicket, sucursal: expiry.sucursal }),
    }),
    parse: (response) => {
      if (response.status === 200)
        return {
          status: 'stored',
          result: { message: textOf(response) },
          issues: [],
          attempts: response.attempts,
        };
      if (response.status === 405) {
        const allow = response.headers.get('allow');
        const text = textOf(response) === '' ? 'Method Not Allowed' : textOf(response);
        return {
          status: 'refused',
          issues: [
            error(
              METHOD_NOT_ALLOWED,
              [],
              `${method} /{keyEmpresa}/expired: HTTP 405 ${text}${allow === null ? '' : ` (Allow: ${allow})`}`,
            ),
          ],
          attempts: response.attempts,
        };
      }
      if (response.status === 400 || response.status === 401 || response.status === 404)
        return refusedText(response, `HTTP ${response.status}`);
      throw unexpectedResponse(response, 'tralix.tickets.expire');
    },
  };
}

/** Options of {@link expireTicket}. */
export interface ExpireOptions {
  /** The method tried first. Defaults to `PUT` (seed 000's table). */
  readonly method?: ExpireMethod | undefined;
  /** On a 405, sends the expiry again with the other method (a 405 did nothing). Defaults to true. */
  readonly fallback?: boolean | undefined;
}

/**
 * Expires a ticket so it can no longer be self-invoiced (it belongs in the factura global). Seed 000
 * writes the method both ways, so a 405 to the first method is answered by trying the other one
 * once, with a warning naming the method that worked.
 */
export async function expireTicket(
  client: TralixClient,
  expiry: TicketExpiry,
  options: ExpireOptions = {},
): Promise<Outcome<TicketPutResult>> {
  const method = options.method ?? 'PUT';
  const first = await perform(client.http, ticketExpireOperation(client, method), expiry);
  const notAllowed = first.status === 'refused' && first.issues.some((i) => i.code === METHOD_NOT_ALLOWED);
  if (!notAllowed || options.fallback === false) return first;
  const other: ExpireMethod = method === 'PUT' ? 'POST' : 'PUT';
  const second = await perform(client.http, ticketExpireOperation(client, other), expiry);
  const note = warning(
    EXPIRE_METHOD_FALLBACK,
    [],
    `${method} /{keyEmpresa}/expired answered 405; sent with ${other} instead (seed 000 gives both): pass --method ${other} to skip the first request`,
  );
  return {
    ...second,
    issues: second.status === 'refused' ? [...first.issues, ...second.issues] : [note, ...second.issues],
    attempts: first.attempts + second.attempts,
  };
}

// ---------------------------------------------------------------- CFDI async (seed 002)

/** The body of `PUT /{keyEmpresa}/cfdisAsync` (seed 002): encrypted ids and the layout text. */
export const AsyncRequestSchema = z.strictObject({
  idTipoCfd: z.string().min(1, 'idTipoCfd is required'),
  idSucursal: z.string().min(1, 'idSucursal is required'),
  archivoFuente: z.string().min(1, 'archivoFuente is required'),
});

/** One CFDI async request. */
export type AsyncRequest = z.infer<typeof AsyncRequestSchema>;

/**
 * Seed 002: "Se debe incluir el salto de línea entre registros utilizando \n", so a layout read
 * from a Windows file has its CRLF turned into LF.
 */
export function archivoFuenteFromText(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** The natural key of an async request: its content, since each request creates a new CFDI. */
export function asyncRequestKey(request: AsyncRequest): string {
  return digestOf(request).slice(0, 32);
}

/** Where a CFDI async request is (seed 002 status answers). */
export type AsyncState = 'EN_PROCESO' | 'ALMACENADO' | 'ERRORES' | 'DOCUMENTO_NO_ENCONTRADO';

/** The status of an async request; `cfdi` holds the 200 answer, `errors` the 400 texts. */
export interface AsyncStatus {
  readonly idPeticion: string;
  readonly state: AsyncState;
  /** Present once stamped (202 may already carry it while the PDF is generated). */
  readonly uuid?: string;
  readonly cfdi?: Readonly<Record<string, unknown>>;
  readonly errors?: readonly string[];
}

/** What a submitted request became: its `idPeticion`, and with waiting, its final status. */
export interface AsyncSubmitResult {
  readonly idPeticion: string;
  readonly status?: AsyncStatus;
}

const SubmitAnswerSchema = z.looseObject({ idPeticion: z.string().min(1) });
const ErrorsSchema = z.looseObject({ errors: z.array(z.string()) });

function asyncRefusal(response: HttpResponse): Outcome<never> {
  let issues: Issue[];
  try {
    issues = parseJsonResponse(response, ErrorsSchema, 'tralix.async').errors.map(issueFromTralixError);
  } catch {
    issues = [issueFromText(textOf(response) === '' ? `HTTP ${response.status}` : textOf(response))];
  }
  return { status: 'refused', issues, attempts: response.attempts };
}

/**
 * `PUT /{keyEmpresa}/cfdisAsync`: each request creates a new CFDI, so it is `once`. Seed 002 offers no
 * way to find a request by its content (only by the `idPeticion` its answer carries), so a request
 * that may have been processed without an answer ends `unknown` and is never resent blindly.
 */
export function asyncSubmitOperation(client: TralixClient): Operation<AsyncRequest, AsyncSubmitResult> {
  return {
    name: 'tralix.async.submit',
    safety: 'once',
    request: (request) => ({
      method: 'PUT',
      path: [key(client), 'cfdisAsync'],
      headers: { ...optionalAuthorization(client), ...JSON_HEADERS },
      body: JSON.stringify({
        idTipoCfd: request.idTipoCfd,
        idSucursal: request.idSucursal,
        archivoFuente: request.archivoFuente,
      }),
    }),
    parse: (response) => {
      if (response.status === 200) {
        const { idPeticion } = parseJsonResponse(response, SubmitAnswerSchema, 'tralix.async.submit');
        return { status: 'stored', result: { idPeticion }, issues: [], attempts: response.attempts };
      }
      if (response.status === 400 || response.status === 401 || response.status === 404)
        return asyncRefusal(response);
      throw unexpectedResponse(response, 'tralix.async.submit');
    },
  };
}

const StatusAnswerSchema = z.looseObject({ status: z.string(), uuid: z.string().optional() });

/** `GET /{keyEmpresa}/cfdis/{idPeticion}`: 202 in process, 200 stamped, 400 generation errors, 404 unknown. */
export function asyncStatusOperation(client: TralixClient): Operation<string, AsyncStatus> {
  return {
    name: 'tralix.async.status',
    safety: 'idempotent',
    request: (idPeticion) => ({
      method: 'GET',
      path: [key(client), 'cfdis', idPeticion],
      headers: { ...optionalAuthorization(client), ...JSON_HEADERS },
    }),
    parse: (response, idPeticion) => {
      const attempts = response.attempts;
      if (response.status === 200) {
        const cfdi = parseJsonResponse(response, StatusAnswerSchema, 'tralix.async.status');
        const uuid = cfdi.uuid;
        const status: AsyncStatus = {
          idPeticion,
          state: 'ALMACENADO',
          cfdi,
          ...(uuid === undefined ? {} : { uuid }),
        };
        return { status: 'answered', result: status, issues: [], attempts };
      }
      if (response.status === 202) {
        const answer = parseJsonResponse(response, StatusAnswerSchema, 'tralix.async.status');
        const status: AsyncStatus = {
          idPeticion,
          state: 'EN_PROCESO',
          ...(answer.uuid === undefined ? {} : { uuid: answer.uuid }),
        };
        return { status: 'answered', result: status, issues: [], attempts };
      }
      if (response.status === 400) {
        const refusal = asyncRefusal(response);
        const errors = refusal.issues.map((i) => i.message);
        return { ...refusal, result: { idPeticion, state: 'ERRORES', errors } };
      }
      if (response.status === 404) {
        return {
          status: 'refused',
          result: { idPeticion, state: 'DOCUMENTO_NO_ENCONTRADO' },
          issues: [
            error(
              PROVIDER_REFUSED,
              [],
              `${idPeticion}: DOCUMENTO_NO_ENCONTRADO (seed 002: requests are kept 30 days)`,
            ),
          ],
          attempts,
        };
      }
      if (response.status === 401) return refusedText(response, 'HTTP 401');
      throw unexpectedResponse(response, 'tralix.async.status');
    },
  };
}

/** Asks once where an async request is. */
export function getAsyncStatus(client: TralixClient, idPeticion: string): Promise<Outcome<AsyncStatus>> {
  return perform(client.http, asyncStatusOperation(client), idPeticion);
}

/** How {@link waitForAsync} polls. */
export interface WaitOptions {
  /** First pause between polls. Defaults to 1 s. */
  readonly intervalMs?: number;
  /** Longest pause; each pause is 1.5 times the previous. Defaults to 15 s. */
  readonly maxIntervalMs?: number;
  /** Gives up (the request is still `EN_PROCESO`) after this long. Defaults to 5 min. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Issue code of a request still in process when waiting gave up. */
export const ASYNC_WAIT_TIMEOUT = 'ASYNC_WAIT_TIMEOUT';

/** Polls an async request with growing pauses until it is stamped (200), refused (400) or unknown (404). */
export async function waitForAsync(
  client: TralixClient,
  idPeticion: string,
  options: WaitOptions = {},
): Promise<Outcome<AsyncStatus>> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 300_000);
  const maxInterval = options.maxIntervalMs ?? 15_000;
  let interval = options.intervalMs ?? 1_000;
  let attempts = 0;
  for (;;) {
    const outcome = await getAsyncStatus(client, idPeticion);
    attempts += outcome.attempts;
    if (outcome.status !== 'answered' || outcome.result?.state !== 'EN_PROCESO')
      return { ...outcome, attempts };
    if (now() + interval > deadline) {
      return {
        ...outcome,
        attempts,
        issues: [
          warning(
            ASYNC_WAIT_TIMEOUT,
            [],
            `${idPeticion} is still EN_PROCESO; ask again with: tralix async status ${idPeticion} --wait`,
          ),
        ],
      };
    }
    await sleep(interval);
    interval = Math.min(maxInterval, Math.ceil(interval * 1.5));
  }
}

/** Options of {@link submitAsync}. */
export interface SubmitAsyncOptions extends BatchOptions {
  /** Polls each accepted request until it ends; omit to return right after submitting. */
  readonly wait?: WaitOptions | undefined;
}

function mergeStatus(
  submitted: ItemOutcome<AsyncSubmitResult>,
  polled: Outcome<AsyncStatus>,
): ItemOutcome<AsyncSubmitResult> {
  const idPeticion = submitted.result?.idPeticion ?? '';
  const status = polled.result;
  const result: AsyncSubmitResult = status === undefined ? { idPeticion } : { idPeticion, status };
  const final = polled.status === 'answered' ? 'stored' : polled.status;
  return {
    ...submitted,
    status: final,
    result,
    issues: polled.issues,
    attempts: submitted.attempts + polled.attempts,
  };
}

/**
 * Submits CFDI async requests with bounded concurrency, journaled; with `wait`, polls each accepted
 * request (including ones a previous run accepted) until it ends, and journals the final status.
 */
export async function submitAsync(
  client: TralixClient,
  requests: readonly AsyncRequest[],
  options: SubmitAsyncOptions = {},
): Promise<BatchReport<AsyncSubmitResult>> {
  const op = asyncSubmitOperation(client);
  const report = await sendBatch(
    client.http,
    op,
    requests.map((r) => ({ key: asyncRequestKey(r), input: r })),
    options,
  );
  const wait = options.wait;
  if (wait === undefined) return report;
  const outcomes = await mapPool(report.outcomes, options.concurrency ?? 4, async (outcome, index) => {
    const idPeticion = outcome.result?.idPeticion;
    const finalState = outcome.result?.status?.state;
    if (outcome.status !== 'stored' || idPeticion === undefined || finalState === 'ALMACENADO')
      return outcome;
    const polled = await waitForAsync(client, idPeticion, wait);
    const merged = mergeStatus(outcome, polled);
    // Only a final answer replaces the journal's `stored`: a request still in process, or one whose
    // status could not be read, stays submitted, so a rerun polls it instead of submitting it again.
    if (polled.status !== 'failed' && merged.result?.status?.state !== 'EN_PROCESO') {
      await journalOutcome(options.journal, op.name, outcome.key, digestOf(requests[index]), merged);
    }
    return merged;
  });
  const counts = { ...report.counts };
  for (const status of Object.keys(counts) as Array<keyof typeof counts>)
    if (status !== 'resumed') counts[status] = 0;
  for (const o of outcomes) counts[o.status]++;
  return { outcomes, counts };
}

/** `representacion` of a download (seed 002): the XML, the PDF, or a ZIP with both. */
export type Representacion = 'XML' | 'PDF' | 'XML_PDF';

/** A downloaded CFDI file. */
export interface Download {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

/**
 * What to download (seed 002: "Al menos debe estar aplicado uno de los parámetros disponibles"): a
 * CFDI by uuid (a ZIP of its XML and PDF when no representacion is given, seed 002 example #2), or
 * with no uuid every CFDI in that representacion (`?representacion=XML`, example #1).
 */
export type DownloadQuery =
  | { readonly uuid: string; readonly representacion?: Representacion | undefined }
  | { readonly uuid?: string | undefined; readonly representacion: Representacion };

const EXTENSIONS: Record<Representacion, string> = { XML: 'xml', PDF: 'pdf', XML_PDF: 'zip' };

function filenameOf(response: HttpResponse, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match?.[1] === undefined ? '' : decodeURIComponent(match[1]);
  // Only the base name: a provider must not choose where a file lands.
  const base = name.split(/[\\/]/).pop() ?? '';
  return base === '' || base === '.' || base === '..' ? fallback : base;
}

/** The name of a download the provider did not name: `<uuid>` or `cfdis`, with the extension its content says. */
function fallbackName(response: HttpResponse, query: DownloadQuery): string {
  const zip = /zip/i.test(response.headers.get('content-type') ?? '');
  const extension = zip ? 'zip' : EXTENSIONS[query.representacion ?? 'XML_PDF'];
  return `${query.uuid ?? 'cfdis'}.${extension}`;
}

function checkDownloadQuery(query: DownloadQuery): void {
  if (query.uuid === '' || (query.uuid === undefined && query.representacion === undefined)) {
    throw new CfdiLayoutError(
      'SENDER_REQUEST_INVALID',
      'descargasCfdiAsync needs a uuid, a representacion (XML, PDF or XML_PDF), or both (seed 002: at least one parameter)',
    );
  }
}

/**
 * `GET /{keyEmpresa}/descargasCfdiAsync?uuid&representacion`, either parameter optional but not
 * both: a download, safe to repeat. 204 "No existen CFDI", 400 and 401 are refusals with the
 * provider's text.
 */
export function asyncDownloadOperation(client: TralixClient): Operation<DownloadQuery, Download> {
  return {
    name: 'tralix.async.download',
    safety: 'idempotent',
    request: (query): HttpRequest => {
      checkDownloadQuery(query);
      return {
        method: 'GET',
        path: [key(client), 'descargasCfdiAsync'],
        query: { uuid: query.uuid, representacion: query.representacion },
        headers: { ...optionalAuthorization(client) },
      };
    },
    parse: (response, query) => {
      if (response.status === 200) {
        const download: Download = {
          filename: filenameOf(response, fallbackName(response, query)),
          contentType: response.headers.get('content-type') ?? 'application/octet-stream',
          data: response.body,
        };
        return { status: 'answered', result: download, issues: [], attempts: response.attempts };
      }
      if (response.status === 204) return refusedText(response, 'No Content - No existen CFDI');
      if (response.status === 400 || response.status === 401 || response.status === 404)
        return refusedText(response, `HTTP ${response.status}`);
      throw unexpectedResponse(response, 'tralix.async.download');
    },
  };
}

/** Downloads a stamped CFDI (or, without a uuid, every CFDI) as XML, PDF or a ZIP of both. */
export function downloadAsync(client: TralixClient, query: DownloadQuery): Promise<Outcome<Download>> {
  return perform(client.http, asyncDownloadOperation(client), query);
}
