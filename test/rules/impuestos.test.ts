import { describe, expect, it } from 'vitest';
import type { Comprobante, ComprobanteImpuestos } from '../../src/model/comprobante.js';
import { makeContext } from '../../src/rules/context.js';
import { checkImpuestos } from '../../src/rules/impuestos.js';
import {
  exentoOnlyInvoice,
  hotelInvoice,
  mixedInvoice,
  satRoundingExample,
  variant,
} from './concept-fixtures.js';

/** The codes and dot paths of the impuestos rules' issues, for compact assertions. */
function found(c: Comprobante): string[] {
  return checkImpuestos(c, makeContext(c)).map((i) => `${i.code} ${i.path.join('.')}`);
}

/** The comprobante Impuestos node of a fixture, asserted to exist. */
function impuestosOf(c: Comprobante): ComprobanteImpuestos {
  if (c.impuestos === undefined) throw new Error('fixture has no Impuestos');
  return c.impuestos;
}

function traslado(c: Comprobante, k: number) {
  const t = impuestosOf(c).traslados?.[k];
  if (t === undefined) throw new Error(`fixture has no Traslado ${k}`);
  return t;
}

function retencion(c: Comprobante, k: number) {
  const r = impuestosOf(c).retenciones?.[k];
  if (r === undefined) throw new Error(`fixture has no Retencion ${k}`);
  return r;
}

const mixedWith = (edit: (c: Comprobante) => void) => found(variant(mixedInvoice(), edit));

describe('the SAT rounding example (rules doc A.9)', () => {
  it('33.10, the rounded sum of 16.55 + 16.55, is valid', () => {
    expect(found(satRoundingExample())).toEqual([]);
  });

  it('33.11, round(206.91 × 0.16), is CFDI40221 (and the total follows as CFDI40205)', () => {
    const c = variant(satRoundingExample(), (m) => {
      traslado(m, 0).importe = '33.11';
    });
    expect(found(c)).toEqual([
      'CFDI40221 impuestos.traslados.0.importe',
      'CFDI40205 impuestos.totalImpuestosTrasladados',
    ]);
    const [issue] = checkImpuestos(c, makeContext(c));
    expect(issue?.message).toContain(
      'Importe 33.11 is not the rounded sum of the concept Traslado Importe values',
    );
    expect(issue?.message).toContain('(33.10)');
  });
});

describe('TipoDeComprobante T and P', () => {
  it.each(['T', 'P'])('CFDI40201: %s with an Impuestos node', (tipo) => {
    expect(
      found(
        variant(hotelInvoice(), (m) => {
          m.tipoDeComprobante = tipo;
        }),
      ),
    ).toEqual(['CFDI40201 impuestos']);
  });

  it('a T without Impuestos reports nothing', () => {
    const c = variant(hotelInvoice(), (m) => {
      m.tipoDeComprobante = 'T';
      delete m.impuestos;
      delete m.conceptos[0]?.impuestos;
    });
    expect(found(c)).toEqual([]);
  });
});

describe('Retenciones', () => {
  it('CFDI40202: TotalImpuestosRetenidos with more decimals than MXN', () => {
    expect(
      mixedWith((m) => {
        impuestosOf(m).totalImpuestosRetenidos = '82.670';
      }),
    ).toEqual(['CFDI40202 impuestos.totalImpuestosRetenidos']);
  });

  it('CFDI40203: TotalImpuestosRetenidos not the sum of the Retenciones', () => {
    expect(
      mixedWith((m) => {
        impuestosOf(m).totalImpuestosRetenidos = '82.66';
      }),
    ).toEqual(['CFDI40203 impuestos.totalImpuestosRetenidos']);
  });

  it('CFDI40206: Retenciones without TotalImpuestosRetenidos', () => {
    expect(
      mixedWith((m) => {
        delete impuestosOf(m).totalImpuestosRetenidos;
      }),
    ).toEqual(['CFDI40206 impuestos.totalImpuestosRetenidos']);
  });

  it('CFDI40207: a Retencion Impuesto not in c_Impuesto', () => {
    expect(
      mixedWith((m) => {
        retencion(m, 0).impuesto = '004';
      }),
    ).toEqual(['CFDI40207 impuestos.retenciones.0.impuesto', 'CFDI40211 impuestos.retenciones']);
  });

  it('CFDI40208: two Retenciones for ISR', () => {
    const issues = mixedWith((m) => {
      retencion(m, 1).impuesto = '001';
    });
    expect(issues).toContain('CFDI40208 impuestos.retenciones.1.impuesto');
  });

  it('CFDI40208 alone when the duplicate splits the same total', () => {
    const c = variant(mixedInvoice(), (m) => {
      const imp = impuestosOf(m);
      imp.retenciones = [
        { impuesto: '001', importe: '40.00' },
        { impuesto: '001', importe: '0.00' },
        { impuesto: '002', importe: '42.67' },
      ];
    });
    expect(found(c)).toEqual(['CFDI40208 impuestos.retenciones.1.impuesto']);
  });

  it('CFDI40209: TotalImpuestosRetenidos without any Retencion', () => {
    const c = variant(hotelInvoice(), (m) => {
      impuestosOf(m).totalImpuestosRetenidos = '0.00';
    });
    expect(found(c)).toEqual(['CFDI40209 impuestos.totalImpuestosRetenidos']);
  });

  it('CFDI40210: a Retencion Importe with more decimals than MXN', () => {
    const issues = mixedWith((m) => {
      retencion(m, 0).importe = '40.000';
      impuestosOf(m).totalImpuestosRetenidos = '82.670';
    });
    expect(issues).toContain('CFDI40210 impuestos.retenciones.0.importe');
  });

  it('CFDI40211: a Retencion Importe off by a cent from the concept sum', () => {
    const issues = mixedWith((m) => {
      retencion(m, 1).importe = '42.68';
      impuestosOf(m).totalImpuestosRetenidos = '82.68';
    });
    expect(issues).toEqual(['CFDI40211 impuestos.retenciones.1.importe']);
  });

  it('CFDI40211: concept Retenciones of an Impuesto missing from the comprobante', () => {
    const issues = mixedWith((m) => {
      impuestosOf(m).retenciones = [{ impuesto: '001', importe: '40.00' }];
      impuestosOf(m).totalImpuestosRetenidos = '40.00';
    });
    expect(issues).toEqual(['CFDI40211 impuestos.retenciones']);
  });

  it('CFDI40211 and CFDI40206: concept Retenciones but no comprobante Retenciones at all', () => {
    const issues = mixedWith((m) => {
      delete impuestosOf(m).retenciones;
      delete impuestosOf(m).totalImpuestosRetenidos;
    });
    expect(issues).toEqual([
      'CFDI40206 impuestos.totalImpuestosRetenidos',
      'CFDI40211 impuestos.retenciones',
      'CFDI40211 impuestos.retenciones',
    ]);
  });
});

describe('Traslados', () => {
  it('CFDI40204: TotalImpuestosTrasladados with more decimals than MXN', () => {
    expect(
      mixedWith((m) => {
        impuestosOf(m).totalImpuestosTrasladados = '70.320';
      }),
    ).toEqual(['CFDI40204 impuestos.totalImpuestosTrasladados']);
  });

  it('CFDI40205: TotalImpuestosTrasladados not the sum of the Traslados', () => {
    expect(
      mixedWith((m) => {
        impuestosOf(m).totalImpuestosTrasladados = '70.33';
      }),
    ).toEqual(['CFDI40205 impuestos.totalImpuestosTrasladados']);
  });

  it('CFDI40212: Traslados with Tasa but no TotalImpuestosTrasladados', () => {
    expect(
      mixedWith((m) => {
        delete impuestosOf(m).totalImpuestosTrasladados;
      }),
    ).toEqual(['CFDI40212 impuestos.totalImpuestosTrasladados']);
  });

  it('only Exento traslados: no TotalImpuestosTrasladados is valid', () => {
    expect(found(exentoOnlyInvoice())).toEqual([]);
  });

  it('CFDI40213: an Exento Traslado with TasaOCuota and Importe, a Tasa Traslado without Importe', () => {
    expect(
      found(
        variant(exentoOnlyInvoice(), (m) => {
          Object.assign(traslado(m, 0), { tasaOCuota: '0.000000', importe: '0.00' });
        }),
      ),
    ).toEqual(['CFDI40213 impuestos.traslados.0.tasaOCuota', 'CFDI40213 impuestos.traslados.0.importe']);
    expect(
      mixedWith((m) => {
        delete traslado(m, 1).importe;
      }),
    ).toEqual(['CFDI40213 impuestos.traslados.1.importe', 'CFDI40205 impuestos.totalImpuestosTrasladados']);
  });

  it('CFDI40214: a Traslado Base with more decimals than MXN', () => {
    expect(
      mixedWith((m) => {
        traslado(m, 0).base = '427.000';
      }),
    ).toEqual(['CFDI40214 impuestos.traslados.0.base']);
  });

  it('CFDI40215: a Traslado Base off by a cent from the concept sum', () => {
    expect(
      mixedWith((m) => {
        traslado(m, 0).base = '427.01';
      }),
    ).toEqual(['CFDI40215 impuestos.traslados.0.base']);
  });

  it('CFDI40215: a concept group missing from the comprobante', () => {
    const issues = mixedWith((m) => {
      const imp = impuestosOf(m);
      imp.traslados = imp.traslados?.filter((t) => t.impuesto !== '003');
      imp.totalImpuestosTrasladados = '68.32';
    });
    expect(issues).toEqual(['CFDI40215 impuestos.traslados']);
  });

  it('CFDI40215 and CFDI40221: a comprobante Traslado no concept has', () => {
    const issues = found(
      variant(hotelInvoice(), (m) => {
        const imp = impuestosOf(m);
        imp.traslados?.push({
          base: '10.00',
          impuesto: '003',
          tipoFactor: 'Tasa',
          tasaOCuota: '0.080000',
          importe: '0.80',
        });
        imp.totalImpuestosTrasladados = '320.80';
      }),
    );
    expect(issues).toEqual([
      'CFDI40215 impuestos.traslados.1.base',
      'CFDI40221 impuestos.traslados.1.importe',
    ]);
  });

  it('CFDI40216: an Exento Base off from the concept sum', () => {
    expect(
      mixedWith((m) => {
        traslado(m, 2).base = '100.01';
      }),
    ).toEqual(['CFDI40216 impuestos.traslados.2.base']);
    expect(
      found(
        variant(exentoOnlyInvoice(), (m) => {
          traslado(m, 0).base = '499.99';
        }),
      ),
    ).toEqual(['CFDI40216 impuestos.traslados.0.base']);
  });

  it('CFDI40217: a Traslado Impuesto not in c_Impuesto, or ISR', () => {
    expect(
      mixedWith((m) => {
        traslado(m, 1).impuesto = '004';
      }),
    ).toContain('CFDI40217 impuestos.traslados.1.impuesto');
    expect(
      mixedWith((m) => {
        traslado(m, 1).impuesto = '001';
      }),
    ).toContain('CFDI40217 impuestos.traslados.1.impuesto');
  });

  it('CFDI40218: two Traslados for the same Impuesto, TipoFactor and TasaOCuota (0.16 = 0.160000)', () => {
    const issues = mixedWith((m) => {
      const imp = impuestosOf(m);
      imp.traslados?.push({
        base: '0.01',
        impuesto: '002',
        tipoFactor: 'Tasa',
        tasaOCuota: '0.16',
        importe: '0.00',
      });
    });
    expect(issues).toEqual(['CFDI40218 impuestos.traslados.4']);
  });

  it('CFDI40219: a Traslado TasaOCuota not in c_TasaOCuota', () => {
    expect(
      mixedWith((m) => {
        traslado(m, 0).tasaOCuota = '0.150000';
      }),
    ).toContain('CFDI40219 impuestos.traslados.0.tasaOCuota');
  });

  it('CFDI40220: a Traslado Importe with more decimals than MXN', () => {
    const issues = mixedWith((m) => {
      traslado(m, 0).importe = '68.320';
    });
    expect(issues).toEqual(['CFDI40220 impuestos.traslados.0.importe']);
  });

  it('CFDI40221: a Traslado Importe off by a cent, and a group sum rounded rather than summed', () => {
    expect(
      mixedWith((m) => {
        traslado(m, 0).importe = '68.33';
        impuestosOf(m).totalImpuestosTrasladados = '70.33';
      }),
    ).toEqual(['CFDI40221 impuestos.traslados.0.importe']);
  });

  it('concept traslados but no comprobante Impuestos at all', () => {
    expect(
      found(
        variant(hotelInvoice(), (m) => {
          delete m.impuestos;
        }),
      ),
    ).toEqual(['CFDI40212 impuestos.totalImpuestosTrasladados', 'CFDI40215 impuestos.traslados']);
  });
});

describe('currency decimals', () => {
  it('a 0-decimal currency (JPY): sums are rounded to units', () => {
    // Concept taxes 16.55 + 16.55 = 33.10 → 33 yen; bases 103.45 + 103.46 = 206.91 → 207.
    const c = variant(satRoundingExample(), (m) => {
      m.moneda = 'JPY';
      Object.assign(traslado(m, 0), { base: '207', importe: '33' });
      impuestosOf(m).totalImpuestosTrasladados = '33';
    });
    expect(found(c)).toEqual([]);
    // Written with decimals the yen does not have: CFDI40220 alone when the value is still the sum…
    const zeros = variant(c, (m) => {
      traslado(m, 0).importe = '33.00';
    });
    expect(found(zeros)).toEqual(['CFDI40220 impuestos.traslados.0.importe']);
    // …and also CFDI40221 (and the total) when it is not: 33.10 is the unrounded sum.
    const unrounded = variant(c, (m) => {
      traslado(m, 0).importe = '33.10';
    });
    expect(found(unrounded)).toEqual([
      'CFDI40220 impuestos.traslados.0.importe',
      'CFDI40221 impuestos.traslados.0.importe',
      'CFDI40205 impuestos.totalImpuestosTrasladados',
    ]);
  });

  it('an unknown Moneda skips the checks that need its decimals', () => {
    const c = variant(satRoundingExample(), (m) => {
      m.moneda = 'ZZZ';
      traslado(m, 0).importe = '33.111';
      impuestosOf(m).totalImpuestosTrasladados = '33.111';
    });
    expect(found(c)).toEqual([]);
  });
});
