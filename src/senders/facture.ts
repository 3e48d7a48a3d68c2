import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { error, type Issue, warning } from '../issues.js';
import { type BatchOptions, type BatchReport, digestOf, sendBatch } from './batch.js';
import { createProviderClient, type ProviderClient, type SenderClientOptions } from './client.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { type Operation, type Outcome, perform } from './outcome.js';
import { issueFromText, PROVIDER_REFUSED, parseJsonResponse, unexpectedResponse } from './provider-issues.js';
import { basicAuth, type FactureCredentials, requireSecret, SECRET_ENV } from './secret.js';
import type { Download } from './tralix.js';

/*
 * Facture APP REST (seed 003). The seed lists routes, methods and header parameters (Authorization,
 * Accept JSON or XML, Content-Type, Sucursal) and describes the answers in words; the answer shapes
 * read here are the ones the sandbox serves (src/sandbox/facture.ts), documented in
 * samples/senders/README.md. Authorization is `Basic base64(user:password)`.
 */

/** A Facture client. */
export type FactureClient = ProviderClient<FactureCredentials>;

/** Creates a {@link FactureClient}; the base URL is the host the `/rest/...` routes hang from. */
export function createFactureClient(
  credentials: FactureCredentials,
  options: SenderClientOptions,
): FactureClient {
  return createProviderClient(credentials, options);
}

/** The answer format asked for with `Accept` (seed 003: "JSON o XML"). */
export type FactureFormat = 'json' | 'xml';

const ACCEPT: Record<FactureFormat, string> = { json: 'application/json', xml: 'application/xml' };

function headers(client: FactureClient, format: FactureFormat, extra: Record<string, string> = {}) {
  const auth = basicAuth(
    requireSecret(client.credentials.user, SECRET_ENV.factureUser),
    requireSecret(client.credentials.password, SECRET_ENV.facturePassword),
  );
  return { Authorization: auth, Accept: ACCEPT[format], ...extra };
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => name === 'comprobante' || name === 'sucursal',
});

function parseXml(text: string): Record<string, unknown> {
  try {
    const value = xmlParser.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function isXml(response: HttpResponse): boolean {
  return /xml/i.test(response.headers.get('content-type') ?? '') || response.text.trimStart().startsWith('<');
}

/** A Facture document answer: its text (JSON or XML, secrets masked) and, for JSON, the parsed value. */
export interface FactureDocument {
  readonly format: FactureFormat;
  readonly text: string;
  readonly json?: unknown;
}

const ErrorJsonSchema = z.looseObject({
  error: z.looseObject({
    codigo: z.union([z.string(), z.number()]).transform(String).optional(),
    mensaje: z.string(),
  }),
});

/** Facture's error document ("un documento informando del error") as an issue. */
function refusal(response: HttpResponse): Outcome<never> {
  let codigo: string | undefined;
  let mensaje: string | undefined;
  if (isXml(response)) {
    const doc = parseXml(response.text).error as Record<string, unknown> | undefined;
    codigo = typeof doc?.codigo === 'string' ? doc.codigo : undefined;
    mensaje = typeof doc?.mensaje === 'string' ? doc.mensaje : undefined;
  } else {
    try {
      const parsed = parseJsonResponse(response, ErrorJsonSchema, 'facture');
      codigo = parsed.error.codigo;
      mensaje = parsed.error.mensaje;
    } catch {
      mensaje = undefined;
    }
  }
  const text = mensaje ?? (response.text.trim() === '' ? `HTTP ${response.status}` : response.text.trim());
  const issue: Issue =
    codigo !== undefined && /^CFDI\d{5}$/.test(codigo)
      ? error(codigo, [], text)
      : issueFromText(codigo === undefined ? text : `${codigo}: ${text}`);
  return { status: 'refused', issues: [issue], attempts: response.attempts };
}

function documentOf(response: HttpResponse, format: FactureFormat): FactureDocument {
  if (format === 'xml' || isXml(response)) return { format: 'xml', text: response.text };
  try {
    return { format: 'json', text: response.text, json: JSON.parse(response.text) as unknown };
  } catch {
    return { format: 'json', text: response.text };
  }
}

/** Where a document query goes: the path after `/rest/`, and the query parameters. */
interface DocumentRoute {
  readonly path: readonly string[];
  /** Seed 003 writes its routes with a trailing `/`. Defaults to true. */
  readonly trailingSlash?: boolean;
  readonly query?: Readonly<Record<string, string>>;
}

function documentOperation(
  client: FactureClient,
  name: string,
  route: (value: string) => DocumentRoute,
): Operation<DocumentQuery, FactureDocument> {
  return {
    name,
    safety: 'idempotent',
    request: ({ value, format }) => {
      const where = route(value);
      return {
        method: 'GET',
        path: ['rest', ...where.path],
        trailingSlash: where.trailingSlash ?? true,
        ...(where.query === undefined ? {} : { query: where.query }),
        headers: headers(client, format),
      };
    },
    parse: (response, { format }) => {
      if (response.status >= 400) return refusal(response);
      if (response.status !== 200) throw unexpectedResponse(response, name);
      return {
        status: 'answered',
        result: documentOf(response, format),
        issues: [],
        attempts: response.attempts,
      };
    },
  };
}

/** A document query: the UUID (empty for usuario and sucursales) and the answer format. */
export interface DocumentQuery {
  readonly value: string;
  readonly format: FactureFormat;
}

/** `GET /rest/administracion/usuario/`. */
export function usuarioOperation(client: FactureClient): Operation<DocumentQuery, FactureDocument> {
  return documentOperation(client, 'facture.usuario', () => ({ path: ['administracion', 'usuario'] }));
}

/** `GET /rest/administracion/sucursales/`. */
export function sucursalesOperation(client: FactureClient): Operation<DocumentQuery, FactureDocument> {
  return documentOperation(client, 'facture.sucursales', () => ({ path: ['administracion', 'sucursales'] }));
}

/** `GET /rest/consulta/cfdi/?cfdi=UUID`. */
export function consultaOperation(client: FactureClient): Operation<DocumentQuery, FactureDocument> {
  return documentOperation(client, 'facture.consulta', (u) => ({
    path: ['consulta', 'cfdi'],
    query: { cfdi: u },
  }));
}

/**
 * Where the acuse route takes the UUID. Seed 003 writes it `/rest/cancelacion/acuse/uuid?`, which
 * reads as `acuse/?uuid=UUID` (`query`, like its other consulta routes) or as `acuse/{uuid}` (`path`).
 */
export type AcuseForm = 'query' | 'path';

/** `GET /rest/cancelacion/acuse/?uuid=UUID` (form `query`, the default) or `GET /rest/cancelacion/acuse/UUID` (form `path`). */
export function acuseOperation(
  client: FactureClient,
  form: AcuseForm = 'query',
): Operation<DocumentQuery, FactureDocument> {
  return documentOperation(client, 'facture.acuse', (u) =>
    form === 'path'
      ? { path: ['cancelacion', 'acuse', u], trailingSlash: false }
      : { path: ['cancelacion', 'acuse'], query: { uuid: u } },
  );
}

/** The user's status and available credits. */
export function getUsuario(
  client: FactureClient,
  format: FactureFormat = 'json',
): Promise<Outcome<FactureDocument>> {
  return perform(client.http, usuarioOperation(client), { value: '', format });
}

/** The active branches, whose ID stamping needs. */
export function getSucursales(
  client: FactureClient,
  format: FactureFormat = 'json',
): Promise<Outcome<FactureDocument>> {
  return perform(client.http, sucursalesOperation(client), { value: '', format });
}

/** The comprobante as JSON or XML. */
export function consultarCfdi(
  client: FactureClient,
  uuid: string,
  format: FactureFormat = 'json',
): Promise<Outcome<FactureDocument>> {
  return perform(client.http, consultaOperation(client), { value: uuid, format });
}

/** The cancellation acuse of a cancelled CFDI, the UUID in the query (default) or in the path. */
export function getAcuse(
  client: FactureClient,
  uuid: string,
  format: FactureFormat = 'xml',
  form: AcuseForm = 'query',
): Promise<Outcome<FactureDocument>> {
  return perform(client.http, acuseOperation(client, form), { value: uuid, format });
}

/** `GET /rest/consulta/xml/?uuid=` or `/rest/consulta/pdf/?uuid=`: a file, safe to repeat. */
export function fileOperation(client: FactureClient, kind: 'xml' | 'pdf'): Operation<string, Download> {
  const name = `facture.${kind}`;
  return {
    name,
    safety: 'idempotent',
    request: (uuid) => ({
      method: 'GET',
      path: ['rest', 'consulta', kind],
      trailingSlash: true,
      query: { uuid },
      headers: headers(client, 'xml', kind === 'pdf' ? { Accept: 'application/pdf' } : {}),
    }),
    parse: (response, uuid) => {
      if (response.status >= 400) return refusal(response);
      if (response.status !== 200) throw unexpectedResponse(response, name);
      const download: Download = {
        filename: `${uuid}.${kind}`,
        contentType: response.headers.get('content-type') ?? '',
        data: response.body,
      };
      return { status: 'answered', result: download, issues: [], attempts: response.attempts };
    },
  };
}

/** `GET /rest/consulta/xml/?uuid=`: the stamped XML as a file. */
export function downloadXml(client: FactureClient, uuid: string): Promise<Outcome<Download>> {
  return perform(client.http, fileOperation(client, 'xml'), uuid);
}

/** `GET /rest/consulta/pdf/?uuid=`: the PDF representation. */
export function downloadPdf(client: FactureClient, uuid: string): Promise<Outcome<Download>> {
  return perform(client.http, fileOperation(client, 'pdf'), uuid);
}

// ---------------------------------------------------------------- timbrado

/** A pre-CFDI to stamp: its file name (for reports) and its unsigned XML. */
export interface PreCfdi {
  readonly name: string;
  readonly xml: string;
}

/** A stamped CFDI. */
export interface TimbradoResult {
  readonly name: string;
  readonly uuid: string;
  readonly xml: string;
}

const TFD_UUID = /<(?:[\w.-]+:)?TimbreFiscalDigital\b[^>]*?\bUUID="([^"]+)"/;

/** The UUID of a stamped CFDI (its TimbreFiscalDigital). */
export function uuidOfStamped(xml: string): string | undefined {
  return TFD_UUID.exec(xml)?.[1];
}

const TimbradoJsonSchema = z.looseObject({ uuid: z.string(), xml: z.string() });

/** Options of the stamping calls. */
export interface TimbradoOptions {
  /** A branch ID from `sucursales` (seed 003 header `Sucursal`). */
  readonly sucursal: string;
  /** Defaults to `xml`: the stamped XML itself is the answer. */
  readonly format?: FactureFormat | undefined;
}

/**
 * `POST /rest/timbrado/produccion/` stamps a new CFDI on every call, so it is `once`: seed 003 offers
 * no lookup by content (consulta needs the UUID the lost answer carried), so an unanswered request
 * ends `unknown` and is not resent.
 */
export function timbrarOperation(
  client: FactureClient,
  options: TimbradoOptions,
): Operation<PreCfdi, TimbradoResult> {
  const format = options.format ?? 'xml';
  return {
    name: 'facture.timbrar',
    safety: 'once',
    request: (pre): HttpRequest => ({
      method: 'POST',
      path: ['rest', 'timbrado', 'produccion'],
      trailingSlash: true,
      headers: headers(client, format, {
        'Content-Type': 'application/xml; charset=utf-8',
        Sucursal: options.sucursal,
      }),
      body: pre.xml,
    }),
    parse: (response, pre) => {
      if (response.status >= 400) return refusal(response);
      if (response.status !== 200) throw unexpectedResponse(response, 'facture.timbrar');
      let xml: string;
      if (isXml(response)) xml = Buffer.from(response.body).toString('utf8');
      else xml = parseJsonResponse(response, TimbradoJsonSchema, 'facture.timbrar').xml;
      const uuid = uuidOfStamped(xml);
      if (uuid === undefined) throw unexpectedResponse(response, 'facture.timbrar');
      return {
        status: 'stored',
        result: { name: pre.name, uuid, xml },
        issues: [],
        attempts: response.attempts,
      };
    },
    // The XML is the caller's to save (BatchOptions.persist); the journal keeps which UUID it got.
    journalResult: (result) => ({ name: result.name, uuid: result.uuid }),
  };
}

/** Stamps pre-CFDIs one request each, bounded and journaled by content so a rerun never stamps one twice. */
export function timbrar(
  client: FactureClient,
  documents: readonly PreCfdi[],
  options: TimbradoOptions & BatchOptions,
): Promise<BatchReport<TimbradoResult>> {
  const op = timbrarOperation(client, options);
  return sendBatch(
    client.http,
    op,
    documents.map((d) => ({ key: digestOf(d.xml).slice(0, 32), input: d, digest: digestOf(d.xml) })),
    options,
  );
}

/** A ZIP of pre-CFDIs for timbrado masivo. */
export interface ZipFile {
  readonly name: string;
  readonly data: Uint8Array;
}

/** The status of one file of a timbrado masivo. */
export interface MasivoEntry {
  readonly archivo: string;
  readonly estatus: string;
  readonly uuid?: string | undefined;
  readonly codigo?: string | undefined;
  readonly mensaje?: string | undefined;
}

/** The answer of a timbrado masivo: each file's status and the link to the stamped XML. */
export interface MasivoResult {
  readonly name: string;
  readonly comprobantes: readonly MasivoEntry[];
  readonly descarga?: string | undefined;
}

const MasivoEntrySchema = z.looseObject({
  archivo: z.string(),
  estatus: z.string(),
  uuid: z.string().optional(),
  codigo: z.union([z.string(), z.number()]).transform(String).optional(),
  mensaje: z.string().optional(),
});
const MasivoJsonSchema = z.looseObject({
  comprobantes: z.array(MasivoEntrySchema),
  descarga: z.string().optional(),
});

function masivoFromXml(text: string): z.infer<typeof MasivoJsonSchema> {
  const root = parseXml(text).masivo as Record<string, unknown> | undefined;
  return MasivoJsonSchema.parse({ comprobantes: root?.comprobante ?? [], descarga: root?.descarga });
}

/** Seed 003 `estatus` of a stamped file in a masivo answer. */
export const MASIVO_STAMPED = 'TIMBRADO';

/**
 * `POST /rest/timbrado/masivoProduccion/` with the ZIP in the multipart field `file`: `once`. The
 * item is stored when the provider answered; files it refused are error issues under their name.
 */
export function masivoOperation(
  client: FactureClient,
  options: TimbradoOptions,
): Operation<ZipFile, MasivoResult> {
  const format = options.format ?? 'json';
  return {
    name: 'facture.masivo',
    safety: 'once',
    request: (zip) => ({
      method: 'POST',
      path: ['rest', 'timbrado', 'masivoProduccion'],
      trailingSlash: true,
      headers: headers(client, format, { Sucursal: options.sucursal }),
      body: {
        kind: 'multipart',
        field: 'file',
        filename: zip.name,
        contentType: 'application/zip',
        data: zip.data,
      },
    }),
    parse: (response, zip) => {
      if (response.status >= 400) return refusal(response);
      if (response.status !== 200) throw unexpectedResponse(response, 'facture.masivo');
      let answer: z.infer<typeof MasivoJsonSchema>;
      if (isXml(response)) {
        try {
          answer = masivoFromXml(response.text);
        } catch {
          throw unexpectedResponse(response, 'facture.masivo');
        }
      } else answer = parseJsonResponse(response, MasivoJsonSchema, 'facture.masivo');
      const issues = answer.comprobantes
        .filter((c) => c.estatus !== MASIVO_STAMPED)
        .map((c) => {
          const text = c.mensaje ?? c.estatus;
          return c.codigo !== undefined && /^CFDI\d{5}$/.test(c.codigo)
            ? error(c.codigo, [c.archivo], text)
            : issueFromText(text, [c.archivo]);
        });
      return {
        status: 'stored',
        result: { name: zip.name, comprobantes: answer.comprobantes, descarga: answer.descarga },
        issues,
        attempts: response.attempts,
      };
    },
  };
}

/** Sends ZIPs of pre-CFDIs for timbrado masivo, journaled by content. */
export function timbrarMasivo(
  client: FactureClient,
  zips: readonly ZipFile[],
  options: TimbradoOptions & BatchOptions,
): Promise<BatchReport<MasivoResult>> {
  const op = masivoOperation(client, options);
  return sendBatch(
    client.http,
    op,
    zips.map((z) => ({ key: digestOf(z.data).slice(0, 32), input: z, digest: digestOf(z.data) })),
    options,
  );
}

// ---------------------------------------------------------------- cancelación (E.4)

/** SAT cancellation answer codes (E.4) and whether the CFDI ends cancelled. */
export const CANCEL_CODES: Readonly<Record<string, { readonly text: string; readonly cancelled: boolean }>> =
  {
    '201': { text: 'Solicitud de cancelación recibida', cancelled: true },
    '202': { text: 'Folio Fiscal Previamente Cancelado', cancelled: true },
    '203': { text: 'Folio Fiscal No Correspondiente al Emisor', cancelled: false },
    '204': { text: 'Folio Fiscal No Aplicable a Cancelación', cancelled: false },
    '205': { text: 'Folio Fiscal No Existente', cancelled: false },
    '206': { text: 'UUID no corresponde a un CFDI del Sector Primario', cancelled: false },
  };

/** c_MotivoCancelacion (E.4). */
export type MotivoCancelacion = '01' | '02' | '03' | '04';

/**
 * A cancellation. Seed 003 documents the UUID and the `Sucursal` header only; the SAT requires a
 * motivo on every cancellation, and with motivo 01 the UUID that replaces the cancelled CFDI (E.4),
 * so both are sent as the query parameters `motivo` and `folioSustitucion`.
 */
export interface Cancelacion {
  readonly uuid: string;
  /** c_MotivoCancelacion, required by the SAT though seed 003 does not name it. */
  readonly motivo: MotivoCancelacion;
  /** The replacing CFDI's UUID: required with motivo 01, refused with any other. */
  readonly folioSustitucion?: string | undefined;
  /** The `Sucursal` header (seed 003), a branch ID from `sucursales`; not sent when absent. */
  readonly sucursal?: string | undefined;
}

/** The provider's answer to a cancellation. */
export interface CancelResult {
  readonly uuid: string;
  readonly codigo: string;
  readonly mensaje: string;
}

/** Issue code of a cancellation whose motivo and folioSustitucion do not agree (E.4). */
export const CANCEL_INVALID = 'CANCEL_INVALID';

/** E.4: motivo 01 requires FolioSustitucion; 02, 03 and 04 do not use it. */
export function checkCancelacion(cancel: Cancelacion): Issue[] {
  const issues: Issue[] = [];
  if (!['01', '02', '03', '04'].includes(cancel.motivo))
    issues.push(error(CANCEL_INVALID, ['motivo'], `motivo ${cancel.motivo} is not 01, 02, 03 or 04`));
  if (cancel.motivo === '01' && cancel.folioSustitucion === undefined) {
    issues.push(
      error(
        CANCEL_INVALID,
        ['folioSustitucion'],
        'motivo 01 requires the UUID of the replacing CFDI (folioSustitucion)',
      ),
    );
  }
  if (cancel.motivo !== '01' && cancel.folioSustitucion !== undefined) {
    issues.push(
      error(
        CANCEL_INVALID,
        ['folioSustitucion'],
        `folioSustitucion applies only to motivo 01, not ${cancel.motivo}`,
      ),
    );
  }
  return issues;
}

const CancelJsonSchema = z.looseObject({
  uuid: z.string(),
  codigo: z.union([z.string(), z.number()]).transform(String),
  mensaje: z.string(),
});

/**
 * `GET /rest/cancelacion/produccion/?uuid=` with `Sucursal` when given: repeating a cancellation
 * answers 202 "previamente cancelado", so it is safe to repeat; motivo and folioSustitucion (the
 * SAT's, not in seed 003) travel as query parameters.
 */
export function cancelOperation(
  client: FactureClient,
  format: FactureFormat = 'json',
): Operation<Cancelacion, CancelResult> {
  return {
    name: 'facture.cancelar',
    safety: 'idempotent',
    request: (cancel) => ({
      method: 'GET',
      path: ['rest', 'cancelacion', 'produccion'],
      trailingSlash: true,
      query: { uuid: cancel.uuid, motivo: cancel.motivo, folioSustitucion: cancel.folioSustitucion },
      headers: headers(client, format, cancel.sucursal === undefined ? {} : { Sucursal: cancel.sucursal }),
    }),
    parse: (response) => {
      if (response.status >= 400) return refusal(response);
      if (response.status !== 200) throw unexpectedResponse(response, 'facture.cancelar');
      let answer: CancelResult;
      if (isXml(response)) {
        const node = parseXml(response.text).cancelacion as Record<string, unknown> | undefined;
        const parsed = CancelJsonSchema.safeParse(node);
        if (!parsed.success) throw unexpectedResponse(response, 'facture.cancelar');
        answer = parsed.data;
      } else answer = parseJsonResponse(response, CancelJsonSchema, 'facture.cancelar');
      const known = CANCEL_CODES[answer.codigo];
      if (known?.cancelled === true) {
        const issues =
          answer.codigo === '202'
            ? [warning('CANCEL_ALREADY', [], `${answer.codigo} ${answer.mensaje}`)]
            : [];
        return { status: 'stored', result: answer, issues, attempts: response.attempts };
      }
      return {
        status: 'refused',
        result: answer,
        issues: [error(PROVIDER_REFUSED, [], `${answer.codigo} ${answer.mensaje}`)],
        attempts: response.attempts,
      };
    },
  };
}

/** Cancels a CFDI; an inconsistent motivo/folioSustitucion is refused before anything is sent. */
export async function cancelar(
  client: FactureClient,
  cancel: Cancelacion,
  format: FactureFormat = 'json',
): Promise<Outcome<CancelResult>> {
  const issues = checkCancelacion(cancel);
  if (issues.length > 0) return { status: 'refused', issues, attempts: 0 };
  return perform(client.http, cancelOperation(client, format), cancel);
}
