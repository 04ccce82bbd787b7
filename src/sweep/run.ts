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
import { GAP_RESOLUTION_F32, checkValue } from './tolerance.js';
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
  /** float64 cross-check of this many points (default 24 on float32 backends, 0 on cpu; 0 disables; Infinity: all) */
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
  /** the backend's kernels are being compiled (before any computing): 'start', then 'done' with the seconds */
  onCompile?: (phase: 'start' | 'done', seconds?: number) => void;
}

export interface CrossCheckColumn {
  /** points compared (not counted: a degenerate reference, or long-time values at an unresolvable gap) */
  checked: number;
  /** of which outside the tolerance (NaN against a number included) */
  failed: number;
  pass: boolean;
  /** largest finite |backend - float64| */
  max_abs_diff: number;
  /** the point with the largest |diff| / tolerance */
  worst?: { ratio: number; value: number; float64: number; tolerance: number; point: number; at: Record<string, number> };
}

export interface CrossCheck {
  points: number;
  /** every column within its tolerance at every checked point */
  pass: boolean;
  columns: Record<string, CrossCheckColumn>;
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
  /** compile: the backend's kernels (GPU), not counted in compute */
  seconds: { total: number; compute: number; compile?: number };
  pointsPerSecond: number;
  check?: CrossCheck;
}

/** points a GPU sweep re-checks in float64 unless told otherwise (--check) */
export const DEFAULT_CHECK_POINTS = 24;

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
  if (opts.backend.prepare) {
    opts.onCompile?.('start');
    const tc = performance.now();
    await opts.backend.prepare(job);
    result.seconds.compile = (performance.now() - tc) / 1000;
    opts.onCompile?.('done', result.seconds.compile);
  }
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
      for (let k = 0; k < r.done; k++) flags[at + k] = recordFlags(r.records, k, opts.backend.precision);
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
  const nCheck = opts.check ?? (opts.backend.precision === 'float32' ? DEFAULT_CHECK_POINTS : 0);
  if (nCheck > 0 && result.done > 0) result.check = crossCheck(result, Math.min(nCheck, result.done));
  result.seconds.total = (performance.now() - t0) / 1000;
  return result;
}

/**
 * The float64 cross-check, a gate: evenly spread finished points are re-evaluated with the exact
 * exponential and every scalar output is compared with its tolerance (tolerance.ts); NaN against
 * a number fails. Points where the reference itself has no number (a degenerate crossing) and
 * long-time values where the gap is below float32's resolution (README: known limits) are not
 * counted. `n` >= res.done checks every finished point.
 */
export function crossCheck(res: SweepResult, n: number): CrossCheck {
  n = Math.min(n, res.done);
  const columns: CrossCheck['columns'] = {};
  const scalar = res.columns.filter((c) => c in OUTPUT_DOCS);
  for (const c of scalar) columns[c] = { checked: 0, failed: 0, pass: true, max_abs_diff: 0 };
  for (let j = 0; j < n; j++) {
    const k = n === res.done ? j : Math.min(res.done - 1, Math.round(((j + 0.5) * res.done) / n));
    const p = res.grid.point(res.offset + k);
    const ref = evaluatePoint(p);
    if (ref.flags.includes('degenerate')) continue;
    const unresolvable = Math.abs(ref.liouvillian_gap) < GAP_RESOLUTION_F32 * ref.spectral_radius;
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
      if (unresolvable && c.startsWith('steady.')) continue;
      const v = checkValue(c, res.values[c][k], refValues[c], { gap: ref.liouvillian_gap, radius: ref.spectral_radius, tau: p.tau });
      if (!v) continue;
      const col = columns[c];
      col.checked++;
      if (!v.pass) {
        col.failed++;
        col.pass = false;
      }
      if (Number.isFinite(v.diff) && v.diff > col.max_abs_diff) col.max_abs_diff = v.diff;
      if (!col.worst || v.ratio > col.worst.ratio) {
        const at: Record<string, number> = {};
        const vals = res.grid.axisValues(res.offset + k);
        res.grid.axes.forEach((ax, i) => (at[ax.param] = vals[i]));
        col.worst = { ratio: v.ratio, value: res.values[c][k], float64: refValues[c], tolerance: v.tolerance, point: res.offset + k, at };
      }
    }
  }
  for (const c of Object.keys(columns)) if (columns[c].checked === 0) delete columns[c];
  return { points: n, pass: Object.values(columns).every((c) => c.pass), columns };
}

/** The cross-checks of several shards as one: every column passes only if it passed everywhere. */
export function mergeCrossChecks(checks: CrossCheck[]): CrossCheck {
  const columns: CrossCheck['columns'] = {};
  for (const ch of checks) {
    for (const [c, col] of Object.entries(ch.columns ?? {})) {
      const acc = (columns[c] ??= { checked: 0, failed: 0, pass: true, max_abs_diff: 0 });
      acc.checked += col.checked;
      acc.failed += col.failed;
      acc.pass &&= col.pass;
      acc.max_abs_diff = Math.max(acc.max_abs_diff, col.max_abs_diff);
      if (col.worst && (!acc.worst || col.worst.ratio > acc.worst.ratio)) acc.worst = col.worst;
    }
  }
  return { points: checks.reduce((s, c) => s + c.points, 0), pass: checks.every((c) => c.pass !== false), columns };
}

/** One line: the verdict and the worst column, e.g. for stderr and the explorer. */
export function crossCheckSummary(check: CrossCheck): string {
  if (!check.columns) return `float64 cross-check of ${check.points} points: no verdict recorded (a manifest from before the check was a gate)`;
  const cols = Object.entries(check.columns);
  const worst = cols.filter(([, c]) => c.worst).sort((a, b) => b[1].worst!.ratio - a[1].worst!.ratio)[0];
  const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(1) : String(x));
  if (check.pass) {
    const detail = worst ? `; worst ${worst[0]} |diff| ${fmt(Math.abs(worst[1].worst!.value - worst[1].worst!.float64))} = ${worst[1].worst!.ratio.toPrecision(2)} of its tolerance` : '';
    return `float64 cross-check of ${check.points} points: PASSED (${cols.length} outputs within tolerance${detail})`;
  }
  const failed = cols.filter(([, c]) => !c.pass);
  const parts = failed.map(([name, c]) => {
    const w = c.worst!;
    const where = Object.entries(w.at).map(([k, v]) => `${k}=${+v.toPrecision(6)}`).join(' ');
    return `${name} ${c.failed}/${c.checked} points off (worst at ${where}: ${w.value} vs float64 ${w.float64}, tolerance ${w.tolerance.toExponential(0)})`;
  });
  return `CROSS-CHECK FAILED: ${parts.join('; ')}`;
}
