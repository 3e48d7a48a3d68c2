/**
 * cfdi-layout: CFDI 4.0 for Mexican ERPs. Everything the CLI does is a function exported here.
 * The public surface is listed explicitly, stage by stage, in the order data flows:
 * model → taxes → rules → xml / layouts → documents.
 */

// batch targets, a whole sales export (on worker threads too) and the factura global
export {
  BUILD_TARGETS,
  type BuildCounts,
  type BuildDocument,
  type BuildItem,
  type BuildProgress,
  type BuildSalesExportCommonOptions,
  type BuildSalesExportOptions,
  type BuildSalesExportOutputs,
  type BuildSalesExportResult,
  type BuildTarget,
  buildLayoutDocuments,
  buildOrders,
  buildSalesExport,
  buildTralixAsync,
  buildTralixTickets,
  buildXmlDocuments,
  type GlobalOptions,
  globalComprobante,
  type Order,
  ordersJson,
  parseExcludeList,
  selectGlobalTickets,
  type TralixAsyncPayload,
  type TralixTicketPayload,
  ticketComprobante,
  tralixAsyncJson,
  tralixTicketJson,
  WORKER_MIN_BYTES,
} from './batch/index.js';
// ZIP bundles for timbrado masivo
export {
  type BundleLimits,
  type BundleReport,
  type ManifestEntry,
  manifestJson,
  type WriteZipBundlesOptions,
  writeZipBundles,
} from './bundle/index.js';
// catalogs, RFC, importe con letra
export {
  CLAVES_UNIDAD,
  currencyDecimals,
  EXPORTACIONES,
  FORMAS_PAGO,
  IMPUESTOS,
  isInCatalog,
  isMoneda,
  isTasaOCuotaAllowed,
  isVigente,
  MESES,
  METODOS_PAGO,
  MONEDAS,
  monedaDecimals,
  OBJETOS_IMP,
  PAISES,
  PERIODICIDADES,
  REGIMENES_FISCALES,
  TASA_O_CUOTA_RULES,
  TIPOS_DE_COMPROBANTE,
  TIPOS_FACTOR,
  TIPOS_RELACION,
  USOS_CFDI,
} from './catalogs/index.js';
// documents: any format in, any format out
export {
  DOCUMENT_FORMATS,
  type DocumentFormat,
  detectFormat,
  layoutToRecordsJson,
  type ReadDocumentOptions,
  type ReadDocumentResult,
  type RecordsConversion,
  type RecordsOptions,
  readDocument,
  recordsJsonToLayout,
  validateDocument,
  type WriteDocumentOptions,
  type WriteDocumentResult,
  writeDocument,
} from './documents/index.js';
// errors and issues
export {
  CfdiLayoutError,
  ERROR_CODES,
  type ErrorCode,
  type ErrorLocation,
  isCfdiLayoutError,
} from './errors.js';
export {
  formatPath,
  hasErrors,
  type Issue,
  type IssueJson,
  type IssuePath,
  issueToJson,
  type Severity,
} from './issues.js';
// layouts
export {
  type CompiledLayout,
  compileLayout,
  DEFAULT_LAYOUT_ID,
  encodeLayoutText,
  isBuiltInLayoutId,
  LAYOUTS,
  type LayoutDefinition,
  LayoutDefinitionSchema,
  type LayoutIssue,
  type LayoutLocation,
  type LayoutRecordLine,
  LayoutRecordLineSchema,
  layoutById,
  layoutDefinitionJsonSchema,
  layoutRecordLineJsonSchema,
  loadLayoutDefinition,
  type ParsedLayout,
  type ParsedRecord,
  parseLayout,
  parseRecords,
  type RenderLayoutOptions,
  readRecordsJson,
  recordsToJson,
  renderLayout,
  renderRecords,
  validateLayoutText,
} from './layouts/index.js';
// model
export {
  type ACuentaTerceros,
  type CfdiRelacionado,
  type CfdiRelacionados,
  type ComplementoItem,
  type Comprobante,
  type ComprobanteImpuestos,
  type ComprobanteInput,
  ComprobanteInputSchema,
  type ComprobanteRetencion,
  ComprobanteSchema,
  type ComprobanteTraslado,
  type Concepto,
  type ConceptoImpuestos,
  type ConceptoInput,
  type CuentaPredial,
  type Emisor,
  type ImpuestosLocales,
  type InformacionAduanera,
  type InformacionGlobal,
  type Parte,
  type Receptor,
  type Retencion,
  type RetencionLocal,
  type Traslado,
  type TrasladoLocal,
} from './model/comprobante.js';
export { parseJsonText, readComprobanteJson } from './model/json.js';
export {
  type DoctoRelacionado,
  type ImpuestosDR,
  type ImpuestosP,
  type Pago,
  type Pagos,
  PagosSchema,
  type Totales,
} from './model/pagos.js';
/** An XML element carried verbatim (unknown complements, Addenda, TimbreFiscalDigital). */
export type { XmlElement } from './model/xml-element.js';
// taxes
export {
  decimalsOf,
  formatAmount,
  formatTasa,
  Money,
  parseAmount,
  rateFromPercent,
  roundTo,
} from './money.js';
// Pagos 2.0: the complement computed from the facts of each payment, and its REP comprobante
export {
  type ComputePagosOptions,
  type ComputePagosResult,
  computeImpuestosP,
  computePagos,
  computePagosOrThrow,
  computeTotales,
  type DoctoRelacionadoFacts,
  DoctoRelacionadoFactsSchema,
  type ImpuestoFact,
  type PagoFacts,
  PagoFactsSchema,
  type PagosFacts,
  PagosFactsSchema,
  type RepHeader,
  repComprobante,
} from './pagos/index.js';
export { checkRfc, personaOf, RFCS_GENERICOS, type RfcCheck, rfcCheckDigit } from './rfc/rfc.js';
// rules
export {
  checkPagos,
  PAGOS_RULE_CODES,
  RULE_CODES,
  type RuleDescription,
  validateComprobante,
} from './rules/index.js';
// sales exports: config, readers, grouping, rejects
export {
  groupByTicket,
  parseSalesConfig,
  parseSalesRow,
  type ReadSalesOptions,
  type ReadTicketsOptions,
  readSalesRecords,
  readTickets,
  SALES_ISSUE_CODES,
  type SalesConfig,
  type SalesConfigInput,
  SalesConfigSchema,
  type SalesRecord,
  type SalesRow,
  salesConfigJsonSchema,
  type Ticket,
  type TicketReject,
} from './sales/index.js';
// sandbox: the provider emulators, in-process
export {
  DEFAULT_SANDBOX_CREDENTIALS,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from './sandbox/index.js';
// sealing
export {
  type Csd,
  type CsdFiles,
  cadenaOriginal,
  cadenaOriginalTfd,
  checkCsdFor,
  checkCsdRfc,
  fechaInstant,
  loadCsd,
  normalizeSpace,
  renderSealed,
  type SealedDocument,
  sealComprobante,
  sealDocument,
  selloOf,
  verifySello,
} from './sealing/index.js';
// senders: one HTTP core, thin providers
export {
  cancelar,
  changeSerie,
  consultarCfdi,
  createFacturav4Client,
  createFactureClient,
  createHttpClient,
  createOrders,
  createSerie,
  createTralixClient,
  deleteOrder,
  downloadAsync,
  downloadPdf,
  downloadXml,
  expireTicket,
  getAcuse,
  getAsyncStatus,
  getOrder,
  getSerie,
  getSucursales,
  getTicketCfdis,
  getUsuario,
  listAllOrders,
  listOrders,
  listSeries,
  openJournal,
  putTickets,
  Secret,
  SenderError,
  secretsFromEnv,
  submitAsync,
  timbrar,
  timbrarMasivo,
  updateOrder,
  updateOrders,
  waitForAsync,
} from './senders/index.js';
export { type CompletedComprobante, completeComprobante } from './taxes/complete.js';
export {
  type ConceptoFromImporte,
  type ConceptoFromImporteInput,
  computeConcepto,
  conceptoFromImporte,
} from './taxes/concepto.js';
export {
  type DesgloseInput,
  type DesgloseOptions,
  type DesgloseResult,
  desglose,
  type PreparedDesglose,
  prepareDesglose,
} from './taxes/desglose.js';
export { computeTotals, type Totals } from './taxes/totals.js';
export {
  importeWindow,
  isImporteInWindow,
  isTaxImporteInWindow,
  taxWindow,
  type Window,
} from './taxes/windows.js';
export { type ImporteConLetraOptions, importeConLetra, numeroALetras } from './text/importe-con-letra.js';
// xml
export { parseComprobante, readXmlTree, type XmlNode } from './xml/parse.js';
export {
  comprobanteDocument,
  comprobanteTree,
  type RenderComprobanteOptions,
  renderComprobante,
} from './xml/render.js';
export type { WrittenNode } from './xml/tree.js';
