import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompiledLayout,
  type CompiledRecord,
  compileLayout,
  LAYOUTS,
  type LayoutDefinition,
  parseLayout,
  parseRecords,
  type RecordInput,
  renderLayout,
  renderRecords,
} from '../../src/layouts/index.js';
import type { Comprobante } from '../../src/model/comprobante.js';

/*
 * Render → parse → render is the identity (STYLE 22): for random comprobantes in tralix-40, and at
 * record level for random record sets of every layout, with random Unicode text that includes the
 * separators, line breaks, the escape character and emoji.
 */

const HOSTILE_UNIT = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.constantFrom('|', ';', '\n', '\r', '\\', '\t', ' ', '🧾', 'ñ', '\u2028', '\u0000'),
  },
  { weight: 60, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

const text = (maxLength = 30) => fc.string({ unit: HOSTILE_UNIT, minLength: 1, maxLength });
const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
const amount = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.option(digits(1, 6), { nil: undefined }))
  .map(([int, frac]) => (frac === undefined ? String(int) : `${int}.${frac}`));
const code = fc.stringMatching(/^[A-Z0-9]{1,5}$/);
const fecha = fc
  .date({ min: new Date('2017-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 19));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Drops undefined properties so a generated object equals its parsed form. */
function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out as T;
  }
  return value;
}

const traslado = fc.record({
  base: amount,
  impuesto: code,
  tipoFactor: code,
  tasaOCuota: optional(amount),
  importe: optional(amount),
});
const retencion = fc.record({
  base: amount,
  impuesto: code,
  tipoFactor: code,
  tasaOCuota: amount,
  importe: amount,
});
const aduana = fc.record({ numeroPedimento: text(21) });
const concepto = fc.record({
  claveProdServ: code,
  noIdentificacion: optional(text(100)),
  cantidad: amount,
  claveUnidad: code,
  unidad: optional(text(20)),
  descripcion: text(200),
  valorUnitario: amount,
  importe: amount,
  descuento: optional(amount),
  objetoImp: code,
  // A concept's Impuestos node has no record of its own: it exists through its 06 and 07 lines.
  impuestos: optional(
    fc
      .record({
        traslados: optional(fc.array(traslado, { minLength: 1, maxLength: 2 })),
        retenciones: optional(fc.array(retencion, { minLength: 1, maxLength: 2 })),
      })
      .filter((i) => i.traslados !== undefined || i.retenciones !== undefined),
  ),
  aCuentaTerceros: optional(
    fc.record({
      rfcACuentaTerceros: text(13),
      nombreACuentaTerceros: text(),
      regimenFiscalACuentaTerceros: code,
      domicilioFiscalACuentaTerceros: code,
    }),
  ),
  informacionAduanera: optional(fc.array(aduana, { minLength: 1, maxLength: 2 })),
  cuentaPredial: optional(fc.array(fc.record({ numero: text() }), { minLength: 1, maxLength: 2 })),
  parte: optional(
    fc.array(
      fc.record({
        claveProdServ: code,
        noIdentificacion: optional(text()),
        cantidad: amount,
        unidad: optional(text(20)),
        descripcion: text(),
        valorUnitario: optional(amount),
        importe: optional(amount),
        informacionAduanera: optional(fc.array(aduana, { minLength: 1, maxLength: 2 })),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  ),
});

/** Random complete comprobantes within tralix-40's field types, with hostile text everywhere text goes. */
const comprobante: fc.Arbitrary<Comprobante> = fc
  .record({
    version: fc.constant('4.0' as const),
    serie: optional(text(25)),
    folio: optional(text(40)),
    fecha,
    formaPago: optional(code),
    noCertificado: optional(digits(20, 20)),
    condicionesDePago: optional(text(100)),
    subTotal: amount,
    descuento: optional(amount),
    moneda: fc.constantFrom('MXN', 'USD', 'EUR', 'JPY', 'CLF'),
    tipoCambio: optional(amount),
    total: amount,
    tipoDeComprobante: fc.constantFrom('I', 'E', 'T', 'N', 'P'),
    exportacion: code,
    metodoPago: optional(code),
    lugarExpedicion: digits(5, 5),
    confirmacion: optional(text(5)),
    informacionGlobal: optional(fc.record({ periodicidad: code, meses: code, año: digits(4, 4) })),
    cfdiRelacionados: optional(
      fc.array(
        fc.record({
          tipoRelacion: code,
          cfdiRelacionado: fc.array(fc.record({ uUID: fc.uuid() }), { minLength: 1, maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    ),
    emisor: fc.record({
      rfc: text(13),
      nombre: text(),
      regimenFiscal: code,
      facAtrAdquirente: optional(digits(10, 10)),
    }),
    receptor: fc.record({
      rfc: text(13),
      nombre: text(),
      domicilioFiscalReceptor: digits(5, 5),
      residenciaFiscal: optional(code),
      numRegIdTrib: optional(text(40)),
      regimenFiscalReceptor: code,
      usoCFDI: code,
    }),
    conceptos: fc.array(concepto, { minLength: 1, maxLength: 3 }),
    impuestos: optional(
      fc.record({
        totalImpuestosRetenidos: optional(amount),
        totalImpuestosTrasladados: optional(amount),
        retenciones: optional(
          fc.array(fc.record({ impuesto: code, importe: amount }), { minLength: 1, maxLength: 2 }),
        ),
        traslados: optional(fc.array(traslado, { minLength: 1, maxLength: 2 })),
      }),
    ),
    complemento: optional(
      fc
        .record({
          version: fc.constant('1.0' as const),
          totaldeRetenciones: amount,
          totaldeTraslados: amount,
          retencionesLocales: optional(
            fc.array(fc.record({ impLocRetenido: text(), tasadeRetencion: amount, importe: amount }), {
              minLength: 1,
              maxLength: 2,
            }),
          ),
          trasladosLocales: optional(
            fc.array(fc.record({ impLocTrasladado: text(), tasadeTraslado: amount, importe: amount }), {
              minLength: 1,
              maxLength: 2,
            }),
          ),
        })
        .map((impuestosLocales) => [{ impuestosLocales }]),
    ),
  })
  .map((c) => clean(c) as Comprobante);

const tralix40 = LAYOUTS['tralix-40'];
const tralix40Escaped: LayoutDefinition = {
  ...tralix40,
  id: 'tralix-40-escaped',
  escaping: { policy: 'escape', char: '\\' },
};

describe('render → parse → render is the identity for random documents', () => {
  it('tralix-40 with an escape character keeps every value', () => {
    fc.assert(
      fc.property(comprobante, (c) => {
        const rendered = renderLayout(tralix40Escaped, c);
        expect(rendered.issues).toEqual([]);
        const parsed = parseLayout(tralix40Escaped, rendered.text);
        expect(parsed.issues).toEqual([]);
        expect(parsed.comprobante).toEqual(c);
        expect(renderLayout(tralix40Escaped, parsed.comprobante as Comprobante).text).toBe(rendered.text);
      }),
      { numRuns: 300 },
    );
  });

  it('tralix-40 (reject) either keeps every value or refuses each value it cannot hold, by path', () => {
    let kept = 0;
    let refused = 0;
    fc.assert(
      fc.property(comprobante, fc.boolean(), (c, ticket) => {
        const options = ticket ? { variant: 'ticket' } : {};
        const rendered = renderLayout(tralix40, c, options);
        const errors = rendered.issues.filter((i) => i.severity === 'error');
        if (errors.length > 0) {
          refused++;
          expect(rendered.text).toBe('');
          for (const issue of errors) {
            expect(issue.code).toBe('LAYOUT_VALUE_UNREPRESENTABLE');
            let value: unknown = c;
            for (const segment of issue.path) value = (value as Record<string | number, unknown>)[segment];
            expect(typeof value === 'string' && /[|\n\r]/.test(value)).toBe(true);
          }
          return;
        }
        kept++;
        expect(rendered.issues).toEqual([]);
        const parsed = parseLayout(tralix40, rendered.text, options);
        const { receptor: _receptor, ...withoutReceptor } = c;
        if (ticket) expect(parsed.draft).toEqual(withoutReceptor);
        else expect(parsed.comprobante).toEqual(c);
        const again = renderLayout(tralix40, parsed.draft as unknown as Comprobante, options);
        expect(again.text).toBe(rendered.text);
      }),
      { numRuns: 300 },
    );
    expect(kept).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

/** Random values of one field's type, within its length and value map. */
function fieldValue(layout: CompiledLayout, record: CompiledRecord, index: number): fc.Arbitrary<string> {
  const field = record.fields[index];
  const definition = layout.definition.records[record.index]?.fields[index];
  if (field === undefined || definition === undefined) return fc.constant('');
  let arb: fc.Arbitrary<string>;
  if (definition.valueMap !== undefined) arb = fc.constantFrom(...Object.keys(definition.valueMap));
  else if (field.type === 'decimal') {
    arb = fc
      .tuple(digits(1, 10), optional(digits(1, definition.decimals ?? 6)))
      .map(([i, f]) => (f === undefined || definition.decimals === 0 ? i : `${i}.${f}`));
  } else if (field.type === 'integer') arb = digits(1, 6);
  else if (field.type === 'date')
    arb = fecha.map((f) =>
      definition.format === 'compact' ? f.slice(0, 10).replaceAll('-', '') : f.slice(0, 10),
    );
  else if (field.type === 'datetime')
    arb = fecha.map((f) =>
      definition.format === 'compact' ? f.slice(0, 10).replaceAll('-', '') + f.slice(10) : f,
    );
  else if (definition.catalog === 'c_Moneda') arb = fc.constantFrom('MXN', 'USD', 'EUR', 'JPY', 'CLF');
  else if (field.type === 'catalog') arb = code;
  else {
    const reject = layout.definition.escaping.policy === 'reject';
    const max = Math.min(definition.maxLength ?? 40, 40);
    arb = text(max).filter((v) => !reject || !(v.includes(layout.definition.separator) || /[\n\r]/.test(v)));
  }
  return field.required ? arb : fc.oneof(fc.constant(''), arb);
}

/** A random, structurally valid record set of any layout: cardinalities respected, children after parents, links resolved. */
function recordSet(layout: CompiledLayout): fc.Arbitrary<RecordInput[]> {
  const lineOf = (record: CompiledRecord): fc.Arbitrary<Record<string, string | undefined>> =>
    fc.tuple(...record.fields.map((_, i) => fieldValue(layout, record, i))).map((values) => {
      const fields: Record<string, string | undefined> = {};
      record.fields.forEach((f, i) => {
        // Computed fields are left to the engine; link keys are filled below.
        fields[f.name] = f.computed !== undefined ? undefined : values[i];
      });
      return fields;
    });
  const many = (record: CompiledRecord): fc.Arbitrary<RecordInput[]> => {
    const count = fc.integer({ min: record.min, max: Math.min(record.max, record.min + 2) });
    const block = fc
      .tuple(lineOf(record), ...record.children.map(many))
      .map(([fields, ...children]) => [{ id: record.id, fields }, ...children.flat()]);
    return count.chain((n) => fc.array(block, { minLength: n, maxLength: n })).map((blocks) => blocks.flat());
  };
  const sections = layout.records.filter((r) => r.parent === undefined || r.link !== undefined);
  return fc.tuple(...sections.map(many)).map((parts) => {
    const lines = parts.flat();
    // Link keys: every parent line gets a unique key, and each linked line points to one of them.
    let key = 0;
    const keys = new Map<string, string[]>();
    for (const line of lines) {
      const record = layout.recordById.get(line.id);
      for (const child of record?.linkedChildren ?? []) {
        const name = child.link?.parentField.name;
        if (name === undefined) continue;
        const value = `K${++key}`;
        (line.fields as Record<string, string>)[name] = value;
        keys.set(child.id, [...(keys.get(child.id) ?? []), value]);
      }
    }
    return lines.flatMap((line, i) => {
      const record = layout.recordById.get(line.id);
      const link = record?.link;
      if (link === undefined) return [line];
      const candidates = keys.get(line.id) ?? [];
      const chosen = candidates[i % Math.max(candidates.length, 1)];
      if (chosen === undefined) return [];
      return [{ id: line.id, fields: { ...line.fields, [link.field.name]: chosen } }];
    });
  });
}

const mini: LayoutDefinition = {
  id: 'mini-escaped',
  version: '1',
  description: 'escape policy, semicolons, CRLF, final line ending',
  separator: ';',
  lineEnding: '\r\n',
  finalLineEnding: true,
  escaping: { policy: 'escape', char: '\\' },
  records: [
    {
      id: 'H',
      name: 'header',
      cardinality: '1',
      position: 'first',
      fields: [{ name: 'a' }, { name: 'b', type: 'date', format: 'compact' }],
    },
    {
      id: 'D',
      name: 'detail',
      cardinality: '1..n',
      fields: [
        { name: 'text', required: true },
        { name: 'n', type: 'decimal', decimals: 2 },
      ],
    },
    {
      id: 'T',
      name: 'trailer',
      cardinality: '1',
      position: 'last',
      fields: [
        { name: 'lines', type: 'integer', computed: { kind: 'lineCount' } },
        { name: 'details', type: 'integer', computed: { kind: 'recordCount', record: 'D' } },
        { name: 'sum', type: 'decimal', decimals: 2, computed: { kind: 'sum', record: 'D', field: 'n' } },
      ],
    },
  ],
};

describe('record level: renderRecords → parseRecords → renderRecords is the identity for every layout', () => {
  it.each([
    ['tralix-legacy', LAYOUTS['tralix-legacy']],
    ['tralix-40', LAYOUTS['tralix-40']],
    ['mini-escaped', mini],
  ] as const)('%s', (_name, definition) => {
    const layout = compileLayout(definition);
    fc.assert(
      fc.property(recordSet(layout), (records) => {
        const rendered = renderRecords(layout, records);
        expect(rendered.issues).toEqual([]);
        const parsed = parseRecords(layout, rendered.text);
        expect(parsed.issues).toEqual([]);
        expect(parsed.records.map((r) => r.id)).toEqual(records.map((r) => r.id));
        parsed.records.forEach((r, i) => {
          for (const [name, value] of Object.entries(records[i]?.fields ?? {})) {
            if (value !== undefined) expect(r.fields[name]).toBe(value);
          }
        });
        expect(renderRecords(layout, parsed.records).text).toBe(rendered.text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('escaping round-trips any Unicode', () => {
  const dense = fc.oneof(
    fc.constantFrom(';', '\\', '\n', '\r', '\r\n', '\\n', '\\;', '🧾', '\u2028', '\t', ' '),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  it('keeps any text in any field, separators, escape characters and line breaks included', () => {
    const layout = compileLayout(mini);
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: dense, minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 5 }),
        fc.string({ unit: dense }),
        (texts, a) => {
          const records: RecordInput[] = [
            { id: 'H', fields: { a } },
            ...texts.map((t) => ({ id: 'D', fields: { text: t } })),
            { id: 'T', fields: {} },
          ];
          const rendered = renderRecords(layout, records);
          expect(rendered.issues).toEqual([]);
          const parsed = parseRecords(layout, rendered.text);
          expect(parsed.issues).toEqual([]);
          expect(parsed.records[0]?.fields.a).toBe(a);
          expect(parsed.records.slice(1, -1).map((r) => r.fields.text)).toEqual(texts);
          expect(renderRecords(layout, parsed.records).text).toBe(rendered.text);
        },
      ),
      { numRuns: 500 },
    );
  });
});
