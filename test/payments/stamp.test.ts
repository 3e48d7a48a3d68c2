import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computePagos, repComprobante } from '../../src/pagos/index.js';
import { DEFAULT_SANDBOX_CREDENTIALS, type Sandbox } from '../../src/sandbox/index.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { renderComprobante } from '../../src/xml/render.js';
import { assertCliBuilt, runCli } from '../cli/run-cli.js';
import { REP_HEADER } from '../pagos/generators.js';
import { sandbox } from '../senders/helpers.js';

/*
 * A REP through Facture APP: `facture timbrar` (the built binary) posts the tipo P pre-CFDI to the
 * sandbox over loopback, which stamps it after the same offline rules (CRP202xx included) and
 * answers a mistaken one with the rule's code, passed through verbatim.
 */

const ENV = {
  CFDI_LAYOUT_FACTURE_USER: DEFAULT_SANDBOX_CREDENTIALS.facture.user,
  CFDI_LAYOUT_FACTURE_PASSWORD: DEFAULT_SANDBOX_CREDENTIALS.facture.password,
};

function rep(impSaldoInsoluto?: string): string {
  const { pagos } = computePagos({
    pago: [
      {
        fechaPago: '2025-03-20T10:00:00',
        formaDePagoP: '03',
        monedaP: 'MXN',
        tipoCambioP: '1',
        monto: '580.00',
        doctoRelacionado: [
          {
            idDocumento: '5fb2822e-396d-4725-8521-cdc4bdd20ccf',
            monedaDR: 'MXN',
            equivalenciaDR: '1',
            numParcialidad: '1',
            impSaldoAnt: '1160.00',
            impPagado: '580.00',
            objetoImpDR: '02',
            traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
          },
        ],
      },
    ],
  });
  if (pagos === undefined) throw new Error('facts rejected');
  const dr = pagos.pago[0]?.doctoRelacionado[0];
  if (impSaldoInsoluto !== undefined && dr !== undefined) dr.impSaldoInsoluto = impSaldoInsoluto;
  return renderComprobante(
    repComprobante({ ...REP_HEADER, folio: '9', fecha: '2025-03-21T09:00:00' }, pagos),
  );
}

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe('facture timbrar a REP against the sandbox', () => {
  beforeAll(assertCliBuilt);

  it('stamps a tipo P with Pagos 2.0 and refuses one with a wrong saldo insoluto (CRP20244)', async () => {
    sb = await sandbox();
    const dir = mkdtempSync(join(tmpdir(), 'cfdi-rep-stamp-'));
    const good = join(dir, 'rep.xml');
    writeFileSync(good, rep());
    const base = ['--sucursal', '1', '--out', join(dir, 'timbrados'), '--base-url', sb.urls.facture];
    const stamped = await runCli(['facture', 'timbrar', good, ...base], { env: ENV });
    expect(stamped.code, stamped.stderr).toBe(0);
    const result = JSON.parse(stamped.stdout.trim()) as { result: { uuid: string; path: string } };
    const cfdi = parseComprobante(readFileSync(result.result.path));
    expect(cfdi.tipoDeComprobante).toBe('P');
    expect(cfdi.complemento?.some((item) => 'pagos' in item)).toBe(true);
    expect(readFileSync(result.result.path, 'utf8')).toContain(`UUID="${result.result.uuid}"`);

    const bad = join(dir, 'rep-bad.xml');
    writeFileSync(bad, rep('580.01'));
    const refused = await runCli(['facture', 'timbrar', bad, ...base], { env: ENV });
    expect(refused.code).toBe(1);
    expect(`${refused.stdout}${refused.stderr}`).toContain('CRP20244');
  });
});
