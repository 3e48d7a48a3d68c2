import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import type { DoctoRelacionadoFacts, ImpuestoFact, PagoFacts, PagosFacts } from '../../src/pagos/index.js';

/** Cents (or units of 10^-decimals) as a decimal string. */
function units(value: number, decimals: number): string {
  if (decimals === 0) return String(value);
  const text = String(value).padStart(decimals + 1, '0');
  return `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

const MONEDAS = ['MXN', 'USD', 'EUR'] as const;

const trasladoIva = fc.constantFrom<ImpuestoFact>(
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' },
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.080000' },
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.000000' },
  { impuesto: '002', tipoFactor: 'Exento' },
);
const trasladoIeps = fc.constantFrom<ImpuestoFact>(
  { impuesto: '003', tipoFactor: 'Tasa', tasaOCuota: '0.080000' },
  { impuesto: '003', tipoFactor: 'Tasa', tasaOCuota: '0.265000' },
);
const retencionIva = fc.constantFrom<ImpuestoFact>(
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.106667' },
  { impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.040000' },
);
const retencionIsr = fc.constantFrom<ImpuestoFact>(
  { impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.100000' },
  { impuesto: '001', tipoFactor: 'Tasa', tasaOCuota: '0.012500' },
);

const taxes = fc
  .record({
    iva: trasladoIva,
    ieps: fc.option(trasladoIeps, { nil: undefined }),
    retIva: fc.option(retencionIva, { nil: undefined }),
    retIsr: fc.option(retencionIsr, { nil: undefined }),
  })
  .map(({ iva, ieps, retIva, retIsr }) => ({
    traslados: ieps === undefined ? [iva] : [iva, ieps],
    retenciones: [retIva, retIsr].filter((r): r is ImpuestoFact => r !== undefined),
  }));

/** An EquivalenciaDR between 0.04 and 25 with up to 6 decimals. */
const equivalencia = fc
  .integer({ min: 40_000, max: 25_000_000 })
  .map((v) => units(v, 6).replace(/\.?0+$/, ''));

function docto(monedaP: string, forceOther: boolean): fc.Arbitrary<DoctoRelacionadoFacts> {
  return fc
    .record({
      moneda: forceOther
        ? fc.constantFrom(...MONEDAS.filter((m) => m !== monedaP))
        : fc.constantFrom(...MONEDAS),
      eq: equivalencia,
      parcialidad: fc.integer({ min: 1, max: 12 }),
      saldo: fc.integer({ min: 10_000, max: 50_000_000 }),
      share: fc.integer({ min: 1, max: 1000 }),
      taxed: fc.boolean(),
      taxes,
      uuid: fc.uuid(),
    })
    .map(({ moneda, eq, parcialidad, saldo, share, taxed, taxes: t, uuid }) => {
      const pagado = Math.max(100, Math.floor((saldo * share) / 1000));
      return {
        idDocumento: uuid,
        monedaDR: moneda,
        ...(moneda === monedaP ? { equivalenciaDR: '1' } : { equivalenciaDR: eq }),
        numParcialidad: String(parcialidad),
        impSaldoAnt: units(saldo, 2),
        impPagado: units(pagado, 2),
        objetoImpDR: taxed ? '02' : '01',
        ...(taxed
          ? { traslados: t.traslados, ...(t.retenciones.length > 0 ? { retenciones: t.retenciones } : {}) }
          : {}),
      };
    });
}

/** Placeholder Monto: {@link withMonto} replaces it by one the DRs are consistent with. */
const PENDING = '0';

function pago(forceMixed: boolean): fc.Arbitrary<PagoFacts> {
  return fc.constantFrom('MXN', 'USD').chain((monedaP) =>
    fc
      .record({
        first: docto(monedaP, forceMixed),
        rest: fc.array(docto(monedaP, false), { maxLength: 3 }),
        tc: fc.integer({ min: 150_000, max: 220_000 }),
        extra: fc.integer({ min: 0, max: 500 }),
      })
      .map(({ first, rest, tc, extra }) => ({
        fechaPago: '2024-05-01T12:00:00',
        formaDePagoP: '03',
        monedaP,
        ...(monedaP === 'MXN' ? { tipoCambioP: '1' } : { tipoCambioP: units(tc, 4) }),
        monto: `${PENDING}:${extra}`,
        doctoRelacionado: [first, ...rest],
      })),
  );
}

/** Random payment facts: several DRs, mixed currencies with EquivalenciaDR, IVA 16/8/0/Exento, IEPS, retenciones. */
export function pagosFacts(options: { forceMixed?: boolean } = {}): fc.Arbitrary<PagosFacts> {
  return fc
    .array(pago(options.forceMixed ?? false), { minLength: 1, maxLength: 3 })
    .map((pagos) => ({ pago: pagos }));
}

/**
 * Sets each payment's Monto to what its DRs cover: Σ ImpPagado / EquivalenciaDR rounded to MonedaP's
 * 2 decimals (inside the CRP20276 limits), plus the generated extra cents when every DR is in MonedaP
 * (CRP20217 only asks Σ ImpPagado ≤ Monto).
 */
export function withMonto(facts: PagosFacts, convert: (pagado: string, eq: string) => string): PagosFacts {
  return {
    pago: facts.pago.map((p) => {
      const extra = Number(p.monto.split(':')[1] ?? '0');
      const mixed = p.doctoRelacionado.some((d) => d.monedaDR !== p.monedaP);
      const parts = p.doctoRelacionado.map((d) => convert(d.impPagado, d.equivalenciaDR ?? '1'));
      let monto = parts.reduce((a, b) => addCents(a, b), '0.00');
      if (!mixed) monto = addCents(monto, units(extra, 2));
      return { ...p, monto };
    }),
  };
}

function addCents(a: string, b: string): string {
  const toCents = (t: string) => {
    const [i, f = ''] = t.split('.');
    return BigInt(i ?? '0') * 100n + BigInt((f + '00').slice(0, 2));
  };
  const c = toCents(a) + toCents(b);
  return `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
}

/** ImpPagado converted to MonedaP as withMonto needs it: ÷ EquivalenciaDR, half up to 2 decimals. */
export function convertPagado(pagado: string, eq: string): string {
  return new Decimal(pagado).dividedBy(eq).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

/** The header of the test REPs: the SAT's test emisor and a receptor from its samples. */
export const REP_HEADER = {
  serie: 'P',
  folio: '77',
  fecha: '2024-05-02T10:00:00',
  lugarExpedicion: '42501',
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  receptor: {
    rfc: 'URE180429TM6',
    nombre: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
    domicilioFiscalReceptor: '86991',
    regimenFiscalReceptor: '601',
  },
};
