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

/**
 * The canonical columns of a payments export (one row per payment × paid invoice), read by the
 * same reader and turned into recibos electrónicos de pago by src/payments. Names are the Pagos 2.0
 * attributes where the complement has them; `pago` (an explicit payment id, also the REP's Folio),
 * `fecha` (the REP's issue date), the receptor columns, `serieDR`/`folioDR` and the rates of the paid
 * invoice (`iva`, `ieps`, `retencionIva`, `retencionIsr`, in percent) are the export's own.
 */
export const PAYMENT_COLUMNS = [
  'pago',
  'fecha',
  'fechaPago',
  'formaDePagoP',
  'monedaP',
  'tipoCambioP',
  'monto',
  'numOperacion',
  'receptorRfc',
  'receptorNombre',
  'receptorDomicilioFiscal',
  'receptorRegimenFiscal',
  'idDocumento',
  'serieDR',
  'folioDR',
  'monedaDR',
  'equivalenciaDR',
  'numParcialidad',
  'impSaldoAnt',
  'impPagado',
  'objetoImpDR',
  'iva',
  'ieps',
  'retencionIva',
  'retencionIsr',
] as const;

/** One canonical column of a payments export. */
export type PaymentColumn = (typeof PAYMENT_COLUMNS)[number];

/** Columns every payments export must have. */
export const PAYMENT_REQUIRED_COLUMNS: readonly PaymentColumn[] = [
  'fechaPago',
  'formaDePagoP',
  'receptorRfc',
  'receptorNombre',
  'receptorDomicilioFiscal',
  'receptorRegimenFiscal',
  'idDocumento',
  'numParcialidad',
  'impSaldoAnt',
  'impPagado',
];

/**
 * The columns an export reader looks for: the sales export's by default; the payments export
 * (src/payments) brings its own. The reader is the same for both.
 */
export interface ColumnSet {
  readonly columns: readonly string[];
  readonly required: readonly string[];
  /** What the export is called in messages (`sales export`, `payments export`). */
  readonly what: string;
}

/** The sales export's columns. */
export const SALES_COLUMN_SET: ColumnSet = {
  columns: CANONICAL_COLUMNS,
  required: REQUIRED_COLUMNS,
  what: 'sales export',
};

/** The payments export's columns. */
export const PAYMENT_COLUMN_SET: ColumnSet = {
  columns: PAYMENT_COLUMNS,
  required: PAYMENT_REQUIRED_COLUMNS,
  what: 'payments export',
};

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
  set: ColumnSet = SALES_COLUMN_SET,
): ReadonlyMap<string, CanonicalColumn> {
  const lookup = new Map<string, CanonicalColumn>();
  const named = renames as Readonly<Record<string, string | undefined>>;
  for (const column of set.columns)
    lookup.set(normalizeHeader(named[column] ?? column), column as CanonicalColumn);
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
  set: ColumnSet = SALES_COLUMN_SET,
): ColumnMap {
  const lookup = columnLookup(renames, set);
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
  for (const required of set.required) {
    const column = required as CanonicalColumn;
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
      `the ${set.what}'s header cannot be used: ${problems.join('; ')}`,
      {
        location: { row: 1 },
      },
    );
  }
  return { index, key };
}
