#!/usr/bin/env node
// Builds dist/ (git-ignored) from the TypeScript sources with esbuild: the CLI, its commands as
// separate chunks (loaded when run), the CPU backend's worker and the picture worker. npm ci
// runs this ("prepare"); `npm run build` after editing src/; the tests run it first (vitest's
// global setup). Dependencies stay in node_modules (Dawn, resvg and h5wasm carry native or
// wasm parts); shaders/, src/web/ and package.json are read from the package root.
// Each file is replaced atomically and only when it changed, so a command running from dist/
// (another test run) never sees a half-built directory.

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const t0 = performance.now();
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: [
    { in: 'src/cli/main.ts', out: 'qbsweep' },
    { in: 'src/backends/cpu/worker.ts', out: 'cpu-worker' },
    { in: 'src/io/pictureWorker.ts', out: 'picture-worker' },
  ],
  outdir: 'dist',
  write: false,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
});
mkdirSync(dist, { recursive: true });
const built = new Set();
for (const f of result.outputFiles) {
  const name = basename(f.path);
  built.add(name);
  const target = join(dist, name);
  if (existsSync(target) && Buffer.compare(readFileSync(target), Buffer.from(f.contents)) === 0) continue;
  const tmp = join(dist, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, f.contents);
  renameSync(tmp, target);
}
// chunks of earlier builds: content-hashed names nothing refers to any more
for (const name of readdirSync(dist)) if (!built.has(name) && !name.startsWith('.')) rmSync(join(dist, name), { force: true });
if (!process.argv.includes('--quiet')) console.log(`qbsweep: built dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
