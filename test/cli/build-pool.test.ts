import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { cutExport, type SliceFormat } from '../../src/batch/cut.js';
import {
  type CsvDelimiter,
  parseSalesConfig,
  readSalesRecords,
  recordKey,
  type SalesRecord,
  ticketKeyString,
} from '../../src/sales/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cfdi-layout-cut-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = parseSalesConfig({
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  lugarExpedicion: '42501',
  serie: 'A',
});

async function readAll(
  bytes: Uint8Array,
  read: SliceFormat,
  offsets: { rowOffset: number; lineOffset: number },
): Promise<SalesRecord[]> {
  async function* source() {
    yield bytes;
  }
  const out: SalesRecord[] = [];
  for await (const r of readSalesRecords(source(), { ...read, ...offsets, columns: config.columns }))
    out.push(r);
  return out;
}

/**
 * Cuts the file, reads every piece as a worker does (the header, then the piece's bytes, rows
 * and line numbers offset) and checks that the pieces cover the file, that no cut falls between two
 * rows of a ticket and that the records, messages included, are exactly those of reading the whole
 * file.
 */
async function checkCuts(text: string, read: SliceFormat, pieceBytes: number): Promise<number> {
  const path = join(dir, 'export');
  writeFileSync(path, text);
  const file = readFileSync(path);
  const pieces = [];
  for await (const piece of cutExport(path, read, config, pieceBytes)) pieces.push(piece);
  expect(pieces[0]?.start).toBe(0);
  expect(pieces.at(-1)?.end).toBe(file.length);
  const records: SalesRecord[] = [];
  const keyAt = (r: SalesRecord | undefined) => {
    const key = r === undefined ? undefined : recordKey(r);
    return key === undefined ? undefined : ticketKeyString(key);
  };
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) expect(piece.start).toBe(pieces[i - 1]?.end);
    const body = file.subarray(piece.start, piece.end);
    const bytes = piece.header === undefined ? body : Buffer.concat([piece.header, body]);
    const own = await readAll(bytes, read, piece);
    // A cut never falls between two rows of one ticket.
    const before = keyAt(records.at(-1));
    const after = keyAt(own[0]);
    if (before !== undefined) expect(after, `a cut splits ticket ${before}`).not.toBe(before);
    records.push(...own);
  }
  expect(records).toEqual(await readAll(file, read, { rowOffset: 0, lineOffset: 0 }));
  return pieces.length;
}

/** A field as ERPs write them: plain, quoted around a delimiter, a newline or quotes, with a stray quote, or broken. */
const field = (delimiter: string) =>
  fc.oneof(
    fc.constantFrom('Taco', 'Agua 600ml', 'Pantalla 15" HD', 'Café', ''),
    fc.constantFrom(`"Taco${delimiter} al pastor"`, '"Línea 1\nLínea 2"', '"Dice ""hola"""', '"a\r\nb"'),
    // Broken quoting: text after a closing quote, a quote left open (it runs to the end of the file).
    fc.constantFrom('"Taco" al pastor', '"sin cerrar'),
  );

/** Line endings: one kind per file, or mixed line by line (exports glued together); CR alone too. */
const lineEndings = fc
  .record({
    mixed: fc.boolean(),
    kinds: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 7 }),
  })
  .map(({ mixed, kinds }) => {
    let k = 0;
    return () => (mixed ? (kinds[k++ % kinds.length] as string) : (kinds[0] as string));
  });

const csvExport = fc
  .record({
    delimiter: fc.constantFrom<CsvDelimiter>(',', ';', '|', '\t'),
    eol: lineEndings,
    bom: fc.boolean(),
    // The descripcion last, so that a closing quote is sometimes followed by the line ending.
    last: fc.boolean(),
    tickets: fc.array(fc.record({ lines: fc.integer({ min: 1, max: 4 }), blank: fc.boolean() }), {
      minLength: 1,
      maxLength: 60,
    }),
  })
  .chain((shape) =>
    fc
      .array(field(shape.delimiter), {
        minLength: shape.tickets.reduce((n, t) => n + t.lines, 0),
        maxLength: shape.tickets.reduce((n, t) => n + t.lines, 0),
      })
      .map((descripciones) => {
        const d = shape.delimiter;
        const row = (ticket: string, sucursal: string, descripcion: string, fecha: string, importe: string) =>
          (shape.last
            ? [ticket, sucursal, fecha, importe, descripcion]
            : [ticket, sucursal, descripcion, fecha, importe]
          ).join(d);
        let text = `${shape.bom ? '\uFEFF' : ''}${row('ticket', 'sucursal', 'descripcion', 'fecha', 'importe')}${shape.eol()}`;
        let n = 0;
        shape.tickets.forEach((t, i) => {
          for (let l = 0; l < t.lines; l++) {
            // Some rows carry no ticket: each is its own reject, and a cut may fall next to it.
            const ticket = t.blank && l === 0 ? '' : `T${i}`;
            text += `${row(ticket, `S${i % 3}`, descripciones[n++] as string, '2026-11-20', `${i + l}.50`)}${shape.eol()}`;
          }
        });
        return { text, delimiter: d };
      }),
  );

describe('cutExport: pieces between tickets for the worker threads', () => {
  it('cuts CSV exports (quoted line endings, escaped, stray and broken quotes, LF, CRLF, CR or mixed, BOM) without splitting a record or a ticket (property)', async () => {
    await fc.assert(
      fc.asyncProperty(csvExport, fc.integer({ min: 1, max: 400 }), async (csv, pieceBytes) => {
        await checkCuts(csv.text, { format: 'csv', delimiter: undefined, encoding: 'utf8' }, pieceBytes);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts a plain export into many pieces, and a file without a final newline keeps its last row', async () => {
    const rows = ['ticket,fecha,importe'];
    for (let t = 0; t < 500; t++) rows.push(`T${t},2026-11-20,1.00`, `T${t},2026-11-20,2.00`);
    const read: SliceFormat = { format: 'csv', delimiter: ',', encoding: 'utf8' };
    expect(await checkCuts(rows.join('\n'), read, 1000)).toBeGreaterThan(5);
  });

  it('cuts JSON lines, blank lines included', async () => {
    const lines: string[] = [];
    for (let t = 0; t < 200; t++) {
      lines.push(JSON.stringify({ ticket: `T${t}`, importe: '1.00', descripcion: 'a\nb' }));
      if (t % 7 === 0) lines.push('');
      lines.push(JSON.stringify({ ticket: `T${t}`, importe: '2.00' }));
    }
    const read: SliceFormat = { format: 'jsonl', delimiter: undefined, encoding: 'utf8' };
    expect(await checkCuts(`${lines.join('\n')}\n`, read, 500)).toBeGreaterThan(5);
  });

  it('reads a Latin-1 export the same in pieces', async () => {
    const rows = ['ticket;descripcion;fecha;importe'];
    for (let t = 0; t < 300; t++) rows.push(`T${t};Café ñandú;2026-11-20;1.00`);
    const path = join(dir, 'latin1');
    writeFileSync(path, Buffer.from(`${rows.join('\n')}\n`, 'latin1'));
    const read: SliceFormat = { format: 'csv', delimiter: ';', encoding: 'latin1' };
    const pieces = [];
    for await (const piece of cutExport(path, read, config, 600)) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(5);
    const file = readFileSync(path);
    const last = pieces.at(-1);
    if (last?.header === undefined) throw new Error('the last piece has no header');
    const tailRecords = await readAll(
      Buffer.concat([last.header, file.subarray(last.start, last.end)]),
      read,
      last,
    );
    expect(tailRecords.at(-1)).toMatchObject({ row: 301, values: { descripcion: 'Café ñandú' } });
  });
});
