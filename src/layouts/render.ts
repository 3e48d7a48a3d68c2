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
import type { LayoutDefinition } from './definition.js';
import { LAYOUT_ISSUE_CODES, type LayoutIssue, modelIssue, showValue } from './layout-issues.js';
import { getAt, itemsAt, type ModelObject, type PathItem } from './model-path.js';
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
  const unrepresentable = layout.codec.unrepresentable(value);
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

/** Fills computed fields once every line is known, then escapes and joins the lines. */
function finishText(
  layout: CompiledLayout,
  drafts: LineDraft[],
  issues: LayoutIssue[],
  keepGiven: ReadonlySet<LineDraft> | undefined,
  lineEnding: string,
  finalLineEnding: boolean,
): string {
  const counts = new Array<number>(layout.records.length).fill(0);
  for (const draft of drafts) counts[draft.record.index] = (counts[draft.record.index] ?? 0) + 1;
  let sums: Map<string, Money | ExactSum> | undefined;
  drafts.forEach((draft, lineIndex) => {
    if (!draft.record.hasComputed) return;
    for (const field of draft.record.fields) {
      const computed = field.computed;
      if (computed === undefined) continue;
      if (keepGiven?.has(draft) === true && draft.values[field.index] !== '') continue;
      let value: string | undefined;
      if (computed.kind === 'lineCount') value = String(drafts.length);
      else if (computed.kind === 'recordCount') {
        const target = layout.recordById.get(computed.record);
        value = String(target === undefined ? 0 : (counts[target.index] ?? 0));
      } else if (computed.kind === 'sum') {
        sums ??= computeSums(layout, drafts);
        const total = sums.get(`${computed.record}\u0000${computed.field}`) ?? new Money(0);
        if (total instanceof ExactSum)
          value = field.decimals === undefined ? total.value.toFixed() : total.text(field.decimals);
        else
          value =
            field.decimals === undefined
              ? total.toFixed()
              : total.toFixed(field.decimals, Money.ROUND_HALF_UP);
      } else {
        const amount = draft.values[draft.record.fieldByName.get(computed.amountField)?.index ?? -1] ?? '';
        const currency =
          computed.currencyField === undefined
            ? 'MXN'
            : draft.values[draft.record.fieldByName.get(computed.currencyField)?.index ?? -1] || 'MXN';
        if (amount === '') value = '';
        else {
          try {
            value = importeConLetra(amount, currency);
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
            value = '';
          }
        }
      }
      draft.values[field.index] = value;
    }
  });
  if (issues.some((i) => i.severity === 'error')) return '';
  const { codec } = layout;
  const separator = codec.separator;
  const plain = codec.escapeChar === undefined;
  // Every piece of the text in one list, joined once: the text is copied a single time.
  const parts: string[] = [];
  for (let i = 0; i < drafts.length; i++) {
    const { record, values } = drafts[i] as LineDraft;
    if (i > 0) parts.push(lineEnding);
    parts.push(record.prefix, record.id);
    for (const value of values) parts.push(separator, plain ? value : codec.encode(value));
    parts.push(record.suffix);
  }
  if (finalLineEnding) parts.push(lineEnding);
  return parts.join('');
}

function computeSums(layout: CompiledLayout, drafts: readonly LineDraft[]): Map<string, Money | ExactSum> {
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
      for (const draft of drafts) {
        if (draft.record !== target) continue;
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
  const compiled = compileLayout(layout);
  const excluded = excludedRecords(compiled, options.variant, 'LAYOUT_RENDER_FAILED');
  const parameters = resolveParameters(compiled, options.parameters);
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
  checkCoverage(compiled, excluded, model, issues);

  const drafts: LineDraft[] = [];
  const root: PathItem = { node: model, path: [] };

  const emit = (
    record: CompiledRecord,
    item: PathItem | undefined,
    linkKey: string | undefined,
  ): LineDraft | undefined => {
    const values = new Array<string>(record.fields.length);
    let mapped = false;
    for (const field of record.fields) {
      let value: string;
      if (field.computed !== undefined) {
        values[field.index] = '';
        continue;
      }
      if (field.linkKey) value = linkKey ?? '';
      else if (field.parameter !== undefined) value = parameters.get(field.parameter) ?? '';
      else if (field.path !== undefined && item !== undefined) {
        const raw = getAt(item.node, field.path);
        if (raw === undefined || raw === '') value = field.defaultValue ?? '';
        else if (typeof raw !== 'string') {
          const path = valuePath(record, field, item, undefined);
          issues.push(
            modelIssue(
              LAYOUT_ISSUE_CODES.fieldType,
              'error',
              path,
              `${path.join('.')} is not a text value (${typeof raw})`,
            ),
          );
          values[field.index] = '';
          continue;
        } else {
          mapped = true;
          const written = field.codec.toLayout(raw);
          if (written === undefined) {
            const path = valuePath(record, field, item, undefined);
            const problem = field.codec.check(raw);
            issues.push(
              modelIssue(
                problem?.code ?? LAYOUT_ISSUE_CODES.fieldType,
                'error',
                path,
                `${describeField(record, field, path, undefined)}: ${showValue(raw)} cannot be written in this field${problem === undefined ? '' : ` (${problem.message})`}`,
              ),
            );
            values[field.index] = '';
            continue;
          }
          value = written;
        }
      } else value = field.defaultValue ?? '';
      values[field.index] = acceptValue(compiled, record, field, value, item, undefined, issues) ? value : '';
    }
    // A record mapped onto its parent's own node, and optional, exists only when it carries something.
    if (record.path !== undefined && record.path.length === 0 && record.min === 0 && !mapped)
      return undefined;
    const draft = { record, values };
    drafts.push(draft);
    return draft;
  };

  // Per parent node and shared array: the highest item index written so far, and by which record.
  const written = new WeakMap<
    ModelObject,
    Map<string, { index: number; record: CompiledRecord; item: PathItem }>
  >();
  const keepsOrder = (
    record: CompiledRecord,
    shared: SharedArray,
    parent: PathItem,
    item: PathItem,
  ): boolean => {
    const index = item.path[parent.path.length + shared.indexAt];
    if (typeof index !== 'number') return true;
    let perArray = written.get(parent.node);
    if (perArray === undefined) {
      perArray = new Map();
      written.set(parent.node, perArray);
    }
    const highest = perArray.get(shared.prefix);
    if (highest !== undefined && highest.record !== record && index < highest.index) {
      issues.push(
        modelIssue(
          LAYOUT_ISSUE_CODES.recordOrder,
          'error',
          item.path,
          `${item.path.join('.')} (${record.name}) comes before ${highest.item.path.join('.')} (${highest.record.name}), but layout ${compiled.id} writes record ${highest.record.id} before record ${record.id}: the order of ${shared.prefix} would change`,
        ),
      );
      return false;
    }
    if (highest === undefined || index > highest.index) perArray.set(shared.prefix, { index, record, item });
    return true;
  };

  const renderUnder = (record: CompiledRecord, parent: PathItem | undefined): void => {
    if (excluded.has(record.index)) return;
    if (record.path === undefined || parent === undefined) {
      // Record-level only: the model has nothing for it, so the lines it must have are written from defaults.
      for (let i = 0; i < record.min; i++) emit(record, undefined, undefined);
      return;
    }
    const items = itemsAt(parent, record.path);
    checkCount(compiled, record, items.length, parent, issues);
    for (const item of items) {
      if (record.sharedArray !== undefined && !keepsOrder(record, record.sharedArray, parent, item)) continue;
      if (emit(record, item, undefined) === undefined) continue;
      for (const child of record.children) renderUnder(child, item);
    }
  };

  const renderLinked = (record: CompiledRecord): void => {
    const link = record.link;
    const parentRecord = record.parent;
    if (
      excluded.has(record.index) ||
      link === undefined ||
      parentRecord?.path === undefined ||
      record.path === undefined
    ) {
      return;
    }
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
        issues.push(
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
        issues.push(
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
      checkCount(compiled, record, children.length, parentItem, issues);
      for (const child of children) emit(record, child, key);
    }
  };

  // Definition order is text order: top-level records and linked records where they are declared,
  // positional children right after their parent line.
  for (const record of compiled.records) {
    if (record.parent === undefined) renderUnder(record, root);
    else if (record.link !== undefined) renderLinked(record);
  }
  const text = finishText(compiled, drafts, issues, undefined, compiled.lineEnding, compiled.finalLineEnding);
  return { text, issues };
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
