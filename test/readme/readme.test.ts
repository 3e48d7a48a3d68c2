import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// Samples are the documentation: every command and library snippet of the README runs here, in a
// scratch folder holding a copy of samples/, with `cfdi-layout` on the PATH as the built binary.
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Block {
  lang: string;
  code: string;
  line: number;
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re)) {
    out.push({ lang: m[1] ?? '', code: m[2] ?? '', line: markdown.slice(0, m.index).split('\n').length });
  }
  return out;
}

const shellCommands = blocks(README)
  .filter((b) => b.lang === 'sh')
  .flatMap((b) =>
    b.code
      .split('\n')
      .map((text, i) => ({ text: text.trim(), line: b.line + 1 + i }))
      // The two set-up commands at the top are what CI itself runs.
      .filter((c) => c.text !== '' && !c.text.startsWith('npm ') && !c.text.startsWith('#')),
  );

const jsSnippets = blocks(README).filter((b) => b.lang === 'js');

let work = '';

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run npm run build (npm test does)');
  work = mkdtempSync(join(tmpdir(), 'cfdi-readme-'));
  cpSync(join(ROOT, 'samples'), join(work, 'samples'), { recursive: true });
  mkdirSync(join(work, 'bin'));
  const shim = join(work, 'bin', 'cfdi-layout');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
});

describe('README', () => {
  it('has commands and library snippets to run', () => {
    expect(shellCommands.length).toBeGreaterThan(8);
    expect(jsSnippets.length).toBeGreaterThanOrEqual(2);
  });

  // A trailing `# exit N` says what a command should exit with (a sample with broken rows exits 1).
  it.each(shellCommands.map((c) => [c.line, c.text] as const))('line %i: %s', (_line, command) => {
    const expected = Number(/#\s*exit (\d)\b/.exec(command)?.[1] ?? 0);
    // bash, for the process substitution of the sello check; KIT as the README says.
    const run = spawnSync('bash', ['-c', command], {
      cwd: work,
      env: {
        ...process.env,
        PATH: `${join(work, 'bin')}:${process.env.PATH ?? ''}`,
        KIT: resolve(ROOT, '../shared/kit'),
      },
      encoding: 'utf8',
    });
    expect(run.stderr.includes('    at '), `no stack trace: ${run.stderr}`).toBe(false);
    expect(run.status, `${command}\n${run.stdout}\n${run.stderr}`).toBe(expected);
  });

  it.each(jsSnippets.map((b) => [b.line, b.code] as const))(
    'library snippet at line %i prints what its comments say',
    (line, code) => {
      const source = code.replaceAll("from 'cfdi-layout'", `from '${join(ROOT, 'dist/src/index.js')}'`);
      const file = join(work, `snippet-${line}.mjs`);
      writeFileSync(file, source);
      const run = spawnSync(process.execPath, [file], { cwd: work, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const expected = code
        .split('\n')
        .filter((l) => /^\s*console\.log\(/.test(l))
        .map((l) => /\/\/ (.*)$/.exec(l)?.[1]);
      const printed = run.stdout.trimEnd().split('\n');
      expect(printed.length).toBe(expected.length);
      expected.forEach((want, i) => {
        if (want !== undefined) expect(printed[i]).toBe(want);
      });
    },
  );
});
