import {
  IMPUESTOS,
  isInCatalog,
  isTasaOCuotaAllowed,
  isVigente,
  OBJETOS_IMP,
  REGIMENES_FISCALES,
  TIPOS_FACTOR,
} from '../catalogs/index.js';
import { error, type Issue, type IssuePath } from '../issues.js';
import type {
  ACuentaTerceros,
  ComplementoItem,
  Comprobante,
  Concepto,
  InformacionAduanera,
  Parte,
  Retencion,
  Traslado,
} from '../model/comprobante.js';
import { decimalsOf, isAmountText, Money } from '../money.js';
import { importeWindow, isImporteInWindow, isTaxImporteInWindow, taxWindow } from '../taxes/windows.js';
import type { RuleContext } from './context.js';

/*
 * Concept-level SAT rules (Anexo 20 matriz de errores CFDI40166–CFDI40200): the Importe window, the
 * concept Descuento, ObjetoImp and its Impuestos node, each Traslado and Retencion against the
 * c_Impuesto / c_TipoFactor / c_TasaOCuota catalogs and the A.4 window, ACuentaTerceros,
 * InformacionAduanera and Parte. Every check that needs an amount runs only when that amount is a
 * plain decimal: malformed amounts are the XSD-facet rules' findings, not ours, and never throw here.
 */

/** Every SAT code (and library code) the concept, impuestos and implocal rules report, with what it means. */
export const CONCEPT_RULE_CODES: ReadonlyArray<{ code: string; description: string }> = Object.freeze([
  {
    code: 'CFDI40166',
    description: 'Concepto ValorUnitario must be greater than 0 when TipoDeComprobante is I, E or N.',
  },
  {
    code: 'CFDI40167',
    description: 'Concepto Importe outside the limits of Cantidad × ValorUnitario (rules doc A.3).',
  },
  { code: 'CFDI40168', description: 'Concepto Descuento has more decimals than the concept Importe.' },
  { code: 'CFDI40169', description: 'Concepto Descuento is greater than the concept Importe.' },
  {
    code: 'CFDI40170',
    description: 'Concepto ObjetoImp not in c_ObjetoImp, or not vigente on the Fecha of the comprobante.',
  },
  {
    code: 'CFDI40171',
    description:
      'ObjetoImp 02 requires the concept Impuestos node; ObjetoImp 07 requires it with an IEPS (003) Traslado (07 node rule from a validator, not SAT text).',
  },
  {
    code: 'CFDI40172',
    description:
      'ObjetoImp 01, 03, 04 or 05 forbid the concept Impuestos node; 06 and 08 allow only ISR (001) Retenciones, 07 forbids IVA (002) (06–08 node rules from a validator, not SAT text).',
  },
  { code: 'CFDI40173', description: 'Concept Impuestos node without Traslados or Retenciones.' },
  { code: 'CFDI40174', description: 'Concept Traslado Base must be greater than 0.' },
  {
    code: 'CFDI40175',
    description: 'Concept Traslado Impuesto not in c_Impuesto or not a transferable tax (ISR).',
  },
  { code: 'CFDI40176', description: 'Concept Traslado TipoFactor not in c_TipoFactor.' },
  {
    code: 'CFDI40177',
    description: 'Concept Traslado with TipoFactor Exento carries TasaOCuota or Importe.',
  },
  {
    code: 'CFDI40178',
    description: 'Concept Traslado with TipoFactor Tasa or Cuota lacks TasaOCuota or Importe.',
  },
  {
    code: 'CFDI40179',
    description: 'Concept Traslado TasaOCuota not allowed by c_TasaOCuota for its Impuesto and TipoFactor.',
  },
  {
    code: 'CFDI40180',
    description: 'Concept Traslado Importe outside the limits of Base × TasaOCuota (rules doc A.4).',
  },
  { code: 'CFDI40181', description: 'Concept Retencion Base must be greater than 0.' },
  { code: 'CFDI40182', description: 'Concept Retencion Impuesto not in c_Impuesto.' },
  { code: 'CFDI40183', description: 'Concept Retencion TipoFactor not in c_TipoFactor.' },
  { code: 'CFDI40184', description: 'Concept Retencion with TipoFactor Exento.' },
  {
    code: 'CFDI40185',
    description: 'Concept Retencion TasaOCuota not allowed by c_TasaOCuota for its Impuesto and TipoFactor.',
  },
  {
    code: 'CFDI40186',
    description: 'Concept Retencion Importe outside the limits of Base × TasaOCuota (rules doc A.4).',
  },
  { code: 'CFDI40188', description: 'RfcACuentaTerceros equals the Rfc of the Emisor or of the Receptor.' },
  { code: 'CFDI40191', description: 'RegimenFiscalACuentaTerceros not in c_RegimenFiscal.' },
  {
    code: 'CFDI40193',
    description:
      'With RfcACuentaTerceros EXT990101NI1, DomicilioFiscalACuentaTerceros must equal LugarExpedicion.',
  },
  {
    code: 'CFDI40194',
    description: 'Concept InformacionAduanera NumeroPedimento does not follow the pedimento format.',
  },
  {
    code: 'CFDI40195',
    description: 'Concept InformacionAduanera must not exist with the Comercio Exterior complement.',
  },
  {
    code: 'CFDI40197',
    description: 'Parte ValorUnitario must be greater than 0 when TipoDeComprobante is I, E or N.',
  },
  {
    code: 'CFDI40198',
    description: 'Parte Importe outside the limits of Cantidad × ValorUnitario (rules doc A.3).',
  },
  {
    code: 'CFDI40199',
    description: 'Parte InformacionAduanera NumeroPedimento does not follow the pedimento format.',
  },
  {
    code: 'CFDI40200',
    description: 'Parte InformacionAduanera must not exist with the Comercio Exterior complement.',
  },
  {
    code: 'CFDI40201',
    description: 'TipoDeComprobante T or P: the comprobante Impuestos node must not exist.',
  },
  { code: 'CFDI40202', description: 'TotalImpuestosRetenidos has more decimals than the currency allows.' },
  {
    code: 'CFDI40203',
    description: 'TotalImpuestosRetenidos is not the sum of the Retencion Importe values.',
  },
  { code: 'CFDI40204', description: 'TotalImpuestosTrasladados has more decimals than the currency allows.' },
  {
    code: 'CFDI40205',
    description: 'TotalImpuestosTrasladados is not the sum of the Traslado Importe values.',
  },
  {
    code: 'CFDI40206',
    description:
      'Retenciones exist (in the comprobante or its conceptos) but TotalImpuestosRetenidos is missing.',
  },
  { code: 'CFDI40207', description: 'Comprobante Retencion Impuesto not in c_Impuesto.' },
  { code: 'CFDI40208', description: 'More than one comprobante Retencion for the same Impuesto.' },
  { code: 'CFDI40209', description: 'TotalImpuestosRetenidos exists without any comprobante Retencion.' },
  {
    code: 'CFDI40210',
    description: 'Comprobante Retencion Importe has more decimals than the currency allows.',
  },
  {
    code: 'CFDI40211',
    description:
      'Comprobante Retencion Importe is not the rounded sum of the concept Retencion Importe values of its Impuesto (or a concept Impuesto has no Retencion).',
  },
  {
    code: 'CFDI40212',
    description: 'Traslados with TipoFactor Tasa or Cuota exist but TotalImpuestosTrasladados is missing.',
  },
  {
    code: 'CFDI40213',
    description:
      'Comprobante Traslado lacks Base, Impuesto or TipoFactor, carries TasaOCuota/Importe with Exento, or lacks them with Tasa/Cuota.',
  },
  { code: 'CFDI40214', description: 'Comprobante Traslado Base has more decimals than the currency allows.' },
  {
    code: 'CFDI40215',
    description:
      'Comprobante Traslado Base is not the rounded sum of the concept Base values of its Impuesto, TipoFactor and TasaOCuota (or a concept group has no Traslado).',
  },
  {
    code: 'CFDI40216',
    description:
      'Exento comprobante Traslado Base is not the rounded sum of the concept Exento Base values of its Impuesto.',
  },
  {
    code: 'CFDI40217',
    description: 'Comprobante Traslado Impuesto not in c_Impuesto or not a transferable tax (ISR).',
  },
  {
    code: 'CFDI40218',
    description: 'More than one comprobante Traslado for the same Impuesto, TipoFactor and TasaOCuota.',
  },
  {
    code: 'CFDI40219',
    description:
      'Comprobante Traslado TasaOCuota not allowed by c_TasaOCuota for its Impuesto and TipoFactor.',
  },
  {
    code: 'CFDI40220',
    description: 'Comprobante Traslado Importe has more decimals than the currency allows.',
  },
  {
    code: 'CFDI40221',
    description:
      'Comprobante Traslado Importe is not the rounded sum of the concept Traslado Importe values of its Impuesto, TipoFactor and TasaOCuota.',
  },
  { code: 'IMPLOCAL_VERSION', description: 'implocal:ImpuestosLocales version is not "1.0".' },
  {
    code: 'IMPLOCAL_TOTAL_TRASLADOS',
    description: 'implocal TotaldeTraslados is not the sum of the TrasladosLocales Importe values.',
  },
  {
    code: 'IMPLOCAL_TOTAL_RETENCIONES',
    description: 'implocal TotaldeRetenciones is not the sum of the RetencionesLocales Importe values.',
  },
  {
    code: 'IMPLOCAL_DECIMALS',
    description: 'An implocal amount or rate is not a decimal with at most 2 fraction digits.',
  },
  {
    code: 'IMPLOCAL_IMPORTE',
    description:
      'Warning: an implocal Importe does not match its rate applied to the derivable base (no SAT rule exists).',
  },
]);

/** TipoDeComprobante values whose conceptos must have a positive ValorUnitario (CFDI40166, 40197). */
const PRICED_TIPOS = new Set(['I', 'E', 'N']);
/** ObjetoImp values whose concepto must not carry an Impuestos node (CFDI40172). */
const OBJETO_IMP_WITHOUT_TAXES = new Set(['01', '03', '04', '05']);
/** InformacionAduanera/@NumeroPedimento pattern of cfdv40.xsd (CFDI40194, 40199). */
const PEDIMENTO = /^[0-9]{2} {2}[0-9]{2} {2}[0-9]{4} {2}[0-9]{7}$/;
/** The generic RFC of intermediaries for foreign suppliers (Guía de llenado, ACuentaTerceros). */
const RFC_EXTRANJERO_TERCEROS = 'EXT990101NI1';
const ISR = '001';
const IVA = '002';
const IEPS = '003';

/** Checks every concepto of a comprobante: Importe, Descuento, ObjetoImp, concept taxes, terceros, aduana and partes. */
export function checkConceptos(c: Comprobante, ctx: RuleContext): Issue[] {
  const issues: Issue[] = [];
  const comercioExterior = hasComercioExterior(c.complemento);
  c.conceptos.forEach((concepto, i) => {
    const path: IssuePath = ['conceptos', i];
    const label = `concepto ${i + 1}`;
    checkAmounts(concepto, path, label, ctx, issues);
    checkObjetoImp(concepto, path, label, ctx, issues);
    concepto.impuestos?.traslados?.forEach((t, k) => {
      checkTraslado(t, [...path, 'impuestos', 'traslados', k], `${label}, Traslado ${k + 1}`, issues);
    });
    concepto.impuestos?.retenciones?.forEach((r, k) => {
      checkRetencion(r, [...path, 'impuestos', 'retenciones', k], `${label}, Retencion ${k + 1}`, issues);
    });
    if (concepto.aCuentaTerceros !== undefined) {
      checkTerceros(concepto.aCuentaTerceros, c, [...path, 'aCuentaTerceros'], label, issues);
    }
    checkAduana(
      concepto.informacionAduanera,
      [...path, 'informacionAduanera'],
      label,
      comercioExterior,
      false,
      issues,
    );
    concepto.parte?.forEach((parte, p) => {
      checkParte(parte, [...path, 'parte', p], `${label}, Parte ${p + 1}`, ctx, comercioExterior, issues);
    });
  });
  return issues;
}

function checkAmounts(
  concepto: Concepto,
  path: IssuePath,
  label: string,
  ctx: RuleContext,
  issues: Issue[],
): void {
  const { cantidad, valorUnitario, importe, descuento } = concepto;
  if (PRICED_TIPOS.has(ctx.tipo) && isAmountText(valorUnitario) && new Money(valorUnitario).lte(0)) {
    issues.push(
      error(
        'CFDI40166',
        [...path, 'valorUnitario'],
        `${label}: ValorUnitario ${valorUnitario} must be greater than 0 when TipoDeComprobante is ${ctx.tipo}`,
      ),
    );
  }
  const window = importeIssue(cantidad, valorUnitario, importe);
  if (window !== undefined) issues.push(error('CFDI40167', [...path, 'importe'], `${label}: ${window}`));
  if (descuento === undefined || !isAmountText(descuento) || !isAmountText(importe)) return;
  if (decimalsOf(descuento) > decimalsOf(importe)) {
    issues.push(
      error(
        'CFDI40168',
        [...path, 'descuento'],
        `${label}: Descuento ${descuento} has ${decimalsOf(descuento)} decimals, more than the ${decimalsOf(importe)} of Importe ${importe}`,
      ),
    );
  }
  if (new Money(descuento).gt(importe)) {
    issues.push(
      error(
        'CFDI40169',
        [...path, 'descuento'],
        `${label}: Descuento ${descuento} is greater than Importe ${importe}`,
      ),
    );
  }
}

/**
 * The A.3 message for an Importe outside the Cantidad × ValorUnitario window, or `undefined` when it
 * is inside or when any of the three is not a plain decimal.
 */
function importeIssue(cantidad: string, valorUnitario: string, importe: string): string | undefined {
  if (!isAmountText(cantidad) || !isAmountText(valorUnitario) || !isAmountText(importe)) return undefined;
  if (isImporteInWindow(cantidad, valorUnitario, importe)) return undefined;
  const { lower, upper } = importeWindow(cantidad, valorUnitario, decimalsOf(importe));
  const product = new Money(cantidad).times(valorUnitario).toFixed();
  return (
    `Importe ${importe} is outside the limits of Cantidad × ValorUnitario ` +
    `(${cantidad} × ${valorUnitario} = ${product}; allowed ${lower.toFixed(decimalsOf(importe))} to ${upper.toFixed(decimalsOf(importe))})`
  );
}

function checkObjetoImp(
  concepto: Concepto,
  path: IssuePath,
  label: string,
  ctx: RuleContext,
  issues: Issue[],
): void {
  const { objetoImp, impuestos } = concepto;
  const objetoPath = [...path, 'objetoImp'];
  const impuestosPath = [...path, 'impuestos'];
  const entry = isInCatalog(OBJETOS_IMP, objetoImp) ? OBJETOS_IMP[objetoImp] : undefined;
  if (entry === undefined) {
    issues.push(
      error(
        'CFDI40170',
        objetoPath,
        `${label}: ObjetoImp ${JSON.stringify(objetoImp)} is not in c_ObjetoImp`,
      ),
    );
    return;
  }
  // Vigencia is judged only against a real Fecha on or after CFDI 4.0 took effect (see RuleContext).
  if (ctx.vigenciaFecha !== undefined && !isVigente(entry, ctx.vigenciaFecha)) {
    issues.push(
      error(
        'CFDI40170',
        objetoPath,
        `${label}: ObjetoImp ${objetoImp} is not vigente on Fecha ${ctx.fecha.slice(0, 10)} (c_ObjetoImp from ${entry.vigenciaDesde ?? '?'})`,
      ),
    );
  }
  const traslados = impuestos?.traslados ?? [];
  const retenciones = impuestos?.retenciones ?? [];
  if (impuestos !== undefined && traslados.length === 0 && retenciones.length === 0) {
    issues.push(
      error('CFDI40173', impuestosPath, `${label}: Impuestos has neither Traslados nor Retenciones`),
    );
  }
  if (objetoImp === '02' && impuestos === undefined) {
    issues.push(error('CFDI40171', impuestosPath, `${label}: ObjetoImp 02 requires the Impuestos node`));
  }
  if (OBJETO_IMP_WITHOUT_TAXES.has(objetoImp) && impuestos !== undefined) {
    issues.push(
      error('CFDI40172', impuestosPath, `${label}: ObjetoImp ${objetoImp} forbids the Impuestos node`),
    );
  }
  // 06–08 (c_ObjetoImp since 2024-12-13): the SAT wording was not retrieved; these node rules follow the
  // KPac validator, reported with the codes the matriz uses for 01–05 (rules doc A.7).
  if ((objetoImp === '06' || objetoImp === '08') && impuestos !== undefined) {
    if (traslados.length > 0) {
      issues.push(
        error(
          'CFDI40172',
          [...impuestosPath, 'traslados'],
          `${label}: ObjetoImp ${objetoImp} forbids Traslados; only ISR (001) Retenciones may exist`,
        ),
      );
    }
    retenciones.forEach((r, k) => {
      if (r.impuesto !== ISR) {
        issues.push(
          error(
            'CFDI40172',
            [...impuestosPath, 'retenciones', k, 'impuesto'],
            `${label}: ObjetoImp ${objetoImp} allows only ISR (001) Retenciones, found Impuesto ${r.impuesto}`,
          ),
        );
      }
    });
  }
  if (objetoImp === '07') {
    if (impuestos === undefined) {
      issues.push(
        error(
          'CFDI40171',
          impuestosPath,
          `${label}: ObjetoImp 07 requires the Impuestos node with an IEPS (003) Traslado`,
        ),
      );
      return;
    }
    if (!traslados.some((t) => t.impuesto === IEPS)) {
      issues.push(
        error(
          'CFDI40171',
          [...impuestosPath, 'traslados'],
          `${label}: ObjetoImp 07 requires an IEPS (003) Traslado`,
        ),
      );
    }
    const forbidIva = (
      node: 'traslados' | 'retenciones',
      name: string,
      impuesto: string,
      k: number,
    ): void => {
      if (impuesto !== IVA) return;
      issues.push(
        error(
          'CFDI40172',
          [...impuestosPath, node, k, 'impuesto'],
          `${label}: ObjetoImp 07 forbids IVA (002) in ${name}`,
        ),
      );
    };
    traslados.forEach((t, k) => {
      forbidIva('traslados', 'Traslados', t.impuesto, k);
    });
    retenciones.forEach((r, k) => {
      forbidIva('retenciones', 'Retenciones', r.impuesto, k);
    });
  }
}

function checkTraslado(t: Traslado, path: IssuePath, label: string, issues: Issue[]): void {
  if (isAmountText(t.base) && new Money(t.base).lte(0)) {
    issues.push(error('CFDI40174', [...path, 'base'], `${label}: Base ${t.base} must be greater than 0`));
  }
  const impuestoOk = isInCatalog(IMPUESTOS, t.impuesto) && IMPUESTOS[t.impuesto]?.traslado === true;
  if (!impuestoOk) {
    const why = isInCatalog(IMPUESTOS, t.impuesto)
      ? 'is withheld only, never transferred'
      : 'is not in c_Impuesto';
    issues.push(
      error('CFDI40175', [...path, 'impuesto'], `${label}: Impuesto ${JSON.stringify(t.impuesto)} ${why}`),
    );
  }
  if (!isInCatalog(TIPOS_FACTOR, t.tipoFactor)) {
    issues.push(
      error(
        'CFDI40176',
        [...path, 'tipoFactor'],
        `${label}: TipoFactor ${JSON.stringify(t.tipoFactor)} is not in c_TipoFactor`,
      ),
    );
    return;
  }
  if (t.tipoFactor === 'Exento') {
    if (t.tasaOCuota !== undefined) {
      issues.push(
        error(
          'CFDI40177',
          [...path, 'tasaOCuota'],
          `${label}: TipoFactor Exento must not carry TasaOCuota (${t.tasaOCuota})`,
        ),
      );
    }
    if (t.importe !== undefined) {
      issues.push(
        error(
          'CFDI40177',
          [...path, 'importe'],
          `${label}: TipoFactor Exento must not carry Importe (${t.importe})`,
        ),
      );
    }
    return;
  }
  if (t.tasaOCuota === undefined) {
    issues.push(
      error('CFDI40178', [...path, 'tasaOCuota'], `${label}: TipoFactor ${t.tipoFactor} requires TasaOCuota`),
    );
  }
  if (t.importe === undefined) {
    issues.push(
      error('CFDI40178', [...path, 'importe'], `${label}: TipoFactor ${t.tipoFactor} requires Importe`),
    );
  }
  if (t.tasaOCuota === undefined) return;
  // c_TasaOCuota vigencia is not applied: the catalog keeps only the latest IEPS Cuota row (from
  // 2026-01-01), so filtering by Fecha would reject every earlier IEPS Cuota document.
  if (impuestoOk && !isTasaOCuotaAllowed(t.impuesto, t.tipoFactor, t.tasaOCuota, 'traslado')) {
    issues.push(
      error(
        'CFDI40179',
        [...path, 'tasaOCuota'],
        `${label}: TasaOCuota ${t.tasaOCuota} is not allowed by c_TasaOCuota for a Traslado of Impuesto ${t.impuesto} with TipoFactor ${t.tipoFactor}`,
      ),
    );
  }
  if (t.importe !== undefined) {
    const message = taxImporteIssue(t.base, t.tasaOCuota, t.importe);
    if (message !== undefined) issues.push(error('CFDI40180', [...path, 'importe'], `${label}: ${message}`));
  }
}

function checkRetencion(r: Retencion, path: IssuePath, label: string, issues: Issue[]): void {
  if (isAmountText(r.base) && new Money(r.base).lte(0)) {
    issues.push(error('CFDI40181', [...path, 'base'], `${label}: Base ${r.base} must be greater than 0`));
  }
  const impuestoOk = isInCatalog(IMPUESTOS, r.impuesto) && IMPUESTOS[r.impuesto]?.retencion === true;
  if (!impuestoOk) {
    issues.push(
      error(
        'CFDI40182',
        [...path, 'impuesto'],
        `${label}: Impuesto ${JSON.stringify(r.impuesto)} is not in c_Impuesto`,
      ),
    );
  }
  if (!isInCatalog(TIPOS_FACTOR, r.tipoFactor)) {
    issues.push(
      error(
        'CFDI40183',
        [...path, 'tipoFactor'],
        `${label}: TipoFactor ${JSON.stringify(r.tipoFactor)} is not in c_TipoFactor`,
      ),
    );
    return;
  }
  if (r.tipoFactor === 'Exento') {
    issues.push(
      error('CFDI40184', [...path, 'tipoFactor'], `${label}: a Retencion cannot have TipoFactor Exento`),
    );
    return;
  }
  if (impuestoOk && !isTasaOCuotaAllowed(r.impuesto, r.tipoFactor, r.tasaOCuota, 'retencion')) {
    issues.push(
      error(
        'CFDI40185',
        [...path, 'tasaOCuota'],
        `${label}: TasaOCuota ${r.tasaOCuota} is not allowed by c_TasaOCuota for a Retencion of Impuesto ${r.impuesto} with TipoFactor ${r.tipoFactor}`,
      ),
    );
  }
  const message = taxImporteIssue(r.base, r.tasaOCuota, r.importe);
  if (message !== undefined) issues.push(error('CFDI40186', [...path, 'importe'], `${label}: ${message}`));
}

/**
 * The A.4 message for a tax Importe outside the Base × TasaOCuota window, or `undefined` when it is
 * inside or when any of the three is not a plain decimal.
 */
function taxImporteIssue(base: string, tasaOCuota: string, importe: string): string | undefined {
  if (!isAmountText(base) || !isAmountText(tasaOCuota) || !isAmountText(importe)) return undefined;
  if (isTaxImporteInWindow(base, tasaOCuota, importe)) return undefined;
  const { lower, upper } = taxWindow(base, tasaOCuota, decimalsOf(importe));
  const product = new Money(base).times(tasaOCuota).toFixed();
  return (
    `Importe ${importe} is outside the limits of Base × TasaOCuota ` +
    `(${base} × ${tasaOCuota} = ${product}; allowed ${lower.toFixed(decimalsOf(importe))} to ${upper.toFixed(decimalsOf(importe))} at ${decimalsOf(importe)} decimals)`
  );
}

function checkTerceros(
  t: ACuentaTerceros,
  c: Comprobante,
  path: IssuePath,
  label: string,
  issues: Issue[],
): void {
  const rfc = t.rfcACuentaTerceros;
  if (rfc === c.emisor.rfc || rfc === c.receptor.rfc) {
    const whose = rfc === c.emisor.rfc ? 'Emisor' : 'Receptor';
    issues.push(
      error(
        'CFDI40188',
        [...path, 'rfcACuentaTerceros'],
        `${label}: RfcACuentaTerceros ${rfc} must differ from the Rfc of the Emisor and of the Receptor (equals the ${whose}'s)`,
      ),
    );
  }
  if (!isInCatalog(REGIMENES_FISCALES, t.regimenFiscalACuentaTerceros)) {
    issues.push(
      error(
        'CFDI40191',
        [...path, 'regimenFiscalACuentaTerceros'],
        `${label}: RegimenFiscalACuentaTerceros ${JSON.stringify(t.regimenFiscalACuentaTerceros)} is not in c_RegimenFiscal`,
      ),
    );
  }
  // The rest of CFDI40193 (the CP registered for the RFC) needs SAT's l_RFC; only the EXT990101NI1
  // branch is offline: its domicilio must be the LugarExpedicion.
  if (rfc === RFC_EXTRANJERO_TERCEROS && t.domicilioFiscalACuentaTerceros !== c.lugarExpedicion) {
    issues.push(
      error(
        'CFDI40193',
        [...path, 'domicilioFiscalACuentaTerceros'],
        `${label}: with RfcACuentaTerceros ${RFC_EXTRANJERO_TERCEROS}, DomicilioFiscalACuentaTerceros ${t.domicilioFiscalACuentaTerceros} must equal LugarExpedicion ${c.lugarExpedicion}`,
      ),
    );
  }
}

function checkAduana(
  nodes: readonly InformacionAduanera[] | undefined,
  path: IssuePath,
  label: string,
  comercioExterior: boolean,
  inParte: boolean,
  issues: Issue[],
): void {
  if (nodes === undefined) return;
  const [patternCode, comExtCode] = inParte ? ['CFDI40199', 'CFDI40200'] : ['CFDI40194', 'CFDI40195'];
  nodes.forEach((node, j) => {
    const at = [...path, j, 'numeroPedimento'];
    if (comercioExterior) {
      issues.push(
        error(
          comExtCode,
          at,
          `${label}: InformacionAduanera must not exist when the Comercio Exterior complement is present`,
        ),
      );
    }
    if (!PEDIMENTO.test(node.numeroPedimento)) {
      issues.push(
        error(
          patternCode,
          at,
          `${label}: NumeroPedimento ${JSON.stringify(node.numeroPedimento)} is not in the format "AA  AD  PPPP  NNNNNNN" (2, 2, 4 and 7 digits separated by two spaces)`,
        ),
      );
    }
  });
}

function checkParte(
  parte: Parte,
  path: IssuePath,
  label: string,
  ctx: RuleContext,
  comercioExterior: boolean,
  issues: Issue[],
): void {
  const { valorUnitario, importe } = parte;
  if (
    valorUnitario !== undefined &&
    PRICED_TIPOS.has(ctx.tipo) &&
    isAmountText(valorUnitario) &&
    new Money(valorUnitario).lte(0)
  ) {
    issues.push(
      error(
        'CFDI40197',
        [...path, 'valorUnitario'],
        `${label}: ValorUnitario ${valorUnitario} must be greater than 0 when TipoDeComprobante is ${ctx.tipo}`,
      ),
    );
  }
  if (valorUnitario !== undefined && importe !== undefined) {
    const window = importeIssue(parte.cantidad, valorUnitario, importe);
    if (window !== undefined) issues.push(error('CFDI40198', [...path, 'importe'], `${label}: ${window}`));
  }
  checkAduana(
    parte.informacionAduanera,
    [...path, 'informacionAduanera'],
    label,
    comercioExterior,
    true,
    issues,
  );
}

/** True when cfdi:Complemento holds Comercio Exterior (any version: cce11, cce20). */
function hasComercioExterior(complemento: readonly ComplementoItem[] | undefined): boolean {
  return (complemento ?? []).some((item) => {
    if (!('xml' in item)) return false;
    const { name, namespace } = item.xml;
    const local = name.slice(name.indexOf(':') + 1);
    return (
      local === 'ComercioExterior' || (namespace ?? '').startsWith('http://www.sat.gob.mx/ComercioExterior')
    );
  });
}
