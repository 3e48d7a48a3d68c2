import fc from 'fast-check';
import { describe, it } from 'vitest';
import { makeFieldCodec } from '../../src/layouts/field-types.js';
import { suspectScan } from '../../src/layouts/line-codec.js';

/** The characters a value may not hold, as one regular expression (the definition the scan must match). */
function suspectPattern(separator: string | undefined, encoding: 'utf-8' | 'latin1'): RegExp {
  const kept = separator === undefined ? '' : `[${separator.replace(/[\\\]^-]/g, '\\$&')}\\n\\r]|`;
  return new RegExp(`${kept}\\p{Cs}${encoding === 'latin1' ? '|[\\u0100-\\u{10FFFF}]' : ''}`, 'u');
}

/** Strings of UTF-16 units drawn to hit separators, line breaks, Latin-1's edge, and paired and lone surrogates. */
const valueArb = fc
  .array(
    fc.oneof(
      fc.constantFrom('|', ';', ',', '\t', '\n', '\r', 'a', 'ñ', 'ÿ', 'Ā', '€', '😀', '\ud83d', '\ude00'),
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    ),
    { maxLength: 12 },
  )
  .map((units) => units.join(''));

describe('the suspect scan of a line codec', () => {
  it('answers as the regular expression for every separator, policy and encoding', ({ expect }) => {
    for (const separator of ['|', ';', ',', '\t', undefined]) {
      for (const encoding of ['utf-8', 'latin1'] as const) {
        const scan = suspectScan(separator, encoding);
        const pattern = suspectPattern(separator, encoding);
        expect(scan).toBeDefined();
        fc.assert(
          fc.property(valueArb, (value) => scan?.(value) === pattern.test(value)),
          { numRuns: 3_000 },
        );
      }
    }
  });

  it('leaves other separators to the regular expression', ({ expect }) => {
    expect(suspectScan('||', 'utf-8')).toBeUndefined();
    expect(suspectScan('\ud83d', 'utf-8')).toBeUndefined();
  });
});

describe('the field types the render does not scan for unrepresentable characters', () => {
  it('accept only ASCII letters, digits and .:- (so no separator outside them, line break or surrogate)', () => {
    const alphabet = /^[0-9A-Za-z.:-]*$/;
    const fields = [
      { type: 'decimal' },
      { type: 'decimal', signed: true },
      { type: 'integer', signed: true },
      { type: 'date' },
      { type: 'date', format: 'compact' },
      { type: 'datetime' },
      { type: 'datetime', format: 'compact' },
      { type: 'catalog' },
    ] as const;
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.stringMatching(/^-?[0-9]{1,6}(\.[0-9]{1,6})?$/),
      fc.stringMatching(/^20[0-9]{2}-?[01][0-9]-?[0-3][0-9](T[0-2][0-9]:[0-5][0-9]:[0-5][0-9])?$/),
      fc.stringMatching(/^[0-9A-Za-z]{1,10}$/),
    );
    for (const f of fields) {
      const codec = makeFieldCodec({ name: 'x', required: false, ...f } as Parameters<
        typeof makeFieldCodec
      >[0]);
      fc.assert(
        fc.property(value, (v) => codec.check(v) !== undefined || alphabet.test(v)),
        { numRuns: 2_000 },
      );
    }
  });
});
