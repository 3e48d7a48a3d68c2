import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSalesConfig, readSalesRecords, readTickets, type Ticket } from '../../src/index.js';

// The varied bench's generator (bench/varied-data.mjs), run as the bench's own script: its export must
// not flatter (no importe repeats, tickets of 2–3 lines in no short cycle, ISH on some lines) and must
// be a valid export that the library reads without a single reject. No timing here.

const GENERATOR = resolve(import.meta.dirname, '../../bench/varied-data.mjs');
const dir = mkdtempSync(join(tmpdir(), 'cfdi-layout-varied-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = parseSalesConfig({
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  lugarExpedicion: '42501',
  serie: 'B',
});

function generate(name: string, args: string[]): { file: string; counts: Record<string, number> } {
  const file = join(dir, name);
  const printed = execFileSync(process.execPath, [GENERATOR, ...args, file], { encoding: 'utf8' });
  return { file, counts: JSON.parse(printed) };
}

async function readAll(file: string): Promise<{ tickets: Ticket[]; rejects: number }> {
  const tickets: Ticket[] = [];
  let rejects = 0;
  for await (const item of readTickets(readSalesRecords(createReadStream(file)), config)) {
    if (item.kind === 'ticket') tickets.push(item.ticket);
    else rejects++;
  }
  return { tickets, rejects };
}

describe('bench/varied-data.mjs', () => {
  it('writes 2–3-line tickets whose importes never repeat, IVA 16 everywhere and ISH 3 on some lines', async () => {
    const { file, counts } = generate('tickets.csv', ['--lines', '30000']);
    const text = readFileSync(file, 'utf8');
    const rows: string[][] = parse(text, { relax_column_count: false });
    const [header, ...lines] = rows;
    expect(lines).toHaveLength(30_000);
    expect(counts.lines).toBe(30_000);
    for (const row of lines) expect(row).toHaveLength(header!.length);
    const column = (name: string) => header!.indexOf(name);
    const importes = lines.map((r) => r[column('importe')]!);
    expect(new Set(importes).size).toBe(importes.length);
    for (const importe of importes) expect(importe).toMatch(/^[1-9]\d*\.\d\d$/);
    // The cents vary too (a low-bit LCG pattern would pin them).
    expect(new Set(importes.map((i) => i.slice(-2))).size).toBe(100);
    expect(new Set(lines.map((r) => r[column('iva')]))).toEqual(new Set(['16']));
    const ish = lines.filter((r) => r[column('ish')] === '3');
    expect(ish.length).toBe(counts.lodgingLines);
    expect(ish.length / lines.length).toBeGreaterThan(0.02);
    expect(ish.length / lines.length).toBeLessThan(0.1);
    // Quoting: descriptions with commas and quotes survive as one field.
    expect(text).toContain('"Galletas, surtido familiar');
    expect(lines.some((r) => r[column('descripcion')]!.startsWith('Queso "Oaxaca"'))).toBe(true);

    const { tickets, rejects } = await readAll(file);
    expect(rejects).toBe(0);
    expect(tickets).toHaveLength(counts.tickets!);
    const sizes = tickets.map((t) => t.lines.length);
    // Every ticket has 2 or 3 lines, but the last one, which the line limit may cut.
    for (const size of sizes.slice(0, -1)) expect([2, 3]).toContain(size);
    // Consecutive ticket sizes take every combination: no short cycle of the generator's bits.
    const pairs = new Set(sizes.slice(1, -1).map((s, i) => `${sizes[i]}${s}`));
    expect(pairs).toEqual(new Set(['22', '23', '32', '33']));
    expect(tickets.every((t) => t.receptor === undefined)).toBe(true);
  });

  it('writes nominative invoices and 1-line tickets on request, the same bytes every time', async () => {
    const first = generate('invoices.csv', ['--tickets', '500', '--nominative', '--per-ticket', '1-1']);
    const again = generate('invoices-again.csv', ['--tickets', '500', '--nominative', '--per-ticket', '1-1']);
    expect(readFileSync(again.file, 'utf8')).toBe(readFileSync(first.file, 'utf8'));
    expect(first.counts).toEqual({ lines: 500, tickets: 500, lodgingLines: expect.any(Number) });
    const { tickets, rejects } = await readAll(first.file);
    expect(rejects).toBe(0);
    expect(tickets).toHaveLength(500);
    expect(tickets.every((t) => t.lines.length === 1 && t.receptor !== undefined)).toBe(true);
    expect(new Set(tickets.map((t) => t.total)).size).toBe(500);
  });
});
