import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, CLI, ROOT, scratchDir } from './run-cli.js';

/*
 * Samples are the documentation (STYLE 24): every command of samples/json/README.md runs here with
 * `cfdi-layout` on the PATH as the built binary, in a scratch folder that sees the repository's samples.
 */

const README = readFileSync(join(ROOT, 'samples/json/README.md'), 'utf8');
const commands = [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)]
  .flatMap((m) => (m[1] ?? '').split('\n'))
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

const scratch = scratchDir('samples-readme');
beforeAll(() => {
  assertCliBuilt();
  symlinkSync(join(ROOT, 'samples'), join(scratch.dir, 'samples'));
  mkdirSync(join(scratch.dir, 'bin'));
  const shim = join(scratch.dir, 'bin', 'cfdi-layout');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
});
afterAll(scratch.cleanup);

function sh(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-ec', script], {
      cwd: scratch.dir,
      env: { ...process.env, NO_COLOR: '1', PATH: `${join(scratch.dir, 'bin')}:${process.env.PATH ?? ''}` },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('samples/json/README.md', () => {
  it('runs every command, each exiting 0', async () => {
    expect(commands.length).toBeGreaterThanOrEqual(4);
    expect(commands.every((c) => c.startsWith('cfdi-layout '))).toBe(true);
    const script = commands.map((c, i) => `echo "::command ${i + 1}" >&2\n${c}`).join('\n');
    const run = await sh(script);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).not.toMatch(/INVALID/);
    // What the table says the samples come out with.
    const parcial = readFileSync(join(scratch.dir, 'out/factura-parcial.xml'), 'utf8');
    expect(parcial).toMatch(/SubTotal="34250\.50"/);
    expect(parcial).toMatch(/ Total="39250\.58"/);
    expect(readFileSync(join(scratch.dir, 'out/hotel-ish.xml'), 'utf8')).toMatch(
      /TrasladosLocales ImpLocTrasladado="ISH" TasadeTraslado="3\.00" Importe="60\.00"/,
    );
    expect(readFileSync(join(scratch.dir, 'out/factura-global.txt'), 'utf8')).toMatch(/^00\|/);
  });
});
