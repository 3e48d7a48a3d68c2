import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CfdiLayoutError } from '../errors.js';
import type { Issue } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import { validateComprobante } from '../rules/index.js';
import type { ProviderApi } from '../senders/providers.js';
import { PROVIDERS } from '../senders/providers.js';
import { readArchivoFuente } from './archivo-fuente.js';
import { FACTURAV4_ROUTES } from './facturav4.js';
import { FACTURE_ROUTES } from './facture.js';
import { seededRandom } from './prng.js';
import {
  type ArchivoFuenteReader,
  json,
  matchRoute,
  type Route,
  type SandboxCredentials,
  type SandboxEnv,
  type SandboxReply,
  type TralixExpireMethod,
  text,
} from './router.js';
import { emptyState, type SandboxState } from './state.js';
import { TRALIX_ROUTES } from './tralix.js';

/**
 * Faults the sandbox can inject: `500` (refused before any work), `lost` (work done, then the
 * connection is cut before the answer), `drop` (connection cut before any work) and `429` (with
 * `Retry-After`).
 */
export type FaultKind = '500' | 'lost' | 'drop' | '429';

/** Every {@link FaultKind}. */
export const FAULT_KINDS: readonly FaultKind[] = ['500', 'lost', 'drop', '429'];

/**
 * The sandbox's default credentials: Tralix's are the seed 000 examples (keyEmpresa
 * `b391655a…`, Basic `dGVwb3g6dGVwb3g=` = tepox:tepox); the others are plain test values.
 */
export const DEFAULT_SANDBOX_CREDENTIALS: SandboxCredentials = {
  tralix: { key: 'b391655ac2242d85ddd36d37b482259b1b7dfc1c', user: 'tepox', password: 'tepox' },
  facturav4: { apiKey: 'sandbox-api-key', secretKey: 'sandbox-secret-key' },
  facture: { user: 'facture-demo', password: 'facture-demo-password' },
};

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Port to listen on. Defaults to 0 (any free port); the CLI uses 8572. */
  readonly port?: number;
  /** Interface to bind. Defaults to 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Probability in [0, 1] that a provider request gets a fault. Defaults to 0. */
  readonly failRate?: number;
  /** Which faults to draw from. Defaults to all of {@link FAULT_KINDS}. */
  readonly faults?: readonly FaultKind[];
  /** `Retry-After` seconds of an injected 429. Defaults to 1. */
  readonly retryAfterSeconds?: number;
  /** Delay before each answer. Defaults to 0. */
  readonly latencyMs?: number;
  /** Loads the state from this JSON file when it exists and saves every change to it. */
  readonly statePath?: string;
  /** Initial state (ignored when `statePath` exists). Defaults to {@link emptyState}. */
  readonly state?: SandboxState;
  readonly credentials?: SandboxCredentials;
  /** Clock. Defaults to `() => new Date()`. */
  readonly now?: () => Date;
  /** UUID generator. Defaults to `crypto.randomUUID`. */
  readonly ids?: () => string;
  /** Source of fault draws. Defaults to a PRNG seeded with `seed`. */
  readonly random?: () => number;
  /** Seed of the default fault PRNG. Defaults to 1. */
  readonly seed?: number;
  /** Status polls an async request answers `EN_PROCESO` to; the last of them carries the uuid. Defaults to 2. */
  readonly asyncPolls?: number;
  /**
   * Methods `PUT|POST /{keyEmpresa}/expired` accepts; the other one gets `405 Method Not Allowed`
   * with `Allow`, as a Tralix installed for only one of seed 000's two methods would answer.
   * Defaults to both.
   */
  readonly tralixExpireMethods?: readonly TralixExpireMethod[];
  /** Reads a Tralix `archivoFuente`. Defaults to {@link readArchivoFuente} (built-in layouts, then SAT rules). */
  readonly readArchivoFuente?: ArchivoFuenteReader;
  /** SAT rules applied before stamping. Defaults to `validateComprobante`. */
  readonly validate?: (c: Comprobante) => Issue[];
  /** Request log (method, masked path, status). */
  readonly logger?: { info(message: string): void };
  /** Largest request body accepted. Defaults to 32 MiB. */
  readonly maxBodyBytes?: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The base URL of each provider API, to pass as `--base-url`. */
  readonly urls: Readonly<Record<ProviderApi, string>>;
  /** The live state (tests assert on it). */
  readonly state: SandboxState;
  /** Stops listening, closes connections and writes the state file. */
  close(): Promise<void>;
}

function adminRoutes(reset: () => void): Route[] {
  return [
    {
      methods: ['GET'],
      pattern: /^\/__sandbox\/state$/,
      admin: true,
      handle: (_r, env) => json(200, env.state),
    },
    {
      methods: ['POST'],
      pattern: /^\/__sandbox\/reset$/,
      admin: true,
      mutates: true,
      handle: () => {
        reset();
        return json(200, { reset: true });
      },
    },
  ];
}

/** Every route of the sandbox, in the order a request is matched: the providers', then the admin ones. */
export function sandboxRoutes(reset: () => void): Route[] {
  return [...TRALIX_ROUTES, ...FACTURAV4_ROUTES, ...FACTURE_ROUTES, ...adminRoutes(reset)];
}

/** Hides Tralix's keyEmpresa, the first path segment after /tralix, in logs. */
function maskPath(path: string): string {
  return path.replace(/^\/tralix\/[^/]+/, '/tralix/***');
}

async function loadState(path: string | undefined, initial: SandboxState | undefined): Promise<SandboxState> {
  if (path !== undefined) {
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as SandboxState;
      if (parsed.version !== 1)
        throw new CfdiLayoutError('IO', `sandbox state ${path} has an unknown version`);
      return parsed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        if (err instanceof CfdiLayoutError) throw err;
        throw new CfdiLayoutError(
          'IO',
          `cannot read sandbox state ${path}: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
    }
  }
  return initial ?? emptyState();
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: SandboxReply): void {
  const body =
    reply.body === undefined || reply.status === 204
      ? undefined
      : typeof reply.body === 'string'
        ? Buffer.from(reply.body, 'utf8')
        : reply.body;
  res.writeHead(reply.status, {
    ...reply.headers,
    ...(body === undefined ? {} : { 'content-length': String(body.byteLength) }),
  });
  res.end(body);
}

/**
 * Starts the provider emulators on one loopback port: Tralix under `/tralix`, Factu-Ramval under
 * `/facturamval/api`, facturaonline under `/facturaonline/api`, Facture under `/facture`, and
 * sandbox-only admin routes under `/__sandbox`.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const state = await loadState(options.statePath, options.state);
  const ids = options.ids ?? randomUUID;
  const random = options.random ?? seededRandom(options.seed ?? 1);
  const failRate = options.failRate ?? 0;
  const faults = options.faults ?? FAULT_KINDS;
  const latency = options.latencyMs ?? 0;
  const maxBody = options.maxBodyBytes ?? 32 * 1024 * 1024;
  let origin = '';
  const env: SandboxEnv = {
    state,
    credentials: options.credentials ?? DEFAULT_SANDBOX_CREDENTIALS,
    origin: () => origin,
    now: options.now ?? (() => new Date()),
    uuid: () => ids().toUpperCase(),
    hexId: () => ids().replace(/-/g, '').toLowerCase(),
    asyncPolls: Math.max(1, options.asyncPolls ?? 2),
    tralixExpireMethods: options.tralixExpireMethods ?? ['PUT', 'POST'],
    readArchivoFuente: options.readArchivoFuente ?? readArchivoFuente,
    validate: options.validate ?? validateComprobante,
  };
  const reset = (): void => {
    const fresh = emptyState();
    state.tralix = fresh.tralix;
    state.facturav4 = fresh.facturav4;
    state.facture = fresh.facture;
    state.stats = fresh.stats;
  };
  const routes = sandboxRoutes(reset);

  let saving: Promise<void> = Promise.resolve();
  let dirty = false;
  const save = (): void => {
    const path = options.statePath;
    if (path === undefined || dirty) return;
    dirty = true;
    // Coalesced: at most one write in flight and one queued; written whole, then renamed into place.
    saving = saving.then(async () => {
      dirty = false;
      const temp = `${path}.tmp`;
      await writeFile(temp, JSON.stringify(state));
      await rename(temp, path);
    });
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, text(500, `sandbox error: ${err instanceof Error ? err.message : String(err)}`));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const found = matchRoute(routes, method, url.pathname, env);
    const route = found !== undefined && 'route' in found ? found.route : undefined;
    const params = found !== undefined && 'route' in found ? found.params : {};
    state.stats.requests++;
    const log = (status: string): void =>
      options.logger?.info(`${method} ${maskPath(url.pathname)} ${status}`);
    const fault =
      route !== undefined && route.admin !== true && failRate > 0 && random() < failRate
        ? faults[Math.floor(random() * faults.length)]
        : undefined;
    if (fault !== undefined) state.stats.faults[fault] = (state.stats.faults[fault] ?? 0) + 1;
    if (fault === 'drop') {
      log('dropped (fault)');
      req.socket.destroy();
      return;
    }
    const body = await readBody(req, maxBody);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (body === undefined) return send(res, text(413, 'Payload Too Large'));
    if (found !== undefined && 'allow' in found) {
      log('405');
      return send(res, text(405, 'Method Not Allowed', { allow: found.allow.join(', ') }));
    }
    if (route === undefined) {
      log('404');
      return send(res, text(404, 'Not Found'));
    }
    if (fault === '500') {
      log('500 (fault)');
      return send(res, text(500, 'Internal Server Error'));
    }
    if (fault === '429') {
      log('429 (fault)');
      return send(
        res,
        text(429, 'Too Many Requests', { 'retry-after': String(options.retryAfterSeconds ?? 1) }),
      );
    }
    const reply = await route.handle(
      { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, params },
      env,
    );
    if (route.mutates === true) save();
    if (fault === 'lost') {
      log(`${reply.status} lost (fault)`);
      res.socket?.destroy();
      return;
    }
    log(String(reply.status));
    send(res, reply);
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new CfdiLayoutError(
          'IO',
          `cannot listen on ${host}:${options.port ?? 0}: ${err.code ?? err.message}`,
          { cause: err },
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${shownHost}:${address.port}`;
  const urls = Object.fromEntries(
    Object.values(PROVIDERS).map((p) => [p.api, `${origin}${p.sandboxPrefix}`]),
  ) as Record<ProviderApi, string>;
  return {
    url: origin,
    urls,
    state,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      save();
      await saving;
    },
  };
}
