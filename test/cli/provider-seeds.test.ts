import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LAYOUTS, renderLayout } from '../../src/layouts/index.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.js';
import { DEFAULT_SANDBOX_CREDENTIALS, readZip } from '../../src/sandbox/index.js';
import { SANDBOX_RECEPTOR, ticketComprobante } from '../../src/sandbox/stamp.js';
import { putTickets, submitAsync, TralixTicketSchema } from '../../src/senders/tralix.js';
import { preCfdi, sandbox, ticket, tralixClient } from '../senders/helpers.js';
import { assertCliBuilt, CLI, runCli, runJson, scratchDir } from './run-cli.js';

/*
 * The provider commands where the seeds can be read two ways (seeds 000, 002, 003), run as the
 * built binary against the sandbox over loopback.
 */

const C = DEFAULT_SANDBOX_CREDENTIALS;

/** Every CFDI_LAYOUT_* variable emptied (an empty variable counts as unset), then the given ones. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const cleared: Record<string, string> = {};
  for (const name of Object.keys(process.env)) if (name.startsWith('CFDI_LAYOUT_')) cleared[name] = '';
  return { ...cleared, ...extra };
}

const TRALIX_ENV = {
  CFDI_LAYOUT_TRALIX_KEY: C.tralix.key,
  CFDI_LAYOUT_TRALIX_USER: C.tralix.user,
  CFDI_LAYOUT_TRALIX_PASSWORD: C.tralix.password,
};

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

beforeAll(() => assertCliBuilt());

async function withTicket(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = await sandbox(options);
  await putTickets(tralixClient(started), [TralixTicketSchema.parse(ticket(7))]);
  return started;
}

describe('tralix tickets expire: PUT or POST (seed 000)', () => {
  it('sends --method POST to a Tralix that only takes POST', async () => {
    sb = await withTicket({ tralixExpireMethods: ['POST'] });
    const before = sb.state.stats.requests;
    const run = await runCli(
      [
        'tralix',
        'tickets',
        'expire',
        '--ticket',
        'T7',
        '--sucursal',
        'S1',
        '--method',
        'POST',
        '--base-url',
        sb.urls.tralix,
      ],
      { env: env(TRALIX_ENV) },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Se expiro no_ticket: T7 sucursal : S1\n');
    expect(run.stderr).toBe('');
    expect(sb.state.stats.requests - before).toBe(1);
    expect(sb.state.tralix.tickets['S1/T7']?.expired).toBe(true);
  });

  it('falls back to the other method on 405, says so on stderr, and shows the method in --dry-run', async () => {
    sb = await withTicket({ tralixExpireMethods: ['POST'] });
    const args = ['tralix', 'tickets', 'expire', '--ticket', 'T7', '--sucursal', 'S1'];
    const base = ['--base-url', sb.urls.tralix];
    const run = await runCli([...args, ...base], { env: env(TRALIX_ENV) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Se expiro no_ticket: T7 sucursal : S1\n');
    expect(run.stderr).toContain('warning EXPIRE_METHOD_FALLBACK');
    expect(run.stderr).toContain('--method POST');
    const json = await runJson([...args, ...base], { env: env(TRALIX_ENV) });
    expect(json.doc.outputs).toMatchObject({ status: 'stored', attempts: 2 });
    const dry = await runCli([...args, ...base, '--method', 'POST', '--dry-run'], { env: env(TRALIX_ENV) });
    expect(dry.stdout).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/tralix\/\*\*\*\/expired$/m);
  });

  it('cfdi-layout sandbox --tralix-expire-method PUT answers 405 to POST', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'sandbox', '--port', '0', '--quiet', '--tralix-expire-method', 'PUT'],
      { env: { ...process.env, ...env(), NO_COLOR: '1' } },
    );
    try {
      let printed = '';
      child.stdout.on('data', (d: Buffer) => (printed += d.toString()));
      const deadline = Date.now() + 10_000;
      while (!/--base-url \S+\/tralix\n/.test(printed) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      const base = /--base-url (http:\/\/127\.0\.0\.1:\d+\/tralix)\n/.exec(printed)?.[1] ?? '';
      expect(base).not.toBe('');
      const basic = `Basic ${Buffer.from(`${C.tralix.user}:${C.tralix.password}`).toString('base64')}`;
      const expire = (method: string) =>
        fetch(`${base}/${C.tralix.key}/expired`, {
          method,
          headers: { authorization: basic },
          body: JSON.stringify({ noTicket: 'T1', sucursal: 'S1' }),
        });
      const post = await expire('POST');
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('PUT');
      expect((await expire('PUT')).status).toBe(400);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
  });
});

describe('Tralix credentials: the tickets {Token} and a raw Basic {Token} (seed 000)', () => {
  const token = 'TOKq41tickets';
  const basic = Buffer.from('usr-w8q:pw-Kx2').toString('base64');
  const credentials = {
    ...C,
    tralix: { key: 'KEYm52empresa', token, user: 'usr-w8q', password: 'pw-Kx2' },
  };
  const secrets = [token, basic, 'KEYm52empresa', 'usr-w8q', 'pw-Kx2'];
  const noLeak = (text: string) => {
    for (const s of secrets) expect(text.includes(s), `output contains ${s.slice(0, 3)}…`).toBe(false);
  };

  it('puts with CFDI_LAYOUT_TRALIX_TOKEN and CFDI_LAYOUT_TRALIX_BASIC, no user or password, nothing printed', async () => {
    sb = await sandbox({ credentials });
    const vars = env({
      CFDI_LAYOUT_TRALIX_KEY: 'KEYm52empresa',
      CFDI_LAYOUT_TRALIX_TOKEN: token,
      CFDI_LAYOUT_TRALIX_BASIC: `Basic ${basic}`,
    });
    const base = ['--base-url', sb.urls.tralix];
    const put = await runCli(['tralix', 'tickets', 'put', '-', ...base], {
      env: vars,
      input: JSON.stringify(ticket(3)),
    });
    expect(put.code, put.stderr).toBe(0);
    expect(sb.state.tralix.tickets['S1/T3']?.puts).toBe(1);
    const got = await runCli(['tralix', 'tickets', 'get', '--ticket', 'T3', '--sucursal', 'S1', ...base], {
      env: vars,
    });
    expect(got.code, got.stderr).toBe(0);
    expect(got.stderr).toContain('aun no genera cfdi');
    const dry = await runCli(['tralix', 'tickets', 'put', '-', ...base, '--dry-run'], {
      env: vars,
      input: JSON.stringify(ticket(3)),
    });
    expect(dry.stdout).toContain('authorization: ***');
    expect(dry.stderr).not.toContain('is not set');
    for (const run of [put, got, dry]) noLeak(run.stdout + run.stderr);
  });

  it('without CFDI_LAYOUT_TRALIX_TOKEN the tickets URL carries the key; a malformed Basic is SECRET_INVALID', async () => {
    sb = await sandbox();
    const put = await runCli(['tralix', 'tickets', 'put', '-', '--base-url', sb.urls.tralix], {
      env: env({ CFDI_LAYOUT_TRALIX_KEY: C.tralix.key, CFDI_LAYOUT_TRALIX_BASIC: 'dGVwb3g6dGVwb3g=' }),
      input: JSON.stringify(ticket(4)),
    });
    expect(put.code, put.stderr).toBe(0);
    const bad = await runCli(['tralix', 'tickets', 'get', '--base-url', sb.urls.tralix], {
      env: env({ CFDI_LAYOUT_TRALIX_KEY: C.tralix.key, CFDI_LAYOUT_TRALIX_BASIC: 'tepox:tep ox' }),
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error SECRET_INVALID: CFDI_LAYOUT_TRALIX_BASIC must be');
    expect(bad.stderr).not.toContain('tep ox');
  });
});

describe('tralix async download without --uuid (seed 002 example #1)', () => {
  const archivoFuente = (n: string) =>
    renderLayout(
      LAYOUTS['tralix-40'],
      ticketComprobante({ numeroTicket: n, monto: '58.00' }, SANDBOX_RECEPTOR, '2025-03-27T10:00:00'),
    ).text;

  it('downloads every CFDI in the representacion, and exits 1 with the seed text when there is none', async () => {
    sb = await sandbox({ asyncPolls: 1 });
    const scratch = scratchDir('download');
    try {
      const args = ['tralix', 'async', 'download', '--representacion', 'XML', '--out', scratch.dir];
      const base = ['--base-url', sb.urls.tralix];
      const vars = env({ CFDI_LAYOUT_TRALIX_KEY: C.tralix.key });
      const none = await runCli([...args, ...base], { env: vars });
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('No Content - No existen CFDI');
      const report = await submitAsync(
        tralixClient(sb),
        ['W1', 'W2'].map((n) => ({ idTipoCfd: 't', idSucursal: 's', archivoFuente: archivoFuente(n) })),
        { wait: { intervalMs: 1, maxIntervalMs: 2, timeoutMs: 5_000 } },
      );
      const uuids = report.outcomes.map((o) => o.result?.status?.uuid ?? '');
      const dry = await runCli([...args, ...base, '--dry-run'], { env: vars });
      expect(dry.stdout).toMatch(
        /^GET http:\/\/127\.0\.0\.1:\d+\/tralix\/\*\*\*\/descargasCfdiAsync\?representacion=XML$/m,
      );
      const all = await runJson([...args, ...base], { env: vars });
      expect(all.code, all.stderr).toBe(0);
      expect(all.doc.outputs).toMatchObject({
        status: 'answered',
        result: { filename: 'cfdis.zip', contentType: 'application/zip' },
      });
      const zip = readFileSync(join(scratch.dir, 'cfdis.zip'));
      expect(readZip(new Uint8Array(zip)).map((e) => e.name)).toEqual(uuids.map((u) => `${u}.xml`));
    } finally {
      scratch.cleanup();
    }
  });
});

describe('facture cancelar and acuse (seed 003): Sucursal from the config, the acuse UUID in the query or the path', () => {
  const FACTURE_ENV = {
    CFDI_LAYOUT_FACTURE_USER: C.facture.user,
    CFDI_LAYOUT_FACTURE_PASSWORD: C.facture.password,
  };

  it('sends providers.facture.sucursal (or --sucursal) as Sucursal, and needs the SAT motivo', async () => {
    sb = await sandbox();
    const scratch = scratchDir('cancel');
    try {
      const config = (sucursal: string) =>
        scratch.file(
          `config-${sucursal}.json`,
          JSON.stringify({ providers: { facture: { baseUrl: sb?.urls.facture, sucursal } } }),
        );
      const vars = env(FACTURE_ENV);
      const pre = scratch.file('pre.xml', preCfdi('Q1'));
      const stamped = await runCli(
        ['facture', 'timbrar', pre, '--out', join(scratch.dir, 'out'), '--config', config('1')],
        { env: vars },
      );
      expect(stamped.code, stamped.stderr).toBe(0);
      const uuid = (JSON.parse(stamped.stdout.trim()) as { result: { uuid: string } }).result.uuid;
      const cancel = ['facture', 'cancelar', uuid, '--motivo', '02'];
      const dry = await runCli([...cancel, '--config', config('1'), '--dry-run'], { env: vars });
      expect(dry.stdout).toMatch(/^GET \S+\/rest\/cancelacion\/produccion\/\?uuid=[0-9A-F-]+&motivo=02$/m);
      expect(dry.stdout).toContain('Sucursal: 1');
      const wrong = await runCli([...cancel, '--config', config('99')], { env: vars });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('La sucursal 99 no existe o no está activa');
      const overridden = await runJson([...cancel, '--config', config('99'), '--sucursal', '1'], {
        env: vars,
      });
      expect(overridden.code, overridden.stderr).toBe(0);
      expect(overridden.doc.outputs).toMatchObject({ status: 'stored', result: { codigo: '201' } });
      const noMotivo = await runCli(['facture', 'cancelar', uuid, '--config', config('1')], { env: vars });
      expect(noMotivo.code).toBe(2);
      expect(noMotivo.stderr).toContain('motivo');
      for (const form of ['query', 'path']) {
        const acuse = await runCli(['facture', 'acuse', uuid, '--uuid-in', form, '--config', config('1')], {
          env: vars,
        });
        expect(acuse.code, acuse.stderr).toBe(0);
        expect(acuse.stdout).toContain(
          `<UUID>${uuid}</UUID><EstatusUUID>201</EstatusUUID><Motivo>02</Motivo>`,
        );
        const dryAcuse = await runCli(
          ['facture', 'acuse', uuid, '--uuid-in', form, '--config', config('1'), '--dry-run'],
          { env: vars },
        );
        expect(dryAcuse.stdout.split('\n')[0]).toMatch(
          form === 'path'
            ? /\/rest\/cancelacion\/acuse\/[0-9A-F-]{36}$/
            : /\/rest\/cancelacion\/acuse\/\?uuid=[0-9A-F-]{36}$/,
        );
      }
    } finally {
      scratch.cleanup();
    }
  });
});

describe('cfdi-layout sandbox with a separate tickets token', () => {
  it('takes CFDI_LAYOUT_TRALIX_TOKEN and CFDI_LAYOUT_TRALIX_BASIC from the environment without printing them', async () => {
    const token = 'TOKsandbox77';
    const basic = Buffer.from('usr-sb9:pw-sb9').toString('base64');
    const vars = env({
      CFDI_LAYOUT_TRALIX_KEY: C.tralix.key,
      CFDI_LAYOUT_TRALIX_TOKEN: token,
      CFDI_LAYOUT_TRALIX_BASIC: basic,
    });
    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--quiet'], {
      env: { ...process.env, ...vars, NO_COLOR: '1' },
    });
    try {
      let printed = '';
      child.stdout.on('data', (d: Buffer) => (printed += d.toString()));
      const deadline = Date.now() + 10_000;
      while (!printed.includes('export CFDI_LAYOUT_FACTURE_PASSWORD') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      const base = /--base-url (http:\/\/127\.0\.0\.1:\d+\/tralix)\n/.exec(printed)?.[1] ?? '';
      expect(base).not.toBe('');
      for (const secret of [token, basic, 'usr-sb9', 'pw-sb9']) expect(printed).not.toContain(secret);
      expect(printed).not.toContain('CFDI_LAYOUT_TRALIX_USER');
      const put = await runCli(['tralix', 'tickets', 'put', '-', '--base-url', base], {
        env: vars,
        input: JSON.stringify(ticket(5)),
      });
      expect(put.code, put.stderr).toBe(0);
      const keyOnly = await runCli(['tralix', 'tickets', 'put', '-', '--base-url', base], {
        env: { ...vars, CFDI_LAYOUT_TRALIX_TOKEN: '' },
        input: JSON.stringify(ticket(6)),
      });
      expect(keyOnly.code).toBe(1);
      expect(keyOnly.stderr).toContain('No existe la keyEmpresa');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
  });

  it('a dry run without any Tralix variable names what a real run needs', async () => {
    const dry = await runCli(['tralix', 'tickets', 'put', '-', '--host', 'local', '--dry-run'], {
      env: env(),
      input: JSON.stringify(ticket(1)),
    });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('note: CFDI_LAYOUT_TRALIX_TOKEN (or CFDI_LAYOUT_TRALIX_KEY) is not set');
    expect(dry.stderr).toContain('note: CFDI_LAYOUT_TRALIX_USER (or CFDI_LAYOUT_TRALIX_BASIC) is not set');
  });
});
