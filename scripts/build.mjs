#!/usr/bin/env node
// Builds dist/ (git-ignored) from the TypeScript sources with esbuild: the CLI, its commands as
// separate chunks (loaded when run), and the CPU backend's worker. npm ci runs this ("prepare");
// `npm run build` after editing src/. Dependencies stay in node_modules (Dawn, resvg and h5wasm
// carry native or wasm parts); shaders/, src/web/ and package.json are read from the package root.

import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const t0 = performance.now();
rmSync(`${root}dist`, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: [
    { in: 'src/cli/main.ts', out: 'qbsweep' },
    { in: 'src/backends/cpu/worker.ts', out: 'cpu-worker' },
    { in: 'src/io/pictureWorker.ts', out: 'picture-worker' },
  ],
  outdir: 'dist',
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
if (!process.argv.includes('--quiet')) console.log(`qbsweep: built dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
