import { CfdiLayoutError } from '../errors.js';
import { error, type Issue } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import { Money } from '../money.js';
import { validateComprobante } from '../rules/index.js';
import { parseComprobante } from '../xml/parse.js';
import { renderComprobante } from '../xml/render.js';

/** Namespace of the TimbreFiscalDigital 1.1 complement. */
export const TFD_NAMESPACE = 'http://www.sat.gob.mx/TimbreFiscalDigital';

/** What the sandbox writes where a PAC writes seals, so no one mistakes its CFDIs for fiscal ones. */
export const SANDBOX_SELLO = 'SANDBOX-NO-FISCAL';

/** The TimbreFiscalDigital 1.1 `Leyenda` (12 to 150 characters) of every sandbox stamp. */
export const SANDBOX_LEYENDA = 'Timbre de prueba del sandbox de cfdi-layout: sin validez fiscal';

/** SAT's generic test RFC, standing in for the PAC's RfcProvCertif. */
export const SANDBOX_RFC_PROV_CERTIF = 'AAA010101AAA';

/** Identity of one sandbox stamp. */
export interface StampIdentity {
  /** Upper-case UUID. */
  readonly uuid: string;
  /** `YYYY-MM-DDTHH:MM:SS`. */
  readonly fechaTimbrado: string;
}

/** Formats an instant as SAT's t_FechaH (`2025-03-27T10:25:41`, no zone). */
export function fechaH(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function isTimbre(item: NonNullable<Comprobante['complemento']>[number]): boolean {
  return 'xml' in item && /(^|:)TimbreFiscalDigital$/.test(item.xml.name);
}

/** Adds a sandbox TimbreFiscalDigital to a comprobante and renders it. */
export function stampComprobante(c: Comprobante, stamp: StampIdentity): string {
  const timbre = {
    xml: {
      name: 'tfd:TimbreFiscalDigital',
      namespace: TFD_NAMESPACE,
      attributes: {
        'xsi:schemaLocation': `${TFD_NAMESPACE} http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd`,
        Version: '1.1',
        UUID: stamp.uuid,
        FechaTimbrado: stamp.fechaTimbrado,
        RfcProvCertif: SANDBOX_RFC_PROV_CERTIF,
        Leyenda: SANDBOX_LEYENDA,
        SelloCFD: SANDBOX_SELLO,
        NoCertificadoSAT: '00000000000000000000',
        SelloSAT: SANDBOX_SELLO,
      },
    },
  };
  return renderComprobante({ ...c, complemento: [...(c.complemento ?? []), timbre] });
}

/** A stamping answer: the stamped XML and its comprobante, or the issues that refuse it. */
export type StampResult =
  | { readonly ok: true; readonly xml: string; readonly comprobante: Comprobante }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/**
 * Stamps a pre-CFDI as a PAC would: read it, apply the SAT rules (CFDI40xxx), refuse one that is
 * already stamped, then add the sandbox timbre.
 */
export function stampXml(
  xml: string | Uint8Array,
  stamp: StampIdentity,
  validate: (c: Comprobante) => Issue[] = validateComprobante,
): StampResult {
  let comprobante: Comprobante;
  try {
    comprobante = parseComprobante(xml);
  } catch (err) {
    if (err instanceof CfdiLayoutError)
      return { ok: false, issues: [error(err.code, err.location?.path ?? [], err.message)] };
    throw err;
  }
  return stampParsed(comprobante, stamp, validate);
}

/** Stamps a comprobante already read (from a layout): SAT rules, no earlier timbre, then the sandbox timbre. */
export function stampParsed(
  comprobante: Comprobante,
  stamp: StampIdentity,
  validate: (c: Comprobante) => Issue[] = validateComprobante,
): StampResult {
  if (comprobante.complemento?.some(isTimbre) === true) {
    return { ok: false, issues: [error('307', ['complemento'], 'El CFDI contiene un timbre previo.')] };
  }
  const errors = validate(comprobante).filter((i) => i.severity === 'error');
  if (errors.length > 0) return { ok: false, issues: errors };
  try {
    return { ok: true, xml: stampComprobante(comprobante, stamp), comprobante };
  } catch (err) {
    if (err instanceof CfdiLayoutError)
      return { ok: false, issues: [error(err.code, err.location?.path ?? [], err.message)] };
    throw err;
  }
}

/** The receptor of a self-invoiced ticket. */
export interface TicketReceptor {
  readonly rfc: string;
  readonly nombre: string;
  readonly domicilioFiscalReceptor: string;
  readonly regimenFiscalReceptor: string;
  readonly usoCFDI: string;
}

/** SAT's published test taxpayers: the sandbox emisor, and the default receptor of a self-invoice. */
export const SANDBOX_EMISOR = {
  rfc: 'EKU9003173C9',
  nombre: 'ESCUELA KEMPER URGATE',
  regimenFiscal: '601',
} as const;

/** Default receptor of a self-invoiced ticket. */
export const SANDBOX_RECEPTOR: TicketReceptor = {
  rfc: 'URE180429TM6',
  nombre: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
  domicilioFiscalReceptor: '86991',
  regimenFiscalReceptor: '601',
  usoCFDI: 'G03',
};

/**
 * Splits a tax-included ticket amount into a base and 16 % IVA that add up to it: the base nearest
 * monto/1.16 whose rounded IVA completes the amount (C.3), searched a few cents either way.
 */
export function splitIva16(monto: string): { subtotal: string; iva: string } {
  const total = new Money(monto);
  const start = total.div('1.16').toDecimalPlaces(2);
  for (let step = 0; step <= 10; step++) {
    for (const sign of step === 0 ? [0] : [-1, 1]) {
      const base = start.plus(new Money(step * sign).div(100));
      const iva = base.times('0.16').toDecimalPlaces(2);
      if (base.plus(iva).eq(total)) return { subtotal: base.toFixed(2), iva: iva.toFixed(2) };
    }
  }
  return { subtotal: start.toFixed(2), iva: total.minus(start).toFixed(2) };
}

/** The comprobante of a self-invoiced ticket: one concept for the whole amount, IVA 16 % included. */
export function ticketComprobante(
  ticket: { numeroTicket: string; monto: string },
  receptor: TicketReceptor,
  fecha: string,
): Comprobante {
  const { subtotal, iva } = splitIva16(ticket.monto);
  const total = new Money(subtotal).plus(iva).toFixed(2);
  const traslado = {
    base: subtotal,
    impuesto: '002',
    tipoFactor: 'Tasa',
    tasaOCuota: '0.160000',
    importe: iva,
  };
  return {
    version: '4.0',
    serie: 'TCK',
    folio: ticket.numeroTicket.replace(/[^A-Za-z0-9]/g, '').slice(0, 40) || '1',
    fecha,
    formaPago: '01',
    subTotal: subtotal,
    moneda: 'MXN',
    total,
    tipoDeComprobante: 'I',
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '06000',
    emisor: { ...SANDBOX_EMISOR },
    receptor: { ...receptor },
    conceptos: [
      {
        claveProdServ: '01010101',
        cantidad: '1',
        claveUnidad: 'ACT',
        descripcion: `Ticket ${ticket.numeroTicket}`,
        valorUnitario: subtotal,
        importe: subtotal,
        objetoImp: '02',
        impuestos: { traslados: [traslado] },
      },
    ],
    impuestos: { totalImpuestosTrasladados: iva, traslados: [traslado] },
  };
}
