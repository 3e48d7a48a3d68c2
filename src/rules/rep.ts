import { error, type Issue } from '../issues.js';
import type { Comprobante, Concepto } from '../model/comprobante.js';
import { isAmountText, Money } from '../money.js';
import type { RuleContext, RuleDescription } from './context.js';

/*
 * The comprobante that carries a Pagos 2.0 complement (a REP), as the Guía de llenado del CFDI al que
 * se incorpore el complemento para recepción de pagos fixes it (src/pagos/rep.ts writes exactly that).
 * The CFDI 4.0 matriz already states some of it with its own codes, reported by the comprobante rules:
 * SubTotal 0 (CFDI40109), no FormaPago (CFDI40103), no MetodoPago (CFDI40125), no Descuento
 * (CFDI40111), no Impuestos (CFDI40201), no TipoCambio with XXX (CFDI40116). The rest is checked here.
 * SAT's PACs report these with the Pagos matriz's comprobante-level codes, which could not be
 * confirmed for Pagos 2.0 offline (the 1.0 matriz numbered them CRP101–CRP122): they carry library
 * codes, each naming the Guía's requirement.
 */

/** Every code {@link checkRepComprobante} can report, with what it checks. */
export const REP_RULE_CODES: readonly RuleDescription[] = [
  {
    code: 'REP_TIPO',
    description: 'A comprobante with the Pagos complement is TipoDeComprobante P, and a P carries it.',
  },
  { code: 'REP_MONEDA', description: 'A REP is in Moneda XXX.' },
  { code: 'REP_TOTAL', description: 'A REP has Total 0.' },
  { code: 'REP_USO_CFDI', description: "A REP's receptor has UsoCFDI CP01." },
  { code: 'REP_CONCEPTOS', description: 'A REP has exactly one Concepto.' },
  {
    code: 'REP_CONCEPTO',
    description:
      'The Concepto of a REP: ClaveProdServ 84111506, Cantidad 1, ClaveUnidad ACT, Descripcion "Pago", ValorUnitario 0, Importe 0, ObjetoImp 01; no NoIdentificacion, Unidad, Descuento, Impuestos or child nodes.',
  },
];

const isZero = (text: string): boolean => isAmountText(text) && new Money(text).isZero();
const isOne = (text: string): boolean => isAmountText(text) && new Money(text).eq(1);

/** The fixed values of the REP's Concepto: [field, written as, holds]. */
const CONCEPTO_VALUES: ReadonlyArray<[keyof Concepto, string, (value: string) => boolean]> = [
  ['claveProdServ', '84111506', (v) => v === '84111506'],
  ['cantidad', '1', isOne],
  ['claveUnidad', 'ACT', (v) => v === 'ACT'],
  ['descripcion', 'Pago', (v) => v === 'Pago'],
  ['valorUnitario', '0', isZero],
  ['importe', '0', isZero],
  ['objetoImp', '01', (v) => v === '01'],
];
/** What the REP's Concepto must not carry. */
const CONCEPTO_ABSENT: ReadonlyArray<keyof Concepto> = [
  'noIdentificacion',
  'unidad',
  'descuento',
  'impuestos',
  'aCuentaTerceros',
  'informacionAduanera',
  'cuentaPredial',
  'complementoConcepto',
  'parte',
];

/** The tipo P wrapper of a Pagos 2.0 complement (see the module comment). */
export function checkRepComprobante(c: Comprobante, _ctx: RuleContext): Issue[] {
  const withPagos = c.complemento?.some((item) => 'pagos' in item) ?? false;
  const issues: Issue[] = [];
  if (!withPagos) {
    if (c.tipoDeComprobante === 'P') {
      issues.push(
        error(
          'REP_TIPO',
          ['complemento'],
          'TipoDeComprobante P needs the Pagos 2.0 complement (pago20:Pagos)',
        ),
      );
    }
    return issues;
  }
  if (c.tipoDeComprobante !== 'P') {
    issues.push(
      error(
        'REP_TIPO',
        ['tipoDeComprobante'],
        `TipoDeComprobante ${c.tipoDeComprobante} carries the Pagos complement: it must be P`,
      ),
    );
  }
  if (c.moneda !== 'XXX')
    issues.push(error('REP_MONEDA', ['moneda'], `Moneda ${c.moneda} of a REP must be XXX`));
  if (!isZero(c.total)) issues.push(error('REP_TOTAL', ['total'], `Total ${c.total} of a REP must be 0`));
  if (c.receptor.usoCFDI !== 'CP01') {
    issues.push(
      error('REP_USO_CFDI', ['receptor', 'usoCFDI'], `UsoCFDI ${c.receptor.usoCFDI} of a REP must be CP01`),
    );
  }
  if (c.conceptos.length !== 1) {
    issues.push(
      error('REP_CONCEPTOS', ['conceptos'], `a REP has exactly one Concepto, not ${c.conceptos.length}`),
    );
  }
  c.conceptos.forEach((concepto, i) => {
    for (const [field, expected, holds] of CONCEPTO_VALUES) {
      const value = concepto[field] as string;
      if (!holds(value)) {
        issues.push(
          error(
            'REP_CONCEPTO',
            ['conceptos', i, field],
            `${field} ${JSON.stringify(value)} of a REP's Concepto must be ${expected}`,
          ),
        );
      }
    }
    for (const field of CONCEPTO_ABSENT) {
      if (concepto[field] !== undefined) {
        issues.push(
          error('REP_CONCEPTO', ['conceptos', i, field], `a REP's Concepto must not carry ${field}`),
        );
      }
    }
  });
  return issues;
}
