import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliOutputSchema } from '../../cli/output-schema.js';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The built binary these tests spawn. `CFDI_LAYOUT_CLI` points them at another build of the same
 * sources (a private `tsc --outDir` while other builds rewrite `dist/`); it defaults to `dist/cli/main.js`.
 */
export const CLI = process.env.CFDI_LAYOUT_CLI ?? join(ROOT, 'dist/cli/main.js');

/** What a run of the binary left behind. */
export interface CliRun {
  /** The exit code; `null` only when a signal ended the process. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the run, spawn included. */
  readonly ms: number;
}

/** How to run the binary. */
export interface RunOptions {
  /** Standard input; stdin is closed empty when absent, so no command waits for a terminal. */
  readonly input?: string | Buffer;
  /** Variables added to the environment (NO_COLOR is always set). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory. Defaults to the repository root. */
  readonly cwd?: string;
  /** Kill the process and fail after this long. Defaults to 30 s. */
  readonly timeoutMs?: number;
}

/** Fails with a clear message when the binary was not built (`npm run build`; `npm test` builds first). */
export function assertCliBuilt(): void {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} does not exist: run \`npm run build\` first (the pretest script of npm test does)`,
    );
  }
}

/** Spawns `node dist/cli/main.js ...args` and collects its exit code and output. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  assertCliBuilt();
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `cfdi-layout ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${Buffer.concat(err).toString('utf8').slice(0, 2000)}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - started,
      });
    });
    // A command that exits before reading its input closes the pipe: that is not the test's failure.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** The `--json` document every command prints (schemas/cli-output.schema.json). */
export type CliDocument = ReturnType<typeof CliOutputSchema.parse>;

/** A run with `--json`: its stdout parsed and checked against the published document schema. */
export interface JsonRun extends CliRun {
  readonly doc: CliDocument;
}

/**
 * Runs the binary with `--json` appended and parses stdout as exactly one document of the published
 * schema; fails with the raw output when stdout is anything else.
 */
export async function runJson(args: readonly string[], options: RunOptions = {}): Promise<JsonRun> {
  const run = await runCli([...args, '--json'], options);
  let value: unknown;
  try {
    value = JSON.parse(run.stdout);
  } catch (e) {
    throw new Error(
      `cfdi-layout ${args.join(' ')} --json did not print one JSON document (${String(e)}); exit ${run.code}\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 2000)}`,
    );
  }
  const parsed = CliOutputSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `cfdi-layout ${args.join(' ')} --json printed a document outside schemas/cli-output.schema.json: ${parsed.error.message}`,
    );
  }
  return { ...run, doc: parsed.data };
}

/** Stack frames (`    at fn (file:1:2)`) in a text: what a user must never see without --debug. */
export const STACK_FRAME = /^\s+at .*(?:\(|file:|node:|\/).*:\d+(?::\d+)?\)?\s*$/m;

/** A scratch folder for one test file, removed by the returned `cleanup`. */
export function scratchDir(prefix: string): {
  dir: string;
  file: (name: string, content: string | Buffer) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), `cfdi-cli-${prefix}-`));
  return {
    dir,
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
