import { CfdiLayoutError, isCfdiLayoutError } from '../errors.js';
import type { Issue } from '../issues.js';
import type { Comprobante, Concepto, Receptor, TrasladoLocal } from '../model/comprobante.js';
import { ExactSum } from '../money.js';
import { checkEmisorReceptor, makeContext, validateComprobante } from '../rules/index.js';
import type { SalesConfig } from '../sales/config.js';
import type { RowIssue } from '../sales/rejects.js';
import type { Ticket } from '../sales/ticket.js';
import {
  type ConceptoFromImporte,
  type ConceptoFromImporteInput,
  conceptoFromImporte,
} from '../taxes/concepto.js';
import { computeTotals, type Totals } from '../taxes/totals.js';
import { issuesToRowIssues } from './build-item.js';

/** Receptor RFC of the público en general (rules doc F.4). */
export const RFC_PUBLICO_EN_GENERAL = 'XAXX010101000';
/** Receptor Nombre of the público en general (CFDI40130, CFDI40146). */
export const NOMBRE_PUBLICO_EN_GENERAL = 'PUBLICO EN GENERAL';

/**
 * The público en general receptor as the SAT Guía fills it: DomicilioFiscalReceptor = LugarExpedicion
 * (CFDI40149), RegimenFiscalReceptor 616 (CFDI40159), UsoCFDI S01.
 */
export function publicoEnGeneral(lugarExpedicion: string): Receptor {
  return {
    rfc: RFC_PUBLICO_EN_GENERAL,
    nombre: NOMBRE_PUBLICO_EN_GENERAL,
    domicilioFiscalReceptor: lugarExpedicion,
    regimenFiscalReceptor: '616',
    usoCFDI: 'S01',
  };
}

/** A ticket's comprobante, or the findings that stop it. */
export interface TicketComprobante {
  readonly comprobante?: Comprobante;
  readonly issues: readonly RowIssue[];
}

/**
 * How much of the SAT rules runs on each ticket's comprobante.
 *
 * - `full`: every offline rule (`validateComprobante`): XSD facets, catalogs, arithmetic and business
 *   rules. About 0.2 ms per ticket.
 * - `fast` (batches): the rules that depend on how the values of different rows and of the config
 *   combine, which no single row check decides: the emisor and receptor rules (persona, régimen and
 *   uso CFDI, público en general; `checkEmisorReceptor`). The rest holds by construction: every field
 *   the rows feed was checked against its XSD facet, SAT catalog and vigencia when the row was read
 *   (parseSalesRow, which also applies the Moneda/TipoCambio rules CFDI40114–40116), the header values
 *   are fixed (I, PUE, 01) or come from the checked config, and every amount comes from the
 *   reconciled desglose and the A.5 sums, whose invariants the tax module's property tests pin down.
 *   About 5 µs per ticket. The tests run `full` on every output they read back.
 */
export type ValidationLevel = 'full' | 'fast';

/** Options of {@link ticketComprobante}. */
export interface TicketComprobanteOptions {
  /** Defaults to `fast`. */
  readonly validation?: ValidationLevel;
  /**
   * `invoice`: the nominative invoice (receptor from the rows, every SAT rule applies).
   * `insumo`: the ticket as the self-invoicing portal stores it, whose receptor is only known when the
   * customer invoices; the model carries the público en general as a placeholder and the receptor's
   * rules are not checked, because the ticket variant of the layout leaves the receptor out.
   */
  readonly purpose: 'invoice' | 'insumo';
}

/** Groups ISH amounts by rate into implocal TrasladosLocales (implocal allows a line per rate). */
export function groupLocales(locales: readonly TrasladoLocal[]): TrasladoLocal[] {
  if (locales.length === 0) return [];
  const byRate = new Map<string, TrasladoLocal[]>();
  for (const local of locales) {
    const key = `${local.impLocTrasladado}\u0000${local.tasadeTraslado}`;
    const list = byRate.get(key);
    if (list === undefined) byRate.set(key, [local]);
    else list.push(local);
  }
  return [...byRate.values()].map((list) => {
    const first = list[0] as TrasladoLocal;
    const total = new ExactSum(2);
    for (const l of list) {
      if (!total.add(l.importe))
        throw new CfdiLayoutError(
          'AMOUNT_INVALID',
          `ISH importe ${JSON.stringify(l.importe)} is not a decimal amount`,
        );
    }
    return { ...first, importe: total.text(2) };
  });
}

/** A comprobante without the parts {@link assembleComprobante} computes from its concepts. */
export type ComprobanteHeader = Omit<
  Comprobante,
  'conceptos' | 'subTotal' | 'total' | 'impuestos' | 'complemento'
>;

/** A type with its readonly fields writable, for building a value field by field. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Assembles a comprobante from concepts and ISH lines: totals as the SAT sums them (A.5, implocal in
 * Total) and the complemento implocal when there is ISH.
 */
export function assembleComprobante(
  header: ComprobanteHeader,
  conceptos: Concepto[],
  locales: readonly TrasladoLocal[],
): Comprobante {
  const totals = conceptTotals(conceptos, header.moneda, locales);
  // One spread, then the rare parts (no conditional spreads): the comprobantes of a batch share a
  // few hidden classes, which keeps the code that reads them fast. Completed just below.
  const comprobante = {
    ...header,
    subTotal: totals.subTotal,
    total: totals.total,
    conceptos,
  } as Mutable<Comprobante>;
  completeTotals(comprobante, totals);
  return comprobante;
}

/** computeTotals of concepts and ISH lines (grouped by rate into implocal TrasladosLocales). */
function conceptTotals(
  conceptos: readonly Concepto[],
  moneda: string,
  locales: readonly TrasladoLocal[],
): Totals {
  const trasladosLocales = groupLocales(locales);
  return computeTotals(
    conceptos,
    moneda,
    trasladosLocales.length === 0
      ? undefined
      : { version: '1.0', totaldeRetenciones: '0.00', totaldeTraslados: '0.00', trasladosLocales },
  );
}

/** Adds the totals' optional parts: Descuento, Impuestos and the complemento implocal. */
function completeTotals(comprobante: Mutable<Comprobante>, totals: Totals): void {
  if (totals.descuento !== undefined) comprobante.descuento = totals.descuento;
  if (totals.impuestos !== undefined) comprobante.impuestos = totals.impuestos;
  if (totals.impuestosLocales !== undefined)
    comprobante.complemento = [{ impuestosLocales: totals.impuestosLocales }];
}

/** A computed concept and the inputs it was computed from. */
interface CachedConcepto {
  readonly input: ConceptoFromImporteInput;
  readonly result: ConceptoFromImporte;
}

/**
 * Concepts already computed, found by importe and descripcion (the inputs that vary most), then by
 * comparing the other inputs: no key string is built per line, so a hit allocates nothing.
 */
const conceptCache = new Map<string, Map<string, CachedConcepto[]>>();
let conceptCacheSize = 0;
const CONCEPT_CACHE_LIMIT = 5_000;

/*
 * The cache pays off only where lines repeat (a restaurant's menu). An export whose importes never
 * repeat (a supermarket's, a distributor's) would miss on every line and keep thousands of entries
 * alive for the garbage collector to copy: the hits are counted over windows of lookups, and after
 * a window with too few the cache is emptied and set aside for a while, then tried again.
 */
const PROBE_WINDOW = 4_096;
const MIN_HITS = PROBE_WINDOW / 8;
const BYPASS_LINES = 65_536;
let probeLookups = 0;
let probeHits = 0;
let bypassLeft = 0;

function sameInput(a: ConceptoFromImporteInput, b: ConceptoFromImporteInput): boolean {
  return (
    a.iva === b.iva &&
    a.ieps === b.ieps &&
    a.ish === b.ish &&
    a.moneda === b.moneda &&
    a.cantidad === b.cantidad &&
    a.claveProdServ === b.claveProdServ &&
    a.claveUnidad === b.claveUnidad &&
    a.objetoImp === b.objetoImp &&
    a.noIdentificacion === b.noIdentificacion &&
    a.unidad === b.unidad &&
    a.ishDecimals === b.ishDecimals
  );
}

/**
 * {@link conceptoFromImporte} memoized on its whole input while lines repeat (see above). The result
 * is shared between comprobantes, which never modify their concepts; the cache is dropped when full,
 * so memory stays bounded.
 */
export function cachedConcepto(input: ConceptoFromImporteInput): ConceptoFromImporte {
  if (bypassLeft > 0) {
    bypassLeft--;
    return conceptoFromImporte(input);
  }
  if (++probeLookups === PROBE_WINDOW) {
    const hits = probeHits;
    probeLookups = 0;
    probeHits = 0;
    if (hits < MIN_HITS) {
      conceptCache.clear();
      conceptCacheSize = 0;
      bypassLeft = BYPASS_LINES;
      return conceptoFromImporte(input);
    }
  }
  let byDescripcion = conceptCache.get(input.importe);
  const candidates = byDescripcion?.get(input.descripcion);
  if (candidates !== undefined) {
    for (const c of candidates) {
      if (sameInput(c.input, input)) {
        probeHits++;
        return c.result;
      }
    }
  }
  const result = conceptoFromImporte(input);
  if (conceptCacheSize >= CONCEPT_CACHE_LIMIT) {
    conceptCache.clear();
    conceptCacheSize = 0;
    byDescripcion = undefined;
  }
  if (byDescripcion === undefined) {
    byDescripcion = new Map();
    conceptCache.set(input.importe, byDescripcion);
  }
  // Only the inputs are kept, not the caller's object (a sales row carries more).
  const kept: ConceptoFromImporteInput = {
    importe: input.importe,
    iva: input.iva,
    ieps: input.ieps,
    ish: input.ish,
    moneda: input.moneda,
    ishDecimals: input.ishDecimals,
    cantidad: input.cantidad,
    claveProdServ: input.claveProdServ,
    claveUnidad: input.claveUnidad,
    descripcion: input.descripcion,
    noIdentificacion: input.noIdentificacion,
    unidad: input.unidad,
    objetoImp: input.objetoImp,
  };
  const entry = { input: kept, result };
  const list = byDescripcion.get(input.descripcion);
  if (list === undefined) byDescripcion.set(input.descripcion, [entry]);
  else list.push(entry);
  conceptCacheSize++;
  return result;
}

/** The rules of a validation level (see {@link ValidationLevel}). */
export function checkLevel(comprobante: Comprobante, level: ValidationLevel): Issue[] {
  if (level === 'full') return validateComprobante(comprobante);
  return checkEmisorReceptor(comprobante, makeContext(comprobante));
}

/** Errors only; in insumo mode, the placeholder receptor's findings are dropped (see the options). */
function blocking(issues: readonly Issue[], purpose: 'invoice' | 'insumo'): Issue[] {
  return issues.filter(
    (i) =>
      i.severity === 'error' &&
      !(
        purpose === 'insumo' &&
        (i.path[0] === 'receptor' || (i.code === 'CFDI40146' && i.path[0] === 'informacionGlobal'))
      ),
  );
}

/**
 * Builds the comprobante of one ticket: each line back-calculated on its own into a concept (rules
 * doc C.4), so Total equals the sum of the lines to the cent; ISH in implocal; then every SAT rule
 * that can be checked offline. Any error rejects the ticket, with concept paths mapped to their rows.
 */
export function ticketComprobante(
  ticket: Ticket,
  config: SalesConfig,
  options: TicketComprobanteOptions,
): TicketComprobante {
  const conceptos: Concepto[] = [];
  const locales: TrasladoLocal[] = [];
  const failures: RowIssue[] = [];
  for (const line of ticket.lines) {
    try {
      // A row carries every input of its concept (its moneda is the ticket's: assembleTicket refuses a mix).
      const built = cachedConcepto(line);
      conceptos.push(built.concepto);
      if (built.ish !== undefined) locales.push(built.ish);
    } catch (err) {
      if (!isCfdiLayoutError(err)) throw err;
      failures.push({
        row: line.row,
        field: err.location?.field ?? 'importe',
        code: err.code,
        message: err.message,
      });
    }
  }
  if (failures.length > 0) return { issues: failures };
  const receptor = ticket.receptor ?? publicoEnGeneral(config.lugarExpedicion);
  const totals = conceptTotals(conceptos, ticket.moneda, locales);
  // One literal, in the XSD's attribute order; the rare parts are added after it.
  const comprobante: Mutable<Comprobante> = {
    version: '4.0',
    serie: config.serie,
    folio: ticket.ticket,
    fecha: ticket.fecha,
    formaPago: ticket.formaPago,
    subTotal: totals.subTotal,
    moneda: ticket.moneda,
    total: totals.total,
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: config.lugarExpedicion,
    emisor: {
      rfc: config.emisor.rfc,
      nombre: config.emisor.nombre,
      regimenFiscal: config.emisor.regimenFiscal,
    },
    receptor: { ...receptor },
    conceptos,
  };
  if (ticket.moneda !== 'MXN' && ticket.tipoCambio !== undefined) comprobante.tipoCambio = ticket.tipoCambio;
  completeTotals(comprobante, totals);
  const issues = blocking(checkLevel(comprobante, options.validation ?? 'fast'), options.purpose);
  if (issues.length > 0) return { issues: issuesToRowIssues(issues, ticket) };
  return { comprobante, issues: [] };
}
