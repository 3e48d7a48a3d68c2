import {
  DEFAULT_LAYOUT_ID,
  LAYOUTS,
  type LayoutDefinition,
  parseLayout,
  validateLayoutText,
} from '../layouts/index.js';
import type { ArchivoFuenteReader } from './router.js';

/**
 * A reader of Tralix `archivoFuente` texts for one layout: the comprobante the text makes, and every
 * layout and SAT issue located at its line and field, which the sandbox answers as seed 002's
 * `"Error CFDI40108\n…"` texts.
 */
export function createArchivoFuenteReader(layout: LayoutDefinition): ArchivoFuenteReader {
  return (archivoFuente) => {
    const issues = validateLayoutText(layout, archivoFuente);
    const parsed = parseLayout(layout, archivoFuente);
    return { comprobante: parsed.comprobante, issues };
  };
}

/** Reads an `archivoFuente` with the default built-in layout (`tralix-40`). */
export const readArchivoFuente: ArchivoFuenteReader = createArchivoFuenteReader(LAYOUTS[DEFAULT_LAYOUT_ID]);
