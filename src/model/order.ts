import { z } from 'zod';
import { type Comprobante, ComprobanteSchema } from './comprobante.js';

/**
 * Rebuilds a value with its object keys in the order the zod schema declares them, which is the
 * order of cfdv40.xsd: what people read in JSON follows what they know from the XML. Keys the
 * schema does not declare (inside carried XML elements) keep their order.
 */
function ordered(value: unknown, schema: z.ZodType): unknown {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) {
    return ordered(value, schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((item) => ordered(item, schema.element as z.ZodType));
  }
  if (schema instanceof z.ZodUnion && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    // A complemento item: the option whose single key the value has.
    const keys = Object.keys(value);
    for (const option of schema.options as z.ZodType[]) {
      if (option instanceof z.ZodObject && keys.every((k) => k in option.shape))
        return ordered(value, option);
    }
    return value;
  }
  if (schema instanceof z.ZodObject && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const shape = schema.shape as Record<string, z.ZodType>;
    for (const key of Object.keys(shape)) {
      if (source[key] !== undefined) out[key] = ordered(source[key], shape[key] as z.ZodType);
    }
    for (const key of Object.keys(source))
      if (!(key in out) && source[key] !== undefined) out[key] = source[key];
    return out;
  }
  return value;
}

/** The comprobante with every node's fields in cfdv40.xsd order, for printing as JSON. */
export function inSchemaOrder(c: Comprobante): Comprobante {
  return ordered(c, ComprobanteSchema) as Comprobante;
}
