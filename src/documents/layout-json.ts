import { z } from 'zod';
import type { Issue, IssuePath } from '../issues.js';
import {
  type CompiledLayout,
  compileLayout,
  LAYOUT_ISSUE_CODES,
  type LayoutDefinition,
  parseLayout,
  type RecordInput,
  renderLayout,
  renderRecords,
} from '../layouts/index.js';
import type { Comprobante } from '../model/comprobante.js';
import { inSchemaOrder } from '../model/order.js';
import { validateComprobante } from '../rules/index.js';
import { LOSSY_PARSE_CODES } from './records.js';

/**
 * The key of a model JSON read from a layout under which the text's lines travel when the model
 * alone cannot give the text back: the fields the model has no place for (observaciones,
 * referencia, teléfono, computed totals as written), each line's record id and the model node it
 * filled. `--to layout` writes those lines again, taking every other field from the model, so
 * edits in the model reach the text.
 */
export const LAYOUT_LINES_KEY = 'layoutLines';

/** The lines a model JSON carries under {@link LAYOUT_LINES_KEY}. */
export const LayoutLinesSchema = z
  .object({
    layout: z.string().describe('Id of the layout the text was read with'),
    lineEnding: z.enum(['\n', '\r\n']).describe('The line ending of the text'),
    finalLineEnding: z.boolean().describe('Whether the text ends with a line ending'),
    lines: z.array(
      z
        .object({
          id: z.string().describe('Record id of the line'),
          path: z
            .string()
            .optional()
            .describe(
              'Model node the line fills (conceptos.1; "" the comprobante); absent for record-level records',
            ),
          fields: z
            .record(z.string(), z.string())
            .describe(
              'Fields written as they stand here: those the model has no place for, and mapped ones the model would write otherwise',
            ),
        })
        .strict(),
    ),
  })
  .strict();

/** The value of {@link LAYOUT_LINES_KEY}. */
export type LayoutLines = z.infer<typeof LayoutLinesSchema>;

type Node = Record<string, unknown>;

function nodeAt(root: unknown, path: IssuePath): Node | undefined {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current !== null && typeof current === 'object' && !Array.isArray(current)
    ? (current as Node)
    : undefined;
}

function parsePathText(path: string): IssuePath {
  return path === '' ? [] : path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(node: Node | undefined, keys: readonly { key: string }[]): unknown {
  let current: unknown = node;
  for (const { key } of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Node)[key];
  }
  return current;
}

/** A model JSON written from a layout text, or the issues that refused it. */
export interface LayoutJsonConversion {
  readonly text?: string;
  readonly issues: Issue[];
}

/**
 * A layout text as model JSON. A text whose records make no complete comprobante (the legacy
 * record set has no emisor and no CFDI 4.0 catalog keys) gives the draft it fills, with what is
 * missing as warnings; SAT rules of a complete one are warnings too, as convert carries documents
 * as they are. When the model alone would not give the same text back, the lines travel under
 * {@link LAYOUT_LINES_KEY}. Refused only when the text holds lines no record can carry.
 */
export function layoutToModelJson(
  layout: LayoutDefinition | CompiledLayout,
  input: string | Uint8Array,
  options: { readonly variant?: string | undefined; readonly pretty?: boolean } = {},
): LayoutJsonConversion {
  const compiled = compileLayout(layout);
  const variant = options.variant === undefined ? {} : { variant: options.variant };
  const parsed = parseLayout(compiled, input, variant);
  if (
    parsed.records.length === 0 ||
    parsed.issues.some((i) => i.severity === 'error' && LOSSY_PARSE_CODES.has(i.code))
  )
    return { issues: parsed.issues };
  const issues: Issue[] = parsed.issues.map((i) => ({ ...i, severity: 'warning' }));
  const model = (parsed.comprobante ?? parsed.draft) as Comprobante;
  if (parsed.comprobante !== undefined)
    issues.push(
      ...validateComprobante(parsed.comprobante).map((i) => ({ ...i, severity: 'warning' as const })),
    );

  const text = typeof input === 'string' ? input : undefined;
  const needsLines =
    parsed.comprobante === undefined ||
    text === undefined ||
    parsed.issues.length > 0 ||
    renderLayout(compiled, parsed.comprobante, variant).text !== text;
  const out: Record<string, unknown> = { ...inSchemaOrder(model) };
  if (needsLines) {
    const lines: LayoutLines['lines'] = parsed.records.map((record) => {
      const compiledRecord = compiled.recordById.get(record.id);
      const node = record.path === undefined ? undefined : nodeAt(model, record.path);
      const fields: Record<string, string> = {};
      for (const field of compiledRecord?.fields ?? []) {
        const written = record.fields[field.name] ?? '';
        if (field.path !== undefined && record.path !== undefined && field.computed === undefined) {
          const value = valueAt(node, field.path);
          const fromModel =
            value === undefined || value === ''
              ? ''
              : typeof value === 'string'
                ? field.codec.toLayout(value)
                : undefined;
          if (fromModel === written) continue;
        }
        fields[field.name] = written;
      }
      return record.path === undefined
        ? { id: record.id, fields }
        : { id: record.id, path: record.path.join('.'), fields };
    });
    out[LAYOUT_LINES_KEY] = {
      layout: compiled.id,
      lineEnding: parsed.lineEnding,
      finalLineEnding: parsed.finalLineEnding,
      lines,
    } satisfies LayoutLines;
  }
  return { text: `${JSON.stringify(out, null, (options.pretty ?? true) ? 2 : undefined)}\n`, issues };
}

/** The model and its lines, when a JSON value carries {@link LAYOUT_LINES_KEY}. */
export function splitLayoutLines(value: unknown): { model: Node; lines: unknown } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (!Object.hasOwn(value, LAYOUT_LINES_KEY)) return undefined;
  const { [LAYOUT_LINES_KEY]: lines, ...model } = value as Node;
  return { model, lines };
}

/**
 * A model JSON with {@link LAYOUT_LINES_KEY} back to its layout text: each line again, its listed
 * fields as they stand, every other mapped field from the model node the line fills. Refused, with
 * issues naming the line and field, when a line's node is gone from the model, a model value cannot
 * be written in its field, or the lines were read with another layout.
 */
export function modelJsonToLayout(
  layout: LayoutDefinition | CompiledLayout,
  model: Node,
  linesValue: unknown,
  options: { readonly variant?: string | undefined } = {},
): LayoutJsonConversion {
  const compiled = compileLayout(layout);
  const checked = LayoutLinesSchema.safeParse(linesValue);
  if (!checked.success) {
    return {
      issues: checked.error.issues.map((z) => ({
        code: 'MODEL_INVALID',
        path: [LAYOUT_LINES_KEY, ...z.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
        message: `${[LAYOUT_LINES_KEY, ...z.path.map(String)].join('.')}: ${z.message}`,
        severity: 'error',
      })),
    };
  }
  const lines = checked.data;
  const issues: Issue[] = [];
  if (lines.layout !== compiled.id) {
    issues.push({
      code: LAYOUT_ISSUE_CODES.unsupportedContent,
      path: [LAYOUT_LINES_KEY, 'layout'],
      message: `the lines were read with layout ${lines.layout}; write them with --layout ${lines.layout}, not ${compiled.id}`,
      severity: 'error',
    });
    return { issues };
  }
  const records: RecordInput[] = lines.lines.map((line, n) => {
    const record = compiled.recordById.get(line.id);
    const fields: Record<string, string> = { ...line.fields };
    if (record === undefined || line.path === undefined) return { id: line.id, fields };
    const node = nodeAt(model, parsePathText(line.path));
    if (node === undefined) {
      issues.push({
        code: LAYOUT_ISSUE_CODES.unsupportedContent,
        path: [LAYOUT_LINES_KEY, 'lines', n, 'path'],
        message: `line ${n + 1} (record ${record.id}, ${record.name}) fills ${line.path || 'the comprobante'}, which the JSON no longer has: remove the line or restore the node`,
        severity: 'error',
      });
      return { id: line.id, fields };
    }
    for (const field of record.fields) {
      if (field.path === undefined || field.computed !== undefined || Object.hasOwn(fields, field.name))
        continue;
      const value = valueAt(node, field.path);
      if (value === undefined || value === '') fields[field.name] = '';
      else {
        const written = typeof value === 'string' ? field.codec.toLayout(value) : undefined;
        const where = [...parsePathText(line.path), ...field.path.map((s) => s.key)];
        if (written === undefined) {
          issues.push({
            code: LAYOUT_ISSUE_CODES.fieldType,
            path: where,
            message: `${where.join('.')}: ${JSON.stringify(value)} cannot be written in field ${field.name} of record ${record.id} (${record.name})`,
            severity: 'error',
          });
        } else fields[field.name] = written;
      }
    }
    return { id: line.id, fields };
  });
  if (issues.length > 0) return { issues };
  const rendered = renderRecords(compiled, records, {
    ...(options.variant === undefined ? {} : { variant: options.variant }),
    lineEnding: lines.lineEnding,
    finalLineEnding: lines.finalLineEnding,
  });
  const all: Issue[] = rendered.issues.map((i) =>
    i.path[0] === 'records' ? { ...i, path: [LAYOUT_LINES_KEY, 'lines', ...i.path.slice(1)] } : i,
  );
  return all.some((i) => i.severity === 'error') ? { issues: all } : { text: rendered.text, issues: all };
}
