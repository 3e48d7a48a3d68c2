import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_002_ARCHIVO_FUENTE } from '../layouts/seed.js';
import { complete, global, invoiceArb, invoiceInput, MUTATIONS, nominativa, xmlOf } from './invoices.js';
import { assertCliBuilt, ROOT, runCli, runJson, STACK_FRAME, scratchDir } from './run-cli.js';

/*
 * `cfdi-layout validate` through the built binary: random valid invoices, one-mistake invoices with
 * the SAT code a PAC gives (rules doc A.10), layout files located at line/record/field/column, and
 * the exit codes 0 / 1 / 2. Every batch of documents goes through ONE process (validate takes many
 * files), which keeps the run short.
 */

const scratch = scratchDir('validate');
beforeAll(assertCliBuilt);
afterAll(scratch.cleanup);

const MINI_LAYOUT = join(ROOT, 'samples/layouts/mini.layout.json');
const MINI_TEXT = readFileSync(join(ROOT, 'samples/layouts/mini.txt'), 'utf8');

function seedNow(): number {
  return Date.now() % 2_147_483_647;
}

describe.concurrent('validate: documents', () => {
  it('20 random valid invoices (XML and JSON) and the samples: exit 0, every file OK', async ({ expect }) => {
    const seed = seedNow();
    const specs = fc.sample(invoiceArb, { numRuns: 20, seed });
    const files = specs.map((spec, i) => {
      const c = complete(invoiceInput(spec));
      // Half of them as the JSON model, which validate reads as well.
      return i % 2 === 0
        ? scratch.file(`valid-${i}.xml`, xmlOf(c))
        : scratch.file(`valid-${i}.json`, JSON.stringify(c, null, 2));
    });
    const samples = ['factura-parcial.json', 'hotel-ish.json', 'factura-global.json'].map((f) =>
      join(ROOT, 'samples/json', f),
    );
    const run = await runJson(['validate', ...files, ...samples]);
    const errors = run.doc.issues.filter((i) => i.severity === 'error');
    expect(errors, `fast-check seed ${seed}`).toEqual([]);
    expect(run.code, `fast-check seed ${seed}`).toBe(0);
    expect(run.doc.ok).toBe(true);
    expect(run.doc.command).toBe('validate');
    expect(run.doc.outputs).toEqual(
      [...files, ...samples].map((file) => ({
        file,
        format: file.endsWith('.xml') ? 'xml' : 'json',
        ok: true,
      })),
    );
    // Without --json: one OK line per file on stdout, exit 0.
    const text = await runCli(['validate', ...files.slice(0, 3)]);
    expect(text.code).toBe(0);
    expect(
      text.stdout.split('\n').filter((l) => l.endsWith(': OK (xml)') || l.endsWith(': OK (json)')),
    ).toHaveLength(3);
  });

  it('one-mistake invoices: exit 1, and each file reports the SAT code at the right path', async ({
    expect,
  }) => {
    const seed = seedNow();
    const [amounts, fecha] = fc.sample(
      fc.tuple(
        fc.tuple(
          fc.integer({ min: 1_000, max: 9_999_999 }),
          fc.integer({ min: 1_000, max: 9_999_999 }),
          fc.integer({ min: 1_000, max: 9_999_999 }),
        ),
        fc.date({
          min: new Date('2024-01-01T00:00:00Z'),
          max: new Date('2025-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
      ),
      { numRuns: 1, seed },
    )[0] ?? [[100_00, 200_00, 300_00], new Date('2024-05-14T10:30:00Z')];
    const bases = { nominativa: nominativa(amounts, fecha), global: global(amounts, fecha) };
    const baseFiles = Object.entries(bases).map(([name, c]) => scratch.file(`base-${name}.xml`, xmlOf(c)));
    const mutated = MUTATIONS.map((m, i) => {
      const c = structuredClone(bases[m.base]);
      m.apply(c);
      return { m, file: scratch.file(`mistake-${i}.xml`, xmlOf(c)) };
    });
    const run = await runJson(['validate', ...baseFiles, ...mutated.map((x) => x.file)]);
    expect(run.code, `seed ${seed}`).toBe(1);
    expect(run.doc.ok).toBe(false);
    const outputs = run.doc.outputs as Array<{ file: string; ok: boolean }>;
    const byFile = new Map(outputs.map((o) => [o.file, o.ok]));
    // The unmutated bases are valid, so each mistake alone makes its file invalid.
    for (const f of baseFiles) {
      const issues = run.doc.issues.filter((i) => i.file === f && i.severity === 'error');
      expect(issues, `seed ${seed}: ${f}`).toEqual([]);
      expect(byFile.get(f)).toBe(true);
    }
    for (const { m, file } of mutated) {
      const found = run.doc.issues
        .filter((i) => i.file === file && i.severity === 'error')
        .map((i) => `${i.code} ${i.path}`);
      expect(found, `seed ${seed}: ${m.name}`).toContain(`${m.code} ${m.path}`);
      expect(byFile.get(file), m.name).toBe(false);
    }
    expect(new Set(MUTATIONS.map((m) => m.code)).size).toBeGreaterThanOrEqual(15);
  });
});

describe.concurrent('validate: exit 2 for usage and I/O', () => {
  it('a missing file stops the run with an IO error, even after a valid one', async ({ expect }) => {
    const missing = join(scratch.dir, 'no-such-file.xml');
    const run = await runCli(['validate', join(ROOT, 'samples/xml/factura-iva16.xml'), missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/IO/);
    expect(run.stderr).toContain('no-such-file.xml');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('no file at all is a usage error, and the command does not run', async ({ expect }) => {
    const run = await runCli(['validate']);
    expect(run.stderr).toMatch(/USAGE/);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });

  it('- reads the document from stdin', async ({ expect }) => {
    const input = readFileSync(join(ROOT, 'samples/json/factura-global.json'));
    const run = await runJson(['validate', '-'], { input });
    expect(run.doc.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(run.doc.outputs).toEqual([{ file: '-', format: 'json', ok: true }]);
    expect(run.code).toBe(0);
  });
});

describe.concurrent('validate: layouts', () => {
  it('the seed 002 archivoFuente with --layout tralix-legacy: CFDI40167 at line 6, record 05, field importe', async ({
    expect,
  }) => {
    const file = scratch.file('seed-002.txt', SEED_002_ARCHIVO_FUENTE);
    const run = await runJson(['validate', file, '--layout', 'tralix-legacy']);
    expect(run.code).toBe(1);
    const cfdi40167 = run.doc.issues.filter((i) => i.code === 'CFDI40167');
    expect(cfdi40167).toHaveLength(1);
    const [issue] = cfdi40167;
    // Line 6 is the second concepto: Cantidad 1 × ValorUnitario 2368231872779.000009 ≠ 884346835174.000009.
    const line6 = SEED_002_ARCHIVO_FUENTE.split('\n')[5] ?? '';
    const column = line6.indexOf('|884346835174.000009|') + 2;
    expect(column).toBeGreaterThan(1);
    expect(issue?.path).toBe('conceptos.1.importe');
    expect(issue?.severity).toBe('error');
    expect(issue?.message.startsWith(`line 6, record 05 (concepto), field importe, column ${column}: `)).toBe(
      true,
    );
    expect(issue?.message).toContain('884346835174.000009');
    expect(issue?.message).toContain('2368231872779.000009');
  });

  it('a user layout from a file: samples/layouts/mini reads without a field error; mistakes are located', async ({
    expect,
  }) => {
    const lines = MINI_TEXT.split('\n');
    // Line 2's importe made unreadable; separately, the trailer's sum one cent off.
    const badImporte = scratch.file('mini-bad-importe.txt', MINI_TEXT.replace(';1000.00;', ';10x0.00;'));
    const badSum = scratch.file('mini-bad-sum.txt', MINI_TEXT.replace('T;4;1160.00;', 'T;4;1160.01;'));
    const original = join(ROOT, 'samples/layouts/mini.txt');
    const run = await runJson(['validate', original, badImporte, badSum, '--layout', MINI_LAYOUT]);
    expect(run.code).toBe(1);
    const of = (file: string) => run.doc.issues.filter((i) => i.file === file);

    // mini carries no emisor, receptor or CFDI catalog keys: the text itself is fine, the model is incomplete.
    const originalIssues = of(original);
    expect(originalIssues.length).toBeGreaterThan(0);
    expect(originalIssues.filter((i) => i.code !== 'LAYOUT_MODEL_INCOMPLETE')).toEqual([]);
    expect(originalIssues.filter((i) => i.severity === 'warning').map((i) => i.path)).toEqual([
      'emisor',
      'receptor',
    ]);
    expect(originalIssues.map((i) => i.path)).toContain('tipoDeComprobante');

    const column = (lines[1] ?? '').indexOf(';1000.00;') + 2;
    const fieldType = of(badImporte).find((i) => i.code === 'LAYOUT_FIELD_TYPE');
    expect(fieldType?.message).toMatch(
      new RegExp(`^line 2, record D \\(detail\\), field importe, column ${column}: "10x0\\.00"`),
    );

    const mismatch = of(badSum).filter((i) => i.code === 'LAYOUT_COMPUTED_MISMATCH');
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]?.message).toMatch(/^line 4, record T \(trailer\), field sumaImportes, column 5: /);
    // 1000.00 + 160.00 (the D lines), as the layout writes a 2-decimal field, against the 1160.01 written.
    expect(mismatch[0]?.message).toContain('"1160.01"');
    expect(mismatch[0]?.message).toContain('1160.00');
  });

  it('convert --from layout --to json with the mini file layout writes the draft, missing parts as warnings, and back', async ({
    expect,
  }) => {
    const source = join(ROOT, 'samples/layouts/mini.txt');
    const run = await runJson([
      'convert',
      source,
      '--from',
      'layout',
      '--layout',
      MINI_LAYOUT,
      '--to',
      'json',
    ]);
    expect(run.code).toBe(0);
    expect(run.doc.ok).toBe(true);
    const incomplete = run.doc.issues.filter((i) => i.code === 'LAYOUT_MODEL_INCOMPLETE');
    expect(incomplete.every((i) => i.severity === 'warning')).toBe(true);
    expect(incomplete.map((i) => i.path)).toEqual(
      expect.arrayContaining(['tipoDeComprobante', 'exportacion', 'lugarExpedicion']),
    );
    const document = (run.doc.outputs as { document: string }).document;
    const back = await runCli(['convert', '-', '--from', 'json', '--to', 'layout', '--layout', MINI_LAYOUT], {
      input: document,
    });
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(readFileSync(source, 'utf8'));
  });

  it('a layout that is neither built in nor a file is refused with exit 2', async ({ expect }) => {
    const run = await runCli([
      'validate',
      join(ROOT, 'samples/layouts/mini.txt'),
      '--layout',
      'no-such-layout',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/LAYOUT_UNKNOWN/);
  });
});

it('every mutation has a distinct name and a dot path', () => {
  expect(new Set(MUTATIONS.map((m) => m.name)).size).toBe(MUTATIONS.length);
  for (const m of MUTATIONS) expect(m.path).toMatch(/^[a-zA-Zñ]+(\.[a-zA-Zñ0-9]+)*$/);
});
