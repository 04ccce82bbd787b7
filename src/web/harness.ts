// The harness page's script: the compute runtime of the explorer page without its UI, driven
// from Node through puppeteer (the browser backend, the browser test harness). Takes the job of
// every backend with its rows, and returns records, as base64 strings of Float32Array.

import type { RunSettings, SweepJob } from '../backends/types.js';
import { PARAM_STRIDE } from '../core/layout.js';
import { resolveSystem } from '../system/registry.js';
import { type Runtime, type RuntimeKind, createRuntime } from './runtime.js';

export function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(s: string): Float32Array {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
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
    const rows = fromBase64(req.rows);
    const count = rows.length / PARAM_STRIDE;
    const report = (window as unknown as { qbsweepProgress?: (d: number) => void }).qbsweepProgress;
    // the system crosses as its reference (a built-in name, or the definition's JSON): parse it here
    const settings: RunSettings = { ...req.settings, system: resolveSystem(req.settings.system, 'harness settings.system') };
    if (req.times && runtime.kind !== 'webgpu') throw new Error(`the ${runtime.kind} runtime cannot compute charging curves on a time grid`);
    const r = await runtime.evaluate({ ...req, rows, settings }, (d) => report?.(d));
    const records = r.records instanceof Float32Array ? r.records : Float32Array.from(r.records);
    // the webgl runtime learns its real gpu.js mode only when a kernel has run
    const info = runtime.kind === 'webgl' ? { ...runtime.info, ...(runtime as unknown as { runner: { describe(): Record<string, unknown> } }).runner.describe() } : runtime.info;
    const curves = r.trajectories instanceof Float32Array ? toBase64(r.trajectories.subarray(0, r.done * (r.trajectories.length / Math.max(count, 1)))) : undefined;
    return { records: toBase64(records.subarray(0, r.done * (records.length / Math.max(count, 1)))), ...(curves !== undefined ? { trajectories: curves } : {}), done: r.done, error: r.error?.message, info };
  },
};

(window as unknown as { qbsweepHarness: typeof api }).qbsweepHarness = api;
