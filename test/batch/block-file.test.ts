import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockFileStream } from '../../src/batch/block-file.js';

/*
 * BlockFileStream gathers the small chunks archiver writes into 1 MB writes: the file must hold
 * exactly the bytes written, in order, whatever their sizes (chunks that fill a block exactly, that
 * straddle two, that are larger than a block), and a file that cannot be opened must fail the stream.
 */

const dir = mkdtempSync(join(tmpdir(), 'cfdi-block-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic chunk sizes around the block's edges (1 MB), and the bytes of chunk `i`. */
const SIZES = [1, 30, 16, 700, 1 << 20, (1 << 20) - 747, 1, 2_500_000, 0, 65_536, 3];
function chunkOf(i: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let k = 0; k < size; k++) b[k] = (i * 131 + k * 7) & 0xff;
  return b;
}

describe('BlockFileStream', () => {
  it('writes every byte in order, for chunks smaller than, equal to and larger than a block', async () => {
    const path = join(dir, 'sizes.bin');
    const chunks: Buffer[] = [];
    for (let round = 0; round < 3; round++)
      for (const [i, size] of SIZES.entries()) chunks.push(chunkOf(round * 100 + i, size));
    // Many small ones too: the shape of a ZIP (header, data, descriptor per entry).
    for (let i = 0; i < 20_000; i++) chunks.push(chunkOf(i, 10 + ((i * 7919) % 900)));
    async function* source() {
      for (const c of chunks) yield c;
    }
    await pipeline(source(), new BlockFileStream(path));
    expect(readFileSync(path).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('truncates a file that is already there', async () => {
    const path = join(dir, 'again.bin');
    await pipeline([Buffer.alloc(5000, 1)], new BlockFileStream(path));
    await pipeline([Buffer.from('short')], new BlockFileStream(path));
    expect(readFileSync(path, 'utf8')).toBe('short');
  });

  it('fails the stream when the file cannot be opened', async () => {
    const path = join(dir, 'missing', 'x.zip');
    await expect(pipeline([Buffer.from('x')], new BlockFileStream(path))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
