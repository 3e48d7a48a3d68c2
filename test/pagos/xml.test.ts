import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ComprobanteSchema } from '../../src/model/comprobante.js';
import type { DoctoRelacionado, Pago } from '../../src/model/pagos.js';
import { computePagos, type Pagos, repComprobante } from '../../src/pagos/index.js';
import { validateComprobante } from '../../src/rules/index.js';
import { cadenaOriginal } from '../../src/sealing/cadena.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { renderComprobante } from '../../src/xml/render.js';
import { assertCliBuilt, runCli } from '../cli/run-cli.js';
import { cadena, cadenaOfFile, corpusFiles, kitAvailable, validateXsd } from '../helpers/kit.js';
import { convertPagado, pagosFacts, REP_HEADER, withMonto } from './generators.js';

/*
 * Pagos 2.0 as typed nodes of the model, in and out of XML: every corpus REP reads typed and goes
 * XML → JSON → XML with the cadena of the original file; random computed REPs pass SAT's XSD
 * (cfdv40 + Pagos20), read back as themselves and have SAT's cadena; validate reports a REP's one
 * mistake with its CRP code at its path, from the real binary.
 */

function computed(facts: Parameters<typeof computePagos>[0]): Pagos {
  const { pagos, issues } = computePagos(facts);
  expect(issues).toEqual([]);
  return pagos as Pagos;
}

const randomPagos = pagosFacts().map((f) => computed(withMonto(f, convertPagado)));

describe.skipIf(!kitAvailable)('Pagos 2.0 corpus documents as typed nodes', () => {
  const files = kitAvailable ? corpusFiles('cfdi40').filter((f) => /pago/i.test(basename(f))) : [];

  it('reads all 16 typed and keeps their cadena through XML → JSON → XML', () => {
    expect(files).toHaveLength(16);
    for (const file of files) {
      const c = parseComprobante(readFileSync(file));
      const pagos = c.complemento?.filter((item) => 'pagos' in item) ?? [];
      expect(pagos, basename(file)).toHaveLength(1);
      const json = JSON.parse(JSON.stringify(c)) as unknown;
      const back = ComprobanteSchema.parse(json);
      const xml = renderComprobante(back);
      expect(cadena(xml), basename(file)).toBe(cadenaOfFile(file));
      expect(parseComprobante(xml)).toEqual(c);
    }
  });
});

describe.skipIf(!kitAvailable)('computed REPs in XML', () => {
  it('pass cfdv40 + Pagos20.xsd, read back as themselves, have SAT’s cadena and no rule error (property)', () => {
    fc.assert(
      fc.property(randomPagos, (pagos) => {
        const c = repComprobante(REP_HEADER, pagos);
        const xml = renderComprobante(c);
        const xsd = validateXsd(xml, true);
        expect(xsd.ok, xsd.output).toBe(true);
        expect(parseComprobante(xml)).toEqual(c);
        expect(cadenaOriginal(xml)).toBe(cadena(xml));
        expect(validateComprobante(c).filter((i) => i.severity === 'error')).toEqual([]);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});

describe.skipIf(!kitAvailable)('validate on a REP with one mistake (CLI)', () => {
  beforeAll(assertCliBuilt);

  it('names the CRP rule at its path: saldo insoluto, a Totales line a cent off, a missing EquivalenciaDR', async () => {
    const [pagos] = fc.sample(
      pagosFacts({ forceMixed: true }).map((f) => computed(withMonto(f, convertPagado))),
      { numRuns: 1, seed: 11 },
    ) as [Pagos];
    const dir = mkdtempSync(join(tmpdir(), 'cfdi-rep-'));
    const good = join(dir, 'rep.xml');
    writeFileSync(good, renderComprobante(repComprobante(REP_HEADER, pagos)));
    expect((await runCli(['validate', good])).code).toBe(0);

    const [first, ...otherPagos] = pagos.pago as [Pago, ...Pago[]];
    const [dr, ...otherDoctos] = first.doctoRelacionado as [DoctoRelacionado, ...DoctoRelacionado[]];
    const withDoctos = (doctos: DoctoRelacionado[]): Pagos => ({
      ...pagos,
      pago: [{ ...first, doctoRelacionado: doctos }, ...otherPagos],
    });
    const cent = (amount: string) => (Number(amount) + 0.01).toFixed(2);
    const mixed = first.doctoRelacionado.findIndex((d) => d.monedaDR !== first.monedaP);
    expect(mixed).toBeGreaterThanOrEqual(0);
    const noEquivalencia = first.doctoRelacionado.map((d, i) => {
      if (i !== mixed) return d;
      const { equivalenciaDR: _dropped, ...rest } = d;
      return rest;
    });
    const mistakes: Array<[string, Pagos, string]> = [
      [
        'CRP20244',
        withDoctos([{ ...dr, impSaldoInsoluto: cent(dr.impSaldoInsoluto) }, ...otherDoctos]),
        'complemento.0.pagos.pago.0.doctoRelacionado.0.impSaldoInsoluto',
      ],
      [
        'CRP20211',
        { ...pagos, totales: { ...pagos.totales, montoTotalPagos: cent(pagos.totales.montoTotalPagos) } },
        'complemento.0.pagos.totales.montoTotalPagos',
      ],
      [
        'CRP20237',
        withDoctos(noEquivalencia),
        `complemento.0.pagos.pago.0.doctoRelacionado.${mixed}.equivalenciaDR`,
      ],
    ];
    for (const [code, bad, path] of mistakes) {
      const file = join(dir, `${code}.xml`);
      writeFileSync(file, renderComprobante(repComprobante(REP_HEADER, bad)));
      const run = await runCli(['validate', file, '--json']);
      expect(run.code, run.stdout).toBe(1);
      const out = JSON.parse(run.stdout) as { issues: Array<{ code: string; path: string }> };
      expect(
        out.issues.map((i) => `${i.code} ${i.path}`),
        code,
      ).toContain(`${code} ${path}`);
    }
  });
});
