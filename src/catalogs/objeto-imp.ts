import { type CatalogEntry, type CatalogTable, freezeTable } from './catalog.js';

/**
 * c_ObjetoImp: whether a concepto is subject to tax.
 * Checked against Concepto/@ObjetoImp (CFDI40170) on the Fecha of the document: 05 exists from 2023-12-06, 06–08 from 2024-12-13 (rules doc A.7).
 * Facts from SAT's catálogo c_ObjetoImp (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const OBJETOS_IMP: CatalogTable<CatalogEntry> = freezeTable({
  '01': { descripcion: 'No objeto de impuesto.', vigenciaDesde: '2022-01-01' },
  '02': { descripcion: 'Sí objeto de impuesto.', vigenciaDesde: '2022-01-01' },
  '03': { descripcion: 'Sí objeto del impuesto y no obligado al desglose.', vigenciaDesde: '2022-01-01' },
  '04': { descripcion: 'Sí objeto del impuesto y no causa impuesto.', vigenciaDesde: '2022-10-07' },
  '05': { descripcion: 'Sí objeto del impuesto, IVA crédito PODEBI.', vigenciaDesde: '2023-12-06' },
  '06': { descripcion: 'Sí objeto del IVA, No traslado IVA.', vigenciaDesde: '2024-12-13' },
  '07': { descripcion: 'No traslado del IVA, Sí desglose IEPS.', vigenciaDesde: '2024-12-13' },
  '08': { descripcion: 'No traslado del IVA, No desglose IEPS.', vigenciaDesde: '2024-12-13' },
});
