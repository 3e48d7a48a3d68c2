import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePagos, pagosOnDecimals } from '../../src/pagos/compute.js';
import type { DoctoRelacionadoFacts, ImpuestoFact, PagoFacts, PagosFacts } from '../../src/pagos/index.js';
import { pagosOnUnits } from '../../src/pagos/units.js';
import { convertPagado, pagosFacts, withMonto } from './generators.js';

/*
 * computePagos takes pesos-only payments on scaled integers (src/pagos/units.ts) and everything else
 * on decimal.js (pagosOnDecimals). Both must give the same complement, byte for byte once written
 * (same keys in the same order), and the same issues; the integer path must decline every fact it
 * cannot settle exactly, so that the decimal path reports it.
 */

/** An amount text with 0, 1 or 2 decimals as exports write them, from cents. */
function written(cents: number, decimals: 0 | 1 | 2): string {
  if (decimals === 2) return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  if (decimals === 1) return `${Math.floor(cents / 100)}.${Math.floor((cents % 100) / 10)}`;
  return String(Math.floor(cents / 100));
}

const TRASLADOS: ImpuestoFact[] = [
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' },
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.16' },
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.080000' },
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000' },
  { impuesto: '002', tipoFactor: 'Exento' },
  { impuesto: '003', tipoFactor: 'Tasa', tasaOCuota: '0.265000' },
  { impuesto: '003', tipoFactor: 'Tasa', tasaOCuota: '0.080000' },
];
const RETENCIONES: ImpuestoFact[] = [
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.106667' },
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.040000' },
  { impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000' },
  { impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.012500' },
];
/** Facts the integer path must leave to the decimal one (each is computed there, or reported). */
const ODD_TAXES: ImpuestoFact[] = [
  { impuesto: '003', tipoFactor: 'Cuota', tasaOCuota: '1.500000', baseDR: '10.00' },
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', baseDR: '100.00' },
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.170000' },
  { impuesto: '002', tipoFactor: 'Exento', tasaOCuota: '0.000000' },
  { impuesto: '002', tipoFactor: 'Cuota' },
];

/** Pesos paying pesos, amounts up to 10^11 cents (past the 2^53 bounds of the products), some facts off. */
const docto: fc.Arbitrary<DoctoRelacionadoFacts> = fc
  .record({
    uuid: fc.uuid(),
    saldo: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 10_000_000 }), weight: 10 },
      { arbitrary: fc.integer({ min: 1, max: 100_000_000_000 }), weight: 5 },
      { arbitrary: fc.integer({ min: 1, max: 99_999_999_999_999 }), weight: 1 },
    ),
    share: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 1000 }), weight: 30 },
      { arbitrary: fc.integer({ min: 0, max: 1100 }), weight: 1 },
    ),
    decimals: fc.constantFrom<0 | 1 | 2>(2, 2, 2, 1, 0),
    traslados: fc.subarray(TRASLADOS, { maxLength: 2 }),
    retenciones: fc.subarray(RETENCIONES, { maxLength: 2 }),
    odd: fc.oneof(
      { arbitrary: fc.constant(null), weight: 40 },
      { arbitrary: fc.constantFrom(...ODD_TAXES), weight: 1 },
    ),
    objeto: fc.oneof(
      { arbitrary: fc.constantFrom('02', '01', '03'), weight: 40 },
      { arbitrary: fc.constantFrom('06', '99'), weight: 1 },
    ),
    parcialidad: fc.oneof(
      { arbitrary: fc.constantFrom('1', '2', '17', '999'), weight: 40 },
      { arbitrary: fc.constantFrom('0', '1000'), weight: 1 },
    ),
    equivalencia: fc.oneof(
      { arbitrary: fc.constantFrom(undefined, '1'), weight: 40 },
      { arbitrary: fc.constantFrom('1.0', '2'), weight: 1 },
    ),
    extraDecimal: fc.boolean(),
  })
  .map((r) => {
    const saldo = written(r.saldo, r.decimals);
    const pagadoCents = Math.floor((r.saldo * r.share) / 1000);
    let pagado = written(pagadoCents, r.decimals);
    if (r.extraDecimal && pagadoCents % 97 === 0)
      pagado = `${pagado.includes('.') ? pagado : `${pagado}.`}005`;
    const traslados = r.odd === null ? r.traslados : [...r.traslados, r.odd];
    const taxed = traslados.length + r.retenciones.length > 0;
    return {
      idDocumento: r.uuid,
      monedaDR: 'MXN',
      ...(r.equivalencia === undefined ? {} : { equivalenciaDR: r.equivalencia }),
      numParcialidad: r.parcialidad,
      impSaldoAnt: saldo,
      impPagado: pagado,
      // Mostly consistent with the taxes; sometimes not (CRP20246 / CRP20247 on the decimal path).
      objetoImpDR: taxed ? (r.objeto === '01' ? '02' : r.objeto) : r.objeto === '02' ? '01' : r.objeto,
      ...(traslados.length > 0 ? { traslados } : {}),
      ...(r.retenciones.length > 0 ? { retenciones: r.retenciones } : {}),
    };
  });

const pago: fc.Arbitrary<PagoFacts> = fc
  .record({
    doctos: fc.array(docto, { minLength: 1, maxLength: 3 }),
    extra: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 300 }), weight: 30 },
      { arbitrary: fc.integer({ min: -3, max: -1 }), weight: 1 },
    ),
    tipoCambio: fc.oneof(
      { arbitrary: fc.constantFrom(undefined, '1'), weight: 30 },
      { arbitrary: fc.constantFrom('1.0'), weight: 1 },
    ),
    monedaP: fc.oneof(
      { arbitrary: fc.constant('MXN'), weight: 30 },
      { arbitrary: fc.constant('USD'), weight: 1 },
    ),
  })
  .map(({ doctos, extra, tipoCambio, monedaP }) => {
    const cents = doctos.reduce((sum, d) => {
      const [i = '0', f = ''] = d.impPagado.split('.');
      return sum + Number(i) * 100 + Number(f.slice(0, 2).padEnd(2, '0'));
    }, 0);
    return {
      fechaPago: '2024-05-01T12:00:00',
      formaDePagoP: '03',
      monedaP,
      ...(tipoCambio === undefined ? {} : { tipoCambioP: tipoCambio }),
      monto: written(Math.max(0, cents + extra), 2),
      doctoRelacionado: doctos,
    };
  });

const pesosFacts: fc.Arbitrary<PagosFacts> = fc
  .array(pago, { minLength: 1, maxLength: 2 })
  .map((pagos) => ({ pago: pagos }));

/** The complement as it would be written: keys in order, every value. */
function outcome(result: ReturnType<typeof computePagos>): string {
  return JSON.stringify(result);
}

describe('computePagos on scaled integers equals computePagos on decimals', () => {
  it('gives the same complement and issues for pesos payments, in and out of the integer domain', () => {
    let onUnits = 0;
    let declined = 0;
    const runs = 4000;
    fc.assert(
      fc.property(pesosFacts, (facts) => {
        if (pagosOnUnits(facts) === undefined) declined++;
        else onUnits++;
        expect(outcome(computePagos(facts))).toBe(outcome(pagosOnDecimals(facts)));
      }),
      { numRuns: runs },
    );
    // Both paths are exercised: a test that only ever declined would compare the decimal path with itself.
    expect(onUnits).toBeGreaterThan(runs / 10);
    expect(declined).toBeGreaterThan(runs / 10);
  });

  it('declines every fact the decimal path reports, so no issue is lost', () => {
    fc.assert(
      fc.property(pesosFacts, (facts) => {
        const decimals = pagosOnDecimals(facts);
        if (decimals.issues.length > 0) expect(pagosOnUnits(facts)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves other currencies to the decimal path, with the same results', () => {
    fc.assert(
      fc.property(pagosFacts(), (raw) => {
        const facts = withMonto(raw, convertPagado);
        const mixed = facts.pago.some(
          (p) => p.monedaP !== 'MXN' || p.doctoRelacionado.some((d) => d.monedaDR !== 'MXN'),
        );
        if (mixed) expect(pagosOnUnits(facts)).toBeUndefined();
        expect(outcome(computePagos(facts))).toBe(outcome(pagosOnDecimals(facts)));
      }),
      { numRuns: 500 },
    );
  });

  it('rounds BaseDR and ImporteDR half up exactly at the half cent', () => {
    // 116.58 / 1.16 = 100.5 exactly: BaseDR 100.50; 0.005 × ... and 100.01 / 1.16 = 86.2155… → 86.22.
    const facts = (pagado: string): PagosFacts => ({
      pago: [
        {
          fechaPago: '2024-05-01T12:00:00',
          formaDePagoP: '03',
          monedaP: 'MXN',
          monto: pagado,
          doctoRelacionado: [
            {
              idDocumento: '00000000-0000-4000-8000-000000000001',
              monedaDR: 'MXN',
              numParcialidad: '1',
              impSaldoAnt: '1000.00',
              impPagado: pagado,
              objetoImpDR: '02',
              traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
            },
          ],
        },
      ],
    });
    for (const pagado of ['116.58', '100.01', '0.01', '999.99', '116.00']) {
      expect(pagosOnUnits(facts(pagado))).toBeDefined();
      expect(outcome(computePagos(facts(pagado)))).toBe(outcome(pagosOnDecimals(facts(pagado))));
    }
  });
});
