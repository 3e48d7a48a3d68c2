import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyDecimals } from '../../src/catalogs/moneda.js';
import type { Concepto, ImpuestosLocales } from '../../src/model/comprobante.js';
import { computeTotals, totalsOnDecimals, totalsOnUnits } from '../../src/taxes/totals.js';

/*
 * computeTotals runs on scaled integers when every amount fits the currency's decimals
 * (totalsOnUnits) and on decimals otherwise (totalsOnDecimals). Both must give the same Totals,
 * key order included, for any concepts: amounts with more decimals than the currency, Exento and
 * Tasa groups whose rates are written differently, retenciones, descuentos and implocal lines.
 */

/** Amounts with up to `maxDecimals` decimals, most of them with at most `maxDecimals - 1`. */
function amount(maxDecimals: number): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: anyAmount(Math.max(0, maxDecimals - 1)), weight: 12 },
    { arbitrary: anyAmount(maxDecimals), weight: 1 },
  );
}

function anyAmount(maxDecimals: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.oneof(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 99_999_999 }), fc.constant(0)),
      fc.integer({ min: 0, max: maxDecimals }),
      fc.integer({ min: 0, max: 999_999 }),
    )
    .map(([int, decimals, frac]) =>
      decimals === 0 ? String(int) : `${int}.${String(frac).padStart(6, '0').slice(0, decimals)}`,
    );
}

const TASAS = ['0.160000', '0.16', '0.080000', '0.08', '0.000000', '0.265000', '0.53'];

function concepto(d: number): fc.Arbitrary<Concepto> {
  const traslado = fc.oneof(
    fc.record({
      base: amount(d + 1),
      impuesto: fc.constantFrom('002', '003'),
      tipoFactor: fc.constant('Tasa'),
      tasaOCuota: fc.constantFrom(...TASAS),
      importe: amount(d + 1),
    }),
    fc.record({ base: amount(d + 1), impuesto: fc.constant('002'), tipoFactor: fc.constant('Exento') }),
  );
  const retencion = fc.record({
    base: amount(d),
    impuesto: fc.constantFrom('001', '002'),
    tipoFactor: fc.constant('Tasa'),
    tasaOCuota: fc.constantFrom('0.100000', '0.106667'),
    importe: amount(d + 1),
  });
  return fc
    .record({
      importe: amount(d + 1),
      descuento: fc.option(amount(d), { nil: undefined }),
      traslados: fc.array(traslado, { maxLength: 3 }),
      retenciones: fc.array(retencion, { maxLength: 2 }),
    })
    .map(({ importe, descuento, traslados, retenciones }) => ({
      claveProdServ: '01010101',
      cantidad: '1',
      claveUnidad: 'H87',
      descripcion: 'x',
      valorUnitario: importe,
      importe,
      ...(descuento === undefined ? {} : { descuento }),
      objetoImp: '02',
      ...(traslados.length + retenciones.length === 0
        ? {}
        : {
            impuestos: {
              ...(traslados.length === 0 ? {} : { traslados }),
              ...(retenciones.length === 0 ? {} : { retenciones }),
            },
          }),
    }));
}

const locales: fc.Arbitrary<ImpuestosLocales | undefined> = fc.option(
  fc.record({
    version: fc.constant('1.0'),
    totaldeRetenciones: fc.constant('0.00'),
    totaldeTraslados: fc.constant('0.00'),
    trasladosLocales: fc.array(
      fc.record({
        impLocTrasladado: fc.constant('ISH'),
        tasadeTraslado: fc.constant('3.00'),
        importe: amount(3),
      }),
      { maxLength: 2 },
    ),
  }),
  { nil: undefined },
);

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (err) {
    return { error: (err as { code?: string }).code };
  }
}

describe('computeTotals on scaled integers', () => {
  it('equals the decimal totals, key order included, or leaves the case to them', () => {
    let onUnits = 0;
    fc.assert(
      fc.property(
        fc
          .constantFrom('MXN', 'JPY', 'KWD')
          .chain((moneda) =>
            fc.tuple(
              fc.constant(moneda),
              fc.array(concepto(currencyDecimals(moneda)), { minLength: 1, maxLength: 6 }),
              locales,
            ),
          ),
        ([moneda, conceptos, il]) => {
          const d = currencyDecimals(moneda);
          if (totalsOnUnits(conceptos, d, il) !== undefined) onUnits++;
          const got = outcome(() => computeTotals(conceptos, moneda, il));
          const want = outcome(() => totalsOnDecimals(conceptos, d, il));
          expect(got).toEqual(want);
          expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        },
      ),
      { numRuns: 5_000 },
    );
    // The generator must reach the integer path often, or the comparison proves nothing.
    expect(onUnits).toBeGreaterThan(500);
  });
});
