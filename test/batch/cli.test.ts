import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUTS, parseLayout } from '../../src/layouts/index.js';
import { sum } from '../../src/money.js';
import { validateComprobante } from '../../src/rules/index.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { readZip } from '../bundle/unzip.js';
import { kitAvailable, validateXsd } from '../helpers/kit.js';

/*
 * End-to-end: the built binary (`npm run build` first) over the sample export and generated ones;
 * every output is read back (JSON parsed, XML checked against the SAT rules and the XSD, ZIPs
 * unpacked) and the counts must reconcile: tickets in = written + rejected (+ skipped).
 */

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const SAMPLE = join(ROOT, 'samples/sales/ventas.csv');
const CONFIG = join(ROOT, 'samples/sales/cfdi-layout.config.json');

function run(args: string[], options: { input?: string | Buffer; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 << 20,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'cfdi-layout-cli-'));
}

function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** The sample's tickets (ticket → importes), read straight from the CSV for reconciliation. */
function sampleTickets(): Map<string, string[]> {
  const lines = readFileSync(SAMPLE, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .slice(1);
  const map = new Map<string, string[]>();
  for (const line of lines) {
    const cells = line.split(';');
    const key = `${cells[1]}/${cells[0]}`;
    map.set(key, [...(map.get(key) ?? []), cells[3] as string]);
  }
  return map;
}

interface Reject {
  ticket: string | null;
  sucursal: string;
  rows: number[];
  row: number | null;
  field: string;
  code: string;
  message: string;
  issues: unknown[];
}

const SAMPLE_REJECTS = [
  ['A-1006', [13], 'fecha', 'SALES_FECHA_INVALID'],
  ['H-2005', [21], 'importe', 'SALES_IMPORTE_INVALID'],
  ['T-3004', [29], 'formaPago', 'SALES_FORMA_PAGO_UNKNOWN'],
];

describe('cfdi-layout build (sample export)', () => {
  it('tralix-tickets: one PUT body per ticket, monto = Σ importes, rejects with rows, exit 1, counts reconcile', () => {
    const dir = temp();
    const out = join(dir, 'tickets.jsonl');
    const rejects = join(dir, 'rejects.jsonl');
    const r = run([
      'build',
      SAMPLE,
      '--to',
      'tralix-tickets',
      '--config',
      CONFIG,
      '--out',
      out,
      '--rejects',
      rejects,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('read 35 rows, 21 tickets: 18 written, 3 rejected');
    const bodies = jsonLines<{
      fecha: string;
      insumo: string;
      monto: number;
      numeroTicket: string;
      sucursal: string;
    }>(readFileSync(out, 'utf8'));
    const rejected = jsonLines<Reject>(readFileSync(rejects, 'utf8'));
    expect(rejected.map((x) => [x.ticket, x.rows, x.field, x.code])).toEqual(SAMPLE_REJECTS);
    expect(rejected.every((x) => x.message.length > 10)).toBe(true);
    const all = sampleTickets();
    expect(bodies.length + rejected.length).toBe(all.size);
    const ids: Record<string, string> = {
      '0dd6aebbea85662fd2fe2f76ce4258b3': 'CENTRO',
      '62bad600d3acc04aaec64d0712ea02c4': 'PLAYA',
      '6ac9a2c315480d5cc5534c7e58caee5a': 'TIJUANA',
    };
    for (const body of bodies) {
      const importes = all.get(`${ids[body.sucursal]}/${body.numeroTicket}`) as string[];
      // The monto literal in the JSON line is the exact decimal sum of the ticket's lines.
      const literal = new RegExp(`"monto":${sum(importes).toFixed(2).replace('.', '\\.')},`);
      expect(readFileSync(out, 'utf8')).toMatch(literal);
      expect(body.fecha).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      expect(body.insumo.startsWith('00|CFD33BASE|QA|4.0|\n01|VTA|')).toBe(true);
    }
    // A-1003's late row (the last line of the file) joined its ticket: the export is not sorted.
    const a1003 = bodies.find((b) => b.numeroTicket === 'A-1003');
    expect(a1003?.monto).toBe(1800);
    expect(a1003?.insumo).toContain('Postre de la casa');
  });

  it('writes to stdout by default, diagnostics and no progress bar on stderr when piped', () => {
    const r = run(['build', SAMPLE, '--to', 'tralix-tickets', '--config', CONFIG]);
    expect(jsonLines(r.stdout)).toHaveLength(18);
    const diagnostics = r.stderr.trim().split('\n');
    expect(diagnostics.filter((l) => l.startsWith('reject '))).toHaveLength(3);
    expect(diagnostics.at(-1)).toContain('build tralix-tickets: read 35 rows');
    expect(r.stderr).not.toMatch(/rows\/s/);
  });

  it('orders: JSON arrays for POST /multiple, one file per batch in a folder', () => {
    const dir = temp();
    const split = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, Record<string, unknown>>;
    writeFileSync(
      split,
      JSON.stringify({ ...config, orders: { ...config.orders, splitMixedRates: true, batchSize: 5 } }),
    );
    const r = run([
      'build',
      SAMPLE,
      '--to',
      'orders',
      '--config',
      split,
      '--out',
      join(dir, 'orders'),
      '--json',
    ]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      outputs: { files: string[]; tickets: number; written: number; rejected: number };
    };
    expect(doc.ok).toBe(false);
    expect(doc.outputs.tickets).toBe(doc.outputs.written + doc.outputs.rejected);
    const batches = doc.outputs.files.map(
      (f) => JSON.parse(readFileSync(f, 'utf8')) as Array<Record<string, unknown>>,
    );
    const orders = batches.flat();
    expect(doc.outputs.files.map((f) => f.split('/').pop())).toEqual(
      batches.map((_, i) => `orders-000${i + 1}.json`),
    );
    expect(batches.map((b) => b.length)).toEqual([
      ...Array(batches.length - 1).fill(5),
      orders.length - 5 * (batches.length - 1),
    ]);
    expect(Object.keys(orders[0] ?? {})).toEqual([
      'vencimiento',
      'folio',
      'importe',
      'fecha',
      'iva',
      'formaDePago',
      'ish',
      'tag',
      'objetoImpuesto',
    ]);
    expect(orders.filter((o) => String(o.folio).startsWith('H-2001'))).toEqual([
      expect.objectContaining({ folio: 'H-2001-1', importe: 4760, iva: '16', ish: 3, tag: 'TIENDA' }),
      expect.objectContaining({ folio: 'H-2001-2', importe: 320, iva: '16', ish: 0 }),
    ]);
  });

  it('xml and layout: one document per nominative ticket, each valid; zip: the same XML bundled with a manifest', () => {
    const dir = temp();
    const xmlDir = join(dir, 'xml');
    const r = run(['build', SAMPLE, '--to', 'xml', '--config', CONFIG, '--out', xmlDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('21 tickets: 3 written, 3 rejected, 15 skipped');
    const names = readdirSync(xmlDir).sort();
    expect(names).toEqual(['VTA-A-1005.xml', 'VTA-H-2002.xml', 'VTA-T-3003.xml']);
    for (const name of names) {
      const text = readFileSync(join(xmlDir, name), 'utf8');
      expect(validateComprobante(parseComprobante(text)).filter((i) => i.severity === 'error')).toEqual([]);
      if (kitAvailable) expect(validateXsd(text).ok).toBe(true);
    }

    const layoutDir = join(dir, 'layout');
    run(['build', SAMPLE, '--to', 'layout', '--config', CONFIG, '--out', layoutDir]);
    for (const name of readdirSync(layoutDir)) {
      const parsed = parseLayout(LAYOUTS['tralix-40'], readFileSync(join(layoutDir, name), 'utf8'));
      expect(parsed.comprobante).toBeDefined();
      expect(
        validateComprobante(parsed.comprobante as NonNullable<typeof parsed.comprobante>).filter(
          (i) => i.severity === 'error',
        ),
      ).toEqual([]);
    }

    const zip = join(dir, 'zip', 'lote.zip');
    const z = run(['build', SAMPLE, '--to', 'zip', '--config', CONFIG, '--out', zip, '--max-files', '2']);
    expect(z.code).toBe(1);
    const parts = ['lote-001.zip', 'lote-002.zip'].map((p) => readZip(readFileSync(join(dir, 'zip', p))));
    expect(parts.map((p) => p.map((e) => e.name))).toEqual([
      ['VTA-A-1005.xml', 'VTA-H-2002.xml'],
      ['VTA-T-3003.xml'],
    ]);
    for (const entry of parts.flat())
      expect(entry.content.equals(readFileSync(join(xmlDir, entry.name)))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'zip', 'lote.manifest.json'), 'utf8')) as {
      files: Array<{
        zip: string;
        file: string;
        serie: string;
        folio: string;
        total: string;
        sha256: string;
      }>;
    };
    expect(manifest.files.map((f) => [f.zip, f.file, f.serie, f.folio, f.total])).toEqual([
      ['lote-001.zip', 'VTA-A-1005.xml', 'VTA', 'A-1005', '303.00'],
      ['lote-001.zip', 'VTA-H-2002.xml', 'VTA', 'H-2002', '1785.00'],
      ['lote-002.zip', 'VTA-T-3003.xml', 'VTA', 'T-3003', '1010.00'],
    ]);
    for (const f of manifest.files)
      expect(f.sha256).toBe(
        createHash('sha256')
          .update(readFileSync(join(xmlDir, f.file)))
          .digest('hex'),
      );
    // Deterministic: a second run writes byte-identical ZIPs.
    const again = join(dir, 'again', 'lote.zip');
    run(['build', SAMPLE, '--to', 'zip', '--config', CONFIG, '--out', again, '--max-files', '2']);
    expect(
      readFileSync(join(dir, 'again', 'lote-001.zip')).equals(readFileSync(join(dir, 'zip', 'lote-001.zip'))),
    ).toBe(true);
  });

  it('tralix-async: cfdisAsync bodies with the config ids and the layout as archivoFuente', () => {
    const r = run(['build', SAMPLE, '--to', 'tralix-async', '--config', CONFIG]);
    const bodies = jsonLines<{ idTipoCfd: string; idSucursal: string; archivoFuente: string }>(r.stdout);
    expect(bodies.map((b) => b.idSucursal)).toEqual([
      '0dd6aebbea85662fd2fe2f76ce4258b3',
      '62bad600d3acc04aaec64d0712ea02c4',
      '6ac9a2c315480d5cc5534c7e58caee5a',
    ]);
    expect(
      bodies.every(
        (b) => b.idTipoCfd === 'd18bb0158356449c31e72cb69e642b31' && b.archivoFuente.includes('\n03|'),
      ),
    ).toBe(true);
  });
});

describe('cfdi-layout build (other exports)', () => {
  const config = {
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    lugarExpedicion: '42501',
    serie: 'X',
  };

  function workspace(): string {
    const dir = temp();
    writeFileSync(join(dir, 'cfdi-layout.config.json'), JSON.stringify(config));
    return dir;
  }

  it('shows a progress bar with rows and rows/s on a terminal, on one thread and on worker threads', () => {
    const dir = workspace();
    const lines = ['ticket,sucursal,fecha,importe,iva'];
    for (let t = 0; t < 15000; t++)
      lines.push(
        `T${t},S1,2026-11-20T10:00:00,${(t % 90) + 10}.50,16`,
        `T${t},S1,2026-11-20T10:00:00,5.00,16`,
      );
    writeFileSync(join(dir, 'big.csv'), `${lines.join('\n')}\n`);
    for (const jobs of ['0', '2']) {
      // script(1) gives the binary a pseudo-terminal and copies what it shows to our stdout.
      const command = [
        process.execPath,
        CLI,
        'build',
        'big.csv',
        '--to',
        'tralix-tickets',
        '--out',
        'o.jsonl',
      ]
        .concat(['--jobs', jobs])
        .map((a) => `'${a}'`)
        .join(' ');
      const shown = spawnSync('script', ['-qec', command, '/dev/null'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(shown.status, shown.stderr).toBe(0);
      // Frames of the bar: share of the input, rows so far (some past zero) and the speed.
      expect(shown.stdout).toMatch(/\d+% \| [1-9]\d* rows \| \d+ rows\/s/);
      expect(shown.stdout).toContain('build tralix-tickets: read 30000 rows, 15000 tickets: 15000 written');
      expect(jsonLines(readFileSync(join(dir, 'o.jsonl'), 'utf8'))).toHaveLength(15000);
    }
  });

  it('reads JSON lines from stdin, JSON arrays and Latin-1 CSV with ; and groups unsorted rows; exit 0 without rejects', () => {
    const dir = workspace();
    const rows = [
      { ticket: 'B', sucursal: 'S', fecha: '2026-11-20T10:00:00', importe: 10.5 },
      { ticket: 'A', sucursal: 'S', fecha: '2026-11-20T10:00:00', importe: '20.00' },
      { ticket: 'B', sucursal: 'S', fecha: '2026-11-20T10:00:00', importe: '1.50', descripcion: 'Café' },
    ];
    const fromStdin = run(['build', '-', '--to', 'tralix-tickets'], {
      cwd: dir,
      input: rows.map((x) => JSON.stringify(x)).join('\n'),
    });
    expect(fromStdin.code).toBe(0);
    const bodies = jsonLines<{ numeroTicket: string; monto: number }>(fromStdin.stdout);
    expect(bodies.map((b) => [b.numeroTicket, b.monto])).toEqual([
      ['B', 12],
      ['A', 20],
    ]);
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
    expect(jsonLines(run(['build', 'rows.json', '--to', 'tralix-tickets'], { cwd: dir }).stdout)).toEqual(
      bodies,
    );
    const csv = `Ticket;Sucursal;Fecha;Importe;Descripcion\n${rows.map((x) => `${x.ticket};${x.sucursal};${x.fecha};${x.importe};${x.descripcion ?? 'x'}`).join('\n')}\n`;
    writeFileSync(join(dir, 'latin1.csv'), Buffer.from(csv, 'latin1'));
    const latin = run(['build', 'latin1.csv', '--to', 'tralix-tickets', '--encoding', 'latin1'], {
      cwd: dir,
    });
    expect(latin.code).toBe(0);
    expect(jsonLines<{ insumo: string }>(latin.stdout)[0]?.insumo).toContain('|Café|');
  });

  it('gives the same result on worker threads as on one thread, sorted or not', () => {
    const dir = workspace();
    const lines = ['ticket,sucursal,fecha,importe,iva,ish,cantidad,descripcion'];
    // About 700 KB: many ranges, so the moved row below is found across ranges. Quoted newlines and
    // stray quotes are where a naive cut would split a record.
    const descripciones = ['Taco', 'Pantalla 15" HD', '"Dice ""hola"", adiós"'];
    for (let t = 0; t < 6000; t++) {
      const n = 1 + (t % 4);
      for (let l = 0; l < n; l++) {
        const importe =
          t === 9 && l === 1 ? 'oops' : `${(t % 97) + l + 1}.${String(t % 100).padStart(2, '0')}`;
        lines.push(
          `T${t},S${t % 3},2026-11-20T10:00:00,${importe},16,${t % 5 === 0 ? 3 : 0},1,${t % 1000 === 500 && l === 0 ? '"Línea 1\nLínea 2"' : descripciones[(t + l) % 3]}`,
        );
      }
    }
    writeFileSync(join(dir, 'sorted.csv'), `${lines.join('\n')}\n`);
    // The same rows with the first of T1's two rows moved to the end: not sorted any more.
    writeFileSync(
      join(dir, 'unsorted.csv'),
      `${[lines[0], lines[1], ...lines.slice(3), lines[2]].join('\n')}\n`,
    );
    for (const file of ['sorted.csv', 'unsorted.csv']) {
      const one = run(
        [
          'build',
          file,
          '--to',
          'tralix-tickets',
          '--jobs',
          '0',
          '--out',
          'one.jsonl',
          '--rejects',
          'one.rej',
        ],
        { cwd: dir },
      );
      const many = run(
        [
          'build',
          file,
          '--to',
          'tralix-tickets',
          '--jobs',
          '2',
          '--out',
          'many.jsonl',
          '--rejects',
          'many.rej',
          '--json',
        ],
        { cwd: dir },
      );
      expect([one.code, many.code]).toEqual([1, 1]);
      const outputs = (
        JSON.parse(many.stdout) as {
          outputs: { threads: number; order: string; tickets: number; written: number };
        }
      ).outputs;
      // Sorted input streams on the threads; unsorted input starts over, grouped in memory.
      expect([outputs.threads, outputs.order]).toEqual(
        file === 'sorted.csv' ? [2, 'sorted'] : [0, 'unsorted'],
      );
      // T9's importe is not a number; a line break in a descripcion is refused at its row.
      expect([outputs.tickets, outputs.written]).toEqual([6000, 5993]);
      const a = readFileSync(join(dir, 'many.jsonl'), 'utf8');
      expect(a).toBe(readFileSync(join(dir, 'one.jsonl'), 'utf8'));
      expect(readFileSync(join(dir, 'many.rej'), 'utf8')).toBe(readFileSync(join(dir, 'one.rej'), 'utf8'));
      const rejects = jsonLines<Reject>(readFileSync(join(dir, 'many.rej'), 'utf8'));
      expect(rejects.map((x) => [x.ticket, x.code, x.rows.length])).toEqual([
        ['T9', 'SALES_IMPORTE_INVALID', 2],
        ...[500, 1500, 2500, 3500, 4500, 5500].map((t) => [`T${t}`, 'SALES_TEXT_INVALID', 1 + (t % 4)]),
      ]);
      expect(jsonLines(a)).toHaveLength(5993);
      // The workers' part files are gone, whether the pass was kept or started over.
      expect(readdirSync(dir).filter((name) => name.includes('.part'))).toEqual([]);
    }
  });

  it('bundles the same ZIP bytes and XML files on worker threads as on one thread', () => {
    const dir = workspace();
    const receptor = 'XIA190128J61,XENON INDUSTRIAL ARTICLES,76343,601,G03';
    const lines = [
      'ticket,fecha,importe,ish,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal,usoCFDI',
    ];
    for (let t = 0; t < 400; t++)
      lines.push(`F${t},2026-11-20T10:00:00,${100 + t}.25,${t % 3 === 0 ? 3 : 0},${receptor}`);
    lines.push('F400,2026-11-20T10:00:00,12.5,0,,,,,');
    writeFileSync(join(dir, 'facturas.csv'), `${lines.join('\n')}\n`);
    for (const jobs of ['0', '2']) {
      const zip = run(
        [
          'build',
          'facturas.csv',
          '--to',
          'zip',
          '--out',
          `z${jobs}/f.zip`,
          '--max-files',
          '150',
          '--jobs',
          jobs,
        ],
        { cwd: dir },
      );
      expect(zip.stderr).toContain('401 tickets: 400 written, 0 rejected, 1 skipped');
      run(['build', 'facturas.csv', '--to', 'xml', '--out', `x${jobs}`, '--jobs', jobs], { cwd: dir });
    }
    for (const part of ['f-001.zip', 'f-002.zip', 'f-003.zip', 'f.manifest.json']) {
      expect(readFileSync(join(dir, 'z2', part)).equals(readFileSync(join(dir, 'z0', part)))).toBe(true);
    }
    const names = readdirSync(join(dir, 'x0')).sort();
    expect(names).toHaveLength(400);
    expect(readdirSync(join(dir, 'x2')).sort()).toEqual(names);
    for (const name of names.slice(0, 20))
      expect(readFileSync(join(dir, 'x2', name)).equals(readFileSync(join(dir, 'x0', name)))).toBe(true);
    const entries = readZip(readFileSync(join(dir, 'z2', 'f-001.zip')));
    expect(entries[0]?.content.equals(readFileSync(join(dir, 'x0', entries[0]?.name as string)))).toBe(true);
  });

  it('exits 2 with a coded message for a missing config, a bad header or a bad option', () => {
    const dir = temp();
    writeFileSync(join(dir, 'x.csv'), 'ticket,fecha\n1,2026-11-20\n');
    const noConfig = run(['build', 'x.csv', '--to', 'tralix-tickets'], { cwd: dir });
    expect([noConfig.code, noConfig.stderr]).toEqual([2, expect.stringContaining('CONFIG_INVALID')]);
    writeFileSync(join(dir, 'cfdi-layout.config.json'), JSON.stringify(config));
    const header = run(['build', 'x.csv', '--to', 'tralix-tickets'], { cwd: dir });
    expect([header.code, header.stderr]).toEqual([2, expect.stringContaining('SALES_HEADER_INVALID')]);
    const noOut = run(['build', 'x.csv', '--to', 'xml'], { cwd: dir });
    expect([noOut.code, noOut.stderr]).toEqual([2, expect.stringContaining('--out DIR')]);
    const noFile = run(['build', 'missing.csv', '--to', 'orders'], { cwd: dir });
    expect([noFile.code, noFile.stderr]).toEqual([2, expect.stringContaining('IO')]);
  });
});

describe('cfdi-layout global', () => {
  const args = [
    'global',
    SAMPLE,
    '--periodicidad',
    '04',
    '--meses',
    '11',
    '--anio',
    '2026',
    '--fecha',
    '2026-12-01T09:00:00',
    '--config',
    CONFIG,
  ];

  it('writes the factura global of the tickets left, valid against the SAT rules and XSD', () => {
    const dir = temp();
    const out = join(dir, 'global.xml');
    const r = run([
      ...args,
      '--exclude',
      join(ROOT, 'samples/sales/exclude.txt'),
      '--out',
      out,
      '--rejects',
      join(dir, 'rejects.jsonl'),
      '--folio',
      'NOV-2026',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('21 tickets: 13 in the factura global, 3 rejected, 2 excluded, 3 nominative');
    const text = readFileSync(out, 'utf8');
    const c = parseComprobante(text);
    expect(validateComprobante(c).filter((i) => i.severity === 'error')).toEqual([]);
    if (kitAvailable) expect(validateXsd(text).ok).toBe(true);
    expect(c.informacionGlobal).toEqual({ periodicidad: '04', meses: '11', año: '2026' });
    expect(c.receptor.rfc).toBe('XAXX010101000');
    expect(new Set(c.conceptos.map((k) => k.noIdentificacion)).size).toBe(13);
    expect(c.conceptos.map((k) => k.noIdentificacion)).not.toContain('A-1002');
    expect(c.formaPago).toBe('04');
    expect(
      jsonLines<Reject>(readFileSync(join(dir, 'rejects.jsonl'), 'utf8')).map((x) => [
        x.ticket,
        x.rows,
        x.field,
        x.code,
      ]),
    ).toEqual(SAMPLE_REJECTS);
  });

  it('writes the layout with --to layout and reports SAT rule violations as issues, writing nothing', () => {
    const dir = temp();
    const layout = run([...args, '--to', 'layout', '--out', join(dir, 'g.txt'), '--json']);
    const doc = JSON.parse(layout.stdout) as { outputs: { included: number; total: string } };
    expect(doc.outputs.included).toBe(15);
    expect(readFileSync(join(dir, 'g.txt'), 'utf8')).toMatch(/^13\|04\|11\|2026\|$/m);
    const bimestral = run([
      ...args.slice(0, 2),
      '--periodicidad',
      '05',
      '--meses',
      '11',
      '--anio',
      '2026',
      '--fecha',
      '2026-12-01T09:00:00',
      '--config',
      CONFIG,
      '--out',
      join(dir, 'b.xml'),
      '--json',
    ]);
    expect(bimestral.code).toBe(1);
    const issues = (JSON.parse(bimestral.stdout) as { issues: Array<{ code: string }> }).issues.map(
      (i) => i.code,
    );
    expect(issues).toEqual(expect.arrayContaining(['CFDI40132', 'CFDI40135']));
    expect(existsSync(join(dir, 'b.xml'))).toBe(false);
    const usage = run([
      'global',
      SAMPLE,
      '--periodicidad',
      '04',
      '--meses',
      '19',
      '--anio',
      '2026',
      '--config',
      CONFIG,
    ]);
    expect(usage.code).toBe(2);
  });
});

describe('cfdi-layout bundle', () => {
  it('bundles existing XML files (folders sorted, non-CFDI left out with an issue) the same way', () => {
    const dir = temp();
    run(['build', SAMPLE, '--to', 'xml', '--config', CONFIG, '--out', join(dir, 'xml')]);
    writeFileSync(join(dir, 'xml', 'zz-notes.xml'), '<notes/>');
    const r = run([
      'bundle',
      join(dir, 'xml'),
      '--out',
      join(dir, 'out', 'masivo.zip'),
      '--max-files',
      '2',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      outputs: { zips: string[]; files: number };
      issues: Array<{ code: string }>;
    };
    expect(doc.outputs.files).toBe(3);
    expect(doc.issues.map((i) => i.code)).toEqual(['XML_NOT_CFDI']);
    const names = doc.outputs.zips.flatMap((z) => readZip(readFileSync(z)).map((e) => e.name));
    expect(names).toEqual(['VTA-A-1005.xml', 'VTA-H-2002.xml', 'VTA-T-3003.xml']);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'masivo.manifest.json'), 'utf8')) as {
      files: Array<{ folio: string }>;
    };
    expect(manifest.files.map((f) => f.folio)).toEqual(['A-1005', 'H-2002', 'T-3003']);
  });
});
