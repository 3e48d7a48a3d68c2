import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipArchive } from 'archiver';
import { describe, expect, it } from 'vitest';
import { CfdiLayoutError } from '../../src/errors.js';
import { readZip } from '../../src/sandbox/zip-read.js';
import { writeZip } from '../../src/sandbox/zip-write.js';

function archive(entries: Array<{ name: string; text: string; store?: boolean }>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new ZipArchive({ zlib: { level: 9 } });
    const chunks: Buffer[] = [];
    zip.on('data', (c: Buffer) => chunks.push(c));
    zip.on('end', () => resolve(Buffer.concat(chunks)));
    zip.on('error', reject);
    for (const e of entries) zip.append(e.text, { name: e.name, store: e.store === true });
    void zip.finalize();
  });
}

const isZipInvalid = (e: unknown) => e instanceof CfdiLayoutError && e.code === 'ZIP_INVALID';

describe('ZIP reader', () => {
  it('reads deflated and stored entries written by archiver, names in UTF-8', async () => {
    const big = '<cfdi:Comprobante/>'.repeat(2000);
    const zip = await archive([
      { name: 'factura-ñ.xml', text: big },
      { name: 'dir/b.xml', text: 'stored', store: true },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(['factura-ñ.xml', 'dir/b.xml']);
    expect(Buffer.from(entries[0]!.data).toString()).toBe(big);
    expect(Buffer.from(entries[1]!.data).toString()).toBe('stored');
  });

  it('round-trips its own writer, byte-for-byte reproducible', () => {
    const files = [
      { name: 'a.xml', data: new Uint8Array(Buffer.from('uno')) },
      { name: 'b.pdf', data: new Uint8Array([0, 1, 2, 255]) },
    ];
    const zip = writeZip(files);
    expect(Buffer.from(writeZip(files)).equals(Buffer.from(zip))).toBe(true);
    expect(readZip(zip).map((e) => [e.name, [...e.data]])).toEqual(files.map((f) => [f.name, [...f.data]]));
  });

  it('is readable by unzip when it is installed', (ctx) => {
    let unzip = true;
    try {
      execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    } catch {
      unzip = false;
    }
    if (!unzip) ctx.skip();
    const path = join(mkdtempSync(join(tmpdir(), 'zip-')), 't.zip');
    writeFileSync(path, writeZip([{ name: 'x.xml', data: new Uint8Array(Buffer.from('<x/>')) }]));
    expect(execFileSync('unzip', ['-p', path, 'x.xml'], { encoding: 'utf8' })).toBe('<x/>');
  });

  it('refuses damaged archives with ZIP_INVALID', async () => {
    const zip = Buffer.from(writeZip([{ name: 'a.xml', data: new Uint8Array(Buffer.from('contenido')) }]));
    expect(() => readZip(Buffer.from('not a zip at all, just text'))).toThrowError(CfdiLayoutError);
    let truncated: unknown;
    try {
      readZip(zip.subarray(0, zip.length - 5));
    } catch (e) {
      truncated = e;
    }
    expect(isZipInvalid(truncated)).toBe(true);
    const corrupt = Buffer.from(zip);
    corrupt[30 + 'a.xml'.length] = 0x21;
    expect(() => readZip(corrupt)).toThrowError(/CRC-32/);
    const deflated = await archive([{ name: 'a.xml', text: 'x'.repeat(1000) }]);
    expect(() => readZip(deflated, { maxTotalBytes: 10 })).toThrowError(/uncompressed bytes/);
  });
});
