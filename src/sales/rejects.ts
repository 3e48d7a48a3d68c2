/**
 * Codes of the findings that reject a ticket, with what each means. SAT rules found when a ticket is
 * turned into a comprobante keep their SAT code (`CFDI40108`), and layout problems their layout code.
 */
export const SALES_ISSUE_CODES = {
  SALES_RECORD_MALFORMED:
    'The record cannot be read: a CSV quote never closed (each line it swallowed is rejected, with the line range), or JSON that is not an object.',
  SALES_COLUMN_COUNT: 'The CSV record has a different number of fields than the header.',
  SALES_TICKET_MISSING: 'The row has no ticket number, so it belongs to no ticket.',
  SALES_FECHA_INVALID: 'fecha is not a real YYYY-MM-DDTHH:MM:SS (or YYYY-MM-DD) date.',
  SALES_VENCIMIENTO_INVALID: 'vencimiento is not a real YYYY-MM-DD date, or is before fecha.',
  SALES_IMPORTE_INVALID: 'importe is empty or not a plain decimal number.',
  SALES_IMPORTE_NEGATIVE: 'importe is negative.',
  SALES_IMPORTE_ZERO:
    'importe is zero: a CFDI concept needs ValorUnitario and Base greater than zero (CFDI40166, CFDI40174).',
  SALES_IMPORTE_TOO_LARGE:
    "importe, or the ticket's total, has more than 18 integer digits (t_Importe), on every target.",
  SALES_IMPORTE_DECIMALS: 'importe has more decimals than its currency allows (c_Moneda).',
  SALES_RATE_UNKNOWN:
    'iva, ieps or ish is not a rate SAT accepts (IVA 16, 8, 0 or exento; IEPS per c_TasaOCuota; ISH 0–10 %).',
  SALES_FORMA_PAGO_UNKNOWN: 'formaPago is not in c_FormaPago.',
  SALES_MONEDA_UNKNOWN: 'moneda is not in c_Moneda.',
  SALES_TIPO_CAMBIO_INVALID:
    'tipoCambio is not a positive decimal with at most 18 integer digits and 6 decimals (CFDI40117).',
  SALES_CANTIDAD_INVALID: 'cantidad is not a positive decimal with at most 6 decimals.',
  SALES_CATALOG_UNKNOWN: 'claveProdServ, claveUnidad or objetoImp is not a SAT catalog key.',
  SALES_TEXT_INVALID:
    'A text field is too long, holds a line break (refused in every text column, on every target), a | in a CFDI field, or characters a CFDI cannot carry.',
  SALES_RECEPTOR_INCOMPLETE: 'Some receptor columns are filled and others are empty.',
  SALES_RECEPTOR_INVALID: 'A receptor column is not valid (RFC, código postal, régimen fiscal or uso CFDI).',
  SALES_TICKET_MONEDA_MIXED: 'The rows of one ticket use different currencies.',
  SALES_TICKET_RECEPTOR_MIXED: 'The rows of one ticket name different receptors.',
  SALES_TICKET_FECHA_MIXED:
    'The rows of one ticket carry different fecha values; one comprobante has one Fecha (input.mixedFecha: latest takes the latest).',
  SALES_TICKET_SPLIT: 'Rows of a ticket appear again after the ticket was closed, in input declared sorted.',
  SALES_SUCURSAL_MISSING: 'The target needs a sucursal id (Tralix idSucursal) and the ticket has none.',
  SALES_ORDER_MIXED_RATES:
    'An order carries one IVA and one ISH rate; the ticket mixes rates (see orders.splitMixedRates).',
  SALES_ORDER_UNSUPPORTED: 'The ticket has a tax an order cannot carry (IEPS, IVA exento).',
  SALES_GLOBAL_ISH_REFUSED:
    'The ticket has ISH and the configuration refuses ISH in the factura global (global.ish: reject).',
  SALES_JSON_AMOUNT_INEXACT:
    'The target writes this amount as a JSON number (Tralix monto, seed 000) and the provider takes no string there, but it has more than 15 digits, which a JSON reader cannot hold exactly.',
  SALES_BUILD_FAILED: 'The ticket could not be turned into a comprobante.',
} as const;

/** A code of {@link SALES_ISSUE_CODES}. */
export type SalesIssueCode = keyof typeof SALES_ISSUE_CODES;

/** One finding about a row or a ticket of a sales export. */
export interface RowIssue {
  /** Row number in the export (CSV: header is row 1; JSON lines: line number; JSON array: item number from 1); absent for ticket-wide findings. */
  readonly row?: number;
  /** Physical line in a CSV export, for findings about the text itself (a quote never closed). */
  readonly line?: number;
  /** The canonical column (`importe`), or a model path (`conceptos.0.importe`), or empty for the whole row. */
  readonly field: string;
  /** A sales code, a SAT rule code (`CFDI40108`) or a layout code. */
  readonly code: string;
  readonly message: string;
}

/**
 * A rejected ticket as one line of the rejects file: the ticket, its rows, and its first finding
 * (`row`, `field`, `code`, `message`) repeated at the top so a reader sees the reason at a glance;
 * `issues` lists every finding.
 */
export interface TicketReject {
  /** The ticket number, `null` for a row without one. */
  readonly ticket: string | null;
  readonly sucursal: string;
  /** Every row of the ticket, ascending. */
  readonly rows: readonly number[];
  readonly row: number | null;
  readonly field: string;
  readonly code: string;
  readonly message: string;
  readonly issues: readonly RowIssue[];
}

/** Builds a ticket reject from its findings (at least one). */
export function makeReject(
  ticket: string | null,
  sucursal: string,
  rows: readonly number[],
  issues: readonly RowIssue[],
): TicketReject {
  const first = issues[0] ?? {
    field: '',
    code: 'SALES_BUILD_FAILED',
    message: SALES_ISSUE_CODES.SALES_BUILD_FAILED,
  };
  const sorted = [...rows].sort((a, b) => a - b);
  return {
    ticket,
    sucursal,
    rows: sorted,
    row: first.row ?? null,
    field: first.field,
    code: first.code,
    message: first.message,
    issues: issues.length === 0 ? [first] : issues,
  };
}

/** Serializes a reject as one JSON line (no trailing newline). */
export function rejectToJsonLine(reject: TicketReject): string {
  return JSON.stringify(reject);
}
