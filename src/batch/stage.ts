import type { LayoutDefinition } from '../layouts/definition.js';
import type { SalesConfig } from '../sales/config.js';
import type { Group } from '../sales/group.js';
import type { SalesRecord } from '../sales/readers.js';
import type { TicketReject } from '../sales/rejects.js';
import { type TicketItem, ticketFromRecords } from '../sales/ticket.js';
import type { Csd } from '../sealing/csd.js';
import type { BuildItem } from './build-item.js';
import type { ValidationLevel } from './comprobante.js';
import {
  buildLayoutDocuments,
  buildTralixAsync,
  buildXmlDocuments,
  type InvoiceDocument,
  tralixAsyncJson,
} from './documents.js';
import { buildOrders, type Order } from './orders.js';
import { buildTralixTickets, tralixTicketJson } from './tralix-tickets.js';

/*
 * The build stage: tickets in, text ready to write out. The same functions run on the main thread
 * and on the worker threads of a parallel build (pool.ts, pool-worker.ts).
 */

/** The targets of a sales export build (`buildSalesExport`, `cfdi-layout build`). */
export const BUILD_TARGETS = ['tralix-tickets', 'tralix-async', 'orders', 'layout', 'xml', 'zip'] as const;

/** One target of a sales export build. */
export type BuildTarget = (typeof BUILD_TARGETS)[number];

/** The targets whose outputs are lines of a file (one JSON request per ticket). */
export function isLineTarget(target: BuildTarget): target is 'tralix-tickets' | 'tralix-async' {
  return target === 'tralix-tickets' || target === 'tralix-async';
}

/** What the build stage hands the writers for one ticket: text ready to write, or why there is none. */
export type Produced =
  | { readonly kind: 'line'; readonly text: string }
  | {
      readonly kind: 'document';
      readonly name: string;
      readonly content: string | Uint8Array;
      readonly serie: string;
      readonly folio: string;
      readonly total: string;
      /** Computed by the worker thread that encoded `content`. */
      readonly sha256?: string;
    }
  | { readonly kind: 'orders'; readonly orders: Order[] }
  | { readonly kind: 'reject'; readonly reject: TicketReject }
  | { readonly kind: 'skip' };

/** Everything a build stage needs besides the tickets; plain data, so it crosses to worker threads. */
export interface StageSpec {
  readonly target: BuildTarget;
  readonly config: SalesConfig;
  readonly layout: LayoutDefinition;
  readonly validation: ValidationLevel;
  /** xml, zip: the emisor's CSD to seal each document with (it crosses to worker threads as is). */
  readonly csd?: Csd | undefined;
}

function produced<T>(item: BuildItem<T>, write: (value: T) => Produced): Produced {
  if (item.kind === 'output') return write(item.value);
  if (item.kind === 'reject') return { kind: 'reject', reject: item.reject };
  return { kind: 'skip' };
}

function document(doc: InvoiceDocument): Produced {
  return {
    kind: 'document',
    name: doc.name,
    content: doc.text,
    serie: doc.serie,
    folio: doc.folio,
    total: doc.total,
  };
}

/** Runs the library's builder of the target over tickets and serializes each result. */
export async function* produceTickets(
  tickets: AsyncIterable<TicketItem>,
  spec: StageSpec,
): AsyncGenerator<Produced> {
  const { config, layout, validation } = spec;
  switch (spec.target) {
    case 'tralix-tickets':
      for await (const item of buildTralixTickets(tickets, config, { layout, validation })) {
        yield produced(item, (t) => ({ kind: 'line', text: tralixTicketJson(t) }));
      }
      return;
    case 'tralix-async': {
      const options = { layout, validation, idTipoCfd: config.tralix.idTipoCfd ?? '' };
      for await (const item of buildTralixAsync(tickets, config, options)) {
        yield produced(item, (t) => ({ kind: 'line', text: tralixAsyncJson(t) }));
      }
      return;
    }
    case 'orders':
      for await (const item of buildOrders(tickets, config))
        yield produced(item, (orders) => ({ kind: 'orders', orders }));
      return;
    case 'layout':
      for await (const item of buildLayoutDocuments(tickets, config, { layout, validation }))
        yield produced(item, document);
      return;
    case 'xml':
    case 'zip':
      for await (const item of buildXmlDocuments(tickets, config, { validation, csd: spec.csd }))
        yield produced(item, document);
      return;
  }
}

/** Checks and assembles each group of records into a ticket (see `ticketFromRecords`). */
export async function* ticketsOf(
  groups: AsyncIterable<Group<SalesRecord>> | Iterable<Group<SalesRecord>>,
  config: SalesConfig,
): AsyncGenerator<TicketItem> {
  for await (const group of groups) yield ticketFromRecords(group, config);
}
