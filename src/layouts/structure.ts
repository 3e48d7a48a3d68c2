import type { CompiledField, CompiledLayout, CompiledRecord } from './compile.js';
import { LAYOUT_ISSUE_CODES, type LayoutIssue, textIssue } from './layout-issues.js';
import type { PathItem } from './model-path.js';

/*
 * The record tree of a text, line by line: which parent each line belongs to (the nearest open
 * parent line for positional children, the line with the same key for linked ones), how many lines
 * of each record every parent has, and whether the header and trailer sit where they must. Parsing
 * and record-level rendering share it, so both report the same problems with the same words.
 */

/** One line placed in the record tree. */
export interface Instance {
  readonly record: CompiledRecord;
  readonly line: number;
  readonly values: readonly string[];
  readonly parent: Instance | undefined;
  /** Lines of each child record under this one, by slot. */
  readonly counts: number[];
  /** The model node the line fills, when the layout maps it. */
  item: PathItem | undefined;
}

const NO_COUNTS: number[] = [];

/** Places lines in the record tree and reports structure problems. */
export interface StructureTracker {
  /** Places one line; returns its instance, or `undefined` when it has no place (its parent is missing). */
  add(record: CompiledRecord, line: number, values: readonly string[]): Instance | undefined;
  /** Checks minimum counts and the trailer once every line is in; `lines` is the number of lines. */
  finish(lines: number): void;
  /** The pseudo-instance of the text itself (parent of top-level lines). */
  readonly root: Instance;
  /** Lines per record index, for computed counts. */
  readonly recordCounts: number[];
}

/** Builds a tracker for one text. */
export function makeStructureTracker(
  layout: CompiledLayout,
  excluded: ReadonlySet<number>,
  issues: LayoutIssue[],
  rootItem: PathItem | undefined,
): StructureTracker {
  const root: Instance = {
    record: undefined as unknown as CompiledRecord,
    line: 0,
    values: [],
    parent: undefined,
    counts: new Array<number>(layout.topLevelSlots).fill(0),
    item: rootItem,
  };
  const stack: Instance[] = [root];
  const withMinimums: Instance[] = [];
  // Parent field → key value → the line holding it (null when two lines hold the same key).
  const keyIndex = new Map<CompiledField, Map<string, Instance | null>>();
  const linkFields = new Map<CompiledRecord, CompiledField[]>();
  for (const record of layout.records) {
    const link = record.link;
    if (link === undefined || record.parent === undefined) continue;
    const list = linkFields.get(record.parent) ?? [];
    if (!list.includes(link.parentField)) list.push(link.parentField);
    linkFields.set(record.parent, list);
    keyIndex.set(link.parentField, new Map());
  }
  const recordCounts = new Array<number>(layout.records.length).fill(0);
  const hasMinimumChild = new Set<CompiledRecord>();
  for (const record of layout.records) {
    if (record.parent !== undefined && record.min > 0 && !excluded.has(record.index))
      hasMinimumChild.add(record.parent);
  }
  let previous: Instance | undefined;
  let seen = 0;

  const issue = (code: string, record: CompiledRecord, line: number, message: string): void => {
    issues.push(textIssue(code, 'error', { line, record: record.id, column: 1 }, record.name, message));
  };

  return {
    root,
    recordCounts,
    add(record, line, values) {
      seen++;
      if (previous !== undefined && previous.record.position === 'last') {
        issue(
          LAYOUT_ISSUE_CODES.recordOrder,
          previous.record,
          previous.line,
          `record ${previous.record.id} must be the last line`,
        );
      }
      if (record.position === 'first' && seen > 1) {
        issue(LAYOUT_ISSUE_CODES.recordOrder, record, line, `record ${record.id} must be the first line`);
      }
      recordCounts[record.index] = (recordCounts[record.index] ?? 0) + 1;

      let parent: Instance | undefined;
      const spec = record.parent;
      if (spec === undefined) {
        stack.length = 1;
        parent = root;
      } else if (record.link === undefined) {
        while (stack.length > 1 && (stack[stack.length - 1] as Instance).record !== spec) stack.pop();
        if (stack.length === 1) {
          issue(
            LAYOUT_ISSUE_CODES.recordOrder,
            record,
            line,
            `record ${record.id} (${record.name}) belongs to a record ${spec.id} (${spec.name}) and must follow one`,
          );
          return undefined;
        }
        parent = stack[stack.length - 1] as Instance;
      } else {
        stack.length = 1;
        const key = values[record.link.field.index] ?? '';
        const found = keyIndex.get(record.link.parentField)?.get(key);
        if (found === undefined || found === null) {
          issues.push(
            textIssue(
              LAYOUT_ISSUE_CODES.linkUnresolved,
              'error',
              { line, record: record.id, field: record.link.field.name, column: 1 },
              record.name,
              found === null
                ? `${JSON.stringify(key)} matches more than one record ${spec.id} (${spec.name}) by ${record.link.parentField.name}`
                : `${JSON.stringify(key)} matches no earlier record ${spec.id} (${spec.name}) by ${record.link.parentField.name}`,
            ),
          );
          return undefined;
        }
        parent = found;
      }

      const count = (parent.counts[record.slot] ?? 0) + 1;
      parent.counts[record.slot] = count;
      if (count === record.max + 1) {
        const owner = parent === root ? 'the text' : `the record ${parent.record.id} on line ${parent.line}`;
        issue(
          LAYOUT_ISSUE_CODES.cardinality,
          record,
          line,
          `${owner} may hold at most ${record.max} record${record.max === 1 ? '' : 's'} ${record.id} (${record.name})`,
        );
      }

      const instance: Instance = {
        record,
        line,
        values,
        parent,
        counts: record.slots === 0 ? NO_COUNTS : new Array<number>(record.slots).fill(0),
        item: undefined,
      };
      if (record.children.length > 0) stack.push(instance);
      if (hasMinimumChild.has(record)) withMinimums.push(instance);
      const keyFields = linkFields.get(record);
      if (keyFields !== undefined) {
        // Remember the key of every line a later line may link to, marking duplicates.
        for (const field of keyFields) {
          const index = keyIndex.get(field) as Map<string, Instance | null>;
          const key = values[field.index] ?? '';
          if (key !== '') index.set(key, index.has(key) ? null : instance);
        }
      }
      previous = instance;
      return instance;
    },
    finish(lines) {
      const end = Math.max(lines, 1);
      for (const record of layout.topLevel) {
        if (excluded.has(record.index)) continue;
        if ((root.counts[record.slot] ?? 0) < record.min) {
          issue(
            LAYOUT_ISSUE_CODES.cardinality,
            record,
            end,
            `the text needs ${record.min === 1 ? 'a' : `at least ${record.min}`} record ${record.id} (${record.name})`,
          );
        }
      }
      for (const instance of withMinimums) {
        for (const child of [...instance.record.children, ...instance.record.linkedChildren]) {
          if (excluded.has(child.index)) continue;
          if ((instance.counts[child.slot] ?? 0) < child.min) {
            issue(
              LAYOUT_ISSUE_CODES.cardinality,
              instance.record,
              instance.line,
              `record ${instance.record.id} (${instance.record.name}) needs ${child.min === 1 ? 'a' : `at least ${child.min}`} record ${child.id} (${child.name}) after it`,
            );
          }
        }
      }
    },
  };
}
