import { z } from 'zod';
import { layoutDefinitionJsonSchema, layoutRecordLineJsonSchema } from '../src/layouts/index.js';
import { ComprobanteInputSchema, ComprobanteSchema } from '../src/model/comprobante.js';
import { salesConfigJsonSchema } from '../src/sales/config.js';
import { CliOutputSchema } from './output-schema.js';

/**
 * The JSON Schemas the project publishes in `schemas/`, generated from the zod schemas that are
 * the single source of truth. `cfdi-layout schema --write schemas` regenerates them; a test fails
 * when the committed files are stale.
 */
export const SCHEMAS: Readonly<Record<string, () => unknown>> = {
  comprobante: () => z.toJSONSchema(ComprobanteSchema, { io: 'output' }),
  'comprobante-input': () => z.toJSONSchema(ComprobanteInputSchema, { io: 'input', unrepresentable: 'any' }),
  layout: () => layoutDefinitionJsonSchema(),
  'layout-records': () => layoutRecordLineJsonSchema(),
  config: () => salesConfigJsonSchema(),
  'cli-output': () => z.toJSONSchema(CliOutputSchema, { io: 'output' }),
};

/** The text of a schema file: pretty JSON with a final newline. */
export function schemaText(name: string): string {
  const build = SCHEMAS[name];
  if (build === undefined) throw new Error(`unknown schema ${name}`);
  return `${JSON.stringify(build(), null, 2)}\n`;
}
