import { monedaDecimals } from '../catalogs/moneda.js';
import type { Comprobante } from '../model/comprobante.js';

/**
 * Facts about a comprobante that many rules need, computed once: kept small on purpose so that the
 * header rules and the concept/tax rules share one definition of them.
 */
export interface RuleContext {
  /** Decimals of the comprobante's Moneda (c_Moneda), `undefined` when Moneda is not in the catalog. */
  readonly decimals: number | undefined;
  /** The TipoDeComprobante as written (I, E, T, N, P). */
  readonly tipo: string;
  /** The Fecha as written (t_FechaH, `2024-05-01T10:00:00`). */
  readonly fecha: string;
  /**
   * The Fecha against which catalog vigencias are judged, or `undefined` when they are not judged:
   * Fecha is not a real t_FechaH date (CFDI40101's finding), or it falls before CFDI 4.0 took effect.
   */
  readonly vigenciaFecha: string | undefined;
}

/**
 * The day CFDI 4.0 took effect, which is also the vigenciaDesde of nearly every 4.0 catalog key. A
 * Fecha before it is not a catalog mistake (SAT rejects such a date on its own, through the PAC's
 * 72-hour window), so vigencia is only judged from this day on; otherwise one early Fecha would make
 * every catalog attribute an error.
 */
const CFDI40_EN_VIGOR = '2022-01-01';

/** t_FechaH: local date and time without zone, year 2010 or later (CFDI40101). */
export const FECHA_H =
  /^(20[1-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$/;

/** The calendar parts of a Fecha, or `undefined` when it is not a t_FechaH on a real calendar date. */
export function parseFechaH(fecha: string): { year: number; month: number; day: number } | undefined {
  const match = FECHA_H.exec(fecha);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  // The pattern admits 2023-02-31; xs:dateTime (the type t_FechaH restricts) does not (CFDI40101).
  return day <= daysInMonth(year, month) ? { year, month, day } : undefined;
}

/** Days of each month of a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1–12) of `year` in the Gregorian calendar, as xs:date counts them. */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1] ?? 31;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
}

function vigenciaFechaOf(fecha: string): string | undefined {
  return parseFechaH(fecha) !== undefined && fecha.slice(0, 10) >= CFDI40_EN_VIGOR ? fecha : undefined;
}

/** Builds the {@link RuleContext} of a comprobante. */
export function makeContext(c: Comprobante): RuleContext {
  return {
    decimals: monedaDecimals(c.moneda),
    tipo: c.tipoDeComprobante,
    fecha: c.fecha,
    vigenciaFecha: vigenciaFechaOf(c.fecha),
  };
}

/** One entry of a rule-code list (`RULE_CODES`): a SAT code and what it checks, in one line. */
export interface RuleDescription {
  readonly code: string;
  readonly description: string;
}
