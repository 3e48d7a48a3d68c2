import { currencyDecimals } from '../catalogs/moneda.js';
import { formatPath, type IssuePath } from '../issues.js';
import type {
  ComprobanteImpuestos,
  ComprobanteRetencion,
  ComprobanteTraslado,
  Concepto,
  ImpuestosLocales,
  Traslado,
} from '../model/comprobante.js';
import {
  formatAmount,
  formatExact,
  formatTasa,
  formatUnits,
  isAmountText,
  Money,
  POWERS_OF_TEN,
  roundUnits,
  unitsOf,
} from '../money.js';
import {
  AmountSum,
  type Attempt,
  amountAt,
  type Blocked,
  combine,
  type Decimals,
  isBlocked,
  type Report,
  roundAt,
  sumAttempts,
  throwOnBlocked,
} from './attempt.js';

/*
 * Comprobante totals as the SAT sums them (rules doc A.5, A.9): every comprobante amount is the
 * ROUND_HALF_UP, at the currency's decimals, of the plain sum of the concept values ("redondeo de la
 * suma": CFDI40108 SubTotal, 40111 Descuento, 40215 Traslado Base, 40221 Traslado Importe, 40211
 * Retencion Importe). A group Importe is never recomputed as rate × Σ Base: SAT's own example, bases
 * 103.45 + 103.46 at 16 %, gives concept taxes 16.55 + 16.55 = 33.10, and round(206.91 × 0.16) = 33.11
 * is rejected (CFDI40221).
 */

const ZERO = new Money(0);
/** implocal.xsd: every amount has 2 fraction digits, whatever the currency. */
const IMPLOCAL_DECIMALS = 2;

/** Comprobante-level amounts computed from the concepts. */
export interface Totals {
  readonly subTotal: string;
  /** Present only when some concept has a Descuento (CFDI40110). */
  readonly descuento?: string;
  readonly total: string;
  /** Absent when no concept carries taxes. */
  readonly impuestos?: ComprobanteImpuestos;
  /** The given implocal complement with its totals recomputed (2 decimals). */
  readonly impuestosLocales?: ImpuestosLocales;
}

/** One comprobante Traslado group: (Impuesto, TipoFactor, TasaOCuota compared as decimals). */
export interface TrasladoGroup {
  readonly impuesto: string;
  readonly tipoFactor: string;
  /** The group's TasaOCuota as the comprobante writes it (6 decimals); undefined for Exento. */
  readonly tasaOCuota: string | undefined;
  readonly base: Attempt;
  /** Undefined for Exento groups, which carry Base only (A.6). */
  readonly importe: Attempt | undefined;
}

/** One comprobante Retencion group: one per Impuesto (CFDI40208). */
export interface RetencionGroup {
  readonly impuesto: string;
  readonly importe: Attempt;
}

/** The concept sums a comprobante needs, rounded to the currency, each possibly blocked. */
export interface ConceptSums {
  readonly subTotal: Attempt;
  readonly descuento: Attempt | undefined;
  readonly traslados: readonly TrasladoGroup[];
  readonly retenciones: readonly RetencionGroup[];
}

/*
 * The group key and the written TasaOCuota of a rate string are pure functions of the string, and a
 * batch has only a handful of distinct rates: memoized (bounded) so a sum does not re-parse them for
 * every concept.
 */
const rateKeys = new Map<string, string>();
const groupTasas = new Map<string, string>();
const RATE_CACHE_LIMIT = 1_000;

function memo(cache: Map<string, string>, key: string, compute: (key: string) => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute(key);
    if (cache.size >= RATE_CACHE_LIMIT) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** Groups compare TasaOCuota as decimals: `0.16` and `0.160000` are one group (CFDI40218). */
export function rateKey(tasa: string | undefined): string {
  if (tasa === undefined) return '';
  return memo(rateKeys, tasa, (t) => (isAmountText(t) ? new Money(t).toString() : t));
}

/** What we write for a group's TasaOCuota: 6 decimals when the value allows (A.1). */
function groupTasa(tasa: string): string {
  return memo(groupTasas, tasa, (t) =>
    isAmountText(t) && new Money(t).decimalPlaces() <= 6 ? formatTasa(new Money(t)) : t,
  );
}

function missing(path: IssuePath): Blocked {
  return { blocked: `${formatPath(path)} is missing` };
}

interface TrasladoAccumulator {
  readonly impuesto: string;
  readonly tipoFactor: string;
  readonly tasaOCuota: string | undefined;
  readonly bases: AmountSum;
  readonly importes: AmountSum | undefined;
}

/**
 * Sums the concepts the way A.5 asks, in first-appearance order of the groups; an amount that is
 * not a decimal blocks the sums that need it. Used by {@link computeTotals} and `completeComprobante`.
 */
export function sumConceptos(conceptos: readonly Concepto[], decimals: Decimals): ConceptSums {
  // Sums run on scaled integers at the currency's decimals (an amount with more falls back to Money).
  const scale = typeof decimals === 'number' ? decimals : 6;
  const importes = new AmountSum(scale);
  const descuentos = new AmountSum(scale);
  let anyDescuento = false;
  const traslados = new Map<string, TrasladoAccumulator>();
  const retenciones = new Map<string, AmountSum>();
  // Paths are only built for an amount that is not a decimal: the common case allocates none.
  conceptos.forEach((c, i) => {
    importes.add(c.importe, () => ['conceptos', i, 'importe']);
    if (c.descuento !== undefined) {
      anyDescuento = true;
      descuentos.add(c.descuento, () => ['conceptos', i, 'descuento']);
    }
    c.impuestos?.traslados?.forEach((t, j) => {
      const tPath = (): IssuePath => ['conceptos', i, 'impuestos', 'traslados', j];
      const exento = t.tipoFactor === 'Exento';
      const key = `${t.impuesto}|${t.tipoFactor}|${exento ? '' : rateKey(t.tasaOCuota)}`;
      let group = traslados.get(key);
      if (group === undefined) {
        group = {
          impuesto: t.impuesto,
          tipoFactor: t.tipoFactor,
          tasaOCuota: exento || t.tasaOCuota === undefined ? undefined : groupTasa(t.tasaOCuota),
          bases: new AmountSum(scale),
          importes: exento ? undefined : new AmountSum(scale),
        };
        traslados.set(key, group);
      }
      group.bases.add(t.base, () => [...tPath(), 'base']);
      if (t.importe === undefined) group.importes?.block(missing([...tPath(), 'importe']));
      else group.importes?.add(t.importe, () => [...tPath(), 'importe']);
    });
    c.impuestos?.retenciones?.forEach((r, j) => {
      let group = retenciones.get(r.impuesto);
      if (group === undefined) {
        group = new AmountSum(scale);
        retenciones.set(r.impuesto, group);
      }
      group.add(r.importe, () => ['conceptos', i, 'impuestos', 'retenciones', j, 'importe']);
    });
  });
  return {
    subTotal: roundAt(importes.value, decimals),
    descuento: anyDescuento ? roundAt(descuentos.value, decimals) : undefined,
    traslados: [...traslados.values()].map((g) => ({
      impuesto: g.impuesto,
      tipoFactor: g.tipoFactor,
      tasaOCuota: g.tasaOCuota,
      base: roundAt(g.bases.value, decimals),
      importe: g.importes === undefined ? undefined : roundAt(g.importes.value, decimals),
    })),
    retenciones: [...retenciones.entries()].map(([impuesto, sum]) => ({
      impuesto,
      importe: roundAt(sum.value, decimals),
    })),
  };
}

/** Writes an attempt, or reports it and returns undefined. */
export function written(
  value: Attempt,
  decimals: Decimals,
  path: IssuePath,
  report: Report,
): string | undefined {
  if (isBlocked(value)) {
    report(path, `cannot be computed: ${value.blocked}`);
    return undefined;
  }
  return formatExact(value, typeof decimals === 'number' ? decimals : value.decimalPlaces());
}

/** A comprobante Impuestos node and the two totals it contributes to the Total (zero when absent). */
export interface ImpuestosTotals {
  readonly node: ComprobanteImpuestos | undefined;
  readonly trasladados: Attempt;
  readonly retenidos: Attempt;
}

/** Builds the comprobante Traslados from the groups (Exento groups carry Base only, A.6). */
export function trasladosFromSums(
  sums: ConceptSums,
  decimals: Decimals,
  report: Report,
): ComprobanteTraslado[] {
  return sums.traslados.map((g, k) => {
    const path = ['impuestos', 'traslados', k];
    const out: ComprobanteTraslado = {
      base: written(g.base, decimals, [...path, 'base'], report) ?? '',
      impuesto: g.impuesto,
      tipoFactor: g.tipoFactor,
    };
    if (g.tasaOCuota !== undefined) out.tasaOCuota = g.tasaOCuota;
    if (g.importe !== undefined) {
      const importe = written(g.importe, decimals, [...path, 'importe'], report);
      if (importe !== undefined) out.importe = importe;
    }
    return out;
  });
}

/** Builds the comprobante Retenciones from the groups. */
export function retencionesFromSums(
  sums: ConceptSums,
  decimals: Decimals,
  report: Report,
): ComprobanteRetencion[] {
  return sums.retenciones.map((g, k) => ({
    impuesto: g.impuesto,
    importe: written(g.importe, decimals, ['impuestos', 'retenciones', k, 'importe'], report) ?? '',
  }));
}

/**
 * TotalImpuestosTrasladados = Σ Traslado Importe (CFDI40205), only when some Traslado has an Importe;
 * TotalImpuestosRetenidos = Σ Retencion Importe (CFDI40203), only when Retenciones exist. The
 * `given` totals, when present, are kept as written.
 */
export function impuestosNode(
  traslados: readonly ComprobanteTraslado[],
  retenciones: readonly ComprobanteRetencion[],
  given: {
    readonly totalImpuestosTrasladados?: string | undefined;
    readonly totalImpuestosRetenidos?: string | undefined;
  },
  decimals: Decimals,
  report: Report,
): ImpuestosTotals {
  let trasladados: Attempt = ZERO;
  let totalTrasladados: string | undefined;
  if (given.totalImpuestosTrasladados !== undefined) {
    totalTrasladados = given.totalImpuestosTrasladados;
    trasladados = amountAt(totalTrasladados, ['impuestos', 'totalImpuestosTrasladados']);
  } else if (traslados.some((t) => t.tipoFactor !== 'Exento')) {
    // Only Exento groups: no Importe to add, so no TotalImpuestosTrasladados (A.6, CfdiUtils).
    trasladados = roundAt(
      sumAttempts(
        traslados.map((t, k) =>
          t.tipoFactor === 'Exento'
            ? ZERO
            : t.importe === undefined
              ? missing(['impuestos', 'traslados', k, 'importe'])
              : amountAt(t.importe, ['impuestos', 'traslados', k, 'importe']),
        ),
      ),
      decimals,
    );
    totalTrasladados = written(trasladados, decimals, ['impuestos', 'totalImpuestosTrasladados'], report);
  }
  let retenidos: Attempt = ZERO;
  let totalRetenidos: string | undefined;
  if (given.totalImpuestosRetenidos !== undefined) {
    totalRetenidos = given.totalImpuestosRetenidos;
    retenidos = amountAt(totalRetenidos, ['impuestos', 'totalImpuestosRetenidos']);
  } else if (retenciones.length > 0) {
    retenidos = roundAt(
      sumAttempts(retenciones.map((r, k) => amountAt(r.importe, ['impuestos', 'retenciones', k, 'importe']))),
      decimals,
    );
    totalRetenidos = written(retenidos, decimals, ['impuestos', 'totalImpuestosRetenidos'], report);
  }
  if (
    traslados.length === 0 &&
    retenciones.length === 0 &&
    totalTrasladados === undefined &&
    totalRetenidos === undefined
  ) {
    return { node: undefined, trasladados, retenidos };
  }
  const node: ComprobanteImpuestos = {
    ...(totalRetenidos === undefined ? {} : { totalImpuestosRetenidos: totalRetenidos }),
    ...(totalTrasladados === undefined ? {} : { totalImpuestosTrasladados: totalTrasladados }),
    ...(retenciones.length === 0 ? {} : { retenciones: [...retenciones] }),
    ...(traslados.length === 0 ? {} : { traslados: [...traslados] }),
  };
  return { node, trasladados, retenidos };
}

/** Sums of one implocal complement: the totals it adds to and subtracts from the Total. */
export interface LocalTotals {
  readonly traslados: Attempt;
  readonly retenciones: Attempt;
}

/** TotaldeTraslados / TotaldeRetenciones: the 2-decimal sums of the lines (implocal.xsd, rules doc B). */
export function localSums(
  il: {
    readonly trasladosLocales?: ReadonlyArray<{ readonly importe?: string | undefined }> | undefined;
    readonly retencionesLocales?: ReadonlyArray<{ readonly importe?: string | undefined }> | undefined;
  },
  path: IssuePath,
): LocalTotals {
  const sumOf = (
    lines: ReadonlyArray<{ readonly importe?: string | undefined }> | undefined,
    name: string,
  ): Attempt =>
    roundAt(
      sumAttempts(
        (lines ?? []).map((line, j) =>
          line.importe === undefined
            ? missing([...path, name, j, 'importe'])
            : amountAt(line.importe, [...path, name, j, 'importe']),
        ),
      ),
      IMPLOCAL_DECIMALS,
    );
  return {
    traslados: sumOf(il.trasladosLocales, 'trasladosLocales'),
    retenciones: sumOf(il.retencionesLocales, 'retencionesLocales'),
  };
}

/**
 * Total = SubTotal − Descuento + TotalImpuestosTrasladados − TotalImpuestosRetenidos + implocal
 * TotaldeTraslados − TotaldeRetenciones (CFDI40119, whose text names local taxes too), rounded to the
 * currency only to absorb 2-decimal implocal amounts in a 0-decimal currency.
 */
export function totalOf(
  subTotal: Attempt,
  descuento: Attempt,
  impuestos: ImpuestosTotals,
  locales: readonly LocalTotals[],
  decimals: Decimals,
): Attempt {
  let total = combine(subTotal, descuento, (s, d) => s.minus(d));
  total = combine(total, impuestos.trasladados, (t, x) => t.plus(x));
  total = combine(total, impuestos.retenidos, (t, x) => t.minus(x));
  for (const local of locales) {
    total = combine(total, local.traslados, (t, x) => t.plus(x));
    total = combine(total, local.retenciones, (t, x) => t.minus(x));
  }
  return roundAt(total, decimals);
}

/**
 * The comprobante amounts of a list of complete concepts, exactly as A.5 sums them: SubTotal =
 * round(Σ Importe); Descuento = round(Σ Descuento) when any concept has one; Traslados grouped by
 * (Impuesto, TipoFactor, TasaOCuota as decimals) in first-appearance order with Base = round(Σ Base)
 * and Importe = round(Σ Importe), Exento groups with Base only; Retenciones one per Impuesto; the
 * implocal totals (2 decimals) recomputed from their lines; Total per CFDI40119. Every amount carries
 * the currency's decimals. Throws `CURRENCY_UNKNOWN`, or `COMPUTE_FAILED` with the path of the first
 * amount that cannot be summed.
 */
export function computeTotals(
  conceptos: readonly Concepto[],
  moneda: string,
  impuestosLocales?: ImpuestosLocales,
): Totals {
  const decimals = currencyDecimals(moneda);
  return (
    totalsOnUnits(conceptos, decimals, impuestosLocales) ??
    totalsOnDecimals(conceptos, decimals, impuestosLocales)
  );
}

interface UnitGroup {
  readonly impuesto: string;
  readonly tipoFactor: string;
  readonly tasaOCuota: string | undefined;
  base: number;
  importe: number | undefined;
}

/**
 * {@link computeTotals} on scaled integers (money.ts), for the common case: every concept amount a
 * plain decimal with at most the currency's decimals (so each A.5 rounding is the identity), every
 * implocal line with at most 2, and every sum a safe integer. The same groups, order, rules and
 * writing as the decimal path; undefined for anything else (a missing amount, more decimals, a
 * negative Total), which the decimal path then computes or reports. A property test pins both paths
 * to the same result.
 */
export function totalsOnUnits(
  conceptos: readonly Concepto[],
  decimals: number,
  impuestosLocales: ImpuestosLocales | undefined,
): Totals | undefined {
  let subTotal = 0;
  let descuento = 0;
  let anyDescuento = false;
  const traslados = new Map<string, UnitGroup>();
  const retenciones = new Map<string, number>();
  // A ticket's lines mostly share one tax: the previous line's group is reused without a key.
  let lastTraslado: Traslado | undefined;
  let lastGroup: UnitGroup | undefined;
  for (const c of conceptos) {
    const importe = unitsOf(c.importe, decimals);
    if (importe === undefined) return undefined;
    subTotal += importe;
    if (c.descuento !== undefined) {
      const d = unitsOf(c.descuento, decimals);
      if (d === undefined) return undefined;
      anyDescuento = true;
      descuento += d;
    }
    for (const t of c.impuestos?.traslados ?? []) {
      const exento = t.tipoFactor === 'Exento';
      const base = unitsOf(t.base, decimals);
      const amount = exento || t.importe === undefined ? undefined : unitsOf(t.importe, decimals);
      if (base === undefined || (!exento && amount === undefined)) return undefined;
      // The key is a function of these three texts, so equal texts mean the same group.
      let group: UnitGroup | undefined;
      if (
        lastGroup !== undefined &&
        lastTraslado?.impuesto === t.impuesto &&
        lastTraslado.tipoFactor === t.tipoFactor &&
        lastTraslado.tasaOCuota === t.tasaOCuota
      ) {
        group = lastGroup;
      } else {
        const key = `${t.impuesto}|${t.tipoFactor}|${exento ? '' : rateKey(t.tasaOCuota)}`;
        group = traslados.get(key);
        if (group === undefined) {
          group = {
            impuesto: t.impuesto,
            tipoFactor: t.tipoFactor,
            tasaOCuota: exento || t.tasaOCuota === undefined ? undefined : groupTasa(t.tasaOCuota),
            base: 0,
            importe: amount === undefined ? undefined : 0,
          };
          traslados.set(key, group);
        }
        lastGroup = group;
        lastTraslado = t;
      }
      group.base += base;
      if (group.importe !== undefined && amount !== undefined) group.importe += amount;
    }
    for (const r of c.impuestos?.retenciones ?? []) {
      const amount = unitsOf(r.importe, decimals);
      if (amount === undefined) return undefined;
      retenciones.set(r.impuesto, (retenciones.get(r.impuesto) ?? 0) + amount);
    }
  }
  const write = (units: number) => formatUnits(units, decimals);
  let trasladados = 0;
  let anyTrasladoImporte = false;
  const trasladoNodes: ComprobanteTraslado[] = [];
  for (const g of traslados.values()) {
    const node: ComprobanteTraslado = { base: write(g.base), impuesto: g.impuesto, tipoFactor: g.tipoFactor };
    if (g.tasaOCuota !== undefined) node.tasaOCuota = g.tasaOCuota;
    if (g.importe !== undefined) {
      node.importe = write(g.importe);
      trasladados += g.importe;
    }
    if (g.tipoFactor !== 'Exento') anyTrasladoImporte = true;
    trasladoNodes.push(node);
  }
  let retenidos = 0;
  const retencionNodes: ComprobanteRetencion[] = [];
  for (const [impuesto, amount] of retenciones) {
    retencionNodes.push({ impuesto, importe: write(amount) });
    retenidos += amount;
  }
  // The Total adds the 2-decimal implocal totals: it is summed at the finer of both scales.
  const scale = Math.max(decimals, IMPLOCAL_DECIMALS);
  const up = (units: number) => units * (POWERS_OF_TEN[scale - decimals] as number);
  let total = up(subTotal) - up(descuento) + up(trasladados) - up(retenidos);
  let localTraslados = 0;
  let localRetenciones = 0;
  if (impuestosLocales !== undefined) {
    for (const line of impuestosLocales.trasladosLocales ?? []) {
      const amount = line.importe === undefined ? undefined : unitsOf(line.importe, IMPLOCAL_DECIMALS);
      if (amount === undefined) return undefined;
      localTraslados += amount;
    }
    for (const line of impuestosLocales.retencionesLocales ?? []) {
      const amount = line.importe === undefined ? undefined : unitsOf(line.importe, IMPLOCAL_DECIMALS);
      if (amount === undefined) return undefined;
      localRetenciones += amount;
    }
    const toScale = POWERS_OF_TEN[scale - IMPLOCAL_DECIMALS] as number;
    total += (localTraslados - localRetenciones) * toScale;
  }
  // Sums of non-negative amounts only grow: one past 2^53 is caught here, even if it lost exactness.
  const sums = [subTotal, descuento, trasladados, retenidos, localTraslados, localRetenciones, total];
  for (const g of traslados.values()) sums.push(g.base, g.importe ?? 0);
  if (total < 0 || !sums.every(Number.isSafeInteger)) return undefined;
  const node: ComprobanteImpuestos | undefined =
    trasladoNodes.length === 0 && retencionNodes.length === 0
      ? undefined
      : {
          ...(retencionNodes.length === 0 ? {} : { totalImpuestosRetenidos: write(retenidos) }),
          ...(anyTrasladoImporte ? { totalImpuestosTrasladados: write(trasladados) } : {}),
          ...(retencionNodes.length === 0 ? {} : { retenciones: retencionNodes }),
          ...(trasladoNodes.length === 0 ? {} : { traslados: trasladoNodes }),
        };
  return {
    subTotal: write(subTotal),
    ...(anyDescuento ? { descuento: write(descuento) } : {}),
    total: write(roundUnits(total, scale, decimals)),
    ...(node === undefined ? {} : { impuestos: node }),
    ...(impuestosLocales === undefined
      ? {}
      : {
          impuestosLocales: {
            ...impuestosLocales,
            totaldeRetenciones: formatUnits(localRetenciones, IMPLOCAL_DECIMALS),
            totaldeTraslados: formatUnits(localTraslados, IMPLOCAL_DECIMALS),
          },
        }),
  };
}

/** {@link computeTotals} on decimals: any amounts, and every one that cannot be summed reported. */
export function totalsOnDecimals(
  conceptos: readonly Concepto[],
  decimals: number,
  impuestosLocales?: ImpuestosLocales,
): Totals {
  const report = throwOnBlocked;
  const sums = sumConceptos(conceptos, decimals);
  const subTotal = written(sums.subTotal, decimals, ['subTotal'], report) ?? '';
  const descuento =
    sums.descuento === undefined ? undefined : written(sums.descuento, decimals, ['descuento'], report);
  const impuestos = impuestosNode(
    trasladosFromSums(sums, decimals, report),
    retencionesFromSums(sums, decimals, report),
    {},
    decimals,
    report,
  );
  const localPath = ['complemento', 'impuestosLocales'];
  const locales = impuestosLocales === undefined ? [] : [localSums(impuestosLocales, localPath)];
  const local = locales[0];
  const total = written(
    totalOf(sums.subTotal, sums.descuento ?? ZERO, impuestos, locales, decimals),
    decimals,
    ['total'],
    report,
  );
  return {
    subTotal,
    ...(descuento === undefined ? {} : { descuento }),
    total: total ?? '',
    ...(impuestos.node === undefined ? {} : { impuestos: impuestos.node }),
    ...(impuestosLocales === undefined || local === undefined
      ? {}
      : {
          impuestosLocales: {
            ...impuestosLocales,
            totaldeRetenciones: localAmount(local.retenciones, [...localPath, 'totaldeRetenciones'], report),
            totaldeTraslados: localAmount(local.traslados, [...localPath, 'totaldeTraslados'], report),
          },
        }),
  };
}

/** Writes an implocal amount with its 2 decimals, or reports it and returns ''. */
export function localAmount(value: Attempt, path: IssuePath, report: Report): string {
  if (isBlocked(value)) {
    report(path, `cannot be computed: ${value.blocked}`);
    return '';
  }
  return formatAmount(value, IMPLOCAL_DECIMALS);
}
