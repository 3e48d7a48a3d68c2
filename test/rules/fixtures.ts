import { expect } from 'vitest';
import type { Issue } from '../../src/issues.js';
import type { Comprobante } from '../../src/model/comprobante.js';

/*
 * Shared builders for the rule tests: valid comprobantes written out by hand, every amount computed
 * on paper (the arithmetic is in the comments), so that a rule's test does not depend on the code
 * that fills amounts in. Each builder returns a fresh copy the test may mutate.
 */

/**
 * An ingreso in MXN from a persona física (612) to a persona moral (601): three conceptos with a
 * concept Descuento, IVA 16 %, ISR 10 % and IVA 2/3 withheld, and an ObjetoImp 01 line.
 *
 * - Concepto 0: 2 × 50.00 = 100.00, Descuento 10.00, IVA on 90.00 = 14.40.
 * - Concepto 1: 1 × 200.50, IVA 32.08, ISR 20.05, IVA retenido 200.50 × 0.106667 = 21.3867 → 21.39.
 * - Concepto 2: 3 × 10.00 = 30.00, not taxed.
 * - SubTotal 330.50, Descuento 10.00, traslados 46.48 (base 290.50), retenciones 20.05 + 21.39 = 41.44.
 * - Total 330.50 − 10.00 + 46.48 − 41.44 = 325.54.
 */
export function baseComprobante(): Comprobante {
  return {
    version: '4.0',
    serie: 'A',
    folio: '1001',
    fecha: '2024-05-15T10:30:00',
    formaPago: '03',
    condicionesDePago: 'Contado',
    subTotal: '330.50',
    descuento: '10.00',
    moneda: 'MXN',
    tipoCambio: '1',
    total: '325.54',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '64000',
    cfdiRelacionados: [
      { tipoRelacion: '04', cfdiRelacionado: [{ uUID: '5FB2822E-396D-4725-8521-CDC4BDD20CCF' }] },
    ],
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
        claveProdServ: '43211706',
        noIdentificacion: 'SKU-1',
        cantidad: '2',
        claveUnidad: 'H87',
        unidad: 'Pieza',
        descripcion: 'Teclado',
        valorUnitario: '50.00',
        importe: '100.00',
        descuento: '10.00',
        objetoImp: '02',
        impuestos: {
          traslados: [
            { base: '90.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '14.40' },
          ],
        },
      },
      {
        claveProdServ: '80111600',
        cantidad: '1',
        claveUnidad: 'E48',
        descripcion: 'Servicio de consultoría',
        valorUnitario: '200.50',
        importe: '200.50',
        objetoImp: '02',
        impuestos: {
          traslados: [
            { base: '200.50', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '32.08' },
          ],
          retenciones: [
            { base: '200.50', impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000', importe: '20.05' },
            { base: '200.50', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.106667', importe: '21.39' },
          ],
        },
      },
      {
        claveProdServ: '01010101',
        cantidad: '3',
        claveUnidad: 'H87',
        descripcion: 'Cargo por manejo',
        valorUnitario: '10.00',
        importe: '30.00',
        objetoImp: '01',
      },
    ],
    impuestos: {
      totalImpuestosRetenidos: '41.44',
      totalImpuestosTrasladados: '46.48',
      retenciones: [
        { impuesto: '001', importe: '20.05' },
        { impuesto: '002', importe: '21.39' },
      ],
      traslados: [
        { base: '290.50', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '46.48' },
      ],
    },
  };
}

/**
 * A daily factura global (Guía de llenado del CFDI global): two tickets to PUBLICO EN GENERAL.
 *
 * - Ticket T-0001: 86.21 + IVA 13.79 (86.21 × 0.16 = 13.7936) = 100.00.
 * - Ticket T-0002: 100.00 + IVA 16.00 = 116.00.
 * - SubTotal 186.21, traslado base 186.21, IVA 29.79, Total 216.00.
 */
export function globalComprobante(): Comprobante {
  const ticket = (folio: string, base: string, iva: string) => ({
    claveProdServ: '01010101',
    noIdentificacion: folio,
    cantidad: '1',
    claveUnidad: 'ACT',
    descripcion: 'Venta',
    valorUnitario: base,
    importe: base,
    objetoImp: '02',
    impuestos: {
      traslados: [{ base, impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: iva }],
    },
  });
  return {
    version: '4.0',
    serie: 'G',
    folio: '20240515',
    fecha: '2024-05-16T09:00:00',
    formaPago: '01',
    subTotal: '186.21',
    moneda: 'MXN',
    total: '216.00',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '64000',
    informacionGlobal: { periodicidad: '01', meses: '05', año: '2024' },
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'XAXX010101000',
      nombre: 'PUBLICO EN GENERAL',
      domicilioFiscalReceptor: '64000',
      regimenFiscalReceptor: '616',
      usoCFDI: 'S01',
    },
    conceptos: [ticket('T-0001', '86.21', '13.79'), ticket('T-0002', '100.00', '16.00')],
    impuestos: {
      totalImpuestosTrasladados: '29.79',
      traslados: [
        { base: '186.21', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000', importe: '29.79' },
      ],
    },
  };
}

/**
 * A service billed in USD to a foreign receptor (XEXX010101000, resident in the USA) at IVA 0 %:
 * 4 × 250.00 = 1000.00, IVA 0.00, Total 1000.00, TipoCambio 17.0520.
 */
export function extranjeroComprobante(): Comprobante {
  return {
    version: '4.0',
    serie: 'X',
    folio: '77',
    fecha: '2024-05-15T12:00:00',
    formaPago: '03',
    subTotal: '1000.00',
    moneda: 'USD',
    tipoCambio: '17.0520',
    total: '1000.00',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '64000',
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'XEXX010101000',
      nombre: 'ACME CORPORATION',
      domicilioFiscalReceptor: '64000',
      residenciaFiscal: 'USA',
      numRegIdTrib: '123456789',
      regimenFiscalReceptor: '616',
      usoCFDI: 'S01',
    },
    conceptos: [
      {
        claveProdServ: '81111500',
        cantidad: '4',
        claveUnidad: 'E48',
        descripcion: 'Software engineering hours',
        valorUnitario: '250.00',
        importe: '1000.00',
        objetoImp: '02',
        impuestos: {
          traslados: [
            { base: '1000.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
          ],
        },
      },
    ],
    impuestos: {
      totalImpuestosTrasladados: '0.00',
      traslados: [
        { base: '1000.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
      ],
    },
  };
}

/**
 * A hotel night with ISH in implocal (rules doc B): 2000.00 + IVA 320.00 + ISH 3 % 60.00 = 2380.00.
 */
export function hotelComprobante(): Comprobante {
  return {
    version: '4.0',
    fecha: '2024-05-15T12:00:00',
    formaPago: '04',
    subTotal: '2000.00',
    moneda: 'MXN',
    total: '2380.00',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '77500',
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'CACX7605101P8',
      nombre: 'XOCHILT CASAS CHAVEZ',
      domicilioFiscalReceptor: '36257',
      regimenFiscalReceptor: '612',
      usoCFDI: 'G03',
    },
    conceptos: [
      {
        claveProdServ: '90111800',
        cantidad: '1',
        claveUnidad: 'E48',
        descripcion: 'Hospedaje',
        valorUnitario: '2000.00',
        importe: '2000.00',
        objetoImp: '02',
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
      },
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
 * A Traslado (TipoDeComprobante T) moving goods between branches: no FormaPago, no MetodoPago, no
 * Impuestos, SubTotal and Total 0 (CFDI40103, 40109, 40125, 40201).
 */
export function trasladoComprobante(): Comprobante {
  return {
    version: '4.0',
    fecha: '2024-05-15T08:00:00',
    subTotal: '0',
    moneda: 'MXN',
    total: '0',
    tipoDeComprobante: 'T',
    exportacion: '01',
    lugarExpedicion: '64000',
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'EKU9003173C9',
      nombre: 'ESCUELA KEMPER URGATE',
      domicilioFiscalReceptor: '64000',
      regimenFiscalReceptor: '601',
      usoCFDI: 'S01',
    },
    conceptos: [
      {
        claveProdServ: '43211706',
        cantidad: '10',
        claveUnidad: 'H87',
        descripcion: 'Teclados',
        valorUnitario: '0',
        importe: '0',
        objetoImp: '01',
      },
    ],
  };
}

/** The Comercio Exterior 2.0 complement as the model carries an unknown complement: verbatim. */
export const COMERCIO_EXTERIOR_20 = {
  xml: {
    name: 'cce20:ComercioExterior',
    namespace: 'http://www.sat.gob.mx/ComercioExterior20',
    attributes: { Version: '2.0' },
  },
} as const;

/** The valid documents every rule must accept without errors. */
export const VALID_FIXTURES: ReadonlyArray<readonly [string, () => Comprobante]> = [
  ['base ingreso', baseComprobante],
  ['factura global', globalComprobante],
  ['extranjero USD', extranjeroComprobante],
  ['hotel with implocal', hotelComprobante],
  ['traslado', trasladoComprobante],
];

/** A mutable view of a comprobante, for one-mistake variants that break the model's types on purpose. */
export type Mutable = Record<string, unknown> & Comprobante;

/** One mistake applied to a valid document, with the SAT code and path a PAC would report. */
export interface OneMistake {
  readonly name: string;
  readonly code: string;
  readonly path: ReadonlyArray<string | number>;
  readonly build: () => Comprobante;
}

/** Builds a one-mistake variant: a fresh document from `fixture`, changed in place by `mutate`. */
export function variant(fixture: () => Comprobante, mutate: (c: Mutable) => void): () => Comprobante {
  return () => {
    const c = fixture() as Mutable;
    mutate(c);
    return c;
  };
}

/** The error-severity issues of a list. */
export function errorsOf(issues: readonly Issue[]): Issue[] {
  return issues.filter((issue) => issue.severity === 'error');
}

/** Asserts that `issues` holds `code` at exactly `path`. */
export function expectIssue(
  issues: readonly Issue[],
  code: string,
  path: ReadonlyArray<string | number>,
): void {
  const found = issues.some(
    (issue) => issue.code === code && JSON.stringify(issue.path) === JSON.stringify(path),
  );
  expect(
    found,
    `expected ${code} at ${path.join('.')}; got ${JSON.stringify(issues.map((i) => `${i.code}@${i.path.join('.')}`))}`,
  ).toBe(true);
}
