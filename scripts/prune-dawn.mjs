#!/usr/bin/env node
// The webgpu package ships Dawn for every platform (~130 MB); keep only this machine's build
// (`npm ci` runs this after the build). webgpu/index.js loads dist/<platform>-<arch>/dawn.node,
// darwin-universal on macOS; nothing is removed unless that directory is there.

import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let dist;
try {
  dist = join(dirname(createRequire(import.meta.url).resolve('webgpu/package.json')), 'dist');
} catch {
  process.exit(0); // not installed (e.g. --omit of optional parts): nothing to prune
}
const own = `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`;
if (!existsSync(join(dist, own, 'dawn.node'))) process.exit(0);
const removed = readdirSync(dist).filter((d) => d !== own);
for (const d of removed) rmSync(join(dist, d), { recursive: true, force: true });
if (removed.length && !process.argv.includes('--quiet')) console.log(`qbsweep: kept Dawn for ${own} only (removed ${removed.join(', ')} from node_modules/webgpu/dist)`);
