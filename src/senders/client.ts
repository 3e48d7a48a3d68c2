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
 * Builds a provider client whose core masks every credential, the Basic value derived from a
 * user/password pair, and any `extraSecrets` (values derived from a credential), wherever they could appear.
 */
export function createProviderClient<C extends object>(
  credentials: C,
  options: SenderClientOptions,
  extraSecrets: readonly Secret[] = [],
): ProviderClient<C> {
  const secrets: Secret[] = [...secretsOf(credentials), ...extraSecrets];
  const { user, password } = credentials as { user?: Secret; password?: Secret };
  if (user !== undefined && password !== undefined) secrets.push(basicAuth(user, password));
  return { http: createHttpClient({ ...options, secrets }), credentials };
}
