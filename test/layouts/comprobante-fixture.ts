import type { Comprobante } from '../../src/model/comprobante.js';
import { computePagosOrThrow, repComprobante } from '../../src/pagos/index.js';

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

/**
 * A small REP (tipo P with Pagos 2.0) used by the layout tests: a transfer in MXN settling in full an IVA 16%
 * invoice with ISR withheld and, in part, a USD invoice with IVA 0% and an exempt line; then a USD
 * payment settling the second installment of an IVA 8% invoice.
 */
export function sampleRep(): Comprobante {
  const pagos = computePagosOrThrow({
    pago: [
      {
        fechaPago: '2024-05-01T12:00:00',
        formaDePagoP: '03',
        monedaP: 'MXN',
        tipoCambioP: '1',
        monto: '13300.00',
        numOperacion: '0000123456',
        rfcEmisorCtaOrd: 'BBA830831LJ2',
        ctaOrdenante: '012180001234567897',
        rfcEmisorCtaBen: 'BSM970519DU8',
        ctaBeneficiario: '014180655012345678',
        doctoRelacionado: [
          {
            idDocumento: '9f0c4a4e-7c2b-4b1e-9d3a-2a1f6c8e5b10',
            serie: 'A',
            folio: '1024',
            monedaDR: 'MXN',
            equivalenciaDR: '1',
            numParcialidad: '1',
            impSaldoAnt: '11600.00',
            impPagado: '11600.00',
            objetoImpDR: '02',
            traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
            retenciones: [{ impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000' }],
          },
          {
            idDocumento: '1b7d2e90-3c4f-4a5b-8e6d-7f8a9b0c1d2e',
            serie: 'B',
            folio: '88',
            monedaDR: 'USD',
            equivalenciaDR: '0.058824',
            numParcialidad: '1',
            impSaldoAnt: '250.00',
            impPagado: '100.00',
            objetoImpDR: '02',
            traslados: [
              { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000', baseDR: '60.00' },
              { impuesto: '002', tipoFactor: 'Exento', baseDR: '40.00' },
            ],
          },
        ],
      },
      {
        fechaPago: '2024-05-15T09:30:00',
        formaDePagoP: '02',
        monedaP: 'USD',
        tipoCambioP: '17.0500',
        monto: '540.00',
        doctoRelacionado: [
          {
            idDocumento: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
            monedaDR: 'USD',
            equivalenciaDR: '1',
            numParcialidad: '2',
            impSaldoAnt: '1080.00',
            impPagado: '540.00',
            objetoImpDR: '02',
            traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.080000' }],
          },
        ],
      },
    ],
  });
  return repComprobante(
    {
      serie: 'P',
      folio: '301',
      fecha: '2024-05-16T10:00:00',
      lugarExpedicion: '06000',
      emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
      receptor: {
        rfc: 'URE180429TM6',
        nombre: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
        domicilioFiscalReceptor: '65000',
        regimenFiscalReceptor: '601',
      },
    },
    pagos,
  );
}
