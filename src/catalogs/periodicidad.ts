import { type CatalogEntry, type CatalogTable, freezeTable } from './catalog.js';

/**
 * c_Periodicidad: the periodicity of a factura global.
 * Checked against InformacionGlobal/@Periodicidad (CFDI40131, 40132).
 * Facts from SAT's catálogo c_Periodicidad (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const PERIODICIDADES: CatalogTable<CatalogEntry> = freezeTable({
  '01': { descripcion: 'Diario', vigenciaDesde: '2022-01-01' },
  '02': { descripcion: 'Semanal', vigenciaDesde: '2022-01-01' },
  '03': { descripcion: 'Quincenal', vigenciaDesde: '2022-01-01' },
  '04': { descripcion: 'Mensual', vigenciaDesde: '2022-01-01' },
  '05': { descripcion: 'Bimestral', vigenciaDesde: '2022-01-01' },
});
