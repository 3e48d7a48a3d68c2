import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt } from './run-cli.js';
import { buildSales, HEADER, RECEPTOR, SALES_TARGETS } from './sales-build.js';

/*
 * Issue #12, finding 1: a CSV quote that is never closed swallows every later line into one record.
 * Each swallowed line must come back as a reject of the ticket it names, saying from which line to
 * which line the record ran, so that tickets in = written + rejected + skipped and the quote can be
 * found; on the main thread and on worker threads alike.
 */

beforeAll(() => assertCliBuilt());

const row = (ticket: string, importe: string, descripcion: string) =>
  `${ticket},S1,2026-11-17,${importe},${descripcion},${RECEPTOR}`;

describe('build: a quote never closed (issue #12)', () => {
  const text = `${HEADER}\n${row('T0', '10.00', 'Café')}\n${row('T1', '100.00', '"Tacos')}\n${row('T2', '50.00', 'Agua')}\n${row('T3', '20.00', 'Pan')}\n`;

  it.each(SALES_TARGETS)(
    '%s: every ticket the swallowed lines name is rejected with the line range, and the counts reconcile',
    async (target) => {
      const run = await buildSales(target, text);
      expect(run.code).toBe(1);
      expect(run.counts).toMatchObject({ rows: 4, tickets: 4, written: 1, rejected: 3, skipped: 0 });
      expect(run.stderr).toContain('read 4 rows, 4 tickets: 1 written, 3 rejected');
      expect(run.rejects.map((r) => [r.ticket, r.rows, r.code, r.issues[0]?.line])).toEqual([
        ['T1', [3], 'SALES_RECORD_MALFORMED', 3],
        ['T2', [4], 'SALES_RECORD_MALFORMED', 4],
        ['T3', [5], 'SALES_RECORD_MALFORMED', 5],
      ]);
      expect(run.rejects[0]?.field).toBe('descripcion');
      for (const reject of run.rejects) {
        expect(reject.message).toContain(
          'a quote opens column "descripcion" on line 3 and is never closed, so the CSV record runs from line 3 to line 5',
        );
      }
    },
  );

  it('on worker threads (--jobs 2, an export over 2 MB) rejects the same lines as on the main thread', async () => {
    const lines = [HEADER];
    for (let t = 0; t < 30_000; t++) {
      const descripcion = t === 20_000 ? '"Comida corrida sin cerrar' : `Comida corrida ${t % 97}`;
      lines.push(row(`T${t}`, `${(t % 500) + 1}.50`, descripcion));
    }
    const big = `${lines.join('\r\n')}\r\n`;
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    const main = await buildSales('tralix-tickets', big, { args: ['--jobs', '0'] });
    const pooled = await buildSales('tralix-tickets', big, { args: ['--jobs', '2'] });
    expect(pooled.counts.threads).toBe(2);
    expect(main.counts.threads).toBe(0);
    const expected = { rows: 30_000, tickets: 30_000, written: 20_000, rejected: 10_000, skipped: 0 };
    expect(main.counts).toMatchObject(expected);
    expect(pooled.counts).toMatchObject(expected);
    expect(pooled.rejects).toEqual(main.rejects);
    expect(pooled.output).toBe(main.output);
    expect(main.rejects[0]).toMatchObject({ ticket: 'T20000', rows: [20_002], field: 'descripcion' });
    expect(main.rejects[0]?.message).toContain('the CSV record runs from line 20002 to line 30001');
    expect(main.rejects.at(-1)).toMatchObject({ ticket: 'T29999', rows: [30_001] });
    expect(main.rejects.at(-1)?.issues[0]?.line).toBe(30_001);
  }, 240_000);
});
