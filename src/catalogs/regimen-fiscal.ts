import { type CatalogTable, freezeTable, type Vigencia } from './catalog.js';

/** One c_RegimenFiscal entry with the persona types it applies to (CFDI40158). */
export interface RegimenFiscalEntry extends Vigencia {
  readonly descripcion: string;
  /** Applies to a persona física. */
  readonly fisica: boolean;
  /** Applies to a persona moral. */
  readonly moral: boolean;
}

/**
 * c_RegimenFiscal: the tax regime of the emisor and of the receptor, checked against
 * Emisor/@RegimenFiscal (CFDI40140, 40141) and Receptor/@RegimenFiscalReceptor (CFDI40157, 40158); 616 is
 * the one for generic RFCs (CFDI40159).
 * Facts from SAT's catálogo c_RegimenFiscal (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const REGIMENES_FISCALES: CatalogTable<RegimenFiscalEntry> = freezeTable({
  '601': {
    descripcion: 'General de Ley Personas Morales',
    fisica: false,
    moral: true,
    vigenciaDesde: '2022-01-01',
  },
  '603': {
    descripcion: 'Personas Morales con Fines no Lucrativos',
    fisica: false,
    moral: true,
    vigenciaDesde: '2022-01-01',
  },
  '605': {
    descripcion: 'Sueldos y Salarios e Ingresos Asimilados a Salarios',
    fisica: true,
    moral: false,
    vigenciaDesde: '2022-01-01',
  },
  '606': { descripcion: 'Arrendamiento', fisica: true, moral: false, vigenciaDesde: '2022-01-01' },
  '607': {
    descripcion: 'Régimen de Enajenación o Adquisición de Bienes',
    fisica: true,
    moral: false,
    vigenciaDesde: '2022-01-01',
  },
  '608': { descripcion: 'Demás ingresos', fisica: true, moral: false, vigenciaDesde: '2022-01-01' },
  '610': {
    descripcion: 'Residentes en el Extranjero sin Establecimiento Permanente en México',
    fisica: true,
    moral: true,
    vigenciaDesde: '2022-01-01',
  },
  '611': {
    descripcion: 'Ingresos por Dividendos (socios y accionistas)',
    fisica: true,
    moral: false,
    vigenciaDesde: '2022-01-01',
  },
  '612': {
    descripcion: 'Personas Físicas con Actividades Empresariales y Profesionales',
    fisica: true,
    moral: false,
    vigenciaDesde: '2022-01-01',
  },
  '614': { descripcion: 'Ingresos por intereses', fisica: true, moral: false, vigenciaDesde: '2022-01-01' },
  '615': {
    descripcion: 'Régimen de los ingresos por obtención de premios',
    fisica: true,
    moral: false,
    vigenciaDesde: '2022-01-01',
  },
  '616': {
    descripcion: 'Sin obligaciones fiscales',
    fisica: true,
    moral: false,
    vigenciaDesde: '2022-01-01',
  },
  '620': {
    descripcion: 'Sociedades Cooperativas de Producción que optan por diferir sus ingresos',
    fisica: false,
    moral: true,
    vigenciaDesde: '2022-01-01',
  },
  '621': { descripcion: 'Incorporación Fiscal', fisica: true, moral: false, vigenciaDesde: '2022-01-01' },
  '622': {
    descripcion: 'Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras',
    fisica: false,
    moral: true,
    vigenciaDesde: '2022-01-01',
  },
  '623': {
    descripcion: 'Opcional para Grupos de Sociedades',
    fisica: false,
    moral: true,
    vigenciaDesde: '2022-01-01',
  },
  '624': { descripcion: 'Coordinados', fisica: false, moral: true, vigenciaDesde: '2022-01-01' },
  '625': {
    descripcion: 'Régimen de las Actividades Empresariales con ingresos a través de Plataformas Tecnológicas',
    fisica: true,
    moral: false,
    vigenciaDesde: '2022-01-01',
  },
  '626': {
    descripcion: 'Régimen Simplificado de Confianza',
    fisica: true,
    moral: true,
    vigenciaDesde: '2022-01-01',
  },
});
