import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computePagos,
  computePagosOrThrow,
  type Pagos,
  type PagosFacts,
  PagosFactsSchema,
  PagosSchema,
  TOTAL_LINES,
} from '../../src/pagos/index.js';
import { checkPagos } from '../../src/rules/pagos.js';
import { pagosFacts, withMonto } from './generators.js';

const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });

const convert = (pagado: string, eq: string) => new D(pagado).dividedBy(eq).toFixed(2);

function computed(facts: PagosFacts): Pagos {
  const { pagos, issues } = computePagos(facts);
  expect(issues).toEqual([]);
  if (pagos === undefined) throw new Error('no pagos');
  return pagos;
}

const facts = pagosFacts().map((f) => withMonto(f, convert));
const mixedFacts = pagosFacts({ forceMixed: true }).map((f) => withMonto(f, convert));

/** The test's own reading of CRP20201–CRP20210: which Totales line an ImpuestosP node feeds. */
function lineOf(
  kind: 'ret' | 'tras',
  impuesto: string,
  factor: string,
  tasa: string | undefined,
  amount: 'base' | 'importe',
): string | undefined {
  if (kind === 'ret')
    return { '002': 'totalRetencionesIVA', '001': 'totalRetencionesISR', '003': 'totalRetencionesIEPS' }[
      impuesto
    ];
  if (impuesto !== '002') return undefined;
  if (factor === 'Exento') return amount === 'base' ? 'totalTrasladosBaseIVAExento' : undefined;
  const pct = new D(tasa ?? '0').times(100).toFixed();
  return `totalTraslados${amount === 'base' ? 'Base' : 'Impuesto'}IVA${pct}`;
}

describe('computePagos (property)', () => {
  it('reconciles every saldo to the cent and reproduces ImpPagado from BaseDR', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const pagos = computed(f);
        PagosSchema.parse(pagos);
        pagos.pago.forEach((p, i) => {
          p.doctoRelacionado.forEach((d, j) => {
            const fact = f.pago[i]?.doctoRelacionado[j];
            expect(d.impPagado).toBe(fact?.impPagado);
            expect(new D(d.impSaldoInsoluto).plus(d.impPagado).eq(d.impSaldoAnt)).toBe(true);
            // Guía proration: BaseDR × (1 + Σ traslados − Σ retenciones) is ImpPagado within half a unit of BaseDR.
            const imp = d.impuestosDR;
            if (imp === undefined) return;
            let factor = new D(1);
            for (const t of imp.trasladosDR ?? []) if (t.tasaOCuotaDR) factor = factor.plus(t.tasaOCuotaDR);
            for (const r of imp.retencionesDR ?? []) factor = factor.minus(r.tasaOCuotaDR);
            const base = imp.trasladosDR?.[0]?.baseDR ?? imp.retencionesDR?.[0]?.baseDR ?? '0';
            const slack = new D('0.005').times(factor);
            expect(new D(base).times(factor).minus(d.impPagado).abs().lte(slack)).toBe(true);
          });
        });
      }),
      { numRuns: 300 },
    );
  });

  it('writes Totales as the rounded Σ of the payments’ ImpuestosP × TipoCambioP, within a cent of the DR-level sum', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const pagos = computed(f);
        const fromP = new Map<string, Decimal>();
        const fromDR = new Map<string, Decimal>();
        const add = (m: Map<string, Decimal>, k: string | undefined, v: Decimal) => {
          if (k !== undefined) m.set(k, (m.get(k) ?? new D(0)).plus(v));
        };
        let monto = new D(0);
        for (const p of pagos.pago) {
          const tc = new D(p.tipoCambioP ?? '1');
          monto = monto.plus(new D(p.monto).times(tc));
          for (const r of p.impuestosP?.retencionesP ?? [])
            add(fromP, lineOf('ret', r.impuestoP, '', undefined, 'importe'), new D(r.importeP).times(tc));
          for (const t of p.impuestosP?.trasladosP ?? []) {
            add(
              fromP,
              lineOf('tras', t.impuestoP, t.tipoFactorP, t.tasaOCuotaP, 'base'),
              new D(t.baseP).times(tc),
            );
            if (t.importeP !== undefined)
              add(
                fromP,
                lineOf('tras', t.impuestoP, t.tipoFactorP, t.tasaOCuotaP, 'importe'),
                new D(t.importeP).times(tc),
              );
          }
          for (const d of p.doctoRelacionado) {
            const k = tc.dividedBy(d.equivalenciaDR ?? '1');
            for (const r of d.impuestosDR?.retencionesDR ?? [])
              add(fromDR, lineOf('ret', r.impuestoDR, '', undefined, 'importe'), new D(r.importeDR).times(k));
            for (const t of d.impuestosDR?.trasladosDR ?? []) {
              add(
                fromDR,
                lineOf('tras', t.impuestoDR, t.tipoFactorDR, t.tasaOCuotaDR, 'base'),
                new D(t.baseDR).times(k),
              );
              if (t.importeDR !== undefined)
                add(
                  fromDR,
                  lineOf('tras', t.impuestoDR, t.tipoFactorDR, t.tasaOCuotaDR, 'importe'),
                  new D(t.importeDR).times(k),
                );
            }
          }
        }
        const written = Object.entries(pagos.totales).filter(([k]) => k !== 'montoTotalPagos');
        expect(written.map(([k]) => k).sort()).toEqual([...fromP.keys()].sort());
        for (const [field, value] of written) {
          expect(value).toBe((fromP.get(field) as Decimal).toFixed(2));
          expect(
            new D(value as string)
              .minus(fromDR.get(field) as Decimal)
              .abs()
              .lte('0.01'),
          ).toBe(true);
        }
        expect(pagos.totales.montoTotalPagos).toBe(monto.toFixed(2));
      }),
      { numRuns: 300 },
    );
  });

  it('produces complements on which checkPagos reports no error', () => {
    fc.assert(
      fc.property(fc.oneof(facts, mixedFacts), (f) => {
        const errors = checkPagos(computed(f)).filter((i) => i.severity === 'error');
        expect(errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('one mistake, one CRP code at its path (property)', () => {
  const centMore = (text: string) =>
    new D(text).plus('0.01').toFixed(Math.max(2, text.split('.')[1]?.length ?? 0));

  it('a wrong ImpSaldoInsoluto is CRP20244 at that DR', () => {
    fc.assert(
      fc.property(facts, fc.nat(), fc.nat(), (f, a, b) => {
        const pagos = structuredClone(computed(f));
        const i = a % pagos.pago.length;
        const pago = pagos.pago[i];
        if (pago === undefined) return;
        const j = b % pago.doctoRelacionado.length;
        const d = pago.doctoRelacionado[j];
        if (d === undefined) return;
        d.impSaldoInsoluto = centMore(d.impSaldoInsoluto);
        const errors = checkPagos(pagos).filter((x) => x.severity === 'error');
        expect(errors.map((x) => [x.code, x.path])).toEqual([
          ['CRP20244', ['pago', i, 'doctoRelacionado', j, 'impSaldoInsoluto']],
        ]);
      }),
      { numRuns: 200 },
    );
  });

  it('a Totales line off by a cent gets that line’s code', () => {
    fc.assert(
      fc.property(facts, fc.nat(), (f, a) => {
        const pagos = structuredClone(computed(f));
        const present = TOTAL_LINES.filter((l) => pagos.totales[l.field] !== undefined);
        const fields = [
          ...present.map((l) => ({ field: l.field, code: l.code })),
          { field: 'montoTotalPagos' as const, code: 'CRP20211' },
        ];
        const pick = fields[a % fields.length];
        if (pick === undefined) return;
        pagos.totales[pick.field] = centMore(pagos.totales[pick.field] as string);
        const errors = checkPagos(pagos).filter((x) => x.severity === 'error');
        expect(errors.map((x) => [x.code, x.path])).toEqual([[pick.code, ['totales', pick.field]]]);
      }),
      { numRuns: 200 },
    );
  });

  it('a missing EquivalenciaDR on a foreign-currency DR is CRP20237 at that DR', () => {
    fc.assert(
      fc.property(mixedFacts, (f) => {
        const pagos = structuredClone(computed(f));
        const d = pagos.pago[0]?.doctoRelacionado[0];
        if (d === undefined) return;
        delete d.equivalenciaDR;
        const found = checkPagos(pagos).map((x) => [x.code, x.path]);
        expect(found).toContainEqual(['CRP20237', ['pago', 0, 'doctoRelacionado', 0, 'equivalenciaDR']]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('bad facts become coded issues at their path', () => {
  const base: PagosFacts = PagosFactsSchema.parse({
    pago: [
      {
        fechaPago: '2024-05-01T12:00:00',
        formaDePagoP: '03',
        monedaP: 'MXN',
        tipoCambioP: '1',
        monto: '1160.00',
        doctoRelacionado: [
          {
            idDocumento: '00000000-1111-2222-3333-444444444444',
            monedaDR: 'MXN',
            equivalenciaDR: '1',
            numParcialidad: '1',
            impSaldoAnt: '2320.00',
            impPagado: '1160.00',
            objetoImpDR: '02',
            traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
          },
        ],
      },
    ],
  });
  const dr = ['pago', 0, 'doctoRelacionado', 0];
  type Edit = (f: PagosFacts) => void;
  const cases: [string, Edit, string, (string | number)[]][] = [
    [
      'importe pagado > saldo anterior',
      (f) => {
        f.pago[0]!.doctoRelacionado[0]!.impSaldoAnt = '1000.00';
      },
      'CRP20244',
      [...dr, 'impPagado'],
    ],
    [
      'a negative saldo anterior',
      (f) => {
        f.pago[0]!.doctoRelacionado[0]!.impSaldoAnt = '-5.00';
      },
      'AMOUNT_NEGATIVE',
      [...dr, 'impSaldoAnt'],
    ],
    [
      'monedaDR ≠ monedaP without EquivalenciaDR',
      (f) => {
        const d = f.pago[0]!.doctoRelacionado[0]!;
        d.monedaDR = 'USD';
        delete d.equivalenciaDR;
      },
      'CRP20237',
      [...dr, 'equivalenciaDR'],
    ],
    [
      'monedaP ≠ MXN without TipoCambioP',
      (f) => {
        f.pago[0]!.monedaP = 'USD';
        delete f.pago[0]!.tipoCambioP;
        f.pago[0]!.doctoRelacionado[0]!.monedaDR = 'USD';
      },
      'CRP20214',
      ['pago', 0, 'tipoCambioP'],
    ],
    [
      'an IVA rate not in c_TasaOCuota',
      (f) => {
        f.pago[0]!.doctoRelacionado[0]!.traslados![0]!.tasaOCuota = '0.150000';
      },
      'CRP20260',
      [...dr, 'traslados', 0, 'tasaOCuota'],
    ],
    [
      'parcialidad 0',
      (f) => {
        f.pago[0]!.doctoRelacionado[0]!.numParcialidad = '0';
      },
      'XSD_PATTERN',
      [...dr, 'numParcialidad'],
    ],
    [
      'Monto below Σ ImpPagado',
      (f) => {
        f.pago[0]!.monto = '1159.99';
      },
      'CRP20217',
      ['pago', 0, 'monto'],
    ],
    [
      'an Exento retención',
      (f) => {
        f.pago[0]!.doctoRelacionado[0]!.retenciones = [{ impuesto: '002', tipoFactor: 'Exento' }];
      },
      'CRP20252',
      [...dr, 'retenciones', 0, 'tipoFactor'],
    ],
  ];

  it('the unedited facts compute', () => {
    expect(computePagos(base).issues).toEqual([]);
  });

  it.each(cases)('%s', (_name, edit, code, path) => {
    const f = structuredClone(base);
    edit(f);
    const { pagos, issues } = computePagos(f);
    expect(pagos).toBeUndefined();
    expect(issues.map((x) => [x.code, x.path])).toContainEqual([code, path]);
    expect(() => computePagosOrThrow(f)).toThrow(expect.objectContaining({ code: 'COMPUTE_FAILED' }));
  });
});
