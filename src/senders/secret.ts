import { CfdiLayoutError } from '../errors.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** What every printed form of a {@link Secret} shows instead of its value. */
export const MASK = '***';

/**
 * A credential that never prints itself: `toString`, `toJSON` and `util.inspect` show `***`; only
 * {@link Secret.reveal} returns the value, and only the HTTP core calls it while sending.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The plain value; call it only to put the credential on the wire. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [INSPECT](): string {
    return MASK;
  }
}

/** The environment variables the senders read their credentials from, by provider. */
export const SECRET_ENV = {
  tralixKey: 'CFDI_LAYOUT_TRALIX_KEY',
  tralixToken: 'CFDI_LAYOUT_TRALIX_TOKEN',
  tralixBasic: 'CFDI_LAYOUT_TRALIX_BASIC',
  tralixUser: 'CFDI_LAYOUT_TRALIX_USER',
  tralixPassword: 'CFDI_LAYOUT_TRALIX_PASSWORD',
  facturav4ApiKey: 'CFDI_LAYOUT_FACTURAV4_API_KEY',
  facturav4SecretKey: 'CFDI_LAYOUT_FACTURAV4_SECRET_KEY',
  factureUser: 'CFDI_LAYOUT_FACTURE_USER',
  facturePassword: 'CFDI_LAYOUT_FACTURE_PASSWORD',
} as const;

/**
 * Tralix credentials (seeds 000, 002): the `{keyEmpresa}` of the URL paths, the `{Token}` of
 * `PUT /{Token}/tickets` (the keyEmpresa when absent), and the `authorization: Basic {Token}` header,
 * either as given (`basic`, e.g. seed 000's `dGVwb3g6dGVwb3g=`) or built from `user` and `password`.
 */
export interface TralixCredentials {
  readonly key?: Secret | undefined;
  /** The `{Token}` of `PUT /{Token}/tickets`. Defaults to `key`. */
  readonly token?: Secret | undefined;
  /** The `{Token}` of `authorization: Basic {Token}`, with or without the `Basic ` prefix; used instead of `user` and `password`. */
  readonly basic?: Secret | undefined;
  readonly user?: Secret | undefined;
  readonly password?: Secret | undefined;
}

/** Factura.com v4 family credentials: the `F-Api-Key` and `F-Secret-Key` headers (seeds 001, 004). */
export interface Facturav4Credentials {
  readonly apiKey?: Secret | undefined;
  readonly secretKey?: Secret | undefined;
}

/** Facture APP credentials for its `Authorization` header (seed 003). */
export interface FactureCredentials {
  readonly user?: Secret | undefined;
  readonly password?: Secret | undefined;
}

/** Every credential the senders may use, each absent when its variable is unset or empty. */
export interface SenderSecrets {
  readonly tralix: TralixCredentials;
  readonly facturav4: Facturav4Credentials;
  readonly facture: FactureCredentials;
}

function fromEnv(env: Record<string, string | undefined>, name: string): Secret | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : new Secret(value);
}

/** Reads the senders' credentials from an environment (pass `process.env` at the edge). */
export function secretsFromEnv(env: Record<string, string | undefined>): SenderSecrets {
  return {
    tralix: {
      key: fromEnv(env, SECRET_ENV.tralixKey),
      token: fromEnv(env, SECRET_ENV.tralixToken),
      basic: fromEnv(env, SECRET_ENV.tralixBasic),
      user: fromEnv(env, SECRET_ENV.tralixUser),
      password: fromEnv(env, SECRET_ENV.tralixPassword),
    },
    facturav4: {
      apiKey: fromEnv(env, SECRET_ENV.facturav4ApiKey),
      secretKey: fromEnv(env, SECRET_ENV.facturav4SecretKey),
    },
    facture: {
      user: fromEnv(env, SECRET_ENV.factureUser),
      password: fromEnv(env, SECRET_ENV.facturePassword),
    },
  };
}

/** Returns the secret, or throws `SECRET_MISSING` naming the environment variable that must hold it. */
export function requireSecret(secret: Secret | undefined, envName: string): Secret {
  if (secret === undefined) {
    throw new CfdiLayoutError(
      'SECRET_MISSING',
      `set the environment variable ${envName}; secrets are never read from arguments or files`,
    );
  }
  return secret;
}

/** The `Basic base64(user:password)` value of an Authorization header, itself a secret. */
export function basicAuth(user: Secret, password: Secret): Secret {
  return new Secret(
    `Basic ${Buffer.from(`${user.reveal()}:${password.reveal()}`, 'utf8').toString('base64')}`,
  );
}

/** RFC 7235 token68: what may follow `Basic ` in an Authorization header. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * A `Basic {Token}` credential given whole (seed 000's header) as the header value `Basic {Token}`;
 * the value may carry the `Basic ` prefix or not. Anything that is not a token68 (spaces, line
 * breaks, a `user:password` pair) is `SECRET_INVALID`, naming the variable but never the value.
 */
export function basicFromToken(token: Secret, envName: string): Secret {
  const raw = token
    .reveal()
    .trim()
    .replace(/^Basic\s+/i, '');
  if (!TOKEN68.test(raw)) {
    throw new CfdiLayoutError(
      'SECRET_INVALID',
      `${envName} must be the {Token} of "authorization: Basic {Token}" (base64 of user:password, like seed 000's dGVwb3g6dGVwb3g=), with no spaces or line breaks`,
    );
  }
  return new Secret(`Basic ${raw}`);
}

/**
 * The token of a `Basic {Token}` value and what it reveals when decoded (`user:password`, the user,
 * the password), so that a provider echoing any of them is masked too.
 */
export function basicTokenParts(header: Secret): Secret[] {
  const token = header.reveal().replace(/^Basic\s+/i, '');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const parts =
    colon <= 0 || /\p{Cc}/u.test(decoded) ? [] : [decoded, decoded.slice(0, colon), decoded.slice(colon + 1)];
  return [token, ...parts].filter((part) => part.length >= 3).map((part) => new Secret(part));
}

/** Collects the defined secrets of a credentials object, for redaction. */
export function secretsOf(credentials: object): Secret[] {
  return Object.values(credentials).filter((value): value is Secret => value instanceof Secret);
}

/**
 * Builds a function that replaces every occurrence of the given secrets (as written, URL-encoded
 * and base64-encoded, since a provider may echo any of those) with `***`.
 */
export function createRedactor(secrets: Iterable<Secret>): (text: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    const value = secret.reveal();
    if (value === '') continue;
    needles.add(value);
    needles.add(encodeURIComponent(value));
    needles.add(Buffer.from(value, 'utf8').toString('base64'));
  }
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const needle of ordered) out = out.split(needle).join(MASK);
    return out;
  };
}

/** Applies a redactor to every string inside a JSON-like value, returning a copy. */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value instanceof Secret) return value;
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}
