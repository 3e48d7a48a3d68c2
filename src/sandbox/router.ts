import type { IncomingHttpHeaders } from 'node:http';
import type { Issue } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import type { SandboxState } from './state.js';

/** A request as a sandbox route sees it: body read whole, path parameters named. */
export interface SandboxRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly params: Readonly<Record<string, string>>;
}

/** A route's answer. */
export interface SandboxReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** Reads a Tralix `archivoFuente` into a comprobante, or says why it cannot (layout and SAT issues). */
export type ArchivoFuenteReader = (archivoFuente: string) => {
  readonly comprobante?: Comprobante | undefined;
  readonly issues: readonly Issue[];
};

/** The credentials the sandbox accepts (its own test values, never a real provider's). */
export interface SandboxCredentials {
  readonly tralix: {
    readonly key: string;
    /** The `{Token}` of `PUT /{Token}/tickets` (seed 000). Defaults to `key`. */
    readonly token?: string | undefined;
    readonly user: string;
    readonly password: string;
  };
  readonly facturav4: { readonly apiKey: string; readonly secretKey: string };
  readonly facture: { readonly user: string; readonly password: string };
}

/** A method seed 000 gives for expiring a ticket: its table says PUT, its curl example POST. */
export type TralixExpireMethod = 'PUT' | 'POST';

/** What every route can use: the state, the clock, id generators and the injected validators. */
export interface SandboxEnv {
  readonly state: SandboxState;
  readonly credentials: SandboxCredentials;
  /** `http://127.0.0.1:PORT`, for links in answers. */
  readonly origin: () => string;
  readonly now: () => Date;
  /** A new upper-case UUID. */
  readonly uuid: () => string;
  /** A new 32-hex id (Tralix `idPeticion`, `idCfd`). */
  readonly hexId: () => string;
  readonly asyncPolls: number;
  /** Methods `/{keyEmpresa}/expired` accepts; any other is answered 405 (seed 000 writes PUT and POST). */
  readonly tralixExpireMethods: readonly TralixExpireMethod[];
  readonly readArchivoFuente: ArchivoFuenteReader;
  readonly validate: (c: Comprobante) => Issue[];
}

/**
 * One route: method(s), a path pattern with named groups, and whether it changes the state. A
 * known path asked with a method none of its routes serves is answered 405 with `Allow`.
 */
export interface Route {
  /** The methods served; a function when the sandbox's options decide (`tralixExpireMethods`). */
  readonly methods: readonly string[] | ((env: SandboxEnv) => readonly string[]);
  readonly pattern: RegExp;
  /** Routes under `/__sandbox/` are exempt from fault injection. */
  readonly admin?: boolean;
  readonly mutates?: boolean;
  handle(request: SandboxRequest, env: SandboxEnv): SandboxReply | Promise<SandboxReply>;
}

/** The methods a route serves under these options. */
export function methodsOf(route: Route, env: SandboxEnv): readonly string[] {
  return typeof route.methods === 'function' ? route.methods(env) : route.methods;
}

/** What a request finds: the route that serves it, the methods its path allows, or nothing. */
export type RouteMatch =
  | { readonly route: Route; readonly params: Record<string, string> }
  | { readonly allow: readonly string[] }
  | undefined;

/**
 * Finds the route for a method and path. A path some route matches, asked with a method none of
 * them serves, gives the methods they serve together (RFC 9110 §15.5.6: 405 with `Allow`); a
 * path no route matches gives `undefined` (404).
 */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
  env: SandboxEnv,
): RouteMatch {
  const allow: string[] = [];
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const methods = methodsOf(route, env);
    if (methods.includes(method)) {
      const params = Object.fromEntries(
        Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
      );
      return { route, params };
    }
    for (const m of methods) if (!allow.includes(m)) allow.push(m);
  }
  return allow.length === 0 ? undefined : { allow };
}

/** A plain-text answer (Tralix answers `text/plain; charset=UTF-8`, seed 000). */
export function text(status: number, body: string, headers: Record<string, string> = {}): SandboxReply {
  return { status, headers: { 'content-type': 'text/plain; charset=UTF-8', ...headers }, body };
}

/** A JSON answer. */
export function json(status: number, value: unknown, contentType = 'application/json'): SandboxReply {
  return { status, headers: { 'content-type': contentType }, body: JSON.stringify(value) };
}

/** A file answer with a download name. */
export function file(data: Uint8Array | string, contentType: string, filename?: string): SandboxReply {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (filename !== undefined) headers['content-disposition'] = `attachment; filename="${filename}"`;
  return { status: 200, headers, body: data };
}

/** The body as JSON, `undefined` when it is not JSON. */
export function jsonBody(request: SandboxRequest): unknown {
  try {
    return JSON.parse(request.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The user and password of a `Basic` Authorization header. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** One header's value (the first when repeated). */
export function header(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
