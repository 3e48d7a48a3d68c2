import { sign, verify, X509Certificate } from 'node:crypto';
import { CfdiLayoutError, isCfdiLayoutError } from '../errors.js';
import { error, type Issue, warning } from '../issues.js';
import type { Comprobante } from '../model/comprobante.js';
import { readXmlTree, type XmlNode } from '../xml/parse.js';
import { comprobanteTree } from '../xml/render.js';
import { serializeXml } from '../xml/serialize.js';
import type { WrittenNode } from '../xml/tree.js';
import { cadenaOriginal } from './cadena.js';
import { type Csd, fechaInstant } from './csd.js';

/**
 * Checks that a CSD was issued to an RFC: a batch checks its emisor once, before building anything.
 *
 * @throws `CSD_RFC_MISMATCH`.
 */
export function checkCsdRfc(rfc: string, csd: Csd): void {
  if (rfc !== csd.rfc) {
    throw new CfdiLayoutError(
      'CSD_RFC_MISMATCH',
      `the CSD ${csd.noCertificado} belongs to RFC ${csd.rfc}, not to the emisor ${rfc}`,
      { location: { path: ['emisor', 'rfc'] } },
    );
  }
}

/**
 * Checks that a CSD may seal this comprobante: issued to the emisor's RFC and valid at its Fecha
 * (Anexo 20: the CSD must be vigente when the CFDI is issued).
 *
 * @throws `CSD_RFC_MISMATCH`; `CSD_OUT_OF_VALIDITY` when Fecha is before notBefore or after notAfter.
 */
export function checkCsdFor(comprobante: Pick<Comprobante, 'emisor' | 'fecha'>, csd: Csd): void {
  checkCsdRfc(comprobante.emisor.rfc, csd);
  const at = fechaInstant(comprobante.fecha);
  if (at === undefined) {
    throw new CfdiLayoutError(
      'CSD_OUT_OF_VALIDITY',
      `Fecha ${JSON.stringify(comprobante.fecha)} is not a date the CSD can be checked against`,
      {
        location: { path: ['fecha'] },
      },
    );
  }
  if (at < csd.validFrom || at > csd.validTo) {
    const when = at < csd.validFrom ? 'not yet valid' : 'expired';
    throw new CfdiLayoutError(
      'CSD_OUT_OF_VALIDITY',
      `the CSD ${csd.noCertificado} is ${when} at Fecha ${comprobante.fecha} (valid from ${csd.validFrom.toISOString()} to ${csd.validTo.toISOString()})`,
      { location: { path: ['fecha'] } },
    );
  }
}

/** The Sello of a cadena original: RSA PKCS#1 v1.5 with SHA-256 (Anexo 20, CFDI 4.0), base64. */
export function selloOf(cadena: string, csd: Csd): string {
  return sign('sha256', Buffer.from(cadena, 'utf8'), csd.privateKey).toString('base64');
}

/**
 * The tree of the sealed comprobante, rendered once: Sello is not part of the cadena original
 * (cadenaoriginal_4_0.xslt reads NoCertificado, not Sello or Certificado), so an empty Sello holds
 * its place in the attribute order while the cadena is computed from the same tree.
 */
function sealedTree(comprobante: Comprobante, csd: Csd): WrittenNode {
  checkCsdFor(comprobante, csd);
  const tree = comprobanteTree({
    ...comprobante,
    sello: '',
    noCertificado: csd.noCertificado,
    certificado: csd.certificado,
  });
  tree.attributes['Sello'] = selloOf(cadenaOriginal(tree), csd);
  return tree;
}

/**
 * Seals a comprobante with a CSD: NoCertificado and Certificado from the certificate, and Sello
 * over the cadena original of the document as `renderComprobante` writes it. Render the
 * result to get the sealed CFDI; any other change to it invalidates the Sello.
 *
 * @throws `CSD_RFC_MISMATCH`, `CSD_OUT_OF_VALIDITY` (see {@link checkCsdFor}); `XML_RENDER_FAILED`;
 * `CADENA_UNSUPPORTED` for a carried complement SAT's cadena stylesheet does not cover.
 */
export function sealComprobante(comprobante: Comprobante, csd: Csd): Comprobante {
  return sealedModel(comprobante, csd, sealedTree(comprobante, csd));
}

function sealedModel(comprobante: Comprobante, csd: Csd, tree: WrittenNode): Comprobante {
  const { sello: _unsigned, ...rest } = comprobante;
  const sello = tree.attributes['Sello'] as string;
  return { ...rest, noCertificado: csd.noCertificado, certificado: csd.certificado, sello };
}

/** A sealed comprobante and its XML text, from one tree (what a batch writes and reports). */
export interface SealedDocument {
  readonly comprobante: Comprobante;
  readonly xml: string;
}

/**
 * Seals and renders in one pass: `comprobante` is {@link sealComprobante}'s result and `xml` its
 * text as `renderComprobante` writes it.
 *
 * @throws as {@link sealComprobante}.
 */
export function sealDocument(
  comprobante: Comprobante,
  csd: Csd,
  options: { pretty?: boolean } = {},
): SealedDocument {
  const tree = sealedTree(comprobante, csd);
  return { comprobante: sealedModel(comprobante, csd, tree), xml: serializeXml(tree, options) };
}

/** Renders a comprobante sealed with a CSD: the sealed CFDI's XML text ({@link sealDocument}'s `xml`). */
export function renderSealed(comprobante: Comprobante, csd: Csd, options: { pretty?: boolean } = {}): string {
  return serializeXml(sealedTree(comprobante, csd), options);
}

function certificateOf(base64: string): X509Certificate | undefined {
  try {
    return new X509Certificate(Buffer.from(base64.replace(/[ \t\r\n]/g, ''), 'base64'));
  } catch {
    return undefined;
  }
}

/**
 * Checks a sealed CFDI's Sello against its own Certificado over its cadena original (CFDI40102),
 * and that NoCertificado is that certificate's number (CFDI40106, the part that can be decided
 * offline: whether the SAT issued the certificate and it is not revoked needs the SAT's LCO).
 * An unsigned document (no Sello, no Certificado) has nothing to check and gives no issue.
 */
export function verifySello(xml: string | Uint8Array | XmlNode): Issue[] {
  const root = typeof xml === 'string' || xml instanceof Uint8Array ? readXmlTree(xml) : xml;
  const sello = root.attributes['Sello'];
  const certificado = root.attributes['Certificado'];
  const noCertificado = root.attributes['NoCertificado'];
  if ((sello ?? '') === '' && (certificado ?? '') === '') return [];
  const issues: Issue[] = [];
  const certificate = certificado === undefined ? undefined : certificateOf(certificado);
  if (certificate === undefined) {
    issues.push(
      error(
        'CFDI40102',
        ['certificado'],
        'Certificado is not a base64 X.509 certificate: the sello cannot be checked',
      ),
    );
    return issues;
  }
  const serial = Buffer.from(certificate.serialNumber, 'hex').toString('latin1');
  if (noCertificado !== serial) {
    issues.push(
      error(
        'CFDI40106',
        ['noCertificado'],
        `NoCertificado ${JSON.stringify(noCertificado ?? '')} is not the number of the certificate in Certificado (${serial})`,
      ),
    );
  }
  let cadena: string;
  try {
    cadena = cadenaOriginal(root);
  } catch (err) {
    if (!isCfdiLayoutError(err, 'CADENA_UNSUPPORTED')) throw err;
    issues.push(warning('CADENA_UNSUPPORTED', ['sello'], `the sello cannot be checked: ${err.message}`));
    return issues;
  }
  const signature = Buffer.from((sello ?? '').replace(/[ \t\r\n]/g, ''), 'base64');
  const ok =
    signature.length > 0 && verify('sha256', Buffer.from(cadena, 'utf8'), certificate.publicKey, signature);
  if (!ok) {
    issues.push(
      error(
        'CFDI40102',
        ['sello'],
        'El resultado de la digestión debe ser igual al resultado de la desencripción del sello',
      ),
    );
  }
  return issues;
}
