#!/usr/bin/env node
// Runs the bundle that `npm ci` builds into dist/ (scripts/build.mjs).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/qbsweep.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('qbsweep: dist/qbsweep.js is missing: run `npm ci` (or `npm run build`) in the qbsweep directory first\n');
  process.exit(2);
}
await import(entry.href);
