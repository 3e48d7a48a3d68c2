import { CfdiLayoutError } from '../errors.js';
import { error, hasErrors, type Issue, type IssuePath, warning } from '../issues.js';

/** The kind of taxpayer an RFC belongs to: 13 characters for a persona física, 12 for a moral. */
export type Persona = 'fisica' | 'moral';

/** Which generic RFC: público en general (`nacional`) or a foreign receptor (`extranjero`). */
export type RfcGenerico = 'nacional' | 'extranjero';

/** The outcome of {@link checkRfc}: `valid` is false exactly when an issue has error severity. */
export interface RfcCheck {
  readonly valid: boolean;
  readonly persona?: Persona;
  readonly generic?: RfcGenerico;
  readonly issues: Issue[];
}

/** The two generic RFCs SAT defines (rules doc F.2, F.4), which are exempt from the check digit. */
export const RFCS_GENERICOS: Readonly<Record<string, RfcGenerico>> = Object.freeze({
  XAXX010101000: 'nacional',
  XEXX010101000: 'extranjero',
});

/** tdCFDI:t_RFC from SAT's XSD (rules doc F.1), anchored. */
const RFC_PATTERN = /^[A-Z&Ñ]{3,4}[0-9]{2}(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[0-9A]$/;

/** An RFC without its check digit: the same alphabet and shape as t_RFC up to the homoclave. */
const RFC_BODY = /^[A-Z&Ñ]{3,4}[0-9]{6}[A-Z0-9]{2}$/;

/**
 * Check-digit values by position: '0'–'9' → 0–9, 'A'–'N' → 10–23, '&' → 24, 'O'–'Z' → 25–36,
 * ' ' → 37, 'Ñ' → 38 (phpcfdi/rfc CheckSum, rules doc F.2).
 */
const CHECK_VALUES = '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The check digit SAT's algorithm gives for an RFC `body`, i.e. the RFC without its last character
 * (11 characters for a persona moral, 12 for a persona física). Throws `RFC_INVALID` when `body` does
 * not have the t_RFC shape.
 */
export function rfcCheckDigit(body: string): string {
  if (!RFC_BODY.test(body)) {
    throw new CfdiLayoutError('RFC_INVALID', 'an RFC body is 3 or 4 letters, a YYMMDD date and 2 characters');
  }
  // A moral's body is one character shorter; the algorithm pads it on the left with a space so both
  // kinds weigh 12 positions by 13 down to 2.
  const padded = body.length === 11 ? ` ${body}` : body;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += CHECK_VALUES.indexOf(padded.charAt(i)) * (13 - i);
  const digit = 11 - (sum % 11);
  if (digit === 11) return '0';
  if (digit === 10) return 'A';
  return String(digit);
}

/** The persona an RFC denotes by its length, or `undefined` when it does not match t_RFC. */
export function personaOf(rfc: string): Persona | undefined {
  if (!RFC_PATTERN.test(rfc)) return undefined;
  return rfc.length === 12 ? 'moral' : 'fisica';
}

/**
 * True when YYMMDD is a real calendar date. The two-digit year cannot say its century; every year
 * divisible by 4 is taken as leap, which is right for 1901–2099 and makes 000229 (2000-02-29) valid.
 */
function isRealDate(yymmdd: string): boolean {
  const year = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const max = month === 2 && year % 4 !== 0 ? 28 : DAYS_IN_MONTH[month - 1];
  return max !== undefined && day >= 1 && day <= max;
}

/**
 * Checks an RFC as a client can (rules doc F.1, F.2): the generic RFCs first, then the t_RFC pattern
 * (error `RFC_PATTERN`), a real date (error `RFC_DATE`) and the check digit (warning
 * `RFC_CHECK_DIGIT`, because SAT has issued RFCs whose digit fails). Whether the RFC is registered
 * (l_RFC, CFDI40143) only a PAC can tell. Issues carry `path`; messages do not repeat the RFC.
 */
export function checkRfc(rfc: string, path: IssuePath = []): RfcCheck {
  const generic = Object.hasOwn(RFCS_GENERICOS, rfc) ? RFCS_GENERICOS[rfc] : undefined;
  // XAXX010101000 fails the checksum (its digit would be 4), so the generics are whitelisted first.
  if (generic !== undefined) return { valid: true, persona: 'fisica', generic, issues: [] };
  if (!RFC_PATTERN.test(rfc)) {
    return {
      valid: false,
      issues: [
        error(
          'RFC_PATTERN',
          path,
          'the RFC does not match t_RFC: 3 (moral) or 4 (física) letters, a YYMMDD date and a 3-character homoclave',
        ),
      ],
    };
  }
  const persona: Persona = rfc.length === 12 ? 'moral' : 'fisica';
  const issues: Issue[] = [];
  if (!isRealDate(rfc.slice(-9, -3))) {
    issues.push(error('RFC_DATE', path, 'the date in the RFC (YYMMDD) is not a real calendar date'));
  }
  const expected = rfcCheckDigit(rfc.slice(0, -1));
  const actual = rfc.slice(-1);
  if (actual !== expected) {
    issues.push(
      warning(
        'RFC_CHECK_DIGIT',
        path,
        `the RFC's check digit is ${actual} but SAT's algorithm gives ${expected}; SAT has issued some such RFCs`,
      ),
    );
  }
  return { valid: !hasErrors(issues), persona, issues };
}
