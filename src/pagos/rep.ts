import type { CfdiRelacionados, Comprobante, Emisor, Receptor } from '../model/comprobante.js';
import type { Pagos } from '../model/pagos.js';

/*
 * The comprobante that carries a Pagos 2.0 complement (a recibo electrónico de pago, REP), as
 * Anexo 20's Guía de llenado for tipo P fixes it: SubTotal 0 and Total 0 in Moneda XXX, no
 * FormaPago, MetodoPago, CondicionesDePago, Descuento, TipoCambio or Impuestos; one concepto with
 * ClaveProdServ 84111506, Cantidad 1, ClaveUnidad ACT, Descripcion "Pago", ValorUnitario and Importe
 * 0 and ObjetoImp 01; the receptor's UsoCFDI CP01. Everything the payment says is in the complement.
 */

/** What a REP's comprobante takes besides its complement. */
export interface RepHeader {
  readonly serie?: string;
  readonly folio?: string;
  /** When the REP is issued (not the payment's FechaPago). */
  readonly fecha: string;
  readonly lugarExpedicion: string;
  readonly emisor: Emisor;
  /** The receptor of the paid invoices; its UsoCFDI is always CP01. */
  readonly receptor: Omit<Receptor, 'usoCFDI'>;
  /** A REP that replaces another (TipoRelacion 04). */
  readonly cfdiRelacionados?: readonly CfdiRelacionados[];
}

/** The tipo P comprobante of a Pagos 2.0 complement. */
export function repComprobante(header: RepHeader, pagos: Pagos): Comprobante {
  return {
    version: '4.0',
    ...(header.serie === undefined ? {} : { serie: header.serie }),
    ...(header.folio === undefined ? {} : { folio: header.folio }),
    fecha: header.fecha,
    subTotal: '0',
    moneda: 'XXX',
    total: '0',
    tipoDeComprobante: 'P',
    exportacion: '01',
    lugarExpedicion: header.lugarExpedicion,
    ...(header.cfdiRelacionados === undefined ? {} : { cfdiRelacionados: [...header.cfdiRelacionados] }),
    emisor: { ...header.emisor },
    receptor: { ...header.receptor, usoCFDI: 'CP01' },
    conceptos: [
      {
        claveProdServ: '84111506',
        cantidad: '1',
        claveUnidad: 'ACT',
        descripcion: 'Pago',
        valorUnitario: '0',
        importe: '0',
        objetoImp: '01',
      },
    ],
    complemento: [{ pagos }],
  };
}
