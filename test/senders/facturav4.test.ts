import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import {
  changeSerie,
  createFacturav4Client,
  createOrders,
  createSerie,
  deleteOrder,
  F_PLUGIN,
  getOrder,
  getSerie,
  listAllOrders,
  listOrders,
  listSeries,
  OrderSchema,
  orderListOperation,
  updateOrder,
  updateOrders,
} from '../../src/senders/facturav4.js';
import { Secret } from '../../src/senders/secret.js';
import { FAST, order, ordersClient, sandbox, seriesClient } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const orders = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => OrderSchema.parse(order(from + i)));
/** Fault draws for the sandbox: the first request gets the (only) fault kind, every later one none. */
function faultFirst(): () => number {
  let draws = 0;
  return () => (draws++ < 2 ? 0 : 1);
}

const activeFolios = (s: Sandbox) =>
  Object.values(s.state.facturav4.facturamval?.orders ?? {}).map((o) => o.folio);

describe('Factu-Ramval orders (seed 001) against the sandbox', () => {
  it('creates one with POST and many with POST /multiple in chunks', async () => {
    sb = await sandbox();
    const client = ordersClient(sb);
    const single = await createOrders(client, orders(1));
    expect(single.outcomes[0]).toMatchObject({
      status: 'stored',
      result: { softId: 2958927, existing: false },
    });
    const many = await createOrders(client, orders(7, 1), { chunkSize: 3 });
    expect(many.counts.stored).toBe(7);
    expect(activeFolios(sb).sort()).toEqual(orders(8).map((o) => o.folio));
  });

  it('sends an importe no JSON number holds exactly as its string (seed 001 takes "200.00"), so the provider stores it as written', async () => {
    sb = await sandbox();
    const client = ordersClient(sb);
    const big = OrderSchema.parse({ ...order(0), importe: '1234567890123456.78' });
    const small = OrderSchema.parse({ ...order(1), importe: '9999999999999.99' });
    const run = await createOrders(client, [big, small], { chunkSize: 10 });
    expect(run.counts.stored).toBe(2);
    const stored = Object.values(sb.state.facturav4.facturamval?.orders ?? {}).map((o) => [
      o.folio,
      o.importe,
    ]);
    // As a number the sandbox's JSON.parse would have stored 1234567890123456.8.
    expect(stored).toEqual([
      [big.folio, '1234567890123456.78'],
      [small.folio, '9999999999999.99'],
    ]);
  });

  it('counts a repeated folio as stored when it matches and as a conflict when it differs', async () => {
    sb = await sandbox();
    const client = ordersClient(sb);
    await createOrders(client, orders(3));
    const again = await createOrders(client, [...orders(3), { ...orders(1)[0]!, importe: '999.00' }], {
      chunkSize: 10,
    });
    expect(again.outcomes.slice(0, 3).map((o) => [o.status, o.result?.existing])).toEqual([
      ['stored', true],
      ['stored', true],
      ['stored', true],
    ]);
    expect(again.outcomes[3]).toMatchObject({
      status: 'conflict',
      issues: [{ code: 'PROVIDER_CONFLICT', path: [3, 'folio'] }],
    });
    expect(again.outcomes[3]?.issues[0]?.message).toContain('El registro ya existe');
    const single = await createOrders(client, [{ ...orders(1)[0]!, importe: '5.00' }]);
    expect(single.outcomes[0]?.status).toBe('conflict');
    expect(activeFolios(sb)).toHaveLength(3);
  });

  it('maps "0.fecha" of a refused chunk to the input item and sends the rest again', async () => {
    sb = await sandbox();
    const client = ordersClient(sb);
    const batch = orders(4);
    // An order the local schema lets through but the provider refuses: fecha is a valid date string only locally.
    const broken = { ...batch[2]!, fecha: '' };
    const report = await createOrders(client, [batch[0]!, batch[1]!, broken, batch[3]!], { chunkSize: 4 });
    expect(report.outcomes.map((o) => o.status)).toEqual(['stored', 'stored', 'refused', 'stored']);
    expect(report.outcomes[2]?.issues).toEqual([
      {
        code: 'PROVIDER_REFUSED',
        path: [2, 'fecha'],
        message: 'El campo 2.fecha es requerido',
        severity: 'error',
      },
    ]);
  });

  it('stores every order exactly once through injected faults', async () => {
    sb = await sandbox({ failRate: 0.35, seed: 11 });
    const client = ordersClient(sb, {
      retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 3, maxRetryAfterMs: 3 },
    });
    const report = await createOrders(client, orders(30), { chunkSize: 2, concurrency: 4 });
    expect(report.counts.stored).toBe(30);
    expect(activeFolios(sb).sort()).toEqual(orders(30).map((o) => o.folio));
    expect(Object.values(sb.state.stats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(2);
  });

  it('sends again an order whose answer was lost and counts the folio it finds as stored', async () => {
    // The first request is processed and its answer lost; the repeat finds the folio (folios_existentes).
    sb = await sandbox({ failRate: 1, faults: ['lost'], random: faultFirst() });
    const report = await createOrders(ordersClient(sb), orders(3), { chunkSize: 3 });
    expect(report.outcomes.map((o) => [o.status, o.result?.existing, o.attempts])).toEqual([
      ['stored', true, 2],
      ['stored', true, 2],
      ['stored', true, 2],
    ]);
    expect(activeFolios(sb)).toHaveLength(3);
    expect(sb.state.stats.faults).toEqual({ lost: 1 });
  });

  it('lists pages (all of them with listAllOrders), gets, updates, refuses invoiced edits, deletes', async () => {
    sb = await sandbox();
    const client = ordersClient(sb);
    await createOrders(client, orders(5));
    const page2 = await listOrders(client, { page: 2, perPage: 2 });
    expect(page2.result).toMatchObject({ page: 2, perPage: 2 });
    expect(page2.result?.orders.map((o) => o.folio)).toEqual(['55102', '55103']);
    const all = await listAllOrders(client, { perPage: 2 });
    expect(all.result?.pages).toBe(3);
    expect(all.result?.orders).toHaveLength(5);
    expect((await listOrders(client, { fecha: '25-03-2025' })).issues[0]?.message).toBe(
      'El campo fecha no corresponde con el formato Y-m-d.',
    );
    // Seed 001's examples put these in a GET body; they go in the query string (README provider notes).
    const described = client.http.describe(
      orderListOperation(client).request({ page: 2, perPage: 2, fecha: '2025-03-25' }),
    );
    expect(described).toMatchObject({
      method: 'GET',
      url: `${sb.urls['facturav4-orders']}/v4/autofacturacion?page=2&per_page=2&fecha=2025-03-25`,
    });
    expect(described.body).toBeUndefined();

    expect((await getOrder(client, '55101')).result).toMatchObject({
      folio: '55101',
      importe: '101.00',
      facturado: 'no',
      tasa: '16',
    });
    const missing = await getOrder(client, '1');
    expect(missing).toMatchObject({
      status: 'answered',
      result: null,
      issues: [{ code: 'ORDER_NOT_FOUND', severity: 'warning' }],
    });

    expect((await updateOrder(client, { folio: '55101' }, { importe: '240.00' })).result?.importe).toBe(
      '240.00',
    );
    const id = (await getOrder(client, '55102')).result?.id ?? 0;
    expect((await updateOrder(client, { id }, { vencimiento: '2025-04-30' })).result?.vencimiento).toBe(
      '2025-04-30',
    );
    expect((await updateOrder(client, { folio: '404' }, { importe: '1' })).issues[0]?.message).toBe(
      'El folio ingresado no existe',
    );

    await fetch(`${sb.url}/__sandbox/facturav4/facturamval/facturar`, {
      method: 'POST',
      body: JSON.stringify({ folio: '55103' }),
    });
    const invoiced = await updateOrder(client, { folio: '55103' }, { importe: '1.00' });
    expect(invoiced).toMatchObject({
      status: 'refused',
      issues: [{ message: 'No es posible editar ordenes que ya fueron facturasdas.' }],
    });

    const invoicedId = (await getOrder(client, '55103')).result?.id ?? 0;
    const multi = await updateOrders(client, [
      { id, importe: '350.00' },
      { id: invoicedId, importe: '1.00' },
      { id: 29586, importe: '1.00' },
    ]);
    expect(multi.outcomes.map((o) => o.status)).toEqual(['stored', 'refused', 'refused']);
    expect(multi.outcomes[1]?.issues[0]?.message).toContain('facturados');

    expect((await deleteOrder(client, '55104')).status).toBe('stored');
    expect((await deleteOrder(client, '55104')).issues[0]?.message).toBe('El registro no existe');
  });

  it('refuses unknown credentials with the seed text and never shows its hashes', async () => {
    sb = await sandbox();
    const wrong = createFacturav4Client(
      { apiKey: new Secret('wrong-api-key'), secretKey: new Secret('wrong-secret-key') },
      { ...FAST, baseUrl: sb.urls['facturav4-orders'] },
    );
    const outcome = await listOrders(wrong);
    expect(outcome.status).toBe('refused');
    expect(outcome.issues).toEqual([
      {
        code: 'PROVIDER_REFUSED',
        path: [],
        message: 'La cuenta que intenta autenticarse no existe',
        severity: 'error',
      },
    ]);
  });
});

describe('facturaonline series (seed 004) against the sandbox', () => {
  it('lists, gets, creates (finding its SerieID), pauses, activates and drops', async () => {
    sb = await sandbox();
    const client = seriesClient(sb);
    const list = await listSeries(client);
    expect(list.result?.map((s) => s.SerieName)).toEqual(['R', 'COP', 'NDB', 'RT']);
    expect((await getSerie(client, '19843')).result).toMatchObject({
      SerieName: 'R',
      SerieType: 'factura',
      SerieStatus: 'Activa',
    });
    const created = await createSerie(client, { letra: 'RR', tipoDocumento: 'factura', folio: 1 });
    expect(created).toMatchObject({
      status: 'stored',
      result: { message: 'Serie creada correctamente', serie: { SerieID: 19844, SerieStatus: 'Activa' } },
    });
    expect((await changeSerie(client, '19844', 'down')).result?.message).toBe(
      'La serie se pausó correctamente',
    );
    expect((await getSerie(client, '19844')).result?.SerieStatus).toBe('Inactiva');
    expect((await changeSerie(client, '19844', 'up')).result?.message).toBe(
      'La serie se activó correctamente',
    );
    expect((await changeSerie(client, '19844', 'drop')).result?.message).toBe(
      'Serie eliminada correctamente',
    );
    expect((await getSerie(client, '19844')).status).toBe('refused');
  });

  it('looks a lost create up in the list instead of creating it twice', async () => {
    sb = await sandbox({ failRate: 1, faults: ['lost'] });
    const client = seriesClient(sb);
    // Every request loses its answer, so the lookup cannot tell either: unknown, and one serie only.
    const outcome = await createSerie(client, { letra: 'Z', tipoDocumento: 'pago' });
    expect(outcome.status).toBe('unknown');
    expect(
      Object.values(sb.state.facturav4.facturaonline?.series ?? {}).filter((s) => s.SerieName === 'Z'),
    ).toHaveLength(1);
  });

  it('finds the serie a lost answer created when the list answers', async () => {
    sb = await sandbox({ failRate: 1, faults: ['lost'], random: faultFirst() });
    const outcome = await createSerie(seriesClient(sb), { letra: 'Y', tipoDocumento: 'pago' });
    expect(outcome).toMatchObject({ status: 'stored', result: { serie: { SerieName: 'Y' } } });
    expect(
      Object.values(sb.state.facturav4.facturaonline?.series ?? {}).filter((s) => s.SerieName === 'Y'),
    ).toHaveLength(1);
    expect(sb.state.stats.faults).toEqual({ lost: 1 });
  });

  it('requires the F-PLUGIN header on series', async () => {
    sb = await sandbox();
    const res = await fetch(`${sb.urls['facturav4-series']}/v4/series`, {
      headers: { 'F-Api-Key': 'sandbox-api-key', 'F-Secret-Key': 'sandbox-secret-key' },
    });
    expect(res.status).toBe(401);
    const ok = await fetch(`${sb.urls['facturav4-series']}/v4/series`, {
      headers: { 'F-Api-Key': 'sandbox-api-key', 'F-Secret-Key': 'sandbox-secret-key', 'F-PLUGIN': F_PLUGIN },
    });
    expect(ok.status).toBe(200);
  });
});
