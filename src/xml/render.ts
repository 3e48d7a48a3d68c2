import { create } from 'xmlbuilder2';
import { CfdiLayoutError } from '../errors.js';
import type { Comprobante } from '../model/comprobante.js';
import type { XmlElement } from '../model/xml-element.js';
import {
  CFDI_NAMESPACE,
  CFDI_PREFIX,
  CFDI_SCHEMA_LOCATION,
  schemaLocationNamespace,
  schemaLocationPairs,
  XSI_NAMESPACE,
  XSI_PREFIX,
} from './namespaces.js';
import { COMPROBANTE, type NodeDef, TYPED_COMPLEMENTS, type TypedComplement } from './node-order.js';
import { indentation, serializeXml } from './serialize.js';
import type { WrittenNode } from './tree.js';
import {
  attributeForBuilder,
  codePointLabel,
  illegalCharOffset,
  isXmlString,
  textForBuilder,
} from './xml-chars.js';

/** Options of {@link renderComprobante}. */
export interface RenderComprobanteOptions {
  /** Indent with two spaces and one element per line. Defaults to `false` (no whitespace between elements). */
  readonly pretty?: boolean;
}

/** Prefix ('' for the default namespace) → namespace URI in scope while writing carried elements. */
type Scope = ReadonlyMap<string, string>;

/** A render failure on its way up; each level adds its model path segment. */
class RenderFault extends Error {
  readonly path: Array<string | number> = [];
}

/**
 * An XML 1.0 QName, loosely: enough to keep a model value from being written as markup; the
 * serializer writes names as they are.
 */
const QNAME = /^[\p{L}_][\p{L}\p{N}\p{M}_.\-·]*(?::[\p{L}_][\p{L}\p{N}\p{M}_.\-·]*)?$/u;

/*
 * How the document is built: the model becomes a WrittenNode tree (names resolved, values as the
 * reader reads them back, namespace declarations where the renderer decides them), which
 * serialize.ts writes as text. The cadena original of a document being sealed is computed from the
 * same tree. Every value is checked here, where the model path is known.
 */

/** A WrittenNode under construction. */
interface Building {
  name: string;
  local: string;
  namespace: string;
  attributes: Record<string, string>;
  attributeNamespaces: Map<string, string> | undefined;
  children: Array<Building | string>;
  declarations: Array<readonly [string, string]> | undefined;
  writtenNames: Map<string, string> | undefined;
}

function newElement(name: string, local: string, namespace: string): Building {
  return {
    name,
    local,
    namespace,
    // No prototype: a carried attribute may be called `toString` or `constructor`.
    attributes: Object.create(null) as Record<string, string>,
    attributeNamespaces: undefined,
    children: [],
    declarations: undefined,
    writtenNames: undefined,
  };
}

function checked(name: string, value: unknown, field: string | number | undefined): string {
  if (typeof value !== 'string') {
    throw fault(field, `expected a string for ${name}, got ${value === null ? 'null' : typeof value}`);
  }
  if (!isXmlString(value)) {
    throw fault(
      field,
      `${name} holds ${codePointLabel(value, illegalCharOffset(value))}, which XML 1.0 cannot carry`,
    );
  }
  return value;
}

function fault(segment: string | number | undefined, message: string): RenderFault {
  const error = new RenderFault(message);
  if (segment !== undefined) error.path.push(segment);
  return error;
}

/** Adds a model path segment to a failure passing through a level of the tree. */
function at(err: unknown, segment: string | number): unknown {
  if (err instanceof RenderFault) err.path.unshift(segment);
  return err;
}

/** What every level needs: the root's namespace declarations. */
interface Context {
  readonly root: Scope;
}

/** Builds a node of the CFDI tree and its children, in the order of its table. */
function buildNode(def: NodeDef, value: unknown, ctx: Context): Building {
  if (typeof value !== 'object' || value === null)
    throw fault(undefined, `expected an object for ${def.name}`);
  const element = newElement(def.qualifiedName, def.name, def.namespace);
  buildAttributes(element, def, value as Record<string, unknown>);
  buildChildren(element, def, value as Record<string, unknown>, ctx);
  return element;
}

function buildAttributes(element: Building, def: NodeDef, value: Record<string, unknown>): void {
  for (const a of def.attributes) {
    const v = value[a.field];
    if (v !== undefined) element.attributes[a.xml] = checked(a.xml, v, a.field);
  }
}

/** Adds the child elements of a table node. */
function buildChildren(element: Building, def: NodeDef, value: Record<string, unknown>, ctx: Context): void {
  for (const child of def.children) {
    const v = value[child.field];
    if (v === undefined) continue;
    try {
      if (child.kind === 'one') {
        element.children.push(buildNode(child.node, v, ctx));
      } else if (child.kind === 'many') {
        const items = asArray(v);
        for (let i = 0; i < items.length; i++) {
          try {
            element.children.push(buildNode(child.node, items[i], ctx));
          } catch (err) {
            throw at(err, i);
          }
        }
      } else {
        const items = asArray(v);
        // A container is in its parent's namespace (cfdi:Conceptos, pago20:TrasladosDR).
        const container = newElement(`${def.prefix}:${child.container}`, child.container, def.namespace);
        element.children.push(container);
        for (let i = 0; i < items.length; i++) {
          try {
            if (child.kind === 'list') container.children.push(buildNode(child.node, items[i], ctx));
            else if (child.kind === 'xml')
              container.children.push(buildXml(items[i] as XmlElement, ctx.root));
            else container.children.push(buildComplementoItem(items[i], ctx));
          } catch (err) {
            throw at(err, i);
          }
        }
      }
    } catch (err) {
      throw at(err, child.field);
    }
  }
}

function buildComplementoItem(item: unknown, ctx: Context): Building {
  const entry = (item ?? {}) as Record<string, unknown> & { xml?: XmlElement };
  for (const typed of TYPED_COMPLEMENTS) {
    const value = entry[typed.field];
    if (value === undefined) continue;
    try {
      return buildNode(typed.node, value, ctx);
    } catch (err) {
      throw at(err, typed.field);
    }
  }
  if (entry.xml !== undefined) {
    try {
      return buildXml(entry.xml, ctx.root);
    } catch (err) {
      throw at(err, 'xml');
    }
  }
  throw fault(
    undefined,
    `a complemento item holds none of ${[...TYPED_COMPLEMENTS.map((t) => t.field), 'xml'].join(', ')}`,
  );
}

function asArray(value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw fault(undefined, `expected an array, got ${typeof value}`);
  return value;
}

function prefixOf(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');
  return colon < 0 ? '' : qualifiedName.slice(0, colon);
}

/** Builds a carried element verbatim, declaring its namespace where the scope does not already bind it. */
function buildXml(el: XmlElement, inherited: Scope): Building {
  if (typeof el !== 'object' || el === null || typeof el.name !== 'string' || !QNAME.test(el.name)) {
    throw fault('name', `${JSON.stringify((el as XmlElement | null)?.name)} is not an XML element name`);
  }
  const prefix = prefixOf(el.name);
  if (prefix === 'xml' || prefix === 'xmlns') throw fault('name', `${el.name} uses a reserved prefix`);
  let scope = inherited;
  const bound = scope.get(prefix) ?? '';
  // A prefixed name without a namespace means "whatever the prefix is bound to"; an unprefixed one
  // without a namespace is in no namespace, which may need `xmlns=""` under a default namespace.
  const namespace = el.namespace ?? (prefix === '' ? '' : bound);
  if (prefix !== '' && namespace === '') {
    throw fault(
      'namespace',
      `prefix ${JSON.stringify(prefix)} of ${el.name} is not bound: give the element its namespace`,
    );
  }
  const local = prefix === '' ? el.name : el.name.slice(prefix.length + 1);
  const element = newElement(el.name, local, namespace);
  if (namespace !== bound) {
    if (!isXmlString(namespace))
      throw fault('namespace', 'the namespace holds a character XML 1.0 cannot carry');
    element.declarations = [[prefix, namespace]];
    scope = new Map(scope).set(prefix, namespace);
  }
  if (el.attributes !== undefined) {
    for (const name in el.attributes) {
      try {
        buildCarriedAttribute(element, name, el.attributes[name], scope);
      } catch (err) {
        throw at(at(err, name), 'attributes');
      }
    }
  }
  const children = el.children;
  if (children === undefined) return element;
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    try {
      if (typeof child === 'string') {
        if (!isXmlString(child)) {
          throw fault(
            undefined,
            `text holds ${codePointLabel(child, illegalCharOffset(child))}, which XML 1.0 cannot carry`,
          );
        }
        element.children.push(child);
      } else {
        element.children.push(buildXml(child as XmlElement, scope));
      }
    } catch (err) {
      throw at(at(err, i), 'children');
    }
  }
  return element;
}

function buildCarriedAttribute(element: Building, name: string, value: unknown, scope: Scope): void {
  if (!QNAME.test(name)) throw fault(undefined, `${JSON.stringify(name)} is not an XML attribute name`);
  const attributePrefix = prefixOf(name);
  if (name === 'xmlns' || attributePrefix === 'xmlns') {
    throw fault(
      undefined,
      'namespace declarations are not attributes: the renderer declares namespaces itself',
    );
  }
  let key = name;
  if (attributePrefix !== '' && attributePrefix !== 'xml') {
    const uri = scope.get(attributePrefix);
    if (uri === undefined)
      throw fault(undefined, `prefix ${JSON.stringify(attributePrefix)} of attribute ${name} is not bound`);
    // The reader names every XSI attribute xsi:, whatever the prefix (readXmlTree).
    if (uri === XSI_NAMESPACE) {
      key = `${XSI_PREFIX}:${name.slice(attributePrefix.length + 1)}`;
      if (key !== name) {
        element.writtenNames ??= new Map();
        element.writtenNames.set(key, name);
      }
    } else {
      element.attributeNamespaces ??= new Map();
      element.attributeNamespaces.set(name, uri);
    }
  }
  if (key in element.attributes)
    throw fault(undefined, `attribute ${name} names an attribute already written`);
  element.attributes[key] = checked(name, value, undefined);
}

function forEachXml(c: Comprobante, visit: (el: XmlElement) => void): void {
  const walk = (el: XmlElement): void => {
    if (typeof el !== 'object' || el === null) return;
    visit(el);
    if (Array.isArray(el.children))
      for (const child of el.children) if (typeof child !== 'string') walk(child);
  };
  for (const concepto of c.conceptos) concepto.complementoConcepto?.forEach(walk);
  if (c.complemento !== undefined) for (const item of c.complemento) if ('xml' in item) walk(item.xml);
  c.addenda?.forEach(walk);
}

/**
 * Namespace declarations of the root: cfdi, xsi, each typed complement present, then every prefix used by a
 * carried element, first use wins (a later element using the same prefix for another namespace
 * declares it on itself). Default namespaces are declared where they are used.
 */
/** The typed complements a comprobante holds, in table order. */
export function typedComplementsOf(c: Pick<Comprobante, 'complemento'>): TypedComplement[] {
  const items = c.complemento;
  if (items === undefined) return [];
  return TYPED_COMPLEMENTS.filter((t) => items.some((item) => t.field in item));
}

function rootDeclarations(c: Comprobante, typed: readonly TypedComplement[]): Map<string, string> {
  const scope = new Map<string, string>([
    [CFDI_PREFIX, CFDI_NAMESPACE],
    [XSI_PREFIX, XSI_NAMESPACE],
  ]);
  for (const t of typed) scope.set(t.node.prefix, t.node.namespace);
  forEachXml(c, (el) => {
    const prefix = typeof el.name === 'string' ? prefixOf(el.name) : '';
    if (prefix !== '' && prefix !== 'xml' && prefix !== 'xmlns' && el.namespace && !scope.has(prefix)) {
      scope.set(prefix, el.namespace);
    }
  });
  return scope;
}

function schemaLocation(c: Comprobante, typed: readonly TypedComplement[]): string {
  const pairs = [CFDI_SCHEMA_LOCATION];
  for (const t of typed) pairs.push(t.schemaLocation);
  if (c.schemaLocation !== undefined) {
    const seen = new Set(pairs.map(schemaLocationNamespace));
    for (const pair of c.schemaLocation.flatMap(schemaLocationPairs)) {
      const namespace = schemaLocationNamespace(pair);
      if (!seen.has(namespace)) {
        seen.add(namespace);
        pairs.push(pair);
      }
    }
  }
  return pairs.join(' ');
}

/** Wraps a failure of the tree walk as the coded error callers see. */
function renderError(err: unknown): CfdiLayoutError {
  if (err instanceof RenderFault) {
    return new CfdiLayoutError(
      'XML_RENDER_FAILED',
      `${err.path.join('.') || 'comprobante'}: ${err.message}`,
      {
        cause: err,
        location: { path: err.path },
      },
    );
  }
  return new CfdiLayoutError(
    'XML_RENDER_FAILED',
    `cannot render the comprobante: ${(err as Error).message}`,
    {
      cause: err,
    },
  );
}

/**
 * The element tree of a comprobante as {@link renderComprobante} writes it: nodes and attributes in
 * cfdv40.xsd order, values as the model holds them, namespaces resolved (the tree `readXmlTree`
 * reads back from the rendered text). The cadena original can be computed from it directly.
 *
 * @throws `XML_RENDER_FAILED`, as {@link renderComprobante}.
 */
export function comprobanteTree(c: Comprobante): WrittenNode {
  try {
    const typed = typedComplementsOf(c);
    const root = rootDeclarations(c, typed);
    const element = newElement(COMPROBANTE.qualifiedName, COMPROBANTE.name, COMPROBANTE.namespace);
    const declarations: Array<readonly [string, string]> = [];
    for (const [prefix, namespace] of root) {
      if (!isXmlString(namespace))
        throw fault(undefined, `the namespace of prefix ${prefix} holds a character XML 1.0 cannot carry`);
      declarations.push([prefix, namespace]);
    }
    element.declarations = declarations;
    element.attributes[`${XSI_PREFIX}:schemaLocation`] = checked(
      'schemaLocation',
      schemaLocation(c, typed),
      'schemaLocation',
    );
    const value = c as unknown as Record<string, unknown>;
    buildAttributes(element, COMPROBANTE, value);
    buildChildren(element, COMPROBANTE, value, { root });
    return element as WrittenNode;
  } catch (err) {
    throw renderError(err);
  }
}

/**
 * Renders a comprobante as an unsigned pre-CFDI 4.0 XML document, nodes and attributes in
 * cfdv40.xsd order and every value (amounts included) exactly as the model holds it.
 *
 * Sello, NoCertificado and Certificado are written only when the model has them. Carried
 * complements and addenda are written verbatim, their namespaces declared on the root.
 *
 * The text is written by the project's serializer (serialize.ts), byte for byte what
 * {@link comprobanteDocument}'s xmlbuilder2 document writes, about three times faster.
 *
 * @throws `XML_RENDER_FAILED`, with the model path in `location.path`, for a value XML 1.0 cannot
 * carry or a carried element that is not well-formed.
 */
export function renderComprobante(c: Comprobante, options: RenderComprobanteOptions = {}): string {
  return serializeXml(comprobanteTree(c), options);
}

type Builder = ReturnType<typeof create>;

/** The part of xmlbuilder2's DOM element the document is written through. */
interface DomElement {
  setAttribute(qualifiedName: string, value: string): void;
}

/*
 * The xmlbuilder2 document is built namespace-unaware, declarations written as ordinary
 * attributes, so that its serializer neither moves nor invents declarations: the prefixes and
 * declarations in its output are exactly the tree's. Pretty output is made with whitespace text
 * between elements, as serialize.ts does, rather than with xmlbuilder2's prettyPrint, which would
 * also indent mixed content and so change a carried element's text.
 */
function addElement(parent: Builder, node: WrittenNode, depth: number, pretty: boolean): void {
  // An explicit null namespace keeps xmlbuilder2 from looking the prefix up through the ancestors.
  const builder = parent.ele(null, node.name);
  const element = builder.node as unknown as DomElement;
  for (const [prefix, uri] of node.declarations ?? [])
    element.setAttribute(prefix === '' ? 'xmlns' : `xmlns:${prefix}`, attributeForBuilder(uri) as string);
  for (const key in node.attributes) {
    const value = attributeForBuilder(node.attributes[key] as string) as string;
    element.setAttribute(node.writtenNames?.get(key) ?? key, value);
  }
  const indent = pretty && !node.children.some((c) => typeof c === 'string' && c.length > 0);
  for (const child of node.children) {
    if (typeof child !== 'string') {
      if (indent) builder.txt(indentation(depth + 1));
      addElement(builder, child, depth + 1, indent);
    } else if (child.length > 0) builder.txt(textForBuilder(child) as string);
  }
  if (indent && node.children.length > 0) builder.txt(indentation(depth));
}

/**
 * The comprobante as an xmlbuilder2 document, for callers who go on building with xmlbuilder2
 * (an addenda a receiver asks for, a wrapper envelope). Its `end({ prettyPrint: false })` is byte
 * for byte {@link renderComprobante}'s text; with `pretty`, the pretty text less the newline after
 * the declaration.
 *
 * @throws `XML_RENDER_FAILED`, as {@link renderComprobante}.
 */
export function comprobanteDocument(c: Comprobante, options: RenderComprobanteOptions = {}): Builder {
  const tree = comprobanteTree(c);
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  try {
    addElement(doc, tree, 0, options.pretty === true);
    return doc;
  } catch (err) {
    throw renderError(err);
  }
}
