// The subcommands by name, with their one-line summaries: `qbsweep --help` lists them from here
// without loading any of them (each pulls in vega, h5wasm, resvg or Dawn); a command's module
// is imported only when that command runs or its own --help is asked for.

import type { Command } from 'commander';

export interface CommandEntry {
  summary: string;
  load: () => Promise<(program: Command) => void>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  point: { summary: 'evaluate one parameter point', load: async () => (await import('./point.js')).registerPoint },
  sweep: { summary: 'compute a phase diagram over up to 3 axes', load: async () => (await import('./sweep.js')).registerSweep },
  compare: { summary: 'run a sweep on two backends and compare every output', load: async () => (await import('./compare.js')).registerCompare },
  bench: { summary: 'points/s per backend and integrator, with the ratio to the cpu backend', load: async () => (await import('./bench.js')).registerBench },
  merge: { summary: 'assemble the shards of a sweep into one result', load: async () => (await import('./merge.js')).registerMerge },
  figure: { summary: "reproduce the paper's figures (CSV + manifest + PNG each)", load: async () => (await import('./figure.js')).registerFigure },
  serve: { summary: "the explorer page: run sweeps on the browser's GPU, look at every point", load: async () => (await import('./serve.js')).registerServe },
  systems: { summary: 'list the built-in two-qubit systems, or show one (built-in or file)', load: async () => (await import('./systems.js')).registerSystems },
};

export function summary(name: keyof typeof COMMANDS): string {
  return COMMANDS[name].summary;
}
