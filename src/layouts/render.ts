import { CfdiLayoutError } from '../errors.js';
import type { IssuePath } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import { ExactSum, Money } from '../money.js';
import { importeConLetra } from '../text/importe-con-letra.js';
import {
  type CompiledField,
  type CompiledLayout,
  type CompiledRecord,
  compileLayout,
  excludedRecords,
  type SharedArray,
} from './compile.js';
import { checkCoverage } from './coverage.js';
import type { ComputedDefinition, LayoutDefinition } from './definition.js';
import { LAYOUT_ISSUE_CODES, type LayoutIssue, modelIssue, showValue } from './layout-issues.js';
import { getAt, itemsAt, type ModelObject, type PathItem, type PathSegment } from './model-path.js';
import { makeStructureTracker } from './structure.js';

/** Options of {@link renderLayout} and {@link renderRecords}. */
export interface RenderLayoutOptions {
  /** Values of the layout's parameters (connector, environment, version). Defaults to each parameter's declared default. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** A variant the layout declares (`ticket`: the insumo without a receptor). Defaults to the full layout. */
  readonly variant?: string;
}

/** Options of {@link renderRecords}. */
export interface RenderRecordsOptions extends RenderLayoutOptions {
  /** Line ending between records. Defaults to the definition's (pass a parse result's to keep a text's bytes). */
  readonly lineEnding?: '\n' | '\r\n';
  /** End the text with a line ending. Defaults to the definition's. */
  readonly finalLineEnding?: boolean;
}

/** A rendered layout text; `text` is empty whenever an issue is an error (the document is refused). */
export interface RenderedLayout {
  readonly text: string;
  readonly issues: LayoutIssue[];
}

/** One line at record level: its record id and its fields by name; missing fields take their default or computed value. */
export interface RecordInput {
  readonly id: string;
  readonly fields: Readonly<Record<string, string | undefined>>;
}

/** A line being rendered: its record and its values before escaping. */
interface LineDraft {
  readonly record: CompiledRecord;
  readonly values: string[];
}

/**
 * Path of a value in issues: the model path for mapped fields (renderLayout), the record-level line
 * for {@link renderRecords}, the parameter for parameter fields. Built only when an issue is raised.
 */
function valuePath(
  record: CompiledRecord,
  field: CompiledField,
  item: PathItem | undefined,
  recordIndex: number | undefined,
): IssuePath {
  if (recordIndex !== undefined) return ['records', recordIndex, field.name];
  if (field.parameter !== undefined) return ['parameters', field.parameter];
  if (field.path !== undefined && item !== undefined) return [...item.path, ...field.path.map((s) => s.key)];
  return ['layout', record.id, field.name];
}

function describeField(
  record: CompiledRecord,
  field: CompiledField,
  path: IssuePath,
  recordIndex: number | undefined,
): string {
  const where = recordIndex !== undefined ? `line ${recordIndex + 1}` : path.join('.');
  return `record ${record.id} (${record.name}), field ${field.name} (${where})`;
}

function resolveParameters(
  layout: CompiledLayout,
  given: Readonly<Record<string, string>> | undefined,
): Map<string, string> {
  const values = new Map(layout.parameterDefaults);
  if (given !== undefined) {
    for (const [name, value] of Object.entries(given)) {
      if (!values.has(name)) {
        const known = [...values.keys()];
        throw new CfdiLayoutError(
          'LAYOUT_RENDER_FAILED',
          `layout ${layout.id} has no parameter ${JSON.stringify(name)}${known.length === 0 ? '' : ` (parameters: ${known.join(', ')})`}`,
        );
      }
      values.set(name, value);
    }
  }
  return values;
}

/**
 * Checks one value about to be written: required, type, length, value map, and whether the text can
 * hold it (separator, line break, encoding). Pushes an issue and returns false when it cannot.
 */
function acceptValue(
  layout: CompiledLayout,
  record: CompiledRecord,
  field: CompiledField,
  value: string,
  item: PathItem | undefined,
  recordIndex: number | undefined,
  issues: LayoutIssue[],
): boolean {
  if (value === '') {
    if (!field.required) return true;
    const path = valuePath(record, field, item, recordIndex);
    issues.push(
      modelIssue(
        LAYOUT_ISSUE_CODES.fieldRequired,
        'error',
        path,
        `${describeField(record, field, path, recordIndex)} is required`,
      ),
    );
    return false;
  }
  const problem = field.codec.check(value);
  if (problem !== undefined) {
    const path = valuePath(record, field, item, recordIndex);
    issues.push(
      modelIssue(
        problem.code,
        'error',
        path,
        `${describeField(record, field, path, recordIndex)}: ${showValue(value)}: ${problem.message}`,
      ),
    );
    return false;
  }
  const unrepresentable = field.alwaysRepresentable ? undefined : layout.codec.unrepresentable(value);
  if (unrepresentable !== undefined) {
    const path = valuePath(record, field, item, recordIndex);
    issues.push(
      modelIssue(
        LAYOUT_ISSUE_CODES.valueUnrepresentable,
        'error',
        path,
        `${describeField(record, field, path, recordIndex)} ${unrepresentable}`,
      ),
    );
    return false;
  }
  return true;
}

/** A line of a text: written already, or a draft whose computed fields are filled once every line is known. */
type TextLine = string | LineDraft;

/**
 * Fills the drafts' computed fields once every line is known, then escapes and joins the lines.
 * `counts` are the lines per record index when the caller kept them (the drafts are counted otherwise).
 */
function finishText(
  layout: CompiledLayout,
  lines: readonly TextLine[],
  issues: LayoutIssue[],
  keepGiven: ReadonlySet<LineDraft> | undefined,
  lineEnding: string,
  finalLineEnding: boolean,
  counts?: readonly number[],
): string {
  let recordCounts = counts;
  let sums: Map<string, Money | ExactSum> | undefined;
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const draft = lines[lineIndex] as TextLine;
    if (typeof draft === 'string') continue;
    const { record, values } = draft;
    for (const field of record.computedFields) {
      const computed = field.computed as ComputedDefinition;
      if (keepGiven?.has(draft) === true && values[field.index] !== '') continue;
      let value: string;
      if (computed.kind === 'lineCount') value = String(lines.length);
      else if (computed.kind === 'recordCount') {
        recordCounts ??= countRecords(layout, lines);
        const target = layout.recordById.get(computed.record);
        value = String(target === undefined ? 0 : (recordCounts[target.index] ?? 0));
      } else if (computed.kind === 'sum') {
        sums ??= computeSums(layout, lines);
        const total = sums.get(`${computed.record}\u0000${computed.field}`) ?? new Money(0);
        if (total instanceof ExactSum)
          value = field.decimals === undefined ? total.value.toFixed() : total.text(field.decimals);
        else
          value =
            field.decimals === undefined
              ? total.toFixed()
              : total.toFixed(field.decimals, Money.ROUND_HALF_UP);
      } else value = wordsOf(draft, field, computed, lineIndex, issues);
      values[field.index] = value;
    }
  }
  if (issues.some((i) => i.severity === 'error')) return '';
  // Concatenated, not joined from a list of pieces: V8 builds the text as a rope and flattens it once,
  // which measured about twice as fast as Array.join over the ~200 short pieces of a ticket.
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) text += lineEnding;
    const line = lines[i] as TextLine;
    text += typeof line === 'string' ? line : lineText(layout, line.record, line.values);
  }
  if (finalLineEnding) text += lineEnding;
  return text;
}

/** One line as written: prefix, record id, each value after a separator (escaped under the escape policy), suffix. */
function lineText(layout: CompiledLayout, record: CompiledRecord, values: readonly string[]): string {
  const { codec } = layout;
  const separator = codec.separator;
  const plain = codec.escapeChar === undefined;
  let text = record.prefix + record.id;
  for (let k = 0; k < values.length; k++) {
    const value = values[k] as string;
    text += separator + (plain ? value : codec.encode(value));
  }
  return text + record.suffix;
}

/** Lines per record index, counting the drafts (every line of a record-level text is one). */
function countRecords(layout: CompiledLayout, lines: readonly TextLine[]): number[] {
  const counts = new Array<number>(layout.records.length).fill(0);
  for (const draft of lines) {
    if (typeof draft !== 'string') counts[draft.record.index] = (counts[draft.record.index] ?? 0) + 1;
  }
  return counts;
}

/** The importe con letra of a line, or '' with a warning when the amount or moneda has no words. */
function wordsOf(
  draft: LineDraft,
  field: CompiledField,
  computed: Extract<ComputedDefinition, { kind: 'importeConLetra' }>,
  lineIndex: number,
  issues: LayoutIssue[],
): string {
  const amount = draft.values[draft.record.fieldByName.get(computed.amountField)?.index ?? -1] ?? '';
  const currency =
    computed.currencyField === undefined
      ? 'MXN'
      : draft.values[draft.record.fieldByName.get(computed.currencyField)?.index ?? -1] || 'MXN';
  if (amount === '') return '';
  try {
    return importeConLetra(amount, currency);
  } catch (err) {
    issues.push(
      // Words are a printing aid: an unknown moneda is the SAT rules' finding, not a reason to refuse.
      modelIssue(
        LAYOUT_ISSUE_CODES.computedFailed,
        'warning',
        ['records', lineIndex, field.name],
        `record ${draft.record.id} (${draft.record.name}), field ${field.name}: no importe con letra for ${showValue(amount)} ${showValue(currency)}, left empty: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
    return '';
  }
}

/** The sums the layout's computed fields ask for, over the drafts of their records (the plan keeps those as drafts). */
function computeSums(layout: CompiledLayout, lines: readonly TextLine[]): Map<string, Money | ExactSum> {
  const sums = new Map<string, Money | ExactSum>();
  for (const record of layout.records) {
    for (const field of record.fields) {
      const c = field.computed;
      if (c?.kind !== 'sum') continue;
      const target = layout.recordById.get(c.record);
      const summed = target?.fieldByName.get(c.field);
      if (target === undefined || summed === undefined) continue;
      // Exact on scaled integers at the summed field's decimals; a value that is not a plain decimal
      // (a field without decimals may hold an exponent) takes the whole sum to Money.
      const exact = new ExactSum(summed.decimals ?? 6);
      let total: Money | undefined;
      for (const draft of lines) {
        if (typeof draft === 'string' || draft.record !== target) continue;
        const value = draft.values[summed.index] ?? '';
        if (value === '') continue;
        if (total !== undefined) total = total.plus(value);
        else if (!exact.add(value)) total = exact.value.plus(value);
      }
      sums.set(`${c.record}\u0000${c.field}`, total ?? exact);
    }
  }
  return sums;
}

/** How a field gets its value when a comprobante is rendered: decided once per plan. */
const COMPUTED = 0;
const LINK_KEY = 1;
const CONSTANT = 2;
const MODEL = 3;

/** One field of a {@link RecordPlan}. */
interface FieldStep {
  readonly field: CompiledField;
  readonly kind: typeof COMPUTED | typeof LINK_KEY | typeof CONSTANT | typeof MODEL;
  /** CONSTANT: the parameter's or default's value; MODEL: the default written when the model has none. */
  readonly value: string;
  /** `value` passes every check of {@link acceptValue}, so it is written without checking it again. */
  readonly accepted: boolean;
  /** MODEL: the property of a one-segment path, read without walking the path. */
  readonly key: string | undefined;
}

/** A record with its fields' value sources and its positional children, for one variant and parameter set. */
interface RecordPlan {
  readonly record: CompiledRecord;
  readonly steps: readonly FieldStep[];
  /**
   * The record's lines stay drafts until the text is finished: it has computed fields, or a sum adds
   * up one of its fields. Every other line is written as soon as its values are known.
   */
  readonly keepValues: boolean;
  /** Positional children the variant keeps, in definition order. */
  readonly children: readonly RecordPlan[];
}

/**
 * A layout compiled for rendering comprobantes with one variant and one set of parameter values:
 * parameter and default values resolved and checked once, the records the variant leaves out
 * dropped, one-segment model paths read as one property. Rendering then only reads the model.
 */
interface RenderPlan {
  readonly layout: CompiledLayout;
  readonly excluded: ReadonlySet<number>;
  /** Some field counts the lines of a record: rendering keeps the lines per record. */
  readonly countsRecords: boolean;
  /** Definition order: top-level records (rendered under the comprobante) and linked records. */
  readonly steps: ReadonlyArray<{ readonly plan: RecordPlan; readonly linked: boolean }>;
}

function makeRenderPlan(layout: CompiledLayout, options: RenderLayoutOptions): RenderPlan {
  const excluded = excludedRecords(layout, options.variant, 'LAYOUT_RENDER_FAILED');
  const parameters = resolveParameters(layout, options.parameters);
  const summed = new Set<string>();
  let countsRecords = false;
  for (const record of layout.records) {
    for (const field of record.computedFields) {
      if (field.computed?.kind === 'sum') summed.add(field.computed.record);
      if (field.computed?.kind === 'recordCount') countsRecords = true;
    }
  }
  const plans = new Map<number, RecordPlan>();
  const planOf = (record: CompiledRecord): RecordPlan => {
    const known = plans.get(record.index);
    if (known !== undefined) return known;
    const steps = record.fields.map((field): FieldStep => {
      let kind: FieldStep['kind'];
      let value = field.defaultValue ?? '';
      if (field.computed !== undefined) kind = COMPUTED;
      else if (field.linkKey) kind = LINK_KEY;
      else if (field.parameter !== undefined) {
        kind = CONSTANT;
        value = parameters.get(field.parameter) ?? '';
      } else kind = field.path === undefined ? CONSTANT : MODEL;
      // The check's verdict does not depend on the document, only the issue's path does: a value
      // that fails is checked again on each render so that the issue names the document's path.
      const accepted =
        (kind === CONSTANT || kind === MODEL) &&
        acceptValue(layout, record, field, value, undefined, undefined, []);
      const key = field.path?.length === 1 ? field.path[0]?.key : undefined;
      return { field, kind, value, accepted, key };
    });
    const plan: RecordPlan = {
      record,
      steps,
      keepValues: record.hasComputed || summed.has(record.id),
      children: record.children.filter((c) => !excluded.has(c.index)).map(planOf),
    };
    plans.set(record.index, plan);
    return plan;
  };
  const steps: Array<{ plan: RecordPlan; linked: boolean }> = [];
  for (const record of layout.records) {
    if (excluded.has(record.index)) continue;
    if (record.parent === undefined) steps.push({ plan: planOf(record), linked: false });
    else if (record.link !== undefined) steps.push({ plan: planOf(record), linked: true });
  }
  return { layout, excluded, countsRecords, steps };
}

/** What one render of a plan builds up. */
interface Rendering {
  readonly layout: CompiledLayout;
  readonly issues: LayoutIssue[];
  readonly lines: TextLine[];
  /** Lines per record index, when the plan counts them. */
  readonly counts: number[] | undefined;
  /** Per parent node and shared array: the highest item index written so far, and by which record. */
  written:
    | WeakMap<ModelObject, Map<string, { index: number; record: CompiledRecord; item: PathItem }>>
    | undefined;
}

/** `value` when it passes {@link acceptValue}, else '' (the issue is pushed). */
function checked(
  r: Rendering,
  record: CompiledRecord,
  field: CompiledField,
  value: string,
  item: PathItem | undefined,
): string {
  return acceptValue(r.layout, record, field, value, item, undefined, r.issues) ? value : '';
}

/**
 * Renders one line of a record from its model node, as a draft or written at once (see
 * `RecordPlan.keepValues`); false when an optional own-node record carries nothing.
 */
function emit(
  r: Rendering,
  plan: RecordPlan,
  item: PathItem | undefined,
  linkKey: string | undefined,
): boolean {
  const { record, steps } = plan;
  const { codec } = r.layout;
  const escapes = codec.escapeChar !== undefined;
  const separator = codec.separator;
  const values = plan.keepValues ? new Array<string>(steps.length) : undefined;
  let line = record.prefix + record.id;
  let mapped = false;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as FieldStep;
    const field = step.field;
    let out: string;
    if (step.kind === COMPUTED) out = '';
    else if (step.kind === LINK_KEY) out = checked(r, record, field, linkKey ?? '', item);
    else if (step.kind === MODEL && item !== undefined) {
      const raw =
        step.key === undefined ? getAt(item.node, field.path as readonly PathSegment[]) : item.node[step.key];
      if (raw === undefined || raw === '')
        out = step.accepted ? step.value : checked(r, record, field, step.value, item);
      else if (typeof raw !== 'string') {
        const path = valuePath(record, field, item, undefined);
        r.issues.push(
          modelIssue(
            LAYOUT_ISSUE_CODES.fieldType,
            'error',
            path,
            `${path.join('.')} is not a text value (${typeof raw})`,
          ),
        );
        out = '';
      } else {
        mapped = true;
        const layoutValue = field.codec.toLayout(raw);
        if (layoutValue === undefined) {
          const path = valuePath(record, field, item, undefined);
          const problem = field.codec.check(raw);
          r.issues.push(
            modelIssue(
              problem?.code ?? LAYOUT_ISSUE_CODES.fieldType,
              'error',
              path,
              `${describeField(record, field, path, undefined)}: ${showValue(raw)} cannot be written in this field${problem === undefined ? '' : ` (${problem.message})`}`,
            ),
          );
          out = '';
        } else out = checked(r, record, field, layoutValue, item);
      }
    } else out = step.accepted ? step.value : checked(r, record, field, step.value, item);
    if (values === undefined) line += separator + (escapes ? codec.encode(out) : out);
    else values[i] = out;
  }
  // A record mapped onto its parent's own node, and optional, exists only when it carries something.
  if (record.path !== undefined && record.path.length === 0 && record.min === 0 && !mapped) return false;
  r.lines.push(values === undefined ? line + record.suffix : { record, values });
  if (r.counts !== undefined) r.counts[record.index] = (r.counts[record.index] ?? 0) + 1;
  return true;
}

/** False, with a LAYOUT_RECORD_ORDER issue, when `item` would come out of its shared array's order. */
function keepsOrder(
  r: Rendering,
  record: CompiledRecord,
  shared: SharedArray,
  parent: PathItem,
  item: PathItem,
): boolean {
  const index = item.path[parent.path.length + shared.indexAt];
  if (typeof index !== 'number') return true;
  r.written ??= new WeakMap();
  let perArray = r.written.get(parent.node);
  if (perArray === undefined) {
    perArray = new Map();
    r.written.set(parent.node, perArray);
  }
  const highest = perArray.get(shared.prefix);
  if (highest !== undefined && highest.record !== record && index < highest.index) {
    r.issues.push(
      modelIssue(
        LAYOUT_ISSUE_CODES.recordOrder,
        'error',
        item.path,
        `${item.path.join('.')} (${record.name}) comes before ${highest.item.path.join('.')} (${highest.record.name}), but layout ${r.layout.id} writes record ${highest.record.id} before record ${record.id}: the order of ${shared.prefix} would change`,
      ),
    );
    return false;
  }
  if (highest === undefined || index > highest.index) perArray.set(shared.prefix, { index, record, item });
  return true;
}

/** Renders a record's lines under a model node, each followed by its positional children's. */
function renderUnder(r: Rendering, plan: RecordPlan, parent: PathItem): void {
  const record = plan.record;
  if (record.path === undefined) {
    // Record-level only: the model has nothing for it, so the lines it must have are written from defaults.
    for (let i = 0; i < record.min; i++) emit(r, plan, undefined, undefined);
    return;
  }
  const items = itemsAt(parent, record.path);
  checkCount(r.layout, record, items.length, parent, r.issues);
  for (const item of items) {
    if (record.sharedArray !== undefined && !keepsOrder(r, record, record.sharedArray, parent, item))
      continue;
    if (!emit(r, plan, item, undefined)) continue;
    for (const child of plan.children) renderUnder(r, child, item);
  }
}

/** Renders a linked record's lines, each parent item's children after all its parents, keyed by the parent's field. */
function renderLinked(r: Rendering, plan: RecordPlan, root: PathItem): void {
  const record = plan.record;
  const link = record.link;
  const parentRecord = record.parent;
  if (link === undefined || parentRecord?.path === undefined || record.path === undefined) return;
  const seen = new Map<string, IssuePath>();
  for (const parentItem of itemsAt(root, parentRecord.path)) {
    const children = itemsAt(parentItem, record.path);
    const keyPath = link.parentField.path ?? [];
    const rawKey = getAt(parentItem.node, keyPath);
    const key = typeof rawKey === 'string' ? (link.parentField.codec.toLayout(rawKey) ?? '') : '';
    if (children.length === 0) {
      if (key !== '') seen.set(key, parentItem.path);
      continue;
    }
    const keyModelPath = [...parentItem.path, ...keyPath.map((s) => s.key)];
    if (key === '') {
      r.issues.push(
        modelIssue(
          LAYOUT_ISSUE_CODES.valueUnrepresentable,
          'error',
          keyModelPath,
          `record ${record.id} (${record.name}) links to its ${parentRecord.name} by ${link.parentField.name}, which ${parentItem.path.join('.')} lacks`,
        ),
      );
      continue;
    }
    const other = seen.get(key);
    if (other !== undefined) {
      r.issues.push(
        modelIssue(
          LAYOUT_ISSUE_CODES.valueUnrepresentable,
          'error',
          keyModelPath,
          `record ${record.id} (${record.name}) links by ${link.parentField.name}, but ${showValue(key)} is also the key of ${other.join('.')}`,
        ),
      );
      continue;
    }
    seen.set(key, parentItem.path);
    checkCount(r.layout, record, children.length, parentItem, r.issues);
    for (const child of children) emit(r, plan, child, key);
  }
}

function renderWithPlan(plan: RenderPlan, comprobante: Comprobante): RenderedLayout {
  const compiled = plan.layout;
  const issues: LayoutIssue[] = [];
  const model = comprobante as unknown as ModelObject;

  for (const constant of compiled.constants) {
    const value = getAt(model, constant.segments);
    if (value !== undefined && value !== constant.value) {
      const path = constant.segments.map((s) => s.key);
      issues.push(
        modelIssue(
          LAYOUT_ISSUE_CODES.valueUnrepresentable,
          'error',
          path,
          `${path.join('.')} is ${showValue(String(value))}, but layout ${compiled.id} always means ${showValue(constant.value)}`,
        ),
      );
    }
  }
  checkCoverage(compiled, plan.excluded, model, issues);

  const r: Rendering = {
    layout: compiled,
    issues,
    lines: [],
    counts: plan.countsRecords ? new Array<number>(compiled.records.length).fill(0) : undefined,
    written: undefined,
  };
  const root: PathItem = { node: model, path: [] };
  // Definition order is text order: top-level records and linked records where they are declared,
  // positional children right after their parent line.
  for (const step of plan.steps) {
    if (step.linked) renderLinked(r, step.plan, root);
    else renderUnder(r, step.plan, root);
  }
  const text = finishText(
    compiled,
    r.lines,
    issues,
    undefined,
    compiled.lineEnding,
    compiled.finalLineEnding,
    r.counts,
  );
  return { text, issues };
}

/**
 * Prepares a layout for rendering many comprobantes with the same options: the variant, parameter
 * values and each field's value source are resolved once (see {@link renderLayout}, whose result each
 * call returns). Throws `LAYOUT_RENDER_FAILED` for an unknown variant or parameter.
 */
export function layoutRenderer(
  layout: LayoutDefinition | CompiledLayout,
  options: RenderLayoutOptions = {},
): (comprobante: Comprobante) => RenderedLayout {
  const plan = makeRenderPlan(compileLayout(layout), options);
  return (comprobante) => renderWithPlan(plan, comprobante);
}

/** Plans of the options renderLayout was called with, per layout; a handful at most in practice. */
const planCache = new WeakMap<CompiledLayout, Map<string, RenderPlan>>();
const PLAN_CACHE_LIMIT = 32;

function cachedPlan(compiled: CompiledLayout, options: RenderLayoutOptions): RenderPlan {
  let perLayout = planCache.get(compiled);
  if (perLayout === undefined) {
    perLayout = new Map();
    planCache.set(compiled, perLayout);
  }
  const key = JSON.stringify([options.variant ?? null, options.parameters ?? null]);
  let plan = perLayout.get(key);
  if (plan === undefined) {
    plan = makeRenderPlan(compiled, options);
    if (perLayout.size >= PLAN_CACHE_LIMIT) perLayout.clear();
    perLayout.set(key, plan);
  }
  return plan;
}

/**
 * Renders a comprobante in a layout. Values the text cannot hold (a separator or a line break under
 * the reject policy, a character outside the encoding, a value breaking its field's type or length)
 * and model content no record carries (other complements, addenda) come back as issues naming the
 * model path; the text is then empty, so nothing is ever dropped or mangled silently. Omissions the
 * definition declares (sello, timbre) are warnings. Throws `LAYOUT_RENDER_FAILED` for an unknown variant
 * or parameter.
 */
export function renderLayout(
  layout: LayoutDefinition | CompiledLayout,
  comprobante: Comprobante,
  options: RenderLayoutOptions = {},
): RenderedLayout {
  return renderWithPlan(cachedPlan(compileLayout(layout), options), comprobante);
}

function checkCount(
  layout: CompiledLayout,
  record: CompiledRecord,
  count: number,
  parent: PathItem,
  issues: LayoutIssue[],
): void {
  if (count >= record.min && count <= record.max) return;
  const where = parent.path.length === 0 ? 'the comprobante' : parent.path.join('.');
  const expected = count < record.min ? `at least ${record.min}` : `at most ${record.max}`;
  issues.push(
    modelIssue(
      LAYOUT_ISSUE_CODES.cardinality,
      'error',
      [...parent.path, ...(record.path ?? []).map((s) => s.key)],
      `${where} has ${count} ${record.name} item${count === 1 ? '' : 's'}; layout ${layout.id} writes ${expected} record${record.max === 1 ? '' : 's'} ${record.id}`,
    ),
  );
}

/**
 * Renders the record-level form: each line from its record id and named fields, so values the CFDI
 * model has no place for (observaciones, referencia, teléfono) are written back as they were parsed.
 * Fields left out take their parameter, default or computed value; given computed values are kept,
 * so parsed records render back to the same bytes. Structure, type and escaping problems come back as
 * issues with the record's position (`records.3.descripcion`), and the text is then empty.
 */
export function renderRecords(
  layout: LayoutDefinition | CompiledLayout,
  records: readonly RecordInput[],
  options: RenderRecordsOptions = {},
): RenderedLayout {
  const compiled = compileLayout(layout);
  const excluded = excludedRecords(compiled, options.variant, 'LAYOUT_RENDER_FAILED');
  const parameters = resolveParameters(compiled, options.parameters);
  const issues: LayoutIssue[] = [];
  const tracker = makeStructureTracker(compiled, excluded, issues, undefined);
  const drafts: LineDraft[] = [];
  const given = new Set<LineDraft>();

  records.forEach((input, index) => {
    const record = compiled.recordById.get(input.id);
    if (record === undefined) {
      issues.push(
        modelIssue(
          LAYOUT_ISSUE_CODES.recordUnknown,
          'error',
          ['records', index, 'id'],
          `record ${index + 1}: layout ${compiled.id} has no record ${showValue(input.id)}`,
        ),
      );
      return;
    }
    if (excluded.has(record.index)) {
      issues.push(
        modelIssue(
          LAYOUT_ISSUE_CODES.recordNotAllowed,
          'error',
          ['records', index, 'id'],
          `record ${index + 1}: variant ${options.variant ?? ''} of layout ${compiled.id} leaves out record ${record.id} (${record.name})`,
        ),
      );
      return;
    }
    for (const name of Object.keys(input.fields)) {
      if (!record.fieldByName.has(name) && input.fields[name] !== undefined) {
        issues.push(
          modelIssue(
            LAYOUT_ISSUE_CODES.fieldUnknown,
            'error',
            ['records', index, name],
            `record ${index + 1}: record ${record.id} (${record.name}) has no field ${showValue(name)}`,
          ),
        );
      }
    }
    const values = new Array<string>(record.fields.length);
    for (const field of record.fields) {
      const givenValue = Object.hasOwn(input.fields, field.name) ? input.fields[field.name] : undefined;
      let value: string;
      if (givenValue !== undefined) value = givenValue;
      else if (field.computed !== undefined) {
        values[field.index] = '';
        continue;
      } else if (field.parameter !== undefined) value = parameters.get(field.parameter) ?? '';
      else value = field.defaultValue ?? '';
      // A computed field left empty is filled later; only a written value is checked now.
      if (field.computed !== undefined && value === '') {
        values[field.index] = '';
        continue;
      }
      values[field.index] = acceptValue(compiled, record, field, value, undefined, index, issues)
        ? value
        : '';
    }
    const draft: LineDraft = { record, values };
    drafts.push(draft);
    given.add(draft);
    tracker.add(record, drafts.length, values);
  });
  tracker.finish(drafts.length);
  const text = finishText(
    compiled,
    drafts,
    issues,
    given,
    options.lineEnding ?? compiled.lineEnding,
    options.finalLineEnding ?? compiled.finalLineEnding,
  );
  return { text, issues };
}
