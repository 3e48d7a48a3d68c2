import fc from 'fast-check';
import { describe, it } from 'vitest';
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
