/*
 * The CSV tokenizer of the sales reader. It reads text the way csv-parse 6 reads it with the options
 * the reader used to give it (`relax_quotes`, `relax_column_count`, `skip_empty_lines: false`,
 * records ending at CRLF, LF or CR), and it does so about ten times faster, straight from the decoded
 * text: csv-parse works on bytes, so the reader had to encode every decoded piece back to UTF-8 for
 * it, and the parse alone cost more than every later stage of a ticket build together (issue 11).
 * test/sales/csv.test.ts holds it to csv-parse on random texts cut into random pieces.
 *
 * The rules, as csv-parse applies them:
 * - A quote opens a quoted field only as the field's first character. Inside one, `""` is a quote,
 *   and a quote followed by the delimiter, a line ending or the end of the text closes the field.
 *   A quote followed by anything else closes it too, but then the field keeps both quotes as text
 *   and goes on unquoted (`"ab"c` reads as `"ab"c`).
 * - A quote anywhere else in a field is text.
 * - Outside quotes, CRLF, LF and CR each end a record; inside quotes they are text.
 * - An empty line is a record of one empty field; a last line with no characters is no record.
 * - Lines are counted as csv-parse counts them in its messages: a record's ending once, each CR and
 *   LF inside quotes on its own.
 * - A quote never closed makes the rest of the text one field. Nothing is yielded for that record;
 *   `end` describes it ({@link UnclosedRecord}).
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** A record whose quoted field never closed: it runs from its start to the end of the text. */
export interface UnclosedRecord {
  /** The record's text, from its first character to the end of the export. */
  readonly text: string;
  /** Where in `text` the quote of the field that never closes is. */
  readonly quoteAt: number;
  /** Fields of the record before that one. */
  readonly index: number;
  /** The line the record starts on, counted as csv-parse counts lines (the header's is 1). */
  readonly line: number;
  /** The line the text ends on, counted alike: the one csv-parse's "Quote Not Closed" names. */
  readonly endLine: number;
}

/** Where the tokenizer is inside a field. */
enum At {
  /** At the start of a field: nothing of it read yet. */
  FieldStart = 0,
  /** Inside an unquoted field (or a quoted one that closed on something else than a delimiter). */
  Unquoted = 1,
  /** Inside a quoted field. */
  Quoted = 2,
  /** Just after a quoted field closed on a delimiter or a line ending. */
  Closed = 3,
}

/**
 * A resumable CSV tokenizer: `write` takes the text piece by piece (any cut, even inside a field or
 * between CR and LF) and hands complete records to its callback; `end` finishes the last one.
 */
export class CsvTokenizer {
  readonly #sep: number;
  readonly #onRecord: (cells: string[]) => void;
  #at: At = At.FieldStart;
  #cells: string[] = [];
  /** Text of the current field from earlier pieces (the part of this piece is sliced at its end). */
  #field = '';
  /** The current record's text from earlier pieces (kept only to describe a quote never closed). */
  #recordText = '';
  /** Offset in the record's text of the current field's first character. */
  #fieldAt = 0;
  /** Characters of the current record written in earlier pieces. */
  #recordDone = 0;
  /** csv-parse's line count at the start of the current record. */
  #recordLine = 1;
  /** CR and LF characters inside quotes in the current record so far. */
  #quotedBreaks = 0;
  /** A CR ended the last piece outside quotes: an LF starting the next one belongs to it. */
  #pendingCr = false;
  /** The last piece ended inside a quoted field on a quote: the next character decides what it is. */
  #pendingQuote = false;

  constructor(delimiter: string, onRecord: (cells: string[]) => void) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n')
      throw new RangeError(`a CSV delimiter is one character other than a quote or a line ending`);
    this.#sep = delimiter.charCodeAt(0);
    this.#onRecord = onRecord;
  }

  /** Reads one more piece of the text. */
  write(text: string): void {
    if (text.length === 0) return;
    const sep = this.#sep;
    let i = 0;
    /** Start in `text` of the current field's characters not yet moved into #field. */
    let from = 0;
    /** Start in `text` of the current record (0 when it began in an earlier piece). */
    let recordFrom = 0;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (text.charCodeAt(0) === LF) {
        i = 1;
        from = 1;
        recordFrom = 1;
      }
    }
    if (this.#pendingQuote) {
      this.#pendingQuote = false;
      // The quote that ended the last piece was not yet read: decide it with this piece's first character.
      const c = text.charCodeAt(0);
      if (c === QUOTE) {
        this.#field += '"';
        i = 1;
        from = 1;
      } else if (c === sep || c === LF || c === CR) this.#at = At.Closed;
      else {
        this.#field = `"${this.#field}"`;
        this.#at = At.Unquoted;
      }
    }
    const n = text.length;
    while (i < n) {
      const at = this.#at;
      if (at === At.Quoted) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.#quotedBreaks += breaks(text, i, n);
          i = n;
          break;
        }
        this.#quotedBreaks += breaks(text, i, q);
        if (q + 1 === n) {
          // The next piece tells whether this quote is doubled, closes the field or is text.
          this.#field += text.slice(from, q);
          from = n;
          i = n;
          this.#pendingQuote = true;
          break;
        }
        const next = text.charCodeAt(q + 1);
        if (next === QUOTE) {
          this.#field += text.slice(from, q + 1);
          i = q + 2;
          from = i;
        } else if (next === sep || next === LF || next === CR) {
          this.#field += text.slice(from, q);
          i = q + 1;
          from = i;
          this.#at = At.Closed;
        } else {
          // Closed on something else: both quotes stay, and the field goes on unquoted.
          this.#field = `"${this.#field}${text.slice(from, q + 1)}`;
          i = q + 1;
          from = i;
          this.#at = At.Unquoted;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (at === At.FieldStart && c === QUOTE) {
        this.#at = At.Quoted;
        i++;
        from = i;
        continue;
      }
      if (c === sep) {
        this.#cells.push(this.#field + text.slice(from, i));
        this.#field = '';
        i++;
        from = i;
        this.#fieldAt = this.#recordDone + i - recordFrom;
        this.#at = At.FieldStart;
        continue;
      }
      if (c === LF || c === CR) {
        this.#cells.push(this.#field + text.slice(from, i));
        this.#field = '';
        const cells = this.#cells;
        this.#cells = [];
        this.#recordLine += 1 + this.#quotedBreaks;
        this.#quotedBreaks = 0;
        this.#recordText = '';
        this.#recordDone = 0;
        this.#fieldAt = 0;
        this.#at = At.FieldStart;
        i++;
        if (c === CR) {
          if (i === n) this.#pendingCr = true;
          else if (text.charCodeAt(i) === LF) i++;
        }
        from = i;
        recordFrom = i;
        this.#onRecord(cells);
        continue;
      }
      // Any other character: the field is unquoted from here on (after a close, csv-parse appends it).
      this.#at = At.Unquoted;
      i++;
    }
    // The rest of the piece belongs to the field and the record still open.
    if (from < n) this.#field += text.slice(from, n);
    if (recordFrom < n) {
      this.#recordText += text.slice(recordFrom, n);
      this.#recordDone += n - recordFrom;
    }
  }

  /**
   * Ends the text: the last record is handed over if it has any character, and a record whose quote
   * never closed is returned instead.
   */
  end(): UnclosedRecord | undefined {
    if (this.#pendingQuote) {
      this.#pendingQuote = false;
      this.#at = At.Closed;
    }
    if (this.#at === At.Quoted) {
      const text = this.#recordText;
      const last = text.charCodeAt(text.length - 1);
      return {
        text,
        quoteAt: this.#fieldAt,
        index: this.#cells.length,
        line: this.#recordLine,
        // Every line break of the record is inside quotes; one that ends the text starts no line.
        endLine: this.#recordLine + this.#quotedBreaks - (last === LF || last === CR ? 1 : 0),
      };
    }
    if (this.#at !== At.FieldStart || this.#cells.length > 0 || this.#field !== '') {
      this.#cells.push(this.#field);
      this.#field = '';
      const cells = this.#cells;
      this.#cells = [];
      this.#onRecord(cells);
    }
    return undefined;
  }
}

/** CR and LF characters in text[from, to). */
function breaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) count++;
  }
  return count;
}

/** Every record of a whole CSV text (and the record a quote never closed, if any). */
export function tokenizeCsv(
  text: string,
  delimiter: string,
): { records: string[][]; unclosed: UnclosedRecord | undefined } {
  const records: string[][] = [];
  const tokenizer = new CsvTokenizer(delimiter, (cells) => records.push(cells));
  tokenizer.write(text);
  return { records, unclosed: tokenizer.end() };
}
