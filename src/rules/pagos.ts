import {
  FORMAS_PAGO,
  IMPUESTOS,
  isInCatalog,
  isTasaOCuotaAllowed,
  monedaDecimals,
  OBJETOS_IMP,
} from '../catalogs/index.js';
import { error, type Issue, type IssuePath, warning } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import type { DoctoRelacionado, Pago, Pagos } from '../model/pagos.js';
import { decimalsOf, isAmountText, Money } from '../money.js';
import {
  amountOrUndefined,
  EXENTO,
  IVA,
  impPagadoLimits,
  MAX_DECIMALS,
  round,
  TOTAL_LINES,
  TOTALES_DECIMALS,
  totalesSums,
  trasladoKey,
} from '../pagos/arithmetic.js';
import { isTaxImporteInWindow } from '../taxes/windows.js';
import type { RuleContext, RuleDescription } from './context.js';

/*
 * The offline checks of SAT's "Matriz de errores del complemento para recepción de pagos 2.0"
 * (rev. B): every CRP202xx rule that can be decided from the complement alone. Codes and wording come
 * from the PAC texts the SW Sapien SDK test suite asserts ("Request Error :CRP20244 - El campo
 * ImpSaldoInsoluto debe ser mayor o igual a cero y calcularse con la suma de los campos ImSaldoAnt
 * menos el ImpPagado", and so on), cross-checked with the KPac validator's transcription of the Matriz
 * (CRP20217, CRP20246–CRP20248, CRP20276–CRP20279).
 *
 * Checked here: CRP20201–CRP20215, CRP20217–CRP20219, CRP20221, CRP20223–CRP20229 (CRP20225/20226 use
 * c_FormaPago's account patterns), CRP20230–CRP20258, CRP20260–CRP20274, CRP20276–CRP20279.
 *
 * Not decidable offline: CRP20216 and CRP20220 (TipoCambioP / Monto outside SAT's published limits
 * need a Confirmacion: the limits are daily data), CRP20222 (RfcEmisorCtaOrd in SAT's l_RFC list).
 * Not checked, code unconfirmed: CRP20259 (the PAC text found for it repeats CRP20260's; a Tasa or
 * Cuota TrasladoDR without TasaOCuotaDR or ImporteDR is reported as XSD_REQUIRED instead) and CRP20275
 * (its Matriz text was not found; the per-DR limits it refers to feed CRP20276, which is checked).
 * The tipo P wrapper (Moneda XXX, Total 0, UsoCFDI CP01, the one Concepto) is ./rep.ts's.
 *
 * Tolerances. Totales (CRP20201–CRP20211) must equal the half-up rounding to 2 decimals of the exact
 * sum, as the Matriz words it; there is no other margin. ImpuestosP (CRP20265, 20268, 20269, 20274):
 * the Matriz says "igual a la suma"; when a DR has an EquivalenciaDR other than 1 the converted sum has
 * unbounded decimals, so the written value is accepted when it lies strictly within one unit of its
 * last written decimal (at most 6) of the exact sum, which admits both truncation (CfdiUtils) and
 * rounding. That margin is this library's reading, not a SAT-published one.
 */

/** Every rule code {@link checkPagos} can report, with what it checks. */
export const PAGOS_RULE_CODES: readonly RuleDescription[] = [
  { code: 'CRP20201', description: 'TotalRetencionesIVA = round2(Σ RetencionP IVA × TipoCambioP)' },
  { code: 'CRP20202', description: 'TotalRetencionesISR = round2(Σ RetencionP ISR × TipoCambioP)' },
  { code: 'CRP20203', description: 'TotalRetencionesIEPS = round2(Σ RetencionP IEPS × TipoCambioP)' },
  { code: 'CRP20204', description: 'TotalTrasladosBaseIVA16 = round2(Σ BaseP IVA 16% × TipoCambioP)' },
  { code: 'CRP20205', description: 'TotalTrasladosImpuestoIVA16 = round2(Σ ImporteP IVA 16% × TipoCambioP)' },
  { code: 'CRP20206', description: 'TotalTrasladosBaseIVA8 = round2(Σ BaseP IVA 8% × TipoCambioP)' },
  { code: 'CRP20207', description: 'TotalTrasladosImpuestoIVA8 = round2(Σ ImporteP IVA 8% × TipoCambioP)' },
  { code: 'CRP20208', description: 'TotalTrasladosBaseIVA0 = round2(Σ BaseP IVA 0% × TipoCambioP)' },
  { code: 'CRP20209', description: 'TotalTrasladosImpuestoIVA0 = round2(Σ ImporteP IVA 0% × TipoCambioP)' },
  { code: 'CRP20210', description: 'TotalTrasladosBaseIVAExento = round2(Σ BaseP IVA Exento × TipoCambioP)' },
  { code: 'CRP20211', description: 'MontoTotalPagos = round2(Σ Monto × TipoCambioP)' },
  { code: 'CRP20212', description: 'FormaDePagoP is not 99' },
  { code: 'CRP20213', description: 'MonedaP is not XXX' },
  { code: 'CRP20214', description: 'TipoCambioP is present when MonedaP is not MXN' },
  { code: 'CRP20215', description: 'TipoCambioP is "1" when MonedaP is MXN' },
  { code: 'CRP20217', description: 'Σ ImpPagado ≤ Monto when every DR is in MonedaP' },
  { code: 'CRP20218', description: 'Monto greater than zero' },
  { code: 'CRP20219', description: "Monto has at most MonedaP's decimals" },
  { code: 'CRP20221', description: 'RfcEmisorCtaOrd only with a FormaDePagoP that allows it' },
  { code: 'CRP20223', description: 'NomBancoOrdExt present with RfcEmisorCtaOrd XEXX010101000' },
  { code: 'CRP20224', description: 'CtaOrdenante only with a FormaDePagoP that allows it' },
  { code: 'CRP20225', description: "CtaOrdenante matches c_FormaPago's pattern" },
  { code: 'CRP20226', description: "CtaBeneficiario matches c_FormaPago's pattern" },
  { code: 'CRP20227', description: 'RfcEmisorCtaBen only with a FormaDePagoP that allows it' },
  { code: 'CRP20228', description: 'CtaBeneficiario only with a FormaDePagoP that allows it' },
  { code: 'CRP20229', description: 'TipoCadPago only with FormaDePagoP 03' },
  { code: 'CRP20230', description: 'CertPago present with TipoCadPago' },
  { code: 'CRP20231', description: 'CertPago absent without TipoCadPago' },
  { code: 'CRP20232', description: 'CadPago present with TipoCadPago' },
  { code: 'CRP20233', description: 'CadPago absent without TipoCadPago' },
  { code: 'CRP20234', description: 'SelloPago present with TipoCadPago' },
  { code: 'CRP20235', description: 'SelloPago absent without TipoCadPago' },
  { code: 'CRP20236', description: 'MonedaDR is not XXX' },
  { code: 'CRP20237', description: 'EquivalenciaDR present when MonedaDR is not MonedaP' },
  { code: 'CRP20238', description: 'EquivalenciaDR is "1" when MonedaDR is MonedaP' },
  { code: 'CRP20239', description: 'ImpSaldoAnt > 0' },
  { code: 'CRP20240', description: "ImpSaldoAnt has at most MonedaDR's decimals" },
  { code: 'CRP20241', description: 'ImpPagado > 0' },
  { code: 'CRP20242', description: "ImpPagado has at most MonedaDR's decimals" },
  { code: 'CRP20243', description: "ImpSaldoInsoluto has at most MonedaDR's decimals" },
  { code: 'CRP20244', description: 'ImpSaldoInsoluto ≥ 0 and = ImpSaldoAnt − ImpPagado' },
  { code: 'CRP20245', description: 'ObjetoImpDR is in c_ObjetoImp' },
  { code: 'CRP20246', description: 'ImpuestosDR present when ObjetoImpDR is 02' },
  { code: 'CRP20247', description: 'ImpuestosDR absent when ObjetoImpDR is 01, 03, 04 or 05' },
  { code: 'CRP20248', description: 'ImpuestosDR holds traslados and/or retenciones' },
  { code: 'CRP20249', description: 'RetencionDR BaseDR > 0' },
  { code: 'CRP20250', description: 'RetencionDR ImpuestoDR is in c_Impuesto' },
  { code: 'CRP20251', description: 'RetencionDR TipoFactorDR is in c_TipoFactor' },
  { code: 'CRP20252', description: 'RetencionDR TipoFactorDR is not Exento' },
  { code: 'CRP20253', description: 'RetencionDR TasaOCuotaDR is in c_TasaOCuota' },
  { code: 'CRP20254', description: 'RetencionDR ImporteDR lies between the lower and upper limits' },
  { code: 'CRP20255', description: 'TrasladoDR BaseDR > 0' },
  { code: 'CRP20256', description: 'TrasladoDR ImpuestoDR is in c_Impuesto' },
  { code: 'CRP20257', description: 'TrasladoDR TipoFactorDR is in c_TipoFactor' },
  { code: 'CRP20258', description: 'an Exento TrasladoDR has no TasaOCuotaDR and no ImporteDR' },
  { code: 'CRP20260', description: 'TrasladoDR TasaOCuotaDR is in c_TasaOCuota' },
  { code: 'CRP20261', description: 'TrasladoDR ImporteDR lies between the lower and upper limits' },
  { code: 'CRP20262', description: 'RetencionP ImpuestoP is in c_Impuesto' },
  { code: 'CRP20263', description: 'one RetencionP per ImpuestoP' },
  { code: 'CRP20264', description: 'a TotalRetenciones* attribute exists when there are RetencionP' },
  { code: 'CRP20265', description: 'RetencionP ImporteP = Σ ImporteDR / EquivalenciaDR of its impuesto' },
  { code: 'CRP20266', description: 'an Exento TrasladoP has BaseP, ImpuestoP and TipoFactorP only' },
  { code: 'CRP20267', description: 'a TotalTrasladosBaseIVA* attribute exists when there are IVA TrasladoP' },
  { code: 'CRP20268', description: 'TrasladoP BaseP = Σ BaseDR / EquivalenciaDR of its group' },
  { code: 'CRP20269', description: 'Exento TrasladoP BaseP = Σ BaseDR / EquivalenciaDR' },
  { code: 'CRP20270', description: 'TrasladoP ImpuestoP is in c_Impuesto' },
  { code: 'CRP20271', description: 'one TrasladoP per ImpuestoP, TipoFactorP and TasaOCuotaP' },
  { code: 'CRP20272', description: 'TrasladoP TasaOCuotaP is in c_TasaOCuota' },
  {
    code: 'CRP20273',
    description: 'a TotalTrasladosImpuestoIVA* attribute exists for non-Exento IVA TrasladoP',
  },
  { code: 'CRP20274', description: 'TrasladoP ImporteP = Σ ImporteDR / EquivalenciaDR of its group' },
  {
    code: 'CRP20276',
    description: 'Monto lies between Σ lower and Σ upper limits of the converted ImpPagado',
  },
  { code: 'CRP20277', description: 'EquivalenciaDR "1" counts with 10 decimals in those limits' },
  { code: 'CRP20278', description: 'ObjetoImpDR 06/08: no IVA or IEPS taxes (ISR retención allowed)' },
  { code: 'CRP20279', description: 'ObjetoImpDR 07: no IVA; an IEPS TrasladoDR is required' },
];

const ONE = new Money(1);

/** Options of {@link checkPagos}. */
export interface CheckPagosOptions {
  /**
   * `true` (default): every offline CRP rule. `false`: leave out the rules that recompute amounts
   * (Totales and MontoTotalPagos, CRP20201–CRP20211 and the Totales presence rules CRP20264, 20267,
   * 20273; ImpSaldoInsoluto = ImpSaldoAnt − ImpPagado, CRP20244; the amounts' sign and decimals,
   * CRP20239–CRP20243; the ImporteDR windows, CRP20254 and CRP20261; Monto against the DRs, CRP20217
   * and CRP20276; the ImpuestosP sums, CRP20265, 20268, 20269, 20274). That is for a complement
   * computePagos wrote, which decided each of those from the facts (or refused them with the same
   * codes) and whose output passes them all (the property tests of test/pagos pin both); the
   * catalog, presence and relation rules still run.
   */
  readonly sums?: boolean;
}

/** Checks a Pagos 2.0 complement against every offline CRP rule; one issue per finding, collected. */
export function checkPagos(pagos: Pagos, options: CheckPagosOptions = {}): Issue[] {
  const issues: Issue[] = [];
  const sums = options.sums ?? true;
  if (sums) checkTotales(pagos, issues);
  pagos.pago.forEach((pago, i) => {
    checkPago(pago, ['pago', i], issues, sums);
  });
  return issues;
}

function checkTotales(pagos: Pagos, issues: Issue[]): void {
  const sums = totalesSums(pagos.pago);
  for (const line of TOTAL_LINES) {
    const written = pagos.totales[line.field];
    const sum = sums.lines.get(line.field);
    const path = ['totales', line.field];
    if (written === undefined) continue;
    const value = amountOrUndefined(written);
    if (value === undefined) {
      issues.push(error('AMOUNT_INVALID', path, `${JSON.stringify(written)} is not a decimal amount`));
      continue;
    }
    const expected = round(sum ?? new Money(0), TOTALES_DECIMALS);
    if (!value.eq(expected)) {
      issues.push(
        error(
          line.code,
          path,
          `${line.field} ${written} is not the rounded sum of the payments' taxes × TipoCambioP (${expected.toFixed(TOTALES_DECIMALS)})`,
        ),
      );
    }
  }
  const monto = amountOrUndefined(pagos.totales.montoTotalPagos);
  const expected = round(sums.montoTotalPagos, TOTALES_DECIMALS);
  if (monto === undefined || !monto.eq(expected)) {
    issues.push(
      error(
        'CRP20211',
        ['totales', 'montoTotalPagos'],
        `MontoTotalPagos ${pagos.totales.montoTotalPagos} is not the rounded Σ Monto × TipoCambioP (${expected.toFixed(TOTALES_DECIMALS)})`,
      ),
    );
  }
  // CRP20264, CRP20267, CRP20273: the Totales attribute of every group present must exist.
  const hasRetencion = pagos.pago.some((p) => (p.impuestosP?.retencionesP?.length ?? 0) > 0);
  const t = pagos.totales;
  if (
    hasRetencion &&
    t.totalRetencionesIVA === undefined &&
    t.totalRetencionesISR === undefined &&
    t.totalRetencionesIEPS === undefined
  ) {
    issues.push(
      error(
        'CRP20264',
        ['totales'],
        'at least one TotalRetenciones* attribute must exist when there are RetencionP',
      ),
    );
  }
  for (const line of TOTAL_LINES) {
    if (sums.lines.has(line.field) && t[line.field] === undefined) {
      const code =
        line.source.kind === 'retencion'
          ? 'CRP20264'
          : line.source.amount === 'base'
            ? 'CRP20267'
            : 'CRP20273';
      issues.push(error(code, ['totales', line.field], `${line.field} must exist: a payment has that tax`));
    }
  }
}

function checkPago(pago: Pago, path: IssuePath, issues: Issue[], sums: boolean): void {
  if (pago.formaDePagoP === '99')
    issues.push(error('CRP20212', [...path, 'formaDePagoP'], 'FormaDePagoP must not be 99'));
  if (pago.monedaP === 'XXX') issues.push(error('CRP20213', [...path, 'monedaP'], 'MonedaP must not be XXX'));
  if (pago.monedaP !== 'MXN' && pago.tipoCambioP === undefined) {
    issues.push(
      error('CRP20214', [...path, 'tipoCambioP'], 'TipoCambioP is required when MonedaP is not MXN'),
    );
  }
  if (pago.monedaP === 'MXN' && pago.tipoCambioP !== undefined && pago.tipoCambioP !== '1') {
    issues.push(error('CRP20215', [...path, 'tipoCambioP'], 'TipoCambioP must be "1" when MonedaP is MXN'));
  }
  // The sign and decimals of Monto (CRP20218, 20219) and its cover of the DRs (CRP20217, 20276).
  const decimalsP = sums ? monedaDecimals(pago.monedaP) : undefined;
  const monto = sums ? amountOrUndefined(pago.monto) : undefined;
  if (sums) {
    if (monto === undefined)
      issues.push(
        error('AMOUNT_INVALID', [...path, 'monto'], `${JSON.stringify(pago.monto)} is not a decimal amount`),
      );
    else if (monto.isZero())
      issues.push(error('CRP20218', [...path, 'monto'], 'Monto must be greater than 0'));
    if (monto !== undefined && decimalsP !== undefined && decimalsOf(pago.monto) > decimalsP) {
      issues.push(
        error(
          'CRP20219',
          [...path, 'monto'],
          `Monto has more decimals than ${pago.monedaP} allows (${decimalsP})`,
        ),
      );
    }
  }
  checkBankFields(pago, path, issues);
  pago.doctoRelacionado.forEach((d, j) => {
    checkDocto(d, pago.monedaP, [...path, 'doctoRelacionado', j], issues, sums);
  });
  if (monto !== undefined && decimalsP !== undefined) checkMonto(pago, monto, decimalsP, path, issues);
  checkImpuestosP(pago, path, issues, sums);
}

function checkBankFields(pago: Pago, path: IssuePath, issues: Issue[]): void {
  const forma = FORMAS_PAGO[pago.formaDePagoP];
  const present = (field: keyof Pago): boolean => pago[field] !== undefined;
  if (forma !== undefined && isInCatalog(FORMAS_PAGO, pago.formaDePagoP)) {
    const rules: [keyof Pago, boolean, string][] = [
      ['rfcEmisorCtaOrd', forma.permiteRfcEmisorCtaOrd, 'CRP20221'],
      ['ctaOrdenante', forma.permiteCtaOrdenante, 'CRP20224'],
      ['rfcEmisorCtaBen', forma.permiteRfcEmisorCtaBen, 'CRP20227'],
      ['ctaBeneficiario', forma.permiteCtaBeneficiario, 'CRP20228'],
    ];
    for (const [field, allowed, code] of rules) {
      if (present(field) && !allowed)
        issues.push(
          error(code, [...path, field], `${field} must not exist with FormaDePagoP ${pago.formaDePagoP}`),
        );
    }
    const patterns: [keyof Pago, string | undefined, string][] = [
      ['ctaOrdenante', forma.patronCtaOrdenante, 'CRP20225'],
      ['ctaBeneficiario', forma.patronCtaBeneficiario, 'CRP20226'],
    ];
    for (const [field, pattern, code] of patterns) {
      const value = pago[field];
      if (typeof value !== 'string' || pattern === undefined) continue;
      // SAT publishes the pattern unanchored; a PAC matches the whole value.
      if (!new RegExp(`^(?:${pattern})$`).test(value))
        issues.push(
          error(code, [...path, field], `${field} does not match c_FormaPago's pattern ${pattern}`),
        );
    }
  }
  if (pago.rfcEmisorCtaOrd === 'XEXX010101000' && pago.nomBancoOrdExt === undefined) {
    issues.push(
      error(
        'CRP20223',
        [...path, 'nomBancoOrdExt'],
        'NomBancoOrdExt is required with RfcEmisorCtaOrd XEXX010101000',
      ),
    );
  }
  if (pago.tipoCadPago !== undefined && pago.formaDePagoP !== '03') {
    issues.push(error('CRP20229', [...path, 'tipoCadPago'], 'TipoCadPago exists only with FormaDePagoP 03'));
  }
  const chain: [keyof Pago, string, string][] = [
    ['certPago', 'CRP20230', 'CRP20231'],
    ['cadPago', 'CRP20232', 'CRP20233'],
    ['selloPago', 'CRP20234', 'CRP20235'],
  ];
  for (const [field, required, forbidden] of chain) {
    if (pago.tipoCadPago !== undefined && !present(field))
      issues.push(error(required, [...path, field], `${field} is required with TipoCadPago`));
    if (pago.tipoCadPago === undefined && present(field))
      issues.push(error(forbidden, [...path, field], `${field} must not exist without TipoCadPago`));
  }
}

function checkDocto(
  d: DoctoRelacionado,
  monedaP: string,
  path: IssuePath,
  issues: Issue[],
  sums: boolean,
): void {
  if (d.monedaDR === 'XXX') issues.push(error('CRP20236', [...path, 'monedaDR'], 'MonedaDR must not be XXX'));
  if (d.monedaDR !== monedaP && d.equivalenciaDR === undefined) {
    issues.push(
      error(
        'CRP20237',
        [...path, 'equivalenciaDR'],
        `EquivalenciaDR is required: MonedaDR ${d.monedaDR} is not MonedaP ${monedaP}`,
      ),
    );
  }
  if (d.monedaDR === monedaP && d.equivalenciaDR !== undefined && d.equivalenciaDR !== '1') {
    issues.push(
      error('CRP20238', [...path, 'equivalenciaDR'], 'EquivalenciaDR must be "1" when MonedaDR is MonedaP'),
    );
  }
  if (d.monedaDR === monedaP && d.equivalenciaDR === undefined) {
    // The Matriz asks for "1"; the XSD makes the attribute optional and PACs differ on its absence.
    issues.push(
      warning(
        'CRP20238',
        [...path, 'equivalenciaDR'],
        'EquivalenciaDR should be written as "1" when MonedaDR is MonedaP',
      ),
    );
  }
  if (sums) checkDoctoAmounts(d, path, issues);
  checkObjetoImp(d, path, issues);
  checkImpuestosDR(d, path, issues, sums);
}

/** The DR's amounts: sign and decimals (CRP20239–CRP20243) and the saldo insoluto (CRP20244). */
function checkDoctoAmounts(d: DoctoRelacionado, path: IssuePath, issues: Issue[]): void {
  const decimalsDR = monedaDecimals(d.monedaDR);
  const saldoAnt = amountOrUndefined(d.impSaldoAnt);
  const pagado = amountOrUndefined(d.impPagado);
  const insoluto = amountOrUndefined(d.impSaldoInsoluto);
  const amounts: [keyof DoctoRelacionado, Money | undefined, string | undefined, string][] = [
    ['impSaldoAnt', saldoAnt, 'CRP20239', 'CRP20240'],
    ['impPagado', pagado, 'CRP20241', 'CRP20242'],
    ['impSaldoInsoluto', insoluto, undefined, 'CRP20243'],
  ];
  for (const [field, value, positive, decimals] of amounts) {
    const text = d[field] as string;
    if (value === undefined) {
      // A minus sign is the one non-decimal the Matriz names: a negative saldo insoluto (CRP20244).
      const code = field === 'impSaldoInsoluto' && /^-\d/.test(text) ? 'CRP20244' : 'AMOUNT_INVALID';
      issues.push(
        error(code, [...path, field], `${JSON.stringify(text)} is not a non-negative decimal amount`),
      );
      continue;
    }
    if (positive !== undefined && value.isZero())
      issues.push(error(positive, [...path, field], `${field} must be greater than 0`));
    if (decimalsDR !== undefined && decimalsOf(text) > decimalsDR) {
      issues.push(
        error(
          decimals,
          [...path, field],
          `${field} has more decimals than ${d.monedaDR} allows (${decimalsDR})`,
        ),
      );
    }
  }
  if (
    saldoAnt !== undefined &&
    pagado !== undefined &&
    insoluto !== undefined &&
    !insoluto.eq(saldoAnt.minus(pagado))
  ) {
    issues.push(
      error(
        'CRP20244',
        [...path, 'impSaldoInsoluto'],
        `ImpSaldoInsoluto ${d.impSaldoInsoluto} is not ImpSaldoAnt − ImpPagado (${saldoAnt.minus(pagado).toFixed()})`,
      ),
    );
  }
}

function checkObjetoImp(d: DoctoRelacionado, path: IssuePath, issues: Issue[]): void {
  const objeto = d.objetoImpDR;
  if (!isInCatalog(OBJETOS_IMP, objeto)) {
    issues.push(
      error(
        'CRP20245',
        [...path, 'objetoImpDR'],
        `ObjetoImpDR ${JSON.stringify(objeto)} is not in c_ObjetoImp`,
      ),
    );
    return;
  }
  const imp = d.impuestosDR;
  if (objeto === '02' && imp === undefined)
    issues.push(error('CRP20246', [...path, 'impuestosDR'], 'ImpuestosDR must exist when ObjetoImpDR is 02'));
  if (['01', '03', '04', '05'].includes(objeto) && imp !== undefined) {
    issues.push(
      error('CRP20247', [...path, 'impuestosDR'], `ImpuestosDR must not exist when ObjetoImpDR is ${objeto}`),
    );
  }
  const traslados = imp?.trasladosDR ?? [];
  const retenciones = imp?.retencionesDR ?? [];
  if (
    (objeto === '06' || objeto === '08') &&
    (traslados.length > 0 || retenciones.some((r) => r.impuestoDR !== '001'))
  ) {
    issues.push(
      error('CRP20278', [...path, 'impuestosDR'], `ObjetoImpDR ${objeto} allows only an ISR RetencionDR`),
    );
  }
  if (objeto === '07') {
    const iva = traslados.some((t) => t.impuestoDR === IVA) || retenciones.some((r) => r.impuestoDR === IVA);
    const ieps = traslados.some((t) => t.impuestoDR === '003');
    if (iva || !ieps)
      issues.push(
        error('CRP20279', [...path, 'impuestosDR'], 'ObjetoImpDR 07 needs an IEPS TrasladoDR and no IVA'),
      );
  }
}

function checkImpuestosDR(d: DoctoRelacionado, path: IssuePath, issues: Issue[], sums: boolean): void {
  const imp = d.impuestosDR;
  if (imp === undefined) return;
  const base = [...path, 'impuestosDR'];
  if ((imp.retencionesDR?.length ?? 0) + (imp.trasladosDR?.length ?? 0) === 0) {
    issues.push(error('CRP20248', base, 'ImpuestosDR must hold traslados and/or retenciones'));
  }
  (imp.retencionesDR ?? []).forEach((r, k) => {
    const p = [...base, 'retencionesDR', k];
    const b = sums ? amountOrUndefined(r.baseDR) : undefined;
    if (sums && (b === undefined || b.isZero()))
      issues.push(
        error('CRP20249', [...p, 'baseDR'], 'BaseDR of a retención must be a decimal greater than 0'),
      );
    if (!isInCatalog(IMPUESTOS, r.impuestoDR))
      issues.push(error('CRP20250', [...p, 'impuestoDR'], `ImpuestoDR ${r.impuestoDR} is not in c_Impuesto`));
    if (r.tipoFactorDR === EXENTO)
      issues.push(error('CRP20252', [...p, 'tipoFactorDR'], 'a RetencionDR cannot be Exento'));
    else if (r.tipoFactorDR !== 'Tasa' && r.tipoFactorDR !== 'Cuota')
      issues.push(
        error('CRP20251', [...p, 'tipoFactorDR'], `TipoFactorDR ${r.tipoFactorDR} is not in c_TipoFactor`),
      );
    else if (!isTasaOCuotaAllowed(r.impuestoDR, r.tipoFactorDR, r.tasaOCuotaDR, 'retencion')) {
      issues.push(
        error(
          'CRP20253',
          [...p, 'tasaOCuotaDR'],
          `TasaOCuotaDR ${r.tasaOCuotaDR} is not in c_TasaOCuota for this retención`,
        ),
      );
    } else if (
      b !== undefined &&
      isAmountText(r.importeDR) &&
      !isTaxImporteInWindow(r.baseDR, r.tasaOCuotaDR, r.importeDR)
    ) {
      issues.push(
        error(
          'CRP20254',
          [...p, 'importeDR'],
          `ImporteDR ${r.importeDR} is outside the limits of BaseDR × TasaOCuotaDR`,
        ),
      );
    }
  });
  (imp.trasladosDR ?? []).forEach((t, k) => {
    const p = [...base, 'trasladosDR', k];
    const b = sums ? amountOrUndefined(t.baseDR) : undefined;
    if (sums && (b === undefined || b.isZero()))
      issues.push(
        error('CRP20255', [...p, 'baseDR'], 'BaseDR of a traslado must be a decimal greater than 0'),
      );
    if (!isInCatalog(IMPUESTOS, t.impuestoDR))
      issues.push(error('CRP20256', [...p, 'impuestoDR'], `ImpuestoDR ${t.impuestoDR} is not in c_Impuesto`));
    if (t.tipoFactorDR === EXENTO) {
      if (t.tasaOCuotaDR !== undefined || t.importeDR !== undefined) {
        issues.push(error('CRP20258', p, 'an Exento TrasladoDR must not carry TasaOCuotaDR or ImporteDR'));
      }
      return;
    }
    if (t.tipoFactorDR !== 'Tasa' && t.tipoFactorDR !== 'Cuota') {
      issues.push(
        error('CRP20257', [...p, 'tipoFactorDR'], `TipoFactorDR ${t.tipoFactorDR} is not in c_TipoFactor`),
      );
      return;
    }
    if (t.tasaOCuotaDR === undefined || t.importeDR === undefined) {
      issues.push(
        error('XSD_REQUIRED', p, `a ${t.tipoFactorDR} TrasladoDR needs TasaOCuotaDR and ImporteDR`),
      );
      return;
    }
    if (!isTasaOCuotaAllowed(t.impuestoDR, t.tipoFactorDR, t.tasaOCuotaDR, 'traslado')) {
      issues.push(
        error(
          'CRP20260',
          [...p, 'tasaOCuotaDR'],
          `TasaOCuotaDR ${t.tasaOCuotaDR} is not in c_TasaOCuota for this traslado`,
        ),
      );
    } else if (
      b !== undefined &&
      isAmountText(t.importeDR) &&
      !isTaxImporteInWindow(t.baseDR, t.tasaOCuotaDR, t.importeDR)
    ) {
      issues.push(
        error(
          'CRP20261',
          [...p, 'importeDR'],
          `ImporteDR ${t.importeDR} is outside the limits of BaseDR × TasaOCuotaDR`,
        ),
      );
    }
  });
}

/** CRP20217 (all DRs in MonedaP: Σ ImpPagado ≤ Monto) and CRP20276 (other currencies: Monto within Σ limits). */
function checkMonto(pago: Pago, monto: Money, decimalsP: number, path: IssuePath, issues: Issue[]): void {
  const doctos = pago.doctoRelacionado;
  if (
    doctos.some(
      (d) =>
        !isAmountText(d.impPagado) || (d.equivalenciaDR !== undefined && !isAmountText(d.equivalenciaDR)),
    )
  )
    return;
  if (doctos.some((d) => d.equivalenciaDR !== undefined && new Money(d.equivalenciaDR).isZero())) return;
  const mixed = doctos.some((d) => d.monedaDR !== pago.monedaP);
  if (!mixed) {
    const sum = doctos.reduce((acc, d) => acc.plus(d.impPagado), new Money(0));
    if (sum.greaterThan(monto)) {
      issues.push(
        error(
          'CRP20217',
          [...path, 'monto'],
          `Σ ImpPagado ${sum.toFixed()} is greater than Monto ${pago.monto}`,
        ),
      );
    }
    return;
  }
  if (doctos.some((d) => d.monedaDR !== pago.monedaP && d.equivalenciaDR === undefined)) return; // CRP20237
  const sameAsPago = doctos.length > 1 && doctos.some((d) => d.monedaDR === pago.monedaP);
  let lower = new Money(0);
  let upper = new Money(0);
  for (const d of doctos) {
    const limits = impPagadoLimits(d.impPagado, d.equivalenciaDR ?? '1', decimalsP, sameAsPago);
    lower = lower.plus(limits.lower);
    upper = upper.plus(limits.upper);
  }
  if (monto.lessThan(lower) || monto.greaterThan(upper)) {
    issues.push(
      error(
        'CRP20276',
        [...path, 'monto'],
        `Monto ${pago.monto} is outside [${lower.toFixed()}, ${upper.toFixed()}], the limits of the converted ImpPagado`,
      ),
    );
  }
}

interface Expected {
  base: Money;
  importe: Money | undefined;
}

function within(written: string, exact: Money): boolean {
  const value = new Money(written);
  const d = Math.min(decimalsOf(written), MAX_DECIMALS);
  return value
    .minus(exact)
    .abs()
    .lessThan(ONE.dividedBy(new Money(10).pow(d)));
}

function checkImpuestosP(pago: Pago, path: IssuePath, issues: Issue[], sums: boolean): void {
  const retDR = new Map<string, Money>();
  const trasDR = new Map<string, Expected>();
  // Without the sums, only the catalog, uniqueness and Exento rules of the P lines run.
  let usable = sums;
  for (const d of sums ? pago.doctoRelacionado : []) {
    const eq = d.equivalenciaDR === undefined ? ONE : amountOrUndefined(d.equivalenciaDR);
    if (eq === undefined || eq.isZero()) {
      usable = false;
      continue;
    }
    for (const r of d.impuestosDR?.retencionesDR ?? []) {
      const imp = amountOrUndefined(r.importeDR);
      if (imp === undefined) usable = false;
      else retDR.set(r.impuestoDR, (retDR.get(r.impuestoDR) ?? new Money(0)).plus(imp.dividedBy(eq)));
    }
    for (const t of d.impuestosDR?.trasladosDR ?? []) {
      const key = trasladoKey(t.impuestoDR, t.tipoFactorDR, t.tasaOCuotaDR);
      const b = amountOrUndefined(t.baseDR);
      const imp = t.importeDR === undefined ? undefined : amountOrUndefined(t.importeDR);
      if (b === undefined || (t.importeDR !== undefined && imp === undefined)) {
        usable = false;
        continue;
      }
      const group = trasDR.get(key) ?? { base: new Money(0), importe: undefined };
      group.base = group.base.plus(b.dividedBy(eq));
      if (imp !== undefined) group.importe = (group.importe ?? new Money(0)).plus(imp.dividedBy(eq));
      trasDR.set(key, group);
    }
  }
  const base = [...path, 'impuestosP'];
  const seenRet = new Set<string>();
  (pago.impuestosP?.retencionesP ?? []).forEach((r, k) => {
    const p = [...base, 'retencionesP', k];
    if (!isInCatalog(IMPUESTOS, r.impuestoP))
      issues.push(error('CRP20262', [...p, 'impuestoP'], `ImpuestoP ${r.impuestoP} is not in c_Impuesto`));
    if (seenRet.has(r.impuestoP))
      issues.push(error('CRP20263', p, `a second RetencionP for ImpuestoP ${r.impuestoP}`));
    seenRet.add(r.impuestoP);
    const expected = retDR.get(r.impuestoP) ?? new Money(0);
    if (usable && (!isAmountText(r.importeP) || !within(r.importeP, expected))) {
      issues.push(
        error(
          'CRP20265',
          [...p, 'importeP'],
          `ImporteP ${r.importeP} is not Σ ImporteDR / EquivalenciaDR (${expected.toFixed()})`,
        ),
      );
    }
  });
  const seenTras = new Set<string>();
  (pago.impuestosP?.trasladosP ?? []).forEach((t, k) => {
    const p = [...base, 'trasladosP', k];
    const key = trasladoKey(t.impuestoP, t.tipoFactorP, t.tasaOCuotaP);
    if (!isInCatalog(IMPUESTOS, t.impuestoP))
      issues.push(error('CRP20270', [...p, 'impuestoP'], `ImpuestoP ${t.impuestoP} is not in c_Impuesto`));
    if (seenTras.has(key))
      issues.push(error('CRP20271', p, 'a second TrasladoP with the same impuesto, factor and tasa'));
    seenTras.add(key);
    const exento = t.tipoFactorP === EXENTO;
    if (exento && (t.tasaOCuotaP !== undefined || t.importeP !== undefined)) {
      issues.push(error('CRP20266', p, 'an Exento TrasladoP carries only BaseP, ImpuestoP and TipoFactorP'));
    }
    if (
      !exento &&
      t.tasaOCuotaP !== undefined &&
      (t.tipoFactorP === 'Tasa' || t.tipoFactorP === 'Cuota') &&
      !isTasaOCuotaAllowed(t.impuestoP, t.tipoFactorP, t.tasaOCuotaP, 'traslado')
    ) {
      issues.push(
        error(
          'CRP20272',
          [...p, 'tasaOCuotaP'],
          `TasaOCuotaP ${t.tasaOCuotaP} is not in c_TasaOCuota for this impuesto and factor`,
        ),
      );
    }
    if (!usable) return;
    const expected = trasDR.get(key);
    if (!isAmountText(t.baseP) || !within(t.baseP, expected?.base ?? new Money(0))) {
      issues.push(
        error(
          exento ? 'CRP20269' : 'CRP20268',
          [...p, 'baseP'],
          `BaseP ${t.baseP} is not Σ BaseDR / EquivalenciaDR (${(expected?.base ?? new Money(0)).toFixed()})`,
        ),
      );
    }
    if (
      !exento &&
      t.importeP !== undefined &&
      (!isAmountText(t.importeP) || !within(t.importeP, expected?.importe ?? new Money(0)))
    ) {
      issues.push(
        error(
          'CRP20274',
          [...p, 'importeP'],
          `ImporteP ${t.importeP} is not Σ ImporteDR / EquivalenciaDR (${(expected?.importe ?? new Money(0)).toFixed()})`,
        ),
      );
    }
  });
  if (!usable) return;
  // A DR group with no ImpuestosP line: the sums cannot match what is not written.
  for (const [impuesto, value] of retDR) {
    if (!seenRet.has(impuesto))
      issues.push(error('CRP20265', base, `no RetencionP for ImpuestoP ${impuesto} (Σ ${value.toFixed()})`));
  }
  for (const [key, value] of trasDR) {
    if (!seenTras.has(key)) {
      issues.push(
        error(
          key.includes(EXENTO) ? 'CRP20269' : 'CRP20268',
          base,
          `no TrasladoP for ${key} (Σ BaseDR ${value.base.toFixed()})`,
        ),
      );
    }
  }
}

/**
 * The rules layer's check: every Pagos 2.0 complement of the comprobante, its issues at their path
 * in the comprobante (`complemento.0.pagos.pago.1.doctoRelacionado.0.impSaldoInsoluto`).
 */
export function checkComplementoPagos(
  c: Comprobante,
  _ctx: RuleContext,
  options: CheckPagosOptions = {},
): Issue[] {
  const issues: Issue[] = [];
  c.complemento?.forEach((item, idx) => {
    if (!('pagos' in item)) return;
    for (const issue of checkPagos(item.pagos, options))
      issues.push({ ...issue, path: ['complemento', idx, 'pagos', ...issue.path] });
  });
  return issues;
}
