import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ACuentaTercerosSchema,
  CfdiRelacionadoSchema,
  CfdiRelacionadosSchema,
  ComprobanteImpuestosSchema,
  ComprobanteRetencionSchema,
  ComprobanteSchema,
  ComprobanteTrasladoSchema,
  ConceptoImpuestosSchema,
  ConceptoSchema,
  CuentaPredialSchema,
  EmisorSchema,
  ImpuestosLocalesSchema,
  InformacionAduaneraSchema,
  InformacionGlobalSchema,
  ParteSchema,
  ReceptorSchema,
  RetencionLocalSchema,
  RetencionSchema,
  TrasladoLocalSchema,
  TrasladoSchema,
} from '../../src/model/comprobante.js';
import { COMPROBANTE, IMPUESTOS_LOCALES, type NodeDef } from '../../src/xml/node-order.js';
import { KIT, kitAvailable } from '../helpers/kit.js';

/** Every table node with its path from the root, depth first. */
function tableNodes(root: NodeDef, path = `/${root.name}`): Array<{ path: string; def: NodeDef }> {
  const out = [{ path, def: root }];
  for (const child of root.children) {
    if (child.kind === 'one' || child.kind === 'many')
      out.push(...tableNodes(child.node, `${path}/${child.node.name}`));
    else if (child.kind === 'list')
      out.push(...tableNodes(child.node, `${path}/${child.container}/${child.node.name}`));
  }
  return out;
}

/** Element names, in XSD sequence order, of a table node (containers by their own name). */
function tableChildren(def: NodeDef): string[] {
  return def.children.map((c) => (c.kind === 'one' || c.kind === 'many' ? c.node.name : c.container));
}

type XsdNode = Record<string, unknown>;

/** Every named xs:element of an XSD with its direct attributes and child elements, in document order. */
function xsdElements(file: string): Map<string, { attributes: string[]; children: string[] }> {
  const tree = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '' }).parse(
    readFileSync(file, 'utf8'),
  ) as XsdNode[];
  const out = new Map<string, { attributes: string[]; children: string[] }>();
  const tag = (n: XsdNode) => Object.keys(n).find((k) => k !== ':@') as string;
  const kids = (n: XsdNode): XsdNode[] => {
    const value = n[tag(n)];
    return Array.isArray(value) ? (value as XsdNode[]) : [];
  };
  const attrs = (n: XsdNode) => (n[':@'] ?? {}) as Record<string, string>;
  const visit = (n: XsdNode, path: string): void => {
    if (tag(n) === 'xs:element' && attrs(n).name !== undefined) {
      const here = `${path}/${attrs(n).name}`;
      const type = kids(n).find((k) => tag(k) === 'xs:complexType');
      const attributes: string[] = [];
      const children: string[] = [];
      for (const part of type === undefined ? [] : kids(type)) {
        if (tag(part) === 'xs:attribute') attributes.push(attrs(part).name as string);
        if (tag(part) === 'xs:sequence') {
          for (const e of kids(part)) if (tag(e) === 'xs:element') children.push(attrs(e).name as string);
        }
      }
      out.set(here, { attributes, children });
      for (const k of kids(n)) visit(k, here);
      return;
    }
    for (const k of kids(n)) visit(k, path);
  };
  for (const n of tree) visit(n, '');
  return out;
}

describe.skipIf(!kitAvailable)('node-order tables follow the XSD', () => {
  const sat = join(KIT, 'sat/www.sat.gob.mx/sitio_internet/cfd');

  it.each([
    ['cfdv40.xsd', COMPROBANTE, '4/cfdv40.xsd'],
    ['implocal.xsd', IMPUESTOS_LOCALES, 'implocal/implocal.xsd'],
  ] as const)('%s: attribute order and child order of every node', (_name, root, file) => {
    const xsd = xsdElements(join(sat, file));
    for (const { path, def } of tableNodes(root)) {
      const expected = xsd.get(path);
      expect(expected, path).toBeDefined();
      expect(
        def.attributes.map((a) => a.xml),
        `${path} attributes`,
      ).toEqual(expected?.attributes);
      expect(tableChildren(def), `${path} children`).toEqual(expected?.children);
    }
  });
});

describe('node-order tables match the zod model', () => {
  const pairs: Array<[string, z.ZodObject, string[]]> = [
    ['Comprobante', ComprobanteSchema, ['schemaLocation']],
    ['InformacionGlobal', InformacionGlobalSchema, []],
    ['CfdiRelacionados', CfdiRelacionadosSchema, []],
    ['CfdiRelacionado', CfdiRelacionadoSchema, []],
    ['Emisor', EmisorSchema, []],
    ['Receptor', ReceptorSchema, []],
    ['Concepto', ConceptoSchema, []],
    ['Concepto/Impuestos', ConceptoImpuestosSchema, []],
    ['Concepto/Traslado', TrasladoSchema, []],
    ['Concepto/Retencion', RetencionSchema, []],
    ['ACuentaTerceros', ACuentaTercerosSchema, []],
    ['InformacionAduanera', InformacionAduaneraSchema, []],
    ['CuentaPredial', CuentaPredialSchema, []],
    ['Parte', ParteSchema, []],
    ['Comprobante/Impuestos', ComprobanteImpuestosSchema, []],
    ['Comprobante/Retencion', ComprobanteRetencionSchema, []],
    ['Comprobante/Traslado', ComprobanteTrasladoSchema, []],
    ['ImpuestosLocales', ImpuestosLocalesSchema, []],
    ['RetencionesLocales', RetencionLocalSchema, []],
    ['TrasladosLocales', TrasladoLocalSchema, []],
  ];
  const byKey = new Map<string, NodeDef>();
  for (const { path, def } of [...tableNodes(COMPROBANTE), ...tableNodes(IMPUESTOS_LOCALES)]) {
    const parts = path.split('/');
    const last = parts.at(-1) as string;
    // Impuestos, Traslado and Retencion exist at two levels: key them by their level.
    const key = ['Impuestos', 'Traslado', 'Retencion'].includes(last)
      ? `${parts.includes('Concepto') ? 'Concepto' : 'Comprobante'}/${last}`
      : last;
    byKey.set(key, def);
  }

  it.each(pairs)('%s: same fields as the schema', (key, schema, extra) => {
    const def = byKey.get(key);
    expect(def, key).toBeDefined();
    const fields = [
      ...(def?.attributes.map((a) => a.field) ?? []),
      ...(def?.children.map((c) => c.field) ?? []),
    ];
    expect(new Set([...fields, ...extra])).toEqual(new Set(Object.keys(schema.shape)));
  });

  it('field names follow the naming rule (first letter lowered)', () => {
    for (const { def } of [...tableNodes(COMPROBANTE), ...tableNodes(IMPUESTOS_LOCALES)]) {
      for (const a of def.attributes) expect(a.field).toBe(a.xml.charAt(0).toLowerCase() + a.xml.slice(1));
    }
    expect(COMPROBANTE.childByXml.get('CfdiRelacionados')?.field).toBe('cfdiRelacionados');
    expect(
      tableNodes(COMPROBANTE).find((n) => n.path.endsWith('/CfdiRelacionado'))?.def.attributes[0]?.field,
    ).toBe('uUID');
    expect(COMPROBANTE.childByXml.get('InformacionGlobal')).toMatchObject({ kind: 'one' });
  });
});
