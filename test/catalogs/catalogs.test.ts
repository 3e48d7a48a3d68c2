import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLAVES_UNIDAD,
  EXPORTACIONES,
  FORMAS_PAGO,
  IMPUESTOS,
  isInCatalog,
  isTasaOCuotaAllowed,
  isVigente,
  MESES,
  METODOS_PAGO,
  MONEDAS,
  OBJETOS_IMP,
  PAISES,
  PERIODICIDADES,
  REGIMENES_FISCALES,
  TASA_O_CUOTA_RULES,
  TIPOS_DE_COMPROBANTE,
  TIPOS_FACTOR,
  TIPOS_RELACION,
  USOS_CFDI,
} from '../../src/catalogs/index.js';
import { KIT, kitAvailable, kitMissingReason } from '../helpers/kit.js';

interface KitCatalog {
  readonly catalog: string;
  readonly sourceVersion: string;
  readonly count: number;
  readonly items?: Record<string, Record<string, unknown>>;
  readonly rules?: Record<string, unknown>[];
}

function kitCatalog(name: string): KitCatalog {
  return JSON.parse(readFileSync(join(KIT, 'catalogs', `c_${name}.json`), 'utf8')) as KitCatalog;
}

/** The kit writes "no value" as null; our tables leave the key out. */
function withoutNulls(entry: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== null));
}

/** A table as plain JSON data (drops the null prototype and the freezing). */
function plain(table: object): unknown {
  return JSON.parse(JSON.stringify(table));
}

const SRC_CATALOGS = resolve(import.meta.dirname, '../../src/catalogs');

const RECORD_TABLES: ReadonlyArray<readonly [string, object]> = [
  ['FormaPago', FORMAS_PAGO],
  ['MetodoPago', METODOS_PAGO],
  ['UsoCFDI', USOS_CFDI],
  ['RegimenFiscal', REGIMENES_FISCALES],
  ['Impuesto', IMPUESTOS],
  ['TipoFactor', TIPOS_FACTOR],
  ['ObjetoImp', OBJETOS_IMP],
  ['TipoDeComprobante', TIPOS_DE_COMPROBANTE],
  ['Exportacion', EXPORTACIONES],
  ['Periodicidad', PERIODICIDADES],
  ['Meses', MESES],
  ['TipoRelacion', TIPOS_RELACION],
  ['Pais', PAISES],
];

describe.skipIf(!kitAvailable)(
  `catalog tables equal the SAT kit's JSON${kitMissingReason ? ` (${kitMissingReason})` : ''}`,
  () => {
    it.each(RECORD_TABLES)('c_%s: same codes, fields, flags and vigencias', (name, table) => {
      const kit = kitCatalog(name);
      const items = kit.items ?? {};
      expect(Object.keys(items)).toHaveLength(kit.count);
      const expected = Object.fromEntries(
        Object.entries(items).map(([code, entry]) => [code, withoutNulls(entry)]),
      );
      expect(plain(table)).toEqual(expected);
    });

    it('c_ClaveUnidad: the same 2,418 codes, all valid from 2022-01-01 with no end (so no dates are kept)', () => {
      const kit = kitCatalog('ClaveUnidad');
      const items = kit.items ?? {};
      expect(kit.count).toBe(2418);
      expect([...CLAVES_UNIDAD].sort()).toEqual(Object.keys(items).sort());
      for (const entry of Object.values(items)) {
        expect([entry.vigenciaDesde, entry.vigenciaHasta]).toEqual(['2022-01-01', null]);
      }
    });

    it('c_Moneda: the same codes, decimals and porcentajeVariacion as moneda.ts', () => {
      const kit = kitCatalog('Moneda');
      const expected = Object.fromEntries(
        Object.entries(kit.items ?? {}).map(([code, e]) => [
          code,
          { decimales: e.decimales, porcentajeVariacion: e.porcentajeVariacion },
        ]),
      );
      expect(Object.keys(expected)).toHaveLength(kit.count);
      expect(plain(MONEDAS)).toEqual(expected);
    });

    it('c_TasaOCuota: the same rules in the same order', () => {
      const kit = kitCatalog('TasaOCuota');
      const rules = kit.rules ?? [];
      expect(rules).toHaveLength(kit.count);
      const expected = rules.map((r) =>
        withoutNulls({
          impuesto: r.impuestoClave,
          factor: r.factor,
          kind: r.tipo === 'Fijo' ? 'fixed' : r.tipo === 'Rango' ? 'range' : `unknown ${String(r.tipo)}`,
          value: r.valor ?? null,
          min: r.minimo ?? null,
          max: r.maximo ?? null,
          traslado: r.traslado,
          retencion: r.retencion,
          vigenciaDesde: r.vigenciaDesde,
          vigenciaHasta: r.vigenciaHasta,
        }),
      );
      expect(plain(TASA_O_CUOTA_RULES)).toEqual(expected);
      // The kit's free-text impuesto names the same tax as its c_Impuesto key.
      for (const r of rules) {
        expect(String(r.impuesto)).toMatch(
          new RegExp(`^${IMPUESTOS[String(r.impuestoClave)]?.descripcion}\\b`),
        );
      }
    });

    it('every table file cites the kit source version', () => {
      const version = kitCatalog('FormaPago').sourceVersion;
      const files = readdirSync(SRC_CATALOGS).filter(
        (f) => f.endsWith('.ts') && f !== 'catalog.ts' && f !== 'index.ts',
      );
      expect(files.length).toBeGreaterThanOrEqual(16);
      for (const file of files) {
        expect(readFileSync(join(SRC_CATALOGS, file), 'utf8'), file).toContain(`version ${version}`);
      }
    });
  },
);

describe('catalog facts stated in the rules doc (independent of the kit)', () => {
  it('F.3: 601, 603, 620, 622, 623 and 624 are moral only; 610 and 626 both; the rest física only', () => {
    const moralOnly = ['601', '603', '620', '622', '623', '624'];
    const both = ['610', '626'];
    for (const [code, entry] of Object.entries(REGIMENES_FISCALES)) {
      const expected = moralOnly.includes(code)
        ? { fisica: false, moral: true }
        : both.includes(code)
          ? { fisica: true, moral: true }
          : { fisica: true, moral: false };
      expect({ fisica: entry.fisica, moral: entry.moral }, code).toEqual(expected);
    }
  });

  it('F.3: UsoCFDI ↔ RegimenFiscalReceptor', () => {
    const general = ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'];
    const deducciones = ['605', '606', '607', '608', '611', '612', '614', '615', '625'];
    const regimenes = (code: string) => [...(USOS_CFDI[code]?.regimenesReceptor ?? [])].sort();
    for (const code of ['G01', 'G03', 'I01', 'I02', 'I03', 'I04', 'I05', 'I06', 'I07', 'I08']) {
      expect(regimenes(code), code).toEqual(general);
    }
    expect(regimenes('G02')).toEqual([...general, '616'].sort());
    for (let d = 1; d <= 10; d++) {
      const code = `D${String(d).padStart(2, '0')}`;
      expect(regimenes(code), code).toEqual(deducciones);
      expect(USOS_CFDI[code]?.moral, code).toBe(false);
    }
    expect(regimenes('S01')).toEqual(Object.keys(REGIMENES_FISCALES).sort());
    expect(regimenes('CP01')).toEqual(Object.keys(REGIMENES_FISCALES).sort());
    expect(regimenes('CN01')).toEqual(['605']);
  });

  it('A.7: the small catalogs have the codes the rules doc lists', () => {
    expect(Object.keys(IMPUESTOS)).toEqual(['001', '002', '003']);
    expect(IMPUESTOS['001']).toMatchObject({ descripcion: 'ISR', retencion: true, traslado: false });
    expect(Object.keys(TIPOS_FACTOR)).toEqual(['Tasa', 'Cuota', 'Exento']);
    expect(Object.keys(PERIODICIDADES)).toEqual(['01', '02', '03', '04', '05']);
    expect(Object.keys(MESES)).toHaveLength(18);
    expect(Object.keys(EXPORTACIONES)).toEqual(['01', '02', '03', '04']);
    expect(Object.keys(TIPOS_RELACION)).toEqual(['01', '02', '03', '04', '05', '06', '07']);
    expect(Object.keys(OBJETOS_IMP)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08']);
    expect(OBJETOS_IMP['05']?.vigenciaDesde).toBe('2023-12-06');
    expect(OBJETOS_IMP['06']?.vigenciaDesde).toBe('2024-12-13');
    expect(Object.keys(METODOS_PAGO).sort()).toEqual(['PPD', 'PUE']);
    expect(Object.keys(TIPOS_DE_COMPROBANTE).sort()).toEqual(['E', 'I', 'N', 'P', 'T']);
  });
});

describe('isTasaOCuotaAllowed', () => {
  it.each([
    // IVA traslado: fixed 0.160000, 0.080000 (frontera), 0.000000 (rules doc A.7)
    ['002', 'Tasa', '0.160000', 'traslado', true],
    ['002', 'Tasa', '0.16', 'traslado', true],
    ['002', 'Tasa', '0.1600000000', 'traslado', true],
    ['002', 'Tasa', '0.080000', 'traslado', true],
    ['002', 'Tasa', '0.000000', 'traslado', true],
    ['002', 'Tasa', '0', 'traslado', true],
    ['002', 'Tasa', '0.150000', 'traslado', false],
    ['002', 'Tasa', '0.106667', 'traslado', false],
    ['002', 'Tasa', '0.160001', 'traslado', false],
    ['002', 'Cuota', '0.160000', 'traslado', false],
    // IVA retención: range 0.000000–0.160000
    ['002', 'Tasa', '0.106667', 'retencion', true],
    ['002', 'Tasa', '0.040000', 'retencion', true],
    ['002', 'Tasa', '0.000000', 'retencion', true],
    ['002', 'Tasa', '0.160000', 'retencion', true],
    ['002', 'Tasa', '0.160001', 'retencion', false],
    // ISR: retención 0–0.35, never traslado
    ['001', 'Tasa', '0.35', 'retencion', true],
    ['001', 'Tasa', '0.350000', 'retencion', true],
    ['001', 'Tasa', '0.100000', 'retencion', true],
    ['001', 'Tasa', '0.36', 'retencion', false],
    ['001', 'Tasa', '0.350001', 'retencion', false],
    ['001', 'Tasa', '0.100000', 'traslado', false],
    // IEPS Tasa: fixed values; 0.03 and 0 only as traslado
    ['003', 'Tasa', '0.265000', 'traslado', true],
    ['003', 'Tasa', '1.600000', 'retencion', true],
    ['003', 'Tasa', '0.030000', 'traslado', true],
    ['003', 'Tasa', '0.030000', 'retencion', false],
    ['003', 'Tasa', '0.160000', 'traslado', false],
    // IEPS Cuota: range 0–72.160500, both uses
    ['003', 'Cuota', '72.160500', 'traslado', true],
    ['003', 'Cuota', '72.1605', 'retencion', true],
    ['003', 'Cuota', '0.000000', 'traslado', true],
    ['003', 'Cuota', '1.539100', 'traslado', true],
    ['003', 'Cuota', '72.160501', 'traslado', false],
    // Exento has no rule; unknown codes and non-decimal text are never allowed
    ['002', 'Exento', '0.000000', 'traslado', false],
    ['002', 'Exento', '0', 'retencion', false],
    ['004', 'Tasa', '0.160000', 'traslado', false],
    ['002', 'tasa', '0.160000', 'traslado', false],
    ['002', 'Tasa', '-0.16', 'retencion', false],
    ['002', 'Tasa', '', 'traslado', false],
    ['002', 'Tasa', '1.6e-1', 'traslado', false],
    ['002', 'Tasa', ' 0.16', 'traslado', false],
    ['002', 'Tasa', '0,16', 'traslado', false],
  ] as const)('%s %s %s as %s → %s', (impuesto, factor, tasa, use, allowed) => {
    expect(isTasaOCuotaAllowed(impuesto, factor, tasa, use)).toBe(allowed);
  });

  it('with a Fecha, counts only the rules vigentes on it (IEPS Cuota range from 2026-01-01)', () => {
    expect(isTasaOCuotaAllowed('003', 'Cuota', '1.000000', 'traslado', '2025-12-31T23:59:59')).toBe(false);
    expect(isTasaOCuotaAllowed('003', 'Cuota', '1.000000', 'traslado', '2026-01-01T00:00:00')).toBe(true);
    expect(isTasaOCuotaAllowed('002', 'Tasa', '0.160000', 'traslado', '2024-05-01T10:00:00')).toBe(true);
    expect(isTasaOCuotaAllowed('002', 'Tasa', '0.160000', 'traslado', 'not a date')).toBe(false);
  });

  it('decides every rate as the rules read on decimals would, whatever its decimals (property)', () => {
    // The rules compared on decimal.js, straight from the table: the oracle of the integer fast path.
    const reference = (impuesto: string, factor: string, tasa: string, use: 'traslado' | 'retencion') => {
      const rate = new Decimal(tasa);
      return TASA_O_CUOTA_RULES.some(
        (r) =>
          r.impuesto === impuesto &&
          r.factor === factor &&
          r[use] &&
          (r.kind === 'fixed'
            ? rate.equals(r.value as string)
            : rate.gte(r.min as string) && rate.lte(r.max as string)),
      );
    };
    // Values at, next to and between the table's bounds, written with 0 to 9 decimals.
    const bounds = TASA_O_CUOTA_RULES.flatMap((r) => [r.value, r.min, r.max]).filter(
      (v): v is string => v !== undefined,
    );
    const rate = fc.oneof(
      fc.constantFrom(...bounds),
      fc
        .tuple(fc.constantFrom(...bounds), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 9 }))
        .map(([b, step, decimals]) => {
          const v = new Decimal(b).plus(new Decimal(step).times(new Decimal(10).pow(-Math.max(decimals, 1))));
          return v.isNegative()
            ? '0'
            : v.toFixed(decimals === 0 ? undefined : Math.max(decimals, v.decimalPlaces()));
        }),
      fc.integer({ min: 0, max: 80_000_000 }).map((n) => new Decimal(n).dividedBy(1_000_000).toFixed(6)),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('001', '002', '003'),
        fc.constantFrom('Tasa', 'Cuota'),
        rate,
        fc.constantFrom('traslado', 'retencion'),
        (impuesto, factor, tasa, use) => {
          expect(isTasaOCuotaAllowed(impuesto, factor, tasa, use)).toBe(
            reference(impuesto, factor, tasa, use),
          );
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('isVigente', () => {
  const window = { vigenciaDesde: '2024-12-13', vigenciaHasta: '2025-06-30' };
  it.each([
    [window, '2024-12-12', false],
    [window, '2024-12-12T23:59:59', false],
    [window, '2024-12-13', true],
    [window, '2024-12-13T00:00:00', true],
    [window, '2025-06-30T23:59:59', true],
    [window, '2025-07-01T00:00:00', false],
    [{ vigenciaDesde: '2022-01-01' }, '2099-12-31', true],
    [{ vigenciaDesde: '2022-01-01' }, '2021-12-31', false],
    [{ vigenciaHasta: '2022-01-01' }, '1999-01-01', true],
    [{ vigenciaHasta: '2022-01-01' }, '2022-01-02', false],
    [{}, '2024-01-01', true],
    [{}, '', false],
    [{}, '01/01/2024', false],
    [{ vigenciaDesde: '2022-01-01' }, '2024-1-1', false],
  ])('%o on %s → %s', (entry, fecha, expected) => {
    expect(isVigente(entry, fecha)).toBe(expected);
  });

  it('applies to real entries: ObjetoImp 06 starts on 2024-12-13 (rules doc A.7)', () => {
    const objeto06 = OBJETOS_IMP['06'];
    expect(objeto06).toBeDefined();
    if (objeto06 === undefined) return;
    expect(isVigente(objeto06, '2024-12-12T23:59:59')).toBe(false);
    expect(isVigente(objeto06, '2024-12-13T00:00:00')).toBe(true);
  });
});

describe('isInCatalog and the tables', () => {
  it.each([
    [FORMAS_PAGO, '01', true],
    [FORMAS_PAGO, '99', true],
    [FORMAS_PAGO, '07', false],
    [FORMAS_PAGO, '1', false],
    [USOS_CFDI, 'G03', true],
    [USOS_CFDI, 'g03', false],
    [USOS_CFDI, 'P01', false],
    [PAISES, 'MEX', true],
    [PAISES, 'MX', false],
    [MONEDAS, 'MXN', true],
    [CLAVES_UNIDAD, 'H87', true],
    [CLAVES_UNIDAD, 'E48', true],
    [CLAVES_UNIDAD, 'ACT', true],
    [CLAVES_UNIDAD, 'Ohm', true],
    [CLAVES_UNIDAD, 'h87', false],
    [CLAVES_UNIDAD, '', false],
  ] as const)('%#: %s → %s', (table, code, expected) => {
    expect(isInCatalog(table, code)).toBe(expected);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('never finds %s', (code) => {
    for (const [, table] of RECORD_TABLES) {
      expect(isInCatalog(table as Readonly<Record<string, unknown>>, code)).toBe(false);
      expect((table as Record<string, unknown>)[code]).toBeUndefined();
    }
    expect(isInCatalog(MONEDAS, code)).toBe(false);
    expect(isInCatalog(CLAVES_UNIDAD, code)).toBe(false);
  });

  it('tables, entries and lists are frozen', () => {
    for (const [, table] of RECORD_TABLES) {
      expect(Object.isFrozen(table)).toBe(true);
      for (const entry of Object.values(table)) expect(Object.isFrozen(entry)).toBe(true);
    }
    expect(Object.isFrozen(USOS_CFDI['G01']?.regimenesReceptor)).toBe(true);
    expect(Object.isFrozen(TASA_O_CUOTA_RULES)).toBe(true);
    for (const rule of TASA_O_CUOTA_RULES) expect(Object.isFrozen(rule)).toBe(true);
    expect(() => {
      (FORMAS_PAGO as Record<string, unknown>)['77'] = { descripcion: 'x' };
    }).toThrow(TypeError);
  });

  it('CLAVES_UNIDAD holds 2,418 distinct codes', () => {
    expect(CLAVES_UNIDAD.size).toBe(2418);
  });
});
