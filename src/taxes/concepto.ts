import { currencyDecimals } from '../catalogs/moneda.js';
import { CfdiLayoutError } from '../errors.js';
import { formatPath, type IssuePath } from '../issues.js';
import type {
  Concepto,
  ConceptoImpuestos,
  ConceptoInput,
  Retencion,
  RetencionInput,
  Traslado,
  TrasladoInput,
  TrasladoLocal,
} from '../model/comprobante.js';
import {
  floorDiv,
  formatAmount,
  formatExact,
  formatUnits,
  Money,
  POWERS_OF_TEN,
  roundTo,
  unitsOf,
} from '../money.js';
import {
  type Attempt,
  amountAt,
  combine,
  type Decimals,
  isBlocked,
  type Report,
  roundAt,
  throwOnBlocked,
} from './attempt.js';
import { type DesgloseOptions, type DesgloseResult, prepareDesglose } from './desglose.js';

/*
 * Concept-level computation from net prices (rules doc A.3, A.4, A.9): the concept Importe is
 * ROUND_HALF_UP(Cantidad × ValorUnitario) at the currency's decimals, which lies inside the
 * CFDI40167 window; each tax Importe is ROUND_HALF_UP(Base × TasaOCuota) at the currency's
 * decimals, which is floor or ceil of the product and so inside the CFDI40180 / CFDI40186 window.
 * Given amounts are never overwritten and given strings are kept as written (a `0.16` TasaOCuota
 * stays `0.16`); only the values computed here are formatted, amounts with the currency's decimals
 * and TasaOCuota with 6.
 */

const ZERO = new Money(0);

/** A computed Base keeps every decimal of Importe − Descuento, and at least the currency's. */
function writeBase(value: Money, decimals: Decimals): string {
  const d = typeof decimals === 'number' ? decimals : 0;
  return formatExact(value, Math.max(d, value.decimalPlaces()));
}

function writeAmount(value: Money, decimals: Decimals): string {
  return formatExact(value, typeof decimals === 'number' ? decimals : value.decimalPlaces());
}

interface Filled {
  /** The given text, the computed one, or undefined when it could not be computed (reported). */
  readonly text: string | undefined;
  readonly value: Attempt;
}

/** A given amount as written, or the computed one; an amount that cannot be computed is reported. */
function fill(
  given: string | undefined,
  path: IssuePath,
  compute: () => Attempt,
  write: (value: Money) => string,
  report: Report,
): Filled {
  if (given !== undefined) return { text: given, value: amountAt(given, path) };
  const value = compute();
  if (isBlocked(value)) {
    report(path, `cannot be computed: ${value.blocked}`);
    return { text: undefined, value };
  }
  return { text: write(value), value };
}

function taxImporte(
  base: Attempt,
  tasaOCuota: string | undefined,
  path: IssuePath,
  decimals: Decimals,
): () => Attempt {
  return () => {
    if (tasaOCuota === undefined) return { blocked: `${formatPath([...path, 'tasaOCuota'])} is missing` };
    const rate = amountAt(tasaOCuota, [...path, 'tasaOCuota']);
    // Tasa and Cuota alike: Importe = Base × TasaOCuota (Anexo 20), rounded to the currency.
    return combine(base, rate, (b, r) => roundAt(b.times(r), decimals));
  };
}

function completeTraslado(
  t: TrasladoInput,
  defaultBase: Attempt,
  decimals: Decimals,
  path: IssuePath,
  report: Report,
): Traslado {
  const base = fill(
    t.base,
    [...path, 'base'],
    () => defaultBase,
    (v) => writeBase(v, decimals),
    report,
  );
  const out: Traslado = { base: base.text ?? '', impuesto: t.impuesto, tipoFactor: t.tipoFactor };
  if (t.tasaOCuota !== undefined) out.tasaOCuota = t.tasaOCuota;
  // Exento carries Base only (CFDI40177): nothing to compute, and a given Importe stays for the rules.
  if (t.tipoFactor === 'Exento') {
    if (t.importe !== undefined) out.importe = t.importe;
    return out;
  }
  const compute = taxImporte(base.value, t.tasaOCuota, path, decimals);
  const importe = fill(t.importe, [...path, 'importe'], compute, (v) => writeAmount(v, decimals), report);
  if (importe.text !== undefined) out.importe = importe.text;
  return out;
}

function completeRetencion(
  r: RetencionInput,
  defaultBase: Attempt,
  decimals: Decimals,
  path: IssuePath,
  report: Report,
): Retencion {
  const base = fill(
    r.base,
    [...path, 'base'],
    () => defaultBase,
    (v) => writeBase(v, decimals),
    report,
  );
  const compute = taxImporte(base.value, r.tasaOCuota, path, decimals);
  const importe = fill(r.importe, [...path, 'importe'], compute, (v) => writeAmount(v, decimals), report);
  return {
    base: base.text ?? '',
    impuesto: r.impuesto,
    tipoFactor: r.tipoFactor,
    tasaOCuota: r.tasaOCuota,
    importe: importe.text ?? '',
  };
}

/**
 * Completes one concept, reporting each amount it cannot compute at its path (e.g.
 * `['conceptos', 2, 'importe']`) and leaving a required one empty, an optional one absent. Used by
 * {@link computeConcepto} (which throws) and by `completeComprobante` (which collects).
 */
export function completeConcepto(
  c: ConceptoInput,
  decimals: Decimals,
  path: IssuePath,
  report: Report,
): Concepto {
  const importe = fill(
    c.importe,
    [...path, 'importe'],
    () =>
      combine(
        amountAt(c.cantidad, [...path, 'cantidad']),
        amountAt(c.valorUnitario, [...path, 'valorUnitario']),
        (q, v) => roundAt(q.times(v), decimals),
      ),
    (v) => writeAmount(v, decimals),
    report,
  );
  const impuestos =
    c.impuestos === undefined ? undefined : completeImpuestos(c, importe.value, decimals, path, report);
  return {
    claveProdServ: c.claveProdServ,
    ...(c.noIdentificacion === undefined ? {} : { noIdentificacion: c.noIdentificacion }),
    cantidad: c.cantidad,
    claveUnidad: c.claveUnidad,
    ...(c.unidad === undefined ? {} : { unidad: c.unidad }),
    descripcion: c.descripcion,
    valorUnitario: c.valorUnitario,
    importe: importe.text ?? '',
    ...(c.descuento === undefined ? {} : { descuento: c.descuento }),
    objetoImp: c.objetoImp,
    ...(impuestos === undefined ? {} : { impuestos }),
    ...(c.aCuentaTerceros === undefined ? {} : { aCuentaTerceros: c.aCuentaTerceros }),
    ...(c.informacionAduanera === undefined ? {} : { informacionAduanera: c.informacionAduanera }),
    ...(c.cuentaPredial === undefined ? {} : { cuentaPredial: c.cuentaPredial }),
    ...(c.complementoConcepto === undefined ? {} : { complementoConcepto: c.complementoConcepto }),
    ...(c.parte === undefined ? {} : { parte: c.parte }),
  };
}

function completeImpuestos(
  c: ConceptoInput,
  importe: Attempt,
  decimals: Decimals,
  path: IssuePath,
  report: Report,
): ConceptoImpuestos {
  const given = c.impuestos ?? {};
  // A tax Base defaults to what the concept is sold for: Importe − Descuento (Guía de llenado).
  const descuento = c.descuento === undefined ? ZERO : amountAt(c.descuento, [...path, 'descuento']);
  const defaultBase = combine(importe, descuento, (i, d) =>
    d.gt(i)
      ? { blocked: `${formatPath([...path, 'descuento'])} exceeds the Importe (CFDI40169)` }
      : i.minus(d),
  );
  const impuestosPath = [...path, 'impuestos'];
  const traslados = given.traslados?.map((t, j) =>
    completeTraslado(t, defaultBase, decimals, [...impuestosPath, 'traslados', j], report),
  );
  const retenciones = given.retenciones?.map((r, j) =>
    completeRetencion(r, defaultBase, decimals, [...impuestosPath, 'retenciones', j], report),
  );
  return {
    ...(traslados === undefined ? {} : { traslados }),
    ...(retenciones === undefined ? {} : { retenciones }),
  };
}

/**
 * Fills a concept's missing computed amounts from its net prices: Importe = ROUND_HALF_UP(Cantidad ×
 * ValorUnitario) at the currency's decimals; each Traslado/Retención Base = Importe − Descuento and
 * Importe = ROUND_HALF_UP(Base × TasaOCuota) (Tasa and Cuota; Exento carries Base only). Given
 * amounts are kept as written. ObjetoImp is not enforced: an `02` concept without taxes stays without
 * them (the rules report CFDI40171), and no taxes are invented for 01/03/04/05. Throws
 * `CURRENCY_UNKNOWN`, or `COMPUTE_FAILED` with the path of the first amount that cannot be computed.
 */
export function computeConcepto(c: ConceptoInput, moneda: string): Concepto {
  return completeConcepto(c, currencyDecimals(moneda), [], throwOnBlocked);
}

/** A tax-included line to turn into a concept (tickets, factura global). */
export interface ConceptoFromImporteInput extends DesgloseOptions {
  /** The line total including every tax. */
  readonly importe: string;
  readonly claveProdServ: string;
  readonly claveUnidad: string;
  readonly descripcion: string;
  /** Defaults to `1`. */
  readonly cantidad?: string | undefined;
  readonly noIdentificacion?: string | undefined;
  readonly unidad?: string | undefined;
  /** c_ObjetoImp. Defaults to `02`; any other code takes the whole importe untaxed. */
  readonly objetoImp?: string | undefined;
}

/** A concept built from a tax-included line, its ISH for implocal, and the split it came from. */
export interface ConceptoFromImporte {
  readonly concepto: Concepto;
  /** The line's ISH as an implocal TrasladosLocales entry; absent without ISH. */
  readonly ish?: TrasladoLocal;
  readonly desglose: DesgloseResult;
}

const CANTIDAD = /^\d+(?:\.\d{1,6})?$/;

/** True when a Cantidad that matches CANTIDAD is zero: every digit a 0. */
function isZeroCantidad(cantidad: string): boolean {
  for (let i = 0; i < cantidad.length; i++) {
    const c = cantidad.charCodeAt(i);
    if (c !== 48 && c !== 46) return false;
  }
  return true;
}

/**
 * Builds a concept from a tax-included line with {@link desglose} (rules doc C.4): Cantidad `1`
 * gives ValorUnitario = Importe = base; a larger Cantidad gives ValorUnitario = round6(base /
 * Cantidad) and Importe = base, inside the CFDI40167 window because a 6-decimal ValorUnitario widens
 * it by Cantidad × 0.0000005. Traslados: IEPS (003, Tasa) on the base, then IVA (002) on base + IEPS
 * (Tasa, or Exento with Base only). ISH is returned apart for implocal, its rate as a percentage with
 * 2 decimals (`3.00`) and its amount with 2 decimals (implocal.xsd; for 3- and 4-decimal currencies
 * the split keeps the ISH on that grid). ObjetoImp other than `02` takes the whole importe as the
 * concept's, with no taxes and no ISH. Throws like {@link desglose}, and `AMOUNT_INVALID` for a
 * Cantidad that is not a positive decimal with at most 6 decimals.
 */
export function conceptoFromImporte(input: ConceptoFromImporteInput): ConceptoFromImporte {
  const objetoImp = input.objetoImp ?? '02';
  const taxed = objetoImp === '02';
  const prepared = taxed
    ? prepareDesglose({
        iva: input.iva,
        ieps: input.ieps,
        ish: input.ish,
        moneda: input.moneda,
        ishDecimals: 2,
      })
    : prepareDesglose({ iva: '0', moneda: input.moneda });
  const result = prepared.desglose(input.importe);
  const cantidad = input.cantidad ?? '1';
  // Cantidad 1, by far the most common, needs no decimal: it is valid and gives ValorUnitario = base.
  const one = cantidad === '1';
  if (!one && (!CANTIDAD.test(cantidad) || isZeroCantidad(cantidad))) {
    throw new CfdiLayoutError(
      'AMOUNT_INVALID',
      `cantidad ${JSON.stringify(cantidad)} is not a positive decimal with at most 6 decimals`,
      {
        location: { field: 'cantidad' },
      },
    );
  }
  const valorUnitario = one ? result.subtotal : unitValueOf(result.subtotal, cantidad, prepared.decimals);
  const traslados: Traslado[] = [];
  if (taxed && prepared.iepsTasa !== undefined) {
    traslados.push({
      base: result.iepsBase,
      impuesto: '003',
      tipoFactor: 'Tasa',
      tasaOCuota: prepared.iepsTasa,
      importe: result.ieps,
    });
  }
  if (taxed) {
    traslados.push(
      prepared.ivaTasa === undefined
        ? { base: result.ivaBase, impuesto: '002', tipoFactor: 'Exento' }
        : {
            base: result.ivaBase,
            impuesto: '002',
            tipoFactor: 'Tasa',
            tasaOCuota: prepared.ivaTasa,
            importe: result.iva,
          },
    );
  }
  // Built in the XSD's attribute order, the optional ones assigned in place: conditional spreads
  // would allocate and copy a temporary object each, on every line of a batch.
  const concepto: { -readonly [K in keyof Concepto]: Concepto[K] } = {
    claveProdServ: input.claveProdServ,
  } as Concepto;
  if (input.noIdentificacion !== undefined) concepto.noIdentificacion = input.noIdentificacion;
  concepto.cantidad = cantidad;
  concepto.claveUnidad = input.claveUnidad;
  if (input.unidad !== undefined) concepto.unidad = input.unidad;
  concepto.descripcion = input.descripcion;
  concepto.valorUnitario = valorUnitario;
  concepto.importe = result.subtotal;
  concepto.objetoImp = objetoImp;
  if (traslados.length > 0) concepto.impuestos = { traslados };
  const ish =
    taxed && prepared.ishTasa !== undefined
      ? {
          impLocTrasladado: 'ISH',
          tasadeTraslado: prepared.ishTasa,
          // Already written with 2 decimals in a 2-decimal currency; rewritten for the others (implocal.xsd).
          importe: prepared.decimals === 2 ? result.ish : formatAmount(new Money(result.ish), 2),
        }
      : undefined;
  return ish === undefined ? { concepto, desglose: result } : { concepto, ish, desglose: result };
}

/**
 * The base itself for a Cantidad equal to 1, else round6(base / Cantidad), written with the currency's
 * decimals when it needs no more (A.3, C.4): on scaled integers when they hold it, else on decimals.
 */
function unitValueOf(subtotal: string, cantidad: string, decimals: number): string {
  return unitValueOnUnits(subtotal, cantidad, decimals) ?? unitValueOnDecimals(subtotal, cantidad, decimals);
}

/** {@link unitValueOf} on decimals: any amounts. */
export function unitValueOnDecimals(subtotal: string, cantidad: string, decimals: number): string {
  const quantity = new Money(cantidad);
  if (quantity.eq(1)) return subtotal;
  const value = roundTo(new Money(subtotal).dividedBy(quantity), 6);
  return formatExact(value, Math.max(decimals, value.decimalPlaces()));
}

const MICRO = 1_000_000;
/** Cantidades up to this many millionths keep 2·r·10^6 + Q below 2^53 in {@link unitValueOnUnits}. */
const MAX_MICRO_CANTIDAD = 4_000_000_000;

/**
 * {@link unitValueOf} on scaled integers (money.ts), or undefined when they cannot hold it. With the
 * base as N millionths and the Cantidad as Q millionths, the value in millionths is N·10^6 / Q; its
 * integer part N div Q is exact, and the six decimals are roundHalfUp(r·10^6 / Q) =
 * ⌊(2·r·10^6 + Q) / (2·Q)⌋ with r = N mod Q < Q, safe while Q ≤ 4·10^9. The decimal path rounds the
 * 60-digit quotient: for a rational with a denominator under 10^20 that is never closer than 10^-26
 * to a half millionth unless on it, so it rounds alike. A property test pins both paths together.
 */
export function unitValueOnUnits(subtotal: string, cantidad: string, decimals: number): string | undefined {
  if (decimals > 6) return undefined;
  const base = unitsOf(subtotal, decimals);
  const quantity = unitsOf(cantidad, 6);
  if (base === undefined || quantity === undefined || quantity === 0 || quantity > MAX_MICRO_CANTIDAD)
    return undefined;
  if (quantity === MICRO) return subtotal;
  const micros = base * (POWERS_OF_TEN[6 - decimals] as number);
  if (!Number.isSafeInteger(micros)) return undefined;
  const remainder = micros % quantity;
  const value =
    ((micros - remainder) / quantity) * MICRO + floorDiv(2 * remainder * MICRO + quantity, 2 * quantity);
  if (!Number.isSafeInteger(value)) return undefined;
  // Written with its own decimals (trailing zeros dropped), and at least the currency's.
  let places = 6;
  let shown = value;
  while (places > decimals && shown % 10 === 0) {
    shown /= 10;
    places--;
  }
  return formatUnits(shown, places);
}
