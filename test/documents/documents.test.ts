import { describe, expect, it } from 'vitest';
import { detectFormat, readDocument, validateDocument } from '../../src/documents/index.js';

describe('detectFormat', () => {
  it('guesses from the first significant character, whatever the name', () => {
    expect(detectFormat('  <x/>', 'a.json')).toBe('xml');
    expect(detectFormat(new TextEncoder().encode('\ufeff\n{}'), 'a.xml')).toBe('json');
    expect(detectFormat('01|a|', 'a.xml')).toBe('layout');
    expect(detectFormat(`${' '.repeat(100)}<x/>`)).toBe('xml');
    // UTF-16 text shows its `<` past the byte-order mark and the NUL bytes.
    expect(detectFormat(Uint8Array.from([0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00]))).toBe('xml');
    expect(detectFormat(Uint8Array.from([0xfe, 0xff, 0x00, 0x3c, 0x00, 0x61]))).toBe('xml');
  });

  it('lets the extension decide for an empty document, else it is a layout', () => {
    for (const empty of ['', ' \r\n\t', new Uint8Array(), Uint8Array.from([0xef, 0xbb, 0xbf, 0x20])]) {
      expect(detectFormat(empty, 'dir/factura.XML')).toBe('xml');
      expect(detectFormat(empty, 'factura.json')).toBe('json');
      expect(detectFormat(empty, 'factura.txt')).toBe('layout');
      expect(detectFormat(empty)).toBe('layout');
    }
  });
});

describe('empty documents', () => {
  it('are refused with a code for the format they are read as, never as a missing layout', () => {
    expect(readDocument('', { name: 'f.xml' }).issues.map((i) => i.code)).toEqual(['XML_MALFORMED']);
    expect(validateDocument(' \n', { from: 'xml' }).issues.map((i) => i.code)).toEqual(['XML_MALFORMED']);
    expect(readDocument('', { name: 'f.json' }).issues.map((i) => i.code)).toEqual(['JSON_INVALID']);
    expect(readDocument('').issues.map((i) => i.code)).toEqual(['LAYOUT_EMPTY']);
    expect(validateDocument(new Uint8Array()).issues.map((i) => i.code)).toEqual(['LAYOUT_EMPTY']);
    // A document that is not empty still needs its definition.
    expect(() => readDocument('01|a|')).toThrow(/layout definition/);
  });
});
