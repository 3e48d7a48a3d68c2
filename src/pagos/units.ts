import { isTasaOCuotaAllowed } from '../catalogs/index.js';
import type {
  DoctoRelacionado,
  ImpuestosDR,
  ImpuestosP,
  Pago,
  Pagos,
  RetencionDR,
  Totales,
  TrasladoDR,
} from '../model/pagos.js';
import { decimalsOf, floorDiv, formatUnits, POWERS_OF_TEN, roundUnits, unitsOf } from '../money.js';
import { EXENTO, groupImpuestosP, TOTAL_LINES, TOTALES_DECIMALS, trasladoKey } from './arithmetic.js';
import type { DoctoRelacionadoFacts, ImpuestoFact, PagoFacts, PagosFacts } from './facts.js';

/*
 * computePagos on scaled integers (src/money.ts: every value a safe integer, so every step is exact)
 * for the payments most exports hold: pesos paying peso invoices. The domain is narrow on purpose:
 * MonedaP and every MonedaDR MXN, TipoCambioP and EquivalenciaDR "1" or absent, amounts with at most
 * 2 decimals, Tasa traslados and retenciones (or an Exento traslado) of c_TasaOCuota prorated from
 * ImpPagado, ObjetoImpDR 01–05, no computePagos option, and no fact that computePagos would report.
 * Anything else returns undefined and ./compute.ts computes (or reports) it on decimals. Same rules,
 * rounding, order of nodes and keys as the decimal path (./compute.ts's table): a property test pins
 * both to the same complement.
 */

/** Units of 10^-2: the decimals of MXN, of every amount of the domain and of Totales. */
const CENTS = 2;
/** Units of 10^-6: TasaOCuota and the ImpuestosP sums. */
const MICROS = 6;
const ONE_MICROS = POWERS_OF_TEN[MICROS] as number;
const NUM_PARCIALIDAD = /^[1-9][0-9]{0,2}$/;
const SIN_IMPUESTOS = new Set(['01', '03', '04', '05']);

/** Half up of a / b for non-negative safe integers, or undefined when 2a + b is not safe. */
function divideHalfUp(a: number, b: number): number | undefined {
  const twice = 2 * a + b;
  return Number.isSafeInteger(twice) ? floorDiv(twice, 2 * b) : undefined;
}

/** A positive amount of the domain in cents, or undefined. */
function positiveCents(text: string): number | undefined {
  const units = unitsOf(text, CENTS);
  return units === undefined || units === 0 ? undefined : units;
}

interface Rate {
  readonly fact: ImpuestoFact;
  /** Micro-units of the Tasa; undefined for an Exento traslado. */
  readonly micros: number | undefined;
}

function rateOf(fact: ImpuestoFact, use: 'traslado' | 'retencion'): Rate | undefined {
  if (fact.baseDR !== undefined) return undefined;
  if (fact.tipoFactor === EXENTO && use === 'traslado')
    return fact.tasaOCuota === undefined ? { fact, micros: undefined } : undefined;
  if (fact.tipoFactor !== 'Tasa' || fact.tasaOCuota === undefined) return undefined;
  if (!isTasaOCuotaAllowed(fact.impuesto, fact.tipoFactor, fact.tasaOCuota, use)) return undefined;
  const micros = unitsOf(fact.tasaOCuota, MICROS);
  return micros === undefined ? undefined : { fact, micros };
}

/** ImporteDR = BaseDR × TasaOCuota, half up at BaseDR's 2 decimals. */
function importeOf(baseCents: number, micros: number): string | undefined {
  const product = baseCents * micros;
  const units = Number.isSafeInteger(product) ? divideHalfUp(product, ONE_MICROS) : undefined;
  return units === undefined ? undefined : formatUnits(units, CENTS);
}

function impuestosDROf(facts: DoctoRelacionadoFacts, pagadoCents: number): ImpuestosDR | undefined {
  const traslados: Rate[] = [];
  const retenciones: Rate[] = [];
  let factor = ONE_MICROS;
  for (const fact of facts.traslados ?? []) {
    const rate = rateOf(fact, 'traslado');
    if (rate === undefined) return undefined;
    traslados.push(rate);
    factor += rate.micros ?? 0;
  }
  for (const fact of facts.retenciones ?? []) {
    const rate = rateOf(fact, 'retencion');
    if (rate === undefined) return undefined;
    retenciones.push(rate);
    factor -= rate.micros ?? 0;
  }
  if (factor <= 0) return undefined;
  // BaseDR = ImpPagado / (1 + Σ traslados − Σ retenciones), half up at 2: cents × 10^6 / micro-units.
  const numerator = pagadoCents * ONE_MICROS;
  const baseCents = Number.isSafeInteger(numerator) ? divideHalfUp(numerator, factor) : undefined;
  if (baseCents === undefined || baseCents === 0) return undefined;
  const baseDR = formatUnits(baseCents, CENTS);
  const trasladosDR: TrasladoDR[] = [];
  for (const t of traslados) {
    const node: TrasladoDR = { baseDR, impuestoDR: t.fact.impuesto, tipoFactorDR: t.fact.tipoFactor };
    if (t.micros !== undefined && t.fact.tasaOCuota !== undefined) {
      const importe = importeOf(baseCents, t.micros);
      if (importe === undefined) return undefined;
      node.tasaOCuotaDR = t.fact.tasaOCuota;
      node.importeDR = importe;
    }
    trasladosDR.push(node);
  }
  const retencionesDR: RetencionDR[] = [];
  for (const r of retenciones) {
    const importe = r.micros === undefined ? undefined : importeOf(baseCents, r.micros);
    if (importe === undefined || r.fact.tasaOCuota === undefined) return undefined;
    retencionesDR.push({
      baseDR,
      impuestoDR: r.fact.impuesto,
      tipoFactorDR: r.fact.tipoFactor,
      tasaOCuotaDR: r.fact.tasaOCuota,
      importeDR: importe,
    });
  }
  return {
    ...(retencionesDR.length > 0 ? { retencionesDR } : {}),
    ...(trasladosDR.length > 0 ? { trasladosDR } : {}),
  };
}

interface DoctoOnUnits {
  readonly docto: DoctoRelacionado;
  readonly pagadoCents: number;
}

function doctoOnUnits(facts: DoctoRelacionadoFacts): DoctoOnUnits | undefined {
  if (facts.monedaDR !== 'MXN') return undefined;
  if (facts.equivalenciaDR !== undefined && facts.equivalenciaDR !== '1') return undefined;
  if (!NUM_PARCIALIDAD.test(facts.numParcialidad)) return undefined;
  const saldoCents = positiveCents(facts.impSaldoAnt);
  const pagadoCents = positiveCents(facts.impPagado);
  if (saldoCents === undefined || pagadoCents === undefined || pagadoCents > saldoCents) return undefined;
  const hasTaxes = (facts.traslados?.length ?? 0) + (facts.retenciones?.length ?? 0) > 0;
  if (hasTaxes ? facts.objetoImpDR !== '02' : !SIN_IMPUESTOS.has(facts.objetoImpDR)) return undefined;
  const impuestosDR = hasTaxes ? impuestosDROf(facts, pagadoCents) : undefined;
  if (hasTaxes && impuestosDR === undefined) return undefined;
  // ImpSaldoInsoluto at the decimals written in ImpSaldoAnt and ImpPagado (both fit them exactly).
  const decimals = Math.max(decimalsOf(facts.impSaldoAnt), decimalsOf(facts.impPagado));
  const insoluto = roundUnits(saldoCents - pagadoCents, CENTS, decimals);
  const { traslados: _t, retenciones: _r, ...attributes } = facts;
  return {
    docto: {
      ...attributes,
      impSaldoInsoluto: formatUnits(insoluto, decimals),
      ...(impuestosDR === undefined ? {} : { impuestosDR }),
    },
    pagadoCents,
  };
}

/** A sum of amount texts in micro-units, remembering the most decimals written (./compute.ts's exact case). */
interface UnitSum {
  units: number;
  decimals: number;
}

function addText(acc: UnitSum | undefined, text: string): UnitSum | undefined {
  const units = unitsOf(text, MICROS);
  if (units === undefined) return undefined;
  const sum = (acc?.units ?? 0) + units;
  if (!Number.isSafeInteger(sum)) return undefined;
  return { units: sum, decimals: Math.max(acc?.decimals ?? 0, decimalsOf(text)) };
}

function writeSum(s: UnitSum): string {
  return formatUnits(roundUnits(s.units, MICROS, s.decimals), s.decimals);
}

/** ImpuestosP of DRs whose EquivalenciaDR is 1: exact sums, grouped as computeImpuestosP groups them. */
function impuestosPOf(doctos: readonly DoctoRelacionado[]): { value: ImpuestosP | undefined } | undefined {
  return groupImpuestosP<UnitSum>(doctos, { add: (sum, text) => addText(sum, text), write: writeSum });
}

function pagoOnUnits(facts: PagoFacts): { pago: Pago; montoCents: number } | undefined {
  if (facts.monedaP !== 'MXN') return undefined;
  if (facts.tipoCambioP !== undefined && facts.tipoCambioP !== '1') return undefined;
  const montoCents = positiveCents(facts.monto);
  if (montoCents === undefined) return undefined;
  const doctos: DoctoRelacionado[] = [];
  let pagados = 0;
  for (const dr of facts.doctoRelacionado) {
    const computed = doctoOnUnits(dr);
    if (computed === undefined) return undefined;
    doctos.push(computed.docto);
    pagados += computed.pagadoCents;
  }
  // CRP20217: Σ ImpPagado ≤ Monto (all in MonedaP); otherwise the decimal path reports it.
  if (!Number.isSafeInteger(pagados) || pagados > montoCents) return undefined;
  const impuestosP = impuestosPOf(doctos);
  if (impuestosP === undefined) return undefined;
  const { doctoRelacionado: _facts, ...attributes } = facts;
  return {
    pago: {
      ...attributes,
      doctoRelacionado: doctos,
      ...(impuestosP.value === undefined ? {} : { impuestosP: impuestosP.value }),
    },
    montoCents,
  };
}

/** The micro-units of one Totales line in a payment (TipoCambioP 1), or undefined when it has no such group. */
function lineUnits(impuestos: ImpuestosP | undefined, source: (typeof TOTAL_LINES)[number]['source']) {
  let total: number | undefined;
  if (source.kind === 'retencion') {
    for (const r of impuestos?.retencionesP ?? []) {
      if (r.impuestoP === source.impuesto) total = (total ?? 0) + (unitsOf(r.importeP, MICROS) ?? Number.NaN);
    }
    return total;
  }
  for (const t of impuestos?.trasladosP ?? []) {
    if (trasladoKey(t.impuestoP, t.tipoFactorP, t.tasaOCuotaP) !== source.key) continue;
    const text = source.amount === 'base' ? t.baseP : t.importeP;
    total = (total ?? 0) + (text === undefined ? 0 : (unitsOf(text, MICROS) ?? Number.NaN));
  }
  return total;
}

function totalesOnUnits(pagos: readonly Pago[], montoCents: number): Totales | undefined {
  const totales: Partial<Record<keyof Totales, string>> = {};
  for (const line of TOTAL_LINES) {
    let sum: number | undefined;
    for (const pago of pagos) {
      const units = lineUnits(pago.impuestosP, line.source);
      if (units !== undefined) sum = (sum ?? 0) + units;
    }
    if (sum === undefined) continue;
    if (!Number.isSafeInteger(sum)) return undefined;
    totales[line.field] = formatUnits(roundUnits(sum, MICROS, TOTALES_DECIMALS), TOTALES_DECIMALS);
  }
  return { ...totales, montoTotalPagos: formatUnits(montoCents, TOTALES_DECIMALS) } as Totales;
}

/**
 * The complement computePagos computes, on scaled integers, when every payment is in the domain
 * above; undefined otherwise (nothing reported: the decimal path decides).
 */
export function pagosOnUnits(facts: PagosFacts): Pagos | undefined {
  const pagos: Pago[] = [];
  let montos = 0;
  for (const fact of facts.pago) {
    const computed = pagoOnUnits(fact);
    if (computed === undefined) return undefined;
    pagos.push(computed.pago);
    montos += computed.montoCents;
  }
  if (!Number.isSafeInteger(montos)) return undefined;
  const totales = totalesOnUnits(pagos, montos);
  return totales === undefined ? undefined : { version: '2.0', totales, pago: pagos };
}
