import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pagos } from '../../src/model/pagos.js';
import { buildReps, buildRepsOnThread, type RepItem, type RepThreadItem } from '../../src/payments/index.js';
import { PAYMENT_COLUMN_SET, parseSalesConfig, readSalesRecords } from '../../src/sales/index.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { readZip } from '../bundle/unzip.js';
import { assertCliBuilt, ROOT, runCli } from '../cli/run-cli.js';
import { cadena, kitAvailable, validateXsd } from '../helpers/kit.js';
import { pagosFacts } from '../pagos/generators.js';

/*
 * Payments export → REPs: the library's buildReps over exports written here (random payments and
 * one-mistake rows), and the real binary over samples/sales/pagos.csv with every output read back
 * (XML through SAT's XSD and the kit's cadena, ZIPs unpacked, rejects parsed). Rows in = rows of
 * written REPs + rows of rejects.
 */

const CONFIG = parseSalesConfig({
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  lugarExpedicion: '42501',
  serie: 'X',
});

const HEADER = [
  'pago',
  'fechaPago',
  'formaDePagoP',
  'monedaP',
  'tipoCambioP',
  'monto',
  'receptorRfc',
  'receptorNombre',
  'receptorDomicilioFiscal',
  'receptorRegimenFiscal',
  'idDocumento',
  'monedaDR',
  'equivalenciaDR',
  'numParcialidad',
  'impSaldoAnt',
  'impPagado',
  'iva',
  'retencionIsr',
];
const RECEPTOR = ['URE180429TM6', 'UNIVERSIDAD ROBOTICA ESPAÑOLA', '86991', '601'];

type Row = Partial<Record<(typeof HEADER)[number], string>>;

function csv(rows: readonly Row[]): string {
  return `${[HEADER.join(','), ...rows.map((r) => HEADER.map((h) => r[h] ?? '').join(','))].join('\n')}\n`;
}

function row(
  pago: string,
  uuid: string,
  parcialidad: string,
  saldo: string,
  pagado: string,
  more: Row = {},
): Row {
  const [rfc, nombre, cp, regimen] = RECEPTOR;
  return {
    pago,
    fechaPago: '2026-11-10T10:00:00',
    formaDePagoP: '03',
    monedaP: 'MXN',
    receptorRfc: rfc,
    receptorNombre: nombre,
    receptorDomicilioFiscal: cp,
    receptorRegimenFiscal: regimen,
    idDocumento: uuid,
    numParcialidad: parcialidad,
    impSaldoAnt: saldo,
    impPagado: pagado,
    iva: '16',
    ...more,
  };
}

async function build(
  text: string,
  validation: 'fast' | 'full' = 'fast',
): Promise<{ items: RepItem[]; rows: number }> {
  const stats = { rows: 0 };
  const records = readSalesRecords(
    (async function* () {
      yield text;
    })(),
    { columnSet: PAYMENT_COLUMN_SET },
  );
  const items: RepItem[] = [];
  for await (const item of buildReps(records, CONFIG, { stats, validation })) items.push(item);
  return { items, rows: stats.rows };
}

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('buildReps on random payments exports', () => {
  it('writes one REP per payment whose DRs are the rows, saldos reconciled, every row accounted for (property)', async () => {
    await fc.assert(
      fc.asyncProperty(pagosFacts(), async (facts) => {
        // The generator's facts as export rows: one row per payment × DR, IVA and ISR as percentages.
        const rows: Row[] = facts.pago.flatMap((p, i) =>
          p.doctoRelacionado.map((d, j) => {
            const iva = d.traslados?.find((t) => t.impuesto === '002');
            const isr = d.retenciones?.find((t) => t.impuesto === '001');
            const percent = (tasa: string | undefined) =>
              tasa === undefined ? '' : new Decimal(tasa).times(100).toFixed();
            return row(`P${i}`, uuid(i * 10 + j), d.numParcialidad, d.impSaldoAnt, d.impPagado, {
              monedaP: p.monedaP,
              tipoCambioP: p.tipoCambioP ?? '',
              monedaDR: d.monedaDR,
              equivalenciaDR: d.equivalenciaDR ?? '',
              iva: iva === undefined ? '' : iva.tipoFactor === 'Exento' ? 'exento' : percent(iva.tasaOCuota),
              retencionIsr: percent(isr?.tasaOCuota),
            });
          }),
        );
        const { items, rows: read } = await build(csv(rows));
        // The fast rules level decides as every offline rule does on what buildReps computed.
        expect(JSON.stringify((await build(csv(rows), 'full')).items)).toBe(JSON.stringify(items));
        expect(read).toBe(rows.length);
        expect(items).toHaveLength(facts.pago.length);
        let accounted = 0;
        items.forEach((item, i) => {
          // Facts computePagos accepts make an export buildReps accepts: nothing is rejected.
          if (item.kind === 'reject') throw new Error(JSON.stringify(item.reject));
          const rep = item.value;
          accounted += rep.rows.length;
          expect(rep.folio).toBe(`P${i}`);
          const complemento = rep.comprobante.complemento?.[0];
          const pagos = (complemento as { pagos: Pagos }).pagos;
          const drs = pagos.pago[0]?.doctoRelacionado ?? [];
          expect(drs.map((d) => [d.idDocumento, d.impSaldoAnt, d.impPagado])).toEqual(
            rows.filter((r) => r.pago === `P${i}`).map((r) => [r.idDocumento, r.impSaldoAnt, r.impPagado]),
          );
          for (const d of drs)
            expect(new Decimal(d.impSaldoAnt).minus(d.impPagado).equals(d.impSaldoInsoluto)).toBe(true);
          expect(parseComprobante(rep.text)).toEqual(rep.comprobante);
        });
        expect(accounted).toBe(rows.length);
      }),
      { numRuns: 40 },
    );
  });

  it.skipIf(!kitAvailable)('REPs built from an export pass SAT’s XSD and have the kit’s cadena', async () => {
    const rows = [
      row('A', uuid(1), '1', '1160.00', '580.00'),
      row('A', uuid(2), '3', '2320.00', '1000.00', { retencionIsr: '10' }),
      row('B', uuid(1), '2', '580.00', '580.00', { fechaPago: '2026-11-12T10:00:00' }),
    ];
    const { items } = await build(csv(rows));
    for (const item of items) {
      if (item.kind !== 'output') throw new Error(JSON.stringify(item.reject));
      const xsd = validateXsd(item.value.text, true);
      expect(xsd.ok, xsd.output).toBe(true);
      expect(cadena(item.value.text)).toContain('|84111506|1|ACT|Pago|0|0|01|2.0|');
    }
  });
});

describe('buildReps rejects a payment for its mistake, and builds the rest', () => {
  const mistakes: Array<[string, Row[], string]> = [
    ['PAYMENTS_UUID_INVALID', [row('M', 'F-123', '1', '100.00', '50.00')], 'idDocumento'],
    ['CRP20244', [row('M', uuid(9), '1', '100.00', '150.00')], 'impPagado'],
    [
      'CRP20214',
      [row('M', uuid(9), '1', '100.00', '50.00', { monedaP: 'USD', monedaDR: 'USD' })],
      'tipoCambioP',
    ],
    [
      'CRP20237',
      [row('M', uuid(9), '1', '100.00', '50.00', { monedaP: 'USD', tipoCambioP: '18.5', monedaDR: 'MXN' })],
      'equivalenciaDR',
    ],
    ['PAYMENTS_RATE_INVALID', [row('M', uuid(9), '1', '100.00', '50.00', { iva: 'dieciseis' })], 'iva'],
    [
      'PAYMENTS_PARCIALIDAD_REPEATED',
      [row('K', uuid(7), '1', '300.00', '100.00'), row('M', uuid(7), '1', '300.00', '100.00')],
      'numParcialidad',
    ],
    [
      'PAYMENTS_SALDO_CHAIN',
      [
        row('K', uuid(7), '1', '300.00', '100.00'),
        row('M', uuid(7), '2', '250.00', '100.00', { fechaPago: '2026-11-20T10:00:00' }),
      ],
      'impSaldoAnt',
    ],
    [
      'PAYMENTS_PARCIALIDAD_ORDER',
      [
        row('K', uuid(7), '1', '300.00', '100.00', { fechaPago: '2026-11-20T10:00:00' }),
        row('M', uuid(7), '2', '200.00', '100.00', { fechaPago: '2026-11-01T10:00:00' }),
      ],
      'numParcialidad',
    ],
    [
      'PAYMENTS_GROUP_INCONSISTENT',
      [
        row('M', uuid(5), '1', '300.00', '100.00'),
        row('M', uuid(6), '1', '300.00', '100.00', { formaDePagoP: '02' }),
      ],
      'formaDePagoP',
    ],
    [
      'PAYMENTS_DOCTO_REPEATED',
      [row('M', uuid(5), '1', '300.00', '100.00'), row('M', uuid(5), '2', '200.00', '100.00')],
      'idDocumento',
    ],
    // Mistakes only the rules layer sees (the row reader passes these texts through).
    ['CRP20212', [row('M', uuid(9), '1', '100.00', '50.00', { formaDePagoP: '99' })], 'formaDePagoP'],
    [
      'XSD_PATTERN',
      [row('M', uuid(9), '1', '100.00', '50.00', { receptorDomicilioFiscal: '8699A' })],
      'receptor.domicilioFiscalReceptor',
    ],
    [
      'CFDI40157',
      [row('M', uuid(9), '1', '100.00', '50.00', { receptorRegimenFiscal: '699' })],
      'receptor.regimenFiscalReceptor',
    ],
    ['XSD_LENGTH', [{ ...row('M', uuid(9), '1', '100.00', '50.00'), pago: 'M'.repeat(41) }], 'folio'],
  ];
  it.each(
    mistakes.flatMap((m) => (['fast', 'full'] as const).map((level) => [m[0], level, m[1], m[2]] as const)),
  )('%s (%s rules)', async (code, level, bad, field) => {
    const good = row('G', uuid(100), '1', '1000.00', '400.00');
    const { items } = await build(csv([good, ...bad]), level);
    const rejected = items.filter((i) => i.kind === 'reject');
    expect(rejected).toHaveLength(1);
    const [reject] = rejected.map((i) => (i.kind === 'reject' ? i.reject : undefined));
    expect(reject?.issues.map((i) => [i.code, i.field])).toContainEqual([code, field]);
    expect(reject?.ticket).toBe(bad.at(-1)?.pago);
    expect(
      items.filter((i) => i.kind === 'output').map((i) => (i.kind === 'output' ? i.value.folio : '')),
    ).toEqual(bad.some((r) => r.pago === 'K') ? ['G', 'K'] : ['G']);
  });
});

describe.skipIf(!kitAvailable)('build --to pagos-xml | pagos-layout | pagos-zip (CLI)', () => {
  beforeAll(assertCliBuilt);
  const SAMPLE = join(ROOT, 'samples/sales/pagos.csv');
  const SAMPLE_CONFIG = join(ROOT, 'samples/sales/cfdi-layout.config.json');

  it('the sample export: 3 REPs valid against SAT’s XSD and our validate, 2 payments rejected with their codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfdi-pagos-cli-'));
    const run = await runCli([
      'build',
      SAMPLE,
      '--config',
      SAMPLE_CONFIG,
      '--to',
      'pagos-xml',
      '--out',
      join(dir, 'reps'),
      '--rejects',
      join(dir, 'rejects.jsonl'),
    ]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('read 6 rows, 5 payments: 3 REPs written, 2 rejected');
    const names = readdirSync(join(dir, 'reps')).sort();
    expect(names).toEqual(['P-1.xml', 'P-2.xml', 'P-USD-0007.xml']);
    const files = names.map((n) => join(dir, 'reps', n));
    for (const file of files) {
      const xsd = validateXsd(readFileSync(file, 'utf8'), true);
      expect(xsd.ok, xsd.output).toBe(true);
    }
    expect((await runCli(['validate', ...files])).code).toBe(0);
    const rejects = readFileSync(join(dir, 'rejects.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { code: string; field: string; rows: number[] });
    expect(rejects.map((r) => [r.code, r.field, r.rows])).toEqual([
      ['PAYMENTS_UUID_INVALID', 'idDocumento', [6]],
      ['CRP20244', 'impPagado', [7]],
    ]);
    const usd = parseComprobante(readFileSync(join(dir, 'reps', 'P-USD-0007.xml')));
    const [item] = usd.complemento ?? [];
    expect(item !== undefined && 'pagos' in item ? item.pagos.totales.montoTotalPagos : undefined).toBe(
      '10076.70',
    );

    const layout = await runCli([
      'build',
      SAMPLE,
      '--config',
      SAMPLE_CONFIG,
      '--to',
      'pagos-layout',
      '--out',
      join(dir, 'layouts'),
    ]);
    expect(layout.code, layout.stderr).toBe(1);
    // Without --rejects, each rejected payment is a line on stderr that names it and its rows.
    expect(layout.stderr).toMatch(
      /^reject payment XIA190128J61 2026-11-25T12:00:00 02 MXN, row 6: PAYMENTS_UUID_INVALID idDocumento: /m,
    );
    expect(layout.stderr).not.toContain('ticket');
    for (const name of names) {
      // The tralix-40 text of each REP reads back as the same REP: the cadena of the XML built directly.
      const txt = join(dir, 'layouts', name.replace(/\.xml$/, '.txt'));
      const back = await runCli(['convert', txt, '--from', 'layout', '--layout', 'tralix-40', '--to', 'xml']);
      expect(back.code, back.stderr).toBe(0);
      expect(cadena(back.stdout)).toBe(cadena(readFileSync(join(dir, 'reps', name), 'utf8')));
    }

    const zip = await runCli([
      'build',
      SAMPLE,
      '--config',
      SAMPLE_CONFIG,
      '--to',
      'pagos-zip',
      '--out',
      join(dir, 'reps.zip'),
      '--json',
    ]);
    expect(zip.code).toBe(1);
    const out = JSON.parse(zip.stdout) as { outputs: { zips: string[]; written: number; rejected: number } };
    expect([out.outputs.written, out.outputs.rejected]).toEqual([3, 2]);
    const entries = readZip(readFileSync(out.outputs.zips[0] as string));
    expect(entries.map((e) => e.name)).toEqual(names);
    for (const e of entries) expect(e.content.equals(readFileSync(join(dir, 'reps', e.name)))).toBe(true);
  });
});

describe('buildRepsOnThread', () => {
  beforeAll(assertCliBuilt);
  /** 400 payments of 1 to 3 invoices, every seventh one broken, amounts that do not repeat. */
  function exportRows(): Row[] {
    const rows: Row[] = [];
    for (let p = 0; p < 400; p++) {
      for (let d = 0; d < 1 + (p % 3); d++) {
        const saldo = 100_000 + ((p * 7919 + d * 104_729) % 9_000_000);
        const pagado = 1 + ((p * 31 + d * 17) % saldo);
        const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        rows.push(
          row(`T${p}`, uuid(p * 10 + d), '1', money(saldo), p % 7 === 3 ? money(saldo + 1) : money(pagado), {
            ...(d === 1 ? { retencionIsr: '10' } : {}),
            ...(p % 5 === 0 ? { iva: '8' } : {}),
          }),
        );
      }
    }
    return rows;
  }

  it('yields what buildReps yields over the same file, in order, rejects included, without the comprobante', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfdi-reps-thread-'));
    const file = join(dir, 'pagos.csv');
    const text = csv(exportRows());
    writeFileSync(file, text);
    const { items, rows } = await build(text);
    const stats = { rows: 0 };
    const threaded: RepThreadItem[] = [];
    for await (const item of buildRepsOnThread(createReadStream(file), CONFIG, { stats }))
      threaded.push(item);
    const expected = items.map((item) => {
      if (item.kind === 'reject') return item;
      const { comprobante: _c, text, ...value } = item.value;
      const content = new TextEncoder().encode(text);
      return {
        kind: 'output',
        value: { ...value, content, sha256: createHash('sha256').update(content).digest('hex') },
      };
    });
    expect(items.filter((i) => i.kind === 'reject').length).toBeGreaterThan(40);
    expect(threaded).toEqual(expected);
    expect(stats.rows).toBe(rows);
  });

  it('ends with the error of the bytes it is given, and with a reader error at its row', async () => {
    const missing = join(tmpdir(), 'cfdi-reps-thread-missing.csv');
    await expect(async () => {
      for await (const _ of buildRepsOnThread(createReadStream(missing), CONFIG)) break;
    }).rejects.toMatchObject({ code: 'ENOENT' });
    const header = (async function* () {
      yield new TextEncoder().encode('no,payment,columns\n1,2,3\n');
    })();
    await expect(async () => {
      for await (const _ of buildRepsOnThread(header, CONFIG)) break;
    }).rejects.toMatchObject({ code: 'SALES_HEADER_INVALID' });
  });

  it.skipIf(!kitAvailable)(
    'build --to pagos-zip writes the same ZIP on one thread and on two (--jobs 0 | 1)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cfdi-reps-jobs-'));
      const file = join(dir, 'pagos.csv');
      writeFileSync(file, csv(exportRows()));
      writeFileSync(join(dir, 'cfdi-layout.config.json'), JSON.stringify(CONFIG));
      const runs = [];
      for (const jobs of ['0', '1']) {
        runs.push(
          await runCli(
            [
              'build',
              file,
              '--to',
              'pagos-zip',
              '--out',
              join(dir, `reps-${jobs}.zip`),
              '--jobs',
              jobs,
              '--json',
            ],
            { cwd: dir },
          ),
        );
      }
      const [one, two] = runs as [Awaited<ReturnType<typeof runCli>>, Awaited<ReturnType<typeof runCli>>];
      expect(one.code, one.stderr).toBe(1);
      expect(two.code, two.stderr).toBe(1);
      expect(two.stderr).toBe(one.stderr);
      const threads = (run: { stdout: string }) =>
        (JSON.parse(run.stdout) as { outputs: { threads: number } }).outputs.threads;
      expect([threads(one), threads(two)]).toEqual([0, 1]);
      expect(readFileSync(join(dir, 'reps-1.zip')).equals(readFileSync(join(dir, 'reps-0.zip')))).toBe(true);
      expect(readZip(readFileSync(join(dir, 'reps-1.zip'))).length).toBeGreaterThan(300);
    },
  );
});
