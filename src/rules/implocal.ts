import { error, type Issue, type IssuePath, warning } from '../issues.js';
import type { Comprobante, ImpuestosLocales } from '../model/comprobante.js';
import { decimalsOf, isAmountText, Money } from '../money.js';
import { taxWindow } from '../taxes/windows.js';
import type { RuleContext } from './context.js';

/*
 * The implocal:ImpuestosLocales 1.0 complement (rules doc B). SAT publishes no matriz de errores for
 * it, so these checks carry library codes: the XSD fixes version "1.0" and 2 fraction digits on every
 * amount and rate, the totals are the sums of their lines (CfdiUtils SumasConceptos and the KPac
 * validator add them to the CFDI40119 Total), and an Importe should be its rate (a percentage,
 * "3.00" = 3%) applied to the base. The base is not written in the complement, so the last check is a
 * warning, made only where a base can be derived.
 */

/** implocal.xsd: every amount and rate is an xs:decimal with fractionDigits 2. */
const IMPLOCAL_DECIMALS = 2;

/** Checks every implocal:ImpuestosLocales complement: version, decimals, totals and each Importe against its rate. */
export function checkImpuestosLocales(c: Comprobante, _ctx: RuleContext): Issue[] {
  const issues: Issue[] = [];
  const base = derivableBase(c);
  c.complemento?.forEach((item, idx) => {
    if ('impuestosLocales' in item) {
      checkComplement(item.impuestosLocales, ['complemento', idx, 'impuestosLocales'], base, issues);
    }
  });
  return issues;
}

/**
 * The base the local taxes apply to as far as the comprobante tells: SubTotal − Descuento. With one
 * concepto it is exact; with several, a local tax (ISH on lodging only) may cover some of them, so
 * it is only an upper bound.
 */
interface DerivedBase {
  readonly amount: string;
  readonly exact: boolean;
}

function derivableBase(c: Comprobante): DerivedBase | undefined {
  const descuento = c.descuento ?? '0';
  if (!isAmountText(c.subTotal) || !isAmountText(descuento)) return undefined;
  const amount = new Money(c.subTotal).minus(descuento);
  if (amount.lte(0)) return undefined;
  // Keep the decimals written: the A.4 tolerance comes from them (2000.00, not 2000).
  const decimals = Math.max(decimalsOf(c.subTotal), decimalsOf(descuento));
  return { amount: amount.toFixed(decimals), exact: c.conceptos.length === 1 };
}

function checkComplement(
  il: ImpuestosLocales,
  path: IssuePath,
  base: DerivedBase | undefined,
  issues: Issue[],
): void {
  // The model types version as the literal "1.0"; a document built without the schema may still differ.
  const version: string = il.version;
  if (version !== '1.0') {
    issues.push(
      error(
        'IMPLOCAL_VERSION',
        [...path, 'version'],
        `ImpuestosLocales version ${JSON.stringify(version)} must be "1.0"`,
      ),
    );
  }
  checkDecimals([...path, 'totaldeRetenciones'], 'TotaldeRetenciones', il.totaldeRetenciones, issues);
  checkDecimals([...path, 'totaldeTraslados'], 'TotaldeTraslados', il.totaldeTraslados, issues);

  const retenciones = il.retencionesLocales ?? [];
  const traslados = il.trasladosLocales ?? [];
  retenciones.forEach((r, k) => {
    const at: IssuePath = [...path, 'retencionesLocales', k];
    const label = `RetencionesLocales ${k + 1} (${r.impLocRetenido})`;
    checkDecimals([...at, 'tasadeRetencion'], `${label}: TasadeRetencion`, r.tasadeRetencion, issues);
    checkDecimals([...at, 'importe'], `${label}: Importe`, r.importe, issues);
    checkImporte([...at, 'importe'], label, r.tasadeRetencion, r.importe, base, issues);
  });
  traslados.forEach((t, k) => {
    const at: IssuePath = [...path, 'trasladosLocales', k];
    const label = `TrasladosLocales ${k + 1} (${t.impLocTrasladado})`;
    checkDecimals([...at, 'tasadeTraslado'], `${label}: TasadeTraslado`, t.tasadeTraslado, issues);
    checkDecimals([...at, 'importe'], `${label}: Importe`, t.importe, issues);
    checkImporte([...at, 'importe'], label, t.tasadeTraslado, t.importe, base, issues);
  });

  checkTotal(
    'IMPLOCAL_TOTAL_RETENCIONES',
    [...path, 'totaldeRetenciones'],
    'TotaldeRetenciones',
    il.totaldeRetenciones,
    retenciones.map((r) => r.importe),
    'RetencionesLocales',
    issues,
  );
  checkTotal(
    'IMPLOCAL_TOTAL_TRASLADOS',
    [...path, 'totaldeTraslados'],
    'TotaldeTraslados',
    il.totaldeTraslados,
    traslados.map((t) => t.importe),
    'TrasladosLocales',
    issues,
  );
}

function checkDecimals(path: IssuePath, field: string, text: string, issues: Issue[]): void {
  if (!isAmountText(text)) {
    issues.push(
      error(
        'IMPLOCAL_DECIMALS',
        path,
        `${field} ${JSON.stringify(text)} is not a decimal amount (implocal.xsd: decimal, 2 fraction digits)`,
      ),
    );
  } else if (decimalsOf(text) > IMPLOCAL_DECIMALS) {
    issues.push(
      error(
        'IMPLOCAL_DECIMALS',
        path,
        `${field} ${text} has ${decimalsOf(text)} decimals; implocal.xsd allows at most ${IMPLOCAL_DECIMALS}`,
      ),
    );
  }
}

function checkTotal(
  code: string,
  path: IssuePath,
  field: string,
  total: string,
  importes: readonly string[],
  lines: string,
  issues: Issue[],
): void {
  if (!isAmountText(total) || !importes.every(isAmountText)) return;
  const sum = importes.reduce((acc, v) => acc.plus(v), new Money(0));
  if (!new Money(total).equals(sum)) {
    issues.push(
      error(
        code,
        path,
        `${field} ${total} is not the sum of the ${lines} Importe values (${sum.toFixed(IMPLOCAL_DECIMALS)})`,
      ),
    );
  }
}

/**
 * Warns when an Importe does not match its rate: outside the A.4 window of base × tasa / 100 when
 * the base is exact, above its upper limit when the base is only an upper bound. There is no SAT rule
 * for it, hence a warning.
 */
function checkImporte(
  path: IssuePath,
  label: string,
  tasa: string,
  importe: string,
  base: DerivedBase | undefined,
  issues: Issue[],
): void {
  if (base === undefined || !isAmountText(tasa) || !isAmountText(importe)) return;
  const rate = new Money(tasa).dividedBy(100).toFixed();
  const decimals = Math.max(decimalsOf(importe), IMPLOCAL_DECIMALS);
  const { lower, upper } = taxWindow(base.amount, rate, decimals);
  const value = new Money(importe);
  const tooHigh = value.gt(upper);
  if (!tooHigh && (!base.exact || value.gte(lower))) return;
  const expected = new Money(base.amount).times(rate).toFixed(IMPLOCAL_DECIMALS);
  const basis = base.exact
    ? `SubTotal − Descuento ${base.amount}`
    : `at most SubTotal − Descuento ${base.amount} (several conceptos, so only the upper limit is checked)`;
  issues.push(
    warning(
      'IMPLOCAL_IMPORTE',
      path,
      `${label}: Importe ${importe} does not match rate ${tasa}% of the base, ${basis}: expected about ${expected}, ` +
        `allowed ${lower.toFixed(decimals)} to ${upper.toFixed(decimals)} (no SAT rule exists for implocal amounts, so this is a warning)`,
    ),
  );
}
