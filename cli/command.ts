import type { CommandModule } from 'yargs';
import { CfdiLayoutError, ERROR_CLASSES } from '../src/errors.js';
import { formatPath, type Issue, type IssueJson, issueToJson } from '../src/issues.js';
import type { ArgTable, OptionTable } from './arg-table.js';
import { writeText } from './io.js';

/** Options every command understands. */
export interface GlobalArgs {
  json?: boolean | undefined;
  debug?: boolean | undefined;
}

/** The options of {@link GlobalArgs}, declared on the yargs parser and read by the binary's fast path. */
export const globalOptions = {
  json: { type: 'boolean', describe: 'Print one JSON document {ok, command, issues, outputs}' },
  debug: { type: 'boolean', describe: 'Print stack traces of unexpected errors' },
} as const satisfies OptionTable;

/**
 * A command module whose arguments are a table: yargs declares them from it, and the binary may parse
 * them without loading yargs (`parseTable`).
 */
export type TableCommand<A> = CommandModule<GlobalArgs, A> & {
  readonly args: ArgTable;
  readonly handler: (args: A) => Promise<void>;
};

/** What a command handler returns; the wrapper prints it and sets the exit code. */
export interface CommandResult {
  /** False when the command's domain work failed (invalid document, rejected rows, provider said no). */
  ok: boolean;
  issues?: ReadonlyArray<Issue | IssueJson>;
  /** Machine-readable results for `--json` (paths written, counts, documents). */
  outputs?: unknown;
  /** Exit code override (defaults: 0 when ok, 1 otherwise). */
  exitCode?: 0 | 1 | 2;
}

/** The document `--json` prints (schema in `schemas/cli-output.schema.json`). */
export interface JsonDocument {
  ok: boolean;
  command: string;
  issues: IssueJson[];
  outputs: unknown;
}

/** A usage mistake the user can fix by changing the command line (exit 2). */
export function usage(message: string): CfdiLayoutError {
  return new CfdiLayoutError('USAGE', message);
}

function toJsonIssue(issue: Issue | IssueJson): IssueJson {
  return typeof issue.path === 'string' ? (issue as IssueJson) : issueToJson(issue as Issue);
}

function describeLocation(err: CfdiLayoutError): string {
  const loc = err.location;
  if (loc === undefined) return '';
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column !== undefined) parts.push(`column ${loc.column}`);
  if (loc.record !== undefined) parts.push(`record ${loc.record}`);
  if (loc.field !== undefined) parts.push(`field ${loc.field}`);
  if (loc.path !== undefined && loc.path.length > 0) parts.push(`path ${formatPath(loc.path)}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/**
 * Prints issues on stderr, one line each: `error CFDI40108 subTotal: message`, after `FILE: ` when
 * the issue names the file it is about.
 */
export async function printIssues(issues: ReadonlyArray<Issue | IssueJson>): Promise<void> {
  if (issues.length === 0) return;
  const lines = issues.map((raw) => {
    const i = toJsonIssue(raw);
    const file = (i as { file?: unknown }).file;
    const where = typeof file === 'string' ? `${file}: ` : '';
    return `${where}${i.severity} ${i.code}${i.path === '' ? '' : ` ${i.path}`}: ${i.message}`;
  });
  await writeText(process.stderr, `${lines.join('\n')}\n`);
}

/**
 * Runs a command body and maps its outcome to output and an exit code: 0 ok, 1 domain failure,
 * 2 usage, I/O or unexpected error (a thrown error by {@link exitCodeOfError}). Never calls
 * `process.exit`; sets `process.exitCode`.
 */
export async function runCommand(
  command: string,
  args: GlobalArgs,
  body: () => Promise<CommandResult>,
): Promise<void> {
  let result: CommandResult;
  try {
    result = await body();
  } catch (err) {
    const issue = errorToIssue(err);
    if (args.debug === true && err instanceof Error && err.stack !== undefined) {
      await writeText(process.stderr, `${err.stack}\n`);
    }
    const exitCode = exitCodeOfError(err);
    result = { ok: false, issues: [issue], exitCode };
    if (args.json !== true) {
      await writeText(process.stderr, `error ${issue.code}: ${issue.message}\n`);
      process.exitCode = exitCode;
      return;
    }
  }
  const issues = (result.issues ?? []).map(toJsonIssue);
  const exitCode = result.exitCode ?? (result.ok ? 0 : 1);
  if (args.json === true) {
    const doc: JsonDocument = { ok: result.ok, command, issues, outputs: result.outputs ?? null };
    await writeText(process.stdout, `${JSON.stringify(doc, null, 2)}\n`);
  } else {
    await printIssues(issues);
  }
  process.exitCode = exitCode;
}

/**
 * The exit code of an error that stopped a command: 1 for a {@link ERROR_CLASSES} `domain` code
 * (the data is wrong), 2 for usage, I/O and anything unexpected.
 */
export function exitCodeOfError(err: unknown): 1 | 2 {
  return err instanceof CfdiLayoutError && ERROR_CLASSES[err.code] === 'domain' ? 1 : 2;
}

/** Turns any thrown value into an issue; unexpected errors keep their message but never a stack. */
export function errorToIssue(err: unknown): IssueJson {
  if (err instanceof CfdiLayoutError) {
    return {
      code: err.code,
      path: err.location?.path === undefined ? '' : formatPath(err.location.path),
      message: `${err.message}${describeLocation(err)}`,
      severity: 'error',
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'UNEXPECTED', path: '', message, severity: 'error' };
}
