export {
  type DoctoRelacionado,
  DoctoRelacionadoSchema,
  type ImpuestosDR,
  ImpuestosDRSchema,
  type ImpuestosP,
  ImpuestosPSchema,
  type Pago,
  PagoSchema,
  type Pagos,
  PagosSchema,
  type RetencionDR,
  RetencionDRSchema,
  type RetencionP,
  RetencionPSchema,
  type Totales,
  TotalesSchema,
  type TrasladoDR,
  TrasladoDRSchema,
  type TrasladoP,
  TrasladoPSchema,
} from '../model/pagos.js';
export { impPagadoLimits, TOTAL_LINES, type TotalLine, totalesSums } from './arithmetic.js';
export {
  type ComputePagosOptions,
  type ComputePagosResult,
  computeImpuestosP,
  computePagos,
  computePagosOrThrow,
  computeTotales,
} from './compute.js';
export {
  type DoctoRelacionadoFacts,
  DoctoRelacionadoFactsSchema,
  type ImpuestoFact,
  ImpuestoFactSchema,
  type PagoFacts,
  PagoFactsSchema,
  type PagosFacts,
  PagosFactsSchema,
} from './facts.js';
export { type RepHeader, repComprobante } from './rep.js';
