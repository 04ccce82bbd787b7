// One interface for every backend (cpu, webgpu, browser, webgl): evaluate a range of a sweep's
// points into records of RECORD_STRIDE values (layout: shaders/layout.wgsl).

import type { RunSettings } from './webgpu/engine.js';
import type { TimeGrid } from '../model/charging.js';

export type BackendName = 'cpu' | 'webgpu' | 'browser' | 'webgl';

/** Where a job's parameter rows come from (a sweep's Grid; in the browser, rows the host sent). */
export interface RowSource {
  /** writes the rows of points start .. start + n - 1 (src/core/layout.ts ROW) into dst, with step dt (0: each point's own) */
  fillRows(start: number, n: number, dst: Float32Array | Float64Array, dt: number): void;
}

export interface SweepJob {
  grid: RowSource;
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
