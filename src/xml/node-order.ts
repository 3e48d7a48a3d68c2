import type { z } from 'zod';
import { ImpuestosLocalesSchema } from '../model/comprobante.js';
import { PagosSchema } from '../model/pagos.js';
import {
  CFDI_NAMESPACE,
  CFDI_PREFIX,
  IMPLOCAL_NAMESPACE,
  IMPLOCAL_PREFIX,
  IMPLOCAL_SCHEMA_LOCATION,
  PAGOS20_NAMESPACE,
  PAGOS20_PREFIX,
  PAGOS20_SCHEMA_LOCATION,
} from './namespaces.js';

/*
 * The CFDI 4.0 tree as data, taken from SAT's cfdv40.xsd and implocal.xsd: attributes in the order
 * the XSD declares them, child elements in the order of the XSD's xs:sequence. The renderer writes
 * exactly this order and the parser reads through the same tables, so the model and the XML can
 * only drift apart here (a test checks the tables against the XSD and against the zod model).
 */

/** One attribute of a node: its XSD name and the model field that holds it. */
export interface AttributeDef {
  readonly xml: string;
  readonly field: string;
}

/**
 * How a child element maps onto the model: `one` is an optional single element (an object field),
 * `many` a repeatable element without a container (an array field), `list` a container element of
 * repeated items (an array field named after the container), `xml` a container whose children are
 * carried verbatim as `XmlElement[]`, `complemento` the `cfdi:Complemento` container.
 */
export type ChildDef =
  | { readonly kind: 'one'; readonly field: string; readonly node: NodeDef }
  | { readonly kind: 'many'; readonly field: string; readonly node: NodeDef }
  | { readonly kind: 'list'; readonly field: string; readonly container: string; readonly node: NodeDef }
  | { readonly kind: 'xml'; readonly field: string; readonly container: string }
  | { readonly kind: 'complemento'; readonly field: string; readonly container: string };

/** A node of the tree: XSD name, namespace, the prefix the renderer uses, attributes and children in XSD order. */
export interface NodeDef {
  readonly name: string;
  readonly namespace: string;
  /** The prefix the renderer writes the node and its containers with. */
  readonly prefix: string;
  /** `prefix:name`, precomputed because the renderer writes it for every element. */
  readonly qualifiedName: string;
  readonly attributes: readonly AttributeDef[];
  readonly children: readonly ChildDef[];
  /** XSD attribute name → attribute, for the parser. */
  readonly attributeByXml: ReadonlyMap<string, AttributeDef>;
  /** Element local name (the item's for `one`/`many`, the container's otherwise) → child, for the parser. */
  readonly childByXml: ReadonlyMap<string, ChildDef>;
}

/** The model field of an XSD attribute: the name with its first letter lowered (`UUID` → `uUID`, `Año` → `año`). */
export function fieldOf(xmlName: string): string {
  return xmlName.charAt(0).toLowerCase() + xmlName.slice(1);
}

function node(
  namespace: string,
  prefix: string,
  name: string,
  attributes: readonly string[],
  children: readonly ChildDef[] = [],
): NodeDef {
  const attrs = attributes.map((xml) => ({ xml, field: fieldOf(xml) }));
  return {
    name,
    namespace,
    prefix,
    qualifiedName: `${prefix}:${name}`,
    attributes: attrs,
    children,
    attributeByXml: new Map(attrs.map((a) => [a.xml, a])),
    childByXml: new Map(children.map((c) => ['container' in c ? c.container : c.node.name, c])),
  };
}

const cfdi = (name: string, attributes: readonly string[], children: readonly ChildDef[] = []): NodeDef =>
  node(CFDI_NAMESPACE, CFDI_PREFIX, name, attributes, children);

const implocal = (name: string, attributes: readonly string[], children: readonly ChildDef[] = []): NodeDef =>
  node(IMPLOCAL_NAMESPACE, IMPLOCAL_PREFIX, name, attributes, children);

const pago20 = (name: string, attributes: readonly string[], children: readonly ChildDef[] = []): NodeDef =>
  node(PAGOS20_NAMESPACE, PAGOS20_PREFIX, name, attributes, children);

const one = (node: NodeDef): ChildDef => ({ kind: 'one', field: fieldOf(node.name), node });
const many = (node: NodeDef): ChildDef => ({ kind: 'many', field: fieldOf(node.name), node });
const list = (container: string, node: NodeDef): ChildDef => ({
  kind: 'list',
  field: fieldOf(container),
  container,
  node,
});

/** cfdi:InformacionGlobal. */
export const INFORMACION_GLOBAL = cfdi('InformacionGlobal', ['Periodicidad', 'Meses', 'Año']);

/** cfdi:CfdiRelacionados (repeatable, one per TipoRelacion). */
export const CFDI_RELACIONADOS = cfdi(
  'CfdiRelacionados',
  ['TipoRelacion'],
  [many(cfdi('CfdiRelacionado', ['UUID']))],
);

/** cfdi:Emisor. */
export const EMISOR = cfdi('Emisor', ['Rfc', 'Nombre', 'RegimenFiscal', 'FacAtrAdquirente']);

/** cfdi:Receptor. */
export const RECEPTOR = cfdi('Receptor', [
  'Rfc',
  'Nombre',
  'DomicilioFiscalReceptor',
  'ResidenciaFiscal',
  'NumRegIdTrib',
  'RegimenFiscalReceptor',
  'UsoCFDI',
]);

const TAX = ['Base', 'Impuesto', 'TipoFactor', 'TasaOCuota', 'Importe'];

/** cfdi:Concepto/cfdi:Impuestos: Traslados before Retenciones, as the XSD sequence says. */
export const CONCEPTO_IMPUESTOS = cfdi(
  'Impuestos',
  [],
  [list('Traslados', cfdi('Traslado', TAX)), list('Retenciones', cfdi('Retencion', TAX))],
);

const INFORMACION_ADUANERA = cfdi('InformacionAduanera', ['NumeroPedimento']);

/** cfdi:Concepto/cfdi:Parte. */
export const PARTE = cfdi(
  'Parte',
  ['ClaveProdServ', 'NoIdentificacion', 'Cantidad', 'Unidad', 'Descripcion', 'ValorUnitario', 'Importe'],
  [many(INFORMACION_ADUANERA)],
);

/** cfdi:Concepto: Impuestos, ACuentaTerceros, InformacionAduanera, CuentaPredial, ComplementoConcepto, Parte. */
export const CONCEPTO = cfdi(
  'Concepto',
  [
    'ClaveProdServ',
    'NoIdentificacion',
    'Cantidad',
    'ClaveUnidad',
    'Unidad',
    'Descripcion',
    'ValorUnitario',
    'Importe',
    'Descuento',
    'ObjetoImp',
  ],
  [
    one(CONCEPTO_IMPUESTOS),
    one(
      cfdi('ACuentaTerceros', [
        'RfcACuentaTerceros',
        'NombreACuentaTerceros',
        'RegimenFiscalACuentaTerceros',
        'DomicilioFiscalACuentaTerceros',
      ]),
    ),
    many(INFORMACION_ADUANERA),
    many(cfdi('CuentaPredial', ['Numero'])),
    { kind: 'xml', field: 'complementoConcepto', container: 'ComplementoConcepto' },
    many(PARTE),
  ],
);

/** cfdi:Comprobante/cfdi:Impuestos: Retenciones before Traslados, as the XSD sequence says. */
export const COMPROBANTE_IMPUESTOS = cfdi(
  'Impuestos',
  ['TotalImpuestosRetenidos', 'TotalImpuestosTrasladados'],
  [list('Retenciones', cfdi('Retencion', ['Impuesto', 'Importe'])), list('Traslados', cfdi('Traslado', TAX))],
);

/** implocal:ImpuestosLocales 1.0 (note the lowercase `version`, as in implocal.xsd). */
export const IMPUESTOS_LOCALES = implocal(
  'ImpuestosLocales',
  ['version', 'TotaldeRetenciones', 'TotaldeTraslados'],
  [
    many(implocal('RetencionesLocales', ['ImpLocRetenido', 'TasadeRetencion', 'Importe'])),
    many(implocal('TrasladosLocales', ['ImpLocTrasladado', 'TasadeTraslado', 'Importe'])),
  ],
);

const TAX_DR = ['BaseDR', 'ImpuestoDR', 'TipoFactorDR', 'TasaOCuotaDR', 'ImporteDR'];

/** pago20:Pagos 2.0 (Pagos20.xsd): Totales, then each Pago with its DoctoRelacionado and ImpuestosP. */
export const PAGOS = pago20(
  'Pagos',
  ['Version'],
  [
    one(
      pago20('Totales', [
        'TotalRetencionesIVA',
        'TotalRetencionesISR',
        'TotalRetencionesIEPS',
        'TotalTrasladosBaseIVA16',
        'TotalTrasladosImpuestoIVA16',
        'TotalTrasladosBaseIVA8',
        'TotalTrasladosImpuestoIVA8',
        'TotalTrasladosBaseIVA0',
        'TotalTrasladosImpuestoIVA0',
        'TotalTrasladosBaseIVAExento',
        'MontoTotalPagos',
      ]),
    ),
    many(
      pago20(
        'Pago',
        [
          'FechaPago',
          'FormaDePagoP',
          'MonedaP',
          'TipoCambioP',
          'Monto',
          'NumOperacion',
          'RfcEmisorCtaOrd',
          'NomBancoOrdExt',
          'CtaOrdenante',
          'RfcEmisorCtaBen',
          'CtaBeneficiario',
          'TipoCadPago',
          'CertPago',
          'CadPago',
          'SelloPago',
        ],
        [
          many(
            pago20(
              'DoctoRelacionado',
              [
                'IdDocumento',
                'Serie',
                'Folio',
                'MonedaDR',
                'EquivalenciaDR',
                'NumParcialidad',
                'ImpSaldoAnt',
                'ImpPagado',
                'ImpSaldoInsoluto',
                'ObjetoImpDR',
              ],
              [
                one(
                  pago20(
                    'ImpuestosDR',
                    [],
                    [
                      list('RetencionesDR', pago20('RetencionDR', TAX_DR)),
                      list('TrasladosDR', pago20('TrasladoDR', TAX_DR)),
                    ],
                  ),
                ),
              ],
            ),
          ),
          one(
            pago20(
              'ImpuestosP',
              [],
              [
                list('RetencionesP', pago20('RetencionP', ['ImpuestoP', 'ImporteP'])),
                list(
                  'TrasladosP',
                  pago20('TrasladoP', ['BaseP', 'ImpuestoP', 'TipoFactorP', 'TasaOCuotaP', 'ImporteP']),
                ),
              ],
            ),
          ),
        ],
      ),
    ),
  ],
);

/**
 * The complements the model types, each a cfdi:Complemento item `{ [field]: ... }`; every other
 * complement is carried verbatim as `{ xml }`.
 */
export interface TypedComplement {
  /** The item's key in the model (`impuestosLocales`, `pagos`). */
  readonly field: string;
  readonly node: NodeDef;
  /** The `xsi:schemaLocation` pair the renderer declares when the complement is present. */
  readonly schemaLocation: string;
  /** The model's schema of the item's value. */
  readonly schema: z.ZodType;
  /** Read an element that does not fit `schema` verbatim, as `{ xml }`, instead of reporting it. */
  readonly carryWhenInvalid: boolean;
}

/** Typed complements, in the order their namespaces are declared on the root. */
export const TYPED_COMPLEMENTS: readonly TypedComplement[] = [
  {
    field: 'impuestosLocales',
    node: IMPUESTOS_LOCALES,
    schemaLocation: IMPLOCAL_SCHEMA_LOCATION,
    schema: ImpuestosLocalesSchema,
    carryWhenInvalid: false,
  },
  {
    field: 'pagos',
    node: PAGOS,
    schemaLocation: PAGOS20_SCHEMA_LOCATION,
    schema: PagosSchema,
    carryWhenInvalid: true,
  },
];

/** cfdi:Comprobante, the root. */
export const COMPROBANTE = cfdi(
  'Comprobante',
  [
    'Version',
    'Serie',
    'Folio',
    'Fecha',
    'Sello',
    'FormaPago',
    'NoCertificado',
    'Certificado',
    'CondicionesDePago',
    'SubTotal',
    'Descuento',
    'Moneda',
    'TipoCambio',
    'Total',
    'TipoDeComprobante',
    'Exportacion',
    'MetodoPago',
    'LugarExpedicion',
    'Confirmacion',
  ],
  [
    one(INFORMACION_GLOBAL),
    many(CFDI_RELACIONADOS),
    one(EMISOR),
    one(RECEPTOR),
    list('Conceptos', CONCEPTO),
    one(COMPROBANTE_IMPUESTOS),
    { kind: 'complemento', field: 'complemento', container: 'Complemento' },
    { kind: 'xml', field: 'addenda', container: 'Addenda' },
  ],
);
