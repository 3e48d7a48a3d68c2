import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt } from './run-cli.js';
import { buildSales, HEADER, RECEPTOR, SALES_TARGETS } from './sales-build.js';

/*
 * Issue #12, finding 4: a line break in a ticket id or a descripcion was refused by tralix-tickets and
 * layout (the layout cannot hold it) but taken by orders and xml. One rule now holds on every target:
 * a line break in any text column rejects the ticket at its row (SALES_TEXT_INVALID); a tab is text.
 */

beforeAll(() => assertCliBuilt());

const csv = [
  HEADER,
  `T1,S1,2026-11-17,100.00,"Tacos\nal pastor",${RECEPTOR}`,
  `"T\r\n2",S1,2026-11-17,50.00,Agua,${RECEPTOR}`,
  `T3,S1,2026-11-17,20.00,Pan\tdulce,${RECEPTOR}`,
  `T4,S1,2026-11-17,30.00,Café,${RECEPTOR.replace('XENON INDUSTRIAL ARTICLES', '"XENON\nINDUSTRIAL ARTICLES"')}`,
  '',
].join('\n');

const receptor = {
  receptorRfc: 'XIA190128J61',
  receptorNombre: 'XENON INDUSTRIAL ARTICLES',
  receptorDomicilioFiscal: '76343',
  receptorRegimenFiscal: '601',
};
const jsonl = [
  { ticket: 'J1', sucursal: 'S1', fecha: '2026-11-17', importe: '10.00', descripcion: 'Agua\rmineral' },
  { ticket: 'J2', sucursal: 'S\n1', fecha: '2026-11-17', importe: '10.00', noIdentificacion: 'SKU\n7' },
  { ticket: 'J3', sucursal: 'S1', fecha: '2026-11-17', importe: '10.00', descripcion: 'Agua\tmineral' },
]
  .map((r) => JSON.stringify({ ...r, ...receptor }))
  .join('\n');

describe('build: a line break in a text column (issue #12)', () => {
  it.each(SALES_TARGETS)(
    '%s rejects it at its row and field, as every target does, and takes a tab',
    async (target) => {
      const run = await buildSales(target, csv);
      expect(run.code).toBe(1);
      expect(run.counts).toMatchObject({ rows: 4, tickets: 4, written: 1, rejected: 3, skipped: 0 });
      expect(run.rejects.map((r) => [r.ticket, r.rows, r.field, r.code])).toEqual([
        ['T1', [2], 'descripcion', 'SALES_TEXT_INVALID'],
        ['T\r\n2', [3], 'ticket', 'SALES_TEXT_INVALID'],
        ['T4', [5], 'receptorNombre', 'SALES_TEXT_INVALID'],
      ]);
      expect(run.rejects[0]?.message).toMatch(/^descripcion holds a line break \(it runs over 2 lines\)/);

      const lines = await buildSales(target, jsonl, { name: 'ventas.jsonl' });
      expect(lines.counts).toMatchObject({ rows: 3, tickets: 3, written: 1, rejected: 2 });
      expect(
        lines.rejects.map((r) => [r.ticket, r.rows, r.issues.map((i) => `${i.field}:${i.code}`)]),
      ).toEqual([
        ['J1', [1], ['descripcion:SALES_TEXT_INVALID']],
        ['J2', [2], ['sucursal:SALES_TEXT_INVALID', 'noIdentificacion:SALES_TEXT_INVALID']],
      ]);
    },
  );
});
