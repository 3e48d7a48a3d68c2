import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileNow } from '../../cli/io.js';
import { scratchDir } from './run-cli.js';

/*
 * writeFileNow writes each document of build --to xml|layout|pagos-xml: the bytes arrive as given
 * (text as UTF-8), and a file that cannot be written is an IO error naming it, with the system's code.
 */

const scratch = scratchDir('write-file-now');
afterAll(scratch.cleanup);

describe('writeFileNow', () => {
  it('writes text as UTF-8 and bytes as they are, replacing a file of the same name', () => {
    const path = join(scratch.dir, 'B-1.xml');
    writeFileNow(path, 'Añejo & "Oaxaca" — a long first version');
    writeFileNow(path, 'Añejo');
    expect(readFileSync(path)).toEqual(Buffer.from('Añejo', 'utf8'));
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e]);
    writeFileNow(path, bytes);
    expect(readFileSync(path)).toEqual(bytes);
  });

  it('throws an IO error naming the file when its folder is missing', () => {
    const path = join(scratch.dir, 'missing', 'B-2.xml');
    let failure: unknown;
    try {
      writeFileNow(path, 'lost');
    } catch (err) {
      failure = err;
    }
    expect(failure).toMatchObject({ code: 'IO', location: { file: path } });
    expect((failure as Error).message).toBe(`cannot write ${path}: ENOENT`);
  });
});
