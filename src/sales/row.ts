import {
  CLAVES_UNIDAD,
  FORMAS_PAGO,
  isVigente,
  OBJETOS_IMP,
  REGIMENES_FISCALES,
  TASA_O_CUOTA_RULES,
  USOS_CFDI,
  type Vigencia,
} from '../catalogs/index.js';
import { monedaDecimals } from '../catalogs/moneda.js';
import { isCfdiLayoutError } from '../errors.js';
import { amountFromJson, decimalsOf, IMPORTE_INTEGER_DIGITS, integerDigitsOf, Money } from '../money.js';
import { checkRfc } from '../rfc/rfc.js';
import { codePointLabel, illegalCharOffset } from '../xml/xml-chars.js';
import type { CanonicalColumn } from './columns.js';
import type { SalesConfig } from './config.js';
import type { SalesRecord } from './readers.js';
import type { RowIssue, SalesIssueCode } from './rejects.js';

/** The receptor of a nominative row (DESIGN.md: the receptor columns make the row an invoice). */
export interface SalesReceptor {
  readonly rfc: string;
  readonly nombre: string;
  readonly domicilioFiscalReceptor: string;
  readonly regimenFiscalReceptor: string;
  readonly usoCFDI: string;
}

/**
 * One valid row of a sales export, every default applied. Rates are percentages as the seeds write
 * them, normalized (`16`, `8`, `0`, `exento`; `26.5`); amounts are decimal strings as written.
 */
export interface SalesRow {
  readonly row: number;
  readonly ticket: string;
  readonly sucursal: string;
  /** `YYYY-MM-DDTHH:MM:SS`, local time as the SAT writes Fecha. */
  readonly fecha: string;
  /** Line total including every tax. */
  readonly importe: string;
  readonly iva: string;
  readonly ieps: string;
  readonly ish: string;
  readonly formaPago: string;
  readonly descripcion: string;
  readonly cantidad: string;
  readonly claveProdServ: string;
  readonly claveUnidad: string;
  readonly unidad?: string;
  readonly noIdentificacion?: string;
  readonly objetoImp: string;
  readonly moneda: string;
  readonly tipoCambio?: string;
  /** `YYYY-MM-DD`: the last day the ticket can be self-invoiced. */
  readonly vencimiento: string;
  readonly receptor?: SalesReceptor;
  readonly tag?: string;
}

/** A type with its readonly fields writable, for building a value field by field. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The identity of a ticket: rows with the same ticket and sucursal form one ticket. */
export interface TicketKey {
  readonly ticket: string;
  readonly sucursal: string;
}

/** A row after checking: the valid row, or its findings; `key` is known whenever the ticket is. */
export interface ParsedSalesRow {
  readonly row: number;
  readonly key?: TicketKey;
  readonly value?: SalesRow;
  readonly issues: readonly RowIssue[];
}

/** The key of a ticket as one string (sucursal, a NUL, the ticket), unambiguous for any text. */
export function ticketKeyString(key: TicketKey): string {
  return `${key.sucursal}\u0000${key.ticket}`;
}

const IVA_RATES = new Set(['0', '8', '16']);
/** IEPS Tasa values of c_TasaOCuota as percentages (`26.5`, `160`). */
const IEPS_RATES = new Set(
  TASA_O_CUOTA_RULES.filter(
    (r) => r.impuesto === '003' && r.factor === 'Tasa' && r.kind === 'fixed' && r.traslado,
  ).map((r) => normalizeNumber(new Money(r.value ?? '0').times(100).toFixed())),
);
/** ISH: state rates run 2–5 %; implocal writes TasadeTraslado with 2 decimals, so at most 2 here. */
const ISH_RATE = /^(?:10(?:\.0{1,2})?|\d(?:\.\d{1,2})?)$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const CODIGO_POSTAL = /^[0-9]{5}$/;
const CLAVE_PROD_SERV = /^[0-9]{8}$/;
const LINE_BREAK = /[\r\n]/;
/**
 * A character checkText looks at closely: one XML 1.0 cannot carry, a line break, `|`, or any
 * surrogate (a pair is legal, a lone one is not).
 */
const NOT_PLAIN_TEXT = /[^\t\u0020-\u007B\u007D-\uD7FF\uE000-\uFFFD]/;

/** Drops insignificant zeros of a decimal string: `16.00` → `16`, `026.50` → `26.5`. */
export function normalizeNumber(text: string): string {
  // Most cells are already plain integers (`16`, `0`, `2`): nothing to drop.
  if (!text.includes('.') && (text.length === 1 || text.charCodeAt(0) !== 48)) return text;
  let [int = '0', frac = ''] = text.split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  return frac === '' ? int : `${int}.${frac}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const max = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  return day <= max;
}

/** Per number of days: date → date that many days later. */
const addDaysCache = new Map<number, Map<string, string>>();

/** Adds days to a `YYYY-MM-DD` date (calendar arithmetic in UTC, so no time zone shifts it). */
export function addDays(date: string, days: number): string {
  let byDate = addDaysCache.get(days);
  if (byDate === undefined) {
    byDate = new Map();
    addDaysCache.set(days, byDate);
  }
  const hit = byDate.get(date);
  if (hit !== undefined) return hit;
  const [y, m, d] = date.split('-').map((p) => Number.parseInt(p, 10)) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const result = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  // Exports span few days; the bound only guards against a pathological input.
  if (byDate.size > 10_000) byDate.clear();
  byDate.set(date, result);
  return result;
}

/** The value of the two ASCII digits at `at`, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * A fecha already written as t_FechaH (`YYYY-MM-DDTHH:MM:SS`, a real date and time), checked by its
 * characters: the form nearly every row of an export has, which then needs no new string.
 */
function isCanonicalFecha(text: string): boolean {
  if (text.length !== 19) return false;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':')
    return false;
  const century = twoDigits(text, 0);
  const years = twoDigits(text, 2);
  if (century < 0 || years < 0) return false;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  return isRealDate(century * 100 + years, twoDigits(text, 5), twoDigits(text, 8));
}

/** Parses a fecha as ERPs write it into SAT's t_FechaH (`YYYY-MM-DDTHH:MM:SS`), or `undefined`. */
export function parseFecha(text: string): string | undefined {
  if (isCanonicalFecha(text)) return text;
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [, y = '', mo = '', d = '', h = '00', mi = '00', s = '00'] = m;
  if (!isRealDate(Number(y), Number(mo), Number(d))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}`;
}

/** Parses a `YYYY-MM-DD` date, or `undefined` when it is not a real date. */
export function parseDate(text: string): string | undefined {
  const m = DATE.exec(text);
  if (m === null) return undefined;
  return isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) ? text : undefined;
}

/** Collects a row's findings as it is checked. */
class RowCheck {
  readonly issues: RowIssue[] = [];
  constructor(readonly row: number) {}
  add(field: string, code: SalesIssueCode, message: string): undefined {
    this.issues.push({ row: this.row, field, code, message });
    return undefined;
  }
}

/** A cell as text: strings trimmed, JSON numbers written in their shortest form, empty as `''`. */
function textOf(value: unknown, column: CanonicalColumn, check: RowCheck): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  check.add(
    column,
    'SALES_RECORD_MALFORMED',
    `${column} must be text or a number, not ${Array.isArray(value) ? 'an array' : typeof value}`,
  );
  return '';
}

/** A rate cell: `16`, `16.00`, `16%`, `exento` (IVA); empty means the default. */
function rateOf(raw: string, fallback: string): string {
  const text = raw === '' ? fallback : raw.replace(/%$/, '').trim();
  if (/^exento$/i.test(text)) return 'exento';
  return DECIMAL.test(text) ? normalizeNumber(text) : text;
}

/** The c_FormaPago code, padding `1` to `01` as spreadsheets drop the leading zero. */
function formaPagoOf(raw: string, fallback: string): string {
  const text = raw === '' ? fallback : raw;
  return /^\d$/.test(text) ? `0${text}` : text;
}

/**
 * Checks a text cell: at most `max` characters, only characters XML 1.0 carries, and no line break;
 * `cfdi` fields also refuse `|`, which the XSD patterns of Folio, Descripcion, NoIdentificacion, Unidad
 * and Nombre exclude (`[^|]{1,n}`) because the cadena original uses it as its separator.
 *
 * A line break (CR or LF) is refused in every text column, on every target alike, rather than turned
 * into a space. The ticket and the sucursal are keys (Tralix's numeroTicket and {idSucursal}, seeds 000
 * and 002; Factu-Ramval's folio, seed 001; the comprobante's Folio): a key with a line break in it is
 * never what the customer types at the portal. In Descripcion, Unidad, NoIdentificacion and Nombre,
 * cfdv40.xsd collapses whitespace and the cadena original normalizes it, so the stamped CFDI would say
 * something other than the export, and a layout record (tralix-40) ends at a line break. Replacing it
 * would change the export's text without a word (STYLE 13); and in a CSV a field that runs over lines
 * is most often a quote left open, whose swallowed rows must not become a description.
 */
function checkText(check: RowCheck, column: CanonicalColumn, text: string, max: number, cfdi = true): string {
  // Plain text (nearly every cell) is told in one scan; anything else is looked at closely below.
  if (text.length <= max && !NOT_PLAIN_TEXT.test(text)) return text;
  if (text.length > max) {
    check.add(column, 'SALES_TEXT_INVALID', `${column} is ${text.length} characters long; at most ${max}`);
    return text;
  }
  const at = illegalCharOffset(text);
  if (at >= 0) {
    check.add(
      column,
      'SALES_TEXT_INVALID',
      `${column} holds ${codePointLabel(text, at)}, which a CFDI (XML 1.0) cannot carry`,
    );
  } else if (LINE_BREAK.test(text)) {
    const lines = text.split(/\r\n|\r|\n/).length;
    check.add(
      column,
      'SALES_TEXT_INVALID',
      `${column} holds a line break (it runs over ${lines} lines): no target takes one, as a CFDI reads it as a space and a layout record ends at it; if the export quotes this field, a quote may be open from this row on`,
    );
  } else if (cfdi && text.includes('|')) {
    check.add(
      column,
      'SALES_TEXT_INVALID',
      `${column} holds |, which the CFDI XSD excludes (the cadena original's separator)`,
    );
  }
  return text;
}

/** A catalog entry that exists but is not vigente on the row's date (SAT checks vigencia against Fecha). */
function checkVigencia(
  check: RowCheck,
  column: CanonicalColumn,
  code: string,
  entry: Vigencia | undefined,
  fecha: string | undefined,
): void {
  if (entry === undefined || fecha === undefined || isVigente(entry, fecha)) return;
  check.add(
    column,
    'SALES_CATALOG_UNKNOWN',
    `${column} ${code} is not vigente on ${fecha.slice(0, 10)} (c_ catalog vigencia)`,
  );
}

const NEGATIVE_ZERO = /^-0+(?:\.0+)?$/;

function checkImporte(check: RowCheck, value: unknown, moneda: string): string | undefined {
  let text: string;
  try {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      return check.add('importe', 'SALES_IMPORTE_INVALID', 'importe is empty');
    }
    const given = typeof value === 'string' ? value.trim() : value;
    // A minus zero (`-0`, `-0.00`, as some ERPs write an empty line) is zero, not a negative amount.
    text = amountFromJson(typeof given === 'string' && NEGATIVE_ZERO.test(given) ? given.slice(1) : given);
  } catch (err) {
    if (isCfdiLayoutError(err, 'AMOUNT_NEGATIVE'))
      return check.add('importe', 'SALES_IMPORTE_NEGATIVE', `importe ${String(value).trim()} is negative`);
    const shown = typeof value === 'string' ? JSON.stringify(value.trim()) : String(value);
    return check.add(
      'importe',
      'SALES_IMPORTE_INVALID',
      `importe ${shown} is not a decimal amount (digits and one dot, as 1234.50)`,
    );
  }
  // One bound for every target: t_Importe's, which the XML and the layouts must meet; the JSON
  // targets then write what fits a JSON number as one (see fitsJsonNumber).
  const integer = text.length > IMPORTE_INTEGER_DIGITS ? integerDigitsOf(text) : 0;
  if (integer > IMPORTE_INTEGER_DIGITS) {
    return check.add(
      'importe',
      'SALES_IMPORTE_TOO_LARGE',
      `importe ${text} has ${integer} integer digits; an amount (t_Importe) has at most ${IMPORTE_INTEGER_DIGITS}`,
    );
  }
  const decimals = monedaDecimals(moneda);
  if (decimals !== undefined && decimalsOf(text) > decimals) {
    return check.add(
      'importe',
      'SALES_IMPORTE_DECIMALS',
      `importe ${text} has ${decimalsOf(text)} decimals; ${moneda} allows ${decimals}`,
    );
  }
  if (/^[0.]+$/.test(text)) {
    return check.add(
      'importe',
      'SALES_IMPORTE_ZERO',
      `importe is ${text}: a concept needs an amount greater than zero (CFDI40166)`,
    );
  }
  return text;
}

function checkReceptor(
  check: RowCheck,
  get: (c: CanonicalColumn) => string,
  defaultUso: string,
): SalesReceptor | undefined {
  const rfc = get('receptorRfc').toUpperCase();
  const nombre = get('receptorNombre');
  const domicilio = get('receptorDomicilioFiscal');
  const regimen = get('receptorRegimenFiscal');
  if (rfc === '' && nombre === '' && domicilio === '' && regimen === '') return undefined;
  const missing = (
    [
      ['receptorRfc', rfc],
      ['receptorNombre', nombre],
      ['receptorDomicilioFiscal', domicilio],
      ['receptorRegimenFiscal', regimen],
    ] as const
  ).filter(([, v]) => v === '');
  if (missing.length > 0) {
    for (const [column] of missing) {
      check.add(
        column,
        'SALES_RECEPTOR_INCOMPLETE',
        `${column} is empty but other receptor columns are filled: a nominative row needs all four`,
      );
    }
    return undefined;
  }
  const before = check.issues.length;
  const rfcCheck = checkRfc(rfc);
  for (const issue of rfcCheck.issues) {
    if (issue.severity === 'error')
      check.add('receptorRfc', 'SALES_RECEPTOR_INVALID', `receptorRfc ${rfc}: ${issue.message}`);
  }
  checkText(check, 'receptorNombre', nombre, 300);
  if (!CODIGO_POSTAL.test(domicilio)) {
    check.add(
      'receptorDomicilioFiscal',
      'SALES_RECEPTOR_INVALID',
      `receptorDomicilioFiscal ${JSON.stringify(domicilio)} is not a five-digit código postal`,
    );
  }
  if (!Object.hasOwn(REGIMENES_FISCALES, regimen)) {
    check.add(
      'receptorRegimenFiscal',
      'SALES_RECEPTOR_INVALID',
      `receptorRegimenFiscal ${JSON.stringify(regimen)} is not in c_RegimenFiscal`,
    );
  }
  const uso = get('usoCFDI').toUpperCase() || defaultUso;
  if (!Object.hasOwn(USOS_CFDI, uso))
    check.add('usoCFDI', 'SALES_RECEPTOR_INVALID', `usoCFDI ${JSON.stringify(uso)} is not in c_UsoCFDI`);
  if (check.issues.length > before) return undefined;
  return { rfc, nombre, domicilioFiscalReceptor: domicilio, regimenFiscalReceptor: regimen, usoCFDI: uso };
}

/**
 * Checks one record of a sales export against the contract (DESIGN.md) and the SAT catalogs, and
 * applies the config's defaults. Every finding is collected (not only the first); a row with any
 * finding has no `value`, and its ticket will be rejected.
 */
export function parseSalesRow(record: SalesRecord, config: SalesConfig): ParsedSalesRow {
  const check = new RowCheck(record.row);
  check.issues.push(...record.issues);
  const values = record.values;
  const get = (column: CanonicalColumn): string => textOf(values[column], column, check);
  const d = config.defaults;

  const ticket = get('ticket');
  const sucursal = get('sucursal');
  if (ticket === '')
    check.add('ticket', 'SALES_TICKET_MISSING', 'ticket is empty: the row belongs to no ticket');
  // The ticket is the Folio of the ticket's comprobante: t_Folio allows 40 characters without |.
  else checkText(check, 'ticket', ticket, 40);
  checkText(check, 'sucursal', sucursal, 100, false);
  const key = ticket === '' ? undefined : { ticket, sucursal };
  if (record.issues.some((i) => i.code === 'SALES_RECORD_MALFORMED')) {
    return key === undefined
      ? { row: record.row, issues: check.issues }
      : { row: record.row, key, issues: check.issues };
  }

  const moneda = (get('moneda') || d.moneda).toUpperCase();
  if (monedaDecimals(moneda) === undefined)
    check.add('moneda', 'SALES_MONEDA_UNKNOWN', `moneda ${JSON.stringify(moneda)} is not in c_Moneda`);

  const fechaText = get('fecha');
  const fecha = parseFecha(fechaText);
  if (fecha === undefined) {
    check.add(
      'fecha',
      'SALES_FECHA_INVALID',
      fechaText === ''
        ? 'fecha is empty'
        : `fecha ${JSON.stringify(fechaText)} is not a real date as YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD (local time, no time zone)`,
    );
  }

  const importe = checkImporte(check, values.importe, monedaDecimals(moneda) === undefined ? 'MXN' : moneda);

  const iva = rateOf(get('iva'), d.iva);
  if (iva !== 'exento' && !IVA_RATES.has(iva)) {
    check.add(
      'iva',
      'SALES_RATE_UNKNOWN',
      `iva ${JSON.stringify(iva)} is not 16, 8, 0 or exento (rates are percentages)`,
    );
  }
  const ieps = rateOf(get('ieps'), d.ieps);
  if (!IEPS_RATES.has(ieps)) {
    check.add(
      'ieps',
      'SALES_RATE_UNKNOWN',
      `ieps ${JSON.stringify(ieps)} is not an IEPS Tasa of c_TasaOCuota (as a percentage: ${[...IEPS_RATES].join(', ')})`,
    );
  }
  const ish = rateOf(get('ish'), d.ish);
  if (!ISH_RATE.test(ish)) {
    check.add(
      'ish',
      'SALES_RATE_UNKNOWN',
      `ish ${JSON.stringify(ish)} is not a percentage from 0 to 10 with at most 2 decimals`,
    );
  }

  const formaPago = formaPagoOf(get('formaPago'), d.formaPago);
  if (!Object.hasOwn(FORMAS_PAGO, formaPago)) {
    check.add(
      'formaPago',
      'SALES_FORMA_PAGO_UNKNOWN',
      `formaPago ${JSON.stringify(formaPago)} is not in c_FormaPago`,
    );
  } else checkVigencia(check, 'formaPago', formaPago, FORMAS_PAGO[formaPago], fecha);

  const descripcion = checkText(check, 'descripcion', get('descripcion') || d.descripcion, 1000);
  const cantidadText = get('cantidad') || d.cantidad;
  const cantidad = DECIMAL.test(cantidadText) ? normalizeNumber(cantidadText) : cantidadText;
  if (!DECIMAL.test(cantidadText) || decimalsOf(cantidadText) > 6 || /^[0.]+$/.test(cantidadText)) {
    check.add(
      'cantidad',
      'SALES_CANTIDAD_INVALID',
      `cantidad ${JSON.stringify(cantidadText)} is not a positive number with at most 6 decimals`,
    );
  }
  const claveProdServ = get('claveProdServ') || d.claveProdServ;
  if (!CLAVE_PROD_SERV.test(claveProdServ)) {
    check.add(
      'claveProdServ',
      'SALES_CATALOG_UNKNOWN',
      `claveProdServ ${JSON.stringify(claveProdServ)} is not an eight-digit c_ClaveProdServ key`,
    );
  }
  const claveUnidad = get('claveUnidad') || d.claveUnidad;
  if (!CLAVES_UNIDAD.has(claveUnidad)) {
    check.add(
      'claveUnidad',
      'SALES_CATALOG_UNKNOWN',
      `claveUnidad ${JSON.stringify(claveUnidad)} is not in c_ClaveUnidad`,
    );
  }
  const objetoImp = formaPagoOf(get('objetoImp'), d.objetoImp);
  if (!Object.hasOwn(OBJETOS_IMP, objetoImp)) {
    check.add(
      'objetoImp',
      'SALES_CATALOG_UNKNOWN',
      `objetoImp ${JSON.stringify(objetoImp)} is not in c_ObjetoImp`,
    );
  } else checkVigencia(check, 'objetoImp', objetoImp, OBJETOS_IMP[objetoImp], fecha);
  const unidad = checkText(check, 'unidad', get('unidad') || (d.unidad ?? ''), 20);
  const noIdentificacion = checkText(check, 'noIdentificacion', get('noIdentificacion'), 100);
  const tag = checkText(check, 'tag', get('tag'), 100, false);

  const tipoCambioText = get('tipoCambio');
  if (
    tipoCambioText !== '' &&
    (!DECIMAL.test(tipoCambioText) ||
      decimalsOf(tipoCambioText) > 6 ||
      /^[0.]+$/.test(tipoCambioText) ||
      integerDigitsOf(tipoCambioText) > IMPORTE_INTEGER_DIGITS)
  ) {
    // Anexo 20 gives TipoCambio t_Importe's pattern [0-9]{1,18}(.[0-9]{1,6})? (CFDI40117).
    check.add(
      'tipoCambio',
      'SALES_TIPO_CAMBIO_INVALID',
      `tipoCambio ${JSON.stringify(tipoCambioText)} is not a positive number with at most ${IMPORTE_INTEGER_DIGITS} integer digits and 6 decimals (CFDI40117)`,
    );
  } else if (monedaDecimals(moneda) !== undefined) {
    // SAT A.8: MXN takes TipoCambio 1 or none (CFDI40114), XXX none (CFDI40116), any other currency one (CFDI40115).
    if (moneda === 'MXN' && tipoCambioText !== '' && normalizeNumber(tipoCambioText) !== '1') {
      check.add(
        'tipoCambio',
        'SALES_TIPO_CAMBIO_INVALID',
        `tipoCambio of an MXN row must be 1 or empty (CFDI40114), not ${tipoCambioText}`,
      );
    } else if (moneda === 'XXX' && tipoCambioText !== '') {
      check.add('tipoCambio', 'SALES_TIPO_CAMBIO_INVALID', 'moneda XXX takes no tipoCambio (CFDI40116)');
    } else if (moneda !== 'MXN' && moneda !== 'XXX' && tipoCambioText === '') {
      check.add('tipoCambio', 'SALES_TIPO_CAMBIO_INVALID', `moneda ${moneda} needs a tipoCambio (CFDI40115)`);
    }
  }

  const vencimientoText = get('vencimiento');
  let vencimiento: string | undefined;
  if (vencimientoText === '') {
    vencimiento = fecha === undefined ? undefined : addDays(fecha.slice(0, 10), config.vencimientoDias);
  } else {
    vencimiento = parseDate(
      vencimientoText.length > 10
        ? (parseFecha(vencimientoText)?.slice(0, 10) ?? vencimientoText)
        : vencimientoText,
    );
    if (vencimiento === undefined) {
      check.add(
        'vencimiento',
        'SALES_VENCIMIENTO_INVALID',
        `vencimiento ${JSON.stringify(vencimientoText)} is not a real date as YYYY-MM-DD`,
      );
    } else if (fecha !== undefined && vencimiento < fecha.slice(0, 10)) {
      check.add(
        'vencimiento',
        'SALES_VENCIMIENTO_INVALID',
        `vencimiento ${vencimiento} is before fecha ${fecha.slice(0, 10)}`,
      );
    }
  }

  const receptor = checkReceptor(check, get, d.usoCFDI);

  if (
    check.issues.length > 0 ||
    key === undefined ||
    fecha === undefined ||
    importe === undefined ||
    vencimiento === undefined
  ) {
    return key === undefined
      ? { row: record.row, issues: check.issues }
      : { row: record.row, key, issues: check.issues };
  }
  const value: Mutable<SalesRow> = {
    row: record.row,
    ticket,
    sucursal,
    fecha,
    importe,
    iva,
    ieps,
    ish,
    formaPago,
    descripcion,
    cantidad,
    claveProdServ,
    claveUnidad,
    objetoImp,
    moneda,
    vencimiento,
  };
  if (unidad !== '') value.unidad = unidad;
  if (noIdentificacion !== '') value.noIdentificacion = noIdentificacion;
  if (tipoCambioText !== '' && moneda !== 'MXN') value.tipoCambio = tipoCambioText;
  if (receptor !== undefined) value.receptor = receptor;
  if (tag !== '') value.tag = tag;
  return { row: record.row, key, value, issues: [] };
}
