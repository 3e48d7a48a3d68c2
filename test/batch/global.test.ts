import { describe, expect, it } from 'vitest';
import {
  GLOBAL_CONCEPTO,
  type GlobalTicket,
  globalComprobante,
  parseExcludeList,
  renderComprobanteChunks,
  selectGlobalTickets,
} from '../../src/batch/index.js';
import type { Comprobante } from '../../src/model/comprobante.js';
import { validateComprobante } from '../../src/rules/index.js';
import { renderComprobante } from '../../src/xml/render.js';
import { kitAvailable, kitMissingReason, validateXsd } from '../helpers/kit.js';
import { collect, HEADER, testConfig, tickets } from '../sales/helpers.js';

const EXPORT = `${HEADER},receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal
10,CENTRO,2026-11-03T13:00:00,123.45,16,0,0,04,Enchiladas,1,,,,
10,CENTRO,2026-11-03T13:00:00,100.01,16,0,0,01,Agua,1,,,,
11,PLAYA,2026-11-04T12:00:00,2380.00,16,0,3,28,Hospedaje,1,,,,
11,PLAYA,2026-11-04T12:00:00,320.00,16,0,0,28,Desayuno,1,,,,
12,CENTRO,2026-11-05T14:00:00,64.00,0,0,0,01,Pan,1,,,,
12,CENTRO,2026-11-05T14:00:00,116.00,16,0,0,01,Cafe,1,,,,
13,CENTRO,2026-11-06T15:00:00,500.00,16,0,0,03,Comida,1,XIA190128J61,XENON INDUSTRIAL ARTICLES,76343,601
14,CENTRO,2026-11-06T15:00:00,bad,16,0,0,03,Comida,1,,,,
15,CENTRO,2026-11-07T16:00:00,58.00,exento,0,0,01,Libro,1,,,,
16,NORTE,2026-11-07T16:00:00,99.99,16,0,0,01,Ya facturado,1,,,,
`;

const config = testConfig({ global: { serie: 'G' } });
const period = {
  periodicidad: '04',
  meses: '11',
  anio: '2026',
  fecha: '2026-12-01T09:00:00',
  folio: '2026-11',
};

async function select(text = EXPORT, cfg = config, exclude = parseExcludeList('NORTE/16\n# comment\n99\n')) {
  return collect(selectGlobalTickets(await tickets(text, cfg), cfg, { exclude }));
}

function included(items: Awaited<ReturnType<typeof select>>): GlobalTicket[] {
  return items.flatMap((i) => (i.kind === 'output' ? [i.value] : []));
}

describe('factura global', () => {
  it('takes the tickets nobody invoiced: nominative and excluded tickets are skipped, broken ones rejected', async () => {
    const items = await select();
    expect(
      items.map((i) =>
        i.kind === 'output'
          ? `in:${i.ticket.ticket}`
          : i.kind === 'skip'
            ? `skip:${i.ticket.ticket}`
            : `reject:${i.reject.ticket}`,
      ),
    ).toEqual(['in:10', 'in:11', 'in:12', 'skip:13', 'reject:14', 'in:15', 'skip:16']);
  });

  it('fills the Guía: público en general, InformacionGlobal, one concept per ticket (per rate), FormaPago of the largest ticket', async () => {
    const built = globalComprobante(included(await select()), config, period);
    expect(built.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const c = built.comprobante as Comprobante;
    expect(c).toMatchObject({
      serie: 'G',
      folio: '2026-11',
      fecha: '2026-12-01T09:00:00',
      formaPago: '28',
      metodoPago: 'PUE',
      tipoDeComprobante: 'I',
      exportacion: '01',
      informacionGlobal: { periodicidad: '04', meses: '11', año: '2026' },
      receptor: {
        rfc: 'XAXX010101000',
        nombre: 'PUBLICO EN GENERAL',
        domicilioFiscalReceptor: '42501',
        regimenFiscalReceptor: '616',
        usoCFDI: 'S01',
      },
    });
    expect(c.conceptos.map((k) => [k.noIdentificacion, k.importe])).toEqual([
      ['10', '192.64'],
      ['11', '2000.00'],
      ['11', '275.86'],
      ['12', '64.00'],
      ['12', '100.00'],
      ['15', '58.00'],
    ]);
    for (const k of c.conceptos)
      expect(k).toMatchObject({ ...GLOBAL_CONCEPTO, cantidad: '1', valorUnitario: k.importe });
    expect(c.conceptos.some((k) => k.unidad !== undefined)).toBe(false);
    // Traslados grouped by impuesto, factor and rate; the exento group carries its Base only.
    expect(c.impuestos?.traslados?.map((t) => [t.tipoFactor, t.tasaOCuota, t.base])).toEqual([
      ['Tasa', '0.160000', '2568.50'],
      ['Tasa', '0.000000', '64.00'],
      ['Exento', undefined, '58.00'],
    ]);
    // Total = what the included tickets were paid, ISH included through implocal.
    expect(c.total).toBe('3161.46');
    expect(JSON.stringify(c.complemento)).toContain('"impLocTrasladado":"ISH"');
    expect(validateComprobante(c).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it.skipIf(!kitAvailable)(
    `validates against SAT's cfdv40.xsd with implocal ${kitMissingReason ?? ''}`,
    async () => {
      const c = globalComprobante(included(await select()), config, period).comprobante as Comprobante;
      const verdict = validateXsd(renderComprobante(c));
      expect(verdict.ok, verdict.output).toBe(true);
    },
  );

  it('refuses ISH tickets with a reason when the config says so', async () => {
    const strict = testConfig({ global: { ish: 'reject' } });
    const items = await select(EXPORT, strict);
    const refused = items.find((i) => i.kind === 'reject' && i.reject.ticket === '11');
    expect(refused?.kind === 'reject' && refused.reject.code).toBe('SALES_GLOBAL_ISH_REFUSED');
    const c = globalComprobante(included(items), strict, period).comprobante as Comprobante;
    expect(c.complemento).toBeUndefined();
  });

  it.each([
    [{ periodicidad: '05', meses: '11' }, 'CFDI40132'],
    [{ periodicidad: '04', meses: '13' }, 'CFDI40134'],
    [{ anio: '2024' }, 'CFDI40136'],
  ])('reports InformacionGlobal rules (%j → %s) and writes nothing', async (change, code) => {
    const built = globalComprobante(included(await select()), config, { ...period, ...change });
    expect(built.comprobante).toBeUndefined();
    expect(built.issues.map((i) => i.code)).toContain(code);
  });

  it('warns when no ticket is left', () => {
    const built = globalComprobante([], config, period);
    expect(built.comprobante).toBeUndefined();
    expect(built.issues.map((i) => [i.code, i.severity])).toEqual([['GLOBAL_EMPTY', 'warning']]);
  });

  it('renders in chunks exactly what a single render writes', async () => {
    const many = `${HEADER}\n${Array.from({ length: 25 }, (_, i) => `${i},S,2026-11-03,${i + 10}.50,16,0,${i % 2 === 0 ? 3 : 0},01,x,1`).join('\n')}\n`;
    const c = globalComprobante(included(await select(many)), config, period).comprobante as Comprobante;
    const whole = renderComprobante(c);
    for (const size of [1, 4, 25, 100]) expect([...renderComprobanteChunks(c, size)].join('')).toBe(whole);
  });
});

describe('parseExcludeList', () => {
  it('reads lines (TICKET or SUCURSAL/TICKET, # comments), JSON arrays and Tralix consulta answers, and reports unmatched entries', () => {
    const text = parseExcludeList('\uFEFF10\r\nPLAYA/11\n# done\n\n77\n');
    expect([text.has('10', 'X'), text.has('11', 'PLAYA'), text.has('11', 'CENTRO')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(text.unmatched()).toEqual(['77']);
    const json = parseExcludeList('[{"ticket":"5","sucursal":"S"},{"folio":6},"7"]');
    expect([json.has('5', 'S'), json.has('6', 'Z'), json.has('7', 'Z'), json.has('5', 'T')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    const tralix = parseExcludeList('{"cfdis":[{"noTicket":"12k29","idSucursal":"abc"}]}');
    expect(tralix.has('12k29', 'abc')).toBe(true);
  });
});
