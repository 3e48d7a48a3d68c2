import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_CREDENTIALS, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { renderSandboxPdf } from '../../src/sandbox/pdf.js';
import { timbrar } from '../../src/senders/facture.js';
import { counterIds, FIXED_NOW, factureClient, preCfdi } from '../senders/helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const C = DEFAULT_SANDBOX_CREDENTIALS;
const basic = `Basic ${Buffer.from(`${C.tralix.user}:${C.tralix.password}`).toString('base64')}`;
const start = (options = {}) => startSandbox({ ids: counterIds(), now: FIXED_NOW, ...options });

async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

describe('sandbox: Tralix answers as seeds 000 and 002 say', () => {
  it('uses the seed status codes and texts', async () => {
    sb = await start();
    const t = `${sb.urls.tralix}/${C.tralix.key}`;
    const put = (body: unknown, auth = basic) =>
      call(`${t}/tickets`, {
        method: 'PUT',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const body = {
      fecha: '2019-01-25T11:09:46',
      insumo: '00|CFD33BASE|QA|4.0|\n01|..',
      monto: 12.36,
      numeroTicket: '12A31',
      sucursal: 'dsfhjkajslfd45646412',
    };
    expect(await put(body)).toMatchObject({
      status: 200,
      text: 'se guardo correctamente',
      type: 'text/plain; charset=UTF-8',
    });
    expect(await put({ ...body, numeroTicket: '12 A/31' })).toMatchObject({
      status: 400,
      text: 'El no. de ticket no contiene el formato correcto.',
    });
    expect((await put(body, 'Basic eDp5')).status).toBe(401);
    expect(
      await call(`${sb.urls.tralix}/otra-key/cfdis`, { headers: { authorization: basic } }),
    ).toMatchObject({ status: 401, text: 'No existe la keyEmpresa' });
    const none = await fetch(`${t}/cfdis`, { headers: { authorization: basic } });
    expect(none.status).toBe(204);
    expect(
      await call(`${t}/cfdis?ticket=100&sucursal=Odd6aebbea85662fd2fe2f76ce4258b3`, {
        headers: { authorization: basic },
      }),
    ).toMatchObject({
      status: 400,
      text: 'Ticket numero:100 , sucursal: Odd6aebbea85662fd2fe2f76ce4258b3, aun no genera cfdi',
    });
    const expire = (noTicket: string) =>
      call(`${t}/expired`, {
        method: 'PUT',
        headers: { authorization: basic },
        body: JSON.stringify({ noTicket, sucursal: 'dsfhjkajslfd45646412' }),
      });
    expect(await expire('12A31')).toMatchObject({
      status: 200,
      text: 'Se expiro no_ticket: 12A31 sucursal : dsfhjkajslfd45646412',
    });
    expect(await expire('12A31')).toMatchObject({ status: 200 });
    expect(await expire('12As30')).toMatchObject({
      status: 400,
      text: 'Ticket numero: 12As30, sucursal: dsfhjkajslfd45646412, no existe',
    });
    expect(sb.state.tralix.tickets['dsfhjkajslfd45646412/12A31']).toMatchObject({
      monto: '12.36',
      expired: true,
      puts: 1,
    });
  });

  it('expires with PUT and POST by default, and answers 405 to the method it is not configured for', async () => {
    const body = (noTicket: string) => JSON.stringify({ noTicket, sucursal: 'S1' });
    const ticketBody = JSON.stringify({
      fecha: '2019-01-25T11:09:46',
      insumo: '00|CFD33BASE|QA|4.0|',
      monto: 1,
      numeroTicket: '12A30',
      sucursal: 'S1',
    });
    for (const [methods, refused] of [
      [undefined, undefined],
      [['POST'], 'PUT'],
      [['PUT'], 'POST'],
    ] as const) {
      sb = await start(methods === undefined ? {} : { tralixExpireMethods: methods });
      const t = `${sb.urls.tralix}/${C.tralix.key}`;
      await call(`${t}/tickets`, { method: 'PUT', headers: { authorization: basic }, body: ticketBody });
      for (const method of ['PUT', 'POST']) {
        const answer = await fetch(`${t}/expired`, {
          method,
          headers: { authorization: basic, 'content-type': 'application/json' },
          body: body('12A30'),
        });
        if (method === refused) {
          expect(answer.status).toBe(405);
          expect(answer.headers.get('allow')).toBe(methods?.join(', '));
        } else {
          expect(answer.status).toBe(200);
          expect(await answer.text()).toBe('Se expiro no_ticket: 12A30 sucursal : S1');
        }
      }
      await sb.close();
      sb = undefined;
    }
  });

  it('answers the async status sequence with the seed bodies', async () => {
    sb = await start({
      asyncPolls: 2,
      readArchivoFuente: () => ({
        issues: [
          {
            code: 'CFDI40108',
            path: [],
            message:
              'El TipoDeComprobante es I,E o N, el importe registrado en el campo no es igual al redondeo de la suma de los importes de los conceptos registrados.',
            severity: 'error',
          },
        ],
      }),
    });
    const t = `${sb.urls.tralix}/${C.tralix.key}`;
    const submitted = await call(`${t}/cfdisAsync`, {
      method: 'PUT',
      body: JSON.stringify({ idTipoCfd: 'a', idSucursal: 'b', archivoFuente: '|00|idcfd|FAC|\n' }),
    });
    const { idPeticion } = JSON.parse(submitted.text) as { idPeticion: string };
    expect(idPeticion).toMatch(/^[0-9a-f]{32}$/);
    expect(await call(`${t}/cfdis/${idPeticion}`)).toMatchObject({
      status: 202,
      text: '{"status":"EN_PROCESO"}',
    });
    const failed = await call(`${t}/cfdis/${idPeticion}`);
    expect(failed.status).toBe(400);
    expect(JSON.parse(failed.text)).toEqual({
      errors: [
        'Error CFDI40108\nEl TipoDeComprobante es I,E o N, el importe registrado en el campo no es igual al redondeo de la suma de los importes de los conceptos registrados.. :\n Código de error: CFDI40108',
      ],
    });
    expect(await call(`${t}/cfdis/nope`)).toMatchObject({
      status: 404,
      text: '{"status":"DOCUMENTO_NO_ENCONTRADO"}',
    });
    expect((await call(`${t}/cfdisAsync`, { method: 'PUT', body: '{}' })).status).toBe(400);
    expect((await call(`${t}/descargasCfdiAsync`)).status).toBe(400);
  });
});

describe('sandbox: Facture answers a request with only what seed 003 documents', () => {
  const F = C.facture;
  const auth = `Basic ${Buffer.from(`${F.user}:${F.password}`).toString('base64')}`;

  it('cancels with uuid and Sucursal alone (no motivo), checks a Sucursal it is given, and serves the acuse', async () => {
    sb = await start();
    const stamped = await timbrar(factureClient(sb), [{ name: 'a.xml', xml: preCfdi('S1') }], {
      sucursal: '1',
    });
    const uuid = stamped.outcomes[0]?.result?.uuid ?? '';
    const cancel = (sucursal: string) =>
      call(`${sb?.urls.facture}/rest/cancelacion/produccion/?uuid=${uuid}`, {
        headers: { Authorization: auth, Accept: 'application/json', Sucursal: sucursal },
      });
    const unknown = await cancel('99');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toEqual({
      error: { codigo: 'SUCURSAL', mensaje: 'La sucursal 99 no existe o no está activa' },
    });
    const done = await cancel('1');
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toEqual({
      uuid,
      codigo: '201',
      mensaje: 'Solicitud de cancelación recibida',
    });
    expect(sb.state.facture.cfdis[uuid]?.cancelacion?.motivo).toBeUndefined();
    const acuse = await call(`${sb.urls.facture}/rest/cancelacion/acuse/?uuid=${uuid}`, {
      headers: { Authorization: auth, Accept: 'application/xml' },
    });
    expect(acuse.status).toBe(200);
    expect(acuse.text).toContain('<EstatusUUID>201</EstatusUUID></Folios>');
  });
});

describe('sandbox: Factura.com v4 answers as seeds 001 and 004 say', () => {
  const headers = {
    'F-Api-Key': C.facturav4.apiKey,
    'F-Secret-Key': C.facturav4.secretKey,
    'Content-Type': 'application/json',
  };

  it('validates like Laravel and reports existing folios', async () => {
    sb = await start();
    const base = `${sb.urls['facturav4-orders']}/v4/autofacturacion`;
    const missing = await call(`${base}/multiple`, {
      method: 'POST',
      headers,
      body: JSON.stringify([{ vencimiento: '2025-03-31', folio: '1', importe: 1, iva: '16' }]),
    });
    expect(JSON.parse(missing.text)).toEqual({
      response: 'error',
      message: { '0.fecha': ['El campo 0.fecha es requerido'] },
    });
    const order = {
      vencimiento: '2025-03-31',
      folio: '55101',
      importe: 100.0,
      fecha: '2025-03-25',
      iva: '16',
      formaDePago: '03',
      tag: '',
      objetoImpuesto: '02',
    };
    const created = JSON.parse(
      (
        await call(`${base}/multiple`, {
          method: 'POST',
          headers,
          body: JSON.stringify([order, { ...order, folio: '55102', objetoImpuesto: '01', ish: 5 }]),
        })
      ).text,
    );
    expect(created).toMatchObject({
      response: 'success',
      message: 'Registros creados',
      folios_existentes: [],
    });
    expect(created.data[0]).toEqual({
      soft_folio: '55101',
      soft_fecha: '2025-03-25',
      soft_importe: '100',
      soft_creado: '2025-03-27',
      soft_facturado: 0,
      due_date: '2025-03-31',
      soft_tasa: '16',
      soft_forma_de_pago: '03',
      soft_ish: 0,
      soft_id: 2958927,
    });
    expect(created.data[1]).toMatchObject({ soft_tasa: 'Obj_01', soft_ish: '5' });
    const again = JSON.parse(
      (await call(`${base}/multiple`, { method: 'POST', headers, body: JSON.stringify([order]) })).text,
    );
    expect(again).toMatchObject({
      data: [],
      folios_existentes: [
        { soft_id: 2958927, soft_importe: '100.00', is_deleted: '0', soft_cfdi_date: null },
      ],
    });
    const single = JSON.parse(
      (await call(base, { method: 'POST', headers, body: JSON.stringify(order) })).text,
    );
    expect(single).toMatchObject({
      response: 'error',
      message: 'El registro ya existe',
      data: { soft_id: 2958927 },
    });
    expect(JSON.parse((await call(`${base}/folio/404`, { headers })).text)).toEqual({
      response: 'success',
      page: 1,
      per_page: 100,
      data: null,
    });
    expect(JSON.parse((await call(`${base}/folio/404`, { method: 'DELETE', headers })).text)).toEqual({
      response: 'error',
      message: 'El registro no existe',
    });
    // Seed 001's own example sends the list filters in a GET body.
    const listed = JSON.parse((await call(base, { headers, method: 'GET' })).text);
    expect(listed).toMatchObject({ response: 'success', page: '1', per_page: '100' });
    expect(listed.data[0]).toEqual({
      id: 2958927,
      vencimiento: '2025-03-31',
      folio: 55101,
      importe: '100.00',
      uuid: '',
      fecha: '2025-03-25',
      creado: '2025-03-27',
      facturado: 'no',
      tasa: '16',
    });
    const bad = await call(`${base}/multiple`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify([{ importe: 1 }, { id: 1 }]),
    });
    expect(JSON.parse(bad.text)).toEqual({
      response: 'error',
      message: { '0.id': ['El campo 0.id es requerido'] },
    });
    const patched = JSON.parse(
      (
        await call(`${base}/multiple`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify([{ id: 2958927, importe: '350.00' }, { id: 29586 }]),
        })
      ).text,
    );
    expect(patched).toEqual({
      response: 'success',
      message: 'Registros actualizados',
      actualizados: [2958927],
      existentes: [],
      inexistentes: ['29586'],
      facturados: [],
    });
  });

  it('keeps seed 004 texts, the "messsage" spelling and the authentication error', async () => {
    sb = await start();
    const series = `${sb.urls['facturav4-series']}/v4/series`;
    const plugin = { ...headers, 'F-PLUGIN': '9d4095c8f7ed5785cb14c0e3b033eeb8252416ed' };
    expect(
      JSON.parse(
        (
          await call(`${series}/create`, {
            method: 'POST',
            headers: plugin,
            body: JSON.stringify({ letra: 'RR', tipoDocumento: 'factura', folio: 1 }),
          })
        ).text,
      ),
    ).toEqual({
      response: 'success',
      message: 'Serie creada correctamente',
    });
    expect(
      JSON.parse((await call(`${series}/19844/down`, { method: 'POST', headers: plugin })).text),
    ).toEqual({ status: 'success', messsage: 'La serie se pausó correctamente' });
    expect(JSON.parse((await call(`${series}/19844/up`, { method: 'POST', headers: plugin })).text)).toEqual({
      status: 'success',
      messsage: 'La serie se activó correctamente',
    });
    expect(
      JSON.parse((await call(`${series}/19844/drop`, { method: 'POST', headers: plugin })).text),
    ).toEqual({ status: 'success', message: 'Serie eliminada correctamente' });
    const denied = await call(series, { headers: { ...plugin, 'F-Secret-Key': 'otra' } });
    expect(denied.status).toBe(401);
    expect(JSON.parse(denied.text)).toMatchObject({
      status: 'error',
      message: 'La cuenta que intenta autenticarse no existe',
    });
  });
});

describe('sandbox: faults, persistence and documents', () => {
  it('injects each fault kind where asked', async () => {
    const url = (s: Sandbox) => `${s.urls.facture}/rest/administracion/usuario/`;
    const auth = {
      authorization: `Basic ${Buffer.from(`${C.facture.user}:${C.facture.password}`).toString('base64')}`,
      accept: 'application/json',
    };
    sb = await start({ failRate: 1, faults: ['500'] });
    expect((await call(url(sb), { headers: auth })).status).toBe(500);
    await sb.close();
    sb = await start({ failRate: 1, faults: ['429'], retryAfterSeconds: 7 });
    const limited = await fetch(url(sb), { headers: auth });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    await sb.close();
    for (const kind of ['drop', 'lost'] as const) {
      sb = await start({ failRate: 1, faults: [kind] });
      await expect(fetch(url(sb), { headers: auth })).rejects.toThrow();
      expect(sb.state.stats.faults[kind]).toBe(1);
      await sb.close();
    }
    sb = await start({ failRate: 1, faults: ['500'] });
    expect((await call(`${sb.url}/__sandbox/state`)).status).toBe(200);
  });

  it('persists its state to --state and loads it back', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sandbox-')), 'state.json');
    sb = await start({ statePath: path });
    await fetch(`${sb.urls.tralix}/${C.tralix.key}/tickets`, {
      method: 'PUT',
      headers: { authorization: basic },
      body: JSON.stringify({
        fecha: '2019-01-25T11:09:46',
        insumo: 'x',
        monto: 1,
        numeroTicket: 'P1',
        sucursal: 'S',
      }),
    });
    await sb.close();
    expect(JSON.parse(readFileSync(path, 'utf8')).tralix.tickets['S/P1'].puts).toBe(1);
    sb = await start({ statePath: path });
    expect(sb.state.tralix.tickets['S/P1']?.monto).toBe('1');
  });

  it('renders a real PDF with a valid cross-reference table', () => {
    const pdf = Buffer.from(renderSandboxPdf(['CFDI DE PRUEBA', 'Razón (social)'])).toString('latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    const xref = Number(/startxref\n(\d+)/.exec(pdf)?.[1]);
    expect(pdf.slice(xref, xref + 4)).toBe('xref');
    const offsets = [...pdf.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    for (const [i, o] of offsets.entries())
      expect(pdf.slice(o, o + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    expect(pdf).toContain('Raz\xf3n \\(social\\)');
  });
});
