import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CfdiLayoutError, isCfdiLayoutError } from '../../src/errors.js';
import {
  compileLayout,
  LAYOUTS,
  LayoutDefinitionSchema,
  layoutById,
  layoutDefinitionJsonSchema,
  loadLayoutDefinition,
  parseLayout,
  parseRecords,
  renderRecords,
} from '../../src/layouts/index.js';

const ROOT = join(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'samples/layouts');

function definitionError(json: unknown): CfdiLayoutError {
  try {
    loadLayoutDefinition(json);
  } catch (err) {
    if (isCfdiLayoutError(err)) return err;
    throw err;
  }
  throw new Error('the definition was accepted');
}

const MINIMAL = {
  id: 'x',
  version: '1',
  description: 'test',
  records: [
    { id: 'A', name: 'a', path: '', cardinality: '1', fields: [{ name: 'folio', path: 'folio' }] },
    {
      id: 'B',
      name: 'b',
      path: 'conceptos[]',
      cardinality: '0..n',
      fields: [{ name: 'importe', path: 'importe' }],
    },
  ],
};

function minimalWith(change: (d: typeof MINIMAL & Record<string, unknown>) => void): unknown {
  const copy = structuredClone(MINIMAL) as typeof MINIMAL & Record<string, unknown>;
  change(copy);
  return copy;
}

describe('layout definitions', () => {
  it.each(Object.entries(LAYOUTS))(
    'built-in %s is valid and is the file under schemas/layouts',
    (id, definition) => {
      expect(loadLayoutDefinition(definition).id).toBe(id);
      expect(compileLayout(definition).id).toBe(id);
      const onDisk: unknown = JSON.parse(readFileSync(join(ROOT, 'schemas/layouts', `${id}.json`), 'utf8'));
      expect(onDisk).toEqual(definition);
    },
  );

  it('lists built-ins by id without compiling anything', () => {
    expect(Object.keys(LAYOUTS).sort()).toEqual(['tralix-40', 'tralix-legacy']);
    expect(layoutById('tralix-40')).toBe(LAYOUTS['tralix-40']);
    const error = (() => {
      try {
        layoutById('tralix-99');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(isCfdiLayoutError(error, 'LAYOUT_UNKNOWN')).toBe(true);
    expect((error as Error).message).toContain('tralix-40, tralix-legacy');
  });

  it('generates a JSON Schema editors can complete', () => {
    const schema = layoutDefinitionJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['id', 'version', 'description', 'records']);
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining([
        'separator',
        'lineEnding',
        'encoding',
        'escaping',
        'parameters',
        'variants',
        'omit',
        'records',
      ]),
    );
    expect(properties.lineEnding?.enum).toEqual(['\n', '\r\n']);
    expect(JSON.stringify(schema)).toContain('importeConLetra');
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it.each([
    {
      name: 'a model path the CFDI model lacks',
      json: minimalWith((d) => {
        (d.records[1] as { fields: Array<{ path: string }> }).fields[0] = {
          name: 'importe',
          path: 'importeTotal',
        } as never;
      }),
      path: ['records', 1, 'fields', 0, 'path'],
      says: 'the CFDI model has no "importeTotal"',
    },
    {
      name: 'an array path written without []',
      json: minimalWith((d) => {
        (d.records[1] as { path: string }).path = 'conceptos';
      }),
      path: ['records', 1, 'path'],
      says: 'write conceptos[]',
    },
    {
      name: 'a field mapped to a node',
      json: minimalWith((d) => {
        (d.records[0] as { fields: unknown[] }).fields.push({ name: 'e', path: 'emisor' });
      }),
      path: ['records', 0, 'fields', 1, 'path'],
      says: 'is a model node, not a value',
    },
    {
      name: 'a record id declared twice',
      json: minimalWith((d) => {
        (d.records[1] as { id: string }).id = 'A';
      }),
      path: ['records', 1, 'id'],
      says: 'declared twice',
    },
    {
      name: 'a parent that is not declared before',
      json: minimalWith((d) => {
        (d.records[1] as Record<string, unknown>).parent = 'Z';
      }),
      path: ['records', 1, 'parent'],
      says: 'must be a record declared before this one',
    },
    {
      name: 'a parameter that is not declared',
      json: minimalWith((d) => {
        (d.records[0] as { fields: unknown[] }).fields.push({ name: 'c', parameter: 'connector' });
      }),
      path: ['records', 0, 'fields', 1, 'parameter'],
      says: 'is not declared under parameters',
    },
    {
      name: 'several cardinality lines for one object',
      json: minimalWith((d) => {
        (d.records[0] as { cardinality: string }).cardinality = '0..n';
      }),
      path: ['records', 0, 'cardinality'],
      says: 'cardinality must be 1 or 0..1',
    },
    {
      name: 'an escape character equal to the separator',
      json: minimalWith((d) => {
        d.escaping = { policy: 'escape', char: '|' };
      }),
      path: ['escaping', 'char'],
      says: 'cannot be the separator',
    },
    {
      name: 'an unknown key (a typo)',
      json: minimalWith((d) => {
        d.seperator = ';';
      }),
      path: [],
      says: 'seperator',
    },
    {
      name: 'a bad line ending',
      json: minimalWith((d) => {
        d.lineEnding = 'CRLF';
      }),
      path: ['lineEnding'],
      says: 'lineEnding',
    },
    {
      name: 'a default its own type refuses',
      json: minimalWith((d) => {
        (d.records[1] as { fields: unknown[] }).fields[0] = {
          name: 'importe',
          type: 'decimal',
          default: 'abc',
          path: 'importe',
        };
      }),
      path: ['records', 1, 'fields', 0, 'default'],
      says: 'expected a non-negative decimal',
    },
  ])('refuses $name with LAYOUT_DEFINITION_INVALID and its path', ({ json, path, says }) => {
    const error = definitionError(json);
    expect(error.code).toBe('LAYOUT_DEFINITION_INVALID');
    expect(error.location?.path).toEqual(path);
    expect(error.message).toContain(says);
  });

  it('accepts the minimal definition and fills the defaults', () => {
    const loaded = LayoutDefinitionSchema.parse(MINIMAL);
    expect(loaded).toMatchObject({
      separator: '|',
      lineEnding: '\n',
      encoding: 'utf-8',
      escaping: { policy: 'reject' },
    });
    expect(loadLayoutDefinition(MINIMAL)).toEqual(loaded);
  });
});

describe('a user-defined layout from a file (samples/layouts/mini)', () => {
  const layout = loadLayoutDefinition(JSON.parse(readFileSync(join(SAMPLES, 'mini.layout.json'), 'utf8')));
  const text = readFileSync(join(SAMPLES, 'mini.txt'), 'utf8');

  it('parses the sample text at record level and renders back the same bytes', () => {
    const { records, issues, finalLineEnding } = parseRecords(layout, text);
    expect(issues).toEqual([]);
    expect(finalLineEnding).toBe(true);
    expect(records.map((r) => r.id)).toEqual(['H', 'D', 'D', 'T']);
    expect(records[1]?.fields).toEqual({
      cantidad: '2',
      descripcion: 'Café de olla; 1 kg',
      valorUnitario: '500.00',
      importe: '1000.00',
      nota: 'sin azúcar, molido',
    });
    expect(records[3]?.fields).toEqual({ lineas: '4', sumaImportes: '1160.00' });
    expect(renderRecords(layout, records).text).toBe(text);
  });

  it('computes the trailer when the records leave it out', () => {
    const { records } = parseRecords(layout, text);
    const edited = records.map((r) => (r.id === 'T' ? { id: 'T', fields: {} } : r));
    edited.splice(2, 0, {
      id: 'D',
      fields: { cantidad: '1', descripcion: 'Propina', valorUnitario: '40', importe: '40.00' },
    });
    const rendered = renderRecords(layout, edited);
    expect(rendered.issues).toEqual([]);
    expect(rendered.text.trimEnd().split('\n').at(-1)).toBe('T;5;1200.00;');
  });

  it('reads the sample into the model, as far as a three-record layout goes', () => {
    const parsed = parseLayout(layout, text);
    expect(parsed.draft).toEqual({
      version: '4.0',
      folio: 'A-1024',
      fecha: '2024-05-01T10:30:00',
      moneda: 'MXN',
      total: '1160.00',
      conceptos: [
        { cantidad: '2', descripcion: 'Café de olla; 1 kg', valorUnitario: '500.00', importe: '1000.00' },
        { cantidad: '1', descripcion: 'Envío', valorUnitario: '160.00', importe: '160.00' },
      ],
    });
    expect(parsed.comprobante).toBeUndefined();
    expect(parsed.locate('conceptos.0.importe')).toEqual({
      line: 2,
      record: 'D',
      field: 'importe',
      column: 32,
    });
    // What the layout does not carry is named once per field; emisor and receptor are declared omissions.
    const incomplete = parsed.issues.filter((i) => i.code === 'LAYOUT_MODEL_INCOMPLETE');
    expect(incomplete.filter((i) => i.severity === 'warning').map((i) => i.path.join('.'))).toEqual([
      'emisor',
      'receptor',
    ]);
    expect(incomplete.map((i) => i.path.join('.'))).toContain('conceptos.0.claveProdServ');
  });

  it('reports a broken value by line, record, field and column', () => {
    const issues = parseRecords(layout, text.replace('1000.00', '10x0.00')).issues;
    // Only the broken value: a sum over a summand that is not a number states no expected total.
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'LAYOUT_FIELD_TYPE',
      location: { line: 2, record: 'D', field: 'importe', column: 32 },
      message: expect.stringMatching(
        /^line 2, record D \(detail\), field importe, column 32: "10x0.00": expected a non-negative decimal/,
      ),
    });
  });

  it('reports a trailer sum that disagrees with the lines, written with the field decimals', () => {
    const issues = parseRecords(layout, text.replace('T;4;1160.00;', 'T;4;1160.01;')).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'LAYOUT_COMPUTED_MISMATCH',
      location: { line: 4, field: 'sumaImportes' },
      message: expect.stringContaining('the text gives "1160.01" but the sum of the text is "1160.00"'),
    });
  });

  it('is the definition the README shows, and the README text is the sample text', () => {
    const readme = readFileSync(join(SAMPLES, 'README.md'), 'utf8');
    const textBlock = /```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(textBlock).toBe(text);
    expect(readme).toContain(
      "loadLayoutDefinition(JSON.parse(readFileSync('samples/layouts/mini.layout.json', 'utf8')))",
    );
    expect(readme).toContain("{ line: 2, record: 'D', field: 'importe', column: 32 }");
  });
});
