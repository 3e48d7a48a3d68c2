import { basename } from 'node:path';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { computePagos, type Pagos, PagosSchema } from '../../src/pagos/index.js';
import { checkPagos } from '../../src/rules/pagos.js';
import { corpusFiles, KIT } from '../helpers/kit.js';
import { baseDecimalsOf, factsOf, readPagos } from './corpus-read.js';

/*
 * Every Pagos 2.0 document of the kit's corpus: recomputing its amounts from its own facts must
 * reproduce them, unless the sample is listed below with the CRP rules it breaks and why. The reasons
 * were read off the samples' XML, not off this library's output.
 */
const DEFECTS: Record<string, { codes: string[]; why: string }> = {
  'eddusoft__complemento_pagos_v2_001.xml': {
    codes: ['CRP20247'],
    why: 'ObjetoImpDR="01" (not subject to tax) yet the DR carries ImpuestosDR',
  },
  'swsdkjava__CFDI40_Pago_Dolar.xml': {
    codes: ['CRP20205'],
    why: 'TotalTrasladosImpuestoIVA16="15.9" is not round2(ImporteP 0.77 × TipoCambioP 20.64 = 15.8928) = 15.89',
  },
  'swsdkjava__CFDI40_Pago_MonedasDistintasyDRenUSD.xml': {
    codes: ['CRP20204', 'CRP20205'],
    why: 'Totales written with one decimal: 21.6 and 3.4 for round2(0.862068 × 25) = 21.55 and round2(0.137931 × 25) = 3.45',
  },
  'satcfdi__cfdv40-pagos20-all.xml': {
    codes: ['CRP20212', 'CRP20218', 'CRP20239', 'CRP20244', 'CRP20252', 'CRP20258', 'CRP20229'],
    why:
      'a schema showcase with placeholder values: FormaDePagoP="99", Monto="0.00", ImpSaldoAnt="0.00" with ' +
      'ImpPagado="1.00" and ImpSaldoInsoluto="1.00", an Exento RetencionDR, an Exento TrasladoDR with ' +
      'TasaOCuotaDR and ImporteDR, TipoCadPago with FormaDePagoP 99',
  },
};

/*
 * Samples that break no CRP rule but that a recomputation from their own facts cannot reproduce
 * digit for digit, and why. `bases`: the sample prorated BaseDR from the invoice's own base and total
 * (a base per tax that is not ImpPagado / (1 + Σ rates)), which the sample does not carry, so its
 * BaseDR values are taken as facts and everything after them must reproduce. `differ`: the only
 * paths allowed to differ, with the reason.
 */
const VARIANTS: Record<string, { bases?: true; differ?: RegExp; why: string }> = {
  'cfdiutils__pagos20-calculator-001.xml': {
    bases: true,
    why: 'BaseDR prorated from the invoice (CfdiUtils test data)',
  },
  'cfdiutils__pagos20-calculator-003.xml': {
    bases: true,
    why: 'BaseDR prorated from the invoice (CfdiUtils test data)',
  },
  'swsdkjava__Pagos20_Timbrado.xml': {
    bases: true,
    why: 'BaseDR prorated from the invoice (5842.60 for ImpPagado 6777.41)',
  },
  'swsdkjava__CFDI40_Pago_DoctoRelacionadoEnDolar.xml': {
    differ: /^(pago\.0\.trasladoP\.002\|Tasa\|0\.16\.(baseP|importeP)|totales\.totalTrasladosImpuestoIVA16):/,
    why:
      'ImporteP written truncated to 2 decimals (127.06 for 127.065364) and BaseP truncated at 6, both inside the ' +
      'CRP20268/CRP20274 margin; its Totales follow from that ImporteP, ours from the 6-decimal one (127.07)',
  },
};

const files = corpusFiles().filter((f) => /pago/i.test(basename(f)));

/** Where the recomputed complement differs from the sample (amounts compared as decimals). */
function differences(sample: Pagos, recomputed: Pagos): string[] {
  const out: string[] = [];
  const same = (a: string | undefined, b: string | undefined) =>
    a === undefined || b === undefined ? a === b : new Decimal(a).eq(b);
  const cmp = (path: string, a: string | undefined, b: string | undefined) => {
    if (!same(a, b)) out.push(`${path}: sample ${a} recomputed ${b}`);
  };
  const keys = new Set([...Object.keys(sample.totales), ...Object.keys(recomputed.totales)]);
  for (const k of keys) {
    const a = (sample.totales as Record<string, string>)[k];
    const b = (recomputed.totales as Record<string, string>)[k];
    // A zero Totales line the sample wrote for a tax it does not have is harmless (CRP20201–20210 hold).
    if (b === undefined && a !== undefined && new Decimal(a).isZero()) continue;
    cmp(`totales.${k}`, a, b);
  }
  sample.pago.forEach((p, i) => {
    const q = recomputed.pago[i];
    if (q === undefined) {
      out.push(`pago.${i}: missing`);
      return;
    }
    p.doctoRelacionado.forEach((d, j) => {
      const e = q.doctoRelacionado[j];
      const at = `pago.${i}.doctoRelacionado.${j}`;
      cmp(`${at}.impSaldoInsoluto`, d.impSaldoInsoluto, e?.impSaldoInsoluto);
      for (const kind of ['trasladosDR', 'retencionesDR'] as const) {
        const a = d.impuestosDR?.[kind] ?? [];
        const b = e?.impuestosDR?.[kind] ?? [];
        if (a.length !== b.length) out.push(`${at}.${kind}: ${a.length} vs ${b.length}`);
        a.forEach((t, k) => {
          cmp(`${at}.${kind}.${k}.baseDR`, t.baseDR, b[k]?.baseDR);
          cmp(`${at}.${kind}.${k}.importeDR`, t.importeDR, b[k]?.importeDR);
        });
      }
    });
    const ra = p.impuestosP?.retencionesP ?? [];
    const rb = q.impuestosP?.retencionesP ?? [];
    for (const r of ra)
      cmp(
        `pago.${i}.retencionP.${r.impuestoP}`,
        r.importeP,
        rb.find((x) => x.impuestoP === r.impuestoP)?.importeP,
      );
    if (ra.length !== rb.length) out.push(`pago.${i}.retencionesP: ${ra.length} vs ${rb.length}`);
    const ta = p.impuestosP?.trasladosP ?? [];
    const tb = q.impuestosP?.trasladosP ?? [];
    const key = (t: { impuestoP: string; tipoFactorP: string; tasaOCuotaP?: string | undefined }) =>
      `${t.impuestoP}|${t.tipoFactorP}|${t.tasaOCuotaP === undefined ? '' : new Decimal(t.tasaOCuotaP).toFixed()}`;
    for (const t of ta) {
      const u = tb.find((x) => key(x) === key(t));
      cmp(`pago.${i}.trasladoP.${key(t)}.baseP`, t.baseP, u?.baseP);
      cmp(`pago.${i}.trasladoP.${key(t)}.importeP`, t.importeP, u?.importeP);
    }
    if (ta.length !== tb.length) out.push(`pago.${i}.trasladosP: ${ta.length} vs ${tb.length}`);
  });
  return out;
}

describe(`Pagos 2.0 corpus (${KIT})`, () => {
  it('has Pagos 2.0 samples', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [basename(f), f]))('%s', (name, file) => {
    const sample = readPagos(file);
    if (sample === undefined) {
      // Only a document without a pago20:Pagos 2.0 node may be skipped; name it so it shows.
      expect(name).toMatch(/pago/i);
      return;
    }
    PagosSchema.parse(sample);
    const errors = checkPagos(sample).filter((i) => i.severity === 'error');
    const decimals = baseDecimalsOf(sample);
    const variant = VARIANTS[name];
    const { pagos, issues } = computePagos(
      factsOf(sample, variant?.bases === true),
      decimals === undefined ? {} : { drDecimals: decimals },
    );
    const defect = DEFECTS[name];
    if (defect === undefined) {
      expect(errors).toEqual([]);
      expect(issues).toEqual([]);
      const differ = variant?.differ;
      const diffs = differences(sample, pagos as Pagos).filter(
        (d) => differ === undefined || !differ.test(d),
      );
      expect(diffs, variant?.why).toEqual([]);
      expect(checkPagos(pagos as Pagos).filter((i) => i.severity === 'error')).toEqual([]);
    } else {
      const found = new Set(errors.map((e) => e.code));
      for (const code of defect.codes) expect(found, `${name} breaks ${code}: ${defect.why}`).toContain(code);
    }
  });
});
