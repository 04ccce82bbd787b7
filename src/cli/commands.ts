// The subcommands by name, with their one-line summaries (common.ts: each command reads its own
// there, so no command imports this table): `qbsweep --help` lists them from here
// without loading any of them (each pulls in vega, h5wasm, resvg or Dawn); a command's module
// is imported only when that command runs or its own --help is asked for.

import type { Command } from 'commander';
import { SUMMARIES } from './common.js';

export interface CommandEntry {
  summary: string;
  load: () => Promise<(program: Command) => void>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  point: { summary: SUMMARIES.point, load: async () => (await import('./point.js')).registerPoint },
  sweep: { summary: SUMMARIES.sweep, load: async () => (await import('./sweep.js')).registerSweep },
  compare: { summary: SUMMARIES.compare, load: async () => (await import('./compare.js')).registerCompare },
  bench: { summary: SUMMARIES.bench, load: async () => (await import('./bench.js')).registerBench },
  merge: { summary: SUMMARIES.merge, load: async () => (await import('./merge.js')).registerMerge },
  figure: { summary: SUMMARIES.figure, load: async () => (await import('./figure.js')).registerFigure },
  serve: { summary: SUMMARIES.serve, load: async () => (await import('./serve.js')).registerServe },
  systems: { summary: SUMMARIES.systems, load: async () => (await import('./systems.js')).registerSystems },
} satisfies Record<keyof typeof SUMMARIES, CommandEntry>;
