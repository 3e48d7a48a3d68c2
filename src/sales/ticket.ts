import { monedaDecimals } from '../catalogs/moneda.js';
import { CfdiLayoutError } from '../errors.js';
import { ExactSum, IMPORTE_INTEGER_DIGITS, integerDigitsOf } from '../money.js';
import type { SalesConfig } from './config.js';
import { type Group, type GroupOrder, groupByTicket, recordKey, type TicketGroup } from './group.js';
import type { SalesRecord } from './readers.js';
import { makeReject, type RowIssue, type TicketReject } from './rejects.js';
import { parseSalesRow, type SalesReceptor, type SalesRow } from './row.js';

/**
 * A ticket: the valid rows of one (ticket, sucursal), with the values the whole ticket shares.
 * Each line keeps its own importe and rates; `total` is their exact sum.
 */
export interface Ticket {
  readonly ticket: string;
  readonly sucursal: string;
  /** Row numbers in the export, ascending. */
  readonly rows: readonly number[];
  readonly lines: readonly SalesRow[];
  /**
   * The fecha of its rows. Rows that disagree reject the ticket, unless the config's
   * `input.mixedFecha` is `latest`: then the latest, as a ticket is issued when it closes.
   */
  readonly fecha: string;
  readonly moneda: string;
  readonly tipoCambio?: string;
  /** The forma de pago that paid the largest part of the ticket (SAT Guía: the predominant one). */
  readonly formaPago: string;
  /** The latest vencimiento of its rows. */
  readonly vencimiento: string;
  /** Present when the rows carry receptor columns: the ticket is a nominative invoice. */
  readonly receptor?: SalesReceptor;
  readonly tag?: string;
  /** Σ importe of the lines, with the currency's decimals. */
  readonly total: string;
}

/** A ticket ready to build, or the reason it was rejected. */
export type TicketItem =
  | { readonly kind: 'ticket'; readonly ticket: Ticket }
  | { readonly kind: 'reject'; readonly reject: TicketReject };

function sameReceptor(a: SalesReceptor, b: SalesReceptor): boolean {
  return (
    a.rfc === b.rfc &&
    a.nombre === b.nombre &&
    a.domicilioFiscalReceptor === b.domicilioFiscalReceptor &&
    a.regimenFiscalReceptor === b.regimenFiscalReceptor &&
    a.usoCFDI === b.usoCFDI
  );
}

/** Options of {@link assembleTicket}. */
export interface AssembleOptions {
  /** Rows of one ticket with different fecha values (the config's `input.mixedFecha`). Defaults to `reject`. */
  readonly mixedFecha?: 'reject' | 'latest';
}

/**
 * Turns a group of rows into a ticket, or a reject naming every row and every finding: one broken row
 * rejects its whole ticket (a partial ticket would not match what the customer paid), never the batch.
 */
export function assembleTicket(group: TicketGroup, options: AssembleOptions = {}): TicketItem {
  const latestFecha = options.mixedFecha === 'latest';
  const rowNumbers = group.rows.map((r) => r.row);
  const issues: RowIssue[] = [...group.issues];
  for (const row of group.rows) issues.push(...row.issues);
  const ticketName = group.key?.ticket ?? null;
  const sucursal = group.key?.sucursal ?? '';
  if (issues.length > 0 || group.key === undefined) {
    return { kind: 'reject', reject: makeReject(ticketName, sucursal, rowNumbers, issues) };
  }
  const lines = group.rows.map((r) => r.value as SalesRow);
  const first = lines[0] as SalesRow;
  let receptor: SalesReceptor | undefined;
  let tipoCambio: string | undefined;
  let fecha = first.fecha;
  let vencimiento = first.vencimiento;
  let tag: string | undefined;
  // parseSalesRow checked every importe against its currency's decimals: they sum exactly at those.
  const decimals = monedaDecimals(first.moneda) ?? 2;
  const total = new ExactSum(decimals);
  // Most tickets are paid one way; the per-forma sums are only kept once a second forma appears.
  let byFormaPago: Map<string, ExactSum> | undefined;
  const added = (sum: ExactSum, line: SalesRow): ExactSum => {
    if (!sum.add(line.importe))
      throw new CfdiLayoutError(
        'AMOUNT_INVALID',
        `row ${line.row}: importe ${JSON.stringify(line.importe)} is not a decimal amount`,
      );
    return sum;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as SalesRow;
    added(total, line);
    if (line.moneda !== first.moneda) {
      issues.push({
        row: line.row,
        field: 'moneda',
        code: 'SALES_TICKET_MONEDA_MIXED',
        message: `row ${line.row} is in ${line.moneda} but the ticket's first row in ${first.moneda}; one comprobante has one Moneda`,
      });
    }
    if (line.tipoCambio !== undefined) {
      if (tipoCambio === undefined) tipoCambio = line.tipoCambio;
      else if (tipoCambio !== line.tipoCambio) {
        issues.push({
          row: line.row,
          field: 'tipoCambio',
          code: 'SALES_TICKET_MONEDA_MIXED',
          message: `row ${line.row} gives tipoCambio ${line.tipoCambio} but an earlier row of the ticket ${tipoCambio}`,
        });
      }
    }
    if (line.receptor !== undefined) {
      if (receptor === undefined) receptor = line.receptor;
      else if (!sameReceptor(receptor, line.receptor)) {
        issues.push({
          row: line.row,
          field: 'receptorRfc',
          code: 'SALES_TICKET_RECEPTOR_MIXED',
          message: `row ${line.row} names receptor ${line.receptor.rfc} but an earlier row of the ticket names ${receptor.rfc}`,
        });
      }
    }
    if (byFormaPago === undefined && line.formaPago !== first.formaPago) {
      byFormaPago = new Map();
      for (let j = 0; j < i; j++) {
        const earlier = lines[j] as SalesRow;
        byFormaPago.set(
          earlier.formaPago,
          added(byFormaPago.get(earlier.formaPago) ?? new ExactSum(decimals), earlier),
        );
      }
    }
    byFormaPago?.set(line.formaPago, added(byFormaPago.get(line.formaPago) ?? new ExactSum(decimals), line));
    if (line.fecha !== first.fecha && !latestFecha) {
      issues.push({
        row: line.row,
        field: 'fecha',
        code: 'SALES_TICKET_FECHA_MIXED',
        message: `row ${line.row} has fecha ${line.fecha} but the ticket's first row (row ${first.row}) ${first.fecha}; one comprobante has one Fecha (set input.mixedFecha to latest to issue the ticket at its latest fecha)`,
      });
    }
    if (line.fecha > fecha) fecha = line.fecha;
    if (line.vencimiento > vencimiento) vencimiento = line.vencimiento;
    tag ??= line.tag;
  }
  const totalText = total.text(decimals);
  // Each row is within t_Importe (parseSalesRow); their sum, the comprobante's Total, must be too.
  if (totalText.length > IMPORTE_INTEGER_DIGITS && integerDigitsOf(totalText) > IMPORTE_INTEGER_DIGITS) {
    issues.push({
      field: 'importe',
      code: 'SALES_IMPORTE_TOO_LARGE',
      message: `the ticket's total ${totalText} (Σ importe of rows ${rowNumbers.join(', ')}) has ${integerDigitsOf(totalText)} integer digits; a Total (t_Importe) has at most ${IMPORTE_INTEGER_DIGITS}`,
    });
  }
  if (issues.length > 0)
    return { kind: 'reject', reject: makeReject(ticketName, sucursal, rowNumbers, issues) };

  let formaPago = first.formaPago;
  if (byFormaPago !== undefined) {
    let largest: ExactSum | undefined;
    // Map order is first appearance, so a tie keeps the forma de pago seen first.
    for (const [code, amount] of byFormaPago) {
      if (largest === undefined || amount.greaterThan(largest)) {
        largest = amount;
        formaPago = code;
      }
    }
  }
  const ticket: Ticket = {
    ticket: group.key.ticket,
    sucursal: group.key.sucursal,
    rows: rowNumbers.length === 1 ? rowNumbers : [...rowNumbers].sort((a, b) => a - b),
    lines,
    fecha,
    moneda: first.moneda,
    ...(tipoCambio === undefined ? {} : { tipoCambio }),
    formaPago,
    vencimiento,
    ...(receptor === undefined ? {} : { receptor }),
    ...(tag === undefined ? {} : { tag }),
    total: totalText,
  };
  return { kind: 'ticket', ticket };
}

/** Counters of a run, updated as tickets flow; they reconcile: tickets = written + rejected + skipped. */
export interface SalesStats {
  /** Data rows read (header excluded). */
  rows: number;
  /** Tickets formed (a row without a ticket number counts as one). */
  tickets: number;
}

/** Options of {@link readTickets}. */
export interface ReadTicketsOptions {
  /** Defaults to `sorted` (see `groupTickets`). */
  readonly order?: GroupOrder;
  /** What a reappearing ticket does in sorted order (see `GroupOptions`). Defaults to `reject`. */
  readonly onSplit?: 'reject' | 'throw';
  /** Counters updated while reading. */
  readonly stats?: SalesStats;
}

/** Checks the records of one ticket (see `parseSalesRow`) and assembles them (see {@link assembleTicket}). */
export function ticketFromRecords(group: Group<SalesRecord>, config: SalesConfig): TicketItem {
  const rows = group.items.map((record) => parseSalesRow(record, config));
  return assembleTicket(
    group.key === undefined ? { rows, issues: group.issues } : { key: group.key, rows, issues: group.issues },
    { mixedFecha: config.input.mixedFecha },
  );
}

/**
 * The sales pipeline up to tickets: groups records by ticket key, checks each record and assembles
 * each ticket. Yields tickets and rejects in input order (of each ticket's first row for unsorted input).
 */
export async function* readTickets(
  records: AsyncIterable<SalesRecord>,
  config: SalesConfig,
  options: ReadTicketsOptions = {},
): AsyncGenerator<TicketItem> {
  for await (const group of groupRecords(records, options)) yield ticketFromRecords(group, config);
}

/**
 * The grouping half of {@link readTickets}: records by ticket, not yet checked, so the checking and
 * building can run elsewhere (the worker threads of a parallel build). Updates `options.stats`.
 */
export async function* groupRecords(
  records: AsyncIterable<SalesRecord>,
  options: ReadTicketsOptions = {},
): AsyncGenerator<Group<SalesRecord>> {
  const stats = options.stats;
  // The key function sees every record once, in order: it counts the rows (no extra generator hop).
  const keyOf =
    stats === undefined
      ? recordKey
      : (record: SalesRecord) => {
          stats.rows++;
          return recordKey(record);
        };
  const grouping = { order: options.order ?? 'sorted', onSplit: options.onSplit ?? 'reject' } as const;
  for await (const group of groupByTicket(records, keyOf, grouping)) {
    if (stats !== undefined) stats.tickets++;
    yield group;
  }
}
