import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BuildDocument,
  type BuildProgress,
  type BuildSalesExportCommonOptions,
  buildSalesExport,
  WORKER_MIN_BYTES,
} from '../../src/batch/index.js';
import { isCfdiLayoutError } from '../../src/errors.js';
import { parseSalesConfig } from '../../src/sales/index.js';
import { readZip } from '../bundle/unzip.js';

/*
 * The library's parallel build against its own single-threaded build: the same export built on the
 * calling thread (jobs 0) and on worker threads must give the same bytes, the same rejects (rows,
 * fields, codes and messages, CSV line numbers included) and the same counts. The exports are
 * generated here with known defects, so the tests also check that those defects come out as
 * rejects, not only that both builds agree. Worker threads run the compiled library: `npm run build`
 * first (npm test does).
 */

const dir = mkdtempSync(join(tmpdir(), 'cfdi-layout-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = parseSalesConfig({
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  lugarExpedicion: '42501',
  serie: 'A',
});

const RECEPTOR = 'XIA190128J61,XENON INDUSTRIAL ARTICLES,76343,601,G03';
const HEADER =
  'ticket,sucursal,fecha,importe,iva,ish,cantidad,descripcion,receptorRfc,receptorNombre,receptorDomicilioFiscal,receptorRegimenFiscal,usoCFDI';

/** What the generator put in an export on purpose, to find again among the rejects. */
interface Planted {
  /** Tickets with an importe that is not a number. */
  readonly badImporte: Set<string>;
  /** Tickets with a line break inside a quoted descripcion (refused at the row on every target). */
  readonly lineBreak: Set<string>;
  /** Rows without a ticket number. */
  readonly noTicket: number;
  /** Tickets of one row with a field more than the header. */
  readonly columnCount: Set<string>;
  /** A last record whose quote never closes (it runs to the end of the file): unreadable. */
  readonly unclosed: boolean;
  /** Tickets with receptor columns (nominative invoices). */
  readonly nominative: number;
  readonly tickets: number;
  /** Tickets the build forms: the tickets, plus one per row without ticket or with a field too many, and the unreadable record. */
  readonly groups: number;
}

/**
 * A sales export of `tickets` tickets of 1 to 4 rows, sorted by ticket, with planted defects every so
 * often: a bad importe, a quoted line break, quoted delimiters and escaped quotes (where a naive cut
 * would split a record), a row without ticket, a row with a field too many and, with `unclosed`, an
 * unreadable last record. Every other ticket carries a receptor when `nominative`.
 */
function salesExport(
  name: string,
  tickets: number,
  options: { nominative: boolean; eol?: string; unclosed?: boolean },
): Planted {
  const eol = options.eol ?? '\n';
  const planted = {
    badImporte: new Set<string>(),
    lineBreak: new Set<string>(),
    noTicket: 0,
    columnCount: new Set<string>(),
    unclosed: options.unclosed === true,
    nominative: 0,
    tickets,
    groups: tickets,
  };
  const lines = [HEADER];
  for (let t = 0; t < tickets; t++) {
    const id = `T${t}`;
    const receptor = options.nominative && t % 2 === 0 ? RECEPTOR : ',,,,';
    if (receptor === RECEPTOR) planted.nominative++;
    const rows = 1 + (t % 4);
    for (let l = 0; l < rows; l++) {
      let importe = `${(t % 97) + l + 1}.${String(t % 100).padStart(2, '0')}`;
      let descripcion = ['Taco', '"Taco, al pastor"', '"Pantalla 15"" HD"'][(t + l) % 3] as string;
      if (t % 1013 === 11 && l === 0) {
        importe = 'oops';
        planted.badImporte.add(id);
      }
      if (t % 1777 === 500 && l === rows - 1 && !planted.badImporte.has(id)) {
        descripcion = '"Línea 1\nLínea 2"';
        planted.lineBreak.add(id);
      }
      lines.push(
        `${id},S${t % 3},2026-11-20T10:00:00,${importe},16,${t % 5 === 0 ? 3 : 0},1,${descripcion},${receptor}`,
      );
    }
    if (t % 3001 === 1500) {
      lines.push(`,S1,2026-11-20T10:00:00,10.00,16,0,1,Sin ticket,,,,,`);
      planted.noTicket++;
      planted.groups++;
    }
    if (t % 2503 === 1200) {
      lines.push(`M${t},S1,2026-11-20T10:00:00,10.00,16,0,1,Taco,al pastor,,,,,`);
      planted.columnCount.add(`M${t}`);
      planted.groups++;
    }
  }
  if (planted.unclosed) {
    lines.push(`U1,S1,2026-11-20T10:00:00,10.00,16,0,1,"sin cerrar,,,,,`);
    planted.groups++;
  }
  writeFileSync(join(dir, name), `${lines.join(eol)}${eol}`);
  return planted;
}

/** The last progress report of a run, checked to only grow. */
function progressOf(reports: BuildProgress[]): BuildProgress | undefined {
  for (let i = 1; i < reports.length; i++) {
    expect((reports[i] as BuildProgress).rows).toBeGreaterThanOrEqual((reports[i - 1] as BuildProgress).rows);
    expect((reports[i] as BuildProgress).bytes).toBeGreaterThanOrEqual(
      (reports[i - 1] as BuildProgress).bytes,
    );
  }
  return reports.at(-1);
}

function common(input: string, jobs: number, extra: Partial<BuildSalesExportCommonOptions> = {}) {
  const progress: BuildProgress[] = [];
  return {
    progress,
    options: {
      input: join(dir, input),
      config,
      jobs,
      onProgress: (p: BuildProgress) => progress.push(p),
      ...extra,
    },
  };
}

/** Collects what a stream receives until it ends. */
function collected(stream: PassThrough): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

describe('buildSalesExport on worker threads gives what it gives on the calling thread', () => {
  it('tralix-tickets on an export over WORKER_MIN_BYTES: the same lines file, rejects and counts on two workers', async () => {
    const planted = salesExport('big.csv', 16_000, { nominative: false, unclosed: true });
    const size = statSync(join(dir, 'big.csv')).size;
    expect(size).toBeGreaterThan(WORKER_MIN_BYTES);

    const one = common('big.csv', 0);
    const single = await buildSalesExport({
      ...one.options,
      target: 'tralix-tickets',
      out: join(dir, 'one', 'tickets.jsonl'),
    });
    // No minParallelBytes: the export is large enough for the default threshold.
    const many = common('big.csv', 2);
    const parallel = await buildSalesExport({
      ...many.options,
      target: 'tralix-tickets',
      out: join(dir, 'many', 'tickets.jsonl'),
    });
    expect([single.threads, parallel.threads]).toEqual([0, 2]);

    const text = readFileSync(join(dir, 'one', 'tickets.jsonl'));
    expect(readFileSync(join(dir, 'many', 'tickets.jsonl')).equals(text)).toBe(true);
    expect(parallel.rejects).toEqual(single.rejects);
    const { rejects, threads, ...counts } = parallel;
    expect({ ...counts }).toEqual({
      rows: single.rows,
      tickets: single.tickets,
      written: single.written,
      rejected: single.rejected,
      skipped: single.skipped,
    });

    // Independent of either build: what the generator planted.
    expect(counts.tickets).toBe(planted.groups);
    expect(counts.tickets).toBe(counts.written + counts.rejected + counts.skipped);
    expect(
      text
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    ).toHaveLength(counts.written);
    const byCode = (code: string) => new Set(rejects.filter((r) => r.code === code).map((r) => r.ticket));
    expect(byCode('SALES_IMPORTE_INVALID')).toEqual(planted.badImporte);
    expect(byCode('SALES_TEXT_INVALID')).toEqual(planted.lineBreak);
    expect(byCode('SALES_COLUMN_COUNT')).toEqual(planted.columnCount);
    // The reader's message names the line of the whole export where the quote opens, the last
    // (quoted line breaks count, as csv-parse counts them), not a line of the last piece; the line
    // is rejected with the ticket it names.
    const lastLine = readFileSync(join(dir, 'big.csv'), 'utf8').split('\n').length - 1;
    const malformed = rejects.filter((r) => r.code === 'SALES_RECORD_MALFORMED');
    expect(malformed.map((r) => r.ticket)).toEqual(['U1']);
    expect(malformed[0]?.message).toContain(
      `a quote opens column "descripcion" on line ${lastLine}, the last line of the export`,
    );
    expect(rejects.filter((r) => r.ticket === null)).toHaveLength(planted.noTicket);
    for (const r of rejects) expect(r.rows.length).toBeGreaterThan(0);

    for (const reports of [one.progress, many.progress])
      expect(progressOf(reports)).toEqual({ rows: counts.rows, bytes: size });
  });

  it('xml and zip on three slices: the same documents, ZIP bytes, manifest, rejects and skips', async () => {
    const planted = salesExport('facturas.csv', 2600, { nominative: true, eol: '\r\n' });
    const byJobs = async (jobs: number) => {
      const documents: BuildDocument[] = [];
      const run = common('facturas.csv', jobs, { minParallelBytes: 0 });
      const xml = await buildSalesExport({
        ...run.options,
        target: 'xml',
        onDocument: (d) => void documents.push(d),
      });
      const parts: Array<Promise<Buffer>> = [];
      const zip = await buildSalesExport({
        ...common('facturas.csv', jobs, { minParallelBytes: 0 }).options,
        target: 'zip',
        zip: {
          limits: { maxFiles: 400, maxBytes: 50 << 20 },
          open: () => {
            const stream = new PassThrough();
            parts.push(collected(stream));
            return stream;
          },
        },
      });
      return { xml, documents, zip, zips: await Promise.all(parts), progress: run.progress };
    };
    const single = await byJobs(0);
    const parallel = await byJobs(2);
    expect([single.xml.threads, parallel.xml.threads, parallel.zip.threads]).toEqual([0, 2, 2]);

    expect(parallel.documents.length).toBe(single.documents.length);
    parallel.documents.forEach((d, i) => {
      const s = single.documents[i] as BuildDocument;
      expect({ ...d, content: Buffer.from(d.content).toString('utf8') }).toEqual({
        ...s,
        content: Buffer.from(s.content).toString('utf8'),
      });
    });
    // Counts, rejects and (zip) the bundle report.
    expect({ ...parallel.xml, threads: 0 }).toEqual(single.xml);
    expect({ ...parallel.zip, threads: 0 }).toEqual(single.zip);
    expect(parallel.zips.length).toBe(single.zips.length);
    for (const [i, z] of parallel.zips.entries()) expect(z.equals(single.zips[i] as Buffer)).toBe(true);

    // Against the generator: every nominative ticket without a planted defect is one document, the
    // others are skipped; the ZIPs hold exactly the XML documents, 400 at most each.
    const { xml } = single;
    expect(xml.tickets).toBe(planted.groups);
    expect(xml.written + xml.rejected + xml.skipped).toBe(xml.tickets);
    expect(xml.written).toBe(single.documents.length);
    const defective = planted.badImporte.size + planted.lineBreak.size;
    expect(xml.written).toBeLessThanOrEqual(planted.nominative);
    expect(xml.written).toBeGreaterThanOrEqual(planted.nominative - defective);
    expect(xml.skipped).toBeLessThanOrEqual(planted.tickets - planted.nominative);
    expect(xml.skipped).toBeGreaterThanOrEqual(planted.tickets - planted.nominative - defective);
    expect(
      new Set(xml.rejects.filter((r) => r.code === 'SALES_IMPORTE_INVALID').map((r) => r.ticket)),
    ).toEqual(planted.badImporte);
    expect(single.zips.length).toBe(Math.ceil(xml.written / 400));
    const entries = single.zips.flatMap((z) => readZip(z));
    expect(entries.map((e) => e.name)).toEqual(single.documents.map((d) => d.name));
    expect(
      entries.every((e, i) => e.content.equals(Buffer.from((single.documents[i] as BuildDocument).content))),
    ).toBe(true);
    expect(new Set(single.documents.map((d) => d.name)).size).toBe(single.documents.length);
    expect(progressOf(parallel.progress)?.bytes).toBe(statSync(join(dir, 'facturas.csv')).size);
  });

  it('writes lines to a stream it leaves open, and builds a JSON array (which cannot be cut) on the calling thread', async () => {
    salesExport('small.csv', 3000, { nominative: false });
    const file = join(dir, 'small.jsonl');
    const single = await buildSalesExport({
      input: join(dir, 'small.csv'),
      config,
      target: 'tralix-tickets',
      out: file,
    });
    const stream = new PassThrough();
    const bytes = collected(stream);
    const parallel = await buildSalesExport({
      input: join(dir, 'small.csv'),
      config,
      target: 'tralix-tickets',
      out: stream,
      jobs: 2,
      minParallelBytes: 0,
    });
    expect(stream.writableEnded).toBe(false);
    stream.end();
    expect((await bytes).equals(readFileSync(file))).toBe(true);
    expect(parallel.threads).toBe(2);
    expect(parallel.rejects).toEqual(single.rejects);

    const rows = Array.from({ length: 400 }, (_, t) => ({
      ticket: `J${t}`,
      sucursal: 'S1',
      fecha: '2026-11-20T10:00:00',
      importe: t === 7 ? 'nada' : `${t + 1}.50`,
    }));
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
    writeFileSync(join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const array = await buildSalesExport({
      input: join(dir, 'rows.json'),
      config,
      target: 'tralix-tickets',
      out: join(dir, 'array.out'),
      jobs: 2,
      minParallelBytes: 0,
    });
    const lines = await buildSalesExport({
      input: join(dir, 'rows.jsonl'),
      config,
      target: 'tralix-tickets',
      out: join(dir, 'lines.out'),
      jobs: 2,
      minParallelBytes: 0,
    });
    expect([array.threads, lines.threads]).toEqual([0, 2]);
    expect(readFileSync(join(dir, 'array.out')).equals(readFileSync(join(dir, 'lines.out')))).toBe(true);
    expect(array.rejects.map((r) => [r.ticket, r.rows, r.code])).toEqual([
      ['J7', [8], 'SALES_IMPORTE_INVALID'],
    ]);
    expect(lines.rejects.map((r) => [r.ticket, r.rows, r.code])).toEqual([
      ['J7', [8], 'SALES_IMPORTE_INVALID'],
    ]);
  });
});

describe('buildSalesExport and the order check', () => {
  /** An export whose ticket T1 has a row far from the others (moved to `at`), past many cuts when `at` is the end. */
  function unsorted(name: string, at: 'end' | 'near'): void {
    salesExport(name, 12_000, { nominative: false });
    const lines = readFileSync(join(dir, name), 'utf8').trimEnd().split('\n');
    const moved = lines.splice(2, 1)[0] as string;
    expect(moved.startsWith('T1,')).toBe(true);
    lines.splice(at === 'end' ? lines.length : 12, 0, moved);
    writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  }

  const unsortedError = async (promise: Promise<unknown>): Promise<void> => {
    const error = await promise.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isCfdiLayoutError(error, 'SALES_UNSORTED'), String(error)).toBe(true);
  };

  it('a ticket whose rows are in two pieces, or twice in one piece, stops the run with SALES_UNSORTED, as on the calling thread', async () => {
    unsorted('across.csv', 'end');
    unsorted('within.csv', 'near');
    for (const name of ['across.csv', 'within.csv']) {
      for (const jobs of [0, 2]) {
        await unsortedError(
          buildSalesExport({
            input: join(dir, name),
            config,
            target: 'tralix-tickets',
            out: join(dir, `${name}-${jobs}.jsonl`),
            jobs,
            minParallelBytes: 0,
          }),
        );
      }
    }
    // Documents come back to the calling thread: the same check, and the folder of part files of a line target is gone.
    await unsortedError(
      buildSalesExport({
        input: join(dir, 'across.csv'),
        config,
        target: 'layout',
        onDocument: () => undefined,
        jobs: 2,
        minParallelBytes: 0,
      }),
    );
    expect(readdirSync(dir).filter((n) => n.includes('.parts-'))).toEqual([]);
  });

  it('order unsorted groups T1 whole (calling thread); onSplit reject makes its late row a SALES_TICKET_SPLIT reject', async () => {
    unsorted('late.csv', 'end');
    const grouped = await buildSalesExport({
      input: join(dir, 'late.csv'),
      config,
      target: 'tralix-tickets',
      out: join(dir, 'late.jsonl'),
      order: 'unsorted',
      jobs: 2,
      minParallelBytes: 0,
    });
    expect(grouped.threads).toBe(0);
    const t1 = readFileSync(join(dir, 'late.jsonl'), 'utf8')
      .split('\n')
      .find((l) => l.includes('"numeroTicket":"T1"'));
    // T1 has two rows, of 2.01 and 3.01 (see salesExport): both in its monto.
    expect(t1).toContain('"monto":5.02');

    const split = await buildSalesExport({
      input: join(dir, 'late.csv'),
      config,
      target: 'tralix-tickets',
      out: join(dir, 'split.jsonl'),
      onSplit: 'reject',
      jobs: 2,
      minParallelBytes: 0,
    });
    expect(split.threads).toBe(0);
    expect(split.rejects.filter((r) => r.code === 'SALES_TICKET_SPLIT').map((r) => r.ticket)).toEqual(['T1']);
  });

  it('an error of the caller’s callback ends the run and its workers', async () => {
    salesExport('stop.csv', 3000, { nominative: true });
    const error = await buildSalesExport({
      input: join(dir, 'stop.csv'),
      config,
      target: 'layout',
      jobs: 2,
      minParallelBytes: 0,
      onDocument: (d) => {
        if (d.name.includes('-')) throw new Error(`disk full at ${d.name}`);
      },
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String(error)).toMatch(/disk full at A-/);
  });
});
