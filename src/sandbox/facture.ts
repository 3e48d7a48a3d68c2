import { issueToJson } from '../issues.js';
import { CANCEL_CODES } from '../senders/facture.js';
import {
  basicCredentials,
  file,
  header,
  json,
  type Route,
  type SandboxEnv,
  type SandboxReply,
  type SandboxRequest,
} from './router.js';
import { fechaH, stampXml } from './stamp.js';
import type { StampedCfdi } from './state.js';
import { cfdiPdf } from './tralix.js';
import { readZip } from './zip-read.js';
import { writeZip } from './zip-write.js';

/*
 * Facture APP REST emulation under /facture/rest/… (seed 003). The seed names routes, methods and
 * header parameters and describes answers in words ("un estatus del usuario … créditos", "el XML
 * firmado y timbrado", "un XML con el status de cada uno de los XML contenidos en el archivo ZIP
 * además de un enlace"); the shapes below are this sandbox's rendering of those words, in JSON or XML
 * as `Accept` asks, and the sender reads exactly these.
 */

type Format = 'json' | 'xml';

function formatOf(request: SandboxRequest): Format {
  return /json/i.test(header(request, 'accept') ?? '') ? 'json' : 'xml';
}

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

function xmlReply(status: number, body: string): SandboxReply {
  return {
    status,
    headers: { 'content-type': 'application/xml; charset=UTF-8' },
    body: `${XML_DECL}${body}`,
  };
}

/** Seed 003: "Proceso con error. La respuesta del servicio será un documento informando del error." */
function failure(request: SandboxRequest, status: number, codigo: string, mensaje: string): SandboxReply {
  return formatOf(request) === 'json'
    ? json(status, { error: { codigo, mensaje } })
    : xmlReply(status, `<error><codigo>${esc(codigo)}</codigo><mensaje>${esc(mensaje)}</mensaje></error>`);
}

function authorize(request: SandboxRequest, env: SandboxEnv): SandboxReply | undefined {
  const given = basicCredentials(header(request, 'authorization'));
  const { user, password } = env.credentials.facture;
  return given?.user === user && given.password === password
    ? undefined
    : failure(request, 401, '401', 'Credenciales de acceso inválidas');
}

function sucursalOf(request: SandboxRequest, env: SandboxEnv): SandboxReply | string {
  const id = header(request, 'sucursal') ?? request.query.get('sucursal') ?? '';
  return env.state.facture.sucursales.some((s) => s.id === id)
    ? id
    : failure(
        request,
        400,
        'SUCURSAL',
        `La sucursal ${id === '' ? '(vacía)' : id} no existe o no está activa`,
      );
}

function usuario(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const denied = authorize(request, env);
  if (denied !== undefined) return denied;
  const u = env.state.facture.usuario;
  const name = env.credentials.facture.user;
  return formatOf(request) === 'json'
    ? json(200, { usuario: name, nombre: u.nombre, estatus: 'ACTIVO', creditos: u.creditos })
    : xmlReply(
        200,
        `<usuario><usuario>${esc(name)}</usuario><nombre>${esc(u.nombre)}</nombre><estatus>ACTIVO</estatus><creditos>${u.creditos}</creditos></usuario>`,
      );
}

function sucursales(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const denied = authorize(request, env);
  if (denied !== undefined) return denied;
  const list = env.state.facture.sucursales;
  return formatOf(request) === 'json'
    ? json(200, { sucursales: list })
    : xmlReply(
        200,
        `<sucursales>${list.map((s) => `<sucursal><id>${esc(s.id)}</id><nombre>${esc(s.nombre)}</nombre><lugarExpedicion>${s.lugarExpedicion}</lugarExpedicion></sucursal>`).join('')}</sucursales>`,
      );
}

function record(
  env: SandboxEnv,
  uuid: string,
  xml: string,
  c: {
    serie?: string | undefined;
    folio?: string | undefined;
    emisor: { rfc: string };
    receptor: { rfc: string; nombre: string };
    subTotal: string;
    total: string;
    moneda: string;
    impuestos?: { totalImpuestosTrasladados?: string | undefined } | undefined;
  },
  sucursal: string,
): StampedCfdi {
  const cfdi: StampedCfdi = {
    uuid,
    idCfd: env.hexId(),
    xml,
    fecha: fechaH(env.now()),
    serie: c.serie ?? '',
    folio: c.folio ?? '',
    rfcEmisor: c.emisor.rfc,
    rfcReceptor: c.receptor.rfc,
    nombreReceptor: c.receptor.nombre,
    subtotal: c.subTotal,
    iva: c.impuestos?.totalImpuestosTrasladados ?? '0.00',
    total: c.total,
    moneda: c.moneda,
    idSucursal: sucursal,
  };
  env.state.facture.cfdis[uuid] = cfdi;
  env.state.facture.usuario.creditos = Math.max(0, env.state.facture.usuario.creditos - 1);
  return cfdi;
}

function timbrar(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const denied = authorize(request, env);
  if (denied !== undefined) return denied;
  const sucursal = sucursalOf(request, env);
  if (typeof sucursal !== 'string') return sucursal;
  const uuid = env.uuid();
  const stamped = stampXml(request.body, { uuid, fechaTimbrado: fechaH(env.now()) }, env.validate);
  if (!stamped.ok) {
    const first = stamped.issues[0];
    const mensaje = stamped.issues.map((i) => `${i.code} - ${issueToJson(i).message}`).join('\n');
    return failure(request, 400, first?.code ?? 'ERROR', mensaje);
  }
  record(env, uuid, stamped.xml, stamped.comprobante, sucursal);
  // Seed 003: "La respuesta del servicio será el XML firmado y timbrado por el PAC."
  return formatOf(request) === 'json'
    ? json(200, { uuid, xml: stamped.xml })
    : file(stamped.xml, 'application/xml; charset=UTF-8');
}

async function masivo(request: SandboxRequest, env: SandboxEnv): Promise<SandboxReply> {
  const denied = authorize(request, env);
  if (denied !== undefined) return denied;
  const sucursal = sucursalOf(request, env);
  if (typeof sucursal !== 'string') return sucursal;
  const contentType = header(request, 'content-type') ?? '';
  let zip: Uint8Array | undefined;
  try {
    const form = await new Response(new Uint8Array(request.body), {
      headers: { 'content-type': contentType },
    }).formData();
    const part = form.get('file');
    if (part !== null && typeof part !== 'string') zip = new Uint8Array(await part.arrayBuffer());
  } catch {
    zip = undefined;
  }
  if (zip === undefined)
    return failure(
      request,
      400,
      'ARCHIVO',
      'Se requiere un multipart/form-data con una entrada de nombre file',
    );
  let entries: ReturnType<typeof readZip>;
  try {
    entries = readZip(zip);
  } catch (err) {
    return failure(request, 400, 'ARCHIVO', err instanceof Error ? err.message : String(err));
  }
  const comprobantes: Array<Record<string, string>> = [];
  const stampedUuids: string[] = [];
  for (const entry of entries) {
    if (!/\.xml$/i.test(entry.name)) {
      comprobantes.push({
        archivo: entry.name,
        estatus: 'ERROR',
        codigo: 'ARCHIVO',
        mensaje: 'Solo se timbran archivos XML',
      });
      continue;
    }
    const uuid = env.uuid();
    const stamped = stampXml(entry.data, { uuid, fechaTimbrado: fechaH(env.now()) }, env.validate);
    if (stamped.ok) {
      record(env, uuid, stamped.xml, stamped.comprobante, sucursal);
      stampedUuids.push(uuid);
      comprobantes.push({ archivo: entry.name, estatus: 'TIMBRADO', uuid });
    } else {
      const first = stamped.issues[0];
      comprobantes.push({
        archivo: entry.name,
        estatus: 'ERROR',
        codigo: first?.code ?? 'ERROR',
        mensaje: first === undefined ? 'Error' : issueToJson(first).message,
      });
    }
  }
  const id = env.hexId();
  env.state.facture.masivos[id] = stampedUuids;
  const descarga = `${env.origin()}/facture/rest/descargas/masivo/${id}`;
  if (formatOf(request) === 'json') return json(200, { comprobantes, descarga });
  const items = comprobantes
    .map(
      (c) =>
        `<comprobante ${Object.entries(c)
          .map(([k, v]) => `${k}="${esc(v)}"`)
          .join(' ')}/>`,
    )
    .join('');
  return xmlReply(200, `<masivo>${items}<descarga>${esc(descarga)}</descarga></masivo>`);
}

function masivoDownload(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const denied = authorize(request, env);
  if (denied !== undefined) return denied;
  const uuids = env.state.facture.masivos[request.params.id ?? ''];
  if (uuids === undefined) return failure(request, 404, '404', 'La descarga no existe');
  const entries = uuids.flatMap((u) => {
    const cfdi = env.state.facture.cfdis[u];
    return cfdi === undefined
      ? []
      : [{ name: `${u}.xml`, data: new Uint8Array(Buffer.from(cfdi.xml, 'utf8')) }];
  });
  return file(writeZip(entries), 'application/zip', `masivo-${request.params.id}.zip`);
}

function lookup(request: SandboxRequest, env: SandboxEnv, param: string): SandboxReply | StampedCfdi {
  const denied = authorize(request, env);
  if (denied !== undefined) return denied;
  const uuid = (request.params.uuid ?? request.query.get(param) ?? '').toUpperCase();
  const cfdi = env.state.facture.cfdis[uuid];
  return cfdi ?? failure(request, 404, '205', `UUID ${uuid} no encontrado`);
}

function isCfdi(value: SandboxReply | StampedCfdi): value is StampedCfdi {
  return 'uuid' in value;
}

function consulta(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const cfdi = lookup(request, env, 'cfdi');
  if (!isCfdi(cfdi)) return cfdi;
  if (formatOf(request) === 'xml') return file(cfdi.xml, 'application/xml; charset=UTF-8');
  return json(200, {
    uuid: cfdi.uuid,
    estatus: cfdi.cancelacion === undefined ? 'Vigente' : 'Cancelado',
    serie: cfdi.serie,
    folio: cfdi.folio,
    fecha: cfdi.fecha,
    rfcEmisor: cfdi.rfcEmisor,
    rfcReceptor: cfdi.rfcReceptor,
    subtotal: cfdi.subtotal,
    total: cfdi.total,
    moneda: cfdi.moneda,
    xml: cfdi.xml,
  });
}

function xmlFile(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const cfdi = lookup(request, env, 'uuid');
  return isCfdi(cfdi) ? file(cfdi.xml, 'application/xml; charset=UTF-8', `${cfdi.uuid}.xml`) : cfdi;
}

function pdfFile(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const cfdi = lookup(request, env, 'uuid');
  return isCfdi(cfdi) ? file(cfdiPdf(cfdi), 'application/pdf', `${cfdi.uuid}.pdf`) : cfdi;
}

function cancelReply(request: SandboxRequest, uuid: string, codigo: string): SandboxReply {
  const mensaje = CANCEL_CODES[codigo]?.text ?? '';
  return formatOf(request) === 'json'
    ? json(200, { uuid, codigo, mensaje })
    : xmlReply(200, `<cancelacion uuid="${esc(uuid)}" codigo="${codigo}" mensaje="${esc(mensaje)}"/>`);
}

/**
 * Seed 003 documents the cancellation as the UUID plus the `Sucursal` header; a request with only
 * those is accepted (and its acuse carries no Motivo). The sender also sends the SAT's motivo and
 * folioSustitucion, checked here as E.4 says when present; a Sucursal, when present, must exist.
 */
function cancelar(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const denied = authorize(request, env);
  if (denied !== undefined) return denied;
  if (header(request, 'sucursal') !== undefined) {
    const sucursal = sucursalOf(request, env);
    if (typeof sucursal !== 'string') return sucursal;
  }
  const uuid = (request.query.get('uuid') ?? '').toUpperCase();
  const motivo = request.query.get('motivo') ?? undefined;
  const sustitucion = request.query.get('folioSustitucion') ?? undefined;
  // E.4: motivo 01 requires FolioSustitucion; 02-04 do not use it.
  if (motivo !== undefined && !['01', '02', '03', '04'].includes(motivo))
    return failure(request, 400, 'MOTIVO', 'El motivo de cancelación debe ser 01, 02, 03 o 04');
  if (motivo === '01' && sustitucion === undefined)
    return failure(request, 400, 'MOTIVO', 'El motivo 01 requiere el folio de sustitución');
  if (motivo !== '01' && sustitucion !== undefined)
    return failure(request, 400, 'MOTIVO', 'El folio de sustitución solo aplica al motivo 01');
  const cfdi = env.state.facture.cfdis[uuid];
  if (cfdi === undefined) return cancelReply(request, uuid, '205');
  if (cfdi.cancelacion !== undefined) return cancelReply(request, uuid, '202');
  cfdi.cancelacion = { motivo, folioSustitucion: sustitucion, fecha: fechaH(env.now()) };
  return cancelReply(request, uuid, '201');
}

function acuse(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const cfdi = lookup(request, env, 'uuid');
  if (!isCfdi(cfdi)) return cfdi;
  if (cfdi.cancelacion === undefined)
    return failure(request, 404, '404', `El CFDI ${cfdi.uuid} no está cancelado: no tiene acuse`);
  const { motivo, folioSustitucion, fecha } = cfdi.cancelacion;
  const acuseXml =
    `<Acuse Fecha="${fecha}" RfcEmisor="${esc(cfdi.rfcEmisor)}" Leyenda="Acuse de prueba del sandbox: sin validez fiscal">` +
    `<Folios><UUID>${cfdi.uuid}</UUID><EstatusUUID>201</EstatusUUID>${motivo === undefined ? '' : `<Motivo>${motivo}</Motivo>`}` +
    `${folioSustitucion === undefined ? '' : `<FolioSustitucion>${esc(folioSustitucion)}</FolioSustitucion>`}</Folios></Acuse>`;
  return formatOf(request) === 'json'
    ? json(200, { uuid: cfdi.uuid, acuse: `${XML_DECL}${acuseXml}` })
    : xmlReply(200, acuseXml);
}

const REST = '^/facture/rest';

/** Every Facture route of the sandbox (seed 003 paths end with `/`; both forms are served). */
export const FACTURE_ROUTES: readonly Route[] = [
  { methods: ['GET'], pattern: new RegExp(`${REST}/administracion/usuario/?$`), handle: usuario },
  { methods: ['GET'], pattern: new RegExp(`${REST}/administracion/sucursales/?$`), handle: sucursales },
  {
    methods: ['POST'],
    pattern: new RegExp(`${REST}/timbrado/produccion/?$`),
    mutates: true,
    handle: timbrar,
  },
  {
    methods: ['POST'],
    pattern: new RegExp(`${REST}/timbrado/masivoProduccion/?$`),
    mutates: true,
    handle: masivo,
  },
  {
    methods: ['GET'],
    pattern: new RegExp(`${REST}/descargas/masivo/(?<id>[0-9a-f]+)$`),
    handle: masivoDownload,
  },
  { methods: ['GET'], pattern: new RegExp(`${REST}/consulta/cfdi/?$`), handle: consulta },
  { methods: ['GET'], pattern: new RegExp(`${REST}/consulta/xml/?$`), handle: xmlFile },
  { methods: ['GET'], pattern: new RegExp(`${REST}/consulta/pdf/?$`), handle: pdfFile },
  {
    methods: ['GET'],
    pattern: new RegExp(`${REST}/cancelacion/produccion/?$`),
    mutates: true,
    handle: cancelar,
  },
  // Seed 003 writes `/rest/cancelacion/acuse/uuid?`: served as `acuse/?uuid=`, `acuse/uuid?uuid=`
  // and `acuse/{uuid}`.
  { methods: ['GET'], pattern: new RegExp(`${REST}/cancelacion/acuse(?:/uuid)?/?$`), handle: acuse },
  {
    methods: ['GET'],
    pattern: new RegExp(
      `${REST}/cancelacion/acuse/(?<uuid>[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12})/?$`,
    ),
    handle: acuse,
  },
];
