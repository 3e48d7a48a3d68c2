import { CfdiLayoutError, isCfdiLayoutError } from '../errors.js';
import { type Issue, warning } from '../issues.js';
import type { Comprobante, Concepto, TrasladoLocal } from '../model/comprobante.js';
import { formatAmount, Money } from '../money.js';
import {
  checkComprobante,
  checkEmisorReceptor,
  checkInformacionGlobal,
  makeContext,
  validateComprobante,
} from '../rules/index.js';
import type { SalesConfig } from '../sales/config.js';
import type { RowIssue } from '../sales/rejects.js';
import type { SalesRow } from '../sales/row.js';
import type { Ticket } from '../sales/ticket.js';
import { renderComprobante } from '../xml/render.js';
import { type BuildItem, rejectTicket, rejectTicketFor, type TicketSource } from './build-item.js';
import {
  assembleComprobante,
  cachedConcepto,
  publicoEnGeneral,
  type ValidationLevel,
} from './comprobante.js';

/*
 * The factura global (SAT Guía de llenado del CFDI global, rules doc F.4): the tickets nobody
 * self-invoiced, to the público en general, with InformacionGlobal. Each ticket is one concept:
 * ClaveProdServ 01010101, Cantidad 1, ClaveUnidad ACT, Descripcion "Venta", NoIdentificacion the
 * ticket, ValorUnitario = Importe = the ticket's subtotal. The concept's amounts are the desglose of
 * the ticket's gross total, so its tax is inside the CFDI40180 window of its own base (the sum of
 * separately rounded line taxes could leave it) and the ticket still adds up to what was paid.
 * A ticket that mixes rates (IVA 16 and 0, or lines with and without ISH) gives one concept per
 * rate, all with the ticket's NoIdentificacion: one concept cannot hold two IVA rates on one Importe.
 *
 * ISH: the Guía does not mention local taxes (rules doc F.4). By default (`global.ish: implocal`) ISH
 * tickets enter the global with their ISH in the complemento implocal, which counts in Total
 * (CFDI40119), exactly as in an individual invoice; leaving them out would leave hotel stays
 * uninvoiced. A provider that refuses implocal on a global is served by `global.ish: reject`, which
 * rejects those tickets with SALES_GLOBAL_ISH_REFUSED so they can be invoiced apart.
 */

/** The Guía's fixed concept values for a factura global. */
export const GLOBAL_CONCEPTO = {
  claveProdServ: '01010101',
  claveUnidad: 'ACT',
  descripcion: 'Venta',
} as const;

/** Why a ticket is left out of the global without being an error. */
export const SKIP_EXCLUDED = 'listed in --exclude: already invoiced';
/** Why a nominative ticket is left out of the global. */
export const SKIP_NOMINATIVE = 'nominative: its rows carry a receptor, so it is invoiced on its own';

/** A ticket's part of the global: its concepts (one per rate) and ISH lines. */
export interface GlobalTicket {
  readonly ticket: string;
  /** The ticket total: what the customer paid. */
  readonly total: string;
  readonly formaPago: string;
  readonly conceptos: readonly Concepto[];
  readonly ish: readonly TrasladoLocal[];
}

/** Tickets already invoiced: matched by ticket number, or by `sucursal/ticket`. */
export interface ExcludeList {
  has(ticket: string, sucursal: string): boolean;
  /** Entries that matched no ticket of the input, for a warning. */
  unmatched(): string[];
}

/**
 * Reads the list of tickets to leave out of the global (already self-invoiced). Accepted forms: one
 * entry per line (`1001` any sucursal, or `CENTRO/1001`; blank lines and `#` comments skipped); a JSON
 * array of strings or of objects with `ticket` / `numeroTicket` / `noTicket` / `folio` and optional
 * `sucursal` / `idSucursal`; or Tralix's consulta answer `{"cfdis": [{"noTicket", "idSucursal"}]}`.
 */
export function parseExcludeList(text: string): ExcludeList {
  const entries = new Set<string>();
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const addObject = (value: unknown): void => {
    if (typeof value === 'string' || typeof value === 'number') {
      entries.add(String(value).trim());
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const o = value as Record<string, unknown>;
    const ticket = o.ticket ?? o.numeroTicket ?? o.noTicket ?? o.folio;
    if (typeof ticket !== 'string' && typeof ticket !== 'number') return;
    const sucursal = o.sucursal ?? o.idSucursal;
    entries.add(
      typeof sucursal === 'string' && sucursal !== '' ? `${sucursal}/${ticket}` : String(ticket).trim(),
    );
  };
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const json = JSON.parse(trimmed) as unknown;
    const list = Array.isArray(json)
      ? json
      : ((json as { cfdis?: unknown }).cfdis ?? (json as { data?: unknown }).data);
    if (Array.isArray(list)) for (const item of list) addObject(item);
  } else {
    for (const line of trimmed.split(/\r?\n/)) {
      const entry = line.trim();
      if (entry !== '' && !entry.startsWith('#')) entries.add(entry);
    }
  }
  const used = new Set<string>();
  return {
    has(ticket, sucursal) {
      const qualified = `${sucursal}/${ticket}`;
      if (entries.has(qualified)) {
        used.add(qualified);
        return true;
      }
      if (entries.has(ticket)) {
        used.add(ticket);
        return true;
      }
      return false;
    },
    unmatched: () => [...entries].filter((e) => !used.has(e)),
  };
}

/** Options of {@link selectGlobalTickets}. */
export interface SelectGlobalOptions {
  /** Tickets already invoiced. Defaults to none. */
  readonly exclude?: ExcludeList;
}

/**
 * A shared concept body with the ticket as NoIdentificacion. Built as a literal with fixed keys rather
 * than a spread: V8 gives every spread-then-extended object its own hidden class, which for 100,000
 * tickets costs more memory than the concepts themselves.
 */
function withNoIdentificacion(body: Concepto, noIdentificacion: string): Concepto {
  const concepto: Concepto = {
    claveProdServ: body.claveProdServ,
    noIdentificacion,
    cantidad: body.cantidad,
    claveUnidad: body.claveUnidad,
    descripcion: body.descripcion,
    valorUnitario: body.valorUnitario,
    importe: body.importe,
    objetoImp: body.objetoImp,
  };
  if (body.impuestos !== undefined) concepto.impuestos = body.impuestos;
  return concepto;
}

const NO_LOCALES: readonly TrasladoLocal[] = Object.freeze([]);

/** Lines of a ticket by the rates one concept can carry. */
function rateGroups(lines: readonly SalesRow[]): SalesRow[][] {
  const groups = new Map<string, SalesRow[]>();
  for (const line of lines) {
    const key = `${line.objetoImp}|${line.iva}|${line.ieps}|${line.ish}`;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [line]);
    else list.push(line);
  }
  return [...groups.values()];
}

function globalTicket(ticket: Ticket): GlobalTicket | RowIssue[] {
  const conceptos: Concepto[] = [];
  const ish: TrasladoLocal[] = [];
  for (const lines of rateGroups(ticket.lines)) {
    const first = lines[0] as SalesRow;
    let gross = new Money(0);
    for (const line of lines) gross = gross.plus(line.importe);
    try {
      // The concept of a gross amount at given rates is the same for every ticket but for its
      // NoIdentificacion, so the computed body is shared and only the outer object is per ticket: a
      // global of 100,000 tickets then holds a small object per ticket, not a tree.
      const built = cachedConcepto({
        importe: gross.toFixed(),
        iva: first.iva,
        ieps: first.ieps,
        ish: first.ish,
        moneda: ticket.moneda,
        cantidad: '1',
        ...GLOBAL_CONCEPTO,
        objetoImp: first.objetoImp,
      });
      conceptos.push(withNoIdentificacion(built.concepto, ticket.ticket));
      if (built.ish !== undefined) ish.push(built.ish);
    } catch (err) {
      if (!isCfdiLayoutError(err)) throw err;
      return [{ row: first.row, field: 'importe', code: err.code, message: err.message }];
    }
  }
  // Exact-size arrays: a pushed-to array keeps spare capacity, which adds up over 100,000 tickets.
  return {
    ticket: ticket.ticket,
    total: ticket.total,
    formaPago: ticket.formaPago,
    conceptos: conceptos.slice(),
    ish: ish.length === 0 ? NO_LOCALES : ish.slice(),
  };
}

/**
 * Picks and prepares the tickets of a factura global, in input order: nominative tickets and tickets
 * in `exclude` are skipped; tickets in another currency than the global's (the config's default
 * moneda), and ISH tickets under `global.ish: reject`, are rejected with the reason.
 */
export async function* selectGlobalTickets(
  items: TicketSource,
  config: SalesConfig,
  options: SelectGlobalOptions = {},
): AsyncGenerator<BuildItem<GlobalTicket>> {
  const moneda = config.defaults.moneda;
  for await (const item of items) {
    if (item.kind === 'reject') {
      yield item;
      continue;
    }
    const ticket = item.ticket;
    if (ticket.receptor !== undefined) {
      yield { kind: 'skip', ticket, reason: SKIP_NOMINATIVE };
      continue;
    }
    if (options.exclude?.has(ticket.ticket, ticket.sucursal) === true) {
      yield { kind: 'skip', ticket, reason: SKIP_EXCLUDED };
      continue;
    }
    if (ticket.moneda !== moneda) {
      yield rejectTicketFor(
        ticket,
        'moneda',
        'SALES_TICKET_MONEDA_MIXED',
        `the factura global is in ${moneda} and the ticket in ${ticket.moneda}; invoice it on its own`,
      );
      continue;
    }
    if (config.global.ish === 'reject' && ticket.lines.some((l) => l.ish !== '0')) {
      yield rejectTicketFor(
        ticket,
        'ish',
        'SALES_GLOBAL_ISH_REFUSED',
        'the ticket carries ISH and global.ish is reject: invoice it on its own, or set global.ish to implocal',
      );
      continue;
    }
    const built = globalTicket(ticket);
    if (Array.isArray(built)) {
      yield rejectTicket(ticket, built);
      continue;
    }
    yield { kind: 'output', ticket, value: built };
  }
}

/** The period of a factura global and the values only the caller knows. */
export interface GlobalOptions {
  /** c_Periodicidad: 01 diario … 05 bimestral. */
  readonly periodicidad: string;
  /** c_Meses: 01–12, or 13–18 for bimestral. */
  readonly meses: string;
  /** InformacionGlobal/@Año (`2026`). */
  readonly anio: string;
  /** Comprobante Fecha (`YYYY-MM-DDTHH:MM:SS`, local time): the clock is the caller's. */
  readonly fecha: string;
  /** Folio; omitted when absent. */
  readonly folio?: string;
  /**
   * `fast` (default): the rules the inputs can break, since every concept comes from the reconciled
   * desglose and the header from the checked config: InformacionGlobal (CFDI40130–40136), emisor and
   * receptor (`checkEmisorReceptor`) and the comprobante-level rules (`checkComprobante`: Total,
   * Moneda, FormaPago). `full`: every offline rule, about 3 s and 100 MB more for 100,000 tickets.
   */
  readonly validation?: ValidationLevel;
}

/** The factura global, or the findings that stop it (`comprobante` absent when any is an error). */
export interface GlobalComprobante {
  readonly comprobante?: Comprobante;
  readonly issues: readonly Issue[];
}

/**
 * Builds the factura global of prepared tickets (rules doc F.4): público en general receptor,
 * InformacionGlobal, FormaPago of the largest ticket (the first on a tie), MetodoPago PUE, one
 * Traslado per (Impuesto, TipoFactor, TasaOCuota), implocal for ISH, then every offline SAT rule
 * (CFDI40130–40136 among them).
 */
export function globalComprobante(
  tickets: readonly GlobalTicket[],
  config: SalesConfig,
  options: GlobalOptions,
): GlobalComprobante {
  if (tickets.length === 0) {
    return {
      issues: [warning('GLOBAL_EMPTY', [], 'no ticket left for the factura global: nothing written')],
    };
  }
  let formaPago = (tickets[0] as GlobalTicket).formaPago;
  let largest = new Money(-1);
  const conceptos: Concepto[] = [];
  const locales: TrasladoLocal[] = [];
  for (const t of tickets) {
    const total = new Money(t.total);
    if (total.greaterThan(largest)) {
      largest = total;
      formaPago = t.formaPago;
    }
    conceptos.push(...t.conceptos);
    locales.push(...t.ish);
  }
  const comprobante = assembleComprobante(
    {
      version: '4.0',
      serie: config.global.serie ?? config.serie,
      ...(options.folio === undefined ? {} : { folio: options.folio }),
      fecha: options.fecha,
      formaPago,
      moneda: config.defaults.moneda,
      tipoDeComprobante: 'I',
      exportacion: '01',
      metodoPago: 'PUE',
      lugarExpedicion: config.lugarExpedicion,
      informacionGlobal: { periodicidad: options.periodicidad, meses: options.meses, año: options.anio },
      emisor: {
        rfc: config.emisor.rfc,
        nombre: config.emisor.nombre,
        regimenFiscal: config.emisor.regimenFiscal,
      },
      receptor: publicoEnGeneral(config.lugarExpedicion),
    },
    conceptos,
    locales,
  );
  let issues: Issue[];
  if (options.validation === 'full') issues = validateComprobante(comprobante);
  else {
    const ctx = makeContext(comprobante);
    issues = [
      ...checkComprobante(comprobante, ctx),
      ...checkInformacionGlobal(comprobante, ctx),
      ...checkEmisorReceptor(comprobante, ctx),
    ];
  }
  if (issues.some((i) => i.severity === 'error')) return { issues };
  return { comprobante, issues };
}

const CONCEPTOS_OPEN = '<cfdi:Conceptos>';
const CONCEPTOS_CLOSE = '</cfdi:Conceptos>';

function conceptosSpan(xml: string): { start: number; end: number } {
  const open = xml.indexOf(CONCEPTOS_OPEN);
  const close = xml.lastIndexOf(CONCEPTOS_CLOSE);
  if (open < 0 || close < open)
    throw new CfdiLayoutError('XML_RENDER_FAILED', 'the rendered comprobante has no cfdi:Conceptos');
  return { start: open + CONCEPTOS_OPEN.length, end: close };
}

/**
 * Renders a comprobante with many concepts (a factura global of 100,000 tickets) as XML text in
 * pieces, so that no document tree of every concept is ever held: the comprobante is rendered with
 * its first concept only, then the concepts in chunks, each chunk's `cfdi:Concepto` elements spliced
 * between the first render's `cfdi:Conceptos` tags. The renderer writes every element the same way
 * whatever its siblings (namespaces are declared on the root, no whitespace between elements), so the
 * pieces joined are exactly `renderComprobante(c)`; a test holds them to that.
 */
export function* renderComprobanteChunks(c: Comprobante, chunkSize = 2000): Generator<string> {
  const shell = renderComprobante({ ...c, conceptos: c.conceptos.slice(0, 1) });
  const span = conceptosSpan(shell);
  yield shell.slice(0, span.start);
  for (let from = 0; from < c.conceptos.length; from += chunkSize) {
    const part = renderComprobante({ ...c, conceptos: c.conceptos.slice(from, from + chunkSize) });
    const inner = conceptosSpan(part);
    yield part.slice(inner.start, inner.end);
  }
  yield shell.slice(span.end);
}

/** Sum of ticket totals, for the summary (equals the global's Total). */
export function globalTicketsTotal(tickets: readonly GlobalTicket[], decimals = 2): string {
  let total = new Money(0);
  for (const t of tickets) total = total.plus(t.total);
  return formatAmount(total, decimals);
}
