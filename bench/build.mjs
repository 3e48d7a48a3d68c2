// Benchmarks of the sales pipeline on the repeating menu (concept cache hits), run through the real
// CLI (dist/cli/main.js) on inputs generated into a temporary folder at bench time (never committed).
// A restaurant's prices repeat, so nearly every line hits the concept cache; bench/varied.mjs runs
// the same jobs on an export whose importes never repeat.
//   benchBuild   build --to tralix-tickets over 1,000,000 CSV lines   (lines/s of the median of 3 runs, peak RSS)
//   benchGlobal  global over 100,000 tickets                          (seconds, peak RSS)
//   benchZip     build --to zip over 100,000 invoices vs archiver alone zipping the same XML bytes
// Each returns its figures and the targets they are checked against. `node bench/build.mjs` runs all.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ZipArchive } from 'archiver';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');

/** Targets on the reference 2-core machine (issue 4). */
export const TARGETS = Object.freeze({
  buildLinesPerSecond: 50_000,
  buildPeakRssMb: 256,
  globalSeconds: 20,
  globalPeakRssMb: 300,
  zipRatio: 0.7,
});

const CONFIG = {
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  lugarExpedicion: '42501',
  serie: 'B',
  tralix: { sucursales: {} },
};

// A restaurant-and-hotel menu: prices repeat the way real tickets do.
const MENU = Array.from({ length: 160 }, (_, i) => {
  const cents = [0, 50, 90, 0, 25][i % 5];
  const pesos = 25 + ((i * 37) % 480);
  return { name: `Platillo ${i + 1}`, price: `${pesos}.${String(cents).padStart(2, '0')}` };
});
const ROOMS = ['1785.00', '2380.00', '3570.00', '4760.00'];
const RECEPTORES = [
  ['XIA190128J61', 'XENON INDUSTRIAL ARTICLES', '76343', '601'],
  ['URE180429TM6', 'UNIVERSIDAD ROBOTICA ESPAÑOLA', '86991', '601'],
  ['CACX7605101P8', 'XOCHILT CASAS CHAVEZ', '36257', '612'],
];

/** Multiplies a price written with two decimals by a small integer, exactly (integer cents). */
function times(price, qty) {
  const [p, c] = price.split('.');
  const cents = (Number(p) * 100 + Number(c)) * qty;
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * Writes a sorted sales export: tickets of 1–5 lines over 20 branches, mostly IVA 16, a hotel share
 * with ISH 3 %, about 1 broken row in 2,000. `nominative` gives every ticket receptor columns.
 */
export async function writeSales(path, { lines: wantedLines, tickets: wantedTickets, nominative = false }) {
  const out = createWriteStream(path);
  const header =
    'ticket,sucursal,fecha,importe,iva,ish,formaPago,descripcion,cantidad,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal,usoCFDI\n';
  let buffer = header;
  let lines = 0;
  let tickets = 0;
  let seed = 12345;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  while (
    (wantedLines === undefined || lines < wantedLines) &&
    (wantedTickets === undefined || tickets < wantedTickets)
  ) {
    tickets++;
    const sucursal = `S${String(tickets % 20).padStart(2, '0')}`;
    const day = 1 + (Math.floor(tickets / 5000) % 28);
    const fecha = `2026-11-${String(day).padStart(2, '0')}T${String(8 + (tickets % 14)).padStart(2, '0')}:${String(tickets % 60).padStart(2, '0')}:00`;
    const forma = ['01', '04', '28', '03'][rand(4)];
    const receptor = nominative ? RECEPTORES[tickets % RECEPTORES.length] : ['', '', '', ''];
    const uso = nominative ? 'G03' : '';
    const count = wantedLines === undefined ? 1 + rand(3) : 1 + rand(5);
    for (let l = 0; l < count && (wantedLines === undefined || lines < wantedLines); l++) {
      lines++;
      let importe;
      let ish = '0';
      let name;
      let qty = 1;
      if (tickets % 10 === 0 && l === 0) {
        importe = ROOMS[rand(ROOMS.length)];
        ish = '3';
        name = 'Hospedaje';
      } else {
        const item = MENU[rand(MENU.length)];
        qty = 1 + rand(3);
        importe = times(item.price, qty);
        name = item.name;
      }
      if (!nominative && lines % 2000 === 0) importe = 'N/A';
      buffer += `T${tickets},${sucursal},${fecha},${importe},16,${ish},${forma},${name},${qty},${receptor.join(',')},${uso}\n`;
    }
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await new Promise((r) => out.once('drain', r));
      buffer = '';
    }
  }
  await new Promise((r) => out.end(buffer, r));
  return { lines, tickets };
}

/**
 * Runs a command under /usr/bin/time and returns wall seconds, peak RSS (MB), the exit code, what it
 * printed on stderr (less time's figure) and, with `captureStdout`, its stdout.
 */
export function runTimed(argv, cwd, { captureStdout = false } = {}) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M', ...argv], {
      cwd,
      stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // time(1) adds its own line for a non-zero exit (1: something was rejected) before the figure.
      const lines = stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('Command exited with non-zero status'));
      const rssKb = Number(lines.at(-1));
      done({
        seconds,
        peakRssMb: Math.round(rssKb / 1024),
        code,
        stdout,
        stderr: lines.slice(0, -1).join('\n'),
      });
    });
  });
}

/** Runs the CLI (without its progress bar) under /usr/bin/time; see {@link runTimed}. */
export function runCli(args, cwd) {
  return runTimed([process.execPath, CLI, ...args, '--no-progress'], cwd);
}

/** A temporary folder with the bench's cfdi-layout.config.json; remove it when done. */
export async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), 'cfdi-layout-bench-'));
  await writeFile(join(dir, 'cfdi-layout.config.json'), JSON.stringify(CONFIG));
  return dir;
}

/**
 * build --to tralix-tickets over 1,000,000 lines: lines/s and peak RSS. The host's speed swings by
 * tens of percent within minutes, so the build runs `runs` times: the target is checked on the
 * median run, and the peak RSS is the largest of all runs.
 */
export async function benchBuild({ lines = 1_000_000, runs = 3 } = {}) {
  const dir = await workspace();
  try {
    const input = join(dir, 'sales.csv');
    const generated = await writeSales(input, { lines });
    const results = [];
    for (let i = 0; i < runs; i++) {
      const run = await runCli(
        [
          'build',
          input,
          '--to',
          'tralix-tickets',
          '--out',
          join(dir, 'tickets.jsonl'),
          '--rejects',
          join(dir, 'rejects.jsonl'),
        ],
        dir,
      );
      if (run.code !== 0 && run.code !== 1) throw new Error(`build failed (${run.code}): ${run.stderr}`);
      results.push(run);
    }
    const bySpeed = [...results].sort((a, b) => a.seconds - b.seconds);
    const median = bySpeed[Math.floor((bySpeed.length - 1) / 2)];
    const linesPerSecond = Math.round(generated.lines / median.seconds);
    const peakRssMb = Math.max(...results.map((r) => r.peakRssMb));
    return {
      name: 'build --to tralix-tickets, repeating menu (concept cache hits)',
      lines: generated.lines,
      tickets: generated.tickets,
      runs: results.map((r) => ({
        seconds: Number(r.seconds.toFixed(2)),
        linesPerSecond: Math.round(generated.lines / r.seconds),
        peakRssMb: r.peakRssMb,
      })),
      seconds: Number(median.seconds.toFixed(2)),
      linesPerSecond,
      bestLinesPerSecond: Math.round(generated.lines / bySpeed[0].seconds),
      peakRssMb,
      summary: results[0].stderr,
      ok: linesPerSecond >= TARGETS.buildLinesPerSecond && peakRssMb <= TARGETS.buildPeakRssMb,
      targets: { linesPerSecond: TARGETS.buildLinesPerSecond, peakRssMb: TARGETS.buildPeakRssMb },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** global over 100,000 tickets: seconds and peak RSS. */
export async function benchGlobal({ tickets = 100_000 } = {}) {
  const dir = await workspace();
  try {
    const input = join(dir, 'sales.csv');
    const generated = await writeSales(input, { tickets });
    const out = join(dir, 'global.xml');
    const run = await runCli(
      [
        'global',
        input,
        '--periodicidad',
        '04',
        '--meses',
        '11',
        '--anio',
        '2026',
        '--fecha',
        '2026-12-01T09:00:00',
        '--out',
        out,
        '--rejects',
        join(dir, 'rejects.jsonl'),
      ],
      dir,
    );
    if (run.code !== 0 && run.code !== 1) throw new Error(`global failed (${run.code}): ${run.stderr}`);
    const bytes = (await stat(out)).size;
    return {
      name: 'global, repeating menu (concept cache hits)',
      tickets: generated.tickets,
      lines: generated.lines,
      seconds: Number(run.seconds.toFixed(2)),
      peakRssMb: run.peakRssMb,
      xmlMb: Number((bytes / 1048576).toFixed(1)),
      summary: run.stderr,
      ok: run.seconds <= TARGETS.globalSeconds && run.peakRssMb <= TARGETS.globalPeakRssMb,
      targets: { seconds: TARGETS.globalSeconds, peakRssMb: TARGETS.globalPeakRssMb },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Zips files with archiver alone (same level and dates as the bundles); returns seconds. */
export async function archiverAlone(files, out) {
  const started = process.hrtime.bigint();
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const sink = createWriteStream(out);
  const closed = new Promise((r, j) => {
    sink.on('close', r);
    archive.on('error', j);
  });
  archive.pipe(sink);
  const date = new Date(Date.UTC(1980, 0, 1));
  let queued = 0;
  let done = 0;
  archive.on('entry', () => {
    done++;
  });
  for (const f of files) {
    archive.append(f.content, { name: f.name, date, mode: 0o644 });
    queued++;
    while (queued - done > 32) await new Promise((r) => archive.once('entry', r));
  }
  await archive.finalize();
  await closed;
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** build --to zip over 100,000 invoices against archiver alone zipping the same XML bytes. */
export async function benchZip({ invoices = 100_000 } = {}) {
  const dir = await workspace();
  try {
    const input = join(dir, 'sales.csv');
    const _generated = await writeSales(input, { tickets: invoices, nominative: true });
    const out = join(dir, 'zip', 'facturas.zip');
    const run = await runCli(
      [
        'build',
        input,
        '--to',
        'zip',
        '--out',
        out,
        '--max-files',
        String(invoices + 1),
        '--max-bytes',
        String(2 ** 40),
        '--rejects',
        join(dir, 'rejects.jsonl'),
      ],
      dir,
    );
    if (run.code !== 0 && run.code !== 1) throw new Error(`zip build failed (${run.code}): ${run.stderr}`);
    // The same XML bytes, rebuilt with the library's own output, zipped by archiver alone.
    const xmlDir = join(dir, 'xml');
    const xmlRun = await runCli(['build', input, '--to', 'xml', '--out', xmlDir], dir);
    if (xmlRun.code !== 0 && xmlRun.code !== 1) throw new Error(`xml build failed: ${xmlRun.stderr}`);
    const names = (await readdir(xmlDir)).sort();
    const files = [];
    let bytes = 0;
    for (const name of names) {
      const content = await readFile(join(xmlDir, name));
      bytes += content.length;
      files.push({ name, content });
    }
    const aloneSeconds = await archiverAlone(files, join(dir, 'alone.zip'));
    const ratio = aloneSeconds / run.seconds;
    return {
      name: 'build --to zip, repeating menu (concept cache hits)',
      invoices: files.length,
      xmlMb: Number((bytes / 1048576).toFixed(1)),
      seconds: Number(run.seconds.toFixed(2)),
      archiverAloneSeconds: Number(aloneSeconds.toFixed(2)),
      ratio: Number(ratio.toFixed(2)),
      peakRssMb: run.peakRssMb,
      summary: run.stderr,
      ok: ratio >= TARGETS.zipRatio,
      targets: { ratio: TARGETS.zipRatio },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[2];
  const runs = { build: benchBuild, global: benchGlobal, zip: benchZip };
  for (const [name, bench] of Object.entries(runs)) {
    if (only !== undefined && only !== name) continue;
    console.log(JSON.stringify(await bench(), null, 2));
  }
}
