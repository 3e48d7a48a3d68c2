import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCfdiLayoutError } from '../../src/errors.js';
import { checkRfc, personaOf, RFCS_GENERICOS, rfcCheckDigit } from '../../src/rfc/rfc.js';

const codes = (rfc: string): string[] => checkRfc(rfc).issues.map((issue) => issue.code);

describe('checkRfc', () => {
  // Vectors from phpcfdi/rfc tests/Unit/CheckSumTest.php, listed in the rules doc F.2.
  it.each([
    ['CAMA911215CJ0', 'fisica'],
    ['COSC8001137NA', 'fisica'],
    ['SORC591116FJ6', 'fisica'],
    ['DIM8701081LA', 'moral'],
    ['A&A050908GT0', 'moral'],
    ['SAT970701NN3', 'moral'],
    ['AÑÑ801231JK0', 'moral'],
  ])('accepts %s as a persona %s with no issue', (rfc, persona) => {
    expect(checkRfc(rfc)).toEqual({ valid: true, persona, issues: [] });
  });

  it.each([
    ['XAXX010101000', 'nacional'],
    ['XEXX010101000', 'extranjero'],
  ])('whitelists the generic RFC %s (%s) before the checksum', (rfc, generic) => {
    expect(checkRfc(rfc)).toEqual({ valid: true, persona: 'fisica', generic, issues: [] });
  });

  it('would fail XAXX010101000 on the checksum alone (rules doc F.2: the computed digit is 4)', () => {
    expect(rfcCheckDigit('XAXX01010100')).toBe('4');
    expect(Object.keys(RFCS_GENERICOS).sort()).toEqual(['XAXX010101000', 'XEXX010101000']);
  });

  it.each([
    ['CAMA911215CJ1', '0'],
    ['DIM8701081L9', 'A'],
    ['SAT970701NN4', '3'],
  ])('warns, without invalidating, when the check digit of %s is wrong (expected %s)', (rfc, expected) => {
    const result = checkRfc(rfc);
    expect(result.valid).toBe(true);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ code: 'RFC_CHECK_DIGIT', severity: 'warning' });
    expect(result.issues[0]?.message).toContain(`gives ${expected}`);
  });

  it.each([
    ['lower case', 'cama911215cj0'],
    ['too short', 'CAM911215CJ'],
    ['too long', 'CAMAA911215CJ0'],
    ['month 13', 'CAMA911315CJ0'],
    ['month 00', 'CAMA910015CJ0'],
    ['day 32', 'CAMA911232CJ0'],
    ['day 00', 'CAMA911200CJ0'],
    ['check digit B', 'CAMA911215CJB'],
    ['a digit among the letters', 'CA1A911215CJ0'],
    ['surrounding spaces', ' CAMA911215CJ0 '],
    ['empty', ''],
    ['a decomposed Ñ (N + combining tilde)', 'AN\u0303N\u0303801231JK0'],
  ])('rejects %s with RFC_PATTERN', (_label, rfc) => {
    const result = checkRfc(rfc);
    expect(result.valid).toBe(false);
    expect(result.persona).toBeUndefined();
    expect(result.issues.map((i) => [i.code, i.severity])).toEqual([['RFC_PATTERN', 'error']]);
  });

  it.each([
    ['February 29 of a non-leap year', 'CAMA010229'],
    ['February 30', 'CAMA920230'],
    ['April 31', 'CAMA910431'],
    ['June 31', 'CAMA910631'],
    ['September 31', 'CAMA910931'],
    ['November 31', 'CAMA911131'],
  ])('rejects %s with RFC_DATE', (_label, prefix) => {
    const rfc = `${prefix}CJ${rfcCheckDigit(`${prefix}CJ`)}`;
    const result = checkRfc(rfc);
    expect(result.valid).toBe(false);
    expect(result.persona).toBe('fisica');
    expect(codes(rfc)).toEqual(['RFC_DATE']);
  });

  it.each([
    ['2000-02-29', 'CAMA000229'],
    ['1996-02-29', 'CAMA960229'],
    ['January 31', 'CAMA910131'],
    ['December 31', 'AÑÑ801231'],
  ])('accepts the real date %s', (_label, prefix) => {
    const rfc = `${prefix}CJ${rfcCheckDigit(`${prefix}CJ`)}`;
    expect(checkRfc(rfc).issues).toEqual([]);
  });

  it('reports both an impossible date and a wrong check digit', () => {
    expect(codes('CAMA010229CJ0')).toEqual(['RFC_DATE', 'RFC_CHECK_DIGIT']);
  });

  it('puts the given path on every issue', () => {
    expect(checkRfc('bad', ['receptor', 'rfc']).issues[0]?.path).toEqual(['receptor', 'rfc']);
    expect(checkRfc('CAMA911215CJ1', ['emisor', 'rfc']).issues[0]?.path).toEqual(['emisor', 'rfc']);
  });

  it('never repeats the RFC in a message (taxpayer data stays out of logs)', () => {
    for (const rfc of ['CAMA911215CJ1', 'CAMA010229CJ0', 'cama911215cj0']) {
      for (const issue of checkRfc(rfc).issues) expect(issue.message).not.toContain(rfc);
    }
  });
});

describe('rfcCheckDigit', () => {
  it('gives the last character of every rules-doc vector from its body', () => {
    for (const rfc of [
      'CAMA911215CJ0',
      'COSC8001137NA',
      'SORC591116FJ6',
      'DIM8701081LA',
      'A&A050908GT0',
      'SAT970701NN3',
      'AÑÑ801231JK0',
    ]) {
      expect(rfcCheckDigit(rfc.slice(0, -1))).toBe(rfc.slice(-1));
    }
  });

  it.each(['DIM8701081LA', 'CAMA911215CJ0', 'cama911215cj', 'CAM', ''])(
    'throws RFC_INVALID for %j, which is not a body',
    (text) => {
      let caught: unknown;
      try {
        rfcCheckDigit(text);
      } catch (err) {
        caught = err;
      }
      expect(isCfdiLayoutError(caught, 'RFC_INVALID')).toBe(true);
    },
  );
});

describe('personaOf', () => {
  it.each([
    ['CAMA911215CJ0', 'fisica'],
    ['DIM8701081LA', 'moral'],
    ['XAXX010101000', 'fisica'],
    ['DIM870108', undefined],
    ['dim8701081la', undefined],
  ])('%s → %s', (rfc, persona) => {
    expect(personaOf(rfc)).toBe(persona);
  });
});

describe('check digit properties', () => {
  const letter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ&Ñ'.split(''));
  const alnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
  const yymmdd = fc
    .date({
      min: new Date('1930-01-01T00:00:00Z'),
      max: new Date('2029-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(2, 10).replaceAll('-', ''));
  const body = fc
    .tuple(
      fc.integer({ min: 3, max: 4 }),
      fc.array(letter, { minLength: 4, maxLength: 4 }),
      yymmdd,
      fc.array(alnum, { minLength: 2, maxLength: 2 }),
    )
    .map(([n, letters, date, homoclave]) => `${letters.slice(0, n).join('')}${date}${homoclave.join('')}`);

  it('appending rfcCheckDigit(body) gives a valid RFC with no check-digit warning', () => {
    fc.assert(
      fc.property(body, (b) => {
        const result = checkRfc(b + rfcCheckDigit(b));
        expect(result.valid).toBe(true);
        expect(result.persona).toBe(b.length === 11 ? 'moral' : 'fisica');
        expect(result.issues.map((i) => i.code)).not.toContain('RFC_CHECK_DIGIT');
      }),
    );
  });

  it('any other final character allowed by t_RFC draws the check-digit warning', () => {
    const finals = fc.constantFrom(...'0123456789A'.split(''));
    fc.assert(
      fc.property(body, finals, (b, final) => {
        fc.pre(final !== rfcCheckDigit(b) && !Object.hasOwn(RFCS_GENERICOS, b + final));
        expect(checkRfc(b + final).issues.map((i) => i.code)).toContain('RFC_CHECK_DIGIT');
      }),
    );
  });
});
