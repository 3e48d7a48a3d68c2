import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComprobanteSchema } from '../../src/model/comprobante.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { renderComprobante } from '../../src/xml/render.js';
import { cadena, cadenaOfFile, corpusFiles, kitAvailable, validateXsd } from '../helpers/kit.js';

/*
 * Every CFDI 4.0 of the kit's corpus: what we re-render has the cadena original of the file (the
 * signed ones prove that cadena byte-exact), passes SAT's XSD as an unsigned pre-CFDI, reads back
 * as the same model, and survives the model's JSON form.
 */
describe.skipIf(!kitAvailable)('CFDI 4.0 corpus round trip', () => {
  const files = kitAvailable ? corpusFiles('cfdi40') : [];

  it('has the 77 documents the kit describes', () => {
    expect(files).toHaveLength(77);
  });

  it.each(files.map((f) => [basename(f), f]))('%s', (_name, file) => {
    const expected = cadenaOfFile(file);
    const model = parseComprobante(readFileSync(file));

    const xml = renderComprobante(model);
    expect(cadena(xml)).toBe(expected);
    const xsd = validateXsd(xml, true);
    expect(xsd.ok, xsd.output).toBe(true);
    expect(parseComprobante(xml)).toEqual(model);

    const fromJson = ComprobanteSchema.parse(JSON.parse(JSON.stringify(model)));
    expect(cadena(renderComprobante(fromJson))).toBe(expected);

    expect(parseComprobante(renderComprobante(model, { pretty: true }))).toEqual(model);
  });
});
