// The WebGPU sweep engine: runs kernel programs (programs.ts), each dispatch through run(), over
// a batch of points in chunks that respect device.limits and keep each submission short.
// Environment-neutral: Node (Dawn) and the browser hand in a GPUDevice and the WGSL sources.

import { STATIONARY_DECAYS } from '../../core/constants.js';
import { OUT, OUT_STRIDE, PARAM_BYTES, PARAM_STRIDE, RUN_BYTES, type RunConstants, encodeRun, recordLayout, recordStride } from '../../core/layout.js';
import { systemKey } from '../../system/registry.js';
import type { RunSettings } from '../types.js';
import { PROGRAMS, type Program, type ProgramName, type ShaderSources, assembleShader, entryPoint, workgroupsFor } from './programs.js';
import { ND_TIMES_PER_DISPATCH, ndBytesPerPoint, ndLimitsRefusal, ndTimesBytesPerPoint, ndWorkLayout } from './nd.js';
import { ndSpectrumLayout, ndSpectrumPlan } from './ndSpectrum.js';

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

/**
 * Device memory one point takes in a leap run, in bytes (what `bench` reports): two qubits, its
 * parameter row, record and staging copy; n > 2, its work buffer (generator, propagator, product),
 * record, staging copy and long-time r.
 */
export function deviceBytesPerPoint(stateDim: number): number {
  if (stateDim === 16) return PARAM_BYTES + 2 * OUT_STRIDE * 4;
  const b = ndBytesPerPoint(stateDim);
  return b.work + 2 * b.record + stateDim * 4;
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

export interface EvaluateResult {
  /** OUT_STRIDE f32 per point; rows past `done` are zero */
  out: Float32Array;
  done: number;
  /** set when the device failed part way: the first `done` points are still valid */
  error?: GpuError;
  chunks: number;
  gpuMs: number;
}

/** An n > 2 run: the records (recordLayout of the state's size) and each point's long-time r (stateDim f32 per point, NaN where it is not unique). */
export interface NdEvaluateResult extends EvaluateResult {
  longTimeR: Float32Array;
}

/** A program compiled for a system, model and constants: its declaration and its pipeline. */
export interface CompiledProgram {
  program: Program;
  pipeline: GPUComputePipeline;
}

/** A buffer for a binding: whole, or its first `size` bytes. */
type BoundBuffer = GPUBuffer | { buffer: GPUBuffer; size: number };

/** How a run splits its points into submissions (see inChunks). */
interface Chunking {
  /** most points per chunk (the buffers' size) */
  cap: number;
  /** the first chunk's size */
  first: number;
  /** steer the chunk towards the target time per submission, within these bounds (told to onSteer); undefined: always cap */
  steer?: { floor: number; ceiling: number; onSteer?: (next: number) => void };
  /** what a chunk computes, for error messages */
  what: (from: number, n: number) => string;
}

/** The next chunk's size after `n` points took `ms`: steered towards `targetMs` (x0.5 .. x4 per step). */
export function steerChunk(n: number, ms: number, targetMs: number): number {
  return Math.floor(n * Math.min(4, Math.max(0.5, targetMs / Math.max(ms, 1))));
}

/** Times one dispatch of the times program steps through per point (llvmpipe ends a shader loop after ~16k iterations). */
export const TIMES_PER_DISPATCH = 4096;

const STORAGE = 0x80; // GPUBufferUsage.STORAGE
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const MAP_READ = 0x01;
const UNIFORM = 0x40;
const MAP_MODE_READ = 0x01;

const asGpuError = (e: unknown, done: number) => (e instanceof GpuError ? e : new GpuError(`GPU failure: ${(e as Error).message}`, done));

export class WebGpuEngine {
  private pipelines = new Map<string, Promise<CompiledProgram>>();
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

  /**
   * A program compiled for a system and model (and the constants it derives from the settings),
   * cached by them and the workgroup size.
   */
  pipeline(name: ProgramName, settings: Pick<RunSettings, 'system' | 'model' | 'concurrence'>): Promise<CompiledProgram> {
    const program = PROGRAMS[name];
    const constants = program.constants?.(settings);
    const key = `${name}@${this.workgroupSizeOf(program)}:${settings.model}:${systemKey(settings.system)}${constants ? `:${JSON.stringify(constants)}` : ''}`;
    let p = this.pipelines.get(key);
    if (!p) {
      // compiles run concurrently: each pushes and pops its error scope synchronously around the
      // module (scopes are a per-device stack), and the pipeline's own failure is a rejection
      p = this.compile(program, settings, constants).then((pipeline) => ({ program, pipeline }));
      this.pipelines.set(key, p);
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  private async compile(program: Program, settings: Pick<RunSettings, 'system' | 'model'>, constants?: Record<string, number>): Promise<GPUComputePipeline> {
    const { name } = program;
    const code = assembleShader(program, this.sources, this.workgroupSizeOf(program), settings.system, settings.model);
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

  /**
   * The one way a program runs: a compute pass of `enc` with its bind group, built from its
   * declared bindings (`buffers` by their WGSL names), and its dispatch for `count` points.
   */
  private run(enc: GPUCommandEncoder, { program, pipeline }: CompiledProgram, buffers: Record<string, BoundBuffer>, count: number): void {
    const entries = program.bindings.map(({ binding, name }) => {
      const b = buffers[name];
      if (!b) throw new GpuError(`program ${program.name}: no buffer for its binding ${binding} (${name})`);
      return { binding, resource: 'buffer' in b ? b : { buffer: b } };
    });
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
    pass.dispatchWorkgroups(...this.dispatchSize(workgroupsFor(program, count, this.workgroupSizeOf(program))));
    pass.end();
  }

  private workgroupSizeOf(program: Program): number {
    return program.workgroupSize ?? this.workgroupSize;
  }

  private checkLost(done: number): void {
    if (this.lost) throw new GpuError(`GPU device lost (${this.lost.reason || 'unknown'}): ${this.lost.message || 'no message'}`, done);
  }

  private buffer(size: number, usage: number, label: string): GPUBuffer {
    return this.device.createBuffer({ size: Math.max(16, Math.ceil(size / 16) * 16), usage, label });
  }

  /** A uniform buffer holding a run's constants. */
  /** The uniform buffers of a run's dispatches: each made when a dispatch needs it, released together when a chunk ends (or the run does). */
  private uniformPool(): { take: (run: RunConstants, label?: string) => GPUBuffer; release: () => void } {
    const live: GPUBuffer[] = [];
    return {
      take: (run, label = 'run') => {
        const u = this.uniform(run, label);
        live.push(u);
        return u;
      },
      release: () => {
        while (live.length) live.pop()!.destroy();
      },
    };
  }

  private uniform(run: RunConstants, label: string): GPUBuffer {
    const u = this.buffer(RUN_BYTES, UNIFORM | COPY_DST, label);
    this.device.queue.writeBuffer(u, 0, encodeRun(run));
    return u;
  }

  /** Workgroups laid out in x, then y where x would pass the limit. */
  private dispatchSize(groups: number): [number, number] {
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
   * Runs `count` points in chunks, each through `body` (its submissions and read-back) in an
   * error scope, with progress after each; a failure stops there and keeps the points before it.
   */
  private async inChunks(
    count: number,
    c: Chunking,
    body: (done: number, n: number) => Promise<void>,
    onProgress?: (p: EvaluateProgress) => void,
  ): Promise<{ done: number; chunks: number; gpuMs: number; error?: GpuError }> {
    const target = this.options.targetChunkMs ?? 300;
    let done = 0;
    let chunks = 0;
    let gpuMs = 0;
    let chunk = c.first;
    try {
      while (done < count) {
        const n = Math.min(chunk, count - done, c.cap);
        const t0 = performance.now();
        await this.scoped(done, c.what(done, n), () => body(done, n));
        const ms = performance.now() - t0;
        gpuMs += ms;
        done += n;
        chunks++;
        onProgress?.({ done, total: count });
        if (c.steer) {
          chunk = Math.max(c.steer.floor, Math.min(c.steer.ceiling, steerChunk(n, ms, target)));
          c.steer.onSteer?.(chunk);
        }
      }
    } catch (e) {
      return { done, chunks, gpuMs, error: asGpuError(e, done) };
    }
    return { done, chunks, gpuMs };
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
    const passes = await Promise.all((subsetSpectrum ? programs.filter((p) => p !== 'spectrum') : programs).map((p) => this.pipeline(p, settings)));
    const subset = subsetSpectrum ? await this.pipeline('spectrum_subset', settings) : undefined;
    const maxChunk = this.maxPointsPerChunk(OUT_STRIDE * 4);
    const cap = Math.min(maxChunk, count);
    const paramBuf = this.buffer(cap * PARAM_BYTES, STORAGE | COPY_DST, 'params');
    const outBuf = this.buffer(cap * OUT_STRIDE * 4, STORAGE | COPY_SRC, 'out');
    const staging = this.buffer(cap * OUT_STRIDE * 4, MAP_READ | COPY_DST, 'staging');
    const uniform = this.buffer(RUN_BYTES, UNIFORM | COPY_DST, 'run');
    // later runs start near the size this one steered to
    const steer = { floor: this.workgroupSize, ceiling: maxChunk, onSteer: (next: number) => (this.chunkHint = Math.max(this.chunkHint, Math.min(next, 65536))) };
    const chunking: Chunking = { cap, first: Math.min(this.chunkHint, maxChunk), steer, what: (from, n) => `points ${from}..${from + n - 1}` };
    let r: Awaited<ReturnType<WebGpuEngine['inChunks']>> = { done: 0, chunks: 0, gpuMs: 0 };
    try {
      r = await this.inChunks(
        count,
        chunking,
        async (done, n) => {
          this.device.queue.writeBuffer(paramBuf, 0, params, done * PARAM_STRIDE, n * PARAM_STRIDE);
          this.device.queue.writeBuffer(uniform, 0, encodeRun({ ...settings, count: n }));
          const enc = this.device.createCommandEncoder();
          const buffers = { run: uniform, params: { buffer: paramBuf, size: Math.ceil((n * PARAM_BYTES) / 16) * 16 }, out: outBuf };
          for (const pass of passes) this.run(enc, pass, buffers, n);
          enc.copyBufferToBuffer(outBuf, 0, staging, 0, n * OUT_STRIDE * 4);
          this.device.queue.submit([enc.finish()]);
          out.set((await this.readBack(staging, n * OUT_STRIDE * 4, done)).subarray(0, n * OUT_STRIDE), done * OUT_STRIDE);
        },
        onProgress,
      );
      if (r.error) return { out, ...r };
      // once per call, not per chunk: one more synchronisation instead of one per chunk
      if (subset) await this.scoped(r.done, 'the spectrum of undecided points', () => this.spectrumOfUndecided(subset, out, count, params, settings, r.done));
      return { out, ...r };
    } catch (e) {
      return { out, ...r, error: asGpuError(e, r.done) };
    } finally {
      for (const b of [paramBuf, outBuf, staging, uniform]) b.destroy();
    }
  }

  /**
   * The sizes of an n > 2 run of `count` points, after the adapter-limit check (one line, thrown
   * before anything is allocated): strides, bytes per point, points per chunk (what one work
   * buffer binding holds, one workgroup per point).
   */
  private ndSizes(settings: RunSettings, count: number) {
    const sys = settings.system;
    const lim = this.device.limits;
    const refusal = ndLimitsRefusal(lim, sys.qubits);
    if (refusal) throw new GpuError(refusal);
    const bytes = ndBytesPerPoint(sys.stateDim);
    const byBuffer = Math.floor(Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize) / bytes.work);
    const cap = Math.max(1, Math.min(count, byBuffer, lim.maxComputeWorkgroupsPerDimension, this.options.maxChunk ?? Infinity));
    return { sys, workStride: ndWorkLayout(sys.stateDim).stride, recStride: recordStride(sys.stateDim), bytes, cap };
  }

  /** Copies the long-time r of points 0 .. n - 1 of a chunk from their work buffers into `staging` (stateDim f32 each, packed). */
  private copyLongTimeR(enc: GPUCommandEncoder, workBuf: GPUBuffer, staging: GPUBuffer, n: number, stateDim: number, workBytes: number): void {
    const at = ndWorkLayout(stateDim).steadyR * 4;
    for (let k = 0; k < n; k++) enc.copyBufferToBuffer(workBuf, k * workBytes + at, staging, k * stateDim * 4, stateDim * 4);
  }

  /**
   * Systems of n > 2 qubits (nd.ts): the nd_leap program over `count` points whose work buffers
   * the host filled (fillNdWork), one record per point (the registry's recordLayout of the
   * state's size: r(tau), the kernel's flags, step, kernel dimension and bound; the gap slots NaN:
   * spectrumNd computes them; the figures are the host's, ndRun.ts) and its long-time r.
   * Refuses in one line before anything is allocated where the adapter's limits cannot hold one point.
   */
  async evaluateNd(work: Float32Array<ArrayBuffer>, count: number, settings: RunSettings, onProgress?: (p: EvaluateProgress) => void): Promise<NdEvaluateResult> {
    const { sys, workStride, recStride, bytes, cap } = this.ndSizes(settings, count);
    const D = sys.stateDim;
    const leap = await this.pipeline('nd_leap', settings);
    const out = new Float32Array(count * recStride);
    const longTimeR = new Float32Array(count * D);
    const workBuf = this.buffer(cap * bytes.work, STORAGE | COPY_SRC | COPY_DST, 'nd work');
    const stagingR = this.buffer(cap * D * 4, MAP_READ | COPY_DST, 'nd staging long-time r');
    const outBuf = this.buffer(cap * bytes.record, STORAGE | COPY_SRC | COPY_DST, 'nd out');
    const staging = this.buffer(cap * bytes.record, MAP_READ | COPY_DST, 'nd staging');
    const uniform = this.buffer(RUN_BYTES, UNIFORM | COPY_DST, 'run');
    const chunking: Chunking = { cap, first: Math.min(cap, 16), steer: { floor: 1, ceiling: cap }, what: (from, n) => `points ${from}..${from + n - 1}` };
    try {
      const r = await this.inChunks(
        count,
        chunking,
        async (done, n) => {
          this.device.queue.writeBuffer(workBuf, 0, work, done * workStride, n * workStride);
          this.device.queue.writeBuffer(uniform, 0, encodeRun({ ...settings, count: n }));
          const enc = this.device.createCommandEncoder();
          enc.clearBuffer(outBuf, 0, n * bytes.record);
          this.run(enc, leap, { run: uniform, work: workBuf, out: outBuf }, n);
          enc.copyBufferToBuffer(outBuf, 0, staging, 0, n * bytes.record);
          this.copyLongTimeR(enc, workBuf, stagingR, n, D, bytes.work);
          this.device.queue.submit([enc.finish()]);
          out.set(this.finishedNdRecords(await this.readBack(staging, n * bytes.record, done), n, done, sys), done * recStride);
          longTimeR.set((await this.readBack(stagingR, n * D * 4, done)).subarray(0, n * D), done * D);
        },
        onProgress,
      );
      return { out, longTimeR, ...r };
    } finally {
      for (const b of [workBuf, outBuf, staging, stagingR, uniform]) b.destroy();
    }
  }

  /** `records` of n points from point `done` on, each checked to be finished: kernel dimension 1 or 2 (NaN where G is not finite). */
  private finishedNdRecords(records: Float32Array, n: number, done: number, sys: RunSettings['system']): Float32Array {
    const { kernelDim } = recordLayout(sys.stateDim);
    const stride = recordStride(sys.stateDim);
    for (let k = 0; k < n; k++) {
      const kd = records[k * stride + kernelDim];
      if (kd !== 1 && kd !== 2 && !Number.isNaN(kd)) throw this.loopBudgetError(sys.qubits, done + k, done);
    }
    return records;
  }

  /** The one line of a point whose n > 2 kernel ran past the adapter's loop budget (its record then says kernel dimension 0). */
  private loopBudgetError(qubits: number, point: number, done: number): GpuError {
    return new GpuError(`webgpu: the kernel of a system of ${qubits} qubits ran past this adapter's budget of loop iterations per invocation (${this.adapter.description}; llvmpipe's) at point ${point}: use --backend cpu, or a hardware GPU`, done);
  }

  /**
   * The states of n > 2 charging curves: r(t_j) at every time of the grid, times.n x stateDim f32
   * per point (time-major), from the work buffers the host filled (fillNdWork); the host computes
   * the curves' values from them (ndRun.ts). nd_leap to tau = times.from (its record checked as
   * evaluateNd's), its r copied into the r0 slot, then nd_times_map (the grid step's map) and
   * nd_times_step, ND_TIMES_PER_DISPATCH times a dispatch. Refuses in one line before anything
   * is allocated where the adapter cannot hold one point (its work buffer, or its states in one binding).
   */
  async timesNd(work: Float32Array<ArrayBuffer>, count: number, settings: RunSettings, times: { from: number; step: number; n: number }, onProgress?: (p: EvaluateProgress) => void): Promise<{ states: Float32Array; done: number; error?: GpuError }> {
    const { sys, workStride, recStride, bytes, cap: workCap } = this.ndSizes(settings, count);
    const D = sys.stateDim;
    const statesBytes = ndTimesBytesPerPoint(D, times.n);
    const lim = this.device.limits;
    const cap = Math.min(workCap, Math.floor(Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize) / statesBytes));
    if (cap < 1) throw new GpuError(`webgpu: ${times.n} times of a system of ${sys.qubits} qubits need ${statesBytes} bytes of storage buffer per point, this adapter's maxStorageBufferBindingSize is ${lim.maxStorageBufferBindingSize}: use fewer times, or --backend cpu`);
    const [leap, map, step] = await Promise.all([this.pipeline('nd_leap', settings), this.pipeline('nd_times_map', settings), this.pipeline('nd_times_step', settings)]);
    const layout = ndWorkLayout(D);
    const rAt = recordLayout(D).r * 4;
    const states = new Float32Array(count * times.n * D).fill(Number.NaN);
    const workBuf = this.buffer(cap * bytes.work, STORAGE | COPY_SRC | COPY_DST, 'nd work');
    const recBuf = this.buffer(cap * bytes.record, STORAGE | COPY_SRC | COPY_DST, 'nd out');
    const stagingRec = this.buffer(cap * bytes.record, MAP_READ | COPY_DST, 'nd staging');
    const outBuf = this.buffer(cap * statesBytes, STORAGE | COPY_SRC, 'nd curve states');
    const staging = this.buffer(cap * statesBytes, MAP_READ | COPY_DST, 'nd staging curve states');
    const stagingHead = this.buffer(cap * 16, MAP_READ | COPY_DST, 'nd staging headers');
    const uniforms = this.uniformPool();
    try {
      const r = await this.inChunks(
        count,
        { cap, first: cap, what: (from, n) => `the charging curves of points ${from}..${from + n - 1}` },
        async (done, n) => {
          // the leap goes to the grid's first time
          const chunk = work.slice(done * workStride, (done + n) * workStride);
          for (let k = 0; k < n; k++) chunk[k * workStride + layout.tau] = times.from;
          this.device.queue.writeBuffer(workBuf, 0, chunk);
          const base: RunConstants = { ...settings, count: n, times: { from: times.from, step: times.step, n: times.n } };
          const run = uniforms.take(base);
          const enc = this.device.createCommandEncoder();
          enc.clearBuffer(recBuf, 0, n * bytes.record);
          this.run(enc, leap, { run, work: workBuf, out: recBuf }, n);
          for (let k = 0; k < n; k++) enc.copyBufferToBuffer(recBuf, k * bytes.record + rAt, workBuf, k * bytes.work + layout.r0 * 4, D * 4);
          this.run(enc, map, { run, work: workBuf }, n);
          enc.copyBufferToBuffer(recBuf, 0, stagingRec, 0, n * bytes.record);
          this.device.queue.submit([enc.finish()]);
          await this.dispatchSteps(step, { work: workBuf, out: outBuf }, base, times.n, ND_TIMES_PER_DISPATCH, uniforms.take, done);
          const e2 = this.device.createCommandEncoder();
          e2.copyBufferToBuffer(outBuf, 0, staging, 0, n * statesBytes);
          for (let k = 0; k < n; k++) e2.copyBufferToBuffer(workBuf, k * bytes.work, stagingHead, k * 16, 16);
          this.device.queue.submit([e2.finish()]);
          this.finishedNdRecords((await this.readBack(stagingRec, n * bytes.record, done)).subarray(0, n * recStride), n, done, sys);
          const heads = await this.readBack(stagingHead, n * 16, done);
          // .w: -1 where the adapter's loop budget cut the map or a step (nd_times.wgsl)
          for (let k = 0; k < n; k++) if (heads[4 * k + 3] < 0) throw this.loopBudgetError(sys.qubits, done + k, done);
          states.set((await this.readBack(staging, n * statesBytes, done)).subarray(0, n * times.n * D), done * times.n * D);
          uniforms.release();
        },
        onProgress,
      );
      return { states, done: r.done, error: r.error };
    } finally {
      for (const b of [workBuf, recBuf, stagingRec, outBuf, staging, stagingHead]) b.destroy();
      uniforms.release();
    }
  }

  /**
   * Dispatches `step` over steps 0 .. total - 1 of a chunk, stepsPer steps a dispatch, one
   * submission each (each stays short), waiting for the queue every 16 dispatches (then
   * `onWait` with the steps done): the stepping of both rk4 integrators.
   */
  private async dispatchSteps(step: CompiledProgram, buffers: Record<string, BoundBuffer>, base: RunConstants, total: number, stepsPer: number, uniformFor: (run: RunConstants) => GPUBuffer, done: number, onWait?: (stepsDone: number) => void): Promise<void> {
    for (let first = 0, k = 0; first < total; first += stepsPer, k++) {
      const e = this.device.createCommandEncoder();
      this.run(e, step, { ...buffers, run: uniformFor({ ...base, steps: stepsPer, firstStep: first }) }, base.count);
      this.device.queue.submit([e.finish()]);
      if (k % 16 === 15) {
        await this.device.queue.onSubmittedWorkDone();
        this.checkLost(done);
        onWait?.(Math.min(first + stepsPer, total));
      }
    }
  }

  /**
   * The rk4 integrator for n > 2 (nd_rk4_*): literal stepping by RK4's one-step map,
   * `stepsPerDispatch` steps per dispatch, one chunk of points at a time; the same record as
   * evaluateNd (the leap's bound slot 3e38: no bound). The same refusal before allocating.
   */
  async rk4Nd(work: Float32Array<ArrayBuffer>, count: number, settings: RunSettings, opts: { stepsPerDispatch?: number } = {}, onProgress?: (p: EvaluateProgress) => void): Promise<NdEvaluateResult> {
    const { sys, workStride, recStride, bytes, cap } = this.ndSizes(settings, count);
    const D = sys.stateDim;
    const longTimeR = new Float32Array(count * D);
    const [init, step, finish] = await Promise.all([this.pipeline('nd_rk4_init', settings), this.pipeline('nd_rk4_step', settings), this.pipeline('nd_rk4_finish', settings)]);
    // ~20 loop iterations a step for n = 3: 400 steps stay far inside llvmpipe's budget per dispatch
    const stepsPer = Math.max(1, opts.stepsPerDispatch ?? 400);
    const out = new Float32Array(count * recStride);
    const workBuf = this.buffer(cap * bytes.work, STORAGE | COPY_SRC | COPY_DST, 'nd work');
    const outBuf = this.buffer(cap * bytes.record, STORAGE | COPY_SRC | COPY_DST, 'nd out');
    const staging = this.buffer(cap * bytes.record, MAP_READ | COPY_DST, 'nd staging');
    const stagingSteps = this.buffer(cap * 16, MAP_READ | COPY_DST, 'nd staging steps');
    const stagingR = this.buffer(cap * D * 4, MAP_READ | COPY_DST, 'nd staging long-time r');
    const uniforms = this.uniformPool();
    try {
      const r = await this.inChunks(
        count,
        { cap, first: cap, what: (from, n) => `rk4 of points ${from}..${from + n - 1}` },
        async (done, n) => {
          this.device.queue.writeBuffer(workBuf, 0, work, done * workStride, n * workStride);
          const base: RunConstants = { ...settings, count: n };
          const buffers = { run: uniforms.take(base), work: workBuf, out: outBuf };
          const enc = this.device.createCommandEncoder();
          this.run(enc, init, buffers, n);
          // each point's header (tau, h, degenerate, steps)
          for (let k = 0; k < n; k++) enc.copyBufferToBuffer(workBuf, k * bytes.work, stagingSteps, k * 16, 16);
          this.device.queue.submit([enc.finish()]);
          // each point chose its own step h: the longest plan sets the number of dispatches
          const plans = await this.readBack(stagingSteps, n * 16, done);
          let maxSteps = 0;
          for (let k = 0; k < n; k++) maxSteps = Math.max(maxSteps, plans[4 * k + 3]);
          await this.dispatchSteps(step, buffers, base, maxSteps, stepsPer, uniforms.take, done);
          const e2 = this.device.createCommandEncoder();
          e2.clearBuffer(outBuf, 0, n * bytes.record);
          this.run(e2, finish, buffers, n);
          e2.copyBufferToBuffer(outBuf, 0, staging, 0, n * bytes.record);
          this.copyLongTimeR(e2, workBuf, stagingR, n, D, bytes.work);
          this.device.queue.submit([e2.finish()]);
          out.set(this.finishedNdRecords(await this.readBack(staging, n * bytes.record, done), n, done, sys), done * recStride);
          longTimeR.set((await this.readBack(stagingR, n * D * 4, done)).subarray(0, n * D), done * D);
          uniforms.release();
        },
        onProgress,
      );
      return { out, longTimeR, ...r };
    } finally {
      for (const b of [workBuf, outBuf, staging, stagingSteps, stagingR]) b.destroy();
      uniforms.release();
    }
  }

  /**
   * The spectrum of systems of n > 2 qubits (ndSpectrum.ts, shaders/kernels/nd_spectrum.wgsl)
   * over `count` points whose work buffers the host filled (fillNdWork: G and tau are read):
   * `out` holds an ndSpectrumLayout record per point, the gap, spectral radius, slowest decay
   * and spectrum flags as the n = 2 spectrum program and float64 define them, with the kernel
   * dimension they used (the nd_leap program's decision). The same adapter-limit refusal as
   * evaluateNd before anything is allocated; a point that ran past the adapter's loop budget
   * (llvmpipe) ends the run with one line. Dispatches: init, balance, the Householder
   * reduction and the QR iterations in slices (ndSpectrumPlan; the QR progress read back after
   * each slice until no point has eigenvalues left), finish.
   */
  async spectrumNd(work: Float32Array<ArrayBuffer>, count: number, settings: RunSettings, onProgress?: (p: EvaluateProgress) => void): Promise<EvaluateResult> {
    const { sys, workStride, bytes, cap } = this.ndSizes(settings, count);
    const [init, balance, reduce, qr, finish] = await Promise.all(
      (['nd_spectrum_init', 'nd_spectrum_balance', 'nd_spectrum_reduce', 'nd_spectrum_qr', 'nd_spectrum_finish'] as const).map((p) => this.pipeline(p, settings)),
    );
    const L = ndSpectrumLayout();
    const plan = ndSpectrumPlan(sys.stateDim);
    const out = new Float32Array(count * L.stride);
    const recordBytes = L.stride * 4;
    const workBuf = this.buffer(cap * bytes.work, STORAGE | COPY_DST, 'nd work');
    const outBuf = this.buffer(cap * recordBytes, STORAGE | COPY_SRC | COPY_DST, 'nd spectrum');
    const staging = this.buffer(cap * recordBytes, MAP_READ | COPY_DST, 'nd spectrum staging');
    const uniforms = this.uniformPool();
    try {
      const r = await this.inChunks(
        count,
        { cap, first: cap, what: (from, n) => `the spectrum of points ${from}..${from + n - 1}` },
        async (done, n) => {
          const buffers = (run: Pick<RunConstants, 'steps' | 'firstStep'>) => {
            return { run: uniforms.take({ ...settings, count: n, ...run }), work: workBuf, out: outBuf };
          };
          const readOut = async () => {
            const enc = this.device.createCommandEncoder();
            enc.copyBufferToBuffer(outBuf, 0, staging, 0, n * recordBytes);
            this.device.queue.submit([enc.finish()]);
            return this.readBack(staging, n * recordBytes, done);
          };
          this.device.queue.writeBuffer(workBuf, 0, work, done * workStride, n * workStride);
          const enc = this.device.createCommandEncoder();
          enc.clearBuffer(outBuf, 0, n * recordBytes);
          this.run(enc, init, buffers({}), n);
          for (let k = 0; k < plan.balanceDispatches; k++) this.run(enc, balance, buffers({ steps: plan.balancePassesPerDispatch }), n);
          for (let m = 1; m <= plan.householderTotal; m += plan.householderStepsPerDispatch) this.run(enc, reduce, buffers({ firstStep: m, steps: plan.householderStepsPerDispatch }), n);
          this.device.queue.submit([enc.finish()]);
          // QR iterations until no point has eigenvalues left (hqr's own budget bounds them)
          for (let k = 0; k < plan.qrDispatchesMax; k++) {
            const e = this.device.createCommandEncoder();
            this.run(e, qr, buffers({ steps: plan.qrIterationsPerDispatch }), n);
            this.device.queue.submit([e.finish()]);
            const progress = await readOut();
            let left = 0;
            for (let j = 0; j < n; j++) left += progress[j * L.stride + L.left];
            if (left === 0) break;
          }
          const e2 = this.device.createCommandEncoder();
          this.run(e2, finish, buffers({}), n);
          this.device.queue.submit([e2.finish()]);
          const records = await readOut();
          uniforms.release();
          for (let j = 0; j < n; j++) if (records[j * L.stride + L.kernelDim] === 0) throw this.loopBudgetError(sys.qubits, done + j, done);
          out.set(records.subarray(0, n * L.stride), done * L.stride);
        },
        onProgress,
      );
      return { out, ...r };
    } finally {
      for (const b of [workBuf, outBuf, staging]) b.destroy();
      uniforms.release();
    }
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
  private async spectrumOfUndecided(subset: CompiledProgram, out: Float32Array, count: number, params: Float32Array, settings: RunSettings, done: number): Promise<void> {
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
      const uniform = this.uniform({ ...settings, count: m }, 'run subset');
      try {
        this.device.queue.writeBuffer(paramBuf, 0, rows);
        this.device.queue.writeBuffer(indices, 0, Uint32Array.from({ length: m }, (_, j) => j));
        const res = await this.runOnce(subset, { run: uniform, params: paramBuf, indices, compact }, m, compact, m * 16, done);
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

  /** One run of a program over `count` points in its own submission, then `bytes` of `output` read back. */
  private async runOnce(program: CompiledProgram, buffers: Record<string, BoundBuffer>, count: number, output: GPUBuffer, bytes: number, done: number): Promise<Float32Array> {
    const staging = this.buffer(bytes, MAP_READ | COPY_DST, 'staging');
    try {
      const enc = this.device.createCommandEncoder();
      this.run(enc, program, buffers, count);
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
    const program = await this.pipeline('times', settings);
    const cap = Math.min(this.maxPointsPerChunk(stride * 4), count);
    const paramBuf = this.buffer(cap * PARAM_BYTES, STORAGE | COPY_DST, 'params');
    const outBuf = this.buffer(cap * stride * 4, STORAGE | COPY_SRC, 'trajectories');
    const staging = this.buffer(cap * stride * 4, MAP_READ | COPY_DST, 'staging trajectories');
    const uniforms = this.uniformPool();
    // a point here costs about n / 16 leap points: start small, then steer
    const chunking: Chunking = {
      cap,
      first: Math.max(1, Math.min(cap, Math.floor((this.chunkHint * 16) / times.n))),
      steer: { floor: 1, ceiling: cap },
      what: (from, n) => `the charging curves of points ${from}..${from + n - 1}`,
    };
    try {
      const r = await this.inChunks(
        count,
        chunking,
        async (done, n) => {
          this.device.queue.writeBuffer(paramBuf, 0, params, done * PARAM_STRIDE, n * PARAM_STRIDE);
          // the grid in windows of TIMES_PER_DISPATCH, each its own dispatch (and uniform): each
          // window starts afresh from r0 by the leap, so no state carries between them
          for (let offset = 0; offset < times.n; offset += TIMES_PER_DISPATCH) {
            const window = { from: times.from + offset * times.step, step: times.step, n: Math.min(TIMES_PER_DISPATCH, times.n - offset), stride: times.n, offset };
            const u = uniforms.take({ ...settings, count: n, times: window }, 'run window');
            const enc = this.device.createCommandEncoder();
            this.run(enc, program, { run: u, params: paramBuf, out: outBuf }, n);
            this.device.queue.submit([enc.finish()]);
          }
          const enc = this.device.createCommandEncoder();
          enc.copyBufferToBuffer(outBuf, 0, staging, 0, n * stride * 4);
          this.device.queue.submit([enc.finish()]);
          const result = await this.readBack(staging, n * stride * 4, done);
          uniforms.release();
          traj.set(result.subarray(0, n * stride), done * stride);
        },
        onProgress,
      );
      return { traj, done: r.done, error: r.error };
    } finally {
      for (const b of [paramBuf, outBuf, staging]) b.destroy();
      uniforms.release();
    }
  }

  /** The f32 generator of each point (256 values, row-major), its r0 and degenerate flag: for tests. */
  async generatorDebug(params: Float32Array<ArrayBuffer>, count: number, settings: RunSettings): Promise<Float32Array> {
    const program = await this.pipeline('generator_debug', settings);
    const bytes = count * program.program.outStride * 4;
    return this.scoped(0, 'generator_debug', async () => {
      const paramBuf = this.buffer(count * PARAM_BYTES, STORAGE | COPY_DST, 'params');
      const outBuf = this.buffer(bytes, STORAGE | COPY_SRC, 'out');
      const uniform = this.uniform({ ...settings, count }, 'run');
      try {
        this.device.queue.writeBuffer(paramBuf, 0, params, 0, count * PARAM_STRIDE);
        return await this.runOnce(program, { run: uniform, params: paramBuf, out: outBuf }, count, outBuf, bytes, 0);
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
    const uniforms = this.uniformPool();
    try {
      const r = await this.inChunks(
        count,
        { cap, first: cap, what: () => 'rk4' },
        async (done, n) => {
          this.device.queue.writeBuffer(paramBuf, 0, params, done * PARAM_STRIDE, n * PARAM_STRIDE);
          const base: RunConstants = { ...settings, count: n };
          const buffers = { run: uniforms.take(base), params: paramBuf, out: outBuf, mats, states };
          const enc = this.device.createCommandEncoder();
          this.run(enc, init, buffers, n);
          enc.copyBufferToBuffer(states, 0, stagingStates, 0, n * 5 * 16);
          this.device.queue.submit([enc.finish()]);
          // each point chose its own step h: the longest plan sets the number of dispatches
          const st = await this.readBack(stagingStates, n * 5 * 16, done);
          const stepsU32 = new Uint32Array(st.buffer);
          let maxSteps = 0;
          for (let k = 0; k < n; k++) maxSteps = Math.max(maxSteps, stepsU32[k * 20 + 17]);
          await this.dispatchSteps(step, buffers, base, Math.max(maxSteps, 1), stepsPer, uniforms.take, done, (stepsDone) =>
            onProgress?.({ done: done + Math.floor((n * Math.min(stepsDone, maxSteps)) / maxSteps), total: count }),
          );
          const e2 = this.device.createCommandEncoder();
          this.run(e2, finish, buffers, n);
          e2.copyBufferToBuffer(outBuf, 0, stagingOut, 0, n * OUT_STRIDE * 4);
          this.device.queue.submit([e2.finish()]);
          out.set(await this.readBack(stagingOut, n * OUT_STRIDE * 4, done), done * OUT_STRIDE);
          uniforms.release();
        },
        onProgress,
      );
      return { out, done: r.done, error: r.error };
    } finally {
      for (const b of [paramBuf, outBuf, mats, states, stagingOut, stagingStates]) b.destroy();
      uniforms.release();
    }
  }
}
