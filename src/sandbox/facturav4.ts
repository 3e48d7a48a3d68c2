import {
  header,
  json,
  jsonBody,
  type Route,
  type SandboxEnv,
  type SandboxReply,
  type SandboxRequest,
} from './router.js';
import { fechaH } from './stamp.js';
import type { Facturav4Account, OrderRecord, SerieRecord } from './state.js';

/*
 * Factura.com v4 family emulation: Factu-Ramval autofacturación orders (seed 001) and facturaonline
 * series (seed 004), under /facturamval/api and /facturaonline/api, one account per host. Laravel's
 * validation answers `{"response":"error","message":{"0.fecha":["El campo 0.fecha es requerido"]}}`.
 */

const HOST = '^/(?<host>facturamval|facturaonline)/api';

/** Seed 004's authentication error, hashes included as the documentation shows them. */
const AUTH_ERROR = {
  status: 'error',
  message: 'La cuenta que intenta autenticarse no existe',
  Data: '$2y$10$8a9S8o8WeiRhPh1YT6bnXun6uPs1ZdiZBUHjGwSqn3X44mbYSmY4.',
  Secret: '$2y$10$c5KNUW06w8r9OhH4MVPNz.BgpQfjHVZjPPYsVbX13WPQZomnYtxq',
};

/** Seed 004: "F-PLUGIN: 9d4095c8f7ed5785cb14c0e3b033eeb8252416ed", "cuyo valor siempre será" this. */
const F_PLUGIN = '9d4095c8f7ed5785cb14c0e3b033eeb8252416ed';

function accountOf(request: SandboxRequest, env: SandboxEnv): Facturav4Account | undefined {
  return env.state.facturav4[request.params.host ?? ''];
}

function guard(request: SandboxRequest, env: SandboxEnv, plugin: boolean): SandboxReply | Facturav4Account {
  const { apiKey, secretKey } = env.credentials.facturav4;
  if (header(request, 'f-api-key') !== apiKey || header(request, 'f-secret-key') !== secretKey)
    return json(401, AUTH_ERROR);
  if (plugin && header(request, 'f-plugin') !== F_PLUGIN)
    return json(401, { status: 'error', message: 'El header F-PLUGIN no es válido' });
  const account = accountOf(request, env);
  return account ?? json(404, { status: 'error', message: 'Not Found' });
}

function isReply(value: SandboxReply | Facturav4Account): value is SandboxReply {
  return 'status' in value && typeof value.status === 'number';
}

type Errors = Record<string, string[]>;

const YMD = /^\d{4}-\d{2}-\d{2}$/;
const NUMERIC = /^\d+(\.\d+)?$/;

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Laravel-style checks of an order (seed 001's field table); `partial` for PATCH, where all are optional. */
function validateOrder(value: unknown, prefix: string, partial: boolean, errors: Errors): void {
  const add = (field: string, message: string): void => {
    const key = `${prefix}${field}`;
    errors[key] = [...(errors[key] ?? []), message.replace(':attr', key)];
  };
  const order = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const required = partial ? [] : ['vencimiento', 'folio', 'importe', 'fecha', 'iva'];
  for (const field of required)
    if (order[field] === undefined || order[field] === null || order[field] === '')
      add(field, 'El campo :attr es requerido');
  for (const field of ['vencimiento', 'fecha']) {
    const v = order[field];
    if (v !== undefined && v !== null && v !== '' && (typeof v !== 'string' || !YMD.test(v)))
      add(field, 'El campo :attr no corresponde con el formato Y-m-d.');
  }
  for (const field of ['importe', 'iva', 'ish']) {
    const v = order[field];
    if (v !== undefined && v !== null && v !== '' && !NUMERIC.test(asText(v) ?? ''))
      add(field, 'El campo :attr debe ser numérico.');
  }
}

function today(env: SandboxEnv): string {
  return fechaH(env.now()).slice(0, 10);
}

function money2(text: string): string {
  const [int, dec = ''] = text.split('.');
  return `${int}.${(dec + '00').slice(0, 2)}`;
}

/** Seed 001 writes the rate "Obj_01" for orders not subject to tax. */
function tasaOf(order: OrderRecord): string {
  return order.objetoImpuesto === '01' ? 'Obj_01' : order.iva;
}

function row(order: OrderRecord): Record<string, unknown> {
  return {
    id: order.id,
    vencimiento: order.vencimiento,
    folio: /^\d+$/.test(order.folio) ? Number(order.folio) : order.folio,
    importe: money2(order.importe),
    uuid: order.uuid,
    fecha: order.fecha,
    creado: order.creado,
    facturado: order.facturado ? 'si' : 'no',
    tasa: tasaOf(order),
  };
}

function softExisting(order: OrderRecord): Record<string, unknown> {
  return {
    soft_id: order.id,
    soft_folio: order.folio,
    soft_fecha: order.fecha,
    soft_importe: money2(order.importe),
    soft_creado: order.creado,
    soft_facturado: order.facturado ? 1 : 0,
    soft_cfdi_uuid: order.uuid,
    is_deleted: '0',
    due_date: order.vencimiento,
    soft_tasa: tasaOf(order),
    soft_forma_de_pago: order.formaDePago,
    soft_ish: order.ish,
    soft_cfdi_date: null,
  };
}

function findByFolio(account: Facturav4Account, folio: string): OrderRecord | undefined {
  return Object.values(account.orders).find((o) => o.folio === folio);
}

/** Creates an order and answers seed 001's `soft_*` form with the values as sent. */
function insert(
  account: Facturav4Account,
  body: Record<string, unknown>,
  env: SandboxEnv,
): Record<string, unknown> {
  const id = account.nextOrderId++;
  const order: OrderRecord = {
    id,
    folio: asText(body.folio) ?? '',
    importe: asText(body.importe) ?? '0',
    fecha: String(body.fecha),
    vencimiento: String(body.vencimiento),
    iva: asText(body.iva) ?? '16',
    formaDePago: asText(body.formaDePago) ?? '',
    ish: asText(body.ish) ?? '0',
    tag: asText(body.tag) ?? '',
    // Seed 001: "Si no se envía, se asignará por defecto la clave 02".
    objetoImpuesto: asText(body.objetoImpuesto) ?? '02',
    creado: today(env),
    facturado: false,
    uuid: '',
  };
  account.orders[String(id)] = order;
  return {
    soft_folio: order.folio,
    soft_fecha: order.fecha,
    soft_importe: asText(body.importe),
    soft_creado: order.creado,
    soft_facturado: 0,
    due_date: order.vencimiento,
    soft_tasa: tasaOf(order),
    soft_forma_de_pago: order.formaDePago,
    soft_ish: body.ish === undefined ? 0 : order.ish,
    soft_id: id,
  };
}

function createOne(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, false);
  if (isReply(account)) return account;
  const body = jsonBody(request);
  const errors: Errors = {};
  validateOrder(body, '', false, errors);
  if (Object.keys(errors).length > 0) return json(400, { response: 'error', message: errors });
  const order = body as Record<string, unknown>;
  const existing = findByFolio(account, asText(order.folio) ?? '');
  if (existing !== undefined) {
    const { soft_forma_de_pago: _f, soft_ish: _i, soft_cfdi_date: _d, ...data } = softExisting(existing);
    return json(400, {
      response: 'error',
      message: 'El registro ya existe',
      data: { ...data, soft_account_id: 1464 },
    });
  }
  return json(200, { response: 'success', message: 'Registro creado', data: insert(account, order, env) });
}

function createMany(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, false);
  if (isReply(account)) return account;
  const body = jsonBody(request);
  if (!Array.isArray(body))
    return json(400, { response: 'error', message: { '0.folio': ['El campo 0.folio es requerido'] } });
  const errors: Errors = {};
  for (const [i, order] of body.entries()) validateOrder(order, `${i}.`, false, errors);
  if (Object.keys(errors).length > 0) return json(400, { response: 'error', message: errors });
  const data: unknown[] = [];
  const existentes: unknown[] = [];
  for (const order of body as Array<Record<string, unknown>>) {
    const existing = findByFolio(account, asText(order.folio) ?? '');
    if (existing !== undefined) existentes.push(softExisting(existing));
    else data.push(insert(account, order, env));
  }
  return json(200, {
    response: 'success',
    message: 'Registros creados',
    data,
    folios_existentes: existentes,
  });
}

function list(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, false);
  if (isReply(account)) return account;
  // Seed 001 sends page, per_page and fecha in a GET body; Laravel reads query and body alike.
  const body = (jsonBody(request) ?? {}) as Record<string, unknown>;
  const param = (name: string): string | undefined => request.query.get(name) ?? asText(body[name]);
  const fecha = param('fecha');
  const errors: Errors = {};
  if (fecha !== undefined && !YMD.test(fecha))
    errors.fecha = ['El campo fecha no corresponde con el formato Y-m-d.'];
  for (const name of ['page', 'per_page']) {
    const v = param(name);
    if (v !== undefined && !/^[1-9]\d*$/.test(v))
      errors[name] = [`El campo ${name} debe ser un número entero.`];
  }
  if (Object.keys(errors).length > 0) return json(400, { response: 'error', message: errors });
  const page = Number(param('page') ?? '1');
  // Seed 001: "Por defecto el maximo de ordenes que podemos visualizar son 100 por pagina".
  const perPage = Math.min(100, Number(param('per_page') ?? '100'));
  const all = Object.values(account.orders)
    .filter((o) => fecha === undefined || o.fecha === fecha)
    .sort((a, b) => a.id - b.id);
  const data = all.slice((page - 1) * perPage, page * perPage).map(row);
  return json(200, { response: 'success', page: String(page), per_page: String(perPage), data });
}

function getOne(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, false);
  if (isReply(account)) return account;
  const order = findByFolio(account, request.params.folio ?? '');
  // Seed 001 answers an unknown folio with success and `data: null`.
  return json(200, {
    response: 'success',
    page: 1,
    per_page: 100,
    data: order === undefined ? null : row(order),
  });
}

function apply(order: OrderRecord, body: Record<string, unknown>): void {
  for (const field of [
    'vencimiento',
    'importe',
    'fecha',
    'iva',
    'formaDePago',
    'ish',
    'tag',
    'objetoImpuesto',
  ] as const) {
    const v = asText(body[field]);
    if (v !== undefined) order[field] = v;
  }
}

const NOT_EDITABLE = 'No es posible editar ordenes que ya fueron facturasdas.';

function updateOne(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, false);
  if (isReply(account)) return account;
  const order =
    request.params.folio !== undefined
      ? findByFolio(account, request.params.folio)
      : account.orders[request.params.id ?? ''];
  if (order === undefined) return json(404, { response: 'error', message: 'El folio ingresado no existe' });
  const body = jsonBody(request);
  const errors: Errors = {};
  validateOrder(body, '', true, errors);
  if (Object.keys(errors).length > 0) return json(400, { response: 'error', message: errors });
  if (order.facturado) return json(400, { response: 'error', message: NOT_EDITABLE });
  apply(order, (body ?? {}) as Record<string, unknown>);
  return json(200, { response: 'success', message: 'Registro actualizado', data: row(order) });
}

function updateMany(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, false);
  if (isReply(account)) return account;
  const body = jsonBody(request);
  if (!Array.isArray(body))
    return json(400, { response: 'error', message: { '0.id': ['El campo 0.id es requerido'] } });
  const errors: Errors = {};
  body.forEach((item, i) => {
    const id = (item as Record<string, unknown> | null)?.id;
    if (id === undefined || id === null || id === '') errors[`${i}.id`] = [`El campo ${i}.id es requerido`];
    validateOrder(item, `${i}.`, true, errors);
  });
  if (Object.keys(errors).length > 0) return json(400, { response: 'error', message: errors });
  const actualizados: number[] = [];
  const inexistentes: string[] = [];
  const facturados: number[] = [];
  for (const item of body as Array<Record<string, unknown>>) {
    const id = asText(item.id) ?? '';
    const order = account.orders[id];
    if (order === undefined) inexistentes.push(id);
    else if (order.facturado) facturados.push(order.id);
    else {
      apply(order, item);
      actualizados.push(order.id);
    }
  }
  return json(200, {
    response: 'success',
    message: 'Registros actualizados',
    actualizados,
    existentes: [],
    inexistentes,
    facturados,
  });
}

function deleteOne(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, false);
  if (isReply(account)) return account;
  const order = findByFolio(account, request.params.folio ?? '');
  if (order === undefined) return json(404, { response: 'error', message: 'El registro no existe' });
  delete account.orders[String(order.id)];
  return json(200, { response: 'success', page: 1, per_page: 100, data: row(order) });
}

/** Sandbox-only: marks an order invoiced, as a customer self-invoicing it would. */
function invoiceOrder(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = accountOf(request, env);
  const body = jsonBody(request) as { folio?: unknown } | undefined;
  const order = account === undefined ? undefined : findByFolio(account, asText(body?.folio) ?? '');
  if (order === undefined) return json(404, { error: 'El registro no existe' });
  order.facturado = true;
  order.uuid = order.uuid === '' ? env.uuid() : order.uuid;
  return json(200, { id: order.id, uuid: order.uuid });
}

// ---------------------------------------------------------------- series (seed 004)

const SERIE_TYPES: Readonly<Record<string, string>> = {
  factura: 'Factura',
  nota_credito: 'Nota de Crédito',
  nota_debito: 'Nota de Débito',
  pago: 'Complemento Pago',
  retencion: 'Retención',
  recibo_honorarios: 'Recibo de Honorarios',
  recibo_arrendamiento: 'Recibo de Arrendamiento',
  donativo: 'Donativo',
  carta_porte: 'Carta Porte',
};

function serieJson(s: SerieRecord): Record<string, unknown> {
  return {
    SerieID: s.SerieID,
    SerieName: s.SerieName,
    SerieType: s.SerieType,
    SerieDescription: s.SerieDescription,
    SerieStatus: s.SerieStatus,
  };
}

const NO_SERIE = { status: 'error', message: 'La serie no existe' };

function listSeries(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, true);
  if (isReply(account)) return account;
  const data = Object.values(account.series)
    .sort((a, b) => b.SerieID - a.SerieID)
    .map(serieJson);
  return json(200, { status: 'success', data });
}

function getSerie(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, true);
  if (isReply(account)) return account;
  const serie = account.series[request.params.uid ?? ''];
  return serie === undefined ? json(404, NO_SERIE) : json(200, { status: 'success', data: serieJson(serie) });
}

function createSerie(request: SandboxRequest, env: SandboxEnv): SandboxReply {
  const account = guard(request, env, true);
  if (isReply(account)) return account;
  const body = (jsonBody(request) ?? {}) as Record<string, unknown>;
  const errors: Errors = {};
  const { letra, tipoDocumento, folio } = body;
  if (typeof letra !== 'string' || letra === '') errors.letra = ['El campo letra es requerido'];
  else if (!/^[A-Za-z0-9]{1,10}$/.test(letra)) errors.letra = ['El campo letra no tiene un formato válido.'];
  if (typeof tipoDocumento !== 'string' || tipoDocumento === '')
    errors.tipoDocumento = ['El campo tipoDocumento es requerido'];
  else if (SERIE_TYPES[tipoDocumento] === undefined)
    errors.tipoDocumento = ['El campo tipoDocumento seleccionado no es válido.'];
  if (folio !== undefined && !(typeof folio === 'number' && Number.isInteger(folio) && folio >= 1))
    errors.folio = ['El campo folio debe ser un número entero.'];
  if (Object.keys(errors).length > 0) return json(400, { response: 'error', message: errors });
  const name = (letra as string).toUpperCase();
  if (Object.values(account.series).some((s) => s.SerieName === name && s.SerieType === tipoDocumento)) {
    return json(400, { response: 'error', message: 'La serie ya existe' });
  }
  const id = account.nextSerieId++;
  account.series[String(id)] = {
    SerieID: id,
    SerieName: name,
    SerieType: tipoDocumento as string,
    SerieDescription: SERIE_TYPES[tipoDocumento as string] ?? '',
    // Seed 004: "al crear una nueva serie esta se genera activada por default".
    SerieStatus: 'Activa',
    folio: typeof folio === 'number' ? folio : 1,
  };
  return json(200, { response: 'success', message: 'Serie creada correctamente' });
}

function serieAction(action: 'up' | 'down' | 'drop') {
  return (request: SandboxRequest, env: SandboxEnv): SandboxReply => {
    const account = guard(request, env, true);
    if (isReply(account)) return account;
    const uid = request.params.uid ?? '';
    const serie = account.series[uid];
    if (serie === undefined) return json(404, NO_SERIE);
    if (action === 'drop') {
      delete account.series[uid];
      return json(200, { status: 'success', message: 'Serie eliminada correctamente' });
    }
    serie.SerieStatus = action === 'up' ? 'Activa' : 'Inactiva';
    // Seed 004 spells this key "messsage".
    return json(200, {
      status: 'success',
      messsage: action === 'up' ? 'La serie se activó correctamente' : 'La serie se pausó correctamente',
    });
  };
}

/** Every Factura.com v4 route of the sandbox. */
export const FACTURAV4_ROUTES: readonly Route[] = [
  {
    methods: ['POST'],
    pattern: new RegExp(`${HOST}/v4/autofacturacion/multiple$`),
    mutates: true,
    handle: createMany,
  },
  {
    methods: ['PATCH'],
    pattern: new RegExp(`${HOST}/v4/autofacturacion/multiple$`),
    mutates: true,
    handle: updateMany,
  },
  {
    methods: ['POST'],
    pattern: new RegExp(`${HOST}/v4/autofacturacion/?$`),
    mutates: true,
    handle: createOne,
  },
  { methods: ['GET'], pattern: new RegExp(`${HOST}/v4/autofacturacion/?$`), handle: list },
  {
    methods: ['GET'],
    pattern: new RegExp(`${HOST}/v4/autofacturacion/folio/(?<folio>[^/]+)$`),
    handle: getOne,
  },
  {
    methods: ['PATCH'],
    pattern: new RegExp(`${HOST}/v4/autofacturacion/folio/(?<folio>[^/]+)$`),
    mutates: true,
    handle: updateOne,
  },
  {
    methods: ['DELETE'],
    pattern: new RegExp(`${HOST}/v4/autofacturacion/folio/(?<folio>[^/]+)$`),
    mutates: true,
    handle: deleteOne,
  },
  {
    methods: ['PATCH'],
    pattern: new RegExp(`${HOST}/v4/autofacturacion/(?<id>\\d+)$`),
    mutates: true,
    handle: updateOne,
  },
  { methods: ['GET'], pattern: new RegExp(`${HOST}/v4/series$`), handle: listSeries },
  { methods: ['POST'], pattern: new RegExp(`${HOST}/v4/series/create$`), mutates: true, handle: createSerie },
  { methods: ['GET'], pattern: new RegExp(`${HOST}/v4/series/(?<uid>\\d+)$`), handle: getSerie },
  {
    methods: ['POST'],
    pattern: new RegExp(`${HOST}/v4/series/(?<uid>\\d+)/up$`),
    mutates: true,
    handle: serieAction('up'),
  },
  {
    methods: ['POST'],
    pattern: new RegExp(`${HOST}/v4/series/(?<uid>\\d+)/down$`),
    mutates: true,
    handle: serieAction('down'),
  },
  {
    methods: ['POST'],
    pattern: new RegExp(`${HOST}/v4/series/(?<uid>\\d+)/drop$`),
    mutates: true,
    handle: serieAction('drop'),
  },
  {
    methods: ['POST'],
    pattern: /^\/__sandbox\/facturav4\/(?<host>facturamval|facturaonline)\/facturar$/,
    admin: true,
    mutates: true,
    handle: invoiceOrder,
  },
];
