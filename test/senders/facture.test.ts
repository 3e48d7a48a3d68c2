import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { writeZip } from '../../src/sandbox/zip-write.js';
import {
  acuseOperation,
  cancelar,
  consultarCfdi,
  downloadPdf,
  downloadXml,
  getAcuse,
  getSucursales,
  getUsuario,
  timbrar,
  timbrarMasivo,
  uuidOfStamped,
} from '../../src/senders/facture.js';
import { openJournal } from '../../src/senders/journal.js';
import { factureClient, preCfdi, sandbox } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('Facture APP (seed 003) against the sandbox', () => {
  it('answers usuario and sucursales in JSON or XML as Accept asks', async () => {
    sb = await sandbox();
    const client = factureClient(sb);
    const json = await getUsuario(client, 'json');
    expect(json.result?.json).toMatchObject({ usuario: 'facture-demo', creditos: 1000 });
    const xml = await getSucursales(client, 'xml');
    expect(xml.result?.format).toBe('xml');
    expect(xml.result?.text).toContain('<sucursal><id>1</id>');
  });

  it('stamps a pre-CFDI with a sandbox TimbreFiscalDigital, clearly not fiscal', async () => {
    sb = await sandbox();
    const client = factureClient(sb);
    const report = await timbrar(client, [{ name: 'a.xml', xml: preCfdi('A1') }], { sucursal: '1' });
    const stamped = report.outcomes[0];
    expect(stamped?.status).toBe('stored');
    expect(stamped?.result?.xml).toContain('tfd:TimbreFiscalDigital');
    expect(stamped?.result?.xml).toContain('SelloSAT="SANDBOX-NO-FISCAL"');
    expect(stamped?.result?.xml).toContain('sin validez fiscal');
    expect(uuidOfStamped(stamped?.result?.xml ?? '')).toBe(stamped?.result?.uuid);
    const viaJson = await timbrar(client, [{ name: 'b.xml', xml: preCfdi('A2') }], {
      sucursal: '1',
      format: 'json',
    });
    expect(viaJson.outcomes[0]?.status).toBe('stored');
    expect((await getUsuario(client)).result?.json).toMatchObject({ creditos: 998 });
  });

  it('refuses a pre-CFDI that breaks a SAT rule with its CFDI40xxx code, an unknown sucursal, and a second timbre', async () => {
    sb = await sandbox();
    const client = factureClient(sb);
    const wrong = preCfdi('A3').replace('Total="116.00"', 'Total="117.00"');
    const refused = await timbrar(client, [{ name: 'bad.xml', xml: wrong }], { sucursal: '1' });
    expect(refused.outcomes[0]).toMatchObject({ status: 'refused', issues: [{ code: 'CFDI40119' }] });
    const noBranch = await timbrar(client, [{ name: 'a.xml', xml: preCfdi('A4') }], { sucursal: '99' });
    expect(noBranch.outcomes[0]?.issues[0]?.message).toContain('La sucursal 99 no existe');
    const once = await timbrar(client, [{ name: 'a.xml', xml: preCfdi('A5') }], { sucursal: '1' });
    const twice = await timbrar(client, [{ name: 'a.xml', xml: once.outcomes[0]?.result?.xml ?? '' }], {
      sucursal: '1',
    });
    expect(twice.outcomes[0]?.issues[0]?.message).toBe('307: 307 - El CFDI contiene un timbre previo.');
  });

  it('answers timbrado masivo per file', async () => {
    sb = await sandbox();
    const client = factureClient(sb);
    const zip = writeZip([
      { name: 'ok.xml', data: bytes(preCfdi('M1')) },
      { name: 'bad.xml', data: bytes(preCfdi('M2').replace('Total="116.00"', 'Total="1.00"')) },
    ]);
    for (const format of ['json', 'xml'] as const) {
      const report = await timbrarMasivo(client, [{ name: 'lote.zip', data: zip }], {
        sucursal: '1',
        format,
      });
      const outcome = report.outcomes[0];
      expect(outcome?.status).toBe('stored');
      expect(outcome?.result?.comprobantes.map((c) => [c.archivo, c.estatus])).toEqual([
        ['ok.xml', 'TIMBRADO'],
        ['bad.xml', 'ERROR'],
      ]);
      expect(outcome?.issues).toMatchObject([{ code: 'CFDI40119', path: ['bad.xml'] }]);
      expect(outcome?.result?.descarga).toMatch(/\/facture\/rest\/descargas\/masivo\/[0-9a-f]+$/);
    }
  });

  it('consults, downloads, cancels (201, then 202) and returns the acuse', async () => {
    sb = await sandbox();
    const client = factureClient(sb);
    const uuid =
      (await timbrar(client, [{ name: 'a.xml', xml: preCfdi('C1') }], { sucursal: '1' })).outcomes[0]?.result
        ?.uuid ?? '';
    expect((await consultarCfdi(client, uuid)).result?.json).toMatchObject({
      uuid,
      estatus: 'Vigente',
      total: '116.00',
    });
    expect((await consultarCfdi(client, uuid, 'xml')).result?.text).toContain(`UUID="${uuid}"`);
    expect(Buffer.from((await downloadXml(client, uuid)).result?.data ?? []).toString()).toContain(
      'cfdi:Comprobante',
    );
    expect(
      Buffer.from((await downloadPdf(client, uuid)).result?.data ?? [])
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await getAcuse(client, uuid)).status).toBe('refused');

    const first = await cancelar(client, { uuid, motivo: '02' });
    expect(first).toMatchObject({ status: 'stored', result: { codigo: '201' } });
    const again = await cancelar(client, { uuid, motivo: '02' }, 'xml');
    expect(again).toMatchObject({
      status: 'stored',
      result: { codigo: '202' },
      issues: [{ severity: 'warning' }],
    });
    expect((await consultarCfdi(client, uuid)).result?.json).toMatchObject({ estatus: 'Cancelado' });
    expect((await getAcuse(client, uuid)).result?.text).toContain('<EstatusUUID>201</EstatusUUID>');
    const unknown = await cancelar(client, { uuid: '00000000-0000-0000-0000-00000000000F', motivo: '03' });
    expect(unknown).toMatchObject({
      status: 'refused',
      issues: [{ message: '205 Folio Fiscal No Existente' }],
    });
  });

  it('reads the acuse with the UUID in the query (default) or in the path (seed 003 writes acuse/uuid?)', async () => {
    sb = await sandbox();
    const client = factureClient(sb);
    const uuid =
      (await timbrar(client, [{ name: 'a.xml', xml: preCfdi('P1') }], { sucursal: '1' })).outcomes[0]?.result
        ?.uuid ?? '';
    await cancelar(client, { uuid, motivo: '03' });
    const urls = (['query', 'path'] as const).map(
      (form) =>
        client.http.describe(acuseOperation(client, form).request({ value: uuid, format: 'xml' })).url,
    );
    expect(urls).toEqual([
      `${sb.urls.facture}/rest/cancelacion/acuse/?uuid=${uuid}`,
      `${sb.urls.facture}/rest/cancelacion/acuse/${uuid}`,
    ]);
    for (const form of ['query', 'path'] as const) {
      const xml = await getAcuse(client, uuid, 'xml', form);
      expect(xml.status, form).toBe('answered');
      expect(xml.result?.text).toContain(
        `<UUID>${uuid}</UUID><EstatusUUID>201</EstatusUUID><Motivo>03</Motivo>`,
      );
      const json = await getAcuse(client, uuid, 'json', form);
      expect(json.result?.json).toMatchObject({ uuid });
      const missing = await getAcuse(client, '00000000-0000-4000-8000-0000000000FF', 'json', form);
      expect(missing).toMatchObject({
        status: 'refused',
        issues: [{ message: '205: UUID 00000000-0000-4000-8000-0000000000FF no encontrado' }],
      });
    }
  });

  it('checks motivo and folioSustitucion before sending (E.4)', async () => {
    sb = await sandbox();
    const client = factureClient(sb);
    const missing = await cancelar(client, { uuid: 'U', motivo: '01' });
    expect(missing).toMatchObject({
      status: 'refused',
      attempts: 0,
      issues: [{ code: 'CANCEL_INVALID', path: ['folioSustitucion'] }],
    });
    const extra = await cancelar(client, { uuid: 'U', motivo: '02', folioSustitucion: 'X' });
    expect(extra.issues[0]?.code).toBe('CANCEL_INVALID');
    expect(sb.state.stats.requests).toBe(0);
  });

  it('journals the UUID, not the XML, and saves the XML before the journal line', async () => {
    sb = await sandbox();
    const path = join(mkdtempSync(join(tmpdir(), 'timbrar-')), 'journal.jsonl');
    const journal = await openJournal(path);
    const saved: string[] = [];
    const report = await timbrar(factureClient(sb), [{ name: 'a.xml', xml: preCfdi('J1') }], {
      sucursal: '1',
      journal,
      persist: async (outcome) => {
        expect(readFileSync(path, 'utf8')).not.toContain('"stored"');
        saved.push((outcome.result as { xml: string }).xml);
      },
    });
    await journal.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status)).toEqual(['sending', 'stored']);
    expect(lines[1].result).toEqual({ name: 'a.xml', uuid: report.outcomes[0]?.result?.uuid });
    expect(saved[0]).toContain('TimbreFiscalDigital');
  });

  it('does not stamp twice when the answer was lost: unknown, one CFDI', async () => {
    sb = await sandbox({ failRate: 1, faults: ['lost'] });
    const report = await timbrar(factureClient(sb), [{ name: 'a.xml', xml: preCfdi('L1') }], {
      sucursal: '1',
    });
    expect(report.outcomes[0]?.status).toBe('unknown');
    expect(Object.keys(sb.state.facture.cfdis)).toHaveLength(1);
    expect(sb.state.stats.requests).toBe(1);
  });
});
