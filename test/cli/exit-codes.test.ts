import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOfError } from '../../cli/command.js';
import { CfdiLayoutError, ERROR_CLASSES, ERROR_CODES, type ErrorCode } from '../../src/errors.js';
import { KIT, kitAvailable } from '../helpers/kit.js';
import { nominativa, xmlOf } from './invoices.js';
import { assertCliBuilt, ROOT, runCli, runJson, STACK_FRAME, scratchDir } from './run-cli.js';

/*
 * An error that stops a command exits by its code's class (src/errors.ts, DESIGN.md): 1 when the
 * data is wrong (a document, a CSD that cannot seal it), 2 for usage, I/O and the unexpected.
 */

const scratch = scratchDir('exit-codes');
beforeAll(assertCliBuilt);
afterAll(scratch.cleanup);

describe('ERROR_CLASSES', () => {
  it('classes every code, and only the codes', () => {
    expect(Object.keys(ERROR_CLASSES).sort()).toEqual([...ERROR_CODES].sort());
    expect(new Set(Object.values(ERROR_CLASSES))).toEqual(new Set(['domain', 'usage', 'io']));
  });

  it('gives exit 1 to domain codes and 2 to the rest, and to anything that is not ours', () => {
    const exit = (code: ErrorCode) => exitCodeOfError(new CfdiLayoutError(code, 'm'));
    expect(
      (['CSD_PASSWORD_WRONG', 'CSD_RFC_MISMATCH', 'XML_MALFORMED', 'XML_ENCODING_NOT_UTF8'] as const).map(
        exit,
      ),
    ).toEqual([1, 1, 1, 1]);
    expect(
      (['USAGE', 'IO', 'SECRET_MISSING', 'CONFIG_INVALID', 'SENDER_TIMEOUT'] as const).map(exit),
    ).toEqual([2, 2, 2, 2, 2]);
    expect(exitCodeOfError(new TypeError('x'))).toBe(2);
  });
});

describe.concurrent('thrown domain errors exit 1 through the real binary', () => {
  it('cadena of a file that is not XML: XML_MALFORMED, exit 1, with --json too', async ({ expect }) => {
    const file = scratch.file('not-xml.xml', '<cfdi:Comprobante');
    const run = await runCli(['cadena', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error XML_MALFORMED: /m);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    const json = await runJson(['cadena', file]);
    expect(json.code).toBe(1);
    expect(json.doc.ok).toBe(false);
    expect(json.doc.issues.map((i) => i.code)).toEqual(['XML_MALFORMED']);
  });

  it('seal with files that are no certificate or key: CSD_INVALID, exit 1; no password is still exit 2', async ({
    expect,
  }) => {
    const args = [
      'seal',
      join(ROOT, 'samples/xml/factura-iva16.xml'),
      '--cer',
      scratch.file('bad.cer', 'not a certificate'),
      '--key',
      scratch.file('bad.key', 'not a key'),
    ];
    const bad = await runCli(args, { env: { CFDI_LAYOUT_CSD_PASSWORD: 'x' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error CSD_INVALID: /m);
    const missing = await runCli(args, { env: { CFDI_LAYOUT_CSD_PASSWORD: '' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error SECRET_MISSING: /m);
  });
});

describe.skipIf(!kitAvailable)('a CSD that cannot seal the document: exit 1 (the kit CSDs)', () => {
  const CSD = join(KIT, 'csd');
  const password = (rfc: string) => readFileSync(join(CSD, `${rfc}.password`), 'utf8').trim();
  const csd = (rfc: string) => ['--cer', join(CSD, `${rfc}.cer`), '--key', join(CSD, `${rfc}.key`)];

  it('a wrong password is CSD_PASSWORD_WRONG and a CSD of another RFC CSD_RFC_MISMATCH, both exit 1', async () => {
    const input = scratch.file(
      'eku.xml',
      xmlOf({
        ...nominativa([12345, 678, 9], new Date('2022-05-01T12:00:00Z')),
        fecha: '2022-05-01T12:00:00',
      }),
    );
    const wrong = await runCli(['seal', input, ...csd('EKU9003173C9')], {
      env: { CFDI_LAYOUT_CSD_PASSWORD: 'Nope-123' },
    });
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringMatching(/^error CSD_PASSWORD_WRONG: /m)]);
    expect(`${wrong.stdout}${wrong.stderr}`).not.toContain('Nope-123');
    const other = await runJson(['seal', input, ...csd('LAN7008173R5')], {
      env: { CFDI_LAYOUT_CSD_PASSWORD: password('LAN7008173R5') },
    });
    expect(other.code).toBe(1);
    expect(other.doc.issues.map((i) => i.code)).toEqual(['CSD_RFC_MISMATCH']);
    expect(other.stdout).not.toContain('<cfdi:Comprobante');
  }, 60_000);
});
