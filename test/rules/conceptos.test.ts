import { describe, expect, it } from 'vitest';
import type { Comprobante } from '../../src/model/comprobante.js';
import { CONCEPT_RULE_CODES, checkConceptos } from '../../src/rules/conceptos.js';
import { makeContext } from '../../src/rules/context.js';
import {
  conceptIssues,
  exentoOnlyInvoice,
  generatedHotelInvoice,
  generatedMixedInvoice,
  generatedSatRoundingExample,
  hotelInvoice,
  mixedInvoice,
  parseComprobante,
  satRoundingExample,
  VALID_BASES,
  variant,
} from './concept-fixtures.js';

/** The codes and dot paths of the concept rules' issues, for compact assertions. */
function found(c: Comprobante): string[] {
  return checkConceptos(c, makeContext(c)).map((i) => `${i.code} ${i.path.join('.')}`);
}

function mixedWith(edit: (c: Comprobante) => void): Comprobante {
  return variant(mixedInvoice(), edit);
}

/** The nth concepto of a fixture, asserted to exist. */
function concept(c: Comprobante, i: number) {
  const value = c.conceptos[i];
  if (value === undefined) throw new Error(`fixture has no concepto ${i}`);
  return value;
}

describe('valid bases', () => {
  it.each(Object.entries(VALID_BASES))(
    '%s passes the schema and reports no concept, impuestos or implocal issue',
    (_, make) => {
      const c = parseComprobante(make());
      expect(conceptIssues(c)).toEqual([]);
    },
  );
});

describe('generated bases', () => {
  it.each([
    ['hotel', generatedHotelInvoice, hotelInvoice],
    ['mixed', generatedMixedInvoice, mixedInvoice],
    ['satRounding', generatedSatRoundingExample, satRoundingExample],
  ] as const)('completeComprobante rebuilds the hand-computed %s invoice exactly', (_, generate, byHand) => {
    expect(generate()).toEqual(byHand());
  });
});

describe('CONCEPT_RULE_CODES', () => {
  it('lists each code once, SAT codes spelled CFDI40xxx', () => {
    const codes = CONCEPT_RULE_CODES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^(CFDI40\d{3}|IMPLOCAL_[A-Z_]+)$/);
    for (const r of CONCEPT_RULE_CODES) expect(r.description.length).toBeGreaterThan(10);
  });
});

describe('concept amounts', () => {
  it('CFDI40166: ValorUnitario 0 in an ingreso', () => {
    const c = mixedWith((m) => {
      const k = concept(m, 5);
      k.valorUnitario = '0.00';
      k.importe = '0.00';
    });
    expect(found(c)).toContain('CFDI40166 conceptos.5.valorUnitario');
  });

  it('CFDI40166 does not apply to a traslado (T)', () => {
    const c = mixedWith((m) => {
      m.tipoDeComprobante = 'T';
      const k = concept(m, 5);
      k.valorUnitario = '0';
      k.importe = '0';
    });
    expect(found(c)).not.toContain('CFDI40166 conceptos.5.valorUnitario');
  });

  it('CFDI40167: the seed concept (Cantidad 1, ValorUnitario 2368231872779.000009, Importe 884346835174.000009)', () => {
    const c = variant(hotelInvoice(), (m) => {
      const k = concept(m, 0);
      k.cantidad = '1';
      k.valorUnitario = '2368231872779.000009';
      k.importe = '884346835174.000009';
    });
    const issues = checkConceptos(c, makeContext(c)).filter((i) => i.code === 'CFDI40167');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['conceptos', 0, 'importe']);
    expect(issues[0]?.severity).toBe('error');
    expect(issues[0]?.message).toContain('concepto 1: Importe 884346835174.000009 is outside the limits');
    expect(issues[0]?.message).toContain('2368231872779.000009');
  });

  it('CFDI40167: Importe a cent beyond the window of 3 × 150.00', () => {
    // Cantidad "3" (dC 0) and 150.00 (dV 2): window trunc(2.5 × 149.995) = 374.98 to ceil(3.5 × 150.005) = 525.02.
    expect(
      found(
        mixedWith((m) => {
          concept(m, 0).importe = '525.02';
        }),
      ),
    ).not.toContain('CFDI40167 conceptos.0.importe');
    expect(
      found(
        mixedWith((m) => {
          concept(m, 0).importe = '525.03';
        }),
      ),
    ).toContain('CFDI40167 conceptos.0.importe');
    expect(
      found(
        mixedWith((m) => {
          concept(m, 0).importe = '374.97';
        }),
      ),
    ).toContain('CFDI40167 conceptos.0.importe');
  });

  it('CFDI40167: with Cantidad written with six decimals the window is tight', () => {
    // 3.000000 × 150.00: trunc(2.9999995 × 149.995) = 449.984925 → 449.98, ceil(3.0000005 × 150.005) = 450.02.
    const tight = (importe: string) =>
      found(
        mixedWith((m) => {
          const k = concept(m, 0);
          k.cantidad = '3.000000';
          k.importe = importe;
        }),
      );
    expect(tight('450.02')).not.toContain('CFDI40167 conceptos.0.importe');
    expect(tight('450.03')).toContain('CFDI40167 conceptos.0.importe');
    expect(tight('449.97')).toContain('CFDI40167 conceptos.0.importe');
  });

  it('CFDI40168: Descuento with more decimals than Importe', () => {
    expect(
      found(
        mixedWith((m) => {
          concept(m, 0).descuento = '50.000';
        }),
      ),
    ).toContain('CFDI40168 conceptos.0.descuento');
  });

  it('CFDI40169: Descuento greater than Importe', () => {
    expect(
      found(
        mixedWith((m) => {
          concept(m, 0).descuento = '450.01';
        }),
      ),
    ).toContain('CFDI40169 conceptos.0.descuento');
    expect(
      found(
        mixedWith((m) => {
          concept(m, 0).descuento = '450.00';
        }),
      ),
    ).not.toContain('CFDI40169 conceptos.0.descuento');
  });
});

describe('ObjetoImp and the concept Impuestos node', () => {
  it('CFDI40170: ObjetoImp not in c_ObjetoImp', () => {
    expect(
      found(
        mixedWith((m) => {
          concept(m, 5).objetoImp = '09';
        }),
      ),
    ).toEqual(['CFDI40170 conceptos.5.objetoImp']);
  });

  it('CFDI40170: ObjetoImp 05 before it existed (2023-12-06)', () => {
    const c = mixedWith((m) => {
      m.fecha = '2023-12-05T23:59:59';
      concept(m, 5).objetoImp = '05';
    });
    expect(found(c)).toEqual(['CFDI40170 conceptos.5.objetoImp']);
    const onTheDay = mixedWith((m) => {
      m.fecha = '2023-12-06T00:00:00';
      concept(m, 5).objetoImp = '05';
    });
    expect(found(onTheDay)).toEqual([]);
  });

  it('CFDI40171: ObjetoImp 02 without Impuestos', () => {
    expect(
      found(
        mixedWith((m) => {
          delete concept(m, 2).impuestos;
        }),
      ),
    ).toContain('CFDI40171 conceptos.2.impuestos');
  });

  it.each(['01', '03', '04', '05'])('CFDI40172: ObjetoImp %s with Impuestos', (objetoImp) => {
    expect(
      found(
        mixedWith((m) => {
          concept(m, 0).objetoImp = objetoImp;
        }),
      ),
    ).toEqual(['CFDI40172 conceptos.0.impuestos']);
  });

  it('CFDI40173: an Impuestos node with neither Traslados nor Retenciones', () => {
    expect(
      found(
        mixedWith((m) => {
          concept(m, 2).impuestos = {};
        }),
      ),
    ).toEqual(['CFDI40173 conceptos.2.impuestos']);
  });

  describe('ObjetoImp 06, 07, 08 (node rules from the KPac validator, not SAT text)', () => {
    const isr = {
      base: '100.00',
      impuesto: '001',
      tipoFactor: 'Tasa',
      tasaOCuota: '0.100000',
      importe: '10.00',
    };
    const ivaRet = {
      base: '100.00',
      impuesto: '002',
      tipoFactor: 'Tasa',
      tasaOCuota: '0.106667',
      importe: '10.67',
    };
    const ieps = {
      base: '100.00',
      impuesto: '003',
      tipoFactor: 'Tasa',
      tasaOCuota: '0.080000',
      importe: '8.00',
    };
    const iva = {
      base: '100.00',
      impuesto: '002',
      tipoFactor: 'Tasa',
      tasaOCuota: '0.160000',
      importe: '16.00',
    };
    const withLine = (objetoImp: string, impuestos: Comprobante['conceptos'][number]['impuestos']) =>
      found(
        variant(exentoOnlyInvoice(), (m) => {
          const k = concept(m, 0);
          k.objetoImp = objetoImp;
          if (impuestos === undefined) delete k.impuestos;
          else k.impuestos = impuestos;
        }),
      );

    it.each(['06', '08'])('%s: no Impuestos, or ISR Retenciones only, are valid', (objetoImp) => {
      expect(withLine(objetoImp, undefined)).toEqual([]);
      expect(withLine(objetoImp, { retenciones: [isr] })).toEqual([]);
    });

    it.each(['06', '08'])('%s: a Traslado is CFDI40172, a non-ISR Retencion too', (objetoImp) => {
      expect(withLine(objetoImp, { traslados: [iva], retenciones: [isr] })).toEqual([
        'CFDI40172 conceptos.0.impuestos.traslados',
      ]);
      expect(withLine(objetoImp, { retenciones: [isr, ivaRet] })).toEqual([
        'CFDI40172 conceptos.0.impuestos.retenciones.1.impuesto',
      ]);
    });

    it('07: an IEPS Traslado (and ISR Retencion) is valid', () => {
      expect(withLine('07', { traslados: [ieps], retenciones: [isr] })).toEqual([]);
    });

    it('07: without Impuestos or without IEPS is CFDI40171; IVA anywhere is CFDI40172', () => {
      expect(withLine('07', undefined)).toEqual(['CFDI40171 conceptos.0.impuestos']);
      expect(withLine('07', { retenciones: [isr] })).toEqual(['CFDI40171 conceptos.0.impuestos.traslados']);
      expect(withLine('07', { traslados: [ieps, iva] })).toEqual([
        'CFDI40172 conceptos.0.impuestos.traslados.1.impuesto',
      ]);
      expect(withLine('07', { traslados: [ieps], retenciones: [ivaRet] })).toEqual([
        'CFDI40172 conceptos.0.impuestos.retenciones.0.impuesto',
      ]);
    });
  });
});

describe('concept Traslados', () => {
  const at = 'conceptos.1.impuestos.traslados.1';
  const editTraslado = (
    edit: (
      t: NonNullable<NonNullable<Comprobante['conceptos'][number]['impuestos']>['traslados']>[number],
    ) => void,
  ) =>
    found(
      mixedWith((m) => {
        const t = concept(m, 1).impuestos?.traslados?.[1];
        if (t === undefined) throw new Error('fixture changed');
        edit(t);
      }),
    );

  it('CFDI40174: Base 0', () => {
    expect(
      editTraslado((t) => {
        t.base = '0.00';
      }),
    ).toContain(`CFDI40174 ${at}.base`);
  });

  it('CFDI40175: Impuesto not in c_Impuesto, or ISR transferred', () => {
    expect(
      editTraslado((t) => {
        t.impuesto = '004';
      }),
    ).toEqual([`CFDI40175 ${at}.impuesto`]);
    expect(
      editTraslado((t) => {
        t.impuesto = '001';
      }),
    ).toEqual([`CFDI40175 ${at}.impuesto`]);
  });

  it('CFDI40176: TipoFactor not in c_TipoFactor', () => {
    expect(
      editTraslado((t) => {
        t.tipoFactor = 'tasa';
      }),
    ).toEqual([`CFDI40176 ${at}.tipoFactor`]);
  });

  it('CFDI40177: Exento with TasaOCuota and Importe', () => {
    expect(
      editTraslado((t) => {
        t.tipoFactor = 'Exento';
      }),
    ).toEqual([`CFDI40177 ${at}.tasaOCuota`, `CFDI40177 ${at}.importe`]);
  });

  it('CFDI40178: Tasa without TasaOCuota, Tasa without Importe', () => {
    expect(
      editTraslado((t) => {
        delete t.tasaOCuota;
      }),
    ).toEqual([`CFDI40178 ${at}.tasaOCuota`]);
    expect(
      editTraslado((t) => {
        delete t.importe;
      }),
    ).toEqual([`CFDI40178 ${at}.importe`]);
  });

  it('CFDI40179: IVA 15% is not in c_TasaOCuota; 0.16 written short is the same rate as 0.160000', () => {
    expect(
      editTraslado((t) => {
        t.tasaOCuota = '0.150000';
      }),
    ).toContain(`CFDI40179 ${at}.tasaOCuota`);
    expect(
      editTraslado((t) => {
        t.tasaOCuota = '0.16';
      }),
    ).toEqual([]);
  });

  it('CFDI40180: Importe a cent beyond the window', () => {
    // Base 27.00 @ 0.16: window trunc(26.995 × 0.16) = 4.31 to ceil(27.005 × 0.16) = 4.33.
    expect(
      editTraslado((t) => {
        t.importe = '4.33';
      }),
    ).toEqual([]);
    expect(
      editTraslado((t) => {
        t.importe = '4.34';
      }),
    ).toEqual([`CFDI40180 ${at}.importe`]);
  });

  it('never throws on malformed amounts (those are facet findings)', () => {
    expect(() =>
      editTraslado((t) => {
        t.base = '-1';
        t.tasaOCuota = 'x';
        t.importe = '1e3';
      }),
    ).not.toThrow();
  });
});

describe('A.4 window edges (CFDI40180)', () => {
  const withTax = (base: string, tasa: string, importe: string) =>
    found(
      variant(hotelInvoice(), (m) => {
        const k = concept(m, 0);
        k.valorUnitario = base;
        k.importe = base;
        k.impuestos = {
          traslados: [{ base, impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: tasa, importe }],
        };
      }),
    );
  const PATH = 'CFDI40180 conceptos.0.impuestos.traslados.0.importe';

  it('Base 100.00 @ 0.16: 15.99, 16.00 and 16.01 are inside, 15.98 and 16.02 outside', () => {
    for (const ok of ['15.99', '16.00', '16.01']) expect(withTax('100.00', '0.160000', ok)).toEqual([]);
    for (const bad of ['15.98', '16.02']) expect(withTax('100.00', '0.160000', bad)).toEqual([PATH]);
  });

  it('Base 106.42 @ 0.16: "17.03" passes, "17.030000" fails (limits at the decimals written)', () => {
    // Base·r = 17.0272; at 2 decimals [17.02, 17.03]; at 6 decimals [17.026400, 17.028000].
    expect(withTax('106.42', '0.160000', '17.03')).toEqual([]);
    expect(withTax('106.42', '0.160000', '17.030000')).toEqual([PATH]);
    expect(withTax('106.42', '0.160000', '17.027200')).toEqual([]);
  });

  it('the message names Base, TasaOCuota and the limits', () => {
    const c = variant(hotelInvoice(), (m) => {
      const t = concept(m, 0).impuestos?.traslados?.[0];
      if (t !== undefined) t.importe = '320.02';
    });
    const [issue] = checkConceptos(c, makeContext(c));
    expect(issue?.message).toBe(
      'concepto 1, Traslado 1: Importe 320.02 is outside the limits of Base × TasaOCuota ' +
        '(2000.00 × 0.160000 = 320; allowed 319.99 to 320.01 at 2 decimals)',
    );
  });
});

describe('concept Retenciones', () => {
  const at = 'conceptos.0.impuestos.retenciones.1';
  const editRetencion = (
    edit: (
      r: NonNullable<NonNullable<Comprobante['conceptos'][number]['impuestos']>['retenciones']>[number],
    ) => void,
  ) =>
    found(
      mixedWith((m) => {
        const r = concept(m, 0).impuestos?.retenciones?.[1];
        if (r === undefined) throw new Error('fixture changed');
        edit(r);
      }),
    );

  it('CFDI40181: Base 0', () => {
    expect(
      editRetencion((r) => {
        r.base = '0';
      }),
    ).toContain(`CFDI40181 ${at}.base`);
  });

  it('CFDI40182: Impuesto not in c_Impuesto', () => {
    expect(
      editRetencion((r) => {
        r.impuesto = '009';
      }),
    ).toEqual([`CFDI40182 ${at}.impuesto`]);
  });

  it('CFDI40183: TipoFactor not in c_TipoFactor', () => {
    expect(
      editRetencion((r) => {
        r.tipoFactor = 'Porcentaje';
      }),
    ).toEqual([`CFDI40183 ${at}.tipoFactor`]);
  });

  it('CFDI40184: a Retencion with TipoFactor Exento', () => {
    expect(
      editRetencion((r) => {
        r.tipoFactor = 'Exento';
      }),
    ).toEqual([`CFDI40184 ${at}.tipoFactor`]);
  });

  it('CFDI40185: IVA retenido above 16%', () => {
    expect(
      editRetencion((r) => {
        r.tasaOCuota = '0.170000';
      }),
    ).toContain(`CFDI40185 ${at}.tasaOCuota`);
  });

  it('CFDI40186: Importe a cent beyond the window', () => {
    // Base 400.00 @ 0.106667: 399.995 × 0.106667 = 42.6662... → 42.66; 400.005 × 0.106667 = 42.6673... → 42.67.
    expect(
      editRetencion((r) => {
        r.importe = '42.66';
      }),
    ).toEqual([]);
    expect(
      editRetencion((r) => {
        r.importe = '42.68';
      }),
    ).toEqual([`CFDI40186 ${at}.importe`]);
    expect(
      editRetencion((r) => {
        r.importe = '42.65';
      }),
    ).toEqual([`CFDI40186 ${at}.importe`]);
  });
});

describe('ACuentaTerceros, InformacionAduanera and Parte', () => {
  const cuenta = 'conceptos.4.aCuentaTerceros';
  const editTerceros = (edit: (c: Comprobante) => void) => found(mixedWith(edit));

  it('CFDI40188: RfcACuentaTerceros equal to the emisor or the receptor', () => {
    expect(
      editTerceros((m) => {
        const t = concept(m, 4).aCuentaTerceros;
        if (t !== undefined) t.rfcACuentaTerceros = m.emisor.rfc;
      }),
    ).toEqual([`CFDI40188 ${cuenta}.rfcACuentaTerceros`]);
    expect(
      editTerceros((m) => {
        const t = concept(m, 4).aCuentaTerceros;
        if (t !== undefined) t.rfcACuentaTerceros = m.receptor.rfc;
      }),
    ).toEqual([`CFDI40188 ${cuenta}.rfcACuentaTerceros`]);
  });

  it('CFDI40191: RegimenFiscalACuentaTerceros not in c_RegimenFiscal', () => {
    expect(
      editTerceros((m) => {
        const t = concept(m, 4).aCuentaTerceros;
        if (t !== undefined) t.regimenFiscalACuentaTerceros = '699';
      }),
    ).toEqual([`CFDI40191 ${cuenta}.regimenFiscalACuentaTerceros`]);
  });

  it('CFDI40193: EXT990101NI1 with a DomicilioFiscalACuentaTerceros other than LugarExpedicion', () => {
    const ext = (domicilio: string) =>
      editTerceros((m) => {
        const t = concept(m, 4).aCuentaTerceros;
        if (t === undefined) return;
        t.rfcACuentaTerceros = 'EXT990101NI1';
        t.domicilioFiscalACuentaTerceros = domicilio;
      });
    expect(ext('01000')).toEqual([`CFDI40193 ${cuenta}.domicilioFiscalACuentaTerceros`]);
    expect(ext('06000')).toEqual([]);
  });

  it('CFDI40194: a NumeroPedimento with single spaces', () => {
    expect(
      editTerceros((m) => {
        concept(m, 4).informacionAduanera = [{ numeroPedimento: '23 47 3807 3001234' }];
      }),
    ).toEqual(['CFDI40194 conceptos.4.informacionAduanera.0.numeroPedimento']);
  });

  it('CFDI40195 and CFDI40200: InformacionAduanera with the Comercio Exterior complement', () => {
    const issues = editTerceros((m) => {
      m.complemento = [
        {
          xml: {
            name: 'cce20:ComercioExterior',
            namespace: 'http://www.sat.gob.mx/ComercioExterior20',
            attributes: { Version: '2.0' },
          },
        },
      ];
    });
    expect(issues).toEqual([
      'CFDI40195 conceptos.4.informacionAduanera.0.numeroPedimento',
      'CFDI40200 conceptos.4.parte.0.informacionAduanera.0.numeroPedimento',
    ]);
  });

  it('CFDI40197: Parte ValorUnitario 0 in an ingreso', () => {
    const issues = editTerceros((m) => {
      const parte = concept(m, 4).parte?.[0];
      if (parte === undefined) return;
      parte.valorUnitario = '0.00';
      parte.importe = '0.00';
    });
    expect(issues).toEqual(['CFDI40197 conceptos.4.parte.0.valorUnitario']);
  });

  it('CFDI40198: Parte Importe outside Cantidad × ValorUnitario', () => {
    // 2 × 10.00: window trunc(1.5 × 9.995) = 14.99 to ceil(2.5 × 10.005) = 25.02.
    const withImporte = (importe: string) =>
      editTerceros((m) => {
        const parte = concept(m, 4).parte?.[0];
        if (parte !== undefined) parte.importe = importe;
      });
    expect(withImporte('25.02')).toEqual([]);
    expect(withImporte('25.03')).toEqual(['CFDI40198 conceptos.4.parte.0.importe']);
  });

  it('CFDI40199: a Parte NumeroPedimento too short', () => {
    expect(
      editTerceros((m) => {
        const parte = concept(m, 4).parte?.[0];
        if (parte !== undefined) parte.informacionAduanera = [{ numeroPedimento: '23  47  3807  300123' }];
      }),
    ).toEqual(['CFDI40199 conceptos.4.parte.0.informacionAduanera.0.numeroPedimento']);
  });
});
