import { createHash } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type BundleFile, manifestJson, uniqueNames, writeZipBundles } from '../../src/bundle/index.js';
import { isCfdiLayoutError } from '../../src/errors.js';
import { readZip } from './unzip.js';

function xml(i: number, size = 200): BundleFile {
  const body = `<doc n="${i}">${'x'.repeat(size)}</doc>`;
  return { name: `B-${i}.xml`, content: body, serie: 'B', folio: String(i), total: `${i}.00` };
}

/** Writes bundles into memory and returns each part's bytes. */
async function bundle(files: BundleFile[], maxFiles: number, maxBytes: number) {
  const parts: Buffer[][] = [];
  const report = await writeZipBundles(files, {
    limits: { maxFiles, maxBytes },
    open: (part) => {
      const chunks: Buffer[] = [];
      parts[part - 1] = chunks;
      return new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(chunk);
          done();
        },
      });
    },
  });
  return { report, zips: parts.map((chunks) => Buffer.concat(chunks)) };
}

describe('writeZipBundles', () => {
  it('writes every file, in order, readable back with its exact bytes and checksum', async () => {
    const files = Array.from({ length: 5 }, (_, i) => xml(i + 1));
    const { report, zips } = await bundle(files, 100, 1 << 20);
    expect(zips).toHaveLength(1);
    const entries = readZip(zips[0] as Buffer);
    expect(entries.map((e) => e.name)).toEqual(files.map((f) => f.name));
    entries.forEach((entry, i) => {
      expect(entry.content.toString('utf8')).toBe(files[i]?.content);
      expect(entry.method).toBe(8);
    });
    expect(report.manifest.map((m) => [m.file, m.serie, m.folio, m.total])).toEqual(
      files.map((f) => [f.name, 'B', f.folio, f.total]),
    );
    for (const [i, m] of report.manifest.entries()) {
      expect(m.sha256).toBe(createHash('sha256').update(String(files[i]?.content)).digest('hex'));
      expect(m.bytes).toBe(Buffer.byteLength(String(files[i]?.content)));
    }
  });

  it('splits at maxFiles and at maxBytes (uncompressed), keeping the order across parts', async () => {
    const files = Array.from({ length: 7 }, (_, i) => xml(i + 1, 100));
    const byCount = await bundle(files, 3, 1 << 20);
    expect(byCount.zips.map((z) => readZip(z).length)).toEqual([3, 3, 1]);
    expect(byCount.report.parts.map((p) => p.files)).toEqual([3, 3, 1]);
    const size = Buffer.byteLength(String(files[0]?.content));
    const byBytes = await bundle(files, 100, size * 2 + 1);
    expect(byBytes.zips.map((z) => readZip(z).length)).toEqual([2, 2, 2, 1]);
    const names = byBytes.zips.flatMap((z) => readZip(z).map((e) => e.name));
    expect(names).toEqual(files.map((f) => f.name));
    expect(byBytes.report.manifest.map((m) => m.part)).toEqual([1, 1, 2, 2, 3, 3, 4]);
  });

  it('puts a file larger than maxBytes alone in its own ZIP', async () => {
    const files = [xml(1, 10), xml(2, 5000), xml(3, 10)];
    const { zips } = await bundle(files, 100, 1000);
    expect(zips.map((z) => readZip(z).map((e) => e.name))).toEqual([['B-1.xml'], ['B-2.xml'], ['B-3.xml']]);
  });

  it('is deterministic: same files, same bytes, entries dated at the ZIP epoch', async () => {
    const files = Array.from({ length: 4 }, (_, i) => xml(i + 1));
    const a = await bundle(files, 100, 1 << 20);
    await new Promise((r) => setTimeout(r, 1100));
    const b = await bundle(files, 100, 1 << 20);
    expect(Buffer.compare(a.zips[0] as Buffer, b.zips[0] as Buffer)).toBe(0);
    for (const entry of readZip(a.zips[0] as Buffer)) {
      // 1980-01-01 00:00:00 in DOS format: date (0 << 9) | (1 << 5) | 1, time 0.
      expect(entry.dosDate).toBe(33);
      expect(entry.dosTime).toBe(0);
    }
  });

  it('turns a destination that fails into BUNDLE_FAILED', async () => {
    const broken = () =>
      new Writable({
        write(_chunk, _enc, done) {
          done(new Error('disk full'));
        },
      });
    const error = await writeZipBundles([xml(1)], {
      limits: { maxFiles: 10, maxBytes: 1 << 20 },
      open: broken,
    }).catch((e: unknown) => e);
    expect(isCfdiLayoutError(error, 'BUNDLE_FAILED')).toBe(true);
  });

  it('refuses limits that are not positive', async () => {
    const error = await writeZipBundles([xml(1)], {
      limits: { maxFiles: 0, maxBytes: 10 },
      open: () => new PassThrough(),
    }).catch((e: unknown) => e);
    expect(isCfdiLayoutError(error, 'BUNDLE_FAILED')).toBe(true);
  });
});

describe('uniqueNames and manifestJson', () => {
  it('renames repeated entry names deterministically', () => {
    const unique = uniqueNames();
    expect(['A-1.xml', 'A-1.xml', 'A-2.xml', 'A-1.xml', 'README'].map(unique)).toEqual([
      'A-1.xml',
      'A-1-2.xml',
      'A-2.xml',
      'A-1-3.xml',
      'README',
    ]);
  });

  it('lists the ZIPs and, for each file, its ZIP, serie, folio, total and sha256', async () => {
    const { report } = await bundle([xml(1), xml(2)], 1, 1 << 20);
    const manifest = JSON.parse(manifestJson(report, ['lote-001.zip', 'lote-002.zip'])) as {
      zips: Array<{ zip: string; files: number }>;
      files: Array<{ zip: string; file: string; folio: string; sha256: string }>;
    };
    expect(manifest.zips.map((z) => [z.zip, z.files])).toEqual([
      ['lote-001.zip', 1],
      ['lote-002.zip', 1],
    ]);
    expect(manifest.files.map((f) => [f.zip, f.file, f.folio])).toEqual([
      ['lote-001.zip', 'B-1.xml', '1'],
      ['lote-002.zip', 'B-2.xml', '2'],
    ]);
    expect(manifest.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
