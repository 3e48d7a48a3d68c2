import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCfdiLayoutError } from '../../src/errors.js';
import {
  DEFAULT_LAYOUT_ID,
  encodeLayoutText,
  LAYOUTS,
  type LayoutDefinition,
  parseLayout,
  parseRecords,
  renderLayout,
  renderRecords,
} from '../../src/layouts/index.js';
import { validateComprobante } from '../../src/rules/index.js';
import { sampleComprobante, sampleRep } from './comprobante-fixture.js';
import { SEED_002_ARCHIVO_FUENTE } from './seed.js';

const tralix40 = LAYOUTS['tralix-40'];
const SAMPLES = join(import.meta.dirname, '../../samples/layouts');

describe('tralix-40', () => {
  it('is the default layout', () => {
    expect(DEFAULT_LAYOUT_ID).toBe('tralix-40');
  });

  it('writes the seed 000 header from render parameters with their defaults', () => {
    const byDefault = renderLayout(tralix40, sampleComprobante());
    expect(byDefault.text.split('\n')[0]).toBe('00|CFD33BASE|QA|4.0|');
    const configured = renderLayout(tralix40, sampleComprobante(), {
      parameters: { connector: 'CFD40ACME', environment: 'PROD' },
    });
    expect(configured.text.split('\n')[0]).toBe('00|CFD40ACME|PROD|4.0|');
    // The header is record-level data: parsing keeps it, the model has no place for it.
    const parsed = parseLayout(tralix40, configured.text);
    expect(parsed.records[0]?.fields).toEqual({ conector: 'CFD40ACME', ambiente: 'PROD', version: '4.0' });
    expect(parsed.comprobante).toEqual(sampleComprobante());
  });

  it('writes the importe con letra of the total', () => {
    const line = renderLayout(tralix40, sampleComprobante()).text.split('\n')[1];
    expect(line).toContain('|DOS MIL TRESCIENTOS OCHENTA PESOS 00/100 M.N.|');
  });

  it('writes a ticket insumo without the receptor (variant ticket) and reads it back', () => {
    const insumo = renderLayout(tralix40, sampleComprobante(), { variant: 'ticket' });
    expect(insumo.issues).toEqual([]);
    expect(insumo.text.split('\n').map((l) => l.slice(0, 2))).not.toContain('03');
    expect(insumo.text.endsWith('99|11|')).toBe(true);
    const parsed = parseLayout(tralix40, insumo.text, { variant: 'ticket' });
    const { receptor: _receptor, ...rest } = sampleComprobante();
    expect(parsed.draft).toEqual(rest);
    expect(parsed.comprobante).toBeUndefined();
    expect(parsed.issues).toMatchObject([
      { code: 'LAYOUT_MODEL_INCOMPLETE', severity: 'warning', path: ['receptor'] },
    ]);
    // Read as an invoice, the insumo lacks its receptor.
    expect(parseRecords(tralix40, insumo.text).issues).toMatchObject([
      { code: 'LAYOUT_CARDINALITY', message: expect.stringContaining('needs a record 03 (receptor)') },
    ]);
    // A receptor in a ticket insumo is refused.
    const invoice = renderLayout(tralix40, sampleComprobante()).text;
    expect(parseRecords(tralix40, invoice, { variant: 'ticket' }).issues).toMatchObject([
      { code: 'LAYOUT_RECORD_NOT_ALLOWED', location: { line: 4, record: '03' } },
    ]);
  });

  it('refuses unknown variants and parameters as option errors', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return isCfdiLayoutError(err) ? err.code : 'not a CfdiLayoutError';
      }
      return 'no error';
    };
    expect(codeOf(() => renderLayout(tralix40, sampleComprobante(), { variant: 'nope' }))).toBe(
      'LAYOUT_RENDER_FAILED',
    );
    expect(codeOf(() => renderLayout(tralix40, sampleComprobante(), { parameters: { conector: 'X' } }))).toBe(
      'LAYOUT_RENDER_FAILED',
    );
    expect(codeOf(() => parseLayout(tralix40, '00|', { variant: 'nope' }))).toBe('LAYOUT_PARSE_FAILED');
  });

  it('refuses a model the layout cannot hold exactly, by path', () => {
    const c = sampleComprobante();
    const withAddenda = {
      ...c,
      addenda: [{ name: 'mabe:Factura', namespace: 'http://recepcionfe.mabempresa.com/cfd/addenda/v1' }],
    };
    const rendered = renderLayout(tralix40, withAddenda);
    expect(rendered.text).toBe('');
    expect(rendered.issues).toMatchObject([
      {
        code: 'LAYOUT_UNSUPPORTED_CONTENT',
        path: ['addenda'],
        message: expect.stringContaining('mabe:Factura'),
      },
    ]);
    const badDate = renderLayout(tralix40, { ...c, fecha: '01/05/2024' });
    expect(badDate.issues).toMatchObject([{ code: 'LAYOUT_FIELD_TYPE', path: ['fecha'] }]);
    const withTimbre = renderLayout(tralix40, {
      ...c,
      sello: 'abc',
      complemento: [
        ...(c.complemento ?? []),
        { xml: { name: 'tfd:TimbreFiscalDigital', namespace: 'http://www.sat.gob.mx/TimbreFiscalDigital' } },
      ],
    });
    expect(withTimbre.issues.map((i) => [i.code, i.severity, i.path.join('.')]).sort()).toEqual([
      ['LAYOUT_VALUE_OMITTED', 'warning', 'complemento.1.xml'],
      ['LAYOUT_VALUE_OMITTED', 'warning', 'sello'],
    ]);
    expect(withTimbre.text).toBe(renderLayout(tralix40, c).text);
  });

  it('encodes Latin-1 layouts byte for byte', () => {
    const latin1: LayoutDefinition = { ...tralix40, id: 'latin1', encoding: 'latin1' };
    const rendered = renderLayout(latin1, sampleComprobante());
    const bytes = encodeLayoutText(latin1, rendered.text);
    expect(bytes.length).toBe(rendered.text.length);
    expect(bytes.includes(0xd1)).toBe(true); // Ñ of ESPAÑOLA as one byte
    expect(parseLayout(latin1, bytes).comprobante).toEqual(sampleComprobante());
  });
});

describe('golden samples', () => {
  it('tralix-40 invoice', async () => {
    await expect(renderLayout(tralix40, sampleComprobante()).text).toMatchFileSnapshot(
      join(SAMPLES, 'tralix-40-factura.txt'),
    );
  });

  it('tralix-40 ticket insumo', async () => {
    await expect(renderLayout(tralix40, sampleComprobante(), { variant: 'ticket' }).text).toMatchFileSnapshot(
      join(SAMPLES, 'tralix-40-ticket-insumo.txt'),
    );
  });

  it('tralix-40 REP (Pagos 2.0, records 30–37)', async () => {
    const rendered = renderLayout(tralix40, sampleRep());
    expect(rendered.issues).toEqual([]);
    await expect(rendered.text).toMatchFileSnapshot(join(SAMPLES, 'tralix-40-rep.txt'));
    const parsed = parseLayout(tralix40, rendered.text);
    expect(parsed.comprobante).toEqual(sampleRep());
    expect(validateComprobante(sampleRep()).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('tralix-legacy seed 002 archivoFuente', async () => {
    const legacy = LAYOUTS['tralix-legacy'];
    const text = renderRecords(legacy, parseRecords(legacy, SEED_002_ARCHIVO_FUENTE).records).text;
    expect(text).toBe(SEED_002_ARCHIVO_FUENTE);
    await expect(text).toMatchFileSnapshot(join(SAMPLES, 'tralix-legacy-seed-002.txt'));
  });
});
