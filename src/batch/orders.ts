import { monedaDecimals } from '../catalogs/moneda.js';
import { fitsJsonNumber, formatAmount, Money } from '../money.js';
import type { SalesConfig } from '../sales/config.js';
import type { SalesRow } from '../sales/row.js';
import type { Ticket } from '../sales/ticket.js';
import { type BuildItem, rejectTicketFor, type TicketSource } from './build-item.js';
import { JsonDecimal, toJsonText } from './json-text.js';

/**
 * A Factu-Ramval autofacturación order (seed 001, POST `/v4/autofacturacion/multiple`). `importe` is
 * the tax-included total (IVA and ISH, as the seed's "siempre incluye el IVA"); the provider splits
 * it with the one `iva` rate and the one `ish` rate the order carries. Amounts and rates are decimal
 * strings here; {@link ordersJson} writes `importe` and `ish` as JSON numbers like the seed (an `importe`
 * too long for one exactly, as a string).
 */
export interface Order {
  readonly folio: string;
  readonly importe: string;
  /** `YYYY-MM-DD`. */
  readonly fecha: string;
  /** `YYYY-MM-DD`: last day to self-invoice. */
  readonly vencimiento: string;
  /** IVA percentage (`16`, `8`, `0`). */
  readonly iva: string;
  readonly formaDePago: string;
  /** ISH percentage, `0` without ISH. */
  readonly ish: string;
  readonly tag: string;
  /** c_ObjetoImp (`02`; `01` for lines that are not subject to tax). */
  readonly objetoImpuesto: string;
}

interface RateGroup {
  readonly objetoImp: string;
  readonly iva: string;
  readonly ish: string;
  readonly lines: SalesRow[];
}

/** The rates an order carries: ObjetoImp, IVA (meaningless unless ObjetoImp is 02) and ISH. */
function rateKey(line: SalesRow): string {
  return `${line.objetoImp}|${line.objetoImp === '02' ? line.iva : '0'}|${line.ish}`;
}

function describe(group: RateGroup): string {
  const iva = group.objetoImp === '02' ? `IVA ${group.iva}` : `ObjetoImp ${group.objetoImp}`;
  return group.ish === '0' ? iva : `${iva} + ISH ${group.ish}`;
}

/** The forma de pago that paid most of some lines; ties keep the one seen first. */
function predominantFormaPago(lines: readonly SalesRow[]): string {
  const totals = new Map<string, Money>();
  for (const l of lines) totals.set(l.formaPago, (totals.get(l.formaPago) ?? new Money(0)).plus(l.importe));
  let best = lines[0]?.formaPago ?? '01';
  let bestAmount: Money | undefined;
  for (const [code, amount] of totals) {
    if (bestAmount === undefined || amount.greaterThan(bestAmount)) {
      best = code;
      bestAmount = amount;
    }
  }
  return best;
}

/** Checks what an order cannot carry; returns the reject, or undefined when the ticket fits. */
function unsupported(ticket: Ticket): BuildItem<never> | undefined {
  if (ticket.moneda !== 'MXN') {
    return rejectTicketFor(
      ticket,
      'moneda',
      'SALES_ORDER_UNSUPPORTED',
      `orders carry MXN amounts; the ticket is in ${ticket.moneda}`,
    );
  }
  for (const line of ticket.lines) {
    if (line.objetoImp === '02' && line.ieps !== '0') {
      return rejectTicketFor(
        ticket,
        'ieps',
        'SALES_ORDER_UNSUPPORTED',
        `row ${line.row} has IEPS ${line.ieps} %: an order has no IEPS field (seed 001)`,
      );
    }
    if (line.objetoImp === '02' && line.iva === 'exento') {
      return rejectTicketFor(
        ticket,
        'iva',
        'SALES_ORDER_UNSUPPORTED',
        `row ${line.row} is IVA exento: an order's iva is a rate (16, 8, 0)`,
      );
    }
    if (line.objetoImp !== '02' && line.objetoImp !== '01') {
      return rejectTicketFor(
        ticket,
        'objetoImp',
        'SALES_ORDER_UNSUPPORTED',
        `row ${line.row} has ObjetoImp ${line.objetoImp}: orders take 01 or 02`,
      );
    }
  }
  return undefined;
}

/**
 * Builds Factu-Ramval orders (seed 001), in input order. An order carries one IVA rate and one ISH
 * rate, so a ticket that mixes rates is rejected with the rates it mixes, unless the config's
 * `orders.splitMixedRates` asks to split it into one order per rate, with folios `FOLIO-1`, `FOLIO-2`
 * in order of each rate's first line. Folio is the ticket (or `sucursal-ticket` with
 * `orders.folioWithSucursal`); the tag is the first row's tag, else the config's.
 */
export async function* buildOrders(
  items: TicketSource,
  config: SalesConfig,
): AsyncGenerator<BuildItem<Order[]>> {
  for await (const item of items) {
    if (item.kind === 'reject') {
      yield item;
      continue;
    }
    const ticket = item.ticket;
    const refused = unsupported(ticket);
    if (refused !== undefined) {
      yield refused;
      continue;
    }
    const groups = new Map<string, RateGroup>();
    for (const line of ticket.lines) {
      const key = rateKey(line);
      const group = groups.get(key);
      if (group === undefined) {
        groups.set(key, {
          objetoImp: line.objetoImp,
          iva: line.objetoImp === '02' ? line.iva : '0',
          ish: line.ish,
          lines: [line],
        });
      } else group.lines.push(line);
    }
    if (groups.size > 1 && !config.orders.splitMixedRates) {
      yield rejectTicketFor(
        ticket,
        'iva',
        'SALES_ORDER_MIXED_RATES',
        `the ticket mixes ${[...groups.values()].map(describe).join(' and ')}; an order carries one IVA and one ISH rate (set orders.splitMixedRates to split it)`,
      );
      continue;
    }
    const decimals = monedaDecimals(ticket.moneda) ?? 2;
    const folio =
      config.orders.folioWithSucursal && ticket.sucursal !== ''
        ? `${ticket.sucursal}-${ticket.ticket}`
        : ticket.ticket;
    const orders = [...groups.values()].map((group, i): Order => {
      let importe = new Money(0);
      for (const line of group.lines) importe = importe.plus(line.importe);
      return {
        folio: groups.size === 1 ? folio : `${folio}-${i + 1}`,
        importe: formatAmount(importe, decimals),
        fecha: ticket.fecha.slice(0, 10),
        vencimiento: ticket.vencimiento,
        iva: group.iva,
        formaDePago: groups.size === 1 ? ticket.formaPago : predominantFormaPago(group.lines),
        ish: group.ish,
        tag: ticket.tag ?? config.orders.tag,
        objetoImpuesto: group.objetoImp,
      };
    });
    yield { kind: 'output', ticket, value: orders };
  }
}

/**
 * Orders as the JSON array `POST /v4/autofacturacion/multiple` takes (seed 001). `importe` is a JSON
 * number like the seed's, unless it has more digits than a JSON number holds exactly: then it is the
 * decimal string, which the provider takes too (seed 001's single-order and update examples send
 * `"importe": "200.00"`; the field is validated as numeric, not as a number type).
 */
export function ordersJson(orders: readonly Order[]): string {
  return toJsonText(
    orders.map((o) => ({
      vencimiento: o.vencimiento,
      folio: o.folio,
      importe: fitsJsonNumber(o.importe) ? new JsonDecimal(o.importe) : o.importe,
      fecha: o.fecha,
      iva: o.iva,
      formaDePago: o.formaDePago,
      ish: new JsonDecimal(o.ish),
      tag: o.tag,
      objetoImpuesto: o.objetoImpuesto,
    })),
  );
}
