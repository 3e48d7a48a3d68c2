import { type CatalogTable, freezeTable, type Vigencia } from './catalog.js';

/** One c_TipoDeComprobante entry. */
export interface TipoDeComprobanteEntry extends Vigencia {
  readonly descripcion: string;
  /** The highest Total allowed without a Confirmacion key, as decimal text (`0` for Traslado). */
  readonly valorMaximo: string;
}

/**
 * c_TipoDeComprobante: I, E, T, N, P, checked against Comprobante/@TipoDeComprobante (CFDI40121);
 * valorMaximo feeds CFDI40120. SAT gives N no start date.
 * Facts from SAT's catálogo c_TipoDeComprobante (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const TIPOS_DE_COMPROBANTE: CatalogTable<TipoDeComprobanteEntry> = freezeTable({
  I: { descripcion: 'Ingreso', valorMaximo: '999999999999999999.999999', vigenciaDesde: '2022-01-01' },
  E: { descripcion: 'Egreso', valorMaximo: '999999999999999999.999999', vigenciaDesde: '2022-01-01' },
  T: { descripcion: 'Traslado', valorMaximo: '0', vigenciaDesde: '2022-01-01' },
  N: { descripcion: 'Nómina', valorMaximo: '999999999999999999.999999' },
  P: { descripcion: 'Pago', valorMaximo: '999999999999999999.999999', vigenciaDesde: '2022-01-01' },
});
