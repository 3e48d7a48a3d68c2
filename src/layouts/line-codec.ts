/*
 * How values sit between separators: the escaping policy (reject or escape), splitting a line back
 * into values, and the byte encoding of the whole text. Built once per compiled layout, so the hot
 * loops only call closures and native string methods.
 */

/** A split that failed: what went wrong and where in the split text (UTF-16 offset). */
export interface SplitFailure {
  readonly offset: number;
  readonly message: string;
}

/** Escaping and splitting of one layout. */
export interface LineCodec {
  readonly separator: string;
  readonly escapeChar: string | undefined;
  /** Why `value` cannot be written in this layout's text, or `undefined` when it can. */
  unrepresentable(value: string): string | undefined;
  /** The value as written between separators (escaped under the escape policy). */
  encode(value: string): string;
  /** Splits the text between record prefix and suffix into values, unescaping them. */
  split(body: string): string[] | SplitFailure;
  /** Offsets where each value of `body` starts, for columns in messages. */
  offsets(body: string): number[];
  /** True when `body` ends with `suffix` and the suffix's first character is not escaped. */
  endsWithSuffix(body: string, suffix: string): boolean;
}

/** Lone UTF-16 surrogates cannot be encoded in UTF-8 or Latin-1; paired ones are one code point under `u`. */
const LONE_SURROGATE = /\p{Cs}/u;
const OUTSIDE_LATIN1 = /[\u0100-\u{10FFFF}]/u;
const LINE_BREAK = /[\n\r]/;

function codePointLabel(value: string, index: number): string {
  const code = value.codePointAt(index) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The `suspect` test of {@link makeLineCodec} as a scan of character codes: the separator (a single
 * UTF-16 unit; `undefined` under the escape policy) and line breaks, lone surrogates and, in Latin-1,
 * anything above U+00FF. It answers as the regular expression does and runs several times faster on
 * the short values of a layout, where it runs once per value; `undefined` for other separators.
 */
export function suspectScan(
  separator: string | undefined,
  encoding: 'utf-8' | 'latin1',
): ((value: string) => boolean) | undefined {
  if (separator !== undefined && (separator.length !== 1 || isSurrogate(separator.charCodeAt(0))))
    return undefined;
  // Under the escape policy the separator and line breaks are escaped: only the encoding matters.
  const sep = separator === undefined ? -1 : separator.charCodeAt(0);
  const lf = separator === undefined ? -1 : 10;
  const cr = separator === undefined ? -1 : 13;
  const latin1 = encoding === 'latin1';
  return (value) => {
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code === sep || code === lf || code === cr) return true;
      if (code < 0xd800) {
        if (latin1 && code > 0xff) return true;
        continue;
      }
      if (latin1) return true;
      if (code > 0xdfff) continue;
      // A high surrogate followed by a low one is one code point; any other surrogate stands alone.
      const next = value.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    }
    return false;
  };
}

function isSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdfff;
}

/** Builds the codec of a layout. */
export function makeLineCodec(
  separator: string,
  escaping: { readonly policy: 'reject' } | { readonly policy: 'escape'; readonly char: string },
  encoding: 'utf-8' | 'latin1',
): LineCodec {
  const escapeChar = escaping.policy === 'escape' ? escaping.char : undefined;

  const encodingProblem = (value: string): string | undefined => {
    const lone = LONE_SURROGATE.exec(value);
    if (lone !== null)
      return `holds an unpaired surrogate ${codePointLabel(value, lone.index)}, which no encoding can write`;
    if (encoding === 'latin1') {
      const outside = OUTSIDE_LATIN1.exec(value);
      if (outside !== null)
        return `holds ${codePointLabel(value, outside.index)}, outside ISO-8859-1 (the layout's encoding)`;
    }
    return undefined;
  };

  // One scan finds every character a value may not hold; which one it was is worked out only then.
  const escapedSeparatorClass = separator.replace(/[\\\]^-]/g, '\\$&');
  const suspect =
    escaping.policy === 'reject'
      ? new RegExp(
          `[${escapedSeparatorClass}\\n\\r]|\\p{Cs}${encoding === 'latin1' ? '|[\\u0100-\\u{10FFFF}]' : ''}`,
          'u',
        )
      : new RegExp(`\\p{Cs}${encoding === 'latin1' ? '|[\\u0100-\\u{10FFFF}]' : ''}`, 'u');

  const maybeSuspect =
    suspectScan(escaping.policy === 'reject' ? separator : undefined, encoding) ??
    ((value: string) => suspect.test(value));

  if (escapeChar === undefined) {
    return {
      separator,
      escapeChar,
      unrepresentable(value) {
        if (!maybeSuspect(value)) return undefined;
        if (value.includes(separator)) {
          return `holds the separator ${JSON.stringify(separator)}, which the layout cannot escape (escaping policy reject)`;
        }
        if (LINE_BREAK.test(value))
          return 'holds a line break, which the layout cannot escape (escaping policy reject)';
        return encodingProblem(value);
      },
      encode: (value) => value,
      split: (body) => body.split(separator),
      offsets(body) {
        const out = [0];
        let at = body.indexOf(separator);
        while (at >= 0) {
          out.push(at + 1);
          at = body.indexOf(separator, at + 1);
        }
        return out;
      },
      endsWithSuffix: (body, suffix) => body.endsWith(suffix),
    };
  }

  const escapedSeparator = escapeChar + separator;
  const escapedEscape = escapeChar + escapeChar;
  const escapedLf = `${escapeChar}n`;
  const escapedCr = `${escapeChar}r`;
  return {
    separator,
    escapeChar,
    unrepresentable: (value) => (maybeSuspect(value) ? encodingProblem(value) : undefined),
    encode(value) {
      if (!value.includes(escapeChar) && !value.includes(separator) && !LINE_BREAK.test(value)) return value;
      let out = '';
      for (const ch of value) {
        if (ch === escapeChar) out += escapedEscape;
        else if (ch === separator) out += escapedSeparator;
        else if (ch === '\n') out += escapedLf;
        else if (ch === '\r') out += escapedCr;
        else out += ch;
      }
      return out;
    },
    split(body) {
      if (!body.includes(escapeChar)) return body.split(separator);
      const values: string[] = [];
      let current = '';
      for (let i = 0; i < body.length; i++) {
        const ch = body[i] as string;
        if (ch === escapeChar) {
          const next = body[i + 1];
          if (next === escapeChar) current += escapeChar;
          else if (next === separator) current += separator;
          else if (next === 'n') current += '\n';
          else if (next === 'r') current += '\r';
          else {
            return {
              offset: i,
              message:
                next === undefined
                  ? `the line ends with the escape character ${JSON.stringify(escapeChar)}`
                  : `${JSON.stringify(escapeChar + next)} is not an escape sequence (write ${JSON.stringify(escapedEscape)} for the escape character itself)`,
            };
          }
          i++;
        } else if (ch === separator) {
          values.push(current);
          current = '';
        } else {
          current += ch;
        }
      }
      values.push(current);
      return values;
    },
    offsets(body) {
      const out = [0];
      for (let i = 0; i < body.length; i++) {
        const ch = body[i];
        if (ch === escapeChar) i++;
        else if (ch === separator) out.push(i + 1);
      }
      return out;
    },
    endsWithSuffix(body, suffix) {
      if (!body.endsWith(suffix)) return false;
      // An odd run of escape characters before the suffix escapes its first character.
      let run = 0;
      for (let j = body.length - suffix.length - 1; j >= 0 && body[j] === escapeChar; j--) run++;
      return run % 2 === 0;
    },
  };
}

/** Encodes a layout text into bytes (UTF-8, or ISO-8859-1 for `latin1`); throws on characters Latin-1 lacks. */
export function encodeText(text: string, encoding: 'utf-8' | 'latin1'): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff)
      throw new RangeError(`character ${codePointLabel(text, i)} at offset ${i} is outside ISO-8859-1`);
    bytes[i] = code;
  }
  return bytes;
}

/**
 * Decodes layout bytes. UTF-8 is decoded strictly: the offset of the first invalid byte comes back
 * so the issue can name its line. ISO-8859-1 maps every byte to the code point of the same value
 * (WHATWG's `latin1` label would decode windows-1252 instead).
 */
export function decodeBytes(
  bytes: Uint8Array,
  encoding: 'utf-8' | 'latin1',
): { text: string; invalidAt?: number } {
  if (encoding === 'latin1') {
    let text = '';
    const chunk = 0x8000;
    for (let i = 0; i < bytes.length; i += chunk) {
      text += String.fromCharCode(...bytes.subarray(i, i + chunk));
    }
    return { text };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
    return { text, invalidAt: text.indexOf('\ufffd') };
  }
}
