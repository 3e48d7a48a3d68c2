import { TIPOS_DE_COMPROBANTE } from '../catalogs/index.js';
import { error, type Issue } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import { decimalsOf, isAmountText, Money, roundTo, sum } from '../money.js';
import type { RuleContext, RuleDescription } from './context.js';

/*
 * SAT rules on the attributes of cfdi:Comprobante (matriz de errores CFDI40101–CFDI40129). Catalog
 * membership (CFDI40104, 40113, 40121, 40123, 40124) and the Fecha and TipoCambio patterns (CFDI40101,
 * 40117) are facets of the XSD layer (facets.ts), which reports them with these SAT codes.
 *
 * Not implemented, because the data is not available offline:
 * - CFDI40118 (TipoCambio outside the allowed range ⇒ Confirmacion): the range is SAT's published
 *   FIX rate for the day of Fecha ± c_Moneda's porcentaje_variacion, and no FIX rate is shipped.
 *   Guessing a rate would report false errors, so the rule is left to the PAC.
 * - CFDI40126 (LugarExpedicion in c_CodigoPostal): the catalog is not shipped; the five-digit shape
 *   is an XSD facet.
 * - CFDI40128, 40129 (Confirmacion issued by a PAC, not used before): only the PAC knows.
 * CFDI40127 is checked where its answer needs no FIX rate (see below).
 */

/** The comprobante rules' codes with what each checks. */
export const COMPROBANTE_RULE_CODES: readonly RuleDescription[] = [
  { code: 'CFDI40103', description: 'TipoDeComprobante T, N or P: FormaPago must not exist.' },
  { code: 'CFDI40105', description: 'MetodoPago PPD: FormaPago must be 99 (Por definir).' },
  { code: 'CFDI40107', description: "SubTotal has more decimals than the Moneda's c_Moneda decimals." },
  {
    code: 'CFDI40108',
    description: "TipoDeComprobante I, E or N: SubTotal is not the rounded sum of the conceptos' Importe.",
  },
  { code: 'CFDI40109', description: 'TipoDeComprobante T or P: SubTotal must be 0.' },
  { code: 'CFDI40110', description: 'Descuento is greater than SubTotal.' },
  { code: 'CFDI40111', description: 'TipoDeComprobante is not I, E or N and a concepto carries Descuento.' },
  { code: 'CFDI40112', description: "Descuento has more decimals than the Moneda's c_Moneda decimals." },
  { code: 'CFDI40114', description: 'Moneda MXN: TipoCambio, when present, must be 1.' },
  { code: 'CFDI40115', description: 'Moneda other than MXN and XXX: TipoCambio is required.' },
  { code: 'CFDI40116', description: 'Moneda XXX: TipoCambio must not exist.' },
  {
    code: 'CFDI40119',
    description:
      'Total is not SubTotal − Descuento + TotalImpuestosTrasladados − TotalImpuestosRetenidos + implocal TotaldeTraslados − TotaldeRetenciones.',
  },
  {
    code: 'CFDI40120',
    description:
      "Total above c_TipoDeComprobante's valor máximo for the TipoDeComprobante without Confirmacion.",
  },
  { code: 'CFDI40122', description: 'Exportacion 02 requires the Comercio Exterior complement.' },
  { code: 'CFDI40125', description: 'TipoDeComprobante T or P: MetodoPago must not exist.' },
  {
    code: 'CFDI40127',
    description:
      'Confirmacion present although no value needs it: Moneda MXN or XXX (no TipoCambio range) and Total within the valor máximo.',
  },
  {
    code: 'DESCUENTO_SUM',
    description:
      "TipoDeComprobante I, E or N: Descuento is missing or is not the rounded sum of the conceptos' Descuento (Guía de llenado; no SAT code).",
  },
];

/** Namespaces of the Comercio Exterior complement a CFDI 4.0 may carry (2.0 and 1.1). */
export const COMERCIO_EXTERIOR_NAMESPACES: ReadonlySet<string> = new Set([
  'http://www.sat.gob.mx/ComercioExterior20',
  'http://www.sat.gob.mx/ComercioExterior11',
]);

/** True when the comprobante carries a Comercio Exterior complement (CFDI40122, 40155). */
export function hasComercioExterior(c: Comprobante): boolean {
  return (c.complemento ?? []).some(
    (item) =>
      'xml' in item &&
      item.xml.namespace !== undefined &&
      COMERCIO_EXTERIOR_NAMESPACES.has(item.xml.namespace),
  );
}

/** TipoDeComprobante values whose SubTotal is the sum of the conceptos (CFDI40108, 40111). */
const SUMMED_TIPOS = new Set(['I', 'E', 'N']);
/** TipoDeComprobante values without FormaPago (CFDI40103). */
const TIPOS_WITHOUT_FORMA_PAGO = new Set(['T', 'N', 'P']);
/** TipoDeComprobante values with SubTotal 0 and no MetodoPago (CFDI40109, 40125). */
const TIPOS_WITHOUT_AMOUNTS = new Set(['T', 'P']);

/** The amount in `text`, or `undefined` when it is absent or not a plain decimal (a facet finding). */
function amount(text: string | undefined): Money | undefined {
  return text !== undefined && isAmountText(text) ? new Money(text) : undefined;
}

/** Every text parsed as an amount, or `undefined` when any of them is not one. */
function amounts(texts: readonly string[]): Money[] | undefined {
  const parsed: Money[] = [];
  for (const text of texts) {
    const value = amount(text);
    if (value === undefined) return undefined;
    parsed.push(value);
  }
  return parsed;
}

function checkSubTotal(c: Comprobante, ctx: RuleContext, issues: Issue[]): void {
  const subTotal = amount(c.subTotal);
  if (subTotal === undefined) return;
  if (ctx.decimals !== undefined && decimalsOf(c.subTotal) > ctx.decimals) {
    issues.push(
      error(
        'CFDI40107',
        ['subTotal'],
        `SubTotal ${c.subTotal} has ${decimalsOf(c.subTotal)} decimals; Moneda ${c.moneda} allows ${ctx.decimals}`,
      ),
    );
  }
  if (SUMMED_TIPOS.has(ctx.tipo) && ctx.decimals !== undefined) {
    const importes = amounts(c.conceptos.map((concepto) => concepto.importe));
    if (importes !== undefined) {
      const expected = roundTo(sum(importes), ctx.decimals);
      if (!subTotal.equals(expected)) {
        issues.push(
          error(
            'CFDI40108',
            ['subTotal'],
            `SubTotal ${c.subTotal} is not the rounded sum of the conceptos' Importe (${expected.toFixed(ctx.decimals)})`,
          ),
        );
      }
    }
  }
  if (TIPOS_WITHOUT_AMOUNTS.has(ctx.tipo) && !subTotal.isZero()) {
    issues.push(
      error('CFDI40109', ['subTotal'], `TipoDeComprobante ${ctx.tipo}: SubTotal ${c.subTotal} must be 0`),
    );
  }
}

function checkDescuento(c: Comprobante, ctx: RuleContext, issues: Issue[]): void {
  const descuento = amount(c.descuento);
  const subTotal = amount(c.subTotal);
  if (c.descuento !== undefined && descuento !== undefined) {
    if (subTotal !== undefined && descuento.greaterThan(subTotal)) {
      issues.push(
        error('CFDI40110', ['descuento'], `Descuento ${c.descuento} is greater than SubTotal ${c.subTotal}`),
      );
    }
    if (ctx.decimals !== undefined && decimalsOf(c.descuento) > ctx.decimals) {
      issues.push(
        error(
          'CFDI40112',
          ['descuento'],
          `Descuento ${c.descuento} has ${decimalsOf(c.descuento)} decimals; Moneda ${c.moneda} allows ${ctx.decimals}`,
        ),
      );
    }
  }
  if (TIPOS_WITHOUT_AMOUNTS.has(ctx.tipo)) {
    for (const [index, concepto] of c.conceptos.entries()) {
      if (concepto.descuento === undefined) continue;
      issues.push(
        error(
          'CFDI40111',
          ['conceptos', index, 'descuento'],
          `TipoDeComprobante ${ctx.tipo} is not I, E or N, so Concepto Descuento (${concepto.descuento}) must not exist`,
        ),
      );
    }
    return;
  }
  if (!SUMMED_TIPOS.has(ctx.tipo) || ctx.decimals === undefined) return;
  // Guía de llenado: Descuento is the sum of the conceptos' Descuento; the matriz has no code of its own.
  const conceptDescuentos = c.conceptos.flatMap((concepto) =>
    concepto.descuento === undefined ? [] : [concepto.descuento],
  );
  const parsed = amounts(conceptDescuentos);
  if (parsed === undefined) return;
  const expected = roundTo(sum(parsed), ctx.decimals);
  const shown = expected.toFixed(ctx.decimals);
  if (c.descuento === undefined) {
    if (!expected.isZero()) {
      issues.push(
        error(
          'DESCUENTO_SUM',
          ['descuento'],
          `Descuento is missing; the conceptos' Descuento add up to ${shown}`,
        ),
      );
    }
    return;
  }
  if (descuento !== undefined && !descuento.equals(expected)) {
    issues.push(
      error(
        'DESCUENTO_SUM',
        ['descuento'],
        `Descuento ${c.descuento} is not the rounded sum of the conceptos' Descuento (${shown})`,
      ),
    );
  }
}

function checkTipoCambio(c: Comprobante, ctx: RuleContext, issues: Issue[]): void {
  const { moneda, tipoCambio } = c;
  if (moneda === 'MXN') {
    const rate = amount(tipoCambio);
    // A TipoCambio that is not a decimal is CFDI40117's finding (facets), not this one.
    if (rate !== undefined && !rate.equals(1)) {
      issues.push(
        error('CFDI40114', ['tipoCambio'], `TipoCambio ${tipoCambio} must be 1 when Moneda is MXN`),
      );
    }
    return;
  }
  if (moneda === 'XXX') {
    if (tipoCambio !== undefined) {
      issues.push(
        error('CFDI40116', ['tipoCambio'], `TipoCambio ${tipoCambio} must not exist when Moneda is XXX`),
      );
    }
    return;
  }
  // An unknown Moneda is CFDI40113's finding; whether it needs a TipoCambio cannot be said.
  if (ctx.decimals !== undefined && tipoCambio === undefined) {
    issues.push(error('CFDI40115', ['tipoCambio'], `TipoCambio is required when Moneda is ${moneda}`));
  }
}

/** The implocal totals of every ImpuestosLocales complement, or `undefined` when one is not a decimal. */
function localTotals(c: Comprobante): { traslados: Money; retenciones: Money; present: boolean } | undefined {
  let traslados = new Money(0);
  let retenciones = new Money(0);
  let present = false;
  for (const item of c.complemento ?? []) {
    if (!('impuestosLocales' in item)) continue;
    const t = amount(item.impuestosLocales.totaldeTraslados);
    const r = amount(item.impuestosLocales.totaldeRetenciones);
    if (t === undefined || r === undefined) return undefined;
    traslados = traslados.plus(t);
    retenciones = retenciones.plus(r);
    present = true;
  }
  return { traslados, retenciones, present };
}

function checkTotal(c: Comprobante, ctx: RuleContext, issues: Issue[]): void {
  const total = amount(c.total);
  const subTotal = amount(c.subTotal);
  const descuento = c.descuento === undefined ? new Money(0) : amount(c.descuento);
  const trasladados = amount(c.impuestos?.totalImpuestosTrasladados ?? '0');
  const retenidos = amount(c.impuestos?.totalImpuestosRetenidos ?? '0');
  const locales = localTotals(c);
  if (
    total !== undefined &&
    subTotal !== undefined &&
    descuento !== undefined &&
    trasladados !== undefined &&
    retenidos !== undefined &&
    locales !== undefined
  ) {
    // Every term is already rounded to the currency, so the Total is their exact sum (rules doc A.5).
    const expected = subTotal
      .minus(descuento)
      .plus(trasladados)
      .minus(retenidos)
      .plus(locales.traslados)
      .minus(locales.retenciones);
    if (!total.equals(expected)) {
      const terms = [`SubTotal ${c.subTotal}`];
      if (c.descuento !== undefined) terms.push(`- Descuento ${c.descuento}`);
      if (c.impuestos?.totalImpuestosTrasladados !== undefined) {
        terms.push(`+ TotalImpuestosTrasladados ${c.impuestos.totalImpuestosTrasladados}`);
      }
      if (c.impuestos?.totalImpuestosRetenidos !== undefined) {
        terms.push(`- TotalImpuestosRetenidos ${c.impuestos.totalImpuestosRetenidos}`);
      }
      if (locales.present) {
        // implocal.xsd fixes two fraction digits for its totals.
        terms.push(`+ implocal TotaldeTraslados ${locales.traslados.toFixed(2)}`);
        terms.push(`- TotaldeRetenciones ${locales.retenciones.toFixed(2)}`);
      }
      const shown = expected.toFixed(Math.max(ctx.decimals ?? 0, expected.decimalPlaces()));
      issues.push(error('CFDI40119', ['total'], `Total ${c.total} is not ${terms.join(' ')} = ${shown}`));
    }
  }
  const tipo = Object.hasOwn(TIPOS_DE_COMPROBANTE, ctx.tipo) ? TIPOS_DE_COMPROBANTE[ctx.tipo] : undefined;
  if (tipo === undefined || total === undefined) return;
  const aboveMaximum = total.greaterThan(tipo.valorMaximo);
  if (aboveMaximum && c.confirmacion === undefined) {
    issues.push(
      error(
        'CFDI40120',
        ['confirmacion'],
        `Total ${c.total} is above ${tipo.valorMaximo}, the most c_TipoDeComprobante allows for TipoDeComprobante ${ctx.tipo} without Confirmacion`,
      ),
    );
  }
  // Confirmacion exists for a TipoCambio or a Total out of range. With MXN or XXX no TipoCambio range
  // applies, so when the Total is in range nothing needs a Confirmacion (CFDI40127). With any other
  // Moneda the TipoCambio range needs SAT's FIX rate, which is not available, so nothing is said.
  if (c.confirmacion !== undefined && !aboveMaximum && (c.moneda === 'MXN' || c.moneda === 'XXX')) {
    issues.push(
      error(
        'CFDI40127',
        ['confirmacion'],
        `Confirmacion ${c.confirmacion} must not exist: Moneda is ${c.moneda} and Total ${c.total} is within the range`,
      ),
    );
  }
}

function checkPago(c: Comprobante, ctx: RuleContext, issues: Issue[]): void {
  if (TIPOS_WITHOUT_FORMA_PAGO.has(ctx.tipo) && c.formaPago !== undefined) {
    issues.push(
      error(
        'CFDI40103',
        ['formaPago'],
        `FormaPago ${c.formaPago} must not exist when TipoDeComprobante is ${ctx.tipo}`,
      ),
    );
  }
  if (c.metodoPago === 'PPD' && c.formaPago !== undefined && c.formaPago !== '99') {
    issues.push(
      error('CFDI40105', ['formaPago'], `FormaPago ${c.formaPago} must be 99 when MetodoPago is PPD`),
    );
  }
  if (TIPOS_WITHOUT_AMOUNTS.has(ctx.tipo) && c.metodoPago !== undefined) {
    issues.push(
      error(
        'CFDI40125',
        ['metodoPago'],
        `MetodoPago ${c.metodoPago} must not exist when TipoDeComprobante is ${ctx.tipo}`,
      ),
    );
  }
}

/**
 * Checks the SAT rules on the comprobante's own attributes: FormaPago and MetodoPago by
 * TipoDeComprobante, SubTotal, Descuento, TipoCambio, Total (implocal included), Confirmacion and
 * the Comercio Exterior complement an export needs.
 */
export function checkComprobante(c: Comprobante, ctx: RuleContext): Issue[] {
  const issues: Issue[] = [];
  checkPago(c, ctx, issues);
  checkSubTotal(c, ctx, issues);
  checkDescuento(c, ctx, issues);
  checkTipoCambio(c, ctx, issues);
  checkTotal(c, ctx, issues);
  if (c.exportacion === '02' && !hasComercioExterior(c)) {
    issues.push(
      error(
        'CFDI40122',
        ['exportacion'],
        'Exportacion 02 (definitiva con clave A1) requires the Comercio Exterior complement (ComercioExterior 2.0 or 1.1) in Complemento',
      ),
    );
  }
  return issues;
}
