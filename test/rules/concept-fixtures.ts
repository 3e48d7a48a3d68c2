import type { Issue } from '../../src/issues.js';
import {
  type Comprobante,
  ComprobanteInputSchema,
  ComprobanteSchema,
  type Concepto,
} from '../../src/model/comprobante.js';
import { Money } from '../../src/money.js';
import { checkConceptos } from '../../src/rules/conceptos.js';
import { makeContext } from '../../src/rules/context.js';
import { checkImpuestosLocales } from '../../src/rules/implocal.js';
import { checkImpuestos } from '../../src/rules/impuestos.js';
import { completeComprobante } from '../../src/taxes/complete.js';

/*
 * Valid comprobantes for the concept, impuestos and implocal rules, written by hand with every amount
 * computed by hand (the arithmetic is in the comments), plus helpers to make one-mistake variants.
 */

const EMISOR = { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' };
const RECEPTOR = {
  rfc: 'CACX7605101P8',
  nombre: 'XOCHILT CASAS CHAVEZ',
  domicilioFiscalReceptor: '36257',
  regimenFiscalReceptor: '612',
  usoCFDI: 'G03',
};

function header(subTotal: string, total: string): Omit<Comprobante, 'conceptos'> {
  return {
    version: '4.0',
    serie: 'A',
    folio: '1',
    fecha: '2025-06-15T10:00:00',
    formaPago: '01',
    subTotal,
    moneda: 'MXN',
    total,
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '06000',
    emisor: { ...EMISOR },
    receptor: { ...RECEPTOR },
  };
}

function concepto(
  fields: Partial<Concepto> & Pick<Concepto, 'cantidad' | 'valorUnitario' | 'importe'>,
): Concepto {
  return {
    claveProdServ: '01010101',
    claveUnidad: 'H87',
    descripcion: 'Producto',
    objetoImp: '02',
    ...fields,
  };
}

/**
 * The rules doc B example: a room at 2000.00 + IVA 16% (320.00) + ISH 3% (60.00) = 2380.00.
 */
export function hotelInvoice(): Comprobante {
  return {
    ...header('2000.00', '2380.00'),
    conceptos: [
      concepto({
        claveProdServ: '90111800',
        claveUnidad: 'E48',
        descripcion: 'Hospedaje',
        cantidad: '1',
        valorUnitario: '2000.00',
        importe: '2000.00',
        impuestos: {
          traslados: [
            {
              base: '2000.00',
              impuesto: '002',
              tipoFactor: 'Tasa',
              tasaOCuota: '0.160000',
              importe: '320.00',
            },
          ],
        },
      }),
    ],
    impuestos: {
      totalImpuestosTrasladados: '320.00',
      traslados: [
        { base: '2000.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '320.00' },
      ],
    },
    complemento: [
      {
        impuestosLocales: {
          version: '1.0',
          totaldeRetenciones: '0.00',
          totaldeTraslados: '60.00',
          trasladosLocales: [{ impLocTrasladado: 'ISH', tasadeTraslado: '3.00', importe: '60.00' }],
        },
      },
    ],
  };
}

/**
 * Six conceptos covering every node the rules look at:
 * 0. 3 × 150.00 = 450.00, Descuento 50.00; IVA 16% on 400.00 = 64.00; ISR 10% on 400.00 = 40.00;
 *    IVA retenido 0.106667 on 400.00 = 42.6668 → 42.67.
 * 1. 2 × 12.50 = 25.00; IEPS 8% on 25.00 = 2.00; IVA 16% on 27.00 = 4.32.
 * 2. 1 × 100.00, IVA Exento on 100.00.
 * 3. 1 × 80.00, IVA 0% on 80.00 = 0.00.
 * 4. 1 × 30.00, ObjetoImp 01, InformacionAduanera, ACuentaTerceros and a Parte 2 × 10.00 = 20.00.
 * 5. 1 × 10.00, ObjetoImp 03.
 * SubTotal 695.00, Descuento 50.00. Traslados: IVA 16% Base 400.00 + 27.00 = 427.00, Importe
 * 64.00 + 4.32 = 68.32; IEPS 8% Base 25.00 Importe 2.00; IVA 0% Base 80.00 Importe 0.00; IVA Exento Base
 * 100.00. TotalImpuestosTrasladados 68.32 + 2.00 + 0.00 = 70.32. Retenciones ISR 40.00, IVA 42.67,
 * TotalImpuestosRetenidos 82.67. implocal: Cedular 1% retenido 4.00 (on part of the base).
 * Total 695.00 − 50.00 + 70.32 − 82.67 − 4.00 = 628.65.
 */
export function mixedInvoice(): Comprobante {
  return {
    ...header('695.00', '628.65'),
    descuento: '50.00',
    conceptos: [
      concepto({
        cantidad: '3',
        valorUnitario: '150.00',
        importe: '450.00',
        descuento: '50.00',
        impuestos: {
          traslados: [
            { base: '400.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '64.00' },
          ],
          retenciones: [
            { base: '400.00', impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000', importe: '40.00' },
            { base: '400.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.106667', importe: '42.67' },
          ],
        },
      }),
      concepto({
        cantidad: '2',
        valorUnitario: '12.50',
        importe: '25.00',
        impuestos: {
          traslados: [
            { base: '25.00', impuesto: '003', tipoFactor: 'Tasa', tasaOCuota: '0.080000', importe: '2.00' },
            { base: '27.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '4.32' },
          ],
        },
      }),
      concepto({
        cantidad: '1',
        valorUnitario: '100.00',
        importe: '100.00',
        impuestos: { traslados: [{ base: '100.00', impuesto: '002', tipoFactor: 'Exento' }] },
      }),
      concepto({
        cantidad: '1',
        valorUnitario: '80.00',
        importe: '80.00',
        impuestos: {
          traslados: [
            { base: '80.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
          ],
        },
      }),
      concepto({
        cantidad: '1',
        valorUnitario: '30.00',
        importe: '30.00',
        objetoImp: '01',
        aCuentaTerceros: {
          rfcACuentaTerceros: 'JUFA7608212V6',
          nombreACuentaTerceros: 'ADRIANA JUAREZ FERNANDEZ',
          regimenFiscalACuentaTerceros: '612',
          domicilioFiscalACuentaTerceros: '01000',
        },
        informacionAduanera: [{ numeroPedimento: '23  47  3807  3001234' }],
        parte: [
          {
            claveProdServ: '01010101',
            cantidad: '2',
            descripcion: 'Pieza',
            valorUnitario: '10.00',
            importe: '20.00',
            informacionAduanera: [{ numeroPedimento: '23  47  3807  3001235' }],
          },
        ],
      }),
      concepto({ cantidad: '1', valorUnitario: '10.00', importe: '10.00', objetoImp: '03' }),
    ],
    impuestos: {
      totalImpuestosRetenidos: '82.67',
      totalImpuestosTrasladados: '70.32',
      retenciones: [
        { impuesto: '001', importe: '40.00' },
        { impuesto: '002', importe: '42.67' },
      ],
      traslados: [
        { base: '427.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '68.32' },
        { base: '25.00', impuesto: '003', tipoFactor: 'Tasa', tasaOCuota: '0.080000', importe: '2.00' },
        { base: '100.00', impuesto: '002', tipoFactor: 'Exento' },
        { base: '80.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
      ],
    },
    complemento: [
      {
        impuestosLocales: {
          version: '1.0',
          totaldeRetenciones: '4.00',
          totaldeTraslados: '0.00',
          retencionesLocales: [{ impLocRetenido: 'Cedular', tasadeRetencion: '1.00', importe: '4.00' }],
        },
      },
    ],
  };
}

/**
 * The SAT example of rules doc A.9: bases 103.45 and 103.46 at 16% give concept taxes
 * 16.552 → 16.55 and 16.5536 → 16.55, so the comprobante Importe is 33.10 (not round(206.91 × 0.16) =
 * 33.11). Total 206.91 + 33.10 = 240.01.
 */
export function satRoundingExample(): Comprobante {
  const line = (amount: string, tax: string): Concepto =>
    concepto({
      cantidad: '1',
      valorUnitario: amount,
      importe: amount,
      impuestos: {
        traslados: [
          { base: amount, impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: tax },
        ],
      },
    });
  return {
    ...header('206.91', '240.01'),
    conceptos: [line('103.45', '16.55'), line('103.46', '16.55')],
    impuestos: {
      totalImpuestosTrasladados: '33.10',
      traslados: [
        { base: '206.91', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '33.10' },
      ],
    },
  };
}

/** Only an Exento concepto: the comprobante Traslado has Base, Impuesto and TipoFactor, and no total (A.6). */
export function exentoOnlyInvoice(): Comprobante {
  return {
    ...header('500.00', '500.00'),
    conceptos: [
      concepto({
        cantidad: '1',
        valorUnitario: '500.00',
        importe: '500.00',
        impuestos: { traslados: [{ base: '500.00', impuesto: '002', tipoFactor: 'Exento' }] },
      }),
    ],
    impuestos: { traslados: [{ base: '500.00', impuesto: '002', tipoFactor: 'Exento' }] },
  };
}

/**
 * Removes every amount completeComprobante computes (concept Importe, tax Base and Importe, the
 * comprobante Impuestos, SubTotal, Descuento, Total, implocal totals), keeping what a user writes: a
 * tax Base other than the default Importe − Descuento (IVA on a base that includes IEPS) stays.
 */
function asInput(c: Comprobante, keepLocalImportes: boolean): unknown {
  const { subTotal: _s, descuento: _d, total: _t, impuestos: _i, ...rest } = structuredClone(c);
  return {
    ...rest,
    conceptos: rest.conceptos.map(({ importe, impuestos, ...k }) => {
      const defaultBase = new Money(importe).minus(k.descuento ?? '0');
      const strip = (tax: { base: string; importe?: string | undefined }): Record<string, unknown> => {
        const { base, importe: _m, ...rest } = tax;
        return defaultBase.equals(base) ? rest : { ...rest, base };
      };
      return {
        ...k,
        ...(impuestos === undefined
          ? {}
          : {
              impuestos: {
                ...(impuestos.traslados === undefined ? {} : { traslados: impuestos.traslados.map(strip) }),
                ...(impuestos.retenciones === undefined
                  ? {}
                  : { retenciones: impuestos.retenciones.map(strip) }),
              },
            }),
      };
    }),
    complemento: rest.complemento?.map((item) => {
      if (!('impuestosLocales' in item)) return item;
      const { totaldeRetenciones: _r, totaldeTraslados: _tt, ...il } = item.impuestosLocales;
      if (keepLocalImportes) return { impuestosLocales: il };
      return {
        impuestosLocales: {
          ...il,
          ...(il.trasladosLocales === undefined
            ? {}
            : { trasladosLocales: il.trasladosLocales.map(({ importe: _m, ...l }) => l) }),
          ...(il.retencionesLocales === undefined
            ? {}
            : { retencionesLocales: il.retencionesLocales.map(({ importe: _m, ...l }) => l) }),
        },
      };
    }),
  };
}

/** Completes an input with completeComprobante, failing loudly if anything could not be computed. */
function generated(input: unknown): Comprobante {
  const { comprobante, issues } = completeComprobante(ComprobanteInputSchema.parse(input));
  if (issues.length > 0) throw new Error(`completeComprobante reported ${JSON.stringify(issues)}`);
  return comprobante;
}

/** {@link hotelInvoice} with every amount left out and filled by completeComprobante. */
export function generatedHotelInvoice(): Comprobante {
  return generated(asInput(hotelInvoice(), false));
}

/**
 * {@link mixedInvoice} with every amount left out and filled by completeComprobante, except the
 * concept Descuento (an input) and the Cedular Importe, which covers only part of the base.
 */
export function generatedMixedInvoice(): Comprobante {
  return generated(asInput(mixedInvoice(), true));
}

/** {@link satRoundingExample} with every amount left out and filled by completeComprobante. */
export function generatedSatRoundingExample(): Comprobante {
  return generated(asInput(satRoundingExample(), false));
}

/**
 * Valid bases by name, hand-made and generated. Each passes `ComprobanteSchema` (the tests check it)
 * and reports no issue from the three concept/tax checks.
 */
export const VALID_BASES: Readonly<Record<string, () => Comprobante>> = {
  hotel: hotelInvoice,
  mixed: mixedInvoice,
  satRounding: satRoundingExample,
  exentoOnly: exentoOnlyInvoice,
  generatedHotel: generatedHotelInvoice,
  generatedMixed: generatedMixedInvoice,
  generatedSatRounding: generatedSatRoundingExample,
};

/** Every issue the concept, impuestos and implocal checks report for `c`. */
export function conceptIssues(c: Comprobante): Issue[] {
  const ctx = makeContext(c);
  return [...checkConceptos(c, ctx), ...checkImpuestos(c, ctx), ...checkImpuestosLocales(c, ctx)];
}

/** A deep copy of `base` changed by `edit`: one mistake on a valid document. */
export function variant(base: Comprobante, edit: (c: Comprobante) => void): Comprobante {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

/** Parses a fixture with the complete model, so fixtures can never drift from the schema. */
export function parseComprobante(c: unknown): Comprobante {
  return ComprobanteSchema.parse(c);
}
