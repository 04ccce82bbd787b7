// Helpers every subcommand shares: strict number parsing, JSON input, one-line errors.

import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { checkJsonText } from '../core/jsonLimits.js';

/** Parses a number the way a physicist types it; "nan"/"inf" parse so that validation can name them. */
export function parseNumber(flag: string, text: string): number {
  const t = text.trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return Number.NaN;
  const v = Number(t);
  if (t === '' || Number.isNaN(v)) throw new InputError(`option ${flag}: ${JSON.stringify(text)} is not a number`);
  return v;
}

export function parsePositiveInt(flag: string, text: string): number {
  const v = parseNumber(flag, text);
  if (!Number.isInteger(v) || v < 1) throw new InputError(`option ${flag}: must be a whole number >= 1 (got ${text})`);
  return v;
}

/** Reads JSON from a file or from stdin ("-"), with a one-line message for either failure. */
export function readJsonInput(what: string, path: string): unknown {
  let text: string;
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${what}: cannot read ${path === '-' ? 'standard input' : path}${code ? ` (${code})` : ''}`);
  }
  checkJsonText(text, `${what} ${path === '-' ? 'standard input' : path}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what}: malformed JSON in ${path === '-' ? 'standard input' : path}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Runs a subcommand action; user mistakes become one line on stderr and exit status 2. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      reportAndExit(e);
    }
  };
}

export function reportAndExit(e: unknown): never {
  if (e instanceof InputError) {
    process.stderr.write(`qbsweep: ${e.message}\n`);
    process.exit(2);
  }
  const err = e as Error;
  if (process.env.QBSWEEP_DEBUG) process.stderr.write(`${err?.stack ?? String(e)}\n`);
  process.stderr.write(`qbsweep: ${err?.message ?? String(e)}${process.env.QBSWEEP_DEBUG ? '' : ' (set QBSWEEP_DEBUG=1 for details)'}\n`);
  process.exit(1);
}

/** Each subcommand's one-line summary: `qbsweep --help` lists them (commands.ts), each command's own help shows its own. */
export const SUMMARIES = {
  point: 'evaluate one parameter point',
  sweep: 'compute a phase diagram over up to 3 axes',
  compare: 'run a sweep on two backends and compare every output',
  bench: 'points/s per backend and integrator, with the ratio to the cpu backend',
  merge: 'assemble the shards of a sweep into one result',
  figure: "reproduce the paper's figures (CSV + manifest + PNG each)",
  serve: "the explorer page: run sweeps on the browser's GPU, look at every point",
  systems: 'list the built-in two-qubit systems, or show one (built-in or file)',
} as const;

export function summary(name: keyof typeof SUMMARIES): string {
  return SUMMARIES[name];
}

/** Formats a number for tables: fixed for ordinary magnitudes, exponent otherwise. */
export function fmtNum(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? x.toFixed(digits) : x.toExponential(digits - 2);
}
