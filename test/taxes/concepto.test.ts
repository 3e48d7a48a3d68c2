import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyDecimals } from '../../src/catalogs/moneda.js';
import type { ConceptoInput } from '../../src/model/comprobante.js';
import { ConceptoInputSchema } from '../../src/model/comprobante.js';
import { computeConcepto, conceptoFromImporte } from '../../src/taxes/concepto.js';
import * as oracle from './oracle.js';

function concepto(fields: Record<string, unknown>): ConceptoInput {
  return ConceptoInputSchema.parse({
    claveProdServ: '01010101',
    claveUnidad: 'H87',
    descripcion: 'Artículo',
    cantidad: '1',
    valorUnitario: '100.00',
    objetoImp: '02',
    ...fields,
  });
}

const IVA16 = { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' };

describe('computeConcepto', () => {
  it('rounds Cantidad × ValorUnitario half up and taxes each Base × TasaOCuota', () => {
    // 3 × 33.335 = 100.005 → 100.01 (HALF_UP); IVA 100.01 × 0.16 = 16.0016 → 16.00; ISR 10.001 → 10.00.
    const c = computeConcepto(
      concepto({
        cantidad: '3',
        valorUnitario: '33.335',
        impuestos: {
          traslados: [IVA16],
          retenciones: [{ impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000' }],
        },
      }),
      'MXN',
    );
    expect(c.importe).toBe('100.01');
    expect(c.impuestos).toEqual({
      traslados: [
        { base: '100.01', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '16.00' },
      ],
      retenciones: [
        { base: '100.01', impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000', importe: '10.00' },
      ],
    });
  });

  it('never overwrites given amounts and keeps strings as written', () => {
    const c = computeConcepto(
      concepto({
        importe: '99.99',
        impuestos: {
          traslados: [
            { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.16', base: '50', importe: '1.00' },
          ],
        },
      }),
      'MXN',
    );
    expect(c.importe).toBe('99.99');
    expect(c.impuestos?.traslados?.[0]).toEqual({
      base: '50',
      impuesto: '002',
      tipoFactor: 'Tasa',
      tasaOCuota: '0.16',
      importe: '1.00',
    });
  });

  it('takes the Base as Importe − Descuento', () => {
    // 100.00 − 10.00 = 90.00; IVA 14.40.
    const c = computeConcepto(concepto({ descuento: '10.00', impuestos: { traslados: [IVA16] } }), 'MXN');
    expect(c.impuestos?.traslados?.[0]).toMatchObject({ base: '90.00', importe: '14.40' });
    expect(c.descuento).toBe('10.00');
  });

  it('leaves Exento with Base only (CFDI40177)', () => {
    const c = computeConcepto(
      concepto({ impuestos: { traslados: [{ impuesto: '002', tipoFactor: 'Exento' }] } }),
      'MXN',
    );
    expect(c.impuestos?.traslados).toEqual([{ base: '100.00', impuesto: '002', tipoFactor: 'Exento' }]);
  });

  it('computes IEPS Cuota as Base × cuota too', () => {
    // 15 × 6.4555 = 96.8325 → 96.83; without a Base: 100.00 × 6.4555 = 645.55.
    const given = computeConcepto(
      concepto({
        impuestos: {
          traslados: [{ impuesto: '003', tipoFactor: 'Cuota', tasaOCuota: '6.455500', base: '15' }],
        },
      }),
      'MXN',
    );
    expect(given.impuestos?.traslados?.[0]?.importe).toBe('96.83');
    const derived = computeConcepto(
      concepto({
        impuestos: { traslados: [{ impuesto: '003', tipoFactor: 'Cuota', tasaOCuota: '6.455500' }] },
      }),
      'MXN',
    );
    expect(derived.impuestos?.traslados?.[0]).toMatchObject({ base: '100.00', importe: '645.55' });
  });

  it('uses the currency decimals (JPY)', () => {
    // 3 × 333.5 = 1000.5 → 1001; IVA 1001 × 0.16 = 160.16 → 160.
    const c = computeConcepto(
      concepto({ cantidad: '3', valorUnitario: '333.5', impuestos: { traslados: [IVA16] } }),
      'JPY',
    );
    expect(c.importe).toBe('1001');
    expect(c.impuestos?.traslados?.[0]).toMatchObject({ base: '1001', importe: '160' });
  });

  it('does not invent taxes: an 02 concept without Impuestos stays without them', () => {
    const c = computeConcepto(concepto({}), 'MXN');
    expect(c.impuestos).toBeUndefined();
    expect(c.importe).toBe('100.00');
  });

  it.each([
    [{ descuento: '150.00', impuestos: { traslados: [IVA16] } }, ['impuestos', 'traslados', 0, 'base']],
    [
      { impuestos: { traslados: [{ impuesto: '002', tipoFactor: 'Tasa' }] } },
      ['impuestos', 'traslados', 0, 'importe'],
    ],
    [
      { impuestos: { traslados: [{ ...IVA16, tasaOCuota: '16%' }] } },
      ['impuestos', 'traslados', 0, 'importe'],
    ],
  ])('%j throws COMPUTE_FAILED at %j', (fields, path) => {
    expect(() => computeConcepto(concepto(fields), 'MXN')).toThrow(
      expect.objectContaining({ code: 'COMPUTE_FAILED', location: { path } }),
    );
  });

  it('reports garbage that bypassed the schema (a layout field, say) at the amount it blocks', () => {
    const c: ConceptoInput = { ...concepto({}), cantidad: 'tres' };
    expect(() => computeConcepto(c, 'MXN')).toThrow(
      expect.objectContaining({ code: 'COMPUTE_FAILED', location: { path: ['importe'] } }),
    );
  });

  it('throws CURRENCY_UNKNOWN for a moneda not in c_Moneda', () => {
    expect(() => computeConcepto(concepto({}), 'PESOS')).toThrow(
      expect.objectContaining({ code: 'CURRENCY_UNKNOWN' }),
    );
  });

  it('property: Importe and taxes are the half-up roundings and lie in their SAT windows', () => {
    const decimalArb = (maxUnits: bigint, minUnits: bigint) =>
      fc
        .tuple(fc.bigInt({ min: minUnits, max: maxUnits }), fc.integer({ min: 0, max: 6 }))
        .map(([units, d]) => oracle.text(units * 10n ** BigInt(oracle.SCALE - d), d));
    fc.assert(
      fc.property(
        fc.constantFrom('MXN', 'USD', 'JPY', 'KWD', 'CLF'),
        decimalArb(10n ** 6n, 1n),
        decimalArb(10n ** 9n, 0n),
        fc.constantFrom('0.160000', '0.080000', '0.000000', '0.265000', '1.600000', '0.16'),
        fc.constantFrom('0.100000', '0.106667', '0.040000'),
        (moneda, cantidad, valorUnitario, tasa, retencion) => {
          const d = currencyDecimals(moneda);
          const c = computeConcepto(
            concepto({
              cantidad,
              valorUnitario,
              impuestos: {
                traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: tasa }],
                retenciones: [{ impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: retencion }],
              },
            }),
            moneda,
          );
          const exact = oracle.mul(oracle.big(cantidad), oracle.big(valorUnitario));
          expect(c.importe).toBe(oracle.text(oracle.roundHalfUp(exact, d), d));
          expect(oracle.inImporteWindow(cantidad, valorUnitario, c.importe)).toBe(true);
          const taxes = [...(c.impuestos?.traslados ?? []), ...(c.impuestos?.retenciones ?? [])];
          expect(taxes).toHaveLength(2);
          for (const t of taxes) {
            const importe = t.importe ?? '';
            expect(t.base).toBe(c.importe);
            expect(importe).toBe(
              oracle.text(
                oracle.roundHalfUp(oracle.mul(oracle.big(t.base), oracle.big(t.tasaOCuota ?? '')), d),
                d,
              ),
            );
            expect(oracle.inTaxWindow(t.base, t.tasaOCuota ?? '', importe)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('conceptoFromImporte', () => {
  const line = { claveProdServ: '01010101', claveUnidad: 'ACT', descripcion: 'Venta' };

  it('builds the seed 001 ticket: 123.45 @ 16 → Cantidad 1, ValorUnitario = Importe = 106.42, IVA 17.03', () => {
    const { concepto: c, ish, desglose } = conceptoFromImporte({ ...line, importe: '123.45', iva: '16' });
    expect(c).toEqual({
      claveProdServ: '01010101',
      cantidad: '1',
      claveUnidad: 'ACT',
      descripcion: 'Venta',
      valorUnitario: '106.42',
      importe: '106.42',
      objetoImp: '02',
      impuestos: {
        traslados: [
          { base: '106.42', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '17.03' },
        ],
      },
    });
    expect(ish).toBeUndefined();
    expect(desglose.total).toBe('123.45');
  });

  it('returns the ISH apart for implocal, rate as a 2-decimal percentage (rules doc B)', () => {
    const { concepto: c, ish } = conceptoFromImporte({
      ...line,
      importe: '2380.00',
      iva: '16',
      ish: '3',
      noIdentificacion: 'T-1',
    });
    expect(c.importe).toBe('2000.00');
    expect(c.noIdentificacion).toBe('T-1');
    expect(c.impuestos?.traslados).toEqual([
      { base: '2000.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '320.00' },
    ]);
    expect(ish).toEqual({ impLocTrasladado: 'ISH', tasadeTraslado: '3.00', importe: '60.00' });
  });

  it('puts IEPS on the base and IVA on base + IEPS', () => {
    // 125.28 = 100.00 + IEPS 8.00 + IVA 16 % of 108.00 = 17.28.
    const { concepto: c } = conceptoFromImporte({ ...line, importe: '125.28', iva: '16', ieps: '8' });
    expect(c.impuestos?.traslados).toEqual([
      { base: '100.00', impuesto: '003', tipoFactor: 'Tasa', tasaOCuota: '0.080000', importe: '8.00' },
      { base: '108.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '17.28' },
    ]);
  });

  it('writes an exempt IVA as Exento with Base only, and IVA 0 as Tasa 0.000000', () => {
    const exento = conceptoFromImporte({ ...line, importe: '100', iva: 'exento' }).concepto;
    expect(exento.impuestos?.traslados).toEqual([{ base: '100.00', impuesto: '002', tipoFactor: 'Exento' }]);
    const cero = conceptoFromImporte({ ...line, importe: '100', iva: '0' }).concepto;
    expect(cero.impuestos?.traslados).toEqual([
      { base: '100.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
    ]);
  });

  it('divides the base by a Cantidad > 1 with 6 decimals, Importe = base (C.4)', () => {
    // 106.42 / 3 = 35.473333… → 35.473333; 116.00 → 100.00 / 4 = 25 → 25.00.
    const three = conceptoFromImporte({ ...line, importe: '123.45', cantidad: '3' }).concepto;
    expect([three.cantidad, three.valorUnitario, three.importe]).toEqual(['3', '35.473333', '106.42']);
    expect(oracle.inImporteWindow(three.cantidad, three.valorUnitario, three.importe)).toBe(true);
    const four = conceptoFromImporte({ ...line, importe: '116', cantidad: '4' }).concepto;
    expect([four.valorUnitario, four.importe]).toEqual(['25.00', '100.00']);
  });

  it('takes the whole importe untaxed for ObjetoImp other than 02', () => {
    const r = conceptoFromImporte({ ...line, importe: '123.45', iva: '16', ish: '3', objetoImp: '01' });
    expect(r.concepto).toMatchObject({ valorUnitario: '123.45', importe: '123.45', objetoImp: '01' });
    expect(r.concepto.impuestos).toBeUndefined();
    expect(r.ish).toBeUndefined();
  });

  it.each(['0', '-1', 'uno', '1.1234567'])('rejects Cantidad %s', (cantidad) => {
    expect(() => conceptoFromImporte({ ...line, importe: '1', cantidad })).toThrow(
      expect.objectContaining({ code: 'AMOUNT_INVALID' }),
    );
  });

  it('property: the line reconciles and every amount is inside its SAT window', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('MXN', 'USD', 'JPY', 'KWD', 'CLF'),
        fc.constantFrom('16', '8', '0', 'exento'),
        fc.constantFrom('0', '8', '26.5', '53', '160'),
        fc.constantFrom('0', '2', '3', '5'),
        fc.bigInt({ min: 0n, max: 10n ** 16n }),
        fc.constantFrom('1', '2', '3', '7', '12', '1000', '2.5', '1.000000', '3.000000'),
        (moneda, iva, ieps, ish, units, cantidad) => {
          const d = currencyDecimals(moneda);
          const importe = oracle.text((units % 10n ** BigInt(12 + d)) * 10n ** BigInt(oracle.SCALE - d), d);
          const r = conceptoFromImporte({ ...line, importe, iva, ieps, ish, moneda, cantidad });
          const traslados = r.concepto.impuestos?.traslados ?? [];
          const parts = [
            r.concepto.importe,
            ...traslados.map((t) => t.importe ?? '0'),
            r.ish?.importe ?? '0',
          ];
          expect(oracle.total(parts)).toBe(oracle.big(importe));
          for (const t of traslados) {
            if (t.tipoFactor === 'Exento') {
              expect(t.tasaOCuota).toBeUndefined();
              continue;
            }
            expect(oracle.written(t.tasaOCuota ?? '')).toBe(6);
            expect(oracle.inTaxWindow(t.base, t.tasaOCuota ?? '', t.importe ?? '')).toBe(true);
          }
          if (r.ish !== undefined) {
            expect(oracle.written(r.ish.importe)).toBe(2);
            // The ISH moves on implocal's 2-decimal grid, or the currency's when coarser (JPY): its
            // window is measured there.
            const rate = oracle.tasa(oracle.big(r.ish.tasadeTraslado) / 100n);
            const onGrid = oracle.text(oracle.big(r.ish.importe), Math.min(d, 2));
            expect(oracle.inTaxWindow(r.concepto.importe, rate, onGrid)).toBe(true);
          }
          if (importe !== oracle.text(0n, d)) {
            expect(oracle.inImporteWindow(cantidad, r.concepto.valorUnitario, r.concepto.importe)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
