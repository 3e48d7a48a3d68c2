import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inSchemaOrder } from '../../src/model/order.js';
import { parseComprobante } from '../../src/xml/parse.js';

const SAMPLE = resolve(import.meta.dirname, '../../samples/xml/hotel-ish.xml');

function shuffled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffled);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, shuffled(v)]),
    );
  }
  return value;
}

describe('inSchemaOrder', () => {
  const c = parseComprobante(readFileSync(SAMPLE, 'utf8'));
  const reordered = inSchemaOrder(shuffled(c) as typeof c);

  it('keeps every value', () => {
    expect(reordered).toEqual(c);
  });

  it('puts the comprobante attributes in cfdv40.xsd order, then its nodes', () => {
    // cfdv40.xsd: Version, Serie, Folio, Fecha, …, SubTotal, …, Moneda, …, Total, TipoDeComprobante, …
    const keys = Object.keys(reordered);
    const at = (k: string) => keys.indexOf(k);
    expect(keys[0]).toBe('version');
    expect(at('fecha')).toBeLessThan(at('subTotal'));
    expect(at('subTotal')).toBeLessThan(at('moneda'));
    expect(at('moneda')).toBeLessThan(at('total'));
    expect(at('total')).toBeLessThan(at('tipoDeComprobante'));
    expect(at('lugarExpedicion')).toBeLessThan(at('emisor'));
    expect(at('emisor')).toBeLessThan(at('receptor'));
    expect(at('receptor')).toBeLessThan(at('conceptos'));
    expect(at('conceptos')).toBeLessThan(at('impuestos'));
    expect(at('impuestos')).toBeLessThan(at('complemento'));
  });

  it('orders nested nodes too (concept traslados: Base, Impuesto, TipoFactor, TasaOCuota, Importe)', () => {
    const traslado = reordered.conceptos[0]?.impuestos?.traslados?.[0];
    expect(Object.keys(traslado ?? {})).toEqual(['base', 'impuesto', 'tipoFactor', 'tasaOCuota', 'importe']);
    const local = reordered.complemento?.[0];
    expect(local !== undefined && 'impuestosLocales' in local && Object.keys(local.impuestosLocales)).toEqual(
      ['version', 'totaldeRetenciones', 'totaldeTraslados', 'trasladosLocales'],
    );
  });
});
