import { type CatalogEntry, type CatalogTable, freezeTable } from './catalog.js';

/**
 * c_TipoRelacion: how a CFDI relates to the ones it lists.
 * Checked against CfdiRelacionados/@TipoRelacion (CFDI40137).
 * Facts from SAT's catálogo c_TipoRelacion (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const TIPOS_RELACION: CatalogTable<CatalogEntry> = freezeTable({
  '01': { descripcion: 'Nota de crédito de los documentos relacionados', vigenciaDesde: '2022-01-01' },
  '02': { descripcion: 'Nota de débito de los documentos relacionados', vigenciaDesde: '2022-01-01' },
  '03': {
    descripcion: 'Devolución de mercancía sobre facturas o traslados previos',
    vigenciaDesde: '2022-01-01',
  },
  '04': { descripcion: 'Sustitución de los CFDI previos', vigenciaDesde: '2022-01-01' },
  '05': { descripcion: 'Traslados de mercancías facturados previamente', vigenciaDesde: '2022-01-01' },
  '06': { descripcion: 'Factura generada por los traslados previos', vigenciaDesde: '2022-01-01' },
  '07': { descripcion: 'CFDI por aplicación de anticipo', vigenciaDesde: '2022-01-01' },
});
