// `npm run bench`: throughput and peak memory on this machine. Each section runs in its own Node
// process (peak RSS is per section) and prints one line per figure. `npm run bench -- NAME...` runs
// the sections so named, or the groups: core, menu, sandbox, varied.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatFigure, isFigure } from './figures.mjs';

const ROOT = resolve(import.meta.dirname, '..');

/** The repeating menu: prices repeat the way a restaurant's do, so the concept cache hits. */
const MENU = 'repeating menu (concept cache hits)';
/** bench/varied-data.mjs: no importe repeats, so the concept cache misses on every line. */
const VARIED = 'varied export (non-repeating importes; baselines measured in the same run)';

/** Sections: group, module file, exported benchmark function, and what its inputs are. */
const SECTIONS = [
  ['core', 'core.mjs', 'benchDesglose', 'library calls'],
  ['core', 'core.mjs', 'benchXml', 'library calls'],
  ['core', 'core.mjs', 'benchLayouts', 'library calls'],
  ['core', 'pagos.mjs', 'benchPagos', 'library calls, non-repeating amounts'],
  [
    'core',
    'seal.mjs',
    'benchSeal',
    'library calls, non-repeating amounts; baselines measured in the same run',
  ],
  ['menu', 'build.mjs', 'benchBuild', MENU],
  ['menu', 'build.mjs', 'benchGlobal', MENU],
  ['menu', 'build.mjs', 'benchZip', MENU],
  ['sandbox', 'sandbox.mjs', 'benchSandbox', 'loopback HTTP'],
  ['varied', 'varied.mjs', 'benchVariedTickets', VARIED],
  ['varied', 'varied.mjs', 'benchVariedDocuments', VARIED],
  ['varied', 'varied.mjs', 'benchVariedValidate', VARIED],
  ['varied', 'varied.mjs', 'benchVariedStartup', VARIED],
];

const only = process.argv.slice(2);

if (process.env.CFDI_BENCH_CHILD !== undefined) {
  const [file, name] = process.env.CFDI_BENCH_CHILD.split('#');
  const mod = await import(resolve(ROOT, 'bench', file));
  const figures = await mod[name]();
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ figures, peakRssMb })}\n`);
} else {
  let failed = 0;
  const unknown = only.filter((o) => !SECTIONS.some(([group, , name]) => o === group || o === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown section ${unknown.join(', ')}: give a group (core, menu, sandbox, varied) or a section\n`,
    );
    process.exit(2);
  }
  for (const [group, file, name, about] of SECTIONS) {
    if (only.length > 0 && !only.includes(name) && !only.includes(group)) continue;
    if (!existsSync(resolve(ROOT, 'bench', file))) continue;
    const run = spawnSync(process.execPath, ['--expose-gc', resolve(ROOT, 'bench/run.mjs')], {
      env: { ...process.env, CFDI_BENCH_CHILD: `${file}#${name}` },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const last = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !last.startsWith('{')) {
      failed++;
      process.stdout.write(`${name}: failed (exit ${run.status})\n${run.stdout}`);
      continue;
    }
    const { figures, peakRssMb } = JSON.parse(last);
    process.stdout.write(`\n${name}, ${about} (process peak RSS ${peakRssMb} MB)\n`);
    for (const [key, value] of Object.entries(figures)) {
      if (isFigure(value)) {
        process.stdout.write(`  ${formatFigure(value)}\n`);
        continue;
      }
      const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
      process.stdout.write(`  ${key}: ${shown}\n`);
    }
  }
  process.exitCode = failed === 0 ? 0 : 1;
}
