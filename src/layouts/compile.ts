import { CfdiLayoutError } from '../errors.js';
import {
  type ComputedDefinition,
  type LayoutDefinition,
  LayoutDefinitionSchema,
  type NormalizedLayoutDefinition,
} from './definition.js';
import { type FieldCodec, makeFieldCodec } from './field-types.js';
import { type LineCodec, makeLineCodec } from './line-codec.js';
import {
  formatSegments,
  MODEL_ROOT,
  type ModelCursor,
  type PathSegment,
  parsePath,
  resolveModelPath,
} from './model-path.js';

/*
 * A definition is compiled once into arrays and closures: field checkers, path segments, the record
 * tree, the prefix dispatch table. Rendering and parsing then never touch zod, never build a regular
 * expression and never look a record up by anything slower than a Map.
 */

/** A field ready for the engine. */
export interface CompiledField {
  readonly name: string;
  readonly index: number;
  readonly type: string;
  /** Most fraction digits of a decimal field; computed sums are written with exactly this many. */
  readonly decimals: number | undefined;
  readonly required: boolean;
  readonly defaultValue: string | undefined;
  /** Model path relative to the record's node, when the field maps to the model. */
  readonly path: readonly PathSegment[] | undefined;
  readonly parameter: string | undefined;
  readonly computed: ComputedDefinition | undefined;
  readonly verify: boolean;
  /** True for the key field of a linked record: rendering fills it from the parent. */
  readonly linkKey: boolean;
  readonly codec: FieldCodec;
  /**
   * Every value that passes the field's type check is written with characters the text can always
   * hold: a decimal, integer, date, datetime or catalog code uses only ASCII letters, digits and
   * `.:-`, none of them the separator here, so the representability check can be skipped.
   */
  readonly alwaysRepresentable: boolean;
}

/** A record ready for the engine. */
export interface CompiledRecord {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly suffix: string;
  readonly fields: readonly CompiledField[];
  readonly fieldByName: ReadonlyMap<string, CompiledField>;
  readonly min: number;
  readonly max: number;
  readonly position: 'first' | 'last' | undefined;
  /** Model node of each line, relative to the parent's node; `undefined` for record-level-only records. */
  readonly path: readonly PathSegment[] | undefined;
  readonly parent: CompiledRecord | undefined;
  readonly link: { readonly field: CompiledField; readonly parentField: CompiledField } | undefined;
  /** Records nested under this one by position, in definition order. */
  readonly children: CompiledRecord[];
  /** Records nested under this one by a key, in definition order. */
  readonly linkedChildren: CompiledRecord[];
  /** Slot of this record in its parent's (or the text's) per-record counters. */
  readonly slot: number;
  /** Number of child records (positional and linked): the size of this record's counters. */
  slots: number;
  /** True when another record links to this one by key. */
  isLinkParent: boolean;
  /**
   * Set when a sibling record's path steps into the same model array first
   * (`complemento[].impuestosLocales` and `complemento[].pagos`): the text writes such records in
   * definition order, so rendering checks the model's items come in that order too.
   */
  sharedArray: SharedArray | undefined;
  readonly hasComputed: boolean;
  /** The fields with a `computed` value, in field order. */
  readonly computedFields: readonly CompiledField[];
  readonly mappedFields: readonly CompiledField[];
}

/** The model array a record shares with its siblings, and where an item's index sits in its model path. */
export interface SharedArray {
  /** The path up to that array, as a definition writes it (`complemento[]`). */
  readonly prefix: string;
  /** Position of the array index in an item's model path, after the parent item's path. */
  readonly indexAt: number;
}

/** Marks a compiled layout so the API can take either a definition or a compiled layout. */
const COMPILED: unique symbol = Symbol('cfdi-layout.compiled-layout');

/** A layout definition compiled for rendering and parsing; build it once with {@link compileLayout} and reuse it. */
export interface CompiledLayout {
  readonly [COMPILED]: true;
  readonly id: string;
  readonly definition: NormalizedLayoutDefinition;
  readonly records: readonly CompiledRecord[];
  readonly topLevel: readonly CompiledRecord[];
  readonly recordById: ReadonlyMap<string, CompiledRecord>;
  /** Distinct record prefixes, longest first, for dispatch. */
  readonly prefixes: readonly string[];
  readonly codec: LineCodec;
  readonly lineEnding: '\n' | '\r\n';
  readonly finalLineEnding: boolean;
  readonly encoding: 'utf-8' | 'latin1';
  readonly parameterDefaults: ReadonlyMap<string, string>;
  /** Variant name → indexes of the records it leaves out (children included). */
  readonly variants: ReadonlyMap<string, ReadonlySet<number>>;
  readonly constants: ReadonlyArray<{ readonly segments: readonly PathSegment[]; readonly value: string }>;
  readonly omissions: ReadonlyArray<CompiledOmission>;
  /** Number of top-level records: the size of the text's own counters. */
  readonly topLevelSlots: number;
}

/** Model content the layout leaves out on purpose. */
export interface CompiledOmission {
  /** The path as a pattern: keys joined by dots, `[]` for any array index. */
  readonly pattern: string;
  readonly namespace: string | undefined;
  readonly reason: string;
  readonly report: 'warning' | 'none';
}

/** True when `value` is a compiled layout. */
export function isCompiledLayout(value: unknown): value is CompiledLayout {
  return (
    typeof value === 'object' && value !== null && (value as { [COMPILED]?: unknown })[COMPILED] === true
  );
}

function invalid(message: string, path: ReadonlyArray<string | number>): CfdiLayoutError {
  const where = path.length === 0 ? '' : ` (at ${path.join('.')})`;
  return new CfdiLayoutError('LAYOUT_DEFINITION_INVALID', `layout definition invalid${where}: ${message}`, {
    location: { path },
  });
}

/** Field types whose valid values are ASCII letters, digits and `.:-` only (see field-types.ts). */
const ASCII_TYPES: ReadonlySet<string> = new Set(['decimal', 'integer', 'date', 'datetime', 'catalog']);

function parseCardinality(text: string): { min: number; max: number } {
  const [low = '0', high] = text.split('..');
  const min = Number(low);
  if (high === undefined) return { min, max: min };
  return { min, max: high === 'n' ? Number.POSITIVE_INFINITY : Number(high) };
}

/** Validates a definition with its zod schema, turning the first problems into one coded error with paths. */
export function normalizeDefinition(json: unknown): NormalizedLayoutDefinition {
  const parsed = LayoutDefinitionSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues.slice(0, 5);
  const text = first.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
  const firstIssue = first[0];
  throw invalid(
    `${text}${parsed.error.issues.length > first.length ? ` (and ${parsed.error.issues.length - first.length} more)` : ''}`,
    firstIssue === undefined ? [] : firstIssue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
  );
}

const compiledCache = new WeakMap<object, CompiledLayout>();

/**
 * Compiles a definition (validated with its zod schema first) into the structure the engine runs on.
 * Throws `LAYOUT_DEFINITION_INVALID` with the path of the offending entry. Compiling the same
 * definition object again returns the cached result.
 */
export function compileLayout(definition: LayoutDefinition | CompiledLayout): CompiledLayout {
  if (isCompiledLayout(definition)) return definition;
  const cached = compiledCache.get(definition);
  if (cached !== undefined) return cached;
  const compiled = compileNormalized(normalizeDefinition(definition));
  compiledCache.set(definition, compiled);
  return compiled;
}

function compileNormalized(def: NormalizedLayoutDefinition): CompiledLayout {
  const separator = def.separator;
  if (def.escaping.policy === 'escape') {
    const esc = def.escaping.char;
    if (esc === separator)
      throw invalid('the escape character cannot be the separator', ['escaping', 'char']);
    if (/[A-Za-z0-9_-]/.test(esc)) {
      throw invalid('the escape character cannot be a letter, digit, _ or - (record ids use them)', [
        'escaping',
        'char',
      ]);
    }
  }
  const codec = makeLineCodec(separator, def.escaping, def.encoding);
  const defaultSuffix = def.recordSuffix ?? separator;
  if (/[\r\n]/.test(def.recordPrefix) || /[\r\n]/.test(defaultSuffix)) {
    throw invalid('a record prefix or suffix cannot hold a line break', ['recordPrefix']);
  }

  const recordById = new Map<string, CompiledRecord>();
  const records: CompiledRecord[] = [];
  const topLevel: CompiledRecord[] = [];
  const cursors = new Map<number, ModelCursor>();
  let firstCount = 0;
  let lastCount = 0;

  def.records.forEach((rd, ri) => {
    const at = (...rest: Array<string | number>) => ['records', ri, ...rest];
    if (recordById.has(rd.id))
      throw invalid(`record id ${JSON.stringify(rd.id)} is declared twice`, at('id'));
    if (rd.id.includes(separator)) throw invalid('a record id cannot hold the separator', at('id'));
    const prefix = rd.prefix ?? def.recordPrefix;
    const suffix = rd.suffix ?? defaultSuffix;
    if (/[\r\n]/.test(prefix) || /[\r\n]/.test(suffix))
      throw invalid('a prefix or suffix cannot hold a line break', at('prefix'));

    const parent = rd.parent === undefined ? undefined : recordById.get(rd.parent);
    if (rd.parent !== undefined && parent === undefined) {
      throw invalid(
        `parent ${JSON.stringify(rd.parent)} must be a record declared before this one`,
        at('parent'),
      );
    }
    if (rd.link !== undefined && parent === undefined) throw invalid('link needs a parent', at('link'));
    if (rd.link !== undefined && parent?.parent !== undefined) {
      throw invalid('a linked record must link to a top-level record', at('link'));
    }
    if (rd.position !== undefined && parent !== undefined)
      throw invalid('only top-level records take a position', at('position'));
    if (rd.position === 'first' && ++firstCount > 1)
      throw invalid('only one record can be first', at('position'));
    if (rd.position === 'last' && ++lastCount > 1)
      throw invalid('only one record can be last', at('position'));

    const { min, max } = parseCardinality(rd.cardinality);
    if (max < min || max === 0)
      throw invalid(`cardinality ${rd.cardinality} allows no line`, at('cardinality'));
    if (rd.position !== undefined && max > 1)
      throw invalid('a first or last record can appear only once', at('cardinality'));

    // The model node of the record, checked against the CFDI model.
    let path: PathSegment[] | undefined;
    let cursor: ModelCursor | undefined;
    if (rd.path !== undefined) {
      const from = parent === undefined ? MODEL_ROOT : cursors.get(parent.index);
      if (from === undefined)
        throw invalid('a record under a record without a path cannot map to the model', at('path'));
      path = parsePath(rd.path);
      const resolved = resolveModelPath(from, path);
      if ('error' in resolved) throw invalid(resolved.error, at('path'));
      if (resolved.kind !== 'object')
        throw invalid(`${rd.path} is not a model node (records map to nodes)`, at('path'));
      cursor = resolved.cursor;
      const isArray = path.some((s) => s.array);
      if (!isArray && max > 1)
        throw invalid(
          `${rd.path || 'the parent node'} is one node: cardinality must be 1 or 0..1`,
          at('cardinality'),
        );
    }

    const fieldByName = new Map<string, CompiledField>();
    const fields: CompiledField[] = [];
    rd.fields.forEach((fd, fi) => {
      const fat = (...rest: Array<string | number>) => at('fields', fi, ...rest);
      if (fieldByName.has(fd.name))
        throw invalid(`field ${JSON.stringify(fd.name)} is declared twice`, fat('name'));
      const sources = [fd.path, fd.parameter, fd.computed].filter((s) => s !== undefined).length;
      if (sources > 1) throw invalid('a field takes one of path, parameter or computed', fat());
      if (fd.parameter !== undefined && !Object.hasOwn(def.parameters, fd.parameter)) {
        throw invalid(
          `parameter ${JSON.stringify(fd.parameter)} is not declared under parameters`,
          fat('parameter'),
        );
      }
      let fieldPath: PathSegment[] | undefined;
      if (fd.path !== undefined) {
        if (cursor === undefined)
          throw invalid('the record has no path, so its fields cannot map to the model', fat('path'));
        fieldPath = parsePath(fd.path);
        if (fieldPath.some((s) => s.array))
          throw invalid('a field maps to one value: no [] in its path', fat('path'));
        const resolved = resolveModelPath(cursor, fieldPath);
        if ('error' in resolved) throw invalid(resolved.error, fat('path'));
        if (resolved.kind !== 'value') throw invalid(`${fd.path} is a model node, not a value`, fat('path'));
      }
      if (fd.decimals !== undefined && fd.type !== 'decimal')
        throw invalid('decimals applies to decimal fields', fat('decimals'));
      if (fd.format !== undefined && fd.type !== 'date' && fd.type !== 'datetime') {
        throw invalid('format applies to date and datetime fields', fat('format'));
      }
      const fieldCodec = makeFieldCodec(fd);
      if (fd.default !== undefined && fd.default !== '') {
        const problem = fieldCodec.check(fd.default) ?? codecProblem(codec, fd.default);
        if (problem !== undefined)
          throw invalid(`default ${JSON.stringify(fd.default)}: ${problem.message}`, fat('default'));
      }
      const field: CompiledField = {
        name: fd.name,
        index: fi,
        type: fd.type,
        decimals: fd.decimals,
        required: fd.required,
        defaultValue: fd.default,
        path: fieldPath,
        parameter: fd.parameter,
        computed: fd.computed,
        verify: fd.verify ?? (fd.computed !== undefined && fd.computed.kind !== 'importeConLetra'),
        linkKey: rd.link !== undefined && rd.link.field === fd.name,
        codec: fieldCodec,
        alwaysRepresentable: ASCII_TYPES.has(fd.type) && !/[0-9A-Za-z.:-]/.test(separator),
      };
      fieldByName.set(fd.name, field);
      fields.push(field);
    });

    let link: CompiledRecord['link'];
    if (rd.link !== undefined && parent !== undefined) {
      const field = fieldByName.get(rd.link.field);
      const parentField = parent.fieldByName.get(rd.link.parentField);
      if (field === undefined)
        throw invalid(`field ${JSON.stringify(rd.link.field)} is not in this record`, at('link', 'field'));
      if (parentField === undefined) {
        throw invalid(
          `field ${JSON.stringify(rd.link.parentField)} is not in record ${parent.id}`,
          at('link', 'parentField'),
        );
      }
      if (field.path !== undefined || field.parameter !== undefined || field.computed !== undefined) {
        throw invalid(
          'the link field is filled from the parent: it takes no path, parameter or computed',
          at('link', 'field'),
        );
      }
      if (path !== undefined && parentField.path === undefined) {
        throw invalid(
          'a linked record that maps to the model needs a parent field that maps to it',
          at('link', 'parentField'),
        );
      }
      link = { field, parentField };
      parent.isLinkParent = true;
    }

    const siblings =
      parent === undefined ? topLevel : link === undefined ? parent.children : parent.linkedChildren;
    const slot = parent === undefined ? topLevel.length : parent.slots++;
    const record: CompiledRecord = {
      index: ri,
      id: rd.id,
      name: rd.name,
      prefix,
      suffix,
      fields,
      fieldByName,
      min,
      max,
      position: rd.position,
      path,
      parent,
      link,
      children: [],
      linkedChildren: [],
      slot,
      slots: 0,
      isLinkParent: false,
      sharedArray: undefined,
      hasComputed: fields.some((f) => f.computed !== undefined),
      computedFields: fields.filter((f) => f.computed !== undefined),
      mappedFields: fields.filter((f) => f.path !== undefined),
    };
    siblings.push(record);
    records.push(record);
    recordById.set(rd.id, record);
    if (cursor !== undefined) cursors.set(ri, cursor);
  });

  markSharedArrays(records);

  // Computed fields refer to records and fields that now all exist.
  for (const record of records) {
    for (const field of record.fields) {
      const c = field.computed;
      if (c === undefined) continue;
      const at = ['records', record.index, 'fields', field.index, 'computed'];
      if (c.kind === 'recordCount' || c.kind === 'sum') {
        const target = recordById.get(c.record);
        if (target === undefined)
          throw invalid(`record ${JSON.stringify(c.record)} is not declared`, [...at, 'record']);
        if (c.kind === 'sum') {
          const summed = target.fieldByName.get(c.field);
          if (summed === undefined || summed.type !== 'decimal') {
            throw invalid(`${c.record}.${c.field} must be a decimal field`, [...at, 'field']);
          }
        }
      } else if (c.kind === 'importeConLetra') {
        if (!record.fieldByName.has(c.amountField))
          throw invalid(`no field ${c.amountField} in this record`, [...at, 'amountField']);
        if (c.currencyField !== undefined && !record.fieldByName.has(c.currencyField)) {
          throw invalid(`no field ${c.currencyField} in this record`, [...at, 'currencyField']);
        }
      }
    }
  }

  const variants = new Map<string, ReadonlySet<number>>();
  for (const [name, variant] of Object.entries(def.variants)) {
    const excluded = new Set<number>();
    variant.omitRecords.forEach((id, i) => {
      const record = recordById.get(id);
      if (record === undefined)
        throw invalid(`record ${JSON.stringify(id)} is not declared`, ['variants', name, 'omitRecords', i]);
      excluded.add(record.index);
    });
    // Children go with their parent: records are declared after their parents, so one pass suffices.
    for (const record of records) {
      if (record.parent !== undefined && excluded.has(record.parent.index)) excluded.add(record.index);
    }
    variants.set(name, excluded);
  }

  const constants = Object.entries(def.modelConstants).map(([p, value]) => {
    const segments = parsePath(p);
    const resolved = resolveModelPath(MODEL_ROOT, segments);
    if ('error' in resolved) throw invalid(resolved.error, ['modelConstants', p]);
    if (resolved.kind !== 'value' || segments.some((s) => s.array))
      throw invalid(`${p} is not a single model value`, ['modelConstants', p]);
    return { segments, value };
  });

  const omissions = def.omit.map((o, i): CompiledOmission => {
    const segments = parsePath(o.path);
    const resolved = resolveModelPath(MODEL_ROOT, segments);
    if ('error' in resolved) throw invalid(resolved.error, ['omit', i, 'path']);
    if (o.namespace !== undefined && resolved.kind !== 'xml') {
      throw invalid('namespace applies to carried XML elements (complemento[].xml, addenda[])', [
        'omit',
        i,
        'namespace',
      ]);
    }
    // The omission covers the whole value of its last key, array or not: match it without a trailing [].
    const pattern = formatSegments(segments).replace(/\[\]$/, '');
    return { pattern, namespace: o.namespace, reason: o.reason, report: o.report };
  });

  const prefixes = [...new Set(records.map((r) => r.prefix))].sort((a, b) => b.length - a.length);
  return {
    [COMPILED]: true,
    id: def.id,
    definition: def,
    records,
    topLevel,
    recordById,
    prefixes,
    codec,
    lineEnding: def.lineEnding,
    finalLineEnding: def.finalLineEnding,
    encoding: def.encoding,
    parameterDefaults: new Map(Object.entries(def.parameters).map(([k, v]) => [k, v.default])),
    variants,
    constants,
    omissions,
    topLevelSlots: topLevel.length,
  };
}

/**
 * Marks positional sibling records whose paths enter the same model array first. Parsing appends
 * their items in text order, which is definition order; a model holding them in another order
 * (a pagos item before an impuestosLocales item) cannot come back as it was.
 */
function markSharedArrays(records: readonly CompiledRecord[]): void {
  const groups = new Map<string, CompiledRecord[]>();
  const shapes = new Map<CompiledRecord, SharedArray>();
  for (const record of records) {
    if (record.path === undefined || record.link !== undefined) continue;
    const first = record.path.findIndex((s) => s.array);
    if (first < 0) continue;
    const leading = record.path.slice(0, first + 1);
    const prefix = formatSegments(leading);
    // A property adds its key to an item's path, an array its key and the index.
    const indexAt = leading.reduce((n, s) => n + (s.array ? 2 : 1), 0) - 1;
    const key = `${record.parent?.index ?? -1}\u0000${prefix}`;
    const group = groups.get(key) ?? [];
    group.push(record);
    groups.set(key, group);
    shapes.set(record, { prefix, indexAt });
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const record of group) record.sharedArray = shapes.get(record);
  }
}

function codecProblem(codec: LineCodec, value: string): { message: string } | undefined {
  const problem = codec.unrepresentable(value);
  return problem === undefined ? undefined : { message: problem };
}

/** The records a variant leaves out; throws `code` for a variant the layout does not declare. */
export function excludedRecords(
  layout: CompiledLayout,
  variant: string | undefined,
  code: 'LAYOUT_RENDER_FAILED' | 'LAYOUT_PARSE_FAILED',
): ReadonlySet<number> {
  if (variant === undefined) return NO_RECORDS;
  const excluded = layout.variants.get(variant);
  if (excluded === undefined) {
    const known = [...layout.variants.keys()];
    throw new CfdiLayoutError(
      code,
      `layout ${layout.id} has no variant ${JSON.stringify(variant)}${known.length === 0 ? '' : ` (variants: ${known.join(', ')})`}`,
    );
  }
  return excluded;
}

const NO_RECORDS: ReadonlySet<number> = new Set();
