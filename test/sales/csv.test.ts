import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer, tokenizeCsv } from '../../src/sales/csv.js';

// The tokenizer replaces csv-parse in the sales reader (issue 11): it must read every text as
// csv-parse read it with the options the reader gave it, whatever pieces the text arrives in.
const OPTIONS = {
  relax_quotes: true,
  relax_column_count: true,
  skip_empty_lines: false,
  record_delimiter: ['\r\n', '\n', '\r'],
};

/** What csv-parse makes of a text: its records, or the line of the quote it says is never closed. */
function oracle(text: string, delimiter: string): { records: string[][]; unclosedAtLine?: number } {
  try {
    return { records: parse(text, { ...OPTIONS, delimiter }) as string[][] };
  } catch (err) {
    const e = err as { code?: string; lines?: number };
    if (e.code !== 'CSV_QUOTE_NOT_CLOSED') throw err;
    const records: string[][] = [];
    parse(text, {
      ...OPTIONS,
      delimiter,
      skip_records_with_error: true,
      on_record: (r: string[]) => {
        records.push(r);
        return r;
      },
    });
    return { records, unclosedAtLine: e.lines as number };
  }
}

/** A deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'b', '"', '"', '"', ',', ';', '\n', '\r', '\r\n', ' ', 'é', '😀', '1'];

function randomText(next: () => number): string {
  let text = '';
  const length = Math.floor(next() * 40);
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return text;
}

/** Tokenizes a text written in random pieces (cuts anywhere, even inside a surrogate pair). */
function inPieces(text: string, delimiter: string, next: () => number) {
  const records: string[][] = [];
  const tokenizer = new CsvTokenizer(delimiter, (cells) => records.push(cells));
  for (let at = 0; at < text.length; ) {
    const to = Math.min(text.length, at + 1 + Math.floor(next() * 6));
    tokenizer.write(text.slice(at, to));
    at = to;
  }
  return { records, unclosed: tokenizer.end() };
}

describe('CsvTokenizer', () => {
  it('reads 20,000 random texts as csv-parse reads them, whole and in random pieces', () => {
    const next = random(11);
    let unclosedSeen = 0;
    let relaxedSeen = 0;
    for (let n = 0; n < 20_000; n++) {
      const text = randomText(next);
      const delimiter = next() < 0.5 ? ',' : ';';
      const expected = oracle(text, delimiter);
      for (const got of [tokenizeCsv(text, delimiter), inPieces(text, delimiter, next)]) {
        expect(got.records, JSON.stringify(text)).toEqual(expected.records);
        expect(got.unclosed === undefined, JSON.stringify(text)).toBe(expected.unclosedAtLine === undefined);
        if (got.unclosed !== undefined) {
          expect(got.unclosed.endLine, JSON.stringify(text)).toBe(expected.unclosedAtLine);
          // The record it describes is the end of the text, and its quote opens the broken field.
          expect(text.endsWith(got.unclosed.text)).toBe(true);
          expect(got.unclosed.text[got.unclosed.quoteAt]).toBe('"');
        }
      }
      if (expected.unclosedAtLine !== undefined) unclosedSeen++;
      if (expected.records.some((r) => r.some((c) => /"\w/.test(c)))) relaxedSeen++;
    }
    // The random texts reach the cases that matter, not only plain fields.
    expect(unclosedSeen).toBeGreaterThan(1_000);
    expect(relaxedSeen).toBeGreaterThan(1_000);
  });

  it('keeps quotes of a field that closes on text, and doubled quotes as one', () => {
    expect(tokenizeCsv('"ab"c,"x""y"\n', ',').records).toEqual([['"ab"c', 'x"y']]);
    expect(tokenizeCsv('a"b,c\r\rd', ',').records).toEqual([['a"b', 'c'], [''], ['d']]);
  });

  it('describes a quote never closed: where the record starts, which field, on which line', () => {
    const text = 'h1,h2\n"q\nx",z\r\n1,"open\nmore\n';
    const { records, unclosed } = tokenizeCsv(text, ',');
    expect(records).toEqual([
      ['h1', 'h2'],
      ['q\nx', 'z'],
    ]);
    expect(unclosed).toEqual({ text: '1,"open\nmore\n', quoteAt: 2, index: 1, line: 4, endLine: 5 });
  });

  it('refuses a delimiter it could not tell from a quote or a line ending', () => {
    expect(() => new CsvTokenizer('"', () => undefined)).toThrow(RangeError);
    expect(() => new CsvTokenizer('\n', () => undefined)).toThrow(RangeError);
  });
});
