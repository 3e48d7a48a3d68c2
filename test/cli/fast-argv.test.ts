import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { assertCliBuilt, CLI, ROOT, type RunOptions, runCli } from './run-cli.js';

/*
 * The binary parses the arguments of a table command (`desglose`, `cadena`, `layouts`) with node:util's parseArgs and
 * hands everything it cannot decide to yargs (cli/arg-table.ts). Both paths must answer every
 * command line alike: each case runs once as usual and once with CFDI_LAYOUT_ARGV=yargs.
 */

beforeAll(assertCliBuilt);

/** A CFDI of the samples, for `cadena`. */
const XML = 'samples/xml/factura-iva16.xml';

const LINES = `${JSON.stringify({ importe: '123.45' })}\n${JSON.stringify({ importe: 'abc' })}\n{"importe": "1\n`;

/** Command lines, with the stdin they get; valid, invalid values, odd shapes, help and typos. */
const CASES: ReadonlyArray<readonly [argv: readonly string[], input?: string]> = [
  [['desglose', '100']],
  [['desglose', '123.45', '--iva', '16']],
  [['desglose', '2380', '--iva=16', '--ish', '3']],
  [['desglose', '100', '--ieps', '8', '--moneda', 'USD']],
  [['desglose', '1000', '--iva', 'exento', '--moneda', 'JPY']],
  [['--json', 'desglose', '100.01']],
  [['desglose', '100.01', '--json']],
  [['--debug', '--json', 'desglose', '100', '--moneda', 'KWD']],
  [['desglose', '100', '--debug']],
  [['desglose', '100', '--moneda', 'ZZZ']],
  [['desglose', '100', '--moneda', 'ZZZ', '--json']],
  [['desglose', 'abc']],
  [['desglose', 'abc', '--json']],
  [['desglose', '1e3']],
  [['desglose', '0100.10']],
  [['desglose', '100', '--iva', '99']],
  [['desglose', '100', '--iva']],
  [['desglose', '100', '--iva=']],
  [['desglose', '100', '--iva', '']],
  [['desglose', '100', '--iva=-5']],
  [['desglose', '100', '--iva', '-5']],
  [['desglose', '-5']],
  [['desglose', '100', '--iva', '8', '--iva', '16']],
  [['desglose', '100', '--json', '--json']],
  [['desglose', '100', '--json', 'true']],
  [['desglose', '100', '--json=false']],
  [['desglose', '100', '--no-json']],
  [['desglose', '"100"']],
  [['desglose', "'100'"]],
  [['desglose', '100', '--iva', '"8"']],
  [['desglose', '100', '200']],
  [['desglose', '--', '100']],
  [['desglose', '--importe', '100']],
  [['desglose', '100', '--ivaa', '16']],
  [['desglose', '100', '-x']],
  [['desglose', '100', '-j']],
  [['--iva', '8', 'desglose', '100']],
  [['--iva=8', 'desglose', '100']],
  [['desglose', 'help']],
  [['desglose', 'desglose']],
  [['desglose', '100', '--moneda=a=b']],
  [['desglose', '100', '-iva', '8']],
  [['desglose', '100', '--IVA', '8']],
  [['desglose', '100', '--help']],
  [['desglose', '--help']],
  [['--help']],
  [['--version']],
  [['desglosar', '100']],
  [[]],
  [['desglose', '-'], LINES],
  [['desglose'], LINES],
  [['desglose', '--json'], LINES],
  [['desglose', '--iva', '8', '--moneda', 'USD'], LINES],
  [['cadena', XML]],
  [['cadena', XML, '--tfd']],
  [['--json', 'cadena', XML]],
  [['cadena', '-'], readFileSync(join(ROOT, XML), 'utf8')],
  [['cadena', 'samples/xml/missing.xml']],
  [['cadena']],
  [['cadena', XML, XML]],
  [['cadena', '--tfd=true', XML]],
  [['cadena', '--no-tfd', XML]],
  [['cadena', '--tfd', '--tfd', XML]],
  [['cadena', '--help']],
  [['layouts']],
  [['layouts', '--json']],
  [['--json', 'layouts']],
  [['layouts', 'tralix-40']],
  [['layouts', '--help']],
];

function both(argv: readonly string[], options: RunOptions) {
  return Promise.all([
    runCli(argv, options),
    runCli(argv, { ...options, env: { ...options.env, CFDI_LAYOUT_ARGV: 'yargs' } }),
  ]);
}

/** Whether a run of the binary imports yargs, seen by a module hook registered before it starts. */
function loadsYargs(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<boolean> {
  const hooks = `export async function resolve(specifier, context, next) {
    if (specifier === 'yargs') process.stderr.write('YARGS\\n');
    return next(specifier, context);
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(register)}`, CLI, ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(/^YARGS$/m.test(stderr)));
  });
}

describe('the fast path and yargs give the same answer', () => {
  it('same stdout, stderr and exit code for every command line of the table', async ({ expect }) => {
    // A few cases at a time: each spawns the binary twice.
    for (let at = 0; at < CASES.length; at += 3) {
      const batch = CASES.slice(at, at + 3);
      const runs = await Promise.all(
        batch.map(([argv, input]) => both(argv, input === undefined ? {} : { input })),
      );
      runs.forEach(([fast, slow], i) => {
        const label = `cfdi-layout ${batch[i]?.[0].join(' ')}`;
        expect({ code: fast.code, stdout: fast.stdout, stderr: fast.stderr }, label).toEqual({
          code: slow.code,
          stdout: slow.stdout,
          stderr: slow.stderr,
        });
      });
    }
  });

  it('`desglose 100`, `cadena FILE`, `layouts` run without loading yargs; help, typos and the override load it', async ({
    expect,
  }) => {
    for (const argv of [
      ['desglose', '100'],
      ['--json', 'desglose', '123.45', '--iva=8', '--ish', '3'],
      ['desglose', 'abc'],
      ['cadena', XML],
      ['layouts', '--json'],
    ]) {
      expect(await loadsYargs(argv), argv.join(' ')).toBe(false);
    }
    for (const argv of [['desglose', '--help'], ['desglose', '100', '--ivaa', '16'], ['desglosar']]) {
      expect(await loadsYargs(argv), argv.join(' ')).toBe(true);
    }
    expect(await loadsYargs(['desglose', '100'], { CFDI_LAYOUT_ARGV: 'yargs' })).toBe(true);
  });
});
