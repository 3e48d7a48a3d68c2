import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BuildItem,
  buildLayoutDocuments,
  buildOrders,
  buildTralixAsync,
  buildTralixTickets,
  buildXmlDocuments,
  type InvoiceDocument,
  type Order,
  ordersJson,
  ticketComprobante,
  tralixTicketJson,
} from '../../src/batch/index.js';
import { hasErrors } from '../../src/issues.js';
import { LAYOUTS, parseLayout } from '../../src/layouts/index.js';
import { sum } from '../../src/money.js';
import { validateComprobante } from '../../src/rules/index.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { kitAvailable, kitMissingReason, validateXsd } from '../helpers/kit.js';
import { collect, HEADER, testConfig, tickets } from '../sales/helpers.js';

const layout = LAYOUTS['tralix-40'];
const RECEPTOR = 'XIA190128J61,XENON INDUSTRIAL ARTICLES,76343,601,G03';
const EXPORT = `${HEADER},receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal,usoCFDI
1001,CENTRO,2026-11-20T13:00:00,123.45,16,0,0,04,Enchiladas,1,,,,,
1001,CENTRO,2026-11-20T13:00:00,100.01,16,0,0,01,Agua,2,,,,,
1002,PLAYA,2026-11-20T12:00:00,2380.00,16,0,3,04,Hospedaje,1,,,,,
1002,PLAYA,2026-11-20T12:00:00,320.00,16,0,0,04,Desayuno,2,,,,,
1003,CENTRO,2026-11-20T14:00:00,64.00,0,0,0,01,Pan,1,,,,,
1003,CENTRO,2026-11-20T14:00:00,116.00,16,0,0,01,Cafe,1,,,,,
1004,CENTRO,2026-11-20T15:00:00,500.00,16,0,0,03,Comida,1,${RECEPTOR}
1005,CENTRO,2026-11-20T15:00:00,x,16,0,0,03,Comida,1,,,,,
1006,CENTRO,2026-11-20T16:00:00,113.00,16,8,0,01,Refresco,1,,,,,
1007,PLAYA,2026-11-20T17:00:00,1785.00,16,0,3,04,Hospedaje,1,URE180429TM6,UNIVERSIDAD ROBOTICA ESPAÑOLA,86991,601,G03
`;

const config = testConfig({ tralix: { sucursales: { CENTRO: 'id-centro' }, idTipoCfd: 'tipo' } });

function outputs<T>(items: BuildItem<T>[]): T[] {
  return items.flatMap((i) => (i.kind === 'output' ? [i.value] : []));
}

function kinds(items: BuildItem<unknown>[]): string[] {
  return items.map((i) =>
    i.kind === 'output'
      ? `out:${i.ticket.ticket}`
      : i.kind === 'reject'
        ? `reject:${i.reject.ticket}`
        : `skip:${i.ticket.ticket}`,
  );
}

describe('buildTralixTickets (seed 000)', () => {
  it('builds one PUT body per ticket: fecha, insumo in the ticket variant, monto = Σ lines, numeroTicket, sucursal id', async () => {
    const items = await collect(buildTralixTickets(await tickets(EXPORT, config), config, { layout }));
    expect(kinds(items)).toEqual([
      'out:1001',
      'out:1002',
      'out:1003',
      'out:1004',
      'reject:1005',
      'out:1006',
      'out:1007',
    ]);
    const [first, hotel] = outputs(items);
    expect(first).toMatchObject({
      fecha: '2026-11-20T13:00:00',
      monto: '223.46',
      numeroTicket: '1001',
      sucursal: 'id-centro',
    });
    // Unmapped sucursales are sent as exported.
    expect(hotel?.sucursal).toBe('PLAYA');
    expect(first?.insumo.split('\n')[0]).toBe('00|CFD33BASE|QA|4.0|');
    expect(first?.insumo).not.toMatch(/^03\|/m);
    expect(JSON.parse(tralixTicketJson(first as NonNullable<typeof first>))).toEqual({
      ...first,
      monto: 223.46,
    });
  });

  it('writes insumos the layout reads back without error, whose Total is the ticket monto', async () => {
    const items = outputs(
      await collect(buildTralixTickets(await tickets(EXPORT, config), config, { layout })),
    );
    for (const payload of items) {
      const parsed = parseLayout(layout, payload.insumo, { variant: 'ticket' });
      expect(
        parsed.issues.filter((i) => i.severity === 'error' && i.code !== 'LAYOUT_MODEL_INCOMPLETE'),
      ).toEqual([]);
      // The ticket variant has no receptor (the customer gives it when self-invoicing), so the draft is read.
      expect(parsed.draft.total).toBe(payload.monto);
    }
  });

  it('writes monto as the exact decimal literal up to 15 digits, and never a literal a JSON reader would round', () => {
    const body = { fecha: '2026-11-20T00:00:00', insumo: 'x', numeroTicket: '1', sucursal: 's' };
    expect(tralixTicketJson({ ...body, monto: '9999999999999.99' })).toContain('"monto":9999999999999.99,');
    // 17 digits: a double is 123456789012345.671875, which a reader printing 15 digits takes as 123456789012346.
    expect(() => tralixTicketJson({ ...body, monto: '123456789012345.67' })).toThrow(TypeError);
  });

  it('rejects a ticket whose total no JSON number holds exactly (SALES_JSON_AMOUNT_INEXACT): monto takes no string', async () => {
    const big = `${HEADER}\n1,CENTRO,2026-11-20,1234567890123456.78,16,0,0,01,a,1\n2,CENTRO,2026-11-20,9999999999999.99,16,0,0,01,a,1\n`;
    const items = await collect(buildTralixTickets(await tickets(big, config), config, { layout }));
    expect(
      items.map((i) => (i.kind === 'reject' ? [i.reject.ticket, i.reject.field, i.reject.code] : i.kind)),
    ).toEqual([['1', 'importe', 'SALES_JSON_AMOUNT_INEXACT'], 'output']);
  });

  it('rejects a ticket without a sucursal id', async () => {
    const noSucursal = `${HEADER}\n1,,2026-11-20,10.00,16,0,0,01,a,1\n`;
    const [item] = await collect(buildTralixTickets(await tickets(noSucursal, config), config, { layout }));
    expect(item?.kind === 'reject' && item.reject.code).toBe('SALES_SUCURSAL_MISSING');
  });
});

describe('buildOrders (seed 001)', () => {
  it('builds one order per ticket with the seed fields and formats, and rejects what an order cannot carry', async () => {
    const items = await collect(buildOrders(await tickets(EXPORT, config), config));
    expect(kinds(items)).toEqual([
      'out:1001',
      'reject:1002',
      'reject:1003',
      'out:1004',
      'reject:1005',
      'reject:1006',
      'out:1007',
    ]);
    const [first] = outputs(items);
    expect(first).toEqual([
      {
        folio: '1001',
        importe: '223.46',
        fecha: '2026-11-20',
        vencimiento: '2026-12-20',
        iva: '16',
        formaDePago: '04',
        ish: '0',
        tag: '',
        objetoImpuesto: '02',
      },
    ]);
    const reasons = items.flatMap((i) => (i.kind === 'reject' ? [[i.reject.ticket, i.reject.code]] : []));
    expect(reasons).toEqual([
      ['1002', 'SALES_ORDER_MIXED_RATES'],
      ['1003', 'SALES_ORDER_MIXED_RATES'],
      ['1005', 'SALES_IMPORTE_INVALID'],
      ['1006', 'SALES_ORDER_UNSUPPORTED'],
    ]);
    const message = items.find((i) => i.kind === 'reject' && i.reject.ticket === '1003');
    expect(message?.kind === 'reject' && message.reject.message).toContain('IVA 0 and IVA 16');
  });

  it('splits a ticket that mixes rates into one order per rate when the config asks', async () => {
    const split = testConfig({ orders: { splitMixedRates: true, tag: 'HOTEL', folioWithSucursal: true } });
    const items = await collect(buildOrders(await tickets(EXPORT, split), split));
    const hotel = items.find((i) => i.kind === 'output' && i.ticket.ticket === '1002');
    const orders = hotel?.kind === 'output' ? hotel.value : [];
    expect(orders.map((o: Order) => [o.folio, o.importe, o.iva, o.ish, o.tag])).toEqual([
      ['PLAYA-1002-1', '2380.00', '16', '3', 'HOTEL'],
      ['PLAYA-1002-2', '320.00', '16', '0', 'HOTEL'],
    ]);
    expect(sum(orders.map((o) => o.importe)).toFixed(2)).toBe('2700.00');
  });

  it('serializes orders as the JSON array of POST /multiple, amounts and ish as exact numbers', () => {
    const text = ordersJson([
      {
        folio: '55102',
        importe: '200.00',
        fecha: '2025-03-25',
        vencimiento: '2025-03-31',
        iva: '0',
        formaDePago: '01',
        ish: '5',
        tag: 'HOTEL',
        objetoImpuesto: '01',
      },
    ]);
    expect(text).toBe(
      '[{"vencimiento":"2025-03-31","folio":"55102","importe":200.00,"fecha":"2025-03-25","iva":"0","formaDePago":"01","ish":5,"tag":"HOTEL","objetoImpuesto":"01"}]',
    );
  });

  it('writes an importe no JSON number holds exactly as its decimal string, which seed 001 also takes', () => {
    const order: Order = {
      folio: '1',
      importe: '1234567890123456.78',
      fecha: '2025-03-25',
      vencimiento: '2025-03-31',
      iva: '16',
      formaDePago: '01',
      ish: '0',
      tag: '',
      objetoImpuesto: '02',
    };
    expect(ordersJson([order])).toContain('"importe":"1234567890123456.78",');
    expect(ordersJson([{ ...order, importe: '9999999999999.99' }])).toContain('"importe":9999999999999.99,');
  });
});

describe('invoice targets: xml, layout, tralix-async (seed 002)', () => {
  it('builds one pre-CFDI per nominative ticket, skips the others, and every XML passes every SAT rule', async () => {
    const items = await collect(buildXmlDocuments(await tickets(EXPORT, config), config));
    expect(kinds(items)).toEqual([
      'skip:1001',
      'skip:1002',
      'skip:1003',
      'out:1004',
      'reject:1005',
      'skip:1006',
      'out:1007',
    ]);
    const docs = outputs(items);
    expect(docs.map((d: InvoiceDocument) => [d.name, d.serie, d.folio, d.total])).toEqual([
      ['T-1004.xml', 'T', '1004', '500.00'],
      ['T-1007.xml', 'T', '1007', '1785.00'],
    ]);
    for (const doc of docs) {
      const read = parseComprobante(doc.text);
      expect(validateComprobante(read).filter((i) => i.severity === 'error')).toEqual([]);
      expect(read.receptor.rfc).toMatch(/^(XIA190128J61|URE180429TM6)$/);
    }
    expect(docs[1]?.text).toContain(
      'implocal:TrasladosLocales ImpLocTrasladado="ISH" TasadeTraslado="3.00" Importe="45.00"',
    );
  });

  it.skipIf(!kitAvailable)(
    `validates against SAT's cfdv40.xsd (presello) ${kitMissingReason ?? ''}`,
    async () => {
      for (const doc of outputs(await collect(buildXmlDocuments(await tickets(EXPORT, config), config)))) {
        const verdict = validateXsd(doc.text);
        expect(verdict.output).toContain('OK');
        expect(verdict.ok).toBe(true);
      }
    },
  );

  it('builds layouts and cfdisAsync bodies for the same invoices', async () => {
    const layouts = outputs(
      await collect(buildLayoutDocuments(await tickets(EXPORT, config), config, { layout })),
    );
    expect(layouts.map((d) => d.name)).toEqual(['T-1004.txt', 'T-1007.txt']);
    expect(layouts[0]?.text).toMatch(/^03\|XIA190128J61\|XENON INDUSTRIAL ARTICLES\|76343\|\|\|601\|G03\|$/m);
    const bodies = outputs(
      await collect(buildTralixAsync(await tickets(EXPORT, config), config, { layout, idTipoCfd: 'tipo' })),
    );
    expect(bodies.map((b) => [b.idTipoCfd, b.idSucursal])).toEqual([
      ['tipo', 'id-centro'],
      ['tipo', 'PLAYA'],
    ]);
    expect(bodies[0]?.archivoFuente).toBe(layouts[0]?.text);
  });
});

describe('ticketComprobante', () => {
  it('back-calculates each line on its own: Total is the ticket total and every rule passes (property)', async () => {
    const amount = fc
      .tuple(fc.integer({ min: 1, max: 500_000 }), fc.integer({ min: 0, max: 99 }))
      .map(([p, c]) => `${p}.${String(c).padStart(2, '0')}`);
    const line = fc.record({
      importe: amount,
      iva: fc.constantFrom('16', '8', '0', 'exento'),
      ieps: fc.constantFrom('0', '0', '8', '26.5'),
      ish: fc.constantFrom('0', '0', '3', '4.5'),
      cantidad: fc.constantFrom('1', '2', '3.5'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 6 }), async (lines) => {
        const csv = `ticket,fecha,importe,iva,ieps,ish,cantidad\n${lines.map((l) => `P,2026-11-20T10:00:00,${l.importe},${l.iva},${l.ieps},${l.ish},${l.cantidad}`).join('\n')}\n`;
        const [item] = await tickets(csv, config);
        if (item?.kind !== 'ticket') throw new Error('ticket expected');
        const built = ticketComprobante(item.ticket, config, { purpose: 'insumo', validation: 'full' });
        expect(built.issues).toEqual([]);
        expect(built.comprobante?.total).toBe(sum(lines.map((l) => l.importe)).toFixed(2));
        expect(
          hasErrors(
            validateComprobante(built.comprobante as NonNullable<typeof built.comprobante>).filter(
              (i) => i.path[0] !== 'receptor' && i.code !== 'CFDI40146',
            ),
          ),
        ).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('maps a SAT rule broken by the row combination to the reject, with the row of the concept', async () => {
    // Régimen 601 is for personas morales; a persona física receptor with it breaks CFDI40158.
    const csv = `ticket,fecha,importe,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal\nR,2026-11-20,10.00,CACX7605101P8,XOCHILT CASAS CHAVEZ,36257,601\n`;
    const [item] = await tickets(csv, config);
    if (item?.kind !== 'ticket') throw new Error('ticket expected');
    const built = ticketComprobante(item.ticket, config, { purpose: 'invoice' });
    expect(built.comprobante).toBeUndefined();
    expect(built.issues.map((i) => i.code)).toContain('CFDI40158');
  });
});
