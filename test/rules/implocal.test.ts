import { describe, expect, it } from 'vitest';
import type { Comprobante, ImpuestosLocales } from '../../src/model/comprobante.js';
import { makeContext } from '../../src/rules/context.js';
import { checkImpuestosLocales } from '../../src/rules/implocal.js';
import { hotelInvoice, mixedInvoice, variant } from './concept-fixtures.js';

function found(c: Comprobante): string[] {
  return checkImpuestosLocales(c, makeContext(c)).map((i) => `${i.severity} ${i.code} ${i.path.join('.')}`);
}

/** The implocal complement of a fixture, asserted to exist. */
function implocal(c: Comprobante): ImpuestosLocales {
  const item = c.complemento?.find((i) => 'impuestosLocales' in i);
  if (item === undefined || !('impuestosLocales' in item)) throw new Error('fixture has no implocal');
  return item.impuestosLocales;
}

function ish(c: Comprobante) {
  const line = implocal(c).trasladosLocales?.[0];
  if (line === undefined) throw new Error('fixture has no TrasladosLocales');
  return line;
}

const PATH = 'complemento.0.impuestosLocales';
const hotelWith = (edit: (c: Comprobante) => void) => found(variant(hotelInvoice(), edit));

describe('checkImpuestosLocales', () => {
  it('a comprobante without the complement reports nothing', () => {
    expect(
      found(
        variant(hotelInvoice(), (m) => {
          delete m.complemento;
        }),
      ),
    ).toEqual([]);
  });

  it('IMPLOCAL_TOTAL_TRASLADOS: TotaldeTraslados is not Σ TrasladosLocales', () => {
    expect(
      hotelWith((m) => {
        implocal(m).totaldeTraslados = '60.01';
      }),
    ).toEqual([`error IMPLOCAL_TOTAL_TRASLADOS ${PATH}.totaldeTraslados`]);
  });

  it('IMPLOCAL_TOTAL_TRASLADOS: sums every line, compared as decimals', () => {
    const c = variant(hotelInvoice(), (m) => {
      const il = implocal(m);
      il.trasladosLocales = [
        { impLocTrasladado: 'ISH', tasadeTraslado: '2.00', importe: '40.00' },
        { impLocTrasladado: 'ISH', tasadeTraslado: '1.00', importe: '20.00' },
      ];
      il.totaldeTraslados = '60';
    });
    // Two lines on one base: with one concepto the base is exact, and each line matches its rate.
    expect(found(c)).toEqual([]);
  });

  it('IMPLOCAL_TOTAL_RETENCIONES: TotaldeRetenciones is not Σ RetencionesLocales', () => {
    expect(
      hotelWith((m) => {
        implocal(m).totaldeRetenciones = '1.00';
      }),
    ).toEqual([`error IMPLOCAL_TOTAL_RETENCIONES ${PATH}.totaldeRetenciones`]);
    expect(
      found(
        variant(mixedInvoice(), (m) => {
          implocal(m).totaldeRetenciones = '0.00';
        }),
      ),
    ).toEqual([`error IMPLOCAL_TOTAL_RETENCIONES ${PATH}.totaldeRetenciones`]);
  });

  it('IMPLOCAL_DECIMALS: three decimals, or not a decimal at all', () => {
    expect(
      hotelWith((m) => {
        ish(m).importe = '60.000';
        implocal(m).totaldeTraslados = '60.000';
      }),
    ).toEqual([
      `error IMPLOCAL_DECIMALS ${PATH}.totaldeTraslados`,
      `error IMPLOCAL_DECIMALS ${PATH}.trasladosLocales.0.importe`,
    ]);
    expect(
      hotelWith((m) => {
        ish(m).tasadeTraslado = '3.000';
      }),
    ).toEqual([`error IMPLOCAL_DECIMALS ${PATH}.trasladosLocales.0.tasadeTraslado`]);
    expect(
      hotelWith((m) => {
        implocal(m).totaldeRetenciones = 'cero';
      }),
    ).toEqual([`error IMPLOCAL_DECIMALS ${PATH}.totaldeRetenciones`]);
  });

  it('IMPLOCAL_VERSION: a version other than 1.0', () => {
    const c = variant(hotelInvoice(), (m) => {
      Object.assign(implocal(m), { version: '1.1' });
    });
    expect(found(c)).toEqual([`error IMPLOCAL_VERSION ${PATH}.version`]);
  });

  describe('IMPLOCAL_IMPORTE (a warning: SAT has no rule for implocal amounts)', () => {
    it('one concepto: the base is exact, so a cent beyond either limit warns', () => {
      // 2000.00 × 3% = 60.00, window [59.99, 60.01] as in A.4.
      const withIsh = (importe: string) =>
        hotelWith((m) => {
          ish(m).importe = importe;
          implocal(m).totaldeTraslados = importe;
        });
      expect(withIsh('59.99')).toEqual([]);
      expect(withIsh('60.01')).toEqual([]);
      expect(withIsh('60.02')).toEqual([`warning IMPLOCAL_IMPORTE ${PATH}.trasladosLocales.0.importe`]);
      expect(withIsh('59.98')).toEqual([`warning IMPLOCAL_IMPORTE ${PATH}.trasladosLocales.0.importe`]);
    });

    it('the message says why it is only a warning', () => {
      const c = variant(hotelInvoice(), (m) => {
        ish(m).importe = '66.00';
        implocal(m).totaldeTraslados = '66.00';
      });
      const [issue] = checkImpuestosLocales(c, makeContext(c));
      expect(issue?.severity).toBe('warning');
      expect(issue?.message).toContain('TrasladosLocales 1 (ISH): Importe 66.00 does not match rate 3.00%');
      expect(issue?.message).toContain('no SAT rule');
    });

    it('several conceptos: the base is only an upper bound, so only a too-large Importe warns', () => {
      // SubTotal − Descuento = 645.00; 1% is at most 6.46.
      const withCedular = (importe: string) =>
        found(
          variant(mixedInvoice(), (m) => {
            const line = implocal(m).retencionesLocales?.[0];
            if (line !== undefined) line.importe = importe;
            implocal(m).totaldeRetenciones = importe;
          }),
        );
      expect(withCedular('0.50')).toEqual([]);
      expect(withCedular('6.46')).toEqual([]);
      expect(withCedular('6.47')).toEqual([`warning IMPLOCAL_IMPORTE ${PATH}.retencionesLocales.0.importe`]);
    });
  });
});
