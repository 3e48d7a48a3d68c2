import { describe, expect, it } from 'vitest';
import { isCfdiLayoutError } from '../../src/errors.js';
import {
  checkSalesConfig,
  detectSalesOrder,
  groupByTicket,
  readSalesRecords,
  salesConfigJsonSchema,
  type Ticket,
  type TicketItem,
  type TicketReject,
} from '../../src/sales/index.js';
import { chunked, collect, from, HEADER, testConfig, tickets } from './helpers.js';

const SORTED = `${HEADER}
1,CENTRO,2026-11-20T10:06:00,100.00,16,0,0,01,Taco,1
1,CENTRO,2026-11-20T10:06:00,50.50,16,0,0,04,Agua,1
1,CENTRO,2026-11-20T10:06:00,60.00,16,0,0,04,Flan,1
2,CENTRO,2026-11-20T11:00:00,abc,16,0,0,01,Sopa,1
2,CENTRO,2026-11-20T11:00:00,20.00,16,0,0,01,Pan,1
1,NORTE,2026-11-20T12:00:00,10.00,16,0,0,01,Café,1
`;

function okTickets(items: TicketItem[]): Ticket[] {
  return items.flatMap((i) => (i.kind === 'ticket' ? [i.ticket] : []));
}

function rejects(items: TicketItem[]): TicketReject[] {
  return items.flatMap((i) => (i.kind === 'reject' ? [i.reject] : []));
}

describe('readTickets', () => {
  it('groups rows by (ticket, sucursal): the total is the exact sum of the lines, the forma de pago the one that paid most', async () => {
    const items = await tickets(SORTED);
    expect(items.map((i) => i.kind)).toEqual(['ticket', 'reject', 'ticket']);
    const [first, norte] = okTickets(items);
    expect(first).toMatchObject({
      ticket: '1',
      sucursal: 'CENTRO',
      rows: [2, 3, 4],
      total: '210.50',
      formaPago: '04',
      fecha: '2026-11-20T10:06:00',
    });
    expect(norte).toMatchObject({ ticket: '1', sucursal: 'NORTE', rows: [7], total: '10.00' });
  });

  it('rejects a whole ticket for one broken row, naming every row of it and the finding', async () => {
    const [reject] = rejects(await tickets(SORTED));
    expect(reject).toMatchObject({
      ticket: '2',
      sucursal: 'CENTRO',
      rows: [5, 6],
      row: 5,
      field: 'importe',
      code: 'SALES_IMPORTE_INVALID',
    });
    expect(reject?.issues).toHaveLength(1);
  });

  it('groups unsorted input correctly in order unsorted', async () => {
    const text = `${HEADER}
7,S,2026-11-20,10.00,16,0,0,01,a,1
8,S,2026-11-20,20.00,16,0,0,01,b,1
7,S,2026-11-20,30.00,16,0,0,01,c,1
`;
    const items = await tickets(text, undefined, 'unsorted');
    expect(okTickets(items).map((t) => [t.ticket, t.rows, t.total])).toEqual([
      ['7', [2, 4], '40.00'],
      ['8', [3], '20.00'],
    ]);
    // Declared sorted, the late row cannot join its ticket: it is rejected, not lost, and counted.
    const sorted = await tickets(text);
    expect(sorted.map((i) => (i.kind === 'ticket' ? i.ticket.ticket : i.reject.code))).toEqual([
      '7',
      '8',
      'SALES_TICKET_SPLIT',
    ]);
  });

  it('rejects a ticket mixing currencies or receptors, and a row without a ticket on its own', async () => {
    const text = `ticket,fecha,importe,moneda,tipoCambio,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal
1,2026-11-20,10.00,MXN,,,,,
1,2026-11-20,10.00,USD,17.5,,,,
2,2026-11-20,10.00,MXN,,XIA190128J61,XENON INDUSTRIAL ARTICLES,76343,601
2,2026-11-20,10.00,MXN,,URE180429TM6,UNIVERSIDAD ROBOTICA ESPAÑOLA,86991,601
,2026-11-20,10.00,MXN,,,,,
`;
    const out = rejects(await tickets(text));
    // A row without a ticket is emitted when read; the ticket still open is emitted when it closes.
    expect(out.map((r) => [r.ticket, r.code, r.rows])).toEqual([
      ['1', 'SALES_TICKET_MONEDA_MIXED', [2, 3]],
      [null, 'SALES_TICKET_MISSING', [6]],
      ['2', 'SALES_TICKET_RECEPTOR_MIXED', [4, 5]],
    ]);
  });

  it('rejects a ticket whose rows carry different fechas, naming the rows and both fechas, or takes the latest when input.mixedFecha says so', async () => {
    const text = `${HEADER}
5,CENTRO,2026-11-20T10:00:00,100.00,16,0,0,01,Taco,1
5,CENTRO,2026-11-20T10:00:00,20.00,16,0,0,01,Agua,1
5,CENTRO,2026-11-21T09:30:00,60.00,16,0,0,01,Flan,1
6,CENTRO,2026-11-21T09:30:00,10.00,16,0,0,01,Pan,1
`;
    const items = await tickets(text);
    expect(items.map((i) => i.kind)).toEqual(['reject', 'ticket']);
    const [reject] = rejects(items);
    expect(reject).toMatchObject({
      ticket: '5',
      rows: [2, 3, 4],
      row: 4,
      field: 'fecha',
      code: 'SALES_TICKET_FECHA_MIXED',
    });
    expect(reject?.message).toContain('row 4 has fecha 2026-11-21T09:30:00');
    expect(reject?.message).toContain('(row 2) 2026-11-20T10:00:00');
    const latest = okTickets(await tickets(text, testConfig({ input: { mixedFecha: 'latest' } })));
    expect(latest.map((t) => [t.ticket, t.fecha, t.total])).toEqual([
      ['5', '2026-11-21T09:30:00', '180.00'],
      ['6', '2026-11-21T09:30:00', '10.00'],
    ]);
    expect(checkSalesConfig({ ...testConfig(), input: { mixedFecha: 'first' } }).issues[0]?.path).toEqual([
      'input',
      'mixedFecha',
    ]);
  });

  it("rejects a ticket whose total passes t_Importe's 18 integer digits though each row is within them", async () => {
    const text = `${HEADER}
8,CENTRO,2026-11-20,999999999999999999.00,16,0,0,01,Taco,1
8,CENTRO,2026-11-20,999999999999999999.00,16,0,0,01,Agua,1
9,CENTRO,2026-11-20,999999999999999999.00,16,0,0,01,Pan,1
`;
    const items = await tickets(text);
    expect(items.map((i) => i.kind)).toEqual(['reject', 'ticket']);
    expect(rejects(items)[0]).toMatchObject({
      ticket: '8',
      rows: [2, 3],
      field: 'importe',
      code: 'SALES_IMPORTE_TOO_LARGE',
    });
    expect(rejects(items)[0]?.message).toContain(
      "the ticket's total 1999999999999999998.00 (Σ importe of rows 2, 3)",
    );
  });

  it('makes a ticket nominative when its rows carry the receptor', async () => {
    const text = `ticket,fecha,importe,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal,usoCFDI
9,2026-11-20,10.00,XIA190128J61,XENON INDUSTRIAL ARTICLES,76343,601,G01
9,2026-11-20,5.00,,,,,
`;
    const [ticket] = okTickets(await tickets(text));
    expect(ticket?.receptor).toMatchObject({ rfc: 'XIA190128J61', usoCFDI: 'G01' });
    expect(ticket?.total).toBe('15.00');
  });
});

describe('groupByTicket', () => {
  const key = (t: string) => ({ ticket: t, sucursal: '' });

  it('throws SALES_UNSORTED in sorted order with onSplit throw, for a caller that starts over', async () => {
    const error = await collect(groupByTicket(from(['a', 'b', 'a']), key, { onSplit: 'throw' })).catch(
      (e: unknown) => e,
    );
    expect(isCfdiLayoutError(error, 'SALES_UNSORTED')).toBe(true);
  });

  it('keeps items without a key as their own groups, in place', async () => {
    const groups = await collect(
      groupByTicket(from(['a', '', 'a', 'b']), (t) => (t === '' ? undefined : key(t))),
    );
    expect(groups.map((g) => [g.key?.ticket, g.items])).toEqual([
      [undefined, ['']],
      ['a', ['a', 'a']],
      ['b', ['b']],
    ]);
  });
});

describe('detectSalesOrder', () => {
  it('reports order, rows and distinct tickets from the keys only', async () => {
    const sorted = await detectSalesOrder(readSalesRecords(chunked(SORTED)));
    expect(sorted).toEqual({ sorted: true, rows: 6, tickets: 3 });
    const unsorted = await detectSalesOrder(
      readSalesRecords(chunked('ticket,fecha,importe\n1,x,1\n2,x,1\n1,x,1\n')),
    );
    expect(unsorted.sorted).toBe(false);
  });
});

describe('configuration', () => {
  it('fills defaults and accepts the documented keys', () => {
    const { config, issues } = checkSalesConfig({
      emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
      lugarExpedicion: '42501',
      serie: 'A',
      columns: { ticket: 'Folio' },
      tralix: { sucursales: { CENTRO: 'abc' } },
      providers: { tralix: { baseUrl: 'http://127.0.0.1:8572' } },
    });
    expect(issues).toEqual([]);
    expect(config).toMatchObject({
      vencimientoDias: 30,
      layout: 'tralix-40',
      defaults: { iva: '16', moneda: 'MXN', formaPago: '01' },
      tralix: { connector: 'CFD33BASE', environment: 'QA', version: '4.0', sucursales: { CENTRO: 'abc' } },
      orders: { splitMixedRates: false, batchSize: 100 },
      global: { ish: 'implocal' },
      input: { order: 'auto', encoding: 'utf8' },
    });
  });

  it('reports every problem with its path', () => {
    const { issues } = checkSalesConfig({
      emisor: { rfc: 'bad', nombre: '', regimenFiscal: '601' },
      serie: 'A',
      columns: { tiket: 'x' },
    });
    const paths = issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['emisor.rfc', 'emisor.nombre', 'lugarExpedicion', 'columns']),
    );
    expect(issues.every((i) => i.code === 'CONFIG_INVALID')).toBe(true);
  });

  it('has a JSON Schema generated from the zod schema', () => {
    const schema = salesConfigJsonSchema() as { required: string[]; properties: Record<string, unknown> };
    expect(schema.required).toEqual(['emisor', 'lugarExpedicion', 'serie']);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['columns', 'defaults', 'tralix', 'orders', 'global', 'providers']),
    );
  });
});
