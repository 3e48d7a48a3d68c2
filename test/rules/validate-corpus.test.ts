import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateComprobante } from '../../src/rules/index.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { KIT } from '../helpers/kit.js';

/*
 * Documents nobody on the project wrote: the kit's CFDI 4.0 corpus (real invoices stamped by PACs,
 * SDK samples). Every one that a PAC would accept must pass the rules; the others are listed with the
 * mistake that keeps them out, and must be reported with that code.
 */

const CORPUS = join(KIT, 'corpus', 'cfdi40');

/** Corpus files that are not valid CFDI 4.0, with the SAT code their mistake earns. */
const KNOWN_INVALID: Readonly<Record<string, { readonly why: string; readonly code: string }>> = {
  'gobl__invoice-global.xml': {
    why: 'Receptor Nombre written with an accent, "PÚBLICO EN GENERAL"',
    code: 'CFDI40130',
  },
  'eddusoft__complemento_pagos_v2_001.xml': {
    why: 'a DoctoRelacionado with ObjetoImpDR 01 (no objeto de impuesto) that carries ImpuestosDR',
    code: 'CRP20247',
  },
  'swsdkjava__CFDI40_Pago_Dolar.xml': {
    why: 'TotalTrasladosImpuestoIVA16 written 15.9 where the rounded sum × TipoCambioP is 15.89',
    code: 'CRP20205',
  },
  'swsdkjava__CFDI40_Pago_MonedasDistintasyDRenUSD.xml': {
    why: 'Totales written with one decimal: TotalTrasladosBaseIVA16 21.6 for a rounded sum of 21.55',
    code: 'CRP20204',
  },
  'misaelma__vehiculo_usado.xml': {
    why: 'SubTotal 2000 while the only concepto Importe is 200.00',
    code: 'CFDI40108',
  },
  'pycfditransform__cfdi40_01_implocal.xml': {
    why: 'random amounts: a 6-decimal SubTotal in IRR',
    code: 'CFDI40107',
  },
  'pycfditransform__pago_stamped.xml': {
    why: 'a REP whose Receptor has UsoCFDI G01 where the Guía de llenado asks CP01',
    code: 'REP_USO_CFDI',
  },
  'satcfdi__cfdv40-min.xml': {
    why: 'schema-valid sample with nonsense values (RegimenFiscalReceptor 630)',
    code: 'CFDI40157',
  },
};

/** Families of corpus files whose values are samples, not invoices; excluded as a whole. */
const SAMPLE_FAMILIES: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^satcfdi__cfdv40-/,
    'cryptosys "schema-valid with nonsense values" samples (P with FormaPago, UsoCFDI P01)',
  ],
  [/^eddusoft__(facturacion_normal|infoGlobal)/, 'Fecha 2021-12-29, before CFDI 4.0 took effect'],
  [
    /^satcfdi__(h_e951128469|xiqb891116qe4|iva_concepto|rentenciones|pago_xiqb|mpago2|invoice_nomina)/,
    'Fecha 2020, before CFDI 4.0 took effect; persona física XIQB891116QE4 in régimen 601',
  ],
];

const files = existsSync(CORPUS)
  ? readdirSync(CORPUS)
      .filter((f) => f.endsWith('.xml'))
      .sort()
  : [];

function errorsIn(file: string) {
  const c = parseComprobante(readFileSync(join(CORPUS, file)));
  return validateComprobante(c).filter((issue) => issue.severity === 'error');
}

describe.skipIf(files.length === 0)('the kit corpus', () => {
  const valid = files.filter(
    (f) => !(f in KNOWN_INVALID) && !SAMPLE_FAMILIES.some(([family]) => family.test(f)),
  );

  it('keeps most of the corpus in the valid set', () => {
    expect(valid.length).toBeGreaterThanOrEqual(45);
  });

  it.each(valid)('%s passes every rule', (file) => {
    expect(errorsIn(file).map((i) => `${i.code} ${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });

  const invalid = Object.entries(KNOWN_INVALID).map(([file, { why, code }]) => [file, code, why] as const);
  it.each(invalid)('%s is reported as %s (%s)', (file, code) => {
    expect(errorsIn(file).map((i) => i.code)).toContain(code);
  });
});
