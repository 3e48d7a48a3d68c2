import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Comprobante } from '../../src/model/comprobante.js';
import { computePagosOrThrow, repComprobante } from '../../src/pagos/index.js';
import { makeContext, validateComprobante } from '../../src/rules/index.js';
import { checkRepComprobante } from '../../src/rules/rep.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { corpusFiles, kitAvailable } from '../helpers/kit.js';
import { REP_HEADER } from '../pagos/generators.js';

/*
 * The tipo P wrapper of a Pagos 2.0 complement (src/rules/rep.ts): what repComprobante writes passes,
 * each departure from the Guía de llenado is reported at its path, and SAT's and the PACs' own REP
 * samples of the corpus pass.
 */

const pagos = computePagosOrThrow({
  pago: [
    {
      fechaPago: '2024-05-01T12:00:00',
      formaDePagoP: '03',
      monedaP: 'MXN',
      monto: '116.00',
      doctoRelacionado: [
        {
          idDocumento: '00000000-0000-4000-8000-000000000001',
          monedaDR: 'MXN',
          equivalenciaDR: '1',
          numParcialidad: '1',
          impSaldoAnt: '116.00',
          impPagado: '116.00',
          objetoImpDR: '02',
          traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
        },
      ],
    },
  ],
});
const rep = repComprobante(REP_HEADER, pagos);

function found(c: Comprobante): string[][] {
  return checkRepComprobante(c, makeContext(c)).map((i) => [i.code, i.path.join('.')]);
}

describe('checkRepComprobante', () => {
  it('finds nothing in what repComprobante writes, and validate finds no error in it', () => {
    expect(found(rep)).toEqual([]);
    expect(validateComprobante(rep).filter((i) => i.severity === 'error')).toEqual([]);
  });

  const [concepto] = rep.conceptos;
  const mistakes: Array<[string, Comprobante, string[][]]> = [
    [
      'an I with the Pagos complement',
      { ...rep, tipoDeComprobante: 'I' },
      [['REP_TIPO', 'tipoDeComprobante']],
    ],
    ['a P without the complement', { ...rep, complemento: [] }, [['REP_TIPO', 'complemento']]],
    ['Moneda MXN', { ...rep, moneda: 'MXN' }, [['REP_MONEDA', 'moneda']]],
    ['Total 0.01', { ...rep, total: '0.01' }, [['REP_TOTAL', 'total']]],
    [
      'UsoCFDI G03',
      { ...rep, receptor: { ...rep.receptor, usoCFDI: 'G03' } },
      [['REP_USO_CFDI', 'receptor.usoCFDI']],
    ],
    [
      'two conceptos',
      { ...rep, conceptos: [concepto, concepto] as Comprobante['conceptos'] },
      [['REP_CONCEPTOS', 'conceptos']],
    ],
    [
      'a Concepto of a sale',
      {
        ...rep,
        conceptos: [
          {
            ...concepto,
            claveProdServ: '01010101',
            cantidad: '2',
            descripcion: 'Pago ',
            importe: '1',
            unidad: 'Pieza',
          },
        ] as Comprobante['conceptos'],
      },
      [
        ['REP_CONCEPTO', 'conceptos.0.claveProdServ'],
        ['REP_CONCEPTO', 'conceptos.0.cantidad'],
        ['REP_CONCEPTO', 'conceptos.0.descripcion'],
        ['REP_CONCEPTO', 'conceptos.0.importe'],
        ['REP_CONCEPTO', 'conceptos.0.unidad'],
      ],
    ],
  ];
  it.each(mistakes)('%s', (_name, c, expected) => {
    expect(found(c)).toEqual(expected);
    const codes = validateComprobante(c).map((i) => [i.code, i.path.join('.')]);
    for (const e of expected) expect(codes).toContainEqual(e);
  });

  it('accepts the amounts written with decimals (Total 0.00, Cantidad 1.000000)', () => {
    const c = {
      ...rep,
      total: '0.00',
      conceptos: [
        { ...concepto, cantidad: '1.000000', valorUnitario: '0.000000' },
      ] as Comprobante['conceptos'],
    };
    expect(found(c)).toEqual([]);
  });

  /** Corpus samples that break the Guía, with what they break and why it is the sample's fault. */
  const DEFECTS: Record<string, { found: string[][]; why: string }> = {
    'pycfditransform__pago_stamped.xml': {
      found: [['REP_USO_CFDI', 'receptor.usoCFDI']],
      why: 'its Receptor has UsoCFDI G01, a CFDI 3.3 habit; c_UsoCFDI has CP01 "Pagos" for REPs since 4.0',
    },
  };
  /** The cryptosys schema-valid samples write UsoCFDI P01, the Pagos 1.0 value CFDI 4.0 replaced by CP01. */
  const P01_SAMPLES = /^satcfdi__cfdv40-/;

  it.skipIf(!kitAvailable)('finds nothing in the corpus REPs but the defects named here', () => {
    const files = corpusFiles('cfdi40').filter((f) => /pago/i.test(basename(f)));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const name = basename(file);
      const c = parseComprobante(readFileSync(file));
      const defect =
        DEFECTS[name] ??
        (P01_SAMPLES.test(name)
          ? { found: [['REP_USO_CFDI', 'receptor.usoCFDI']], why: `${name}: UsoCFDI P01` }
          : undefined);
      expect(found(c), defect?.why ?? name).toEqual(defect?.found ?? []);
    }
  });
});
