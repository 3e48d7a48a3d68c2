import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import {
  DEFAULT_SANDBOX_CREDENTIALS,
  FAULT_KINDS,
  type FaultKind,
  startSandbox,
  type TralixExpireMethod,
} from '../../src/sandbox/index.js';
import { basicCredentials, type SandboxCredentials } from '../../src/sandbox/router.js';
import { PROVIDERS, SANDBOX_DEFAULT_PORT } from '../../src/senders/providers.js';
import { SECRET_ENV } from '../../src/senders/secret.js';
import { type GlobalArgs, runCommand, usage } from '../command.js';
import { writeText } from '../io.js';

interface SandboxArgs extends GlobalArgs {
  port?: number;
  'fail-rate'?: number;
  faults?: string;
  latency?: number;
  state?: string;
  'async-polls'?: number;
  'retry-after'?: number;
  seed?: number;
  quiet?: boolean;
  'tralix-expire-method'?: 'PUT' | 'POST' | 'both';
}

/**
 * The credentials the sandbox accepts: each from its CFDI_LAYOUT_* variable when set (so the senders
 * and the sandbox agree without further setup), else the sandbox default, which is printed.
 */
function credentialsFromEnv(): { credentials: SandboxCredentials; defaults: Array<[string, string]> } {
  const defaults: Array<[string, string]> = [];
  const pick = (env: string, fallback: string): string => {
    const value = process.env[env];
    if (value !== undefined && value !== '') return value;
    defaults.push([env, fallback]);
    return fallback;
  };
  const d = DEFAULT_SANDBOX_CREDENTIALS;
  const token = process.env[SECRET_ENV.tralixToken];
  // A Basic {Token} the senders will send stands for the user and password it encodes.
  const fromBasic = basicPair(process.env[SECRET_ENV.tralixBasic]);
  const credentials: SandboxCredentials = {
    tralix: {
      key: pick(SECRET_ENV.tralixKey, d.tralix.key),
      ...(token === undefined || token === '' ? {} : { token }),
      user: fromBasic?.user ?? pick(SECRET_ENV.tralixUser, d.tralix.user),
      password: fromBasic?.password ?? pick(SECRET_ENV.tralixPassword, d.tralix.password),
    },
    facturav4: {
      apiKey: pick(SECRET_ENV.facturav4ApiKey, d.facturav4.apiKey),
      secretKey: pick(SECRET_ENV.facturav4SecretKey, d.facturav4.secretKey),
    },
    facture: {
      user: pick(SECRET_ENV.factureUser, d.facture.user),
      password: pick(SECRET_ENV.facturePassword, d.facture.password),
    },
  };
  return { credentials, defaults };
}

/** The user and password a `Basic {Token}` (with or without `Basic `) encodes, if it encodes a pair. */
function basicPair(value: string | undefined): { user: string; password: string } | undefined {
  if (value === undefined || value === '') return undefined;
  return basicCredentials(`Basic ${value.trim().replace(/^Basic\s+/i, '')}`);
}

function parseFaults(text: string | undefined): readonly FaultKind[] {
  if (text === undefined) return FAULT_KINDS;
  const kinds = text.split(',').map((k) => k.trim());
  for (const k of kinds)
    if (!(FAULT_KINDS as readonly string[]).includes(k))
      throw usage(`--faults: ${k} is not one of ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}

function expireMethods(choice: SandboxArgs['tralix-expire-method']): readonly TralixExpireMethod[] {
  return choice === undefined || choice === 'both' ? ['PUT', 'POST'] : [choice];
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => () => resolve(signal);
    process.once('SIGINT', stop('SIGINT'));
    process.once('SIGTERM', stop('SIGTERM'));
  });
}

/** `cfdi-layout sandbox`: serves every provider API of the seeds on localhost until interrupted. */
export const sandboxCommand = {
  command: 'sandbox',
  describe: 'Serve the Tralix, Factu-Ramval, facturaonline and Facture emulators on localhost (Ctrl-C stops)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('port', {
        type: 'number',
        default: SANDBOX_DEFAULT_PORT,
        describe: 'Port on 127.0.0.1 (0 picks a free one)',
      })
      .option('fail-rate', {
        type: 'number',
        default: 0,
        describe: 'Probability 0..1 of a fault per provider request',
      })
      .option('faults', {
        type: 'string',
        describe: `Comma list of faults to inject (default all: ${FAULT_KINDS.join(',')})`,
      })
      .option('latency', { type: 'number', default: 0, describe: 'Milliseconds before each answer' })
      .option('state', {
        type: 'string',
        describe: 'JSON file to load the state from and save every change to',
      })
      .option('async-polls', {
        type: 'number',
        default: 2,
        describe: 'Status polls an async request stays EN_PROCESO',
      })
      .option('retry-after', {
        type: 'number',
        default: 1,
        describe: 'Retry-After seconds of an injected 429',
      })
      .option('seed', { type: 'number', default: 1, describe: 'Seed of the fault draws' })
      .option('tralix-expire-method', {
        choices: ['PUT', 'POST', 'both'] as const,
        default: 'both' as const,
        describe: 'Method /{keyEmpresa}/expired accepts; the other gets 405 (seed 000 writes both)',
      })
      .option('quiet', {
        type: 'boolean',
        describe: 'Do not log requests on stderr',
      }) as unknown as Argv<SandboxArgs>,
  handler: async (args: ArgumentsCamelCase<SandboxArgs>) => {
    const json = args.json === true;
    let listening = false;
    // With --json the one document is printed as soon as the sandbox listens (it then runs until
    // stopped); runCommand prints a document only when starting failed.
    const view: GlobalArgs = {
      ...args,
      get json() {
        return json && !listening;
      },
    };
    await runCommand('sandbox', view, async () => {
      const rate = args['fail-rate'] ?? 0;
      const port = args.port ?? SANDBOX_DEFAULT_PORT;
      if (!(rate >= 0 && rate <= 1)) throw usage('--fail-rate must be between 0 and 1');
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage('--port must be 0..65535');
      const { credentials, defaults } = credentialsFromEnv();
      const sandbox = await startSandbox({
        port,
        failRate: rate,
        faults: parseFaults(args.faults),
        latencyMs: args.latency ?? 0,
        asyncPolls: args['async-polls'] ?? 2,
        retryAfterSeconds: args['retry-after'] ?? 1,
        seed: args.seed ?? 1,
        tralixExpireMethods: expireMethods(args['tralix-expire-method']),
        credentials,
        ...(args.state === undefined ? {} : { statePath: args.state }),
        ...(args.quiet === true
          ? {}
          : { logger: { info: (m: string) => void process.stderr.write(`sandbox ${m}\n`) } }),
      });
      listening = true;
      const apis = Object.values(PROVIDERS).map((p) => ({
        api: p.api,
        title: p.title,
        baseUrl: sandbox.urls[p.api],
      }));
      if (json) {
        await writeText(
          process.stdout,
          `${JSON.stringify({ ok: true, command: 'sandbox', issues: [], outputs: { url: sandbox.url, apis } }, null, 2)}\n`,
        );
      } else {
        const lines = [
          `cfdi-layout sandbox listening on ${sandbox.url} (test data only; no fiscal validity)`,
          ...apis.map((a) => `  ${a.api.padEnd(18)} --base-url ${a.baseUrl}`),
        ];
        if (defaults.length > 0) {
          lines.push('Sandbox test credentials (variables you have not set); export them for the senders:');
          for (const [env, value] of defaults) lines.push(`  export ${env}=${value}`);
        }
        await writeText(process.stdout, `${lines.join('\n')}\n`);
      }
      const signal = await untilSignal();
      await sandbox.close();
      if (args.quiet !== true) await writeText(process.stderr, `sandbox stopped (${signal})\n`);
      return { ok: true };
    });
  },
} satisfies CommandModule<GlobalArgs, SandboxArgs>;
