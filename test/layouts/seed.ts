import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The archivoFuente of seed 002's cfdisAsync example. The fixture is that request's JSON body with
 * the document export's ~70-column wrap undone (a wrap after `|` or `-` split no space; every other
 * wrap replaced one) and its escapes kept; JSON.parse turns `\n` into the record separators and
 * `\/` into `/`.
 */
export const SEED_002_ARCHIVO_FUENTE: string = (
  JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures', 'seed-002-cfdis-async-request.json'), 'utf8'),
  ) as {
    archivoFuente: string;
  }
).archivoFuente;
