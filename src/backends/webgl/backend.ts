// The webgl backend in Node: the gpu.js kernel on headless-gl (WebGL1) where the npm package
// "gl" is installed and an X server is reachable; elsewhere it refuses with the reason (gpu.js
// itself would silently run on the CPU). In a browser the same kernel runs on WebGL2 (the
// browser backend's fallback, src/web/runtime.ts).

import { InputError } from '../../model/params.js';
import { type RangeResult, type SweepBackend, type SweepJob, jobRows } from '../types.js';
import { type WebGlRunner, createWebGlRunner } from './runner.js';

export const WEBGL_INTEGRATORS = ['leap'];

export class WebGlBackend implements SweepBackend {
  readonly name = 'webgl' as const;
  readonly precision = 'float32' as const;
  /** gpu.js has no times program: a spec with a time grid is refused (sweep/run.ts checkTimeGrids) */
  readonly timeGrids = false;

  constructor(readonly runner: WebGlRunner) {}

  static async create(): Promise<WebGlBackend> {
    return new WebGlBackend(await createWebGlRunner());
  }

  describe(): Record<string, unknown> {
    return { backend: 'webgl', ...this.runner.describe() };
  }

  evaluate(job: SweepJob, start: number, count: number, onProgress?: (done: number) => void): Promise<RangeResult> {
    if (!WEBGL_INTEGRATORS.includes(job.integrator)) {
      throw new InputError(`option --integrator: ${JSON.stringify(job.integrator)} is not a webgl integrator (expected ${WEBGL_INTEGRATORS.join(', ')})`);
    }
    return this.runner.evaluate({ ...job, rows: jobRows(job, start, count, Float32Array) }, onProgress);
  }

  async close(): Promise<void> {
    this.runner.destroy();
  }
}
