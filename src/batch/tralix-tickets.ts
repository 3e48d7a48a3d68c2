import type { CompiledLayout, LayoutDefinition } from '../layouts/index.js';
import { fitsJsonNumber, JSON_NUMBER_DIGITS } from '../money.js';
import type { SalesConfig } from '../sales/config.js';
import type { Ticket } from '../sales/ticket.js';
import { type BuildItem, rejectTicket, rejectTicketFor, type TicketSource } from './build-item.js';
import { ticketComprobante, type ValidationLevel } from './comprobante.js';
import { JsonDecimal } from './json-text.js';
import { layoutWriter } from './layout-text.js';

/**
 * The body of Tralix's `PUT /{token}/tickets` (seed 000): `fecha` without time zone, `insumo` the
 * ticket in the layout's ticket variant, `monto` the ticket total, `numeroTicket`, and `sucursal` the
 * Tralix `{idSucursal}`. `monto` is a decimal string here and a JSON number in {@link tralixTicketJson};
 * a total with more digits than a JSON number holds exactly rejects the ticket (`SALES_JSON_AMOUNT_INEXACT`).
 */
export interface TralixTicketPayload {
  readonly fecha: string;
  readonly insumo: string;
  readonly monto: string;
  readonly numeroTicket: string;
  readonly sucursal: string;
}

/** Options every ticket target takes. */
export interface TargetOptions {
  /** How much of the SAT rules runs on each comprobante. Defaults to `fast` (see `ValidationLevel`). */
  readonly validation?: ValidationLevel;
}

/** Options of the layout-based targets. */
export interface LayoutTargetOptions extends TargetOptions {
  /** The layout (built-in definition such as `LAYOUTS['tralix-40']`, or a user's). */
  readonly layout: LayoutDefinition | CompiledLayout;
}

/**
 * The Tralix `{idSucursal}` of a ticket: the config's `tralix.sucursales` mapping, else the sucursal as
 * exported (an ERP may already export Tralix's id); `undefined` when there is none.
 */
export function tralixSucursal(ticket: Ticket, config: SalesConfig): string | undefined {
  const mapped = Object.hasOwn(config.tralix.sucursales, ticket.sucursal)
    ? config.tralix.sucursales[ticket.sucursal]
    : undefined;
  const id = mapped ?? ticket.sucursal;
  return id === '' ? undefined : id;
}

/** The reject of a ticket that has no Tralix sucursal id. */
export function missingSucursal(ticket: Ticket): BuildItem<never> {
  return rejectTicketFor(
    ticket,
    'sucursal',
    'SALES_SUCURSAL_MISSING',
    'the ticket has no sucursal and tralix.sucursales maps none for it: Tralix requires {idSucursal}',
  );
}

/**
 * Builds Tralix autofacturación tickets (seed 000), one per ticket in input order. Every ticket is
 * included (a nominative one too: the portal lets its customer invoice it); the insumo is checked
 * against the SAT rules and the layout before it is written, and a ticket that fails is rejected.
 */
export async function* buildTralixTickets(
  items: TicketSource,
  config: SalesConfig,
  options: LayoutTargetOptions,
): AsyncGenerator<BuildItem<TralixTicketPayload>> {
  const writer = layoutWriter(options.layout, config);
  for await (const item of items) {
    if (item.kind === 'reject') {
      yield item;
      continue;
    }
    const ticket = item.ticket;
    const sucursal = tralixSucursal(ticket, config);
    if (sucursal === undefined) {
      yield missingSucursal(ticket);
      continue;
    }
    // Seed 000 gives monto as a JSON number and no string form: an amount no reader holds is refused.
    if (!fitsJsonNumber(ticket.total)) {
      yield rejectTicketFor(
        ticket,
        'importe',
        'SALES_JSON_AMOUNT_INEXACT',
        `the ticket's total ${ticket.total} goes into monto, a JSON number (seed 000), and has more than ${JSON_NUMBER_DIGITS} digits, which a JSON reader cannot hold exactly`,
      );
      continue;
    }
    const built = ticketComprobante(ticket, config, {
      purpose: 'insumo',
      validation: options.validation ?? 'fast',
    });
    if (built.comprobante === undefined) {
      yield rejectTicket(ticket, built.issues);
      continue;
    }
    const rendered = writer.render(built.comprobante, ticket, 'insumo');
    if (rendered.text === undefined) {
      yield rejectTicket(ticket, rendered.issues);
      continue;
    }
    yield {
      kind: 'output',
      ticket,
      value: {
        fecha: ticket.fecha,
        insumo: rendered.text,
        monto: ticket.total,
        numeroTicket: ticket.ticket,
        sucursal,
      },
    };
  }
}

/** One ticket as the JSON line `PUT /{token}/tickets` takes, `monto` as an exact JSON number. */
export function tralixTicketJson(payload: TralixTicketPayload): string {
  // Written by hand rather than through toJsonText: this runs once per ticket in million-line batches.
  return `{"fecha":${JSON.stringify(payload.fecha)},"insumo":${JSON.stringify(payload.insumo)},"monto":${new JsonDecimal(payload.monto).text},"numeroTicket":${JSON.stringify(payload.numeroTicket)},"sucursal":${JSON.stringify(payload.sucursal)}}`;
}
