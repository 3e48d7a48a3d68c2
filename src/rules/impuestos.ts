import { IMPUESTOS, isInCatalog, isTasaOCuotaAllowed, TIPOS_FACTOR } from '../catalogs/index.js';
import { error, type Issue, type IssuePath } from '../issues.js';
import type {
  Comprobante,
  ComprobanteImpuestos,
  ComprobanteRetencion,
  ComprobanteTraslado,
  Concepto,
} from '../model/comprobante.js';
import { decimalsOf, isAmountText, Money, roundTo } from '../money.js';
import type { RuleContext } from './context.js';

/*
 * Comprobante-level Impuestos (CFDI40201–CFDI40221, rules doc A.5): every comprobante Traslado and
 * Retencion must be the rounded sum of the concept values of its group — never rate × Σ Base (A.9:
 * bases 103.45 + 103.46 at 16% give 16.55 + 16.55 = 33.10, and 33.11 is rejected with CFDI40221) —
 * and the totals the plain sum of those nodes. Sums are exact decimals; each is rounded once, half up,
 * to the currency's decimals. Without a known currency (CFDI40113, another rule) the checks that need
 * its decimals are skipped.
 */

/** The concept Traslados of one (Impuesto, TipoFactor, TasaOCuota) group, summed. */
interface TrasladoGroup {
  readonly impuesto: string;
  readonly tipoFactor: string;
  readonly tasaOCuota: string | undefined;
  base: Money;
  importe: Money;
  /** False when a Base or Importe of the group is not a plain decimal, so the sums are unknown. */
  known: boolean;
}

/** The concept Retenciones of one Impuesto, summed. */
interface RetencionGroup {
  importe: Money;
  known: boolean;
}

const EXENTO = 'Exento';

/** Checks the comprobante Impuestos node against the concept taxes (grouping, sums, totals, decimals). */
export function checkImpuestos(c: Comprobante, ctx: RuleContext): Issue[] {
  const issues: Issue[] = [];
  if (ctx.tipo === 'T' || ctx.tipo === 'P') {
    if (c.impuestos !== undefined) {
      issues.push(
        error(
          'CFDI40201',
          ['impuestos'],
          `the Impuestos node must not exist when TipoDeComprobante is ${ctx.tipo}`,
        ),
      );
    }
    return issues;
  }
  checkRetenciones(c.impuestos, retencionGroups(c.conceptos), ctx.decimals, issues);
  checkTraslados(c.impuestos, trasladoGroups(c.conceptos), ctx.decimals, issues);
  return issues;
}

/** The grouping key of a traslado: TasaOCuota compares as a decimal (`0.16` = `0.160000`); Exento has none. */
function trasladoKey(impuesto: string, tipoFactor: string, tasaOCuota: string | undefined): string {
  if (tipoFactor === EXENTO) return `${impuesto}|${tipoFactor}|`;
  const tasa =
    tasaOCuota === undefined ? '' : isAmountText(tasaOCuota) ? new Money(tasaOCuota).toFixed() : tasaOCuota;
  return `${impuesto}|${tipoFactor}|${tasa}`;
}

/** An attribute value as a message shows it: an empty one as `""`, so it cannot read as missing text. */
function shown(value: string): string {
  return value === '' ? '""' : value;
}

function describeGroup(impuesto: string, tipoFactor: string, tasaOCuota: string | undefined): string {
  return tipoFactor === EXENTO || tasaOCuota === undefined
    ? `Impuesto ${shown(impuesto)}, TipoFactor ${shown(tipoFactor)}`
    : `Impuesto ${shown(impuesto)}, TipoFactor ${shown(tipoFactor)}, TasaOCuota ${shown(tasaOCuota)}`;
}

function trasladoGroups(conceptos: readonly Concepto[]): Map<string, TrasladoGroup> {
  const groups = new Map<string, TrasladoGroup>();
  for (const concepto of conceptos) {
    for (const t of concepto.impuestos?.traslados ?? []) {
      const key = trasladoKey(t.impuesto, t.tipoFactor, t.tasaOCuota);
      let group = groups.get(key);
      if (group === undefined) {
        group = {
          impuesto: t.impuesto,
          tipoFactor: t.tipoFactor,
          tasaOCuota: t.tasaOCuota,
          base: new Money(0),
          importe: new Money(0),
          known: true,
        };
        groups.set(key, group);
      }
      if (isAmountText(t.base)) group.base = group.base.plus(t.base);
      else group.known = false;
      // An Exento traslado has no Importe (CFDI40177 reports one that has): nothing to add.
      if (t.tipoFactor === EXENTO || t.importe === undefined) continue;
      if (isAmountText(t.importe)) group.importe = group.importe.plus(t.importe);
      else group.known = false;
    }
  }
  return groups;
}

function retencionGroups(conceptos: readonly Concepto[]): Map<string, RetencionGroup> {
  const groups = new Map<string, RetencionGroup>();
  for (const concepto of conceptos) {
    for (const r of concepto.impuestos?.retenciones ?? []) {
      const group = groups.get(r.impuesto) ?? { importe: new Money(0), known: true };
      if (isAmountText(r.importe)) group.importe = group.importe.plus(r.importe);
      else group.known = false;
      groups.set(r.impuesto, group);
    }
  }
  return groups;
}

/** Pushes `code` when `text` is a plain decimal with more decimals than the currency allows. */
function checkDecimals(
  code: string,
  path: IssuePath,
  field: string,
  text: string | undefined,
  decimals: number | undefined,
  issues: Issue[],
): void {
  if (text === undefined || decimals === undefined || !isAmountText(text)) return;
  if (decimalsOf(text) > decimals) {
    issues.push(
      error(
        code,
        path,
        `${field} ${text} has ${decimalsOf(text)} decimals; the currency allows at most ${decimals}`,
      ),
    );
  }
}

/** `value` with as many decimals as `like` has, unless that would hide some of its own. */
function asWritten(value: Money, like: string): string {
  return value.toFixed(Math.max(decimalsOf(like), value.decimalPlaces()));
}

/** Σ of the amounts, or `undefined` when any of them is not a plain decimal. */
function sumKnown(values: ReadonlyArray<string | undefined>): Money | undefined {
  let total = new Money(0);
  for (const v of values) {
    if (v === undefined) continue;
    if (!isAmountText(v)) return undefined;
    total = total.plus(v);
  }
  return total;
}

function checkRetenciones(
  impuestos: ComprobanteImpuestos | undefined,
  groups: Map<string, RetencionGroup>,
  decimals: number | undefined,
  issues: Issue[],
): void {
  const retenciones: readonly ComprobanteRetencion[] = impuestos?.retenciones ?? [];
  const total = impuestos?.totalImpuestosRetenidos;
  const totalPath = ['impuestos', 'totalImpuestosRetenidos'];
  if (total === undefined && (retenciones.length > 0 || groups.size > 0)) {
    issues.push(
      error(
        'CFDI40206',
        totalPath,
        'TotalImpuestosRetenidos is required when the comprobante or its conceptos carry Retenciones',
      ),
    );
  }
  if (total !== undefined && retenciones.length === 0) {
    issues.push(
      error('CFDI40209', totalPath, `TotalImpuestosRetenidos ${total} exists without any Retencion node`),
    );
  }
  checkDecimals('CFDI40202', totalPath, 'TotalImpuestosRetenidos', total, decimals, issues);

  const seen = new Set<string>();
  retenciones.forEach((r, k) => {
    const path: IssuePath = ['impuestos', 'retenciones', k];
    const label = `Impuestos Retencion ${k + 1}`;
    const known = isInCatalog(IMPUESTOS, r.impuesto) && IMPUESTOS[r.impuesto]?.retencion === true;
    if (!known) {
      issues.push(
        error(
          'CFDI40207',
          [...path, 'impuesto'],
          `${label}: Impuesto ${JSON.stringify(r.impuesto)} is not in c_Impuesto`,
        ),
      );
    }
    const duplicate = seen.has(r.impuesto);
    seen.add(r.impuesto);
    if (duplicate) {
      issues.push(
        error(
          'CFDI40208',
          [...path, 'impuesto'],
          `${label}: there is already a Retencion for Impuesto ${r.impuesto}`,
        ),
      );
    }
    checkDecimals('CFDI40210', [...path, 'importe'], `${label}: Importe`, r.importe, decimals, issues);
    if (!known || duplicate || decimals === undefined || !isAmountText(r.importe)) return;
    const group = groups.get(r.impuesto);
    if (group?.known === false) return;
    const expected = roundTo(group?.importe ?? new Money(0), decimals);
    if (!new Money(r.importe).equals(expected)) {
      issues.push(
        error(
          'CFDI40211',
          [...path, 'importe'],
          `${label}: Importe ${r.importe} is not the rounded sum of the concept Retenciones of Impuesto ${r.impuesto} (${expected.toFixed(decimals)})`,
        ),
      );
    }
  });
  for (const [impuesto, group] of groups) {
    if (seen.has(impuesto)) continue;
    const sum =
      decimals === undefined ? group.importe.toFixed() : roundTo(group.importe, decimals).toFixed(decimals);
    issues.push(
      error(
        'CFDI40211',
        ['impuestos', 'retenciones'],
        `the conceptos withhold Impuesto ${impuesto} (Importe ${sum}) but Impuestos has no Retencion for it`,
      ),
    );
  }

  if (total === undefined || retenciones.length === 0 || !isAmountText(total)) return;
  const sum = sumKnown(retenciones.map((r) => r.importe));
  if (sum !== undefined && !new Money(total).equals(sum)) {
    issues.push(
      error(
        'CFDI40203',
        totalPath,
        `TotalImpuestosRetenidos ${total} is not the sum of the Retencion Importe values (${asWritten(sum, total)})`,
      ),
    );
  }
}

/** CFDI40213: the attributes a comprobante Traslado must and must not carry; true when its shape is sound. */
function checkTrasladoShape(
  t: ComprobanteTraslado,
  path: IssuePath,
  label: string,
  issues: Issue[],
): boolean {
  let ok = true;
  const push = (field: string, message: string): void => {
    ok = false;
    issues.push(error('CFDI40213', [...path, field], `${label}: ${message}`));
  };
  if (t.base === '') push('base', 'Base is required');
  if (t.impuesto === '') push('impuesto', 'Impuesto is required');
  if (t.tipoFactor === '') push('tipoFactor', 'TipoFactor is required');
  if (t.tipoFactor === EXENTO) {
    // Guía de llenado: an Exento group carries only Base, Impuesto and TipoFactor.
    if (t.tasaOCuota !== undefined)
      push('tasaOCuota', `TipoFactor Exento must not carry TasaOCuota (${t.tasaOCuota})`);
    if (t.importe !== undefined) push('importe', `TipoFactor Exento must not carry Importe (${t.importe})`);
  } else if (t.tipoFactor !== '') {
    if (t.tasaOCuota === undefined) push('tasaOCuota', `TipoFactor ${t.tipoFactor} requires TasaOCuota`);
    if (t.importe === undefined) push('importe', `TipoFactor ${t.tipoFactor} requires Importe`);
  }
  return ok;
}

function checkTraslados(
  impuestos: ComprobanteImpuestos | undefined,
  groups: Map<string, TrasladoGroup>,
  decimals: number | undefined,
  issues: Issue[],
): void {
  const traslados: readonly ComprobanteTraslado[] = impuestos?.traslados ?? [];
  const total = impuestos?.totalImpuestosTrasladados;
  const totalPath = ['impuestos', 'totalImpuestosTrasladados'];
  // With only Exento traslados there is no Importe to add, so the total is omitted (rules doc A.6).
  const taxed =
    [...groups.values()].some((g) => g.tipoFactor !== EXENTO) ||
    traslados.some((t) => t.tipoFactor !== EXENTO);
  if (total === undefined && taxed) {
    issues.push(
      error(
        'CFDI40212',
        totalPath,
        'TotalImpuestosTrasladados is required when the comprobante or its conceptos carry Traslados with TipoFactor Tasa or Cuota',
      ),
    );
  }
  checkDecimals('CFDI40204', totalPath, 'TotalImpuestosTrasladados', total, decimals, issues);

  const seen = new Set<string>();
  traslados.forEach((t, k) => {
    const path: IssuePath = ['impuestos', 'traslados', k];
    const label = `Impuestos Traslado ${k + 1}`;
    const shapeOk = checkTrasladoShape(t, path, label, issues);
    const impuestoOk = isInCatalog(IMPUESTOS, t.impuesto) && IMPUESTOS[t.impuesto]?.traslado === true;
    if (!impuestoOk && t.impuesto !== '') {
      const why = isInCatalog(IMPUESTOS, t.impuesto)
        ? 'is withheld only, never transferred'
        : 'is not in c_Impuesto';
      issues.push(
        error('CFDI40217', [...path, 'impuesto'], `${label}: Impuesto ${JSON.stringify(t.impuesto)} ${why}`),
      );
    }
    const key = trasladoKey(t.impuesto, t.tipoFactor, t.tasaOCuota);
    const duplicate = seen.has(key);
    seen.add(key);
    if (duplicate) {
      issues.push(
        error(
          'CFDI40218',
          path,
          `${label}: there is already a Traslado for ${describeGroup(t.impuesto, t.tipoFactor, t.tasaOCuota)}`,
        ),
      );
    }
    if (
      impuestoOk &&
      t.tipoFactor !== EXENTO &&
      isInCatalog(TIPOS_FACTOR, t.tipoFactor) &&
      t.tasaOCuota !== undefined &&
      !isTasaOCuotaAllowed(t.impuesto, t.tipoFactor, t.tasaOCuota, 'traslado')
    ) {
      issues.push(
        error(
          'CFDI40219',
          [...path, 'tasaOCuota'],
          `${label}: TasaOCuota ${t.tasaOCuota} is not allowed by c_TasaOCuota for a Traslado of Impuesto ${t.impuesto} with TipoFactor ${t.tipoFactor}`,
        ),
      );
    }
    checkDecimals('CFDI40214', [...path, 'base'], `${label}: Base`, t.base, decimals, issues);
    checkDecimals('CFDI40220', [...path, 'importe'], `${label}: Importe`, t.importe, decimals, issues);
    if (!shapeOk || duplicate || decimals === undefined) return;
    const group = groups.get(key);
    if (group?.known === false) return;
    const what = describeGroup(t.impuesto, t.tipoFactor, t.tasaOCuota);
    const none = group === undefined ? ' (no concept Traslado has them)' : '';
    const expectedBase = roundTo(group?.base ?? new Money(0), decimals);
    if (isAmountText(t.base) && !new Money(t.base).equals(expectedBase)) {
      issues.push(
        error(
          t.tipoFactor === EXENTO ? 'CFDI40216' : 'CFDI40215',
          [...path, 'base'],
          `${label}: Base ${t.base} is not the rounded sum of the concept Base values of ${what} (${expectedBase.toFixed(decimals)})${none}`,
        ),
      );
    }
    if (t.tipoFactor === EXENTO || t.importe === undefined || !isAmountText(t.importe)) return;
    // The group Importe is the rounded sum of the concept Importes, never rate × Σ Base (rules doc A.9).
    const expectedImporte = roundTo(group?.importe ?? new Money(0), decimals);
    if (!new Money(t.importe).equals(expectedImporte)) {
      issues.push(
        error(
          'CFDI40221',
          [...path, 'importe'],
          `${label}: Importe ${t.importe} is not the rounded sum of the concept Traslado Importe values of ${what} (${expectedImporte.toFixed(decimals)})${none}`,
        ),
      );
    }
  });
  for (const [key, group] of groups) {
    if (seen.has(key)) continue;
    const base =
      decimals === undefined ? group.base.toFixed() : roundTo(group.base, decimals).toFixed(decimals);
    issues.push(
      error(
        group.tipoFactor === EXENTO ? 'CFDI40216' : 'CFDI40215',
        ['impuestos', 'traslados'],
        `the conceptos carry Traslados of ${describeGroup(group.impuesto, group.tipoFactor, group.tasaOCuota)} (Base ${base}) but Impuestos has no Traslado for them`,
      ),
    );
  }

  if (total === undefined || !isAmountText(total)) return;
  const sum = sumKnown(traslados.map((t) => (t.tipoFactor === EXENTO ? undefined : t.importe)));
  if (sum !== undefined && !new Money(total).equals(sum)) {
    issues.push(
      error(
        'CFDI40205',
        totalPath,
        `TotalImpuestosTrasladados ${total} is not the sum of the Traslado Importe values (${asWritten(sum, total)})`,
      ),
    );
  }
}
