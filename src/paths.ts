// Where the package's own files are, from the TypeScript sources (src/, under vitest) and from
// the esbuild bundle (dist/) alike: the root is the nearest directory up with qbsweep's package.json.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let root: string | undefined;

/** The package's root directory (computed on first use: the browser bundle imports this module but never calls it). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'qbsweep') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`qbsweep: cannot find its package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** A file of the package by its path from the root, e.g. "shaders/" or "package.json". */
export function packagePath(rel: string): string {
  return join(packageRoot(), rel);
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

/** True when running from the bundle in dist/ (then no TypeScript loader is registered). */
export function bundled(): boolean {
  return !import.meta.url.endsWith('.ts');
}

/** The CPU backend's worker: the bundled one from dist/, or the sources through tsx (tests). */
export function cpuWorkerUrl(): URL {
  return pathToFileURL(packagePath(bundled() ? 'dist/cpu-worker.js' : 'src/backends/cpu/worker-entry.mjs'));
}

/** The worker that draws a sweep's pictures (src/io/pictureWorker.ts). */
export function pictureWorkerUrl(): URL {
  return pathToFileURL(packagePath(bundled() ? 'dist/picture-worker.js' : 'src/io/picture-worker-entry.mjs'));
}
