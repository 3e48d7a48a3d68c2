import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount, formatExact, Money, parseRate } from '../../src/money.js';

describe('money helpers added for the tax core', () => {
  it.each([
    ['17.03', 2, '17.03'],
    ['17.3', 2, '17.30'],
    ['17', 2, '17.00'],
    ['17', 0, '17'],
    ['0', 3, '0.000'],
    ['0.0001', 4, '0.0001'],
    ['123456789012345678.5', 1, '123456789012345678.5'],
    ['17.035', 2, '17.04'],
  ])('formatExact(%s, %i) → %s', (value, decimals, expected) => {
    expect(formatExact(new Money(value), decimals)).toBe(expected);
  });

  it('formatExact agrees with formatAmount everywhere', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 6 }),
        (units, scale, d) => {
          const value = new Money(units.toString()).dividedBy(new Money(10).pow(scale));
          expect(formatExact(value, d)).toBe(formatAmount(value, d));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parseRate takes a TasaOCuota as written and refuses anything else with RATE_INVALID', () => {
    expect(parseRate('0.160000').toString()).toBe('0.16');
    expect(() => parseRate('16%')).toThrow(expect.objectContaining({ code: 'RATE_INVALID' }));
    expect(() => parseRate('-0.16')).toThrow(expect.objectContaining({ code: 'RATE_INVALID' }));
  });
});
