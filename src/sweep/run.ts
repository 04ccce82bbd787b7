// Running a sweep: fixed blocks of points through a backend into output columns, with
// progress, a memory check, a float64 cross-check of a sample of points, and the hooks that
// make runs resumable (blocks already on disk are loaded, each new block can be saved, and a
// stop request is honoured between blocks).

import { totalmem } from 'node:os';
import { InputError } from '../model/params.js';
import { evaluatePoint } from '../model/point.js';
import type { RunSettings, SweepBackend, SweepJob } from '../backends/types.js';
import { Grid } from './grid.js';
import { OUTPUT_DOCS, type RecordShape, recordShape, TIME_COLUMNS, TRAJECTORY_COLUMNS, FlagWords, copyColumn, outputColumns, recordFlags, settleRecord } from './outputs.js';
import { FLAG_BITS } from '../core/layout.js';
import { CHARGING_FIGURES, TRAJECTORY_QUANTITIES, chargingCurve, chargingFigures, timeValues } from '../model/charging.js';
import { generator } from '../model/generators.js';
import { initialVector } from '../model/evolve.js';
import { inverseTemperatureSum } from '../model/observables.js';
import { GAP_RESOLUTION_F32, type ValueCheck, checkValue, trajectoryTolerance } from './tolerance.js';
import type { ResolvedSpec } from './spec.js';

export interface StoredBlock {
  values: Record<string, ArrayLike<number>>;
  flags: ArrayLike<number>;
  /** with a time grid: each TRAJECTORY_COLUMNS array, n times per point */
  trajectories?: Record<string, ArrayLike<number>>;
}

export interface SweepRunOptions {
  backend: SweepBackend;
  integrator?: string;
  dt?: number;
  /** points per block: the unit of progress, of saving and of resuming */
  blockPoints?: number;
  /** float64 cross-check of this many points (default 24 on float32 backends, 0 on cpu; 0 disables; Infinity: all) */
  check?: number;
  /** `loaded`: the points since the last call came from an earlier run (loadBlock), not computed */
  onProgress?: (done: number, total: number, loaded?: boolean) => void;
  /** bytes the result columns may take (default: half the machine's memory) */
  memoryLimit?: number;
  /** columns kept besides the outputs, e.g. liouvillian_gap and _spectral_radius for a comparison */
  extraColumns?: string[];
  /** only the points [start, end) of the flattened grid (a shard) */
  range?: [number, number];
  /** a block finished earlier (resume): its values, or undefined to compute it */
  loadBlock?: (start: number, n: number) => Promise<StoredBlock | undefined>;
  /** each computed block's settled records (recordLayout of the system's state size), e.g. for a point's state, which no column holds */
  onRecords?: (records: Float32Array | Float64Array, start: number, done: number) => void;
  /** called after each computed block, e.g. to save it */
  onBlock?: (start: number, n: number, res: SweepResult) => Promise<void>;
  /** asked between blocks: true stops the run, keeping what finished */
  shouldStop?: () => boolean;
  /** the backend's kernels are being compiled, up to their first dispatch (before any computing): 'start', then 'done' with the seconds */
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
  /** with a spec time grid: the times, and each TRAJECTORY_COLUMNS array (trajectories[c][k * times.length + j] at point offset + k, time j) */
  times?: number[];
  trajectories?: Record<string, Float32Array | Float64Array>;
  flags: FlagWords;
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

/** Bytes per point the result columns take, with a time grid of `times` points: 5 curves of that many values more. */
export function bytesPerPoint(columns: number, precision: 'float32' | 'float64', times = 0): number {
  return (columns + TRAJECTORY_QUANTITIES.length * times) * (precision === 'float32' ? 4 : 8) + 1;
}

/**
 * What writing a result's HDF5 file takes besides the result, as a multiple of its arrays: the
 * read-back that verifies the file holds a second copy of every array, and h5wasm copies the
 * array it writes into its heap. Measured (/usr/bin/time -v, 256 points x 80,000 times, float32,
 * 410 MB of curves): +527 MB writing NAME.h5, +532 MB writing a part, so 1.3x; 1.5 with margin.
 * (The estimate once counted the arrays alone: 100,000 times on 16 x 16 points peaked far above it.)
 */
export const HDF5_WRITE_OVERHEAD = 1.5;

/** Bytes a result of `count` points takes in memory until its files are written (the HDF5 writer included). */
export function resultMemory(count: number, columns: number, precision: 'float32' | 'float64', times = 0): number {
  return count * bytesPerPoint(columns, precision, times) * (1 + HDF5_WRITE_OVERHEAD);
}

/** Refuses a sweep whose results would not fit in memory: before anything is allocated or created. */
export function checkResultMemory(count: number, columns: number, precision: 'float32' | 'float64', limit = totalmem() / 2, times = 0): void {
  const need = resultMemory(count, columns, precision, times);
  if (need > limit) {
    const gib = (x: number) => `${(x / 2 ** 30).toFixed(1)} GiB`;
    const curves = times ? ` (the charging curves: ${TRAJECTORY_QUANTITIES.length} x ${times} times x ${precision === 'float32' ? 4 : 8} bytes per point)` : '';
    throw new InputError(
      `spec: ${count.toLocaleString('en-US')} points need ~${gib(need)} for their results${curves} and writing them, more than the ${gib(limit)} this machine allows; split the sweep with --shard i/N (or fewer ${times ? 'times' : 'outputs'}, a coarser --grid)`,
    );
  }
}

/** Refuses a time grid on a backend that cannot compute charging curves, before the run starts. */
export function checkTimeGrids(spec: ResolvedSpec, backend: Pick<SweepBackend, 'name' | 'timeGrids'>): void {
  if (spec.times && backend.timeGrids === false) {
    throw new InputError(`spec times: the ${backend.name}${backend.name === 'browser' ? ' (webgl)' : ''} backend cannot compute charging curves on a time grid; use --backend webgpu, browser (WebGPU) or cpu, or drop "times" (a tau axis gives the same values, one dispatch per time)`);
  }
}

/** Points per block when none is given: with a time grid, blocks shrink so that one holds about 256 MiB of curves. */
export function blockPointsFor(backend: SweepBackend, spec: ResolvedSpec): number {
  const block = defaultBlockPoints(backend);
  if (!spec.times) return block;
  const perPoint = TRAJECTORY_QUANTITIES.length * spec.times.n * (backend.precision === 'float32' ? 4 : 8);
  return Math.max(64, Math.min(block, 2 ** Math.floor(Math.log2((256 * 2 ** 20) / perPoint))));
}

/**
 * Whether `backend` runs this sweep's kernels at all: its prepare (compile, one point) on the
 * first point, without the run. `auto` asks before it commits to webgpu for n > 2, where an
 * adapter's loop budget may cut the kernel (llvmpipe at n = 4); the error, or undefined.
 */
export async function probeBackend(spec: ResolvedSpec, backend: SweepBackend, integrator?: string): Promise<Error | undefined> {
  if (!backend.prepare) return undefined;
  const grid = new Grid(spec);
  const job: SweepJob = { rows: grid, settings: settingsOf(grid), integrator: integrator ?? defaultIntegrator(backend), outputs: spec.outputs, times: spec.times };
  return backend.prepare(job).then(
    () => undefined,
    (e: Error) => e,
  );
}

export async function runSweep(spec: ResolvedSpec, opts: SweepRunOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const grid = new Grid(spec);
  grid.validate();
  const [offset, end] = opts.range ?? [0, spec.count];
  const count = end - offset;
  const columns = outputColumns(spec.outputs, spec.point.system.stateDim);
  for (const c of opts.extraColumns ?? []) if (!columns.includes(c)) columns.push(c);
  checkTimeGrids(spec, opts.backend);
  const nt = spec.times?.n ?? 0;
  checkResultMemory(count, columns.length, opts.backend.precision, opts.memoryLimit, nt);
  const Arr = opts.backend.precision === 'float32' ? Float32Array : Float64Array;
  const values: Record<string, Float32Array | Float64Array> = {};
  // the charging times are grid times, exact in float64 whatever the backend's arithmetic
  for (const c of columns) values[c] = new (TIME_COLUMNS.includes(c) ? Float64Array : Arr)(count).fill(Number.NaN);
  const flags = new FlagWords(count);
  const times = spec.times ? timeValues(spec.times) : undefined;
  const trajectories: Record<string, Float32Array | Float64Array> | undefined = spec.times ? {} : undefined;
  if (trajectories) for (const c of TRAJECTORY_COLUMNS) trajectories[c] = new Arr(count * nt).fill(Number.NaN);
  const figures = columns.filter((c) => (CHARGING_FIGURES as readonly string[]).includes(c));
  const integrator = opts.integrator ?? defaultIntegrator(opts.backend);
  const job: SweepJob = { rows: grid, settings: settingsOf(grid), integrator, dt: opts.dt, outputs: spec.outputs, times: spec.times };
  // records of the system's size (the cpu backend's for n != 2)
  const shape = recordShape(job.settings.system.stateDim);
  const block = opts.blockPoints ?? blockPointsFor(opts.backend, spec);
  const result: SweepResult = {
    spec,
    grid,
    columns,
    values,
    flags,
    ...(times ? { times, trajectories } : {}),
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
      if (trajectories) for (const c of TRAJECTORY_COLUMNS) trajectories[c].set(stored.trajectories![c], at * nt);
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
      for (let k = 0; k < r.done; k++) settleRecord(r.records, k, shape);
      opts.onRecords?.(r.records, start, r.done);
      for (const c of columns) if (!figures.includes(c)) copyColumn(r.records, r.done, c, values[c], at, shape);
      for (let k = 0; k < r.done; k++) flags[at + k] = recordFlags(r.records, k, opts.backend.precision, shape);
      if (trajectories && times) storeCurves(r, times, trajectories, figures.length ? values : undefined, at, shape);
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
    opts.onProgress?.(result.done, count, Boolean(stored));
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
 * A block's charging curves (quantity-major per point) into the result's arrays, and the
 * charging figures of each point from its E_B and power curves and its long-time E_B.
 */
function storeCurves(r: { records: ArrayLike<number>; done: number; trajectories?: ArrayLike<number>; error?: Error }, times: number[], trajectories: Record<string, Float32Array | Float64Array>, values: Record<string, Float32Array | Float64Array> | undefined, at: number, shape: RecordShape): void {
  const nt = times.length;
  const q = TRAJECTORY_QUANTITIES.length;
  const src = r.trajectories;
  // a block that failed before its curves: its finished points keep NaN curves (it is not saved)
  if (!src && r.error) return;
  if (!src) throw new Error('the backend returned no charging curves for a spec with a time grid');
  const curve = (k: number, qi: number) => (src as Float32Array | Float64Array).subarray((k * q + qi) * nt, (k * q + qi + 1) * nt);
  TRAJECTORY_COLUMNS.forEach((c, qi) => {
    for (let k = 0; k < r.done; k++) trajectories[c].set(curve(k, qi), (at + k) * nt);
  });
  if (!values) return;
  const energy = TRAJECTORY_QUANTITIES.indexOf('E_B_over_omega');
  const power = TRAJECTORY_QUANTITIES.indexOf('average_power');
  for (let k = 0; k < r.done; k++) {
    const steady = r.records[k * shape.stride + shape.layout.steadyEnergy];
    const f = chargingFigures(times, curve(k, energy), curve(k, power), steady);
    for (const [name, v] of Object.entries(f)) if (values[name]) values[name][at + k] = v;
  }
}

/**
 * The float64 cross-check, a gate: evenly spread finished points are re-evaluated with the exact
 * exponential and every scalar output is compared with its tolerance (tolerance.ts); NaN against
 * a number fails. Points where the reference itself has no number (a degenerate crossing) and
 * long-time values where the gap is below float32's resolution (README: known limits) are not
 * counted; a non-finite point (NaN everywhere) agrees where this run has NaN too, an unstable
 * one where this run flags it unstable (or non-finite). `n` >= res.done checks every finished point.
 */
export function crossCheck(res: SweepResult, n: number): CrossCheck {
  n = Math.min(n, res.done);
  const columns: CrossCheck['columns'] = {};
  // the outputs asked for (extra columns, e.g. a comparison's gap, may not have been computed on a GPU)
  const scalar = res.columns.filter((c) => c in OUTPUT_DOCS && res.spec.outputs.includes(c) && !(CHARGING_FIGURES as readonly string[]).includes(c));
  const nt = res.times?.length ?? 0;
  const add = (c: string, k: number, value: number, reference: number, v: ValueCheck | undefined) => {
    if (!v) return;
    const col = (columns[c] ??= { checked: 0, failed: 0, pass: true, max_abs_diff: 0 });
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
      col.worst = { ratio: v.ratio, value, float64: reference, tolerance: v.tolerance, point: res.offset + k, at };
    }
  };
  for (let j = 0; j < n; j++) {
    const k = n === res.done ? j : Math.min(res.done - 1, Math.round(((j + 0.5) * res.done) / n));
    const p = res.grid.point(res.offset + k);
    const ref = evaluatePoint(p);
    if (ref.flags.includes('degenerate')) continue;
    // a growing mode amplifies rounding by e^(lambda t), beyond any tolerance: the point agrees
    // when this run found it unstable too (or overflowed: non-finite); its long-time values are NaN
    if (ref.flags.includes('unstable') && res.flags[k] & (FLAG_BITS.unstable | FLAG_BITS['non-finite'])) continue;
    const unresolvable = Math.abs(ref.liouvillian_gap) < GAP_RESOLUTION_F32 * ref.spectral_radius;
    const at = { gap: ref.liouvillian_gap, radius: ref.spectral_radius, tau: p.tau, inverseTemperatures: scalar.includes('steady.entropy_production') ? inverseTemperatureSum(p) : undefined };
    for (const c of scalar) {
      if (unresolvable && c.startsWith('steady.')) continue;
      // the reference by its point --json name ('steady.x' -> steady.x); none for absent reservoirs
      const reference = c.startsWith('steady.') ? (ref.steady as unknown as Record<string, number>)[c.slice(7)] : (ref as unknown as Record<string, number>)[c];
      if (typeof reference !== 'number') continue;
      const energy = c === 'steady.efficiency' ? ref.steady.E_B_over_omega : ref.E_B_over_omega;
      add(c, k, res.values[c][k], reference, checkValue(c, res.values[c][k], reference, { ...at, energy }));
    }
    // a non-finite point is NaN everywhere: its scalars agreed above where this run has NaN too
    if (!res.trajectories || !res.times || !res.spec.times || ref.flags.includes('non-finite')) continue;
    // the charging curve at every time of the grid, and the figures read off it
    const curve = chargingCurve(p.system, generator(p).G, initialVector(p), res.spec.times, { concurrence: res.spec.outputs.includes('concurrence') });
    TRAJECTORY_COLUMNS.forEach((c, q) => {
      for (let t = 0; t < nt; t++) {
        const value = res.trajectories![c][k * nt + t];
        const reference = curve[q * nt + t];
        add(c, k, value, reference, checkValue(c, value, reference, { ...at, tau: res.times![t], energy: curve[t] }));
      }
    });
    // the 90% threshold needs the long-time value, which float32 cannot resolve at such points
    const figures = res.columns.filter((c) => (CHARGING_FIGURES as readonly string[]).includes(c) && !(unresolvable && c === 'charging_time_90'));
    if (!figures.length) continue;
    const energy = curve.subarray(0, nt);
    const power = curve.subarray(4 * nt, 5 * nt);
    for (const [c, v] of Object.entries(checkChargingFigures(res.times, energy, power, ref.steady.E_B_over_omega, res.values, k, figures))) add(c, k, res.values[c][k], v.reference, v);
  }
  for (const c of Object.keys(columns)) if (columns[c].checked === 0) delete columns[c];
  return { points: n, pass: Object.values(columns).every((c) => c.pass), columns };
}

/**
 * The charging figures of point k against its float64 curve. The times are grid times chosen by
 * a maximum and a threshold, so a float32 value may pick a neighbour where the curve is flat:
 * time_of_max_average_power passes where the float64 power there is within tolerance of the
 * float64 maximum; charging_time_90 where it lies between the first times the float64 E_B comes
 * within tolerance below and above the threshold (NaN agrees where the float64 curve never gets
 * within tolerance of it).
 */
function checkChargingFigures(times: number[], energy: ArrayLike<number>, power: ArrayLike<number>, steady: number, values: Record<string, ArrayLike<number>>, k: number, figures: string[]): Record<string, ValueCheck & { reference: number }> {
  const ref = chargingFigures(times, energy, power, steady);
  const out: Record<string, ValueCheck & { reference: number }> = {};
  const tol = trajectoryTolerance('average_power');
  if (figures.includes('max_average_power')) {
    const v = checkValue('trajectory.average_power', values.max_average_power[k], ref.max_average_power, { gap: 0, radius: 1, tau: 0 });
    if (v) out.max_average_power = { ...v, reference: ref.max_average_power };
  }
  if (figures.includes('time_of_max_average_power')) {
    const t = values.time_of_max_average_power[k];
    const j = times.findIndex((x) => Math.abs(x - t) <= 1e-6 * Math.max(1, Math.abs(x)));
    const short = j < 0 ? Infinity : Math.max(0, ref.max_average_power - power[j]);
    out.time_of_max_average_power = { ratio: short / tol, diff: Math.abs(t - ref.time_of_max_average_power), tolerance: tol, pass: short <= tol, reference: ref.time_of_max_average_power };
  }
  if (figures.includes('charging_time_90')) {
    const t = values.charging_time_90[k];
    const eTol = trajectoryTolerance('E_B_over_omega');
    const first = (thr: number) => {
      const j = Array.prototype.findIndex.call(energy, (e: number) => e >= thr);
      return j < 0 ? Infinity : times[j];
    };
    const lo = Number.isFinite(steady) ? first(0.9 * steady - eTol) : Infinity;
    const hi = Number.isFinite(steady) ? first(0.9 * steady + eTol) : Infinity;
    // a time stored in float32 is the grid time to 1e-7 relative
    const slack = 1e-6 * Math.max(1, Math.abs(t));
    const pass = Number.isNaN(t) ? !(Number.isFinite(lo) && Number.isFinite(hi)) : t >= lo - slack && t <= hi + slack;
    out.charging_time_90 = { ratio: pass ? 0 : Infinity, diff: Math.abs(t - ref.charging_time_90), tolerance: eTol, pass, reference: ref.charging_time_90 };
  }
  return out;
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
  const what = `float64 cross-check of ${check.points} point${check.points === 1 ? '' : 's'}`;
  if (!check.columns) return `${what}: no verdict recorded (a manifest from before the check was a gate)`;
  const cols = Object.entries(check.columns);
  const worst = cols.filter(([, c]) => c.worst).sort((a, b) => b[1].worst!.ratio - a[1].worst!.ratio)[0];
  const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(1) : String(x));
  if (check.pass) {
    const detail = worst ? `; worst ${worst[0]} |diff| ${fmt(Math.abs(worst[1].worst!.value - worst[1].worst!.float64))} = ${worst[1].worst!.ratio.toPrecision(2)} of its tolerance` : '';
    return `${what}: PASSED (${cols.length} outputs within tolerance${detail})`;
  }
  const failed = cols.filter(([, c]) => !c.pass);
  const parts = failed.map(([name, c]) => {
    const w = c.worst!;
    const where = Object.entries(w.at).map(([k, v]) => `${k}=${+v.toPrecision(6)}`).join(' ');
    return `${name} ${c.failed}/${c.checked} points off (worst at ${where}: ${w.value} vs float64 ${w.float64}, tolerance ${w.tolerance.toExponential(0)})`;
  });
  return `CROSS-CHECK FAILED: ${parts.join('; ')}`;
}
