// The WebGPU sweep engine: runs kernel programs over a batch of points in chunks that respect
// device.limits and keep each submission short. Environment-neutral: Node (Dawn) and the
// browser hand in a GPUDevice and the WGSL sources.

import { STATIONARY_DECAYS } from '../../core/constants.js';
import { OUT, OUT_STRIDE, PARAM_BYTES, PARAM_STRIDE, RUN_BYTES, type RunConstants, encodeRun } from '../../core/layout.js';
import type { SystemDefinition } from '../../system/definition.js';
import { systemKey } from '../../system/registry.js';
import { PROGRAMS, type ProgramName, type ShaderSources, assembleShader, entryPoint } from './programs.js';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** how it was reached, e.g. "vulkan (lavapipe)", "opengl (llvmpipe, compatibility)", "browser" */
  backend: string;
  software: boolean;
  limits: Record<string, number>;
}

/** A GPU failure with a message for people; `done` points were finished before it. */
export class GpuError extends Error {
  constructor(
    message: string,
    readonly done = 0,
  ) {
    super(message);
    this.name = 'GpuError';
  }
}

export interface EvaluateProgress {
  done: number;
  total: number;
}

export interface EngineOptions {
  workgroupSize?: number;
  /** upper bound on points per submission (default: what the limits allow) */
  maxChunk?: number;
  /** target wall time of one submission; chunks grow or shrink towards it */
  targetChunkMs?: number;
}

/** What a run fixes for all its points: the system and its model, the statistics and zero-frequency choices. */
export type RunSettings = Omit<RunConstants, 'count' | 'steps' | 'firstStep'> & { system: SystemDefinition };

export interface EvaluateResult {
  /** OUT_STRIDE f32 per point; rows past `done` are zero */
  out: Float32Array;
  done: number;
  /** set when the device failed part way: the first `done` points are still valid */
  error?: GpuError;
  chunks: number;
  gpuMs: number;
}

/** The next chunk's size after `n` points took `ms`: steered towards `targetMs` (x0.5 .. x4 per step). */
export function steerChunk(n: number, ms: number, targetMs: number): number {
  return Math.floor(n * Math.min(4, Math.max(0.5, targetMs / Math.max(ms, 1))));
}

/**
 * The times program's pipeline constants: the concurrence compiled in only where asked for (an
 * override, not a run-time branch: llvmpipe ran a branch around it 3.6x slower, and select()
 * computes both sides).
 */
export const timesConstants = (settings: Pick<RunSettings, 'concurrence'>): Record<string, number> => ({ WITH_CONCURRENCE: settings.concurrence === false ? 0 : 1 });

/** Times one dispatch of the times program steps through per point (llvmpipe ends a shader loop after ~16k iterations). */
export const TIMES_PER_DISPATCH = 4096;

const STORAGE = 0x80; // GPUBufferUsage.STORAGE
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const MAP_READ = 0x01;
const UNIFORM = 0x40;
const MAP_MODE_READ = 0x01;

export class WebGpuEngine {
  private pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private lost: GPUDeviceLostInfo | undefined;
  private lostPromise: Promise<GPUDeviceLostInfo>;
  readonly workgroupSize: number;
  private chunkHint = 2048;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterDescription,
    private readonly sources: ShaderSources,
    private readonly options: EngineOptions = {},
  ) {
    this.workgroupSize = Math.min(options.workgroupSize ?? 64, device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX);
    this.lostPromise = device.lost.then((info) => {
      this.lost = info;
      return info;
    });
  }

  /** Points per submission that the limits allow for a program writing `bytesPerPoint` to its largest buffer. */
  maxPointsPerChunk(bytesPerPoint: number): number {
    const lim = this.device.limits;
    const byBuffer = Math.floor(Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize) / bytesPerPoint);
    const byDispatch = lim.maxComputeWorkgroupsPerDimension * lim.maxComputeWorkgroupsPerDimension * this.workgroupSize;
    return Math.max(1, Math.min(byBuffer, byDispatch, this.options.maxChunk ?? Infinity));
  }

  /** Compiled pipeline of a program for a system and model, cached by them and the workgroup size. */
  pipeline(name: ProgramName, settings: Pick<RunSettings, 'system' | 'model'>, constants?: Record<string, number>): Promise<GPUComputePipeline> {
    const key = `${name}@${this.workgroupSize}:${settings.model}:${systemKey(settings.system)}${constants ? `:${JSON.stringify(constants)}` : ''}`;
    let p = this.pipelines.get(key);
    if (!p) {
      // compiles run concurrently: each pushes and pops its error scope synchronously around the
      // module (scopes are a per-device stack), and the pipeline's own failure is a rejection
      p = this.compile(name, settings, constants);
      this.pipelines.set(key, p);
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  private async compile(name: ProgramName, settings: Pick<RunSettings, 'system' | 'model'>, constants?: Record<string, number>): Promise<GPUComputePipeline> {
    const program = PROGRAMS[name];
    const code = assembleShader(program, this.sources, this.workgroupSize, settings.system, settings.model);
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code, label: name });
    const moduleError = this.device.popErrorScope();
    let pipeline: GPUComputePipeline | undefined;
    let failure: unknown;
    try {
      pipeline = await this.device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: entryPoint(program), ...(constants ? { constants } : {}) }, label: name });
    } catch (e) {
      failure = e;
    }
    const err = await moduleError;
    if (err || failure || !pipeline) {
      const info = await module.getCompilationInfo?.();
      const msgs = info?.messages?.filter((m) => m.type === 'error').map((m) => `line ${m.lineNum}: ${m.message}`) ?? [];
      throw new GpuError(`kernel ${name} failed to compile on ${this.adapter.description}: ${msgs[0] ?? err?.message ?? (failure as Error)?.message ?? 'unknown error'}`);
    }
    return pipeline;
  }

  private checkLost(done: number): void {
    if (this.lost) throw new GpuError(`GPU device lost (${this.lost.reason || 'unknown'}): ${this.lost.message || 'no message'}`, done);
  }

  private buffer(size: number, usage: number, label: string): GPUBuffer {
    return this.device.createBuffer({ size: Math.max(16, Math.ceil(size / 16) * 16), usage, label });
  }

  private dispatchSize(count: number): [number, number] {
    const groups = Math.ceil(count / this.workgroupSize);
    const maxX = this.device.limits.maxComputeWorkgroupsPerDimension;
    return groups <= maxX ? [groups, 1] : [maxX, Math.ceil(groups / maxX)];
  }

  private async readBack(staging: GPUBuffer, bytes: number, done: number): Promise<Float32Array> {
    const mapped = staging.mapAsync(MAP_MODE_READ, 0, bytes);
    const outcome = await Promise.race([mapped.then(() => 'ok' as const), this.lostPromise.then(() => 'lost' as const)]);
    if (outcome === 'lost') this.checkLost(done);
    const copy = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    return copy;
  }

  private async scoped<T>(done: number, what: string, fn: () => Promise<T>): Promise<T> {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let result: T;
    try {
      result = await fn();
    } finally {
      const validation = await this.device.popErrorScope();
      const oom = await this.device.popErrorScope();
      this.checkLost(done);
      if (oom) throw new GpuError(`GPU out of memory during ${what}: use a smaller --max-chunk, or shard the sweep`, done);
      if (validation) throw new GpuError(`GPU validation error during ${what}: ${validation.message}`, done);
    }
    return result!;
  }

  /**
   * Runs the given single-pass programs (e.g. leap then spectrum) over `count` points whose
   * parameters are rows of PARAM_STRIDE f32 in `params`; all programs write into one
   * OUT_STRIDE record per point. Chunked; stops early (keeping finished points) on device loss.
   * With spectrumMode 'undecided', the spectrum runs after the others on the points whose
   * leap bound (out[32]) does not already prove them stationary at tau.
   */
  async evaluate(
    params: Float32Array<ArrayBuffer>,
    count: number,
    settings: RunSettings,
    programs: ProgramName[],
    onProgress?: (p: EvaluateProgress) => void,
  ): Promise<EvaluateResult> {
    const out = new Float32Array(count * OUT_STRIDE);
    const subsetSpectrum = settings.spectrumMode === 'undecided' && programs.includes('spectrum');
    const passes = subsetSpectrum ? programs.filter((p) => p !== 'spectrum') : programs;
    const pipelines = await Promise.all(passes.map((p) => this.pipeline(p, settings)));
    const subset = subsetSpectrum ? await this.pipeline('spectrum_subset', settings) : undefined;
    const maxChunk = this.maxPointsPerChunk(OUT_STRIDE * 4);
    const target = this.options.targetChunkMs ?? 300;
    let done = 0;
    let chunks = 0;
    let gpuMs = 0;
    let chunk = Math.min(this.chunkHint, maxChunk);
    const cap = Math.min(maxChunk, count);
    const paramBuf = this.buffer(cap * PARAM_BYTES, STORAGE | COPY_DST, 'params');
    const outBuf = this.buffer(cap * OUT_STRIDE * 4, STORAGE | COPY_SRC, 'out');
    const staging = this.buffer(cap * OUT_STRIDE * 4, MAP_READ | COPY_DST, 'staging');
    const uniform = this.buffer(RUN_BYTES, UNIFORM | COPY_DST, 'run');
    try {
      while (done < count) {
        const n = Math.min(chunk, count - done, cap);
        const t0 = performance.now();
        const result = await this.scoped(done, `points ${done}..${done + n - 1}`, async () => {
          this.device.queue.writeBuffer(paramBuf, 0, params, done * PARAM_STRIDE, n * PARAM_STRIDE);
          this.device.queue.writeBuffer(uniform, 0, encodeRun({ ...settings, count: n }));
          const enc = this.device.createCommandEncoder();
          const [x, y] = this.dispatchSize(n);
          pipelines.forEach((pipeline) => {
            const bind = this.device.createBindGroup({
              layout: pipeline.getBindGroupLayout(0),
              entries: [
                { binding: 0, resource: { buffer: uniform } },
                { binding: 1, resource: { buffer: paramBuf, size: Math.ceil((n * PARAM_BYTES) / 16) * 16 } },
                { binding: 2, resource: { buffer: outBuf } },
              ],
            });
            const pass = enc.beginComputePass();
            pass.setPipeline(pipeline);
            pass.setBindGroup(0, bind);
            pass.dispatchWorkgroups(x, y);
            pass.end();
          });
          enc.copyBufferToBuffer(outBuf, 0, staging, 0, n * OUT_STRIDE * 4);
          this.device.queue.submit([enc.finish()]);
          return this.readBack(staging, n * OUT_STRIDE * 4, done);
        });
        out.set(result.subarray(0, n * OUT_STRIDE), done * OUT_STRIDE);
        const ms = performance.now() - t0;
        gpuMs += ms;
        done += n;
        chunks++;
        onProgress?.({ done, total: count });
        chunk = Math.max(this.workgroupSize, Math.min(maxChunk, steerChunk(n, ms, target)));
        this.chunkHint = Math.max(this.chunkHint, Math.min(chunk, 65536));
      }
      // once per call, not per chunk: one more synchronisation instead of one per chunk
      if (subset) await this.scoped(done, 'the spectrum of undecided points', () => this.spectrumOfUndecided(subset, out, count, params, settings, done));
    } catch (e) {
      const error = e instanceof GpuError ? e : new GpuError(`GPU failure: ${(e as Error).message}`, done);
      return { out, done, error, chunks, gpuMs };
    } finally {
      paramBuf.destroy();
      outBuf.destroy();
      staging.destroy();
      uniform.destroy();
    }
    return { out, done, chunks, gpuMs };
  }

  /**
   * Runs `programs` once on the first point of `params`, the spectrum of undecided points
   * included (forced), and discards the results: drivers such as Mesa compile a pipeline at its
   * first dispatch, not when it is created, so only after this is the compile over.
   */
  async warmUp(params: Float32Array<ArrayBuffer>, settings: RunSettings, programs: ProgramName[]): Promise<void> {
    const r = await this.evaluate(params, 1, settings, programs);
    if (r.error || !(settings.spectrumMode === 'undecided' && programs.includes('spectrum'))) return;
    r.out[OUT.transientBound] = Number.NaN; // undecided
    const subset = await this.pipeline('spectrum_subset', settings);
    await this.scoped(0, 'warm-up', () => this.spectrumOfUndecided(subset, r.out, 1, params, settings, 0));
  }

  /** A leap bound below exp(-STATIONARY_DECAYS) proves |gap| tau >= STATIONARY_DECAYS (shaders/layout.wgsl, out[32]). */
  static readonly STATIONARY_BOUND = Math.exp(-STATIONARY_DECAYS);

  /**
   * The spectrum of the points whose stationarity the leap bound left open (a few percent of a
   * diagram), packed densely so that no SIMD lane idles, merged into `out`.
   */
  private async spectrumOfUndecided(pipeline: GPUComputePipeline, out: Float32Array, count: number, params: Float32Array, settings: RunSettings, done: number): Promise<void> {
    const idx: number[] = [];
    for (let k = 0; k < count; k++) {
      const b = k * OUT_STRIDE;
      out[b + OUT.spectrumFlags] = 0; // decided points: stationary, gap not computed
      if (!(out[b + OUT.transientBound] < WebGpuEngine.STATIONARY_BOUND)) idx.push(k);
    }
    const cap = this.maxPointsPerChunk(OUT_STRIDE * 4);
    for (let from = 0; from < idx.length; from += cap) {
      const part = idx.slice(from, from + cap);
      const m = part.length;
      const rows = new Float32Array(m * PARAM_STRIDE);
      part.forEach((k, j) => rows.set(params.subarray(k * PARAM_STRIDE, (k + 1) * PARAM_STRIDE), j * PARAM_STRIDE));
      const paramBuf = this.buffer(m * PARAM_BYTES, STORAGE | COPY_DST, 'params subset');
      const indices = this.buffer(m * 4, STORAGE | COPY_DST, 'indices');
      const compact = this.buffer(m * 16, STORAGE | COPY_SRC, 'spectrum subset');
      const uniform = this.buffer(RUN_BYTES, UNIFORM | COPY_DST, 'run subset');
      try {
        this.device.queue.writeBuffer(paramBuf, 0, rows);
        this.device.queue.writeBuffer(indices, 0, Uint32Array.from({ length: m }, (_, j) => j));
        this.device.queue.writeBuffer(uniform, 0, encodeRun({ ...settings, count: m }));
        const res = await this.dispatchOnce(pipeline, [uniform, paramBuf, undefined, indices, compact], m, compact, m * 16, done);
        part.forEach((k, j) => {
          const b = k * OUT_STRIDE;
          out[b + OUT.gap] = res[4 * j];
          out[b + OUT.spectralRadius] = res[4 * j + 1];
          out[b + OUT.slowest] = res[4 * j + 2];
          out[b + OUT.spectrumFlags] = res[4 * j + 3];
        });
      } finally {
        for (const b of [paramBuf, indices, compact, uniform]) b.destroy();
      }
    }
  }

  /**
   * One pass of a program over `count` invocations with buffers at bindings 0, 1, ... (undefined:
   * unbound), then `bytes` of `output` read back.
   */
  private async dispatchOnce(pipeline: GPUComputePipeline, buffers: (GPUBuffer | undefined)[], count: number, output: GPUBuffer, bytes: number, done: number): Promise<Float32Array> {
    const staging = this.buffer(bytes, MAP_READ | COPY_DST, 'staging');
    try {
      const enc = this.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      const entries = buffers.flatMap((buffer, binding) => (buffer ? [{ binding, resource: { buffer } }] : []));
      pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
      pass.dispatchWorkgroups(...this.dispatchSize(count));
      pass.end();
      enc.copyBufferToBuffer(output, 0, staging, 0, bytes);
      this.device.queue.submit([enc.finish()]);
      return await this.readBack(staging, bytes, done);
    } finally {
      staging.destroy();
    }
  }

  /**
   * Every point's charging curve on the time grid (the times program): TRAJECTORY_QUANTITIES x
   * times.n f32 per point, quantity-major. Chunked like evaluate (a chunk's buffer holds 5 n
   * values per point), steered towards the target time per submission.
   */
  async trajectories(
    params: Float32Array<ArrayBuffer>,
    count: number,
    settings: RunSettings,
    times: { from: number; step: number; n: number },
    onProgress?: (p: EvaluateProgress) => void,
  ): Promise<{ traj: Float32Array; done: number; error?: GpuError }> {
    const stride = 5 * times.n;
    const traj = new Float32Array(count * stride).fill(Number.NaN);
    const pipeline = await this.pipeline('times', settings, timesConstants(settings));
    const maxChunk = this.maxPointsPerChunk(stride * 4);
    const cap = Math.min(maxChunk, count);
    const target = this.options.targetChunkMs ?? 300;
    // a point here costs about n / 16 leap points: start small, then steer
    let chunk = Math.max(1, Math.min(cap, Math.floor((this.chunkHint * 16) / times.n)));
    let done = 0;
    const paramBuf = this.buffer(cap * PARAM_BYTES, STORAGE | COPY_DST, 'params');
    const outBuf = this.buffer(cap * stride * 4, STORAGE | COPY_SRC, 'trajectories');
    const staging = this.buffer(cap * stride * 4, MAP_READ | COPY_DST, 'staging trajectories');
    const uniform = this.buffer(RUN_BYTES, UNIFORM | COPY_DST, 'run');
    const windowUniforms: GPUBuffer[] = [];
    try {
      while (done < count) {
        const n = Math.min(chunk, count - done, cap);
        const t0 = performance.now();
        const result = await this.scoped(done, `the charging curves of points ${done}..${done + n - 1}`, async () => {
          this.device.queue.writeBuffer(paramBuf, 0, params, done * PARAM_STRIDE, n * PARAM_STRIDE);
          // the grid in windows of TIMES_PER_DISPATCH, each its own dispatch (and uniform): each
          // window starts afresh from r0 by the leap, so no state carries between them
          for (let offset = 0; offset < times.n; offset += TIMES_PER_DISPATCH) {
            const window = { from: times.from + offset * times.step, step: times.step, n: Math.min(TIMES_PER_DISPATCH, times.n - offset), stride: times.n, offset };
            const u = offset === 0 ? uniform : this.buffer(RUN_BYTES, UNIFORM | COPY_DST, 'run window');
            if (u !== uniform) windowUniforms.push(u);
            this.device.queue.writeBuffer(u, 0, encodeRun({ ...settings, count: n, times: window }));
            const enc = this.device.createCommandEncoder();
            const pass = enc.beginComputePass();
            pass.setPipeline(pipeline);
            pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [u, paramBuf, outBuf].map((buffer, binding) => ({ binding, resource: { buffer } })) }));
            pass.dispatchWorkgroups(...this.dispatchSize(n));
            pass.end();
            this.device.queue.submit([enc.finish()]);
          }
          const enc = this.device.createCommandEncoder();
          enc.copyBufferToBuffer(outBuf, 0, staging, 0, n * stride * 4);
          this.device.queue.submit([enc.finish()]);
          return this.readBack(staging, n * stride * 4, done);
        });
        while (windowUniforms.length) windowUniforms.pop()!.destroy();
        traj.set(result.subarray(0, n * stride), done * stride);
        const ms = performance.now() - t0;
        done += n;
        onProgress?.({ done, total: count });
        chunk = Math.max(1, Math.min(cap, steerChunk(n, ms, target)));
      }
    } catch (e) {
      return { traj, done, error: e instanceof GpuError ? e : new GpuError(`GPU failure: ${(e as Error).message}`, done) };
    } finally {
      for (const b of [paramBuf, outBuf, staging, uniform, ...windowUniforms]) b.destroy();
    }
    return { traj, done };
  }

  /** The f32 generator of each point (256 values, row-major), its r0 and degenerate flag: for tests. */
  async generatorDebug(params: Float32Array<ArrayBuffer>, count: number, settings: RunSettings): Promise<Float32Array> {
    const pipeline = await this.pipeline('generator_debug', settings);
    const stride = PROGRAMS.generator_debug.outStride;
    return this.scoped(0, 'generator_debug', async () => {
      const paramBuf = this.buffer(count * PARAM_BYTES, STORAGE | COPY_DST, 'params');
      const outBuf = this.buffer(count * stride * 4, STORAGE | COPY_SRC, 'out');
      const uniform = this.buffer(RUN_BYTES, UNIFORM | COPY_DST, 'run');
      try {
        this.device.queue.writeBuffer(paramBuf, 0, params, 0, count * PARAM_STRIDE);
        this.device.queue.writeBuffer(uniform, 0, encodeRun({ ...settings, count }));
        return await this.dispatchOnce(pipeline, [uniform, paramBuf, outBuf], count, outBuf, count * stride * 4, 0);
      } finally {
        for (const b of [paramBuf, outBuf, uniform]) b.destroy();
      }
    });
  }

  /**
   * The rk4 integrator: literal stepping, `stepsPerDispatch` steps per dispatch over a state
   * buffer. One chunk of points at a time (the per-point state is 1.1 KiB).
   */
  async rk4(
    params: Float32Array<ArrayBuffer>,
    count: number,
    settings: RunSettings,
    opts: { stepsPerDispatch?: number },
    onProgress?: (p: EvaluateProgress) => void,
  ): Promise<{ out: Float32Array; done: number; error?: GpuError }> {
    const [init, step, finish] = await Promise.all([this.pipeline('rk4_init', settings), this.pipeline('rk4_step', settings), this.pipeline('rk4_finish', settings)]);
    const cap = Math.min(count, this.maxPointsPerChunk(16 * 64));
    const stepsPer = Math.max(1, opts.stepsPerDispatch ?? 2000);
    const out = new Float32Array(count * OUT_STRIDE);
    const paramBuf = this.buffer(cap * PARAM_BYTES, STORAGE | COPY_DST, 'params');
    const outBuf = this.buffer(cap * OUT_STRIDE * 4, STORAGE | COPY_SRC, 'out');
    const mats = this.buffer(cap * 16 * 64, STORAGE, 'rk4 mats');
    const states = this.buffer(cap * 5 * 16, STORAGE | COPY_SRC, 'rk4 states');
    const stagingOut = this.buffer(cap * OUT_STRIDE * 4, MAP_READ | COPY_DST, 'staging out');
    const stagingStates = this.buffer(cap * 5 * 16, MAP_READ | COPY_DST, 'staging states');
    const temporaries: GPUBuffer[] = [];
    let done = 0;
    const uniformFor = (run: RunConstants) => {
      const u = this.buffer(RUN_BYTES, UNIFORM | COPY_DST, 'run');
      temporaries.push(u);
      this.device.queue.writeBuffer(u, 0, encodeRun(run));
      return u;
    };
    try {
      while (done < count) {
        const n = Math.min(cap, count - done);
        const resources = (uniform: GPUBuffer) => [uniform, paramBuf, outBuf, mats, states];
        const pass = (enc: GPUCommandEncoder, pipeline: GPUComputePipeline, res: GPUBuffer[], bindings: number[]) => {
          const group = this.device.createBindGroup({
            layout: pipeline.getBindGroupLayout(0),
            entries: bindings.map((b) => ({ binding: b, resource: { buffer: res[b] } })),
          });
          const p = enc.beginComputePass();
          p.setPipeline(pipeline);
          p.setBindGroup(0, group);
          p.dispatchWorkgroups(...this.dispatchSize(n));
          p.end();
        };
        await this.scoped(done, 'rk4', async () => {
          this.device.queue.writeBuffer(paramBuf, 0, params, done * PARAM_STRIDE, n * PARAM_STRIDE);
          const base: RunConstants = { ...settings, count: n };
          const u0 = uniformFor(base);
          const enc = this.device.createCommandEncoder();
          pass(enc, init, resources(u0), [0, 1, 3, 4]);
          enc.copyBufferToBuffer(states, 0, stagingStates, 0, n * 5 * 16);
          this.device.queue.submit([enc.finish()]);
          // each point chose its own step h: the longest plan sets the number of dispatches
          const st = await this.readBack(stagingStates, n * 5 * 16, done);
          const stepsU32 = new Uint32Array(st.buffer);
          let maxSteps = 0;
          for (let k = 0; k < n; k++) maxSteps = Math.max(maxSteps, stepsU32[k * 20 + 17]);
          // one submission per dispatch of steps: each stays short
          for (let first = 0, k = 0; first < Math.max(maxSteps, 1); first += stepsPer, k++) {
            const u = uniformFor({ ...base, steps: stepsPer, firstStep: first });
            const e = this.device.createCommandEncoder();
            pass(e, step, resources(u), [0, 3, 4]);
            this.device.queue.submit([e.finish()]);
            if (k % 16 === 15) {
              await this.device.queue.onSubmittedWorkDone();
              this.checkLost(done);
              onProgress?.({ done: done + Math.floor((n * Math.min(first + stepsPer, maxSteps)) / maxSteps), total: count });
            }
          }
          const e2 = this.device.createCommandEncoder();
          pass(e2, finish, resources(u0), [0, 1, 2, 4]);
          e2.copyBufferToBuffer(outBuf, 0, stagingOut, 0, n * OUT_STRIDE * 4);
          this.device.queue.submit([e2.finish()]);
          out.set(await this.readBack(stagingOut, n * OUT_STRIDE * 4, done), done * OUT_STRIDE);
        });
        done += n;
        onProgress?.({ done, total: count });
        while (temporaries.length) temporaries.pop()!.destroy();
      }
    } catch (e) {
      const error = e instanceof GpuError ? e : new GpuError(`GPU failure: ${(e as Error).message}`, done);
      return { out, done, error };
    } finally {
      for (const b of [paramBuf, outBuf, mats, states, stagingOut, stagingStates, ...temporaries]) b.destroy();
    }
    return { out, done };
  }
}
