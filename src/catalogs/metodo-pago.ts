import { type CatalogEntry, type CatalogTable, freezeTable } from './catalog.js';

/**
 * c_MetodoPago: the MetodoPago codes (PUE, PPD).
 * Checked against Comprobante/@MetodoPago; PPD forces FormaPago 99 (CFDI40105).
 * Facts from SAT's catálogo c_MetodoPago (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const METODOS_PAGO: CatalogTable<CatalogEntry> = freezeTable({
  PUE: { descripcion: 'Pago en una sola exhibición', vigenciaDesde: '2022-01-01' },
  PPD: { descripcion: 'Pago en parcialidades o diferido', vigenciaDesde: '2022-01-01' },
});
