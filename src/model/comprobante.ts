import { z } from 'zod';
import { amountFromJson } from '../taxes/money.js';
import { XmlElementSchema } from './xml-element.js';

/*
 * The CFDI 4.0 comprobante as JSON. Types take the Anexo 20 node names; fields take the XSD
 * attribute name with the first letter lowered (ClaveProdServ → claveProdServ, UUID → uUID,
 * Año → año); containers of repeated nodes become arrays named after the container
 * (Conceptos/Concepto → conceptos); a repeatable node without a container becomes an array named
 * after the node (InformacionAduanera → informacionAduanera). Amounts are strings, kept exactly as
 * written. The shape is checked here; patterns, catalogs and arithmetic are rules (src/rules), so a
 * document that breaks SAT rules is still carried.
 *
 * Two schema families: the complete model (what XML parsing yields and XML rendering needs) and the
 * input model, in which every computed amount may be omitted and amounts may be exact JSON numbers.
 */

/** A text value. */
const Text = z.string();
/** An amount in the complete model: a string, kept as written. */
const Amount = z.string();
/** An amount on input: a string, or a JSON number only when it is exact (`123.45`). */
const AmountIn = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return amountFromJson(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
    return z.NEVER;
  }
});

export const InformacionGlobalSchema = z.strictObject({
  periodicidad: Text,
  meses: Text,
  año: Text,
});

export const CfdiRelacionadoSchema = z.strictObject({ uUID: Text });

export const CfdiRelacionadosSchema = z.strictObject({
  tipoRelacion: Text,
  cfdiRelacionado: z.array(CfdiRelacionadoSchema).min(1),
});

export const EmisorSchema = z.strictObject({
  rfc: Text,
  nombre: Text,
  regimenFiscal: Text,
  facAtrAdquirente: Text.optional(),
});

export const ReceptorSchema = z.strictObject({
  rfc: Text,
  nombre: Text,
  domicilioFiscalReceptor: Text,
  residenciaFiscal: Text.optional(),
  numRegIdTrib: Text.optional(),
  regimenFiscalReceptor: Text,
  usoCFDI: Text,
});

/** A concept-level Traslado. Exento carries no tasaOCuota and no importe (CFDI40177). */
export const TrasladoSchema = z.strictObject({
  base: Amount,
  impuesto: Text,
  tipoFactor: Text,
  tasaOCuota: Text.optional(),
  importe: Amount.optional(),
});

/** A concept-level Retencion. */
export const RetencionSchema = z.strictObject({
  base: Amount,
  impuesto: Text,
  tipoFactor: Text,
  tasaOCuota: Text,
  importe: Amount,
});

export const ConceptoImpuestosSchema = z.strictObject({
  traslados: z.array(TrasladoSchema).min(1).optional(),
  retenciones: z.array(RetencionSchema).min(1).optional(),
});

export const ACuentaTercerosSchema = z.strictObject({
  rfcACuentaTerceros: Text,
  nombreACuentaTerceros: Text,
  regimenFiscalACuentaTerceros: Text,
  domicilioFiscalACuentaTerceros: Text,
});

export const InformacionAduaneraSchema = z.strictObject({ numeroPedimento: Text });

export const CuentaPredialSchema = z.strictObject({ numero: Text });

export const ParteSchema = z.strictObject({
  claveProdServ: Text,
  noIdentificacion: Text.optional(),
  cantidad: Amount,
  unidad: Text.optional(),
  descripcion: Text,
  valorUnitario: Amount.optional(),
  importe: Amount.optional(),
  informacionAduanera: z.array(InformacionAduaneraSchema).min(1).optional(),
});

export const ConceptoSchema = z.strictObject({
  claveProdServ: Text,
  noIdentificacion: Text.optional(),
  cantidad: Amount,
  claveUnidad: Text,
  unidad: Text.optional(),
  descripcion: Text,
  valorUnitario: Amount,
  importe: Amount,
  descuento: Amount.optional(),
  objetoImp: Text,
  impuestos: ConceptoImpuestosSchema.optional(),
  aCuentaTerceros: ACuentaTercerosSchema.optional(),
  informacionAduanera: z.array(InformacionAduaneraSchema).min(1).optional(),
  cuentaPredial: z.array(CuentaPredialSchema).min(1).optional(),
  complementoConcepto: z.array(XmlElementSchema).optional(),
  parte: z.array(ParteSchema).min(1).optional(),
});

/** A comprobante-level Retencion: one per Impuesto (CFDI40208). */
export const ComprobanteRetencionSchema = z.strictObject({ impuesto: Text, importe: Amount });

/** A comprobante-level Traslado: one per Impuesto, TipoFactor and TasaOCuota (CFDI40218). */
export const ComprobanteTrasladoSchema = z.strictObject({
  base: Amount,
  impuesto: Text,
  tipoFactor: Text,
  tasaOCuota: Text.optional(),
  importe: Amount.optional(),
});

export const ComprobanteImpuestosSchema = z.strictObject({
  totalImpuestosRetenidos: Amount.optional(),
  totalImpuestosTrasladados: Amount.optional(),
  retenciones: z.array(ComprobanteRetencionSchema).min(1).optional(),
  traslados: z.array(ComprobanteTrasladoSchema).min(1).optional(),
});

export const RetencionLocalSchema = z.strictObject({
  impLocRetenido: Text,
  tasadeRetencion: Amount,
  importe: Amount,
});

export const TrasladoLocalSchema = z.strictObject({
  impLocTrasladado: Text,
  tasadeTraslado: Amount,
  importe: Amount,
});

/** Complemento implocal:ImpuestosLocales 1.0 (ISH and other local taxes). Rates are percentages. */
export const ImpuestosLocalesSchema = z.strictObject({
  version: z.literal('1.0'),
  totaldeRetenciones: Amount,
  totaldeTraslados: Amount,
  retencionesLocales: z.array(RetencionLocalSchema).min(1).optional(),
  trasladosLocales: z.array(TrasladoLocalSchema).min(1).optional(),
});

/** One child of cfdi:Complemento: the implocal complement, typed, or any other element verbatim. */
export const ComplementoItemSchema = z.union([
  z.strictObject({ impuestosLocales: ImpuestosLocalesSchema }),
  z.strictObject({ xml: XmlElementSchema }),
]);

const comprobanteShape = {
  version: z.literal('4.0'),
  serie: Text.optional(),
  folio: Text.optional(),
  fecha: Text,
  sello: Text.optional(),
  formaPago: Text.optional(),
  noCertificado: Text.optional(),
  certificado: Text.optional(),
  condicionesDePago: Text.optional(),
  subTotal: Amount,
  descuento: Amount.optional(),
  moneda: Text,
  tipoCambio: Text.optional(),
  total: Amount,
  tipoDeComprobante: Text,
  exportacion: Text,
  metodoPago: Text.optional(),
  lugarExpedicion: Text,
  confirmacion: Text.optional(),
  informacionGlobal: InformacionGlobalSchema.optional(),
  cfdiRelacionados: z.array(CfdiRelacionadosSchema).min(1).optional(),
  emisor: EmisorSchema,
  receptor: ReceptorSchema,
  conceptos: z.array(ConceptoSchema).min(1),
  impuestos: ComprobanteImpuestosSchema.optional(),
  complemento: z.array(ComplementoItemSchema).optional(),
  addenda: z.array(XmlElementSchema).optional(),
  /** `xsi:schemaLocation` pairs of complements the input declared, kept for re-rendering. */
  schemaLocation: z.array(Text).optional(),
};

/** The complete CFDI 4.0 comprobante (every amount present). */
export const ComprobanteSchema = z.strictObject(comprobanteShape);

// ---- input family: computed amounts optional, exact JSON numbers accepted for amounts ----

export const TrasladoInputSchema = TrasladoSchema.extend({
  base: AmountIn.optional(),
  tasaOCuota: z.union([Text, z.number()]).transform(String).optional(),
  importe: AmountIn.optional(),
});

export const RetencionInputSchema = RetencionSchema.extend({
  base: AmountIn.optional(),
  tasaOCuota: z.union([Text, z.number()]).transform(String),
  importe: AmountIn.optional(),
});

export const ConceptoImpuestosInputSchema = z.strictObject({
  traslados: z.array(TrasladoInputSchema).min(1).optional(),
  retenciones: z.array(RetencionInputSchema).min(1).optional(),
});

export const ConceptoInputSchema = ConceptoSchema.extend({
  cantidad: AmountIn,
  valorUnitario: AmountIn,
  importe: AmountIn.optional(),
  descuento: AmountIn.optional(),
  impuestos: ConceptoImpuestosInputSchema.optional(),
});

export const ImpuestosLocalesInputSchema = ImpuestosLocalesSchema.extend({
  version: z.literal('1.0').default('1.0'),
  totaldeRetenciones: AmountIn.optional(),
  totaldeTraslados: AmountIn.optional(),
  retencionesLocales: z
    .array(RetencionLocalSchema.extend({ tasadeRetencion: AmountIn, importe: AmountIn.optional() }))
    .min(1)
    .optional(),
  trasladosLocales: z
    .array(TrasladoLocalSchema.extend({ tasadeTraslado: AmountIn, importe: AmountIn.optional() }))
    .min(1)
    .optional(),
});

export const ComplementoItemInputSchema = z.union([
  z.strictObject({ impuestosLocales: ImpuestosLocalesInputSchema }),
  z.strictObject({ xml: XmlElementSchema }),
]);

/** A comprobante as a user may write it: every computed amount may be omitted. */
export const ComprobanteInputSchema = ComprobanteSchema.extend({
  version: z.literal('4.0').default('4.0'),
  subTotal: AmountIn.optional(),
  descuento: AmountIn.optional(),
  total: AmountIn.optional(),
  tipoCambio: z.union([Text, z.number()]).transform(String).optional(),
  conceptos: z.array(ConceptoInputSchema).min(1),
  impuestos: ComprobanteImpuestosSchema.optional(),
  complemento: z.array(ComplementoItemInputSchema).optional(),
});

export type InformacionGlobal = z.infer<typeof InformacionGlobalSchema>;
export type CfdiRelacionado = z.infer<typeof CfdiRelacionadoSchema>;
export type CfdiRelacionados = z.infer<typeof CfdiRelacionadosSchema>;
export type Emisor = z.infer<typeof EmisorSchema>;
export type Receptor = z.infer<typeof ReceptorSchema>;
export type Traslado = z.infer<typeof TrasladoSchema>;
export type Retencion = z.infer<typeof RetencionSchema>;
export type ConceptoImpuestos = z.infer<typeof ConceptoImpuestosSchema>;
export type ACuentaTerceros = z.infer<typeof ACuentaTercerosSchema>;
export type InformacionAduanera = z.infer<typeof InformacionAduaneraSchema>;
export type CuentaPredial = z.infer<typeof CuentaPredialSchema>;
export type Parte = z.infer<typeof ParteSchema>;
export type Concepto = z.infer<typeof ConceptoSchema>;
export type ComprobanteRetencion = z.infer<typeof ComprobanteRetencionSchema>;
export type ComprobanteTraslado = z.infer<typeof ComprobanteTrasladoSchema>;
export type ComprobanteImpuestos = z.infer<typeof ComprobanteImpuestosSchema>;
export type RetencionLocal = z.infer<typeof RetencionLocalSchema>;
export type TrasladoLocal = z.infer<typeof TrasladoLocalSchema>;
export type ImpuestosLocales = z.infer<typeof ImpuestosLocalesSchema>;
export type ComplementoItem = z.infer<typeof ComplementoItemSchema>;
/** The complete CFDI 4.0 comprobante. */
export type Comprobante = z.infer<typeof ComprobanteSchema>;
/** A comprobante as read from user JSON, after parsing: computed amounts may be missing. */
export type ComprobanteInput = z.output<typeof ComprobanteInputSchema>;
export type ConceptoInput = z.output<typeof ConceptoInputSchema>;
export type TrasladoInput = z.output<typeof TrasladoInputSchema>;
export type RetencionInput = z.output<typeof RetencionInputSchema>;
export type ImpuestosLocalesInput = z.output<typeof ImpuestosLocalesInputSchema>;
