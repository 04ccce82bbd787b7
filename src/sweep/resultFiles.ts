// The files of one result stem in an output directory, and whose they are. Results never mix:
// a run refuses a directory that holds another run's files under the same stem (they would be
// overwritten in part and the rest left beside the new ones), unless --force, which removes
// all of them first and says so.

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../model/params.js';
import { OUTPUT_KEYS } from './outputs.js';
import { MANIFEST_MARK } from './spec.js';

/** Who writes a stem: a sweep (its spec hash and its pictures) or a figure of `qbsweep figure`. */
export type StemOwner = { kind: 'sweep'; specHash: string; plot: string[] | undefined } | { kind: 'figure'; figure: string };

/** Every file and folder of `stem` in `dir` that exists: the names a sweep or a figure writes, and those its manifest lists. */
export function stemFiles(dir: string, stem: string): string[] {
  const names = new Set([
    ...['csv', 'json', 'h5', 'png'].flatMap((ext) => [`${stem}.${ext}`, `${stem}.partial.${ext}`]),
    // the pictures of the other plotted outputs (NAME.OUTPUT.png); only output names, so that `fig9.x.png` of a stem `fig9.x` is not taken
    ...OUTPUT_KEYS.map((o) => `${stem}.${o}.png`),
    `.${stem}.parts`,
  ]);
  for (const m of [`${stem}.json`, `${stem}.partial.json`]) {
    const files = (readManifest(join(dir, m)) as { files?: unknown } | undefined)?.files;
    if (Array.isArray(files)) for (const f of files) if (typeof f === 'string' && !f.includes('/') && f.startsWith(`${stem}.`)) names.add(f);
  }
  return [...names].filter((n) => existsSync(join(dir, n))).sort();
}

function readManifest(path: string): Record<string, unknown> | undefined {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const asList = (plot: unknown): string[] | undefined => (plot === undefined || plot === null ? undefined : Array.isArray(plot) ? plot.map(String) : [String(plot)]);

/** Why the files of `stem` are not `owner`'s, or undefined when they are (the same spec and pictures, or the same figure). */
function foreignReason(dir: string, stem: string, owner: StemOwner): string | undefined {
  const manifest = readManifest(join(dir, `${stem}.json`)) ?? readManifest(join(dir, `${stem}.partial.json`));
  if (!manifest) {
    const progress = readManifest(join(dir, `.${stem}.parts`, 'progress.json'));
    // an unfinished run (no manifest yet) is known by its spec hash; RunState checks the rest on --resume
    if (owner.kind === 'sweep' && progress?.qbsweep === 'run state') return progress.spec_hash === owner.specHash ? undefined : 'an unfinished run of another spec';
    // saved blocks alone, their progress.json damaged: each part names its run, and RunState
    // refuses them without --resume and checks every one with it
    if (owner.kind === 'sweep' && stemFiles(dir, stem).every((f) => f === `.${stem}.parts`)) return undefined;
    return 'no manifest says which run they belong to';
  }
  if (manifest.qbsweep === 'figure') {
    if (owner.kind === 'figure' && manifest.figure === owner.figure) return undefined;
    return `figure ${String(manifest.figure)}`;
  }
  if (manifest.qbsweep !== MANIFEST_MARK) return 'not a qbsweep result';
  if (owner.kind === 'figure') return 'a sweep';
  if (manifest.spec_hash !== owner.specHash) return 'a sweep of another spec';
  const plotted = asList((manifest.spec as { plot?: unknown } | undefined)?.plot);
  if (JSON.stringify(plotted ?? null) !== JSON.stringify(owner.plot ?? null)) return `a sweep of this spec with other pictures (plot ${JSON.stringify(plotted ?? 'default')})`;
  return undefined;
}

/**
 * Before any work: the files of `stem` in `dir` must be this run's (its spec, or its figure),
 * else the run is refused in one line naming them, or with `force` they are all removed first
 * (said through `note`). With `resume` (the same run continued) nothing is removed.
 */
export function claimStem(dir: string, stem: string, owner: StemOwner, opts: { force: boolean; resume?: boolean; note: (s: string) => void }): void {
  const files = stemFiles(dir, stem);
  if (!files.length) return;
  const foreign = foreignReason(dir, stem, owner);
  if (foreign === undefined && !opts.force) return;
  if (foreign === undefined && opts.resume) return;
  if (!opts.force) {
    throw new InputError(`option --out: ${dir} already holds ${files.join(', ')} of another run (${foreign}); use another --out or --name, or add --force to remove them first`);
  }
  for (const f of files) rmSync(join(dir, f), { recursive: true, force: true });
  opts.note(`--force: removed ${files.join(', ')} of ${foreign === undefined ? 'an earlier run of the same spec' : `another run (${foreign})`} from ${dir}`);
}
