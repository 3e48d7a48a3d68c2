import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, runJson, scratchDir } from './run-cli.js';
import { buildSales, HEADER, RECEPTOR, SALES_TARGETS, salesConfig } from './sales-build.js';

/*
 * Issue #12, finding 3: one ticket whose rows carry different fecha values was merged silently under
 * the latest. Every target now rejects it (SALES_TICKET_FECHA_MIXED, with the rows and both fechas)
 * unless the config's input.mixedFecha is latest.
 */

beforeAll(() => assertCliBuilt());

const text = [
  HEADER,
  `T1,S1,2026-11-17T13:45:10,100.00,Tacos,${RECEPTOR}`,
  `T1,S1,2026-11-18T09:00:00,50.00,Agua,${RECEPTOR}`,
  `T2,S1,2026-11-18T10:00:00,20.00,Pan,${RECEPTOR}`,
  '',
].join('\n');

describe('build: the rows of one ticket with different fechas (issue #12)', () => {
  it.each(SALES_TARGETS)(
    '%s rejects the ticket by default, naming its rows and both fechas',
    async (target) => {
      const run = await buildSales(target, text);
      expect(run.code).toBe(1);
      expect(run.counts).toMatchObject({ rows: 3, tickets: 2, written: 1, rejected: 1, skipped: 0 });
      expect(run.rejects.map((r) => [r.ticket, r.rows, r.row, r.field, r.code])).toEqual([
        ['T1', [2, 3], 3, 'fecha', 'SALES_TICKET_FECHA_MIXED'],
      ]);
      expect(run.rejects[0]?.message).toBe(
        "row 3 has fecha 2026-11-18T09:00:00 but the ticket's first row (row 2) 2026-11-17T13:45:10; one comprobante has one Fecha (set input.mixedFecha to latest to issue the ticket at its latest fecha)",
      );
    },
  );

  it.each(SALES_TARGETS)(
    '%s issues the ticket at its latest fecha with input.mixedFecha latest',
    async (target) => {
      const run = await buildSales(target, text, {
        config: salesConfig({ input: { mixedFecha: 'latest' } }),
      });
      expect(run.code).toBe(0);
      expect(run.counts).toMatchObject({ rows: 3, tickets: 2, written: 2, rejected: 0 });
      if (target === 'tralix-tickets') expect(run.output).toContain('"fecha":"2026-11-18T09:00:00"');
      if (target === 'orders')
        expect(run.output).toContain('"folio":"T1","importe":150.00,"fecha":"2026-11-18"');
    },
  );

  it('global leaves the ticket out as a reject too', async () => {
    const scratch = scratchDir('global-fecha');
    try {
      const input = scratch.file(
        'ventas.csv',
        'ticket,sucursal,fecha,importe\nT1,S1,2026-11-17T13:45:10,100.00\nT1,S1,2026-11-18T09:00:00,50.00\nT2,S1,2026-11-18T10:00:00,20.00\n',
      );
      const config = scratch.file('config.json', JSON.stringify(salesConfig()));
      const run = await runJson([
        'global',
        input,
        '--config',
        config,
        '--periodicidad',
        '01',
        '--meses',
        '11',
        '--anio',
        '2026',
        '--out',
        `${scratch.dir}/global.xml`,
      ]);
      expect(run.code).toBe(1);
      expect(run.doc.issues.map((i) => [i.code, i.path])).toEqual([['SALES_TICKET_FECHA_MIXED', 'fecha']]);
      expect(run.doc.issues[0]?.message).toContain('row 3 has fecha 2026-11-18T09:00:00');
    } finally {
      scratch.cleanup();
    }
  });
});
