import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyDecimals } from '../../src/catalogs/moneda.js';
import type { Concepto, ImpuestosLocales, Retencion, Traslado } from '../../src/model/comprobante.js';
import { conceptoFromImporte } from '../../src/taxes/concepto.js';
import { computeTotals } from '../../src/taxes/totals.js';
import * as oracle from './oracle.js';

function concepto(
  importe: string,
  traslados: Traslado[] = [],
  retenciones: Retencion[] = [],
  descuento?: string,
): Concepto {
  const impuestos = {
    ...(traslados.length > 0 ? { traslados } : {}),
    ...(retenciones.length > 0 ? { retenciones } : {}),
  };
  return {
    claveProdServ: '01010101',
    cantidad: '1',
    claveUnidad: 'H87',
    descripcion: 'Artículo',
    valorUnitario: importe,
    importe,
    ...(descuento === undefined ? {} : { descuento }),
    objetoImp: traslados.length + retenciones.length > 0 ? '02' : '01',
    ...(traslados.length + retenciones.length > 0 ? { impuestos } : {}),
  };
}

const iva = (base: string, importe: string, tasa = '0.160000'): Traslado => ({
  base,
  impuesto: '002',
  tipoFactor: 'Tasa',
  tasaOCuota: tasa,
  importe,
});
const exento = (base: string): Traslado => ({ base, impuesto: '002', tipoFactor: 'Exento' });
const ret = (impuesto: string, base: string, tasa: string, importe: string): Retencion => ({
  base,
  impuesto,
  tipoFactor: 'Tasa',
  tasaOCuota: tasa,
  importe,
});

describe('computeTotals (rules doc A.5)', () => {
  it("SAT's example: 103.45 + 103.46 at 16 % → 16.55 + 16.55 = 33.10, never round(206.91 × 0.16) = 33.11", () => {
    // Concept taxes by hand: 103.45 × 0.16 = 16.552 → 16.55; 103.46 × 0.16 = 16.5536 → 16.55.
    const t = computeTotals(
      [concepto('103.45', [iva('103.45', '16.55')]), concepto('103.46', [iva('103.46', '16.55')])],
      'MXN',
    );
    expect(t).toEqual({
      subTotal: '206.91',
      total: '240.01',
      impuestos: {
        totalImpuestosTrasladados: '33.10',
        traslados: [
          { base: '206.91', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '33.10' },
        ],
      },
    });
  });

  it('groups TasaOCuota by value (0.16 = 0.160000) and writes it with 6 decimals (CFDI40218)', () => {
    const t = computeTotals(
      [concepto('10.00', [iva('10.00', '1.60', '0.16')]), concepto('20.00', [iva('20.00', '3.20')])],
      'MXN',
    );
    expect(t.impuestos?.traslados).toEqual([
      { base: '30.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '4.80' },
    ]);
  });

  it('keeps Exento groups with Base only and IVA 0 % as its own Tasa group, in first-appearance order', () => {
    const t = computeTotals(
      [
        concepto('100.00', [exento('100.00')]),
        concepto('50.00', [iva('50.00', '0.00', '0.000000')]),
        concepto('10.00', [iva('10.00', '1.60')]),
        concepto('5.00', [exento('5.00')]),
      ],
      'MXN',
    );
    expect(t.impuestos).toEqual({
      totalImpuestosTrasladados: '1.60',
      traslados: [
        { base: '105.00', impuesto: '002', tipoFactor: 'Exento' },
        { base: '50.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
        { base: '10.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '1.60' },
      ],
    });
    // 165.00 + 1.60
    expect(t.subTotal).toBe('165.00');
    expect(t.total).toBe('166.60');
  });

  it('omits TotalImpuestosTrasladados when only Exento groups exist (A.6)', () => {
    const t = computeTotals([concepto('100.00', [exento('100.00')])], 'MXN');
    expect(t.impuestos).toEqual({ traslados: [{ base: '100.00', impuesto: '002', tipoFactor: 'Exento' }] });
    expect(t.total).toBe('100.00');
  });

  it('groups retenciones by Impuesto and subtracts them (CFDI40208, 40211, 40119)', () => {
    // 1000.00: IVA 160.00, ISR 10 % = 100.00, IVA retenido 0.106667 × 1000 = 106.667 → 106.67.
    // 500.00: IVA 80.00, ISR 50.00. Total 1500.00 + 240.00 − (150.00 + 106.67) = 1483.33.
    const t = computeTotals(
      [
        concepto(
          '1000.00',
          [iva('1000.00', '160.00')],
          [ret('001', '1000.00', '0.100000', '100.00'), ret('002', '1000.00', '0.106667', '106.67')],
        ),
        concepto('500.00', [iva('500.00', '80.00')], [ret('001', '500.00', '0.100000', '50.00')]),
      ],
      'MXN',
    );
    expect(t.impuestos).toEqual({
      totalImpuestosRetenidos: '256.67',
      totalImpuestosTrasladados: '240.00',
      retenciones: [
        { impuesto: '001', importe: '150.00' },
        { impuesto: '002', importe: '106.67' },
      ],
      traslados: [
        { base: '1500.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '240.00' },
      ],
    });
    expect(t.total).toBe('1483.33');
  });

  it('sums concept Descuento only when some concept has one, and subtracts it', () => {
    // 100.00 − 10.00 → IVA 14.40 on 90.00; 50.00 → IVA 8.00. Total 150.00 − 10.00 + 22.40 = 162.40.
    const t = computeTotals(
      [concepto('100.00', [iva('90.00', '14.40')], [], '10.00'), concepto('50.00', [iva('50.00', '8.00')])],
      'MXN',
    );
    expect([t.subTotal, t.descuento, t.total]).toEqual(['150.00', '10.00', '162.40']);
    expect(computeTotals([concepto('50.00')], 'MXN')).toEqual({ subTotal: '50.00', total: '50.00' });
  });

  it('carries IEPS Cuota groups like any other', () => {
    const cuota: Traslado = {
      base: '15',
      impuesto: '003',
      tipoFactor: 'Cuota',
      tasaOCuota: '6.4555',
      importe: '96.83',
    };
    const t = computeTotals([concepto('200.00', [cuota])], 'MXN');
    expect(t.impuestos?.traslados).toEqual([
      { base: '15.00', impuesto: '003', tipoFactor: 'Cuota', tasaOCuota: '6.455500', importe: '96.83' },
    ]);
    expect(t.total).toBe('296.83');
  });

  it('adds implocal traslados and subtracts implocal retenciones in Total (CFDI40119, rules doc B)', () => {
    const locales: ImpuestosLocales = {
      version: '1.0',
      totaldeRetenciones: '0',
      totaldeTraslados: '0',
      retencionesLocales: [{ impLocRetenido: 'Cedular', tasadeRetencion: '1.00', importe: '20.00' }],
      trasladosLocales: [{ impLocTrasladado: 'ISH', tasadeTraslado: '3.00', importe: '60.00' }],
    };
    // The hotel example: 2000.00 + 320.00 + ISH 60.00 = 2380.00; less 20.00 cedular = 2360.00.
    const t = computeTotals([concepto('2000.00', [iva('2000.00', '320.00')])], 'MXN', locales);
    expect(t.total).toBe('2360.00');
    expect(t.impuestosLocales).toEqual({
      ...locales,
      totaldeRetenciones: '20.00',
      totaldeTraslados: '60.00',
    });
  });

  it('rounds the sum, not each term: 10.123456 + 20.000004 → 30.12', () => {
    // Σ = 30.12346 → 30.12; rounding each first would give 10.12 + 20.00 = 30.12 too, so add a third
    // term that tips it: + 0.004 → 30.12746 → 30.13 (rounded terms: 10.12 + 20.00 + 0.00 = 30.12).
    const t = computeTotals([concepto('10.123456'), concepto('20.000004'), concepto('0.004')], 'MXN');
    expect(t.subTotal).toBe('30.13');
  });

  it('writes the currency decimals (JPY 0, KWD 3)', () => {
    expect(computeTotals([concepto('1000', [iva('1000', '160')])], 'JPY')).toMatchObject({
      subTotal: '1000',
      total: '1160',
    });
    expect(computeTotals([concepto('1.000', [iva('1.000', '0.160')])], 'KWD')).toMatchObject({
      subTotal: '1.000',
      total: '1.160',
    });
  });

  it('throws COMPUTE_FAILED with the path of the comprobante amount it cannot sum', () => {
    expect(() => computeTotals([concepto('abc')], 'MXN')).toThrow(
      expect.objectContaining({ code: 'COMPUTE_FAILED', location: { path: ['subTotal'] } }),
    );
    const noImporte: Traslado = {
      base: '10.00',
      impuesto: '002',
      tipoFactor: 'Tasa',
      tasaOCuota: '0.160000',
    };
    expect(() => computeTotals([concepto('10.00', [noImporte])], 'MXN')).toThrow(
      expect.objectContaining({
        code: 'COMPUTE_FAILED',
        location: { path: ['impuestos', 'traslados', 0, 'importe'] },
      }),
    );
    expect(() => computeTotals([concepto('1')], 'ABC')).toThrow(
      expect.objectContaining({ code: 'CURRENCY_UNKNOWN' }),
    );
  });
});

describe('computeTotals: properties', () => {
  const amountArb = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 10n }), fc.integer({ min: 0, max: 6 }))
    .map(([units, d]) => oracle.text(units * 10n ** BigInt(oracle.SCALE - d), d));
  const trasladoArb: fc.Arbitrary<Traslado> = fc.oneof(
    fc
      .tuple(amountArb, amountArb, fc.constantFrom('0.160000', '0.16', '0.080000', '0.000000'))
      .map(([base, importe, tasa]) => iva(base, importe, tasa)),
    fc
      .tuple(amountArb, amountArb, fc.constantFrom('0.265000', '0.080000', '1.600000'))
      .map(([base, importe, tasa]) => ({
        base,
        impuesto: '003',
        tipoFactor: 'Tasa',
        tasaOCuota: tasa,
        importe,
      })),
    amountArb.map(exento),
  );
  const retencionArb = fc
    .tuple(fc.constantFrom('001', '002'), amountArb, amountArb)
    .map(([impuesto, base, importe]) =>
      ret(impuesto, base, impuesto === '001' ? '0.100000' : '0.106667', importe),
    );
  const conceptoArb = fc
    .tuple(
      amountArb,
      fc.array(trasladoArb, { maxLength: 3 }),
      fc.array(retencionArb, { maxLength: 2 }),
      fc.option(amountArb, { nil: undefined }),
    )
    .map(([importe, traslados, retenciones, descuento]) =>
      concepto(importe, traslados, retenciones, descuento),
    );

  it('every comprobante amount is the half-up rounding of the plain sum of its group', () => {
    fc.assert(
      fc.property(
        fc.array(conceptoArb, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('MXN', 'USD', 'JPY', 'KWD', 'CLF'),
        (conceptos, moneda) => {
          const d = currencyDecimals(moneda);
          const r = (values: readonly string[]) =>
            oracle.text(oracle.roundHalfUp(oracle.total(values), d), d);
          const t = computeTotals(conceptos, moneda);
          expect(t.subTotal).toBe(r(conceptos.map((c) => c.importe)));
          const descuentos = conceptos.flatMap((c) => (c.descuento === undefined ? [] : [c.descuento]));
          expect(t.descuento).toBe(descuentos.length === 0 ? undefined : r(descuentos));
          // Independent grouping: (Impuesto, TipoFactor, TasaOCuota as a number), first appearance.
          const groups = new Map<string, { t: Traslado; bases: string[]; importes: string[] }>();
          const retenciones = new Map<string, string[]>();
          for (const c of conceptos) {
            for (const tr of c.impuestos?.traslados ?? []) {
              const key = `${tr.impuesto}|${tr.tipoFactor}|${tr.tipoFactor === 'Exento' ? '' : oracle.big(tr.tasaOCuota ?? '0')}`;
              const g = groups.get(key) ?? { t: tr, bases: [], importes: [] };
              g.bases.push(tr.base);
              if (tr.importe !== undefined) g.importes.push(tr.importe);
              groups.set(key, g);
            }
            for (const re of c.impuestos?.retenciones ?? [])
              retenciones.set(re.impuesto, [...(retenciones.get(re.impuesto) ?? []), re.importe]);
          }
          const expectedTraslados = [...groups.values()].map((g) =>
            g.t.tipoFactor === 'Exento'
              ? { base: r(g.bases), impuesto: g.t.impuesto, tipoFactor: 'Exento' }
              : {
                  base: r(g.bases),
                  impuesto: g.t.impuesto,
                  tipoFactor: g.t.tipoFactor,
                  tasaOCuota: oracle.tasa(oracle.big(g.t.tasaOCuota ?? '')),
                  importe: r(g.importes),
                },
          );
          expect(t.impuestos?.traslados ?? []).toEqual(expectedTraslados);
          const expectedRetenciones = [...retenciones.entries()].map(([impuesto, list]) => ({
            impuesto,
            importe: r(list),
          }));
          expect(t.impuestos?.retenciones ?? []).toEqual(expectedRetenciones);
          const trasladados = expectedTraslados.flatMap((g) => ('importe' in g ? [g.importe] : []));
          expect(t.impuestos?.totalImpuestosTrasladados).toBe(
            trasladados.length === 0 ? undefined : r(trasladados),
          );
          const retenidos = expectedRetenciones.map((g) => g.importe);
          expect(t.impuestos?.totalImpuestosRetenidos).toBe(
            retenidos.length === 0 ? undefined : r(retenidos),
          );
          // CFDI40119 from the rounded parts.
          const total =
            oracle.big(t.subTotal) -
            oracle.big(t.descuento ?? '0') +
            oracle.big(t.impuestos?.totalImpuestosTrasladados ?? '0') -
            oracle.big(t.impuestos?.totalImpuestosRetenidos ?? '0');
          expect(t.total).toBe(oracle.text(total, d));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('tickets built from tax-included importes total exactly their importes, ISH included (C.4)', () => {
    const line = { claveProdServ: '01010101', claveUnidad: 'ACT', descripcion: 'Venta' };
    fc.assert(
      fc.property(
        fc.constantFrom('MXN', 'USD', 'JPY', 'KWD', 'CLF'),
        fc.array(
          fc.record({
            units: fc.bigInt({ min: 0n, max: 10n ** 9n }),
            iva: fc.constantFrom('16', '8', '0', 'exento'),
            ieps: fc.constantFrom('0', '8', '26.5', '53', '160'),
            ish: fc.constantFrom('0', '2', '3', '5'),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        (moneda, lines) => {
          const d = currencyDecimals(moneda);
          const built = lines.map((l) => {
            const importe = oracle.text(l.units * 10n ** BigInt(oracle.SCALE - d), d);
            return {
              importe,
              ...conceptoFromImporte({ ...line, importe, iva: l.iva, ieps: l.ieps, ish: l.ish, moneda }),
            };
          });
          const ish = built.flatMap((b) => (b.ish === undefined ? [] : [b.ish]));
          const locales: ImpuestosLocales | undefined =
            ish.length === 0
              ? undefined
              : {
                  version: '1.0',
                  totaldeRetenciones: '0.00',
                  totaldeTraslados: '0.00',
                  trasladosLocales: ish,
                };
          const t = computeTotals(
            built.map((b) => b.concepto),
            moneda,
            locales,
          );
          expect(oracle.big(t.total)).toBe(oracle.total(built.map((b) => b.importe)));
          expect(oracle.written(t.total)).toBe(d);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
