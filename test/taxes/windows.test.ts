import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCfdiLayoutError } from '../../src/errors.js';
import {
  importeWindow,
  isImporteInWindow,
  isTaxImporteInWindow,
  taxWindow,
} from '../../src/taxes/windows.js';
import * as oracle from './oracle.js';

describe('taxWindow (A.4, CFDI40180 / CFDI40186)', () => {
  // Values from the rules doc A.4 [verified-by-script].
  it.each([
    ['100.00', '0.160000', 2, '15.99', '16.01'],
    ['106.42', '0.160000', 2, '17.02', '17.03'],
    ['106.42', '0.16', 2, '17.02', '17.03'],
  ])('Base %s × %s at %i decimals → [%s, %s]', (base, rate, decimals, lower, upper) => {
    const w = taxWindow(base, rate, decimals);
    expect(w.lower.toFixed(decimals)).toBe(lower);
    expect(w.upper.toFixed(decimals)).toBe(upper);
  });

  it('measures at the decimals written in the Importe: 17.030000 is checked at 6 decimals', () => {
    // Base 106.42: (106.415 × 0.16, 106.425 × 0.16 − ε) = (17.0264, 17.028 − ε): 17.03 passes at 2
    // decimals, but at 6 the window is [17.026400, 17.028000] and 17.030000 falls outside (A.2).
    expect(isTaxImporteInWindow('106.42', '0.160000', '17.03')).toBe(true);
    expect(isTaxImporteInWindow('106.42', '0.160000', '17.030000')).toBe(false);
    expect(isTaxImporteInWindow('106.42', '0.160000', '17.027000')).toBe(true);
  });

  it('takes h from the decimals written in the Base', () => {
    // Base "100" (h = 0.5): [99.5 × 0.16, 100.5 × 0.16] = [15.92, 16.08].
    const w = taxWindow('100', '0.160000', 2);
    expect([w.lower.toFixed(2), w.upper.toFixed(2)]).toEqual(['15.92', '16.08']);
  });

  it('works at 0 decimals (JPY): Base 1000 @ 0.16 → [159, 161]', () => {
    // h = 0.5: trunc(999.5 × 0.16 = 159.92) = 159, ceil(1000.5 × 0.16 − ε = 160.08 − ε) = 161.
    const w = taxWindow('1000', '0.160000', 0);
    expect([w.lower.toFixed(0), w.upper.toFixed(0)]).toEqual(['159', '161']);
  });

  it('throws coded errors for text that is not a decimal', () => {
    expect(() => taxWindow('abc', '0.16', 2)).toThrow(expect.objectContaining({ code: 'AMOUNT_INVALID' }));
    expect(() => taxWindow('-1', '0.16', 2)).toThrow(expect.objectContaining({ code: 'AMOUNT_NEGATIVE' }));
    expect(() => taxWindow('1', '16%', 2)).toThrow(expect.objectContaining({ code: 'RATE_INVALID' }));
    let thrown: unknown;
    try {
      isTaxImporteInWindow('1', '0.16', '1,00');
    } catch (err) {
      thrown = err;
    }
    expect(isCfdiLayoutError(thrown, 'AMOUNT_INVALID')).toBe(true);
  });

  it('always holds floor and ceil of Base × rate at the Base decimals (A.4 property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 14n }),
        fc.constantFrom(0, 2, 3, 4),
        fc.constantFrom('0.160000', '0.080000', '0.265000', '1.600000', '0.030000', '0.106666', '0.100000'),
        (units, decimals, rate) => {
          const base = oracle.text(units * 10n ** BigInt(oracle.SCALE - decimals), decimals);
          const exact = oracle.mul(oracle.big(base), oracle.big(rate));
          const w = taxWindow(base, rate, decimals);
          const [lower, upper] = oracle.taxWindow(base, rate, decimals);
          expect(oracle.big(w.lower.toFixed(decimals))).toBe(lower);
          expect(oracle.big(w.upper.toFixed(decimals))).toBe(upper);
          const floor = oracle.trunc(exact, decimals);
          const ceil = oracle.ceilAway(exact, decimals);
          expect(isTaxImporteInWindow(base, rate, oracle.text(floor, decimals))).toBe(true);
          expect(isTaxImporteInWindow(base, rate, oracle.text(ceil, decimals))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('importeWindow (A.3, CFDI40167)', () => {
  it('is practically open with an integer Cantidad and tight with Cantidad 1.000000', () => {
    // Cantidad "1" (h = 0.5) × ValorUnitario 100.00 (h = 0.005): [0.5 × 99.995, 1.5 × 100.005] = [49.99, 150.01].
    const loose = importeWindow('1', '100.00', 2);
    expect([loose.lower.toFixed(2), loose.upper.toFixed(2)]).toEqual(['49.99', '150.01']);
    // Cantidad 1.000000: (0.9999995 × 99.995, 1.0000005 × 100.005) = (99.99495…, 100.00505…) → [99.99, 100.01].
    const tight = importeWindow('1.000000', '100.00', 2);
    expect([tight.lower.toFixed(2), tight.upper.toFixed(2)]).toEqual(['99.99', '100.01']);
    expect(isImporteInWindow('1.000000', '100.00', '100.02')).toBe(false);
    expect(isImporteInWindow('1.000000', '100.00', '100.01')).toBe(true);
  });

  it('agrees with the oracle on random factors', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        fc.integer({ min: 0, max: 6 }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(0, 2, 3, 6),
        (c, dc, v, dv, di) => {
          const cantidad = oracle.text(c * 10n ** BigInt(oracle.SCALE - dc), dc);
          const valor = oracle.text(v * 10n ** BigInt(oracle.SCALE - dv), dv);
          const w = importeWindow(cantidad, valor, di);
          const [lower, upper] = oracle.importeWindow(cantidad, valor, di);
          expect(oracle.big(w.lower.toFixed(di))).toBe(lower);
          expect(oracle.big(w.upper.toFixed(di))).toBe(upper);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
