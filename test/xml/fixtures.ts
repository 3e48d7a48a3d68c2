import type { Comprobante } from '../../src/model/comprobante.js';

/*
 * Complete models built by hand, amounts worked out as SAT sums them (concept taxes rounded half
 * up, comprobante taxes the sum of concept taxes, Total = SubTotal − Descuento + trasladados −
 * retenidos + locales). They render to the samples in samples/xml/.
 */

const EMISOR = { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' };

const RECEPTOR = {
  rfc: 'URE180429TM6',
  nombre: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
  domicilioFiscalReceptor: '86991',
  regimenFiscalReceptor: '601',
  usoCFDI: 'G03',
};

const IVA16 = { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' };

/** A plain invoice: two conceptos with IVA 16 %, a folio with leading zeros, a description that needs escaping. */
export function facturaIva16(): Comprobante {
  return {
    version: '4.0',
    serie: 'F',
    folio: '000123',
    fecha: '2024-05-14T10:30:00',
    formaPago: '03',
    condicionesDePago: 'Contado',
    subTotal: '31250.50',
    moneda: 'MXN',
    total: '36250.58',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '64000',
    emisor: { ...EMISOR },
    receptor: { ...RECEPTOR },
    conceptos: [
      {
        claveProdServ: '43211503',
        noIdentificacion: 'LAP-14-001',
        cantidad: '2',
        claveUnidad: 'H87',
        unidad: 'Pieza',
        descripcion: 'Laptop 14" & cargador <65 W>',
        valorUnitario: '15000.00',
        importe: '30000.00',
        objetoImp: '02',
        impuestos: { traslados: [{ base: '30000.00', ...IVA16, importe: '4800.00' }] },
      },
      {
        claveProdServ: '81111811',
        cantidad: '1',
        claveUnidad: 'E48',
        unidad: 'Servicio',
        descripcion: 'Instalación y configuración',
        valorUnitario: '1250.50',
        importe: '1250.50',
        objetoImp: '02',
        impuestos: { traslados: [{ base: '1250.50', ...IVA16, importe: '200.08' }] },
      },
    ],
    impuestos: {
      totalImpuestosTrasladados: '5000.08',
      traslados: [{ base: '31250.50', ...IVA16, importe: '5000.08' }],
    },
  };
}

/** A hotel stay (cfdi40-rules B): 2 nights at 1000.00, IVA 16 % and ISH 3 % in implocal. */
export function hotelIsh(): Comprobante {
  return {
    version: '4.0',
    serie: 'H',
    folio: '2087',
    fecha: '2024-07-02T12:05:41',
    formaPago: '04',
    subTotal: '2000.00',
    moneda: 'MXN',
    total: '2380.00',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '77500',
    emisor: { ...EMISOR },
    receptor: { ...RECEPTOR },
    conceptos: [
      {
        claveProdServ: '90111800',
        cantidad: '2',
        claveUnidad: 'E48',
        unidad: 'Noche',
        descripcion: 'Hospedaje habitación doble',
        valorUnitario: '1000.00',
        importe: '2000.00',
        objetoImp: '02',
        impuestos: { traslados: [{ base: '2000.00', ...IVA16, importe: '320.00' }] },
      },
    ],
    impuestos: {
      totalImpuestosTrasladados: '320.00',
      traslados: [{ base: '2000.00', ...IVA16, importe: '320.00' }],
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
 * Professional services of a persona física to a company: IVA 16 % with ISR 10 % and IVA two-thirds
 * withheld, one exempt concepto (no TasaOCuota, no Importe) and one at IVA 0 %.
 */
export function exentoIva0Retenciones(): Comprobante {
  return {
    version: '4.0',
    serie: 'HP',
    folio: '57',
    fecha: '2024-03-01T09:00:00',
    formaPago: '99',
    subTotal: '10800.00',
    moneda: 'MXN',
    total: '10333.33',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PPD',
    lugarExpedicion: '03100',
    emisor: { rfc: 'XIQB891116QE4', nombre: 'BERENICE XIMO QUEZADA', regimenFiscal: '612' },
    receptor: {
      ...RECEPTOR,
      rfc: 'EKU9003173C9',
      nombre: 'ESCUELA KEMPER URGATE',
      domicilioFiscalReceptor: '26015',
    },
    conceptos: [
      {
        claveProdServ: '80111600',
        cantidad: '1',
        claveUnidad: 'E48',
        descripcion: 'Asesoría fiscal, marzo 2024',
        valorUnitario: '10000.00',
        importe: '10000.00',
        objetoImp: '02',
        impuestos: {
          traslados: [{ base: '10000.00', ...IVA16, importe: '1600.00' }],
          retenciones: [
            {
              base: '10000.00',
              impuesto: '001',
              tipoFactor: 'Tasa',
              tasaOCuota: '0.100000',
              importe: '1000.00',
            },
            {
              base: '10000.00',
              impuesto: '002',
              tipoFactor: 'Tasa',
              tasaOCuota: '0.106667',
              importe: '1066.67',
            },
          ],
        },
      },
      {
        claveProdServ: '85121800',
        cantidad: '1',
        claveUnidad: 'E48',
        descripcion: 'Consulta médica',
        valorUnitario: '500.00',
        importe: '500.00',
        objetoImp: '02',
        impuestos: { traslados: [{ base: '500.00', impuesto: '002', tipoFactor: 'Exento' }] },
      },
      {
        claveProdServ: '50192100',
        cantidad: '3',
        claveUnidad: 'H87',
        descripcion: 'Botana',
        valorUnitario: '100.00',
        importe: '300.00',
        objetoImp: '02',
        impuestos: {
          traslados: [
            { base: '300.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
          ],
        },
      },
    ],
    impuestos: {
      totalImpuestosRetenidos: '2066.67',
      totalImpuestosTrasladados: '1600.00',
      retenciones: [
        { impuesto: '001', importe: '1000.00' },
        { impuesto: '002', importe: '1066.67' },
      ],
      traslados: [
        { base: '10000.00', ...IVA16, importe: '1600.00' },
        { base: '300.00', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
        { base: '500.00', impuesto: '002', tipoFactor: 'Exento' },
      ],
    },
  };
}

/** A daily factura global to público en general: three tickets, two at IVA 16 %, one at IVA 0 %. */
export function facturaGlobal(): Comprobante {
  const ticket = (folio: string, base: string, iva: { tasaOCuota: string; importe: string }) => ({
    claveProdServ: '01010101',
    noIdentificacion: folio,
    cantidad: '1',
    claveUnidad: 'ACT',
    descripcion: 'Venta',
    valorUnitario: base,
    importe: base,
    objetoImp: '02',
    impuestos: { traslados: [{ base, impuesto: '002', tipoFactor: 'Tasa', ...iva }] },
  });
  return {
    version: '4.0',
    serie: 'G',
    folio: '20240514',
    fecha: '2024-05-15T08:00:00',
    formaPago: '01',
    subTotal: '185.50',
    moneda: 'MXN',
    total: '209.50',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '64000',
    informacionGlobal: { periodicidad: '01', meses: '05', año: '2024' },
    emisor: { ...EMISOR },
    receptor: {
      rfc: 'XAXX010101000',
      nombre: 'PUBLICO EN GENERAL',
      domicilioFiscalReceptor: '64000',
      regimenFiscalReceptor: '616',
      usoCFDI: 'S01',
    },
    conceptos: [
      ticket('T-000101', '100.00', { tasaOCuota: '0.160000', importe: '16.00' }),
      ticket('T-000102', '50.00', { tasaOCuota: '0.160000', importe: '8.00' }),
      ticket('T-000103', '35.50', { tasaOCuota: '0.000000', importe: '0.00' }),
    ],
    impuestos: {
      totalImpuestosTrasladados: '24.00',
      traslados: [
        { base: '150.00', ...IVA16, importe: '24.00' },
        { base: '35.50', impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', importe: '0.00' },
      ],
    },
  };
}
