import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { z } from 'zod';
import { CfdiLayoutError, type ErrorLocation } from '../errors.js';
import { type Comprobante, ComprobanteSchema } from '../model/comprobante.js';
import type { XmlElement } from '../model/xml-element.js';
import {
  CFD2_NAMESPACE,
  CFDI_NAMESPACE,
  CFDI3_NAMESPACE,
  schemaLocationNamespace,
  schemaLocationPairs,
  XML_NAMESPACE,
  XMLNS_NAMESPACE,
  XSI_NAMESPACE,
  XSI_PREFIX,
} from './namespaces.js';
import { COMPROBANTE, type NodeDef, TYPED_COMPLEMENTS, type TypedComplement } from './node-order.js';
import type { XmlNode } from './tree.js';
import { codePointLabel, decodeAttribute, decodeText, illegalCharOffset, XmlTextError } from './xml-chars.js';

export type { XmlNode } from './tree.js';

/*
 * Reading is three steps: fast-xml-parser turns the text into an ordered tree (no entity expansion,
 * no number or boolean parsing, nothing trimmed); `resolve` decodes references, applies
 * attribute-value normalisation and resolves every name to its namespace URI; `readNode` maps the
 * CFDI nodes onto the model through the tables in node-order.ts, carrying everything else verbatim.
 * Finally ComprobanteSchema checks the shape, and its issues are reported as XML paths.
 */

/**
 * Marks tag names so that no element name can collide with an object key fast-xml-parser treats
 * specially (`__proto__`, `constructor`, `#text`); idempotent because the parser applies the
 * transform twice to self-closing tags.
 */
const TAG_MARK = '\u0001';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // References are decoded in `resolve`: attribute-value normalisation has to see the raw value
  // (a literal newline becomes a space, `&#10;` stays a newline), and only the five built-in
  // entities and character references exist because a DOCTYPE is refused before parsing.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  commentPropName: false,
  transformTagName: (name: string) => (name.startsWith(TAG_MARK) ? name : TAG_MARK + name),
});

type Node = XmlNode;

/** One thing wrong with the document's CFDI structure. */
interface Problem {
  readonly xmlPath: string;
  readonly modelPath?: ReadonlyArray<string | number>;
  readonly message: string;
}

type Scope = ReadonlyMap<string, string>;

const INITIAL_SCOPE: Scope = new Map([['xml', XML_NAMESPACE]]);

function malformed(message: string, location?: ErrorLocation, cause?: unknown): CfdiLayoutError {
  return new CfdiLayoutError('XML_MALFORMED', `XML is not well-formed: ${message}`, {
    ...(location === undefined ? {} : { location }),
    ...(cause === undefined ? {} : { cause }),
  });
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** A CFDI's encoding refused, with where the reader found out. */
function notUtf8(message: string, line: number): CfdiLayoutError {
  return new CfdiLayoutError('XML_ENCODING_NOT_UTF8', `a CFDI must be UTF-8: ${message}`, {
    location: { line },
  });
}

/** The encoding an XML declaration names (`<?xml version="1.0" encoding="ISO-8859-1"?>`). */
const DECLARED_ENCODING = /^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']/;

/** Refuses a declaration that names any encoding but UTF-8 (the name is case-insensitive). */
function refuseDeclaredEncoding(head: string): void {
  const declared = DECLARED_ENCODING.exec(head)?.[1];
  if (declared !== undefined && declared.toLowerCase() !== 'utf-8')
    throw notUtf8(`the XML declaration says encoding="${declared}"`, 1);
}

/** The UTF-16 or UTF-32 form bytes are in, told by a byte-order mark or by the `<` that must come first. */
function wideForm(bytes: Uint8Array): string | undefined {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff)
    return 'UTF-32BE (byte-order mark 00 00 FE FF)';
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00)
    return 'UTF-32LE (byte-order mark FF FE 00 00)';
  if (b0 === 0xfe && b1 === 0xff) return 'UTF-16BE (byte-order mark FE FF)';
  if (b0 === 0xff && b1 === 0xfe) return 'UTF-16LE (byte-order mark FF FE)';
  if (b0 === 0x3c && b1 === 0x00) return 'UTF-16LE (it starts with 3C 00)';
  if (b0 === 0x00 && b1 === 0x3c) return 'UTF-16BE (it starts with 00 3C)';
  return undefined;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or -1. */
function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const more =
      lead >= 0xc2 && lead <= 0xdf
        ? 1
        : lead >= 0xe0 && lead <= 0xef
          ? 2
          : lead >= 0xf0 && lead <= 0xf4
            ? 3
            : 0;
    if (more === 0 || i + more >= bytes.length) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1] as number;
    if (second < low || second > high) return i;
    for (let k = 2; k <= more; k++) {
      const next = bytes[i + k] as number;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += more + 1;
  }
  return -1;
}

/** Line of a byte offset: one more than the line feeds before it. */
function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}

/** One fatal decoder, reused: decoding once both checks and converts, so valid input pays nothing more. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a CFDI's bytes, which must be UTF-8 (a UTF-8 byte-order mark is allowed and dropped).
 * UTF-16/32, a declaration naming another encoding and bytes that are not UTF-8 are
 * `XML_ENCODING_NOT_UTF8`; the scan that finds the bad byte runs only once decoding has failed.
 */
function decodeBytes(bytes: Uint8Array): string {
  const wide = wideForm(bytes);
  if (wide !== undefined) throw notUtf8(`the bytes are ${wide}`, 1);
  try {
    return UTF8.decode(bytes);
  } catch {
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    // A declaration naming another encoding explains the bad bytes better than their offset.
    refuseDeclaredEncoding(new TextDecoder('latin1').decode(bytes.subarray(start, start + 256)));
    const at = invalidUtf8Offset(bytes);
    const value = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    throw notUtf8(`byte 0x${value} at offset ${at} is not valid UTF-8`, lineOfByte(bytes, at));
  }
}

/**
 * Refuses document type and entity declarations before any parser sees them: a CFDI never needs
 * one, and refusing them is what makes entity-expansion bombs (billion laughs) and external
 * entities a coded error instead of a hang or a file read. Comments and CDATA sections are skipped
 * so that the words alone are not refused; the scan is linear, whatever the input.
 */
function refuseDoctype(text: string): void {
  if (!/<!(?:DOCTYPE|ENTITY)/i.test(text)) return;
  let from = 0;
  for (let at = text.indexOf('<!', from); at >= 0; at = text.indexOf('<!', from)) {
    const opener = text.startsWith('<!--', at) ? '<!--' : text.startsWith('<![CDATA[', at) ? '<![CDATA[' : '';
    if (opener !== '') {
      const skip = opener === '<!--' ? '-->' : ']]>';
      const end = text.indexOf(skip, at + opener.length);
      // An unterminated comment or CDATA section is left to the validator, which reports it.
      if (end < 0) return;
      from = end + skip.length;
      continue;
    }
    const keyword = /^<!(DOCTYPE|ENTITY)/i.exec(text.slice(at, at + 9))?.[1];
    if (keyword !== undefined) {
      throw new CfdiLayoutError(
        'XML_DOCTYPE_FORBIDDEN',
        `a CFDI may not contain a document type or entity declaration (<!${keyword.toUpperCase()} found)`,
        { location: lineColumn(text, at) },
      );
    }
    from = at + 2;
  }
}

type RawNode = Record<string, unknown>;

function tagOf(raw: RawNode): string | undefined {
  for (const key in raw) if (key !== ':@') return key;
  return undefined;
}

/** Resolves one element of fast-xml-parser's ordered tree: namespaces, references, normalisation. */
function resolve(raw: RawNode, tag: string, inherited: Scope): Node {
  const name = tag.slice(TAG_MARK.length);
  const rawAttributes = raw[':@'] as Record<string, string> | undefined;
  let scope = inherited;
  try {
    if (rawAttributes !== undefined) {
      for (const key in rawAttributes) {
        const attribute = key.slice(2);
        if (attribute !== 'xmlns' && !attribute.startsWith('xmlns:')) continue;
        const prefix = attribute === 'xmlns' ? '' : attribute.slice(6);
        const uri = decodeAttribute(rawAttributes[key] as string);
        if (prefix === 'xmlns' || (prefix === 'xml') !== (uri === XML_NAMESPACE) || uri === XMLNS_NAMESPACE) {
          throw new XmlTextError(`${attribute}="${uri}" is not a legal namespace declaration`);
        }
        if (prefix !== '' && uri === '')
          throw new XmlTextError(`${attribute}="" cannot undeclare a prefix in XML 1.0`);
        if (scope === inherited) scope = new Map(inherited);
        (scope as Map<string, string>).set(prefix, uri);
      }
    }
    const colon = name.indexOf(':');
    const prefix = colon < 0 ? '' : name.slice(0, colon);
    const local = colon < 0 ? name : name.slice(colon + 1);
    const namespace = scope.get(prefix) ?? '';
    if (prefix !== '' && namespace === '')
      throw new XmlTextError(`namespace prefix ${JSON.stringify(prefix)} is not declared`);
    // No prototype: an attribute may be called `toString` or `constructor`.
    const attributes: Record<string, string> = Object.create(null);
    let attributeNamespaces: Map<string, string> | undefined;
    if (rawAttributes !== undefined) {
      for (const key in rawAttributes) {
        let attribute = key.slice(2);
        if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
        const value = decodeAttribute(rawAttributes[key] as string);
        const attributeColon = attribute.indexOf(':');
        if (attributeColon >= 0) {
          const attributePrefix = attribute.slice(0, attributeColon);
          const uri = scope.get(attributePrefix);
          if (uri === undefined)
            throw new XmlTextError(`namespace prefix ${JSON.stringify(attributePrefix)} is not declared`);
          // Whatever prefix the document used, XSI attributes come out as xsi:, the one the renderer declares.
          if (uri === XSI_NAMESPACE) attribute = `${XSI_PREFIX}:${attribute.slice(attributeColon + 1)}`;
          else if (uri !== XML_NAMESPACE) {
            attributeNamespaces ??= new Map();
            attributeNamespaces.set(attribute, uri);
          }
        }
        if (attribute in attributes) throw new XmlTextError(`attribute ${attribute} appears twice`);
        attributes[attribute] = value;
      }
    }
    const children: Array<Node | string> = [];
    for (const child of (raw[tag] as RawNode[] | undefined) ?? []) {
      const childTag = tagOf(child);
      let text: string | undefined;
      if (childTag === '#text') text = decodeText(String(child['#text']));
      else if (childTag === '#cdata') text = String((child['#cdata'] as RawNode[])[0]?.['#text'] ?? '');
      else if (childTag !== undefined) children.push(resolve(child, childTag, scope));
      if (text !== undefined && text.length > 0) {
        const last = children.length - 1;
        if (typeof children[last] === 'string') children[last] += text;
        else children.push(text);
      }
    }
    return { name, local, namespace, attributes, attributeNamespaces, children };
  } catch (err) {
    if (err instanceof XmlTextError) throw malformed(`in <${name}>: ${err.message}`, undefined, err);
    throw err;
  }
}

function isBlank(text: string): boolean {
  return !/[^ \t\n\r]/.test(text);
}

/**
 * A carried element as the model holds it. Whitespace-only text between child elements is
 * indentation and is dropped; any other text is kept. A prefixed attribute outside xsi:/xml: must
 * be in the namespace its prefix has on the element or its nearest ancestor with that prefix,
 * because the model keeps element namespaces only and the renderer re-declares exactly those.
 */
function toXmlElement(node: Node, xmlPath: string, prefixes: Scope, problems: Problem[]): XmlElement {
  const colon = node.name.indexOf(':');
  const prefix = colon < 0 ? '' : node.name.slice(0, colon);
  const scope =
    prefix === '' || prefixes.get(prefix) === node.namespace
      ? prefixes
      : new Map(prefixes).set(prefix, node.namespace);
  const el: XmlElement = { name: node.name };
  if (node.namespace !== '') el.namespace = node.namespace;
  if (node.attributeNamespaces !== undefined) {
    for (const [attribute, uri] of node.attributeNamespaces) {
      if (scope.get(attribute.slice(0, attribute.indexOf(':'))) !== uri) {
        problems.push({
          xmlPath: `${xmlPath}/@${attribute}`,
          message: `attribute ${attribute} is in namespace ${uri}, which no element around it uses; the model cannot carry it`,
        });
      }
    }
  }
  if (Object.hasOwn(node.attributes, '__proto__')) {
    // JSON and zod records treat this key as the prototype: it would vanish silently.
    problems.push({
      xmlPath: `${xmlPath}/@__proto__`,
      message: 'an attribute named __proto__ cannot be carried',
    });
  }
  for (const _ in node.attributes) {
    el.attributes = { ...node.attributes };
    break;
  }
  const hasElements = node.children.some((c) => typeof c !== 'string');
  const children: Array<XmlElement | string> = [];
  let position = 0;
  for (const child of node.children) {
    if (typeof child === 'string') {
      if (!hasElements || !isBlank(child)) children.push(child);
    } else {
      position++;
      children.push(toXmlElement(child, `${xmlPath}/${child.name}[${position}]`, scope, problems));
    }
  }
  if (children.length > 0) el.children = children;
  return el;
}

/** Elements of a node, reporting any text that is not indentation. */
function elementsOf(node: Node, xmlPath: string, problems: Problem[]): Node[] {
  const elements: Node[] = [];
  for (const child of node.children) {
    if (typeof child !== 'string') elements.push(child);
    else if (!isBlank(child))
      problems.push({ xmlPath, message: `unexpected text ${JSON.stringify(child.trim().slice(0, 40))}` });
  }
  return elements;
}

function noAttributes(node: Node, xmlPath: string, problems: Problem[]): void {
  for (const attribute in node.attributes) {
    problems.push({ xmlPath: `${xmlPath}/@${attribute}`, message: `unexpected attribute ${attribute}` });
  }
}

function describe(node: Node): string {
  return node.namespace === '' ? node.name : `${node.name} (namespace ${node.namespace})`;
}

/** Everything `readNode` collects besides the node itself. */
interface ReadState {
  readonly problems: Problem[];
  /** `xsi:schemaLocation` values found on nodes the model does not keep them on. */
  readonly schemaLocations: string[];
}

/** Maps a CFDI node onto the model through its table; what does not fit becomes a problem. */
function readNode(def: NodeDef, node: Node, xmlPath: string, state: ReadState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of def.attributes) {
    const value = node.attributes[a.xml];
    if (value !== undefined) out[a.field] = value;
  }
  for (const attribute in node.attributes) {
    if (def.attributeByXml.has(attribute)) continue;
    const value = node.attributes[attribute] as string;
    // The root's and implocal's schema locations are rebuilt on render from the model's list.
    if (
      attribute === `${XSI_PREFIX}:schemaLocation` &&
      (def === COMPROBANTE || TYPED_COMPLEMENTS.some((t) => t.node === def))
    ) {
      state.schemaLocations.push(value);
      continue;
    }
    state.problems.push({
      xmlPath: `${xmlPath}/@${attribute}`,
      message: `unexpected attribute ${attribute}`,
    });
  }
  for (const child of elementsOf(node, xmlPath, state.problems)) {
    const childDef = child.namespace === def.namespace ? def.childByXml.get(child.local) : undefined;
    if (childDef === undefined) {
      state.problems.push({
        xmlPath: `${xmlPath}/${child.local}`,
        message: `unexpected element ${describe(child)}`,
      });
      continue;
    }
    if (childDef.kind === 'many') {
      const items = (out[childDef.field] ?? []) as unknown[];
      out[childDef.field] = items;
      items.push(readNode(childDef.node, child, `${xmlPath}/${child.local}[${items.length + 1}]`, state));
      continue;
    }
    const childPath = `${xmlPath}/${child.local}`;
    if (out[childDef.field] !== undefined) {
      state.problems.push({ xmlPath: childPath, message: `${child.local} may appear only once` });
      continue;
    }
    switch (childDef.kind) {
      case 'one':
        out[childDef.field] = readNode(childDef.node, child, childPath, state);
        break;
      case 'list': {
        noAttributes(child, childPath, state.problems);
        const items: unknown[] = [];
        for (const item of elementsOf(child, childPath, state.problems)) {
          const itemPath = `${childPath}/${item.local}[${items.length + 1}]`;
          if (item.namespace !== def.namespace || item.local !== childDef.node.name) {
            state.problems.push({ xmlPath: itemPath, message: `unexpected element ${describe(item)}` });
          } else {
            items.push(readNode(childDef.node, item, itemPath, state));
          }
        }
        out[childDef.field] = items;
        break;
      }
      case 'xml': {
        noAttributes(child, childPath, state.problems);
        out[childDef.field] = elementsOf(child, childPath, state.problems).map((el, i) =>
          toXmlElement(el, `${childPath}/${el.name}[${i + 1}]`, new Map(), state.problems),
        );
        break;
      }
      case 'complemento': {
        noAttributes(child, childPath, state.problems);
        out[childDef.field] = elementsOf(child, childPath, state.problems).map((el, i) =>
          readComplementoItem(el, childPath, i, state),
        );
        break;
      }
    }
  }
  return out;
}

/**
 * One child of cfdi:Complemento: a typed complement read through its table, or any other element
 * verbatim. A Pagos 2.0 element that does not fit Pagos20.xsd's shape (an attribute or element the
 * XSD does not have, a required one missing) is carried verbatim too, so that a defective REP can
 * still be read, converted and validated; implocal's problems are reported, as for the cfdi nodes.
 */
function readComplementoItem(
  el: Node,
  childPath: string,
  index: number,
  state: ReadState,
): Record<string, unknown> {
  const typed = TYPED_COMPLEMENTS.find((t) => el.namespace === t.node.namespace && el.local === t.node.name);
  if (typed !== undefined) {
    const own: ReadState = { problems: [], schemaLocations: [] };
    const value = readNode(typed.node, el, `${childPath}/${el.local}`, own);
    const fits = own.problems.length === 0 && typed.schema.safeParse(value).success;
    if (fits || !typed.carryWhenInvalid) {
      state.problems.push(...own.problems);
      state.schemaLocations.push(...own.schemaLocations);
      return { [typed.field]: value };
    }
  }
  return { xml: toXmlElement(el, `${childPath}/${el.name}[${index + 1}]`, new Map(), state.problems) };
}

/**
 * The XML path of a model path (`['conceptos', 2, 'importe']` → `/Comprobante/Conceptos/Concepto[3]/@Importe`),
 * walking the same tables the reader and the renderer use.
 */
function xmlPathOf(path: ReadonlyArray<PropertyKey>): string {
  let def: NodeDef = COMPROBANTE;
  let out = `/${COMPROBANTE.name}`;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const next = path[i + 1];
    const index = typeof next === 'number' ? next : undefined;
    if (segment === 'schemaLocation' && def === COMPROBANTE) return `${out}/@${XSI_PREFIX}:schemaLocation`;
    const attribute = def.attributes.find((a) => a.field === segment);
    if (attribute !== undefined) return `${out}/@${attribute.xml}`;
    const child = def.children.find((c) => c.field === segment);
    if (child === undefined) return out;
    if (child.kind === 'one') {
      out += `/${child.node.name}`;
      def = child.node;
      continue;
    }
    if (child.kind === 'many') {
      out += `/${child.node.name}${index === undefined ? '' : `[${index + 1}]`}`;
      def = child.node;
    } else {
      out += `/${child.container}`;
      if (index === undefined) return out;
      if (child.kind === 'list') {
        out += `/${child.node.name}[${index + 1}]`;
        def = child.node;
      } else if (child.kind === 'complemento' && typedComplement(path[i + 2]) !== undefined) {
        const typed = typedComplement(path[i + 2]) as TypedComplement;
        out += `/${typed.node.name}`;
        def = typed.node;
        i++;
      } else {
        return `${out}/*[${index + 1}]`;
      }
    }
    if (index !== undefined) i++;
  }
  return out;
}

type ZodIssue = z.core.$ZodIssue;

/** Flattens union issues into the issues of the branch that got furthest (the deepest first issue). */
function flattenIssues(
  issues: readonly ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): Array<{ path: PropertyKey[]; issue: ZodIssue }> {
  const out: Array<{ path: PropertyKey[]; issue: ZodIssue }> = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      let best = issue.errors[0] as ZodIssue[];
      const depth = (branch: ZodIssue[]): number => Math.min(...branch.map((b) => b.path.length));
      for (const branch of issue.errors) if (depth(branch) > depth(best)) best = branch;
      out.push(...flattenIssues(best, path));
    } else {
      out.push({ path, issue });
    }
  }
  return out;
}

function issueMessage(issue: ZodIssue, xmlPath: string): string {
  if (issue.code === 'invalid_type' && / undefined$/.test(issue.message)) {
    return xmlPath.includes('/@') ? 'required attribute is missing' : 'required element is missing';
  }
  return issue.message;
}

function structureError(problems: readonly Problem[]): CfdiLayoutError {
  const first = problems[0] as Problem;
  const shown = problems.slice(0, 10).map((p) => `${p.xmlPath}: ${p.message}`);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return new CfdiLayoutError(
    'XML_STRUCTURE_INVALID',
    `not a valid CFDI 4.0 structure: ${shown.join('; ')}${more}`,
    {
      location: { field: first.xmlPath, ...(first.modelPath === undefined ? {} : { path: first.modelPath }) },
    },
  );
}

function typedComplement(field: PropertyKey | undefined): TypedComplement | undefined {
  return TYPED_COMPLEMENTS.find((t) => t.field === field);
}

/** The schema locations the model keeps: those the renderer does not write itself. */
function schemaLocationsToKeep(values: readonly string[], typed: readonly TypedComplement[]): string[] {
  const seen = new Set([CFDI_NAMESPACE]);
  for (const t of typed) seen.add(t.node.namespace);
  const kept: string[] = [];
  for (const pair of values.flatMap(schemaLocationPairs)) {
    const namespace = schemaLocationNamespace(pair);
    if (seen.has(namespace)) continue;
    seen.add(namespace);
    kept.push(pair);
  }
  return kept;
}

function rootOf(text: string): Node {
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    // The line and column travel in the location; the edges print them once.
    throw malformed(msg, {
      ...(Number.isInteger(line) ? { line } : {}),
      ...(Number.isInteger(col) ? { column: col } : {}),
    });
  }
  let tree: RawNode[];
  try {
    tree = parser.parse(text) as RawNode[];
  } catch (err) {
    throw malformed((err as Error).message, undefined, err);
  }
  let root: Node | undefined;
  for (const raw of tree) {
    const tag = tagOf(raw);
    if (tag === '#text' && isBlank(String(raw[tag]))) continue;
    // fast-xml-parser's validator lets some content after the root element through.
    if (tag === undefined || tag === '#text' || tag === '#cdata')
      throw malformed('there is text outside the root element');
    if (root !== undefined) throw malformed('there is more than one root element');
    root = resolve(raw, tag, INITIAL_SCOPE);
  }
  if (root === undefined) throw malformed('there is no root element');
  return root;
}

function checkRoot(root: Node): void {
  if (root.namespace === CFDI_NAMESPACE && root.local === COMPROBANTE.name) return;
  if (
    (root.namespace === CFDI3_NAMESPACE || root.namespace === CFD2_NAMESPACE) &&
    root.local === COMPROBANTE.name
  ) {
    const version =
      root.attributes['Version'] ??
      root.attributes['version'] ??
      (root.namespace === CFDI3_NAMESPACE ? '3.x' : '2.x');
    const kind = root.namespace === CFDI3_NAMESPACE ? 'CFDI' : 'CFD';
    throw new CfdiLayoutError(
      'XML_VERSION_UNSUPPORTED',
      `${kind} ${version} (namespace ${root.namespace}) is not supported: only CFDI 4.0 (${CFDI_NAMESPACE}) can be read`,
    );
  }
  throw new CfdiLayoutError(
    'XML_NOT_CFDI',
    `the root element is ${describe(root)}, not Comprobante in namespace ${CFDI_NAMESPACE}`,
  );
}

/**
 * Reads any XML document (text, or UTF-8 bytes, a byte-order mark allowed) into its
 * root element with every name resolved to its namespace URI, references decoded, attribute values
 * normalised and text nodes kept as written (whitespace included): the tree an XSLT processor sees,
 * minus comments and processing instructions, which no CFDI rule reads.
 *
 * @throws `XML_ENCODING_NOT_UTF8` for bytes that are not UTF-8 or a declaration naming another
 * encoding (with the line, and the byte offset in the message); `XML_DOCTYPE_FORBIDDEN`;
 * `XML_MALFORMED` with line and column when known.
 */
export function readXmlTree(xml: string | Uint8Array): XmlNode {
  let text = typeof xml === 'string' ? xml : decodeBytes(xml);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  refuseDeclaredEncoding(text.slice(0, 256));
  // XML 1.0 §2.1: a document has one root element; said plainly rather than as the parser's first complaint.
  if (/^[ \t\r\n]*$/.test(text)) throw malformed('the document is empty', { line: 1 });
  refuseDoctype(text);
  const illegal = illegalCharOffset(text);
  if (illegal >= 0) {
    const where = lineColumn(text, illegal);
    throw malformed(`${codePointLabel(text, illegal)} is not an XML character`, where);
  }
  return rootOf(text);
}

/**
 * Reads a CFDI 4.0 XML document (text, or UTF-8 bytes, a byte-order mark allowed) into
 * the complete model, resolving names by namespace URI and keeping every value as written.
 *
 * Unknown complements, ComplementoConcepto and Addenda content and the TimbreFiscalDigital are
 * carried verbatim as XmlElement; implocal:ImpuestosLocales is typed.
 *
 * @throws `XML_ENCODING_NOT_UTF8` for a document that is not UTF-8 (a CFDI must be);
 * `XML_DOCTYPE_FORBIDDEN` for any DOCTYPE or ENTITY declaration; `XML_MALFORMED` for text
 * that is not namespace-well-formed XML (with line and column when known); `XML_NOT_CFDI`;
 * `XML_VERSION_UNSUPPORTED` for CFDI 3.3/3.2 and CFD 2.x; `XML_STRUCTURE_INVALID`, whose message
 * lists every problem by XML path (`/Comprobante/Conceptos/Concepto[3]/@Importe`) and whose
 * location holds the first one's XML path in `field` and its model path in `path` when it has one.
 */
export function parseComprobante(xml: string | Uint8Array): Comprobante {
  return comprobanteOfTree(readXmlTree(xml));
}

/**
 * {@link parseComprobante} of a tree {@link readXmlTree} already read, for callers that need the
 * tree too (the sello check reads the same tree instead of decoding the bytes again).
 */
export function comprobanteOfTree(root: XmlNode): Comprobante {
  checkRoot(root);

  const state: ReadState = { problems: [], schemaLocations: [] };
  const path = `/${COMPROBANTE.name}`;
  const model = readNode(COMPROBANTE, root, path, state);
  const complemento = model['complemento'] as Array<Record<string, unknown>> | undefined;
  const typed = TYPED_COMPLEMENTS.filter((t) => complemento?.some((item) => t.field in item) === true);
  const schemaLocation = schemaLocationsToKeep(state.schemaLocations, typed);
  if (schemaLocation.length > 0) model['schemaLocation'] = schemaLocation;

  const problems = state.problems;
  const result = ComprobanteSchema.safeParse(model);
  if (!result.success) {
    for (const { path: modelPath, issue } of flattenIssues(result.error.issues)) {
      const xmlPath = xmlPathOf(modelPath);
      problems.push({
        xmlPath,
        modelPath: modelPath.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: issueMessage(issue, xmlPath),
      });
    }
  }
  if (problems.length > 0) throw structureError(problems);
  return (result as { data: Comprobante }).data;
}
