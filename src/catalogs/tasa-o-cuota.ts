import { isAmountText, Money, unitsOf } from '../money.js';
import { isVigente, type Vigencia } from './catalog.js';

/**
 * One c_TasaOCuota rule: for an impuesto and TipoFactor, either one fixed value or an inclusive
 * range, and whether it applies to traslados, retenciones or both.
 */
export interface TasaOCuotaRule extends Vigencia {
  readonly impuesto: '001' | '002' | '003';
  readonly factor: 'Tasa' | 'Cuota';
  readonly kind: 'fixed' | 'range';
  /** The only value allowed, six decimals as SAT writes it (`kind: 'fixed'`). */
  readonly value?: string;
  /** Lowest value allowed, inclusive (`kind: 'range'`). */
  readonly min?: string;
  /** Highest value allowed, inclusive (`kind: 'range'`). */
  readonly max?: string;
  readonly traslado: boolean;
  readonly retencion: boolean;
}

/**
 * c_TasaOCuota: the TasaOCuota values SAT accepts per impuesto, TipoFactor and use (CFDI40179
 * traslado, CFDI40185 retención, CFDI40219 comprobante level). Exento has no rule: an Exento node
 * carries no TasaOCuota at all (CFDI40177).
 * Facts from SAT's catálogo c_TasaOCuota (catCFDI, version 10.14.20260806, via
 * phpcfdi/resources-sat-catalogs), in SAT's order.
 */
export const TASA_O_CUOTA_RULES: readonly TasaOCuotaRule[] = Object.freeze(
  (
    [
      {
        impuesto: '002',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.000000',
        traslado: true,
        retencion: false,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '002',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.160000',
        traslado: true,
        retencion: false,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '002',
        factor: 'Tasa',
        kind: 'range',
        min: '0.000000',
        max: '0.160000',
        traslado: false,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      // SAT names this rule "IVA Crédito aplicado del 50%" (the border-region rate).
      {
        impuesto: '002',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.080000',
        traslado: true,
        retencion: false,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.265000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.300000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.530000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.500000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '1.600000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.304000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.250000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.090000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.080000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.070000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.060000',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.030000',
        traslado: true,
        retencion: false,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Tasa',
        kind: 'fixed',
        value: '0.000000',
        traslado: true,
        retencion: false,
        vigenciaDesde: '2022-01-01',
      },
      {
        impuesto: '003',
        factor: 'Cuota',
        kind: 'range',
        min: '0.000000',
        max: '72.160500',
        traslado: true,
        retencion: true,
        vigenciaDesde: '2026-01-01',
      },
      {
        impuesto: '001',
        factor: 'Tasa',
        kind: 'range',
        min: '0.000000',
        max: '0.350000',
        traslado: false,
        retencion: true,
        vigenciaDesde: '2022-01-01',
      },
    ] satisfies TasaOCuotaRule[]
  ).map((rule) => Object.freeze(rule)),
);

function ruleMatches(rule: TasaOCuotaRule, rate: Money): boolean {
  if (rule.kind === 'fixed') return rule.value !== undefined && rate.equals(rule.value);
  return rule.min !== undefined && rule.max !== undefined && rate.gte(rule.min) && rate.lte(rule.max);
}

/** Every rule's bounds in millionths (the catalog writes 6 decimals), for rates that have at most 6. */
const RULE_MICROS = new Map(
  TASA_O_CUOTA_RULES.map((rule) => {
    const micros = (text: string | undefined) => (text === undefined ? undefined : unitsOf(text, 6));
    const low = micros(rule.kind === 'fixed' ? rule.value : rule.min);
    const high = micros(rule.kind === 'fixed' ? rule.value : rule.max);
    return [rule, low === undefined || high === undefined ? undefined : { low, high }] as const;
  }),
);

/** ruleMatches on millionths when both sides have them (exact integers), else on decimals. */
function matches(rule: TasaOCuotaRule, tasaOCuota: string, micros: number | undefined): boolean {
  const bounds = RULE_MICROS.get(rule);
  if (micros === undefined || bounds === undefined) return ruleMatches(rule, new Money(tasaOCuota));
  return micros >= bounds.low && micros <= bounds.high;
}

/**
 * True when `tasaOCuota` is allowed for `impuesto` (c_Impuesto code) with `factor` (c_TipoFactor) in
 * a traslado or retención. Values compare as decimals, so `0.16` and `0.160000` are the same rate;
 * text that is not a plain non-negative decimal is never allowed. With `fecha` (Comprobante/@Fecha),
 * only rules vigentes on that date count; without it, every rule does.
 */
export function isTasaOCuotaAllowed(
  impuesto: string,
  factor: string,
  tasaOCuota: string,
  use: 'traslado' | 'retencion',
  fecha?: string,
): boolean {
  if (fecha === undefined) {
    // Rates repeat across every document of a batch: a few dozen texts, remembered (bounded).
    const key = `${impuesto}|${factor}|${use}|${tasaOCuota}`;
    const known = ALLOWED.get(key);
    if (known !== undefined) return known;
    const allowed = decide(impuesto, factor, tasaOCuota, use, undefined);
    if (ALLOWED.size < ALLOWED_LIMIT) ALLOWED.set(key, allowed);
    return allowed;
  }
  return decide(impuesto, factor, tasaOCuota, use, fecha);
}

/** isTasaOCuotaAllowed's answers without a Fecha. */
const ALLOWED = new Map<string, boolean>();
const ALLOWED_LIMIT = 4096;

function decide(
  impuesto: string,
  factor: string,
  tasaOCuota: string,
  use: 'traslado' | 'retencion',
  fecha: string | undefined,
): boolean {
  if (!isAmountText(tasaOCuota)) return false;
  const micros = unitsOf(tasaOCuota, 6);
  return TASA_O_CUOTA_RULES.some(
    (rule) =>
      rule.impuesto === impuesto &&
      rule.factor === factor &&
      rule[use] &&
      (fecha === undefined || isVigente(rule, fecha)) &&
      matches(rule, tasaOCuota, micros),
  );
}
