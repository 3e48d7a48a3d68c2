import { monedaDecimals } from '../catalogs/moneda.js';
import { error, type Issue, type IssuePath } from '../issues.js';
import type {
  ComplementoItem,
  Comprobante,
  ComprobanteInput,
  ComprobanteTraslado,
  ImpuestosLocales,
  ImpuestosLocalesInput,
} from '../model/comprobante.js';
import { Money, roundTo } from '../money.js';
import { type Attempt, amountAt, combine, type Decimals, type Report } from './attempt.js';
import { completeConcepto } from './concepto.js';
import {
  type ConceptSums,
  type ImpuestosTotals,
  impuestosNode,
  type LocalTotals,
  localAmount,
  localSums,
  rateKey,
  retencionesFromSums,
  sumConceptos,
  totalOf,
  trasladosFromSums,
  written,
} from './totals.js';

/*
 * Completion of a user's comprobante: every computed amount that is missing is filled (concepts,
 * comprobante Impuestos, SubTotal, Descuento, Total, implocal lines and totals); a given amount is
 * never overwritten, even when wrong, because reporting it is the rules' job. An amount that cannot
 * be computed (garbage text upstream) becomes an issue COMPUTE_FAILED at its own path, the field is
 * left empty when the model requires it and absent when it is optional, and nothing that depends on
 * it is filled with a number: the document stays consistent, never half right.
 */

const ZERO = new Money(0);
const IMPLOCAL_DECIMALS = 2;

/** A completed comprobante and the amounts that could not be computed. */
export interface CompletedComprobante {
  readonly comprobante: Comprobante;
  readonly issues: Issue[];
}

interface Filled {
  readonly text: string | undefined;
  readonly value: Attempt;
}

function fillAmount(
  given: string | undefined,
  path: IssuePath,
  computed: () => Attempt,
  decimals: Decimals,
  report: Report,
): Filled {
  if (given !== undefined) return { text: given, value: amountAt(given, path) };
  const value = computed();
  return { text: written(value, decimals, path, report), value };
}

/** A given Traslado group without Importe takes the computed one of the same group. */
function fillGroupImporte(
  t: ComprobanteTraslado,
  k: number,
  sums: ConceptSums,
  decimals: Decimals,
  report: Report,
): ComprobanteTraslado {
  const path = ['impuestos', 'traslados', k, 'importe'];
  const group = sums.traslados.find(
    (g) =>
      g.impuesto === t.impuesto &&
      g.tipoFactor === t.tipoFactor &&
      rateKey(g.tasaOCuota) === rateKey(t.tasaOCuota),
  );
  if (group?.importe === undefined) {
    report(path, 'cannot be computed: no concept Traslado has this Impuesto, TipoFactor and TasaOCuota');
    return t;
  }
  const importe = written(group.importe, decimals, path, report);
  return importe === undefined ? t : { ...t, importe };
}

function completeImpuestos(
  input: ComprobanteInput,
  sums: ConceptSums,
  noTaxes: boolean,
  decimals: Decimals,
  report: Report,
): ImpuestosTotals {
  const given = input.impuestos;
  if (noTaxes) {
    // CFDI40201: no Impuestos node for T and P; a given one is kept for the rules to report.
    return {
      node: given,
      trasladados:
        given?.totalImpuestosTrasladados === undefined
          ? ZERO
          : amountAt(given.totalImpuestosTrasladados, ['impuestos', 'totalImpuestosTrasladados']),
      retenidos:
        given?.totalImpuestosRetenidos === undefined
          ? ZERO
          : amountAt(given.totalImpuestosRetenidos, ['impuestos', 'totalImpuestosRetenidos']),
    };
  }
  if (given === undefined) {
    return impuestosNode(
      trasladosFromSums(sums, decimals, report),
      retencionesFromSums(sums, decimals, report),
      {},
      decimals,
      report,
    );
  }
  const traslados =
    given.traslados === undefined
      ? trasladosFromSums(sums, decimals, report)
      : given.traslados.map((t, k) =>
          t.importe !== undefined || t.tipoFactor === 'Exento'
            ? t
            : fillGroupImporte(t, k, sums, decimals, report),
        );
  const retenciones = given.retenciones ?? retencionesFromSums(sums, decimals, report);
  return impuestosNode(traslados, retenciones, given, decimals, report);
}

/**
 * implocal carries no Base, so a missing local Importe is computed on SubTotal − Descuento, the
 * whole consideration (rules doc B: Importe = Base × tasa / 100, 2 decimals). Give it explicitly when
 * the local tax covers only some concepts.
 */
function completeLocales(
  il: ImpuestosLocalesInput,
  base: Attempt,
  path: IssuePath,
  report: Report,
): { readonly node: ImpuestosLocales; readonly totals: LocalTotals } {
  const lineImporte = (
    rate: string,
    importe: string | undefined,
    linePath: IssuePath,
    rateName: string,
  ): string => {
    if (importe !== undefined) return importe;
    const value = combine(base, amountAt(rate, [...linePath, rateName]), (b, r) =>
      roundTo(b.times(r).dividedBy(100), IMPLOCAL_DECIMALS),
    );
    return localAmount(value, [...linePath, 'importe'], report);
  };
  const retencionesLocales = il.retencionesLocales?.map((r, j) => ({
    impLocRetenido: r.impLocRetenido,
    tasadeRetencion: r.tasadeRetencion,
    importe: lineImporte(r.tasadeRetencion, r.importe, [...path, 'retencionesLocales', j], 'tasadeRetencion'),
  }));
  const trasladosLocales = il.trasladosLocales?.map((t, j) => ({
    impLocTrasladado: t.impLocTrasladado,
    tasadeTraslado: t.tasadeTraslado,
    importe: lineImporte(t.tasadeTraslado, t.importe, [...path, 'trasladosLocales', j], 'tasadeTraslado'),
  }));
  const sums = localSums({ trasladosLocales, retencionesLocales }, path);
  const totalPath = (name: string): IssuePath => [...path, name];
  const totaldeRetenciones =
    il.totaldeRetenciones ?? localAmount(sums.retenciones, totalPath('totaldeRetenciones'), report);
  const totaldeTraslados =
    il.totaldeTraslados ?? localAmount(sums.traslados, totalPath('totaldeTraslados'), report);
  const node: ImpuestosLocales = {
    version: il.version,
    totaldeRetenciones,
    totaldeTraslados,
    ...(retencionesLocales === undefined ? {} : { retencionesLocales }),
    ...(trasladosLocales === undefined ? {} : { trasladosLocales }),
  };
  return {
    node,
    totals: {
      retenciones:
        il.totaldeRetenciones === undefined
          ? sums.retenciones
          : amountAt(il.totaldeRetenciones, totalPath('totaldeRetenciones')),
      traslados:
        il.totaldeTraslados === undefined
          ? sums.traslados
          : amountAt(il.totaldeTraslados, totalPath('totaldeTraslados')),
    },
  };
}

/**
 * Fills every missing computed amount of a comprobante and never overwrites a given one: concept
 * Importe and tax amounts, the comprobante Impuestos (A.5 grouping), SubTotal, Descuento, the
 * implocal lines and totals, and Total (CFDI40119, implocal included). Tipo T and P get SubTotal 0
 * and no Impuestos node (CFDI40109, CFDI40201). Never throws for bad amounts: each amount that cannot
 * be computed is an issue `COMPUTE_FAILED` at its path (`['conceptos', 2, 'importe']`), left empty
 * when required and absent when optional.
 */
export function completeComprobante(input: ComprobanteInput): CompletedComprobante {
  const issues: Issue[] = [];
  const report: Report = (path, message) => {
    issues.push(error('COMPUTE_FAILED', path, message));
  };
  const known = monedaDecimals(input.moneda);
  const decimals: Decimals = known ?? {
    blocked: `moneda ${JSON.stringify(input.moneda)} is not in c_Moneda`,
  };
  const conceptos = input.conceptos.map((c, i) => completeConcepto(c, decimals, ['conceptos', i], report));
  const noTaxes = input.tipoDeComprobante === 'T' || input.tipoDeComprobante === 'P';
  const sums = sumConceptos(conceptos, decimals);

  const subTotal = fillAmount(
    input.subTotal,
    ['subTotal'],
    () => (noTaxes ? (typeof decimals === 'number' ? ZERO : decimals) : sums.subTotal),
    decimals,
    report,
  );
  const computedDescuento = sums.descuento;
  const descuento =
    input.descuento === undefined && computedDescuento === undefined
      ? undefined
      : fillAmount(input.descuento, ['descuento'], () => computedDescuento ?? ZERO, decimals, report);
  const impuestos = completeImpuestos(input, sums, noTaxes, decimals, report);

  const localBase = combine(subTotal.value, descuento?.value ?? ZERO, (s, d) => s.minus(d));
  const locales: LocalTotals[] = [];
  const complemento = input.complemento?.map((item, i): ComplementoItem => {
    if (!('impuestosLocales' in item)) return item;
    const completed = completeLocales(
      item.impuestosLocales,
      localBase,
      ['complemento', i, 'impuestosLocales'],
      report,
    );
    locales.push(completed.totals);
    return { impuestosLocales: completed.node };
  });

  const total = fillAmount(
    input.total,
    ['total'],
    () => totalOf(subTotal.value, descuento?.value ?? ZERO, impuestos, locales, decimals),
    decimals,
    report,
  );

  const { conceptos: _conceptos, complemento: _complemento, ...rest } = input;
  const comprobante: Comprobante = {
    ...rest,
    subTotal: subTotal.text ?? '',
    ...(descuento?.text === undefined ? {} : { descuento: descuento.text }),
    total: total.text ?? '',
    conceptos,
    ...(impuestos.node === undefined ? {} : { impuestos: impuestos.node }),
    ...(complemento === undefined ? {} : { complemento }),
  };
  return { comprobante, issues };
}
