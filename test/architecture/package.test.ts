import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The package as another Node project gets it: `npm pack` (scripts skipped: dist/ is what the
 * pretest build made), the tarball unpacked into a temporary project's node_modules, its
 * dependencies linked from this checkout's node_modules (no network), then `require` from
 * CommonJS (require(esm), Node >= 20.19), `import` from ESM, and `tsc --strict` against the types
 * from both module kinds.
 */

const ROOT = resolve(import.meta.dirname, '../..');
let project = '';

function run(command: string, args: readonly string[], cwd: string): { status: number | null; out: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}\n${result.stderr}` };
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'cfdi-package-'));
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], ROOT);
  expect(packed.status, packed.out).toBe(0);
  const tarball = (
    JSON.parse(packed.out.slice(packed.out.indexOf('['), packed.out.lastIndexOf(']') + 1)) as Array<{
      filename: string;
    }>
  )[0]?.filename;
  expect(tarball).toBeDefined();
  const modules = join(project, 'node_modules');
  const target = join(modules, 'cfdi-layout');
  mkdirSync(target, { recursive: true });
  const untar = run(
    'tar',
    ['-xzf', join(project, tarball ?? ''), '-C', target, '--strip-components=1'],
    project,
  );
  expect(untar.status, untar.out).toBe(0);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === '.bin' || name === '.package-lock.json' || name === 'cfdi-layout') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true }\n');
}, 120_000);

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

const USE = `desglose({ importe: '116.00', iva: '16' }).subtotal`;

describe('cfdi-layout from a packed tarball', () => {
  it('require() from CommonJS', () => {
    writeFileSync(
      join(project, 'use.cjs'),
      `const { desglose, LAYOUTS } = require('cfdi-layout');\nconsole.log(${USE}, Object.keys(LAYOUTS).join(','));\n`,
    );
    const result = run(process.execPath, ['use.cjs'], project);
    expect(result.status, result.out).toBe(0);
    expect(result.out).toContain('100.00 tralix-40,tralix-legacy');
  });

  it('import from ESM', () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `import { desglose, LAYOUTS } from 'cfdi-layout';\nconsole.log(${USE}, Object.keys(LAYOUTS).join(','));\n`,
    );
    const result = run(process.execPath, ['use.mjs'], project);
    expect(result.status, result.out).toBe(0);
    expect(result.out).toContain('100.00 tralix-40,tralix-legacy');
  });

  it('builds a sales export on worker threads: the worker module resolves inside the installed package', () => {
    const rows = ['ticket,sucursal,fecha,importe'];
    for (let t = 0; t < 3000; t++) rows.push(`T${t},S1,2026-11-20T10:00:00,${(t % 90) + 1}.50`);
    writeFileSync(join(project, 'sales.csv'), `${rows.join('\n')}\n`);
    writeFileSync(
      join(project, 'pool.cjs'),
      `const { readFileSync } = require('node:fs');
const { buildSalesExport, parseSalesConfig } = require('cfdi-layout');
const config = parseSalesConfig({
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  lugarExpedicion: '42501',
  serie: 'A',
});
(async () => {
  const build = (jobs, out) =>
    buildSalesExport({ input: 'sales.csv', config, target: 'tralix-tickets', out, jobs, minParallelBytes: 0 });
  const one = await build(0, 'one.jsonl');
  const two = await build(2, 'two.jsonl');
  const same = readFileSync('one.jsonl').equals(readFileSync('two.jsonl'));
  console.log(JSON.stringify({ threads: [one.threads, two.threads], written: two.written, same }));
})();
`,
    );
    const result = run(process.execPath, ['pool.cjs'], project);
    expect(result.status, result.out).toBe(0);
    expect(JSON.parse(result.out.trim().split('\n')[0] ?? '')).toEqual({
      threads: [0, 2],
      written: 3000,
      same: true,
    });
  });

  it('tsc --strict against the types, from ESM and from CommonJS', () => {
    const source = `import { desglose, type Issue } from 'cfdi-layout';\nconst s: string = ${USE};\nconst i: Issue[] = [];\nexport { s, i };\n`;
    writeFileSync(join(project, 'esm.mts'), source);
    writeFileSync(join(project, 'cjs.cts'), source);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = run(
      process.execPath,
      [
        tsc,
        '--strict',
        '--noEmit',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        'esm.mts',
        'cjs.cts',
      ],
      project,
    );
    expect(result.status, result.out).toBe(0);
  });
});
