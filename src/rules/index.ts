import { z } from 'zod';
import type { Issue, IssuePath } from '../issues.js';
import { type Comprobante, ComprobanteSchema } from '../model/comprobante.js';
import { COMPROBANTE_RULE_CODES, checkComprobante } from './comprobante.js';
import { CONCEPT_RULE_CODES, checkConceptos } from './conceptos.js';
import { makeContext, type RuleContext, type RuleDescription } from './context.js';
import { checkEmisorReceptor, EMISOR_RECEPTOR_RULE_CODES } from './emisor-receptor.js';
import { checkFacets, FACET_RULE_CODES } from './facets.js';
import { checkImpuestosLocales } from './implocal.js';
import { checkImpuestos } from './impuestos.js';
import { checkInformacionGlobal, INFORMACION_GLOBAL_RULE_CODES } from './informacion-global.js';
import { checkComplementoPagos, PAGOS_RULE_CODES } from './pagos.js';
import { checkRepComprobante, REP_RULE_CODES } from './rep.js';

/*
 * Rules out of scope: they need data only SAT or a PAC holds, so no offline validator can decide them.
 *
 * - CFDI40102 (the Sello's digest): needs the signature, which a pre-CFDI does not carry yet; sealing
 *   is the PAC's or the signer's step.
 * - CFDI40106 (certificate revoked, expired or not a CSD): needs SAT's certificate status (LCO).
 * - CFDI40118 (TipoCambio out of range ⇒ Confirmacion): needs SAT's published FIX rate for Fecha;
 *   no rate is shipped, and inventing one would report false errors.
 * - CFDI40126 (LugarExpedicion in c_CodigoPostal): the catalog (tens of thousands of postal codes)
 *   is not shipped; only its five-digit shape is checked (XSD_PATTERN).
 * - CFDI40127 where the Moneda is not MXN or XXX: whether a Confirmacion was needed depends on the
 *   TipoCambio range, i.e. on the FIX rate (checked for MXN and XXX, where no range applies).
 * - CFDI40128, CFDI40129 (Confirmacion valid, not used before): only the issuing PAC knows its keys.
 * - CFDI40138, CFDI40139 (Emisor Rfc/Nombre in l_RFC and matching), CFDI40143, CFDI40144, CFDI40145
 *   (Receptor Rfc/Nombre in l_RFC and matching), CFDI40147, CFDI40148 (DomicilioFiscalReceptor
 *   registered for the receptor's RFC): need SAT's list of registered taxpayers (l_RFC).
 * - CFDI40162 (ClaveProdServ in c_ClaveProdServ), CFDI40163 (ClaveProdServ that requires a
 *   complement), CFDI40164 (ClaveProdServ that requires a tax): the c_ClaveProdServ catalog (tens of
 *   thousands of keys, with its "complemento que debe incluir" and "incluir IVA/IEPS trasladado"
 *   columns) is not shipped; only the eight-digit shape is checked (XSD_PATTERN).
 * - CFDI40187, CFDI40189, CFDI40190, CFDI40192 (the ACuentaTerceros group 40187–40193 of the rules
 *   doc that checks RfcACuentaTerceros, NombreACuentaTerceros and DomicilioFiscalACuentaTerceros
 *   against SAT's taxpayer lists l_RFC / l_LCO): need those lists.
 * - CFDI40196 (Parte ClaveProdServ in c_ClaveProdServ): the catalog is not shipped.
 * - CFDI40999 (unclassified): not a rule.
 */

/** SAT codes first, in number order, then the library's own codes alphabetically. */
function byCode(a: RuleDescription, b: RuleDescription): number {
  const satA = a.code.startsWith('CFDI') || a.code.startsWith('CRP');
  const satB = b.code.startsWith('CFDI') || b.code.startsWith('CRP');
  if (satA !== satB) return satA ? -1 : 1;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Every SAT code (and library rule code) `validateComprobante` can report, with what it checks. */
export const RULE_CODES: readonly RuleDescription[] = Object.freeze(
  [
    ...FACET_RULE_CODES,
    ...COMPROBANTE_RULE_CODES,
    ...INFORMACION_GLOBAL_RULE_CODES,
    ...EMISOR_RECEPTOR_RULE_CODES,
    ...CONCEPT_RULE_CODES,
    ...PAGOS_RULE_CODES,
    ...REP_RULE_CODES,
  ].sort(byCode),
);

/** A layer of checks: pure, collecting every issue it finds, never throwing on bad data. */
type Check = (c: Comprobante, ctx: RuleContext) => Issue[];

/**
 * The layers in the order a PAC applies them: the XSD shape, the SAT catalogs, then the SAT business
 * rules and arithmetic (rules doc A.10).
 */
const LAYERS: readonly (readonly Check[])[] = [
  // Shape then catalogs, in one walk over the attributes.
  [checkFacets],
  [
    checkComprobante,
    checkInformacionGlobal,
    checkEmisorReceptor,
    checkConceptos,
    checkImpuestos,
    checkImpuestosLocales,
    checkComplementoPagos,
    checkRepComprobante,
  ],
];

/** The schema a path segment leads to, without the optional wrapper. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current;
}

/**
 * Where each segment of `path` sits in document order: a field's rank is its position in the model's
 * shape, which follows cfdv40.xsd (attributes, then child nodes in sequence); an index is itself.
 * Segments the model does not know (inside a complement) rank after the known ones.
 */
function documentRank(path: IssuePath): number[] {
  const ranks: number[] = [];
  let schema: z.ZodType | undefined = ComprobanteSchema;
  for (const segment of path) {
    const current = unwrap(schema);
    if (typeof segment === 'number') {
      ranks.push(segment);
      schema = current instanceof z.ZodArray ? (current.element as z.ZodType) : undefined;
      continue;
    }
    if (current instanceof z.ZodObject) {
      const keys = Object.keys(current.shape);
      const index = keys.indexOf(segment);
      ranks.push(index < 0 ? keys.length : index);
      schema = index < 0 ? undefined : (current.shape[segment] as z.ZodType);
    } else {
      ranks.push(Number.MAX_SAFE_INTEGER);
      schema = undefined;
    }
  }
  return ranks;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  // A node comes before its attributes and children.
  return a.length - b.length;
}

/**
 * Validates a comprobante: XSD facets, SAT catalogs and the SAT rules (CFDI40101–CFDI40221 as far as
 * they can be decided offline, implocal included, and the Pagos 2.0 CRP202xx rules of every REP
 * complement), returning every issue once, in document order.
 */
export function validateComprobante(c: Comprobante): Issue[] {
  const ctx = makeContext(c);
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const layer of LAYERS) {
    for (const check of layer) {
      for (const issue of check(c, ctx)) {
        const key = JSON.stringify([issue.code, issue.path, issue.message, issue.severity]);
        if (seen.has(key)) continue;
        seen.add(key);
        issues.push(issue);
      }
    }
  }
  const ranked = issues.map((issue) => ({ issue, rank: documentRank(issue.path) }));
  // Array.prototype.sort is stable, so issues at the same place keep the layer order.
  ranked.sort((a, b) => compareRanks(a.rank, b.rank));
  return ranked.map(({ issue }) => issue);
}

export { checkComprobante } from './comprobante.js';
export { checkConceptos } from './conceptos.js';
export { makeContext, type RuleContext, type RuleDescription } from './context.js';
export { checkEmisorReceptor } from './emisor-receptor.js';
export { checkCatalogs, checkFacets, checkShape, FACET_TABLE } from './facets.js';
export { checkImpuestosLocales } from './implocal.js';
export { checkImpuestos } from './impuestos.js';
export { checkInformacionGlobal } from './informacion-global.js';
export { checkComplementoPagos, checkPagos, PAGOS_RULE_CODES } from './pagos.js';
export { checkRepComprobante, REP_RULE_CODES } from './rep.js';
