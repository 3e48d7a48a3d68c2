import type { Comprobante } from '../../src/model/comprobante.js';

/** A small complete CFDI 4.0 ingreso (IVA 16%, ISH 3% in implocal) used by the layout tests. */
export function sampleComprobante(): Comprobante {
  return {
    version: '4.0',
    serie: 'A',
    folio: '1024',
    fecha: '2024-05-01T10:30:00',
    formaPago: '01',
    subTotal: '2000.00',
    moneda: 'MXN',
    total: '2380.00',
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '06000',
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'URE180429TM6',
      nombre: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
      domicilioFiscalReceptor: '65000',
      regimenFiscalReceptor: '601',
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
