// The contract of every backend (cpu, webgpu, browser, webgl): evaluate a range of a sweep's
// points into records of RECORD_STRIDE values (layout: shaders/layout.wgsl). Nothing here comes
// from a concrete backend: they all build on it.

import type { RunConstants } from '../core/layout.js';
import { rowLayout } from '../core/layout.js';
import type { TimeGrid } from '../model/charging.js';
import type { SystemDefinition } from '../system/definition.js';

export type BackendName = 'cpu' | 'webgpu' | 'browser' | 'webgl';

/** What a run fixes for all its points: the system and its model, the statistics and zero-frequency choices. */
export type RunSettings = Omit<RunConstants, 'count' | 'steps' | 'firstStep'> & { system: SystemDefinition };

/** Where a job's parameter rows come from (a sweep's Grid; in the browser, rows the host sent). */
export interface RowSource {
  /** writes the rows of points start .. start + n - 1 (src/core/layout.ts ROW) into dst, with step dt (0: each point's own) */
  fillRows(start: number, n: number, dst: Float32Array | Float64Array, dt: number): void;
}

/** A job's rows: a source (the sweep's grid), or rows already filled, rowLayout(system.amplitudes).stride per point (PARAM_STRIDE for two qubits) (what crosses to a worker or a page). */
export type JobRows = RowSource | Float32Array | Float64Array;

/**
 * One job, from the sweep to every backend, worker and page. With filled rows it is plain data
 * (structured-clonable as is; `Rows` = string: the rows in base64, for puppeteer's JSON).
 */
export interface SweepJob<Rows = JobRows> {
  rows: Rows;
  settings: RunSettings;
  /** cpu: expm | leap | rk4; GPU backends: leap | rk4 */
  integrator: string;
  /** fixed step; undefined: each point chooses min(0.2, 1/||L||) */
  dt?: number;
  /** outputs asked for: lets a backend skip work (the steady state, the spectrum) */
  outputs: string[];
  /** a time grid: each point's charging curve on it too (RangeResult.trajectories) */
  times?: TimeGrid;
}

/** The rows of points start .. start + count - 1 of a job into a new array of `Type`. */
export function jobRows<A extends Float32Array | Float64Array>(job: SweepJob, start: number, count: number, Type: { new (n: number): A }, dt = job.dt ?? 0): A {
  const stride = rowStride(job);
  const dst = new Type(count * stride);
  const rows = job.rows;
  // rows already filled were filled with the job's step by whoever filled them
  if ('fillRows' in rows) rows.fillRows(start, count, dst, dt);
  else dst.set(rows.subarray(start * stride, (start + count) * stride));
  return dst;
}

/** Values per point of a job's rows: the row of its system's size. */
export const rowStride = (job: Pick<SweepJob<unknown>, 'settings'>): number => rowLayout(job.settings.system.amplitudes).stride;

/** Points in a job of filled rows. */
export const jobCount = (job: SweepJob<Float32Array | Float64Array>): number => job.rows.length / rowStride(job);

export interface RangeResult {
  /** RECORD_STRIDE values per point; only the first `done` points are valid */
  records: Float32Array | Float64Array;
  done: number;
  /** a failure part way: the points before `done` are kept */
  error?: Error;
  /** with job.times: per point TRAJECTORY_QUANTITIES x times.n values, quantity-major (valid for the first `done` points) */
  trajectories?: Float32Array | Float64Array;
}

export interface SweepBackend {
  readonly name: BackendName;
  readonly precision: 'float32' | 'float64';
  /** adapter, threads, versions: what the manifest records */
  describe(): Record<string, unknown>;
  evaluate(job: SweepJob, start: number, count: number, onProgress?: (done: number) => void): Promise<RangeResult>;
  /** false: cannot compute charging curves on a time grid (a spec with "times" is refused before the run) */
  readonly timeGrids?: boolean;
  /** compiles what evaluate will need (GPU kernels), so that the wait is reported apart from computing */
  prepare?(job: SweepJob): Promise<void>;
  close(): Promise<void>;
}
