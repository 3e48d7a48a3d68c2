import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Comprobante } from '../../src/model/comprobante.js';
import { RULE_CODES, validateComprobante } from '../../src/rules/index.js';
import { baseComprobante, errorsOf, globalComprobante, VALID_FIXTURES, variant } from './fixtures.js';

const KNOWN_CODES = new Set(RULE_CODES.map((r) => r.code));

describe('validateComprobante', () => {
  it.each(VALID_FIXTURES)('reports nothing for the valid %s', (_name, build) => {
    expect(validateComprobante(build())).toEqual([]);
  });

  it('returns issues in document order: attributes, then nodes in XSD sequence', () => {
    const c = variant(baseComprobante, (d) => {
      d.total = '1.00';
      d.fecha = '2024-13-01T00:00:00';
      d.serie = 'A|B';
      d.receptor.usoCFDI = 'XXX';
      d.emisor.regimenFiscal = '999';
      const concepto = d.conceptos[2] as unknown as Record<string, unknown>;
      concepto.claveUnidad = 'NOPE';
      concepto.descripcion = '';
    })();
    const paths = validateComprobante(c).map((i) => i.path.join('.'));
    expect(paths).toEqual([
      'serie',
      'fecha',
      'total',
      'emisor.regimenFiscal',
      'receptor.usoCFDI',
      'conceptos.2.claveUnidad',
      'conceptos.2.descripcion',
    ]);
  });

  it('puts a node before its own attributes', () => {
    const c = variant(baseComprobante, (d) => {
      d.informacionGlobal = { periodicidad: '07', meses: '05', año: '2024' };
    })();
    const paths = validateComprobante(c).map((i) => i.path.join('.'));
    expect(paths).toEqual(['informacionGlobal', 'informacionGlobal.periodicidad']);
  });

  it('reports each issue once', () => {
    const c = variant(globalComprobante, (d) => {
      d.receptor.rfc = 'EKU9003173C9';
      d.receptor.regimenFiscalReceptor = '612';
    })();
    const issues = validateComprobante(c);
    const keys = issues.map((i) => JSON.stringify(i));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps warnings apart from errors', () => {
    const c = variant(baseComprobante, (d) => {
      d.emisor.rfc = 'CACX7605101P9';
    })();
    const issues = validateComprobante(c);
    expect(errorsOf(issues)).toEqual([]);
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['RFC_CHECK_DIGIT', 'warning']]);
  });
});

describe('RULE_CODES', () => {
  it('lists each code once, with a one-line description', () => {
    const codes = RULE_CODES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const rule of RULE_CODES) {
      expect(rule.description.length, rule.code).toBeGreaterThan(10);
      expect(rule.description, rule.code).not.toContain('\n');
    }
  });

  it('lists the SAT codes first, in number order', () => {
    const sat = RULE_CODES.map((r) => r.code).filter((code) => code.startsWith('CFDI'));
    expect(RULE_CODES.slice(0, sat.length).map((r) => r.code)).toEqual([...sat].sort());
  });

  it('covers the comprobante, emisor, receptor and global rules of this module', () => {
    const expected = [
      '40101',
      '40103',
      '40104',
      '40105',
      '40107',
      '40108',
      '40109',
      '40110',
      '40111',
      '40112',
      '40113',
      '40114',
      '40115',
      '40116',
      '40117',
      '40119',
      '40120',
      '40121',
      '40122',
      '40123',
      '40124',
      '40125',
      '40127',
      '40130',
      '40131',
      '40132',
      '40133',
      '40134',
      '40135',
      '40136',
      '40137',
      '40140',
      '40141',
      '40142',
      '40146',
      '40149',
      '40150',
      '40151',
      '40152',
      '40153',
      '40154',
      '40155',
      '40156',
      '40157',
      '40158',
      '40159',
      '40160',
      '40161',
      '40165',
    ].map((n) => `CFDI${n}`);
    expect([...KNOWN_CODES]).toEqual(expect.arrayContaining(expected));
  });

  it('leaves out the rules that need SAT data no one ships', () => {
    const outOfScope = [
      '40102',
      '40106',
      '40118',
      '40126',
      '40128',
      '40129',
      '40138',
      '40139',
      '40143',
      '40144',
      '40145',
    ];
    for (const n of [...outOfScope, '40147', '40148', '40162', '40163', '40164']) {
      expect(KNOWN_CODES.has(`CFDI${n}`), n).toBe(false);
    }
  });
});

/** A string field anywhere in the document, replaced by arbitrary text. */
const FIELDS: ReadonlyArray<(c: Record<string, unknown>) => Record<string, unknown> | undefined> = [
  (c) => c,
  (c) => c.emisor as Record<string, unknown>,
  (c) => c.receptor as Record<string, unknown>,
  (c) => (c.conceptos as Record<string, unknown>[])[0],
  (c) =>
    (c.conceptos as { impuestos?: { traslados?: Record<string, unknown>[] } }[])[0]?.impuestos
      ?.traslados?.[0],
  (c) => (c.impuestos as { traslados?: Record<string, unknown>[] } | undefined)?.traslados?.[0],
  (c) => c.impuestos as Record<string, unknown> | undefined,
];

describe('validateComprobante on broken input', () => {
  it('never throws, whatever text lands in whatever field, and only reports known codes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VALID_FIXTURES.map(([, build]) => build)),
        fc.array(
          fc.tuple(
            fc.nat(FIELDS.length - 1),
            fc.string({ maxLength: 8 }),
            fc.oneof(
              fc.string(),
              fc.constantFrom(
                '',
                ' ',
                '-1',
                '1e3',
                '0.0000001',
                '.5',
                '+1',
                'NaN',
                '99999999999999999999',
                '__proto__',
              ),
            ),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (build, edits) => {
          const c = build() as unknown as Record<string, unknown>;
          for (const [fieldIndex, key, value] of edits) {
            const target = FIELDS[fieldIndex]?.(c);
            if (target === undefined) continue;
            const keys = Object.keys(target).filter((k) => typeof target[k] === 'string');
            const name = keys.length === 0 ? key : (keys[key.length % keys.length] ?? key);
            target[name] = value;
          }
          const issues = validateComprobante(c as unknown as Comprobante);
          for (const issue of issues) expect(KNOWN_CODES, issue.code).toContain(issue.code);
        },
      ),
      { numRuns: 300 },
    );
  });
});
