import { describe, expect, it } from 'vitest';
import { LAYOUTS, type LayoutDefinition, parseLayout, renderLayout } from '../../src/layouts/index.js';
import type { Comprobante } from '../../src/model/comprobante.js';
import { sampleComprobante } from './comprobante-fixture.js';

const reject = LAYOUTS['tralix-40'];
/** tralix-40 with a backslash escape instead of refusing separators and line breaks. */
const escaped: LayoutDefinition = {
  ...reject,
  id: 'tralix-40-escaped',
  escaping: { policy: 'escape', char: '\\' },
};
/** tralix-40 written in ISO-8859-1. */
const latin1: LayoutDefinition = { ...reject, id: 'tralix-40-latin1', encoding: 'latin1' };

type Where = 'descripcion' | 'nombre';

function withValue(where: Where, value: string): Comprobante {
  const c = sampleComprobante();
  if (where === 'descripcion') (c.conceptos[0] as { descripcion: string }).descripcion = value;
  else c.receptor.nombre = value;
  return c;
}

function valueAt(c: Comprobante, where: Where): string | undefined {
  return where === 'descripcion' ? c.conceptos[0]?.descripcion : c.receptor.nombre;
}

const PATHS: Record<Where, Array<string | number>> = {
  descripcion: ['conceptos', 0, 'descripcion'],
  nombre: ['receptor', 'nombre'],
};

const EMOJI = '🧾';

/** Each hostile value, where it goes, and what each layout does: keep it exactly, or refuse it with a code. */
const CASES: ReadonlyArray<{
  name: string;
  where: Where;
  value: string;
  reject: 'keep' | string;
  escaped: 'keep' | string;
  latin1: 'keep' | string;
}> = [
  {
    name: 'a pipe',
    where: 'descripcion',
    value: 'A|B',
    reject: 'LAYOUT_VALUE_UNREPRESENTABLE',
    escaped: 'keep',
    latin1: 'LAYOUT_VALUE_UNREPRESENTABLE',
  },
  {
    name: 'a line break',
    where: 'descripcion',
    value: 'line 1\nline 2',
    reject: 'LAYOUT_VALUE_UNREPRESENTABLE',
    escaped: 'keep',
    latin1: 'LAYOUT_VALUE_UNREPRESENTABLE',
  },
  {
    name: 'a CR LF',
    where: 'nombre',
    value: 'A\r\nB',
    reject: 'LAYOUT_VALUE_UNREPRESENTABLE',
    escaped: 'keep',
    latin1: 'LAYOUT_VALUE_UNREPRESENTABLE',
  },
  { name: 'a tab', where: 'descripcion', value: 'A\tB', reject: 'keep', escaped: 'keep', latin1: 'keep' },
  {
    name: 'a backslash',
    where: 'descripcion',
    value: 'C:\\ruta\\n no es salto\\',
    reject: 'keep',
    escaped: 'keep',
    latin1: 'keep',
  },
  {
    name: 'leading and trailing spaces',
    where: 'nombre',
    value: '  ACME  ',
    reject: 'keep',
    escaped: 'keep',
    latin1: 'keep',
  },
  {
    name: 'accents and ñ',
    where: 'nombre',
    value: 'ÑANDÚ CAFÉ',
    reject: 'keep',
    escaped: 'keep',
    latin1: 'keep',
  },
  {
    name: 'an emoji',
    where: 'descripcion',
    value: `Ticket ${EMOJI} 👨‍👩‍👧`,
    reject: 'keep',
    escaped: 'keep',
    latin1: 'LAYOUT_VALUE_UNREPRESENTABLE',
  },
  {
    name: '1,000 characters',
    where: 'descripcion',
    value: 'x'.repeat(1000),
    reject: 'keep',
    escaped: 'keep',
    latin1: 'keep',
  },
  {
    name: '1,000 emoji (2,000 UTF-16 units)',
    where: 'descripcion',
    value: EMOJI.repeat(1000),
    reject: 'keep',
    escaped: 'keep',
    latin1: 'LAYOUT_VALUE_UNREPRESENTABLE',
  },
  {
    name: '1,001 characters',
    where: 'descripcion',
    value: 'x'.repeat(1001),
    reject: 'LAYOUT_FIELD_LENGTH',
    escaped: 'LAYOUT_FIELD_LENGTH',
    latin1: 'LAYOUT_FIELD_LENGTH',
  },
  {
    name: '1,000 characters in a 300-character field',
    where: 'nombre',
    value: 'y'.repeat(1000),
    reject: 'LAYOUT_FIELD_LENGTH',
    escaped: 'LAYOUT_FIELD_LENGTH',
    latin1: 'LAYOUT_FIELD_LENGTH',
  },
  {
    name: 'an unpaired surrogate',
    where: 'descripcion',
    value: 'A\ud800B',
    reject: 'LAYOUT_VALUE_UNREPRESENTABLE',
    escaped: 'LAYOUT_VALUE_UNREPRESENTABLE',
    latin1: 'LAYOUT_VALUE_UNREPRESENTABLE',
  },
  {
    name: 'the escape sequence itself',
    where: 'descripcion',
    value: '\\|\\n\\\\',
    reject: 'LAYOUT_VALUE_UNREPRESENTABLE',
    escaped: 'keep',
    latin1: 'LAYOUT_VALUE_UNREPRESENTABLE',
  },
];

const LAYOUT_CASES = [
  ['reject', reject],
  ['escaped', escaped],
  ['latin1', latin1],
] as const;

describe('hostile values', () => {
  for (const [policy, layout] of LAYOUT_CASES) {
    it.each(CASES)(`${policy}: $name`, (hostile) => {
      const expected = hostile[policy];
      const original = withValue(hostile.where, hostile.value);
      const rendered = renderLayout(layout, original);
      if (expected === 'keep') {
        expect(rendered.issues).toEqual([]);
        const parsed = parseLayout(layout, rendered.text);
        expect(parsed.issues).toEqual([]);
        expect(
          parsed.comprobante === undefined ? undefined : valueAt(parsed.comprobante, hostile.where),
        ).toBe(hostile.value);
        expect(parsed.comprobante).toEqual(original);
        if (parsed.comprobante !== undefined)
          expect(renderLayout(layout, parsed.comprobante).text).toBe(rendered.text);
        return;
      }
      // Refused with a coded issue naming the model path and the field, and no text at all.
      expect(rendered.text).toBe('');
      expect(rendered.issues).toHaveLength(1);
      const [issue] = rendered.issues;
      expect(issue?.code).toBe(expected);
      expect(issue?.severity).toBe('error');
      expect(issue?.path).toEqual(PATHS[hostile.where]);
      expect(issue?.message).toContain(`field ${hostile.where}`);
    });
  }

  it('refuses a render parameter holding the separator, naming the header field', () => {
    const rendered = renderLayout(reject, sampleComprobante(), { parameters: { connector: 'A|B' } });
    expect(rendered.text).toBe('');
    expect(rendered.issues).toMatchObject([
      { code: 'LAYOUT_VALUE_UNREPRESENTABLE', path: ['parameters', 'connector'] },
    ]);
    expect(rendered.issues[0]?.message).toContain('field conector');
  });
});
