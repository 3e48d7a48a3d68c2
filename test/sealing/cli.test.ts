import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nominativa, xmlOf } from '../cli/invoices.js';
import { assertCliBuilt, runCli } from '../cli/run-cli.js';
import { cadenaOfFile, corpusFiles, KIT, kitAvailable } from '../helpers/kit.js';

/* The real binary: cadena beside kit/cadena.sh, seal with a CSD, validate of the sealed output. */

const CSD = join(KIT, 'csd');
const PASSWORD = readFileSync(join(CSD, 'EKU9003173C9.password'), 'utf8').trim();

describe.skipIf(!kitAvailable)('cadena and seal from the CLI', () => {
  beforeAll(assertCliBuilt);

  it('cadena prints exactly what kit/cadena.sh prints, no trailing newline', async () => {
    const file = corpusFiles('cfdi40').find((f) => f.includes('pagos20')) as string;
    const run = await runCli(['cadena', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(cadenaOfFile(file));
  });

  it('seal writes a CFDI that validate accepts; a changed byte is CFDI40102; the password never shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfdi-seal-cli-'));
    const input = join(dir, 'factura.xml');
    writeFileSync(
      input,
      xmlOf({
        ...nominativa([12345, 678, 9], new Date('2022-05-01T12:00:00Z')),
        fecha: '2022-05-01T12:00:00',
      }),
    );
    const out = join(dir, 'sellada.xml');
    const args = [
      'seal',
      input,
      '--cer',
      join(CSD, 'EKU9003173C9.cer'),
      '--key',
      join(CSD, 'EKU9003173C9.key'),
      '-o',
      out,
    ];
    const sealed = await runCli(args, { env: { CFDI_LAYOUT_CSD_PASSWORD: PASSWORD } });
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(`${sealed.stdout}${sealed.stderr}`).not.toContain(PASSWORD);
    expect(readFileSync(out, 'utf8')).toContain('NoCertificado="30001000000400002434"');
    const ok = await runCli(['validate', out]);
    expect(ok.code, ok.stderr).toBe(0);
    const tampered = join(dir, 'tampered.xml');
    writeFileSync(tampered, readFileSync(out, 'utf8').replace('Folio="', 'Folio="9'));
    const bad = await runCli(['validate', tampered]);
    expect(bad.code).toBe(1);
    expect(`${bad.stdout}${bad.stderr}`).toContain('CFDI40102');
    const wrong = await runCli(args, { env: { CFDI_LAYOUT_CSD_PASSWORD: 'Nope-123' } });
    expect(wrong.code).toBe(1);
    expect(`${wrong.stdout}${wrong.stderr}`).toContain('CSD_PASSWORD_WRONG');
    expect(`${wrong.stdout}${wrong.stderr}`).not.toContain('Nope-123');
    const missing = await runCli(args, { env: { CFDI_LAYOUT_CSD_PASSWORD: '' } });
    expect(`${missing.stdout}${missing.stderr}`).toContain('SECRET_MISSING');
  }, 60_000);
});
