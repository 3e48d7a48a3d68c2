import { describe, expect, it } from 'vitest';
import { validateComprobante } from '../../src/rules/index.js';
import {
  baseComprobante,
  COMERCIO_EXTERIOR_20,
  errorsOf,
  expectIssue,
  extranjeroComprobante,
  hotelComprobante,
  type OneMistake,
  trasladoComprobante,
  variant,
} from './fixtures.js';

const MISTAKES: OneMistake[] = [
  {
    name: 'Fecha on a day February does not have',
    code: 'CFDI40101',
    path: ['fecha'],
    build: variant(baseComprobante, (c) => {
      c.fecha = '2023-02-29T10:00:00';
    }),
  },
  {
    name: 'Fecha written day first',
    code: 'CFDI40101',
    path: ['fecha'],
    build: variant(baseComprobante, (c) => {
      c.fecha = '15-05-2024T10:30:00';
    }),
  },
  {
    name: 'Fecha with a time zone',
    code: 'CFDI40101',
    path: ['fecha'],
    build: variant(baseComprobante, (c) => {
      c.fecha = '2024-05-15T10:30:00-06:00';
    }),
  },
  {
    name: 'FormaPago on a Traslado',
    code: 'CFDI40103',
    path: ['formaPago'],
    build: variant(trasladoComprobante, (c) => {
      c.formaPago = '01';
    }),
  },
  {
    name: 'FormaPago not in c_FormaPago',
    code: 'CFDI40104',
    path: ['formaPago'],
    build: variant(baseComprobante, (c) => {
      c.formaPago = 'EFECTIVO';
    }),
  },
  {
    name: 'FormaPago 07 (not in the 4.0 catalog)',
    code: 'CFDI40104',
    path: ['formaPago'],
    build: variant(baseComprobante, (c) => {
      c.formaPago = '07';
    }),
  },
  {
    name: 'MetodoPago PPD with FormaPago other than 99',
    code: 'CFDI40105',
    path: ['formaPago'],
    build: variant(baseComprobante, (c) => {
      c.metodoPago = 'PPD';
    }),
  },
  {
    name: 'SubTotal with more decimals than MXN allows',
    code: 'CFDI40107',
    path: ['subTotal'],
    build: variant(baseComprobante, (c) => {
      c.subTotal = '330.500';
    }),
  },
  {
    name: "SubTotal off the conceptos' sum by a cent",
    code: 'CFDI40108',
    path: ['subTotal'],
    build: variant(baseComprobante, (c) => {
      c.subTotal = '330.51';
      c.total = '325.55';
    }),
  },
  {
    name: 'SubTotal not 0 on a Traslado',
    code: 'CFDI40109',
    path: ['subTotal'],
    build: variant(trasladoComprobante, (c) => {
      c.subTotal = '10.00';
      c.total = '10.00';
    }),
  },
  {
    name: 'Descuento greater than SubTotal',
    code: 'CFDI40110',
    path: ['descuento'],
    build: variant(baseComprobante, (c) => {
      c.descuento = '331.00';
    }),
  },
  {
    name: 'concept Descuento on a Traslado',
    code: 'CFDI40111',
    path: ['conceptos', 0, 'descuento'],
    build: variant(trasladoComprobante, (c) => {
      const [concepto] = c.conceptos;
      if (concepto !== undefined) concepto.descuento = '0';
    }),
  },
  {
    name: 'Descuento with more decimals than MXN allows',
    code: 'CFDI40112',
    path: ['descuento'],
    build: variant(baseComprobante, (c) => {
      c.descuento = '10.000';
    }),
  },
  {
    name: 'Moneda not in c_Moneda',
    code: 'CFDI40113',
    path: ['moneda'],
    build: variant(baseComprobante, (c) => {
      c.moneda = 'MXP';
    }),
  },
  {
    name: 'TipoCambio other than 1 with MXN',
    code: 'CFDI40114',
    path: ['tipoCambio'],
    build: variant(baseComprobante, (c) => {
      c.tipoCambio = '17.5';
    }),
  },
  {
    name: 'USD without TipoCambio',
    code: 'CFDI40115',
    path: ['tipoCambio'],
    build: variant(extranjeroComprobante, (c) => {
      delete c.tipoCambio;
    }),
  },
  {
    name: 'TipoCambio with XXX',
    code: 'CFDI40116',
    path: ['tipoCambio'],
    build: variant(trasladoComprobante, (c) => {
      c.moneda = 'XXX';
      c.tipoCambio = '1';
    }),
  },
  {
    name: 'TipoCambio with seven decimals',
    code: 'CFDI40117',
    path: ['tipoCambio'],
    build: variant(extranjeroComprobante, (c) => {
      c.tipoCambio = '17.0520001';
    }),
  },
  {
    name: 'TipoCambio that is not a number',
    code: 'CFDI40117',
    path: ['tipoCambio'],
    build: variant(extranjeroComprobante, (c) => {
      c.tipoCambio = '17,05';
    }),
  },
  {
    name: 'negative TipoCambio',
    code: 'CFDI40117',
    path: ['tipoCambio'],
    build: variant(extranjeroComprobante, (c) => {
      c.tipoCambio = '-17.05';
    }),
  },
  {
    name: 'Total off by a cent',
    code: 'CFDI40119',
    path: ['total'],
    build: variant(baseComprobante, (c) => {
      c.total = '325.55';
    }),
  },
  {
    name: 'Total that leaves out the implocal ISH',
    code: 'CFDI40119',
    path: ['total'],
    build: variant(hotelComprobante, (c) => {
      c.total = '2320.00';
    }),
  },
  {
    name: 'Total of a Traslado above its valor máximo 0 without Confirmacion',
    code: 'CFDI40120',
    path: ['confirmacion'],
    build: variant(trasladoComprobante, (c) => {
      c.total = '1';
    }),
  },
  {
    name: 'TipoDeComprobante not in the catalog',
    code: 'CFDI40121',
    path: ['tipoDeComprobante'],
    build: variant(baseComprobante, (c) => {
      c.tipoDeComprobante = 'F';
    }),
  },
  {
    name: 'Exportacion 02 without Comercio Exterior',
    code: 'CFDI40122',
    path: ['exportacion'],
    build: variant(extranjeroComprobante, (c) => {
      c.exportacion = '02';
    }),
  },
  {
    name: 'Exportacion not in c_Exportacion',
    code: 'CFDI40123',
    path: ['exportacion'],
    build: variant(baseComprobante, (c) => {
      c.exportacion = '05';
    }),
  },
  {
    name: 'Exportacion 04 before its vigencia (2022-02-25)',
    code: 'CFDI40123',
    path: ['exportacion'],
    build: variant(baseComprobante, (c) => {
      c.fecha = '2022-02-01T10:00:00';
      c.exportacion = '04';
    }),
  },
  {
    name: 'MetodoPago not in c_MetodoPago',
    code: 'CFDI40124',
    path: ['metodoPago'],
    build: variant(baseComprobante, (c) => {
      c.metodoPago = 'PUD';
    }),
  },
  {
    name: 'MetodoPago on a Traslado',
    code: 'CFDI40125',
    path: ['metodoPago'],
    build: variant(trasladoComprobante, (c) => {
      c.metodoPago = 'PUE';
    }),
  },
  {
    name: 'Confirmacion on an MXN invoice within range',
    code: 'CFDI40127',
    path: ['confirmacion'],
    build: variant(baseComprobante, (c) => {
      c.confirmacion = 'ABC12';
    }),
  },
  {
    name: 'TipoRelacion not in c_TipoRelacion',
    code: 'CFDI40137',
    path: ['cfdiRelacionados', 0, 'tipoRelacion'],
    build: variant(baseComprobante, (c) => {
      const [relacionados] = c.cfdiRelacionados ?? [];
      if (relacionados !== undefined) relacionados.tipoRelacion = '09';
    }),
  },
  {
    name: "Descuento that is not the conceptos' Descuento",
    code: 'DESCUENTO_SUM',
    path: ['descuento'],
    build: variant(baseComprobante, (c) => {
      c.descuento = '9.00';
      c.total = '326.54';
    }),
  },
  {
    name: 'Descuento missing while a concepto has one',
    code: 'DESCUENTO_SUM',
    path: ['descuento'],
    build: variant(baseComprobante, (c) => {
      delete c.descuento;
      c.total = '335.54';
    }),
  },
];

describe('comprobante rules: one mistake each', () => {
  it.each(MISTAKES.map((m) => [m.name, m] as const))('%s', (_name, mistake) => {
    expectIssue(validateComprobante(mistake.build()), mistake.code, mistake.path);
  });
});

describe('comprobante rules: what stays valid', () => {
  it('accepts MXN without TipoCambio and with TipoCambio 1.000000', () => {
    const without = baseComprobante();
    delete without.tipoCambio;
    expect(errorsOf(validateComprobante(without))).toEqual([]);
    expect(errorsOf(validateComprobante({ ...baseComprobante(), tipoCambio: '1.000000' }))).toEqual([]);
  });

  it('accepts MetodoPago PPD with FormaPago 99', () => {
    const c = { ...baseComprobante(), metodoPago: 'PPD', formaPago: '99' };
    expect(errorsOf(validateComprobante(c))).toEqual([]);
  });

  it('accepts Exportacion 02 with the Comercio Exterior complement', () => {
    const c = { ...extranjeroComprobante(), exportacion: '02', complemento: [COMERCIO_EXTERIOR_20] };
    expect(errorsOf(validateComprobante(c))).toEqual([]);
  });

  it('accepts a SubTotal written with fewer decimals when its value is the sum', () => {
    const c = { ...baseComprobante(), subTotal: '330.5' };
    expect(errorsOf(validateComprobante(c))).toEqual([]);
  });

  it('names the values in its messages', () => {
    const c = { ...baseComprobante(), subTotal: '330.51', total: '325.55' };
    const issue = validateComprobante(c).find((i) => i.code === 'CFDI40108');
    expect(issue?.message).toBe("SubTotal 330.51 is not the rounded sum of the conceptos' Importe (330.50)");
  });

  it('spells out the Total equation, implocal included', () => {
    const c = { ...hotelComprobante(), total: '2320.00' };
    const issue = validateComprobante(c).find((i) => i.code === 'CFDI40119');
    expect(issue?.message).toBe(
      'Total 2320.00 is not SubTotal 2000.00 + TotalImpuestosTrasladados 320.00 + implocal TotaldeTraslados 60.00 - TotaldeRetenciones 0.00 = 2380.00',
    );
  });

  it('does not judge a foreign TipoCambio against a rate it does not have (CFDI40118)', () => {
    const c = { ...extranjeroComprobante(), tipoCambio: '999.000000' };
    expect(errorsOf(validateComprobante(c))).toEqual([]);
  });

  it('says nothing about Confirmacion in a foreign currency, whose range needs the FIX rate', () => {
    const c = { ...extranjeroComprobante(), confirmacion: 'ABC12' };
    expect(errorsOf(validateComprobante(c))).toEqual([]);
  });
});
