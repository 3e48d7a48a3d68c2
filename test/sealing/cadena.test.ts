import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCfdiLayoutError } from '../../src/errors.js';
import { cadenaOriginal, cadenaOriginalTfd, normalizeSpace } from '../../src/sealing/cadena.js';
import { complete, invoiceArb, invoiceInput, xmlOf } from '../cli/invoices.js';
import { generateCadenaProgram } from '../helpers/cadena-program.mjs';
import { cadena, cadenaOfFile, corpusFiles, KIT, kitAvailable } from '../helpers/kit.js';

/*
 * Our cadena original against SAT's stylesheets run by xsltproc (../shared/kit/cadena.sh), byte
 * for byte: the whole corpus (CFDI 4.0 and 3.3, and the TimbreFiscalDigital's cadena of every
 * stamped one), random invoices with hostile whitespace, and hand-made edge cases of the XSLT rules.
 */

function kitTfd(file: string): string | undefined {
  try {
    return execFileSync(join(KIT, 'cadena.sh'), ['--tfd', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    return undefined;
  }
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

function ours(f: () => string): string | undefined {
  try {
    return f();
  } catch (err) {
    if (isCfdiLayoutError(err, 'CADENA_UNSUPPORTED')) return undefined;
    throw err;
  }
}

describe.skipIf(!kitAvailable)('cadena original against SAT XSLT (kit/cadena.sh)', () => {
  it("the compiled program is exactly what SAT's stylesheets compile to", () => {
    const committed = readFileSync(join(import.meta.dirname, '../../src/sealing/cadena-program.ts'), 'utf8');
    expect(committed).toBe(generateCadenaProgram(KIT));
  });

  for (const folder of ['cfdi40', 'cfdi33'] as const) {
    const files = corpusFiles(folder);
    it(`${folder}: every corpus document (${files.length}) and its timbre`, () => {
      expect(files.length).toBeGreaterThan(folder === 'cfdi40' ? 70 : 10);
      let stamped = 0;
      for (const file of files) {
        const bytes = readFileSync(file);
        expect(cadenaOriginal(bytes), basename(file)).toBe(cadenaOfFile(file));
        const tfd = kitTfd(file);
        expect(
          ours(() => cadenaOriginalTfd(bytes)),
          `${basename(file)} --tfd`,
        ).toBe(tfd);
        if (tfd !== undefined) stamped++;
      }
      expect(stamped).toBeGreaterThan(0);
    }, 240_000);
  }

  const hostile = fc.constantFrom(
    '  Caf\u00e9\tcon   leche ',
    'a\n\nb',
    ' \u00a0nbsp stays\u00a0',
    '<&>"\'',
    'emoji 🧾  x',
    '\u2028line',
  );
  it('random invoices with hostile whitespace in descripcion and nombre', () => {
    fc.assert(
      fc.property(invoiceArb, hostile, hostile, (spec, descripcion, nombre) => {
        const c = complete(invoiceInput(spec));
        const doc = {
          ...c,
          receptor: { ...c.receptor, nombre },
          conceptos: c.conceptos.map((k, i) => ({
            ...k,
            descripcion: i === 0 ? descripcion : k.descripcion,
          })),
        };
        const xml = xmlOf(doc);
        expect(cadenaOriginal(xml)).toBe(cadena(xml));
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  const NS = 'xmlns:cfdi="http://www.sat.gob.mx/cfd/4"';
  const cases: Array<[string, string]> = [
    [
      'empty optional attribute still writes its bar',
      `<cfdi:Comprobante ${NS} Version="4.0" Serie="" Folio="7"/>`,
    ],
    [
      'character references and literal newlines in attributes',
      `<cfdi:Comprobante ${NS} Version="4.0" Serie="A&#10;&#9;B" Folio="x\n  y"/>`,
    ],
    [
      'another prefix and the default namespace',
      `<c:Comprobante xmlns:c="http://www.sat.gob.mx/cfd/4" Version="4.0"><c:Emisor Rfc=" R "/></c:Comprobante>`,
    ],
    [
      'default namespace',
      `<Comprobante xmlns="http://www.sat.gob.mx/cfd/4" Version="4.0"><Emisor Rfc="R" Nombre="N"/></Comprobante>`,
    ],
    [
      'timbre with text inside the Complemento (built-in rules copy it)',
      `<cfdi:Comprobante ${NS} Version="4.0"><cfdi:Complemento><tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" UUID="u"> t </tfd:TimbreFiscalDigital></cfdi:Complemento></cfdi:Comprobante>`,
    ],
    [
      'Pagos 2.0 inside the Complemento',
      `<cfdi:Comprobante ${NS} Version="4.0"><cfdi:Complemento><pago20:Pagos xmlns:pago20="http://www.sat.gob.mx/Pagos20" Version="2.0"><pago20:Totales MontoTotalPagos="1"/></pago20:Pagos></cfdi:Complemento></cfdi:Comprobante>`,
    ],
    [
      'CDATA in element-valued selects is text',
      `<cfdi:Comprobante ${NS} Version="4.0"><cfdi:Emisor Rfc="R"><![CDATA[ignored]]></cfdi:Emisor></cfdi:Comprobante>`,
    ],
  ];
  for (const [name, xml] of cases) {
    it(`edge: ${name}`, () => {
      expect(cadenaOriginal(xml)).toBe(cadena(xml));
    });
  }
});

describe('cadena original refusals', () => {
  it("refuses a complement SAT's stylesheet does not cover, naming it", () => {
    const xml =
      '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0"><cfdi:Complemento><x:Nuevo xmlns:x="urn:example:nuevo" a="1"/></cfdi:Complemento></cfdi:Comprobante>';
    let error: unknown;
    try {
      cadenaOriginal(xml);
    } catch (err) {
      error = err;
    }
    expect(isCfdiLayoutError(error, 'CADENA_UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toContain('x:Nuevo');
    expect((error as Error).message).toContain('urn:example:nuevo');
  });

  it('refuses what is not a CFDI 4.0 or 3.3 Comprobante, and a document without timbre for --tfd', () => {
    for (const xml of [
      '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" Version="3.2"/>',
      '<Comprobante Version="4.0"/>',
      '<retenciones:Retenciones xmlns:retenciones="http://www.sat.gob.mx/esquemas/retencionpago/2" Version="2.0"/>',
    ]) {
      expect(
        codeOf(() => cadenaOriginal(xml)),
        xml,
      ).toBe('CADENA_UNSUPPORTED');
    }
    // Pagos 1.0 belongs to the 3.3 stylesheet: in a 4.0 document SAT's 4.0 sheet has no rule for it.
    const pagos10 =
      '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0"><cfdi:Complemento><pago10:Pagos xmlns:pago10="http://www.sat.gob.mx/Pagos" Version="1.0"/></cfdi:Complemento></cfdi:Comprobante>';
    expect(codeOf(() => cadenaOriginal(pagos10))).toBe('CADENA_UNSUPPORTED');
    expect(
      codeOf(() =>
        cadenaOriginalTfd('<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0"/>'),
      ),
    ).toBe('CADENA_UNSUPPORTED');
  });

  it('normalize-space touches space, tab, CR and LF only', () => {
    expect(normalizeSpace(' \t a \r\n b  ')).toBe('a b');
    expect(normalizeSpace('\u00a0a\u2028')).toBe('\u00a0a\u2028');
  });
});
