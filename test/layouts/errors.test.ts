import { describe, expect, it } from 'vitest';
import {
  LAYOUTS,
  type LayoutDefinition,
  type LayoutIssue,
  parseLayout,
  parseRecords,
  renderLayout,
  validateLayoutText,
} from '../../src/layouts/index.js';
import { sampleComprobante } from './comprobante-fixture.js';

const tralix40 = LAYOUTS['tralix-40'];
const GOOD = renderLayout(tralix40, sampleComprobante()).text;
const LINES = GOOD.split('\n');

/** The good text with line `n` (1-based) replaced, or removed when `line` is undefined. */
function withLine(n: number, line: string | undefined): string {
  const lines = [...LINES];
  if (line === undefined) lines.splice(n - 1, 1);
  else lines[n - 1] = line;
  return lines.join('\n');
}

function only(issues: readonly LayoutIssue[], code: string): LayoutIssue[] {
  return issues.filter((i) => i.code === code);
}

describe('error locations in broken text', () => {
  it('starts from a text that parses cleanly', () => {
    expect(LINES[4]).toBe('04|EKU9003173C9|ESCUELA KEMPER URGATE|601||');
    expect(parseLayout(tralix40, GOOD).issues).toEqual([]);
  });

  it.each([
    {
      name: 'a value breaking its type',
      text: () => withLine(2, LINES[1]?.replace('2024-05-01T10:30:00', '2024-13-01T10:30:00') ?? ''),
      code: 'LAYOUT_FIELD_TYPE',
      location: { line: 2, record: '01', field: 'fecha', column: 11 },
      says: 'expected a date and time written YYYY-MM-DDTHH:MM:SS',
    },
    {
      name: 'a required field left empty',
      text: () => withLine(6, '05|90111800||1|E48||||2000.00||02|'),
      code: 'LAYOUT_FIELD_REQUIRED',
      location: { line: 6, record: '05', field: 'descripcion', column: 21 },
      says: 'required',
    },
    {
      name: 'a decimal with too many decimals',
      text: () => withLine(7, '06|2000.00|002|Tasa|0.1600001|320.00|'),
      code: 'LAYOUT_FIELD_TYPE',
      location: { line: 7, record: '06', field: 'tasaOCuota', column: 21 },
      says: 'at most 6 decimals',
    },
    {
      name: 'a line with a field too few',
      text: () => withLine(5, '04|EKU9003173C9|ESCUELA KEMPER URGATE|601|'),
      code: 'LAYOUT_FIELD_COUNT',
      location: { line: 5, record: '04', column: 43 },
      says: '3 fields, record 04 has 4',
    },
    {
      name: 'a line with a field too many',
      text: () => withLine(5, '04|EKU9003173C9|ESCUELA KEMPER URGATE|601||extra|'),
      code: 'LAYOUT_FIELD_COUNT',
      location: { line: 5, record: '04', column: 44 },
      says: '5 fields',
    },
    {
      name: 'a line without its final separator',
      text: () => withLine(6, '05|90111800||1|E48||Hospedaje|2000.00|2000.00||02'),
      code: 'LAYOUT_RECORD_SUFFIX',
      location: { line: 6, record: '05', column: 50 },
      says: 'must end with "|"',
    },
    {
      name: 'an unknown record',
      text: () => withLine(8, '77|what|'),
      code: 'LAYOUT_RECORD_UNKNOWN',
      location: { line: 8, record: '', column: 1 },
      says: 'no record id of layout tralix-40',
    },
    {
      name: 'a concept tax without its concept',
      text: () => withLine(6, '06|1.00|002|Tasa|0.160000|0.16|'),
      code: 'LAYOUT_RECORD_ORDER',
      location: { line: 6, record: '06', column: 1 },
      says: 'belongs to a record 05 (concepto) and must follow one',
    },
    {
      name: 'a second header',
      text: () => withLine(3, '00|CFD33BASE|QA|4.0|'),
      code: 'LAYOUT_RECORD_ORDER',
      location: { line: 3, record: '00', column: 1 },
      says: 'must be the first line',
    },
    {
      name: 'a record beyond its cardinality',
      text: () => withLine(4, LINES[4] ?? ''),
      code: 'LAYOUT_CARDINALITY',
      location: { line: 5, record: '04', column: 1 },
      says: 'at most 1 record 04 (emisor)',
    },
    {
      name: 'a missing record',
      text: () => withLine(5, undefined),
      code: 'LAYOUT_CARDINALITY',
      location: { line: 11, record: '04', column: 1 },
      says: 'the text needs a record 04 (emisor)',
    },
    {
      name: 'a wrong line count',
      text: () => withLine(12, '99|13|'),
      code: 'LAYOUT_COMPUTED_MISMATCH',
      location: { line: 12, record: '99', field: 'lineas', column: 4 },
      says: 'the text gives "13" but the lineCount of the text is "12"',
    },
    {
      name: 'a blank line',
      text: () => withLine(9, ''),
      code: 'LAYOUT_LINE_ENDING',
      location: { line: 9, record: '', column: 1 },
      says: 'the line is blank',
    },
    {
      name: 'a carriage return inside a value',
      text: () => withLine(4, LINES[3]?.replace('UNIVERSIDAD', 'UNIVER\rSIDAD') ?? ''),
      code: 'LAYOUT_VALUE_UNREPRESENTABLE',
      location: { line: 4, record: '03', field: 'nombre', column: 23 },
      says: 'carriage return',
    },
  ])('$name', ({ text, code, location, says }) => {
    const issues = parseLayout(tralix40, text()).issues;
    const found = only(issues, code);
    expect(found.length).toBeGreaterThanOrEqual(1);
    expect(found[0]?.location).toEqual(location);
    expect(found[0]?.severity).toBe('error');
    expect(found[0]?.message).toContain(says);
    expect(found[0]?.message).toMatch(new RegExp(`^line ${location.line}, record `));
  });

  it('names invalid UTF-8 bytes by line', () => {
    const bytes = new TextEncoder().encode(GOOD);
    const broken = new Uint8Array([...bytes.slice(0, 30), 0xff, ...bytes.slice(31)]);
    const issues = parseRecords(tralix40, broken).issues;
    expect(only(issues, 'LAYOUT_ENCODING')[0]?.location?.line).toBe(2);
  });

  it('names an invalid escape sequence by column', () => {
    const escaped: LayoutDefinition = {
      ...tralix40,
      id: 'escaped',
      escaping: { policy: 'escape', char: '\\' },
    };
    const issues = parseRecords(
      escaped,
      withLine(4, '03|URE180429TM6|UNIVERSIDAD \\x ROBOTICA|65000|||601|G03|'),
    ).issues;
    expect(only(issues, 'LAYOUT_ESCAPE_INVALID')[0]).toMatchObject({
      location: { line: 4, record: '03', column: 29 },
      message: expect.stringContaining('"\\\\x" is not an escape sequence'),
    });
  });

  it('accepts CRLF text with a warning and keeps reading it', () => {
    const parsed = parseLayout(tralix40, `${LINES.join('\r\n')}\r\n`);
    expect(parsed.issues.map((i) => [i.code, i.severity])).toEqual([['LAYOUT_LINE_ENDING', 'warning']]);
    expect(parsed.comprobante).toEqual(sampleComprobante());
    expect(parsed.lineEnding).toBe('\r\n');
    expect(parsed.finalLineEnding).toBe(true);
  });

  it('reports a header with a prefix the layout does not write', () => {
    const issues = parseRecords(tralix40, withLine(1, '|00|CFD33BASE|QA|4.0|')).issues;
    expect(only(issues, 'LAYOUT_RECORD_UNKNOWN')[0]?.location?.line).toBe(1);
    const legacy = parseRecords(LAYOUTS['tralix-legacy'], '00|idcfd|FAC|\n99|2||').issues;
    expect(only(legacy, 'LAYOUT_RECORD_UNKNOWN')[0]?.message).toContain('must start with "|00"');
  });

  it('locates model paths at their line, record, field and column', () => {
    const parsed = parseLayout(tralix40, GOOD);
    expect(parsed.locate(['conceptos', 0, 'importe'])).toEqual({
      line: 6,
      record: '05',
      field: 'importe',
      column: 39,
    });
    expect(parsed.locate('conceptos.0.impuestos.traslados.0.importe')).toEqual({
      line: 7,
      record: '06',
      field: 'importe',
      column: 30,
    });
    expect(parsed.locate('complemento.0.impuestosLocales.trasladosLocales.0')).toEqual({
      line: 11,
      record: '22',
      column: 1,
    });
    expect(parsed.locate(['receptor', 'rfc'])).toEqual({ line: 4, record: '03', field: 'rfc', column: 4 });
    expect(parsed.locate(['formaPago'])).toEqual({ line: 3, record: '02', field: 'formaPago', column: 4 });
    // A path the text never wrote is located at its nearest written node.
    expect(parsed.locate(['conceptos', 0, 'descuento'])).toEqual({
      line: 6,
      record: '05',
      field: 'descuento',
      column: 47,
    });
    expect(parsed.locate(['conceptos', 0, 'cuentaPredial', 0])).toEqual({ line: 6, record: '05', column: 1 });
  });

  it('reports SAT rules against the line and field that wrote the value', () => {
    const broken = withLine(6, '05|90111800||2|E48||Hospedaje|2000.00|2000.00||02|');
    const issues = validateLayoutText(tralix40, broken);
    const rule = issues.find((i) => i.code === 'CFDI40167');
    expect(rule?.location).toEqual({ line: 6, record: '05', field: 'importe', column: 39 });
    expect(rule?.path).toEqual(['conceptos', 0, 'importe']);
    expect(rule?.message).toMatch(/^line 6, record 05 \(concepto\), field importe, column 39: /);
  });
});
