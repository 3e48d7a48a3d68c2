import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import * as senders from '../../src/senders/index.js';

/*
 * The package root lists its surface explicitly (STYLE rule 3), so a name added to a stage's index
 * is not public until someone adds it to src/index.ts too. For the stages whose whole index is
 * public, this reads both with the TypeScript checker (types included) and compares the symbols
 * each name resolves to: same declaration, under the same name unless a clash is listed below.
 */

const ROOT = resolve(import.meta.dirname, '../..');

/** Stage indexes the root re-exports whole, and the root's name for a name another stage also uses. */
const WHOLE_STAGES: Record<string, Readonly<Record<string, string>>> = {
  'src/senders/index.ts': { Order: 'Facturav4Order' },
};

function exportsOf(
  program: ts.Program,
  file: string,
): Map<string, { symbol: ts.Symbol; declaration: string }> {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(ROOT, file));
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${file} is not a module`);
  return new Map(
    checker.getExportsOfModule(moduleSymbol).map((s) => {
      const target = (s.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(s) : s;
      const declaration = target.declarations?.[0]?.getSourceFile().fileName ?? '?';
      return [s.name, { symbol: target, declaration }];
    }),
  );
}

describe('the package root', () => {
  it('exports every name of the stages it re-exports whole, types included', () => {
    const files = ['src/index.ts', ...Object.keys(WHOLE_STAGES)].map((f) => join(ROOT, f));
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
    });
    const rootExports = exportsOf(program, 'src/index.ts');
    for (const [stage, renamed] of Object.entries(WHOLE_STAGES)) {
      const stageExports = exportsOf(program, stage);
      expect(stageExports.size, stage).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const [name, { symbol, declaration }] of stageExports) {
        const rootName = renamed[name] ?? name;
        const atRoot = rootExports.get(rootName);
        if (atRoot === undefined) wrong.push(`${name} is missing`);
        else if (atRoot.symbol !== symbol)
          wrong.push(
            `${rootName} at the root is ${atRoot.declaration.slice(ROOT.length + 1)}'s, not ${declaration.slice(ROOT.length + 1)}'s`,
          );
      }
      expect(wrong, stage).toEqual([]);
    }
  }, 60_000);

  it('exports every runtime value of src/senders/index.ts as the same object', () => {
    const rootValues = root as Record<string, unknown>;
    const missing = Object.entries(senders)
      .filter(([name, value]) => rootValues[name] !== value)
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
