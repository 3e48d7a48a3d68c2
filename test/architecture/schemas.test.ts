import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMAS, schemaText } from '../../cli/schemas.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('published JSON Schemas', () => {
  it.each(Object.keys(SCHEMAS))(
    'schemas/%s.schema.json is generated from the zod schema (run npm run schemas)',
    (name) => {
      const committed = readFileSync(resolve(ROOT, 'schemas', `${name}.schema.json`), 'utf8');
      expect(committed).toBe(schemaText(name));
    },
  );
});
