import { z } from 'zod';
import { CfdiLayoutError } from '../errors.js';
import { formatPath, type Issue } from '../issues.js';
import { zodIssues } from '../model/json.js';
import { CANONICAL_COLUMNS, type CanonicalColumn, PAYMENT_COLUMNS, type PaymentColumn } from './columns.js';

/*
 * The configuration of `build` and `global` (`cfdi-layout.config.json`). It is the single source of
 * truth for its JSON Schema (`schemas/config.schema.json`, from `salesConfigJsonSchema`).
 * Secrets never live here: tokens and API keys come from the environment (DESIGN.md).
 */

const RFC_SHAPE = /^[A-Z&Ñ]{3,4}[0-9]{6}[A-Z0-9]{3}$/;
/** A percentage as the seeds write rates (`16`, `8`, `0`, `26.5`), or `exento` for IVA. */
const PERCENT = /^(?:\d{1,3})(?:\.\d{1,6})?$/;

const Percent = z.string().regex(PERCENT, 'a percentage such as 16, 8 or 0');

/** The issuer of every comprobante built from the sales export. */
export const EmisorConfigSchema = z
  .strictObject({
    rfc: z.string().regex(RFC_SHAPE, 'an RFC (t_RFC): 3 or 4 letters, YYMMDD and a 3-character homoclave'),
    nombre: z
      .string()
      .min(1)
      .max(254)
      .describe('As in the Constancia de Situación Fiscal, without the régimen societario.'),
    regimenFiscal: z.string().regex(/^[0-9]{3}$/, 'a c_RegimenFiscal code such as 601'),
  })
  .describe('Emisor: rfc, nombre and regimenFiscal (c_RegimenFiscal).');

/** Values used when a row leaves a column empty or the export has no such column. */
export const SalesDefaultsSchema = z
  .strictObject({
    iva: z
      .union([Percent, z.literal('exento')])
      .default('16')
      .describe('IVA % when the row has none: 16, 8, 0 or exento. Defaults to 16.'),
    ieps: Percent.default('0').describe('IEPS % (c_TasaOCuota, Tasa). Defaults to 0.'),
    ish: Percent.default('0').describe('ISH % (local tax, complemento implocal). Defaults to 0.'),
    formaPago: z
      .string()
      .regex(/^[0-9]{2}$/)
      .default('01')
      .describe('c_FormaPago. Defaults to 01 (efectivo).'),
    moneda: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('MXN')
      .describe('c_Moneda. Defaults to MXN.'),
    descripcion: z
      .string()
      .min(1)
      .max(1000)
      .default('Consumo')
      .describe('Concept description. Defaults to Consumo.'),
    cantidad: z
      .string()
      .regex(/^\d+(?:\.\d{1,6})?$/)
      .default('1')
      .describe('Concept quantity. Defaults to 1.'),
    claveProdServ: z
      .string()
      .regex(/^[0-9]{8}$/)
      .default('90101501')
      .describe('c_ClaveProdServ. Defaults to 90101501 (restaurantes).'),
    claveUnidad: z
      .string()
      .min(1)
      .max(3)
      .default('E48')
      .describe('c_ClaveUnidad. Defaults to E48 (unidad de servicio).'),
    unidad: z.string().min(1).max(20).optional().describe('Concept Unidad text; omitted when absent.'),
    objetoImp: z
      .string()
      .regex(/^[0-9]{2}$/)
      .default('02')
      .describe('c_ObjetoImp. Defaults to 02 (sí objeto de impuesto).'),
    usoCFDI: z
      .string()
      .min(3)
      .max(4)
      .default('G03')
      .describe(
        'c_UsoCFDI of a nominative row that leaves usoCFDI empty. Defaults to G03 (gastos en general).',
      ),
  })
  .describe('Defaults for empty or missing columns.');

const columnsShape = Object.fromEntries(
  CANONICAL_COLUMNS.map((column) => [
    column,
    z.string().min(1).optional().describe(`The export's header for the canonical column ${column}.`),
  ]),
) as Record<CanonicalColumn, z.ZodOptional<z.ZodString>>;

/** Canonical column → the ERP's own header, for exports whose headers are not the canonical names. */
export const ColumnsConfigSchema = z
  .strictObject(columnsShape)
  .describe(
    'Renames: canonical column → the header the ERP writes (matched ignoring case and surrounding spaces).',
  );

const paymentColumnsShape = Object.fromEntries(
  PAYMENT_COLUMNS.map((column) => [column, z.string().min(1).optional()]),
) as Record<PaymentColumn, z.ZodOptional<z.ZodString>>;

/** The recibos electrónicos de pago built from a payments export (`build --to pagos-xml`). */
export const PagosConfigSchema = z
  .strictObject({
    serie: z
      .string()
      .regex(/^[^|]{1,25}$/, '1 to 25 characters, no |')
      .default('P')
      .describe('Serie of the REPs. Defaults to P.'),
    columns: z
      .strictObject(paymentColumnsShape)
      .prefault({})
      .describe('Renames: payments column → the header the ERP writes (matched ignoring case and spaces).'),
  })
  .describe('Payments exports: the REPs (CFDI tipo P with Pagos 2.0) they become.');

/** How the sales export is read. */
export const InputConfigSchema = z
  .strictObject({
    format: z
      .enum(['csv', 'json', 'jsonl'])
      .optional()
      .describe(
        'Input format; guessed from the first character when absent ([ JSON array, { JSON lines, else CSV).',
      ),
    delimiter: z
      .enum([',', ';', '|', '\t'])
      .optional()
      .describe('CSV delimiter; guessed from the header line when absent.'),
    encoding: z
      .enum(['utf8', 'latin1'])
      .default('utf8')
      .describe('CSV/JSON text encoding. Defaults to utf8 (BOM allowed).'),
    order: z
      .enum(['auto', 'sorted', 'unsorted'])
      .default('auto')
      .describe(
        'Whether rows of one ticket are together: auto checks first; sorted streams in flat memory; unsorted groups every row in memory. Defaults to auto.',
      ),
    mixedFecha: z
      .enum(['reject', 'latest'])
      .default('reject')
      .describe(
        'Rows of one ticket with different fecha values: reject refuses the ticket (SALES_TICKET_FECHA_MIXED); latest issues it at the latest one, for ERPs that stamp each line with its own time. Defaults to reject.',
      ),
  })
  .describe('Reading the sales export.');

/** Values of Tralix's layout header record and the encrypted ids of its APIs (seeds 000, 002). */
export const TralixConfigSchema = z
  .strictObject({
    connector: z
      .string()
      .min(1)
      .default('CFD33BASE')
      .describe(
        'Connector id of record 00, configured per customer by Tralix. Defaults to CFD33BASE (seed 000).',
      ),
    environment: z.string().min(1).default('QA').describe('Environment of record 00. Defaults to QA.'),
    version: z.string().min(1).default('4.0').describe('CFDI version of record 00. Defaults to 4.0.'),
    idTipoCfd: z
      .string()
      .min(1)
      .optional()
      .describe('Encrypted CFD type id for cfdisAsync (seed 002); required by --to tralix-async.'),
    sucursales: z
      .record(z.string(), z.string().min(1))
      .default({})
      .describe('Sales sucursal → Tralix {idSucursal}; a sucursal not listed is sent as written.'),
  })
  .describe('Tralix header values and ids.');

/** Factu-Ramval autofacturación orders (seed 001). */
export const OrdersConfigSchema = z
  .strictObject({
    tag: z
      .string()
      .default('')
      .describe('Order tag when the row has none (seed 001: ONLINE, TIENDA). Defaults to empty.'),
    splitMixedRates: z
      .boolean()
      .default(false)
      .describe(
        'Split a ticket that mixes IVA/ISH rates into one order per rate (folio-RATE) instead of rejecting it. Defaults to false.',
      ),
    batchSize: z
      .int()
      .min(1)
      .max(10_000)
      .default(100)
      .describe('Orders per JSON array (one POST /multiple each). Defaults to 100.'),
    folioWithSucursal: z
      .boolean()
      .default(false)
      .describe(
        'Folio is sucursal-ticket instead of the ticket, when ticket numbers repeat across branches. Defaults to false.',
      ),
  })
  .describe('Orders for Factu-Ramval autofacturación.');

/** The factura global (rules doc F.4). */
export const GlobalConfigSchema = z
  .strictObject({
    serie: z
      .string()
      .min(1)
      .max(25)
      .optional()
      .describe('Serie of the factura global. Defaults to the top-level serie.'),
    ish: z
      .enum(['implocal', 'reject'])
      .default('implocal')
      .describe(
        'ISH tickets in a global: implocal carries the ISH in complemento implocal (in Total); reject leaves those tickets out as rejects. Defaults to implocal.',
      ),
  })
  .describe('Factura global options.');

/** ZIP bundles for timbrado masivo (seed 003). */
export const BundleConfigSchema = z
  .strictObject({
    maxFiles: z.int().min(1).default(1000).describe('XML files per ZIP. Defaults to 1000.'),
    maxBytes: z
      .int()
      .min(1024)
      .default(50 * 1024 * 1024)
      .describe('Uncompressed XML bytes per ZIP. Defaults to 50 MiB.'),
  })
  .describe('ZIP bundle limits.');

/** One provider's endpoint; secrets come from the environment, never from here. */
export const ProviderConfigSchema = z.strictObject({
  baseUrl: z.url().describe('Base URL of the provider API (sandbox or production).'),
  sucursal: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Default branch id for APIs that take one: Facture's Sucursal header (seed 003) of timbrar, masivo and cancelar when --sucursal is not given.",
    ),
});

/** The configuration file `cfdi-layout.config.json`. */
export const SalesConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
    emisor: EmisorConfigSchema,
    lugarExpedicion: z
      .string()
      .regex(/^[0-9]{5}$/, 'a five-digit código postal')
      .describe('LugarExpedicion (c_CodigoPostal).'),
    serie: z
      .string()
      .regex(/^[^|]{1,25}$/, '1 to 25 characters, no |')
      .describe('Serie of invoices built from tickets.'),
    vencimientoDias: z
      .int()
      .min(0)
      .max(366)
      .default(30)
      .describe(
        'Days after fecha a ticket can be self-invoiced, when the row has no vencimiento. Defaults to 30.',
      ),
    layout: z
      .string()
      .min(1)
      .default('tralix-40')
      .describe(
        'Layout id (built-in) or definition file for insumo, archivoFuente and --to layout. Defaults to tralix-40.',
      ),
    defaults: SalesDefaultsSchema.prefault({}),
    columns: ColumnsConfigSchema.prefault({}),
    input: InputConfigSchema.prefault({}),
    tralix: TralixConfigSchema.prefault({}),
    orders: OrdersConfigSchema.prefault({}),
    global: GlobalConfigSchema.prefault({}),
    bundle: BundleConfigSchema.prefault({}),
    pagos: PagosConfigSchema.prefault({}),
    providers: z
      .record(z.string(), ProviderConfigSchema)
      .default({})
      .describe('Provider id → base URL (tralix, tralix-async, facturav4, facture).'),
  })
  .describe(
    'cfdi-layout configuration: emisor, lugarExpedicion, serie, defaults, column names, layout and providers.',
  );

/** The configuration as written in the file (every default optional). */
export type SalesConfigInput = z.input<typeof SalesConfigSchema>;

/** The configuration with every default filled in. */
export type SalesConfig = z.output<typeof SalesConfigSchema>;

/** Checks a configuration value; returns the filled-in config or every problem as an issue. */
export function checkSalesConfig(value: unknown): { config?: SalesConfig; issues: Issue[] } {
  const parsed = SalesConfigSchema.safeParse(value);
  if (parsed.success) return { config: parsed.data, issues: [] };
  return { issues: zodIssues(parsed.error, 'CONFIG_INVALID') };
}

/** Parses a configuration value, throwing `CONFIG_INVALID` that lists every problem with its path. */
export function parseSalesConfig(value: unknown, file?: string): SalesConfig {
  const { config, issues } = checkSalesConfig(value);
  if (config !== undefined) return config;
  const details = issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`).join('; ');
  throw new CfdiLayoutError('CONFIG_INVALID', `invalid configuration: ${details}`, {
    ...(file === undefined ? {} : { location: { file } }),
  });
}

/** The JSON Schema of the configuration file (draft 2020-12, input side: defaults optional). */
export function salesConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SalesConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
}
