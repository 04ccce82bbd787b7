// The state of an unfinished run, for --resume: DIR/.STEM.parts/ holds one HDF5 part per
// finished block (written complete, then renamed) and progress.json (rewritten the same way
// after each part) naming the run it belongs to. A run killed outright loses at most the
// block it was computing. Every part carries the checksum of its data and the run it belongs
// to, and is verified when loaded: a damaged part is recomputed (and said so), never used.

import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, pointToInput } from '../model/params.js';
import { writeFileAtomic } from './atomic.js';
import { DamagedFileError, readFlatH5, writeFlatH5 } from './hdf5.js';
import type { StoredBlock, SweepResult } from '../sweep/run.js';
import type { ResolvedSpec } from '../sweep/spec.js';

/** What a sweep computes, independent of where, how fast, or in how many pieces. */
export function specIdentity(spec: ResolvedSpec): Record<string, unknown> {
  return {
    base: pointToInput(spec.point),
    axes: spec.resolvedAxes.map((a) => ({ param: a.param, values: a.values, relative_to: a.relative_to ?? null })),
    outputs: spec.outputs,
    // only when given, so that the hashes of specs without one stay what they were
    ...(spec.times ? { times: spec.times } : {}),
  };
}

export function specHash(spec: ResolvedSpec): string {
  return createHash('sha256').update(JSON.stringify(specIdentity(spec))).digest('hex').slice(0, 16);
}

export interface RunIdentity {
  spec_hash: string;
  backend: string;
  precision: string;
  integrator: string;
  dt: number | null;
  range: [number, number];
  block_points: number;
  columns: string[];
}

interface Progress extends RunIdentity {
  qbsweep: 'run state';
  /** [start, count] of every saved block */
  blocks: [number, number][];
}

export class RunState {
  readonly dir: string;
  private progress: Progress;

  private readonly identity: string;

  constructor(
    private readonly outDir: string,
    readonly stem: string,
    identity: RunIdentity,
    /** says what happened to a file that could not be used (a damaged part, progress.json) */
    private readonly note: (message: string) => void = () => {},
    /** the run's time grid: a part must hold charging curves on exactly these times */
    private readonly times?: number[],
  ) {
    this.dir = join(outDir, `.${stem}.parts`);
    this.progress = { qbsweep: 'run state', ...identity, blocks: [] };
    this.identity = JSON.stringify(identity);
  }

  private get file(): string {
    return join(this.dir, 'progress.json');
  }

  exists(): boolean {
    return existsSync(this.file);
  }

  /** Before any work: an unfinished run of this stem is an error unless --resume continues it. */
  static refuseOverwrite(outDir: string, stem: string, resume: boolean): void {
    const dir = join(outDir, `.${stem}.parts`);
    // a file (or a link to nothing) of that name would fail the first mkdir of the run with a raw errno
    let inTheWay;
    try {
      inTheWay = lstatSync(dir);
    } catch {
      // nothing there: the run creates it
    }
    if (inTheWay && !(existsSync(dir) && statSync(dir).isDirectory())) {
      throw new InputError(`option --out: ${dir} is in the way (a ${inTheWay.isSymbolicLink() ? 'symbolic link' : 'file'}, where the run keeps its finished blocks); move or delete it`);
    }
    if (!resume && existsSync(join(dir, 'progress.json'))) {
      throw new InputError(`an unfinished run of ${stem} is in ${dir}: add --resume to continue it, or delete that directory to start over`);
    }
  }

  /**
   * Starts a run. Without --resume an unfinished run of the same stem is an error (it would be
   * overwritten); with --resume it must be the same computation (spec, backend, integrator, ...).
   */
  open(resume: boolean): { resumedBlocks: number } {
    if (this.exists()) {
      if (!resume) {
        throw new InputError(`an unfinished run of ${this.stem} is in ${this.dir}: add --resume to continue it, or delete that directory to start over`);
      }
      let old: Progress;
      try {
        old = JSON.parse(readFileSync(this.file, 'utf8')) as Progress;
        if (old?.qbsweep !== 'run state' || !Array.isArray(old.blocks)) throw new Error('not a qbsweep run state');
      } catch (e) {
        // each part names its run, so the parts alone say what is finished
        this.note(`${this.file} is damaged (${(e as Error).message.split('\n')[0]}); continuing from the parts on disk that belong to this run`);
        old = { ...this.progress, blocks: [] };
      }
      const diffs = (Object.keys(this.progress) as (keyof RunIdentity)[])
        .filter((k) => k !== ('blocks' as string) && k !== ('qbsweep' as string))
        .filter((k) => JSON.stringify(old[k]) !== JSON.stringify(this.progress[k]));
      if (diffs.length) {
        const what = diffs.map((k) => `${k} ${JSON.stringify(old[k])} -> ${JSON.stringify(this.progress[k])}`).join('; ');
        throw new InputError(`--resume: ${this.dir} belongs to a different run (${what}); use the same spec and options, or delete that directory`);
      }
      // a part is renamed into place before progress.json lists it: a run killed in between
      // still has it, so the parts on disk (each says what it holds) are what counts
      const starts = new Set([...old.blocks.map(([s]) => s), ...this.partsOnDisk()]);
      this.progress.blocks = [...starts].filter((s) => existsSync(this.partFile(s))).sort((a, b) => a - b).map((s) => [s, 0]);
      writeFileAtomic(this.file, JSON.stringify(this.progress, null, 1));
      return { resumedBlocks: this.progress.blocks.length };
    }
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.file, JSON.stringify(this.progress, null, 1));
    return { resumedBlocks: 0 };
  }

  private partFile(start: number): string {
    return join(this.dir, `part-${String(start).padStart(12, '0')}.h5`);
  }

  private partsOnDisk(): number[] {
    return readdirSync(this.dir)
      .map((f) => /^part-(\d{12})\.h5$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]));
  }

  /** A block saved earlier (its file names its range and run), or undefined. */
  loadBlock = async (start: number, n: number): Promise<StoredBlock | undefined> => {
    if (!this.progress.blocks.some(([s]) => s === start)) return undefined;
    const file = this.partFile(start);
    const redo = (why: string) => {
      this.note(`${why}: recomputing points ${start}..${start + n - 1}`);
      return undefined;
    };
    let part;
    try {
      part = await readFlatH5(file);
    } catch (e) {
      if (e instanceof DamagedFileError) return redo(e.message.replace(/; it is not used$/, ''));
      throw e;
    }
    if (part.start !== start || part.count !== n || part.attributes.spec_hash !== this.progress.spec_hash || part.attributes.run !== this.identity) {
      return redo(`${file} holds points of another run`);
    }
    if (this.times && (!part.trajectories || JSON.stringify(part.times) !== JSON.stringify(this.times))) return redo(`${file} holds no charging curves on this run's time grid`);
    return { values: part.values, flags: part.flags, trajectories: part.trajectories };
  };

  /** Saves the block that just finished, then records it in progress.json. */
  saveBlock = async (start: number, n: number, res: SweepResult): Promise<void> => {
    const at = start - res.offset;
    const values: Record<string, Float32Array | Float64Array> = {};
    for (const c of res.columns) values[c] = res.values[c].slice(at, at + n);
    const nt = res.times?.length ?? 0;
    const trajectories = res.trajectories ? Object.fromEntries(Object.entries(res.trajectories).map(([c, v]) => [c, v.slice(at * nt, (at + n) * nt)])) : undefined;
    await writeFlatH5(this.partFile(start), {
      start,
      count: n,
      total: res.spec.count,
      columns: res.columns,
      values,
      flags: res.flags.slice(at, at + n),
      ...(trajectories ? { times: res.times, trajectories } : {}),
      compress: false,
      attributes: { spec_hash: this.progress.spec_hash, run: this.identity },
    });
    this.progress.blocks = [...this.progress.blocks.filter(([s]) => s !== start), [start, n]];
    writeFileAtomic(this.file, JSON.stringify(this.progress, null, 1));
  };

  /** The run is complete and its outputs are written: the parts go, and so do the STEM.partial.* files an interrupted try of it wrote. */
  finish(): void {
    rmSync(this.dir, { recursive: true, force: true });
    const partial = `${this.stem}.partial.`;
    for (const f of readdirSync(this.outDir)) if (f.startsWith(partial)) rmSync(join(this.outDir, f), { force: true });
  }
}
