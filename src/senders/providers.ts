/**
 * The provider APIs the senders speak, as data: where each lives (host presets from the seeds),
 * which environment variables hold its credentials, and which path prefix the local sandbox
 * serves it under.
 */

/**
 * An API the senders talk to. Tralix's ticket and async APIs run on different ports (8572 and 9050
 * in seeds 000 and 002); the Factura.com v4 family has orders on facturamval, series on facturaonline.
 */
export type ProviderApi = 'tralix' | 'tralix-async' | 'facturav4-orders' | 'facturav4-series' | 'facture';

/** One provider API: its named hosts and the default one. */
export interface ProviderDefinition {
  readonly api: ProviderApi;
  readonly title: string;
  /** The seed documents it follows. */
  readonly seeds: readonly string[];
  /** Environment variables holding its credentials. */
  readonly env: readonly string[];
  /** Named base URLs (`--host NAME`); `local` is the sandbox on its default port. */
  readonly hosts: Readonly<Record<string, string>>;
  /** The host used when neither `--base-url`, `--host` nor the config names one; none where the seed gives no public host. */
  readonly defaultHost?: string;
  /** Path prefix of this API in the sandbox. */
  readonly sandboxPrefix: string;
  /** Keys of `providers` in the config file holding its base URL, first found wins. */
  readonly configKeys: readonly string[];
}

/** The sandbox's default port, Tralix's documented port (seed 000 examples). */
export const SANDBOX_DEFAULT_PORT = 8572;

const local = (prefix: string): string => `http://127.0.0.1:${SANDBOX_DEFAULT_PORT}${prefix}`;

/** Every provider API, by id. */
export const PROVIDERS: Readonly<Record<ProviderApi, ProviderDefinition>> = {
  tralix: {
    api: 'tralix',
    title: 'Tralix Portal de Autofacturación (tickets)',
    seeds: ['000'],
    env: [
      'CFDI_LAYOUT_TRALIX_KEY',
      'CFDI_LAYOUT_TRALIX_TOKEN',
      'CFDI_LAYOUT_TRALIX_USER',
      'CFDI_LAYOUT_TRALIX_PASSWORD',
      'CFDI_LAYOUT_TRALIX_BASIC',
    ],
    // Tralix is installed per customer (`https://[IP]:[Puerto]`), so there is no public host.
    hosts: { local: local('/tralix') },
    sandboxPrefix: '/tralix',
    configKeys: ['tralix'],
  },
  'tralix-async': {
    api: 'tralix-async',
    title: 'Tralix CFDI async',
    seeds: ['002'],
    env: [
      'CFDI_LAYOUT_TRALIX_KEY',
      'CFDI_LAYOUT_TRALIX_USER',
      'CFDI_LAYOUT_TRALIX_PASSWORD',
      'CFDI_LAYOUT_TRALIX_BASIC',
    ],
    hosts: { local: local('/tralix') },
    sandboxPrefix: '/tralix',
    configKeys: ['tralix-async', 'tralix'],
  },
  'facturav4-orders': {
    api: 'facturav4-orders',
    title: 'Factu-Ramval autofacturación v4 (orders)',
    seeds: ['001'],
    env: ['CFDI_LAYOUT_FACTURAV4_API_KEY', 'CFDI_LAYOUT_FACTURAV4_SECRET_KEY'],
    hosts: {
      production: 'https://app.facturamval.com/api',
      sandbox: 'https://sandbox.facturamval.com/api',
      local: local('/facturamval/api'),
    },
    defaultHost: 'production',
    sandboxPrefix: '/facturamval/api',
    configKeys: ['facturav4-orders', 'facturav4'],
  },
  'facturav4-series': {
    api: 'facturav4-series',
    title: 'facturaonline v4 series',
    seeds: ['004'],
    env: ['CFDI_LAYOUT_FACTURAV4_API_KEY', 'CFDI_LAYOUT_FACTURAV4_SECRET_KEY'],
    hosts: {
      production: 'https://facturaonline.com.mx/api',
      sandbox: 'https://sandbox.facturaonline.com.mx/api',
      local: local('/facturaonline/api'),
    },
    defaultHost: 'production',
    sandboxPrefix: '/facturaonline/api',
    configKeys: ['facturav4-series', 'facturav4'],
  },
  facture: {
    api: 'facture',
    title: 'Facture APP REST',
    seeds: ['003'],
    env: ['CFDI_LAYOUT_FACTURE_USER', 'CFDI_LAYOUT_FACTURE_PASSWORD'],
    // Seed 003 documents paths only, no host.
    hosts: { local: local('/facture') },
    sandboxPrefix: '/facture',
    configKeys: ['facture'],
  },
};
