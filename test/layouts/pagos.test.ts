import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LAYOUTS, parseLayout, renderLayout } from '../../src/layouts/index.js';
import type { Comprobante } from '../../src/model/comprobante.js';
import { computePagos, type Pagos, type PagosFacts, repComprobante } from '../../src/pagos/index.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { renderComprobante } from '../../src/xml/render.js';
import { assertCliBuilt, runJson, scratchDir } from '../cli/run-cli.js';
import { cadena, kitAvailable, kitMissingReason } from '../helpers/kit.js';
import { convertPagado, pagosFacts, REP_HEADER, withMonto } from '../pagos/generators.js';

/*
 * tralix-40 carries the Pagos 2.0 complement (records 30–37): random computed REPs go model → layout
 * → model unchanged and XML → layout → XML with SAT's cadena of the original; a REP's layout text with
 * one wrong saldo insoluto is reported by the built binary with CRP20244 at its line and field.
 */

const tralix40 = LAYOUTS['tralix-40'];

function computed(facts: PagosFacts): Pagos {
  const { pagos, issues } = computePagos(withMonto(facts, convertPagado));
  expect(issues).toEqual([]);
  return pagos as Pagos;
}

/** Complements of one to three payments, DRs in the payment's currency or another, every tax kind. */
const randomPagos = fc.oneof(pagosFacts(), pagosFacts({ forceMixed: true })).map(computed);
/** The tipo P comprobantes that carry them. */
const randomReps = randomPagos.map((pagos) => repComprobante(REP_HEADER, pagos));

/** The record ids of a text, line by line. */
function recordIds(text: string): string[] {
  return text.split('\n').map((line) => line.slice(0, line.indexOf('|')));
}

describe('tralix-40 with a Pagos 2.0 complement', () => {
  it('random computed REPs go model → layout → model unchanged, and render back to the same text (property)', () => {
    fc.assert(
      fc.property(randomReps, (c) => {
        const rendered = renderLayout(tralix40, c);
        expect(rendered.issues).toEqual([]);
        const parsed = parseLayout(tralix40, rendered.text);
        expect(parsed.issues).toEqual([]);
        expect(parsed.comprobante).toEqual(c);
        expect(renderLayout(tralix40, parsed.comprobante as Comprobante).text).toBe(rendered.text);
      }),
      { numRuns: 150 },
    );
  });

  it('writes the complement, then its totales, then each pago with its DRs (and their taxes) and its own taxes', () => {
    fc.assert(
      fc.property(randomPagos, (pagos) => {
        const ids = recordIds(renderLayout(tralix40, repComprobante(REP_HEADER, pagos)).text);
        const expected = ['30', '31'];
        for (const pago of pagos.pago) {
          expected.push('32');
          for (const dr of pago.doctoRelacionado) {
            expected.push('33');
            for (const _ of dr.impuestosDR?.retencionesDR ?? []) expected.push('34');
            for (const _ of dr.impuestosDR?.trasladosDR ?? []) expected.push('35');
          }
          for (const _ of pago.impuestosP?.retencionesP ?? []) expected.push('36');
          for (const _ of pago.impuestosP?.trasladosP ?? []) expected.push('37');
        }
        expect(ids.slice(ids.indexOf('30'), -1)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the order of typed complements: implocal before Pagos round-trips, Pagos before implocal is refused', () => {
    const [c] = fc.sample(randomReps, { numRuns: 1, seed: 5 }) as [Comprobante];
    const [pagos] = c.complemento ?? [];
    const implocal = {
      impuestosLocales: {
        version: '1.0' as const,
        totaldeRetenciones: '0.00',
        totaldeTraslados: '0.00',
        trasladosLocales: [{ impLocTrasladado: 'ISH', tasadeTraslado: '3.00', importe: '0.00' }],
      },
    };
    if (pagos === undefined) throw new Error('a REP has its complement');
    const inOrder = { ...c, complemento: [implocal, pagos] };
    const rendered = renderLayout(tralix40, inOrder);
    expect(rendered.issues).toEqual([]);
    expect(parseLayout(tralix40, rendered.text).comprobante).toEqual(inOrder);

    // The text writes record 20 before record 30, so this order cannot come back: refused, not swapped.
    const reversed = renderLayout(tralix40, { ...c, complemento: [pagos, implocal] });
    expect(rendered.text).not.toBe('');
    expect(reversed.text).toBe('');
    expect(reversed.issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['LAYOUT_RECORD_ORDER', 'complemento.0.pagos'],
    ]);
    expect(reversed.issues[0]?.message).toContain('writes record 20 before record 30');
  });

  it('refuses a CadPago holding the separator at its path, instead of mangling it', () => {
    const [pagos] = fc.sample(randomPagos, { numRuns: 1, seed: 7 }) as [Pagos];
    const [first, ...rest] = pagos.pago as [Pagos['pago'][number], ...Pagos['pago']];
    const spei = { ...first, tipoCadPago: '01', cadPago: '||1|01052024|120000|BANXICO||' };
    const rendered = renderLayout(tralix40, repComprobante(REP_HEADER, { ...pagos, pago: [spei, ...rest] }));
    expect(rendered.text).toBe('');
    expect(rendered.issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['LAYOUT_VALUE_UNREPRESENTABLE', 'complemento.0.pagos.pago.0.cadPago'],
    ]);
  });

  it('refuses an empty ImpuestosDR or ImpuestosP at its path: no record of its own, so the text would lose it', () => {
    const [pagos] = fc.sample(randomPagos, { numRuns: 1, seed: 11 }) as [Pagos];
    const [first, ...rest] = pagos.pago as [Pagos['pago'][number], ...Pagos['pago']];
    const [dr, ...drs] = first.doctoRelacionado as [Pagos['pago'][number]['doctoRelacionado'][number]];
    const cases: Array<[Pagos['pago'][number], string]> = [
      [
        { ...first, doctoRelacionado: [{ ...dr, impuestosDR: {} }, ...drs] },
        'doctoRelacionado.0.impuestosDR',
      ],
      [{ ...first, impuestosP: {} }, 'impuestosP'],
    ];
    for (const [pago, at] of cases) {
      const rendered = renderLayout(
        tralix40,
        repComprobante(REP_HEADER, { ...pagos, pago: [pago, ...rest] }),
      );
      expect(rendered.text).toBe('');
      expect(rendered.issues.map((i) => [i.code, i.path.join('.')])).toContainEqual([
        'LAYOUT_UNSUPPORTED_CONTENT',
        `complemento.0.pagos.pago.0.${at}`,
      ]);
    }
  });

  it('refuses a second Pagos complement, naming it, instead of writing one', () => {
    const [c] = fc.sample(randomReps, { numRuns: 1, seed: 3 }) as [Comprobante];
    const twice = { ...c, complemento: [...(c.complemento ?? []), ...(c.complemento ?? [])] };
    const rendered = renderLayout(tralix40, twice);
    expect(rendered.text).toBe('');
    expect(rendered.issues.map((i) => i.code)).toContain('LAYOUT_CARDINALITY');
  });
});

describe.skipIf(!kitAvailable)(
  `tralix-40 REPs and SAT's cadena${kitMissingReason === undefined ? '' : ` (skipped: ${kitMissingReason})`}`,
  () => {
    it('random computed REPs go XML → layout → XML with the same cadena original (sample)', () => {
      for (const c of fc.sample(randomReps, { numRuns: 10, seed: 10 })) {
        const xml = renderComprobante(c);
        const rendered = renderLayout(tralix40, parseComprobante(xml));
        expect(rendered.issues).toEqual([]);
        const parsed = parseLayout(tralix40, rendered.text);
        expect(parsed.issues).toEqual([]);
        expect(cadena(renderComprobante(parsed.comprobante as Comprobante))).toBe(cadena(xml));
      }
    }, 60_000);
  },
);

describe('validate --layout tralix-40 on a REP text (CLI)', () => {
  const scratch = scratchDir('pagos-layout');
  afterAll(scratch.cleanup);

  it('reports one wrong saldo insoluto as CRP20244 at its line, record 33 and field impSaldoInsoluto', async () => {
    assertCliBuilt();
    const [c] = fc.sample(randomReps, { numRuns: 1, seed: 11 }) as [Comprobante];
    const text = renderLayout(tralix40, c).text;
    const good = await runJson(['validate', scratch.file('rep.txt', text), '--layout', 'tralix-40']);
    expect(good.doc.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(good.code).toBe(0);

    // The first DR of the first payment: ImpSaldoInsoluto one cent above ImpSaldoAnt − ImpPagado.
    const lines = text.split('\n');
    const lineIndex = lines.findIndex((l) => l.startsWith('33|'));
    const fields = (lines[lineIndex] as string).split('|');
    const at = 9; // 33|idDocumento|serie|folio|monedaDR|equivalenciaDR|numParcialidad|impSaldoAnt|impPagado|impSaldoInsoluto|
    fields[at] = (Number(fields[at]) + 0.01).toFixed(2);
    lines[lineIndex] = fields.join('|');
    const column = fields.slice(0, at).join('|').length + 2;

    const bad = await runJson([
      'validate',
      scratch.file('rep-bad.txt', lines.join('\n')),
      '--layout',
      'tralix-40',
    ]);
    expect(bad.code).toBe(1);
    const errors = bad.doc.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => i.code)).toEqual(['CRP20244']);
    const [issue] = errors;
    expect(issue?.path).toBe('complemento.0.pagos.pago.0.doctoRelacionado.0.impSaldoInsoluto');
    expect(issue?.message).toMatch(
      new RegExp(
        `^line ${lineIndex + 1}, record 33 \\(doctoRelacionado\\), field impSaldoInsoluto, column ${column}: `,
      ),
    );
    expect(issue?.message).toContain(fields[at]);
  });
});
