import { Readable } from 'node:stream';
import {
  parseSalesConfig,
  type ReadSalesOptions,
  readSalesRecords,
  readTickets,
  type SalesConfig,
  type SalesConfigInput,
  type SalesRecord,
  type TicketItem,
} from '../../src/sales/index.js';

/** A minimal valid configuration, with overrides. */
export function testConfig(overrides: Partial<SalesConfigInput> = {}): SalesConfig {
  return parseSalesConfig({
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    lugarExpedicion: '42501',
    serie: 'T',
    ...overrides,
  });
}

/** Bytes in chunks of `size`, to exercise the readers across chunk boundaries. */
export function chunked(data: string | Buffer, size = 7): Readable {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

/** Every record of an export given as text. */
export async function records(
  data: string | Buffer,
  options: ReadSalesOptions = {},
  size = 7,
): Promise<SalesRecord[]> {
  const out: SalesRecord[] = [];
  for await (const r of readSalesRecords(chunked(data, size), options)) out.push(r);
  return out;
}

/** Every ticket item of an export given as text. */
export async function tickets(
  data: string,
  config = testConfig(),
  order: 'sorted' | 'unsorted' = 'sorted',
): Promise<TicketItem[]> {
  const out: TicketItem[] = [];
  for await (const t of readTickets(
    readSalesRecords(chunked(data, 64), { columns: config.columns }),
    config,
    { order },
  ))
    out.push(t);
  return out;
}

/** An async iterable of items. */
export async function* from<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The CSV header most tests use. */
export const HEADER = 'ticket,sucursal,fecha,importe,iva,ieps,ish,formaPago,descripcion,cantidad';
