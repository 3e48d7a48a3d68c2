import fc from 'fast-check';
import type { Comprobante, ComprobanteInput, ConceptoInput } from '../../src/model/comprobante.js';
import { completeComprobante } from '../../src/taxes/complete.js';
import { renderComprobante } from '../../src/xml/render.js';
import { addUnits, fromUnits, toUnits } from './units.js';

/*
 * Random CFDI 4.0 invoices for the validate tests, valid by construction: parties, catalog keys and
 * rates from a set the SAT accepts, amounts filled in by the library's completeComprobante. The
 * mutations below then each make one mistake a PAC rejects with a known CFDI40xxx code.
 */

export const LUGAR_EXPEDICION = '64000';

const EMISORES = [
  { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  { rfc: 'CACX7605101P8', nombre: 'XOCHILT CASAS CHAVEZ', regimenFiscal: '612' },
  { rfc: 'IIA040805DZ4', nombre: 'INDISTRIA ILUMINADORA DE ALMACENES', regimenFiscal: '626' },
] as const;

/** Receptores with a régimen and a UsoCFDI that c_RegimenFiscal and c_UsoCFDI allow together (rules doc F.3). */
const RECEPTORES = [
  {
    rfc: 'URE180429TM6',
    nombre: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
    domicilioFiscalReceptor: '86991',
    regimenFiscalReceptor: '603',
    usoCFDI: 'G03',
  },
  {
    rfc: 'EKU9003173C9',
    nombre: 'ESCUELA KEMPER URGATE',
    domicilioFiscalReceptor: '26015',
    regimenFiscalReceptor: '601',
    usoCFDI: 'G01',
  },
  {
    rfc: 'CACX7605101P8',
    nombre: 'XOCHILT CASAS CHAVEZ',
    domicilioFiscalReceptor: '36257',
    regimenFiscalReceptor: '612',
    usoCFDI: 'D01',
  },
  {
    rfc: 'FUNK671228PH6',
    nombre: 'KARLA FUENTE NOLASCO',
    domicilioFiscalReceptor: '01160',
    regimenFiscalReceptor: '626',
    usoCFDI: 'I08',
  },
  {
    rfc: 'XAXX010101000',
    nombre: 'PUBLICO EN GENERAL',
    domicilioFiscalReceptor: LUGAR_EXPEDICION,
    regimenFiscalReceptor: '616',
    usoCFDI: 'S01',
  },
] as const;

/** Moneda and TipoCambio: MXN without (or with exactly 1), others with one; 0, 2, 3 and 4 decimals. */
const MONEDAS: ReadonlyArray<readonly [string, string | undefined]> = [
  ['MXN', undefined],
  ['MXN', '1'],
  ['USD', '17.0520'],
  ['JPY', '0.1102'],
  ['KWD', '55.3'],
  ['CLF', '812.25'],
];

export type Tax = 'iva16' | 'iva8' | 'iva0' | 'exento' | 'ieps8+iva16' | 'none';

function taxesOf(tax: Tax): Pick<ConceptoInput, 'objetoImp' | 'impuestos'> {
  const tasa = (impuesto: string, tasaOCuota: string) => ({ impuesto, tipoFactor: 'Tasa', tasaOCuota });
  switch (tax) {
    case 'iva16':
      return { objetoImp: '02', impuestos: { traslados: [tasa('002', '0.160000')] } };
    case 'iva8':
      return { objetoImp: '02', impuestos: { traslados: [tasa('002', '0.080000')] } };
    case 'iva0':
      return { objetoImp: '02', impuestos: { traslados: [tasa('002', '0.000000')] } };
    case 'exento':
      return { objetoImp: '02', impuestos: { traslados: [{ impuesto: '002', tipoFactor: 'Exento' }] } };
    case 'ieps8+iva16':
      return {
        objetoImp: '02',
        impuestos: { traslados: [tasa('003', '0.080000'), tasa('002', '0.160000')] },
      };
    case 'none':
      return { objetoImp: '01' };
  }
}

const conceptoArb = fc.record({
  cantidad: fc.constantFrom('1', '2', '3', '1.5', '0.25', '10'),
  // At least 10.00, so that 0.25 of it still rounds to a positive JPY Base (CFDI40174).
  cents: fc.integer({ min: 1_000, max: 5_000_000 }),
  tax: fc.constantFrom<Tax>('iva16', 'iva8', 'iva0', 'exento', 'ieps8+iva16', 'none'),
  claveUnidad: fc.constantFrom('H87', 'E48', 'ACT', 'KGM'),
});

type ConceptoSpec = typeof conceptoArb extends fc.Arbitrary<infer T> ? T : never;

/** What varies between the random invoices. */
export const invoiceArb = fc.record({
  moneda: fc.constantFrom(...MONEDAS),
  emisor: fc.constantFrom(...EMISORES),
  receptor: fc.constantFrom(...RECEPTORES),
  pago: fc.constantFrom(['PUE', '01'], ['PUE', '03'], ['PUE', '04'], ['PUE', '28'], ['PPD', '99']),
  ish: fc.boolean(),
  fecha: fc.date({
    min: new Date('2023-01-01T00:00:00Z'),
    max: new Date('2025-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
  conceptos: fc.array(conceptoArb, { minLength: 1, maxLength: 4 }),
});

export type InvoiceSpec = typeof invoiceArb extends fc.Arbitrary<infer T> ? T : never;

function concepto(k: ConceptoSpec, index: number): ConceptoInput {
  return {
    claveProdServ: '01010101',
    noIdentificacion: `T-${index + 1}`,
    cantidad: k.cantidad,
    claveUnidad: k.claveUnidad,
    descripcion: `Concepto ${index + 1}`,
    valorUnitario: fromUnits(BigInt(k.cents), 2),
    ...taxesOf(k.tax),
  };
}

/** The user's side of an invoice: no computed amount, as someone would write the JSON. */
export function invoiceInput(spec: InvoiceSpec): ComprobanteInput {
  const [moneda, tipoCambio] = spec.moneda;
  const fecha = spec.fecha.toISOString().slice(0, 19);
  const global = spec.receptor.rfc === 'XAXX010101000';
  // implocal amounts carry 2 decimals whatever the currency (rules doc B): ISH only with 2-decimal monedas.
  const ish = spec.ish && (moneda === 'MXN' || moneda === 'USD');
  return {
    version: '4.0',
    serie: 'Q',
    folio: String(spec.fecha.getTime() % 100_000),
    fecha,
    // A factura global is always PUE (rules doc F.4), and 99 (por definir) goes with PPD.
    formaPago: global && spec.pago[1] === '99' ? '01' : spec.pago[1],
    metodoPago: global ? 'PUE' : spec.pago[0],
    moneda,
    ...(tipoCambio === undefined ? {} : { tipoCambio }),
    tipoDeComprobante: 'I',
    exportacion: '01',
    lugarExpedicion: LUGAR_EXPEDICION,
    ...(global
      ? { informacionGlobal: { periodicidad: '04', meses: fecha.slice(5, 7), año: fecha.slice(0, 4) } }
      : {}),
    emisor: { ...spec.emisor },
    receptor: { ...spec.receptor },
    conceptos: spec.conceptos.map(concepto),
    ...(ish
      ? {
          complemento: [
            {
              impuestosLocales: {
                version: '1.0',
                trasladosLocales: [{ impLocTrasladado: 'ISH', tasadeTraslado: '3.00' }],
              },
            },
          ],
        }
      : {}),
  } as ComprobanteInput;
}

/** Completes an input with the library and fails when any amount could not be computed. */
export function complete(input: ComprobanteInput): Comprobante {
  const { comprobante, issues } = completeComprobante(input);
  if (issues.length > 0) throw new Error(`completeComprobante: ${JSON.stringify(issues)}`);
  return comprobante;
}

/** The unsigned pre-CFDI XML of a comprobante. */
export function xmlOf(c: Comprobante): string {
  return renderComprobante(c);
}

/** A nominative invoice with three conceptos: IVA 16 %, IVA exento and no objeto de impuesto. */
export function nominativa(cents: readonly [number, number, number], fecha: Date): Comprobante {
  const spec: InvoiceSpec = {
    moneda: ['MXN', undefined],
    emisor: EMISORES[0],
    receptor: RECEPTORES[0],
    pago: ['PUE', '03'],
    ish: false,
    fecha,
    conceptos: [
      { cantidad: '2', cents: cents[0], tax: 'iva16', claveUnidad: 'H87' },
      { cantidad: '1', cents: cents[1], tax: 'exento', claveUnidad: 'E48' },
      { cantidad: '3', cents: cents[2], tax: 'none', claveUnidad: 'ACT' },
    ],
  };
  return complete(invoiceInput(spec));
}

/** A factura global (público en general, InformacionGlobal mensual) with two IVA 16 % tickets. */
export function global(cents: readonly [number, number, number], fecha: Date): Comprobante {
  const spec: InvoiceSpec = {
    moneda: ['MXN', undefined],
    emisor: EMISORES[0],
    receptor: RECEPTORES[4],
    pago: ['PUE', '01'],
    ish: false,
    fecha,
    conceptos: [
      { cantidad: '1', cents: cents[0], tax: 'iva16', claveUnidad: 'ACT' },
      { cantidad: '1', cents: cents[1], tax: 'iva16', claveUnidad: 'ACT' },
    ],
  };
  return complete(invoiceInput(spec));
}

/** One mistake and what a PAC answers to it. */
export interface Mutation {
  readonly name: string;
  readonly code: string;
  /** The issue path the validator must report (dot form). */
  readonly path: string;
  readonly base: 'nominativa' | 'global';
  readonly apply: (c: Comprobante) => void;
}

function trasladoAt(c: Comprobante, concepto: number, k: number) {
  const t = c.conceptos[concepto]?.impuestos?.traslados?.[k];
  if (t === undefined) throw new Error(`no traslado ${k} in concepto ${concepto}`);
  return t;
}

const CENT = 1n;

/** The one-mistake invoices of the brief, with the SAT code a PAC gives for each (rules doc A.10). */
export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'SubTotal off by a cent',
    code: 'CFDI40108',
    path: 'subTotal',
    base: 'nominativa',
    apply: (c) => {
      c.subTotal = addUnits(c.subTotal, CENT);
    },
  },
  {
    name: 'SubTotal with more decimals than MXN has',
    code: 'CFDI40107',
    path: 'subTotal',
    base: 'nominativa',
    apply: (c) => {
      c.subTotal = `${c.subTotal}0`;
    },
  },
  {
    name: 'concepto Importe far from Cantidad × ValorUnitario',
    code: 'CFDI40167',
    path: 'conceptos.0.importe',
    base: 'nominativa',
    apply: (c) => {
      const k = c.conceptos[0];
      if (k === undefined) throw new Error('no concepto');
      k.importe = fromUnits(toUnits(k.importe, 2) * 2n + 1n, 2);
    },
  },
  {
    name: 'concepto Traslado Importe a peso outside its window',
    code: 'CFDI40180',
    path: 'conceptos.0.impuestos.traslados.0.importe',
    base: 'nominativa',
    apply: (c) => {
      const t = trasladoAt(c, 0, 0);
      t.importe = addUnits(t.importe ?? '0.00', 100n);
    },
  },
  {
    name: 'comprobante Traslado Importe not the sum of its group',
    code: 'CFDI40221',
    path: 'impuestos.traslados.0.importe',
    base: 'nominativa',
    apply: (c) => {
      const t = c.impuestos?.traslados?.[0];
      if (t === undefined || t.tipoFactor !== 'Tasa') throw new Error('expected the IVA 16 group first');
      t.importe = addUnits(t.importe ?? '0.00', CENT);
    },
  },
  {
    name: 'Total off by a cent',
    code: 'CFDI40119',
    path: 'total',
    base: 'nominativa',
    apply: (c) => {
      c.total = addUnits(c.total, CENT);
    },
  },
  {
    name: 'MXN with TipoCambio 2',
    code: 'CFDI40114',
    path: 'tipoCambio',
    base: 'nominativa',
    apply: (c) => {
      c.tipoCambio = '2';
    },
  },
  {
    name: 'USD without TipoCambio',
    code: 'CFDI40115',
    path: 'tipoCambio',
    base: 'nominativa',
    apply: (c) => {
      c.moneda = 'USD';
      delete c.tipoCambio;
    },
  },
  {
    name: 'FormaPago 77',
    code: 'CFDI40104',
    path: 'formaPago',
    base: 'nominativa',
    apply: (c) => {
      c.formaPago = '77';
    },
  },
  {
    name: 'PPD with FormaPago 01',
    code: 'CFDI40105',
    path: 'formaPago',
    base: 'nominativa',
    apply: (c) => {
      c.metodoPago = 'PPD';
      c.formaPago = '01';
    },
  },
  {
    name: 'persona moral receptor with régimen 616 (física only)',
    code: 'CFDI40158',
    path: 'receptor.regimenFiscalReceptor',
    base: 'nominativa',
    apply: (c) => {
      c.receptor = { ...c.receptor, rfc: 'URE180429TM6', regimenFiscalReceptor: '616', usoCFDI: 'S01' };
    },
  },
  {
    name: 'persona física receptor with régimen 616 and UsoCFDI G03',
    code: 'CFDI40161',
    path: 'receptor.usoCFDI',
    base: 'nominativa',
    apply: (c) => {
      c.receptor = {
        rfc: 'CACX7605101P8',
        nombre: 'XOCHILT CASAS CHAVEZ',
        domicilioFiscalReceptor: '36257',
        regimenFiscalReceptor: '616',
        usoCFDI: 'G03',
      };
    },
  },
  {
    name: 'UsoCFDI G01 with régimen 616',
    code: 'CFDI40161',
    path: 'receptor.usoCFDI',
    base: 'nominativa',
    apply: (c) => {
      c.receptor = {
        rfc: 'FUNK671228PH6',
        nombre: 'KARLA FUENTE NOLASCO',
        domicilioFiscalReceptor: '01160',
        regimenFiscalReceptor: '616',
        usoCFDI: 'G01',
      };
    },
  },
  {
    name: 'XAXX010101000 with DomicilioFiscalReceptor other than LugarExpedicion',
    code: 'CFDI40149',
    path: 'receptor.domicilioFiscalReceptor',
    base: 'global',
    apply: (c) => {
      c.receptor.domicilioFiscalReceptor = '06600';
    },
  },
  {
    name: 'ObjetoImp 01 on a concepto with Impuestos',
    code: 'CFDI40172',
    path: 'conceptos.0.impuestos',
    base: 'nominativa',
    apply: (c) => {
      const k = c.conceptos[0];
      if (k === undefined) throw new Error('no concepto');
      k.objetoImp = '01';
    },
  },
  {
    name: 'Exento Traslado with an Importe',
    code: 'CFDI40177',
    path: 'conceptos.1.impuestos.traslados.0.importe',
    base: 'nominativa',
    apply: (c) => {
      const t = trasladoAt(c, 1, 0);
      if (t.tipoFactor !== 'Exento') throw new Error('expected the exento concepto');
      t.importe = '0.00';
    },
  },
  {
    name: 'InformacionGlobal bimestral (05) with emisor régimen 601',
    code: 'CFDI40132',
    path: 'informacionGlobal.periodicidad',
    base: 'global',
    apply: (c) => {
      if (c.informacionGlobal === undefined) throw new Error('not a global');
      c.informacionGlobal = { ...c.informacionGlobal, periodicidad: '05', meses: '13' };
    },
  },
  {
    name: 'InformacionGlobal Año two years before Fecha',
    code: 'CFDI40136',
    path: 'informacionGlobal.año',
    base: 'global',
    apply: (c) => {
      if (c.informacionGlobal === undefined) throw new Error('not a global');
      c.informacionGlobal = { ...c.informacionGlobal, año: String(Number(c.fecha.slice(0, 4)) - 2) };
    },
  },
];
