// Running a sweep: fixed blocks of points through a backend into output columns, with
// progress, a memory check, a float64 cross-check of a sample of points, and the hooks that
// make runs resumable (blocks already on disk are loaded, each new block can be saved, and a
// stop request is honoured between blocks).

import { totalmem } from 'node:os';
import { InputError } from '../model/params.js';
import { evaluatePoint } from '../model/point.js';
import type { SweepBackend, SweepJob } from '../backends/types.js';
import type { RunSettings } from '../backends/webgpu/engine.js';
import { Grid } from './grid.js';
import { OUTPUT_DOCS, copyColumn, outputColumns, recordFlags } from './outputs.js';
import type { ResolvedSpec } from './spec.js';

export interface StoredBlock {
  values: Record<string, ArrayLike<number>>;
  flags: ArrayLike<number>;
}

export interface SweepRunOptions {
  backend: SweepBackend;
  integrator?: string;
  dt?: number;
  /** points per block: the unit of progress, of saving and of resuming */
  blockPoints?: number;
  /** float64 cross-check of this many points (GPU backends; 0 disables) */
  check?: number;
  onProgress?: (done: number, total: number) => void;
  /** bytes the result columns may take (default: half the machine's memory) */
  memoryLimit?: number;
  /** columns kept besides the outputs, e.g. liouvillian_gap and _spectral_radius for a comparison */
  extraColumns?: string[];
  /** only the points [start, end) of the flattened grid (a shard) */
  range?: [number, number];
  /** a block finished earlier (resume): its values, or undefined to compute it */
  loadBlock?: (start: number, n: number) => Promise<StoredBlock | undefined>;
  /** called after each computed block, e.g. to save it */
  onBlock?: (start: number, n: number, res: SweepResult) => Promise<void>;
  /** asked between blocks: true stops the run, keeping what finished */
  shouldStop?: () => boolean;
}

export interface CrossCheck {
  points: number;
  /** per column: largest |backend - float64| over the checked points, and where */
  max_abs_diff: Record<string, { value: number; at: Record<string, number> }>;
}

export interface SweepResult {
  spec: ResolvedSpec;
  grid: Grid;
  columns: string[];
  /** values[c][k] belongs to flat grid point offset + k */
  values: Record<string, Float32Array | Float64Array>;
  flags: Uint8Array;
  /** the first flat grid point of this result (0 unless sharded) and how many it covers */
  offset: number;
  count: number;
  /** finished points: a prefix of the range, in blocks */
  done: number;
  /** of which loaded from an earlier run */
  resumed: number;
  error?: Error;
  /** the run was asked to stop (e.g. SIGINT) before it finished */
  stopped?: boolean;
  backend: Record<string, unknown>;
  integrator: string;
  dt?: number;
  blockPoints: number;
  seconds: { total: number; compute: number };
  pointsPerSecond: number;
  check?: CrossCheck;
}

export function settingsOf(grid: Grid): RunSettings {
  const b = grid.base;
  return { system: b.system, model: b.model, reservoir: b.reservoir, zeroFreq: b.zero_freq };
}

export function defaultIntegrator(backend: SweepBackend): string {
  return backend.name === 'cpu' ? 'expm' : 'leap';
}

/** Block size when none is given: small on the float64 backend (slow), large on GPUs. */
export function defaultBlockPoints(backend: SweepBackend): number {
  return backend.precision === 'float64' ? 4096 : 1 << 16;
}

/** Bytes per point the result columns take. */
export function bytesPerPoint(columns: number, precision: 'float32' | 'float64'): number {
  return columns * (precision === 'float32' ? 4 : 8) + 1;
}

/** Refuses a sweep whose result columns would not fit in memory: before anything is allocated or created. */
export function checkResultMemory(count: number, columns: number, precision: 'float32' | 'float64', limit = totalmem() / 2): void {
  const need = count * bytesPerPoint(columns, precision);
  if (need > limit) {
    const gib = (x: number) => `${(x / 2 ** 30).toFixed(1)} GiB`;
    throw new InputError(
      `spec: ${count.toLocaleString('en-US')} points need ~${gib(need)} for their results, more than the ${gib(limit)} this machine allows; split the sweep with --shard i/N (or fewer outputs, a coarser --grid)`,
    );
  }
}

export async function runSweep(spec: ResolvedSpec, opts: SweepRunOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const grid = new Grid(spec);
  grid.validate();
  const [offset, end] = opts.range ?? [0, spec.count];
  const count = end - offset;
  const columns = outputColumns(spec.outputs);
  for (const c of opts.extraColumns ?? []) if (!columns.includes(c)) columns.push(c);
  checkResultMemory(count, columns.length, opts.backend.precision, opts.memoryLimit);
  const Arr = opts.backend.precision === 'float32' ? Float32Array : Float64Array;
  const values: Record<string, Float32Array | Float64Array> = {};
  for (const c of columns) values[c] = new Arr(count).fill(Number.NaN);
  const flags = new Uint8Array(count);
  const integrator = opts.integrator ?? defaultIntegrator(opts.backend);
  const job: SweepJob = { grid, settings: settingsOf(grid), integrator, dt: opts.dt, outputs: spec.outputs };
  const block = opts.blockPoints ?? defaultBlockPoints(opts.backend);
  const result: SweepResult = {
    spec,
    grid,
    columns,
    values,
    flags,
    offset,
    count,
    done: 0,
    resumed: 0,
    backend: opts.backend.describe(),
    integrator,
    dt: opts.dt,
    blockPoints: block,
    seconds: { total: 0, compute: 0 },
    pointsPerSecond: 0,
  };
  let compute = 0;
  let computed = 0;
  // blocks are aligned to the grid (not to the range), so a shard's blocks are the whole run's
  for (let start = offset; start < end && !result.error; ) {
    const blockEnd = Math.min(end, (Math.floor(start / block) + 1) * block);
    const n = blockEnd - start;
    const at = start - offset;
    const stored = await opts.loadBlock?.(start, n);
    if (stored) {
      for (const c of columns) values[c].set(stored.values[c] as ArrayLike<number>, at);
      flags.set(stored.flags, at);
      result.done += n;
      result.resumed += n;
    } else {
      if (opts.shouldStop?.()) {
        result.stopped = true;
        break;
      }
      const tb = performance.now();
      const r = await opts.backend.evaluate(job, start, n, (d) => opts.onProgress?.(result.done + d, count));
      compute += performance.now() - tb;
      for (const c of columns) copyColumn(r.records, r.done, c, values[c], at);
      for (let k = 0; k < r.done; k++) flags[at + k] = recordFlags(r.records, k);
      if (r.error || r.done < n) {
        // the finished points stay in the result (and in a partial CSV); only whole blocks are
        // saved for --resume, so the next run recomputes this block
        result.error = r.error ?? new Error(`block ${start}..${blockEnd - 1} stopped after ${r.done} points`);
        result.done += r.done;
        break;
      }
      result.done += n;
      computed += n;
      await opts.onBlock?.(start, n, result);
    }
    opts.onProgress?.(result.done, count);
    start = blockEnd;
  }
  result.seconds.compute = compute / 1000;
  result.pointsPerSecond = computed / Math.max(compute / 1000, 1e-9);
  const nCheck = opts.check ?? (opts.backend.precision === 'float32' ? 24 : 0);
  if (nCheck > 0 && result.done > 0) result.check = crossCheck(result, Math.min(nCheck, result.done));
  result.seconds.total = (performance.now() - t0) / 1000;
  return result;
}

/** Re-evaluates evenly spread finished points in float64 (exact exponential) and records the largest differences. */
export function crossCheck(res: SweepResult, n: number): CrossCheck {
  const max_abs_diff: CrossCheck['max_abs_diff'] = {};
  const scalar = res.columns.filter((c) => c in OUTPUT_DOCS);
  for (let j = 0; j < n; j++) {
    const k = Math.min(res.done - 1, Math.round(((j + 0.5) * res.done) / n));
    const ref = evaluatePoint(res.grid.point(res.offset + k));
    const refValues: Record<string, number> = {
      efficiency: ref.efficiency,
      E_B_over_omega: ref.E_B_over_omega,
      ergotropy_over_omega: ref.ergotropy_over_omega,
      concurrence: ref.concurrence,
      liouvillian_gap: ref.liouvillian_gap,
      'steady.efficiency': ref.steady.efficiency,
      'steady.E_B_over_omega': ref.steady.E_B_over_omega,
      'steady.ergotropy_over_omega': ref.steady.ergotropy_over_omega,
      'steady.concurrence': ref.steady.concurrence,
      'steady.kernel_dim': ref.steady.kernel_dim,
    };
    for (const c of scalar) {
      const a = res.values[c][k];
      const b = refValues[c];
      if (Number.isNaN(a) || Number.isNaN(b)) continue;
      const d = Math.abs(a - b);
      if (!max_abs_diff[c] || d > max_abs_diff[c].value) {
        const at: Record<string, number> = {};
        const vals = res.grid.axisValues(res.offset + k);
        res.grid.axes.forEach((ax, i) => (at[ax.param] = vals[i]));
        max_abs_diff[c] = { value: d, at };
      }
    }
  }
  return { points: n, max_abs_diff };
}
