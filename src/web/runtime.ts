// What computes in the page: WebGPU (the engine Node uses, on the browser's adapter) or, where
// the browser has no WebGPU adapter, the gpu.js kernel on WebGL2. Both evaluate parameter rows
// (a SweepJob of filled rows, rowStride per point) into records (recordStride per point), so
// everything downstream (columns, flags, CSV) is the code Node uses.

import { type RangeResult, type RunSettings, type SweepJob, jobCount } from '../backends/types.js';
import { evaluateOnEngine } from '../backends/webgpu/backend.js';
import { type WebGpuEngine, steerChunk } from '../backends/webgpu/engine.js';
import { OUT_BYTES, PARAM_STRIDE } from '../core/layout.js';
import { WebGlRunner, createWebGlRunner } from '../backends/webgl/runner.js';
import { acquireBrowserGpu } from './device.js';

export type RuntimeKind = 'webgpu' | 'webgl';

export interface Trajectory {
  t: number[];
  energy: number[];
  ergotropy: number[];
  efficiency: number[];
  concurrence: number[];
}

export interface Runtime {
  kind: RuntimeKind;
  /** what the manifest records: adapter or gpu.js mode, limits */
  info: Record<string, unknown>;
  /** most points one sweep may have here (result memory), and why */
  maxPoints: number;
  limitReason: string;
  /** a job of filled rows (float64 for n > 2: webgpu only; a time grid: webgpu only) */
  evaluate(job: SweepJob<Float32Array | Float64Array>, onProgress?: (done: number) => void, signal?: AbortSignal): Promise<RangeResult>;
  /** E_B, ergotropy, P, C of one point (one parameter row) at `samples` times in [0, tmax] */
  trajectory(row: Float32Array, settings: RunSettings, tmax: number, samples: number): Promise<Trajectory>;
}

/** The page keeps every record of a sweep in one array: at most this many bytes. */
export const PAGE_RESULT_BYTES = 1 << 30;

export class WebGpuRuntime implements Runtime {
  readonly kind = 'webgpu' as const;
  readonly info: Record<string, unknown>;
  readonly maxPoints: number;
  readonly limitReason: string;

  constructor(readonly engine: WebGpuEngine) {
    const lim = engine.adapter.limits;
    const bytes = Math.min(PAGE_RESULT_BYTES, lim.maxBufferSize ?? PAGE_RESULT_BYTES);
    this.maxPoints = Math.floor(bytes / OUT_BYTES);
    this.limitReason = `the page keeps ${OUT_BYTES} bytes of results per point in one buffer of at most ${fmtBytes(bytes)} (adapter maxBufferSize ${fmtBytes(lim.maxBufferSize ?? 0)})`;
    this.info = { engine: 'webgpu', adapter: engine.adapter, workgroup_size: engine.workgroupSize, max_points: this.maxPoints };
  }

  async evaluate(job: SweepJob<Float32Array | Float64Array>, onProgress?: (done: number) => void, signal?: AbortSignal): Promise<RangeResult> {
    return evaluateInBlocks(jobCount(job), (start, n, progress) => evaluateOnEngine(this.engine, job, start, n, progress), onProgress, signal);
  }

  async trajectory(row: Float32Array, settings: RunSettings, tmax: number, samples: number): Promise<Trajectory> {
    const params = new Float32Array(PARAM_STRIDE);
    params.set(row.subarray(0, PARAM_STRIDE));
    // the times program, as a sweep's time grid: the exponential map at every sample
    const n = Math.max(2, samples);
    const r = await this.engine.trajectories(params, 1, { ...settings, concurrence: true }, { from: 0, step: tmax / (n - 1), n });
    if (r.error) throw r.error;
    const at = (q: number) => Array.from(r.traj.subarray(q * n, (q + 1) * n));
    return { t: Array.from({ length: n }, (_, j) => (j === n - 1 ? tmax : (tmax * j) / (n - 1))), energy: at(0), ergotropy: at(1), efficiency: at(2), concurrence: at(3) };
  }

}

export class WebGlRuntime implements Runtime {
  readonly kind = 'webgl' as const;
  readonly info: Record<string, unknown>;
  readonly maxPoints: number;
  readonly limitReason: string;

  constructor(readonly runner: WebGlRunner) {
    const bytes = PAGE_RESULT_BYTES;
    this.maxPoints = Math.floor(bytes / OUT_BYTES);
    this.limitReason = `the page keeps ${OUT_BYTES} bytes of results per point, at most ${fmtBytes(bytes)}`;
    this.info = { engine: 'webgl', ...runner.describe(), max_points: this.maxPoints };
  }

  evaluate(job: SweepJob<Float32Array>, onProgress?: (done: number) => void, signal?: AbortSignal): Promise<RangeResult> {
    return evaluateInBlocks(jobCount(job), async (start, n, progress) => this.runner.evaluate({ ...job, rows: job.rows.subarray(start * PARAM_STRIDE, (start + n) * PARAM_STRIDE) }, progress), onProgress, signal);
  }

  trajectory(row: Float32Array, settings: RunSettings, tmax: number, samples: number): Promise<Trajectory> {
    return this.runner.trajectory(row, settings, tmax, samples);
  }
}

/** Runs `count` points in blocks of about a second each, so that a cancel takes effect soon. */
async function evaluateInBlocks(
  count: number,
  run: (start: number, n: number, progress: (d: number) => void) => Promise<RangeResult>,
  onProgress?: (done: number) => void,
  signal?: AbortSignal,
): Promise<RangeResult> {
  let records: Float32Array | undefined;
  let trajectories: Float32Array | undefined;
  let done = 0;
  let block = 256;
  const result = () => ({ records: records ?? new Float32Array(0), done, ...(trajectories ? { trajectories } : {}) });
  while (done < count) {
    if (signal?.aborted) return { ...result(), error: new Error('cancelled') };
    const n = Math.min(block, count - done);
    const t0 = performance.now();
    const r = await run(done, n, (d) => onProgress?.(done + d));
    records ??= new Float32Array((count * r.records.length) / n);
    records.set(r.records.subarray(0, (r.records.length / n) * r.done), (done * r.records.length) / n);
    if (r.trajectories) {
      // per point: the curves' values (the same for every block)
      const per = r.trajectories.length / n;
      trajectories ??= new Float32Array(count * per);
      trajectories.set(r.trajectories.subarray(0, per * r.done), done * per);
    }
    done += r.done;
    onProgress?.(done);
    if (r.error) return { ...result(), error: r.error };
    const ms = performance.now() - t0;
    block = Math.max(64, Math.min(1 << 16, steerChunk(n, ms, 1000)));
  }
  return result();
}

function fmtBytes(b: number): string {
  return b >= 2 ** 30 ? `${+(b / 2 ** 30).toFixed(2)} GiB` : `${+(b / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * The page's runtime: WebGPU when the browser has an adapter, else gpu.js on WebGL2 (`prefer`
 * forces one). `why` says which and, for the fallback, why WebGPU was not used.
 */
export async function createRuntime(prefer: 'auto' | RuntimeKind = 'auto'): Promise<{ runtime: Runtime; why: string }> {
  let noGpu = '';
  if (prefer !== 'webgl') {
    const gpu = await acquireBrowserGpu();
    if (typeof gpu !== 'string') return { runtime: new WebGpuRuntime(gpu.engine), why: `WebGPU on ${gpu.adapter.description || gpu.adapter.architecture || gpu.adapter.vendor}` };
    noGpu = gpu;
    if (prefer === 'webgpu') throw new Error(`no WebGPU: ${gpu}`);
  }
  const runner = await createWebGlRunner();
  return { runtime: new WebGlRuntime(runner), why: `gpu.js on ${runner.mode}${noGpu ? ` (no WebGPU: ${noGpu})` : ''}` };
}
