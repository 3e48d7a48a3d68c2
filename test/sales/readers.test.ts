import { describe, expect, it } from 'vitest';
import { isCfdiLayoutError } from '../../src/errors.js';
import { guessDelimiter, readSalesRecords, type SalesReadInfo } from '../../src/sales/index.js';
import { chunked, records } from './helpers.js';

describe('readSalesRecords: CSV', () => {
  it.each([
    [',', 'ticket,fecha,importe\n1,2026-11-20,10.00\n'],
    [';', 'ticket;fecha;importe\n1;2026-11-20;10.00\n'],
    ['|', 'ticket|fecha|importe\n1|2026-11-20|10.00\n'],
    ['\t', 'ticket\tfecha\timporte\n1\t2026-11-20\t10.00\n'],
  ])('guesses the delimiter %j from the header', async (delimiter, text) => {
    const info: SalesReadInfo = {};
    const out = [];
    for await (const r of readSalesRecords(chunked(text), {}, info)) out.push(r);
    expect(info.delimiter).toBe(delimiter);
    expect(out).toEqual([
      { row: 2, values: { ticket: '1', fecha: '2026-11-20', importe: '10.00' }, issues: [] },
    ]);
  });

  it('drops a UTF-8 BOM, reads quoted fields with delimiters and newlines, and numbers rows as a spreadsheet does', async () => {
    const text =
      '\uFEFFticket,descripcion,fecha,importe\r\n1,"Taco, al pastor",2026-11-20,10.00\r\n2,"Línea 1\nLínea 2",2026-11-20,5.50\r\n\r\n3,"Dice ""hola""",2026-11-20,1.00\r\n';
    const out = await records(text, {}, 5);
    expect(out.map((r) => [r.row, r.values.ticket, r.values.descripcion])).toEqual([
      [2, '1', 'Taco, al pastor'],
      [3, '2', 'Línea 1\nLínea 2'],
      [4, '', undefined],
      [5, '3', 'Dice "hola"'],
    ]);
  });

  it('keeps characters outside the BMP whole wherever a large chunk is cut into parser pieces', async () => {
    // Long runs of 🌮 (each a surrogate pair) behind prefixes of every parity, in one chunk: the
    // reader's internal pieces end inside these runs, so some cut falls between the two halves.
    const descriptions = Array.from({ length: 12 }, (_, i) => `${'a'.repeat(i)}${'🌮'.repeat(3000 + i)}ñ`);
    const text = `ticket,descripcion,fecha,importe\n${descriptions.map((d, i) => `${i},${d},2026-11-20,1.00`).join('\n')}\n`;
    const out = await records(text, {}, text.length * 4);
    expect(out.map((r) => r.issues)).toEqual(descriptions.map(() => []));
    expect(out.map((r) => r.values.descripcion)).toEqual(descriptions);
  });

  it('reads Latin-1 by option, and flags text that is not UTF-8 when read as UTF-8', async () => {
    const bytes = Buffer.from(
      'ticket,descripcion,fecha,importe\n1,Café con leche,2026-11-20,10.00\n',
      'latin1',
    );
    const latin = await records(bytes, { encoding: 'latin1' });
    expect(latin[0]?.values.descripcion).toBe('Café con leche');
    expect(latin[0]?.issues).toEqual([]);
    const utf = await records(bytes);
    expect(utf[0]?.issues.map((i) => [i.code, i.field])).toEqual([['SALES_TEXT_INVALID', 'descripcion']]);
  });

  it('maps an ERP header through the config columns, case-insensitively, ignoring other columns', async () => {
    const text = 'Folio Ticket;SUCURSAL;Fecha Venta;Total;Notas\nA-1;CENTRO;2026-11-20;99.00;x\n';
    const out = await records(text, {
      columns: { ticket: 'folio ticket', fecha: 'Fecha Venta', importe: 'TOTAL' },
    });
    expect(out[0]?.values).toEqual({
      ticket: 'A-1',
      sucursal: 'CENTRO',
      fecha: '2026-11-20',
      importe: '99.00',
    });
  });

  it('stops with SALES_HEADER_INVALID when a required column is missing or repeated', async () => {
    const missing = await records('ticket,fecha\n1,2026-11-20\n').catch((e: unknown) => e);
    expect(isCfdiLayoutError(missing, 'SALES_HEADER_INVALID')).toBe(true);
    expect((missing as Error).message).toContain('importe');
    const twice = await records('ticket,fecha,importe,Importe\n1,2026-11-20,1,2\n').catch((e: unknown) => e);
    expect(isCfdiLayoutError(twice, 'SALES_HEADER_INVALID')).toBe(true);
  });

  it('stops with SALES_HEADER_INVALID when a quote in the header is never closed, naming the line the text ends on', async () => {
    const broken = await records('ticket,"fecha,importe\n1,2026-11-20,10.00\n2,2026-11-20,5.00\n').catch(
      (e: unknown) => e,
    );
    expect(isCfdiLayoutError(broken, 'SALES_HEADER_INVALID')).toBe(true);
    expect((broken as Error).message).toContain('a quote in it is never closed');
    expect((broken as Error).message).toContain('opening quote at line 3');
  });

  it('never loses a row: wrong field counts and broken quoting become issues at their row', async () => {
    const text = 'ticket,fecha,importe\n1,2026-11-20,10.00\n2,2026-11-20\n3,2026-11-20,"5.00\n';
    const out = await records(text);
    expect(out.map((r) => [r.row, r.issues.map((i) => i.code)])).toEqual([
      [2, []],
      [3, ['SALES_COLUMN_COUNT']],
      [4, ['SALES_RECORD_MALFORMED']],
    ]);
  });

  it('keeps a stray quote inside a field as text instead of derailing the rows after it', async () => {
    const out = await records(
      'ticket,descripcion,fecha,importe\n1,Pantalla 15" HD,2026-11-20,10.00\n2,Otro,2026-11-20,1.00\n',
    );
    expect(out.map((r) => r.values.descripcion)).toEqual(['Pantalla 15" HD', 'Otro']);
  });

  it('adds rowOffset to every row number and issue row (a slice of a larger export)', async () => {
    const out = await records('ticket,fecha,importe\n1,2026-11-20,x\n2,2026-11-20\n', { rowOffset: 100 });
    expect(out.map((r) => [r.row, r.issues.map((i) => [i.row, i.code])])).toEqual([
      [102, []],
      [103, [[103, 'SALES_COLUMN_COUNT']]],
    ]);
    const lines = await records('{"ticket":"1"}\nnot json\n', { rowOffset: 40, format: 'jsonl' });
    expect(lines.map((r) => [r.row, r.issues.map((i) => [i.row, i.message.slice(0, 7)])])).toEqual([
      [41, []],
      [42, [[42, 'line 42']]],
    ]);
  });

  it('ends a record at CRLF, LF or CR alone, mixed in one file, and guesses the delimiter from the header line only', async () => {
    const text = 'ticket;fecha;importe\r\n1;2026-11-20;1,5\n2;2026-11-20;2\r3;2026-11-20;3\r\n';
    const out = await records(text);
    expect(out.map((r) => [r.row, r.values.ticket, r.values.importe, r.issues])).toEqual([
      [2, '1', '1,5', []],
      [3, '2', '2', []],
      [4, '3', '3', []],
    ]);
  });

  it('counts the lines of an unreadable record from lineOffset (a slice of a larger export)', async () => {
    const text = 'ticket,fecha,importe\n1,2026-11-20,"open\n';
    const issue = async (lineOffset: number) =>
      (await records(text, { rowOffset: 10, lineOffset }))[0]?.issues[0];
    const own = await issue(0);
    expect(own).toMatchObject({ row: 12, line: 2, field: 'importe', code: 'SALES_RECORD_MALFORMED' });
    expect(own?.message).toBe(
      'line 2 cannot be read: a quote opens column "importe" on line 2, the last line of the export, and is never closed',
    );
    expect(await issue(20)).toEqual({
      ...own,
      line: 22,
      message: own?.message.replaceAll('line 2', 'line 22'),
    });
  });

  it('splits a record whose quote is never closed into its physical lines, each a malformed row keyed by the ticket it names, with the line range', async () => {
    const text =
      'ticket,sucursal,fecha,importe,descripcion\r\nT0,S1,2026-11-17,1.00,ok\r\nT1,S1,2026-11-17,100.00,"Tacos\r\nT2,S1,2026-11-17,50.00,Agua\n\nT3,S2,2026-11-17,20.00,Pan\r\n';
    for (const size of [1, 7, 4096]) {
      const out = await records(text, {}, size);
      expect(
        out.map((r) => [r.row, r.values.ticket, r.values.sucursal, r.issues.map((i) => [i.line, i.field])]),
      ).toEqual([
        [2, 'T0', 'S1', []],
        [3, 'T1', 'S1', [[3, 'descripcion']]],
        [4, 'T2', 'S1', [[4, '']]],
        [5, '', undefined, [[5, '']]],
        [6, 'T3', 'S2', [[6, '']]],
      ]);
      expect(out[1]?.issues[0]?.message).toBe(
        'line 3 cannot be read: a quote opens column "descripcion" on line 3 and is never closed, so the CSV record runs from line 3 to line 6, the end of the export, and each of its lines is rejected with the ticket it names',
      );
      expect(out[4]?.issues[0]?.message).toMatch(
        /^line 6 cannot be read: a quote opens column "descripcion" on line 3 /,
      );
    }
  });

  it('finds the start of an unclosed record far back in a large export, after quoted fields, and names the column it opens', async () => {
    const before = Array.from({ length: 3000 }, (_, i) => `A${i};"x;""y""\nz";2026-11-20;1.00`);
    const after = Array.from({ length: 3000 }, (_, i) => `B${i};otro;2026-11-20;2.00`);
    const text = `ticket;descripcion;fecha;importe\n${before.join('\n')}\nX;"abierta;2026-11-20;3.00\n${after.join('\n')}\n`;
    const out = await records(text, {}, 65536);
    const broken = out.filter((r) => r.issues.length > 0);
    expect(out).toHaveLength(6001);
    expect(broken.map((r) => r.values.ticket)).toEqual(['X', ...after.map((_, i) => `B${i}`)]);
    // 3,000 records of two lines each before it: X is on line 6002, the last line 9002.
    expect(broken[0]?.issues[0]).toMatchObject({ row: 3002, line: 6002, field: 'descripcion' });
    expect(broken[0]?.issues[0]?.message).toContain('from line 6002 to line 9002');
    expect(broken.at(-1)?.issues[0]).toMatchObject({ row: 6002, line: 9002, field: '' });
  });

  it('stops with SALES_HEADER_INVALID when a quote in the header is never closed', async () => {
    const err = await records('ticket,"fecha,importe\n1,2026-11-20,1.00\n').catch((e: unknown) => e);
    expect(isCfdiLayoutError(err, 'SALES_HEADER_INVALID')).toBe(true);
    expect((err as Error).message).toContain('a quote in it is never closed');
  });

  it('guessDelimiter ignores delimiters inside quotes and defaults to a comma', () => {
    expect(guessDelimiter('"a;b;c",d,e')).toBe(',');
    expect(guessDelimiter('ticket')).toBe(',');
  });
});

describe('readSalesRecords: JSON', () => {
  it('reads JSON lines with line numbers, numbers kept as JSON values, bad lines as issues', async () => {
    const text =
      '{"ticket":"1","fecha":"2026-11-20","importe":12.5}\n\nnot json\n[1]\n{"Ticket":2,"FECHA":"2026-11-20","importe":"3"}';
    const out = await records(text);
    expect(out.map((r) => [r.row, r.values.ticket, r.issues.map((i) => i.code)])).toEqual([
      [1, '1', []],
      [3, undefined, ['SALES_RECORD_MALFORMED']],
      [4, undefined, ['SALES_RECORD_MALFORMED']],
      [5, 2, []],
    ]);
    expect(out[0]?.values.importe).toBe(12.5);
  });

  it('streams a JSON array item by item, whatever the chunk boundaries, strings with brackets included', async () => {
    const items = [
      { ticket: '1', fecha: '2026-11-20', importe: '1.00', descripcion: 'a ] b } c "q" \\ d' },
      { ticket: '2', fecha: '2026-11-20', importe: 2, nested: { x: [1, { y: '}' }] } },
    ];
    for (const size of [1, 3, 1000]) {
      const out = await records(` \n${JSON.stringify(items, null, 2)}\n`, {}, size);
      expect(out.map((r) => [r.row, r.values.ticket, r.values.descripcion])).toEqual([
        [1, '1', items[0]?.descripcion],
        [2, '2', undefined],
      ]);
    }
  });

  it('reports a JSON array that is cut off, or items that are not objects, without losing the others', async () => {
    const out = await records('[{"ticket":"1","fecha":"2026-11-20","importe":"1"}, 5, {"ticket":"3"');
    expect(out.map((r) => [r.row, r.issues.map((i) => i.code)])).toEqual([
      [1, []],
      [2, ['SALES_RECORD_MALFORMED']],
      [3, ['SALES_RECORD_MALFORMED']],
    ]);
  });
});
