import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ErrorCode, isCfdiLayoutError } from '../../src/errors.js';
import { importeConLetra, numeroALetras } from '../../src/text/importe-con-letra.js';

/*
 * Expected texts come from the rules doc D (its prototype outputs and grammar rules 1–7) and from
 * Spanish grammar applied by hand; the property tests read the words back with a parser written
 * here, independently of the code under test.
 */

describe('importeConLetra (MXN)', () => {
  it.each([
    // rules doc D, prototype outputs
    ['123.45', 'CIENTO VEINTITRÉS PESOS 45/100 M.N.'],
    ['21', 'VEINTIÚN PESOS 00/100 M.N.'],
    ['1001', 'MIL UN PESOS 00/100 M.N.'],
    ['21000', 'VEINTIÚN MIL PESOS 00/100 M.N.'],
    ['2500000', 'DOS MILLONES QUINIENTOS MIL PESOS 00/100 M.N.'],
    ['1000000000', 'MIL MILLONES DE PESOS 00/100 M.N.'],
    ['1000000000000', 'UN BILLÓN DE PESOS 00/100 M.N.'],
    // D.7: zero and the singular
    ['0', 'CERO PESOS 00/100 M.N.'],
    ['0.45', 'CERO PESOS 45/100 M.N.'],
    ['0.05', 'CERO PESOS 05/100 M.N.'],
    ['1.00', 'UN PESO 00/100 M.N.'],
    ['1', 'UN PESO 00/100 M.N.'],
    ['1.50', 'UN PESO 50/100 M.N.'],
    ['2', 'DOS PESOS 00/100 M.N.'],
    // D.1: apocope before the noun, MIL and MILLONES
    ['31', 'TREINTA Y UN PESOS 00/100 M.N.'],
    ['41', 'CUARENTA Y UN PESOS 00/100 M.N.'],
    ['91', 'NOVENTA Y UN PESOS 00/100 M.N.'],
    ['201', 'DOSCIENTOS UN PESOS 00/100 M.N.'],
    ['31000', 'TREINTA Y UN MIL PESOS 00/100 M.N.'],
    ['101000', 'CIENTO UN MIL PESOS 00/100 M.N.'],
    ['21000000', 'VEINTIÚN MILLONES DE PESOS 00/100 M.N.'],
    ['31000000', 'TREINTA Y UN MILLONES DE PESOS 00/100 M.N.'],
    ['5000021', 'CINCO MILLONES VEINTIÚN PESOS 00/100 M.N.'],
    // D.2: MIL, never UN MIL
    ['1000', 'MIL PESOS 00/100 M.N.'],
    ['1500', 'MIL QUINIENTOS PESOS 00/100 M.N.'],
    ['1001000', 'UN MILLÓN MIL PESOS 00/100 M.N.'],
    // D.3: CIEN and CIENTO
    ['100', 'CIEN PESOS 00/100 M.N.'],
    ['101', 'CIENTO UN PESOS 00/100 M.N.'],
    ['199', 'CIENTO NOVENTA Y NUEVE PESOS 00/100 M.N.'],
    ['100000', 'CIEN MIL PESOS 00/100 M.N.'],
    ['100100', 'CIEN MIL CIEN PESOS 00/100 M.N.'],
    ['100000000', 'CIEN MILLONES DE PESOS 00/100 M.N.'],
    // D.4: single words with accents for 16–29, Y from 31 on
    ['16', 'DIECISÉIS PESOS 00/100 M.N.'],
    ['22', 'VEINTIDÓS PESOS 00/100 M.N.'],
    ['23', 'VEINTITRÉS PESOS 00/100 M.N.'],
    ['26', 'VEINTISÉIS PESOS 00/100 M.N.'],
    ['15', 'QUINCE PESOS 00/100 M.N.'],
    ['20', 'VEINTE PESOS 00/100 M.N.'],
    ['30', 'TREINTA PESOS 00/100 M.N.'],
    ['45', 'CUARENTA Y CINCO PESOS 00/100 M.N.'],
    ['577', 'QUINIENTOS SETENTA Y SIETE PESOS 00/100 M.N.'],
    ['777', 'SETECIENTOS SETENTA Y SIETE PESOS 00/100 M.N.'],
    ['999', 'NOVECIENTOS NOVENTA Y NUEVE PESOS 00/100 M.N.'],
    // D.5: MILLÓN/BILLÓN are nouns; DE only when the words end in one of them
    ['1000000', 'UN MILLÓN DE PESOS 00/100 M.N.'],
    ['1000000.50', 'UN MILLÓN DE PESOS 50/100 M.N.'],
    ['1000001', 'UN MILLÓN UN PESOS 00/100 M.N.'],
    ['2000000', 'DOS MILLONES DE PESOS 00/100 M.N.'],
    ['1001000000', 'MIL UN MILLONES DE PESOS 00/100 M.N.'],
    ['2000000000000', 'DOS BILLONES DE PESOS 00/100 M.N.'],
    ['1000001000000', 'UN BILLÓN UN MILLÓN DE PESOS 00/100 M.N.'],
    ['1000000001000', 'UN BILLÓN MIL PESOS 00/100 M.N.'],
    ['1000000000001', 'UN BILLÓN UN PESOS 00/100 M.N.'],
    // D.6: long scale
    ['1000000000000000', 'MIL BILLONES DE PESOS 00/100 M.N.'],
    ['21000000000000', 'VEINTIÚN BILLONES DE PESOS 00/100 M.N.'],
    ['1500000000', 'MIL QUINIENTOS MILLONES DE PESOS 00/100 M.N.'],
    [
      '999999999999999.99',
      'NOVECIENTOS NOVENTA Y NUEVE BILLONES NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE ' +
        'MILLONES NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE PESOS 99/100 M.N.',
    ],
    [
      '999999999999999999.99',
      'NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE BILLONES NOVECIENTOS NOVENTA Y NUEVE MIL ' +
        'NOVECIENTOS NOVENTA Y NUEVE MILLONES NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE PESOS 99/100 M.N.',
    ],
    // cents: two digits, rounded half up to the currency's decimals
    ['10.5', 'DIEZ PESOS 50/100 M.N.'],
    ['10.005', 'DIEZ PESOS 01/100 M.N.'],
    ['10.004999', 'DIEZ PESOS 00/100 M.N.'],
    ['0.995', 'UN PESO 00/100 M.N.'],
    ['0.994', 'CERO PESOS 99/100 M.N.'],
    ['999999.995', 'UN MILLÓN DE PESOS 00/100 M.N.'],
    ['0021.00', 'VEINTIÚN PESOS 00/100 M.N.'],
  ])('%s → %s', (importe, expected) => {
    expect(importeConLetra(importe)).toBe(expected);
    expect(importeConLetra(importe, 'MXN')).toBe(expected);
  });
});

describe('importeConLetra (other currencies)', () => {
  it.each([
    // rules doc D: foreign-currency formats
    ['1500.75', 'USD', 'MIL QUINIENTOS DÓLARES 75/100 USD'],
    ['0.75', 'EUR', 'CERO EUROS 75/100 EUR'],
    ['1', 'USD', 'UN DÓLAR 00/100 USD'],
    ['21', 'USD', 'VEINTIÚN DÓLARES 00/100 USD'],
    ['1', 'EUR', 'UN EURO 00/100 EUR'],
    ['2000000', 'EUR', 'DOS MILLONES DE EUROS 00/100 EUR'],
    // generic fallback: the code as the noun and as the suffix
    ['100', 'GBP', 'CIEN GBP 00/100 GBP'],
    ['1000000', 'CAD', 'UN MILLÓN DE CAD 00/100 CAD'],
    // decimals from c_Moneda: 3 for KWD, 4 for CLF, 0 for JPY and CLP (no fraction printed)
    ['10.1235', 'KWD', 'DIEZ KWD 124/1000 KWD'],
    ['2.5', 'CLF', 'DOS CLF 5000/10000 CLF'],
    ['1500', 'JPY', 'MIL QUINIENTOS JPY JPY'],
    ['1500.5', 'JPY', 'MIL QUINIENTOS UN JPY JPY'],
    ['0.4', 'CLP', 'CERO CLP CLP'],
  ])('%s %s → %s', (importe, moneda, expected) => {
    expect(importeConLetra(importe, moneda)).toBe(expected);
  });

  it('takes a currency name and suffix from the options', () => {
    const americanos = { currencyName: { singular: 'DÓLAR AMERICANO', plural: 'DÓLARES AMERICANOS' } };
    expect(importeConLetra('1500.75', 'USD', americanos)).toBe(
      'MIL QUINIENTOS DÓLARES AMERICANOS 75/100 USD',
    );
    expect(importeConLetra('1.00', 'USD', americanos)).toBe('UN DÓLAR AMERICANO 00/100 USD');
    expect(importeConLetra('123.45', 'MXN', { suffix: 'MXN' })).toBe('CIENTO VEINTITRÉS PESOS 45/100 MXN');
    expect(importeConLetra('123.45', 'MXN', { suffix: '' })).toBe('CIENTO VEINTITRÉS PESOS 45/100');
  });
});

function thrownCode(run: () => unknown): ErrorCode | undefined {
  try {
    run();
  } catch (err) {
    return isCfdiLayoutError(err) ? err.code : undefined;
  }
  return undefined;
}

describe('importeConLetra errors', () => {
  it.each([
    ['-1', 'MXN', 'AMOUNT_NEGATIVE'],
    ['1e3', 'MXN', 'AMOUNT_INVALID'],
    ['1,000.00', 'MXN', 'AMOUNT_INVALID'],
    ['', 'MXN', 'AMOUNT_INVALID'],
    [' 1', 'MXN', 'AMOUNT_INVALID'],
    ['1', 'ABC', 'CURRENCY_UNKNOWN'],
    ['1', 'mxn', 'CURRENCY_UNKNOWN'],
    ['1000000000000000000', 'MXN', 'AMOUNT_INVALID'],
    ['999999999999999999.995', 'MXN', 'AMOUNT_INVALID'],
  ])('%j %s throws %s', (importe, moneda, code) => {
    expect(thrownCode(() => importeConLetra(importe, moneda))).toBe(code);
  });
});

describe('numeroALetras', () => {
  it.each([
    ['0', 'CERO'],
    ['1', 'UNO'],
    ['21', 'VEINTIUNO'],
    ['31', 'TREINTA Y UNO'],
    ['16', 'DIECISÉIS'],
    ['100', 'CIEN'],
    ['101', 'CIENTO UNO'],
    ['115', 'CIENTO QUINCE'],
    ['500', 'QUINIENTOS'],
    ['1000', 'MIL'],
    ['1001', 'MIL UNO'],
    ['21000', 'VEINTIÚN MIL'],
    ['21021', 'VEINTIÚN MIL VEINTIUNO'],
    ['1000000', 'UN MILLÓN'],
    ['1000001', 'UN MILLÓN UNO'],
    ['2000000', 'DOS MILLONES'],
    ['1000000000', 'MIL MILLONES'],
    ['1000000000000', 'UN BILLÓN'],
    ['007', 'SIETE'],
  ])('%s → %s', (integer, expected) => {
    expect(numeroALetras(integer)).toBe(expected);
    expect(numeroALetras(BigInt(integer))).toBe(expected);
  });

  it('writes numbers under a million from groups of three digits exactly as the general path does', () => {
    // With leading zeros past six digits the same number takes the general path (groups of six).
    const differ: string[] = [];
    for (let n = 0; n < 1_000_000; n += n < 3_000 ? 1 : 7) {
      for (const apocope of [false, true]) {
        if (numeroALetras(String(n), { apocope }) !== numeroALetras(`0000000${n}`, { apocope }))
          differ.push(`${n}${apocope ? ' (apocope)' : ''}`);
      }
    }
    expect(differ).toEqual([]);
  });

  it('ends in UN/VEINTIÚN with apocope, for use before a masculine noun', () => {
    expect(numeroALetras('1', { apocope: true })).toBe('UN');
    expect(numeroALetras('21', { apocope: true })).toBe('VEINTIÚN');
    expect(numeroALetras(31n, { apocope: true })).toBe('TREINTA Y UN');
    expect(numeroALetras('22', { apocope: true })).toBe('VEINTIDÓS');
  });

  it.each([
    ['-5', 'AMOUNT_NEGATIVE'],
    [-5n, 'AMOUNT_NEGATIVE'],
    ['1.5', 'AMOUNT_INVALID'],
    ['', 'AMOUNT_INVALID'],
    ['1000000000000000000', 'AMOUNT_INVALID'],
  ] as const)('%s throws %s', (integer, code) => {
    expect(thrownCode(() => numeroALetras(integer))).toBe(code);
  });
});

const WORD_VALUES: Readonly<Record<string, bigint>> = {
  CERO: 0n,
  UN: 1n,
  UNO: 1n,
  DOS: 2n,
  TRES: 3n,
  CUATRO: 4n,
  CINCO: 5n,
  SEIS: 6n,
  SIETE: 7n,
  OCHO: 8n,
  NUEVE: 9n,
  DIEZ: 10n,
  ONCE: 11n,
  DOCE: 12n,
  TRECE: 13n,
  CATORCE: 14n,
  QUINCE: 15n,
  DIECISÉIS: 16n,
  DIECISIETE: 17n,
  DIECIOCHO: 18n,
  DIECINUEVE: 19n,
  VEINTE: 20n,
  VEINTIÚN: 21n,
  VEINTIUNO: 21n,
  VEINTIDÓS: 22n,
  VEINTITRÉS: 23n,
  VEINTICUATRO: 24n,
  VEINTICINCO: 25n,
  VEINTISÉIS: 26n,
  VEINTISIETE: 27n,
  VEINTIOCHO: 28n,
  VEINTINUEVE: 29n,
  TREINTA: 30n,
  CUARENTA: 40n,
  CINCUENTA: 50n,
  SESENTA: 60n,
  SETENTA: 70n,
  OCHENTA: 80n,
  NOVENTA: 90n,
  CIEN: 100n,
  CIENTO: 100n,
  DOSCIENTOS: 200n,
  TRESCIENTOS: 300n,
  CUATROCIENTOS: 400n,
  QUINIENTOS: 500n,
  SEISCIENTOS: 600n,
  SETECIENTOS: 700n,
  OCHOCIENTOS: 800n,
  NOVECIENTOS: 900n,
};

/** Reads Spanish number words back into an integer (long scale), independently of the code under test. */
function readWords(text: string): bigint {
  let total = 0n;
  let group = 0n;
  let small = 0n;
  for (const word of text.split(' ')) {
    if (word === 'Y') continue;
    if (word === 'MIL') {
      group += (small === 0n ? 1n : small) * 1000n;
      small = 0n;
    } else if (word === 'MILLÓN' || word === 'MILLONES' || word === 'BILLÓN' || word === 'BILLONES') {
      total += (group + small) * (word.startsWith('MILL') ? 10n ** 6n : 10n ** 12n);
      group = 0n;
      small = 0n;
    } else {
      const value = Object.hasOwn(WORD_VALUES, word) ? WORD_VALUES[word] : undefined;
      if (value === undefined) throw new Error(`unknown word ${word} in ${text}`);
      small += value;
    }
  }
  return total + group + small;
}

describe('properties', () => {
  const integers = fc.bigInt({ min: 0n, max: 10n ** 18n - 1n });

  it('numeroALetras reads back to the same integer', () => {
    fc.assert(
      fc.property(integers, (n) => {
        expect(readWords(numeroALetras(n))).toBe(n);
      }),
    );
  });

  it('importeConLetra reads back to the amount, with the noun, DE and cents where they belong', () => {
    const amounts = fc.tuple(integers, fc.integer({ min: 0, max: 99 }));
    fc.assert(
      fc.property(amounts, ([n, cents]) => {
        const cc = String(cents).padStart(2, '0');
        const text = importeConLetra(`${n}.${cc}`);
        const match = /^(.+?) (DE )?(PESOS?) (\d\d)\/100 M\.N\.$/.exec(text);
        expect(match).not.toBeNull();
        const [, words = '', de, noun, fraction] = match ?? [];
        expect(readWords(words)).toBe(n);
        expect(fraction).toBe(cc);
        expect(noun).toBe(n === 1n ? 'PESO' : 'PESOS');
        expect(de !== undefined).toBe(n >= 10n ** 6n && n % 10n ** 6n === 0n);
        // never the full form UNO before a noun or a scale word, never "UN MIL" for 1000
        expect(words).not.toMatch(/UNO( |$)/);
        expect(words).not.toMatch(/(^|MILLÓN |MILLONES |BILLÓN |BILLONES )UN MIL( |$)/);
      }),
    );
  });
});
