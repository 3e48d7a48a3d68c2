/** Namespace URI of CFDI 4.0 (`cfdi:` in SAT's samples). */
export const CFDI_NAMESPACE = 'http://www.sat.gob.mx/cfd/4';

/** Namespace URI of CFDI 3.3 and 3.2, which share it; read only to say they are unsupported. */
export const CFDI3_NAMESPACE = 'http://www.sat.gob.mx/cfd/3';

/** Namespace URI of CFD 2.0/2.2, the pre-CFDI format; read only to say it is unsupported. */
export const CFD2_NAMESPACE = 'http://www.sat.gob.mx/cfd/2';

/** Namespace URI of the Impuestos Locales 1.0 complement (ISH and other local taxes). */
export const IMPLOCAL_NAMESPACE = 'http://www.sat.gob.mx/implocal';

/** Namespace URI of XML Schema instance attributes (`xsi:schemaLocation`). */
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/** Namespace URI bound to the reserved `xml` prefix. */
export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/** Namespace URI of namespace declarations themselves (`xmlns`, `xmlns:p`). */
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** The `xsi:schemaLocation` pair of CFDI 4.0, as SAT publishes it. */
export const CFDI_SCHEMA_LOCATION = `${CFDI_NAMESPACE} http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd`;

/** The `xsi:schemaLocation` pair of Impuestos Locales 1.0, as SAT publishes it. */
export const IMPLOCAL_SCHEMA_LOCATION = `${IMPLOCAL_NAMESPACE} http://www.sat.gob.mx/sitio_internet/cfd/implocal/implocal.xsd`;

/** Namespace URI of the Complemento para recepción de Pagos 2.0. */
export const PAGOS20_NAMESPACE = 'http://www.sat.gob.mx/Pagos20';

/** The `xsi:schemaLocation` pair of Pagos 2.0, as SAT publishes it. */
export const PAGOS20_SCHEMA_LOCATION = `${PAGOS20_NAMESPACE} http://www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd`;

/** Prefix the renderer binds to {@link PAGOS20_NAMESPACE}, as SAT's samples write it. */
export const PAGOS20_PREFIX = 'pago20';

/** Prefix the renderer binds to {@link CFDI_NAMESPACE}. */
export const CFDI_PREFIX = 'cfdi';

/** Prefix the renderer binds to {@link IMPLOCAL_NAMESPACE}. */
export const IMPLOCAL_PREFIX = 'implocal';

/** Prefix the renderer binds to {@link XSI_NAMESPACE}. */
export const XSI_PREFIX = 'xsi';

/**
 * Splits an `xsi:schemaLocation` value into `"namespace location"` pairs, whitespace normalised.
 * A trailing namespace without a location (a malformed value) is kept as its own entry.
 */
export function schemaLocationPairs(value: string): string[] {
  const tokens = value.split(/[ \t\n\r]+/).filter((t) => t.length > 0);
  const pairs: string[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const next = tokens[i + 1];
    pairs.push(next === undefined ? (tokens[i] as string) : `${tokens[i]} ${next}`);
  }
  return pairs;
}

/** The namespace a `"namespace location"` pair is about (its first token). */
export function schemaLocationNamespace(pair: string): string {
  const space = pair.indexOf(' ');
  return space < 0 ? pair : pair.slice(0, space);
}
