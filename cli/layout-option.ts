import { existsSync } from 'node:fs';
import { CfdiLayoutError } from '../src/errors.js';
import {
  isBuiltInLayoutId,
  type LayoutDefinition,
  layoutById,
  loadLayoutDefinition,
} from '../src/layouts/index.js';
import { parseJsonText } from '../src/model/json.js';
import { readInput } from './io.js';

/**
 * Resolves `--layout ID|FILE`: a built-in id, or a path to a user's JSON definition (validated,
 * with coded errors naming the path inside the definition).
 */
export async function resolveLayout(value: string): Promise<LayoutDefinition> {
  if (isBuiltInLayoutId(value) && !existsSync(value)) return layoutById(value);
  if (!existsSync(value)) {
    throw new CfdiLayoutError(
      'LAYOUT_UNKNOWN',
      `${JSON.stringify(value)} is neither a built-in layout (see cfdi-layout layouts) nor a file`,
    );
  }
  const text = (await readInput(value)).toString('utf8');
  return loadLayoutDefinition(parseJsonText(text, value));
}
