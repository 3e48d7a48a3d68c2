import { CfdiLayoutError } from '../errors.js';

/**
 * The canonical columns of a sales export (DESIGN.md, "Sales export contract"), in the order the
 * docs list them. `tipoCambio` (required by SAT for a Moneda other than MXN, CFDI40115), `unidad`,
 * `noIdentificacion` and `tag` (the Factu-Ramval order tag) are optional extras.
 */
export const CANONICAL_COLUMNS = [
  'ticket',
  'sucursal',
  'fecha',
  'importe',
  'iva',
  'ieps',
  'ish',
  'formaPago',
  'descripcion',
  'cantidad',
  'claveProdServ',
  'claveUnidad',
  'unidad',
  'noIdentificacion',
  'objetoImp',
  'moneda',
  'tipoCambio',
  'vencimiento',
  'receptorRfc',
  'receptorNombre',
  'receptorDomicilioFiscal',
  'receptorRegimenFiscal',
  'usoCFDI',
  'tag',
] as const;

/** One canonical column name. */
export type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number];

/** Columns every export must have: without them no row can become a ticket line. */
export const REQUIRED_COLUMNS: readonly CanonicalColumn[] = ['ticket', 'fecha', 'importe'];

/** Where each canonical column sits in a CSV header (or which JSON key holds it). */
export interface ColumnMap {
  /** Canonical column → index of the header cell, for CSV. */
  readonly index: Readonly<Partial<Record<CanonicalColumn, number>>>;
  /** Canonical column → the key as written in the export (the header text, or JSON key). */
  readonly key: Readonly<Partial<Record<CanonicalColumn, string>>>;
}

/** Header text as compared: trimmed, case-insensitive, BOM removed. */
export function normalizeHeader(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase();
}

/**
 * Normalized header → canonical column: a column renamed in the config is found by the ERP's header
 * only; any other canonical column by its own name.
 */
export function columnLookup(
  renames: Readonly<Partial<Record<CanonicalColumn, string | undefined>>>,
): ReadonlyMap<string, CanonicalColumn> {
  const lookup = new Map<string, CanonicalColumn>();
  for (const column of CANONICAL_COLUMNS) lookup.set(normalizeHeader(renames[column] ?? column), column);
  return lookup;
}

/**
 * Resolves a CSV header to canonical columns (see {@link columnLookup}); matching ignores case and
 * surrounding spaces, and headers that are no canonical column are ignored. Throws
 * `SALES_HEADER_INVALID` when a required column (ticket, fecha, importe) is missing or when one
 * column appears twice, because then no row can be read correctly.
 */
export function resolveColumns(
  headers: readonly string[],
  renames: Readonly<Partial<Record<CanonicalColumn, string | undefined>>>,
): ColumnMap {
  const lookup = columnLookup(renames);
  const index: Partial<Record<CanonicalColumn, number>> = {};
  const key: Partial<Record<CanonicalColumn, string>> = {};
  const problems: string[] = [];
  headers.forEach((header, at) => {
    const column = lookup.get(normalizeHeader(header));
    if (column === undefined) return;
    const seen = index[column];
    if (seen !== undefined) {
      problems.push(`column ${column} appears twice (header cells ${seen + 1} and ${at + 1})`);
      return;
    }
    index[column] = at;
    key[column] = header;
  });
  for (const column of REQUIRED_COLUMNS) {
    if (index[column] !== undefined) continue;
    const renamed = renames[column];
    problems.push(
      renamed === undefined
        ? `required column ${column} is missing (map the ERP's header in the config's "columns")`
        : `required column ${column} (configured as ${JSON.stringify(renamed)}) is missing`,
    );
  }
  if (problems.length > 0) {
    throw new CfdiLayoutError(
      'SALES_HEADER_INVALID',
      `the sales export's header cannot be used: ${problems.join('; ')}`,
      {
        location: { row: 1 },
      },
    );
  }
  return { index, key };
}
