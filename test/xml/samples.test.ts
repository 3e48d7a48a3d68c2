import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Comprobante } from '../../src/model/comprobante.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { renderComprobante } from '../../src/xml/render.js';
import { kitAvailable, validateXsd } from '../helpers/kit.js';
import { facturaGlobal, facturaIva16, hotelIsh } from './fixtures.js';

const SAMPLES = resolve(import.meta.dirname, '../../samples/xml');

/** The pre-CFDI samples in samples/xml/ and the models they are rendered from. */
const CASES: Array<[string, () => Comprobante]> = [
  ['factura-iva16.xml', facturaIva16],
  ['hotel-ish.xml', hotelIsh],
  ['factura-global.xml', facturaGlobal],
];

describe('samples/xml', () => {
  it.each(CASES)('%s is the pretty rendering of its model', async (file, build) => {
    await expect(`${renderComprobante(build(), { pretty: true })}\n`).toMatchFileSnapshot(
      join(SAMPLES, file),
    );
  });

  it.each(CASES)('%s parses back to its model', (file, build) => {
    expect(parseComprobante(readFileSync(join(SAMPLES, file)))).toEqual(build());
  });
});

describe.skipIf(!kitAvailable)('samples/xml pass SAT XSD (--presello)', () => {
  it.each(CASES)('%s', (file) => {
    const result = validateXsd(readFileSync(join(SAMPLES, file), 'utf8'), true);
    expect(result.ok, result.output).toBe(true);
  });
});
