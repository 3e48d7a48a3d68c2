import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { CfdiLayoutError } from '../errors.js';

/**
 * An issuer's certificado de sello digital, loaded: the certificate, its private key, and what a
 * CFDI carries of it. Built by {@link loadCsd}; the password is used once and not kept.
 */
export interface Csd {
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
  /** The 20-digit NoCertificado: the certificate's serial number read as ASCII digits. */
  readonly noCertificado: string;
  /** The certificate in DER, base64 (the Comprobante's `Certificado` attribute). */
  readonly certificado: string;
  /** The RFC the certificate was issued to (first RFC of x500UniqueIdentifier). */
  readonly rfc: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

/** What {@link loadCsd} reads: the `.cer` and `.key` bytes as the SAT delivers them, and the password. */
export interface CsdFiles {
  /** The `.cer`: an X.509 certificate in DER (PEM is accepted too). */
  readonly cer: Uint8Array;
  /** The `.key`: an encrypted PKCS#8 private key in DER (as the SAT's Certifica issues it). */
  readonly key: Uint8Array;
  readonly password: string;
}

/** RFC of a persona moral (12) or física (13), as it appears in x500UniqueIdentifier. */
const RFC_IN_SUBJECT = /^([A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3})\b/;

/**
 * keyUsage bits (RFC 5280 §4.2.1.3), first byte of the BIT STRING. The SAT's CSDs carry
 * digitalSignature and nonRepudiation only; its e.firma (FIEL) certificates add dataEncipherment
 * and keyAgreement, which is how a FIEL offered as a CSD is told apart (CFDI40 Anexo 20: a CFDI
 * is sealed with a CSD, never with the FIEL).
 */
const DIGITAL_SIGNATURE = 0x80;
const NON_REPUDIATION = 0x40;
const KEY_ENCIPHERMENT = 0x20;
const DATA_ENCIPHERMENT = 0x10;
const KEY_AGREEMENT = 0x08;

/** The first byte of the keyUsage bits, or undefined when the certificate has no keyUsage extension. */
function keyUsageBits(der: Uint8Array): number | undefined {
  // OID 2.5.29.15 (06 03 55 1D 0F), an optional `critical` BOOLEAN, then an OCTET STRING holding
  // BIT STRING (03 len unused bits...).
  for (let i = 0; i + 5 < der.length; i++) {
    if (
      der[i] !== 0x06 ||
      der[i + 1] !== 0x03 ||
      der[i + 2] !== 0x55 ||
      der[i + 3] !== 0x1d ||
      der[i + 4] !== 0x0f
    )
      continue;
    let at = i + 5;
    if (der[at] === 0x01) at += 2 + (der[at + 1] as number);
    if (der[at] !== 0x04) return undefined;
    at += 2;
    if (der[at] !== 0x03) return undefined;
    return der[at + 3];
  }
  return undefined;
}

function csdError(
  code: 'CSD_INVALID' | 'CSD_PASSWORD_WRONG' | 'CSD_KEY_MISMATCH' | 'CSD_NOT_CSD',
  message: string,
  cause?: unknown,
) {
  return new CfdiLayoutError(code, message, cause === undefined ? {} : { cause });
}

/**
 * Loads a CSD from its `.cer` and `.key` with node:crypto only.
 *
 * @throws `CSD_INVALID` when the `.cer` is not an X.509 certificate, the `.key` is not a PKCS#8
 * key, or the certificate has no RFC or serial the SAT's way; `CSD_PASSWORD_WRONG` when the
 * password does not decrypt the key; `CSD_KEY_MISMATCH` when the key is not the certificate's;
 * `CSD_NOT_CSD` for an e.firma (FIEL) certificate. No message ever contains the password.
 */
export function loadCsd(files: CsdFiles): Csd {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(files.cer);
  } catch (err) {
    throw csdError('CSD_INVALID', 'the .cer is not an X.509 certificate (DER or PEM)', err);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: Buffer.from(files.key),
      format: 'der',
      type: 'pkcs8',
      passphrase: files.password,
    });
  } catch (err) {
    const reason = (err as { code?: string; message?: string }).code ?? '';
    // OpenSSL reports a wrong passphrase as a decryption failure of the PKCS#8 envelope.
    if (/DECRYPT|BAD_PASSWORD|PASSPHRASE/i.test(`${reason} ${(err as Error).message}`))
      throw csdError('CSD_PASSWORD_WRONG', 'the password does not decrypt the .key');
    throw csdError('CSD_INVALID', 'the .key is not an encrypted PKCS#8 private key in DER', err);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw csdError(
      'CSD_KEY_MISMATCH',
      `the .key is not the private key of certificate ${certificate.serialNumber}`,
    );
  }
  const serialHex = certificate.serialNumber;
  const noCertificado = Buffer.from(serialHex.length % 2 === 0 ? serialHex : `0${serialHex}`, 'hex').toString(
    'latin1',
  );
  if (!/^\d{20}$/.test(noCertificado)) {
    throw csdError(
      'CSD_INVALID',
      `the certificate's serial ${serialHex} is not a SAT NoCertificado (20 ASCII digits)`,
    );
  }
  const unique = /(?:^|\n)x500UniqueIdentifier=([^\n]*)/.exec(certificate.subject)?.[1]?.trim() ?? '';
  const rfc = RFC_IN_SUBJECT.exec(unique)?.[1];
  if (rfc === undefined) {
    throw csdError(
      'CSD_INVALID',
      `the certificate's subject carries no RFC in x500UniqueIdentifier (${JSON.stringify(unique)})`,
    );
  }
  const bits = keyUsageBits(certificate.raw);
  if (
    bits === undefined ||
    (bits & (DIGITAL_SIGNATURE | NON_REPUDIATION)) !== (DIGITAL_SIGNATURE | NON_REPUDIATION) ||
    (bits & (KEY_ENCIPHERMENT | DATA_ENCIPHERMENT | KEY_AGREEMENT)) !== 0
  ) {
    throw csdError(
      'CSD_NOT_CSD',
      `certificate ${noCertificado} is not a certificado de sello digital (its keyUsage is that of an e.firma or another certificate); seal CFDI with the CSD, not the FIEL`,
    );
  }
  return {
    certificate,
    privateKey,
    noCertificado,
    certificado: certificate.raw.toString('base64'),
    rfc,
    validFrom: new Date(certificate.validFrom),
    validTo: new Date(certificate.validTo),
  };
}

/**
 * The instant a CFDI's Fecha names. Fecha carries no offset; it is read as hora del centro
 * (UTC−06:00, Mexico City since the 2022 end of daylight saving time), which is how the SAT's own
 * services read it for certificate validity.
 */
export function fechaInstant(fecha: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(fecha)) return undefined;
  const instant = new Date(`${fecha}-06:00`);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}
