import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CfdiLayoutError } from '../errors.js';

/**
 * The entry module of a worker thread: `compiled`, resolved beside the calling module in `dist/` (and
 * in an installed package). Run from the TypeScript sources (a test runner), Node cannot load a `.ts`
 * worker, so the build's copy at `fromSources` (relative to the calling module) is used: `npm run
 * build` first.
 */
export function workerModule(caller: string, compiled: string, fromSources: string): URL {
  const here = new URL(caller);
  if (!here.pathname.endsWith('.ts')) return new URL(compiled, here);
  const built = new URL(fromSources, here);
  if (!existsSync(fileURLToPath(built)))
    throw new CfdiLayoutError(
      'IO',
      `the worker ${fileURLToPath(built)} does not exist: run \`npm run build\` (worker threads run the compiled library)`,
    );
  return built;
}
