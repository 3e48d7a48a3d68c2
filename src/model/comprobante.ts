import { z } from 'zod';
import { amountFromJson } from '../money.js';
import { PagosSchema } from './pagos.js';
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

/** cfdi:InformacionGlobal: the period of a factura global (CFDI40130–40136). */
export const InformacionGlobalSchema = z.strictObject({
  periodicidad: Text,
  meses: Text,
  año: Text,
});

/** cfdi:CfdiRelacionado: one related UUID. */
export const CfdiRelacionadoSchema = z.strictObject({ uUID: Text });

/** cfdi:CfdiRelacionados: a TipoRelacion and the UUIDs it relates. */
export const CfdiRelacionadosSchema = z.strictObject({
  tipoRelacion: Text,
  cfdiRelacionado: z.array(CfdiRelacionadoSchema).min(1),
});

/** cfdi:Emisor. */
export const EmisorSchema = z.strictObject({
  rfc: Text,
  nombre: Text,
  regimenFiscal: Text,
  facAtrAdquirente: Text.optional(),
});

/** cfdi:Receptor. */
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

/** A concepto's cfdi:Impuestos: its Traslados and Retenciones. */
export const ConceptoImpuestosSchema = z.strictObject({
  traslados: z.array(TrasladoSchema).min(1).optional(),
  retenciones: z.array(RetencionSchema).min(1).optional(),
});

/** cfdi:ACuentaTerceros of a concepto. */
export const ACuentaTercerosSchema = z.strictObject({
  rfcACuentaTerceros: Text,
  nombreACuentaTerceros: Text,
  regimenFiscalACuentaTerceros: Text,
  domicilioFiscalACuentaTerceros: Text,
});

/** cfdi:InformacionAduanera: one NumeroPedimento. */
export const InformacionAduaneraSchema = z.strictObject({ numeroPedimento: Text });

/** cfdi:CuentaPredial: one Numero. */
export const CuentaPredialSchema = z.strictObject({ numero: Text });

/** cfdi:Parte of a concepto. */
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

/** cfdi:Concepto, with its nodes in cfdv40.xsd order. */
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

/** The comprobante's cfdi:Impuestos: grouped Retenciones and Traslados and their totals. */
export const ComprobanteImpuestosSchema = z.strictObject({
  totalImpuestosRetenidos: Amount.optional(),
  totalImpuestosTrasladados: Amount.optional(),
  retenciones: z.array(ComprobanteRetencionSchema).min(1).optional(),
  traslados: z.array(ComprobanteTrasladoSchema).min(1).optional(),
});

/** implocal:RetencionesLocales: one local withholding (TasadeRetencion is a percentage). */
export const RetencionLocalSchema = z.strictObject({
  impLocRetenido: Text,
  tasadeRetencion: Amount,
  importe: Amount,
});

/** implocal:TrasladosLocales: one local transferred tax such as ISH (TasadeTraslado is a percentage). */
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

/**
 * One child of cfdi:Complemento: a typed complement (implocal, Pagos 2.0) or any other element
 * verbatim.
 */
export const ComplementoItemSchema = z.union([
  z.strictObject({ impuestosLocales: ImpuestosLocalesSchema }),
  z.strictObject({ pagos: PagosSchema }),
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

/** A concept Traslado on input: Base and Importe may be omitted (computed). */
export const TrasladoInputSchema = TrasladoSchema.extend({
  base: AmountIn.optional(),
  tasaOCuota: z.union([Text, z.number()]).transform(String).optional(),
  importe: AmountIn.optional(),
});

/** A concept Retencion on input: Base and Importe may be omitted (computed). */
export const RetencionInputSchema = RetencionSchema.extend({
  base: AmountIn.optional(),
  tasaOCuota: z.union([Text, z.number()]).transform(String),
  importe: AmountIn.optional(),
});

/** A concepto's Impuestos on input. */
export const ConceptoImpuestosInputSchema = z.strictObject({
  traslados: z.array(TrasladoInputSchema).min(1).optional(),
  retenciones: z.array(RetencionInputSchema).min(1).optional(),
});

/** A concepto on input: Importe may be omitted (Cantidad × ValorUnitario), amounts may be exact JSON numbers. */
export const ConceptoInputSchema = ConceptoSchema.extend({
  cantidad: AmountIn,
  valorUnitario: AmountIn,
  importe: AmountIn.optional(),
  descuento: AmountIn.optional(),
  impuestos: ConceptoImpuestosInputSchema.optional(),
});

/** The implocal complement on input: totals and local importes may be omitted (computed). */
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

/** One cfdi:Complemento child on input. */
export const ComplementoItemInputSchema = z.union([
  z.strictObject({ impuestosLocales: ImpuestosLocalesInputSchema }),
  z.strictObject({ pagos: PagosSchema }),
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

/** cfdi:InformacionGlobal. */
export type InformacionGlobal = z.infer<typeof InformacionGlobalSchema>;
/** cfdi:CfdiRelacionado. */
export type CfdiRelacionado = z.infer<typeof CfdiRelacionadoSchema>;
/** cfdi:CfdiRelacionados. */
export type CfdiRelacionados = z.infer<typeof CfdiRelacionadosSchema>;
/** cfdi:Emisor. */
export type Emisor = z.infer<typeof EmisorSchema>;
/** cfdi:Receptor. */
export type Receptor = z.infer<typeof ReceptorSchema>;
/** A concept-level cfdi:Traslado. */
export type Traslado = z.infer<typeof TrasladoSchema>;
/** A concept-level cfdi:Retencion. */
export type Retencion = z.infer<typeof RetencionSchema>;
/** A concepto's cfdi:Impuestos. */
export type ConceptoImpuestos = z.infer<typeof ConceptoImpuestosSchema>;
/** cfdi:ACuentaTerceros. */
export type ACuentaTerceros = z.infer<typeof ACuentaTercerosSchema>;
/** cfdi:InformacionAduanera. */
export type InformacionAduanera = z.infer<typeof InformacionAduaneraSchema>;
/** cfdi:CuentaPredial. */
export type CuentaPredial = z.infer<typeof CuentaPredialSchema>;
/** cfdi:Parte. */
export type Parte = z.infer<typeof ParteSchema>;
/** cfdi:Concepto. */
export type Concepto = z.infer<typeof ConceptoSchema>;
/** A comprobante-level cfdi:Retencion. */
export type ComprobanteRetencion = z.infer<typeof ComprobanteRetencionSchema>;
/** A comprobante-level cfdi:Traslado. */
export type ComprobanteTraslado = z.infer<typeof ComprobanteTrasladoSchema>;
/** The comprobante's cfdi:Impuestos. */
export type ComprobanteImpuestos = z.infer<typeof ComprobanteImpuestosSchema>;
/** implocal:RetencionesLocales. */
export type RetencionLocal = z.infer<typeof RetencionLocalSchema>;
/** implocal:TrasladosLocales. */
export type TrasladoLocal = z.infer<typeof TrasladoLocalSchema>;
/** implocal:ImpuestosLocales. */
export type ImpuestosLocales = z.infer<typeof ImpuestosLocalesSchema>;
/** One child of cfdi:Complemento. */
export type ComplementoItem = z.infer<typeof ComplementoItemSchema>;
/** The complete CFDI 4.0 comprobante. */
export type Comprobante = z.infer<typeof ComprobanteSchema>;
/** A comprobante as read from user JSON, after parsing: computed amounts may be missing. */
export type ComprobanteInput = z.output<typeof ComprobanteInputSchema>;
/** A concepto as read from user JSON. */
export type ConceptoInput = z.output<typeof ConceptoInputSchema>;
/** A concept Traslado as read from user JSON. */
export type TrasladoInput = z.output<typeof TrasladoInputSchema>;
/** A concept Retencion as read from user JSON. */
export type RetencionInput = z.output<typeof RetencionInputSchema>;
/** The implocal complement as read from user JSON. */
export type ImpuestosLocalesInput = z.output<typeof ImpuestosLocalesInputSchema>;
