import type { Issue } from '../issues.js';
import { formatPath } from '../issues.js';
import type { RowIssue, TicketReject } from '../sales/rejects.js';
import { makeReject } from '../sales/rejects.js';
import type { Ticket, TicketItem } from '../sales/ticket.js';

/**
 * What a target yields for each ticket, in input order: its payload, the reject that explains why
 * there is none, or a skip (a ticket the target does not handle, such as a ticket without receptor
 * for an invoice target; the factura global takes those).
 */
export type BuildItem<T> =
  | { readonly kind: 'output'; readonly ticket: Ticket; readonly value: T }
  | { readonly kind: 'reject'; readonly reject: TicketReject }
  | { readonly kind: 'skip'; readonly ticket: Ticket; readonly reason: string };

/** Tickets to build: an async stream (`readTickets`) or any iterable of them. */
export type TicketSource = AsyncIterable<TicketItem> | Iterable<TicketItem>;

/** Counters of a build: `tickets === written + rejected + skipped` always. */
export interface BuildCounts {
  tickets: number;
  written: number;
  rejected: number;
  skipped: number;
}

/** Fresh zeroed {@link BuildCounts}. */
export function emptyCounts(): BuildCounts {
  return { tickets: 0, written: 0, rejected: 0, skipped: 0 };
}

/** Adds one item to the counters. */
export function countItem(counts: BuildCounts, item: BuildItem<unknown>): void {
  counts.tickets++;
  if (item.kind === 'output') counts.written++;
  else if (item.kind === 'reject') counts.rejected++;
  else counts.skipped++;
}

/**
 * Turns model issues of a ticket's comprobante into reject findings: a path into a concept names the
 * row the concept came from (`conceptos.2.importe` → that line's row), so the user finds it in the export.
 */
export function issuesToRowIssues(issues: readonly Issue[], ticket: Ticket): RowIssue[] {
  return issues.map((issue) => {
    const [head, index] = issue.path;
    const line = head === 'conceptos' && typeof index === 'number' ? ticket.lines[index] : undefined;
    return {
      ...(line === undefined ? {} : { row: line.row }),
      field: formatPath(issue.path),
      code: issue.code,
      message: issue.message,
    };
  });
}

/** A reject of a whole ticket for the given findings. */
export function rejectTicket(ticket: Ticket, issues: readonly RowIssue[]): BuildItem<never> {
  return { kind: 'reject', reject: makeReject(ticket.ticket, ticket.sucursal, ticket.rows, issues) };
}

/** A one-finding reject of a whole ticket. */
export function rejectTicketFor(
  ticket: Ticket,
  field: string,
  code: string,
  message: string,
): BuildItem<never> {
  return rejectTicket(ticket, [{ field, code, message }]);
}
