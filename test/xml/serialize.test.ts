import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Comprobante } from '../../src/model/comprobante.js';
import type { XmlElement } from '../../src/model/xml-element.js';
import { cadenaOriginal } from '../../src/sealing/cadena.js';
import { parseComprobante, readXmlTree, type XmlNode } from '../../src/xml/parse.js';
import { comprobanteDocument, comprobanteTree, renderComprobante } from '../../src/xml/render.js';
import { XML_DECLARATION } from '../../src/xml/serialize.js';
import { illegalCharOffset } from '../../src/xml/xml-chars.js';
import { complete, invoiceArb, invoiceInput } from '../cli/invoices.js';
import { corpusFiles, kitAvailable } from '../helpers/kit.js';

/*
 * The string serializer (serialize.ts, the default) against xmlbuilder2's serializer writing the
 * same tree, byte for byte, plain and pretty; and the tree the renderer builds against the tree
 * readXmlTree reads back from the text it wrote, so that a cadena computed before writing is the
 * cadena of what is written.
 */

/** xmlbuilder2's text of the same document, in the form renderComprobante gives. */
function viaXmlbuilder2(c: Comprobante, pretty: boolean): string {
  const text = comprobanteDocument(c, { pretty }).end({ prettyPrint: false });
  if (!pretty) return text;
  expect(text.startsWith(XML_DECLARATION)).toBe(true);
  return `${XML_DECLARATION}\n${text.slice(XML_DECLARATION.length)}`;
}

interface Shape {
  name: string;
  local: string;
  namespace: string;
  attributes: Array<[string, string]>;
  attributeNamespaces: Array<[string, string]>;
  children: Array<Shape | string>;
}

/** What a reader can tell of a tree: adjacent texts merged, empty ones gone, attribute order kept. */
function shape(node: XmlNode): Shape {
  const children: Array<Shape | string> = [];
  for (const child of node.children) {
    if (typeof child !== 'string') children.push(shape(child));
    else if (child.length > 0) {
      const last = children.length - 1;
      if (typeof children[last] === 'string') children[last] += child;
      else children.push(child);
    }
  }
  return {
    name: node.name,
    local: node.local,
    namespace: node.namespace,
    attributes: Object.entries(node.attributes),
    attributeNamespaces: [...(node.attributeNamespaces ?? [])],
    children,
  };
}

function checkDocument(c: Comprobante, label: string): void {
  for (const pretty of [false, true]) {
    expect(renderComprobante(c, { pretty }), `${label} pretty=${pretty}`).toBe(viaXmlbuilder2(c, pretty));
  }
  const text = renderComprobante(c);
  const tree = comprobanteTree(c);
  expect(shape(tree), label).toEqual(shape(readXmlTree(text)));
}

describe.skipIf(!kitAvailable)('string serializer on the corpus', () => {
  it('writes every CFDI 4.0 corpus document as xmlbuilder2 does, and its tree reads back the same', () => {
    const files = corpusFiles('cfdi40');
    expect(files.length).toBe(77);
    for (const file of files) {
      const c = parseComprobante(readFileSync(file));
      checkDocument(c, basename(file));
      expect(cadenaOriginal(comprobanteTree(c)), basename(file)).toBe(cadenaOriginal(renderComprobante(c)));
    }
  });
});

/** Strings XML can carry, rich in what escaping is about (any code point alone would rarely be `<`). */
const xmlString = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '&',
        '<',
        '>',
        '"',
        "'",
        '\t',
        '\n',
        '\r',
        '\r\n',
        ' ',
        ']]>',
        '&amp;',
        '&#9;',
        'ñ',
        '🧾',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((s) => illegalCharOffset(s) < 0),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** Carried elements: prefixes rebound to other namespaces, default namespaces and xmlns="", mixed content. */
const carriedArb: fc.Arbitrary<XmlElement> = fc.letrec<{ element: XmlElement }>((tie) => ({
  element: fc
    .record({
      name: fc.constantFrom('Nota', 'x:Dato', 'y:Otro', 'x:Otro', 'Linea'),
      namespace: fc.constantFrom(undefined, 'urn:a', 'urn:b', ''),
      attributes: fc.dictionary(fc.constantFrom('Texto', 'A', 'b', 'xml:lang', 'constructor'), xmlString, {
        maxKeys: 3,
      }),
      children: fc.array(
        fc.oneof({ weight: 1, arbitrary: xmlString }, { weight: 2, arbitrary: tie('element') }),
        {
          maxLength: 3,
        },
      ),
    })
    .map(({ name, namespace, attributes, children }) => {
      // A prefixed element needs its namespace; an unprefixed one may have none.
      const ns = name.includes(':') && (namespace === undefined || namespace === '') ? 'urn:p' : namespace;
      return {
        name,
        ...(ns === undefined ? {} : { namespace: ns }),
        ...(Object.keys(attributes).length === 0 ? {} : { attributes }),
        ...(children.length === 0 ? {} : { children }),
      } as XmlElement;
    }),
})).element;

describe('string serializer on random documents', () => {
  it('equals xmlbuilder2 and reads back as its own tree (property)', () => {
    fc.assert(
      fc.property(invoiceArb, fc.array(carriedArb, { maxLength: 3 }), xmlString, (spec, addenda, text) => {
        const c = complete(invoiceInput(spec));
        (c.conceptos[0] as Comprobante['conceptos'][number]).descripcion = `${text}·`;
        c.emisor.nombre = text;
        const doc: Comprobante = addenda.length === 0 ? c : { ...c, addenda };
        checkDocument(doc, JSON.stringify(addenda));
        expect(cadenaOriginal(comprobanteTree(doc))).toBe(cadenaOriginal(renderComprobante(doc)));
      }),
      { numRuns: 300 },
    );
  });

  it('writes an element whose only children are empty strings as xmlbuilder2 does', () => {
    const c = complete(invoiceInput(fc.sample(invoiceArb, { numRuns: 1, seed: 7 })[0] as never));
    checkDocument(
      {
        ...c,
        addenda: [
          { name: 'Vacio', children: ['', ''] },
          { name: 'Nada', children: [] },
        ],
      },
      'empty',
    );
  });

  it('keeps a non-xsi prefix bound to the XSI namespace as written, read back as xsi:', () => {
    const c = complete(invoiceInput(fc.sample(invoiceArb, { numRuns: 1, seed: 8 })[0] as never));
    const doc: Comprobante = {
      ...c,
      addenda: [
        {
          name: 'i:Envoltura',
          namespace: 'http://www.w3.org/2001/XMLSchema-instance',
          children: [{ name: 'Dato', attributes: { 'i:nil': 'true', 'xml:lang': 'es' } }],
        },
      ],
    };
    checkDocument(doc, 'xsi rebound');
    const text = renderComprobante(doc);
    expect(text).toContain('<Dato i:nil="true" xml:lang="es"/>');
    const addenda = comprobanteTree(doc).children.at(-1) as XmlNode;
    expect(Object.keys(((addenda.children[0] as XmlNode).children[0] as XmlNode).attributes)).toEqual([
      'xsi:nil',
      'xml:lang',
    ]);
  });
});
