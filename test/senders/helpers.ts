import {
  DEFAULT_SANDBOX_CREDENTIALS,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from '../../src/sandbox/index.js';
import { SANDBOX_RECEPTOR, ticketComprobante } from '../../src/sandbox/stamp.js';
import type { SenderClientOptions } from '../../src/senders/client.js';
import { createFacturav4Client, type Facturav4Client } from '../../src/senders/facturav4.js';
import { createFactureClient, type FactureClient } from '../../src/senders/facture.js';
import { Secret } from '../../src/senders/secret.js';
import { createTralixClient, type TralixClient } from '../../src/senders/tralix.js';
import { renderComprobante } from '../../src/xml/render.js';

/** Deterministic UUIDs: 00000000-0000-4000-8000-000000000001, …002, … */
export function counterIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
}

/** A fixed clock. */
export const FIXED_NOW = () => new Date('2025-03-27T10:25:41Z');

/** Starts a sandbox on a free loopback port with deterministic ids and clock. */
export function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ ids: counterIds(), now: FIXED_NOW, ...options });
}

/** Retry policy small enough for tests; the waits are real but short. */
export const FAST: Omit<SenderClientOptions, 'baseUrl'> = {
  retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 10, maxRetryAfterMs: 10 },
  timeoutMs: 5_000,
};

const C = DEFAULT_SANDBOX_CREDENTIALS;

export function tralixClient(sb: Sandbox, extra: Partial<SenderClientOptions> = {}): TralixClient {
  return createTralixClient(
    {
      key: new Secret(C.tralix.key),
      user: new Secret(C.tralix.user),
      password: new Secret(C.tralix.password),
    },
    { ...FAST, baseUrl: sb.urls.tralix, ...extra },
  );
}

export function ordersClient(sb: Sandbox, extra: Partial<SenderClientOptions> = {}): Facturav4Client {
  return createFacturav4Client(
    { apiKey: new Secret(C.facturav4.apiKey), secretKey: new Secret(C.facturav4.secretKey) },
    { ...FAST, baseUrl: sb.urls['facturav4-orders'], ...extra },
  );
}

export function seriesClient(sb: Sandbox, extra: Partial<SenderClientOptions> = {}): Facturav4Client {
  return createFacturav4Client(
    { apiKey: new Secret(C.facturav4.apiKey), secretKey: new Secret(C.facturav4.secretKey) },
    { ...FAST, baseUrl: sb.urls['facturav4-series'], ...extra },
  );
}

export function factureClient(sb: Sandbox, extra: Partial<SenderClientOptions> = {}): FactureClient {
  return createFactureClient(
    { user: new Secret(C.facture.user), password: new Secret(C.facture.password) },
    { ...FAST, baseUrl: sb.urls.facture, ...extra },
  );
}

/** A valid unsigned pre-CFDI 4.0 (one concept, IVA 16 % included in `monto`). */
export function preCfdi(numeroTicket: string, monto = '116.00'): string {
  return renderComprobante(
    ticketComprobante({ numeroTicket, monto }, SANDBOX_RECEPTOR, '2025-03-27T10:00:00'),
  );
}

/** A ticket line as `tralix tickets put` reads it. */
export function ticket(n: number, sucursal = 'S1') {
  return {
    fecha: '2025-03-27T10:00:00',
    insumo: `00|CFD33BASE|QA|4.0|\n01|T${n}|`,
    monto: `${100 + n}.16`,
    numeroTicket: `T${n}`,
    sucursal,
  };
}

/** An order as `facturav4 orders create` reads it. */
export function order(n: number) {
  return {
    folio: String(55100 + n),
    importe: `${100 + n}.00`,
    fecha: '2025-03-25',
    vencimiento: '2025-03-31',
    iva: '16',
    formaDePago: '03',
  };
}
