import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CfdiLayoutError } from '../../src/errors.js';
import { checkBaseUrl, createHttpClient, type HttpClient, SenderError } from '../../src/senders/http.js';
import { Secret } from '../../src/senders/secret.js';

type Script = (req: IncomingMessage, res: ServerResponse, n: number) => void;

let server: Server;
let base = '';
const scripts = new Map<string, { script: Script; hits: number }>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const entry = scripts.get(`/${(req.url ?? '').split(/[/?]/)[1] ?? ''}`);
    if (entry === undefined) {
      res.writeHead(404).end();
      return;
    }
    entry.hits++;
    req.resume();
    req.on('end', () => entry.script(req, res, entry.hits));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let route = 0;
function script(s: Script): { path: string; hits: () => number } {
  const path = `/r${++route}`;
  const entry = { script: s, hits: 0 };
  scripts.set(path, entry);
  return { path: path.slice(1), hits: () => entry.hits };
}

const waits: number[] = [];
function client(extra: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient {
  return createHttpClient({
    baseUrl: base,
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 4, maxRetryAfterMs: 60_000 },
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...extra,
  });
}

describe('HTTP core', () => {
  it('retries 5xx for idempotent requests and returns the eventual answer', async () => {
    const r = script((_q, res, n) => (n < 3 ? res.writeHead(503).end('busy') : res.writeHead(200).end('ok')));
    const res = await client().send(
      { method: 'PUT', path: [r.path] },
      { safety: 'idempotent', operation: 't' },
    );
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
    expect(r.hits()).toBe(3);
  });

  it('never repeats a `once` request after a 500: it may have been processed', async () => {
    const r = script((_q, res) => res.writeHead(500).end('boom'));
    const err = await client()
      .send({ method: 'PUT', path: [r.path] }, { safety: 'once', operation: 't' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SenderError);
    expect((err as SenderError).code).toBe('SENDER_HTTP');
    expect((err as SenderError).details).toMatchObject({ status: 500, maybeProcessed: true, attempts: 1 });
    expect(r.hits()).toBe(1);
  });

  it('repeats a `once` request after 429, waiting as Retry-After asks', async () => {
    waits.length = 0;
    const r = script((_q, res, n) =>
      n === 1 ? res.writeHead(429, { 'retry-after': '2' }).end() : res.writeHead(200).end('ok'),
    );
    const res = await client().send({ method: 'PUT', path: [r.path] }, { safety: 'once', operation: 't' });
    expect(res.status).toBe(200);
    expect(waits).toEqual([2000]);
  });

  it('gives up after the allowed attempts with a typed, retryable error', async () => {
    const r = script((_q, res) => res.writeHead(502).end());
    const err = (await client()
      .send({ method: 'GET', path: [r.path] }, { safety: 'idempotent', operation: 't' })
      .catch((e: unknown) => e)) as SenderError;
    expect(err.details).toMatchObject({ status: 502, retryable: true, attempts: 4 });
    expect(r.hits()).toBe(4);
  });

  it('returns 4xx answers to the operation without retrying', async () => {
    const r = script((_q, res) =>
      res.writeHead(400).end('El no. de ticket no contiene el formato correcto.'),
    );
    const res = await client().send(
      { method: 'PUT', path: [r.path] },
      { safety: 'idempotent', operation: 't' },
    );
    expect(res.status).toBe(400);
    expect(res.text).toBe('El no. de ticket no contiene el formato correcto.');
    expect(r.hits()).toBe(1);
  });

  it('times out each attempt', async () => {
    const r = script((_q, res) => setTimeout(() => res.writeHead(200).end('late'), 300));
    const err = (await client({
      timeoutMs: 50,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    })
      .send({ method: 'GET', path: [r.path] }, { safety: 'idempotent', operation: 't' })
      .catch((e: unknown) => e)) as SenderError;
    expect(err.code).toBe('SENDER_TIMEOUT');
    expect(err.details.attempts).toBe(2);
  });

  it('repeats even a `once` request when the connection was refused (nothing was sent)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    waits.length = 0;
    const err = (await client({ baseUrl: `http://127.0.0.1:${port}` })
      .send({ method: 'PUT', path: ['x'] }, { safety: 'once', operation: 't' })
      .catch((e: unknown) => e)) as SenderError;
    expect(err.code).toBe('SENDER_NETWORK');
    expect(err.details).toMatchObject({ maybeProcessed: false, attempts: 4 });
    expect(waits).toHaveLength(3);
  });

  it('treats a connection cut after sending as maybe processed', async () => {
    const r = script((req) => req.socket.destroy());
    const err = (await client()
      .send({ method: 'PUT', path: [r.path], body: '{}' }, { safety: 'once', operation: 't' })
      .catch((e: unknown) => e)) as SenderError;
    expect(err.code).toBe('SENDER_NETWORK');
    expect(err.details.maybeProcessed).toBe(true);
    expect(r.hits()).toBe(1);
  });

  it('does not follow redirects (custom credential headers must not travel)', async () => {
    const r = script((_q, res) => res.writeHead(302, { location: 'https://elsewhere.example/' }).end());
    const err = (await client()
      .send({ method: 'GET', path: [r.path] }, { safety: 'idempotent', operation: 't' })
      .catch((e: unknown) => e)) as SenderError;
    expect(err.code).toBe('SENDER_RESPONSE_INVALID');
  });

  it('sends secrets but masks them in described requests, answers and errors', async () => {
    let seen = '';
    const key = new Secret('KEY-123');
    const r = script((req, res) => {
      seen = `${req.url} ${req.headers['f-api-key']}`;
      res.writeHead(500).end('echo KEY-123 and s3cr3t');
    });
    const c = client({ secrets: [key, new Secret('s3cr3t')], retry: { maxAttempts: 1 } });
    const request = {
      method: 'GET' as const,
      path: [r.path, key, 'x'],
      headers: { 'F-Api-Key': new Secret('s3cr3t') },
      query: { a: 'b' },
    };
    const described = c.describe(request);
    expect(described.url).toBe(`${base}/${r.path}/***/x?a=b`);
    expect(described.headers['F-Api-Key']).toBe('***');
    const err = (await c
      .send(request, { safety: 'idempotent', operation: 't' })
      .catch((e: unknown) => e)) as SenderError;
    expect(seen).toBe(`/${r.path}/KEY-123/x?a=b s3cr3t`);
    expect(err.message).not.toMatch(/KEY-123|s3cr3t/);
    expect(err.message).toContain('echo *** and ***');
  });

  it('allows plain http only to loopback unless insecure', () => {
    expect(checkBaseUrl('http://127.0.0.1:8572/x').host).toBe('127.0.0.1:8572');
    expect(checkBaseUrl('http://localhost/x').hostname).toBe('localhost');
    expect(checkBaseUrl('https://app.facturamval.com/api').protocol).toBe('https:');
    expect(() => checkBaseUrl('http://app.facturamval.com/api')).toThrowError(CfdiLayoutError);
    expect(checkBaseUrl('http://10.0.0.183:8572', true).hostname).toBe('10.0.0.183');
    expect(() => checkBaseUrl('ftp://x')).toThrowError(/http/);
  });
});
