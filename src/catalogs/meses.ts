import { type CatalogEntry, type CatalogTable, freezeTable } from './catalog.js';

/**
 * c_Meses: the month or two-month period of a factura global.
 * Checked against InformacionGlobal/@Meses (CFDI40133); 13–18 are the bimestres of Periodicidad 05 (CFDI40135).
 * Facts from SAT's catálogo c_Meses (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const MESES: CatalogTable<CatalogEntry> = freezeTable({
  '01': { descripcion: 'Enero', vigenciaDesde: '2022-01-01' },
  '02': { descripcion: 'Febrero', vigenciaDesde: '2022-01-01' },
  '03': { descripcion: 'Marzo', vigenciaDesde: '2022-01-01' },
  '04': { descripcion: 'Abril', vigenciaDesde: '2022-01-01' },
  '05': { descripcion: 'Mayo', vigenciaDesde: '2022-01-01' },
  '06': { descripcion: 'Junio', vigenciaDesde: '2022-01-01' },
  '07': { descripcion: 'Julio', vigenciaDesde: '2022-01-01' },
  '08': { descripcion: 'Agosto', vigenciaDesde: '2022-01-01' },
  '09': { descripcion: 'Septiembre', vigenciaDesde: '2022-01-01' },
  '10': { descripcion: 'Octubre', vigenciaDesde: '2022-01-01' },
  '11': { descripcion: 'Noviembre', vigenciaDesde: '2022-01-01' },
  '12': { descripcion: 'Diciembre', vigenciaDesde: '2022-01-01' },
  '13': { descripcion: 'Enero-Febrero', vigenciaDesde: '2022-01-01' },
  '14': { descripcion: 'Marzo-Abril', vigenciaDesde: '2022-01-01' },
  '15': { descripcion: 'Mayo-Junio', vigenciaDesde: '2022-01-01' },
  '16': { descripcion: 'Julio-Agosto', vigenciaDesde: '2022-01-01' },
  '17': { descripcion: 'Septiembre-Octubre', vigenciaDesde: '2022-01-01' },
  '18': { descripcion: 'Noviembre-Diciembre', vigenciaDesde: '2022-01-01' },
});
