// The WebGPU backend in Node: Dawn's adapter (hardware or software), the WGSL engine.

import { InputError } from '../../model/params.js';
import { type RangeResult, type RunSettings, type SweepBackend, type SweepJob, jobRows } from '../types.js';
import { type AdapterDescription, type EngineOptions, WebGpuEngine } from './engine.js';
import { OUT, OUT_STRIDE } from '../../core/layout.js';
import { programSlots } from '../../core/outputs.js';
import { type AdapterChoice, acquireNodeDevice, nodeShaderSources, releaseNodeDevices } from './nodeDevice.js';
import type { ProgramName } from './programs.js';
import { timeStep } from '../../model/charging.js';
import { evaluateNdOnEngine } from './ndRun.js';

export const GPU_INTEGRATORS = ['leap', 'rk4'];

/**
 * The single-pass programs of the leap integrator: leap (evolution and long-time limit), then
 * the spectrum, which always runs: it gives the not-stationary-at-tau flag that says which
 * tolerance (and which picture hatching) applies.
 */
export const LEAP_PROGRAMS: ProgramName[] = ['leap', 'spectrum'];

/** What the steady and spectrum programs write (rk4 runs them after its evolution), flag words included. */
const STEADY_AND_SPECTRUM_SLOTS = [...programSlots(OUT, 'limit', true), ...programSlots(OUT, 'spectrum', true)];

/** What the engine's programs compute for a job. */
function engineSettings(job: SweepJob): RunSettings {
  // the gap needs the spectrum of every point; the not-stationary flag only of undecided ones
  const wantsGap = job.outputs.includes('liouvillian_gap');
  return {
    ...job.settings,
    spectrumMode: wantsGap || job.integrator === 'rk4' ? 'all' : 'undecided',
    concurrence: job.outputs.includes('concurrence'),
    steadyConcurrence: job.outputs.includes('steady.concurrence'),
  };
}

/** Runs a job range on an engine: shared by the Node and browser backends. */
export async function evaluateOnEngine(engine: WebGpuEngine, job: SweepJob, start: number, count: number, onProgress?: (done: number) => void): Promise<RangeResult> {
  if (!GPU_INTEGRATORS.includes(job.integrator)) {
    throw new InputError(`option --integrator: ${JSON.stringify(job.integrator)} is not a GPU integrator (expected ${GPU_INTEGRATORS.join(', ')})`);
  }
  // n > 2: a workgroup per point, the figures on the host (ndRun.ts)
  if (job.settings.system.qubits > 2) return evaluateNdOnEngine(engine, job, start, count, onProgress);
  const rows = jobRows(job, start, count, Float32Array);
  const settings = engineSettings(job);
  if (job.integrator === 'rk4') {
    const r = await engine.rk4(rows, count, settings, {}, (p) => onProgress?.(p.done));
    if (r.done === count) {
      // the long-time limit and the spectrum do not depend on the integrator
      const st = await engine.evaluate(rows, count, settings, ['steady', 'spectrum']);
      if (st.error) return { records: r.out, done: 0, error: st.error };
      for (let k = 0; k < count; k++) for (const f of STEADY_AND_SPECTRUM_SLOTS) r.out[k * OUT_STRIDE + f] = st.out[k * OUT_STRIDE + f];
    }
    if (!job.times || r.error) return { records: r.out, done: r.done, error: r.error };
    return withTrajectories(engine, job, rows, settings, { records: r.out, done: r.done }, onProgress);
  }
  const r = await engine.evaluate(rows, count, settings, LEAP_PROGRAMS, job.times ? undefined : (p) => onProgress?.(p.done));
  if (!job.times || r.error) return { records: r.out, done: r.done, error: r.error };
  return withTrajectories(engine, job, rows, settings, { records: r.out, done: r.done }, onProgress);
}

/** The charging curves of the points a record pass finished (the times program); its progress is the run's. */
async function withTrajectories(engine: WebGpuEngine, job: SweepJob, rows: Float32Array<ArrayBuffer>, settings: RunSettings, res: RangeResult, onProgress?: (done: number) => void): Promise<RangeResult> {
  const g = job.times!;
  const t = await engine.trajectories(rows, res.done, settings, { from: g.from, step: timeStep(g), n: g.n }, (p) => onProgress?.(p.done));
  return { records: res.records, done: t.done, error: t.error, trajectories: t.traj };
}

/** Compiles the kernels evaluateOnEngine will ask for (a miss only means it compiles them later). */
export async function prepareEngine(engine: WebGpuEngine, job: SweepJob): Promise<void> {
  if (job.settings.system.qubits > 2) {
    const names: ProgramName[] = job.integrator === 'rk4' ? ['nd_rk4_init', 'nd_rk4_step', 'nd_rk4_finish'] : ['nd_leap'];
    await Promise.all([...names, ...(job.times ? (['nd_leap', 'nd_times_map', 'nd_times_step'] as const) : [])].map((n) => engine.pipeline(n, job.settings)));
    // one point through them (two times of the grid): the driver compiles at the first dispatch (and an adapter whose loop budget cuts the kernel says so here, once)
    const r = await evaluateNdOnEngine(engine, job.times ? { ...job, times: { ...job.times, n: Math.min(job.times.n, 2) } } : job, 0, 1);
    if (r.error) throw r.error;
    return;
  }
  const gap = job.outputs.includes('liouvillian_gap');
  const settings = engineSettings(job);
  const names: ProgramName[] = job.integrator === 'rk4' ? ['rk4_init', 'rk4_step', 'rk4_finish', 'steady', 'spectrum'] : ['leap', gap ? 'spectrum' : 'spectrum_subset'];
  await Promise.all([...names, ...(job.times ? (['times'] as const) : [])].map((n) => engine.pipeline(n, settings)));
  if (job.integrator === 'rk4') return; // its stepping programs compile at their first dispatch, within the run
  // one point through every program: the driver compiles at the first dispatch (Mesa does)
  const rows = jobRows(job, 0, 1, Float32Array);
  await engine.warmUp(rows, settings, LEAP_PROGRAMS);
  if (job.times) await engine.trajectories(rows, 1, settings, { from: job.times.from, step: timeStep(job.times), n: Math.min(job.times.n, 2) });
}

export class WebGpuBackend implements SweepBackend {
  readonly name = 'webgpu' as const;
  readonly precision = 'float32' as const;

  private constructor(
    readonly engine: WebGpuEngine,
    readonly adapter: AdapterDescription,
    readonly attempts: string[],
  ) {}

  /** A backend over an engine that already exists (its device stays with its owner). */
  static fromEngine(engine: WebGpuEngine): WebGpuBackend {
    const b = new WebGpuBackend(engine, engine.adapter, []);
    b.ownsDevice = false;
    return b;
  }

  private ownsDevice = true;

  static async create(choice?: AdapterChoice, options?: EngineOptions): Promise<WebGpuBackend> {
    const nd = await acquireNodeDevice(choice);
    return new WebGpuBackend(new WebGpuEngine(nd.device, nd.adapter, nodeShaderSources(), options), nd.adapter, nd.attempts);
  }

  describe(): Record<string, unknown> {
    return { backend: 'webgpu', precision: 'float32', adapter: this.adapter, workgroup_size: this.engine.workgroupSize, adapter_attempts: this.attempts };
  }

  evaluate(job: SweepJob, start: number, count: number, onProgress?: (done: number) => void): Promise<RangeResult> {
    return evaluateOnEngine(this.engine, job, start, count, onProgress);
  }

  prepare(job: SweepJob): Promise<void> {
    return prepareEngine(this.engine, job);
  }

  async close(): Promise<void> {
    if (this.ownsDevice) await releaseNodeDevices();
  }
}
