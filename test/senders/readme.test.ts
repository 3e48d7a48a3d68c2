import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandbox } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/main.js');
const README = join(ROOT, 'samples/senders/README.md');

/** The README's ```sh blocks, except the one that starts a sandbox (the test provides its own). */
function snippets(): string[] {
  const text = readFileSync(README, 'utf8');
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .filter((block) => !/^cfdi-layout sandbox\b/m.test(block));
}

let sb: Sandbox | undefined;
afterAll(async () => {
  await sb?.close();
});

describe('samples/senders/README.md', () => {
  it('runs every example against the sandbox', async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
    sb = await sandbox({ now: () => new Date() });
    const cwd = mkdtempSync(join(tmpdir(), 'senders-readme-'));
    symlinkSync(join(ROOT, 'samples'), join(cwd, 'samples'));
    const blocks = snippets();
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const script = [
      'set -e',
      `cfdi-layout() { "${process.execPath}" "${BIN}" "$@"; }`,
      ...blocks.map((block, i) => `echo "::block ${i}" >&2\n${block}`),
    ].join('\n');
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CFDI_LAYOUT_')) env[k] = v;
    env.CFDI_LAYOUT_SANDBOX_URL = sb.url;
    env.NO_COLOR = '1';
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn('bash', ['-c', script], { cwd, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(run.stderr).toContain(`::block ${blocks.length - 1}`);
    expect(run.stderr).toContain('3 stored (3 from the journal, not sent again)');
    expect(run.stdout).toContain('exit 1 (No es posible editar ordenes que ya fueron facturasdas.)');
    expect(run.stdout).toMatch(/"status": "ALMACENADO"/);
    expect(readdirSync(join(cwd, 'out/descargas'))).toEqual([expect.stringMatching(/^[0-9A-F-]{36}\.zip$/)]);
    expect(readdirSync(join(cwd, 'out/timbrados'))).toHaveLength(1);
    expect(readFileSync(join(cwd, 'out/factura.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
