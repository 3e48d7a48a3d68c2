// `npm run bench`: throughput and peak memory on this machine. Each section runs in its own Node
// process (peak RSS is per section) and prints one line per figure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** Sections: module file → exported benchmark functions. */
const SECTIONS = [
  ['core.mjs', 'benchDesglose'],
  ['core.mjs', 'benchXml'],
  ['core.mjs', 'benchLayouts'],
  ['build.mjs', 'benchBuild'],
  ['build.mjs', 'benchGlobal'],
  ['build.mjs', 'benchZip'],
  ['sandbox.mjs', 'benchSandbox'],
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
  for (const [file, name] of SECTIONS) {
    if (only.length > 0 && !only.includes(name)) continue;
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
    process.stdout.write(`\n${name} (process peak RSS ${peakRssMb} MB)\n`);
    for (const [key, value] of Object.entries(figures)) {
      const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
      process.stdout.write(`  ${key}: ${shown}\n`);
    }
  }
  process.exitCode = failed === 0 ? 0 : 1;
}
