import type { ValidationLevel } from '../batch/comprobante.js';
import { safeFileName } from '../batch/documents.js';
import { type LayoutWriter, layoutWriter } from '../batch/layout-text.js';
import { monedaDecimals } from '../catalogs/moneda.js';
import { CfdiLayoutError } from '../errors.js';
import { formatPath, type Issue, type IssuePath } from '../issues.js';
import type { CompiledLayout, LayoutDefinition } from '../layouts/index.js';
import type { Comprobante } from '../model/comprobante.js';
import { ExactSum, formatAmount, Money } from '../money.js';
import { MAX_DECIMALS } from '../pagos/arithmetic.js';
import { computePagos } from '../pagos/compute.js';
import type { DoctoRelacionadoFacts, PagoFacts } from '../pagos/facts.js';
import { repComprobante } from '../pagos/rep.js';
import {
  checkComplementoPagos,
  checkEmisorReceptor,
  checkFacets,
  makeContext,
  validateComprobante,
} from '../rules/index.js';
import { PAYMENT_COLUMNS } from '../sales/columns.js';
import type { SalesConfig } from '../sales/config.js';
import type { SalesRecord } from '../sales/readers.js';
import { makeReject, type RowIssue, type TicketReject } from '../sales/rejects.js';
import type { Csd } from '../sealing/csd.js';
import { sealDocument } from '../sealing/seal.js';
import { renderComprobante } from '../xml/render.js';
import { type PaymentColumns, type PaymentRow, parsePaymentRow } from './row.js';

/*
 * A payments export → one recibo electrónico de pago (CFDI tipo P with Pagos 2.0) per payment. The
 * rows of a payment are gathered wherever they are in the file (payments exports are small next to
 * sales exports: they are held in memory); the parcialidades of each invoice are checked across the
 * whole export; each payment's complement is computed by computePagos, wrapped by repComprobante and
 * held to every offline SAT rule (CFDI40 and CRP202xx) before it is written. A payment that cannot
 * become a valid REP is rejected with every finding and its rows: rows in = rows of written REPs +
 * rows of rejects.
 */

/** One REP of a payments export, with what a ZIP manifest lists. */
export interface RepDocument {
  /** `SERIE-FOLIO.xml`, safe for any file system. */
  readonly name: string;
  /** The payment's key: its `pago` id, or receptor, fecha de pago, forma, moneda and operación. */
  readonly payment: string;
  readonly rows: readonly number[];
  readonly comprobante: Comprobante;
  readonly text: string;
  readonly serie: string;
  readonly folio: string;
  /** MontoTotalPagos: a REP's Total is 0, so this is what a manifest shows. */
  readonly total: string;
}

/** What {@link buildReps} yields per payment, in the order payments first appear in the export. */
export type RepItem =
  | { readonly kind: 'output'; readonly value: RepDocument }
  | { readonly kind: 'reject'; readonly reject: TicketReject };

/** Options of {@link buildReps}. */
export interface BuildRepsOptions {
  /** Seal each REP with the emisor's CSD (check it with `checkCsdRfc` first); XML only. */
  readonly csd?: Csd | undefined;
  /** Write each REP as a text of this layout (tralix-40 carries Pagos 2.0) instead of XML. */
  readonly layout?: LayoutDefinition | CompiledLayout | undefined;
  /**
   * `fast` (default, as for sales batches): the XSD facets and catalogs of every attribute (the rows'
   * texts reach the REP unchecked: forma de pago, receptor, número de operación, serie and folio),
   * the emisor and receptor rules, and the CRP rules that do not recompute amounts. The amounts are
   * computePagos's, which decided every CRP amount rule from the facts (refusing with the same codes)
   * and whose output passes them all; the wrapper is repComprobante's fixed tipo P. `full`: every
   * offline rule (validateComprobante), about four times the cost.
   */
  readonly validation?: ValidationLevel | undefined;
  /** Counts rows read. */
  readonly stats?: { rows: number };
}

interface PaymentGroup {
  readonly key: string;
  readonly rows: PaymentRow[];
  readonly issues: RowIssue[];
}

const PAYMENT_FIELDS: ReadonlyArray<[keyof PaymentColumns, string]> = [
  ['fecha', 'fecha'],
  ['fechaPago', 'fechaPago'],
  ['formaDePagoP', 'formaDePagoP'],
  ['monedaP', 'monedaP'],
  ['tipoCambioP', 'tipoCambioP'],
  ['monto', 'monto'],
  ['numOperacion', 'numOperacion'],
];

/**
 * The rows of a group must agree on every payment column (the first row's values are the payment's),
 * and name each paid invoice once: a Pago has one DoctoRelacionado per invoice, whose ImpPagado is
 * all that payment paid of it.
 */
function checkConsistent(group: PaymentGroup): void {
  const seen = new Map<string, number>();
  for (const row of group.rows) {
    const id = row.value?.docto.idDocumento.toLowerCase();
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, row.row);
    else {
      group.issues.push({
        row: row.row,
        field: 'idDocumento',
        code: 'PAYMENTS_DOCTO_REPEATED',
        message: `invoice ${id} is already paid by row ${first} of the same payment: give it one row with what this payment paid of it`,
      });
    }
  }
  const [first, ...rest] = group.rows.map((r) => r.value?.payment);
  if (first === undefined) return;
  group.rows.slice(1).forEach((row, i) => {
    const payment = rest[i];
    if (payment === undefined) return;
    for (const [field, column] of PAYMENT_FIELDS) {
      if (payment[field] !== first[field]) {
        group.issues.push({
          row: row.row,
          field: column,
          code: 'PAYMENTS_GROUP_INCONSISTENT',
          message: `${column} ${JSON.stringify(payment[field] ?? '')} differs from ${JSON.stringify(first[field] ?? '')} on row ${group.rows[0]?.row} of the same payment`,
        });
      }
    }
    const a = payment.receptor;
    const b = first.receptor;
    if (
      a.rfc !== b.rfc ||
      a.nombre !== b.nombre ||
      a.domicilioFiscalReceptor !== b.domicilioFiscalReceptor ||
      a.regimenFiscalReceptor !== b.regimenFiscalReceptor
    ) {
      group.issues.push({
        row: row.row,
        field: 'receptorRfc',
        code: 'PAYMENTS_GROUP_INCONSISTENT',
        message: `the receptor columns differ from row ${group.rows[0]?.row} of the same payment`,
      });
    }
  });
}

interface Parcialidad {
  readonly group: PaymentGroup;
  readonly row: number;
  readonly number: number;
  readonly fechaPago: string;
  readonly saldoAnt: string;
  readonly pagado: string;
}

/**
 * Across the export, the parcialidades of one invoice: no number paid twice, numbers in the order of
 * their fechas de pago, and each saldo anterior the previous one less what it paid (when both are in
 * the export). The later payment of a broken pair is the one rejected.
 */
function checkParcialidades(groups: readonly PaymentGroup[]): void {
  const byInvoice = new Map<string, Parcialidad[]>();
  for (const group of groups) {
    for (const row of group.rows) {
      const value = row.value;
      if (value === undefined) continue;
      const id = value.docto.idDocumento.toLowerCase();
      const list = byInvoice.get(id) ?? [];
      byInvoice.set(id, list);
      list.push({
        group,
        row: row.row,
        number: Number(value.docto.numParcialidad),
        fechaPago: value.payment.fechaPago,
        saldoAnt: value.docto.impSaldoAnt,
        pagado: value.docto.impPagado,
      });
    }
  }
  for (const [id, list] of byInvoice) {
    list.sort((a, b) => a.number - b.number || a.row - b.row);
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1] as Parcialidad;
      const p = list[i] as Parcialidad;
      const add = (code: string, message: string) =>
        p.group.issues.push({ row: p.row, field: 'numParcialidad', code, message: `${id}: ${message}` });
      if (p.number === before.number) {
        add('PAYMENTS_PARCIALIDAD_REPEATED', `parcialidad ${p.number} is also paid on row ${before.row}`);
        continue;
      }
      if (p.fechaPago < before.fechaPago) {
        add(
          'PAYMENTS_PARCIALIDAD_ORDER',
          `parcialidad ${p.number} is paid on ${p.fechaPago}, before parcialidad ${before.number} (row ${before.row}, ${before.fechaPago})`,
        );
      }
      if (p.number === before.number + 1) {
        const expected = new Money(before.saldoAnt).minus(before.pagado);
        if (!expected.equals(p.saldoAnt)) {
          p.group.issues.push({
            row: p.row,
            field: 'impSaldoAnt',
            code: 'PAYMENTS_SALDO_CHAIN',
            message: `${id}: impSaldoAnt ${p.saldoAnt} of parcialidad ${p.number} is not ${expected.toFixed()}, the saldo insoluto of parcialidad ${before.number} (row ${before.row})`,
          });
        }
      }
    }
  }
}

/** Monto when the export leaves it out: Σ ImpPagado / EquivalenciaDR, half up at MonedaP's decimals. */
function montoOf(payment: PaymentColumns, doctos: readonly DoctoRelacionadoFacts[]): string {
  if (payment.monto !== undefined) return payment.monto;
  const decimals = monedaDecimals(payment.monedaP) ?? 2;
  if (doctos.every((d) => d.equivalenciaDR === undefined || d.equivalenciaDR === '1')) {
    // Nothing to divide: the exact sum of the ImpPagado texts, rounded as below.
    const exact = new ExactSum(MAX_DECIMALS);
    if (doctos.every((d) => exact.add(d.impPagado))) return exact.text(decimals);
  }
  let sum = new Money(0);
  for (const d of doctos) sum = sum.plus(new Money(d.impPagado).dividedBy(d.equivalenciaDR ?? '1'));
  return formatAmount(sum, decimals);
}

const COLUMNS: ReadonlySet<string> = new Set(PAYMENT_COLUMNS);

/**
 * Where an issue of the REP points: a DoctoRelacionado's row, or every row of the payment; the
 * column when the attribute is one (`impPagado`), else the path in the comprobante
 * (`complemento.0.pagos.totales.montoTotalPagos`).
 */
function rowIssuesOf(issues: readonly Issue[], rows: readonly number[], inPagos: boolean): RowIssue[] {
  return issues.map((issue) => {
    const at = issue.path.indexOf('doctoRelacionado');
    const index = at < 0 ? undefined : issue.path[at + 1];
    const row = typeof index === 'number' ? rows[index] : undefined;
    const last = issue.path.at(-1);
    const path = inPagos ? ['complemento', 0, 'pagos', ...issue.path] : issue.path;
    return {
      ...(row === undefined ? {} : { row }),
      field: typeof last === 'string' && COLUMNS.has(last) ? last : formatPath(path),
      code: issue.code,
      message: issue.message,
    };
  });
}

function reject(group: PaymentGroup, issues: readonly RowIssue[]): RepItem {
  return {
    kind: 'reject',
    reject: makeReject(
      group.key,
      '',
      group.rows.map((r) => r.row),
      issues,
    ),
  };
}

/** The rules of a validation level on a REP built here (see {@link BuildRepsOptions.validation}). */
function repIssues(c: Comprobante, validation: ValidationLevel): Issue[] {
  if (validation === 'full') return validateComprobante(c);
  const ctx = makeContext(c);
  return [
    ...checkFacets(c, ctx),
    ...checkEmisorReceptor(c, ctx),
    ...checkComplementoPagos(c, ctx, { sums: false }),
  ];
}

function buildGroup(
  group: PaymentGroup,
  folio: string,
  config: SalesConfig,
  options: BuildRepsOptions,
  writer: LayoutWriter | undefined,
): RepItem {
  const { csd, validation = 'fast' } = options;
  const rowIssues = [...group.rows.flatMap((r) => r.issues), ...group.issues];
  if (rowIssues.length > 0) return reject(group, rowIssues);
  const rows = group.rows.map((r) => r.row);
  const values = group.rows.map((r) => r.value as NonNullable<PaymentRow['value']>);
  const payment = (values[0] as (typeof values)[number]).payment;
  const doctos = values.map((v) => v.docto);
  const pago: PagoFacts = {
    fechaPago: payment.fechaPago,
    formaDePagoP: payment.formaDePagoP,
    monedaP: payment.monedaP,
    ...(payment.tipoCambioP === undefined ? {} : { tipoCambioP: payment.tipoCambioP }),
    monto: montoOf(payment, doctos),
    ...(payment.numOperacion === undefined ? {} : { numOperacion: payment.numOperacion }),
    doctoRelacionado: doctos,
  };
  const { pagos, issues } = computePagos({ pago: [pago] });
  if (pagos === undefined) return reject(group, rowIssuesOf(issues, rows, true));
  const c = repComprobante(
    {
      serie: config.pagos.serie,
      folio,
      fecha: payment.fecha === '' ? payment.fechaPago : payment.fecha,
      lugarExpedicion: config.lugarExpedicion,
      emisor: {
        rfc: config.emisor.rfc,
        nombre: config.emisor.nombre,
        regimenFiscal: config.emisor.regimenFiscal,
      },
      receptor: payment.receptor,
    },
    pagos,
  );
  const errors = repIssues(c, validation).filter((i) => i.severity === 'error');
  if (errors.length > 0) return reject(group, rowIssuesOf(errors, rows, false));
  let comprobante = c;
  let text: string;
  if (writer !== undefined) {
    const rendered = writer.render(c, undefined, 'invoice');
    if (rendered.text === undefined) return reject(group, rendered.issues);
    text = rendered.text;
  } else {
    try {
      if (csd === undefined) text = renderComprobante(c);
      else ({ comprobante, xml: text } = sealDocument(c, csd));
    } catch (err) {
      if (!(err instanceof CfdiLayoutError)) throw err;
      return reject(group, [
        { field: formatPath((err.location?.path ?? []) as IssuePath), code: err.code, message: err.message },
      ]);
    }
  }
  return {
    kind: 'output',
    value: {
      name: `${safeFileName(`${config.pagos.serie}-${folio}`)}.${writer === undefined ? 'xml' : 'txt'}`,
      payment: group.key,
      rows,
      comprobante,
      text,
      serie: config.pagos.serie,
      folio,
      total: pagos.totales.montoTotalPagos,
    },
  };
}

/**
 * Builds the REPs of a payments export (records read with `PAYMENT_COLUMN_SET`). Folio is the
 * payment's `pago` id, else its position among the export's payments (1, 2, ...); Fecha is the
 * `fecha` column, else the fecha de pago; Serie is the config's `pagos.serie`.
 */
export async function* buildReps(
  records: AsyncIterable<SalesRecord> | Iterable<SalesRecord>,
  config: SalesConfig,
  options: BuildRepsOptions = {},
): AsyncGenerator<RepItem> {
  const groups = new Map<string, PaymentGroup>();
  for await (const record of records) {
    if (options.stats !== undefined) options.stats.rows++;
    const row = parsePaymentRow(record);
    // A row that cannot say which payment it is part of is a reject of its own.
    const key = row.key ?? `row ${record.row}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, rows: [], issues: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  const all = [...groups.values()];
  for (const group of all) checkConsistent(group);
  checkParcialidades(all);
  const writer = options.layout === undefined ? undefined : layoutWriter(options.layout, config);
  let ordinal = 0;
  for (const group of all) {
    ordinal++;
    const pago = group.rows[0]?.value?.payment.pago;
    const folio = pago === undefined || pago === '' ? String(ordinal) : pago;
    yield buildGroup(group, folio, config, options, writer);
  }
}
