import { type CatalogTable, freezeTable, type Vigencia } from './catalog.js';

/** One c_UsoCFDI entry: who may use it and with which RegimenFiscalReceptor (CFDI40161). */
export interface UsoCfdiEntry extends Vigencia {
  readonly descripcion: string;
  /** Allowed for a receptor persona física (13-character RFC). */
  readonly fisica: boolean;
  /** Allowed for a receptor persona moral (12-character RFC). */
  readonly moral: boolean;
  /** The c_RegimenFiscal codes allowed in Receptor/@RegimenFiscalReceptor with this use, in SAT's order. */
  readonly regimenesReceptor: readonly string[];
}

/**
 * c_UsoCFDI: the receptor's use of the CFDI, checked against Receptor/@UsoCFDI (CFDI40160) together with
 * the persona type and RegimenFiscalReceptor (CFDI40161, rules doc F.3).
 * Facts from SAT's catálogo c_UsoCFDI (catCFDI, version 10.14.20260806, via phpcfdi/resources-sat-catalogs).
 */
export const USOS_CFDI: CatalogTable<UsoCfdiEntry> = freezeTable({
  G01: {
    descripcion: 'Adquisición de mercancías.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  G02: {
    descripcion: 'Devoluciones, descuentos o bonificaciones.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '616', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  G03: {
    descripcion: 'Gastos en general.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  I01: {
    descripcion: 'Construcciones.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  I02: {
    descripcion: 'Mobiliario y equipo de oficina por inversiones.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  I03: {
    descripcion: 'Equipo de transporte.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  I04: {
    descripcion: 'Equipo de computo y accesorios.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  I05: {
    descripcion: 'Dados, troqueles, moldes, matrices y herramental.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  I06: {
    descripcion: 'Comunicaciones telefónicas.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  I07: {
    descripcion: 'Comunicaciones satelitales.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  I08: {
    descripcion: 'Otra maquinaria y equipo.',
    fisica: true,
    moral: true,
    regimenesReceptor: ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'],
    vigenciaDesde: '2022-01-01',
  },
  D01: {
    descripcion: 'Honorarios médicos, dentales y gastos hospitalarios.',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  D02: {
    descripcion: 'Gastos médicos por incapacidad o discapacidad.',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  D03: {
    descripcion: 'Gastos funerales.',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  D04: {
    descripcion: 'Donativos.',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  D05: {
    descripcion: 'Intereses reales efectivamente pagados por créditos hipotecarios (casa habitación).',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  D06: {
    descripcion: 'Aportaciones voluntarias al SAR.',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  D07: {
    descripcion: 'Primas por seguros de gastos médicos.',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  D08: {
    descripcion: 'Gastos de transportación escolar obligatoria.',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  D09: {
    descripcion: 'Depósitos en cuentas para el ahorro, primas que tengan como base planes de pensiones.',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  D10: {
    descripcion: 'Pagos por servicios educativos (colegiaturas).',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605', '606', '608', '611', '612', '614', '607', '615', '625'],
    vigenciaDesde: '2022-01-01',
  },
  S01: {
    descripcion: 'Sin efectos fiscales.',
    fisica: true,
    moral: true,
    regimenesReceptor: [
      '601',
      '603',
      '605',
      '606',
      '608',
      '610',
      '611',
      '612',
      '614',
      '616',
      '620',
      '621',
      '622',
      '623',
      '624',
      '607',
      '615',
      '625',
      '626',
    ],
    vigenciaDesde: '2022-01-01',
  },
  CP01: {
    descripcion: 'Pagos',
    fisica: true,
    moral: true,
    regimenesReceptor: [
      '601',
      '603',
      '605',
      '606',
      '608',
      '610',
      '611',
      '612',
      '614',
      '616',
      '620',
      '621',
      '622',
      '623',
      '624',
      '607',
      '615',
      '625',
      '626',
    ],
    vigenciaDesde: '2022-01-01',
  },
  CN01: {
    descripcion: 'Nómina',
    fisica: true,
    moral: false,
    regimenesReceptor: ['605'],
    vigenciaDesde: '2022-01-01',
  },
});
