import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertCliBuilt, ROOT, runCli, runJson, STACK_FRAME, scratchDir } from './run-cli.js';

/*
 * What validate and convert do with bytes that are no CFDI before any rule runs: a CFDI must be
 * UTF-8 (a UTF-8 byte-order mark is allowed), and an empty file is a bad document, not a usage
 * mistake. Both are exit 1 with a coded issue naming the file; validate goes on with the other files.
 */

const scratch = scratchDir('input-documents');
beforeAll(assertCliBuilt);
afterAll(scratch.cleanup);

const SAMPLE = join(ROOT, 'samples/xml/factura-iva16.xml');
const UTF8_TEXT = readFileSync(SAMPLE, 'utf8');
/** The sample as its declaration would have it: ISO-8859-1 bytes (Ñ is one byte, 0xD1). */
const LATIN1_TEXT = UTF8_TEXT.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');

function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

describe.concurrent('a CFDI must be UTF-8', () => {
  it('validate reports every non-UTF-8 file with XML_ENCODING_NOT_UTF8 and goes on with the others', async ({
    expect,
  }) => {
    const latin1 = scratch.file('latin1.xml', Buffer.from(LATIN1_TEXT, 'latin1'));
    // The mojibake case: UTF-8 bytes under a declaration that says ISO-8859-1.
    const mislabelled = scratch.file('mislabelled.xml', Buffer.from(LATIN1_TEXT, 'utf8'));
    const utf16 = scratch.file('utf16.xml', utf16le(UTF8_TEXT));
    const offset = Buffer.from(UTF8_TEXT.slice(0, UTF8_TEXT.indexOf('Ñ')), 'latin1').length;
    // Declared UTF-8, written in Latin-1 by an ERP: the first Ñ is the first byte that is not UTF-8.
    const broken = scratch.file('broken.xml', Buffer.from(UTF8_TEXT, 'latin1'));
    const bom = scratch.file(
      'bom.xml',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(UTF8_TEXT)]),
    );
    const run = await runJson(['validate', latin1, SAMPLE, mislabelled, utf16, broken, bom]);
    expect(run.code).toBe(1);
    expect(run.doc.outputs).toEqual([
      { file: latin1, format: 'xml', ok: false },
      { file: SAMPLE, format: 'xml', ok: true },
      { file: mislabelled, format: 'xml', ok: false },
      { file: utf16, format: 'xml', ok: false },
      { file: broken, format: 'xml', ok: false },
      { file: bom, format: 'xml', ok: true },
    ]);
    const errors = run.doc.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => [i.file, i.code])).toEqual(
      [latin1, mislabelled, utf16, broken].map((f) => [f, 'XML_ENCODING_NOT_UTF8']),
    );
    const [ofLatin1, ofMislabelled, ofUtf16, ofBroken] = errors.map((i) => i.message);
    expect(ofLatin1).toContain('encoding="ISO-8859-1"');
    expect(ofMislabelled).toContain('encoding="ISO-8859-1"');
    expect(ofUtf16).toContain('UTF-16LE (byte-order mark FF FE)');
    expect(ofBroken).toContain(`byte 0xD1 at offset ${offset} is not valid UTF-8 (line 4)`);
    // The same without --json: each file's verdict on stdout, and no stack.
    const text = await runCli(['validate', latin1, SAMPLE]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${latin1}: INVALID (xml, 1 errors)`);
    expect(text.stdout).toMatch(/ {2}error XML_ENCODING_NOT_UTF8: a CFDI must be UTF-8: .*ISO-8859-1/);
    expect(text.stdout).toContain(`${SAMPLE}: OK (xml)`);
    expect(text.stderr).not.toMatch(STACK_FRAME);
  });

  it('convert exits 1 naming the file and the declared encoding, and writes nothing', async ({ expect }) => {
    const latin1 = scratch.file('convert-latin1.xml', Buffer.from(LATIN1_TEXT, 'latin1'));
    const out = join(scratch.dir, 'convert-latin1.json');
    const run = await runCli(['convert', latin1, '--to', 'json', '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${latin1}: error XML_ENCODING_NOT_UTF8: a CFDI must be UTF-8: the XML declaration says encoding="ISO-8859-1"`,
    );
    expect(existsSync(out)).toBe(false);
    expect(run.stdout).toBe('');
    const utf16 = scratch.file('convert-utf16.xml', utf16le(UTF8_TEXT));
    const json = await runJson(['convert', utf16, '--to', 'layout', '--layout', 'tralix-40']);
    expect(json.code).toBe(1);
    expect(json.doc.issues.map((i) => [i.code, i.file])).toEqual([['XML_ENCODING_NOT_UTF8', utf16]]);
    expect(json.doc.outputs).toEqual({ from: 'xml' });
  });
});
