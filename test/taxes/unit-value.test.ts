import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unitValueOnDecimals, unitValueOnUnits } from '../../src/taxes/concepto.js';

/*
 * A ticket line's ValorUnitario, round6(base / Cantidad), is computed on scaled integers when they
 * hold it (concepto.ts, unitValueOnUnits) and on decimals otherwise: both must write the same text
 * for every base, Cantidad and currency, at the edges of the integer range too.
 */

function textOf(value: bigint, decimals: number): string {
  if (decimals === 0) return value.toString();
  const digits = value.toString().padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

const baseUnits = fc.oneof(
  fc.bigInt({ min: 0n, max: 1000n }),
  fc.bigInt({ min: 0n, max: 10n ** 9n }),
  fc.bigInt({ min: 0n, max: 10n ** 13n }),
  fc.bigInt({ min: 0n, max: 10n ** 17n }),
);

/** Cantidades as exports write them: counts, kilos with 3 decimals, 6 decimals, huge ones, trailing zeros. */
const cantidad = fc.oneof(
  fc.integer({ min: 1, max: 50 }).map(String),
  fc.integer({ min: 1, max: 99_999 }).map((n) => textOf(BigInt(n), 3)),
  fc.bigInt({ min: 1n, max: 10n ** 12n }).map((n) => textOf(n, 6)),
  fc.bigInt({ min: 1n, max: 10n ** 7n }).map((n) => textOf(n, 2).replace(/^0+(?=\d)/, '')),
  fc.constantFrom('1', '1.0', '1.000000', '0.000001', '3', '7', '4000', '4000.000001', '9999999999'),
);

describe('ValorUnitario on scaled integers', () => {
  it('writes what the decimal path writes, or leaves the case to it', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.constantFrom(0, 2, 3, 4), baseUnits, cantidad, (decimals, units, q) => {
        const subtotal = textOf(units, decimals);
        const fast = unitValueOnUnits(subtotal, q, decimals);
        if (fast === undefined) return;
        taken++;
        expect(fast).toBe(unitValueOnDecimals(subtotal, q, decimals));
      }),
      { numRuns: 20_000 },
    );
    // Most draws fit the integers; the others check the fallback boundary.
    expect(taken).toBeGreaterThan(5_000);
  });

  it('takes the usual lines: kilos and counts of everyday amounts', ({ expect }) => {
    expect(unitValueOnUnits('69.13', '1.702', 2)).toBe('40.616921');
    expect(unitValueOnUnits('2200.33', '2', 2)).toBe('1100.165');
    expect(unitValueOnUnits('1697.22', '3', 2)).toBe('565.74');
    expect(unitValueOnUnits('100.00', '1.000', 2)).toBe('100.00');
    expect(unitValueOnUnits('0.00', '3', 2)).toBe('0.00');
  });
});
