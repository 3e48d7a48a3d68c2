import { createHttpClient, type HttpClient, type HttpClientOptions } from './http.js';
import { basicAuth, type Secret, secretsOf } from './secret.js';

/** Options of a provider client: everything of the HTTP core except the secrets, which come from the credentials. */
export type SenderClientOptions = Omit<HttpClientOptions, 'secrets'>;

/** A provider's HTTP core together with its credentials. */
export interface ProviderClient<C> {
  readonly http: HttpClient;
  readonly credentials: C;
}

/**
 * Builds a provider client whose core masks every credential, and the Basic value derived from a
 * user/password pair, wherever it could appear.
 */
export function createProviderClient<C extends object>(
  credentials: C,
  options: SenderClientOptions,
): ProviderClient<C> {
  const secrets: Secret[] = secretsOf(credentials);
  const { user, password } = credentials as { user?: Secret; password?: Secret };
  if (user !== undefined && password !== undefined) secrets.push(basicAuth(user, password));
  return { http: createHttpClient({ ...options, secrets }), credentials };
}
