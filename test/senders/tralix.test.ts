import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LAYOUTS, renderLayout } from '../../src/layouts/index.js';
import { DEFAULT_SANDBOX_CREDENTIALS, type Sandbox } from '../../src/sandbox/index.js';
import { SANDBOX_RECEPTOR, ticketComprobante } from '../../src/sandbox/stamp.js';
import { readZip } from '../../src/sandbox/zip-read.js';
import { openJournal } from '../../src/senders/journal.js';
import { Secret } from '../../src/senders/secret.js';
import {
  createTralixClient,
  downloadAsync,
  expireTicket,
  getAsyncStatus,
  getTicketCfdis,
  putTickets,
  submitAsync,
  TralixTicketSchema,
  ticketPutOperation,
  waitForAsync,
} from '../../src/senders/tralix.js';
import { FAST, sandbox, ticket, tralixClient } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const C = DEFAULT_SANDBOX_CREDENTIALS;

const tickets = (n: number) => Array.from({ length: n }, (_, i) => TralixTicketSchema.parse(ticket(i)));

function archivoFuente(numeroTicket: string, monto = '116.00'): string {
  const rendered = renderLayout(
    LAYOUTS['tralix-40'],
    ticketComprobante({ numeroTicket, monto }, SANDBOX_RECEPTOR, '2025-03-27T10:00:00'),
  );
  expect(rendered.issues).toEqual([]);
  return rendered.text;
}

const fastWait = { intervalMs: 1, maxIntervalMs: 2, timeoutMs: 5_000 };

describe('Tralix ticket input (seed 000)', () => {
  it('refuses a monto no JSON number holds exactly: seed 000 sends monto as a number only', () => {
    const parsed = TralixTicketSchema.safeParse({ ...ticket(1), monto: '1234567890123456.78' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['monto', "has more than 15 digits, which the provider's JSON number cannot hold exactly"],
    ]);
    expect(TralixTicketSchema.parse({ ...ticket(1), monto: '9999999999999.99' }).monto).toBe(
      '9999999999999.99',
    );
  });
});

describe('Tralix tickets (seed 000) against the sandbox', () => {
  it('stores, answers "aun no genera cfdi", then the CFDI once self-invoiced, and expires', async () => {
    sb = await sandbox();
    const client = tralixClient(sb);
    const report = await putTickets(client, tickets(3));
    expect(report.counts.stored).toBe(3);
    expect(report.outcomes[0]?.result?.message).toBe('se guardo correctamente');
    expect(sb.state.tralix.tickets['S1/T0']?.monto).toBe('100.16');

    const none = await getTicketCfdis(client);
    expect(none).toMatchObject({
      status: 'answered',
      result: { cfdis: [], message: 'No hay cfdi generados' },
    });
    const pending = await getTicketCfdis(client, { ticket: 'T1', sucursal: 'S1' });
    expect(pending.result).toMatchObject({
      pending: true,
      message: 'Ticket numero:T1 , sucursal: S1, aun no genera cfdi',
    });

    const invoiced = await fetch(`${sb.url}/__sandbox/tralix/autofacturar`, {
      method: 'POST',
      body: JSON.stringify({ numeroTicket: 'T1', sucursal: 'S1' }),
    });
    expect(invoiced.status).toBe(200);
    const got = await getTicketCfdis(client, { ticket: 'T1', sucursal: 'S1' });
    expect(got.status).toBe('answered');
    expect(got.result?.cfdis[0]).toMatchObject({
      status: 'ALMACENADO',
      noTicket: 'T1',
      monto: '101.160000',
      idSucursal: 'S1',
    });

    expect((await expireTicket(client, { noTicket: 'T2', sucursal: 'S1' })).result?.message).toBe(
      'Se expiro no_ticket: T2 sucursal : S1',
    );
    const missing = await expireTicket(client, { noTicket: 'T9', sucursal: 'S1' });
    expect(missing).toMatchObject({
      status: 'refused',
      issues: [{ message: 'Ticket numero: T9, sucursal: S1, no existe' }],
    });
    const selfAfterExpiry = await fetch(`${sb.url}/__sandbox/tralix/autofacturar`, {
      method: 'POST',
      body: JSON.stringify({ numeroTicket: 'T2', sucursal: 'S1' }),
    });
    expect(selfAfterExpiry.status).toBe(409);
  });

  it('expires with the method asked, and on a 405 once more with the other one (seed 000 says PUT and POST)', async () => {
    for (const accepted of ['PUT', 'POST'] as const) {
      sb = await sandbox({ tralixExpireMethods: [accepted] });
      const client = tralixClient(sb);
      await putTickets(client, tickets(1));
      const other = accepted === 'PUT' ? 'POST' : 'PUT';
      const direct = await expireTicket(client, { noTicket: 'T0', sucursal: 'S1' }, { method: accepted });
      expect(direct).toMatchObject({ status: 'stored', attempts: 1, issues: [] });
      const fallback = await expireTicket(client, { noTicket: 'T0', sucursal: 'S1' }, { method: other });
      expect(fallback).toMatchObject({
        status: 'stored',
        attempts: 2,
        result: { message: 'Se expiro no_ticket: T0 sucursal : S1' },
        issues: [{ code: 'EXPIRE_METHOD_FALLBACK', severity: 'warning' }],
      });
      expect(fallback.issues[0]?.message).toContain(`--method ${accepted}`);
      const strict = await expireTicket(
        client,
        { noTicket: 'T0', sucursal: 'S1' },
        { method: other, fallback: false },
      );
      expect(strict).toMatchObject({
        status: 'refused',
        attempts: 1,
        issues: [{ code: 'PROVIDER_METHOD_NOT_ALLOWED' }],
      });
      expect(strict.issues[0]?.message).toContain(`(Allow: ${accepted})`);
      await sb.close();
      sb = undefined;
    }
  });

  it('puts tickets under their own {Token} and authorizes with a Basic {Token} given whole (seed 000)', async () => {
    const token = 'c0ffee-tickets-token';
    sb = await sandbox({ credentials: { ...DEFAULT_SANDBOX_CREDENTIALS, tralix: { ...C.tralix, token } } });
    const base = { ...FAST, baseUrl: sb.urls.tralix };
    const seedBasic = 'dGVwb3g6dGVwb3g='; // seed 000's example: tepox:tepox
    for (const basic of [seedBasic, `Basic ${seedBasic}`]) {
      const client = createTralixClient(
        { key: new Secret(C.tralix.key), token: new Secret(token), basic: new Secret(basic) },
        base,
      );
      expect((await putTickets(client, tickets(1))).counts.stored).toBe(1);
      expect((await getTicketCfdis(client)).status).toBe('answered');
      const described = client.http.describe(
        ticketPutOperation(client).request(TralixTicketSchema.parse(ticket(0))),
      );
      expect(described.headers.authorization).toBe('***');
      expect(described.url).toMatch(/\/tralix\/\*\*\*\/tickets$/);
      expect(client.http.redact(`echo ${seedBasic} tepox:tepox ${token}`)).toBe('echo *** *** ***');
    }
    // Without its own token the tickets URL carries the keyEmpresa, which this Tralix does not take there.
    const keyOnly = tralixClient(sb);
    expect((await putTickets(keyOnly, tickets(1))).outcomes[0]).toMatchObject({
      status: 'refused',
      issues: [{ message: 'No existe la keyEmpresa' }],
    });
    expect((await getTicketCfdis(keyOnly)).status).toBe('answered');
  });

  it('says which variable is missing or malformed, never its value', async () => {
    sb = await sandbox();
    const base = { ...FAST, baseUrl: sb.urls.tralix };
    const malformed = (() => {
      try {
        createTralixClient({ key: new Secret(C.tralix.key), basic: new Secret('tepox:tepox') }, base);
      } catch (err) {
        return err as { code?: string; message: string };
      }
      return undefined;
    })();
    expect(malformed?.code).toBe('SECRET_INVALID');
    expect(malformed?.message).toContain('CFDI_LAYOUT_TRALIX_BASIC');
    expect(malformed?.message).not.toContain('tepox:tepox');
    const noAuth = createTralixClient({ key: new Secret(C.tralix.key) }, base);
    await expect(getTicketCfdis(noAuth)).rejects.toMatchObject({
      code: 'SECRET_MISSING',
      message: expect.stringContaining('CFDI_LAYOUT_TRALIX_BASIC') as unknown,
    });
    const noToken = createTralixClient({ user: new Secret('tepox'), password: new Secret('tepox') }, base);
    await expect(putTickets(noToken, tickets(1))).rejects.toMatchObject({
      code: 'SECRET_MISSING',
      message: expect.stringContaining('CFDI_LAYOUT_TRALIX_TOKEN (or CFDI_LAYOUT_TRALIX_KEY') as unknown,
    });
    expect(sb.state.stats.requests).toBe(0);
  });

  it('refuses a bad ticket number and an unknown keyEmpresa with the seed texts', async () => {
    sb = await sandbox();
    const bad = await putTickets(tralixClient(sb), [
      { ...TralixTicketSchema.parse(ticket(1)), numeroTicket: 'no válido!' },
    ]);
    expect(bad.outcomes[0]).toMatchObject({
      status: 'refused',
      issues: [{ message: 'El no. de ticket no contiene el formato correcto.' }],
    });
    const wrongKey = createTralixClient(
      { key: new Secret('nope'), user: new Secret('tepox'), password: new Secret('tepox') },
      { ...FAST, baseUrl: sb.urls.tralix },
    );
    const denied = await getTicketCfdis(wrongKey);
    expect(denied).toMatchObject({ status: 'refused', issues: [{ message: 'No existe la keyEmpresa' }] });
  });

  it('stores every ticket exactly once through 500s, lost answers, dropped connections and 429s', async () => {
    sb = await sandbox({ failRate: 0.4, seed: 7 });
    const client = tralixClient(sb, {
      retry: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 4, maxRetryAfterMs: 5 },
    });
    const report = await putTickets(client, tickets(40), { concurrency: 8 });
    expect(report.counts.stored).toBe(40);
    expect(Object.keys(sb.state.tralix.tickets)).toHaveLength(40);
    expect(Object.values(sb.state.stats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
    expect(report.outcomes.some((o) => o.attempts > 1)).toBe(true);
  });

  it('resumes from a journal without resending what was stored', async () => {
    sb = await sandbox();
    const path = join(mkdtempSync(join(tmpdir(), 'tralix-')), 'journal.jsonl');
    const client = tralixClient(sb);
    let journal = await openJournal(path);
    await putTickets(client, tickets(5).slice(0, 3), { journal });
    await journal.close();
    journal = await openJournal(path);
    const rerun = await putTickets(client, tickets(5), { journal });
    await journal.close();
    expect(rerun.counts).toMatchObject({ stored: 5, resumed: 3 });
    expect(Object.values(sb.state.tralix.tickets).map((t) => t.puts)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('Tralix CFDI async (seed 002) against the sandbox', () => {
  it('passes through EN_PROCESO, with and without uuid, then 200', async () => {
    sb = await sandbox({ asyncPolls: 2 });
    const client = tralixClient(sb);
    const report = await submitAsync(client, [
      {
        idTipoCfd: 'd18bb0158356449c31e72cb69e642b31',
        idSucursal: '6ac9a2c315480d5cc5534c7e58caee5a',
        archivoFuente: archivoFuente('A1'),
      },
    ]);
    const idPeticion = report.outcomes[0]?.result?.idPeticion ?? '';
    expect(idPeticion).toMatch(/^[0-9a-f]{32}$/);
    const first = await getAsyncStatus(client, idPeticion);
    expect(first.result).toEqual({ idPeticion, state: 'EN_PROCESO' });
    const second = await getAsyncStatus(client, idPeticion);
    expect(second.result?.state).toBe('EN_PROCESO');
    expect(second.result?.uuid).toMatch(/^[0-9A-F-]{36}$/);
    const done = await getAsyncStatus(client, idPeticion);
    expect(done.result).toMatchObject({
      state: 'ALMACENADO',
      uuid: second.result?.uuid,
      cfdi: { status: 'ALMACENADO', monto: '116.000000', subtotal: '100.000000' },
    });
    expect(done.result?.cfdi?.xmlDownload).toMatch(
      /^\/b391655ac2242d85ddd36d37b482259b1b7dfc1c\/descargasCfdiAsync\?idCfdi=[0-9a-f]{32}&produccion=true&representacion=XML$/,
    );

    const uuid = done.result?.uuid ?? '';
    const xml = await downloadAsync(client, { uuid, representacion: 'XML' });
    const text = Buffer.from(xml.result?.data ?? []).toString('utf8');
    expect(text).toContain('SelloSAT="SANDBOX-NO-FISCAL"');
    expect(text).toContain(`UUID="${uuid}"`);
    const pdf = await downloadAsync(client, { uuid, representacion: 'PDF' });
    expect(
      Buffer.from(pdf.result?.data ?? [])
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const zip = await downloadAsync(client, { uuid, representacion: 'XML_PDF' });
    expect(readZip(zip.result?.data ?? new Uint8Array()).map((e) => e.name)).toEqual([
      `${uuid}.xml`,
      `${uuid}.pdf`,
    ]);
    expect(
      (await downloadAsync(client, { uuid: '00000000-0000-0000-0000-000000000000', representacion: 'XML' }))
        .status,
    ).toBe('refused');
  });

  it('downloads every CFDI without a uuid (seed 002 example #1), keeping the 204, 400 and 401 answers', async () => {
    sb = await sandbox({ asyncPolls: 1 });
    const client = tralixClient(sb);
    expect(await downloadAsync(client, { representacion: 'XML' })).toMatchObject({
      status: 'refused',
      issues: [{ code: 'PROVIDER_REFUSED', message: 'No Content - No existen CFDI' }],
    });
    const stamp = async (n: string) =>
      (
        await submitAsync(client, [{ idTipoCfd: 't', idSucursal: 's', archivoFuente: archivoFuente(n) }], {
          wait: fastWait,
        })
      ).outcomes[0]?.result?.status?.uuid ?? '';
    const first = await stamp('D1');
    const one = await downloadAsync(client, { representacion: 'XML' });
    expect(one.result?.filename).toBe(`${first}.xml`);
    expect(Buffer.from(one.result?.data ?? []).toString()).toContain(`UUID="${first}"`);
    const second = await stamp('D2');
    const all = await downloadAsync(client, { representacion: 'XML' });
    expect(all.result).toMatchObject({ filename: 'cfdis.zip', contentType: 'application/zip' });
    expect(readZip(all.result?.data ?? new Uint8Array()).map((e) => e.name)).toEqual([
      `${first}.xml`,
      `${second}.xml`,
    ]);
    expect(
      (await downloadAsync(client, { uuid: second })).result?.filename,
      'a uuid alone is a ZIP (example #2)',
    ).toBe(`${second}.zip`);
    expect(await downloadAsync(client, { representacion: 'HTML' as unknown as 'XML' })).toMatchObject({
      status: 'refused',
      issues: [{ message: 'Parámetros incorrectos' }],
    });
    const wrongKey = createTralixClient({ key: new Secret('nope') }, { ...FAST, baseUrl: sb.urls.tralix });
    expect(await downloadAsync(wrongKey, { representacion: 'PDF' })).toMatchObject({
      status: 'refused',
      issues: [{ message: 'No existe la keyEmpresa' }],
    });
    const requests = sb.state.stats.requests;
    await expect(downloadAsync(client, {} as unknown as { representacion: 'XML' })).rejects.toMatchObject({
      code: 'SENDER_REQUEST_INVALID',
    });
    expect(sb.state.stats.requests).toBe(requests);
  });

  it('completes an invalid archivoFuente with 400 and the validator issues in the seed format', async () => {
    sb = await sandbox({ asyncPolls: 1 });
    const client = tralixClient(sb);
    const wrongTotal = archivoFuente('A2').replace('|116.00|I|', '|117.00|I|');
    const report = await submitAsync(
      client,
      [{ idTipoCfd: 't', idSucursal: 's', archivoFuente: wrongTotal }],
      { wait: fastWait },
    );
    const outcome = report.outcomes[0];
    expect(outcome?.status).toBe('refused');
    expect(outcome?.issues[0]?.code).toBe('CFDI40119');
    const record = Object.values(sb.state.tralix.async)[0];
    expect(record?.errors?.[0]).toMatch(/^Error CFDI40119\n.*\.\. :\n Código de error: CFDI40119$/s);
    expect((await getAsyncStatus(client, 'f'.repeat(32))).result?.state).toBe('DOCUMENTO_NO_ENCONTRADO');
  });

  it('waits with backoff until stamped', async () => {
    sb = await sandbox({ asyncPolls: 3 });
    const client = tralixClient(sb);
    const report = await submitAsync(
      client,
      [{ idTipoCfd: 't', idSucursal: 's', archivoFuente: archivoFuente('A3') }],
      { wait: fastWait },
    );
    expect(report.outcomes[0]).toMatchObject({
      status: 'stored',
      result: { status: { state: 'ALMACENADO' } },
    });
    const waited = await waitForAsync(client, report.outcomes[0]?.result?.idPeticion ?? '', fastWait);
    expect(waited.result?.state).toBe('ALMACENADO');
  });

  it('never resends a request whose answer was lost: it ends unknown and the sandbox holds one request', async () => {
    sb = await sandbox({ failRate: 1, faults: ['lost'] });
    const path = join(mkdtempSync(join(tmpdir(), 'async-')), 'journal.jsonl');
    const client = tralixClient(sb);
    const body = { idTipoCfd: 't', idSucursal: 's', archivoFuente: archivoFuente('A4') };
    let journal = await openJournal(path);
    const report = await submitAsync(client, [body], { journal });
    await journal.close();
    expect(report.outcomes[0]?.status).toBe('unknown');
    expect(report.outcomes[0]?.issues[0]?.code).toBe('SENDER_OUTCOME_UNKNOWN');
    expect(Object.keys(sb.state.tralix.async)).toHaveLength(1);

    journal = await openJournal(path);
    const rerun = await submitAsync(client, [body], { journal });
    await journal.close();
    expect(rerun.outcomes[0]).toMatchObject({ status: 'unknown', resumed: true });
    expect(Object.keys(sb.state.tralix.async)).toHaveLength(1);
  });

  it('repeats a submit refused with 429 (nothing was done)', async () => {
    sb = await sandbox({ failRate: 0.5, faults: ['429'], seed: 3 });
    const client = tralixClient(sb, {
      retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 2 },
    });
    const bodies = Array.from({ length: 6 }, (_, i) => ({
      idTipoCfd: 't',
      idSucursal: 's',
      archivoFuente: archivoFuente(`B${i}`),
    }));
    const report = await submitAsync(client, bodies);
    expect(report.counts.stored).toBe(6);
    expect(Object.keys(sb.state.tralix.async)).toHaveLength(6);
  });
});
