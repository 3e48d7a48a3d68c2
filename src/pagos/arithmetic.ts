import type { DoctoRelacionado, ImpuestosP, Pago, RetencionP, Totales, TrasladoP } from '../model/pagos.js';
import { ceilTo, decimalsOf, isAmountText, Money, truncTo } from '../money.js';

/*
 * The Pagos 2.0 sums that both the computation (./compute.ts) and the checks (./rules.ts) need, so
 * that there is one definition of each. Sources, for every rule cited below:
 * - SAT's Matriz de errores CRP20 (rev. B) as PACs return it: the SW Sapien SDK test suite asserts the
 *   PAC's exact texts ("CRP20204 - El valor del campo TotalTrasladosBaseIVA16 no es igual al redondeo
 *   de la suma del resultado de multiplicar cada uno de los importes de los atributos BaseP … por el
 *   valor registrado en el atributo TipoCambioP de cada nodo Pago", and so on for CRP20201–CRP20274).
 * - The KPac validator's transcription of the Matriz for CRP20217, CRP20276 and CRP20277, and of the
 *   Guía de llenado (página 28) for the limits of ImpPagado converted to MonedaP.
 * - eclipxe13/CfdiUtils SumasPagos20 (Calculator.php): ImpuestosP from the DRs divided by
 *   EquivalenciaDR, Totales as Σ ImpuestoP × TipoCambioP rounded to 2 decimals.
 */

/** `IVA` in c_Impuesto. */
export const IVA = '002';
/** `ISR` in c_Impuesto. */
export const ISR = '001';
/** `IEPS` in c_Impuesto. */
export const IEPS = '003';
/** The Exento TipoFactor (no TasaOCuota, no Importe). */
export const EXENTO = 'Exento';

/** Totales are MXN amounts with 2 decimals (t_ImporteMXN); CRP20201–CRP20211 compare after rounding to them. */
export const TOTALES_DECIMALS = 2;
/** The most decimals t_Importe (ImporteP, BaseP, ImporteDR) and BaseDR allow (Pagos20.xsd). */
export const MAX_DECIMALS = 6;

/** tasaKey's results: TasaOCuota texts come from c_TasaOCuota's few dozen values, written a few ways. */
const TASA_KEYS = new Map<string, string>();
/** Past this many distinct texts (a rogue input), tasaKey stops remembering. */
const TASA_KEYS_LIMIT = 1024;

/** A TasaOCuota as a grouping key: compared as a decimal, so `0.16` and `0.160000` group together. */
export function tasaKey(tasa: string | undefined): string {
  if (tasa === undefined) return '';
  const known = TASA_KEYS.get(tasa);
  if (known !== undefined) return known;
  const key = isAmountText(tasa) ? new Money(tasa).toFixed() : tasa;
  if (TASA_KEYS.size < TASA_KEYS_LIMIT) TASA_KEYS.set(tasa, key);
  return key;
}

/** The grouping key of a traslado (CRP20271: one TrasladoP per ImpuestoP, TipoFactorP, TasaOCuotaP). */
export function trasladoKey(impuesto: string, tipoFactor: string, tasa: string | undefined): string {
  return tipoFactor === EXENTO ? `${impuesto}|${EXENTO}|` : `${impuesto}|${tipoFactor}|${tasaKey(tasa)}`;
}

/** The Totales attributes, and the ImpuestosP group each one sums (CRP20201–CRP20210). */
export interface TotalLine {
  readonly field: Exclude<keyof Totales, 'montoTotalPagos'>;
  readonly code: string;
  /** A retención (by ImpuestoP) or a traslado (by key, summing its BaseP or its ImporteP). */
  readonly source:
    | { readonly kind: 'retencion'; readonly impuesto: string }
    | { readonly kind: 'traslado'; readonly key: string; readonly amount: 'base' | 'importe' };
}

const IVA16 = trasladoKey(IVA, 'Tasa', '0.16');
const IVA8 = trasladoKey(IVA, 'Tasa', '0.08');
const IVA0 = trasladoKey(IVA, 'Tasa', '0');
const IVA_EXENTO = trasladoKey(IVA, EXENTO, undefined);

/** Every Totales line with its SAT code, in Pagos20.xsd order. */
export const TOTAL_LINES: readonly TotalLine[] = [
  { field: 'totalRetencionesIVA', code: 'CRP20201', source: { kind: 'retencion', impuesto: IVA } },
  { field: 'totalRetencionesISR', code: 'CRP20202', source: { kind: 'retencion', impuesto: ISR } },
  { field: 'totalRetencionesIEPS', code: 'CRP20203', source: { kind: 'retencion', impuesto: IEPS } },
  {
    field: 'totalTrasladosBaseIVA16',
    code: 'CRP20204',
    source: { kind: 'traslado', key: IVA16, amount: 'base' },
  },
  {
    field: 'totalTrasladosImpuestoIVA16',
    code: 'CRP20205',
    source: { kind: 'traslado', key: IVA16, amount: 'importe' },
  },
  {
    field: 'totalTrasladosBaseIVA8',
    code: 'CRP20206',
    source: { kind: 'traslado', key: IVA8, amount: 'base' },
  },
  {
    field: 'totalTrasladosImpuestoIVA8',
    code: 'CRP20207',
    source: { kind: 'traslado', key: IVA8, amount: 'importe' },
  },
  {
    field: 'totalTrasladosBaseIVA0',
    code: 'CRP20208',
    source: { kind: 'traslado', key: IVA0, amount: 'base' },
  },
  {
    field: 'totalTrasladosImpuestoIVA0',
    code: 'CRP20209',
    source: { kind: 'traslado', key: IVA0, amount: 'importe' },
  },
  {
    field: 'totalTrasladosBaseIVAExento',
    code: 'CRP20210',
    source: { kind: 'traslado', key: IVA_EXENTO, amount: 'base' },
  },
];

/** An amount text as a decimal, or undefined when it is not a plain non-negative decimal. */
export function amountOrUndefined(text: string | undefined): Money | undefined {
  return text !== undefined && isAmountText(text) ? new Money(text) : undefined;
}

/** TipoCambioP as a decimal: absent means 1 (MXN, CRP20215); undefined when written but not a decimal. */
export function tipoCambioOf(pago: Pick<Pago, 'tipoCambioP'>): Money | undefined {
  return pago.tipoCambioP === undefined ? new Money(1) : amountOrUndefined(pago.tipoCambioP);
}

/** The exact (unrounded) sum of one ImpuestosP group of a payment, or undefined when it is absent. */
export function impuestoPAmount(
  impuestos: ImpuestosP | undefined,
  source: TotalLine['source'],
): Money | undefined {
  if (source.kind === 'retencion') {
    let total: Money | undefined;
    for (const r of impuestos?.retencionesP ?? []) {
      if (r.impuestoP !== source.impuesto) continue;
      total = (total ?? new Money(0)).plus(amountOrUndefined(r.importeP) ?? 0);
    }
    return total;
  }
  let total: Money | undefined;
  for (const t of impuestos?.trasladosP ?? []) {
    if (trasladoKey(t.impuestoP, t.tipoFactorP, t.tasaOCuotaP) !== source.key) continue;
    const text = source.amount === 'base' ? t.baseP : t.importeP;
    total = (total ?? new Money(0)).plus(amountOrUndefined(text) ?? 0);
  }
  return total;
}

/**
 * The exact Totales sums: Σ over the payments of ImpuestoP × TipoCambioP per line, and Σ Monto ×
 * TipoCambioP (CRP20201–CRP20211: "el redondeo de la suma del resultado de multiplicar …"). A line is
 * present only when some payment has its group. Payments whose TipoCambioP is not a decimal are skipped
 * (CRP20214 and the XSD report them).
 */
export function totalesSums(pagos: readonly Pago[]): {
  lines: Map<TotalLine['field'], Money>;
  montoTotalPagos: Money;
} {
  const lines = new Map<TotalLine['field'], Money>();
  let monto = new Money(0);
  for (const pago of pagos) {
    const tc = tipoCambioOf(pago);
    if (tc === undefined) continue;
    monto = monto.plus((amountOrUndefined(pago.monto) ?? new Money(0)).times(tc));
    for (const line of TOTAL_LINES) {
      const amount = impuestoPAmount(pago.impuestosP, line.source);
      if (amount === undefined) continue;
      lines.set(line.field, (lines.get(line.field) ?? new Money(0)).plus(amount.times(tc)));
    }
  }
  return { lines, montoTotalPagos: monto };
}

/** Rounds half up to `decimals` places (the SAT's "redondeo"). */
export function round(value: Money, decimals: number): Money {
  return value.toDecimalPlaces(decimals, Money.ROUND_HALF_UP);
}

/** `10^-decimals / 2`. */
function half(decimals: number): Money {
  return new Money(10).pow(-decimals).dividedBy(2);
}

/** The 10^-16 the Guía subtracts so that a value landing exactly on a limit stays inside. */
const GUIA_EPSILON = new Money('1e-16');

/**
 * The limits of one ImpPagado converted to MonedaP (Guía de llenado, página 28, as transcribed by the
 * KPac validator; CRP20276): lower = trunc((ImpPagado − 10^-dI/2) / (EquivalenciaDR + 10^-dE/2 −
 * 10^-16)), upper = ceil((ImpPagado + 10^-dI/2 − 10^-16) / (EquivalenciaDR − 10^-dE/2)), at MonedaP's
 * decimals, where dI and dE are the decimals written in ImpPagado and EquivalenciaDR. CRP20277: in a
 * payment with several DRs of which one has MonedaP's currency, an EquivalenciaDR of "1" is taken with
 * 10 decimals.
 */
export function impPagadoLimits(
  impPagado: string,
  equivalenciaDR: string,
  decimalsP: number,
  equivalenciaTenDecimals: boolean,
): { lower: Money; upper: Money } {
  const pagado = new Money(impPagado);
  const eq = new Money(equivalenciaDR);
  const dE = equivalenciaTenDecimals && eq.eq(1) ? 10 : decimalsOf(equivalenciaDR);
  const hI = half(decimalsOf(impPagado));
  const hE = half(dE);
  const lower = pagado.minus(hI).dividedBy(eq.plus(hE).minus(GUIA_EPSILON));
  const upper = pagado.plus(hI).minus(GUIA_EPSILON).dividedBy(eq.minus(hE));
  return { lower: truncTo(lower, decimalsP), upper: ceilTo(upper, decimalsP) };
}

/** How {@link groupImpuestosP} sums the DR amounts of a group: add one (undefined when it cannot), write the sum. */
export interface ImpuestoPSums<S> {
  readonly add: (sum: S | undefined, text: string, equivalenciaDR: string | undefined) => S | undefined;
  readonly write: (sum: S) => string;
}

/**
 * ImpuestosP of a payment from its DRs' taxes: one RetencionP per ImpuestoDR (CRP20263), one TrasladoP
 * per ImpuestoDR, TipoFactorDR and TasaOCuotaDR (CRP20271), in the order the groups first appear,
 * each amount summed and written by `sums` (converted with EquivalenciaDR on decimals, exact on
 * scaled integers). `{ value: undefined }` when no DR has taxes; undefined when `sums` could not add
 * an amount.
 */
export function groupImpuestosP<S>(
  doctos: readonly DoctoRelacionado[],
  sums: ImpuestoPSums<S>,
): { value: ImpuestosP | undefined } | undefined {
  const retenciones = new Map<string, S>();
  const traslados = new Map<string, { node: Omit<TrasladoP, 'baseP' | 'importeP'>; base?: S; importe?: S }>();
  for (const d of doctos) {
    for (const r of d.impuestosDR?.retencionesDR ?? []) {
      const sum = sums.add(retenciones.get(r.impuestoDR), r.importeDR, d.equivalenciaDR);
      if (sum === undefined) return undefined;
      retenciones.set(r.impuestoDR, sum);
    }
    for (const t of d.impuestosDR?.trasladosDR ?? []) {
      const key = trasladoKey(t.impuestoDR, t.tipoFactorDR, t.tasaOCuotaDR);
      let group = traslados.get(key);
      if (group === undefined) {
        group = {
          node: {
            impuestoP: t.impuestoDR,
            tipoFactorP: t.tipoFactorDR,
            ...(t.tasaOCuotaDR === undefined ? {} : { tasaOCuotaP: t.tasaOCuotaDR }),
          },
        };
        traslados.set(key, group);
      }
      const base = sums.add(group.base, t.baseDR, d.equivalenciaDR);
      if (base === undefined) return undefined;
      group.base = base;
      if (t.importeDR !== undefined) {
        const importe = sums.add(group.importe, t.importeDR, d.equivalenciaDR);
        if (importe === undefined) return undefined;
        group.importe = importe;
      }
    }
  }
  if (retenciones.size === 0 && traslados.size === 0) return { value: undefined };
  const retencionesP: RetencionP[] = [...retenciones].map(([impuestoP, sum]) => ({
    impuestoP,
    importeP: sums.write(sum),
  }));
  const trasladosP: TrasladoP[] = [...traslados.values()].map((g) => ({
    baseP: sums.write(g.base as S),
    ...g.node,
    ...(g.importe === undefined ? {} : { importeP: sums.write(g.importe) }),
  }));
  return {
    value: {
      ...(retencionesP.length > 0 ? { retencionesP } : {}),
      ...(trasladosP.length > 0 ? { trasladosP } : {}),
    },
  };
}
