// The floors of src/: a module imports only from its own floor or the floors below it, and no
// files import one another in a circle. Static (the import graph of the sources, read with
// TypeScript's own scanner: static and dynamic imports, `import type`, `export ... from`).

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/**
 * The floors, lowest first; each names folders of src/ (or files directly in it). A file may
 * import from its own floor and from any floor below. Names on one floor must not import each other.
 */
const FLOORS: string[][] = [
  ['core', 'paths.ts'], // shared records, constants, errors, where the package's files are
  ['algebra'], // complex matrices, the Pauli basis
  ['system'], // the system file format: definitions, expressions, parameter spaces
  ['compiler'], // generator and observables code from a system
  ['model'], // the float64 physics: points, parameters, spectra, charging curves
  ['backends'], // cpu, webgpu, webgl, browser
  ['sweep'], // grids, specs, runs, the cross-check
  ['io'], // the files a run writes and reads: CSV, HDF5, manifests, pictures, resumable state, shards
  ['figures', 'web'], // the paper's figures; the explorer page
  ['cli'],
];

/** The floor of a file (its path in src/): its place in FLOORS and the name that put it there. */
function floorOf(file: string): { index: number; name: string } {
  const name = file.split('/')[0];
  const index = FLOORS.findIndex((f) => f.includes(name));
  if (index < 0) throw new Error(`src/${file}: ${name} is on no floor (add it to FLOORS in test/architecture/imports.test.ts)`);
  return { index, name };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** What a source imports: `import ... from`, `import type`, `export ... from`, `import '...'`, `import('...')` (not in comments or strings). */
function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** Every import of a file inside src/ (relative specifiers; packages and files outside src/, such as systems/*.json, are not floors). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const path of sourceFiles(SRC)) {
    const from = relative(SRC, path);
    const targets: string[] = [];
    for (const fileName of specifiers(readFileSync(path, 'utf8'))) {
      if (!fileName.startsWith('.')) continue;
      const abs = resolve(dirname(path), fileName);
      if (relative(SRC, abs).startsWith('..')) continue;
      const file = [abs, abs.replace(/\.js$/, '.ts')].find((p) => existsSync(p));
      if (!file) throw new Error(`src/${from}: imports ${fileName}, which is not there`);
      targets.push(relative(SRC, file));
    }
    graph.set(from, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected components of more than one file, or of one file importing itself (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)!.includes(v)) found.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

describe('the floors of src/', () => {
  const graph = importGraph();

  it('reads every kind of import, and the whole tree', () => {
    const text = [
      "// import { no } from './comment.js';",
      "import { a,\n  b } from './a.js';",
      "import type { T } from '../t.js';",
      "export { c } from './c.js';",
      "export * from './star.js';",
      "import './side.js';",
      "const s = \"import { no } from './string.js'\";",
      "type M = typeof import('./typeof.js');",
      "const load = () => import('./lazy.js');",
    ].join('\n');
    expect(specifiers(text)).toEqual(['./a.js', '../t.js', './c.js', './star.js', './side.js', './typeof.js', './lazy.js']);
    expect(graph.size).toBeGreaterThan(90);
    expect([...graph.values()].flat().length).toBeGreaterThan(400);
  });

  it('every file is on a floor, and imports only from its own floor or below', () => {
    const up: string[] = [];
    for (const [from, targets] of graph) {
      const f = floorOf(from);
      for (const to of targets) {
        const t = floorOf(to);
        if (t.index > f.index || (t.index === f.index && t.name !== f.name)) up.push(`${from} -> ${to} (${f.name} may not import ${t.name})`);
      }
    }
    expect(up, `imports that run up:\n  ${up.join('\n  ')}`).toEqual([]);
  });

  it('no files import one another in a circle', () => {
    const found = circles(graph).map((scc) => {
      const arrows = scc.flatMap((a) => graph.get(a)!.filter((b) => scc.includes(b)).map((b) => `${a} -> ${b}`));
      return `${scc.length} files: ${arrows.join(', ')}`;
    });
    expect(found, `circles:\n  ${found.join('\n  ')}`).toEqual([]);
  });
});
