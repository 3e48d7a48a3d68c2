// The main job on the bundled samples (`npm start`), offline: a day's sales export becomes ticket
// payloads, orders, layouts, pre-CFDI XML, a ZIP bundle for timbrado masivo and the factura global
// in out/; everything is validated; then it is sent to the provider emulators of an in-process
// sandbox and what landed is printed. Every step is the real CLI, printed as you would type it.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_SANDBOX_CREDENTIALS, startSandbox } from '../dist/src/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const OUT = 'out';
const SALES = 'samples/sales/ventas.csv';
const PAGOS = 'samples/sales/pagos.csv';
const CONFIG = 'samples/sales/cfdi-layout.config.json';

const credentials = DEFAULT_SANDBOX_CREDENTIALS;
const env = {
  ...process.env,
  CFDI_LAYOUT_TRALIX_KEY: credentials.tralix.key,
  CFDI_LAYOUT_TRALIX_USER: credentials.tralix.user,
  CFDI_LAYOUT_TRALIX_PASSWORD: credentials.tralix.password,
  CFDI_LAYOUT_FACTURAV4_API_KEY: credentials.facturav4.apiKey,
  CFDI_LAYOUT_FACTURAV4_SECRET_KEY: credentials.facturav4.secretKey,
  CFDI_LAYOUT_FACTURE_USER: credentials.facture.user,
  CFDI_LAYOUT_FACTURE_PASSWORD: credentials.facture.password,
};

let failures = 0;

/**
 * Runs one CLI command, echoing it. `expect` lists the exit codes that are a success here: the
 * sample export holds three deliberately broken rows, so a build exits 1 with its rejects listed.
 */
async function cli(args, { expect = [0], quiet = false } = {}) {
  process.stdout.write(`\n$ cfdi-layout ${args.join(' ')}\n`);
  // Asynchronous: the sandbox answering these commands lives in this process's event loop.
  const run = await new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
  if (!quiet && run.stdout.trim() !== '') process.stdout.write(indent(run.stdout));
  if (run.stderr.trim() !== '') process.stdout.write(indent(run.stderr));
  if (!expect.includes(run.status)) {
    failures++;
    process.stdout.write(`  !! exit ${run.status}, expected ${expect.join(' or ')}\n`);
  }
  return run;
}

function indent(text) {
  const lines = text.trimEnd().split('\n');
  const shown = lines.length > 12 ? [...lines.slice(0, 10), `… (${lines.length - 10} more lines)`] : lines;
  return `${shown.map((l) => `  ${l}`).join('\n')}\n`;
}

function count(file) {
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}

rmSync(join(ROOT, OUT), { recursive: true, force: true });
mkdirSync(join(ROOT, OUT), { recursive: true });

process.stdout.write('== 1. Sales export → what each provider accepts\n');
const common = ['--config', CONFIG, '--no-progress'];
// The sample export holds three deliberately broken rows: each build exits 1 and lists them.
for (const [target, out] of [
  ['tralix-tickets', 'tralix-tickets.jsonl'],
  ['orders', 'orders.json'],
  ['tralix-async', 'tralix-async.jsonl'],
  ['layout', 'layouts'],
  ['xml', 'xml'],
  ['zip', 'timbrado-masivo.zip'],
]) {
  const rejects = `${OUT}/rejects-${target}.jsonl`;
  await cli(['build', SALES, '--to', target, '--out', `${OUT}/${out}`, '--rejects', rejects, ...common], {
    expect: [1],
  });
}
await cli(
  [
    'global',
    SALES,
    '--periodicidad',
    '01',
    '--meses',
    '11',
    '--anio',
    '2026',
    '--fecha',
    '2026-11-18T09:00:00',
    '--exclude',
    'samples/sales/exclude.txt',
    '--out',
    `${OUT}/factura-global.xml`,
    '--rejects',
    `${OUT}/rejects-global.jsonl`,
    ...common,
  ],
  { expect: [1] },
);

// The payments export: one REP (CFDI tipo P with Pagos 2.0) per payment; two payments are broken on purpose.
for (const [target, out] of [
  ['pagos-xml', 'reps'],
  ['pagos-layout', 'reps-txt'],
  ['pagos-zip', 'reps.zip'],
]) {
  const rejects = `${OUT}/rejects-${target}.jsonl`;
  await cli(['build', PAGOS, '--to', target, '--out', `${OUT}/${out}`, '--rejects', rejects, ...common], {
    expect: [1],
  });
}

process.stdout.write('\n== 2. Everything written is checked offline against the SAT rules\n');
const xmlFiles = readdirSync(join(ROOT, OUT, 'xml')).map((f) => `${OUT}/xml/${f}`);
await cli(['validate', ...xmlFiles, `${OUT}/factura-global.xml`]);
const repFiles = readdirSync(join(ROOT, OUT, 'reps')).map((f) => `${OUT}/reps/${f}`);
await cli(['validate', ...repFiles]);
const layoutFiles = readdirSync(join(ROOT, OUT, 'layouts')).map((f) => `${OUT}/layouts/${f}`);
await cli(['validate', ...layoutFiles, '--layout', 'tralix-40']);
await cli([
  'convert',
  'samples/json/factura-parcial.json',
  '--to',
  'xml',
  '-o',
  `${OUT}/factura-parcial.xml`,
]);
await cli([
  'validate',
  `${OUT}/factura-parcial.xml`,
  'samples/xml/factura-iva16.xml',
  'samples/xml/hotel-ish.xml',
]);

process.stdout.write('\n== 3. Sent to the providers (an in-process sandbox on loopback)\n');
const sandbox = await startSandbox({ asyncPolls: 1 });
try {
  const urls = sandbox.urls;
  const putTickets = [
    'tralix',
    'tickets',
    'put',
    `${OUT}/tralix-tickets.jsonl`,
    '--base-url',
    urls.tralix,
    '--journal',
    `${OUT}/tickets.journal`,
  ];
  // Twice on purpose: the journal makes the second run store nothing new.
  await cli(putTickets, { quiet: true });
  await cli(putTickets, { quiet: true });
  await cli(
    [
      'facturav4',
      'orders',
      'create',
      `${OUT}/orders.json`,
      '--base-url',
      urls['facturav4-orders'],
      '--journal',
      `${OUT}/orders.journal`,
    ],
    { quiet: true },
  );
  await cli(
    [
      'tralix',
      'async',
      'submit',
      `${OUT}/tralix-async.jsonl`,
      '--base-url',
      urls['tralix-async'],
      '--journal',
      `${OUT}/async.journal`,
      '--wait',
    ],
    { quiet: true },
  );
  const sucursales = await cli(['facture', 'sucursales', '--base-url', urls.facture, '--json'], {
    quiet: true,
  });
  const sucursal = JSON.parse(sucursales.stdout).outputs.result.json.sucursales[0].id;
  await cli(
    [
      'facture',
      'masivo',
      `${OUT}/timbrado-masivo.zip`,
      '--sucursal',
      String(sucursal),
      '--base-url',
      urls.facture,
      '--journal',
      `${OUT}/masivo.journal`,
    ],
    { quiet: true },
  );
  await cli(
    [
      'facture',
      'timbrar',
      `${OUT}/factura-global.xml`,
      '--sucursal',
      String(sucursal),
      '--base-url',
      urls.facture,
      '--out',
      `${OUT}/timbrados`,
    ],
    { quiet: true },
  );

  const s = sandbox.state;
  const orders = Object.values(s.facturav4).reduce(
    (n, account) => n + Object.keys(account.orders ?? {}).length,
    0,
  );
  process.stdout.write('\n== What landed\n');
  process.stdout.write(
    `  tickets built: ${count(`${OUT}/tralix-tickets.jsonl`)}, tickets rejected: ${count(`${OUT}/rejects-tralix-tickets.jsonl`)} (see ${OUT}/rejects-tralix-tickets.jsonl)\n`,
  );
  process.stdout.write(
    `  Tralix tickets stored: ${Object.keys(s.tralix.tickets).length} (sent twice, stored once: the journal)\n`,
  );
  process.stdout.write(`  Tralix async CFDIs: ${Object.keys(s.tralix.async).length} requests\n`);
  process.stdout.write(`  Factu-Ramval orders stored: ${orders}\n`);
  process.stdout.write(
    `  Facture stamped (sandbox TFD, not fiscal): ${Object.keys(s.facture.cfdis).length}\n`,
  );
} finally {
  await sandbox.close();
}

process.stdout.write(
  failures === 0
    ? '\nDone: every step behaved as expected. Outputs are in out/.\n'
    : `\n${failures} step(s) did not behave as expected.\n`,
);
process.exitCode = failures === 0 ? 0 : 1;
