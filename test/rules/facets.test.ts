import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeContext, parseFechaH } from '../../src/rules/context.js';
import { checkCatalogs, checkShape, FACET_TABLE } from '../../src/rules/facets.js';
import { RULE_CODES, validateComprobante } from '../../src/rules/index.js';
import { KIT } from '../helpers/kit.js';
import {
  baseComprobante,
  errorsOf,
  expectIssue,
  extranjeroComprobante,
  type OneMistake,
  VALID_FIXTURES,
  variant,
} from './fixtures.js';

/** Sets one field of the first concepto, whatever its declared type. */
function onConcepto(index: number, field: string, value: unknown) {
  return variant(baseComprobante, (c) => {
    const concepto = c.conceptos[index] as unknown as Record<string, unknown>;
    concepto[field] = value;
  });
}

const MISTAKES: OneMistake[] = [
  {
    name: 'Version 3.3',
    code: 'XSD_ENUMERATION',
    path: ['version'],
    build: variant(baseComprobante, (c) => {
      (c as Record<string, unknown>).version = '3.3';
    }),
  },
  {
    name: 'Serie of 26 characters',
    code: 'XSD_LENGTH',
    path: ['serie'],
    build: variant(baseComprobante, (c) => {
      c.serie = 'A'.repeat(26);
    }),
  },
  {
    name: 'Serie with a pipe',
    code: 'XSD_PATTERN',
    path: ['serie'],
    build: variant(baseComprobante, (c) => {
      c.serie = 'A|B';
    }),
  },
  {
    name: 'empty Folio',
    code: 'XSD_LENGTH',
    path: ['folio'],
    build: variant(baseComprobante, (c) => {
      c.folio = '';
    }),
  },
  {
    name: 'NoCertificado of 19 digits',
    code: 'XSD_LENGTH',
    path: ['noCertificado'],
    build: variant(baseComprobante, (c) => {
      c.noCertificado = '3000100000040000243';
    }),
  },
  {
    name: 'SubTotal with a thousands separator',
    code: 'XSD_PATTERN',
    path: ['subTotal'],
    build: variant(baseComprobante, (c) => {
      c.subTotal = '1,330.50';
    }),
  },
  {
    name: 'negative Total',
    code: 'XSD_PATTERN',
    path: ['total'],
    build: variant(baseComprobante, (c) => {
      c.total = '-325.54';
    }),
  },
  {
    name: 'TipoCambio 0',
    code: 'XSD_MIN',
    path: ['tipoCambio'],
    build: variant(extranjeroComprobante, (c) => {
      c.tipoCambio = '0';
    }),
  },
  {
    name: 'LugarExpedicion of four digits',
    code: 'XSD_LENGTH',
    path: ['lugarExpedicion'],
    build: variant(baseComprobante, (c) => {
      c.lugarExpedicion = '6400';
    }),
  },
  {
    name: 'Confirmacion with a dash',
    code: 'XSD_PATTERN',
    path: ['confirmacion'],
    build: variant(baseComprobante, (c) => {
      c.confirmacion = 'AB-12';
    }),
  },
  {
    name: 'UUID that is not one',
    code: 'XSD_PATTERN',
    path: ['cfdiRelacionados', 0, 'cfdiRelacionado', 0, 'uUID'],
    build: variant(baseComprobante, (c) => {
      c.cfdiRelacionados = [{ tipoRelacion: '04', cfdiRelacionado: [{ uUID: 'Z'.repeat(36) }] }];
    }),
  },
  {
    name: 'UUID without dashes',
    code: 'XSD_LENGTH',
    path: ['cfdiRelacionados', 0, 'cfdiRelacionado', 0, 'uUID'],
    build: variant(baseComprobante, (c) => {
      c.cfdiRelacionados = [
        { tipoRelacion: '04', cfdiRelacionado: [{ uUID: '5FB2822E396D47258521CDC4BDD20CCF' }] },
      ];
    }),
  },
  {
    name: 'empty Emisor Nombre',
    code: 'XSD_REQUIRED',
    path: ['emisor', 'nombre'],
    build: variant(baseComprobante, (c) => {
      c.emisor.nombre = '';
    }),
  },
  {
    name: 'Receptor Nombre of spaces only (whitespace collapses to nothing)',
    code: 'XSD_REQUIRED',
    path: ['receptor', 'nombre'],
    build: variant(baseComprobante, (c) => {
      c.receptor.nombre = '   ';
    }),
  },
  {
    name: 'missing UsoCFDI',
    code: 'XSD_REQUIRED',
    path: ['receptor', 'usoCFDI'],
    build: variant(baseComprobante, (c) => {
      delete (c.receptor as Partial<typeof c.receptor>).usoCFDI;
    }),
  },
  {
    name: 'Receptor Nombre of 301 characters',
    code: 'XSD_LENGTH',
    path: ['receptor', 'nombre'],
    build: variant(baseComprobante, (c) => {
      c.receptor.nombre = 'N'.repeat(301);
    }),
  },
  {
    name: 'DomicilioFiscalReceptor with letters',
    code: 'XSD_PATTERN',
    path: ['receptor', 'domicilioFiscalReceptor'],
    build: variant(baseComprobante, (c) => {
      c.receptor.domicilioFiscalReceptor = '2601A';
    }),
  },
  {
    name: 'NumRegIdTrib of 41 characters',
    code: 'XSD_LENGTH',
    path: ['receptor', 'numRegIdTrib'],
    build: variant(extranjeroComprobante, (c) => {
      c.receptor.residenciaFiscal = 'DEU';
      c.receptor.numRegIdTrib = '1'.repeat(41);
    }),
  },
  {
    name: 'ClaveProdServ of 7 digits',
    code: 'XSD_PATTERN',
    path: ['conceptos', 1, 'claveProdServ'],
    build: onConcepto(1, 'claveProdServ', '8011160'),
  },
  {
    name: 'NoIdentificacion with a pipe',
    code: 'XSD_PATTERN',
    path: ['conceptos', 0, 'noIdentificacion'],
    build: onConcepto(0, 'noIdentificacion', 'SKU|1'),
  },
  {
    name: 'Cantidad with seven decimals',
    code: 'XSD_PATTERN',
    path: ['conceptos', 0, 'cantidad'],
    build: onConcepto(0, 'cantidad', '2.0000001'),
  },
  {
    name: 'Cantidad that is a word',
    code: 'XSD_PATTERN',
    path: ['conceptos', 0, 'cantidad'],
    build: onConcepto(0, 'cantidad', 'dos'),
  },
  {
    name: 'Cantidad 0',
    code: 'XSD_MIN',
    path: ['conceptos', 0, 'cantidad'],
    build: onConcepto(0, 'cantidad', '0'),
  },
  {
    name: 'ClaveUnidad not in c_ClaveUnidad',
    code: 'CFDI40165',
    path: ['conceptos', 0, 'claveUnidad'],
    build: onConcepto(0, 'claveUnidad', 'PZA'),
  },
  {
    name: 'ClaveUnidad in the wrong case',
    code: 'CFDI40165',
    path: ['conceptos', 0, 'claveUnidad'],
    build: onConcepto(0, 'claveUnidad', 'h87'),
  },
  {
    name: 'Unidad of 21 characters',
    code: 'XSD_LENGTH',
    path: ['conceptos', 0, 'unidad'],
    build: onConcepto(0, 'unidad', 'U'.repeat(21)),
  },
  {
    name: 'Descripcion of 1001 characters',
    code: 'XSD_LENGTH',
    path: ['conceptos', 1, 'descripcion'],
    build: onConcepto(1, 'descripcion', 'D'.repeat(1001)),
  },
  {
    name: 'Descripcion with a pipe',
    code: 'XSD_PATTERN',
    path: ['conceptos', 1, 'descripcion'],
    build: onConcepto(1, 'descripcion', 'Servicio | soporte'),
  },
  {
    name: 'ValorUnitario with seven decimals',
    code: 'XSD_PATTERN',
    path: ['conceptos', 0, 'valorUnitario'],
    build: onConcepto(0, 'valorUnitario', '50.0000001'),
  },
  {
    name: 'Importe of 19 integer digits',
    code: 'XSD_PATTERN',
    path: ['conceptos', 0, 'importe'],
    build: onConcepto(0, 'importe', '1'.repeat(19)),
  },
  {
    name: 'Descuento with a comma',
    code: 'XSD_PATTERN',
    path: ['conceptos', 0, 'descuento'],
    build: onConcepto(0, 'descuento', '10,00'),
  },
  {
    name: 'concept Traslado Base written with a unit',
    code: 'XSD_PATTERN',
    path: ['conceptos', 0, 'impuestos', 'traslados', 0, 'base'],
    build: variant(baseComprobante, (c) => {
      const traslado = c.conceptos[0]?.impuestos?.traslados?.[0];
      if (traslado !== undefined) traslado.base = '90.00 MXN';
    }),
  },
  {
    name: 'concept Retencion TasaOCuota with seven decimals',
    code: 'XSD_PATTERN',
    path: ['conceptos', 1, 'impuestos', 'retenciones', 1, 'tasaOCuota'],
    build: variant(baseComprobante, (c) => {
      const retencion = c.conceptos[1]?.impuestos?.retenciones?.[1];
      if (retencion !== undefined) retencion.tasaOCuota = '0.1066667';
    }),
  },
  {
    name: 'ACuentaTerceros Rfc that is not one',
    code: 'RFC_PATTERN',
    path: ['conceptos', 1, 'aCuentaTerceros', 'rfcACuentaTerceros'],
    build: onConcepto(1, 'aCuentaTerceros', {
      rfcACuentaTerceros: 'NOT-AN-RFC',
      nombreACuentaTerceros: 'TERCERO',
      regimenFiscalACuentaTerceros: '601',
      domicilioFiscalACuentaTerceros: '01000',
    }),
  },
  {
    name: 'ACuentaTerceros DomicilioFiscal of six digits',
    code: 'XSD_LENGTH',
    path: ['conceptos', 1, 'aCuentaTerceros', 'domicilioFiscalACuentaTerceros'],
    build: onConcepto(1, 'aCuentaTerceros', {
      rfcACuentaTerceros: 'IIA040805DZ4',
      nombreACuentaTerceros: 'TERCERO',
      regimenFiscalACuentaTerceros: '601',
      domicilioFiscalACuentaTerceros: '010000',
    }),
  },
  {
    name: 'CuentaPredial Numero with a dash',
    code: 'XSD_PATTERN',
    path: ['conceptos', 0, 'cuentaPredial', 0, 'numero'],
    build: onConcepto(0, 'cuentaPredial', [{ numero: '123-456' }]),
  },
  {
    name: 'Parte Descripcion with a pipe',
    code: 'XSD_PATTERN',
    path: ['conceptos', 0, 'parte', 0, 'descripcion'],
    build: onConcepto(0, 'parte', [{ claveProdServ: '43211706', cantidad: '1', descripcion: 'Tecla | Esc' }]),
  },
  {
    name: 'Parte Cantidad 0',
    code: 'XSD_MIN',
    path: ['conceptos', 0, 'parte', 0, 'cantidad'],
    build: onConcepto(0, 'parte', [
      { claveProdServ: '43211706', cantidad: '0.000000', descripcion: 'Tecla' },
    ]),
  },
  {
    name: 'TotalImpuestosTrasladados with a currency sign',
    code: 'XSD_PATTERN',
    path: ['impuestos', 'totalImpuestosTrasladados'],
    build: variant(baseComprobante, (c) => {
      if (c.impuestos !== undefined) c.impuestos.totalImpuestosTrasladados = '$46.48';
    }),
  },
  {
    name: 'comprobante Traslado TipoFactor not in c_TipoFactor',
    code: 'XSD_ENUMERATION',
    path: ['impuestos', 'traslados', 0, 'tipoFactor'],
    build: variant(baseComprobante, (c) => {
      const traslado = c.impuestos?.traslados?.[0];
      if (traslado !== undefined) traslado.tipoFactor = 'tasa';
    }),
  },
];

describe('XSD facets: one mistake each', () => {
  it.each(MISTAKES.map((m) => [m.name, m] as const))('%s', (_name, mistake) => {
    expectIssue(validateComprobante(mistake.build()), mistake.code, mistake.path);
  });
});

describe('XSD facets: behaviour', () => {
  it('finds nothing in the valid fixtures', () => {
    for (const [, build] of VALID_FIXTURES) {
      const c = build();
      expect([...checkShape(c, makeContext(c)), ...checkCatalogs(c, makeContext(c))]).toEqual([]);
    }
  });

  it('reports one issue per attribute, the first facet that fails', () => {
    const c = { ...baseComprobante(), serie: `${'A'.repeat(25)}|` };
    const serie = validateComprobante(c).filter((i) => i.path.join('.') === 'serie');
    expect(serie.map((i) => i.code)).toEqual(['XSD_LENGTH']);
  });

  it('reports a catalog value with the SAT code only, not also as XSD_ENUMERATION', () => {
    const c = { ...baseComprobante(), formaPago: 'EFECTIVO' };
    const formaPago = validateComprobante(c).filter((i) => i.path.join('.') === 'formaPago');
    expect(formaPago.map((i) => i.code)).toEqual(['CFDI40104']);
  });

  it('collapses whitespace like the XSD: a padded catalog key is the key', () => {
    const c = { ...baseComprobante(), formaPago: ' 03 ' };
    expect(errorsOf(validateComprobante(c)).filter((i) => i.path.join('.') === 'formaPago')).toEqual([]);
  });

  it('keeps the spaces of NumeroPedimento, whose type does not collapse them', () => {
    const ok = onConcepto(0, 'informacionAduanera', [{ numeroPedimento: '21  47  3807  8003832' }])();
    expect(errorsOf(validateComprobante(ok))).toEqual([]);
  });

  it('does not check vigencia against a Fecha that is not a date', () => {
    const c = { ...baseComprobante(), fecha: 'ayer' };
    expect(errorsOf(validateComprobante(c)).map((i) => i.code)).toEqual(['CFDI40101']);
  });

  it('quotes long values shortened', () => {
    const c = { ...baseComprobante(), condicionesDePago: 'C'.repeat(1001) };
    const issue = validateComprobante(c).find((i) => i.path.join('.') === 'condicionesDePago');
    expect(issue?.message).toBe(
      `CondicionesDePago "${'C'.repeat(57)}..." has 1001 characters; 1 to 1000 allowed`,
    );
  });

  it('parses t_FechaH into calendar parts, leap years included', () => {
    expect(parseFechaH('2024-02-29T23:59:59')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseFechaH('2023-02-29T23:59:59')).toBeUndefined();
    expect(parseFechaH('2009-12-31T00:00:00')).toBeUndefined();
    expect(parseFechaH('2024-04-31T00:00:00')).toBeUndefined();
    expect(parseFechaH('2024-05-15T24:00:00')).toBeUndefined();
  });

  it('accepts exactly the days of the Gregorian calendar, every day t_FechaH can write', () => {
    for (let year = 2010; year <= 2099; year++) {
      for (let month = 1; month <= 12; month++) {
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
        for (let day = 28; day <= 31; day++) {
          const fecha = `${year}-${String(month).padStart(2, '0')}-${day}T12:00:00`;
          expect(parseFechaH(fecha) !== undefined, fecha).toBe(day <= last);
        }
      }
    }
  });
});

describe('the facet table', () => {
  const codes = new Set(RULE_CODES.map((r) => r.code));

  it('only hands facets over to rules that exist', () => {
    for (const node of FACET_TABLE) {
      for (const attribute of node.attributes) {
        for (const facet of attribute.facets) {
          if (facet.coveredBy !== undefined)
            expect(codes, `${node.node}/@${attribute.name}`).toContain(facet.coveredBy);
          if (facet.code !== undefined)
            expect(codes, `${node.node}/@${attribute.name}`).toContain(facet.code);
        }
      }
    }
  });

  const xsd = join(KIT, 'sat/www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd');
  it.skipIf(!existsSync(xsd))("lists every attribute of SAT's cfdv40.xsd", () => {
    const text = readFileSync(xsd, 'utf8');
    const stack: string[] = [];
    const expected = new Set<string>();
    const tokens = /<(\/?)xs:element\b([^>]*?)(\/?)>|<xs:attribute\s+name="([^"]+)"/g;
    for (const match of text.matchAll(tokens)) {
      const [, closing, attrs, selfClosing, attribute] = match;
      if (attribute !== undefined) expected.add(`${stack.at(-1)}/@${attribute}`);
      else if (closing === '/') stack.pop();
      else if (selfClosing !== '/') stack.push(/name="([^"]+)"/.exec(attrs ?? '')?.[1] ?? '?');
    }
    const listed = new Set(
      FACET_TABLE.flatMap((node) => node.attributes.map((a) => `${node.node}/@${a.name}`)),
    );
    expect([...expected].sort()).toEqual([...listed].sort());
  });
});
