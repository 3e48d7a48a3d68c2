import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCfdiLayoutError } from '../../src/errors.js';
import type { Comprobante } from '../../src/model/comprobante.js';
import type { XmlElement } from '../../src/model/xml-element.js';
import { parseComprobante } from '../../src/xml/parse.js';
import { renderComprobante } from '../../src/xml/render.js';
import { illegalCharOffset } from '../../src/xml/xml-chars.js';
import { kitAvailable, validateXsd } from '../helpers/kit.js';
import { exentoIva0Retenciones, facturaGlobal, facturaIva16, hotelIsh } from './fixtures.js';

const FIXTURES: Array<[string, () => Comprobante]> = [
  ['simple I invoice with IVA 16', facturaIva16],
  ['hotel invoice with implocal ISH 3 %', hotelIsh],
  ['exento + IVA 0 + retenciones ISR and IVA', exentoIva0Retenciones],
  ['factura global with InformacionGlobal', facturaGlobal],
];

function renderError(run: () => unknown) {
  try {
    run();
  } catch (err) {
    if (isCfdiLayoutError(err)) return err;
    throw err;
  }
  throw new Error('expected a CfdiLayoutError');
}

/** The attribute names of the first `<name ...>` tag in `xml`, in order. */
function attributeNames(xml: string, name: string): string[] {
  const tag = new RegExp(`<${name}\\s([^>]*)>`).exec(xml)?.[1] ?? '';
  return [...tag.matchAll(/([\w:]+)="[^"]*"/g)].map((m) => m[1] as string);
}

describe.skipIf(!kitAvailable)('rendered documents pass SAT XSD (--presello)', () => {
  it.each(FIXTURES)('%s', (_name, build) => {
    for (const pretty of [false, true]) {
      const result = validateXsd(renderComprobante(build(), { pretty }), true);
      expect(result.ok, result.output).toBe(true);
    }
  });
});

describe('renderComprobante: order and content', () => {
  it('writes the declaration, the cfdi prefix and the root attributes in XSD order', () => {
    const xml = renderComprobante(facturaIva16());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante ')).toBe(true);
    expect(attributeNames(xml, 'cfdi:Comprobante')).toEqual([
      'xmlns:cfdi',
      'xmlns:xsi',
      'xsi:schemaLocation',
      'Version',
      'Serie',
      'Folio',
      'Fecha',
      'FormaPago',
      'CondicionesDePago',
      'SubTotal',
      'Moneda',
      'Total',
      'TipoDeComprobante',
      'Exportacion',
      'MetodoPago',
      'LugarExpedicion',
    ]);
    expect(xml).toContain(
      'xsi:schemaLocation="http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd"',
    );
    expect(attributeNames(xml, 'cfdi:Concepto')).toEqual([
      'ClaveProdServ',
      'NoIdentificacion',
      'Cantidad',
      'ClaveUnidad',
      'Unidad',
      'Descripcion',
      'ValorUnitario',
      'Importe',
      'ObjetoImp',
    ]);
  });

  it('orders the root children, and Retenciones/Traslados the way each Impuestos level wants', () => {
    const model = exentoIva0Retenciones();
    // Build the model in an order unlike the XSD's: the output must not depend on key order.
    const shuffled = Object.fromEntries(Object.entries(model).reverse()) as Comprobante;
    const xml = renderComprobante(shuffled);
    const order = (...names: string[]) => names.map((n) => xml.indexOf(n));
    const increasing = (xs: number[]) => xs.every((x, i) => x >= 0 && (i === 0 || x > (xs[i - 1] as number)));
    expect(
      increasing(
        order('<cfdi:Emisor', '<cfdi:Receptor', '<cfdi:Conceptos', '</cfdi:Conceptos><cfdi:Impuestos'),
      ),
    ).toBe(true);
    const concepto = xml.slice(xml.indexOf('<cfdi:Concepto '), xml.indexOf('</cfdi:Concepto>'));
    expect(concepto.indexOf('<cfdi:Traslados>')).toBeLessThan(concepto.indexOf('<cfdi:Retenciones>'));
    const global = xml.slice(xml.indexOf('</cfdi:Conceptos>'));
    expect(global.indexOf('<cfdi:Retenciones>')).toBeLessThan(global.indexOf('<cfdi:Traslados>'));
    expect(xml).toContain('<cfdi:Traslado Base="500.00" Impuesto="002" TipoFactor="Exento"/>');
    expect(attributeNames(xml, 'cfdi:Impuestos TotalImpuestosRetenidos="2066.67"')).toEqual([
      'TotalImpuestosTrasladados',
    ]);
  });

  it('puts InformacionGlobal first and CfdiRelacionados before Emisor', () => {
    const model: Comprobante = {
      ...facturaGlobal(),
      cfdiRelacionados: [
        { tipoRelacion: '04', cfdiRelacionado: [{ uUID: '5FB2822E-396D-4725-8521-CDC4BDD20CCF' }] },
      ],
    };
    const xml = renderComprobante(model);
    expect(xml).toContain(
      '<cfdi:InformacionGlobal Periodicidad="01" Meses="05" Año="2024"/><cfdi:CfdiRelacionados TipoRelacion="04">' +
        '<cfdi:CfdiRelacionado UUID="5FB2822E-396D-4725-8521-CDC4BDD20CCF"/></cfdi:CfdiRelacionados><cfdi:Emisor ',
    );
  });

  it('writes the concepto children in XSD order', () => {
    const model = facturaIva16();
    model.conceptos[0] = {
      ...(model.conceptos[0] as Comprobante['conceptos'][number]),
      parte: [
        {
          claveProdServ: '43211503',
          cantidad: '1',
          descripcion: 'Batería',
          informacionAduanera: [{ numeroPedimento: '23  47  3807  8003832' }],
        },
      ],
      complementoConcepto: [{ name: 'x:Dato', namespace: 'urn:example:x', attributes: { Valor: '1' } }],
      cuentaPredial: [{ numero: '123456' }],
      informacionAduanera: [{ numeroPedimento: '23  47  3807  8003831' }],
      aCuentaTerceros: {
        rfcACuentaTerceros: 'JUFA7608212V6',
        nombreACuentaTerceros: 'ADRIANA JUAREZ FERNANDEZ',
        regimenFiscalACuentaTerceros: '612',
        domicilioFiscalACuentaTerceros: '29133',
      },
    };
    const xml = renderComprobante(model);
    const names = [...xml.matchAll(/<(cfdi:[A-Za-z]+|x:Dato)/g)].map((m) => m[1]);
    const concepto = names.slice(
      names.indexOf('cfdi:Concepto'),
      names.indexOf('cfdi:Concepto', names.indexOf('cfdi:Concepto') + 1),
    );
    expect(concepto).toEqual([
      'cfdi:Concepto',
      'cfdi:Impuestos',
      'cfdi:Traslados',
      'cfdi:Traslado',
      'cfdi:ACuentaTerceros',
      'cfdi:InformacionAduanera',
      'cfdi:CuentaPredial',
      'cfdi:ComplementoConcepto',
      'x:Dato',
      'cfdi:Parte',
      'cfdi:InformacionAduanera',
    ]);
    expect(parseComprobante(xml)).toEqual(model);
  });

  it('writes amounts exactly as the model holds them', () => {
    const model = facturaIva16();
    const concepto = model.conceptos[0] as Comprobante['conceptos'][number];
    concepto.cantidad = '2.500000';
    concepto.valorUnitario = '0.1';
    concepto.importe = '000.25';
    const xml = renderComprobante(model);
    expect(xml).toContain('Cantidad="2.500000"');
    expect(xml).toContain('ValorUnitario="0.1"');
    expect(xml).toContain('Importe="000.25"');
    expect(xml).toContain('TasaOCuota="0.160000"');
  });

  it('writes Sello, NoCertificado and Certificado only when the model has them, in XSD order', () => {
    expect(renderComprobante(facturaIva16())).not.toMatch(/Sello=|NoCertificado=|Certificado=/);
    const signed = {
      ...facturaIva16(),
      sello: 'c2VsbG8=',
      noCertificado: '30001000000500003416',
      certificado: 'Y2VydA==',
    };
    const names = attributeNames(renderComprobante(signed), 'cfdi:Comprobante');
    expect(names.slice(names.indexOf('Fecha'))).toEqual([
      'Fecha',
      'Sello',
      'FormaPago',
      'NoCertificado',
      'Certificado',
      'CondicionesDePago',
      'SubTotal',
      'Moneda',
      'Total',
      'TipoDeComprobante',
      'Exportacion',
      'MetodoPago',
      'LugarExpedicion',
    ]);
  });

  it('adds the implocal namespace and schema location only when an implocal complement is present', () => {
    const xml = renderComprobante(hotelIsh());
    expect(xml).toContain('xmlns:implocal="http://www.sat.gob.mx/implocal"');
    expect(xml).toContain(
      'xsi:schemaLocation="http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd ' +
        'http://www.sat.gob.mx/implocal http://www.sat.gob.mx/sitio_internet/cfd/implocal/implocal.xsd"',
    );
    expect(xml).toContain(
      '<cfdi:Complemento><implocal:ImpuestosLocales version="1.0" TotaldeRetenciones="0.00" TotaldeTraslados="60.00">' +
        '<implocal:TrasladosLocales ImpLocTrasladado="ISH" TasadeTraslado="3.00" Importe="60.00"/>',
    );
    expect(renderComprobante(facturaIva16())).not.toContain('implocal');
  });

  it('appends the model schemaLocation pairs after the generated ones, without duplicates', () => {
    const model: Comprobante = {
      ...hotelIsh(),
      schemaLocation: [
        'http://www.sat.gob.mx/cfd/4 cfdv40.xsd',
        'http://www.sat.gob.mx/Pagos20 http://www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd',
        'http://www.sat.gob.mx/implocal implocal.xsd',
        'http://www.sat.gob.mx/Pagos20   other.xsd',
        'urn:a a.xsd  urn:b b.xsd',
      ],
    };
    const value = /xsi:schemaLocation="([^"]*)"/.exec(renderComprobante(model))?.[1];
    expect(value).toBe(
      'http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd ' +
        'http://www.sat.gob.mx/implocal http://www.sat.gob.mx/sitio_internet/cfd/implocal/implocal.xsd ' +
        'http://www.sat.gob.mx/Pagos20 http://www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd urn:a a.xsd urn:b b.xsd',
    );
  });
});

describe('renderComprobante: namespaces of carried elements', () => {
  const TFD = 'http://www.sat.gob.mx/TimbreFiscalDigital';

  it('declares each carried prefix once, on the root', () => {
    const model: Comprobante = {
      ...facturaIva16(),
      complemento: [
        { xml: { name: 'tfd:TimbreFiscalDigital', namespace: TFD, attributes: { Version: '1.1' } } },
      ],
      addenda: [
        { name: 'tfd:Copia', namespace: TFD, children: [{ name: 'tfd:Otra', namespace: TFD }] },
        { name: 'ext:Pedido', namespace: 'urn:example:pedido', attributes: { Numero: 'PO-1' } },
      ],
    };
    const xml = renderComprobante(model);
    expect(attributeNames(xml, 'cfdi:Comprobante').filter((n) => n.startsWith('xmlns'))).toEqual([
      'xmlns:cfdi',
      'xmlns:xsi',
      'xmlns:tfd',
      'xmlns:ext',
    ]);
    expect(xml.match(/xmlns:tfd=/g)).toHaveLength(1);
    expect(xml).toContain('<tfd:TimbreFiscalDigital Version="1.1"/>');
    expect(parseComprobante(xml)).toEqual(model);
  });

  it('keeps an element in its own namespace when its prefix is taken, and handles default namespaces', () => {
    const model: Comprobante = {
      ...facturaIva16(),
      addenda: [
        { name: 'a:Uno', namespace: 'urn:one' },
        { name: 'a:Dos', namespace: 'urn:two', children: [{ name: 'a:Hijo', namespace: 'urn:two' }] },
        { name: 'cfdi:Extra', namespace: 'urn:not-cfdi' },
        {
          name: 'Documento',
          namespace: 'urn:default',
          children: [{ name: 'Parte', namespace: 'urn:default' }, { name: 'SinNamespace' }],
        },
        { name: 'Libre', attributes: { 'xsi:type': 'x', 'xml:lang': 'es' } },
      ],
    };
    const xml = renderComprobante(model);
    expect(xml).toContain('xmlns:a="urn:one"');
    expect(xml).toContain('<a:Uno/>');
    expect(xml).toContain('<a:Dos xmlns:a="urn:two"><a:Hijo/></a:Dos>');
    expect(xml).toContain('<cfdi:Extra xmlns:cfdi="urn:not-cfdi"/>');
    expect(xml).toContain('<Documento xmlns="urn:default"><Parte/><SinNamespace xmlns=""/></Documento>');
    expect(xml).toContain('<Libre xsi:type="x" xml:lang="es"/>');
    expect(parseComprobante(xml)).toEqual(model);
  });

  it('resolves a prefixed carried element without a namespace through the prefix in scope', () => {
    const model: Comprobante = {
      ...facturaIva16(),
      addenda: [{ name: 'tfd:Uno', namespace: TFD, children: [{ name: 'tfd:Dos' }] }],
    };
    const parsed = parseComprobante(renderComprobante(model));
    expect(parsed.addenda).toEqual([
      { name: 'tfd:Uno', namespace: TFD, children: [{ name: 'tfd:Dos', namespace: TFD }] },
    ]);
  });
});

describe('renderComprobante: escaping', () => {
  const tricky = [
    'AT&T <"quoted"> \'single\'',
    'tab\there, newline\nthere, cr\rthere, crlf\r\nend',
    'literal references: &amp; &lt; &#9; &#x41; &bogus;',
    '  leading and trailing spaces  ',
    'emoji 🧾💸 and ñandú, 中文, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    ']]> and --> and <!-- and <?pi?>',
  ];

  it.each(tricky)('attribute and text value %j survives render → parse', (value) => {
    const model = facturaIva16();
    (model.conceptos[0] as Comprobante['conceptos'][number]).descripcion = value;
    model.emisor.nombre = value;
    model.addenda = [{ name: 'Nota', attributes: { Texto: value }, children: [value] }];
    const xml = renderComprobante(model);
    expect(parseComprobante(xml)).toEqual(model);
    expect(parseComprobante(renderComprobante(model, { pretty: true }))).toEqual(model);
  });

  it('writes whitespace in attributes as character references so it survives normalisation', () => {
    const model = facturaIva16();
    model.emisor.nombre = 'a\tb\nc\rd';
    expect(renderComprobante(model)).toContain('Nombre="a&#9;b&#10;c&#13;d"');
  });

  it('round-trips any XML-representable string (property)', () => {
    const xmlText = fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => illegalCharOffset(s) < 0);
    fc.assert(
      fc.property(xmlText, xmlText, (attribute, text) => {
        const model = facturaIva16();
        (model.conceptos[0] as Comprobante['conceptos'][number]).descripcion = attribute;
        model.addenda = [
          { name: 'Nota', attributes: { Texto: attribute }, children: text === '' ? [] : [text] },
        ];
        if (text === '') delete model.addenda[0]?.children;
        const parsed = parseComprobante(renderComprobante(model));
        expect(parsed).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderComprobante: pretty output', () => {
  it('indents element-only content and leaves mixed content as written', () => {
    const model: Comprobante = {
      ...hotelIsh(),
      addenda: [{ name: 'Nota', children: ['línea 1\n', { name: 'b', children: ['negrita'] }, ' fin'] }],
    };
    const xml = renderComprobante(model, { pretty: true });
    expect(xml.split('\n').slice(0, 3)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      expect.stringMatching(/^<cfdi:Comprobante xmlns:cfdi=/),
      '  <cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>',
    ]);
    expect(xml).toContain('\n    <implocal:ImpuestosLocales ');
    expect(xml).toContain('\n      <implocal:TrasladosLocales ');
    expect(xml).toContain('<Nota>línea 1\n<b>negrita</b> fin</Nota>');
    expect(xml.endsWith('\n</cfdi:Comprobante>')).toBe(true);
    expect(parseComprobante(xml)).toEqual(model);
  });
});

describe('renderComprobante: errors', () => {
  it('refuses a character XML cannot carry, naming the model path', () => {
    const model = facturaIva16();
    (model.conceptos[1] as Comprobante['conceptos'][number]).descripcion = 'bell \u0007';
    const err = renderError(() => renderComprobante(model));
    expect(err.code).toBe('XML_RENDER_FAILED');
    expect(err.location?.path).toEqual(['conceptos', 1, 'descripcion']);
    expect(err.message).toContain('U+0007');
  });

  it('refuses a lone surrogate in carried text', () => {
    const model = {
      ...facturaIva16(),
      addenda: [{ name: 'A', children: ['x', { name: 'B', children: ['\uD800'] }] }],
    };
    const err = renderError(() => renderComprobante(model));
    expect(err.code).toBe('XML_RENDER_FAILED');
    expect(err.location?.path).toEqual(['addenda', 0, 'children', 1, 'children', 0]);
  });

  it.each([
    ['a bad element name', { name: '<script>' }, ['addenda', 0, 'name']],
    ['a bad attribute name', { name: 'A', attributes: { 'a b': '1' } }, ['addenda', 0, 'attributes', 'a b']],
    [
      'a namespace declaration as attribute',
      { name: 'A', attributes: { 'xmlns:x': 'urn:x' } },
      ['addenda', 0, 'attributes', 'xmlns:x'],
    ],
    [
      'an unbound attribute prefix',
      { name: 'A', attributes: { 'q:a': '1' } },
      ['addenda', 0, 'attributes', 'q:a'],
    ],
    ['an unbound element prefix', { name: 'q:A' }, ['addenda', 0, 'namespace']],
  ] as Array<[string, XmlElement, unknown[]]>)('refuses %s in a carried element', (_name, element, path) => {
    const err = renderError(() => renderComprobante({ ...facturaIva16(), addenda: [element] }));
    expect(err.code).toBe('XML_RENDER_FAILED');
    expect(err.location?.path).toEqual(path);
  });

  it('refuses a non-string value where an attribute goes', () => {
    const model = facturaIva16() as unknown as { total: unknown };
    model.total = 36250.58;
    const err = renderError(() => renderComprobante(model as unknown as Comprobante));
    expect(err.code).toBe('XML_RENDER_FAILED');
    expect(err.location?.path).toEqual(['total']);
  });
});
