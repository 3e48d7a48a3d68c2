import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cadena, corpusFiles, kitAvailable, validateXsd } from '../helpers/kit.js';
import { assertCliBuilt, ROOT, runCli, runJson, STACK_FRAME, scratchDir } from './run-cli.js';

/*
 * `cfdi-layout convert` through the built binary: the JSON samples in samples/json/ become pre-CFDI
 * XML that SAT's XSD accepts, corpus XML survives JSON and the tralix-40 layout with the same cadena
 * original (SAT's XSLT through the kit), and hostile or unsupported input is refused with a code.
 */

const scratch = scratchDir('convert');
beforeAll(assertCliBuilt);
afterAll(scratch.cleanup);

const SAMPLES = join(ROOT, 'samples/json');
const PARCIAL_TEXT = readFileSync(join(SAMPLES, 'factura-parcial.json'), 'utf8');

/** An attribute of the first element with that name (`cfdi:Comprobante`, `SubTotal`). */
function attr(xml: string, element: string, name: string): string | undefined {
  const tag = new RegExp(`<${element}\\s[^>]*`).exec(xml)?.[0];
  return tag === undefined ? undefined : new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function corpus(name: string): string {
  const file = corpusFiles().find((f) => basename(f) === name);
  if (file === undefined) throw new Error(`${name} is not in the kit corpus`);
  return file;
}

describe.skipIf(!kitAvailable)(
  'convert samples/json/*.json --to xml: amounts computed, SAT XSD, validate 0',
  () => {
    /*
     * The amounts each sample must come out with, worked out by hand from its cantidad, valorUnitario
     * and rates (concept tax = Base × rate rounded half up; comprobante sums of concept values, A.5).
     */
    const expected = {
      // 2 × 15000.00 + 1 × 1250.50 + 1 × 3000.00 (exento); IVA 16 % of 30000.00 and 1250.50 = 4800.00 + 200.08.
      'factura-parcial': {
        subTotal: '34250.50',
        total: '39250.58',
        trasladados: '5000.08',
        locales: undefined,
      },
      // Rules doc B: 2 nights × 1000.00, IVA 320.00, ISH 3 % 60.00 in implocal, Total 2380.00.
      'hotel-ish': { subTotal: '2000.00', total: '2380.00', trasladados: '320.00', locales: '60.00' },
      // Tickets 100.00 + 50.00 at 16 % (16.00 + 8.00) and 35.50 at 0 %.
      'factura-global': { subTotal: '185.50', total: '209.50', trasladados: '24.00', locales: undefined },
    } as const;
    const names = Object.keys(expected) as Array<keyof typeof expected>;
    const outputs = Object.fromEntries(names.map((n) => [n, join(scratch.dir, 'samples', `${n}.xml`)]));

    beforeAll(async () => {
      const runs = await Promise.all(
        names.map((n) =>
          runCli(['convert', join(SAMPLES, `${n}.json`), '--to', 'xml', '-o', outputs[n] ?? '']),
        ),
      );
      runs.forEach((run, i) => {
        if (run.code !== 0) throw new Error(`convert ${names[i]}: exit ${run.code}: ${run.stderr}`);
        if (run.stdout !== '') throw new Error(`convert -o wrote to stdout: ${run.stdout.slice(0, 200)}`);
      });
    });

    it.each(names)('%s.json → XML with the amounts worked out by hand, valid against cfdv40.xsd', (name) => {
      const xml = readFileSync(outputs[name] ?? '', 'utf8');
      const want = expected[name];
      expect(attr(xml, 'cfdi:Comprobante', 'SubTotal')).toBe(want.subTotal);
      expect(attr(xml, 'cfdi:Comprobante', 'Total')).toBe(want.total);
      expect(attr(xml, 'cfdi:Impuestos', 'TotalImpuestosTrasladados')).toBe(want.trasladados);
      expect(attr(xml, 'implocal:ImpuestosLocales', 'TotaldeTraslados')).toBe(want.locales);
      const xsd = validateXsd(xml);
      expect(xsd.ok, xsd.output).toBe(true);
    });

    it('cfdi-layout validate accepts all three outputs: exit 0', async () => {
      const run = await runCli(['validate', ...names.map((n) => outputs[n] ?? '')]);
      expect(run.stdout).not.toMatch(/INVALID/);
      expect(run.code, run.stdout).toBe(0);
    });
  },
);

describe.concurrent('convert JSON: amounts given are kept, JSON numbers only when exact', () => {
  it('a wrong given Total stays as written (warned), and validate then reports CFDI40119; exact numbers are taken', async ({
    expect,
  }) => {
    const doc = JSON.parse(PARCIAL_TEXT) as Record<string, unknown> & {
      conceptos: Array<Record<string, unknown>>;
    };
    doc.total = '39250.59';
    const given = scratch.file(
      'total-given.json',
      JSON.stringify(doc, null, 2).replace('"3000.00"', '123.45'),
    );
    const out = join(scratch.dir, 'total-given.xml');
    const run = await runJson(['convert', given, '--to', 'xml', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.doc.ok).toBe(true);
    expect(run.doc.outputs).toEqual({ from: 'json', to: 'xml', file: out });
    expect(run.doc.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(run.doc.issues).toContainEqual(
      expect.objectContaining({ code: 'CFDI40119', path: 'total', severity: 'warning' }),
    );
    const xml = readFileSync(out, 'utf8');
    expect(attr(xml, 'cfdi:Comprobante', 'Total')).toBe('39250.59');
    // The JSON number 123.45 is exact: taken as the ValorUnitario "123.45"; SubTotal 31250.50 + 123.45.
    expect(xml).toContain('ValorUnitario="123.45"');
    expect(attr(xml, 'cfdi:Comprobante', 'SubTotal')).toBe('31373.95');

    const validate = await runJson(['validate', out]);
    expect(validate.code).toBe(1);
    expect(validate.doc.issues).toContainEqual(
      expect.objectContaining({ code: 'CFDI40119', path: 'total', severity: 'error' }),
    );
  });

  it.for([
    ['0.1000000000000000055511', 'more digits than a double keeps'],
    ['1e3', 'exponent notation'],
    ['100.1234567', 'more than 6 decimals'],
  ])('the JSON number %s (%s) is refused with a coded issue and exit 1', async ([literal], { expect }) => {
    const file = scratch.file(
      `number-${literal}.json`,
      PARCIAL_TEXT.replace('"valorUnitario": 1250.5', `"valorUnitario": ${literal}`),
    );
    expect(readFileSync(file, 'utf8')).toContain(`"valorUnitario": ${literal}`);
    const run = await runJson(['convert', file, '--to', 'xml']);
    expect(run.code).toBe(1);
    expect(run.doc.ok).toBe(false);
    const errors = run.doc.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => i.path)).toContain('conceptos.1.valorUnitario');
    expect(errors.every((i) => i.code === 'MODEL_INVALID' || i.code === 'AMOUNT_NOT_EXACT')).toBe(true);
    expect(JSON.stringify(run.doc.outputs)).not.toContain('<cfdi:Comprobante');
  });
});

describe
  .skipIf(!kitAvailable)
  .concurrent('convert with the kit corpus: cadena original kept, unsupported input refused', () => {
    it.for(['cfdiutils__cfdi40-real.xml', 'pycfditransform__cfdi40_01_implocal.xml'])(
      '%s: XML → JSON → XML',
      async (name, { expect }) => {
        const source = corpus(name);
        const json = join(scratch.dir, `${name}.json`);
        const back = join(scratch.dir, `${name}.back.xml`);
        const toJson = await runCli(['convert', source, '--to', 'json', '-o', json]);
        expect(toJson.code, toJson.stderr).toBe(0);
        const model = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
        expect(model.version).toBe('4.0');
        expect(Array.isArray(model.conceptos)).toBe(true);
        const toXml = await runCli(['convert', json, '--to', 'xml', '-o', back]);
        expect(toXml.code, toXml.stderr).toBe(0);
        expect(cadena(readFileSync(back, 'utf8'))).toBe(cadena(readFileSync(source, 'utf8')));
      },
    );

    it.for([
      'eddusoft__infoGlobal.xml',
      'pycfditransform__cfdi40_01_implocal.xml',
      'swsdkjava__CFDI40_Pago_MonedasDistintasyDRenUSD.xml',
    ])('%s: XML → layout tralix-40 → XML (the layout guessed from the content)', async (name, { expect }) => {
      const source = corpus(name);
      const txt = join(scratch.dir, `${name}.txt`);
      const back = join(scratch.dir, `${name}.layout.xml`);
      const toLayout = await runCli([
        'convert',
        source,
        '--to',
        'layout',
        '--layout',
        'tralix-40',
        '-o',
        txt,
      ]);
      expect(toLayout.code, toLayout.stderr).toBe(0);
      expect(readFileSync(txt, 'utf8')).toMatch(/^\|?00\|/);
      const toXml = await runJson(['convert', txt, '--layout', 'tralix-40', '--to', 'xml', '-o', back]);
      expect(toXml.code, JSON.stringify(toXml.doc.issues)).toBe(0);
      expect(toXml.doc.outputs).toMatchObject({ from: 'layout', to: 'xml' });
      expect(cadena(readFileSync(back, 'utf8'))).toBe(cadena(readFileSync(source, 'utf8')));
    });

    it('CFDI 3.3: XML_VERSION_UNSUPPORTED, exit 1 (convert one; validate every 3.3 file of the kit)', async ({
      expect,
    }) => {
      const files = corpusFiles('cfdi33');
      expect(files.length).toBeGreaterThan(10);
      const run = await runCli(['convert', files[0] ?? '', '--to', 'json']);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/XML_VERSION_UNSUPPORTED/);
      const all = await runJson(['validate', ...files]);
      expect(all.code).toBe(1);
      for (const f of files) {
        expect(
          all.doc.issues.filter((i) => i.file === f).map((i) => i.code),
          f,
        ).toEqual(['XML_VERSION_UNSUPPORTED']);
      }
    });

    it('a CFDI with the Nómina complement is refused for a layout: exit 1, coded issue, nothing written', async ({
      expect,
    }) => {
      const out = join(scratch.dir, 'nomina.txt');
      const run = await runJson([
        'convert',
        corpus('satcfdi__cfdv40-nomina12.xml'),
        '--to',
        'layout',
        '--layout',
        'tralix-40',
        '-o',
        out,
      ]);
      expect(run.code).toBe(1);
      expect(run.doc.ok).toBe(false);
      expect(run.doc.issues).toContainEqual(
        expect.objectContaining({ code: 'LAYOUT_UNSUPPORTED_CONTENT', severity: 'error' }),
      );
      expect(existsSync(out)).toBe(false);
    });
  });

describe.concurrent('convert refuses what it cannot read, with a code', () => {
  it('a DOCTYPE entity bomb or an external entity: XML_DOCTYPE_FORBIDDEN, quickly', async ({ expect }) => {
    const entities = ['<!ENTITY l0 "lollollollollollollollollollol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
    const bomb = scratch.file(
      'bomb.xml',
      `<?xml version="1.0"?>\n<!DOCTYPE cfdi:Comprobante [\n${entities.join('\n')}\n]>\n<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" Serie="&l9;"/>\n`,
    );
    const xxe = scratch.file(
      'xxe.xml',
      `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" Serie="&x;"/>\n`,
    );
    const run = await runJson(['convert', bomb, '--to', 'json']);
    expect(run.code).toBe(1);
    expect(run.doc.issues.map((i) => i.code)).toEqual(['XML_DOCTYPE_FORBIDDEN']);
    // Spawning node costs about a second on a busy machine; expanding the bomb would take far longer.
    expect(run.ms).toBeLessThan(10_000);
    const both = await runJson(['validate', bomb, xxe]);
    expect(both.code).toBe(1);
    expect(both.doc.issues.map((i) => i.code)).toEqual(['XML_DOCTYPE_FORBIDDEN', 'XML_DOCTYPE_FORBIDDEN']);
    expect(both.stdout).not.toMatch(/root:/);
  });

  it('malformed XML: XML_MALFORMED with the line, stated once', async ({ expect }) => {
    const file = scratch.file(
      'malformed.xml',
      '<?xml version="1.0"?>\n<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">\n  <cfdi:Emisor Rfc="EKU9003173C9">\n</cfdi:Comprobante>\n',
    );
    const run = await runJson(['convert', file, '--to', 'json']);
    expect(run.code).toBe(1);
    const [issue] = run.doc.issues;
    expect(issue?.code).toBe('XML_MALFORMED');
    expect(issue?.message).toMatch(/line [34]\b/);
    expect(issue?.message.match(/\(line \d+, column \d+\)/g) ?? []).toHaveLength(1);
  });

  it('--from forces the reader: a JSON file read as XML is malformed XML', async ({ expect }) => {
    const run = await runJson([
      'convert',
      join(SAMPLES, 'factura-parcial.json'),
      '--from',
      'xml',
      '--to',
      'json',
    ]);
    expect(run.code).toBe(1);
    expect(run.doc.issues.map((i) => i.code)).toEqual(['XML_MALFORMED']);
  });
});

describe.concurrent('convert input guessing, stdin and stdout', () => {
  it('guesses JSON and XML from the content, whatever the file is called', async ({ expect }) => {
    const json = scratch.file('guess-me.txt', PARCIAL_TEXT);
    // A byte order mark before the XML declaration (the declaration itself must come first).
    const xml = scratch.file(
      'guess-me.dat',
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        readFileSync(join(ROOT, 'samples/xml/factura-iva16.xml')),
      ]),
    );
    const fromJson = await runJson(['convert', json, '--to', 'json']);
    expect(fromJson.code, JSON.stringify(fromJson.doc.issues)).toBe(0);
    expect(fromJson.doc.outputs).toMatchObject({ from: 'json', to: 'json' });
    const fromXml = await runJson(['convert', xml, '--to', 'xml']);
    expect(fromXml.code, JSON.stringify(fromXml.doc.issues)).toBe(0);
    expect(fromXml.doc.outputs).toMatchObject({ from: 'xml', to: 'xml' });
    const document = (fromXml.doc.outputs as { document?: string }).document ?? '';
    expect(attr(document, 'cfdi:Comprobante', 'Total')).toBe('36250.58');
  });

  it('-o - (the default) writes the document to stdout and nothing else', async ({ expect }) => {
    const run = await runCli(['convert', join(SAMPLES, 'factura-global.json'), '--to', 'xml', '-o', '-']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith('<?xml')).toBe(true);
    expect(attr(run.stdout, 'cfdi:Comprobante', 'Total')).toBe('209.50');
  });

  it('- reads the document from stdin', async ({ expect }) => {
    const run = await runCli(['convert', '-', '--to', 'xml'], {
      input: readFileSync(join(SAMPLES, 'factura-global.json')),
    });
    expect(run.stderr).not.toMatch(/IO/);
    expect(run.code).toBe(0);
    expect(attr(run.stdout, 'cfdi:Comprobante', 'Total')).toBe('209.50');
  });

  it('-o FILE creates its folder and leaves stdout empty', async ({ expect }) => {
    const out = join(scratch.dir, 'nested', 'deeper', 'global.xml');
    const run = await runCli(['convert', join(SAMPLES, 'factura-global.json'), '--to', 'xml', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(attr(readFileSync(out, 'utf8'), 'cfdi:Comprobante', 'SubTotal')).toBe('185.50');
  });
});

describe.concurrent('convert usage errors: exit 2, the command does not run', () => {
  it('without --to', async ({ expect }) => {
    const run = await runCli(['convert', join(SAMPLES, 'factura-global.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/USAGE/);
    expect(run.stderr).not.toMatch(/UNEXPECTED|IO/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stdout).toBe('');
  });

  it('--to layout without --layout', async ({ expect }) => {
    const run = await runJson(['convert', join(SAMPLES, 'factura-global.json'), '--to', 'layout']);
    expect(run.code).toBe(2);
    expect(run.doc.ok).toBe(false);
    expect(run.doc.issues.map((i) => i.code)).toEqual(['USAGE']);
  });

  it('a missing input file', async ({ expect }) => {
    const run = await runCli(['convert', join(scratch.dir, 'absent.json'), '--to', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error IO: .*absent\.json/m);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('convert --to layout with a latin1 definition', () => {
  it('writes the text as ISO-8859-1 bytes and reads them back to the same document', async () => {
    const definition = JSON.parse(
      readFileSync(join(ROOT, 'schemas/layouts/tralix-40.json'), 'utf8'),
    ) as Record<string, unknown>;
    const layoutFile = scratch.file(
      'tralix-40-latin1.json',
      JSON.stringify({ ...definition, id: 'tralix-40-latin1', encoding: 'latin1' }),
    );
    const json = scratch.file(
      'latin1.json',
      PARCIAL_TEXT.replace(/"nombre": "([^"]*)"/, '"nombre": "PEÑA ÁLVAREZ"'),
    );
    const out = join(scratch.dir, 'latin1.txt');
    const run = await runCli(['convert', json, '--to', 'layout', '--layout', layoutFile, '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const bytes = readFileSync(out);
    // Ñ is one byte 0xD1 in ISO-8859-1 (two, C3 91, in UTF-8).
    expect(bytes.includes(Buffer.from('PE\u00d1A \u00c1LVAREZ', 'latin1'))).toBe(true);
    expect(bytes.includes(Buffer.from('PEÑA', 'utf8'))).toBe(false);
    const back = await runCli(['convert', out, '--from', 'layout', '--layout', layoutFile, '--to', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('PEÑA ÁLVAREZ');
  });
});
