import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchRoute, methodsOf, type SandboxEnv } from '../../src/sandbox/router.js';
import {
  DEFAULT_SANDBOX_CREDENTIALS,
  type Sandbox,
  sandboxRoutes,
  startSandbox,
} from '../../src/sandbox/server.js';

/*
 * A known path asked with a method it does not serve is answered 405 with `Allow` (RFC 9110
 * §15.5.5–15.5.6; the seeds say nothing of wrong methods); only a path no route knows is 404.
 * Every route of the route table is walked over loopback HTTP with every method it does not serve.
 */

const KEY = DEFAULT_SANDBOX_CREDENTIALS.tralix.key;
const UUID = '6F2B53F2-49A6-4C1E-8D8C-0E6B0F3A1D2C';

/** One path per route of the table, and the methods its routes serve together, in table order. */
const PATHS: ReadonlyArray<readonly [string, readonly string[]]> = [
  [`/tralix/${KEY}/tickets`, ['PUT']],
  [`/tralix/${KEY}/cfdis`, ['GET']],
  [`/tralix/${KEY}/expired`, ['PUT', 'POST']],
  [`/tralix/${KEY}/cfdisAsync`, ['PUT']],
  [`/tralix/${KEY}/cfdis/0123456789abcdef0123456789abcdef`, ['GET']],
  [`/tralix/${KEY}/descargasCfdiAsync`, ['GET']],
  [`/tralix/${KEY}/descargasCfdi`, ['GET']],
  ['/__sandbox/tralix/autofacturar', ['POST']],
  ['/facturamval/api/v4/autofacturacion/multiple', ['POST', 'PATCH']],
  ['/facturaonline/api/v4/autofacturacion', ['POST', 'GET']],
  ['/facturamval/api/v4/autofacturacion/folio/F-1', ['GET', 'PATCH', 'DELETE']],
  ['/facturamval/api/v4/autofacturacion/12', ['PATCH']],
  ['/facturaonline/api/v4/series', ['GET']],
  ['/facturaonline/api/v4/series/create', ['POST']],
  ['/facturaonline/api/v4/series/7', ['GET']],
  ['/facturaonline/api/v4/series/7/up', ['POST']],
  ['/facturaonline/api/v4/series/7/down', ['POST']],
  ['/facturaonline/api/v4/series/7/drop', ['POST']],
  ['/__sandbox/facturav4/facturamval/facturar', ['POST']],
  ['/facture/rest/administracion/usuario/', ['GET']],
  ['/facture/rest/administracion/sucursales/', ['GET']],
  ['/facture/rest/timbrado/produccion/', ['POST']],
  ['/facture/rest/timbrado/masivoProduccion/', ['POST']],
  ['/facture/rest/descargas/masivo/0a1b2c', ['GET']],
  ['/facture/rest/consulta/cfdi/', ['GET']],
  ['/facture/rest/consulta/xml/', ['GET']],
  ['/facture/rest/consulta/pdf/', ['GET']],
  ['/facture/rest/cancelacion/produccion/', ['GET']],
  ['/facture/rest/cancelacion/acuse/uuid', ['GET']],
  [`/facture/rest/cancelacion/acuse/${UUID}`, ['GET']],
  ['/__sandbox/state', ['GET']],
  ['/__sandbox/reset', ['POST']],
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const ENV = { tralixExpireMethods: ['PUT', 'POST'] } as unknown as SandboxEnv;

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());

describe('sandbox: wrong methods', () => {
  it('the paths below cover every route of the table, each served with the methods listed', () => {
    const routes = sandboxRoutes(() => {});
    const uncovered = routes.filter(
      (route) =>
        !PATHS.some(
          ([path, allow]) =>
            route.pattern.test(path) && methodsOf(route, ENV).every((m) => allow.includes(m)),
        ),
    );
    expect(uncovered.map((r) => r.pattern.source)).toEqual([]);
    for (const [path, allow] of PATHS) {
      for (const method of allow) {
        const found = matchRoute(routes, method, path, ENV);
        expect(found !== undefined && 'route' in found, `${method} ${path}`).toBe(true);
      }
    }
  });

  it('every known path answers 405 with Allow to each method it does not serve', async () => {
    const answers: string[] = [];
    for (const [path, allow] of PATHS) {
      for (const method of METHODS.filter((m) => !allow.includes(m))) {
        const res = await fetch(`${sb.url}${path}`, { method });
        answers.push(`${method} ${path} ${res.status} ${res.headers.get('allow')} ${await res.text()}`);
      }
    }
    const expected = PATHS.flatMap(([path, allow]) =>
      METHODS.filter((m) => !allow.includes(m)).map(
        (method) => `${method} ${path} 405 ${allow.join(', ')} Method Not Allowed`,
      ),
    );
    expect(answers).toEqual(expected);
    expect(answers.length).toBeGreaterThan(PATHS.length * 2);
  });

  it('a path no route knows stays 404, whatever the method', async () => {
    for (const path of [
      `/tralix/${KEY}/nope`,
      '/facture/rest/consulta/',
      '/facturamval/api/v5/series',
      '/nope',
    ]) {
      for (const method of METHODS) {
        const res = await fetch(`${sb.url}${path}`, { method });
        expect([method, path, res.status, res.headers.get('allow')]).toEqual([method, path, 404, null]);
        await res.text();
      }
    }
  });

  it('/expired allows only the methods the sandbox is configured for', async () => {
    const only = await startSandbox({ tralixExpireMethods: ['PUT'] });
    try {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await fetch(`${only.urls.tralix}/${KEY}/expired`, { method });
        expect([method, res.status, res.headers.get('allow')]).toEqual([method, 405, 'PUT']);
        await res.text();
      }
    } finally {
      await only.close();
    }
  });
});
