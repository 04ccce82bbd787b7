// Running a sweep: blocks of points through a backend into output columns, with progress,
// a memory check, and a float64 cross-check of a sample of points.

import { totalmem } from 'node:os';
import { InputError } from '../model/params.js';
import { evaluatePoint } from '../model/point.js';
import type { SweepBackend, SweepJob } from '../backends/types.js';
import type { RunSettings } from '../backends/webgpu/engine.js';
import { Grid } from './grid.js';
import { OUTPUT_DOCS, copyColumn, outputColumns, recordFlags } from './outputs.js';
import type { ResolvedSpec } from './spec.js';

export interface SweepRunOptions {
  backend: SweepBackend;
  integrator?: string;
  dt?: number;
  /** points handed to the backend at a time */
  blockPoints?: number;
  /** float64 cross-check of this many points (GPU backends; 0 disables) */
  check?: number;
  onProgress?: (done: number, total: number) => void;
  /** bytes the result columns may take (default: half the machine's memory) */
  memoryLimit?: number;
  /** columns kept besides the outputs, e.g. liouvillian_gap and _spectral_radius for a comparison */
  extraColumns?: string[];
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
  values: Record<string, Float32Array | Float64Array>;
  flags: Uint8Array;
  done: number;
  error?: Error;
  backend: Record<string, unknown>;
  integrator: string;
  dt?: number;
  seconds: { total: number; compute: number };
  pointsPerSecond: number;
  check?: CrossCheck;
}

export function settingsOf(grid: Grid): RunSettings {
  const b = grid.base;
  return { model: b.model, reservoir: b.reservoir, zeroFreq: b.zero_freq, lindbladFreq: b.lindblad_freq };
}

export function defaultIntegrator(backend: SweepBackend): string {
  return backend.name === 'cpu' ? 'expm' : 'leap';
}

/** Bytes per point the result columns take. */
export function bytesPerPoint(columns: number, precision: 'float32' | 'float64'): number {
  return columns * (precision === 'float32' ? 4 : 8) + 1;
}

export async function runSweep(spec: ResolvedSpec, opts: SweepRunOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const grid = new Grid(spec);
  grid.validate();
  const columns = outputColumns(spec.outputs);
  for (const c of opts.extraColumns ?? []) if (!columns.includes(c)) columns.push(c);
  const limit = opts.memoryLimit ?? totalmem() / 2;
  const need = spec.count * bytesPerPoint(columns.length, opts.backend.precision);
  if (need > limit) {
    const gib = (x: number) => `${(x / 2 ** 30).toFixed(1)} GiB`;
    throw new InputError(
      `spec: ${spec.count.toLocaleString('en-US')} points need ~${gib(need)} for their results, more than the ${gib(limit)} this machine allows; split the sweep with --shard i/N (or fewer outputs, a coarser --grid)`,
    );
  }
  const Arr = opts.backend.precision === 'float32' ? Float32Array : Float64Array;
  const values: Record<string, Float32Array | Float64Array> = {};
  for (const c of columns) values[c] = new Arr(spec.count).fill(Number.NaN);
  const flags = new Uint8Array(spec.count);
  const integrator = opts.integrator ?? defaultIntegrator(opts.backend);
  const job: SweepJob = { grid, settings: settingsOf(grid), integrator, dt: opts.dt, outputs: spec.outputs };
  const block = opts.blockPoints ?? 1 << 18;
  let done = 0;
  let error: Error | undefined;
  let compute = 0;
  while (done < spec.count && !error) {
    const n = Math.min(block, spec.count - done);
    const tb = performance.now();
    const r = await opts.backend.evaluate(job, done, n, (d) => opts.onProgress?.(done + d, spec.count));
    compute += performance.now() - tb;
    for (const c of columns) copyColumn(r.records, r.done, c, values[c], done);
    for (let k = 0; k < r.done; k++) flags[done + k] = recordFlags(r.records, k);
    done += r.done;
    opts.onProgress?.(done, spec.count);
    error = r.error;
  }
  const result: SweepResult = {
    spec,
    grid,
    columns,
    values,
    flags,
    done,
    error,
    backend: opts.backend.describe(),
    integrator,
    dt: opts.dt,
    seconds: { total: 0, compute: compute / 1000 },
    pointsPerSecond: done / Math.max(compute / 1000, 1e-9),
  };
  const nCheck = opts.check ?? (opts.backend.precision === 'float32' ? 24 : 0);
  if (nCheck > 0 && done > 0) result.check = crossCheck(result, Math.min(nCheck, done));
  result.seconds.total = (performance.now() - t0) / 1000;
  return result;
}

/** Re-evaluates evenly spread points in float64 (exact exponential) and records the largest differences. */
export function crossCheck(res: SweepResult, n: number): CrossCheck {
  const max_abs_diff: CrossCheck['max_abs_diff'] = {};
  const scalar = res.columns.filter((c) => c in OUTPUT_DOCS);
  for (let j = 0; j < n; j++) {
    const k = Math.min(res.done - 1, Math.round(((j + 0.5) * res.done) / n));
    const ref = evaluatePoint(res.grid.point(k));
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
        const vals = res.grid.axisValues(k);
        res.grid.axes.forEach((ax, i) => (at[ax.param] = vals[i]));
        max_abs_diff[c] = { value: d, at };
      }
    }
  }
  return { points: n, max_abs_diff };
}

