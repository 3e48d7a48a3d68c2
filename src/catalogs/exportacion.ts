import { type CatalogEntry, type CatalogTable, freezeTable } from './catalog.js';

/**
 * c_Exportacion: the Exportacion codes.
 * Checked against Comprobante/@Exportacion (CFDI40123); 04 is only valid from 2022-02-25.
 * Facts from SAT's catálogo c_Exportacion (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const EXPORTACIONES: CatalogTable<CatalogEntry> = freezeTable({
  '01': { descripcion: 'No aplica', vigenciaDesde: '2022-01-01' },
  '02': { descripcion: 'Definitiva con clave A1', vigenciaDesde: '2022-01-01' },
  '03': { descripcion: 'Temporal', vigenciaDesde: '2022-01-01' },
  '04': {
    descripcion: 'Definitiva con clave distinta a A1 o cuando no existe enajenación en términos del CFF',
    vigenciaDesde: '2022-02-25',
  },
});
