import { parseComprobante } from '../xml/parse.js';

/** What a bundle manifest lists about a CFDI file. */
export interface CfdiSummary {
  readonly serie: string;
  readonly folio: string;
  readonly total: string;
}

/**
 * Reads a CFDI 4.0 XML file's Serie, Folio and Total for the manifest. Throws the XML reader's error
 * (`XML_MALFORMED`, `XML_NOT_CFDI`, `XML_VERSION_UNSUPPORTED`, …) for a file that is no CFDI 4.0, so
 * nothing but CFDI goes into a timbrado masivo bundle.
 */
export function describeCfdi(xml: string | Uint8Array): CfdiSummary {
  const c = parseComprobante(xml);
  return { serie: c.serie ?? '', folio: c.folio ?? '', total: c.total };
}
