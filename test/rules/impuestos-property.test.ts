import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monedaDecimals } from '../../src/catalogs/index.js';
import { formatPath } from '../../src/issues.js';
import {
  type Comprobante,
  ComprobanteInputSchema,
  ComprobanteSchema,
  type ComprobanteTraslado,
  type Concepto,
  type Retencion,
  type Traslado,
} from '../../src/model/comprobante.js';
import { decimalsOf, Money, roundTo, unit } from '../../src/money.js';
import { completeComprobante } from '../../src/taxes/complete.js';
import { importeWindow, taxWindow } from '../../src/taxes/windows.js';
import { conceptIssues, variant } from './concept-fixtures.js';

/*
 * Random valid invoices built by completeComprobante report none of the concept, impuestos and
 * implocal codes; one random mistake from the list below, each paired with the code a PAC gives for
 * it, reports that code at that path.
 */

type TaxInput = {
  base?: string;
  impuesto: string;
  tipoFactor: string;
  tasaOCuota?: string;
  importe?: string;
};

/** One way a concepto is taxed: its ObjetoImp and its Traslados/Retenciones (amounts left to compute). */
interface TaxProfile {
  readonly objetoImp: string;
  readonly traslados?: readonly TaxInput[];
  readonly retenciones?: readonly TaxInput[];
}

const tasa = (impuesto: string, rate: string): TaxInput => ({
  impuesto,
  tipoFactor: 'Tasa',
  tasaOCuota: rate,
});

const PROFILES: readonly TaxProfile[] = [
  { objetoImp: '02', traslados: [tasa('002', '0.160000')] },
  { objetoImp: '02', traslados: [tasa('002', '0.080000')] },
  { objetoImp: '02', traslados: [tasa('002', '0.000000')] },
  { objetoImp: '02', traslados: [{ impuesto: '002', tipoFactor: 'Exento' }] },
  { objetoImp: '02', traslados: [tasa('003', '0.080000'), tasa('002', '0.160000')] },
  { objetoImp: '02', traslados: [tasa('003', '0.265000')] },
  { objetoImp: '02', traslados: [{ impuesto: '003', tipoFactor: 'Cuota', tasaOCuota: '3.000000' }] },
  {
    objetoImp: '02',
    traslados: [tasa('002', '0.160000')],
    retenciones: [tasa('001', '0.100000'), tasa('002', '0.106667')],
  },
  { objetoImp: '02', retenciones: [tasa('001', '0.012500')] },
  { objetoImp: '01' },
  { objetoImp: '03' },
  { objetoImp: '04' },
  { objetoImp: '05' },
  { objetoImp: '06' },
  { objetoImp: '06', retenciones: [tasa('001', '0.100000')] },
  { objetoImp: '07', traslados: [tasa('003', '0.080000')] },
  { objetoImp: '08', retenciones: [tasa('001', '0.012500')] },
];

/** `n / 10^d` written with exactly `d` decimals. */
function scaled(n: number, d: number): string {
  return new Money(n).dividedBy(new Money(10).pow(d)).toFixed(d);
}

const cantidadArb = fc.oneof(
  fc.integer({ min: 1, max: 20 }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 1, max: 6 })).map(([n, d]) => scaled(n, d)),
);
const valorUnitarioArb = fc
  .tuple(fc.integer({ min: 1, max: 999_999_999 }), fc.integer({ min: 0, max: 6 }))
  .map(([n, d]) => scaled(n, d));

interface LineSpec {
  cantidad: string;
  valorUnitario: string;
  /** Share of the Importe given as Descuento, in percent (0 = none). */
  descuentoPct: number;
  profile: TaxProfile;
}

const lineArb: fc.Arbitrary<LineSpec> = fc.record({
  cantidad: cantidadArb,
  valorUnitario: valorUnitarioArb,
  descuentoPct: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 99 })),
  profile: fc.constantFrom(...PROFILES),
});

interface LocalSpec {
  traslado: string | undefined;
  retencion: string | undefined;
}

interface InvoiceSpec {
  moneda: string;
  tipo: string;
  lines: LineSpec[];
  locales: LocalSpec | undefined;
}

const localArb: fc.Arbitrary<LocalSpec | undefined> = fc.option(
  fc.record({
    traslado: fc.option(fc.constantFrom('2.00', '2.50', '3.00', '5.00'), { nil: undefined }),
    retencion: fc.option(fc.constantFrom('0.50', '1.00'), { nil: undefined }),
  }),
  { nil: undefined },
);

/** The Importe and Descuento the completion will write for a line, at the currency's decimals. */
function lineAmounts(line: LineSpec, decimals: number): { importe: Money; descuento: Money } {
  const importe = roundTo(new Money(line.cantidad).times(line.valorUnitario), decimals);
  return { importe, descuento: roundTo(importe.times(line.descuentoPct).dividedBy(100), decimals) };
}

const invoiceArb: fc.Arbitrary<InvoiceSpec> = fc
  .record({
    moneda: fc.constantFrom('MXN', 'MXN', 'USD', 'JPY', 'KWD'),
    tipo: fc.constantFrom('I', 'E'),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }),
    locales: localArb,
  })
  // A tax Base (Importe − Descuento) must be positive (CFDI40174): a line that rounds to nothing
  // is a genuinely invalid invoice, not a valid one.
  .filter((spec) => {
    const decimals = monedaDecimals(spec.moneda) ?? 2;
    return spec.lines.every((line) => {
      const { importe, descuento } = lineAmounts(line, decimals);
      return importe.minus(descuento).gte(unit(decimals));
    });
  });

/** Builds the input a user would write (amounts to compute left out) and completes it. */
function buildInvoice(spec: InvoiceSpec): Comprobante {
  const decimals = monedaDecimals(spec.moneda) ?? 2;
  const conceptos = spec.lines.map((line) => {
    const { descuento } = lineAmounts(line, decimals);
    const withTaxes = line.profile.traslados !== undefined || line.profile.retenciones !== undefined;
    return {
      claveProdServ: '01010101',
      cantidad: line.cantidad,
      claveUnidad: 'H87',
      descripcion: 'Producto',
      valorUnitario: line.valorUnitario,
      ...(line.descuentoPct > 0 && descuento.gt(0) ? { descuento: descuento.toFixed(decimals) } : {}),
      objetoImp: line.profile.objetoImp,
      ...(withTaxes
        ? {
            impuestos: {
              ...(line.profile.traslados === undefined
                ? {}
                : { traslados: line.profile.traslados.map((t) => ({ ...t })) }),
              ...(line.profile.retenciones === undefined
                ? {}
                : { retenciones: line.profile.retenciones.map((r) => ({ ...r })) }),
            },
          }
        : {}),
    };
  });
  const locales = spec.locales;
  const implocal =
    locales === undefined || (locales.traslado === undefined && locales.retencion === undefined)
      ? {}
      : {
          complemento: [
            {
              impuestosLocales: {
                ...(locales.traslado === undefined
                  ? {}
                  : { trasladosLocales: [{ impLocTrasladado: 'ISH', tasadeTraslado: locales.traslado }] }),
                ...(locales.retencion === undefined
                  ? {}
                  : {
                      retencionesLocales: [{ impLocRetenido: 'Cedular', tasadeRetencion: locales.retencion }],
                    }),
              },
            },
          ],
        };
  const input = ComprobanteInputSchema.parse({
    fecha: '2025-06-15T10:00:00',
    formaPago: '01',
    moneda: spec.moneda,
    ...(spec.moneda === 'MXN' ? {} : { tipoCambio: '18.5' }),
    tipoDeComprobante: spec.tipo,
    exportacion: '01',
    metodoPago: 'PUE',
    lugarExpedicion: '06000',
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'CACX7605101P8',
      nombre: 'XOCHILT CASAS CHAVEZ',
      domicilioFiscalReceptor: '36257',
      regimenFiscalReceptor: '612',
      usoCFDI: 'G03',
    },
    conceptos,
    ...implocal,
  });
  const { comprobante, issues } = completeComprobante(input);
  expect(issues).toEqual([]);
  return ComprobanteSchema.parse(comprobante);
}

/** A mistake a PAC rejects with `code` at `path`; `undefined` when the invoice offers no place for it. */
interface Mutation {
  readonly name: string;
  readonly apply: (c: Comprobante) => { code: string; path: (string | number)[] } | undefined;
}

function firstIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  return items.findIndex(test);
}

function conceptWith(c: Comprobante, test: (k: Concepto) => boolean): number {
  return firstIndex(c.conceptos, test);
}

const isTaxed = (t: Traslado): boolean => t.tipoFactor !== 'Exento';
const cents = (c: Comprobante): Money => unit(monedaDecimals(c.moneda) ?? 2);

const MUTATIONS: readonly Mutation[] = [
  {
    name: 'concept Importe one unit above the A.3 window',
    apply: (c) => {
      const k = c.conceptos[0];
      if (k === undefined) return undefined;
      const { upper } = importeWindow(k.cantidad, k.valorUnitario, decimalsOf(k.importe));
      k.importe = upper.plus(unit(decimalsOf(k.importe))).toFixed(decimalsOf(k.importe));
      return { code: 'CFDI40167', path: ['conceptos', 0, 'importe'] };
    },
  },
  {
    name: 'concept Traslado Importe a cent beyond the A.4 window',
    apply: (c) => {
      const i = conceptWith(c, (k) => (k.impuestos?.traslados ?? []).some(isTaxed));
      const traslados = c.conceptos[i]?.impuestos?.traslados ?? [];
      const j = firstIndex(traslados, isTaxed);
      const t = traslados[j];
      if (t?.tasaOCuota === undefined || t.importe === undefined) return undefined;
      const d = decimalsOf(t.importe);
      t.importe = taxWindow(t.base, t.tasaOCuota, d).upper.plus(unit(d)).toFixed(d);
      return { code: 'CFDI40180', path: ['conceptos', i, 'impuestos', 'traslados', j, 'importe'] };
    },
  },
  {
    name: 'concept Retencion Importe a cent below the A.4 window',
    apply: (c) => {
      const i = conceptWith(c, (k) => (k.impuestos?.retenciones ?? []).length > 0);
      const r: Retencion | undefined = c.conceptos[i]?.impuestos?.retenciones?.[0];
      if (r === undefined) return undefined;
      const d = decimalsOf(r.importe);
      const lower = taxWindow(r.base, r.tasaOCuota, d).lower;
      if (lower.lt(unit(d))) return undefined;
      r.importe = lower.minus(unit(d)).toFixed(d);
      return { code: 'CFDI40186', path: ['conceptos', i, 'impuestos', 'retenciones', 0, 'importe'] };
    },
  },
  {
    name: 'comprobante Traslado Importe not the group sum',
    apply: (c) => {
      const traslados = c.impuestos?.traslados ?? [];
      const k = firstIndex(traslados, (t) => t.importe !== undefined);
      const t: ComprobanteTraslado | undefined = traslados[k];
      if (t?.importe === undefined) return undefined;
      t.importe = new Money(t.importe).plus(cents(c)).toFixed(decimalsOf(t.importe));
      return { code: 'CFDI40221', path: ['impuestos', 'traslados', k, 'importe'] };
    },
  },
  {
    name: 'comprobante Traslado Base not the group sum',
    apply: (c) => {
      const t = c.impuestos?.traslados?.[0];
      if (t === undefined) return undefined;
      t.base = new Money(t.base).plus(cents(c)).toFixed(decimalsOf(t.base));
      return {
        code: t.tipoFactor === 'Exento' ? 'CFDI40216' : 'CFDI40215',
        path: ['impuestos', 'traslados', 0, 'base'],
      };
    },
  },
  {
    name: 'comprobante Retencion Importe not the group sum',
    apply: (c) => {
      const r = c.impuestos?.retenciones?.[0];
      if (r === undefined) return undefined;
      r.importe = new Money(r.importe).plus(cents(c)).toFixed(decimalsOf(r.importe));
      return { code: 'CFDI40211', path: ['impuestos', 'retenciones', 0, 'importe'] };
    },
  },
  {
    name: 'missing TasaOCuota on a concept Traslado',
    apply: (c) => {
      const i = conceptWith(c, (k) => (k.impuestos?.traslados ?? []).some(isTaxed));
      const traslados = c.conceptos[i]?.impuestos?.traslados ?? [];
      const j = firstIndex(traslados, isTaxed);
      const t = traslados[j];
      if (t === undefined) return undefined;
      delete t.tasaOCuota;
      return { code: 'CFDI40178', path: ['conceptos', i, 'impuestos', 'traslados', j, 'tasaOCuota'] };
    },
  },
  {
    name: 'Exento concept Traslado with an Importe',
    apply: (c) => {
      const i = conceptWith(c, (k) => (k.impuestos?.traslados ?? []).some((t) => !isTaxed(t)));
      const traslados = c.conceptos[i]?.impuestos?.traslados ?? [];
      const j = firstIndex(traslados, (t) => !isTaxed(t));
      const t = traslados[j];
      if (t === undefined) return undefined;
      t.importe = '0.00';
      return { code: 'CFDI40177', path: ['conceptos', i, 'impuestos', 'traslados', j, 'importe'] };
    },
  },
  {
    name: 'duplicate comprobante Traslado group',
    apply: (c) => {
      const traslados = c.impuestos?.traslados;
      const t = traslados?.[0];
      if (traslados === undefined || t === undefined) return undefined;
      traslados.push({ ...t });
      return { code: 'CFDI40218', path: ['impuestos', 'traslados', traslados.length - 1] };
    },
  },
  {
    name: 'duplicate comprobante Retencion for one Impuesto',
    apply: (c) => {
      const retenciones = c.impuestos?.retenciones;
      const r = retenciones?.[0];
      if (retenciones === undefined || r === undefined) return undefined;
      retenciones.push({ impuesto: r.impuesto, importe: '0.00' });
      return { code: 'CFDI40208', path: ['impuestos', 'retenciones', retenciones.length - 1, 'impuesto'] };
    },
  },
  {
    name: 'Exento concept Retencion',
    apply: (c) => {
      const i = conceptWith(c, (k) => (k.impuestos?.retenciones ?? []).length > 0);
      const r = c.conceptos[i]?.impuestos?.retenciones?.[0];
      if (r === undefined) return undefined;
      r.tipoFactor = 'Exento';
      return { code: 'CFDI40184', path: ['conceptos', i, 'impuestos', 'retenciones', 0, 'tipoFactor'] };
    },
  },
  {
    name: 'ObjetoImp 01 with Impuestos',
    apply: (c) => {
      const i = conceptWith(c, (k) => k.impuestos !== undefined);
      const k = c.conceptos[i];
      if (k === undefined) return undefined;
      k.objetoImp = '01';
      return { code: 'CFDI40172', path: ['conceptos', i, 'impuestos'] };
    },
  },
  {
    name: 'ObjetoImp 02 without Impuestos',
    apply: (c) => {
      const i = conceptWith(c, (k) => k.objetoImp === '02');
      const k = c.conceptos[i];
      if (k === undefined) return undefined;
      delete k.impuestos;
      return { code: 'CFDI40171', path: ['conceptos', i, 'impuestos'] };
    },
  },
  {
    name: 'TasaOCuota not in c_TasaOCuota',
    apply: (c) => {
      const i = conceptWith(c, (k) =>
        (k.impuestos?.traslados ?? []).some((t) => t.impuesto === '002' && isTaxed(t)),
      );
      const traslados = c.conceptos[i]?.impuestos?.traslados ?? [];
      const j = firstIndex(traslados, (t) => t.impuesto === '002' && isTaxed(t));
      const t = traslados[j];
      if (t === undefined) return undefined;
      t.tasaOCuota = '0.150000';
      return { code: 'CFDI40179', path: ['conceptos', i, 'impuestos', 'traslados', j, 'tasaOCuota'] };
    },
  },
  {
    name: 'ISR as a concept Traslado',
    apply: (c) => {
      const t = c.conceptos[0]?.impuestos?.traslados?.[0];
      if (t === undefined) return undefined;
      t.impuesto = '001';
      return { code: 'CFDI40175', path: ['conceptos', 0, 'impuestos', 'traslados', 0, 'impuesto'] };
    },
  },
  {
    name: 'TotalImpuestosTrasladados not the sum',
    apply: (c) => {
      const imp = c.impuestos;
      if (imp?.totalImpuestosTrasladados === undefined) return undefined;
      imp.totalImpuestosTrasladados = new Money(imp.totalImpuestosTrasladados)
        .plus(cents(c))
        .toFixed(decimalsOf(imp.totalImpuestosTrasladados));
      return { code: 'CFDI40205', path: ['impuestos', 'totalImpuestosTrasladados'] };
    },
  },
  {
    name: 'TotalImpuestosRetenidos not the sum',
    apply: (c) => {
      const imp = c.impuestos;
      if (imp?.totalImpuestosRetenidos === undefined) return undefined;
      imp.totalImpuestosRetenidos = new Money(imp.totalImpuestosRetenidos)
        .plus(cents(c))
        .toFixed(decimalsOf(imp.totalImpuestosRetenidos));
      return { code: 'CFDI40203', path: ['impuestos', 'totalImpuestosRetenidos'] };
    },
  },
  {
    name: 'TotalImpuestosTrasladados missing',
    apply: (c) => {
      const imp = c.impuestos;
      if (imp?.totalImpuestosTrasladados === undefined) return undefined;
      delete imp.totalImpuestosTrasladados;
      return { code: 'CFDI40212', path: ['impuestos', 'totalImpuestosTrasladados'] };
    },
  },
  {
    name: 'TotalImpuestosRetenidos missing',
    apply: (c) => {
      const imp = c.impuestos;
      if (imp?.totalImpuestosRetenidos === undefined) return undefined;
      delete imp.totalImpuestosRetenidos;
      return { code: 'CFDI40206', path: ['impuestos', 'totalImpuestosRetenidos'] };
    },
  },
  {
    name: 'comprobante Traslado Importe with more decimals than the currency',
    apply: (c) => {
      const traslados = c.impuestos?.traslados ?? [];
      const k = firstIndex(traslados, (t) => t.importe !== undefined);
      const t = traslados[k];
      if (t?.importe === undefined) return undefined;
      t.importe = new Money(t.importe).toFixed(decimalsOf(t.importe) + 1);
      return { code: 'CFDI40220', path: ['impuestos', 'traslados', k, 'importe'] };
    },
  },
  {
    name: 'Impuestos in a traslado (T)',
    apply: (c) => {
      if (c.impuestos === undefined) return undefined;
      c.tipoDeComprobante = 'T';
      return { code: 'CFDI40201', path: ['impuestos'] };
    },
  },
  {
    name: 'ValorUnitario 0',
    apply: (c) => {
      const k = c.conceptos[0];
      if (k === undefined) return undefined;
      k.valorUnitario = '0';
      return { code: 'CFDI40166', path: ['conceptos', 0, 'valorUnitario'] };
    },
  },
  {
    name: 'concept Descuento above its Importe',
    apply: (c) => {
      const k = c.conceptos[0];
      if (k === undefined) return undefined;
      k.descuento = new Money(k.importe).plus(unit(decimalsOf(k.importe))).toFixed(decimalsOf(k.importe));
      return { code: 'CFDI40169', path: ['conceptos', 0, 'descuento'] };
    },
  },
  {
    name: 'implocal TotaldeTraslados not the sum of its lines',
    apply: (c) => {
      const item = c.complemento?.[0];
      if (item === undefined || !('impuestosLocales' in item)) return undefined;
      const il = item.impuestosLocales;
      il.totaldeTraslados = new Money(il.totaldeTraslados).plus('0.01').toFixed(2);
      return {
        code: 'IMPLOCAL_TOTAL_TRASLADOS',
        path: ['complemento', 0, 'impuestosLocales', 'totaldeTraslados'],
      };
    },
  },
];

const RUNS = 300;

describe('random valid invoices (completeComprobante)', () => {
  it('report none of the concept, impuestos or implocal codes', () => {
    fc.assert(
      fc.property(invoiceArb, (spec) => {
        const c = buildInvoice(spec);
        expect(conceptIssues(c)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('with one mistake report the code a PAC gives for it, at its path', () => {
    const used = new Set<string>();
    fc.assert(
      fc.property(invoiceArb, fc.nat(), (spec, pick) => {
        const valid = buildInvoice(spec);
        const applicable = MUTATIONS.filter((m) => m.apply(structuredClone(valid)) !== undefined);
        const mutation = applicable[pick % applicable.length];
        if (mutation === undefined) return;
        let expected: { code: string; path: (string | number)[] } | undefined;
        const broken = variant(valid, (c) => {
          expected = mutation.apply(c);
        });
        if (expected === undefined) return;
        used.add(mutation.name);
        const reported = conceptIssues(broken).map((i) => `${i.code} ${formatPath(i.path)}`);
        expect(reported, mutation.name).toContain(`${expected.code} ${formatPath(expected.path)}`);
      }),
      { numRuns: RUNS * 2 },
    );
    // Every mutation got exercised at least once across the runs.
    expect([...used].sort()).toEqual(MUTATIONS.map((m) => m.name).sort());
  });

  it('never throw, whatever text the amounts hold', () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('', '-1', '1e3', '0x10', ' 1', 'NaN', '1.2.3'),
    );
    fc.assert(
      fc.property(invoiceArb, junk, junk, junk, (spec, a, b, d) => {
        const c = variant(buildInvoice(spec), (m) => {
          const k = m.conceptos[0];
          if (k === undefined) return;
          k.importe = a;
          k.cantidad = b;
          const t = k.impuestos?.traslados?.[0];
          if (t !== undefined) {
            t.base = d;
            t.tasaOCuota = a;
          }
          const r = k.impuestos?.retenciones?.[0];
          if (r !== undefined) r.importe = b;
          m.subTotal = d;
          const imp = m.impuestos;
          if (imp?.traslados?.[0] !== undefined) imp.traslados[0].importe = a;
          if (imp !== undefined) imp.totalImpuestosTrasladados = b;
        });
        expect(() => conceptIssues(c)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });
});
