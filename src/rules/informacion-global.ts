import { MESES, PERIODICIDADES } from '../catalogs/index.js';
import { error, type Issue } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import type { RuleContext, RuleDescription } from './context.js';
import { parseFechaH } from './context.js';
import { NOMBRE_PUBLICO_EN_GENERAL, RFC_PUBLICO_EN_GENERAL } from './emisor-receptor.js';

/*
 * SAT rules on cfdi:InformacionGlobal, the node of a factura global (matriz de errores
 * CFDI40130–CFDI40136; Guía de llenado del CFDI global, rules doc F.4). Periodicidad and Meses
 * catalog membership (CFDI40131, 40133) are facets reported with their SAT codes. That a receptor
 * XAXX010101000 PUBLICO EN GENERAL needs this node is CFDI40146 (emisor-receptor.ts).
 */

/** The factura global rules' codes with what each checks. */
export const INFORMACION_GLOBAL_RULE_CODES: readonly RuleDescription[] = [
  {
    code: 'CFDI40130',
    description:
      'InformacionGlobal requires Receptor Rfc XAXX010101000 and Receptor Nombre PUBLICO EN GENERAL.',
  },
  {
    code: 'CFDI40132',
    description: 'InformacionGlobal Periodicidad 05 (bimestral) requires Emisor RegimenFiscal 621.',
  },
  { code: 'CFDI40134', description: 'InformacionGlobal Periodicidad other than 05: Meses must be 01 to 12.' },
  { code: 'CFDI40135', description: 'InformacionGlobal Periodicidad 05: Meses must be 13 to 18.' },
  {
    code: 'CFDI40136',
    description: 'InformacionGlobal Año is neither the year of Fecha nor the year before.',
  },
];

/** Bimestral: the only Periodicidad whose Meses are two-month periods (13–18). */
const BIMESTRAL = '05';
/** Incorporación Fiscal, the only régimen allowed a bimestral global (CFDI40132). */
const REGIMEN_INCORPORACION_FISCAL = '621';
const MESES_MENSUALES = /^(0[1-9]|1[0-2])$/;
const MESES_BIMESTRALES = /^1[3-8]$/;

/** Checks the factura global's InformacionGlobal against the receptor, the emisor's régimen and Fecha. */
export function checkInformacionGlobal(c: Comprobante, ctx: RuleContext): Issue[] {
  const global = c.informacionGlobal;
  if (global === undefined) return [];
  const issues: Issue[] = [];
  const { receptor } = c;
  if (receptor.rfc !== RFC_PUBLICO_EN_GENERAL || receptor.nombre !== NOMBRE_PUBLICO_EN_GENERAL) {
    issues.push(
      error(
        'CFDI40130',
        ['informacionGlobal'],
        `InformacionGlobal requires Receptor Rfc ${RFC_PUBLICO_EN_GENERAL} and Nombre ${NOMBRE_PUBLICO_EN_GENERAL}; found ${receptor.rfc} ${JSON.stringify(receptor.nombre)}`,
      ),
    );
  }
  const { periodicidad, meses } = global;
  if (periodicidad === BIMESTRAL && c.emisor.regimenFiscal !== REGIMEN_INCORPORACION_FISCAL) {
    issues.push(
      error(
        'CFDI40132',
        ['informacionGlobal', 'periodicidad'],
        `Periodicidad 05 (bimestral) requires Emisor RegimenFiscal ${REGIMEN_INCORPORACION_FISCAL}; found ${c.emisor.regimenFiscal}`,
      ),
    );
  }
  // Unknown Periodicidad or Meses are CFDI40131 / 40133 (facets); they cannot be paired.
  if (Object.hasOwn(PERIODICIDADES, periodicidad) && Object.hasOwn(MESES, meses)) {
    if (periodicidad !== BIMESTRAL && !MESES_MENSUALES.test(meses)) {
      issues.push(
        error(
          'CFDI40134',
          ['informacionGlobal', 'meses'],
          `Meses ${meses} must be 01 to 12 when Periodicidad is ${periodicidad}`,
        ),
      );
    }
    if (periodicidad === BIMESTRAL && !MESES_BIMESTRALES.test(meses)) {
      issues.push(
        error(
          'CFDI40135',
          ['informacionGlobal', 'meses'],
          `Meses ${meses} must be 13 to 18 when Periodicidad is 05 (bimestral)`,
        ),
      );
    }
  }
  const fecha = parseFechaH(ctx.fecha);
  // A Fecha that is not a date is CFDI40101's finding; an Año that is not a number is a facet's.
  if (fecha !== undefined && /^[0-9]{4}$/.test(global.año)) {
    const año = Number(global.año);
    if (año !== fecha.year && año !== fecha.year - 1) {
      issues.push(
        error(
          'CFDI40136',
          ['informacionGlobal', 'año'],
          `Año ${global.año} must be the year of Fecha (${fecha.year}) or the year before (${fecha.year - 1})`,
        ),
      );
    }
  }
  return issues;
}
