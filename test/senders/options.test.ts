import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveBaseUrl } from '../../cli/senders-options.js';
import { CfdiLayoutError } from '../../src/errors.js';

const saved = process.env.CFDI_LAYOUT_SANDBOX_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.CFDI_LAYOUT_SANDBOX_URL;
  else process.env.CFDI_LAYOUT_SANDBOX_URL = saved;
});

function config(providers: Record<string, { baseUrl: string }>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'config-')), 'cfdi-layout.config.json');
  writeFileSync(path, JSON.stringify({ providers }));
  return path;
}

describe('base URL resolution', () => {
  it('prefers --base-url, then --host, then the config, then the seed production host', async () => {
    const file = config({
      'tralix-async': { baseUrl: 'https://10.0.0.183:9050' },
      tralix: { baseUrl: 'https://10.0.0.183:8572' },
      facturav4: { baseUrl: 'https://sandbox.factura.com/api' },
    });
    expect(await resolveBaseUrl('tralix', { 'base-url': 'https://x.example', config: file })).toBe(
      'https://x.example',
    );
    expect(await resolveBaseUrl('facturav4-orders', { host: 'sandbox', config: file })).toBe(
      'https://sandbox.facturamval.com/api',
    );
    expect(await resolveBaseUrl('tralix', { config: file })).toBe('https://10.0.0.183:8572');
    expect(await resolveBaseUrl('tralix-async', { config: file })).toBe('https://10.0.0.183:9050');
    expect(await resolveBaseUrl('facturav4-series', { config: file })).toBe(
      'https://sandbox.factura.com/api',
    );
    const empty = config({});
    expect(await resolveBaseUrl('facturav4-series', { config: empty })).toBe(
      'https://facturaonline.com.mx/api',
    );
    await expect(resolveBaseUrl('facture', { config: empty })).rejects.toThrowError(CfdiLayoutError);
    await expect(resolveBaseUrl('facture', { host: 'production', config: empty })).rejects.toThrowError(
      /presets: local/,
    );
  });

  it('moves --host local with CFDI_LAYOUT_SANDBOX_URL', async () => {
    delete process.env.CFDI_LAYOUT_SANDBOX_URL;
    expect(await resolveBaseUrl('facturav4-series', { host: 'local' })).toBe(
      'http://127.0.0.1:8572/facturaonline/api',
    );
    process.env.CFDI_LAYOUT_SANDBOX_URL = 'http://127.0.0.1:9999/';
    expect(await resolveBaseUrl('tralix-async', { host: 'local' })).toBe('http://127.0.0.1:9999/tralix');
  });
});
