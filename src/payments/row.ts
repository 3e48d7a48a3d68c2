import { isCfdiLayoutError } from '../errors.js';
import { amountFromJson } from '../money.js';
import type { DoctoRelacionadoFacts, ImpuestoFact } from '../pagos/facts.js';
import { checkRfc } from '../rfc/rfc.js';
import type { PaymentColumn } from '../sales/columns.js';
import type { SalesRecord } from '../sales/readers.js';
import type { RowIssue } from '../sales/rejects.js';
import { normalizeNumber, parseFecha } from '../sales/row.js';
import { illegalCharOffset } from '../xml/xml-chars.js';

/*
 * One row of a payments export: one payment × one paid invoice. The row's payment columns say which
 * payment it belongs to (see {@link paymentKey}); its invoice columns become one DoctoRelacionado's
 * facts. Amounts stay as written (exact decimal text); rates are percentages as the sales export
 * writes them (`16`, `8`, `0`, `exento`; `10.6667` for the two-thirds IVA retention) and become
 * SAT's six-decimal TasaOCuota. Catalogs and the arithmetic are left to computePagos and the CRP
 * rules, which report with SAT's codes.
 */

/** Codes of the findings of a payments row or payment group, with what each means. */
export const PAYMENT_ISSUE_CODES = {
  PAYMENTS_VALUE_MISSING: 'A required column is empty.',
  PAYMENTS_FECHA_INVALID: 'fechaPago or fecha is not a real YYYY-MM-DDTHH:MM:SS (or YYYY-MM-DD) date.',
  PAYMENTS_AMOUNT_INVALID:
    'monto, tipoCambioP, equivalenciaDR, impSaldoAnt or impPagado is not a non-negative decimal.',
  PAYMENTS_UUID_INVALID: 'idDocumento is not the UUID (folio fiscal) of a CFDI.',
  PAYMENTS_PARCIALIDAD_INVALID: 'numParcialidad is not a whole number from 1 to 999.',
  PAYMENTS_RATE_INVALID: 'iva, ieps, retencionIva or retencionIsr is not a percentage (or exento for iva).',
  PAYMENTS_RECEPTOR_INVALID: 'receptorRfc is not an RFC, or a text column holds what a CFDI cannot carry.',
  PAYMENTS_GROUP_INCONSISTENT:
    'Rows of one payment disagree on a payment column (fechaPago, formaDePagoP, monedaP, tipoCambioP, monto, the receptor).',
  PAYMENTS_PARCIALIDAD_REPEATED: 'Two payments of the export pay the same parcialidad of one invoice.',
  PAYMENTS_DOCTO_REPEATED:
    'One payment lists the same invoice (idDocumento) on two rows: a REP has one DoctoRelacionado per paid invoice.',
  PAYMENTS_PARCIALIDAD_ORDER: 'A later parcialidad of an invoice is paid before an earlier one.',
  PAYMENTS_SALDO_CHAIN:
    "A parcialidad's impSaldoAnt is not the previous parcialidad's impSaldoAnt − impPagado.",
} as const;

/** A code of {@link PAYMENT_ISSUE_CODES}. */
export type PaymentIssueCode = keyof typeof PAYMENT_ISSUE_CODES;

/** The receptor of a payment's REP (the receptor of the paid invoices). */
export interface PaymentReceptor {
  readonly rfc: string;
  readonly nombre: string;
  readonly domicilioFiscalReceptor: string;
  readonly regimenFiscalReceptor: string;
}

/** The payment columns of a row: every row of one payment must carry the same. */
export interface PaymentColumns {
  /** The explicit payment id (`pago` column), or `''`. */
  readonly pago: string;
  /** The REP's Fecha when the export gives one (`fecha` column), or `''`. */
  readonly fecha: string;
  readonly fechaPago: string;
  readonly formaDePagoP: string;
  readonly monedaP: string;
  readonly tipoCambioP: string | undefined;
  readonly monto: string | undefined;
  readonly numOperacion: string | undefined;
  readonly receptor: PaymentReceptor;
}

/** A row read: its payment columns and its DoctoRelacionado facts, or the findings that reject it. */
export interface PaymentRow {
  readonly row: number;
  readonly value?: { readonly payment: PaymentColumns; readonly docto: DoctoRelacionadoFacts };
  /** The payment the row belongs to, when its payment columns could be read (even if the rest failed). */
  readonly key?: string;
  readonly issues: readonly RowIssue[];
}

/** Pagos20.xsd's IdDocumento pattern (a UUID, either case). */
const UUID = /^[a-f0-9A-F]{8}-[a-f0-9A-F]{4}-[a-f0-9A-F]{4}-[a-f0-9A-F]{4}-[a-f0-9A-F]{12}$/;
const PARCIALIDAD = /^[1-9][0-9]{0,2}$/;
const PERCENT = /^\d{1,3}(\.\d{1,4})?$/;

class RowCheck {
  readonly issues: RowIssue[] = [];
  constructor(readonly row: number) {}
  add(field: PaymentColumn | '', code: PaymentIssueCode, message: string): undefined {
    this.issues.push({ row: this.row, field, code, message });
    return undefined;
  }
}

function textOf(record: SalesRecord, column: PaymentColumn, check: RowCheck): string {
  const value = (record.values as Partial<Record<PaymentColumn, unknown>>)[column];
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    check.add(column, 'PAYMENTS_VALUE_MISSING', `${column} must be text or a number, not ${typeof value}`);
    return '';
  }
  const text = value.trim();
  const at = illegalCharOffset(text);
  if (at >= 0 || text.includes('|'))
    check.add(column, 'PAYMENTS_RECEPTOR_INVALID', `${column} holds a character a CFDI cannot carry`);
  return text;
}

function required(check: RowCheck, column: PaymentColumn, text: string): string {
  if (text === '') check.add(column, 'PAYMENTS_VALUE_MISSING', `${column} is empty`);
  return text;
}

function amountOf(
  record: SalesRecord,
  check: RowCheck,
  column: PaymentColumn,
  text: string,
): string | undefined {
  if (text === '') return undefined;
  const raw = (record.values as Partial<Record<PaymentColumn, unknown>>)[column];
  try {
    return amountFromJson(typeof raw === 'number' ? raw : text);
  } catch (err) {
    const why = isCfdiLayoutError(err, 'AMOUNT_NEGATIVE') ? 'is negative' : 'is not a decimal amount';
    return check.add(column, 'PAYMENTS_AMOUNT_INVALID', `${column} ${JSON.stringify(text)} ${why}`);
  }
}

/** A percentage cell (`16`, `16.00`, `10.6667`, `16%`) as SAT's TasaOCuota (`0.160000`). */
function tasaOf(check: RowCheck, column: PaymentColumn, text: string): string | undefined {
  const value = text.replace(/%$/, '').trim();
  if (!PERCENT.test(value)) {
    return check.add(
      column,
      'PAYMENTS_RATE_INVALID',
      `${column} ${JSON.stringify(text)} is not a percentage`,
    );
  }
  // Percent with up to 4 decimals → a fraction with exactly 6: shift the decimal point two places.
  const [int = '0', frac = ''] = normalizeNumber(value).split('.');
  const digits = `${int}${frac.padEnd(4, '0')}`.replace(/^0+(?=\d)/, '').padStart(7, '0');
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

function fechaOf(check: RowCheck, column: 'fecha' | 'fechaPago', text: string): string {
  if (text === '') return '';
  const fecha = parseFecha(text);
  if (fecha === undefined) {
    check.add(
      column,
      'PAYMENTS_FECHA_INVALID',
      `${column} ${JSON.stringify(text)} is not a real date and time`,
    );
    return '';
  }
  return fecha;
}

function taxesOf(
  check: RowCheck,
  get: (c: PaymentColumn) => string,
): { traslados: ImpuestoFact[]; retenciones: ImpuestoFact[] } {
  const traslados: ImpuestoFact[] = [];
  const retenciones: ImpuestoFact[] = [];
  const iva = get('iva');
  if (/^exento$/i.test(iva)) traslados.push({ impuesto: '002', tipoFactor: 'Exento' });
  else if (iva !== '') {
    const tasa = tasaOf(check, 'iva', iva);
    if (tasa !== undefined) traslados.push({ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: tasa });
  }
  const taxes: Array<[PaymentColumn, string, ImpuestoFact[]]> = [
    ['ieps', '003', traslados],
    ['retencionIva', '002', retenciones],
    ['retencionIsr', '001', retenciones],
  ];
  for (const [column, impuesto, into] of taxes) {
    const text = get(column);
    if (text === '') continue;
    const tasa = tasaOf(check, column, text);
    if (tasa !== undefined) into.push({ impuesto, tipoFactor: 'Tasa', tasaOCuota: tasa });
  }
  return { traslados, retenciones };
}

/**
 * Reads one payments row: every finding is collected; a row with any finding has no `value` and
 * rejects its payment.
 */
export function parsePaymentRow(record: SalesRecord): PaymentRow {
  const check = new RowCheck(record.row);
  check.issues.push(...record.issues);
  const get = (column: PaymentColumn) => textOf(record, column, check);

  const fechaPago = fechaOf(check, 'fechaPago', required(check, 'fechaPago', get('fechaPago')));
  const fecha = fechaOf(check, 'fecha', get('fecha'));
  const formaText = required(check, 'formaDePagoP', get('formaDePagoP'));
  // Spreadsheets drop the leading zero of c_FormaPago: `3` is `03`.
  const formaDePagoP = /^\d$/.test(formaText) ? `0${formaText}` : formaText;
  const monedaP = get('monedaP').toUpperCase() || 'MXN';
  const tipoCambioP = amountOf(record, check, 'tipoCambioP', get('tipoCambioP'));
  const monto = amountOf(record, check, 'monto', get('monto'));
  const numOperacion = get('numOperacion');
  const rfc = required(check, 'receptorRfc', get('receptorRfc').toUpperCase());
  if (rfc !== '') {
    for (const issue of checkRfc(rfc).issues) {
      if (issue.severity === 'error')
        check.add('receptorRfc', 'PAYMENTS_RECEPTOR_INVALID', `receptorRfc ${rfc}: ${issue.message}`);
    }
  }
  const receptor: PaymentReceptor = {
    rfc,
    nombre: required(check, 'receptorNombre', get('receptorNombre')),
    domicilioFiscalReceptor: required(check, 'receptorDomicilioFiscal', get('receptorDomicilioFiscal')),
    regimenFiscalReceptor: required(check, 'receptorRegimenFiscal', get('receptorRegimenFiscal')),
  };

  const paymentRead = check.issues.length === 0;
  const payment: PaymentColumns = {
    pago: get('pago'),
    fecha,
    fechaPago,
    formaDePagoP,
    monedaP,
    tipoCambioP: tipoCambioP ?? (monedaP === 'MXN' ? '1' : undefined),
    monto,
    numOperacion: numOperacion === '' ? undefined : numOperacion,
    receptor,
  };
  const key = paymentRead ? paymentKey(payment) : payment.pago === '' ? undefined : payment.pago;

  const idDocumento = required(check, 'idDocumento', get('idDocumento'));
  if (idDocumento !== '' && !UUID.test(idDocumento)) {
    check.add(
      'idDocumento',
      'PAYMENTS_UUID_INVALID',
      `idDocumento ${JSON.stringify(idDocumento)} is not a UUID (the paid CFDI's folio fiscal)`,
    );
  }
  const numParcialidad = required(check, 'numParcialidad', get('numParcialidad'));
  if (numParcialidad !== '' && !PARCIALIDAD.test(numParcialidad)) {
    check.add(
      'numParcialidad',
      'PAYMENTS_PARCIALIDAD_INVALID',
      `numParcialidad ${JSON.stringify(numParcialidad)} is not a whole number from 1 to 999`,
    );
  }
  const impSaldoAnt = amountOf(
    record,
    check,
    'impSaldoAnt',
    required(check, 'impSaldoAnt', get('impSaldoAnt')),
  );
  const impPagado = amountOf(record, check, 'impPagado', required(check, 'impPagado', get('impPagado')));
  const monedaDR = get('monedaDR').toUpperCase() || monedaP;
  const equivalenciaDR =
    amountOf(record, check, 'equivalenciaDR', get('equivalenciaDR')) ??
    (monedaDR === monedaP ? '1' : undefined);
  const { traslados, retenciones } = taxesOf(check, get);
  const objetoImpDR = get('objetoImpDR') || (traslados.length + retenciones.length > 0 ? '02' : '01');
  const serie = get('serieDR');
  const folio = get('folioDR');

  if (check.issues.length > 0 || impSaldoAnt === undefined || impPagado === undefined)
    return { row: record.row, issues: check.issues, ...(key === undefined ? {} : { key }) };
  return {
    row: record.row,
    issues: [],
    ...(key === undefined ? {} : { key }),
    value: {
      payment,
      docto: {
        idDocumento,
        ...(serie === '' ? {} : { serie }),
        ...(folio === '' ? {} : { folio }),
        monedaDR,
        ...(equivalenciaDR === undefined ? {} : { equivalenciaDR }),
        numParcialidad,
        impSaldoAnt,
        impPagado,
        objetoImpDR,
        ...(traslados.length > 0 ? { traslados } : {}),
        ...(retenciones.length > 0 ? { retenciones } : {}),
      },
    },
  };
}

/**
 * The payment a row belongs to: its `pago` id when the export has one; otherwise the receptor, the
 * fecha de pago, the forma, the currency and the número de operación together.
 */
export function paymentKey(payment: PaymentColumns): string {
  if (payment.pago !== '') return payment.pago;
  return [
    payment.receptor.rfc,
    payment.fechaPago,
    payment.formaDePagoP,
    payment.monedaP,
    payment.numOperacion ?? '',
  ]
    .filter((part) => part !== '')
    .join(' ');
}
