// lib/ has no run-time import cycle: a module on a cycle may run before what it imports is defined.
// The compiled dist/ is walked (tsc drops type-only imports, which cannot cycle at run time).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = resolve(import.meta.dirname, '../dist');

/** Relative module specifiers of the static imports and re-exports in a compiled file. */
function staticImports(source: string): string[] {
  const re = /^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm;
  return [...source.matchAll(re)].map((m) => m[1]!);
}

/** Every cycle reached by depth-first search, as a list of modules ending where it started. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (m: string): void => {
    state.set(m, 'open');
    stack.push(m);
    for (const d of graph.get(m) ?? []) {
      if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(m, 'done');
  };
  for (const m of graph.keys()) if (!state.has(m)) visit(m);
  return cycles;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

describe('lib/ imports', () => {
  it('the cycle finder finds a cycle through re-exports and multi-line imports', () => {
    const src =
      "import {\n  a,\n  b,\n} from './b.js';\nexport { c } from '../c.js';\nimport './side.js';\nimport x from 'pkg';";
    expect(staticImports(src)).toEqual(['./b.js', '../c.js', './side.js']);
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ]);
    expect(findCycles(g)).toEqual([['a', 'b', 'c', 'a']]);
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no run-time import cycle', () => {
    const graph = new Map<string, string[]>();
    for (const f of jsFiles(dist)) {
      const deps = staticImports(readFileSync(f, 'utf8')).map((s) => relative(dist, resolve(dirname(f), s)));
      graph.set(relative(dist, f), deps);
    }
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('model/sequential.js')).toContain('io/formats.js');
    expect(findCycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });
});
