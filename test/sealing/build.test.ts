import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseComprobante } from '../../src/xml/parse.js';
import { readZip } from '../bundle/unzip.js';
import { assertCliBuilt, runCli } from '../cli/run-cli.js';
import { KIT, kitAvailable, validateXsd } from '../helpers/kit.js';

/*
 * `build --to xml|zip --cer --key` with the real binary, on one thread and on worker threads: every
 * document comes out sealed (our validate, the full SAT XSD and kit/verify-sello.sh on a sample of
 * them), a ticket dated outside the CSD's validity is rejected with its code and counted, and a CSD
 * of another RFC stops the build before anything is written.
 */

const CSD = join(KIT, 'csd');
const PASSWORD = readFileSync(join(CSD, 'EKU9003173C9.password'), 'utf8').trim();
const SEAL = ['--cer', join(CSD, 'EKU9003173C9.cer'), '--key', join(CSD, 'EKU9003173C9.key')];
const ENV = { CFDI_LAYOUT_CSD_PASSWORD: PASSWORD };

/** 300 nominative tickets dated inside EKU9003173C9's validity (2019-06-17 to 2023-06-17), one after it. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfdi-seal-build-'));
  writeFileSync(
    join(dir, 'cfdi-layout.config.json'),
    JSON.stringify({
      emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
      lugarExpedicion: '42501',
      serie: 'S',
    }),
  );
  const receptor = 'XIA190128J61,XENON INDUSTRIAL ARTICLES,76343,601,G03';
  const lines = [
    'ticket,fecha,importe,ish,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal,usoCFDI',
  ];
  for (let t = 0; t < 300; t++) {
    const day = String(1 + (t % 28)).padStart(2, '0');
    lines.push(
      `F${t},2022-0${1 + (t % 9)}-${day}T10:00:00,${100 + t * 7}.${t % 100},${t % 3 === 0 ? 3 : 0},${receptor}`,
    );
    if (t % 2 === 0)
      lines.push(`F${t},2022-0${1 + (t % 9)}-${day}T10:00:00,${(t % 40) + 1}.05,0,${receptor}`);
  }
  lines.push(`LATE,2023-07-01T09:00:00,150.00,0,${receptor}`);
  writeFileSync(join(dir, 'facturas.csv'), `${lines.join('\n')}\n`);
  return dir;
}

function verifySelloKit(file: string): void {
  const run = spawnSync(join(KIT, 'verify-sello.sh'), [file], { encoding: 'utf8' });
  expect(run.status, `${file}: ${run.stdout}${run.stderr}`).toBe(0);
  expect(run.stdout).toContain('PASS');
}

describe.skipIf(!kitAvailable)('build seals with a CSD', () => {
  beforeAll(assertCliBuilt);

  it('xml and zip, on one thread and two workers: every document sealed, the late ticket rejected', async () => {
    const dir = workspace();
    for (const jobs of ['0', '2']) {
      const xml = await runCli(
        [
          'build',
          'facturas.csv',
          '--to',
          'xml',
          '--out',
          `x${jobs}`,
          '--jobs',
          jobs,
          '--rejects',
          `x${jobs}.rej`,
          ...SEAL,
        ],
        { cwd: dir, env: ENV },
      );
      expect(xml.code, xml.stderr).toBe(1);
      expect(xml.stderr).toContain('301 tickets: 300 written, 1 rejected');
      expect(`${xml.stdout}${xml.stderr}`).not.toContain(PASSWORD);
      const [reject] = readFileSync(join(dir, `x${jobs}.rej`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { ticket: string; code: string; field: string });
      expect([reject?.ticket, reject?.code, reject?.field]).toEqual(['LATE', 'CSD_OUT_OF_VALIDITY', 'fecha']);

      const zip = await runCli(
        ['build', 'facturas.csv', '--to', 'zip', '--out', `z${jobs}/lote.zip`, '--jobs', jobs, ...SEAL],
        { cwd: dir, env: ENV },
      );
      expect(zip.stderr).toContain('301 tickets: 300 written, 1 rejected');
    }
    const names = readdirSync(join(dir, 'x0')).sort();
    expect(names).toHaveLength(300);
    expect(readdirSync(join(dir, 'x2')).sort()).toEqual(names);
    const entries = readZip(readFileSync(join(dir, 'z2', 'lote.zip')));
    expect(entries).toHaveLength(300);
    for (const entry of entries) {
      // The same sealed bytes from every path: one thread, workers, loose files, the ZIP.
      const loose = readFileSync(join(dir, 'x0', entry.name));
      expect(entry.content.equals(loose), entry.name).toBe(true);
      expect(readFileSync(join(dir, 'x2', entry.name)).equals(loose), entry.name).toBe(true);
      const c = parseComprobante(loose);
      expect(c.noCertificado).toBe('30001000000400002434');
      expect(c.sello?.length).toBeGreaterThan(300);
    }
    const all = await runCli(['validate', ...names.map((n) => join(dir, 'x0', n))], { cwd: dir });
    expect(all.code, all.stdout + all.stderr).toBe(0);
    for (const name of names.filter((_, i) => i % 60 === 0)) {
      const file = join(dir, 'x0', name);
      const xsd = validateXsd(readFileSync(file, 'utf8'), false);
      expect(xsd.ok, xsd.output).toBe(true);
      verifySelloKit(file);
    }
  }, 180_000);

  it('a CSD of another RFC (exit 1), a target that is not XML or no password (exit 2): nothing written', async () => {
    const dir = workspace();
    const lan = ['--cer', join(CSD, 'LAN7008173R5.cer'), '--key', join(CSD, 'LAN7008173R5.key')];
    const lanEnv = {
      CFDI_LAYOUT_CSD_PASSWORD: readFileSync(join(CSD, 'LAN7008173R5.password'), 'utf8').trim(),
    };
    const other = await runCli(['build', 'facturas.csv', '--to', 'zip', '--out', 'o/lote.zip', ...lan], {
      cwd: dir,
      env: lanEnv,
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('CSD_RFC_MISMATCH');
    const layout = await runCli(['build', 'facturas.csv', '--to', 'layout', '--out', 'l', ...SEAL], {
      cwd: dir,
      env: ENV,
    });
    expect(layout.code).toBe(2);
    expect(layout.stderr).toContain('--to xml or zip');
    const secret = await runCli(['build', 'facturas.csv', '--to', 'xml', '--out', 's', ...SEAL], {
      cwd: dir,
      env: { CFDI_LAYOUT_CSD_PASSWORD: '' },
    });
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain('SECRET_MISSING');
    expect(readdirSync(dir).sort()).toEqual(['cfdi-layout.config.json', 'facturas.csv']);
  });
});
