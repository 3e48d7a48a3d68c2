import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCsd, renderSealed, sealComprobante, verifySello } from '../../src/sealing/index.js';
import { renderComprobante } from '../../src/xml/render.js';
import { complete, invoiceArb, invoiceInput } from '../cli/invoices.js';
import { corpusFiles, KIT, kitAvailable, validateXsd } from '../helpers/kit.js';

/*
 * Sealing with SAT's public test CSDs (../shared/kit/csd) and checking the result with the SAT's
 * full XSD and the kit's openssl-based verify-sello.sh; verifying every signed corpus document;
 * and each bad CSD getting its code, the password never in a message.
 */

const CSD_DIR = join(KIT, 'csd');

function files(rfc: string, password?: string) {
  return {
    cer: readFileSync(join(CSD_DIR, `${rfc}.cer`)),
    key: readFileSync(join(CSD_DIR, `${rfc}.key`)),
    password: password ?? readFileSync(join(CSD_DIR, `${rfc}.password`), 'utf8').trim(),
  };
}

function failure(f: () => unknown): { code?: string; message: string } {
  try {
    f();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a failure');
}

/** An EKU9003173C9 invoice dated inside the test CSD's validity (2019-06-17 to 2023-06-17). */
const ekuInvoice = invoiceArb.map((spec) => {
  const c = complete(invoiceInput(spec));
  const day = 1 + ((spec.conceptos[0]?.cents ?? 0) % 28);
  return {
    ...c,
    fecha: `2022-03-${String(day).padStart(2, '0')}T10:20:30`,
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  };
});

function tempXml(xml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cfdi-seal-')), 'sealed.xml');
  writeFileSync(file, xml);
  return file;
}

describe.skipIf(!kitAvailable)('sealing with SAT test CSDs', () => {
  const eku = loadCsd(files('EKU9003173C9'));

  it('reads NoCertificado, RFC and validity from the certificate', () => {
    expect(eku.noCertificado).toBe('30001000000400002434');
    expect(eku.rfc).toBe('EKU9003173C9');
    expect(eku.validTo.toISOString()).toBe('2023-06-17T19:44:14.000Z');
    expect(loadCsd(files('LAN7008173R5')).noCertificado).toBe('20001000000300022815');
  });

  it('sealed random invoices pass the full SAT XSD, kit/verify-sello.sh and our own check', () => {
    fc.assert(
      fc.property(ekuInvoice, (c) => {
        const xml = renderSealed(c, eku);
        // Written once from one tree, it is the sealed model rendered.
        expect(xml).toBe(renderComprobante(sealComprobante(c, eku)));
        expect(renderSealed(c, eku, { pretty: true })).toBe(
          renderComprobante(sealComprobante(c, eku), { pretty: true }),
        );
        expect(verifySello(xml)).toEqual([]);
        const xsd = validateXsd(xml, false);
        expect(xsd.ok, xsd.output).toBe(true);
        const run = spawnSync(join(KIT, 'verify-sello.sh'), [tempXml(xml)], { encoding: 'utf8' });
        expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
        expect(run.stdout).toContain('PASS');
      }),
      { numRuns: 8 },
    );
  }, 120_000);

  it('a one-character change after sealing is CFDI40102; a foreign NoCertificado is CFDI40106', () => {
    const [c] = fc.sample(ekuInvoice, { numRuns: 1, seed: 7 });
    const sealed = sealComprobante(c as NonNullable<typeof c>, eku);
    const total = renderComprobante({ ...sealed, total: sealed.total === '1.00' ? '2.00' : '1.00' });
    expect(verifySello(total).map((i) => i.code)).toEqual(['CFDI40102']);
    const number = renderComprobante({ ...sealed, noCertificado: '30001000000400002435' });
    expect(
      verifySello(number)
        .map((i) => i.code)
        .sort(),
    ).toEqual(['CFDI40102', 'CFDI40106']);
    expect(
      verifySello(renderComprobante({ ...sealed, sello: `A${sealed.sello?.slice(1)}` })).map((i) => i.code),
    ).toEqual(['CFDI40102']);
  });

  it("on every signed corpus document (4.0 and 3.3) our verdict is kit/verify-sello.sh's", () => {
    const all = [...corpusFiles('cfdi40'), ...corpusFiles('cfdi33')];
    const kit = spawnSync(join(KIT, 'verify-sello.sh'), all, { encoding: 'utf8' }).stdout;
    let passed = 0;
    let failed = 0;
    for (const file of all) {
      const verdict = new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (PASS|FAIL|SKIP)`,
        'm',
      ).exec(kit)?.[1];
      if (verdict === 'SKIP' || verdict === undefined) continue;
      const issues = verifySello(readFileSync(file));
      expect(issues.length === 0 ? 'PASS' : 'FAIL', `${basename(file)}: ${JSON.stringify(issues)}`).toBe(
        verdict,
      );
      if (verdict === 'PASS') passed++;
      else failed++;
    }
    // The kit's README: 22+ genuinely signed CFDI 4.0 documents, and four whose Sello is stale.
    expect(passed).toBeGreaterThanOrEqual(22);
    expect(failed).toBeGreaterThan(0);
  });

  it('refuses a CSD of another RFC and a Fecha outside the certificate validity', () => {
    const [c] = fc.sample(ekuInvoice, { numRuns: 1, seed: 3 });
    const doc = c as NonNullable<typeof c>;
    expect(failure(() => sealComprobante(doc, loadCsd(files('LAN7008173R5')))).code).toBe('CSD_RFC_MISMATCH');
    const expired = failure(() => sealComprobante({ ...doc, fecha: '2024-01-02T00:00:00' }, eku));
    expect(expired.code).toBe('CSD_OUT_OF_VALIDITY');
    expect(expired.message).toContain('expired');
    const early = failure(() => sealComprobante({ ...doc, fecha: '2019-06-17T12:00:00' }, eku));
    expect(early.code).toBe('CSD_OUT_OF_VALIDITY');
    expect(early.message).toContain('not yet valid');
  });

  it('bad CSD files get their codes and no message carries the password', () => {
    const secret = 'Wr0ng-Secret-4711';
    const wrong = failure(() => loadCsd(files('EKU9003173C9', secret)));
    expect(wrong.code).toBe('CSD_PASSWORD_WRONG');
    expect(JSON.stringify(wrong)).not.toContain(secret);
    expect(wrong.message).not.toContain(secret);
    const lan = files('LAN7008173R5');
    expect(
      failure(() => loadCsd({ ...files('EKU9003173C9'), key: lan.key, password: lan.password })).code,
    ).toBe('CSD_KEY_MISMATCH');
    expect(failure(() => loadCsd({ ...lan, cer: Buffer.from('not a certificate') })).code).toBe(
      'CSD_INVALID',
    );
    expect(failure(() => loadCsd({ ...lan, key: Buffer.from('not a key') })).code).toBe('CSD_INVALID');
  });

  it('refuses an e.firma (FIEL) certificate offered as a CSD', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfdi-fiel-'));
    const run = (args: string[]) =>
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    run(['genrsa', '-out', 'k.pem', '2048']);
    // One key and subject, certified with the key usages asked for.
    const certificate = (out: string, keyUsage: string) =>
      run([
        'req',
        '-new',
        '-x509',
        '-key',
        'k.pem',
        '-days',
        '30',
        '-outform',
        'DER',
        '-out',
        out,
        '-set_serial',
        '0x3330303031303030303030343030303039393939',
        '-subj',
        '/CN=ESCUELA KEMPER URGATE SA DE CV/x500UniqueIdentifier=EKU9003173C9 \\/ XIQB891116QE4',
        '-addext',
        `keyUsage=critical,${keyUsage}`,
      ]);
    // The SAT's FIEL certificates add dataEncipherment and keyAgreement to the CSD's key usages.
    certificate('fiel.cer', 'digitalSignature,nonRepudiation,dataEncipherment,keyAgreement');
    run([
      'pkcs8',
      '-topk8',
      '-in',
      'k.pem',
      '-outform',
      'DER',
      '-out',
      'fiel.key',
      '-passout',
      'pass:fiel-pass',
    ]);
    const fiel = {
      cer: readFileSync(join(dir, 'fiel.cer')),
      key: readFileSync(join(dir, 'fiel.key')),
      password: 'fiel-pass',
    };
    expect(failure(() => loadCsd(fiel)).code).toBe('CSD_NOT_CSD');
    // The same key and subject with the CSD's key usages loads: the refusal is about the usage.
    certificate('csd.cer', 'digitalSignature,nonRepudiation');
    expect(loadCsd({ ...fiel, cer: readFileSync(join(dir, 'csd.cer')) }).rfc).toBe('EKU9003173C9');
  });
});
