import { describe, expect, it } from 'vitest';
import {
  LAYOUTS,
  parseLayout,
  parseRecords,
  renderRecords,
  validateLayoutText,
} from '../../src/layouts/index.js';
import { SEED_002_ARCHIVO_FUENTE } from './seed.js';

const legacy = LAYOUTS['tralix-legacy'];

describe('tralix-legacy and the seed 002 archivoFuente', () => {
  it('reconstructs the seed text: 15 lines, the first with a leading pipe, no final line ending', () => {
    const lines = SEED_002_ARCHIVO_FUENTE.split('\n');
    expect(lines).toHaveLength(15);
    expect(lines[0]).toBe('|00|idcfd|FAC|');
    expect(lines[14]).toBe('99|15||');
    expect(SEED_002_ARCHIVO_FUENTE).not.toMatch(/\r|\\\//);
    expect(lines[3]).toContain('|AVENIDA CALLE |S/N|');
  });

  it('parses at record level without an issue and renders back the same bytes', () => {
    const parsed = parseRecords(legacy, SEED_002_ARCHIVO_FUENTE);
    expect(parsed.issues).toEqual([]);
    expect(parsed.records.map((r) => r.id)).toEqual([
      '00',
      '01',
      '02',
      '03',
      '05',
      '05',
      '05',
      '05',
      '06',
      '07',
      '06',
      '07',
      '08',
      '08',
      '99',
    ]);
    const rendered = renderRecords(legacy, parsed.records);
    expect(rendered.issues).toEqual([]);
    expect(rendered.text).toBe(SEED_002_ARCHIVO_FUENTE);
    expect(new TextEncoder().encode(rendered.text)).toEqual(
      new TextEncoder().encode(SEED_002_ARCHIVO_FUENTE),
    );
  });

  it('keeps the fields the CFDI model has no place for', () => {
    const { records } = parseLayout(legacy, SEED_002_ARCHIVO_FUENTE);
    const byId = (id: string) => records.filter((r) => r.id === id).map((r) => r.fields);
    expect(byId('00')[0]).toEqual({ idCfd: 'idcfd', tipoDocumento: 'FAC' });
    expect(byId('01')[0]).toMatchObject({
      referencia: 'REFERENCIA XXXAAAXXX',
      observacion1: 'Primera Observación',
      observacion2: 'Segunda Observación',
      observacion3: 'Tercera Observación',
    });
    expect(byId('01')[0]?.importeConLetra).toMatch(/^Noventa y nueve billones .* 90\/10000000$/);
    expect(byId('02')[0]).toEqual({
      formaDePago: 'PAGO EN UNA SOLA EXHIBICIÓN',
      condicionesDePago: '10% DE INTERÉS SI NO SE PAGA ANTES DEL 05-AGOSTO-2010',
      metodoDePago: 'CHEQUE',
      fechaPago: '2010-08-05',
      leyenda: 'EFECTOS FISCALES AL PAGO',
    });
    expect(byId('03')[0]).toMatchObject({
      calle: 'AVENIDA CALLE ',
      telefono: '4424876399',
      estado: 'ESTADO DE MÉXICO',
    });
    expect(byId('05').map((f) => f.categoria)).toEqual([
      'Categoría 5e',
      'Categoría 5e',
      'Categoría 5e',
      'Categoría 5e',
    ]);
    expect(byId('08')[0]).toMatchObject({ aduana: 'APTO INTL DE CIUDAD DE MEXICO', fecha: '2010-06-29' });
  });

  it('maps the interpreted fields into the model', () => {
    const { draft, comprobante, issues } = parseLayout(legacy, SEED_002_ARCHIVO_FUENTE);
    // The legacy set carries no emisor and none of the CFDI 4.0 catalog keys: no complete comprobante.
    expect(comprobante).toBeUndefined();
    expect(issues.every((i) => i.code === 'LAYOUT_MODEL_INCOMPLETE')).toBe(true);
    expect(issues.filter((i) => i.severity === 'warning').map((i) => i.path.join('.'))).toEqual([
      'lugarExpedicion',
      'emisor',
    ]);
    expect(draft).toMatchObject({
      version: '4.0',
      folio: '1',
      fecha: '2014-06-30T00:00:00',
      subTotal: '99.09',
      total: '9999.09',
      moneda: 'USD',
      tipoCambio: '12.5014',
      condicionesDePago: '10% DE INTERÉS SI NO SE PAGA ANTES DEL 05-AGOSTO-2010',
      receptor: { rfc: 'AAA010101AAA', nombre: 'PATITO, S.A. DE C.V.', domicilioFiscalReceptor: '06860' },
      impuestos: {
        totalImpuestosTrasladados: '9999.009',
        traslados: [
          { impuesto: '002', importe: '9.09' },
          { impuesto: '002', importe: '999999.09' },
        ],
        retenciones: [
          { impuesto: '002', importe: '58.58' },
          { impuesto: '002', importe: '58.58' },
        ],
      },
    });
    const conceptos = (draft as { conceptos: Array<Record<string, unknown>> }).conceptos;
    expect(conceptos).toHaveLength(4);
    expect(conceptos[1]).toMatchObject({
      noIdentificacion: '405011',
      cantidad: '1',
      descripcion: 'DISFRAZ DE CORRECAMINOS',
      valorUnitario: '2368231872779.000009',
      importe: '884346835174.000009',
      unidad: 'PZA',
    });
    // 08 records link to their concept by noIdentificacion, not by position.
    expect(conceptos[0]?.informacionAduanera).toEqual([{ numeroPedimento: '548984124578124' }]);
    expect(conceptos[1]?.informacionAduanera).toEqual([{ numeroPedimento: '654651456987452' }]);
    expect(conceptos[2]?.informacionAduanera).toBeUndefined();
  });

  it('reports the seed concept whose importe is not cantidad × valor unitario at line 6, field importe (CFDI40167)', () => {
    const issues = validateLayoutText(legacy, SEED_002_ARCHIVO_FUENTE);
    const cfdi40167 = issues.filter((i) => i.code === 'CFDI40167');
    expect(cfdi40167).toHaveLength(1);
    const [issue] = cfdi40167;
    expect(issue?.location).toEqual({ line: 6, record: '05', field: 'importe', column: 65 });
    expect(issue?.path).toEqual(['conceptos', 1, 'importe']);
    expect(issue?.message).toMatch(/^line 6, record 05 \(concepto\), field importe, column 65: /);
    expect(issue?.message).toContain('884346835174.000009');
    expect(issue?.message).toContain('2368231872779.000009');
    // Column 65 is where the importe starts on line 6.
    const line6 = SEED_002_ARCHIVO_FUENTE.split('\n')[5] ?? '';
    expect(line6.slice(64).startsWith('884346835174.000009|')).toBe(true);
  });

  it('checks the trailer line count', () => {
    const broken = SEED_002_ARCHIVO_FUENTE.replace('99|15||', '99|14||');
    const issues = parseRecords(legacy, broken).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'LAYOUT_COMPUTED_MISMATCH',
      location: { line: 15, record: '99', field: 'lineas', column: 4 },
    });
  });
});
