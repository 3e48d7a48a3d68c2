import type { WrittenNode } from './tree.js';
import { escapeAttribute, escapeText } from './xml-chars.js';

/** The XML declaration of every document the renderer writes. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

const INDENTS: string[] = [];

/** A newline and two spaces per level: the whitespace before an element at `depth` in pretty output. */
export function indentation(depth: number): string {
  let indent = INDENTS[depth];
  if (indent === undefined) {
    indent = `\n${'  '.repeat(depth)}`;
    INDENTS[depth] = indent;
  }
  return indent;
}

function hasText(children: ReadonlyArray<WrittenNode | string>): boolean {
  for (const child of children) if (typeof child === 'string' && child.length > 0) return true;
  return false;
}

/*
 * Pretty output indents element-only content; an element holding text (mixed content) is written
 * as it is, and so is everything inside it, because indenting would change its text. An element
 * without children is written `<name/>`.
 */
function element(node: WrittenNode, depth: number, pretty: boolean): string {
  let out = `<${node.name}`;
  if (node.declarations !== undefined) {
    for (const [prefix, uri] of node.declarations)
      out += `${prefix === '' ? ' xmlns' : ` xmlns:${prefix}`}="${escapeAttribute(uri)}"`;
  }
  const attributes = node.attributes;
  const written = node.writtenNames;
  for (const key in attributes) {
    out += ` ${written?.get(key) ?? key}="${escapeAttribute(attributes[key] as string)}"`;
  }
  const children = node.children;
  const indent = pretty && !hasText(children);
  let inner = '';
  let content = false;
  for (const child of children) {
    if (typeof child === 'string') {
      if (child.length === 0) continue;
      inner += escapeText(child);
    } else {
      if (indent) inner += indentation(depth + 1);
      inner += element(child, depth + 1, indent);
    }
    content = true;
  }
  // An element whose only children are empty strings still gets its closing indentation.
  if (indent && children.length > 0) {
    inner += indentation(depth);
    content = true;
  }
  return content ? `${out}>${inner}</${node.name}>` : `${out}/>`;
}

/**
 * Writes a tree as an XML document in UTF-8 text: the declaration, then the root element, with no
 * whitespace between elements unless `pretty` (two spaces per level, the root on its own line).
 * Values are escaped here; the tree holds them as the reader would read them back.
 */
export function serializeXml(root: WrittenNode, options: { readonly pretty?: boolean } = {}): string {
  const pretty = options.pretty === true;
  return `${XML_DECLARATION}${pretty ? '\n' : ''}${element(root, 0, pretty)}`;
}
