import { spawn } from 'node:child_process';
import { describe, it } from 'vitest';
import yargs from 'yargs';
import { COMMAND_NAMES, registerCommands } from '../../cli/commands/index.js';
import { assertCliBuilt, CLI, ROOT, runCli } from './run-cli.js';

/** The commands the help lists after registering for `argv`. */
async function registered(argv: string[]): Promise<string[]> {
  const cli = await registerCommands(yargs([]).scriptName('cli'), argv);
  return [...(await cli.getHelp()).matchAll(/^ {2}cli (\S+)/gm)].map((m) => m[1] as string);
}

/**
 * The built files under dist/cli/commands/ that a run of the binary imports, seen by a module hook
 * registered before the binary starts (node --import).
 */
function commandModulesLoaded(args: readonly string[]): Promise<string[]> {
  assertCliBuilt();
  const hooks = `export async function load(url, context, next) {
    if (url.includes('/cli/commands/')) process.stderr.write('LOADED ' + url.slice(url.lastIndexOf('/') + 1) + '\\n');
    return next(url, context);
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(register)}`, CLI, ...args],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', () =>
      resolve([...stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1] as string).sort()),
    );
  });
}

describe('command modules load lazily', () => {
  it('each name of the table registers exactly the command of that name', async ({ expect }) => {
    for (const name of COMMAND_NAMES) {
      const names = await registered([name, '--help']);
      expect(names).toEqual([name]);
    }
  });

  it('no command, an option alone or an unknown name registers every command', async ({ expect }) => {
    for (const argv of [[], ['--help'], ['--json'], ['desglosar', '100']]) {
      expect(await registered(argv)).toEqual([...COMMAND_NAMES]);
    }
  });

  it('`desglose 100` imports only the desglose module; `--help` imports and lists them all', async ({
    expect,
  }) => {
    expect(await commandModulesLoaded(['desglose', '100'])).toEqual(['desglose.js', 'index.js']);
    expect(await commandModulesLoaded(['--json', 'layouts'])).toEqual(['index.js', 'layouts.js']);
    const all = await commandModulesLoaded(['--help']);
    expect(all).toEqual(expect.arrayContaining(COMMAND_NAMES.map((n) => `${n}.js`)));
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of COMMAND_NAMES) expect(help.stdout).toMatch(new RegExp(`cfdi-layout ${name}\\b`));
    const own = await runCli(['build', '--help']);
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/--to/);
  });
});
