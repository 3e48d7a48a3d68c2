import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monedaDecimals } from '../../src/catalogs/index.js';
import type { Comprobante, ComprobanteInput, ConceptoInput } from '../../src/model/comprobante.js';
import { Money, unit } from '../../src/money.js';
import { COMPROBANTE_RULE_CODES } from '../../src/rules/comprobante.js';
import { EMISOR_RECEPTOR_RULE_CODES } from '../../src/rules/emisor-receptor.js';
import { FACET_RULE_CODES } from '../../src/rules/facets.js';
import { RULE_CODES, validateComprobante } from '../../src/rules/index.js';
import { INFORMACION_GLOBAL_RULE_CODES } from '../../src/rules/informacion-global.js';
import { completeComprobante } from '../../src/taxes/complete.js';
import { COMERCIO_EXTERIOR_20, errorsOf, type Mutable } from './fixtures.js';

/*
 * "One-mistake invoices": random valid invoices (random conceptos, rates, currencies and receptores
 * from a valid set, amounts filled in by completeComprobante) must pass every rule; one random mistake
 * from the list below must then be reported with the SAT code a PAC would give for it. The concept
 * and tax mistakes live with the concept rules' tests; these cover the comprobante, emisor, receptor
 * and InformacionGlobal codes.
 */

const LUGAR_EXPEDICION = '64000';

interface Party {
  readonly rfc: string;
  readonly nombre: string;
  readonly regimen: string;
  readonly domicilio: string;
  readonly usos: readonly string[];
  readonly extranjero?: { readonly residenciaFiscal: string; readonly numRegIdTrib: string };
  readonly global?: boolean;
}

const EMISORES = [
  { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  { rfc: 'CACX7605101P8', nombre: 'XOCHILT CASAS CHAVEZ', regimenFiscal: '612' },
  { rfc: 'IIA040805DZ4', nombre: 'INDISTRIA ILUMINADORA DE ALMACENES', regimenFiscal: '626' },
] as const;

const RECEPTORES: readonly Party[] = [
  {
    rfc: 'EKU9003173C9',
    nombre: 'ESCUELA KEMPER URGATE',
    regimen: '601',
    domicilio: '26015',
    usos: ['G01', 'G03', 'I04'],
  },
  {
    rfc: 'URE180429TM6',
    nombre: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
    regimen: '603',
    domicilio: '86991',
    usos: ['G03', 'CP01'],
  },
  {
    rfc: 'CACX7605101P8',
    nombre: 'XOCHILT CASAS CHAVEZ',
    regimen: '612',
    domicilio: '36257',
    usos: ['G03', 'D01', 'S01'],
  },
  {
    rfc: 'FUNK671228PH6',
    nombre: 'KARLA FUENTE NOLASCO',
    regimen: '626',
    domicilio: '01160',
    usos: ['G01', 'I08'],
  },
  {
    rfc: 'XEXX010101000',
    nombre: 'ACME CORPORATION',
    regimen: '616',
    domicilio: LUGAR_EXPEDICION,
    usos: ['S01'],
    extranjero: { residenciaFiscal: 'USA', numRegIdTrib: '123456789' },
  },
  {
    rfc: 'XAXX010101000',
    nombre: 'PUBLICO EN GENERAL',
    regimen: '616',
    domicilio: LUGAR_EXPEDICION,
    usos: ['S01'],
    global: true,
  },
];

/** Moneda with a TipoCambio; MXN without, and currencies of 0, 3 and 4 decimals. */
const MONEDAS: ReadonlyArray<readonly [string, string | undefined]> = [
  ['MXN', undefined],
  ['MXN', '1'],
  ['USD', '17.0520'],
  ['EUR', '18.512345'],
  ['JPY', '0.1102'],
  ['KWD', '55.3'],
  ['CLF', '812.25'],
];

type Tax = 'none' | 'iva16' | 'iva8' | 'iva0' | 'exento' | 'iva16+ieps8' | 'iva16+retenciones';

function conceptoImpuestos(tax: Tax): Pick<ConceptoInput, 'objetoImp' | 'impuestos'> {
  const traslado = (impuesto: string, tasaOCuota: string) => ({ impuesto, tipoFactor: 'Tasa', tasaOCuota });
  switch (tax) {
    case 'none':
      return { objetoImp: '01' };
    case 'iva16':
      return { objetoImp: '02', impuestos: { traslados: [traslado('002', '0.160000')] } };
    case 'iva8':
      return { objetoImp: '02', impuestos: { traslados: [traslado('002', '0.080000')] } };
    case 'iva0':
      return { objetoImp: '02', impuestos: { traslados: [traslado('002', '0.000000')] } };
    case 'exento':
      return { objetoImp: '02', impuestos: { traslados: [{ impuesto: '002', tipoFactor: 'Exento' }] } };
    case 'iva16+ieps8':
      return {
        objetoImp: '02',
        impuestos: { traslados: [traslado('003', '0.080000'), traslado('002', '0.160000')] },
      };
    case 'iva16+retenciones':
      return {
        objetoImp: '02',
        impuestos: {
          traslados: [traslado('002', '0.160000')],
          retenciones: [
            { impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000' },
            { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.106667' },
          ],
        },
      };
  }
}

const conceptoArb = fc.record({
  cantidad: fc.constantFrom('1', '2', '3', '0.5', '1.25', '10'),
  cents: fc.integer({ min: 20_000, max: 5_000_000 }),
  // Below the smallest importe (0.5 × 200.00, 100 units of a currency without decimals such as JPY):
  // a descuento equal to the importe leaves a traslado Base of 0, which CFDI40174 refuses.
  descuentoUnits: fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined }),
  tax: fc.constantFrom<Tax>('none', 'iva16', 'iva8', 'iva0', 'exento', 'iva16+ieps8', 'iva16+retenciones'),
  claveUnidad: fc.constantFrom('H87', 'E48', 'ACT', 'KGM'),
});

const invoiceArb = fc.record({
  moneda: fc.constantFrom(...MONEDAS),
  emisor: fc.constantFrom(...EMISORES),
  receptor: fc.constantFrom(...RECEPTORES),
  usoIndex: fc.nat(5),
  tipo: fc.constantFrom('I', 'E'),
  pago: fc.constantFrom(['PUE', '01'], ['PUE', '03'], ['PUE', '04'], ['PUE', '28'], ['PPD', '99']),
  fecha: fc.date({
    min: new Date('2023-01-01T00:00:00Z'),
    max: new Date('2025-12-31T23:59:59Z'),
    noInvalidDate: true,
  }),
  conceptos: fc.array(conceptoArb, { minLength: 1, maxLength: 5 }),
});

type Invoice = typeof invoiceArb extends fc.Arbitrary<infer T> ? T : never;

function buildInput(inv: Invoice): ComprobanteInput {
  const [moneda, tipoCambio] = inv.moneda;
  const decimals = monedaDecimals(moneda) ?? 2;
  const fecha = inv.fecha.toISOString().slice(0, 19);
  const r = inv.receptor;
  const usoCFDI = r.usos[inv.usoIndex % r.usos.length] ?? 'S01';
  const conceptos = inv.conceptos.map(
    (k, index): ConceptoInput => ({
      claveProdServ: '01010101',
      noIdentificacion: `T-${index + 1}`,
      cantidad: k.cantidad,
      claveUnidad: k.claveUnidad,
      descripcion: `Concepto ${index + 1}`,
      valorUnitario: new Money(k.cents).dividedBy(100).toFixed(2),
      ...(k.descuentoUnits === undefined
        ? {}
        : { descuento: unit(decimals).times(k.descuentoUnits).toFixed(decimals) }),
      ...conceptoImpuestos(k.tax),
    }),
  );
  return {
    version: '4.0',
    serie: 'P',
    folio: '1',
    fecha,
    formaPago: inv.pago[1],
    metodoPago: inv.pago[0],
    moneda,
    ...(tipoCambio === undefined ? {} : { tipoCambio }),
    tipoDeComprobante: inv.tipo,
    exportacion: '01',
    lugarExpedicion: LUGAR_EXPEDICION,
    ...(r.global === true
      ? { informacionGlobal: { periodicidad: '04', meses: fecha.slice(5, 7), año: fecha.slice(0, 4) } }
      : {}),
    emisor: { ...inv.emisor },
    receptor: {
      rfc: r.rfc,
      nombre: r.nombre,
      domicilioFiscalReceptor: r.domicilio,
      ...(r.extranjero ?? {}),
      regimenFiscalReceptor: r.regimen,
      usoCFDI,
    },
    conceptos,
  } as ComprobanteInput;
}

function complete(inv: Invoice): Comprobante {
  return completeComprobante(buildInput(inv)).comprobante;
}

// ---- one mistake each, with the code a PAC would return ----

const RFC_PUBLICO = 'XAXX010101000';
const RFC_EXTRANJERO = 'XEXX010101000';

function decimalsOfDoc(c: Comprobante): number {
  return monedaDecimals(c.moneda) ?? 2;
}

function plusUnit(text: string, decimals: number): string {
  return new Money(text).plus(unit(decimals)).toFixed(decimals);
}

function year(c: Comprobante): number {
  return Number(c.fecha.slice(0, 4));
}

/** A mistake that always applies and always earns `code`. */
function always(code: string, mutate: (c: Mutable) => void): (c: Mutable) => string {
  return (c) => {
    mutate(c);
    return code;
  };
}

interface Mistake {
  readonly name: string;
  /** Applies the mistake and returns the code it must earn, or `undefined` when it does not apply. */
  readonly apply: (c: Mutable) => string | undefined;
}

const MISTAKES: readonly Mistake[] = [
  {
    name: 'Fecha on February 30',
    apply: always('CFDI40101', (c) => {
      c.fecha = `${year(c)}-02-30T10:00:00`;
    }),
  },
  {
    name: 'FormaPago not in the catalog',
    apply: always('CFDI40104', (c) => {
      c.formaPago = 'ZZ';
    }),
  },
  {
    name: 'PPD with FormaPago 01',
    apply: (c) => {
      c.metodoPago = 'PPD';
      c.formaPago = '01';
      return 'CFDI40105';
    },
  },
  {
    name: 'SubTotal with a decimal more than the currency',
    apply: always('CFDI40107', (c) => {
      c.subTotal = c.subTotal.includes('.') ? `${c.subTotal}0` : `${c.subTotal}.0`;
    }),
  },
  {
    name: 'SubTotal a unit off',
    apply: always('CFDI40108', (c) => {
      c.subTotal = plusUnit(c.subTotal, decimalsOfDoc(c));
    }),
  },
  {
    name: 'Total a unit off',
    apply: always('CFDI40119', (c) => {
      c.total = plusUnit(c.total, decimalsOfDoc(c));
    }),
  },
  {
    name: 'Descuento above SubTotal',
    apply: always('CFDI40110', (c) => {
      c.descuento = plusUnit(c.subTotal, decimalsOfDoc(c));
    }),
  },
  {
    name: 'Descuento with a decimal more than the currency',
    apply: (c) => {
      const d = decimalsOfDoc(c);
      c.descuento = new Money(c.descuento ?? '0').toFixed(d + 1);
      return 'CFDI40112';
    },
  },
  {
    name: 'Moneda not in c_Moneda',
    apply: always('CFDI40113', (c) => {
      c.moneda = 'XYZ';
    }),
  },
  {
    name: 'TipoCambio that contradicts the Moneda',
    apply: (c) => {
      if (c.moneda === 'MXN') {
        c.tipoCambio = '2';
        return 'CFDI40114';
      }
      delete c.tipoCambio;
      return 'CFDI40115';
    },
  },
  {
    name: 'TipoCambio with XXX',
    apply: (c) => {
      c.moneda = 'XXX';
      c.tipoCambio = '1';
      return 'CFDI40116';
    },
  },
  {
    name: 'TipoCambio with seven decimals',
    apply: always('CFDI40117', (c) => {
      c.tipoCambio = '1.0000001';
    }),
  },
  {
    name: 'TipoDeComprobante not in the catalog',
    apply: always('CFDI40121', (c) => {
      c.tipoDeComprobante = 'Z';
    }),
  },
  {
    name: 'Exportacion 02 without Comercio Exterior',
    apply: always('CFDI40122', (c) => {
      c.exportacion = '02';
    }),
  },
  {
    name: 'Exportacion not in the catalog',
    apply: always('CFDI40123', (c) => {
      c.exportacion = '09';
    }),
  },
  {
    name: 'MetodoPago not in the catalog',
    apply: always('CFDI40124', (c) => {
      c.metodoPago = 'PAGO';
    }),
  },
  {
    name: 'a Traslado with FormaPago',
    apply: always('CFDI40103', (c) => {
      c.tipoDeComprobante = 'T';
    }),
  },
  {
    name: 'a Traslado with a SubTotal',
    apply: always('CFDI40109', (c) => {
      c.tipoDeComprobante = 'T';
    }),
  },
  {
    name: 'a Pago with MetodoPago',
    apply: always('CFDI40125', (c) => {
      c.tipoDeComprobante = 'P';
    }),
  },
  {
    name: 'a Traslado with a Total above its valor máximo 0 and no Confirmacion',
    apply: always('CFDI40120', (c) => {
      c.tipoDeComprobante = 'T';
    }),
  },
  {
    name: "Descuento that is not the conceptos' Descuento",
    apply: always('DESCUENTO_SUM', (c) => {
      c.descuento = plusUnit(c.descuento ?? '0', decimalsOfDoc(c));
    }),
  },
  {
    name: 'a Traslado with a concept Descuento',
    apply: (c) => {
      c.tipoDeComprobante = 'T';
      const [first] = c.conceptos;
      if (first !== undefined) first.descuento = '0';
      return 'CFDI40111';
    },
  },
  {
    name: 'Confirmacion nothing needs (MXN only: other currencies need the FIX rate)',
    apply: (c) => {
      if (c.moneda !== 'MXN') return undefined;
      c.confirmacion = 'ABC12';
      return 'CFDI40127';
    },
  },
  {
    name: 'TipoRelacion not in the catalog',
    apply: (c) => {
      c.cfdiRelacionados = [
        { tipoRelacion: '10', cfdiRelacionado: [{ uUID: '5FB2822E-396D-4725-8521-CDC4BDD20CCF' }] },
      ];
      return 'CFDI40137';
    },
  },
  {
    name: 'InformacionGlobal where it does not belong, or missing where it does',
    apply: (c) => {
      if (c.receptor.rfc === RFC_PUBLICO) {
        delete c.informacionGlobal;
        return 'CFDI40146';
      }
      c.informacionGlobal = { periodicidad: '01', meses: '01', año: String(year(c)) };
      return 'CFDI40130';
    },
  },
  {
    name: 'Periodicidad not in the catalog',
    apply: always('CFDI40131', (c) => {
      c.informacionGlobal = { periodicidad: '09', meses: '01', año: String(year(c)) };
    }),
  },
  {
    name: 'bimestral global outside régimen 621',
    apply: always('CFDI40132', (c) => {
      c.informacionGlobal = { periodicidad: '05', meses: '13', año: String(year(c)) };
    }),
  },
  {
    name: 'Meses not in the catalog',
    apply: always('CFDI40133', (c) => {
      c.informacionGlobal = { periodicidad: '01', meses: '19', año: String(year(c)) };
    }),
  },
  {
    name: 'two-month Meses with a monthly Periodicidad',
    apply: always('CFDI40134', (c) => {
      c.informacionGlobal = { periodicidad: '04', meses: '14', año: String(year(c)) };
    }),
  },
  {
    name: 'single-month Meses with the bimestral Periodicidad',
    apply: always('CFDI40135', (c) => {
      c.emisor = { rfc: 'CACX7605101P8', nombre: 'XOCHILT CASAS CHAVEZ', regimenFiscal: '621' };
      c.informacionGlobal = { periodicidad: '05', meses: '05', año: String(year(c)) };
    }),
  },
  {
    name: 'Año two years before Fecha',
    apply: always('CFDI40136', (c) => {
      c.informacionGlobal = { periodicidad: '04', meses: '01', año: String(year(c) - 2) };
    }),
  },
  {
    name: 'Emisor RegimenFiscal not in the catalog',
    apply: always('CFDI40140', (c) => {
      c.emisor.regimenFiscal = '600';
    }),
  },
  {
    name: 'Emisor RegimenFiscal of the other persona',
    apply: always('CFDI40141', (c) => {
      c.emisor.regimenFiscal = c.emisor.rfc.length === 12 ? '612' : '601';
    }),
  },
  {
    name: 'FacAtrAdquirente of three digits',
    apply: always('CFDI40142', (c) => {
      c.emisor.facAtrAdquirente = '123';
    }),
  },
  {
    name: 'PUBLICO EN GENERAL with a real RFC',
    apply: (c) => {
      if (c.receptor.rfc === RFC_PUBLICO) c.receptor.rfc = 'EKU9003173C9';
      else c.receptor.nombre = 'PUBLICO EN GENERAL';
      return 'CFDI40146';
    },
  },
  {
    name: 'generic receptor at another postal code',
    apply: (c) => {
      if (c.receptor.rfc !== RFC_PUBLICO && c.receptor.rfc !== RFC_EXTRANJERO) return undefined;
      c.receptor.domicilioFiscalReceptor = '01000';
      return 'CFDI40149';
    },
  },
  {
    name: 'ResidenciaFiscal not in c_Pais',
    apply: always('CFDI40150', (c) => {
      c.receptor.residenciaFiscal = 'XYZ';
    }),
  },
  {
    name: 'ResidenciaFiscal for a Mexican RFC, or MEX',
    apply: (c) => {
      if (c.receptor.rfc === RFC_EXTRANJERO) {
        c.receptor.residenciaFiscal = 'MEX';
        return 'CFDI40152';
      }
      c.receptor.residenciaFiscal = 'USA';
      return 'CFDI40151';
    },
  },
  {
    name: 'NumRegIdTrib without ResidenciaFiscal',
    apply: (c) => {
      c.receptor.numRegIdTrib = '123456789';
      delete c.receptor.residenciaFiscal;
      return 'CFDI40153';
    },
  },
  {
    name: "NumRegIdTrib for a Mexican RFC, or not the country's pattern",
    apply: (c) => {
      if (c.receptor.rfc === RFC_EXTRANJERO) {
        c.receptor.numRegIdTrib = '12-34';
        return 'CFDI40156';
      }
      c.receptor.numRegIdTrib = '123456789';
      return 'CFDI40154';
    },
  },
  {
    name: 'Comercio Exterior for a foreign receptor without NumRegIdTrib',
    apply: (c) => {
      if (c.receptor.rfc !== RFC_EXTRANJERO) return undefined;
      c.exportacion = '02';
      c.complemento = [COMERCIO_EXTERIOR_20];
      delete c.receptor.numRegIdTrib;
      return 'CFDI40155';
    },
  },
  {
    name: 'RegimenFiscalReceptor not in the catalog',
    apply: always('CFDI40157', (c) => {
      c.receptor.regimenFiscalReceptor = '600';
    }),
  },
  {
    name: 'RegimenFiscalReceptor of the other persona, or not 616 for a generic RFC',
    apply: (c) => {
      const { receptor } = c;
      if (receptor.rfc === RFC_PUBLICO || receptor.rfc === RFC_EXTRANJERO) {
        receptor.regimenFiscalReceptor = '612';
        return 'CFDI40159';
      }
      receptor.regimenFiscalReceptor = receptor.rfc.length === 12 ? '612' : '601';
      return 'CFDI40158';
    },
  },
  {
    name: 'UsoCFDI not in the catalog',
    apply: always('CFDI40160', (c) => {
      c.receptor.usoCFDI = 'P01';
    }),
  },
  {
    name: 'UsoCFDI for the other persona or régimen',
    apply: (c) => {
      const { receptor } = c;
      if (receptor.regimenFiscalReceptor === '616') receptor.usoCFDI = 'G03';
      else if (receptor.rfc.length === 12) receptor.usoCFDI = 'D01';
      else receptor.usoCFDI = 'CN01';
      return 'CFDI40161';
    },
  },
  {
    name: 'ClaveUnidad not in c_ClaveUnidad',
    apply: (c) => {
      const [first] = c.conceptos;
      if (first !== undefined) first.claveUnidad = 'PIEZA';
      return 'CFDI40165';
    },
  },
];

const KNOWN_CODES = new Set(RULE_CODES.map((r) => r.code));

describe('one-mistake invoices', () => {
  it('random valid invoices report no errors', () => {
    fc.assert(
      fc.property(invoiceArb, (inv) => {
        const c = complete(inv);
        expect(errorsOf(validateComprobante(c))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('one mistake is reported with the code a PAC would give', () => {
    fc.assert(
      fc.property(invoiceArb, fc.constantFrom(...MISTAKES), (inv, mistake) => {
        const c = structuredClone(complete(inv)) as Mutable;
        const code = mistake.apply(c);
        fc.pre(code !== undefined);
        const issues = validateComprobante(c);
        expect(
          issues.map((i) => i.code),
          mistake.name,
        ).toContain(code);
        for (const issue of issues) expect(KNOWN_CODES).toContain(issue.code);
      }),
      { numRuns: 600 },
    );
  });

  it('covers every code of the comprobante, emisor, receptor and global rules with a mistake', () => {
    const sample = complete(fc.sample(invoiceArb, { numRuns: 1, seed: 1 })[0] as Invoice);
    const produced = new Set<string>();
    for (const receptor of RECEPTORES) {
      for (const [moneda, tipoCambio] of MONEDAS) {
        for (const mistake of MISTAKES) {
          const c = structuredClone(sample) as Mutable;
          c.moneda = moneda;
          if (tipoCambio === undefined) delete c.tipoCambio;
          else c.tipoCambio = tipoCambio;
          c.receptor = {
            rfc: receptor.rfc,
            nombre: receptor.nombre,
            domicilioFiscalReceptor: receptor.domicilio,
            ...(receptor.extranjero ?? {}),
            regimenFiscalReceptor: receptor.regimen,
            usoCFDI: receptor.usos[0] ?? 'S01',
          };
          const code = mistake.apply(c);
          if (code !== undefined) produced.add(code);
        }
      }
    }
    const mine = [
      ...FACET_RULE_CODES,
      ...COMPROBANTE_RULE_CODES,
      ...EMISOR_RECEPTOR_RULE_CODES,
      ...INFORMACION_GLOBAL_RULE_CODES,
    ]
      .map((r) => r.code)
      .filter((code) => !code.startsWith('XSD_') && !code.startsWith('RFC_'));
    expect(mine.filter((code) => !produced.has(code))).toEqual([]);
  });
});
