import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, runCli, runJson, STACK_FRAME } from './run-cli.js';
import { fromUnits, percentFraction, taxWindowUnits, toUnits } from './units.js';

/*
 * `cfdi-layout desglose` through the built binary. Expected values come from the rules doc (C.3
 * worked values, A.2 decimals, A.4 windows) and BigInt arithmetic on the printed strings.
 */

/** c_Moneda decimals (rules doc A.2). */
const DECIMALS: Readonly<Record<string, number>> = { MXN: 2, USD: 2, JPY: 0, KWD: 3, CLF: 4 };
const KEYS = ['importe', 'subtotal', 'iva', 'ieps', 'ish', 'total'];

beforeAll(assertCliBuilt);

function parseLines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

describe.concurrent('desglose IMPORTE: the rules doc C.3 worked values', () => {
  it('123.45 @ IVA 16 → 106.42 + 17.03', async ({ expect }) => {
    const run = await runCli(['desglose', '123.45', '--iva', '16']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = parseLines(run.stdout);
    expect(lines).toHaveLength(1);
    expect(Object.keys(lines[0] as object)).toEqual(KEYS);
    expect(lines[0]).toEqual({
      importe: '123.45',
      subtotal: '106.42',
      iva: '17.03',
      ieps: '0.00',
      ish: '0.00',
      total: '123.45',
    });
  });

  it('2380 @ IVA 16 + ISH 3 → 2000.00 + 320.00 + 60.00, the importe written with the currency decimals', async ({
    expect,
  }) => {
    const run = await runCli(['desglose', '2380', '--iva', '16', '--ish', '3']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      importe: '2380.00',
      subtotal: '2000.00',
      iva: '320.00',
      ieps: '0.00',
      ish: '60.00',
      total: '2380.00',
    });
  });

  it('100.01 @ IVA 16 → 86.22 + 13.79 (naive rounding would give 13.80), as a --json document', async ({
    expect,
  }) => {
    const run = await runJson(['desglose', '100.01']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.doc).toEqual({
      ok: true,
      command: 'desglose',
      issues: [],
      outputs: {
        importe: '100.01',
        subtotal: '86.22',
        iva: '13.79',
        ieps: '0.00',
        ish: '0.00',
        total: '100.01',
      },
    });
  });
});

describe('desglose without IMPORTE: JSON lines on stdin', () => {
  it('answers every line in order; a bad line becomes an error line and exit 1, the others still come out', async () => {
    const input = [
      { importe: '123.45', iva: '16' },
      { importe: 'abc' },
      { importe: '123.45', iva: '16', ish: '3' },
      { importe: '1000', iva: '16', ish: '3' },
      { importe: '1', moneda: 'ZZZ' },
      { importe: 100.01 },
      { importe: '1000', iva: 'exento', moneda: 'JPY' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    // A truncated line last: not JSON at all.
    const run = await runCli(['desglose'], { input: `${input}\n{"importe": "12\n` });
    expect(run.code, run.stderr).toBe(1);
    const lines = parseLines(run.stdout);
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatchObject({ subtotal: '106.42', iva: '17.03', total: '123.45' });
    expect(lines[1]).toMatchObject({ line: 2, error: { code: 'AMOUNT_INVALID' } });
    // Rules doc C.3: 123.45 @ 16 + 3 → 103.74 / 16.60 / 3.11; 1000 @ 16 + 3 → 840.34 / 134.45 / 25.21.
    expect(lines[2]).toEqual({
      importe: '123.45',
      subtotal: '103.74',
      iva: '16.60',
      ieps: '0.00',
      ish: '3.11',
      total: '123.45',
    });
    expect(lines[3]).toMatchObject({ importe: '1000.00', subtotal: '840.34', iva: '134.45', ish: '25.21' });
    expect(lines[4]).toMatchObject({ line: 5, error: { code: 'CURRENCY_UNKNOWN' } });
    expect(lines[5]).toMatchObject({ importe: '100.01', subtotal: '86.22', iva: '13.79' });
    expect(lines[6]).toEqual({
      importe: '1000',
      subtotal: '1000',
      iva: '0',
      ieps: '0',
      ish: '0',
      total: '1000',
    });
    expect(lines[7]).toMatchObject({ line: 8, error: { code: 'JSON_INVALID' } });
  });

  it('with --json prints one document whose issues name the failed line', async () => {
    const input = `${JSON.stringify({ importe: '123.45' })}\n${JSON.stringify({ importe: 'abc' })}\n`;
    const run = await runJson(['desglose'], { input });
    expect(run.code).toBe(1);
    expect(run.doc.ok).toBe(false);
    expect(run.doc.command).toBe('desglose');
    expect(run.doc.issues.map((i) => [i.code, i.severity])).toContainEqual(['AMOUNT_INVALID', 'error']);
  });
});

type Rate = string;
interface Case {
  readonly importe: string;
  readonly moneda: string;
  readonly iva: Rate;
  readonly ieps: Rate;
  readonly ish: Rate;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    moneda: fc.constantFrom('MXN', 'USD', 'JPY', 'KWD', 'CLF'),
    // Small, everyday and huge importes (t_Importe allows 18 integer digits).
    units: fc.oneof(
      fc.bigInt({ min: 0n, max: 2_000n }),
      fc.bigInt({ min: 0n, max: 100_000_000n }),
      fc.bigInt({ min: 0n, max: 10n ** 17n }),
    ),
    dropZeros: fc.boolean(),
    iva: fc.constantFrom('16', '8', '0', 'exento'),
    ieps: fc.constantFrom('0', '0', '3', '8', '26.5', '30.4', '53', '160'),
    ish: fc.constantFrom('0', '0', '2', '3', '3.5', '5'),
  })
  .map(({ moneda, units, dropZeros, iva, ieps, ish }) => {
    const d = DECIMALS[moneda] ?? 2;
    let importe = fromUnits(units, d);
    // The CLI takes "2380" for "2380.00": trailing zeros are not required.
    if (dropZeros && d > 0) importe = importe.replace(/\.?0+$/, '') || '0';
    return { importe, moneda, iva, ieps, ish };
  });

/** Every reason one output line breaks the desglose contract; empty when it holds. */
function contractBreaks(c: Case, out: unknown): string[] {
  const d = DECIMALS[c.moneda] ?? 2;
  if (typeof out !== 'object' || out === null) return ['not an object'];
  const o = out as Record<string, unknown>;
  if (JSON.stringify(Object.keys(o)) !== JSON.stringify(KEYS)) return [`keys ${Object.keys(o).join(',')}`];
  const shape = d === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${d}}$`);
  const bad = KEYS.filter((k) => typeof o[k] !== 'string' || !shape.test(o[k] as string));
  if (bad.length > 0) return [`not written with ${d} decimals: ${bad.map((k) => `${k}=${String(o[k])}`)}`];
  const u = (k: string) => toUnits(o[k] as string, d);
  const problems: string[] = [];
  const importe = toUnits(c.importe, d);
  if (u('importe') !== importe) problems.push(`importe ${String(o.importe)} is not ${c.importe}`);
  if (u('total') !== importe) problems.push(`total ${String(o.total)} is not ${c.importe}`);
  const sum = u('subtotal') + u('iva') + u('ieps') + u('ish');
  if (sum !== importe) problems.push(`subtotal + iva + ieps + ish = ${fromUnits(sum, d)}, not ${c.importe}`);
  const subtotal = u('subtotal');
  const check = (tax: string, base: bigint, rate: string) => {
    const { lower, upper } = taxWindowUnits(base, d, percentFraction(rate));
    const value = u(tax);
    if (value < lower || value > upper) {
      problems.push(
        `${tax} ${String(o[tax])} outside [${fromUnits(lower, d)}, ${fromUnits(upper, d)}] for base ${fromUnits(base, d)} @ ${rate}%`,
      );
    }
  };
  check('ieps', subtotal, c.ieps);
  // IVA is charged on the base plus the IEPS (LIVA art. 12), ISH on the base alone (rules doc B).
  if (c.iva === 'exento') {
    if (u('iva') !== 0n) problems.push(`iva ${String(o.iva)} with IVA exento`);
  } else check('iva', subtotal + u('ieps'), c.iva);
  check('ish', subtotal, c.ish);
  return problems;
}

describe('desglose property: one process, 2,000 JSON lines', () => {
  it('every line reconciles exactly, carries the currency decimals and keeps each tax in its SAT window', async () => {
    const seed = Date.now() % 2_147_483_647;
    const cases = fc.sample(caseArb, { numRuns: 2_000, seed });
    const input = cases.map((c) => JSON.stringify(c)).join('\n');
    const run = await runCli(['desglose'], { input: `${input}\n` });
    expect(run.code, `seed ${seed}: ${run.stderr}`).toBe(0);
    const lines = parseLines(run.stdout);
    expect(lines, `seed ${seed}`).toHaveLength(cases.length);
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const problems = contractBreaks(c, lines[i]);
      if (problems.length > 0 && failures.length < 10)
        failures.push(`${JSON.stringify(c)} → ${JSON.stringify(lines[i])}: ${problems.join('; ')}`);
    });
    expect(failures, `fast-check seed ${seed}`).toEqual([]);
    // The sample is not degenerate: every currency and every rate mix kind came through.
    expect(new Set(cases.map((c) => c.moneda)).size).toBe(5);
    expect(cases.some((c) => c.ieps !== '0' && c.ish !== '0' && c.iva === '16')).toBe(true);
  });

  it('the contract check catches a cent moved out of its window or lost from the sum', () => {
    const c: Case = { importe: '123.45', moneda: 'MXN', iva: '16', ieps: '0', ish: '0' };
    const good = {
      importe: '123.45',
      subtotal: '106.42',
      iva: '17.03',
      ieps: '0.00',
      ish: '0.00',
      total: '123.45',
    };
    expect(contractBreaks(c, good)).toEqual([]);
    expect(contractBreaks(c, { ...good, subtotal: '106.41', iva: '17.04' }).join()).toMatch(
      /iva 17.04 outside/,
    );
    expect(contractBreaks(c, { ...good, iva: '17.02' }).join()).toMatch(/= 123.44, not 123.45/);
    expect(contractBreaks({ ...c, moneda: 'KWD' }, good).join()).toMatch(/3 decimals/);
  });

  it('the window helper matches the rules doc A.4 examples', () => {
    // Base 106.42 @ 0.16 → [17.02, 17.03]; Base 100.00 @ 0.16 → [15.99, 16.01].
    expect(taxWindowUnits(10_642n, 2, percentFraction('16'))).toEqual({ lower: 1_702n, upper: 1_703n });
    expect(taxWindowUnits(10_000n, 2, percentFraction('16'))).toEqual({ lower: 1_599n, upper: 1_601n });
  });
});

describe.concurrent('desglose usage errors: exit 2, a coded message, no stack trace', () => {
  it('an importe that is not a number', async ({ expect }) => {
    const run = await runCli(['desglose', 'abc']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/AMOUNT_INVALID/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('more decimals than the currency has, as a --json document', async ({ expect }) => {
    const run = await runJson(['desglose', '10.001']);
    expect(run.code).toBe(2);
    expect(run.doc.ok).toBe(false);
    expect(run.doc.issues.map((i) => i.code)).toEqual(['AMOUNT_TOO_MANY_DECIMALS']);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown currency or rate', async ({ expect }) => {
    const moneda = await runCli(['desglose', '100', '--moneda', 'ZZZ']);
    expect(moneda.code).toBe(2);
    expect(moneda.stderr).toMatch(/CURRENCY_UNKNOWN/);
    const rate = await runCli(['desglose', '100', '--iva', 'dieciseis']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/RATE_INVALID/);
    expect(`${moneda.stderr}${rate.stderr}`).not.toMatch(STACK_FRAME);
  });

  it('an unknown option stops the command: nothing on stdout, exit 2', async ({ expect }) => {
    const run = await runCli(['desglose', '100', '--bogus']);
    expect(run.stderr).toMatch(/USAGE/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });

  it('--debug shows the stack of the same error', async ({ expect }) => {
    const run = await runCli(['desglose', 'abc', '--debug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/AMOUNT_INVALID/);
    expect(run.stderr).toMatch(STACK_FRAME);
  });
});

it('toUnits and fromUnits agree', () => {
  expect(fromUnits(toUnits('2380', 2), 2)).toBe('2380.00');
  expect(fromUnits(toUnits('0.5', 4), 4)).toBe('0.5000');
  expect(fromUnits(7n, 0)).toBe('7');
  expect(() => toUnits('1.005', 2)).toThrow();
});
