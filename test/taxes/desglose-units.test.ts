import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyDecimals } from '../../src/catalogs/moneda.js';
import { formatExact, Money } from '../../src/money.js';
import { prepareDesglose } from '../../src/taxes/desglose.js';

/*
 * desglose() takes a scaled-integer path for IVA/ISH plans without IEPS (desglose.ts, splitUnits)
 * and `split` always works on decimals: both must give the same split for every importe, at the
 * edges of the integer range too (amounts past it fall back to decimals).
 */

const percent = (maxDecimals: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 10 ** maxDecimals - 1 }))
    .map(([int, frac]) =>
      int === 100 ? '100' : `${int}.${String(frac).padStart(maxDecimals, '0')}`.replace(/\.?0+$/, '') || '0',
    );

const units = fc.oneof(
  fc.bigInt({ min: 0n, max: 1000n }),
  fc.bigInt({ min: 0n, max: 10n ** 9n }),
  fc.bigInt({ min: 4_000_000_000n, max: 5_000_000_000n }),
  fc.bigInt({ min: 0n, max: 10n ** 15n }),
);

function textOf(value: bigint, decimals: number): string {
  if (decimals === 0) return value.toString();
  const digits = value.toString().padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

describe('desglose on scaled integers', () => {
  it('equals the decimal split for IVA and ISH rates, currencies and importes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('MXN', 'USD', 'JPY', 'KWD'),
        fc.oneof(fc.constantFrom('16', '8', '0', 'exento'), percent(4)),
        fc.oneof(fc.constantFrom('0', '3', '2', '3.5'), percent(2)),
        units,
        (moneda, iva, ish, value) => {
          const d = currencyDecimals(moneda);
          const prepared = prepareDesglose({ moneda, iva, ish, ishDecimals: d });
          const importe = textOf(value, d);
          const got = prepared.desglose(importe);
          const parts = prepared.split(new Money(importe));
          expect(got.subtotal).toBe(formatExact(parts.base, d));
          expect(got.iva).toBe(formatExact(parts.iva, d));
          expect(got.ish).toBe(formatExact(parts.ish, d));
          expect(got.ieps).toBe(formatExact(parts.ieps, d));
          expect(got.importe).toBe(formatExact(new Money(importe), d));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('writes a non-canonical importe as the decimal path does', () => {
    const prepared = prepareDesglose({ iva: '16', ish: '3' });
    for (const importe of ['007.5', '0', '12', '00.00', '5.1']) {
      const got = prepared.desglose(importe);
      expect(got.importe).toBe(formatExact(new Money(importe), 2));
      expect(got.total).toBe(got.importe);
    }
  });
});
