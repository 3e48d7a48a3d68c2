import type { IssuePath } from '../issues.js';
import { type Comprobante, ComprobanteSchema } from '../model/comprobante.js';
import { validateComprobante } from '../rules/index.js';
import { type CompiledLayout, compileLayout } from './compile.js';
import type { LayoutDefinition } from './definition.js';
import { describeLocation, LAYOUT_ISSUE_CODES, type LayoutIssue } from './layout-issues.js';
import { type ParseLayoutOptions, parseLayout } from './parse.js';

/*
 * Validation of a layout text composes the layers in order (STYLE 10): the text's structure and
 * field types, the model it makes, then the SAT rules on that model, each SAT issue pointed back at
 * the line and field that wrote the value.
 */

type Node = Record<string, unknown>;

function valueAt(node: unknown, path: IssuePath): unknown {
  let current = node;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function setValue(node: Node, path: IssuePath, value: unknown): boolean {
  let current: unknown = node;
  for (let i = 0; i < path.length - 1; i++) {
    current = (current as Record<string | number, unknown>)[path[i] as string | number];
    if (current === null || typeof current !== 'object') return false;
  }
  (current as Record<string | number, unknown>)[path[path.length - 1] as string | number] = value;
  return true;
}

/**
 * Fills what an incomplete draft lacks with empty values, so the SAT rules can still run on what the
 * text does say (a legacy layout without an emisor still gets its concept arithmetic checked). The
 * filled paths come back so that rule issues about them, already reported as missing, are dropped.
 */
function completeDraft(draft: Node): { comprobante: Comprobante; filled: IssuePath[] } {
  const doc = structuredClone(draft);
  const filled: IssuePath[] = [];
  for (let pass = 0; pass < 8; pass++) {
    const checked = ComprobanteSchema.safeParse(doc);
    if (checked.success) break;
    let changed = false;
    for (const issue of checked.error.issues) {
      if (issue.code !== 'invalid_type' || issue.path.length === 0) continue;
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      if (valueAt(doc, path) !== undefined) continue;
      const empty =
        issue.expected === 'object'
          ? {}
          : issue.expected === 'array'
            ? []
            : issue.expected === 'string'
              ? ''
              : undefined;
      if (empty !== undefined && setValue(doc, path, empty)) {
        filled.push(path);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return { comprobante: doc as unknown as Comprobante, filled };
}

function startsWith(path: IssuePath, prefix: IssuePath): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (String(path[i]) !== String(prefix[i])) return false;
  return true;
}

/**
 * Validates a layout text: structure, field types and escaping (layout codes), the completeness of
 * the comprobante it makes, and the SAT rules (`CFDI40167`…) on that comprobante, each located at
 * the line, record, field and column that wrote the value (`line 6, record 05 (concepto), field
 * importe, column 47: …`). Collects every issue; throws only for an unknown variant.
 */
export function validateLayoutText(
  layout: LayoutDefinition | CompiledLayout,
  text: string | Uint8Array,
  options: ParseLayoutOptions = {},
): LayoutIssue[] {
  const compiled = compileLayout(layout);
  const parsed = parseLayout(compiled, text, options);
  const issues: LayoutIssue[] = [...parsed.issues];
  if (parsed.records.length === 0) return issues;

  const { comprobante, filled } =
    parsed.comprobante === undefined
      ? completeDraft(parsed.draft)
      : { comprobante: parsed.comprobante, filled: [] };
  let ruleIssues: readonly LayoutIssue[];
  try {
    ruleIssues = validateComprobante(comprobante);
  } catch (err) {
    issues.push({
      code: LAYOUT_ISSUE_CODES.rulesFailed,
      path: [],
      message: `the SAT rules could not run on the comprobante the text makes: ${err instanceof Error ? err.message : String(err)}`,
      severity: 'error',
    });
    return issues;
  }
  for (const issue of ruleIssues) {
    if (filled.some((path) => startsWith(issue.path, path))) continue;
    const location = parsed.locate(issue.path);
    if (location === undefined) {
      issues.push(issue);
      continue;
    }
    const name = compiled.recordById.get(location.record)?.name;
    issues.push({ ...issue, message: `${describeLocation(location, name)}: ${issue.message}`, location });
  }
  return issues;
}
