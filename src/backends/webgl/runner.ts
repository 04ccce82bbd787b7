// gpu.js glue of the webgl backend (browser WebGL2, or headless-gl in Node): compiles the
// generated kernel (kernel.ts) once per run settings, evaluates parameter rows in chunks, and
// assembles the same OUT_STRIDE records the WGSL engine writes. gpu.js silently falls back to
// its CPU modes when it gets no GL context; the runner reports the mode its kernels really
// compiled to and refuses to run anywhere but on WebGL.

import { GPU, Input } from 'gpu.js';
import { type PointParams } from '../../model/params.js';
import { generator } from '../../model/generators.js';
import { isUnstable, spectrumIfFinite, uniqueSteadyState } from '../../model/spectrum.js';
import { rowToPoint } from '../cpu/record.js';
import { type RangeResult, type RunSettings, type SweepJob, jobCount } from '../types.js';
import { PRECISION_OBSERVABLES, STATIONARY_DECAYS } from '../../core/constants.js';
import { initialVector } from '../../model/evolve.js';
import { averagePowers, stateObservables, thermodynamics } from '../../model/observables.js';
import { longTimeCurrents } from '../../model/point.js';
import { FLAG_BITS, OUT, OUT_STRIDE, PARAM_STRIDE, ROW } from '../../core/layout.js';
import { type Formula, RECORD_ENTRIES, type RecordEntry, resultValue, writeOutputs } from '../../core/outputs.js';
import { type KernelSpec, KERNEL_VEC4S, OUTPUT_MAPS, kernelKey, leapKernelSource } from './kernel.js';

/** The modes of gpu.js that run on a GPU (WebGL2, WebGL1 in a browser, headless-gl in Node). */
export const GL_MODES = ['webgl2', 'webgl', 'headlessgl'];

/** gpu.js kernel classes by the mode they implement. */
const KERNEL_MODES: Record<string, string> = {
  WebGL2Kernel: 'webgl2',
  WebGLKernel: 'webgl',
  HeadlessGLKernel: 'headlessgl',
  CPUKernel: 'cpu',
  WebAssemblyKernel: 'webasm',
};

const STATIONARY_BOUND = Math.exp(-STATIONARY_DECAYS);

/** The registry's formulas this runner evaluates in float64 from the kernel's states (the kernel's eight vec4 hold the rest). */
const FLOAT64_FORMULAS: (Formula | undefined)[] = ['state', 'power', 'thermodynamics'];
const KERNEL_ENTRIES = RECORD_ENTRIES.filter((e) => e.from?.formula === 'battery' || e.from?.formula === 'concurrence');

interface CompiledKernel {
  run: (params: unknown) => Record<string, Float32Array[]>;
  shortcut: { kernel?: { constructor: { name: string } }; destroy?: (removeCanvasReferences?: boolean) => void };
}

export class WebGlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGlError';
  }
}

export class WebGlRunner {
  private kernels = new Map<string, CompiledKernel>();
  /** helper functions already added to the GPU object (gpu.js keeps them for every later kernel) */
  private functions = new Set<string>();
  /** the mode gpu.js chose for the GPU object, and the mode the kernels really compiled to */
  readonly requestedMode: string;
  mode: string;
  /** seconds spent translating and compiling each kernel specialisation */
  readonly compileSeconds: Record<string, number> = {};
  private readonly gl: WebGLRenderingContext | WebGL2RenderingContext | undefined;
  private chunk = 256;

  constructor(private readonly gpu: GPU) {
    this.requestedMode = (gpu as unknown as { mode: string }).mode;
    this.mode = this.requestedMode;
    this.gl = (gpu as unknown as { context?: WebGLRenderingContext }).context;
  }

  describe(): Record<string, unknown> {
    const gl = this.gl;
    let renderer: string | undefined;
    let version: string | undefined;
    try {
      if (gl) {
        const dbg = gl.getExtension('WEBGL_debug_renderer_info');
        renderer = String(gl.getParameter(dbg ? dbg.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
        version = String(gl.getParameter(gl.VERSION));
      }
    } catch {
      // a lost context has no parameters
    }
    return {
      gpujs_mode: this.mode,
      renderer,
      gl_version: version,
      precision: 'float32',
      spectrum: 'float64 on the host (gpu.js kernels have no arrays for the Hessenberg-QR iteration), for the points the leap bound leaves undecided, or all points when liouvillian_gap is asked for',
      compile_s: this.compileSeconds,
    };
  }

  private kernel(spec: KernelSpec): CompiledKernel {
    const key = kernelKey(spec);
    let k = this.kernels.get(key);
    if (k) return k;
    const t0 = performance.now();
    const src = leapKernelSource(spec);
    const settings = { output: [1], returnType: 'Array(4)', precision: 'single', tactic: 'precision', dynamicOutput: true, dynamicArguments: true, loopMaxIterations: 64, optimizeFloatMemory: false } as const;
    const gpu = this.gpu as unknown as {
      addFunction: (s: string) => void;
      createKernelMap: (maps: Record<string, unknown>, fn: string, s: object) => CompiledKernel['shortcut'] & ((...a: unknown[]) => Record<string, Float32Array[]>) & { setOutput: (o: number[]) => void };
    };
    for (const f of src.functions) {
      const name = /^function (\w+)/.exec(f)![1];
      if (!this.functions.has(name)) {
        gpu.addFunction(f);
        this.functions.add(name);
      }
    }
    const maps: Record<string, unknown> = {};
    OUTPUT_MAPS.forEach((o, i) => (maps[o] = new Function(`return ${src.outputs[i]}`)()));
    const shortcut = gpu.createKernelMap(maps, src.kernel, settings);
    k = {
      shortcut,
      run: (params) => {
        const r = shortcut(params);
        if (!this.compileSeconds[key]) this.compileSeconds[key] = +((performance.now() - t0) / 1000).toFixed(2);
        return r;
      },
    };
    this.kernels.set(key, k);
    return k;
  }

  /** The records of a job's points (its filled rows); chunked, with progress. */
  async evaluate(job: SweepJob<Float32Array>, onProgress?: (done: number) => void): Promise<RangeResult> {
    if (job.integrator !== 'leap') {
      throw new WebGlError(`option --integrator: ${JSON.stringify(job.integrator)} is not a webgl integrator (expected leap)`);
    }
    const { rows, settings: s } = job;
    const count = jobCount(job);
    const spec: KernelSpec = {
      system: s.system,
      model: s.model,
      reservoir: s.reservoir,
      zeroFreq: s.zeroFreq,
      concurrence: job.outputs.includes('concurrence'),
      steadyConcurrence: job.outputs.includes('steady.concurrence'),
    };
    const wantsGap = job.outputs.includes('liouvillian_gap');
    const k = this.kernel(spec);
    const records = new Float32Array(count * OUT_STRIDE);
    let done = 0;
    try {
      while (done < count) {
        const n = Math.min(this.chunk, count - done);
        const t0 = performance.now();
        (k.shortcut as unknown as { setOutput: (o: number[]) => void }).setOutput([n]);
        // gpu.js reads an Input's whole buffer: a copy, not a view into the rows
        const res = k.run(new Input(rows.slice(done * PARAM_STRIDE, (done + n) * PARAM_STRIDE) as unknown as number[], [PARAM_STRIDE, n]));
        this.checkMode(k);
        if (this.gl?.isContextLost?.()) throw new WebGlError('the WebGL context was lost');
        fillRecords(res, n, records, done, spec);
        await this.spectra(rows, records, done, n, s, wantsGap);
        writeStateOutputs(rows, records, done, n, s);
        done += n;
        onProgress?.(done);
        const ms = performance.now() - t0;
        this.chunk = Math.max(16, Math.min(16384, Math.floor(n * Math.min(4, Math.max(0.5, 500 / Math.max(ms, 1))))));
        // let the page breathe (progress, cancel) between chunks
        await new Promise((r) => setTimeout(r, 0));
      }
    } catch (e) {
      const err = e instanceof WebGlError ? e : new WebGlError(`gpu.js failed: ${(e as Error).message?.split('\n')[0]}`);
      return { records, done, error: err };
    }
    return { records, done };
  }

  private checkMode(k: CompiledKernel): void {
    const cls = k.shortcut.kernel?.constructor?.name ?? '';
    this.mode = KERNEL_MODES[cls] ?? cls ?? this.mode;
    if (!GL_MODES.includes(this.mode)) {
      throw new WebGlError(`gpu.js fell back to its ${this.mode} mode (no usable WebGL context): refusing to report CPU results as the webgl backend`);
    }
  }

  /** Gap, spectral radius and slowest rate (float64) where the kernel's bound leaves stationarity open. */
  private async spectra(rows: Float32Array, records: Float32Array, at: number, n: number, s: RunSettings, all: boolean): Promise<void> {
    for (let j = 0; j < n; j++) {
      const b = (at + j) * OUT_STRIDE;
      if (!all && records[b + OUT.transientBound] < STATIONARY_BOUND) continue;
      const p: PointParams = rowToPoint(rows, at + j, s);
      const eigs = spectrumIfFinite(generator(p).G);
      if (!eigs) {
        // no spectrum: a non-finite generator or no QR convergence (settleRecord blanks the point)
        records[b + OUT.spectrumFlags] = FLAG_BITS['non-finite'];
        continue;
      }
      const kdim = records[b + OUT.kernelDim] === 2 ? 2 : 1;
      const slowest = eigs[Math.min(kdim, 15)].re;
      records[b + OUT.gap] = eigs[1].re;
      records[b + OUT.spectralRadius] = Math.max(...eigs.map((e) => Math.hypot(e.re, e.im)));
      records[b + OUT.slowest] = slowest;
      // the spectrum is float64 here: float64's rounding decides what grows
      records[b + OUT.spectrumFlags] = (Math.abs(slowest) * p.tau < STATIONARY_DECAYS ? FLAG_BITS['not-stationary-at-tau'] : 0) | (isUnstable(eigs, PRECISION_OBSERVABLES.f64.unstable) ? FLAG_BITS.unstable : 0);
    }
  }

  /** E_B, ergotropy, P, C of one point at `samples + 1` times in [0, tmax]: the leap kernel with tau = t per row. */
  async trajectory(row: Float32Array, settings: RunSettings, tmax: number, samples: number): Promise<{ t: number[]; energy: number[]; ergotropy: number[]; efficiency: number[]; concurrence: number[] }> {
    const n = samples + 1;
    const rows = new Float32Array(n * PARAM_STRIDE);
    const t: number[] = [];
    for (let s = 0; s < n; s++) {
      rows.set(row.subarray(0, PARAM_STRIDE), s * PARAM_STRIDE);
      t.push((tmax * s) / samples);
      rows[s * PARAM_STRIDE + ROW.tau] = t[s];
    }
    const r = await this.evaluate({ rows, settings, integrator: 'leap', outputs: ['concurrence'] });
    if (r.error) throw r.error;
    const col = (slot: number) => Array.from({ length: n }, (_, s) => r.records[s * OUT_STRIDE + slot]);
    return { t, energy: col(OUT.energy), ergotropy: col(OUT.ergotropy), efficiency: col(OUT.efficiency), concurrence: col(OUT.concurrence) };
  }

  destroy(): void {
    for (const k of this.kernels.values()) k.shortcut.destroy?.(true);
    this.kernels.clear();
    (this.gpu as unknown as { destroy?: () => void }).destroy?.();
  }
}

/**
 * The outputs beyond the kernel's eight vec4 (gpu.js's limit of render targets): the state
 * observables at tau from the kernel's r(tau), by the same emitted definition in float64; the
 * long-time ones (and the currents) from the float64 steady state where the kernel found a
 * unique one (NaN elsewhere, as the WGSL leap writes them). Whatever the outputs asked: the
 * non-positive and law flags come from them.
 */
export function writeStateOutputs(rows: Float32Array, records: Float32Array, at: number, n: number, s: RunSettings): void {
  for (let j = 0; j < n; j++) {
    const b = (at + j) * OUT_STRIDE;
    const p = rowToPoint(rows, at + j, s);
    const r = records.subarray(b, b + 16);
    const st = stateObservables(r);
    const atTau: Record<string, number> = { ...st, ...averagePowers(r, initialVector(p), p.tau) };
    writeOutputs(records, b, (e) => e.program === 'tau' && FLOAT64_FORMULAS.includes(e.from?.formula), (key) => atTau[key]);
    if (st.rho_min_eigenvalue < -PRECISION_OBSERVABLES.f32.nonPositive) records[b + OUT.flags] = (records[b + OUT.flags] | 0) | FLAG_BITS['non-positive'];
    const longTime = (e: RecordEntry) => e.program === 'limit' && FLOAT64_FORMULAS.includes(e.from?.formula);
    writeOutputs(records, b, longTime, () => Number.NaN);
    const { G, aux } = generator(p);
    // a non-finite generator (settleRecord blanks the point) or no unique limit: nothing to add
    if (records[b + OUT.kernelDim] !== 1 || !G.every(Number.isFinite)) continue;
    const rss = uniqueSteadyState(G);
    const sst = stateObservables(rss);
    const thermo = thermodynamics(aux, rss, p.system.reservoirs.length);
    const limit: Record<string, number> = { ...sst, ...longTimeCurrents(p, thermo), entropy_production: thermo.entropy_production };
    writeOutputs(records, b, longTime, (key) => resultValue({ steady: limit }, key));
    let steadyFlags = records[b + OUT.steadyFlags] | 0;
    if (sst.rho_min_eigenvalue < -PRECISION_OBSERVABLES.f32.nonPositive) steadyFlags |= FLAG_BITS['non-positive'];
    if (thermo.firstLawViolated) steadyFlags |= FLAG_BITS['first-law'];
    if (thermo.secondLawViolated) steadyFlags |= FLAG_BITS['second-law'];
    records[b + OUT.steadyFlags] = steadyFlags;
  }
}

/** The kernel's eight vec4 per point into records; NaN where the WGSL leap writes NaN. */
export function fillRecords(res: Record<string, Float32Array[]>, n: number, records: Float32Array, at: number, spec: KernelSpec): void {
  const parts = [res.result, ...OUTPUT_MAPS.map((o) => res[o])];
  if (parts.length !== KERNEL_VEC4S || parts.some((p) => !p || p.length < n)) throw new WebGlError('gpu.js returned an incomplete kernel map');
  for (let j = 0; j < n; j++) {
    const b = (at + j) * OUT_STRIDE;
    for (let q = 0; q < 4; q++) records.set(parts[q][j].subarray(0, 4), b + 4 * q);
    records[b] = 1;
    const o4 = parts[4][j];
    const o5 = parts[5][j];
    const o6 = parts[6][j];
    const bistable = o6[0] > 1.5;
    // the figures of merit and the concurrence: (battery parts, concurrence) at tau in o4, of the limit in o5
    for (const e of KERNEL_ENTRIES) {
      const limit = e.program === 'limit';
      const asked = e.from!.formula !== 'concurrence' || (limit ? spec.steadyConcurrence : spec.concurrence);
      records[b + OUT[e.slot as keyof typeof OUT]] = (limit && bistable) || !asked ? Number.NaN : (limit ? o5 : o4)[e.from!.formula === 'concurrence' ? 3 : e.from!.at];
    }
    records[b + OUT.kernelDim] = bistable ? 2 : 1;
    records[b + OUT.gap] = Number.NaN;
    records[b + OUT.flags] = Math.round(o6[1]);
    records[b + OUT.dt] = o6[2];
    records[b + OUT.spectralRadius] = Number.NaN;
    records[b + OUT.slowest] = Number.NaN;
    records[b + OUT.steadyFlags] = Math.round(o6[3]);
    records[b + OUT.spectrumFlags] = 0;
    records[b + OUT.transientBound] = parts[7][j][0];
  }
}

/**
 * A runner on a GPU object of gpu.js: in a browser `new GPU({ mode: 'webgl2' })` (WebGL1 where
 * WebGL2 is missing); in Node, headless-gl (mode 'headlessgl'). Throws when gpu.js would run on
 * the CPU.
 */
export async function createWebGlRunner(opts: { mode?: string } = {}): Promise<WebGlRunner> {
  const g = GPU as unknown as { isWebGL2Supported: boolean; isWebGLSupported: boolean; isHeadlessGLSupported: boolean };
  const mode = opts.mode ?? (g.isWebGL2Supported ? 'webgl2' : g.isWebGLSupported ? 'webgl' : g.isHeadlessGLSupported ? 'headlessgl' : undefined);
  if (!mode) {
    const inBrowser = typeof window !== 'undefined';
    throw new WebGlError(
      inBrowser
        ? 'this browser gives no WebGL context to gpu.js (WebGL disabled or unsupported)'
        : 'gpu.js has no WebGL here: in Node it needs headless-gl (the npm package "gl", built from source, and an X server such as Xvfb); without it gpu.js would silently run on the CPU',
    );
  }
  const gpu = new GPU({ mode: mode as 'webgl2' });
  const requested = (gpu as unknown as { mode: string }).mode;
  if (!GL_MODES.includes(requested)) throw new WebGlError(`gpu.js chose its ${requested} mode, not WebGL`);
  return new WebGlRunner(gpu);
}
