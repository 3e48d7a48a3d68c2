import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyDecimals } from '../../src/catalogs/moneda.js';
import { Money } from '../../src/money.js';
import { type DesgloseResult, desglose, prepareDesglose } from '../../src/taxes/desglose.js';
import * as oracle from './oracle.js';

const CURRENCIES = ['MXN', 'USD', 'JPY', 'KWD', 'CLF'] as const;
const IVAS = ['16', '8', '0', 'exento'] as const;
const IEPSS = ['0', '8', '26.5', '53', '160'] as const;
const ISHS = ['0', '2', '3', '5'] as const;

/** Importes from 0 to 10^12 with the currency's decimals, small ones drawn often. */
function importeArb(decimals: number): fc.Arbitrary<string> {
  const scale = 10n ** BigInt(decimals);
  return fc
    .oneof(
      fc.bigInt({ min: 0n, max: 1000n * scale }),
      fc.bigInt({ min: 0n, max: 10n ** 7n * scale }),
      fc.bigInt({ min: 0n, max: 10n ** 12n * scale }),
    )
    .map((units) => oracle.text(units * 10n ** BigInt(oracle.SCALE - decimals), decimals));
}

const caseArb = fc
  .record({
    moneda: fc.constantFrom(...CURRENCIES),
    iva: fc.constantFrom(...IVAS),
    ieps: fc.constantFrom(...IEPSS),
    ish: fc.constantFrom(...ISHS),
  })
  .chain((rates) => importeArb(currencyDecimals(rates.moneda)).map((importe) => ({ ...rates, importe })));

/** The three taxes of a result with the base and the rate each window is measured on. */
function taxesOf(r: DesgloseResult, rates: { iva: string; ieps: string; ish: string }) {
  const ivaRate = rates.iva === 'exento' ? 0n : oracle.fromPercent(rates.iva);
  return [
    { name: 'iva', importe: r.iva, base: r.ivaBase, rate: oracle.tasa(ivaRate) },
    { name: 'ieps', importe: r.ieps, base: r.iepsBase, rate: oracle.tasa(oracle.fromPercent(rates.ieps)) },
    { name: 'ish', importe: r.ish, base: r.ishBase, rate: oracle.tasa(oracle.fromPercent(rates.ish)) },
  ];
}

/** The checks every split must pass, against the BigInt oracle. */
function expectReconciled(
  r: DesgloseResult,
  input: { importe: string; iva: string; ieps: string; ish: string; moneda: string },
) {
  const d = currencyDecimals(input.moneda);
  for (const key of [
    'importe',
    'subtotal',
    'iva',
    'ieps',
    'ish',
    'total',
    'ivaBase',
    'iepsBase',
    'ishBase',
  ] as const) {
    expect(oracle.written(r[key]), key).toBe(d);
  }
  expect(r.total).toBe(r.importe);
  expect(oracle.big(r.importe)).toBe(oracle.big(input.importe));
  expect(oracle.total([r.subtotal, r.iva, r.ieps, r.ish])).toBe(oracle.big(r.importe));
  // IVA base = subtotal + IEPS (LIVA art. 12); IEPS and ISH on the subtotal.
  expect(oracle.big(r.ivaBase)).toBe(oracle.big(r.subtotal) + oracle.big(r.ieps));
  expect(r.iepsBase).toBe(r.subtotal);
  expect(r.ishBase).toBe(r.subtotal);
  for (const tax of taxesOf(r, input)) {
    expect(
      oracle.inTaxWindow(tax.base, tax.rate, tax.importe),
      `${tax.name} ${tax.importe} on ${tax.base} @ ${tax.rate}`,
    ).toBe(true);
  }
}

describe('desglose: worked values (rules doc C.3, seed 001)', () => {
  it.each([
    // [importe, iva, ish, subtotal, iva amount, ish amount]
    ['123.45', '16', '0', '106.42', '17.03', '0.00'], // seed 001: 'importe' 123.45, 'iva' 16 → Subtotal 106.42, 17.03
    ['123.45', '16', '3', '103.74', '16.60', '3.11'],
    ['1000', '16', '3', '840.34', '134.45', '25.21'],
    ['2380', '16', '3', '2000.00', '320.00', '60.00'], // rules doc B: the hotel example
    ['100.01', '16', '0', '86.22', '13.79', '0.00'], // C.2: naive rounding gives 13.80 and breaks the sum
  ])('%s @ IVA %s%% + ISH %s%% → %s / %s / %s', (importe, iva, ish, subtotal, ivaAmount, ishAmount) => {
    const r = desglose({ importe, iva, ish });
    expect(r.subtotal).toBe(subtotal);
    expect(r.iva).toBe(ivaAmount);
    expect(r.ish).toBe(ishAmount);
    expect(r.ieps).toBe('0.00');
    expect(r.total).toBe(r.importe);
    expect(r.moneda).toBe('MXN');
  });

  it('C.2 second example: 100.06 @ 16 + 3 reconciles where naive rounding gives 100.05', () => {
    // B = round(100.06 / 1.19) = 84.08; naive IVA 13.45 + ISH 2.52 leaves a cent, which the IVA
    // takes: its window on 84.08 is [trunc(84.075 × .16) = 13.45, ceil(84.085 × .16) = 13.46].
    const r = desglose({ importe: '100.06', iva: '16', ish: '3' });
    expect([r.subtotal, r.iva, r.ish]).toEqual(['84.08', '13.46', '2.52']);
  });

  it('stacks IEPS under IVA: IVA base = subtotal + IEPS', () => {
    // F = 1.08 × 1.16 = 1.2528: 125.28 → B 100.00, IEPS 8.00, IVA on 108.00 = 17.28.
    const r = desglose({ importe: '125.28', iva: '16', ieps: '8' });
    expect([r.subtotal, r.ieps, r.ivaBase, r.iva]).toEqual(['100.00', '8.00', '108.00', '17.28']);
    // IEPS 160 % (tobacco): F = 2.6 × 1.16 = 3.016: 301.60 → 100.00 + 160.00 + 41.60 on 260.00.
    const t = desglose({ importe: '301.60', iva: '16', ieps: '160' });
    expect([t.subtotal, t.ieps, t.ivaBase, t.iva]).toEqual(['100.00', '160.00', '260.00', '41.60']);
  });

  it('keeps ISH out of the IVA base', () => {
    const r = desglose({ importe: '2380.00', iva: '16', ish: '3' });
    expect(r.ivaBase).toBe('2000.00');
    expect(r.ishBase).toBe('2000.00');
  });

  it('writes every amount with the currency decimals (JPY 0, KWD 3, CLF 4)', () => {
    expect(desglose({ importe: '1160', moneda: 'JPY' })).toMatchObject({
      importe: '1160',
      subtotal: '1000',
      iva: '160',
    });
    expect(desglose({ importe: '1.16', moneda: 'KWD' })).toMatchObject({
      importe: '1.160',
      subtotal: '1.000',
      iva: '0.160',
    });
    expect(desglose({ importe: '1.16', moneda: 'CLF' })).toMatchObject({
      importe: '1.1600',
      subtotal: '1.0000',
      iva: '0.1600',
    });
    expect(desglose({ importe: '123.4' })).toMatchObject({ importe: '123.40', total: '123.40' });
    expect(desglose({ importe: '0123.450' })).toMatchObject({ importe: '123.45' });
  });

  it('exento: IVA 0.00 with ivaExento, and IVA 0 % is not exento', () => {
    const ex = desglose({ importe: '100.00', iva: 'exento' });
    expect(ex).toMatchObject({ subtotal: '100.00', iva: '0.00', ivaExento: true, ivaBase: '100.00' });
    expect(desglose({ importe: '100.00', iva: 'EXENTO' }).ivaExento).toBe(true);
    const zero = desglose({ importe: '100.00', iva: '0' });
    expect(zero).toMatchObject({ subtotal: '100.00', iva: '0.00', ivaExento: false });
    // Exempt IVA with ISH: the whole tax is the ISH, 5 % of B: 105.00 → 100.00 + 5.00.
    expect(desglose({ importe: '105.00', iva: 'exento', ish: '5' })).toMatchObject({
      subtotal: '100.00',
      ish: '5.00',
    });
  });

  it('importe 0 gives all zeros', () => {
    expect(desglose({ importe: '0', iva: '16', ieps: '8', ish: '3' })).toEqual({
      importe: '0.00',
      subtotal: '0.00',
      iva: '0.00',
      ieps: '0.00',
      ish: '0.00',
      total: '0.00',
      moneda: 'MXN',
      ivaExento: false,
      ivaBase: '0.00',
      iepsBase: '0.00',
      ishBase: '0.00',
    });
  });

  it('defaults to IVA 16 %, no IEPS, no ISH, MXN', () => {
    expect(desglose({ importe: '116' })).toMatchObject({
      subtotal: '100.00',
      iva: '16.00',
      ieps: '0.00',
      ish: '0.00',
    });
  });

  it.each([
    [{ importe: 'abc' }, 'AMOUNT_INVALID'],
    [{ importe: '1e3' }, 'AMOUNT_INVALID'],
    [{ importe: '' }, 'AMOUNT_INVALID'],
    [{ importe: '-5.00' }, 'AMOUNT_NEGATIVE'],
    [{ importe: '1.234' }, 'AMOUNT_TOO_MANY_DECIMALS'],
    [{ importe: '1.5', moneda: 'JPY' }, 'AMOUNT_TOO_MANY_DECIMALS'],
    [{ importe: '1000000000000000000' }, 'AMOUNT_INVALID'],
    [{ importe: '1', iva: 'x' }, 'RATE_INVALID'],
    [{ importe: '1', iva: '-16' }, 'RATE_INVALID'],
    [{ importe: '1', iva: '16.12345' }, 'RATE_INVALID'],
    [{ importe: '1', ieps: 'exento' }, 'RATE_INVALID'],
    [{ importe: '1', ish: '3.125' }, 'RATE_INVALID'],
    [{ importe: '1', moneda: 'ZZZ' }, 'CURRENCY_UNKNOWN'],
  ])('%j throws %s', (input, code) => {
    expect(() => desglose(input)).toThrow(expect.objectContaining({ name: 'CfdiLayoutError', code }));
  });

  it('accepts trailing zeros beyond the currency decimals', () => {
    expect(desglose({ importe: '123.4500' }).importe).toBe('123.45');
  });
});

describe('desglose: properties', () => {
  it('subtotal + taxes == importe exactly, every tax inside its SAT window, B = roundHalfUp(I / F)', () => {
    fc.assert(
      fc.property(caseArb, (input) => {
        const r = desglose(input);
        expectReconciled(r, input);
        // The base is the rounded quotient (the B-adjust branch never fires from it).
        const d = currencyDecimals(input.moneda);
        const v = input.iva === 'exento' ? 0n : oracle.fromPercent(input.iva);
        const e = oracle.fromPercent(input.ieps);
        const h = oracle.fromPercent(input.ish);
        const one = oracle.big('1');
        const factor = one + e + oracle.mul(v, one + e) + h;
        expect(oracle.big(r.subtotal)).toBe(oracle.divRoundHalfUp(oracle.big(input.importe), factor, d));
        expect(r.ivaExento).toBe(input.iva === 'exento');
      }),
      { numRuns: 5000 },
    );
  });

  it('every IVA-only split is B = round(I / (1 + r)) and IVA = I − B', () => {
    fc.assert(
      fc.property(importeArb(2), fc.constantFrom('16', '8'), (importe, iva) => {
        const r = desglose({ importe, iva });
        const rate = oracle.big('1') + oracle.fromPercent(iva);
        const b = oracle.divRoundHalfUp(oracle.big(importe), rate, 2);
        expect(r.subtotal).toBe(oracle.text(b, 2));
        expect(r.iva).toBe(oracle.text(oracle.big(importe) - b, 2));
      }),
      { numRuns: 3000 },
    );
  });

  it('the B-adjust branch reconciles too: walks started from a shifted base', () => {
    let fired = 0;
    fc.assert(
      fc.property(
        caseArb,
        fc.integer({ min: -40, max: 40 }).filter((k) => k !== 0),
        (input, shift) => {
          const prepared = prepareDesglose(input);
          const d = prepared.decimals;
          const importe = new Money(input.importe);
          const natural = prepared.split(importe);
          const unit = new Money(1).dividedBy(new Money(10).pow(d));
          const start = Money.max(natural.base.plus(unit.times(shift)), 0);
          const p = prepared.split(importe, start);
          if (p.baseAdjusted) fired++;
          const fmt = (m: Money) => m.toFixed(d);
          const result: DesgloseResult = {
            importe: fmt(importe),
            subtotal: fmt(p.base),
            iva: fmt(p.iva),
            ieps: fmt(p.ieps),
            ish: fmt(p.ish),
            total: fmt(importe),
            moneda: input.moneda,
            ivaExento: prepared.ivaExento,
            ivaBase: fmt(p.base.plus(p.ieps)),
            iepsBase: fmt(p.base),
            ishBase: fmt(p.base),
          };
          expectReconciled(result, input);
        },
      ),
      { numRuns: 2000 },
    );
    expect(fired).toBeGreaterThan(100);
  });

  it('ISH on implocal 2 decimals with 3- and 4-decimal currencies still reconciles', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('KWD', 'CLF', 'BHD'),
        fc.constantFrom(...IVAS),
        fc.constantFrom(...IEPSS),
        fc.constantFrom('2', '3', '5'),
        fc.bigInt({ min: 0n, max: 10n ** 16n }),
        (moneda, iva, ieps, ish, units) => {
          const d = currencyDecimals(moneda);
          const importe = oracle.text((units % 10n ** BigInt(12 + d)) * 10n ** BigInt(oracle.SCALE - d), d);
          const r = desglose({ importe, iva, ieps, ish, moneda, ishDecimals: 2 });
          expect(oracle.total([r.subtotal, r.iva, r.ieps, r.ish])).toBe(oracle.big(importe));
          // The ISH sits on implocal's 2-decimal grid and inside its window measured at 2 decimals.
          const ishAt2 = oracle.text(oracle.big(r.ish), 2);
          expect(oracle.inTaxWindow(r.ishBase, oracle.tasa(oracle.fromPercent(ish)), ishAt2)).toBe(true);
          const federal = taxesOf(r, { iva, ieps, ish: '0' }).slice(0, 2);
          for (const tax of federal) expect(oracle.inTaxWindow(tax.base, tax.rate, tax.importe)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('prepared and one-shot calls agree, and parsed rates are cached', () => {
    const prepared = prepareDesglose({ iva: '16', ish: '3' });
    expect(prepareDesglose({ iva: '16', ish: '3' })).toBe(prepared);
    expect(prepared.ivaTasa).toBe('0.160000');
    expect(prepared.ishTasa).toBe('3.00');
    expect(prepared.iepsTasa).toBeUndefined();
    expect(prepareDesglose({ iva: 'exento', ieps: '26.5' })).toMatchObject({
      ivaTasa: undefined,
      iepsTasa: '0.265000',
    });
    fc.assert(
      fc.property(importeArb(2), (importe) => {
        expect(prepared.desglose(importe)).toEqual(desglose({ importe, iva: '16', ish: '3' }));
      }),
      { numRuns: 500 },
    );
  });
});
