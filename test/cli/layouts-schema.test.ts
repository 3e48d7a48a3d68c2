import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { assertCliBuilt, CLI, ROOT, runCli, runJson, STACK_FRAME } from './run-cli.js';

/* `cfdi-layout layouts` and `cfdi-layout schema` through the built binary. */

beforeAll(assertCliBuilt);

describe.concurrent('layouts', () => {
  it('lists tralix-40 as the default and tralix-legacy, one per line', async ({ expect }) => {
    const run = await runCli(['layouts']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => l !== '');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['tralix-40', 'tralix-legacy']);
    expect(lines[0]).toMatch(/^tralix-40 \(default\)\s/);
    expect(lines[1]).not.toMatch(/\(default\)/);
  });

  it('--json: the same list as data, exactly one default', async ({ expect }) => {
    const run = await runJson(['layouts']);
    expect(run.code).toBe(0);
    expect(run.doc.ok).toBe(true);
    expect(run.doc.command).toBe('layouts');
    expect(run.doc.issues).toEqual([]);
    const list = run.doc.outputs as Array<{
      id: string;
      version: string;
      default: boolean;
      description: string;
    }>;
    expect(list.map((l) => [l.id, l.default])).toEqual([
      ['tralix-40', true],
      ['tralix-legacy', false],
    ]);
    for (const l of list) {
      expect(l.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(l.description.length).toBeGreaterThan(20);
    }
  });
});

describe.concurrent('schema', () => {
  it('schema layout prints the JSON Schema of a layout definition: the published file, with records', async ({
    expect,
  }) => {
    const run = await runCli(['schema', 'layout']);
    expect(run.code, run.stderr).toBe(0);
    const schema = JSON.parse(run.stdout) as {
      $schema?: string;
      type?: string;
      properties?: Record<string, unknown>;
    };
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'separator', 'records']),
    );
    expect(schema).toEqual(JSON.parse(readFileSync(join(ROOT, 'schemas/layout.schema.json'), 'utf8')));
  });

  it('schema comprobante --json: the comprobante schema as the outputs of the document', async ({
    expect,
  }) => {
    const run = await runJson(['schema', 'comprobante']);
    expect(run.code).toBe(0);
    expect(run.doc).toMatchObject({ ok: true, command: 'schema', issues: [] });
    const schema = run.doc.outputs as { properties?: Record<string, unknown>; required?: string[] };
    // The Anexo 20 attribute names with the first letter lowered (DESIGN: JSON model naming).
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining([
        'version',
        'subTotal',
        'tipoDeComprobante',
        'lugarExpedicion',
        'conceptos',
        'impuestos',
      ]),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['emisor', 'receptor', 'conceptos', 'total']));
    expect(schema).toEqual(JSON.parse(readFileSync(join(ROOT, 'schemas/comprobante.schema.json'), 'utf8')));
  });

  it('an unknown schema name or none: exit 2, a usage message, no stack unless --debug', async ({
    expect,
  }) => {
    const unknown = await runCli(['schema', 'factura']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/USAGE/);
    expect(unknown.stdout).toBe('');
    const none = await runCli(['schema']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error USAGE: .*layout/m);
    expect(`${unknown.stderr}${none.stderr}`).not.toMatch(STACK_FRAME);
    const debug = await runCli(['schema', '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(STACK_FRAME);
  });
});

describe.concurrent('the binary itself', () => {
  it('no command, or an unknown one: exit 2 with a usage message and no stack', async ({ expect }) => {
    const none = await runCli([]);
    const unknown = await runCli(['desglosar', '100']);
    for (const run of [none, unknown]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error USAGE: /m);
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.stdout).toBe('');
    }
  });

  it('--help lists the core commands and exits 0', async ({ expect }) => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['desglose', 'convert', 'validate', 'layouts', 'schema']) {
      expect(run.stdout).toMatch(new RegExp(`cfdi-layout ${command}\\b`));
    }
  });

  it('a reader that closes stdout early (`| head`) gets no stack trace', async ({ expect }) => {
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'schema', 'comprobante'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // The reader is gone before the binary writes its first byte.
      child.stdout.destroy();
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.on('error', reject);
      child.on('close', () => resolve(err));
    });
    expect(stderr).not.toMatch(/Unhandled 'error' event/);
    expect(stderr).not.toMatch(STACK_FRAME);
  });
});
