// Assembling shards: the manifests must describe one computation (same spec, backend,
// integrator, step) split without overlaps or gaps; the data come from the shards' HDF5 files,
// each verified against its own checksum and against its manifest (spec hash, range, checksum):
// the manifest is written last, so a shard that died in between has a .h5 its .json disowns.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../model/params.js';
import { DamagedFileError, readFlatH5 } from './hdf5.js';
import { Grid } from '../sweep/grid.js';
import { type CrossCheck, type SweepResult, mergeCrossChecks, resultMemory } from '../sweep/run.js';
import { totalmem } from 'node:os';
import { resolveSpec } from '../sweep/spec.js';
import { FlagWords, TIME_COLUMNS, TRAJECTORY_COLUMNS } from '../sweep/outputs.js';
import { timeValues } from '../model/charging.js';

const SHARD_JSON = /\.shard-(\d+)-of-(\d+)\.json$/;

interface ShardManifest {
  path: string;
  spec: Record<string, unknown>;
  spec_hash: string;
  data_sha256?: string;
  complete: boolean;
  range: { start: number; end: number; done: number };
  shard: { index: number; count: number; source: string };
  backend: Record<string, unknown> & { backend: string; precision: string };
  integrator: string;
  dt: unknown;
  columns: string[];
  timings: { total_s: number; compute_s: number; points_per_s: number };
  precision: { float64_cross_check?: CrossCheck };
  machine: unknown;
}

/** Every shard manifest in the given directories (or the given manifest files). */
export function findShardManifests(paths: string[]): string[] {
  const found: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new InputError(`merge: ${p} does not exist`);
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (SHARD_JSON.test(f)) found.push(join(p, f));
    } else if (SHARD_JSON.test(p)) found.push(p);
    else throw new InputError(`merge: ${p} is neither a directory nor a shard manifest (NAME.shard-i-of-N.json)`);
  }
  return found;
}

function load(path: string): ShardManifest {
  try {
    return { ...(JSON.parse(readFileSync(path, 'utf8')) as ShardManifest), path };
  } catch (e) {
    throw new InputError(`merge: cannot read ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** The one computation the shards must share, as text for messages. */
function identity(m: ShardManifest): string {
  return JSON.stringify({ spec_hash: m.spec_hash, backend: m.backend.backend, precision: m.backend.precision, integrator: m.integrator, dt: m.dt, shards: m.shard.count });
}

export interface MergedShards {
  result: SweepResult;
  shards: ShardManifest[];
}

export async function mergeShards(paths: string[], name?: string): Promise<MergedShards> {
  let files = findShardManifests(paths);
  if (!files.length) throw new InputError(`merge: no shard manifests (NAME.shard-i-of-N.json) in ${paths.join(', ')}`);
  let manifests = files.map(load);
  const names = [...new Set(manifests.map((m) => String(m.spec?.name)))];
  if (name !== undefined) {
    manifests = manifests.filter((m) => m.spec?.name === name);
    if (!manifests.length) throw new InputError(`merge: no shards of ${JSON.stringify(name)} (found ${names.join(', ')})`);
  } else if (names.length > 1) {
    throw new InputError(`merge: shards of several sweeps (${names.join(', ')}): choose one with --name`);
  }
  files = manifests.map((m) => m.path);
  const ref = manifests[0];
  for (const m of manifests) {
    if (identity(m) !== identity(ref)) {
      throw new InputError(`merge: ${basename(m.path)} and ${basename(ref.path)} are shards of different runs (${identity(m)} vs ${identity(ref)}); merge only shards of one spec, backend, integrator and shard count`);
    }
    if (!m.complete) throw new InputError(`merge: ${basename(m.path)} is not complete (${m.range.done} of ${m.range.end - m.range.start} points): finish it with --resume first`);
  }
  const spec = resolveSpec(ref.spec);
  const total = spec.count;
  const sorted = [...manifests].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  let covered = 0;
  for (const m of sorted) {
    if (m.range.start < covered) {
      throw new InputError(`merge: shard ${m.shard.index} (${basename(m.path)}) overlaps another: points ${m.range.start}..${Math.min(covered, m.range.end) - 1} are in two shards`);
    }
    if (m.range.start > covered) {
      throw new InputError(`merge: points ${covered}..${m.range.start - 1} of ${total} are missing (no shard covers them; expected ${ref.shard.count} shards, found ${manifests.length})`);
    }
    covered = m.range.end;
  }
  if (covered < total) throw new InputError(`merge: points ${covered}..${total - 1} of ${total} are missing (expected ${ref.shard.count} shards, found ${manifests.length})`);

  const Arr = ref.backend.precision === 'float32' ? Float32Array : Float64Array;
  const columns = ref.columns;
  // the whole grid is assembled in memory: refused in one line before anything is allocated
  const need = resultMemory(total, columns.length, ref.backend.precision === 'float32' ? 'float32' : 'float64', spec.times?.n ?? 0);
  if (need > totalmem() / 2) {
    throw new InputError(`merge: the ${total.toLocaleString('en-US')} points need ~${(need / 2 ** 30).toFixed(1)} GiB in memory${spec.times ? ' with their charging curves' : ''}, more than the ${(totalmem() / 2 ** 31).toFixed(1)} GiB this machine allows: merge on a machine with more memory, or read the shards' .h5 files directly (each holds its own points)`);
  }
  const values: Record<string, Float32Array | Float64Array> = {};
  for (const c of columns) values[c] = new (TIME_COLUMNS.includes(c) ? Float64Array : Arr)(total);
  const flags = new FlagWords(total);
  // a time grid: the charging curves, n values per point
  const times = spec.times ? timeValues(spec.times) : undefined;
  const nt = times?.length ?? 0;
  const trajectories: Record<string, Float32Array | Float64Array> | undefined = times ? Object.fromEntries(TRAJECTORY_COLUMNS.map((c) => [c, new Arr(total * nt)])) : undefined;
  let compute = 0;
  const checks: CrossCheck[] = [];
  for (const m of sorted) {
    const h5 = join(dirname(m.path), basename(m.path).replace(/\.json$/, '.h5'));
    if (!existsSync(h5)) throw new InputError(`merge: ${basename(h5)} (the data of ${basename(m.path)}) is missing`);
    let part;
    try {
      part = await readFlatH5(h5);
    } catch (e) {
      if (e instanceof DamagedFileError) throw new InputError(`merge: ${e.path} is damaged or incomplete (${e.reason}): rerun shard ${m.shard.index} of ${m.shard.count} (with --resume)`);
      throw e;
    }
    const belongs = (what: string) => `merge: ${basename(h5)} does not belong to ${basename(m.path)} (${what}): rerun shard ${m.shard.index} of ${m.shard.count} (with --resume)`;
    if (typeof m.data_sha256 !== 'string') throw new InputError(belongs('the manifest records no data checksum: written by an older qbsweep'));
    if (part.attributes.spec_hash !== m.spec_hash) throw new InputError(belongs(`spec hash ${String(part.attributes.spec_hash)} vs ${m.spec_hash}`));
    if (part.start !== m.range.start || part.count !== m.range.end - m.range.start) throw new InputError(belongs(`points ${part.start}..${part.start + part.count - 1} vs ${m.range.start}..${m.range.end - 1}`));
    if (part.sha256 !== m.data_sha256) throw new InputError(belongs(`data checksum ${part.sha256.slice(0, 12)} vs ${m.data_sha256.slice(0, 12)}`));
    for (const c of columns) if (!(c in part.values)) throw new InputError(belongs(`no column ${c}`));
    for (const c of columns) values[c].set(part.values[c], part.start);
    flags.set(part.flags, part.start);
    if (trajectories) {
      if (!part.trajectories || JSON.stringify(part.times) !== JSON.stringify(times)) throw new InputError(belongs('no charging curves on the spec\'s time grid'));
      for (const c of TRAJECTORY_COLUMNS) {
        if (!part.trajectories[c]) throw new InputError(belongs(`no charging curve ${c}`));
        trajectories[c].set(part.trajectories[c], part.start * nt);
      }
    }
    compute += m.timings?.compute_s ?? 0;
    if (m.precision?.float64_cross_check) checks.push(m.precision.float64_cross_check);
  }
  const check: CrossCheck | undefined = checks.length ? mergeCrossChecks(checks) : undefined;
  const result: SweepResult = {
    spec,
    grid: new Grid(spec),
    columns,
    values,
    flags,
    ...(times ? { times, trajectories } : {}),
    offset: 0,
    count: total,
    done: total,
    resumed: 0,
    backend: ref.backend,
    integrator: ref.integrator,
    dt: typeof ref.dt === 'number' ? ref.dt : undefined,
    blockPoints: 0,
    seconds: { total: 0, compute },
    pointsPerSecond: total / Math.max(compute, 1e-9),
    check,
  };
  return { result, shards: sorted };
}
