import { z } from 'zod';

/*
 * The Complemento para recepción de Pagos 2.0 (pago20:Pagos, SAT's Pagos20.xsd) as JSON, named the
 * way src/model names the comprobante: fields are the XSD attribute names with the first letter
 * lowered (FormaDePagoP → formaDePagoP, TotalTrasladosBaseIVA16 → totalTrasladosBaseIVA16) and
 * containers of repeated nodes become arrays named after the container (RetencionesDR/RetencionDR →
 * retencionesDR). A repeatable node without a container becomes an array named after the node
 * (Pago → pago, DoctoRelacionado → doctoRelacionado). Amounts are strings kept exactly as written.
 * Only the shape is checked here; patterns, catalogs and arithmetic are rules (./rules.ts), so a
 * document that breaks SAT rules is still carried and can be reported.
 */

const Text = z.string();
/** An amount: a string, kept as written (`0.160000` stays `0.160000`). */
const Amount = z.string();

/** pago20:Totales: the payments' totals in MXN (CRP20201–CRP20211). */
export const TotalesSchema = z.strictObject({
  totalRetencionesIVA: Amount.optional(),
  totalRetencionesISR: Amount.optional(),
  totalRetencionesIEPS: Amount.optional(),
  totalTrasladosBaseIVA16: Amount.optional(),
  totalTrasladosImpuestoIVA16: Amount.optional(),
  totalTrasladosBaseIVA8: Amount.optional(),
  totalTrasladosImpuestoIVA8: Amount.optional(),
  totalTrasladosBaseIVA0: Amount.optional(),
  totalTrasladosImpuestoIVA0: Amount.optional(),
  totalTrasladosBaseIVAExento: Amount.optional(),
  montoTotalPagos: Amount,
});

/** pago20:RetencionDR: a withholding of the related document, prorated to the payment. */
export const RetencionDRSchema = z.strictObject({
  baseDR: Amount,
  impuestoDR: Text,
  tipoFactorDR: Text,
  tasaOCuotaDR: Text,
  importeDR: Amount,
});

/** pago20:TrasladoDR: a transferred tax of the related document; Exento has no tasa and no importe. */
export const TrasladoDRSchema = z.strictObject({
  baseDR: Amount,
  impuestoDR: Text,
  tipoFactorDR: Text,
  tasaOCuotaDR: Text.optional(),
  importeDR: Amount.optional(),
});

/** pago20:ImpuestosDR. */
export const ImpuestosDRSchema = z.strictObject({
  retencionesDR: z.array(RetencionDRSchema).min(1).optional(),
  trasladosDR: z.array(TrasladoDRSchema).min(1).optional(),
});

/** pago20:DoctoRelacionado: one invoice the payment settles, amounts in MonedaDR. */
export const DoctoRelacionadoSchema = z.strictObject({
  idDocumento: Text,
  serie: Text.optional(),
  folio: Text.optional(),
  monedaDR: Text,
  equivalenciaDR: Amount.optional(),
  numParcialidad: Text,
  impSaldoAnt: Amount,
  impPagado: Amount,
  impSaldoInsoluto: Amount,
  objetoImpDR: Text,
  impuestosDR: ImpuestosDRSchema.optional(),
});

/** pago20:RetencionP: one per ImpuestoP (CRP20263). */
export const RetencionPSchema = z.strictObject({ impuestoP: Text, importeP: Amount });

/** pago20:TrasladoP: one per ImpuestoP, TipoFactorP and TasaOCuotaP (CRP20271). */
export const TrasladoPSchema = z.strictObject({
  baseP: Amount,
  impuestoP: Text,
  tipoFactorP: Text,
  tasaOCuotaP: Text.optional(),
  importeP: Amount.optional(),
});

/** pago20:ImpuestosP: the payment's taxes, in MonedaP. */
export const ImpuestosPSchema = z.strictObject({
  retencionesP: z.array(RetencionPSchema).min(1).optional(),
  trasladosP: z.array(TrasladoPSchema).min(1).optional(),
});

/** pago20:Pago: one payment received. */
export const PagoSchema = z.strictObject({
  fechaPago: Text,
  formaDePagoP: Text,
  monedaP: Text,
  tipoCambioP: Amount.optional(),
  monto: Amount,
  numOperacion: Text.optional(),
  rfcEmisorCtaOrd: Text.optional(),
  nomBancoOrdExt: Text.optional(),
  ctaOrdenante: Text.optional(),
  rfcEmisorCtaBen: Text.optional(),
  ctaBeneficiario: Text.optional(),
  tipoCadPago: Text.optional(),
  certPago: Text.optional(),
  cadPago: Text.optional(),
  selloPago: Text.optional(),
  doctoRelacionado: z.array(DoctoRelacionadoSchema).min(1),
  impuestosP: ImpuestosPSchema.optional(),
});

/** pago20:Pagos, Version 2.0. */
export const PagosSchema = z.strictObject({
  version: z.literal('2.0'),
  totales: TotalesSchema,
  pago: z.array(PagoSchema).min(1),
});

/** pago20:Totales. */
export type Totales = z.infer<typeof TotalesSchema>;
/** pago20:RetencionDR. */
export type RetencionDR = z.infer<typeof RetencionDRSchema>;
/** pago20:TrasladoDR. */
export type TrasladoDR = z.infer<typeof TrasladoDRSchema>;
/** pago20:ImpuestosDR. */
export type ImpuestosDR = z.infer<typeof ImpuestosDRSchema>;
/** pago20:DoctoRelacionado. */
export type DoctoRelacionado = z.infer<typeof DoctoRelacionadoSchema>;
/** pago20:RetencionP. */
export type RetencionP = z.infer<typeof RetencionPSchema>;
/** pago20:TrasladoP. */
export type TrasladoP = z.infer<typeof TrasladoPSchema>;
/** pago20:ImpuestosP. */
export type ImpuestosP = z.infer<typeof ImpuestosPSchema>;
/** pago20:Pago. */
export type Pago = z.infer<typeof PagoSchema>;
/** pago20:Pagos 2.0. */
export type Pagos = z.infer<typeof PagosSchema>;
