/** How serious an issue is: errors make a document invalid, warnings do not. */
export type Severity = 'error' | 'warning';

/** A path into a document, as array segments (`['conceptos', 2, 'importe']`). */
export type IssuePath = ReadonlyArray<string | number>;

/**
 * One finding about a document. SAT rules use the SAT code exactly (`CFDI40108`); the
 * library's own checks use upper snake case codes (`XSD_PATTERN`, `LAYOUT_FIELD_TYPE`).
 */
export interface Issue {
  readonly code: string;
  readonly path: IssuePath;
  readonly message: string;
  readonly severity: Severity;
}

/** An issue as printed at the edges: the path joined with dots (`conceptos.2.importe`). */
export interface IssueJson {
  readonly code: string;
  readonly path: string;
  readonly message: string;
  readonly severity: Severity;
}

/** Joins a path with dots: `['conceptos', 2, 'importe']` → `conceptos.2.importe`. */
export function formatPath(path: IssuePath): string {
  return path.join('.');
}

/** Converts an issue to its printed form. */
export function issueToJson(issue: Issue): IssueJson {
  return { code: issue.code, path: formatPath(issue.path), message: issue.message, severity: issue.severity };
}

/** Builds an error-severity issue. */
export function error(code: string, path: IssuePath, message: string): Issue {
  return { code, path, message, severity: 'error' };
}

/** Builds a warning-severity issue. */
export function warning(code: string, path: IssuePath, message: string): Issue {
  return { code, path, message, severity: 'warning' };
}

/** True when any issue has error severity. */
export function hasErrors(issues: Iterable<Issue>): boolean {
  for (const issue of issues) if (issue.severity === 'error') return true;
  return false;
}
