import { z } from 'zod';

/*
 * The JSON format of a layout definition. A definition is data (STYLE 13): a table of records and
 * fields that one engine renders and parses, the way sped-nfe keeps NF-e TXT layouts as versioned
 * JSON. This schema checks the shape; compileLayout checks what a shape cannot express (record ids
 * unique, parents declared, model paths that exist in the CFDI model) and reports both with a path
 * into the definition.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RECORD_ID = /^[A-Za-z0-9_-]+$/;
/**
 * A model path: dot-separated model names, `[]` after a name that is an array
 * (`impuestos.traslados[]`). Latin-1 letters are allowed because the model has `año`.
 */
const NAME = '[A-Za-z_\\u00C0-\\u00FF][A-Za-z0-9_\\u00C0-\\u00FF]*(?:\\[\\])?';
const MODEL_PATH = new RegExp(`^${NAME}(?:\\.${NAME})*$`);
const MODEL_PATH_OR_SELF = new RegExp(`^(?:${NAME}(?:\\.${NAME})*)?$`);
const CARDINALITY = /^(?:0|[1-9][0-9]*)(?:\.\.(?:[1-9][0-9]*|n))?$/;

/** What a computed field holds. */
export const ComputedSchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({ kind: z.literal('lineCount') })
      .describe('The number of lines of the text, this one included (the `99|15|` trailer of seed 002).'),
    z
      .strictObject({
        kind: z.literal('recordCount'),
        record: z.string().regex(RECORD_ID).describe('The record id whose lines are counted.'),
      })
      .describe('The number of lines of one record.'),
    z
      .strictObject({
        kind: z.literal('sum'),
        record: z.string().regex(RECORD_ID).describe('The record whose field is summed.'),
        field: z
          .string()
          .regex(IDENTIFIER)
          .describe('The decimal field summed over every line of that record.'),
      })
      .describe('The exact decimal sum of one field over every line of a record.'),
    z
      .strictObject({
        kind: z.literal('importeConLetra'),
        amountField: z
          .string()
          .regex(IDENTIFIER)
          .describe('The field of the same record holding the amount.'),
        currencyField: z
          .string()
          .regex(IDENTIFIER)
          .optional()
          .describe('The field of the same record holding the c_Moneda code. Defaults to MXN when absent.'),
      })
      .describe(
        'The amount of another field of the same line in Spanish words (`CIENTO VEINTITRÉS PESOS 45/100 M.N.`).',
      ),
  ])
  .describe('A value the engine computes instead of reading it from the model.');

/** A field of a record: one position between separators. */
export const FieldDefinitionSchema = z
  .strictObject({
    name: z.string().regex(IDENTIFIER).describe('Field name, unique within its record (`importe`).'),
    description: z.string().optional().describe('What the field holds, for people.'),
    type: z
      .enum(['text', 'decimal', 'integer', 'date', 'datetime', 'catalog'])
      .default('text')
      .describe(
        'Value type. text: any characters the escaping policy allows; decimal: digits with an optional fraction; integer: digits; date: YYYY-MM-DD (format iso) or YYYYMMDD (compact); datetime: YYYY-MM-DDTHH:MM:SS (iso) or YYYYMMDDTHH:MM:SS (compact); catalog: a SAT catalog code (letters and digits). Defaults to text.',
      ),
    decimals: z
      .int()
      .min(0)
      .max(12)
      .optional()
      .describe('decimal: the most fraction digits the value may be written with. Defaults to any.'),
    signed: z
      .boolean()
      .optional()
      .describe('decimal, integer: a leading minus sign is allowed. Defaults to false.'),
    format: z
      .enum(['iso', 'compact'])
      .optional()
      .describe('date, datetime: how the text writes it; the model always holds ISO. Defaults to iso.'),
    catalog: z
      .string()
      .optional()
      .describe('catalog: the SAT catalog the code comes from (c_Moneda), for people and editors.'),
    required: z.boolean().default(false).describe('The field may not be empty. Defaults to false.'),
    minLength: z.int().min(0).optional().describe('Fewest characters when not empty.'),
    maxLength: z.int().min(1).optional().describe('Most characters (Unicode code points).'),
    default: z
      .string()
      .optional()
      .describe('Value written when the model (or the record-level input) has none.'),
    valueMap: z
      .record(z.string(), z.string())
      .optional()
      .describe('Layout value → model value (`{"IVA": "002"}`); values outside the map are an issue.'),
    path: z
      .string()
      .regex(MODEL_PATH)
      .optional()
      .describe(
        'Model path the field maps to, relative to its record (`importe`, `impuestos.totalImpuestosTrasladados`).',
      ),
    parameter: z
      .string()
      .regex(IDENTIFIER)
      .optional()
      .describe('Render parameter the field takes its value from (declared under `parameters`).'),
    computed: ComputedSchema.optional(),
    verify: z
      .boolean()
      .optional()
      .describe(
        'computed: parsing reports a value that differs from the computed one. Defaults to true, except for importeConLetra, whose wording varies between systems.',
      ),
  })
  .describe('One field of a record.');

/** A record: one kind of line, told apart by its id. */
export const RecordDefinitionSchema = z
  .strictObject({
    id: z.string().regex(RECORD_ID).describe('Record id written at the start of the line (`05`).'),
    name: z.string().min(1).describe('Record name used in messages (`concepto`).'),
    description: z.string().optional().describe('What the record holds, for people.'),
    path: z
      .string()
      .regex(MODEL_PATH_OR_SELF)
      .optional()
      .describe(
        'Model node each line maps to, relative to the parent record\'s node (the comprobante for top-level records): "" is that node itself, `receptor` an object, `conceptos[]` one line per array item, `complemento[].impuestosLocales` the items holding that key. Omit for records kept only at record level.',
      ),
    parent: z
      .string()
      .regex(RECORD_ID)
      .optional()
      .describe(
        'Id of the record this one belongs to. Without `link`, the line belongs to the nearest parent line before it.',
      ),
    link: z
      .strictObject({
        field: z.string().regex(IDENTIFIER).describe('Field of this record holding the key.'),
        parentField: z.string().regex(IDENTIFIER).describe('Field of the parent record the key must equal.'),
      })
      .optional()
      .describe("Belongs to the parent line whose `parentField` equals this line's `field`, wherever it is."),
    cardinality: z
      .string()
      .regex(CARDINALITY)
      .default('0..1')
      .describe(
        'How many lines per parent (per text for top-level records): `1`, `0..1`, `0..n`, `1..n`, `2..5`. Defaults to 0..1.',
      ),
    position: z.enum(['first', 'last']).optional().describe('The record must be the first or the last line.'),
    prefix: z
      .string()
      .optional()
      .describe("Written before the record id. Defaults to the layout's recordPrefix."),
    suffix: z
      .string()
      .optional()
      .describe("Written after the last field. Defaults to the layout's recordSuffix."),
    fields: z.array(FieldDefinitionSchema).describe('Fields in the order they are written.'),
  })
  .describe('One kind of line.');

/** What the layout leaves out of the model on purpose, and why. */
export const OmissionSchema = z
  .strictObject({
    path: z
      .string()
      .regex(MODEL_PATH)
      .describe('Model path of what is left out (`sello`, `complemento[].xml`).'),
    namespace: z
      .string()
      .optional()
      .describe('Only carried XML elements of this namespace (`http://www.sat.gob.mx/TimbreFiscalDigital`).'),
    reason: z.string().min(1).describe('Why it is left out, shown in the issue.'),
    report: z
      .enum(['warning', 'none'])
      .default('warning')
      .describe(
        'warning: rendering reports the omission; none: only for values derived elsewhere. Defaults to warning.',
      ),
  })
  .describe('Model content the layout leaves out on purpose.');

/** The JSON format of a layout definition, validated before any text is rendered or parsed. */
export const LayoutDefinitionSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema of this file, for editors.'),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .describe('Layout id, kebab-case (`tralix-40`).'),
    version: z.string().min(1).describe('Version of this definition (`1.0.0`).'),
    description: z.string().min(1).describe('What the layout is for and where it comes from.'),
    separator: z
      .string()
      .length(1)
      .default('|')
      .refine((s) => s !== '\n' && s !== '\r', 'a line break cannot separate fields')
      .describe('Field separator, one character. Defaults to |.'),
    recordPrefix: z
      .string()
      .default('')
      .describe('Written before every record id unless the record says otherwise. Defaults to "".'),
    recordSuffix: z
      .string()
      .optional()
      .describe(
        'Written after every last field unless the record says otherwise. Defaults to the separator.',
      ),
    lineEnding: z
      .enum(['\n', '\r\n'])
      .default('\n')
      .describe('Line ending between records. Defaults to \\n.'),
    finalLineEnding: z
      .boolean()
      .default(false)
      .describe('The text ends with a line ending. Defaults to false.'),
    encoding: z
      .enum(['utf-8', 'latin1'])
      .default('utf-8')
      .describe(
        'Byte encoding of the text. latin1 (ISO-8859-1) refuses characters above U+00FF. Defaults to utf-8.',
      ),
    escaping: z
      .discriminatedUnion('policy', [
        z.strictObject({ policy: z.literal('reject') }),
        z.strictObject({
          policy: z.literal('escape'),
          char: z
            .string()
            .length(1)
            .refine((c) => c !== '\n' && c !== '\r', 'a line break cannot escape')
            .describe(
              'Escape character: written before a separator or itself, and as `<char>n` / `<char>r` for line breaks.',
            ),
        }),
      ])
      .default({ policy: 'reject' })
      .describe(
        'Values holding the separator or a line break: reject refuses them with an issue naming the field; escape writes them with the escape character. Defaults to reject.',
      ),
    parameters: z
      .record(
        z.string().regex(IDENTIFIER),
        z.strictObject({
          default: z.string().describe('Value used when the caller gives none.'),
          description: z.string().optional(),
        }),
      )
      .default({})
      .describe('Render parameters (connector, environment) that fields take with `parameter`.'),
    variants: z
      .record(
        z.string().regex(IDENTIFIER),
        z.strictObject({
          description: z.string().optional(),
          omitRecords: z
            .array(z.string().regex(RECORD_ID))
            .min(1)
            .describe('Records (and their children) left out.'),
        }),
      )
      .default({})
      .describe('Named variants of the layout (a ticket insumo is the invoice layout without a receptor).'),
    modelConstants: z
      .record(z.string().regex(MODEL_PATH), z.string())
      .default({})
      .describe('Model values the layout implies without writing them (`{"version": "4.0"}`).'),
    omit: z.array(OmissionSchema).default([]).describe('Model content the layout leaves out on purpose.'),
    records: z.array(RecordDefinitionSchema).min(1).describe('Records in the order they are rendered.'),
  })
  .describe('A pipe-delimited layout: records, fields, and the model paths they map to.');

/** A layout definition as written in JSON (defaults may be omitted). */
export type LayoutDefinition = z.input<typeof LayoutDefinitionSchema>;
/** A layout definition after validation, every default filled in. */
export type NormalizedLayoutDefinition = z.output<typeof LayoutDefinitionSchema>;
/** One record of a definition, as written in JSON. */
export type RecordDefinition = z.input<typeof RecordDefinitionSchema>;
/** One field of a definition, as written in JSON. */
export type FieldDefinition = z.input<typeof FieldDefinitionSchema>;
/** What a computed field holds. */
export type ComputedDefinition = z.infer<typeof ComputedSchema>;

/** The JSON Schema (draft 2020-12) of a layout definition, generated from the zod schema so editors autocomplete it. */
export function layoutDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(LayoutDefinitionSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
}
