import { CfdiLayoutError, type ErrorCode } from '../errors.js';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
} from './retry.js';
import { createRedactor, MASK, Secret } from './secret.js';

/**
 * What repeating a request does, declared by each provider operation:
 * - `idempotent`: the same effect however often it is sent (PUT of a ticket, GET, PATCH of fixed values);
 * - `deduplicated`: the provider recognises a repeat by a natural key and says so (order folios:
 *   "El registro ya existe", `folios_existentes`), so a repeat is safe and the parser reconciles it;
 * - `once`: each request creates something new (cfdisAsync, timbrado); it is repeated only when it
 *   certainly never reached the provider (connection refused, 429), otherwise the caller looks the
 *   result up first.
 */
export type Safety = 'idempotent' | 'deduplicated' | 'once';

/** An HTTP method the providers use. */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** A file sent as `multipart/form-data` (Facture's timbrado masivo takes a ZIP in the field `file`). */
export interface MultipartFile {
  readonly kind: 'multipart';
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

/** A request as a provider module builds it; credentials stay wrapped until the core sends it. */
export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path segments after the base URL; a {@link Secret} segment (Tralix's keyEmpresa) prints as `***`. */
  readonly path: ReadonlyArray<string | Secret>;
  /** Ends the path with `/`, as Facture's routes are written (`/rest/administracion/usuario/`). */
  readonly trailingSlash?: boolean;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly headers?: Readonly<Record<string, string | Secret>>;
  readonly body?: string | Uint8Array | MultipartFile;
}

/** A provider's answer, read whole within the attempt's timeout. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The raw body (XML, PDF and ZIP downloads). */
  readonly body: Uint8Array;
  /**
   * The body as UTF-8, exactly as received (documents such as a stamped XML must not be altered);
   * callers mask secrets with {@link HttpClient.redact} before printing, logging or journaling it.
   */
  readonly text: string;
  /** Attempts it took, the first included. */
  readonly attempts: number;
  /** The request URL with secrets masked. */
  readonly url: string;
}

/** A request as `--dry-run` prints it: secrets masked, nothing sent. */
export interface DescribedRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Where the core reports retries; inject a logger, the library never prints. */
export interface Logger {
  warn(message: string): void;
  debug?(message: string): void;
}

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Base URL every request path is appended to (`https://app.facturamval.com/api`). */
  readonly baseUrl: string;
  /** Allows plain `http://` to a host other than loopback. Defaults to false. */
  readonly insecure?: boolean;
  /** The fetch implementation. Defaults to Node's global fetch (undici, keep-alive connection pool). */
  readonly fetch?: typeof fetch;
  /** Per-attempt timeout covering the response body. Defaults to 30 s. */
  readonly timeoutMs?: number;
  /** Retry policy. Defaults to {@link DEFAULT_RETRY_POLICY}. */
  readonly retry?: Partial<RetryPolicy>;
  /** Secrets to mask in every text the client produces. */
  readonly secrets?: Iterable<Secret>;
  /** Headers added to every request. Defaults to a `user-agent`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
  /** Waits between attempts. Defaults to a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1). Defaults to `Math.random`. */
  readonly random?: () => number;
  /** Clock for HTTP-date `Retry-After`. Defaults to `Date.now`. */
  readonly now?: () => number;
  /** Aborts every request of the client. */
  readonly signal?: AbortSignal;
}

/** Options of one {@link HttpClient.send}. */
export interface SendOptions {
  readonly safety: Safety;
  /** Operation name for messages and logs (`tralix.tickets.put`). */
  readonly operation: string;
}

/** The one HTTP core every provider module sends through. */
export interface HttpClient {
  readonly baseUrl: string;
  send(request: HttpRequest, options: SendOptions): Promise<HttpResponse>;
  describe(request: HttpRequest): DescribedRequest;
  redact(text: string): string;
}

/** Details of a failed request; callers branch on `maybeProcessed` to look a result up before resending. */
export interface SenderErrorDetails {
  readonly operation: string;
  readonly url: string;
  readonly attempts: number;
  readonly status?: number | undefined;
  /** True when repeating later may succeed (network, timeout, 408, 429, 5xx). */
  readonly retryable: boolean;
  /** True when the provider may have done the work even though no answer arrived. */
  readonly maybeProcessed: boolean;
  /** The start of the response body, secrets masked. */
  readonly body?: string | undefined;
}

/** A transport or protocol failure of a provider request, with its status and retryability. */
export class SenderError extends CfdiLayoutError {
  readonly details: SenderErrorDetails;

  constructor(code: ErrorCode, message: string, details: SenderErrorDetails, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
    this.details = details;
  }
}

/** Codes of connection errors raised before a request could be written, so nothing reached the provider. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested.length > 0) return errorCode(nested[0]);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Checks a base URL: `https://` anywhere, `http://` only to loopback unless `insecure`. Throws
 * `SENDER_INSECURE_URL` or `USAGE`.
 */
export function checkBaseUrl(baseUrl: string, insecure = false): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (err) {
    throw new CfdiLayoutError('USAGE', `base URL ${JSON.stringify(baseUrl)} is not a URL`, { cause: err });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    if (isLoopback(url.hostname) || insecure) return url;
    throw new CfdiLayoutError(
      'SENDER_INSECURE_URL',
      `refusing plain http:// to ${url.host}: credentials would travel unencrypted; use https:// or pass --insecure`,
    );
  }
  throw new CfdiLayoutError('USAGE', `base URL must be http:// or https://, got ${url.protocol}`);
}

function buildUrl(base: URL, request: HttpRequest, reveal: boolean): string {
  const segments = request.path.map((s) =>
    encodeURIComponent(s instanceof Secret ? (reveal ? s.reveal() : MASK) : s),
  );
  const basePath = base.pathname.replace(/\/+$/, '');
  const url = new URL(base.href);
  url.pathname = `${basePath}/${segments.join('/')}${request.trailingSlash === true ? '/' : ''}`;
  url.search = '';
  if (request.query !== undefined) {
    for (const [k, v] of Object.entries(request.query)) if (v !== undefined) url.searchParams.append(k, v);
  }
  const href = url.href;
  return reveal ? href : href.replaceAll(encodeURIComponent(MASK), MASK);
}

function headerValue(value: string | Secret, reveal: boolean): string {
  return value instanceof Secret ? (reveal ? value.reveal() : MASK) : value;
}

function describeBody(body: HttpRequest['body']): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return `<${body.byteLength} bytes>`;
  return `multipart/form-data; ${body.field}=${body.filename} (${body.contentType}, ${body.data.byteLength} bytes)`;
}

function toFetchBody(body: HttpRequest['body']): RequestInit['body'] {
  if (body === undefined || typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  const form = new FormData();
  form.append(body.field, new Blob([body.data], { type: body.contentType }), body.filename);
  return form;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const SNIPPET = 500;

/**
 * Creates the HTTP core: per-attempt timeout, retries with jittered exponential backoff and
 * `Retry-After` on connection errors, 408, 429 and 5xx where the operation's {@link Safety} allows,
 * secrets masked in every URL, header, log line and error it produces, redirects never followed
 * (a custom credential header must not travel to another host).
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = checkBaseUrl(options.baseUrl, options.insecure === true);
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const redact = createRedactor(options.secrets ?? []);
  const defaultHeaders = options.headers ?? { 'user-agent': 'cfdi-layout' };

  function describe(request: HttpRequest): DescribedRequest {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...defaultHeaders, ...request.headers }))
      headers[k] = redact(headerValue(v, false));
    if (
      request.body !== undefined &&
      typeof request.body === 'object' &&
      !(request.body instanceof Uint8Array)
    ) {
      headers['content-type'] = 'multipart/form-data; boundary=<generated>';
    }
    const body = describeBody(request.body);
    const described: DescribedRequest = {
      method: request.method,
      url: redact(buildUrl(base, request, false)),
      headers,
    };
    return body === undefined ? described : { ...described, body: redact(body) };
  }

  async function send(request: HttpRequest, sendOptions: SendOptions): Promise<HttpResponse> {
    const url = buildUrl(base, request, true);
    let shown: string | undefined;
    // The masked URL is built only when a message needs it: the common path sends and returns.
    const maskedUrl = (): string => {
      shown ??= redact(buildUrl(base, request, false));
      return shown;
    };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...defaultHeaders, ...request.headers }))
      headers[k] = headerValue(v, true);
    const labelOf = (): string => `${sendOptions.operation} ${request.method} ${maskedUrl()}`;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
      let response: Response;
      let body: Uint8Array;
      try {
        response = await doFetch(url, {
          method: request.method,
          headers,
          body: toFetchBody(request.body) ?? null,
          signal,
          redirect: 'manual',
        });
        body = new Uint8Array(await response.arrayBuffer());
      } catch (err) {
        if (options.signal?.aborted === true) throw err;
        const timedOut = timeout.aborted;
        const code = errorCode(err);
        const notSent = !timedOut && code !== undefined && NOT_SENT_CODES.has(code);
        const repeatable = sendOptions.safety !== 'once' || notSent;
        const reason = timedOut
          ? `no answer within ${timeoutMs} ms`
          : `connection failed (${code ?? 'network error'})`;
        if (repeatable && attempt < policy.maxAttempts) {
          const wait = backoffDelay(policy, attempt, random);
          options.logger?.warn(
            redact(
              `${labelOf()}: ${reason}; retrying in ${wait} ms (attempt ${attempt + 1}/${policy.maxAttempts})`,
            ),
          );
          await sleep(wait);
          continue;
        }
        throw new SenderError(
          timedOut ? 'SENDER_TIMEOUT' : 'SENDER_NETWORK',
          redact(`${labelOf()}: ${reason} after ${attempt} attempt${attempt === 1 ? '' : 's'}`),
          {
            operation: sendOptions.operation,
            url: maskedUrl(),
            attempts: attempt,
            retryable: true,
            maybeProcessed: !notSent,
          },
          err,
        );
      }
      const text = Buffer.from(body).toString('utf8');
      const status = response.status;
      if (isRetryableStatus(status)) {
        // 429 says the provider refused before doing anything, so even a `once` request may repeat.
        const repeatable = sendOptions.safety !== 'once' || status === 429;
        if (repeatable && attempt < policy.maxAttempts) {
          const asked = parseRetryAfter(response.headers.get('retry-after'), now());
          const wait =
            asked === undefined
              ? backoffDelay(policy, attempt, random)
              : Math.min(asked, policy.maxRetryAfterMs);
          const why = asked === undefined ? '' : ' as Retry-After asks';
          options.logger?.warn(
            `${labelOf()}: HTTP ${status}; retrying in ${wait} ms${why} (attempt ${attempt + 1}/${policy.maxAttempts})`,
          );
          await sleep(wait);
          continue;
        }
        const snippet = redact(text.slice(0, SNIPPET));
        throw new SenderError(
          'SENDER_HTTP',
          `${labelOf()}: HTTP ${status} after ${attempt} attempt${attempt === 1 ? '' : 's'}${snippet === '' ? '' : `: ${snippet}`}`,
          {
            operation: sendOptions.operation,
            url: maskedUrl(),
            attempts: attempt,
            status,
            retryable: true,
            maybeProcessed: status !== 429,
            body: snippet,
          },
        );
      }
      if (status >= 300 && status < 400) {
        throw new SenderError(
          'SENDER_RESPONSE_INVALID',
          `${labelOf()}: HTTP ${status} redirect to ${redact(response.headers.get('location') ?? '?')}; redirects are not followed`,
          {
            operation: sendOptions.operation,
            url: maskedUrl(),
            attempts: attempt,
            status,
            retryable: false,
            maybeProcessed: false,
          },
        );
      }
      return { status, headers: response.headers, body, text, attempts: attempt, url: maskedUrl() };
    }
  }

  return { baseUrl: redact(base.href), send, describe, redact };
}
