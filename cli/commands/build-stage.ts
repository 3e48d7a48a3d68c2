import {
  type BuildItem,
  buildLayoutDocuments,
  buildOrders,
  buildTralixAsync,
  buildTralixTickets,
  buildXmlDocuments,
  type InvoiceDocument,
  type Order,
  tralixAsyncJson,
  tralixTicketJson,
  type ValidationLevel,
} from '../../src/batch/index.js';
import type { LayoutDefinition } from '../../src/layouts/index.js';
import {
  type Group,
  type SalesConfig,
  type SalesRecord,
  type TicketItem,
  type TicketReject,
  ticketFromRecords,
} from '../../src/sales/index.js';
import type { Csd } from '../../src/sealing/index.js';

/*
 * The build stage: tickets in, text ready to write out. The same functions run on the main thread
 * and on the worker threads of a parallel build (build-pool.ts).
 */

/** The targets of `build`. */
export const BUILD_TARGETS = ['tralix-tickets', 'tralix-async', 'orders', 'layout', 'xml', 'zip'] as const;

/** The targets of `build` for a payments export (build-pagos.ts): one REP per payment. */
export const PAGOS_TARGETS = ['pagos-xml', 'pagos-layout', 'pagos-zip'] as const;

/** One payments target. */
export type PagosTarget = (typeof PAGOS_TARGETS)[number];

/** One target of `build`. */
export type BuildTarget = (typeof BUILD_TARGETS)[number];

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

export async function* ticketsOf(
  groups: AsyncIterable<Group<SalesRecord>> | Iterable<Group<SalesRecord>>,
  config: SalesConfig,
): AsyncGenerator<TicketItem> {
  for await (const group of groups) yield ticketFromRecords(group, config);
}
