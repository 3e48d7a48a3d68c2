import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { CfdiLayoutError } from '../src/errors.js';
import { type Issue, issueToJson } from '../src/issues.js';
import type { BatchReport, ItemOutcome } from '../src/senders/batch.js';
import { exitCodeOf } from '../src/senders/batch.js';
import type { SenderClientOptions } from '../src/senders/client.js';
import type { DescribedRequest, HttpClient, HttpRequest, Logger } from '../src/senders/http.js';
import type { ParsedItems } from '../src/senders/input.js';
import { type Journal, openJournal } from '../src/senders/journal.js';
import { type Operation, type Outcome, perform } from '../src/senders/outcome.js';
import { PROVIDERS, type ProviderApi } from '../src/senders/providers.js';
import { redactDeep, Secret, type SenderSecrets, secretsFromEnv } from '../src/senders/secret.js';
import { type CommandResult, type GlobalArgs, usage } from './command.js';
import { writeText } from './io.js';

/** Options every provider command takes. */
export interface SenderArgs extends GlobalArgs {
  'base-url'?: string | undefined;
  host?: string | undefined;
  config?: string | undefined;
  'dry-run'?: boolean | undefined;
  insecure?: boolean | undefined;
  timeout?: number | undefined;
  retries?: number | undefined;
  quiet?: boolean | undefined;
}

/** Options of provider commands that send many items. */
export interface BatchArgs extends SenderArgs {
  journal?: string | undefined;
  concurrency?: number | undefined;
  'resend-unknown'?: boolean | undefined;
}

/** Adds the options every provider command takes. */
export function withSenderOptions<T>(y: Argv<T>) {
  return y
    .option('base-url', { type: 'string', describe: 'Provider base URL (overrides --host and the config)' })
    .option('host', {
      type: 'string',
      describe:
        "Named host preset: production, sandbox (the provider's), local (cfdi-layout sandbox; CFDI_LAYOUT_SANDBOX_URL moves it)",
    })
    .option('config', {
      type: 'string',
      describe:
        'Config file with providers.<api>.baseUrl (and .sucursal) (default: ./cfdi-layout.config.json when present)',
    })
    .option('dry-run', { type: 'boolean', describe: 'Print the requests (secrets masked) and send nothing' })
    .option('insecure', { type: 'boolean', describe: 'Allow plain http:// to a host other than loopback' })
    .option('timeout', { type: 'number', describe: 'Per-attempt timeout in milliseconds (default 30000)' })
    .option('retries', {
      type: 'number',
      describe: 'Retries after the first attempt, where repeating is safe (default 3)',
    })
    .option('quiet', { type: 'boolean', describe: 'Do not report retries on stderr' });
}

/** Adds the options of batch commands. */
export function withBatchOptions<T>(y: Argv<T>) {
  return withSenderOptions(y)
    .option('journal', {
      type: 'string',
      describe: 'JSON-lines journal: records each outcome; a rerun sends nothing already stored',
    })
    .option('concurrency', { type: 'number', default: 4, describe: 'Requests in flight at once' })
    .option('resend-unknown', {
      type: 'boolean',
      describe: 'Send again items whose earlier request may or may not have been processed',
    });
}

/**
 * The config file's `providers.<key>` entry for an API (the sales config's `providers` map), trying
 * the API's config keys in order (`tralix-async`, then `tralix`); undefined without a config file.
 */
async function configProvider(
  api: ProviderApi,
  path: string | undefined,
): Promise<Record<string, unknown> | undefined> {
  const file = path ?? 'cfdi-layout.config.json';
  if (path === undefined && !existsSync(file)) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    throw new CfdiLayoutError(
      'CONFIG_INVALID',
      `cannot read config ${file}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err, location: { file } },
    );
  }
  const providers = (config as { providers?: Record<string, unknown> } | null)?.providers;
  for (const key of PROVIDERS[api].configKeys) {
    const entry = providers?.[key];
    if (entry !== null && typeof entry === 'object') return entry as Record<string, unknown>;
  }
  return undefined;
}

/** The base URL the config file gives an API: `providers.<key>.baseUrl`. */
async function configBaseUrl(api: ProviderApi, path: string | undefined): Promise<string | undefined> {
  const url = (await configProvider(api, path))?.baseUrl;
  return typeof url === 'string' ? url : undefined;
}

/**
 * The branch id for an API that takes one: `--sucursal`, else the config's `providers.<key>.sucursal`,
 * else undefined.
 */
export async function resolveSucursal(
  api: ProviderApi,
  args: SenderArgs & { sucursal?: string | number | undefined },
): Promise<string | undefined> {
  if (args.sucursal !== undefined) {
    const given = String(args.sucursal);
    if (given === '') throw usage('--sucursal must not be empty');
    return given;
  }
  const configured = (await configProvider(api, args.config))?.sucursal;
  if (configured === undefined) return undefined;
  if (typeof configured !== 'string' || configured === '')
    throw new CfdiLayoutError(
      'CONFIG_INVALID',
      `providers.${PROVIDERS[api].configKeys[0]}.sucursal must be a non-empty string`,
      { location: { file: args.config ?? 'cfdi-layout.config.json' } },
    );
  return configured;
}

/** The base URL for an API: `--base-url`, else `--host`, else the config, else the API's default host. */
export async function resolveBaseUrl(api: ProviderApi, args: SenderArgs): Promise<string> {
  const provider = PROVIDERS[api];
  if (args['base-url'] !== undefined) return args['base-url'];
  if (args.host === 'local' && process.env.CFDI_LAYOUT_SANDBOX_URL) {
    // A sandbox started on another port (`cfdi-layout sandbox --port N`) is named once, for every API.
    return `${process.env.CFDI_LAYOUT_SANDBOX_URL.replace(/\/+$/, '')}${provider.sandboxPrefix}`;
  }
  if (args.host !== undefined) {
    const url = provider.hosts[args.host];
    if (url === undefined)
      throw usage(
        `--host ${args.host} is not a preset of ${provider.title}; presets: ${Object.keys(provider.hosts).join(', ')}`,
      );
    return url;
  }
  const configured = await configBaseUrl(api, args.config);
  if (configured !== undefined) return configured;
  const fallback = provider.defaultHost === undefined ? undefined : provider.hosts[provider.defaultHost];
  if (fallback !== undefined) return fallback;
  throw usage(
    `${provider.title} has no public host: pass --base-url, --host (${Object.keys(provider.hosts).join(', ')}) or providers.${provider.configKeys[0]}.baseUrl in the config`,
  );
}

/** A logger writing retries to stderr (diagnostics), silent with --quiet. */
export function stderrLogger(args: SenderArgs): Logger {
  return {
    warn: (message) => (args.quiet === true ? undefined : void process.stderr.write(`warning ${message}\n`)),
  };
}

/** HTTP core options from the command line. */
export async function clientOptions(api: ProviderApi, args: SenderArgs): Promise<SenderClientOptions> {
  if (args.retries !== undefined && (!Number.isInteger(args.retries) || args.retries < 0))
    throw usage('--retries must be a whole number ≥ 0');
  if (args.timeout !== undefined && !(args.timeout > 0))
    throw usage('--timeout must be a positive number of milliseconds');
  return {
    baseUrl: await resolveBaseUrl(api, args),
    insecure: args.insecure === true,
    logger: stderrLogger(args),
    ...(args.timeout === undefined ? {} : { timeoutMs: args.timeout }),
    ...(args.retries === undefined ? {} : { retry: { maxAttempts: args.retries + 1 } }),
  };
}

const PLACEHOLDER = '<unset>';

/**
 * The credentials from the environment. For `--dry-run`, a missing one is replaced by a
 * placeholder (printed masked like any secret) and named on stderr, since nothing is sent.
 */
export async function credentialsFor<K extends keyof SenderSecrets>(
  provider: K,
  envNames: Partial<Record<keyof SenderSecrets[K], string>>,
  args: SenderArgs,
): Promise<SenderSecrets[K]> {
  const secrets = secretsFromEnv(process.env)[provider];
  if (args['dry-run'] !== true) return secrets;
  const filled: Record<string, Secret | undefined> = { ...(secrets as Record<string, Secret | undefined>) };
  for (const [field, env] of Object.entries(envNames) as Array<[string, string]>) {
    if (filled[field] === undefined) {
      filled[field] = new Secret(PLACEHOLDER);
      await writeText(process.stderr, `note: ${env} is not set (dry run; a real run needs it)\n`);
    }
  }
  return filled as SenderSecrets[K];
}

/** Opens the journal named by --journal, masking the client's secrets in what it writes. */
export async function journalFor(args: BatchArgs, http: HttpClient): Promise<Journal | undefined> {
  return args.journal === undefined ? undefined : openJournal(args.journal, { redact: http.redact });
}

/** Keeps the batch's journal (when --journal is given) open while `send` runs, closing it even on failure. */
export async function withJournal<T>(
  args: BatchArgs,
  http: HttpClient,
  send: (journal: Journal | undefined) => Promise<T>,
): Promise<T> {
  const journal = await journalFor(args, http);
  try {
    return await send(journal);
  } finally {
    await journal?.close();
  }
}

/** Checks --concurrency. */
export function concurrencyOf(args: BatchArgs): number {
  const value = args.concurrency ?? 4;
  if (!Number.isInteger(value) || value < 1 || value > 256)
    throw usage('--concurrency must be a whole number from 1 to 256');
  return value;
}

function formatRequest(request: DescribedRequest): string {
  const headers = Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`);
  return [
    `${request.method} ${request.url}`,
    ...headers,
    ...(request.body === undefined ? [] : ['', request.body]),
  ].join('\n');
}

/** The `--dry-run` answer: each request described (method, masked URL, masked headers, body); nothing sent. */
export async function dryRun(
  http: HttpClient,
  requests: readonly HttpRequest[],
  args: GlobalArgs,
  issues: readonly Issue[] = [],
): Promise<CommandResult> {
  const described = requests.map((r) => http.describe(r));
  if (args.json !== true)
    await writeText(process.stdout, described.map((d) => `${formatRequest(d)}\n`).join('\n'));
  return { ok: issues.length === 0, issues, outputs: { dryRun: true, requests: described } };
}

function itemJson(
  outcome: ItemOutcome<unknown>,
  shape: (result: unknown) => unknown,
): Record<string, unknown> {
  return {
    index: outcome.index,
    key: outcome.key,
    status: outcome.status,
    resumed: outcome.resumed,
    attempts: outcome.attempts,
    ...(outcome.result === undefined ? {} : { result: shape(outcome.result) }),
    ...(outcome.issues.length === 0 ? {} : { issues: outcome.issues.map(issueToJson) }),
  };
}

/**
 * A batch's answer: one JSON line per item on stdout (or `outputs.items` with --json), a summary on
 * stderr, every issue listed, and the exit code of the outcomes (2 transport, 1 refused, 0 stored).
 */
export async function batchResult(
  name: string,
  report: BatchReport<unknown>,
  http: HttpClient,
  args: GlobalArgs,
  inputIssues: readonly Issue[] = [],
  shape: (result: unknown) => unknown = (r) => r,
): Promise<CommandResult> {
  const items = report.outcomes.map((o) =>
    redactDeep(itemJson(o as ItemOutcome<unknown>, shape), http.redact),
  );
  const counts = report.counts;
  if (args.json !== true) {
    await writeText(process.stdout, items.map((i) => `${JSON.stringify(i)}\n`).join(''));
    const parts = Object.entries(counts)
      .filter(([k, v]) => v > 0 && k !== 'resumed')
      .map(([k, v]) => `${v} ${k}`);
    const resumed = counts.resumed > 0 ? ` (${counts.resumed} from the journal, not sent again)` : '';
    const invalid =
      inputIssues.length > 0
        ? `; ${new Set(inputIssues.map((i) => i.path[0])).size} input items invalid, not sent`
        : '';
    await writeText(
      process.stderr,
      `${name}: ${parts.join(', ') || 'nothing to send'}${resumed}${invalid}\n`,
    );
  }
  const issues = [
    ...inputIssues,
    ...report.outcomes.flatMap((o) =>
      o.issues.map((i) => ({
        ...i,
        path: i.path.length > 0 && typeof i.path[0] === 'number' ? i.path : [o.index, ...i.path],
        message: http.redact(i.message),
      })),
    ),
  ];
  const code = Math.max(
    exitCodeOf(report.outcomes),
    inputIssues.some((i) => i.severity === 'error') ? 1 : 0,
  ) as 0 | 1 | 2;
  return { ok: code === 0, issues, outputs: { counts, items }, exitCode: code };
}

/**
 * A single operation's answer: `print` writes the data to stdout in text mode; --json carries it in
 * `outputs`; the exit code follows the outcome.
 */
export async function outcomeResult<R>(
  outcome: Outcome<R>,
  http: HttpClient,
  args: GlobalArgs,
  print: (result: R) => Promise<void> | void,
  shape: (result: R) => unknown = (r) => r,
): Promise<CommandResult> {
  if (args.json !== true && outcome.result !== undefined) await print(outcome.result);
  const code = exitCodeOf([outcome]);
  return {
    ok: code === 0,
    issues: outcome.issues.map((i) => ({ ...i, message: http.redact(i.message) })),
    outputs: redactDeep(
      {
        status: outcome.status,
        attempts: outcome.attempts,
        ...(outcome.result === undefined ? {} : { result: shape(outcome.result) }),
      },
      http.redact,
    ),
    exitCode: code,
  };
}

/**
 * One provider operation as a command: with --dry-run the request it would send (masked), else the
 * operation performed and its answer printed (as pretty JSON unless `print` says otherwise).
 */
export async function runOperation<I, R>(
  http: HttpClient,
  operation: Operation<I, R>,
  input: I,
  args: GlobalArgs & { 'dry-run'?: boolean | undefined },
  print: (result: R) => Promise<void> | void = (r) => printJson(r, http),
): Promise<CommandResult> {
  if (args['dry-run'] === true) return dryRun(http, [operation.request(input)], args);
  return outcomeResult(await perform(http, operation, input), http, args, print);
}

/** Prints a JSON value on stdout, pretty. */
export async function printJson(value: unknown, http: HttpClient): Promise<void> {
  await writeText(process.stdout, `${JSON.stringify(redactDeep(value, http.redact), null, 2)}\n`);
}

/**
 * Sends a file's valid items as one batch: with --dry-run, prints the requests they would make;
 * otherwise sends them under the journal and reports each outcome at its item's input position,
 * with the issues of the items that could not be read.
 */
export async function sendBatch<T>(
  name: string,
  args: BatchArgs,
  http: HttpClient,
  parsed: ParsedItems<T>,
  batch: {
    readonly requests: (values: T[]) => readonly HttpRequest[];
    readonly send: (values: T[], journal: Journal | undefined) => Promise<BatchReport<unknown>>;
  },
): Promise<CommandResult> {
  const values = parsed.items.map((i) => i.value);
  if (args['dry-run'] === true) return dryRun(http, batch.requests(values), args, parsed.issues);
  const report = await withJournal(args, http, (journal) => batch.send(values, journal));
  return batchResult(
    name,
    remapIndexes(
      report,
      parsed.items.map((i) => i.index),
    ),
    http,
    args,
    parsed.issues,
  );
}

/** Maps a batch's item positions (among the valid items) back to their positions in the input. */
export function remapIndexes<R>(report: BatchReport<R>, inputIndexes: readonly number[]): BatchReport<R> {
  const map = (i: number): number => inputIndexes[i] ?? i;
  return {
    counts: report.counts,
    outcomes: report.outcomes.map((o) => ({
      ...o,
      index: map(o.index),
      issues: o.issues.map((issue) =>
        typeof issue.path[0] === 'number'
          ? { ...issue, path: [map(issue.path[0]), ...issue.path.slice(1)] }
          : issue,
      ),
    })),
  };
}
