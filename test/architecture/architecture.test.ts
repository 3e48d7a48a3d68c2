import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

const ROOT = resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

const PURE_STAGES = [
  'model',
  'taxes',
  'rules',
  'layouts',
  'xml',
  'catalogs',
  'rfc',
  'text',
  'documents',
  'sealing',
  'pagos',
  'payments',
];

describe('architecture', () => {
  const FOUNDATION = ['errors.ts', 'issues.ts', 'money.ts'];
  it.each([...PURE_STAGES, ...FOUNDATION])(
    'src/%s is pure: no node:fs, process, fetch, archiver or console',
    (stage) => {
      const path = join(ROOT, 'src', stage);
      const offenders: string[] = [];
      for (const file of stage.endsWith('.ts') ? [path] : tsFiles(path)) {
        const text = readFileSync(file, 'utf8');
        const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
        if (/from ['"](node:)?(fs|fs\/promises|child_process|net|http|https)['"]/.test(code))
          offenders.push(`${file}: I/O import`);
        if (/\bprocess\./.test(code)) offenders.push(`${file}: process`);
        if (/\bfetch\(/.test(code)) offenders.push(`${file}: fetch`);
        if (/from ['"]archiver['"]/.test(code)) offenders.push(`${file}: archiver`);
        if (/\bconsole\./.test(code)) offenders.push(`${file}: console`);
      }
      expect(offenders.map((o) => relative(ROOT, o))).toEqual([]);
    },
  );

  it('every error code thrown in src/ and cli/ is in the closed union', () => {
    const known = new Set<string>(ERROR_CODES);
    const thrown = new Set<string>();
    for (const file of [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'cli'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new CfdiLayoutError\(\s*'([A-Z_0-9]+)'/g)) thrown.add(m[1] as string);
    }
    expect(thrown.size).toBeGreaterThan(5);
    expect([...thrown].filter((c) => !known.has(c))).toEqual([]);
  });

  it('src/ never writes to the console', () => {
    const offenders = tsFiles(join(ROOT, 'src')).filter((f) =>
      /\bconsole\.(log|error|warn|info)/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((o) => relative(ROOT, o))).toEqual([]);
  });
});

describe('data flows one way', () => {
  // The foundation (errors, issues, money) and the catalogs sit below the model; the model below
  // the taxes; nothing below imports what is above it.
  const LOWER: Record<string, readonly string[]> = {
    'money.ts': ['model', 'taxes', 'rules', 'xml', 'layouts', 'catalogs', 'sealing'],
    catalogs: ['model', 'taxes', 'rules', 'xml', 'layouts', 'sealing'],
    model: ['taxes', 'rules', 'xml', 'layouts', 'sealing'],
    taxes: ['rules', 'xml', 'layouts', 'sealing'],
    // The cadena reads the XML the renderer writes; the renderer never needs the cadena.
    xml: ['sealing'],
    // Pagos 2.0 arithmetic sits with the taxes: the rules, XML and layouts use it, never the reverse.
    pagos: ['rules', 'xml', 'layouts', 'sealing', 'documents', 'batch'],
  };
  it.each(Object.keys(LOWER))('src/%s imports nothing from the stages above it', (stage) => {
    const path = join(ROOT, 'src', stage);
    const files = stage.endsWith('.ts') ? [path] : tsFiles(path);
    const above = LOWER[stage] ?? [];
    const offenders = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)]
        .map((m) => resolve(join(file, '..'), m[1] as string))
        .filter((target) => above.some((a) => target.startsWith(join(ROOT, 'src', a))))
        .map((target) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`),
    );
    expect(offenders).toEqual([]);
  });

  it('src/ imports nothing from cli/: the CLI is an edge over the library, never the reverse', () => {
    const offenders = tsFiles(join(ROOT, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\b(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)'/g)]
        .map((m) => resolve(join(file, '..'), m[1] as string))
        .filter((target) => target.startsWith(join(ROOT, 'cli')))
        .map((target) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`),
    );
    expect(offenders).toEqual([]);
  });
});
