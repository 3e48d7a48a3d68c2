import { isTasaOCuotaAllowed, monedaDecimals } from '../catalogs/index.js';
import { CfdiLayoutError } from '../errors.js';
import { error, formatPath, type Issue, type IssuePath } from '../issues.js';
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
import { decimalsOf, formatAmount, formatExact, isAmountText, Money } from '../money.js';
import {
  EXENTO,
  groupImpuestosP,
  impPagadoLimits,
  MAX_DECIMALS,
  round,
  TOTAL_LINES,
  TOTALES_DECIMALS,
  totalesSums,
} from './arithmetic.js';
import type { DoctoRelacionadoFacts, ImpuestoFact, PagoFacts, PagosFacts } from './facts.js';
import { pagosOnUnits } from './units.js';

/*
 * Pagos 2.0 from the facts a user knows (./facts.ts). Every amount is a decimal.js value in the money
 * context and is rounded once, where this table says:
 *
 * | amount | how | why |
 * |---|---|---|
 * | ImpSaldoInsoluto | ImpSaldoAnt − ImpPagado, exact | CRP20244: "calcularse con … ImpSaldoAnt menos el ImpPagado" |
 * | BaseDR (one base for all the DR's taxes) | ImpPagado / (1 + Σ traslado rates − Σ retención rates), half up at `drDecimals` | the Guía de llenado's proration, as issue 10 states it (the Guía text itself could not be retrieved; the corpus sample satcfdi__pago_xiqb891116qe4 follows it: 14672.08 / 0.953333 = 15390.30) |
 * | ImporteDR | BaseDR × TasaOCuotaDR, half up at the decimals of BaseDR | inside the CRP20254 / CRP20261 window, which has CFDI40180's formula and always holds floor and ceil |
 * | BaseP, ImporteP | Σ (BaseDR or ImporteDR) / EquivalenciaDR; exact when every EquivalenciaDR is 1, else half up at 6 | CRP20265, 20268, 20269, 20274; t_Importe allows 6 decimals (CfdiUtils truncates at 6 instead: both lie within a millionth of the exact sum) |
 * | Totales | half up at 2 of Σ ImporteP (or BaseP) × TipoCambioP | CRP20201–CRP20210: "redondeo de la suma del resultado de multiplicar … por … TipoCambioP" |
 * | MontoTotalPagos | half up at 2 of Σ Monto × TipoCambioP | CRP20211 |
 *
 * Exento traslados carry BaseDR only (CRP20258). TipoFactor Cuota cannot be prorated from ImpPagado
 * (the cuota is per unit, not per peso), so a Cuota tax needs its `baseDR` stated.
 */

/** Options of {@link computePagos}. */
export interface ComputePagosOptions {
  /**
   * Decimals of a computed BaseDR (0 to 6, Pagos20.xsd allows 6). Defaults to the decimals of the DR's
   * currency (c_Moneda), as SAT's examples write it.
   */
  readonly drDecimals?: number;
}

/** What {@link computePagos} returns: the complement when every fact was usable, and every issue found. */
export interface ComputePagosResult {
  readonly pagos: Pagos | undefined;
  readonly issues: readonly Issue[];
}

const ONE = new Money(1);
const ZERO = new Money(0);
/** c_ObjetoImp values whose DR must carry ImpuestosDR (CRP20246) or must not (CRP20247). */
const OBJETO_CON_IMPUESTOS = new Set(['02']);
const OBJETO_SIN_IMPUESTOS = new Set(['01', '03', '04', '05']);
/** NumParcialidad, Pagos20.xsd: `[1-9][0-9]{0,2}`. */
const NUM_PARCIALIDAD = /^[1-9][0-9]{0,2}$/;

interface Context {
  readonly issues: Issue[];
  readonly drDecimals: number | undefined;
}

/** A plain non-negative decimal, or a reported issue (and undefined). */
function amountAt(text: string, path: IssuePath, ctx: Context): Money | undefined {
  if (isAmountText(text)) return new Money(text);
  const negative = /^-\d+(\.\d+)?$/.test(text);
  ctx.issues.push(
    error(
      negative ? 'AMOUNT_NEGATIVE' : 'AMOUNT_INVALID',
      path,
      `${JSON.stringify(text)} is not a non-negative decimal amount`,
    ),
  );
  return undefined;
}

/**
 * Computes the complete Pagos 2.0 complement from the facts: ImpSaldoInsoluto, ImpuestosDR, ImpuestosP
 * and Totales. Bad facts do not throw: each becomes an issue at its path in the facts (which is the
 * same path in the complement), with the SAT code where a CRP rule says so; `pagos` is then undefined.
 */
export function computePagos(facts: PagosFacts, options: ComputePagosOptions = {}): ComputePagosResult {
  if (options.drDecimals !== undefined && !(options.drDecimals >= 0 && options.drDecimals <= MAX_DECIMALS)) {
    throw new CfdiLayoutError(
      'USAGE',
      `drDecimals must be an integer from 0 to 6, got ${options.drDecimals}`,
    );
  }
  const onUnits = options.drDecimals === undefined ? pagosOnUnits(facts) : undefined;
  if (onUnits !== undefined) return { pagos: onUnits, issues: [] };
  return pagosOnDecimals(facts, options);
}

/**
 * computePagos on decimal.js, for every fact (./units.ts takes the pesos-only case on scaled
 * integers first; a property test pins both to the same complement). Exported for that test.
 */
export function pagosOnDecimals(facts: PagosFacts, options: ComputePagosOptions = {}): ComputePagosResult {
  const ctx: Context = { issues: [], drDecimals: options.drDecimals };
  const pagos: Pago[] = [];
  facts.pago.forEach((pago, i) => {
    const computed = computePago(pago, ['pago', i], ctx);
    if (computed !== undefined) pagos.push(computed);
  });
  if (ctx.issues.length > 0) return { pagos: undefined, issues: ctx.issues };
  return { pagos: { version: '2.0', totales: computeTotales(pagos), pago: pagos }, issues: [] };
}

/** Like {@link computePagos}, but throws `COMPUTE_FAILED` (with the first issue's path) on bad facts. */
export function computePagosOrThrow(facts: PagosFacts, options: ComputePagosOptions = {}): Pagos {
  const { pagos, issues } = computePagos(facts, options);
  const first = issues[0];
  if (pagos === undefined || first !== undefined) {
    const where = first === undefined ? '' : `${formatPath(first.path)}: `;
    throw new CfdiLayoutError(
      'COMPUTE_FAILED',
      `${where}${first?.code ?? ''} ${first?.message ?? ''}`.trim(),
      {
        location: { path: first?.path ?? [] },
      },
    );
  }
  return pagos;
}

function computePago(facts: PagoFacts, path: IssuePath, ctx: Context): Pago | undefined {
  const before = ctx.issues.length;
  const decimalsP = monedaDecimals(facts.monedaP);
  if (decimalsP === undefined || facts.monedaP === 'XXX') {
    ctx.issues.push(
      error(
        facts.monedaP === 'XXX' ? 'CRP20213' : 'CURRENCY_UNKNOWN',
        [...path, 'monedaP'],
        `MonedaP ${JSON.stringify(facts.monedaP)} is not a payment currency of c_Moneda`,
      ),
    );
  }
  if (facts.monedaP !== 'MXN' && facts.tipoCambioP === undefined) {
    ctx.issues.push(
      error('CRP20214', [...path, 'tipoCambioP'], 'TipoCambioP is required when MonedaP is not MXN'),
    );
  }
  if (facts.tipoCambioP !== undefined) {
    const tc = amountAt(facts.tipoCambioP, [...path, 'tipoCambioP'], ctx);
    if (tc !== undefined && facts.monedaP === 'MXN' && facts.tipoCambioP !== '1') {
      ctx.issues.push(
        error('CRP20215', [...path, 'tipoCambioP'], 'TipoCambioP must be "1" when MonedaP is MXN'),
      );
    } else if (tc?.isZero()) {
      ctx.issues.push(error('XSD_MIN', [...path, 'tipoCambioP'], 'TipoCambioP must be at least 0.000001'));
    }
  }
  const monto = amountAt(facts.monto, [...path, 'monto'], ctx);
  if (monto?.isZero()) ctx.issues.push(error('CRP20218', [...path, 'monto'], 'Monto must be greater than 0'));
  if (monto !== undefined && decimalsP !== undefined && decimalsOf(facts.monto) > decimalsP) {
    ctx.issues.push(
      error(
        'CRP20219',
        [...path, 'monto'],
        `Monto has more decimals than MonedaP ${facts.monedaP} allows (${decimalsP})`,
      ),
    );
  }

  const doctos: DoctoRelacionado[] = [];
  facts.doctoRelacionado.forEach((dr, j) => {
    const computed = computeDocto(dr, facts.monedaP, [...path, 'doctoRelacionado', j], ctx);
    if (computed !== undefined) doctos.push(computed);
  });
  if (ctx.issues.length > before || monto === undefined || decimalsP === undefined) return undefined;

  checkMontoCovers(facts, doctos, monto, decimalsP, path, ctx);
  if (ctx.issues.length > before) return undefined;

  const impuestosP = computeImpuestosP(doctos);
  const { doctoRelacionado: _facts, ...attributes } = facts;
  return {
    ...attributes,
    doctoRelacionado: doctos,
    ...(impuestosP === undefined ? {} : { impuestosP }),
  };
}

/**
 * The Monto must cover what the DRs say was paid. Same currency (CRP20217): Σ ImpPagado ≤ Monto, no
 * margins. Other currencies (CRP20276): Monto ≥ Σ of the lower limits of each ImpPagado converted to
 * MonedaP (./arithmetic.ts); the facts state Monto, so only "too small" is a mistake in them.
 */
function checkMontoCovers(
  facts: PagoFacts,
  doctos: readonly DoctoRelacionado[],
  monto: Money,
  decimalsP: number,
  path: IssuePath,
  ctx: Context,
): void {
  const mixed = doctos.some((d) => d.monedaDR !== facts.monedaP);
  const sameAsPago = doctos.length > 1 && doctos.some((d) => d.monedaDR === facts.monedaP);
  let lower = ZERO;
  for (const d of doctos) {
    if (d.monedaDR === facts.monedaP) lower = lower.plus(d.impPagado);
    else
      lower = lower.plus(impPagadoLimits(d.impPagado, d.equivalenciaDR ?? '1', decimalsP, sameAsPago).lower);
  }
  if (monto.lessThan(lower)) {
    ctx.issues.push(
      error(
        mixed ? 'CRP20276' : 'CRP20217',
        [...path, 'monto'],
        `Monto ${facts.monto} is less than the ${mixed ? 'lowest converted sum' : 'sum'} of the DRs' ImpPagado (${lower.toFixed()})`,
      ),
    );
  }
}

function computeDocto(
  facts: DoctoRelacionadoFacts,
  monedaP: string,
  path: IssuePath,
  ctx: Context,
): DoctoRelacionado | undefined {
  const before = ctx.issues.length;
  const decimalsDR = monedaDecimals(facts.monedaDR);
  if (decimalsDR === undefined || facts.monedaDR === 'XXX') {
    ctx.issues.push(
      error(
        facts.monedaDR === 'XXX' ? 'CRP20236' : 'CURRENCY_UNKNOWN',
        [...path, 'monedaDR'],
        `MonedaDR ${JSON.stringify(facts.monedaDR)} is not a currency of c_Moneda`,
      ),
    );
  }
  if (facts.monedaDR !== monedaP && facts.equivalenciaDR === undefined) {
    ctx.issues.push(
      error(
        'CRP20237',
        [...path, 'equivalenciaDR'],
        `EquivalenciaDR is required: MonedaDR ${facts.monedaDR} is not MonedaP ${monedaP}`,
      ),
    );
  }
  if (facts.equivalenciaDR !== undefined) {
    const eq = amountAt(facts.equivalenciaDR, [...path, 'equivalenciaDR'], ctx);
    if (eq?.isZero()) {
      ctx.issues.push(
        error('XSD_MIN', [...path, 'equivalenciaDR'], 'EquivalenciaDR must be at least 0.0000000001'),
      );
    } else if (eq !== undefined && facts.monedaDR === monedaP && facts.equivalenciaDR !== '1') {
      ctx.issues.push(
        error('CRP20238', [...path, 'equivalenciaDR'], 'EquivalenciaDR must be "1" when MonedaDR is MonedaP'),
      );
    }
  }
  if (!NUM_PARCIALIDAD.test(facts.numParcialidad)) {
    ctx.issues.push(
      error(
        'XSD_PATTERN',
        [...path, 'numParcialidad'],
        'NumParcialidad must be a whole number from 1 to 999',
      ),
    );
  }
  const saldoAnt = amountAt(facts.impSaldoAnt, [...path, 'impSaldoAnt'], ctx);
  const pagado = amountAt(facts.impPagado, [...path, 'impPagado'], ctx);
  if (saldoAnt?.isZero()) {
    ctx.issues.push(error('CRP20239', [...path, 'impSaldoAnt'], 'ImpSaldoAnt must be greater than 0'));
  }
  if (pagado?.isZero()) {
    ctx.issues.push(error('CRP20241', [...path, 'impPagado'], 'ImpPagado must be greater than 0'));
  }
  if (decimalsDR !== undefined) {
    for (const field of ['impSaldoAnt', 'impPagado'] as const) {
      if (isAmountText(facts[field]) && decimalsOf(facts[field]) > decimalsDR) {
        ctx.issues.push(
          error(
            field === 'impSaldoAnt' ? 'CRP20240' : 'CRP20242',
            [...path, field],
            `${field === 'impSaldoAnt' ? 'ImpSaldoAnt' : 'ImpPagado'} has more decimals than MonedaDR ${facts.monedaDR} allows (${decimalsDR})`,
          ),
        );
      }
    }
  }
  if (saldoAnt !== undefined && pagado?.greaterThan(saldoAnt)) {
    ctx.issues.push(
      error(
        'CRP20244',
        [...path, 'impPagado'],
        `ImpPagado ${facts.impPagado} exceeds ImpSaldoAnt ${facts.impSaldoAnt}: the saldo insoluto would be negative`,
      ),
    );
  }
  const hasTaxes = (facts.traslados?.length ?? 0) + (facts.retenciones?.length ?? 0) > 0;
  if (OBJETO_CON_IMPUESTOS.has(facts.objetoImpDR) && !hasTaxes) {
    ctx.issues.push(
      error(
        'CRP20246',
        [...path, 'objetoImpDR'],
        'ObjetoImpDR 02 needs the invoice taxes (traslados or retenciones)',
      ),
    );
  }
  if (OBJETO_SIN_IMPUESTOS.has(facts.objetoImpDR) && hasTaxes) {
    ctx.issues.push(
      error('CRP20247', [...path, 'objetoImpDR'], `ObjetoImpDR ${facts.objetoImpDR} must not carry taxes`),
    );
  }
  if (
    ctx.issues.length > before ||
    saldoAnt === undefined ||
    pagado === undefined ||
    decimalsDR === undefined
  ) {
    return undefined;
  }
  const impuestosDR = hasTaxes ? computeImpuestosDR(facts, pagado, decimalsDR, path, ctx) : undefined;
  if (ctx.issues.length > before) return undefined;

  const saldoInsoluto = saldoAnt.minus(pagado);
  const { traslados: _t, retenciones: _r, ...attributes } = facts;
  return {
    ...attributes,
    impSaldoInsoluto: formatExact(
      saldoInsoluto,
      Math.max(decimalsOf(facts.impSaldoAnt), decimalsOf(facts.impPagado)),
    ),
    ...(impuestosDR === undefined ? {} : { impuestosDR }),
  };
}

interface CheckedTax {
  readonly fact: ImpuestoFact;
  readonly rate: Money | undefined;
}

/** Validates one invoice tax (catalog, factor) and parses its rate; undefined when it is unusable. */
function checkTax(
  fact: ImpuestoFact,
  use: 'traslado' | 'retencion',
  path: IssuePath,
  ctx: Context,
): CheckedTax | undefined {
  const code = use === 'traslado' ? 'CRP20260' : 'CRP20253';
  if (use === 'retencion' && fact.tipoFactor === EXENTO) {
    ctx.issues.push(error('CRP20252', [...path, 'tipoFactor'], 'a retención cannot be Exento'));
    return undefined;
  }
  if (fact.tipoFactor === EXENTO) {
    if (fact.tasaOCuota !== undefined) {
      ctx.issues.push(error('CRP20258', [...path, 'tasaOCuota'], 'an Exento traslado has no TasaOCuota'));
      return undefined;
    }
    return { fact, rate: undefined };
  }
  if (fact.tipoFactor !== 'Tasa' && fact.tipoFactor !== 'Cuota') {
    ctx.issues.push(
      error(
        use === 'traslado' ? 'CRP20257' : 'CRP20251',
        [...path, 'tipoFactor'],
        `TipoFactor ${JSON.stringify(fact.tipoFactor)} is not in c_TipoFactor`,
      ),
    );
    return undefined;
  }
  if (fact.tasaOCuota === undefined) {
    ctx.issues.push(error(code, [...path, 'tasaOCuota'], `TipoFactor ${fact.tipoFactor} needs a TasaOCuota`));
    return undefined;
  }
  if (!isTasaOCuotaAllowed(fact.impuesto, fact.tipoFactor, fact.tasaOCuota, use)) {
    ctx.issues.push(
      error(
        code,
        [...path, 'tasaOCuota'],
        `TasaOCuota ${fact.tasaOCuota} is not in c_TasaOCuota for impuesto ${fact.impuesto} ${fact.tipoFactor} (${use})`,
      ),
    );
    return undefined;
  }
  if (fact.tipoFactor === 'Cuota' && fact.baseDR === undefined) {
    ctx.issues.push(
      error(
        'COMPUTE_FAILED',
        [...path, 'baseDR'],
        'a Cuota cannot be prorated from ImpPagado: state its baseDR',
      ),
    );
    return undefined;
  }
  return { fact, rate: new Money(fact.tasaOCuota) };
}

function computeImpuestosDR(
  facts: DoctoRelacionadoFacts,
  pagado: Money,
  decimalsDR: number,
  path: IssuePath,
  ctx: Context,
): ImpuestosDR | undefined {
  const before = ctx.issues.length;
  const traslados = (facts.traslados ?? []).map((t, k) =>
    checkTax(t, 'traslado', [...path, 'traslados', k], ctx),
  );
  const retenciones = (facts.retenciones ?? []).map((r, k) =>
    checkTax(r, 'retencion', [...path, 'retenciones', k], ctx),
  );
  if (ctx.issues.length > before) return undefined;
  const all = [...traslados, ...retenciones] as CheckedTax[];
  const given = all.filter((t) => t.fact.baseDR !== undefined).length;
  if (given > 0 && given < all.length) {
    ctx.issues.push(
      error('COMPUTE_FAILED', [...path, 'traslados'], 'state baseDR for every tax of the DR or for none'),
    );
    return undefined;
  }
  const decimals = ctx.drDecimals ?? decimalsDR;
  let sharedBase: Money | undefined;
  if (given === 0) {
    // One base for every tax of the invoice: ImpPagado = Base × (1 + Σ traslados − Σ retenciones).
    let factor = ONE;
    for (const t of traslados as CheckedTax[]) if (t.rate !== undefined) factor = factor.plus(t.rate);
    for (const r of retenciones as CheckedTax[]) if (r.rate !== undefined) factor = factor.minus(r.rate);
    if (!factor.isPositive() || factor.isZero()) {
      ctx.issues.push(
        error(
          'COMPUTE_FAILED',
          [...path, 'retenciones'],
          'the retenciones leave nothing of ImpPagado to prorate',
        ),
      );
      return undefined;
    }
    sharedBase = round(pagado.dividedBy(factor), decimals);
  }
  const baseOf = (t: CheckedTax, taxPath: IssuePath): { text: string; value: Money } | undefined => {
    if (sharedBase !== undefined) return { text: formatAmount(sharedBase, decimals), value: sharedBase };
    const text = t.fact.baseDR as string;
    const value = amountAt(text, [...taxPath, 'baseDR'], ctx);
    return value === undefined ? undefined : { text, value };
  };
  const trasladosDR: TrasladoDR[] = [];
  (traslados as CheckedTax[]).forEach((t, k) => {
    const taxPath = [...path, 'traslados', k];
    const base = baseOf(t, taxPath);
    if (base === undefined) return;
    if (base.value.isZero()) {
      ctx.issues.push(
        error('CRP20255', [...taxPath, 'baseDR'], 'BaseDR of a traslado must be greater than 0'),
      );
      return;
    }
    const node: TrasladoDR = {
      baseDR: base.text,
      impuestoDR: t.fact.impuesto,
      tipoFactorDR: t.fact.tipoFactor,
    };
    if (t.rate !== undefined && t.fact.tasaOCuota !== undefined) {
      node.tasaOCuotaDR = t.fact.tasaOCuota;
      node.importeDR = formatAmount(t.rate.times(base.value), decimalsOf(base.text));
    }
    trasladosDR.push(node);
  });
  const retencionesDR: RetencionDR[] = [];
  (retenciones as CheckedTax[]).forEach((r, k) => {
    const taxPath = [...path, 'retenciones', k];
    const base = baseOf(r, taxPath);
    if (base === undefined || r.rate === undefined || r.fact.tasaOCuota === undefined) return;
    if (base.value.isZero()) {
      ctx.issues.push(
        error('CRP20249', [...taxPath, 'baseDR'], 'BaseDR of a retención must be greater than 0'),
      );
      return;
    }
    retencionesDR.push({
      baseDR: base.text,
      impuestoDR: r.fact.impuesto,
      tipoFactorDR: r.fact.tipoFactor,
      tasaOCuotaDR: r.fact.tasaOCuota,
      importeDR: formatAmount(r.rate.times(base.value), decimalsOf(base.text)),
    });
  });
  if (ctx.issues.length > before) return undefined;
  return {
    ...(retencionesDR.length > 0 ? { retencionesDR } : {}),
    ...(trasladosDR.length > 0 ? { trasladosDR } : {}),
  };
}

/** A running sum of DR amounts converted to MonedaP, remembering whether it is still exact at its decimals. */
interface Converted {
  sum: Money;
  exact: boolean;
  decimals: number;
}

function addConverted(acc: Converted | undefined, text: string, equivalencia: string | undefined): Converted {
  const eq = equivalencia === undefined ? ONE : new Money(equivalencia);
  const value = new Money(text).dividedBy(eq);
  return {
    sum: (acc?.sum ?? ZERO).plus(value),
    exact: (acc?.exact ?? true) && eq.eq(1),
    decimals: Math.max(acc?.decimals ?? 0, decimalsOf(text)),
  };
}

function writeConverted(c: Converted): string {
  return c.exact ? formatExact(c.sum, c.decimals) : formatAmount(c.sum, MAX_DECIMALS);
}

/** ImpuestosP of a payment: its DRs' taxes grouped and converted with EquivalenciaDR (CRP20263, 20265, 20268, 20271, 20274). */
export function computeImpuestosP(doctos: readonly DoctoRelacionado[]): ImpuestosP | undefined {
  return groupImpuestosP<Converted>(doctos, { add: addConverted, write: writeConverted })?.value;
}

/** Totales of computed payments, in MXN at 2 decimals (CRP20201–CRP20211). */
export function computeTotales(pagos: readonly Pago[]): Totales {
  const sums = totalesSums(pagos);
  const totales: Partial<Record<keyof Totales, string>> = {};
  for (const line of TOTAL_LINES) {
    const value = sums.lines.get(line.field);
    if (value !== undefined)
      totales[line.field] = formatAmount(round(value, TOTALES_DECIMALS), TOTALES_DECIMALS);
  }
  return { ...totales, montoTotalPagos: formatAmount(sums.montoTotalPagos, TOTALES_DECIMALS) } as Totales;
}
