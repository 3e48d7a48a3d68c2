import type { IssuePath } from '../issues.js';
import type { XmlElement } from '../model/xml-element.js';
import { TYPED_COMPLEMENTS } from '../xml/node-order.js';
import type { CompiledLayout, CompiledRecord } from './compile.js';
import { LAYOUT_ISSUE_CODES, type LayoutIssue, modelIssue } from './layout-issues.js';
import type { ModelObject, PathSegment } from './model-path.js';

/*
 * What a layout can carry, as a tree over the model built from its records and fields. Rendering
 * walks the comprobante against it once: every value with no field to hold it is either an omission
 * the definition declares (a warning with its reason) or unsupported content (an error naming the
 * path, and the complement when it is one). Nothing is dropped silently (STYLE 13).
 */

/** A model node the layout reaches: its keys, each carried whole (`true`) or walked further. */
interface CoverageNode {
  readonly keys: Map<string, CoverageNode | true>;
  /** A record sits at this node: it writes a line for the node even when the node has no values. */
  held: boolean;
}

function newNode(): CoverageNode {
  return { keys: new Map(), held: false };
}

function descend(node: CoverageNode, segments: readonly PathSegment[]): CoverageNode {
  let current = node;
  for (const segment of segments) {
    const existing = current.keys.get(segment.key);
    if (existing === true) return newNode();
    if (existing !== undefined) current = existing;
    else {
      const created = newNode();
      current.keys.set(segment.key, created);
      current = created;
    }
  }
  return current;
}

function markCarried(node: CoverageNode, segments: readonly PathSegment[]): void {
  const last = segments[segments.length - 1];
  if (last === undefined) return;
  const holder = descend(node, segments.slice(0, -1));
  // A subtree left out by a variant is carried only where no other record reaches into it.
  if (!holder.keys.has(last.key)) holder.keys.set(last.key, true);
}

/** Builds the coverage tree of a layout for one variant; records the variant leaves out count as carried. */
function buildCoverage(layout: CompiledLayout, excluded: ReadonlySet<number>): CoverageNode {
  const root = newNode();
  const nodes = new Map<number, CoverageNode>();
  const included = layout.records.filter((r) => !excluded.has(r.index));
  const left = layout.records.filter((r) => excluded.has(r.index));
  const place = (record: CompiledRecord): CoverageNode | undefined => {
    if (record.path === undefined) return undefined;
    const from = record.parent === undefined ? root : nodes.get(record.parent.index);
    if (from === undefined) return undefined;
    const node = descend(from, record.path);
    if (record.path.length > 0) node.held = true;
    nodes.set(record.index, node);
    return node;
  };
  for (const record of included) {
    const node = place(record);
    if (node === undefined) continue;
    for (const field of record.mappedFields) {
      if (field.path !== undefined)
        descend(node, field.path.slice(0, -1)).keys.set(field.path[field.path.length - 1]?.key ?? '', true);
    }
  }
  // The variant asked for these to be left out: the caller knows, so they are not reported.
  for (const record of left) {
    if (record.path === undefined) continue;
    const from = record.parent === undefined ? root : nodes.get(record.parent.index);
    if (from === undefined) continue;
    if (record.path.length > 0) markCarried(from, record.path);
    else for (const field of record.mappedFields) if (field.path !== undefined) markCarried(from, field.path);
  }
  for (const constant of layout.constants) markCarried(root, constant.segments);
  return root;
}

const coverageCache = new WeakMap<CompiledLayout, Map<ReadonlySet<number>, CoverageNode>>();

function coverageOf(layout: CompiledLayout, excluded: ReadonlySet<number>): CoverageNode {
  let perVariant = coverageCache.get(layout);
  if (perVariant === undefined) {
    perVariant = new Map();
    coverageCache.set(layout, perVariant);
  }
  let node = perVariant.get(excluded);
  if (node === undefined) {
    node = buildCoverage(layout, excluded);
    perVariant.set(excluded, node);
  }
  return node;
}

function isXmlElement(value: unknown): value is XmlElement {
  return (
    typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'
  );
}

function describeContent(value: unknown): string {
  const elements = Array.isArray(value) ? value.filter(isXmlElement) : isXmlElement(value) ? [value] : [];
  if (elements.length === 0) return '';
  const names = elements.map((e) => (e.namespace === undefined ? e.name : `${e.name} (${e.namespace})`));
  return ` (${names.join(', ')})`;
}

/** A typed complement's path (`complemento.0.pagos`), named as in the XML: ` (pago20:Pagos (URI))`. */
function describeTypedComplement(path: IssuePath): string {
  if (path[0] !== 'complemento' || path.length !== 3) return '';
  const element = TYPED_COMPLEMENTS.find((t) => t.field === path[2])?.node;
  return element === undefined ? '' : ` (${element.qualifiedName} (${element.namespace}))`;
}

/**
 * Reports every value of `comprobante` the layout does not carry: declared omissions as warnings
 * (or not at all when the definition says `report: none`), everything else as
 * `LAYOUT_UNSUPPORTED_CONTENT` errors.
 */
export function checkCoverage(
  layout: CompiledLayout,
  excluded: ReadonlySet<number>,
  comprobante: ModelObject,
  issues: LayoutIssue[],
): void {
  const omissions = layout.omissions;
  // One mutable path for the whole walk: copied only when something is reported.
  const path: Array<string | number> = [];
  const walk = (value: ModelObject, node: CoverageNode): void => {
    // for…in over the model's plain objects: no key array per node.
    for (const key in value) {
      const child = value[key];
      if (child === undefined || child === '') continue;
      const covered = node.keys.get(key);
      if (covered === true) continue;
      path.push(key);
      if (covered === undefined)
        reportUncovered(layout, omissions, child, [...path], patternOf(path), issues);
      else if (Array.isArray(child)) {
        for (let i = 0; i < child.length; i++) {
          const item: unknown = child[i];
          if (item === null || typeof item !== 'object') continue;
          path.push(i);
          walk(item as ModelObject, covered);
          path.pop();
        }
      } else if (child !== null && typeof child === 'object') {
        // An empty node reached only through its children's records would vanish from the text.
        if (!covered.held && isEmptyNode(child as ModelObject))
          issues.push(unsupported(layout, child, [...path]));
        else walk(child as ModelObject, covered);
      }
      path.pop();
    }
  };
  walk(comprobante, coverageOf(layout, excluded));
}

/** True when a model node holds no value (`{}`, or only undefined and empty ones). */
function isEmptyNode(node: ModelObject): boolean {
  for (const key in node) {
    const value = node[key];
    if (value !== undefined && value !== '') return false;
  }
  return true;
}

/** `['complemento', 0, 'xml']` → `complemento[].xml`, the form omissions are written in. */
function patternOf(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += '[]';
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

function reportUncovered(
  layout: CompiledLayout,
  omissions: CompiledLayout['omissions'],
  value: unknown,
  path: IssuePath,
  pattern: string,
  issues: LayoutIssue[],
): void {
  const candidates = omissions.filter((o) => o.pattern === pattern);
  if (candidates.length > 0) {
    // Namespace-scoped omissions (the timbre) apply element by element: the others stay unsupported.
    const elements = Array.isArray(value) ? value : [value];
    const indexed = Array.isArray(value);
    elements.forEach((element: unknown, i) => {
      const at = indexed ? [...path, i] : path;
      const omission = candidates.find(
        (o) => o.namespace === undefined || (isXmlElement(element) && element.namespace === o.namespace),
      );
      if (omission === undefined) {
        issues.push(unsupported(layout, element, at));
      } else if (omission.report === 'warning') {
        issues.push(
          modelIssue(
            LAYOUT_ISSUE_CODES.valueOmitted,
            'warning',
            at,
            `${at.join('.')}${describeContent(element)} is left out of layout ${layout.id}: ${omission.reason}`,
          ),
        );
      }
    });
    return;
  }
  issues.push(unsupported(layout, value, path));
}

function unsupported(layout: CompiledLayout, value: unknown, path: IssuePath): LayoutIssue {
  const shown = path.join('.');
  const what = describeContent(value) || describeTypedComplement(path);
  const kind = path[0] === 'complemento' ? 'complement' : path[0] === 'addenda' ? 'addenda' : 'content';
  const empty =
    !Array.isArray(value) && value !== null && typeof value === 'object' && isEmptyNode(value as ModelObject);
  return modelIssue(
    LAYOUT_ISSUE_CODES.unsupportedContent,
    'error',
    path,
    empty
      ? `${kind} ${shown} is empty, and layout ${layout.id} writes it only through the records of what it holds: the text would lose it`
      : `${kind} ${shown}${what} cannot be carried by layout ${layout.id}: no record holds it`,
  );
}
