import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cachedConcepto } from '../../src/batch/index.js';
import { type ConceptoFromImporteInput, conceptoFromImporte } from '../../src/taxes/concepto.js';

// Small pools, so that inputs repeat and differ in a single field: a cache that confuses two
// inputs (or ignores one of them) returns the other input's concept.
const input: fc.Arbitrary<ConceptoFromImporteInput> = fc.record({
  importe: fc.constantFrom('100.00', '116.00', '1785.00', '0.01'),
  iva: fc.constantFrom('16', '8', '0', 'exento'),
  ieps: fc.constantFrom('0', '8'),
  ish: fc.constantFrom('0', '3'),
  moneda: fc.constantFrom('MXN', 'USD'),
  ishDecimals: fc.constantFrom(undefined, 2),
  cantidad: fc.constantFrom('1', '2', '3.5'),
  claveProdServ: fc.constantFrom('90101501', '01010101'),
  claveUnidad: fc.constantFrom('E48', 'H87'),
  descripcion: fc.constantFrom('Platillo', 'Hospedaje'),
  noIdentificacion: fc.constantFrom(undefined, '', 'SKU-1'),
  unidad: fc.constantFrom(undefined, '', 'Pieza'),
  objetoImp: fc.constantFrom('02', '01'),
});

describe('cachedConcepto', () => {
  it('always gives the concept conceptoFromImporte computes for the same input', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 40 }), (inputs) => {
        for (const i of inputs) expect(cachedConcepto(i)).toEqual(conceptoFromImporte(i));
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart an absent text from an empty one', () => {
    const base: ConceptoFromImporteInput = {
      importe: '58.00',
      iva: '16',
      claveProdServ: '90101501',
      claveUnidad: 'E48',
      descripcion: 'Café',
      noIdentificacion: 'A',
    };
    expect(cachedConcepto(base).concepto.noIdentificacion).toBe('A');
    const none = { ...base, noIdentificacion: undefined };
    expect(cachedConcepto(none).concepto).toEqual(conceptoFromImporte(none).concepto);
    expect(cachedConcepto(none).concepto.noIdentificacion).toBeUndefined();
  });
});
