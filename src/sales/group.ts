import { CfdiLayoutError } from '../errors.js';
import { KeyHashSet, keyHash } from './key-set.js';
import type { SalesRecord } from './readers.js';
import type { RowIssue } from './rejects.js';
import { type ParsedSalesRow, type TicketKey, ticketKeyString } from './row.js';

/*
 * Grouping rows into tickets. Rows with the same (ticket, sucursal) form one ticket wherever they are.
 *
 * - `sorted`: ERPs export a ticket's rows together, so a ticket is complete when the next key
 *   appears; it is emitted at once and its rows are released. Memory holds one ticket's rows plus
 *   the set of closed keys (about 100 bytes per ticket; 9 to 18 bytes with `onSplit: 'throw'`, which
 *   keeps hashes, see key-set.ts), whatever the file size. If a closed key
 *   shows up again, those rows cannot join a ticket already emitted: they become their own group
 *   with a `SALES_TICKET_SPLIT` finding, so nothing is lost and the counts still reconcile.
 * - `unsorted`: every row is held until the end, then tickets are emitted in order of first
 *   appearance. Memory grows with the file (about 1 KB per row: 1,000,000 rows need about 1 GB).
 *
 * Order `auto` (the CLI's default) is optimistic: it streams as `sorted` with `onSplit: 'throw'`,
 * writing its outputs to staging files; the first closed key that reappears throws `SALES_UNSORTED`,
 * the staged outputs are dropped and the run starts over as `unsorted` (standard input is first
 * spilled to a temporary file so that it can be read twice). Sorted input thus streams in flat memory
 * and pays nothing for the check; unsorted input is grouped correctly at the cost of a second read
 * and of holding its rows. `detectSalesOrder` answers the same question up front, reading only keys.
 */

/** How rows are grouped into tickets. */
export type GroupOrder = 'sorted' | 'unsorted';

/** Items of one ticket (rows, or records before they are checked), or a single item without a ticket number. */
export interface Group<T> {
  readonly key?: TicketKey;
  readonly items: readonly T[];
  /** Findings about the group as a whole (a split ticket). */
  readonly issues: readonly RowIssue[];
}

/** The rows of one ticket, or a single row without a ticket number (`key` absent). */
export interface TicketGroup {
  readonly key?: TicketKey;
  readonly rows: readonly ParsedSalesRow[];
  /** Findings about the group as a whole (a split ticket). */
  readonly issues: readonly RowIssue[];
}

/** Options of {@link groupTickets} and {@link groupByTicket}. */
export interface GroupOptions {
  /** Defaults to `sorted`. */
  readonly order?: GroupOrder;
  /**
   * Sorted order only: what happens when a closed ticket's rows appear again. `reject` (default) makes
   * them their own group with a `SALES_TICKET_SPLIT` finding; `throw` stops with `SALES_UNSORTED`, for a
   * caller that can start over with `unsorted` (the CLI's order `auto`).
   */
  readonly onSplit?: 'reject' | 'throw';
}

function keyText(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/**
 * The ticket key of a record as `parseSalesRow` reads it (trimmed ticket and sucursal), or
 * `undefined` when the record has no ticket number.
 */
export function recordKey(record: SalesRecord): TicketKey | undefined {
  const ticket = keyText(record.values.ticket);
  return ticket === '' ? undefined : { ticket, sucursal: keyText(record.values.sucursal) };
}

function hashedKeys(): { has(text: string): boolean; add(text: string): void } {
  const set = new KeyHashSet();
  return {
    has: (text) => set.has(keyHash(text)),
    add: (text) => {
      set.add(keyHash(text));
    },
  };
}

function splitIssue(key: TicketKey): RowIssue {
  return {
    field: 'ticket',
    code: 'SALES_TICKET_SPLIT',
    message: `rows of ticket ${key.ticket}${key.sucursal === '' ? '' : ` (sucursal ${key.sucursal})`} appear again after the ticket was closed: the input is not sorted by ticket; read it with order auto or unsorted`,
  };
}

/** Groups items (rows or records) by ticket key (see the module comment for the two orders). */
export async function* groupByTicket<T>(
  items: AsyncIterable<T>,
  keyOf: (item: T) => TicketKey | undefined,
  options: GroupOptions = {},
): AsyncGenerator<Group<T>> {
  if ((options.order ?? 'sorted') === 'unsorted') {
    // A Map keeps insertion order, so tickets come out in order of their first item.
    const groups = new Map<string, { key: TicketKey; items: T[] }>();
    for await (const item of items) {
      const key = keyOf(item);
      if (key === undefined) {
        yield { items: [item], issues: [] };
        continue;
      }
      const text = ticketKeyString(key);
      const group = groups.get(text);
      if (group === undefined) groups.set(text, { key, items: [item] });
      else group.items.push(item);
    }
    for (const [text, group] of groups) {
      groups.delete(text);
      yield { key: group.key, items: group.items, issues: [] };
    }
    return;
  }
  const strict = options.onSplit === 'throw';
  // Closed keys: hashes where a reappearance stops the pass (a collision only costs a rerun
  // unsorted), the exact keys where it is reported as a split ticket.
  const closed: { has(text: string): boolean; add(text: string): void } = strict
    ? hashedKeys()
    : new Set<string>();
  let current: T[] = [];
  let currentText: string | undefined;
  let currentKey: TicketKey | undefined;
  for await (const item of items) {
    const key = keyOf(item);
    if (key === undefined) {
      yield { items: [item], issues: [] };
      continue;
    }
    const text = ticketKeyString(key);
    if (text !== currentText) {
      if (strict && closed.has(text)) {
        throw new CfdiLayoutError(
          'SALES_UNSORTED',
          `rows of ticket ${key.ticket} appear again after other tickets: the input is not sorted by ticket`,
        );
      }
      if (currentText !== undefined && currentKey !== undefined) {
        const split = closed.has(currentText);
        closed.add(currentText);
        yield { key: currentKey, items: current, issues: split ? [splitIssue(currentKey)] : [] };
      }
      current = [];
      currentText = text;
      currentKey = key;
    }
    current.push(item);
  }
  if (currentText !== undefined && currentKey !== undefined) {
    yield {
      key: currentKey,
      items: current,
      issues: closed.has(currentText) ? [splitIssue(currentKey)] : [],
    };
  }
}

/** Groups checked rows into tickets (see the module comment for the two orders). */
export async function* groupTickets(
  rows: AsyncIterable<ParsedSalesRow>,
  options: GroupOptions = {},
): AsyncGenerator<TicketGroup> {
  for await (const group of groupByTicket(rows, (row) => row.key, options)) {
    yield group.key === undefined
      ? { rows: group.items, issues: group.issues }
      : { key: group.key, rows: group.items, issues: group.issues };
  }
}

/** What {@link detectSalesOrder} found. */
export interface SalesOrderReport {
  /** True when every ticket's rows are together. */
  readonly sorted: boolean;
  /** Data rows read. */
  readonly rows: number;
  /** Distinct (ticket, sucursal) keys. */
  readonly tickets: number;
}

/**
 * Reads only the ticket keys of an export and reports whether its rows are grouped by ticket, plus
 * the number of rows and tickets (used for the progress bar's total). Memory: the set of keys.
 */
export async function detectSalesOrder(records: AsyncIterable<SalesRecord>): Promise<SalesOrderReport> {
  const seen = new Set<string>();
  let previous: string | undefined;
  let sorted = true;
  let rows = 0;
  for await (const record of records) {
    rows++;
    const key = recordKey(record);
    if (key === undefined) continue;
    const text = ticketKeyString(key);
    if (text === previous) continue;
    if (seen.has(text)) sorted = false;
    seen.add(text);
    previous = text;
  }
  return { sorted, rows, tickets: seen.size };
}
