import { type CatalogTable, freezeTable, type Vigencia } from './catalog.js';

/**
 * c_TipoFactor: how a tax is computed (Tasa, Cuota, Exento); the code is the whole entry, so only
 * its validity is kept (CFDI40176, 40183). Exento carries no TasaOCuota nor Importe (CFDI40177) and is
 * never withheld (CFDI40184).
 * Facts from SAT's catálogo c_TipoFactor (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const TIPOS_FACTOR: CatalogTable<Vigencia> = freezeTable({
  Tasa: { vigenciaDesde: '2022-01-01' },
  Cuota: { vigenciaDesde: '2022-01-01' },
  Exento: { vigenciaDesde: '2022-01-01' },
});
