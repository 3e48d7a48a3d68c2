import { describe, expect, it } from 'vitest';
import { validateComprobante } from '../../src/rules/index.js';
import {
  baseComprobante,
  COMERCIO_EXTERIOR_20,
  errorsOf,
  expectIssue,
  extranjeroComprobante,
  globalComprobante,
  hotelComprobante,
  type OneMistake,
  variant,
} from './fixtures.js';

const MISTAKES: OneMistake[] = [
  {
    name: 'Emisor RegimenFiscal not in c_RegimenFiscal',
    code: 'CFDI40140',
    path: ['emisor', 'regimenFiscal'],
    build: variant(baseComprobante, (c) => {
      c.emisor.regimenFiscal = '600';
    }),
  },
  {
    name: 'Emisor RegimenFiscal 628 (CFDI 3.3 only)',
    code: 'CFDI40140',
    path: ['emisor', 'regimenFiscal'],
    build: variant(baseComprobante, (c) => {
      c.emisor.regimenFiscal = '628';
    }),
  },
  {
    name: 'persona física emisor with a moral régimen',
    code: 'CFDI40141',
    path: ['emisor', 'regimenFiscal'],
    build: variant(baseComprobante, (c) => {
      c.emisor.regimenFiscal = '601';
    }),
  },
  {
    name: 'persona moral emisor with a física régimen',
    code: 'CFDI40141',
    path: ['emisor', 'regimenFiscal'],
    build: variant(globalComprobante, (c) => {
      c.emisor.regimenFiscal = '612';
    }),
  },
  {
    name: 'FacAtrAdquirente of 9 digits',
    code: 'CFDI40142',
    path: ['emisor', 'facAtrAdquirente'],
    build: variant(baseComprobante, (c) => {
      c.emisor.facAtrAdquirente = '123456789';
    }),
  },
  {
    name: 'FacAtrAdquirente with letters',
    code: 'CFDI40142',
    path: ['emisor', 'facAtrAdquirente'],
    build: variant(baseComprobante, (c) => {
      c.emisor.facAtrAdquirente = '12345A7890';
    }),
  },
  {
    name: 'PUBLICO EN GENERAL with a real RFC',
    code: 'CFDI40146',
    path: ['receptor', 'rfc'],
    build: variant(baseComprobante, (c) => {
      c.receptor.nombre = 'PUBLICO EN GENERAL';
    }),
  },
  {
    name: 'XAXX010101000 PUBLICO EN GENERAL without InformacionGlobal',
    code: 'CFDI40146',
    path: ['informacionGlobal'],
    build: variant(globalComprobante, (c) => {
      delete c.informacionGlobal;
    }),
  },
  {
    name: 'XAXX010101000 with a DomicilioFiscalReceptor other than LugarExpedicion',
    code: 'CFDI40149',
    path: ['receptor', 'domicilioFiscalReceptor'],
    build: variant(globalComprobante, (c) => {
      c.receptor.domicilioFiscalReceptor = '01000';
    }),
  },
  {
    name: 'XEXX010101000 with a DomicilioFiscalReceptor other than LugarExpedicion',
    code: 'CFDI40149',
    path: ['receptor', 'domicilioFiscalReceptor'],
    build: variant(extranjeroComprobante, (c) => {
      c.receptor.domicilioFiscalReceptor = '01000';
    }),
  },
  {
    name: 'ResidenciaFiscal not in c_Pais',
    code: 'CFDI40150',
    path: ['receptor', 'residenciaFiscal'],
    build: variant(extranjeroComprobante, (c) => {
      c.receptor.residenciaFiscal = 'US';
    }),
  },
  {
    name: 'ResidenciaFiscal for a Mexican RFC',
    code: 'CFDI40151',
    path: ['receptor', 'residenciaFiscal'],
    build: variant(baseComprobante, (c) => {
      c.receptor.residenciaFiscal = 'USA';
    }),
  },
  {
    name: 'ResidenciaFiscal MEX',
    code: 'CFDI40152',
    path: ['receptor', 'residenciaFiscal'],
    build: variant(extranjeroComprobante, (c) => {
      c.receptor.residenciaFiscal = 'MEX';
    }),
  },
  {
    name: 'NumRegIdTrib without ResidenciaFiscal',
    code: 'CFDI40153',
    path: ['receptor', 'residenciaFiscal'],
    build: variant(extranjeroComprobante, (c) => {
      delete c.receptor.residenciaFiscal;
    }),
  },
  {
    name: 'NumRegIdTrib for a Mexican RFC',
    code: 'CFDI40154',
    path: ['receptor', 'numRegIdTrib'],
    build: variant(baseComprobante, (c) => {
      c.receptor.numRegIdTrib = '123456789';
    }),
  },
  {
    name: 'XEXX010101000 with Comercio Exterior and no NumRegIdTrib',
    code: 'CFDI40155',
    path: ['receptor', 'numRegIdTrib'],
    build: variant(extranjeroComprobante, (c) => {
      c.exportacion = '02';
      c.complemento = [COMERCIO_EXTERIOR_20];
      delete c.receptor.numRegIdTrib;
    }),
  },
  {
    name: "NumRegIdTrib that is not the USA's nine digits",
    code: 'CFDI40156',
    path: ['receptor', 'numRegIdTrib'],
    build: variant(extranjeroComprobante, (c) => {
      c.receptor.numRegIdTrib = '12-3456789';
    }),
  },
  {
    name: 'RegimenFiscalReceptor not in c_RegimenFiscal',
    code: 'CFDI40157',
    path: ['receptor', 'regimenFiscalReceptor'],
    build: variant(baseComprobante, (c) => {
      c.receptor.regimenFiscalReceptor = '999';
    }),
  },
  {
    name: 'persona moral receptor with a física régimen',
    code: 'CFDI40158',
    path: ['receptor', 'regimenFiscalReceptor'],
    build: variant(baseComprobante, (c) => {
      c.receptor.regimenFiscalReceptor = '612';
    }),
  },
  {
    name: 'persona física receptor with a moral régimen',
    code: 'CFDI40158',
    path: ['receptor', 'regimenFiscalReceptor'],
    build: variant(hotelComprobante, (c) => {
      c.receptor.regimenFiscalReceptor = '601';
    }),
  },
  {
    name: 'XAXX010101000 with a régimen other than 616',
    code: 'CFDI40159',
    path: ['receptor', 'regimenFiscalReceptor'],
    build: variant(globalComprobante, (c) => {
      c.receptor.regimenFiscalReceptor = '612';
    }),
  },
  {
    name: 'XEXX010101000 with a régimen other than 616',
    code: 'CFDI40159',
    path: ['receptor', 'regimenFiscalReceptor'],
    build: variant(extranjeroComprobante, (c) => {
      c.receptor.regimenFiscalReceptor = '601';
    }),
  },
  {
    name: 'UsoCFDI not in c_UsoCFDI (P01 was 3.3 only)',
    code: 'CFDI40160',
    path: ['receptor', 'usoCFDI'],
    build: variant(baseComprobante, (c) => {
      c.receptor.usoCFDI = 'P01';
    }),
  },
  {
    name: 'UsoCFDI D01 (física only) for a persona moral',
    code: 'CFDI40161',
    path: ['receptor', 'usoCFDI'],
    build: variant(baseComprobante, (c) => {
      c.receptor.usoCFDI = 'D01';
    }),
  },
  {
    name: 'UsoCFDI CN01 (nómina) with RegimenFiscalReceptor 612',
    code: 'CFDI40161',
    path: ['receptor', 'usoCFDI'],
    build: variant(hotelComprobante, (c) => {
      c.receptor.usoCFDI = 'CN01';
    }),
  },
  {
    name: 'UsoCFDI G03 for the público en general (616)',
    code: 'CFDI40161',
    path: ['receptor', 'usoCFDI'],
    build: variant(globalComprobante, (c) => {
      c.receptor.usoCFDI = 'G03';
    }),
  },
  {
    name: 'Receptor Rfc one character short',
    code: 'RFC_PATTERN',
    path: ['receptor', 'rfc'],
    build: variant(baseComprobante, (c) => {
      c.receptor.rfc = 'EKU9003173C';
    }),
  },
  {
    name: 'Emisor Rfc in lower case',
    code: 'RFC_PATTERN',
    path: ['emisor', 'rfc'],
    build: variant(baseComprobante, (c) => {
      c.emisor.rfc = 'cacx7605101p8';
    }),
  },
  {
    name: 'Receptor Rfc born on February 30',
    code: 'RFC_DATE',
    path: ['receptor', 'rfc'],
    build: variant(baseComprobante, (c) => {
      c.receptor.rfc = 'EKU900230QW5';
    }),
  },
];

describe('emisor and receptor rules: one mistake each', () => {
  it.each(MISTAKES.map((m) => [m.name, m] as const))('%s', (_name, mistake) => {
    expectIssue(validateComprobante(mistake.build()), mistake.code, mistake.path);
  });
});

describe('emisor and receptor rules: what stays valid', () => {
  it('reports a wrong check digit as a warning only', () => {
    const c = variant(baseComprobante, (d) => {
      d.receptor.rfc = 'EKU9003173C8';
    })();
    const issues = validateComprobante(c);
    expect(errorsOf(issues)).toEqual([]);
    expectIssue(issues, 'RFC_CHECK_DIGIT', ['receptor', 'rfc']);
    expect(issues.find((i) => i.code === 'RFC_CHECK_DIGIT')?.severity).toBe('warning');
  });

  it('accepts XAXX010101000 with the customer name and no InformacionGlobal (nominative)', () => {
    const c = variant(globalComprobante, (d) => {
      delete d.informacionGlobal;
      d.receptor.nombre = 'JUAN PEREZ';
    })();
    expect(errorsOf(validateComprobante(c))).toEqual([]);
  });

  it('accepts a country without a NumRegIdTrib pattern', () => {
    const c = variant(extranjeroComprobante, (d) => {
      d.receptor.residenciaFiscal = 'DEU';
      d.receptor.numRegIdTrib = 'DE123456789';
    })();
    expect(errorsOf(validateComprobante(c))).toEqual([]);
  });

  it('accepts régimen 626 (RESICO) for both personas', () => {
    const fisica = variant(hotelComprobante, (d) => {
      d.receptor.regimenFiscalReceptor = '626';
    })();
    const moral = variant(baseComprobante, (d) => {
      d.receptor.regimenFiscalReceptor = '626';
    })();
    expect(errorsOf(validateComprobante(fisica))).toEqual([]);
    expect(errorsOf(validateComprobante(moral))).toEqual([]);
  });
});
