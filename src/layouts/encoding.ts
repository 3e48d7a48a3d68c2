import { CfdiLayoutError } from '../errors.js';
import { type CompiledLayout, compileLayout } from './compile.js';
import type { LayoutDefinition } from './definition.js';
import { encodeText } from './line-codec.js';

/**
 * Encodes a rendered layout text into the bytes its definition declares (UTF-8 or ISO-8859-1).
 * renderLayout already refuses characters the encoding lacks, so this throws `LAYOUT_RENDER_FAILED`
 * only for text that did not come from it.
 */
export function encodeLayoutText(layout: LayoutDefinition | CompiledLayout, text: string): Uint8Array {
  const compiled = compileLayout(layout);
  try {
    return encodeText(text, compiled.encoding);
  } catch (err) {
    throw new CfdiLayoutError(
      'LAYOUT_RENDER_FAILED',
      `layout ${compiled.id}: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
}
