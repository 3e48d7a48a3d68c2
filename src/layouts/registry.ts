import tralix40 from '../../schemas/layouts/tralix-40.json' with { type: 'json' };
import tralixLegacy from '../../schemas/layouts/tralix-legacy.json' with { type: 'json' };
import { CfdiLayoutError } from '../errors.js';
import { compileLayout, normalizeDefinition } from './compile.js';
import type { LayoutDefinition } from './definition.js';

/*
 * The built-in layouts are JSON files under schemas/layouts/, shipped with the package and imported
 * as data: listing them constructs nothing (STYLE 12); a layout is compiled the first time it is used.
 */

/** Ids of the built-in layouts. */
export type BuiltInLayoutId = 'tralix-40' | 'tralix-legacy';

/** Freezes imported JSON in depth: compiled layouts are cached per definition object, so it must not change. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}

/** The built-in layouts by id: `tralix-40` (complete CFDI 4.0, the default) and `tralix-legacy` (the seed 002 record set). */
export const LAYOUTS: Readonly<Record<BuiltInLayoutId, LayoutDefinition>> = Object.freeze({
  'tralix-40': frozen(tralix40) as LayoutDefinition,
  'tralix-legacy': frozen(tralixLegacy) as LayoutDefinition,
});

/** The layout Tralix's archivoFuente (cfdisAsync) and ticket insumo use unless configured otherwise. */
export const DEFAULT_LAYOUT_ID: BuiltInLayoutId = 'tralix-40';

/** True when `id` names a built-in layout. */
export function isBuiltInLayoutId(id: string): id is BuiltInLayoutId {
  return Object.hasOwn(LAYOUTS, id);
}

/** The built-in layout with this id; throws `LAYOUT_UNKNOWN` naming the ids that exist. */
export function layoutById(id: string): LayoutDefinition {
  if (isBuiltInLayoutId(id)) return LAYOUTS[id];
  throw new CfdiLayoutError(
    'LAYOUT_UNKNOWN',
    `no built-in layout ${JSON.stringify(id)} (built-in layouts: ${Object.keys(LAYOUTS).join(', ')}); pass a definition file instead`,
  );
}

/**
 * Reads a user's layout definition (parsed JSON): checks it with the zod schema and compiles it once
 * to catch what the schema cannot see (unknown parents, model paths the CFDI model lacks). Throws
 * `LAYOUT_DEFINITION_INVALID` with the path of the offending entry (`records.3.fields.2.path`).
 */
export function loadLayoutDefinition(json: unknown): LayoutDefinition {
  const definition = normalizeDefinition(json);
  compileLayout(definition);
  return definition;
}
