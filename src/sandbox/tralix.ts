import { issueToJson } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import { Money } from '../money.js';
import { renderSandboxPdf } from './pdf.js';
import {
  basicCredentials,
  file,
  header,
  json,
  jsonBody,
  type Route,
  type SandboxEnv,
  type SandboxReply,
  type SandboxRequest,
  text,
} from './router.js';
import {
  fechaH,
  SANDBOX_LEYENDA,
  SANDBOX_RECEPTOR,
  stampParsed,
  type TicketReceptor,
  ticketComprobante,
} from './stamp.js';
import type { AsyncRecord, StampedCfdi, TicketRecord } from './state.js';
import { writeZip } from './zip-write.js';

/*
 * Tralix emulation under /tralix/{keyEmpresa}/…: the Portal de Autofacturación (seed 000) and the
 * CFDI async API (seed 002), with their status codes and texts verbatim.
 */

const KEY = '(?<key>[^/]+)';

/** Seed 000/002 and E.1: an unknown keyEmpresa is "401 Not Found – No existe la keyEmpresa". */
function checkKey(
  request: SandboxRequest,
  env: SandboxEnv,
  expected = env.credentials.tralix.key,
): SandboxReply | undefined {
  return request.params.key === expected ? undefined : text(401, 'No existe la keyEmpresa');
}

/**
 * The ticket book sends `authorization: Basic {Token}` on every call (seed 000); its path carries the
 * keyEmpresa, or for `PUT /{Token}/tickets` the token (`expected`).
 */
function checkAuth(
  request: SandboxRequest,
  env: SandboxEnv,
  expected = env.credentials.tralix.key,
): SandboxReply | undefined {
  const keyError = checkKey(request, env, expected);
  if (keyError !== undefined) return keyError;
  const given = basicCredentials(header(request, 'authorization'));
  const { user, password } = env.credentials.tralix;
  return given?.user === user && given.password === password
    ? undefined
    : text(401, 'Credenciales incorrectas');
}

const PARAMETROS = 'Parámetros incorrectos';

function ticketId(sucursal: string, numeroTicket: string): string {
  return `${sucursal}/${numeroTicket}`;
}

/** Tralix writes fechas as `2019-01-31 12:31:40.0` and amounts with six decimals (seed 000). */
function tralixFecha(date: Date): string {
  return `${fechaH(date).replace('T', ' ')}.0`;
}

function six(amount: string): string {
  return new Money(amount).toFixed(6);
}

function storeCfdi(
  env: SandboxEnv,
  c: Comprobante,
  xml: string,
  uuid: string,
  extra: Partial<StampedCfdi>,
): StampedCfdi {
  const iva = c.impuestos?.totalImpuestosTrasladados ?? '0';
  const cfdi: StampedCfdi = {
    uuid,
    idCfd: env.hexId(),
    xml,
    fecha: tralixFecha(env.now()),
    serie: c.serie ?? '',
    folio: c.folio ?? '',
    rfcEmisor: c.emisor.rfc,
    rfcReceptor: c.receptor.rfc,
    nombreReceptor: c.receptor.nombre,
    subtotal: c.subTotal,
    iva,
    total: c.total,
    moneda: c.moneda,
    ...extra,
  };
  env.state.tralix.cfdis[uuid] = cfdi;
  return cfdi;
}

function links(key: string, route: string, idCfd: string): Record<string, string> {
  const base = `/${key}/${route}?idCfdi=${idCfd}&produccion=true&representacion=`;
  return { pdfAndXmlDownload: `${base}XML_PDF`, pdfDownload: `${base}PDF`, xmlDownload: `${base}XML` };
}

/** A CFDI as `GET /{keyEmpresa}/cfdis` lists it (seed 000 field order and formats). */
function ticketCfdiJson(env: SandboxEnv, request: SandboxRequest, cfdi: StampedCfdi): Record<string, string> {
  const key = request.params.key ?? '';
  const host = env.origin();
  return {
    idSucursal: cfdi.idSucursal ?? '',
    rfc: cfdi.rfcReceptor,
    razonSocial: cfdi.nombreReceptor,
    fecha: cfdi.fecha,
    folio: cfdi.folio,
    status: cfdi.cancelacion === undefined ? 'ALMACENADO' : 'CANCELADO',
    uuid: cfdi.uuid,
    monto: six(cfdi.total),
    idCfd: cfdi.idCfd,
    serie: cfdi.serie,
    subtotal: six(cfdi.subtotal),
    descuento: '0.000000',
    tipoMoneda: cfdi.moneda,
    tipoCambio: '1.0000',
    iva: six(cfdi.iva),
    fechaCancelacion: cfdi.cancelacion?.fecha ?? '',
    tienePDF: 'true',
    pedimento: '',
    fechaPedimento: '',
    aduana: '',
    ...Object.fromEntries(
      Object.entries(links(key, 'descargasCfdi', cfdi.idCfd)).map(([k, v]) => [k, `${host}/tralix${v}`]),
    ),
    cancelCfdi: `${host}/tralix/${key}/cfdis/cancelar/${cfdi.uuid}`,
    produccion: 'true',
    noTicket: cfdi.noTicket ?? '',
  };
}

function putTicket(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const { token, key } = env.credentials.tralix;
  const denied = checkAuth(request, env, token ?? key);
  if (denied !== undefined) return denied;
  const body = jsonBody(request) as Record<string, unknown> | undefined;
  if (body === undefined || body === null || typeof body !== 'object') return text(400, PARAMETROS);
  const { fecha, insumo, monto, numeroTicket, sucursal } = body;
  const ticketNumber = typeof numeroTicket === 'number' ? String(numeroTicket) : numeroTicket;
  if (typeof ticketNumber !== 'string' || !/^[A-Za-z0-9-]{1,30}$/.test(ticketNumber)) {
    return text(400, 'El no. de ticket no contiene el formato correcto.');
  }
  const amount = typeof monto === 'number' ? String(monto) : monto;
  if (
    typeof fecha !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(fecha) ||
    typeof insumo !== 'string' ||
    insumo === '' ||
    typeof amount !== 'string' ||
    !/^\d+(\.\d+)?$/.test(amount) ||
    typeof sucursal !== 'string' ||
    sucursal === ''
  ) {
    return text(400, PARAMETROS);
  }
  const id = ticketId(sucursal, ticketNumber);
  const existing = env.state.tralix.tickets[id];
  if (existing === undefined) {
    const record: TicketRecord = {
      numeroTicket: ticketNumber,
      sucursal,
      fecha,
      insumo,
      monto: amount,
      puts: 1,
      expired: false,
    };
    env.state.tralix.tickets[id] = record;
  } else {
    Object.assign(existing, { fecha, insumo, monto: amount, puts: existing.puts + 1 });
  }
  return text(200, 'se guardo correctamente');
}

function getCfdis(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const denied = checkAuth(request, env);
  if (denied !== undefined) return denied;
  const ticket = request.query.get('ticket') ?? undefined;
  const sucursal = request.query.get('sucursal') ?? undefined;
  const tickets = Object.values(env.state.tralix.tickets).filter(
    (t) =>
      (ticket === undefined || t.numeroTicket === ticket) &&
      (sucursal === undefined || t.sucursal === sucursal),
  );
  const cfdis = tickets
    .flatMap((t) => (t.uuid === undefined ? [] : [env.state.tralix.cfdis[t.uuid]]))
    .filter((c) => c !== undefined);
  if (ticket !== undefined && cfdis.length === 0) {
    return text(400, `Ticket numero:${ticket} , sucursal: ${sucursal ?? ''}, aun no genera cfdi`);
  }
  // An HTTP 204 has no body; seed 000's "No hay cfdi generados" is its meaning.
  if (cfdis.length === 0) return { status: 204 };
  // Seed 000 labels the JSON list text/plain.
  return text(200, JSON.stringify({ cfdis: cfdis.map((c) => ticketCfdiJson(env, request, c)) }));
}

function expire(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const denied = checkAuth(request, env);
  if (denied !== undefined) return denied;
  const body = jsonBody(request) as Record<string, unknown> | undefined;
  const noTicket = typeof body?.noTicket === 'number' ? String(body.noTicket) : body?.noTicket;
  const sucursal = body?.sucursal;
  if (typeof noTicket !== 'string' || typeof sucursal !== 'string') return text(400, PARAMETROS);
  const record = env.state.tralix.tickets[ticketId(sucursal, noTicket)];
  if (record === undefined) return text(400, `Ticket numero: ${noTicket}, sucursal: ${sucursal}, no existe`);
  record.expired = true;
  return text(200, `Se expiro no_ticket: ${noTicket} sucursal : ${sucursal}`);
}

/** Seed 002's generation error text: `"Error CFDI40108\n<texto>.. :\n Código de error: CFDI40108"`. */
export function tralixErrorText(code: string, message: string): string {
  return `Error ${code}\n${message.replace(/\.$/, '')}.. :\n Código de error: ${code}`;
}

function submitAsync(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const denied = checkKey(request, env);
  if (denied !== undefined) return denied;
  const body = jsonBody(request) as Record<string, unknown> | undefined;
  const { idTipoCfd, idSucursal, archivoFuente } = body ?? {};
  if (
    typeof idTipoCfd !== 'string' ||
    typeof idSucursal !== 'string' ||
    typeof archivoFuente !== 'string' ||
    idTipoCfd === '' ||
    idSucursal === '' ||
    archivoFuente === ''
  ) {
    return json(400, { errors: [PARAMETROS] });
  }
  const idPeticion = env.hexId();
  const record: AsyncRecord = { idPeticion, idTipoCfd, idSucursal, archivoFuente, polls: 0 };
  env.state.tralix.async[idPeticion] = record;
  return json(200, { idPeticion });
}

function generate(record: AsyncRecord, env: SandboxEnv): void {
  const read = env.readArchivoFuente(record.archivoFuente);
  const errors = read.issues.filter((i) => i.severity === 'error');
  if (read.comprobante === undefined || errors.length > 0) {
    record.errors = (errors.length > 0 ? errors : read.issues).map((i) =>
      tralixErrorText(i.code, issueToJson(i).message),
    );
    if (record.errors.length === 0)
      record.errors = [tralixErrorText('CFDI40999', 'No se pudo generar el comprobante')];
    return;
  }
  const uuid = env.uuid();
  const stamped = stampParsed(read.comprobante, { uuid, fechaTimbrado: fechaH(env.now()) }, env.validate);
  if (!stamped.ok) {
    record.errors = stamped.issues.map((i) => tralixErrorText(i.code, i.message));
    return;
  }
  storeCfdi(env, stamped.comprobante, stamped.xml, uuid, { idSucursal: record.idSucursal });
  record.uuid = uuid;
}

function asyncStatus(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const denied = checkKey(request, env);
  if (denied !== undefined) return denied;
  const record = env.state.tralix.async[request.params.id ?? ''];
  if (record === undefined) return json(404, { status: 'DOCUMENTO_NO_ENCONTRADO' });
  record.polls++;
  // Seed 002: 202 EN_PROCESO while stamping, then 202 with the uuid while the PDF is made, then 200.
  if (record.polls < env.asyncPolls) return json(202, { status: 'EN_PROCESO' });
  if (record.polls === env.asyncPolls) generate(record, env);
  if (record.errors !== undefined) return json(400, { errors: record.errors });
  const cfdi = record.uuid === undefined ? undefined : env.state.tralix.cfdis[record.uuid];
  if (cfdi === undefined) return json(404, { status: 'DOCUMENTO_NO_ENCONTRADO' });
  if (record.polls === env.asyncPolls) return json(202, { status: 'EN_PROCESO', uuid: cfdi.uuid });
  const key = request.params.key ?? '';
  return json(200, {
    uuid: cfdi.uuid,
    fecha: cfdi.fecha,
    serie: cfdi.serie,
    folio: cfdi.folio,
    rfc: cfdi.rfcReceptor,
    iva: six(cfdi.iva),
    monto: six(cfdi.total),
    descuento: '0.000000',
    subtotal: six(cfdi.subtotal),
    tipoCambio: '1.0000',
    tipoMoneda: cfdi.moneda,
    idCfd: cfdi.idCfd,
    idSucursal: record.idSucursal,
    status: cfdi.cancelacion === undefined ? 'ALMACENADO' : 'CANCELADO',
    produccion: true,
    fechaCancelacion: cfdi.cancelacion?.fecha ?? '',
    tienePDF: 'true',
    pedimento: '',
    fechaPedimento: '',
    aduana: '',
    ...links(key, 'descargasCfdiAsync', cfdi.idCfd),
  });
}

/** The sandbox's PDF of a CFDI: a real one-page PDF that says it is not fiscal. */
export function cfdiPdf(cfdi: StampedCfdi): Uint8Array {
  return renderSandboxPdf([
    'CFDI DE PRUEBA - SANDBOX cfdi-layout',
    SANDBOX_LEYENDA,
    `UUID: ${cfdi.uuid}`,
    `Emisor: ${cfdi.rfcEmisor}   Receptor: ${cfdi.rfcReceptor} ${cfdi.nombreReceptor}`,
    `Serie/Folio: ${cfdi.serie} ${cfdi.folio}   Fecha: ${cfdi.fecha}`,
    `Subtotal: ${cfdi.subtotal}   IVA: ${cfdi.iva}   Total: ${cfdi.total} ${cfdi.moneda}`,
  ]);
}

const REPRESENTACIONES = ['XML', 'PDF', 'XML_PDF'];

function representation(
  cfdis: readonly StampedCfdi[],
  representacion: string,
  zipName: string,
): SandboxReply {
  const [only] = cfdis;
  if (cfdis.length === 1 && only !== undefined && representacion === 'XML')
    return file(only.xml, 'application/xml; charset=UTF-8', `${only.uuid}.xml`);
  if (cfdis.length === 1 && only !== undefined && representacion === 'PDF')
    return file(cfdiPdf(only), 'application/pdf', `${only.uuid}.pdf`);
  const entries = cfdis.flatMap((c) => [
    ...(representacion === 'PDF'
      ? []
      : [{ name: `${c.uuid}.xml`, data: new Uint8Array(Buffer.from(c.xml, 'utf8')) }]),
    ...(representacion === 'XML' ? [] : [{ name: `${c.uuid}.pdf`, data: cfdiPdf(c) }]),
  ]);
  return file(writeZip(entries), 'application/zip', zipName);
}

function download(request: SandboxRequest, env: SandboxEnv, source: 'async' | 'tickets'): SandboxReply {
  const denied = checkKey(request, env);
  if (denied !== undefined) return denied;
  const uuid = request.query.get('uuid') ?? undefined;
  const idCfdi = request.query.get('idCfdi') ?? undefined;
  const given = request.query.get('representacion') ?? undefined;
  // Seed 002: "Al menos debe estar aplicado uno de los parámetros disponibles".
  if (
    (uuid === undefined && idCfdi === undefined && given === undefined) ||
    (given !== undefined && !REPRESENTACIONES.includes(given))
  ) {
    return text(400, PARAMETROS);
  }
  const asyncUuids = new Set(
    Object.values(env.state.tralix.async).flatMap((r) => (r.uuid === undefined ? [] : [r.uuid])),
  );
  const pool = Object.values(env.state.tralix.cfdis).filter((c) =>
    source === 'async' ? asyncUuids.has(c.uuid) : c.noTicket !== undefined,
  );
  const chosen = pool.filter(
    (c) =>
      (uuid === undefined || c.uuid.toLowerCase() === uuid.toLowerCase()) &&
      (idCfdi === undefined || c.idCfd === idCfdi),
  );
  if (chosen.length === 0) return { status: 204 };
  // Seed 002 example #2: a uuid alone downloads a ZIP with the XML and the PDF. Example #1, a
  // representacion alone, downloads every CFDI: one is its file, several a ZIP of their files.
  const [one] = chosen;
  return representation(
    chosen,
    given ?? 'XML_PDF',
    chosen.length === 1 && one !== undefined ? `${one.uuid}.zip` : 'cfdis.zip',
  );
}

/** Sandbox-only: a customer self-invoices a stored ticket, so `tickets get` has a CFDI to return. */
function selfInvoice(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const body = jsonBody(request) as
    | { numeroTicket?: unknown; sucursal?: unknown; receptor?: Partial<TicketReceptor> }
    | undefined;
  const numeroTicket =
    typeof body?.numeroTicket === 'number' ? String(body.numeroTicket) : body?.numeroTicket;
  if (typeof numeroTicket !== 'string' || typeof body?.sucursal !== 'string')
    return json(400, { error: 'numeroTicket and sucursal are required' });
  const ticket = env.state.tralix.tickets[ticketId(body.sucursal, numeroTicket)];
  if (ticket === undefined)
    return json(404, { error: `Ticket numero: ${numeroTicket}, sucursal: ${body.sucursal}, no existe` });
  if (ticket.uuid !== undefined) return json(200, { uuid: ticket.uuid });
  if (ticket.expired)
    return json(409, { error: `ticket ${numeroTicket} expired: it can no longer be self-invoiced` });
  const receptor: TicketReceptor = { ...SANDBOX_RECEPTOR, ...body.receptor };
  const comprobante = ticketComprobante(ticket, receptor, fechaH(env.now()));
  const uuid = env.uuid();
  const stamped = stampParsed(comprobante, { uuid, fechaTimbrado: fechaH(env.now()) }, env.validate);
  if (!stamped.ok)
    return json(422, { error: 'cannot stamp the ticket', issues: stamped.issues.map(issueToJson) });
  storeCfdi(env, stamped.comprobante, stamped.xml, uuid, {
    idSucursal: ticket.sucursal,
    noTicket: ticket.numeroTicket,
  });
  ticket.uuid = uuid;
  return json(200, { uuid });
}

/** Every Tralix route of the sandbox. */
export const TRALIX_ROUTES: readonly Route[] = [
  { methods: ['PUT'], pattern: new RegExp(`^/tralix/${KEY}/tickets$`), mutates: true, handle: putTicket },
  { methods: ['GET'], pattern: new RegExp(`^/tralix/${KEY}/cfdis$`), handle: getCfdis },
  // Seed 000's table says PUT, its curl example POST: the sandbox serves the ones it is configured
  // for (`tralixExpireMethods`) and answers 405 to the other, as any route does to a wrong method.
  {
    methods: (env) => env.tralixExpireMethods,
    pattern: new RegExp(`^/tralix/${KEY}/expired$`),
    mutates: true,
    handle: expire,
  },
  {
    methods: ['PUT'],
    pattern: new RegExp(`^/tralix/${KEY}/cfdisAsync$`),
    mutates: true,
    handle: submitAsync,
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`^/tralix/${KEY}/cfdis/(?<id>[^/]+)$`),
    mutates: true,
    handle: asyncStatus,
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`^/tralix/${KEY}/descargasCfdiAsync$`),
    handle: (r, e) => download(r, e, 'async'),
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`^/tralix/${KEY}/descargasCfdi$`),
    handle: (r, e) => download(r, e, 'tickets'),
  },
  {
    methods: ['POST'],
    pattern: /^\/__sandbox\/tralix\/autofacturar$/,
    admin: true,
    mutates: true,
    handle: selfInvoice,
  },
];
