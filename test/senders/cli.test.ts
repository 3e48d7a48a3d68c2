import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LAYOUTS, renderLayout } from '../../src/layouts/index.js';
import type { Sandbox, SandboxCredentials } from '../../src/sandbox/index.js';
import { SANDBOX_RECEPTOR, ticketComprobante } from '../../src/sandbox/stamp.js';
import { order, preCfdi, sandbox, ticket } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/main.js');

/** Distinctive credentials, so any leak is easy to find. */
const CREDENTIALS: SandboxCredentials = {
  tralix: { key: 'KEYzx81secret9f', user: 'usr-qq7x', password: 'pw-Zz91!/+' },
  facturav4: { apiKey: 'api-7f3c-SECRET', secretKey: 'sec-91d0-SECRET' },
  facture: { user: 'fct-user-k2', password: 'fct-pass-m8' },
};
const ENV = {
  CFDI_LAYOUT_TRALIX_KEY: CREDENTIALS.tralix.key,
  CFDI_LAYOUT_TRALIX_USER: CREDENTIALS.tralix.user,
  CFDI_LAYOUT_TRALIX_PASSWORD: CREDENTIALS.tralix.password,
  CFDI_LAYOUT_FACTURAV4_API_KEY: CREDENTIALS.facturav4.apiKey,
  CFDI_LAYOUT_FACTURAV4_SECRET_KEY: CREDENTIALS.facturav4.secretKey,
  CFDI_LAYOUT_FACTURE_USER: CREDENTIALS.facture.user,
  CFDI_LAYOUT_FACTURE_PASSWORD: CREDENTIALS.facture.password,
};

/** Every form a credential could leak in: as written, URL-encoded, base64, and the Basic values. */
const LEAKS = [
  ...Object.values(ENV),
  ...Object.values(ENV).map(encodeURIComponent),
  ...Object.values(ENV).map((v) => Buffer.from(v).toString('base64')),
  Buffer.from(`${CREDENTIALS.tralix.user}:${CREDENTIALS.tralix.password}`).toString('base64'),
  Buffer.from(`${CREDENTIALS.facture.user}:${CREDENTIALS.facture.password}`).toString('base64'),
];

function expectNoSecrets(text: string, where: string): void {
  for (const leak of LEAKS) expect(text.includes(leak), `${where} contains ${leak.slice(0, 3)}…`).toBe(false);
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CFDI_LAYOUT_')) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env = cleanEnv(ENV), cwd = ROOT): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const cli = (args: string[], env?: NodeJS.ProcessEnv) => start(args, env).done;

const dir = () => mkdtempSync(join(tmpdir(), 'cli-senders-'));

function jsonl(items: unknown[]): string {
  return items.map((i) => JSON.stringify(i)).join('\n');
}

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
});

describe('provider commands (built binary against the sandbox)', () => {
  it('never shows a secret: stdout, stderr, journal, dry-run, errors, provider echoes', async () => {
    sb = await sandbox({ credentials: CREDENTIALS, failRate: 0.3, seed: 5, retryAfterSeconds: 0 });
    const work = dir();
    const tickets = join(work, 'tickets.jsonl');
    writeFileSync(tickets, jsonl([ticket(1), ticket(2), ticket(3)]));
    const journal = join(work, 'journal.jsonl');
    const tralix = ['--base-url', sb.urls.tralix];
    const runs: Run[] = [];
    runs.push(
      await cli([
        'tralix',
        'tickets',
        'put',
        tickets,
        ...tralix,
        '--journal',
        journal,
        '--retries',
        '8',
        '--json',
      ]),
    );
    expect(runs[0]?.code).toBe(0);
    runs.push(await cli(['tralix', 'tickets', 'put', tickets, ...tralix, '--dry-run']));
    expect(runs[1]?.stdout).toContain('authorization: ***');
    expect(runs[1]?.stdout).toContain('/tralix/***/tickets');
    await fetch(`${sb.url}/__sandbox/tralix/autofacturar`, {
      method: 'POST',
      body: JSON.stringify({ numeroTicket: 'T1', sucursal: 'S1' }),
    });
    // The CFDI list carries download links with the keyEmpresa in them (seed 000).
    const got = await cli([
      'tralix',
      'tickets',
      'get',
      '--ticket',
      'T1',
      '--sucursal',
      'S1',
      ...tralix,
      '--retries',
      '8',
    ]);
    expect(got.code).toBe(0);
    expect(got.stdout).toContain('/tralix/***/descargasCfdi?idCfdi=');
    runs.push(got);
    runs.push(await cli(['tralix', 'tickets', 'get', '--json', ...tralix, '--retries', '8']));
    runs.push(
      await cli([
        'facturav4',
        'orders',
        'list',
        '--base-url',
        sb.urls['facturav4-orders'],
        '--dry-run',
        '--json',
      ]),
    );
    runs.push(await cli(['facture', 'usuario', '--base-url', sb.urls.facture, '--retries', '8']));
    runs.push(
      await cli([
        'facture',
        'usuario',
        '--base-url',
        sb.urls.facture,
        '--accept',
        'xml',
        '--retries',
        '8',
        '--json',
      ]),
    );
    // Failures: a closed port, wrong credentials, a missing variable.
    runs.push(
      await cli(['tralix', 'tickets', 'get', '--base-url', 'http://127.0.0.1:9/tralix', '--retries', '0']),
    );
    runs.push(
      await cli(
        ['facture', 'usuario', '--base-url', sb.urls.facture],
        cleanEnv({ ...ENV, CFDI_LAYOUT_FACTURE_PASSWORD: 'not-the-pass' }),
      ),
    );
    const missing = await cli(
      ['facturav4', 'series', 'list', '--base-url', sb.urls['facturav4-series']],
      cleanEnv({}),
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('CFDI_LAYOUT_FACTURAV4_API_KEY');
    runs.push(missing);
    for (const [i, run] of runs.entries()) {
      expectNoSecrets(run.stdout, `stdout of run ${i}`);
      expectNoSecrets(run.stderr, `stderr of run ${i}`);
    }
    expectNoSecrets(readFileSync(journal, 'utf8'), 'journal');
  });

  it('exits 0 stored, 1 refused (listed), 2 usage or transport', async () => {
    sb = await sandbox({ credentials: CREDENTIALS });
    const work = dir();
    const orders = join(work, 'orders.jsonl');
    writeFileSync(orders, jsonl([order(1), order(2)]));
    const base = ['--base-url', sb.urls['facturav4-orders']];
    expect((await cli(['facturav4', 'orders', 'create', orders, ...base])).code).toBe(0);
    const conflict = join(work, 'conflict.jsonl');
    writeFileSync(conflict, jsonl([{ ...order(1), importe: '9.99' }]));
    const refused = await cli(['facturav4', 'orders', 'create', conflict, ...base, '--json']);
    expect(refused.code).toBe(1);
    const doc = JSON.parse(refused.stdout) as { ok: boolean; issues: Array<{ code: string; path: string }> };
    expect(doc.ok).toBe(false);
    expect(doc.issues[0]).toMatchObject({ code: 'PROVIDER_CONFLICT', path: '0.folio' });
    expect((await cli(['facturav4', 'orders', 'update', '--id', '1', ...base])).code).toBe(2);
    expect(
      (await cli(['facturav4', 'orders', 'get', '55101', '--base-url', 'http://example.com/api'])).code,
    ).toBe(2);
    const before = sb.state.stats.requests;
    const dry = await cli([
      'facturav4',
      'orders',
      'create',
      orders,
      ...base,
      '--dry-run',
      '--chunk-size',
      '1',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout.match(/^POST /gm)).toHaveLength(2);
    expect(dry.stdout).toContain('F-Api-Key: ***');
    expect(sb.state.stats.requests).toBe(before);
    const got = await cli(['facturav4', 'orders', 'get', '55101', ...base, '--json']);
    expect(JSON.parse(got.stdout).outputs.result).toMatchObject({ folio: '55101', importe: '101.00' });
  });

  it('runs the Tralix async flow and Facture timbrado from the command line', async () => {
    sb = await sandbox({ credentials: CREDENTIALS, asyncPolls: 2 });
    const work = dir();
    const layout = join(work, 'factura.txt');
    const text = renderLayout(
      LAYOUTS['tralix-40'],
      ticketComprobante({ numeroTicket: 'X1', monto: '58.00' }, SANDBOX_RECEPTOR, '2025-03-27T10:00:00'),
    ).text;
    writeFileSync(layout, text.replaceAll('\n', '\r\n'));
    const tralix = ['--base-url', sb.urls.tralix];
    const submitted = await cli([
      'tralix',
      'async',
      'submit',
      layout,
      '--id-tipo-cfd',
      'd18b',
      '--id-sucursal',
      '6ac9',
      '--wait',
      '--poll-interval',
      '5',
      ...tralix,
    ]);
    expect(submitted.code).toBe(0);
    const item = JSON.parse(submitted.stdout.trim()) as {
      result: { status: { uuid: string; state: string } };
    };
    expect(item.result.status.state).toBe('ALMACENADO');
    // Seed 002: records separated by \n, so the CRLF file arrives with LF.
    expect(Object.values(sb.state.tralix.async)[0]?.archivoFuente).toBe(text);
    const out = join(work, 'downloads');
    const downloaded = await cli([
      'tralix',
      'async',
      'download',
      '--uuid',
      item.result.status.uuid,
      '--representacion',
      'XML',
      '--out',
      out,
      ...tralix,
    ]);
    expect(downloaded.code).toBe(0);
    expect(readFileSync(downloaded.stdout.trim(), 'utf8')).toContain('SANDBOX-NO-FISCAL');

    const pre = join(work, 'pre.xml');
    writeFileSync(pre, preCfdi('F1'));
    const stamped = await cli([
      'facture',
      'timbrar',
      pre,
      '--sucursal',
      '1',
      '--out',
      join(work, 'timbrados'),
      '--base-url',
      sb.urls.facture,
    ]);
    expect(stamped.code).toBe(0);
    const result = JSON.parse(stamped.stdout.trim()) as { result: { uuid: string; path: string } };
    expect(readFileSync(result.result.path, 'utf8')).toContain(`UUID="${result.result.uuid}"`);
    const cancel = await cli([
      'facture',
      'cancelar',
      result.result.uuid,
      '--motivo',
      '01',
      '--base-url',
      sb.urls.facture,
    ]);
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toContain('folioSustitucion');
    expect(
      (
        await cli([
          'facture',
          'cancelar',
          result.result.uuid,
          '--motivo',
          '02',
          '--base-url',
          sb.urls.facture,
        ])
      ).code,
    ).toBe(0);
  });
});

async function waitForLines(path: string, lines: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      existsSync(path) &&
      readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '').length >= lines
    )
      return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`journal ${path} did not reach ${lines} lines`);
}

describe('kill -9 mid-batch, then rerun with the same journal', () => {
  it('orders: every folio stored exactly once, nothing stored twice or resent needlessly', async () => {
    sb = await sandbox({ credentials: CREDENTIALS, latencyMs: 15 });
    const work = dir();
    const file = join(work, 'orders.jsonl');
    const total = 40;
    writeFileSync(file, jsonl(Array.from({ length: total }, (_, i) => order(i))));
    const journal = join(work, 'journal.jsonl');
    const args = [
      'facturav4',
      'orders',
      'create',
      file,
      '--base-url',
      sb.urls['facturav4-orders'],
      '--journal',
      journal,
      '--chunk-size',
      '1',
      '--concurrency',
      '2',
    ];
    const first = start(args);
    await waitForLines(journal, 10, 20_000);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBeNull();
    const doneBefore = readFileSync(journal, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"stored"')).length;
    expect(doneBefore).toBeLessThan(total);
    const requestsBefore = sb.state.stats.requests;

    const rerun = await start(args).done;
    expect(rerun.code).toBe(0);
    const items = rerun.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string; resumed: boolean });
    expect(items).toHaveLength(total);
    expect(items.every((i) => i.status === 'stored')).toBe(true);
    expect(items.filter((i) => i.resumed).length).toBe(doneBefore);
    // Only what the journal had not recorded was sent again.
    expect(sb.state.stats.requests - requestsBefore).toBe(total - doneBefore);
    const folios = Object.values(sb.state.facturav4.facturamval?.orders ?? {}).map((o) => o.folio);
    expect(folios).toHaveLength(total);
    expect(new Set(folios).size).toBe(total);
  });

  it('tickets: every ticket stored once, resumed from the journal', async () => {
    sb = await sandbox({ credentials: CREDENTIALS, latencyMs: 15 });
    const work = dir();
    const file = join(work, 'tickets.jsonl');
    const total = 30;
    writeFileSync(file, jsonl(Array.from({ length: total }, (_, i) => ticket(i))));
    const journal = join(work, 'journal.jsonl');
    const args = [
      'tralix',
      'tickets',
      'put',
      file,
      '--base-url',
      sb.urls.tralix,
      '--journal',
      journal,
      '--concurrency',
      '3',
    ];
    const first = start(args);
    await waitForLines(journal, 6, 20_000);
    first.child.kill('SIGKILL');
    await first.done;
    const rerun = await start(args).done;
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/30 stored \(\d+ from the journal, not sent again\)/);
    const stored = Object.values(sb.state.tralix.tickets);
    expect(stored).toHaveLength(total);
    // A PUT in flight at the kill may be repeated; it stores the same ticket again, never a second one.
    expect(stored.reduce((n, t) => n + t.puts, 0)).toBeLessThanOrEqual(total + 3);
  });

  it('async submit: requests that may have reached Tralix are reported, never sent twice', async () => {
    sb = await sandbox({ credentials: CREDENTIALS, latencyMs: 20 });
    const work = dir();
    const file = join(work, 'async.jsonl');
    const total = 12;
    const bodies = Array.from({ length: total }, (_, i) => ({
      idTipoCfd: 't',
      idSucursal: 's',
      archivoFuente: renderLayout(
        LAYOUTS['tralix-40'],
        ticketComprobante({ numeroTicket: `K${i}`, monto: '11.60' }, SANDBOX_RECEPTOR, '2025-03-27T10:00:00'),
      ).text,
    }));
    writeFileSync(file, jsonl(bodies));
    const journal = join(work, 'journal.jsonl');
    const args = [
      'tralix',
      'async',
      'submit',
      file,
      '--base-url',
      sb.urls.tralix,
      '--journal',
      journal,
      '--concurrency',
      '2',
    ];
    const first = start(args);
    await waitForLines(journal, 6, 20_000);
    first.child.kill('SIGKILL');
    await first.done;
    const rerun = await start(args).done;
    const items = rerun.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string });
    expect(items).toHaveLength(total);
    expect(items.every((i) => i.status === 'stored' || i.status === 'unknown')).toBe(true);
    expect(rerun.code).toBe(items.some((i) => i.status === 'unknown') ? 1 : 0);
    const received = Object.values(sb.state.tralix.async).map((r) => r.archivoFuente);
    expect(new Set(received).size).toBe(received.length);
    expect(received.length).toBeGreaterThanOrEqual(items.filter((i) => i.status === 'stored').length);
  });
});

describe('cfdi-layout sandbox', () => {
  it('prints its base URLs, takes credentials from the environment without printing them, saves --state on SIGTERM', async () => {
    const state = join(dir(), 'state.json');
    const server = start(
      ['sandbox', '--port', '0', '--state', state, '--quiet'],
      cleanEnv({ CFDI_LAYOUT_TRALIX_KEY: CREDENTIALS.tralix.key }),
    );
    let printed = '';
    server.child.stdout?.on('data', (d: Buffer) => (printed += d.toString()));
    const deadline = Date.now() + 10_000;
    while (!printed.includes('export CFDI_LAYOUT_FACTURE_PASSWORD') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    const base = /--base-url (http:\/\/127\.0\.0\.1:\d+\/tralix)/.exec(printed)?.[1] ?? '';
    expect(base).not.toBe('');
    expect(printed).toContain('export CFDI_LAYOUT_TRALIX_USER=tepox');
    expect(printed).not.toContain('CFDI_LAYOUT_TRALIX_KEY');
    const file = join(dir(), 't.jsonl');
    writeFileSync(file, jsonl([ticket(1)]));
    const put = await cli(
      ['tralix', 'tickets', 'put', file, '--base-url', base],
      cleanEnv({ ...ENV, CFDI_LAYOUT_TRALIX_USER: 'tepox', CFDI_LAYOUT_TRALIX_PASSWORD: 'tepox' }),
    );
    expect(put.code).toBe(0);
    server.child.kill('SIGTERM');
    const stopped = await server.done;
    expect(stopped.code).toBe(0);
    expectNoSecrets(stopped.stdout + stopped.stderr, 'sandbox output');
    expect(JSON.parse(readFileSync(state, 'utf8')).tralix.tickets['S1/T1'].puts).toBe(1);
  });
});
