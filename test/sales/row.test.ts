import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, parseFecha, parseSalesRow, type SalesRecord } from '../../src/sales/index.js';
import { testConfig } from './helpers.js';

const config = testConfig({ vencimientoDias: 10 });

function row(values: Record<string, unknown>, rowNumber = 2): ReturnType<typeof parseSalesRow> {
  const record: SalesRecord = {
    row: rowNumber,
    values: { ticket: 'A-1', fecha: '2026-11-20T10:00:00', importe: '116.00', ...values },
    issues: [],
  };
  return parseSalesRow(record, config);
}

function codes(values: Record<string, unknown>): string[] {
  return row(values).issues.map((i) => `${i.field}:${i.code}`);
}

describe('parseSalesRow', () => {
  it('applies the defaults of the config and the contract', () => {
    const parsed = row({});
    expect(parsed.issues).toEqual([]);
    expect(parsed.key).toEqual({ ticket: 'A-1', sucursal: '' });
    expect(parsed.value).toEqual({
      row: 2,
      ticket: 'A-1',
      sucursal: '',
      fecha: '2026-11-20T10:00:00',
      importe: '116.00',
      iva: '16',
      ieps: '0',
      ish: '0',
      formaPago: '01',
      descripcion: 'Consumo',
      cantidad: '1',
      claveProdServ: '90101501',
      claveUnidad: 'E48',
      objetoImp: '02',
      moneda: 'MXN',
      vencimiento: '2026-11-30',
    });
  });

  it('normalizes what ERPs write: dates with a space or no time, rates with % or zeros, one-digit formas de pago, JSON numbers', () => {
    const parsed = row({
      fecha: '2026-11-20 08:05',
      iva: '16.00%',
      ish: '3.0',
      formaPago: 4,
      importe: 1160.5,
      cantidad: '2.50',
      ticket: 1001,
    });
    expect(parsed.issues).toEqual([]);
    expect(parsed.value).toMatchObject({
      fecha: '2026-11-20T08:05:00',
      iva: '16',
      ish: '3',
      formaPago: '04',
      importe: '1160.5',
      cantidad: '2.5',
      ticket: '1001',
    });
    expect(row({ fecha: '2026-11-20', iva: 'EXENTO' }).value).toMatchObject({
      fecha: '2026-11-20T00:00:00',
      iva: 'exento',
    });
  });

  it.each([
    [{ fecha: '2026-11-31' }, 'fecha:SALES_FECHA_INVALID'],
    [{ fecha: '2026-02-29T10:00:00' }, 'fecha:SALES_FECHA_INVALID'],
    [{ fecha: '20/11/2026' }, 'fecha:SALES_FECHA_INVALID'],
    [{ fecha: '2026-11-20T10:00:00Z' }, 'fecha:SALES_FECHA_INVALID'],
    [{ fecha: '' }, 'fecha:SALES_FECHA_INVALID'],
    [{ importe: 'abc' }, 'importe:SALES_IMPORTE_INVALID'],
    [{ importe: '1,160.00' }, 'importe:SALES_IMPORTE_INVALID'],
    [{ importe: '' }, 'importe:SALES_IMPORTE_INVALID'],
    [{ importe: '-5.00' }, 'importe:SALES_IMPORTE_NEGATIVE'],
    [{ importe: -5 }, 'importe:SALES_IMPORTE_NEGATIVE'],
    [{ importe: '0.00' }, 'importe:SALES_IMPORTE_ZERO'],
    [{ importe: '-0' }, 'importe:SALES_IMPORTE_ZERO'],
    [{ importe: '-0.00' }, 'importe:SALES_IMPORTE_ZERO'],
    [{ importe: -0 }, 'importe:SALES_IMPORTE_ZERO'],
    [{ importe: '-0.01' }, 'importe:SALES_IMPORTE_NEGATIVE'],
    [{ importe: '10.001' }, 'importe:SALES_IMPORTE_DECIMALS'],
    // t_Importe's 18 integer digits, on every target.
    [{ importe: '99999999999999999999999.99' }, 'importe:SALES_IMPORTE_TOO_LARGE'],
    [{ importe: '1000000000000000000' }, 'importe:SALES_IMPORTE_TOO_LARGE'],
    [{ moneda: 'USD', tipoCambio: '1234567890123456789.5' }, 'tipoCambio:SALES_TIPO_CAMBIO_INVALID'],
    [{ importe: '100.5', moneda: 'JPY', tipoCambio: '0.12' }, 'importe:SALES_IMPORTE_DECIMALS'],
    [{ iva: '15' }, 'iva:SALES_RATE_UNKNOWN'],
    [{ iva: '0.16' }, 'iva:SALES_RATE_UNKNOWN'],
    [{ ieps: '7.5' }, 'ieps:SALES_RATE_UNKNOWN'],
    [{ ish: '12' }, 'ish:SALES_RATE_UNKNOWN'],
    [{ ish: '3.125' }, 'ish:SALES_RATE_UNKNOWN'],
    [{ formaPago: '09' }, 'formaPago:SALES_FORMA_PAGO_UNKNOWN'],
    [{ moneda: 'MXP' }, 'moneda:SALES_MONEDA_UNKNOWN'],
    [{ moneda: 'USD' }, 'tipoCambio:SALES_TIPO_CAMBIO_INVALID'],
    [{ tipoCambio: '17.5' }, 'tipoCambio:SALES_TIPO_CAMBIO_INVALID'],
    [{ cantidad: '0' }, 'cantidad:SALES_CANTIDAD_INVALID'],
    [{ claveUnidad: 'ZZZ' }, 'claveUnidad:SALES_CATALOG_UNKNOWN'],
    [{ claveProdServ: '9010150' }, 'claveProdServ:SALES_CATALOG_UNKNOWN'],
    [{ objetoImp: '09' }, 'objetoImp:SALES_CATALOG_UNKNOWN'],
    [{ objetoImp: '06', fecha: '2024-01-10' }, 'objetoImp:SALES_CATALOG_UNKNOWN'],
    [{ descripcion: 'Taco | Agua' }, 'descripcion:SALES_TEXT_INVALID'],
    [{ descripcion: 'x'.repeat(1001) }, 'descripcion:SALES_TEXT_INVALID'],
    [{ descripcion: 'bell\u0007' }, 'descripcion:SALES_TEXT_INVALID'],
    [{ ticket: 'T'.repeat(41) }, 'ticket:SALES_TEXT_INVALID'],
    // A line break is refused in every text column, keys and CFDI texts alike (see checkText).
    [{ ticket: 'A-\n1' }, 'ticket:SALES_TEXT_INVALID'],
    [{ sucursal: 'CEN\rTRO' }, 'sucursal:SALES_TEXT_INVALID'],
    [{ descripcion: 'Tacos\nal pastor' }, 'descripcion:SALES_TEXT_INVALID'],
    [{ descripcion: 'Tacos\r\nal pastor' }, 'descripcion:SALES_TEXT_INVALID'],
    [{ unidad: 'Pie\nza' }, 'unidad:SALES_TEXT_INVALID'],
    [{ noIdentificacion: 'SKU\n1' }, 'noIdentificacion:SALES_TEXT_INVALID'],
    [{ tag: 'ONLINE\n' + 'TIENDA' }, 'tag:SALES_TEXT_INVALID'],
    [
      {
        receptorRfc: 'XIA190128J61',
        receptorNombre: 'XENON\nINDUSTRIAL ARTICLES',
        receptorDomicilioFiscal: '76343',
        receptorRegimenFiscal: '601',
      },
      'receptorNombre:SALES_TEXT_INVALID',
    ],
    [{ vencimiento: '2026-11-19' }, 'vencimiento:SALES_VENCIMIENTO_INVALID'],
    [{ vencimiento: '2026-13-01' }, 'vencimiento:SALES_VENCIMIENTO_INVALID'],
    [{ importe: { amount: 1 } }, 'importe:SALES_IMPORTE_INVALID'],
  ])('rejects %j with %s', (values, expected) => {
    expect(codes(values)).toContain(expected);
    expect(row(values).value).toBeUndefined();
  });

  it('says where a line break is and how many lines the field runs over, and keeps a tab', () => {
    const [issue] = row({ descripcion: 'Tacos\nT2,S1,2026-11-17,50.00,Agua\nT3' }, 7).issues;
    expect(issue).toMatchObject({ row: 7, field: 'descripcion', code: 'SALES_TEXT_INVALID' });
    expect(issue?.message).toMatch(/^descripcion holds a line break \(it runs over 3 lines\)/);
    // Surrounding whitespace is trimmed from every cell; a tab inside survives every target as is.
    expect(row({ descripcion: '\nTacos\tal pastor\r\n' }).value?.descripcion).toBe('Tacos\tal pastor');
  });

  it('keeps the key of a broken row so the whole ticket is rejected, and has none without a ticket', () => {
    expect(row({ importe: 'x', sucursal: ' CENTRO ' }).key).toEqual({ ticket: 'A-1', sucursal: 'CENTRO' });
    const noTicket = row({ ticket: '  ' });
    expect(noTicket.key).toBeUndefined();
    expect(noTicket.issues.map((i) => i.code)).toContain('SALES_TICKET_MISSING');
  });

  it('collects every finding of a row, each with its row number and column', () => {
    const parsed = row({ importe: 'x', formaPago: '77', iva: '20' }, 9);
    expect(parsed.issues.map((i) => [i.row, i.field, i.code])).toEqual([
      [9, 'importe', 'SALES_IMPORTE_INVALID'],
      [9, 'iva', 'SALES_RATE_UNKNOWN'],
      [9, 'formaPago', 'SALES_FORMA_PAGO_UNKNOWN'],
    ]);
  });

  it('reads the receptor columns of a nominative row, and rejects them incomplete or invalid', () => {
    const receptor = {
      receptorRfc: 'xia190128j61',
      receptorNombre: 'XENON INDUSTRIAL ARTICLES',
      receptorDomicilioFiscal: '76343',
      receptorRegimenFiscal: '601',
    };
    expect(row(receptor).value?.receptor).toEqual({
      rfc: 'XIA190128J61',
      nombre: 'XENON INDUSTRIAL ARTICLES',
      domicilioFiscalReceptor: '76343',
      regimenFiscalReceptor: '601',
      usoCFDI: 'G03',
    });
    expect(codes({ receptorRfc: 'XIA190128J61' })).toContain('receptorNombre:SALES_RECEPTOR_INCOMPLETE');
    expect(codes({ ...receptor, receptorRfc: 'NOTANRFC' })).toContain('receptorRfc:SALES_RECEPTOR_INVALID');
    expect(codes({ ...receptor, receptorDomicilioFiscal: '7634' })).toContain(
      'receptorDomicilioFiscal:SALES_RECEPTOR_INVALID',
    );
    expect(codes({ ...receptor, receptorRegimenFiscal: '999' })).toContain(
      'receptorRegimenFiscal:SALES_RECEPTOR_INVALID',
    );
    expect(codes({ ...receptor, usoCFDI: 'Z99' })).toContain('usoCFDI:SALES_RECEPTOR_INVALID');
  });

  it('passes the reader issues through and stops checking a malformed record', () => {
    const parsed = parseSalesRow(
      { row: 4, values: {}, issues: [{ row: 4, field: '', code: 'SALES_RECORD_MALFORMED', message: 'x' }] },
      config,
    );
    expect(parsed.issues.map((i) => i.code)).toEqual(['SALES_RECORD_MALFORMED', 'SALES_TICKET_MISSING']);
  });
});

describe('dates', () => {
  it('parseFecha accepts SAT t_FechaH and ERP variants only when the date is real', () => {
    expect(parseFecha('2024-02-29 23:59:59')).toBe('2024-02-29T23:59:59');
    expect(parseFecha('2026-11-20T24:00:00')).toBeUndefined();
    expect(parseFecha('2100-02-29')).toBeUndefined();
  });

  it('parseFecha on t_FechaH-shaped text is its definition: a real date and a time of day, or nothing', () => {
    // The definition, written independently of the character checks parseFecha runs first: the
    // proleptic Gregorian calendar through Date.UTC, and 00:00:00 to 23:59:59.
    const expected = (text: string): string | undefined => {
      const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/.exec(text);
      if (m === null) return undefined;
      const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
      const date = new Date(0);
      date.setUTCFullYear(y, mo - 1, d);
      const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
      return real && h <= 23 && mi <= 59 && s <= 59 ? text.replace(' ', 'T') : undefined;
    };
    const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n });
    const fecha = fc
      .tuple(
        fc.oneof(
          digits(4),
          fc.constantFrom(['2', '0', '2', '4'], ['1', '9', '0', '0'], ['2', '0', '0', '0']),
        ),
        digits(2),
        digits(2),
        fc.constantFrom('T', ' ', 'x'),
        digits(2),
        digits(2),
        digits(2),
        fc.constantFrom('-', '/'),
      )
      .map(
        ([y, mo, d, t, h, mi, s, sep]) =>
          `${y.join('')}${sep}${mo.join('')}-${d.join('')}${t}${h.join('')}:${mi.join('')}:${s.join('')}`,
      );
    fc.assert(
      fc.property(fecha, (text) => {
        expect(parseFecha(text)).toBe(expected(text));
      }),
      { numRuns: 20_000 },
    );
    expect(parseFecha('2024-02-29T23:59:59')).toBe('2024-02-29T23:59:59');
    expect(parseFecha('2023-02-29T10:00:00')).toBeUndefined();
    expect(parseFecha('2024-04-31T10:00:00')).toBeUndefined();
    expect(parseFecha('2024-04-30T10:60:00')).toBeUndefined();
    expect(parseFecha('2024-04-30T10:00:0a')).toBeUndefined();
  });

  it('addDays crosses months and years in calendar days', () => {
    expect(addDays('2026-12-25', 10)).toBe('2027-01-04');
    expect(addDays('2024-02-20', 10)).toBe('2024-03-01');
    expect(addDays('2026-11-20', 0)).toBe('2026-11-20');
    // The same date for another number of days is its own answer, not the first one remembered.
    expect(addDays('2026-12-25', 7)).toBe('2027-01-01');
    expect(addDays('2026-12-25', 10)).toBe('2027-01-04');
  });
});
