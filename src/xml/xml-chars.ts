/*
 * Character-level XML: which characters XML 1.0 can carry, escaping for the builder and decoding
 * of references for the reader. Both sides live here so that they stay inverse of each other.
 */

/** A character XML 1.0 cannot carry at all (controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const ILLEGAL_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Anything outside plain printable BMP text without `&`: values matching nothing here need no work. */
const NEEDS_WORK = /[^\u0020-\u0025\u0027-\uD7FF\uE000-\uFFFD]/;

/** Offset of the first character XML 1.0 cannot represent, or -1. */
export function illegalCharOffset(text: string): number {
  const match = ILLEGAL_CHAR.exec(text);
  return match === null ? -1 : match.index;
}

/** A code point as `U+XXXX`, for messages. */
export function codePointLabel(text: string, offset: number): string {
  const cp = text.codePointAt(offset) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

const ATTRIBUTE_REFS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const TEXT_REFS: Readonly<Record<string, string>> = { '&': '&amp;', '\r': '&#13;' };

/*
 * Why the builder gets pre-escaped values: xmlbuilder2 escapes `<`, `>` and `"` itself but leaves
 * an `&` alone when it already starts a reference (`&amp;`, `&#9;`), and writes tab/LF/CR
 * literally, which every parser turns into spaces (attribute-value normalisation). So `&` and those
 * three characters become references here: `&amp;` for every literal `&` keeps a value such as
 * `AT&amp;T` intact, and `&#9;`/`&#10;`/`&#13;` survive normalisation. In text only `&` and CR
 * (which end-of-line handling would turn into LF) need it.
 */

/** An attribute value ready for xmlbuilder2's serializer, or `undefined` when XML 1.0 cannot carry it. */
export function attributeForBuilder(value: string): string | undefined {
  if (!NEEDS_WORK.test(value)) return value;
  if (ILLEGAL_CHAR.test(value)) return undefined;
  return value.replace(/[&\t\n\r]/g, (ch) => ATTRIBUTE_REFS[ch] as string);
}

/** Text content ready for xmlbuilder2's serializer, or `undefined` when XML 1.0 cannot carry it. */
export function textForBuilder(value: string): string | undefined {
  if (!NEEDS_WORK.test(value)) return value;
  if (ILLEGAL_CHAR.test(value)) return undefined;
  return value.replace(/[&\r]/g, (ch) => TEXT_REFS[ch] as string);
}

/** True when XML 1.0 can carry every character of `value` (the common case is one regex test). */
export function isXmlString(value: string): boolean {
  return !NEEDS_WORK.test(value) || !ILLEGAL_CHAR.test(value);
}

const WRITTEN_ATTRIBUTE_REFS: Readonly<Record<string, string>> = {
  ...ATTRIBUTE_REFS,
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};
const WRITTEN_TEXT_REFS: Readonly<Record<string, string>> = { ...TEXT_REFS, '<': '&lt;', '>': '&gt;' };
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r]/;
const ATTRIBUTE_SPECIALS = /[&<>"\t\n\r]/g;
const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_SPECIALS = /[&<>\r]/g;

/*
 * The escaping of the string serializer: what xmlbuilder2 writes for a value passed through
 * attributeForBuilder/textForBuilder, in one step (its serializer adds `&lt;`, `&gt;` and, in
 * attributes, `&quot;`). A test holds the two serializers byte for byte to each other.
 */

/** An attribute value as written between double quotes. The value must pass {@link isXmlString}. */
export function escapeAttribute(value: string): string {
  return ATTRIBUTE_SPECIAL.test(value)
    ? value.replace(ATTRIBUTE_SPECIALS, (ch) => WRITTEN_ATTRIBUTE_REFS[ch] as string)
    : value;
}

/** Character data as written. The text must pass {@link isXmlString}. */
export function escapeText(value: string): string {
  return TEXT_SPECIAL.test(value)
    ? value.replace(TEXT_SPECIALS, (ch) => WRITTEN_TEXT_REFS[ch] as string)
    : value;
}

const BUILT_IN_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  apos: "'",
  quot: '"',
};

const REFERENCE = /&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|([A-Za-z_][\w.-]*))?;?/g;

/** A reference or character the reader cannot accept; the caller turns it into `XML_MALFORMED`. */
export class XmlTextError extends Error {
  override readonly name = 'XmlTextError';
}

function decodeReference(match: string, dec?: string, hex?: string, name?: string): string {
  if (!match.endsWith(';') || (dec === undefined && hex === undefined && name === undefined)) {
    throw new XmlTextError(
      `'&' must start a reference ending in ';' (write &amp; for a literal '&'), near ${JSON.stringify(match)}`,
    );
  }
  if (name !== undefined) {
    const value = BUILT_IN_ENTITIES[name];
    // Without a DTD (which the reader forbids) only the five built-in entities exist.
    if (value === undefined) throw new XmlTextError(`undefined entity &${name};`);
    return value;
  }
  const cp = dec === undefined ? Number.parseInt(hex as string, 16) : Number.parseInt(dec, 10);
  const ch = cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  if (ch === '' || ILLEGAL_CHAR.test(ch))
    throw new XmlTextError(`character reference ${match} is not an XML character`);
  return ch;
}

/**
 * Decodes an attribute value as written between its quotes, throwing {@link XmlTextError} for a raw
 * `<`, a bare `&` or an undefined entity.
 */
export function decodeAttribute(raw: string): string {
  // Literal tab/LF/CR become spaces first (XML 1.0 §3.3.3 attribute-value normalisation), so that
  // only a reference such as `&#10;` yields a newline.
  let value = raw;
  if (/[\t\n\r]/.test(value)) value = value.replace(/[\t\n\r]/g, ' ');
  if (value.includes('<')) throw new XmlTextError(`'<' is not allowed in an attribute value (write &lt;)`);
  return value.includes('&') ? value.replace(REFERENCE, decodeReference) : value;
}

/** Decodes character data: references are expanded, everything else is kept as written. */
export function decodeText(raw: string): string {
  return raw.includes('&') ? raw.replace(REFERENCE, decodeReference) : raw;
}
