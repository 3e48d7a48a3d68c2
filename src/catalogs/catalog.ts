/*
 * Shapes and helpers shared by the SAT catalog tables. Tables are built with a null prototype so
 * that indexing them with a hostile code (`__proto__`, `toString`) finds nothing, and deep-frozen
 * so that no caller can edit a catalog at run time.
 */

/** The validity window of a catalog entry as SAT publishes it (`YYYY-MM-DD`; absent = open-ended). */
export interface Vigencia {
  readonly vigenciaDesde?: string;
  readonly vigenciaHasta?: string;
}

/** A catalog entry that has only a description and its validity window. */
export interface CatalogEntry extends Vigencia {
  readonly descripcion: string;
}

/** A catalog table: SAT code → entry. */
export type CatalogTable<T> = Readonly<Record<string, T>>;

const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Builds a catalog table: a deep-frozen copy of `entries` with a null prototype. */
export function freezeTable<T extends object>(entries: Record<string, T>): CatalogTable<T> {
  const table: Record<string, T> = Object.create(null);
  for (const [code, entry] of Object.entries(entries)) table[code] = deepFreeze(entry);
  return Object.freeze(table);
}

/** True when `code` is a key of `table` (own keys only, so `__proto__` or `toString` never match). */
export function isInCatalog(
  table: Readonly<Record<string, unknown>> | ReadonlySet<string>,
  code: string,
): boolean {
  if (table instanceof Set) return table.has(code);
  return Object.hasOwn(table, code);
}

/**
 * True when `entry` is valid on `fecha` (`YYYY-MM-DD`, optionally followed by a time, as in
 * Comprobante/@Fecha): vigenciaDesde ≤ date and, when there is a vigenciaHasta, date ≤ vigenciaHasta.
 * A `fecha` that does not start with a date is never vigente.
 */
export function isVigente(entry: Vigencia, fecha: string): boolean {
  if (!DATE_PREFIX.test(fecha)) return false;
  // ISO dates compare correctly as strings, so no Date (and no time zone) is involved.
  const date = fecha.slice(0, 10);
  if (entry.vigenciaDesde !== undefined && date < entry.vigenciaDesde) return false;
  return entry.vigenciaHasta === undefined || date <= entry.vigenciaHasta;
}
