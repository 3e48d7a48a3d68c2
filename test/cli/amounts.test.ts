import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt } from './run-cli.js';
import {
  type BuildRun,
  buildSales,
  HEADER,
  RECEPTOR,
  SALES_TARGETS,
  type SalesTarget,
} from './sales-build.js';

/*
 * Issue #12, finding 2: `build --to orders` took an importe of 23 integer digits and wrote it as a raw
 * JSON number that every reader rounds to 1e23, while tralix-tickets refused it. Every target now
 * checks amounts the same way (t_Importe's 18 integer digits, per row and per ticket total), and no
 * JSON output carries a number a reader cannot hold exactly: orders write such an importe as a string
 * (seed 001 takes one), tralix-tickets refuse it (seed 000's monto is a number only).
 */

beforeAll(() => assertCliBuilt());

const text = [
  HEADER,
  `T1,S1,2026-11-17,99999999999999999999999.99,Tacos,${RECEPTOR}`,
  `T2,S1,2026-11-17,999999999999999999.00,Tacos,${RECEPTOR}`,
  `T2,S1,2026-11-17,999999999999999999.00,Agua,${RECEPTOR}`,
  `T3,S1,2026-11-17,1234567890123456.78,Pan,${RECEPTOR}`,
  `T4,S1,2026-11-17,9999999999999.99,Café,${RECEPTOR}`,
  '',
].join('\n');

/** Every JSON number literal after one of the keys, as written. */
function numberLiterals(json: string, keys: readonly string[]): string[] {
  return keys.flatMap((key) =>
    [...json.matchAll(new RegExp(`"${key}":(-?[0-9][0-9.eE+-]*)`, 'g'))].map((m) => m[1] as string),
  );
}

const runs = new Map<SalesTarget, BuildRun>();

describe('build: amounts on every target (issue #12)', () => {
  beforeAll(async () => {
    for (const target of SALES_TARGETS) runs.set(target, await buildSales(target, text));
  }, 120_000);

  it.each(SALES_TARGETS)(
    "%s refuses an importe and a ticket total over t_Importe's 18 integer digits, with the same reject as every other target",
    (target) => {
      const run = runs.get(target) as BuildRun;
      expect(run.code).toBe(1);
      const [row, total] = run.rejects;
      expect(row).toMatchObject({
        ticket: 'T1',
        rows: [2],
        row: 2,
        field: 'importe',
        code: 'SALES_IMPORTE_TOO_LARGE',
      });
      expect(row?.message).toBe(
        'importe 99999999999999999999999.99 has 23 integer digits; an amount (t_Importe) has at most 18',
      );
      expect(total).toMatchObject({
        ticket: 'T2',
        rows: [3, 4],
        field: 'importe',
        code: 'SALES_IMPORTE_TOO_LARGE',
      });
      // The same rejects, byte for byte, whatever the target.
      expect([row, total]).toEqual((runs.get('xml') as BuildRun).rejects.slice(0, 2));
    },
  );

  it('tralix-tickets refuses a total no JSON number holds exactly: monto takes no string (seed 000)', () => {
    const run = runs.get('tralix-tickets') as BuildRun;
    expect(run.counts).toMatchObject({ rows: 5, tickets: 4, written: 1, rejected: 3 });
    expect(run.rejects[2]).toMatchObject({
      ticket: 'T3',
      rows: [5],
      field: 'importe',
      code: 'SALES_JSON_AMOUNT_INEXACT',
    });
    expect(numberLiterals(run.output, ['monto'])).toEqual(['9999999999999.99']);
  });

  it('orders write an importe no JSON number holds exactly as a string (seed 001 takes "200.00"), the rest as numbers', () => {
    const run = runs.get('orders') as BuildRun;
    expect(run.counts).toMatchObject({ rows: 5, tickets: 4, written: 2, rejected: 2 });
    const orders = JSON.parse(run.output) as Array<{ folio: string; importe: unknown }>;
    expect(orders.map((o) => [o.folio, o.importe])).toEqual([
      ['T3', '1234567890123456.78'],
      ['T4', 9999999999999.99],
    ]);
    expect(numberLiterals(run.output, ['importe', 'ish'])).toEqual(['9999999999999.99', '0', '0']);
  });

  it.each(['tralix-async', 'layout', 'xml', 'zip'] as const)(
    '%s writes amounts as text and takes every amount within t_Importe',
    (target) => {
      const run = runs.get(target) as BuildRun;
      expect(run.counts).toMatchObject({ rows: 5, tickets: 4, written: 2, rejected: 2 });
      if (target === 'tralix-async') {
        expect(run.output).toContain('|1234567890123456.78|');
        expect(numberLiterals(run.output, ['idTipoCfd', 'idSucursal', 'archivoFuente'])).toEqual([]);
      }
      if (target === 'layout' || target === 'xml') expect(run.files).toHaveLength(2);
    },
  );
});
