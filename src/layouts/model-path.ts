import type { z } from 'zod';
import { ComprobanteSchema } from '../model/comprobante.js';

/*
 * Model paths as a definition writes them (`impuestos.traslados[]`), compiled once into segments, and
 * checked against the zod model so that a definition naming a field the CFDI model does not have is
 * refused when it is loaded, not when a text happens to use it.
 */

/** One step of a model path: a property, and whether that property is an array walked item by item. */
export interface PathSegment {
  readonly key: string;
  readonly array: boolean;
}

/** A plain model object as the engine reads and builds it. */
export type ModelObject = Record<string, unknown>;

/** Splits `impuestos.traslados[]` into segments; `""` is the node itself (no segments). */
export function parsePath(path: string): PathSegment[] {
  if (path === '') return [];
  return path
    .split('.')
    .map((part) =>
      part.endsWith('[]') ? { key: part.slice(0, -2), array: true } : { key: part, array: false },
    );
}

/** Writes segments back the way a definition spells them. */
export function formatSegments(segments: readonly PathSegment[]): string {
  return segments.map((s) => (s.array ? `${s.key}[]` : s.key)).join('.');
}

/** What a model path leads to. */
export type ModelNodeKind = 'object' | 'value' | 'xml';

/** The zod internals this module reads; zod v4 keeps a node's definition under `_zod.def`. */
interface ZodDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, unknown>>;
  readonly element?: unknown;
  readonly innerType?: unknown;
  readonly options?: readonly unknown[];
  readonly getter?: () => unknown;
  readonly in?: unknown;
}

function defOf(schema: unknown): ZodDef {
  return (schema as { _zod: { def: ZodDef } })._zod.def;
}

/** Strips optional, default, lazy and pipe wrappers. */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (
      (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') &&
      def.innerType !== undefined
    ) {
      current = def.innerType;
    } else if (def.type === 'lazy' && def.getter !== undefined) {
      // Lazy schemas are recursive carried XML elements: the engine never walks into them.
      return current;
    } else if (def.type === 'pipe' && def.in !== undefined) {
      current = def.in;
    } else {
      return current;
    }
  }
}

function propertyOf(schema: unknown, key: string): unknown {
  const def = defOf(schema);
  if (def.type === 'object' && def.shape !== undefined)
    return Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
  if (def.type === 'union' && def.options !== undefined) {
    // The complemento items are a union of single-key objects: the key picks the member.
    for (const option of def.options) {
      const found = propertyOf(unwrap(option), key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function kindOf(schema: unknown): ModelNodeKind | undefined {
  const type = defOf(schema).type;
  if (type === 'object' || type === 'union') return 'object';
  if (type === 'string' || type === 'literal') return 'value';
  if (type === 'lazy') return 'xml';
  return undefined;
}

/** Where a path stands in the model: its zod node, for further steps. */
export interface ModelCursor {
  readonly schema: unknown;
}

/** The comprobante itself. */
export const MODEL_ROOT: ModelCursor = { schema: ComprobanteSchema as z.ZodType };

/**
 * Follows `segments` from `from` in the CFDI model. Returns the node reached and its kind, or a
 * message naming the first segment the model does not have (or that is, or is not, an array).
 */
export function resolveModelPath(
  from: ModelCursor,
  segments: readonly PathSegment[],
): { cursor: ModelCursor; kind: ModelNodeKind } | { error: string } {
  let schema = unwrap(from.schema);
  for (const [i, segment] of segments.entries()) {
    const shown = formatSegments(segments.slice(0, i + 1));
    const next = propertyOf(schema, segment.key);
    if (next === undefined)
      return { error: `the CFDI model has no ${JSON.stringify(segment.key)} at ${shown}` };
    let node = unwrap(next);
    const isArray = defOf(node).type === 'array';
    if (isArray !== segment.array) {
      return {
        error: isArray
          ? `${shown} is an array in the model: write ${segment.key}[]`
          : `${shown} is not an array in the model: write ${segment.key}`,
      };
    }
    if (isArray) node = unwrap(defOf(node).element);
    schema = node;
  }
  const kind = kindOf(schema);
  if (kind === undefined)
    return { error: `${formatSegments(segments)} leads to a model node the engine cannot map` };
  return { cursor: { schema }, kind };
}

/** The value at `segments` under `node` when no segment is an array, or `undefined`. */
export function getAt(node: ModelObject, segments: readonly PathSegment[]): unknown {
  let current: unknown = node;
  for (const segment of segments) {
    if (current === undefined || current === null || typeof current !== 'object') return undefined;
    current = (current as ModelObject)[segment.key];
  }
  return current;
}

/** Sets a string at `segments` under `node`, creating the objects on the way. */
export function setAt(node: ModelObject, segments: readonly PathSegment[], value: string): void {
  let current = node;
  const last = segments.length - 1;
  for (let i = 0; i < last; i++) {
    const key = (segments[i] as PathSegment).key;
    let next = current[key];
    if (next === undefined || next === null || typeof next !== 'object') {
      next = {};
      current[key] = next;
    }
    current = next as ModelObject;
  }
  current[(segments[last] as PathSegment).key] = value;
}

/** A model node reached by a record path, with its model path for issues. */
export interface PathItem {
  readonly node: ModelObject;
  readonly path: ReadonlyArray<string | number>;
}

/**
 * A node reached under another: its model path is only spelled out when asked for (an issue names
 * it), so walking a comprobante allocates no path arrays.
 */
class ChildItem implements PathItem {
  private spelled: ReadonlyArray<string | number> | undefined;

  constructor(
    readonly node: ModelObject,
    private readonly parent: PathItem,
    private readonly key: string,
    /** The array index, or -1 for a property that is one object. */
    private readonly index: number,
  ) {}

  get path(): ReadonlyArray<string | number> {
    this.spelled ??=
      this.index < 0 ? [...this.parent.path, this.key] : [...this.parent.path, this.key, this.index];
    return this.spelled;
  }
}

/**
 * Every node `segments` reaches from `start`: one per array item on array segments, none where a
 * property is absent. Nodes that are not objects are skipped: the model's shape guarantees objects.
 */
export function itemsAt(start: PathItem, segments: readonly PathSegment[]): readonly PathItem[] {
  const first = segments[0];
  if (first === undefined) return [start];
  // Most records reach nothing under most nodes (a concept's partes, aduana…): no array for those.
  let items = step(start, first, undefined);
  for (let k = 1; k < segments.length && items !== undefined; k++) {
    const segment = segments[k] as PathSegment;
    let next: PathItem[] | undefined;
    for (const item of items) next = step(item, segment, next);
    items = next;
  }
  return items ?? NO_ITEMS;
}

/** Adds the nodes one segment reaches from `item` to `into` (created on the first one). */
function step(item: PathItem, segment: PathSegment, into: PathItem[] | undefined): PathItem[] | undefined {
  const value = item.node[segment.key];
  if (value === undefined || value === null) return into;
  let out = into;
  if (segment.array) {
    if (!Array.isArray(value)) return out;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (element !== null && typeof element === 'object') {
        out ??= [];
        out.push(new ChildItem(element as ModelObject, item, segment.key, i));
      }
    }
  } else if (typeof value === 'object') {
    out ??= [];
    out.push(new ChildItem(value as ModelObject, item, segment.key, -1));
  }
  return out;
}

const NO_ITEMS: readonly PathItem[] = Object.freeze([]);

/**
 * Creates the node a parsed line maps to under `start` and returns it with its model path: array
 * segments push a new item, object segments reuse the object already there (two records may fill
 * one node, as a header and a payment record both fill the comprobante).
 */
export function insertAt(start: PathItem, segments: readonly PathSegment[]): PathItem {
  let node = start.node;
  let path: Array<string | number> | ReadonlyArray<string | number> = start.path;
  for (const segment of segments) {
    const existing = node[segment.key];
    if (segment.array) {
      let array: unknown[];
      if (Array.isArray(existing)) array = existing;
      else {
        array = [];
        node[segment.key] = array;
      }
      const created: ModelObject = {};
      path = [...path, segment.key, array.length];
      array.push(created);
      node = created;
    } else {
      let next: ModelObject;
      if (existing !== null && typeof existing === 'object' && !Array.isArray(existing))
        next = existing as ModelObject;
      else {
        next = {};
        node[segment.key] = next;
      }
      path = [...path, segment.key];
      node = next;
    }
  }
  return { node, path };
}

/** The shape of a model node, read once from the zod schema for {@link isCompleteModel}. */
type ShapeSpec =
  | {
      readonly kind: 'object';
      readonly props: ReadonlyMap<string, ShapeSpec>;
      readonly required: readonly string[];
    }
  | { readonly kind: 'array'; readonly element: ShapeSpec; readonly min: number }
  | { readonly kind: 'string' }
  | { readonly kind: 'literal'; readonly values: readonly unknown[] }
  | { readonly kind: 'union'; readonly options: readonly ShapeSpec[] }
  | { readonly kind: 'any' };

interface CheckDef {
  readonly check?: string;
  readonly minimum?: number;
}

function specOf(schema: unknown): ShapeSpec {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
      return specOf(def.innerType);
    case 'pipe':
      return specOf(def.in);
    case 'object': {
      const props = new Map<string, ShapeSpec>();
      const required: string[] = [];
      for (const [key, value] of Object.entries(def.shape ?? {})) {
        props.set(key, specOf(value));
        if (defOf(value).type !== 'optional') required.push(key);
      }
      return { kind: 'object', props, required };
    }
    case 'array': {
      const checks = ((def as { checks?: ReadonlyArray<{ _zod: { def: CheckDef } }> }).checks ?? []).map(
        (c) => c._zod.def,
      );
      const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
      return { kind: 'array', element: specOf(def.element), min };
    }
    case 'string':
      return { kind: 'string' };
    case 'literal':
      return { kind: 'literal', values: (def as { values?: readonly unknown[] }).values ?? [] };
    case 'union':
      return { kind: 'union', options: (def.options ?? []).map(specOf) };
    default:
      // Carried XML elements (lazy) are never built by the layout engine.
      return { kind: 'any' };
  }
}

function matches(value: unknown, spec: ShapeSpec): boolean {
  switch (spec.kind) {
    case 'string':
      return typeof value === 'string';
    case 'literal':
      return spec.values.includes(value);
    case 'array':
      if (!Array.isArray(value) || value.length < spec.min) return false;
      for (const element of value) if (!matches(element, spec.element)) return false;
      return true;
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
      const node = value as ModelObject;
      for (const key of spec.required) if (node[key] === undefined) return false;
      for (const key of Object.keys(node)) {
        const child = spec.props.get(key);
        const v = node[key];
        if (child === undefined) return false;
        if (v !== undefined && !matches(v, child)) return false;
      }
      return true;
    }
    case 'union':
      return spec.options.some((option) => matches(value, option));
    default:
      return true;
  }
}

let comprobanteSpec: ShapeSpec | undefined;

/**
 * True when a model the engine built from a text is a complete comprobante. It reads the zod schema
 * once and then checks plain objects, because zod on a hundred-thousand-concept document costs more
 * than parsing it; a false answer is followed by zod itself for the exact messages.
 */
export function isCompleteModel(draft: ModelObject): boolean {
  comprobanteSpec ??= specOf(ComprobanteSchema);
  return matches(draft, comprobanteSpec);
}
