import { describe, expect, it } from 'vitest';
import { validateComprobante } from '../../src/rules/index.js';
import {
  baseComprobante,
  errorsOf,
  expectIssue,
  globalComprobante,
  type OneMistake,
  variant,
} from './fixtures.js';

/** A bimestral global: only an emisor in régimen 621 (Incorporación Fiscal, a persona física) may issue it. */
const bimestral = variant(globalComprobante, (c) => {
  c.emisor = { rfc: 'CACX7605101P8', nombre: 'XOCHILT CASAS CHAVEZ', regimenFiscal: '621' };
  c.informacionGlobal = { periodicidad: '05', meses: '13', año: '2024' };
});

const MISTAKES: OneMistake[] = [
  {
    name: 'InformacionGlobal on a nominative invoice',
    code: 'CFDI40130',
    path: ['informacionGlobal'],
    build: variant(baseComprobante, (c) => {
      c.informacionGlobal = { periodicidad: '01', meses: '05', año: '2024' };
    }),
  },
  {
    name: 'InformacionGlobal with the accented PÚBLICO EN GENERAL',
    code: 'CFDI40130',
    path: ['informacionGlobal'],
    build: variant(globalComprobante, (c) => {
      c.receptor.nombre = 'PÚBLICO EN GENERAL';
    }),
  },
  {
    name: 'Periodicidad not in c_Periodicidad',
    code: 'CFDI40131',
    path: ['informacionGlobal', 'periodicidad'],
    build: variant(globalComprobante, (c) => {
      if (c.informacionGlobal !== undefined) c.informacionGlobal.periodicidad = '06';
    }),
  },
  {
    name: 'bimestral Periodicidad for an emisor outside régimen 621',
    code: 'CFDI40132',
    path: ['informacionGlobal', 'periodicidad'],
    build: variant(globalComprobante, (c) => {
      c.informacionGlobal = { periodicidad: '05', meses: '13', año: '2024' };
    }),
  },
  {
    name: 'Meses not in c_Meses',
    code: 'CFDI40133',
    path: ['informacionGlobal', 'meses'],
    build: variant(globalComprobante, (c) => {
      if (c.informacionGlobal !== undefined) c.informacionGlobal.meses = '19';
    }),
  },
  {
    name: 'two-month Meses with a monthly Periodicidad',
    code: 'CFDI40134',
    path: ['informacionGlobal', 'meses'],
    build: variant(globalComprobante, (c) => {
      c.informacionGlobal = { periodicidad: '04', meses: '13', año: '2024' };
    }),
  },
  {
    name: 'single-month Meses with the bimestral Periodicidad',
    code: 'CFDI40135',
    path: ['informacionGlobal', 'meses'],
    build: variant(bimestral, (c) => {
      if (c.informacionGlobal !== undefined) c.informacionGlobal.meses = '05';
    }),
  },
  {
    name: 'Año two years before Fecha',
    code: 'CFDI40136',
    path: ['informacionGlobal', 'año'],
    build: variant(globalComprobante, (c) => {
      if (c.informacionGlobal !== undefined) c.informacionGlobal.año = '2022';
    }),
  },
  {
    name: 'Año after Fecha',
    code: 'CFDI40136',
    path: ['informacionGlobal', 'año'],
    build: variant(globalComprobante, (c) => {
      if (c.informacionGlobal !== undefined) c.informacionGlobal.año = '2025';
    }),
  },
  {
    name: 'Año that is not a number',
    code: 'XSD_PATTERN',
    path: ['informacionGlobal', 'año'],
    build: variant(globalComprobante, (c) => {
      if (c.informacionGlobal !== undefined) c.informacionGlobal.año = 'MMXXIV';
    }),
  },
  {
    name: 'Año before 2019',
    code: 'XSD_MIN',
    path: ['informacionGlobal', 'año'],
    build: variant(globalComprobante, (c) => {
      if (c.informacionGlobal !== undefined) c.informacionGlobal.año = '2018';
    }),
  },
];

describe('InformacionGlobal rules: one mistake each', () => {
  it.each(MISTAKES.map((m) => [m.name, m] as const))('%s', (_name, mistake) => {
    expectIssue(validateComprobante(mistake.build()), mistake.code, mistake.path);
  });
});

describe('InformacionGlobal rules: what stays valid', () => {
  it('accepts a bimestral global from régimen 621', () => {
    expect(errorsOf(validateComprobante(bimestral()))).toEqual([]);
  });

  it('accepts the December global issued in January with the previous Año', () => {
    const c = variant(globalComprobante, (d) => {
      d.fecha = '2025-01-01T09:00:00';
      d.informacionGlobal = { periodicidad: '04', meses: '12', año: '2024' };
    })();
    expect(errorsOf(validateComprobante(c))).toEqual([]);
  });

  it('reports an Año that is not a number once, as a facet, not also as a year mismatch', () => {
    const c = variant(globalComprobante, (d) => {
      if (d.informacionGlobal !== undefined) d.informacionGlobal.año = 'MMXXIV';
    })();
    expect(errorsOf(validateComprobante(c)).map((i) => i.code)).toEqual(['XSD_PATTERN']);
  });
});
