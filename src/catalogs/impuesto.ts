import { type CatalogTable, freezeTable, type Vigencia } from './catalog.js';

/** One c_Impuesto entry: whether the tax may be withheld and/or transferred. */
export interface ImpuestoEntry extends Vigencia {
  readonly descripcion: string;
  /** May appear in a Retencion node. */
  readonly retencion: boolean;
  /** May appear in a Traslado node. */
  readonly traslado: boolean;
  /** `Federal` for the three CFDI taxes; local taxes go to the implocal complement instead. */
  readonly ambito: string;
}

/**
 * c_Impuesto: the federal taxes of a Traslado or Retencion (001 ISR, 002 IVA, 003 IEPS; CFDI40175,
 * 40182); ISR is never transferred.
 * Facts from SAT's catálogo c_Impuesto (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const IMPUESTOS: CatalogTable<ImpuestoEntry> = freezeTable({
  '001': {
    descripcion: 'ISR',
    retencion: true,
    traslado: false,
    ambito: 'Federal',
    vigenciaDesde: '2022-01-01',
  },
  '002': {
    descripcion: 'IVA',
    retencion: true,
    traslado: true,
    ambito: 'Federal',
    vigenciaDesde: '2022-01-01',
  },
  '003': {
    descripcion: 'IEPS',
    retencion: true,
    traslado: true,
    ambito: 'Federal',
    vigenciaDesde: '2022-01-01',
  },
});
