// The harness page's script: the compute runtime of the explorer page without its UI, driven
// from Node through puppeteer (the browser backend, the browser test harness). Takes the job of
// every backend with its rows (base64 of the type rows.ts names), and returns records, as base64
// strings of Float32Array.

import type { RunSettings, SweepJob } from '../backends/types.js';
import { rowStride } from '../backends/types.js';
import { wireRowsType } from '../backends/browser/rows.js';
import { prepareEngine } from '../backends/webgpu/backend.js';
import { resolveSystem } from '../system/registry.js';
import { type Runtime, type RuntimeKind, type WebGpuRuntime, createRuntime } from './runtime.js';

export function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64<A extends Float32Array | Float64Array>(s: string, Type: { new (b: ArrayBuffer): A }): A {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Type(bytes.buffer);
}

/** A job from Node with its system parsed here (it crosses as its reference: a built-in name, or the definition's JSON). */
function settingsOf(req: SweepJob<string>): RunSettings {
  return { ...req.settings, system: resolveSystem(req.settings.system, 'harness settings.system') };
}

let runtime: Runtime | undefined;

const api = {
  async init(prefer: 'auto' | RuntimeKind = 'auto'): Promise<{ kind: RuntimeKind; why: string; info: Record<string, unknown>; userAgent: string }> {
    const r = await createRuntime(prefer);
    runtime = r.runtime;
    return { kind: runtime.kind, why: r.why, info: runtime.info, userAgent: navigator.userAgent };
  },

  async evaluate(req: SweepJob<string>): Promise<{ records: string; trajectories?: string; done: number; error?: string; info: Record<string, unknown> }> {
    if (!runtime) throw new Error('harness: init() first');
    const settings = settingsOf(req);
    const rows = fromBase64(req.rows, wireRowsType(settings.system));
    const count = rows.length / rowStride({ settings });
    const report = (window as unknown as { qbsweepProgress?: (d: number) => void }).qbsweepProgress;
    if (req.times && runtime.kind !== 'webgpu') throw new Error(`the ${runtime.kind} runtime cannot compute charging curves on a time grid`);
    const r = await runtime.evaluate({ ...req, rows, settings }, (d) => report?.(d));
    const records = r.records instanceof Float32Array ? r.records : Float32Array.from(r.records);
    // the webgl runtime learns its real gpu.js mode only when a kernel has run
    const info = runtime.kind === 'webgl' ? { ...runtime.info, ...(runtime as unknown as { runner: { describe(): Record<string, unknown> } }).runner.describe() } : runtime.info;
    const curves = r.trajectories instanceof Float32Array ? toBase64(r.trajectories.subarray(0, r.done * (r.trajectories.length / Math.max(count, 1)))) : undefined;
    return { records: toBase64(records.subarray(0, r.done * (records.length / Math.max(count, 1)))), ...(curves !== undefined ? { trajectories: curves } : {}), done: r.done, error: r.error?.message, info };
  },

  /** The engine's prepare (compile, one point) for a job: an adapter whose loop budget cuts the n > 2 kernels says so here, in one line. */
  async prepare(req: SweepJob<string>): Promise<void> {
    if (!runtime) throw new Error('harness: init() first');
    if (runtime.kind !== 'webgpu') return;
    const settings = settingsOf(req);
    await prepareEngine((runtime as WebGpuRuntime).engine, { ...req, rows: fromBase64(req.rows, wireRowsType(settings.system)), settings });
  },
};

(window as unknown as { qbsweepHarness: typeof api }).qbsweepHarness = api;
