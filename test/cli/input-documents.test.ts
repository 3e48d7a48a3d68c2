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

describe.concurrent('an empty file is a bad document: exit 1 with a coded issue, never a usage error', () => {
  it('validate: .xml is XML_MALFORMED (empty), .json JSON_INVALID, no extension LAYOUT_EMPTY; the other files still run', async ({
    expect,
  }) => {
    const xml = scratch.file('empty.xml', '');
    const blank = scratch.file('blank.xml', Buffer.from('\ufeff \n\t\r\n'));
    const json = scratch.file('empty.json', ' \n');
    const bare = scratch.file('empty', '');
    const run = await runJson(['validate', xml, blank, SAMPLE, json, bare]);
    expect(run.code).toBe(1);
    expect(run.doc.outputs).toEqual([
      { file: xml, format: 'xml', ok: false },
      { file: blank, format: 'xml', ok: false },
      { file: SAMPLE, format: 'xml', ok: true },
      { file: json, format: 'json', ok: false },
      { file: bare, format: 'layout', ok: false },
    ]);
    expect(run.doc.issues.filter((i) => i.severity === 'error').map((i) => [i.file, i.code])).toEqual([
      [xml, 'XML_MALFORMED'],
      [blank, 'XML_MALFORMED'],
      [json, 'JSON_INVALID'],
      [bare, 'LAYOUT_EMPTY'],
    ]);
    // With a layout the engine itself judges the empty text.
    const layout = await runJson(['validate', bare, '--layout', 'tralix-40']);
    expect(layout.code).toBe(1);
    expect(layout.doc.issues.map((i) => i.code)).toEqual(['LAYOUT_EMPTY']);
    // An empty stdin has no name: it is read as a layout too.
    const stdin = await runCli(['validate', '-'], { input: '' });
    expect(stdin.code).toBe(1);
    expect(stdin.stdout).toMatch(
      /^-: INVALID \(layout, 1 errors\)\n {2}error LAYOUT_EMPTY: the document is empty/,
    );
    expect(`${run.stderr}${stdin.stderr}`).not.toMatch(/USAGE/);
    expect(`${run.stderr}${stdin.stderr}`).not.toMatch(STACK_FRAME);
  });

  it('convert: exit 1 with the code and the file, whatever the target, and nothing written', async ({
    expect,
  }) => {
    const xml = scratch.file('convert-empty.xml', '');
    const bare = scratch.file('convert-empty', '\n');
    const out = join(scratch.dir, 'convert-empty-out');
    for (const [file, to, code] of [
      [xml, 'json', 'XML_MALFORMED'],
      [xml, 'xml', 'XML_MALFORMED'],
      [bare, 'json', 'LAYOUT_EMPTY'],
      [bare, 'xml', 'LAYOUT_EMPTY'],
    ] as const) {
      const run = await runCli(['convert', file, '--to', to, '-o', out]);
      expect(run.code, `${file} --to ${to}: ${run.stderr}`).toBe(1);
      expect(run.stderr).toContain(`${file}: error ${code}: `);
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(existsSync(out)).toBe(false);
    }
    const json = await runJson(['convert', xml, '--to', 'layout', '--layout', 'tralix-40']);
    expect(json.code).toBe(1);
    expect(json.doc.issues.map((i) => [i.code, i.file, i.message])).toEqual([
      ['XML_MALFORMED', xml, 'XML is not well-formed: the document is empty (line 1)'],
    ]);
  });

  it('a layout guessed from content without --layout is still a usage error (exit 2), not a crash', async ({
    expect,
  }) => {
    const text = scratch.file('some.txt', '01|hola|\n');
    const run = await runCli(['convert', text, '--to', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error USAGE: .*--layout/m);
  });
});
