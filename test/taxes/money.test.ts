import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fitsJsonNumber,
  formatAmount,
  formatExact,
  integerDigitsOf,
  Money,
  parseRate,
} from '../../src/money.js';

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

  it.each([
    ['9999999999999.99', true],
    ['0.000001', true],
    ['100.00', true],
    ['999999999999999', true],
    ['99999999999999.99', false],
    ['1234567890123456.78', false],
    ['99999999999999999999999.99', false],
    ['1e5', false],
  ])('fitsJsonNumber(%s) is %s', (text, fits) => {
    expect(fitsJsonNumber(text)).toBe(fits);
  });

  it('fitsJsonNumber answers as its definition: a signed plain decimal of at most 15 digits, leading zeros aside', () => {
    const definition = (text: string) =>
      /^-?(\d+)(?:\.(\d+))?$/.test(text) &&
      text
        .replace(/^-/, '')
        .replace(/^[0.]+/, '')
        .replace('.', '').length <= 15;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^-?[0-9]{0,20}(\.[0-9]{0,8})?$/),
          fc.stringMatching(/^-?0{0,4}\.?0{0,4}[0-9]{0,17}\.?[0-9]{0,4}$/),
          fc.string({ maxLength: 12 }),
        ),
        (text) => fitsJsonNumber(text) === definition(text),
      ),
      { numRuns: 20_000 },
    );
  });

  it('fitsJsonNumber holds what it promises: a double reads the amount back, shortest and at its decimals', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 6 }), (units, d) => {
        const digits = units.toString().padStart(d + 1, '0');
        const text = d === 0 ? digits : `${digits.slice(0, -d)}.${digits.slice(-d)}`;
        if (!fitsJsonNumber(text)) return;
        const read = JSON.parse(text) as number;
        expect(read.toFixed(d)).toBe(text);
        expect(new Money(String(read)).eq(new Money(text))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('integerDigitsOf counts integer digits, leading zeros aside', () => {
    expect([integerDigitsOf('0012.50'), integerDigitsOf('0.5'), integerDigitsOf('123')]).toEqual([2, 0, 3]);
  });

  it('parseRate takes a TasaOCuota as written and refuses anything else with RATE_INVALID', () => {
    expect(parseRate('0.160000').toString()).toBe('0.16');
    expect(() => parseRate('16%')).toThrow(expect.objectContaining({ code: 'RATE_INVALID' }));
    expect(() => parseRate('-0.16')).toThrow(expect.objectContaining({ code: 'RATE_INVALID' }));
  });
});
