import {
  CLAVES_UNIDAD,
  EXPORTACIONES,
  FORMAS_PAGO,
  IMPUESTOS,
  isInCatalog,
  isVigente,
  MESES,
  METODOS_PAGO,
  MONEDAS,
  OBJETOS_IMP,
  PAISES,
  PERIODICIDADES,
  REGIMENES_FISCALES,
  TIPOS_DE_COMPROBANTE,
  TIPOS_FACTOR,
  TIPOS_RELACION,
  USOS_CFDI,
  type Vigencia,
} from '../catalogs/index.js';
import { error, type Issue, type IssuePath } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import { Money } from '../money.js';
import { checkRfc } from '../rfc/rfc.js';
import { FECHA_H, parseFechaH, type RuleContext, type RuleDescription } from './context.js';

/*
 * The XSD layer: every attribute of cfdv40.xsd (and the tdCFDI types it uses) as data. One table maps
 * a node selector to the facets of each attribute; one engine applies them. When a SAT rule states the
 * same fact as a facet (FormaPago not in c_FormaPago is CFDI40104), the facet carries that code, so a
 * document gets the code a PAC would return instead of a generic XSD one. When another rule module
 * reports the fact (ObjetoImp not in c_ObjetoImp is CFDI40170, checked with the concepts), the facet
 * names it in `coveredBy` and is skipped here, so the fact is reported once.
 *
 * Two facets of SAT's catCFDI.xsd are not checkable offline: c_ClaveProdServ and c_CodigoPostal are
 * enumerations of tens of thousands of keys that are not shipped. They are checked with the shape
 * SAT's keys have (8 digits, 5 digits), as the kit's reconstructed catCFDI.xsd does, and reported as
 * XSD_PATTERN; membership (CFDI40126, CFDI40162) is out of scope.
 */

/** The codes the facet layers report: SAT codes where the matriz states a facet's fact, else XSD_* and RFC_*. */
export const FACET_RULE_CODES: readonly RuleDescription[] = [
  {
    code: 'CFDI40101',
    description:
      'Fecha does not match t_FechaH (yyyy-mm-ddThh:mm:ss, year 2010 or later) or is not a real date.',
  },
  { code: 'CFDI40104', description: 'FormaPago not in c_FormaPago (or not vigente on Fecha).' },
  { code: 'CFDI40113', description: 'Moneda not in c_Moneda.' },
  {
    code: 'CFDI40117',
    description:
      'TipoCambio does not match [0-9]{1,18}(.[0-9]{1,6})?, a plain decimal with at most 6 decimals.',
  },
  {
    code: 'CFDI40121',
    description: 'TipoDeComprobante not in c_TipoDeComprobante (or not vigente on Fecha).',
  },
  { code: 'CFDI40123', description: 'Exportacion not in c_Exportacion (or not vigente on Fecha).' },
  { code: 'CFDI40124', description: 'MetodoPago not in c_MetodoPago (or not vigente on Fecha).' },
  {
    code: 'CFDI40131',
    description: 'InformacionGlobal Periodicidad not in c_Periodicidad (or not vigente on Fecha).',
  },
  { code: 'CFDI40133', description: 'InformacionGlobal Meses not in c_Meses (or not vigente on Fecha).' },
  {
    code: 'CFDI40137',
    description: 'CfdiRelacionados TipoRelacion not in c_TipoRelacion (or not vigente on Fecha).',
  },
  {
    code: 'CFDI40140',
    description: 'Emisor RegimenFiscal not in c_RegimenFiscal (or not vigente on Fecha).',
  },
  { code: 'CFDI40142', description: 'Emisor FacAtrAdquirente is not 10 digits.' },
  { code: 'CFDI40150', description: 'Receptor ResidenciaFiscal not in c_Pais.' },
  {
    code: 'CFDI40157',
    description: 'Receptor RegimenFiscalReceptor not in c_RegimenFiscal (or not vigente on Fecha).',
  },
  { code: 'CFDI40160', description: 'Receptor UsoCFDI not in c_UsoCFDI (or not vigente on Fecha).' },
  { code: 'CFDI40165', description: 'Concepto ClaveUnidad not in c_ClaveUnidad.' },
  { code: 'XSD_REQUIRED', description: 'A required attribute is missing or empty.' },
  { code: 'XSD_LENGTH', description: 'An attribute is shorter or longer than its XSD type allows.' },
  {
    code: 'XSD_PATTERN',
    description: 'An attribute does not match its XSD pattern or decimal type (t_Importe, fraction digits).',
  },
  {
    code: 'XSD_ENUMERATION',
    description: 'An attribute is not one of the values its XSD type or catalog allows.',
  },
  { code: 'XSD_MIN', description: 'A numeric attribute is below its XSD minimum.' },
  { code: 'RFC_PATTERN', description: 'An Rfc does not match t_RFC.' },
  { code: 'RFC_DATE', description: 'The YYMMDD date inside an Rfc is not a real date.' },
  { code: 'RFC_CHECK_DIGIT', description: "Warning: an Rfc's check digit does not match SAT's algorithm." },
];

/** A segment of a node selector: a field name, or `'*'` for every element of an array. */
export type SelectorSegment = string;

interface FacetBase {
  /** The code reported when the facet fails, when a SAT rule states the same fact. */
  readonly code?: string;
  /** The SAT rule, implemented in another rule module, that reports this fact instead. */
  readonly coveredBy?: string;
}

/** A catalog as the enumeration facet reads it: a table of entries (with or without vigencia) or a set of keys. */
export type CatalogKeys = Readonly<Record<string, object>> | ReadonlySet<string>;

/** One XSD facet of an attribute (or a tdCFDI type that bundles several). */
export type Facet =
  | (FacetBase & { readonly kind: 'length'; readonly min: number; readonly max: number })
  | (FacetBase & { readonly kind: 'pattern'; readonly pattern: string })
  | (FacetBase & { readonly kind: 'decimal'; readonly fractionDigits: number; readonly pattern?: string })
  | (FacetBase & { readonly kind: 'min'; readonly value: string })
  | (FacetBase & { readonly kind: 'short' })
  | (FacetBase & { readonly kind: 'fixed'; readonly value: string })
  | (FacetBase & {
      readonly kind: 'enumeration';
      readonly catalog: string;
      readonly table: CatalogKeys;
    })
  | (FacetBase & { readonly kind: 'fechaH' })
  | (FacetBase & { readonly kind: 'rfc' });

/** The facets of one attribute. */
export interface AttributeFacets {
  /** The model field (`domicilioFiscalReceptor`). */
  readonly field: string;
  /** The XSD attribute name (`DomicilioFiscalReceptor`), used in messages. */
  readonly name: string;
  readonly required: boolean;
  /** False for the few attributes whose type does not collapse whitespace (NumeroPedimento). */
  readonly collapse: boolean;
  readonly facets: readonly Facet[];
}

/** The attributes of one XSD node and where instances of it live in the model. */
export interface NodeFacets {
  /** The Anexo 20 node name (`Receptor`, `Traslado`), used in messages. */
  readonly node: string;
  /** Path to the node from the comprobante; `'*'` walks every element of an array. */
  readonly at: readonly SelectorSegment[];
  readonly attributes: readonly AttributeFacets[];
}

// ---- facet builders (the vocabulary of the table below) ----

function attr(
  field: string,
  name: string,
  use: 'required' | 'optional',
  ...facets: Facet[]
): AttributeFacets {
  return { field, name, required: use === 'required', collapse: true, facets };
}

function length(min: number, max: number = min, extra: FacetBase = {}): Facet {
  return { kind: 'length', min, max, ...extra };
}

function pattern(source: string, extra: FacetBase = {}): Facet {
  return { kind: 'pattern', pattern: source, ...extra };
}

/** `xs:string` with min/max length and SAT's "anything but a pipe" pattern (`[^|]{1,300}`). */
function texto(min: number, max: number): Facet[] {
  return [length(min, max), pattern(`[^|]{${min},${max}}`)];
}

function enumeration(catalog: string, table: CatalogKeys, extra: FacetBase = {}): Facet {
  return { kind: 'enumeration', catalog, table, ...extra };
}

function minimum(value: string, extra: FacetBase = {}): Facet {
  return { kind: 'min', value, ...extra };
}

/** tdCFDI:t_Importe: xs:decimal, 6 fraction digits, ≥ 0, pattern `[0-9]{1,18}(.[0-9]{1,6})?`. */
const T_IMPORTE: Facet = { kind: 'decimal', fractionDigits: 6, pattern: '[0-9]{1,18}(\\.[0-9]{1,6})?' };
/** xs:decimal with fractionDigits 6 (Cantidad, Base, TasaOCuota, TipoCambio). */
const DECIMAL_6: Facet = { kind: 'decimal', fractionDigits: 6 };
/** tdCFDI:t_RFC, checked with the RFC module (pattern, real date, check digit). */
const T_RFC: Facet = { kind: 'rfc' };
/** c_CodigoPostal: five digits (the catalog itself is not shipped; see the note above). */
const CODIGO_POSTAL: Facet[] = [length(5), pattern('[0-9]{5}')];
/** c_ClaveProdServ: eight digits (the catalog itself is not shipped; see the note above). */
const CLAVE_PROD_SERV: Facet = pattern('[0-9]{8}');
/** InformacionAduanera/@NumeroPedimento, whose format the concept rules report under `coveredBy`. */
function numeroPedimento(coveredBy: string): AttributeFacets {
  return {
    field: 'numeroPedimento',
    name: 'NumeroPedimento',
    required: true,
    // The type keeps whitespace: the pattern has two spaces between groups.
    collapse: false,
    facets: [length(21, 21, { coveredBy }), pattern('[0-9]{2}  [0-9]{2}  [0-9]{4}  [0-9]{7}', { coveredBy })],
  };
}

const CONCEPTO = ['conceptos', '*'] as const;
const PARTE = [...CONCEPTO, 'parte', '*'] as const;

/**
 * Every attribute of Comprobante, InformacionGlobal, CfdiRelacionados, Emisor, Receptor, the concept
 * nodes and the comprobante-level Impuestos, with its cfdv40.xsd facets, in document order.
 */
export const FACET_TABLE: readonly NodeFacets[] = [
  {
    node: 'Comprobante',
    at: [],
    attributes: [
      attr('version', 'Version', 'required', { kind: 'fixed', value: '4.0' }),
      attr('serie', 'Serie', 'optional', ...texto(1, 25)),
      attr('folio', 'Folio', 'optional', ...texto(1, 40)),
      attr('fecha', 'Fecha', 'required', { kind: 'fechaH', code: 'CFDI40101' }),
      // Sello, NoCertificado and Certificado are required once sealed; a pre-CFDI omits them (kit --presello).
      // Sello and Certificado are plain collapsed strings: listed for completeness, no facet to check.
      attr('sello', 'Sello', 'optional'),
      attr(
        'formaPago',
        'FormaPago',
        'optional',
        enumeration('c_FormaPago', FORMAS_PAGO, { code: 'CFDI40104' }),
      ),
      attr('noCertificado', 'NoCertificado', 'optional', length(20), pattern('[0-9]{20}')),
      attr('certificado', 'Certificado', 'optional'),
      attr('condicionesDePago', 'CondicionesDePago', 'optional', ...texto(1, 1000)),
      attr('subTotal', 'SubTotal', 'required', T_IMPORTE),
      attr('descuento', 'Descuento', 'optional', T_IMPORTE),
      attr('moneda', 'Moneda', 'required', enumeration('c_Moneda', MONEDAS, { code: 'CFDI40113' })),
      // Anexo 20 gives TipoCambio the pattern [0-9]{1,18}(.[0-9]{1,6})?, which CFDI40117 enforces.
      attr('tipoCambio', 'TipoCambio', 'optional', { ...T_IMPORTE, code: 'CFDI40117' }, minimum('0.000001')),
      attr('total', 'Total', 'required', T_IMPORTE),
      attr(
        'tipoDeComprobante',
        'TipoDeComprobante',
        'required',
        enumeration('c_TipoDeComprobante', TIPOS_DE_COMPROBANTE, { code: 'CFDI40121' }),
      ),
      attr(
        'exportacion',
        'Exportacion',
        'required',
        enumeration('c_Exportacion', EXPORTACIONES, { code: 'CFDI40123' }),
      ),
      attr(
        'metodoPago',
        'MetodoPago',
        'optional',
        enumeration('c_MetodoPago', METODOS_PAGO, { code: 'CFDI40124' }),
      ),
      attr('lugarExpedicion', 'LugarExpedicion', 'required', ...CODIGO_POSTAL),
      attr('confirmacion', 'Confirmacion', 'optional', length(5), pattern('[0-9a-zA-Z]{5}')),
    ],
  },
  {
    node: 'InformacionGlobal',
    at: ['informacionGlobal'],
    attributes: [
      attr(
        'periodicidad',
        'Periodicidad',
        'required',
        enumeration('c_Periodicidad', PERIODICIDADES, { code: 'CFDI40131' }),
      ),
      attr('meses', 'Meses', 'required', enumeration('c_Meses', MESES, { code: 'CFDI40133' })),
      attr('año', 'Año', 'required', { kind: 'short' }, minimum('2019')),
    ],
  },
  {
    node: 'CfdiRelacionados',
    at: ['cfdiRelacionados', '*'],
    attributes: [
      attr(
        'tipoRelacion',
        'TipoRelacion',
        'required',
        enumeration('c_TipoRelacion', TIPOS_RELACION, { code: 'CFDI40137' }),
      ),
    ],
  },
  {
    node: 'CfdiRelacionado',
    at: ['cfdiRelacionados', '*', 'cfdiRelacionado', '*'],
    attributes: [
      attr(
        'uUID',
        'UUID',
        'required',
        length(36),
        pattern('[a-f0-9A-F]{8}-[a-f0-9A-F]{4}-[a-f0-9A-F]{4}-[a-f0-9A-F]{4}-[a-f0-9A-F]{12}'),
      ),
    ],
  },
  {
    node: 'Emisor',
    at: ['emisor'],
    attributes: [
      attr('rfc', 'Rfc', 'required', T_RFC),
      attr('nombre', 'Nombre', 'required', ...texto(1, 300)),
      attr(
        'regimenFiscal',
        'RegimenFiscal',
        'required',
        enumeration('c_RegimenFiscal', REGIMENES_FISCALES, { code: 'CFDI40140' }),
      ),
      attr(
        'facAtrAdquirente',
        'FacAtrAdquirente',
        'optional',
        length(10, 10, { code: 'CFDI40142' }),
        pattern('[0-9]{10}', { code: 'CFDI40142' }),
      ),
    ],
  },
  {
    node: 'Receptor',
    at: ['receptor'],
    attributes: [
      attr('rfc', 'Rfc', 'required', T_RFC),
      attr('nombre', 'Nombre', 'required', ...texto(1, 300)),
      attr('domicilioFiscalReceptor', 'DomicilioFiscalReceptor', 'required', ...CODIGO_POSTAL),
      attr(
        'residenciaFiscal',
        'ResidenciaFiscal',
        'optional',
        enumeration('c_Pais', PAISES, { code: 'CFDI40150' }),
      ),
      attr('numRegIdTrib', 'NumRegIdTrib', 'optional', length(1, 40)),
      attr(
        'regimenFiscalReceptor',
        'RegimenFiscalReceptor',
        'required',
        enumeration('c_RegimenFiscal', REGIMENES_FISCALES, { code: 'CFDI40157' }),
      ),
      attr('usoCFDI', 'UsoCFDI', 'required', enumeration('c_UsoCFDI', USOS_CFDI, { code: 'CFDI40160' })),
    ],
  },
  {
    node: 'Concepto',
    at: CONCEPTO,
    attributes: [
      attr('claveProdServ', 'ClaveProdServ', 'required', CLAVE_PROD_SERV),
      attr('noIdentificacion', 'NoIdentificacion', 'optional', ...texto(1, 100)),
      attr('cantidad', 'Cantidad', 'required', DECIMAL_6, minimum('0.000001')),
      attr(
        'claveUnidad',
        'ClaveUnidad',
        'required',
        enumeration('c_ClaveUnidad', CLAVES_UNIDAD, { code: 'CFDI40165' }),
      ),
      attr('unidad', 'Unidad', 'optional', ...texto(1, 20)),
      attr('descripcion', 'Descripcion', 'required', ...texto(1, 1000)),
      attr('valorUnitario', 'ValorUnitario', 'required', T_IMPORTE),
      attr('importe', 'Importe', 'required', T_IMPORTE),
      attr('descuento', 'Descuento', 'optional', T_IMPORTE),
      attr(
        'objetoImp',
        'ObjetoImp',
        'required',
        enumeration('c_ObjetoImp', OBJETOS_IMP, { coveredBy: 'CFDI40170' }),
      ),
    ],
  },
  {
    node: 'Traslado',
    at: [...CONCEPTO, 'impuestos', 'traslados', '*'],
    attributes: [
      attr('base', 'Base', 'required', DECIMAL_6, minimum('0.000001', { coveredBy: 'CFDI40174' })),
      attr(
        'impuesto',
        'Impuesto',
        'required',
        enumeration('c_Impuesto', IMPUESTOS, { coveredBy: 'CFDI40175' }),
      ),
      attr(
        'tipoFactor',
        'TipoFactor',
        'required',
        enumeration('c_TipoFactor', TIPOS_FACTOR, { coveredBy: 'CFDI40176' }),
      ),
      attr('tasaOCuota', 'TasaOCuota', 'optional', DECIMAL_6, minimum('0')),
      attr('importe', 'Importe', 'optional', T_IMPORTE),
    ],
  },
  {
    node: 'Retencion',
    at: [...CONCEPTO, 'impuestos', 'retenciones', '*'],
    attributes: [
      attr('base', 'Base', 'required', DECIMAL_6, minimum('0.000001', { coveredBy: 'CFDI40181' })),
      attr(
        'impuesto',
        'Impuesto',
        'required',
        enumeration('c_Impuesto', IMPUESTOS, { coveredBy: 'CFDI40182' }),
      ),
      attr(
        'tipoFactor',
        'TipoFactor',
        'required',
        enumeration('c_TipoFactor', TIPOS_FACTOR, { coveredBy: 'CFDI40183' }),
      ),
      attr('tasaOCuota', 'TasaOCuota', 'required', DECIMAL_6, minimum('0')),
      attr('importe', 'Importe', 'required', T_IMPORTE),
    ],
  },
  {
    node: 'ACuentaTerceros',
    at: [...CONCEPTO, 'aCuentaTerceros'],
    attributes: [
      attr('rfcACuentaTerceros', 'RfcACuentaTerceros', 'required', T_RFC),
      attr('nombreACuentaTerceros', 'NombreACuentaTerceros', 'required', ...texto(1, 300)),
      attr(
        'regimenFiscalACuentaTerceros',
        'RegimenFiscalACuentaTerceros',
        'required',
        enumeration('c_RegimenFiscal', REGIMENES_FISCALES, { coveredBy: 'CFDI40191' }),
      ),
      attr('domicilioFiscalACuentaTerceros', 'DomicilioFiscalACuentaTerceros', 'required', ...CODIGO_POSTAL),
    ],
  },
  {
    node: 'InformacionAduanera',
    at: [...CONCEPTO, 'informacionAduanera', '*'],
    attributes: [numeroPedimento('CFDI40194')],
  },
  {
    node: 'CuentaPredial',
    at: [...CONCEPTO, 'cuentaPredial', '*'],
    attributes: [attr('numero', 'Numero', 'required', length(1, 150), pattern('[0-9a-zA-Z]{1,150}'))],
  },
  {
    node: 'Parte',
    at: PARTE,
    attributes: [
      attr('claveProdServ', 'ClaveProdServ', 'required', CLAVE_PROD_SERV),
      attr('noIdentificacion', 'NoIdentificacion', 'optional', ...texto(1, 100)),
      attr('cantidad', 'Cantidad', 'required', DECIMAL_6, minimum('0.000001')),
      attr('unidad', 'Unidad', 'optional', ...texto(1, 20)),
      attr('descripcion', 'Descripcion', 'required', ...texto(1, 1000)),
      attr('valorUnitario', 'ValorUnitario', 'optional', T_IMPORTE),
      attr('importe', 'Importe', 'optional', T_IMPORTE),
    ],
  },
  {
    node: 'InformacionAduanera',
    at: [...PARTE, 'informacionAduanera', '*'],
    attributes: [numeroPedimento('CFDI40199')],
  },
  {
    node: 'Impuestos',
    at: ['impuestos'],
    attributes: [
      attr('totalImpuestosRetenidos', 'TotalImpuestosRetenidos', 'optional', T_IMPORTE),
      attr('totalImpuestosTrasladados', 'TotalImpuestosTrasladados', 'optional', T_IMPORTE),
    ],
  },
  {
    node: 'Retencion',
    at: ['impuestos', 'retenciones', '*'],
    attributes: [
      attr(
        'impuesto',
        'Impuesto',
        'required',
        enumeration('c_Impuesto', IMPUESTOS, { coveredBy: 'CFDI40207' }),
      ),
      attr('importe', 'Importe', 'required', T_IMPORTE),
    ],
  },
  {
    node: 'Traslado',
    at: ['impuestos', 'traslados', '*'],
    attributes: [
      attr('base', 'Base', 'required', T_IMPORTE),
      attr(
        'impuesto',
        'Impuesto',
        'required',
        enumeration('c_Impuesto', IMPUESTOS, { coveredBy: 'CFDI40217' }),
      ),
      attr('tipoFactor', 'TipoFactor', 'required', enumeration('c_TipoFactor', TIPOS_FACTOR)),
      attr('tasaOCuota', 'TasaOCuota', 'optional', DECIMAL_6, minimum('0')),
      attr('importe', 'Importe', 'optional', T_IMPORTE),
    ],
  },
];

// ---- engine ----

const SURROGATE = /[\uD800-\uDFFF]/;
const XSD_DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const SHORT = /^[+-]?[0-9]+$/;
const regexCache = new Map<string, RegExp>();

/** XSD patterns are implicitly anchored and match the whole value. */
function anchored(source: string): RegExp {
  let regex = regexCache.get(source);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${source})$`, 'u');
    regexCache.set(source, regex);
  }
  return regex;
}

/** xs:whiteSpace collapse, which every cfdv40 attribute type but NumeroPedimento applies before its facets. */
function collapse(value: string): string {
  return NEEDS_COLLAPSE.test(value) ? value.replace(/[\t\n\r ]+/g, ' ').trim() : value;
}

/** A tab, CR or LF, two spaces, or a space at either end: what collapse changes. */
const NEEDS_COLLAPSE = /[\t\n\r]| {2}|^ | $/;

/** A value quoted for a message, shortened when long. */
function show(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/** A decimal lexical form as decimal.js reads it (`+.5` → `0.5`). */
function toMoney(text: string): Money {
  let plain = text.startsWith('+') ? text.slice(1) : text;
  if (plain.startsWith('.') || plain.startsWith('-.')) plain = plain.replace('.', '0.');
  if (plain.endsWith('.')) plain = `${plain}0`;
  return new Money(plain);
}

function fractionDigits(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

interface Failure {
  readonly code: string;
  readonly message: string;
}

/** Why `value` breaks `facet`, or `undefined` when it satisfies it. */
function violation(
  facet: Facet,
  label: () => string,
  value: string,
  ctx: RuleContext,
  judgeVigencia: boolean,
): Failure | undefined {
  // Only a failure writes its message (show() quotes the value): a valid value costs no string.
  const shown = (): string => `${label()} ${show(value)}`;
  switch (facet.kind) {
    case 'length': {
      // Characters, not UTF-16 units: a value without surrogates has as many of both.
      const n = SURROGATE.test(value) ? [...value].length : value.length;
      if (n >= facet.min && n <= facet.max) return undefined;
      const expected = facet.min === facet.max ? `exactly ${facet.min}` : `${facet.min} to ${facet.max}`;
      return {
        code: facet.code ?? 'XSD_LENGTH',
        message: `${shown()} has ${n} characters; ${expected} allowed`,
      };
    }
    case 'pattern':
      return anchored(facet.pattern).test(value)
        ? undefined
        : {
            code: facet.code ?? 'XSD_PATTERN',
            message: `${shown()} does not match the pattern ${facet.pattern}`,
          };
    case 'decimal': {
      if (facet.pattern !== undefined) {
        return anchored(facet.pattern).test(value)
          ? undefined
          : {
              code: facet.code ?? 'XSD_PATTERN',
              message: `${shown()} does not match ${facet.pattern.replace('\\.', '.')}: a plain decimal with at most ${facet.fractionDigits} decimals`,
            };
      }
      if (!XSD_DECIMAL.test(value)) {
        return { code: facet.code ?? 'XSD_PATTERN', message: `${shown()} is not a decimal number` };
      }
      const digits = fractionDigits(value);
      return digits <= facet.fractionDigits
        ? undefined
        : {
            code: facet.code ?? 'XSD_PATTERN',
            message: `${shown()} has ${digits} decimals; at most ${facet.fractionDigits} allowed`,
          };
    }
    case 'min':
      // Only reached once the lexical facet before it passed, so the value parses.
      return toMoney(value).gte(facet.value)
        ? undefined
        : { code: facet.code ?? 'XSD_MIN', message: `${shown()} is below the minimum ${facet.value}` };
    case 'short': {
      if (!SHORT.test(value))
        return { code: facet.code ?? 'XSD_PATTERN', message: `${shown()} is not an integer` };
      const n = Number(value);
      return n >= -32768 && n <= 32767
        ? undefined
        : { code: facet.code ?? 'XSD_PATTERN', message: `${shown()} is outside xs:short` };
    }
    case 'fixed':
      return value === facet.value
        ? undefined
        : { code: facet.code ?? 'XSD_ENUMERATION', message: `${shown()} must be ${show(facet.value)}` };
    case 'enumeration': {
      const code = facet.code ?? 'XSD_ENUMERATION';
      if (!isInCatalog(facet.table, value)) {
        return { code, message: `${shown()} is not a key of ${facet.catalog}` };
      }
      if (facet.table instanceof Set || !judgeVigencia) return undefined;
      // Entries without vigencia columns (c_Moneda, c_Pais) read as open-ended.
      const entry = (facet.table as Readonly<Record<string, Vigencia>>)[value];
      // A key outside its vigencia on Fecha is as absent from the catalog as an unknown one.
      return entry === undefined || isVigente(entry, ctx.fecha)
        ? undefined
        : {
            code,
            message: `${shown()} of ${facet.catalog} is not vigente on Fecha ${ctx.fecha.slice(0, 10)}`,
          };
    }
    case 'fechaH':
      if (!FECHA_H.test(value)) {
        return {
          code: facet.code ?? 'XSD_PATTERN',
          message: `${shown()} does not match t_FechaH (yyyy-mm-ddThh:mm:ss, local time, no zone, year 2010 or later)`,
        };
      }
      return parseFechaH(value) === undefined
        ? { code: facet.code ?? 'XSD_PATTERN', message: `${shown()} is not a real calendar date` }
        : undefined;
    case 'rfc':
      return undefined;
  }
}

/** Every node instance the selector reaches from `at[from]` on, with its path, appended to `out`. */
function select(
  root: unknown,
  at: readonly SelectorSegment[],
  from: number,
  path: IssuePath,
  out: { path: IssuePath; node: Readonly<Record<string, unknown>> }[],
): void {
  if (root === undefined || root === null || typeof root !== 'object') return;
  if (from === at.length) {
    if (!Array.isArray(root)) out.push({ path, node: root as Readonly<Record<string, unknown>> });
    return;
  }
  const head = at[from] as SelectorSegment;
  if (head === '*') {
    if (!Array.isArray(root)) return;
    for (let index = 0; index < root.length; index++)
      select(root[index], at, from + 1, [...path, index], out);
    return;
  }
  if (Array.isArray(root)) return;
  select((root as Record<string, unknown>)[head], at, from + 1, [...path, head], out);
}

/** Which facets a pass applies: the XSD shape (everything but catalogs) or the catalog enumerations. */
type Layer = 'shape' | 'catalogs';

/** The issues of one attribute of the node at `nodePath` in one layer, or undefined when it has none. */
function checkAttribute(
  spec: AttributeFacets,
  label: () => string,
  value: string | undefined,
  nodePath: IssuePath,
  ctx: RuleContext,
  layer: Layer,
  judgeVigencia: boolean,
): Issue[] | undefined {
  const path = (): IssuePath => [...nodePath, spec.field];
  if (value === undefined || (spec.required && value === '')) {
    // A missing required attribute is a shape finding; no catalog can then be consulted.
    if (layer === 'catalogs' || !spec.required) return undefined;
    return [
      error(
        'XSD_REQUIRED',
        path(),
        value === undefined ? `${label()} is required` : `${label()} is required and is empty`,
      ),
    ];
  }
  for (const facet of spec.facets) {
    if (facet.coveredBy !== undefined || (facet.kind === 'enumeration') !== (layer === 'catalogs')) continue;
    if (facet.kind === 'rfc') {
      // The RFC module owns t_RFC's pattern, the real date in it and the check digit.
      const found = checkRfc(value, path()).issues;
      if (found.length === 0) return undefined;
      return found.map((issue) => ({
        ...issue,
        message: `${label()} ${show(value)}: ${issue.message}`,
      }));
    }
    const failure = violation(facet, label, value, ctx, judgeVigencia);
    // One issue per attribute: the facets run from the coarsest to the finest, and a value that
    // breaks one (a length) usually breaks the next (the pattern that repeats it).
    if (failure !== undefined) return [error(failure.code, path(), failure.message)];
  }
  return undefined;
}

/** Where each layer's issues go; a layer without an array is not checked. */
interface LayerIssues {
  readonly shape?: Issue[];
  readonly catalogs?: Issue[];
}

/** One walk over the table's nodes, checking every attribute in the layers asked for. */
function checkLayers(c: Comprobante, ctx: RuleContext, into: LayerIssues): void {
  const judgeVigencia = ctx.vigenciaFecha !== undefined;
  const nodes: { path: IssuePath; node: Readonly<Record<string, unknown>> }[] = [];
  for (const spec of FACET_TABLE) {
    nodes.length = 0;
    select(c, spec.at, 0, [], nodes);
    for (const { path, node } of nodes) {
      for (const attribute of spec.attributes) {
        const raw = node[attribute.field];
        const text = raw === undefined ? undefined : typeof raw === 'string' ? raw : String(raw);
        const value = text === undefined || !attribute.collapse ? text : collapse(text);
        const label = () => (spec.node === 'Comprobante' ? attribute.name : `${spec.node} ${attribute.name}`);
        if (into.shape !== undefined) {
          const found = checkAttribute(attribute, label, value, path, ctx, 'shape', judgeVigencia);
          if (found !== undefined) into.shape.push(...found);
        }
        if (into.catalogs !== undefined) {
          const found = checkAttribute(attribute, label, value, path, ctx, 'catalogs', judgeVigencia);
          if (found !== undefined) into.catalogs.push(...found);
        }
      }
    }
  }
}

/**
 * Checks every attribute of the comprobante against its cfdv40.xsd shape facets: presence, patterns,
 * lengths, decimals, minimums and the RFC type.
 */
export function checkShape(c: Comprobante, ctx: RuleContext): Issue[] {
  const shape: Issue[] = [];
  checkLayers(c, ctx, { shape });
  return shape;
}

/**
 * Checks every catalog-typed attribute against its SAT catalog (and the entry's vigencia on Fecha),
 * reporting the SAT code where the matriz has one (FormaPago → CFDI40104).
 */
export function checkCatalogs(c: Comprobante, ctx: RuleContext): Issue[] {
  const catalogs: Issue[] = [];
  checkLayers(c, ctx, { catalogs });
  return catalogs;
}

/** Checks both facet layers in one walk: the shape issues first, then the catalog ones. */
export function checkFacets(c: Comprobante, ctx: RuleContext): Issue[] {
  const shape: Issue[] = [];
  const catalogs: Issue[] = [];
  checkLayers(c, ctx, { shape, catalogs });
  return [...shape, ...catalogs];
}
