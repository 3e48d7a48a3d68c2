import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ComprobanteInput,
  ComprobanteInputSchema,
  ComprobanteSchema,
} from '../../src/model/comprobante.js';
import { completeComprobante } from '../../src/taxes/complete.js';
import { computeTotals } from '../../src/taxes/totals.js';
import * as oracle from './oracle.js';

const IVA16 = { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' };

function input(fields: Record<string, unknown>): ComprobanteInput {
  return ComprobanteInputSchema.parse({
    fecha: '2024-05-15T10:30:00',
    moneda: 'MXN',
    tipoDeComprobante: 'I',
    exportacion: '01',
    lugarExpedicion: '64000',
    emisor: { rfc: 'CACX7605101P8', nombre: 'XOCHILT CASAS CHAVEZ', regimenFiscal: '612' },
    receptor: {
      rfc: 'EKU9003173C9',
      nombre: 'ESCUELA KEMPER URGATE',
      domicilioFiscalReceptor: '26015',
      regimenFiscalReceptor: '601',
      usoCFDI: 'G03',
    },
    conceptos: [
      {
        claveProdServ: '01010101',
        cantidad: '1',
        claveUnidad: 'H87',
        descripcion: 'A',
        valorUnitario: '100.00',
        objetoImp: '01',
      },
    ],
    ...fields,
  });
}

function line(fields: Record<string, unknown>) {
  return {
    claveProdServ: '01010101',
    cantidad: '1',
    claveUnidad: 'H87',
    descripcion: 'A',
    objetoImp: '02',
    ...fields,
  };
}

describe('completeComprobante', () => {
  it('fills concepts, Impuestos, SubTotal, Descuento and Total', () => {
    // 2 × 50.00 = 100.00 − 10.00 → IVA on 90.00 = 14.40; 1 × 200.50 → IVA 32.08, ISR 20.05.
    // SubTotal 300.50, Descuento 10.00, traslados 46.48, retenidos 20.05 → Total 316.93.
    const { comprobante, issues } = completeComprobante(
      input({
        conceptos: [
          line({
            cantidad: '2',
            valorUnitario: '50.00',
            descuento: '10.00',
            impuestos: { traslados: [IVA16] },
          }),
          line({
            valorUnitario: '200.50',
            impuestos: {
              traslados: [IVA16],
              retenciones: [{ impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000' }],
            },
          }),
        ],
      }),
    );
    expect(issues).toEqual([]);
    expect(() => ComprobanteSchema.parse(comprobante)).not.toThrow();
    expect(comprobante.conceptos.map((c) => c.importe)).toEqual(['100.00', '200.50']);
    expect(comprobante).toMatchObject({ subTotal: '300.50', descuento: '10.00', total: '316.93' });
    expect(comprobante.impuestos).toEqual({
      totalImpuestosRetenidos: '20.05',
      totalImpuestosTrasladados: '46.48',
      retenciones: [{ impuesto: '001', importe: '20.05' }],
      traslados: [
        { base: '290.50', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '46.48' },
      ],
    });
  });

  it('agrees with computeTotals on the completed concepts', () => {
    const { comprobante } = completeComprobante(
      input({
        conceptos: [
          line({ valorUnitario: '103.45', impuestos: { traslados: [IVA16] } }),
          line({ valorUnitario: '103.46', impuestos: { traslados: [IVA16] } }),
        ],
      }),
    );
    const totals = computeTotals(comprobante.conceptos, 'MXN');
    expect(comprobante).toMatchObject({
      subTotal: totals.subTotal,
      total: totals.total,
      impuestos: totals.impuestos,
    });
    expect(comprobante.impuestos?.totalImpuestosTrasladados).toBe('33.10');
  });

  it('never overwrites a given amount, even a wrong one', () => {
    const { comprobante, issues } = completeComprobante(
      input({
        subTotal: '1.00',
        total: '2.00',
        conceptos: [
          line({
            valorUnitario: '100.00',
            importe: '99.00',
            impuestos: { traslados: [{ ...IVA16, importe: '1.00' }] },
          }),
        ],
        impuestos: {
          totalImpuestosTrasladados: '5.00',
          traslados: [{ base: '7.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
        },
      }),
    );
    expect(issues).toEqual([]);
    expect(comprobante).toMatchObject({ subTotal: '1.00', total: '2.00' });
    expect(comprobante.conceptos[0]).toMatchObject({ importe: '99.00' });
    expect(comprobante.conceptos[0]?.impuestos?.traslados?.[0]).toMatchObject({
      base: '99.00',
      importe: '1.00',
    });
    // The given group keeps its Base and takes the computed Importe it lacked; the given total stays.
    expect(comprobante.impuestos).toEqual({
      totalImpuestosTrasladados: '5.00',
      traslados: [
        { base: '7.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '1.00' },
      ],
    });
  });

  it('gives T and P a SubTotal of 0 and no Impuestos node (CFDI40109, CFDI40201)', () => {
    const traslado = completeComprobante(
      input({ tipoDeComprobante: 'T', conceptos: [line({ valorUnitario: '500.00', objetoImp: '01' })] }),
    );
    expect(traslado.comprobante).toMatchObject({ subTotal: '0.00', total: '0.00' });
    expect(traslado.comprobante.conceptos[0]?.importe).toBe('500.00');
    expect(traslado.comprobante.impuestos).toBeUndefined();
    const pago = completeComprobante(
      input({
        tipoDeComprobante: 'P',
        moneda: 'XXX',
        conceptos: [
          line({ claveProdServ: '84111506', claveUnidad: 'ACT', valorUnitario: '0', objetoImp: '01' }),
        ],
      }),
    );
    expect(pago.comprobante).toMatchObject({ subTotal: '0', total: '0' });
    expect(pago.comprobante.impuestos).toBeUndefined();
    expect(pago.issues).toEqual([]);
  });

  it('fills implocal lines on SubTotal − Descuento and adds them to Total', () => {
    // Room 2000.00 + IVA 320.00; ISH 3 % of 2000.00 = 60.00 → Total 2380.00 (rules doc B).
    const { comprobante, issues } = completeComprobante(
      input({
        conceptos: [line({ valorUnitario: '2000.00', impuestos: { traslados: [IVA16] } })],
        complemento: [
          { impuestosLocales: { trasladosLocales: [{ impLocTrasladado: 'ISH', tasadeTraslado: '3.00' }] } },
        ],
      }),
    );
    expect(issues).toEqual([]);
    expect(comprobante.total).toBe('2380.00');
    expect(comprobante.complemento).toEqual([
      {
        impuestosLocales: {
          version: '1.0',
          totaldeRetenciones: '0.00',
          totaldeTraslados: '60.00',
          trasladosLocales: [{ impLocTrasladado: 'ISH', tasadeTraslado: '3.00', importe: '60.00' }],
        },
      },
    ]);
  });

  it('keeps only-Exento documents without TotalImpuestosTrasladados', () => {
    const { comprobante } = completeComprobante(
      input({
        conceptos: [
          line({
            valorUnitario: '80.00',
            impuestos: { traslados: [{ impuesto: '002', tipoFactor: 'Exento' }] },
          }),
        ],
      }),
    );
    expect(comprobante.impuestos).toEqual({
      traslados: [{ base: '80.00', impuesto: '002', tipoFactor: 'Exento' }],
    });
    expect(comprobante.total).toBe('80.00');
  });

  it('reports what it cannot compute at its path and fills nothing that depends on it', () => {
    const bad = input({
      conceptos: [
        line({ valorUnitario: '10.00', impuestos: { traslados: [IVA16] } }),
        line({ valorUnitario: '20.00', impuestos: { traslados: [IVA16] } }),
        line({ valorUnitario: '30.00', impuestos: { traslados: [IVA16] } }),
      ],
    });
    // A layout or XML reader can hand over text the JSON schema would have refused.
    const third = bad.conceptos[2];
    if (third === undefined) throw new Error('fixture');
    bad.conceptos[2] = { ...third, cantidad: '1,5' };
    const { comprobante, issues } = completeComprobante(bad);
    const paths = issues.map((i) => i.path);
    expect(issues.every((i) => i.code === 'COMPUTE_FAILED' && i.severity === 'error')).toBe(true);
    expect(paths).toEqual([
      ['conceptos', 2, 'importe'],
      ['conceptos', 2, 'impuestos', 'traslados', 0, 'base'],
      ['conceptos', 2, 'impuestos', 'traslados', 0, 'importe'],
      ['subTotal'],
      ['impuestos', 'traslados', 0, 'base'],
      ['impuestos', 'traslados', 0, 'importe'],
      ['impuestos', 'totalImpuestosTrasladados'],
      ['total'],
    ]);
    expect(issues[0]?.message).toContain('conceptos.2.cantidad "1,5" is not a decimal amount');
    // The good concepts are complete; every dependent amount is empty or absent, never a wrong number.
    expect(comprobante.conceptos[0]).toMatchObject({ importe: '10.00' });
    expect(comprobante.conceptos[2]).toMatchObject({ importe: '' });
    expect(comprobante.conceptos[2]?.impuestos?.traslados?.[0]).toEqual({ base: '', ...IVA16 });
    expect(comprobante).toMatchObject({ subTotal: '', total: '' });
    expect(comprobante.impuestos).toEqual({ traslados: [{ base: '', ...IVA16 }] });
  });

  it('reports every amount it must fill when the moneda is not in c_Moneda', () => {
    const { comprobante, issues } = completeComprobante(
      input({
        moneda: 'PESOS',
        conceptos: [line({ valorUnitario: '10.00', impuestos: { traslados: [IVA16] } })],
      }),
    );
    expect(issues.map((i) => i.path)).toContainEqual(['conceptos', 0, 'importe']);
    expect(issues.map((i) => i.path)).toContainEqual(['total']);
    expect(issues[0]?.message).toContain('moneda "PESOS" is not in c_Moneda');
    expect(comprobante.total).toBe('');
  });

  it('property: completed documents are valid model objects whose Total reconciles (CFDI40119)', () => {
    const amount = (maxUnits: bigint) =>
      fc
        .tuple(fc.bigInt({ min: 1n, max: maxUnits }), fc.integer({ min: 0, max: 2 }))
        .map(([u, d]) => oracle.text(u * 10n ** BigInt(oracle.SCALE - d), d));
    const conceptoArb = fc.record({
      cantidad: amount(1000n),
      valorUnitario: amount(10n ** 7n),
      tasa: fc.constantFrom('0.160000', '0.080000', '0.000000', 'exento', 'none'),
      isr: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(conceptoArb, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('0', '2.00', '3.00'),
        (lines, ish) => {
          const doc = input({
            conceptos: lines.map((l) => {
              const traslados =
                l.tasa === 'none'
                  ? []
                  : [
                      l.tasa === 'exento'
                        ? { impuesto: '002', tipoFactor: 'Exento' }
                        : { ...IVA16, tasaOCuota: l.tasa },
                    ];
              const retenciones = l.isr
                ? [{ impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000' }]
                : [];
              const impuestos = {
                ...(traslados.length ? { traslados } : {}),
                ...(retenciones.length ? { retenciones } : {}),
              };
              return line({
                cantidad: l.cantidad,
                valorUnitario: l.valorUnitario,
                ...(traslados.length + retenciones.length ? { impuestos } : { objetoImp: '01' }),
              });
            }),
            ...(ish === '0'
              ? {}
              : {
                  complemento: [
                    {
                      impuestosLocales: {
                        trasladosLocales: [{ impLocTrasladado: 'ISH', tasadeTraslado: ish }],
                      },
                    },
                  ],
                }),
          });
          const { comprobante, issues } = completeComprobante(doc);
          expect(issues).toEqual([]);
          const parsed = ComprobanteSchema.parse(comprobante);
          const locales = parsed.complemento?.[0];
          const local =
            locales !== undefined && 'impuestosLocales' in locales
              ? locales.impuestosLocales.totaldeTraslados
              : '0';
          const total =
            oracle.big(parsed.subTotal) +
            oracle.big(parsed.impuestos?.totalImpuestosTrasladados ?? '0') -
            oracle.big(parsed.impuestos?.totalImpuestosRetenidos ?? '0') +
            oracle.big(local);
          expect(oracle.big(parsed.total)).toBe(total);
          expect(computeTotals(parsed.conceptos, 'MXN').subTotal).toBe(parsed.subTotal);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
