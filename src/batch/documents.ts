import { CfdiLayoutError } from '../errors.js';
import { formatPath } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import type { SalesConfig } from '../sales/config.js';
import type { Ticket } from '../sales/ticket.js';
import type { Csd } from '../sealing/csd.js';
import { sealDocument } from '../sealing/seal.js';
import { renderComprobante } from '../xml/render.js';
import { type BuildItem, rejectTicket, rejectTicketFor, type TicketSource } from './build-item.js';
import { ticketComprobante } from './comprobante.js';
import { toJsonText } from './json-text.js';
import { layoutWriter } from './layout-text.js';
import {
  type LayoutTargetOptions,
  missingSucursal,
  type TargetOptions,
  tralixSucursal,
} from './tralix-tickets.js';

/*
 * Invoice targets: a ticket whose rows carry the receptor columns is a nominative invoice and
 * becomes one document (pre-CFDI XML, a layout text, or a cfdisAsync request). A ticket without a
 * receptor is skipped, not rejected: it is meant for self-invoicing (tralix-tickets, orders) and,
 * if nobody invoices it, for the factura global.
 */

/** Why an invoice target skips a ticket. */
export const SKIP_NOT_NOMINATIVE =
  'no receptor columns: a ticket for self-invoicing and the factura global, not an invoice';

/** One document of an invoice target, with what a ZIP manifest lists. */
export interface InvoiceDocument {
  /** File name: `SERIE-FOLIO.xml` / `.txt`, made safe for any file system. */
  readonly name: string;
  readonly text: string;
  readonly serie: string;
  readonly folio: string;
  readonly total: string;
  readonly comprobante: Comprobante;
}

/** A file name part with only characters every file system and ZIP reader keeps. */
export function safeFileName(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return safe === '' ? '_' : safe;
}

function documentName(c: Comprobante, extension: string): string {
  const base = [c.serie, c.folio].filter((p) => p !== undefined && p !== '').join('-');
  return `${safeFileName(base)}.${extension}`;
}

async function* invoices<T>(
  items: TicketSource,
  config: SalesConfig,
  options: TargetOptions,
  make: (ticket: Ticket, comprobante: Comprobante) => BuildItem<T>,
): AsyncGenerator<BuildItem<T>> {
  for await (const item of items) {
    if (item.kind === 'reject') {
      yield item;
      continue;
    }
    const ticket = item.ticket;
    if (ticket.receptor === undefined) {
      yield { kind: 'skip', ticket, reason: SKIP_NOT_NOMINATIVE };
      continue;
    }
    const built = ticketComprobante(ticket, config, {
      purpose: 'invoice',
      validation: options.validation ?? 'fast',
    });
    if (built.comprobante === undefined) {
      yield rejectTicket(ticket, built.issues);
      continue;
    }
    yield make(ticket, built.comprobante);
  }
}

/** Options of {@link buildXmlDocuments}. */
export interface XmlTargetOptions extends TargetOptions {
  /**
   * The emisor's CSD: each document is sealed as it is rendered (NoCertificado, Certificado, Sello).
   * Check it against the config's emisor first (`checkCsdRfc`); a ticket whose Fecha falls outside
   * the certificate's validity is rejected with `CSD_OUT_OF_VALIDITY`.
   */
  readonly csd?: Csd | undefined;
}

/**
 * Builds one pre-CFDI 4.0 XML per nominative ticket (rows with receptor columns), each checked
 * against the SAT rules first (see `ValidationLevel`); Serie from the config, Folio the ticket.
 * Unsigned, or sealed with `options.csd`.
 */
export function buildXmlDocuments(
  items: TicketSource,
  config: SalesConfig,
  options: XmlTargetOptions = {},
): AsyncGenerator<BuildItem<InvoiceDocument>> {
  const csd = options.csd;
  return invoices(items, config, options, (ticket, unsigned): BuildItem<InvoiceDocument> => {
    let comprobante = unsigned;
    let text: string;
    try {
      if (csd === undefined) text = renderComprobante(unsigned);
      else ({ comprobante, xml: text } = sealDocument(unsigned, csd));
    } catch (err) {
      if (!(err instanceof CfdiLayoutError)) throw err;
      return rejectTicketFor(ticket, formatPath(err.location?.path ?? []), err.code, err.message);
    }
    return {
      kind: 'output',
      ticket,
      value: {
        name: documentName(comprobante, 'xml'),
        text,
        serie: comprobante.serie ?? '',
        folio: comprobante.folio ?? '',
        total: comprobante.total,
        comprobante,
      },
    };
  });
}

/** Builds one layout text per nominative ticket (the full layout, receptor included). */
export function buildLayoutDocuments(
  items: TicketSource,
  config: SalesConfig,
  options: LayoutTargetOptions,
): AsyncGenerator<BuildItem<InvoiceDocument>> {
  const writer = layoutWriter(options.layout, config);
  return invoices(items, config, options, (ticket, comprobante): BuildItem<InvoiceDocument> => {
    const rendered = writer.render(comprobante, ticket, 'invoice');
    if (rendered.text === undefined) return rejectTicket(ticket, rendered.issues);
    return {
      kind: 'output',
      ticket,
      value: {
        name: documentName(comprobante, 'txt'),
        text: rendered.text,
        serie: comprobante.serie ?? '',
        folio: comprobante.folio ?? '',
        total: comprobante.total,
        comprobante,
      },
    };
  });
}

/** The body of Tralix's `PUT /{keyEmpresa}/cfdisAsync` (seed 002). */
export interface TralixAsyncPayload {
  readonly idTipoCfd: string;
  readonly idSucursal: string;
  /** The layout text, records separated by `\n` as seed 002 asks. */
  readonly archivoFuente: string;
}

/** Options of {@link buildTralixAsync}. */
export interface TralixAsyncOptions extends LayoutTargetOptions {
  /** Encrypted CFD type id (the config's `tralix.idTipoCfd`). */
  readonly idTipoCfd: string;
}

/**
 * Builds one cfdisAsync request per nominative ticket (seed 002): `idTipoCfd` from the options,
 * `idSucursal` from the config's `tralix.sucursales` (else the sucursal as exported), `archivoFuente`
 * the invoice in the layout with `\n` between records.
 */
export function buildTralixAsync(
  items: TicketSource,
  config: SalesConfig,
  options: TralixAsyncOptions,
): AsyncGenerator<BuildItem<TralixAsyncPayload>> {
  const writer = layoutWriter(options.layout, config);
  return invoices(items, config, options, (ticket, comprobante): BuildItem<TralixAsyncPayload> => {
    const idSucursal = tralixSucursal(ticket, config);
    if (idSucursal === undefined) return missingSucursal(ticket);
    const rendered = writer.render(comprobante, ticket, 'invoice');
    if (rendered.text === undefined) return rejectTicket(ticket, rendered.issues);
    return {
      kind: 'output',
      ticket,
      value: {
        idTipoCfd: options.idTipoCfd,
        idSucursal,
        archivoFuente: rendered.text.replace(/\r\n/g, '\n'),
      },
    };
  });
}

/** One cfdisAsync request as a JSON line. */
export function tralixAsyncJson(payload: TralixAsyncPayload): string {
  return toJsonText({
    idTipoCfd: payload.idTipoCfd,
    idSucursal: payload.idSucursal,
    archivoFuente: payload.archivoFuente,
  });
}
