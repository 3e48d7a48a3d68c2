export {
  type BuildCounts,
  type BuildItem,
  countItem,
  emptyCounts,
  issuesToRowIssues,
  rejectTicket,
  rejectTicketFor,
  type TicketSource,
} from './build-item.js';
export {
  type BuildDocument,
  type BuildProgress,
  type BuildSalesExportCommonOptions,
  type BuildSalesExportOptions,
  type BuildSalesExportOutputs,
  type BuildSalesExportResult,
  buildSalesExport,
  WORKER_MIN_BYTES,
} from './build-sales-export.js';
export {
  assembleComprobante,
  cachedConcepto,
  checkLevel,
  groupLocales,
  NOMBRE_PUBLICO_EN_GENERAL,
  publicoEnGeneral,
  RFC_PUBLICO_EN_GENERAL,
  type TicketComprobante,
  type TicketComprobanteOptions,
  ticketComprobante,
  type ValidationLevel,
} from './comprobante.js';
export {
  buildLayoutDocuments,
  buildTralixAsync,
  buildXmlDocuments,
  type InvoiceDocument,
  SKIP_NOT_NOMINATIVE,
  safeFileName,
  type TralixAsyncOptions,
  type TralixAsyncPayload,
  tralixAsyncJson,
} from './documents.js';
export {
  type ExcludeList,
  GLOBAL_CONCEPTO,
  type GlobalComprobante,
  type GlobalOptions,
  type GlobalTicket,
  globalComprobante,
  globalTicketsTotal,
  parseExcludeList,
  renderComprobanteChunks,
  type SelectGlobalOptions,
  SKIP_EXCLUDED,
  SKIP_NOMINATIVE,
  selectGlobalTickets,
} from './global.js';
export { JsonDecimal, type JsonValue, toJsonText } from './json-text.js';
export { type LayoutWriter, layoutWriter, TICKET_VARIANT } from './layout-text.js';
export { buildOrders, type Order, ordersJson } from './orders.js';
export { BUILD_TARGETS, type BuildTarget, isLineTarget } from './stage.js';
export {
  buildTralixTickets,
  type LayoutTargetOptions,
  missingSucursal,
  type TargetOptions,
  type TralixTicketPayload,
  tralixSucursal,
  tralixTicketJson,
} from './tralix-tickets.js';
