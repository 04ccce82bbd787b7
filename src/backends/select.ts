// Choosing a backend: `auto` takes WebGPU (hardware, else a software adapter) and falls back
// to the float64 CPU backend, saying which ran and why.

import { InputError } from '../model/params.js';
import { CpuBackend } from './cpu/backend.js';
import type { SweepBackend } from './types.js';
import { type SystemDefinition, isTwoQubitDefault } from '../system/definition.js';
import { WebGpuBackend } from './webgpu/backend.js';
import type { EngineOptions } from './webgpu/engine.js';
import { ADAPTER_CHOICES, type AdapterChoice } from './webgpu/nodeDevice.js';

export const SWEEP_BACKENDS = ['auto', 'webgpu', 'cpu', 'browser', 'webgl'] as const;

export interface BackendRequest {
  backend: string;
  adapter?: string;
  engine?: EngineOptions;
  threads?: number;
  /** the system it will run: a GPU backend refuses one it has no kernels for, before any work (auto takes cpu) */
  system?: SystemDefinition;
}

/**
 * Why a backend other than cpu cannot run this system, in words for one line; undefined where it
 * can. webgpu and browser run two qubits with the default battery, and 3 or 4 qubits (the n > 2
 * kernels, their spectrum and charging curves; figures on the host: webgpu/ndRun.ts); webgl two
 * qubits only; the float64 cpu backend runs every system.
 */
export function offCpuRefusal(backend: string, system: SystemDefinition): string | undefined {
  if (backend === 'cpu' || isTwoQubitDefault(system)) return undefined;
  const which = backend === 'auto' ? 'default backend (auto: webgpu)' : `${backend} backend`;
  // browser runs webgpu's engine in Chromium, n > 2 kernels included; webgl has none
  const ndKernels = backend !== 'webgl';
  if (!ndKernels || system.qubits < 3) {
    const what = system.qubits !== 2 ? `${system.qubits} qubits` : `a declared battery (qubits [${system.battery.qubits.join(', ')}])`;
    return `${what}: the ${which} runs two-qubit systems with the default battery only${ndKernels ? ' (and systems of 3 or 4 qubits)' : ''}`;
  }
  return undefined;
}

/** The one-line refusal of a backend other than cpu for what it cannot run (offCpuRefusal), suggesting --backend cpu. */
export function refuseOffCpu(backend: string, system: SystemDefinition): void {
  const why = offCpuRefusal(backend, system);
  if (why) throw new InputError(`system ${system.name}: ${why}; use --backend cpu`);
}

export interface ChosenBackend {
  backend: SweepBackend;
  /** one line for stderr: which backend runs and why */
  why: string;
}

export async function createBackend(req: BackendRequest): Promise<ChosenBackend> {
  if (!(SWEEP_BACKENDS as readonly string[]).includes(req.backend)) {
    throw new InputError(`option --backend: unknown backend ${JSON.stringify(req.backend)} (expected ${SWEEP_BACKENDS.join(', ')})`);
  }
  // auto takes cpu where webgpu cannot run the system; a backend named outright refuses it
  const cpuInstead = req.backend === 'auto' && req.system ? offCpuRefusal('auto', req.system) : undefined;
  if (req.system && !cpuInstead) refuseOffCpu(req.backend, req.system);
  const adapter = (req.adapter ?? process.env.QBSWEEP_ADAPTER ?? 'auto') as AdapterChoice;
  if (!ADAPTER_CHOICES.includes(adapter)) throw new InputError(`option --adapter: unknown adapter ${JSON.stringify(adapter)} (expected ${ADAPTER_CHOICES.join(', ')})`);
  // loaded on demand: puppeteer-core and gpu.js add half a second to every command's start
  if (req.backend === 'browser') {
    const { BrowserBackend } = await import('./browser/backend.js');
    const b = await BrowserBackend.create().catch((e: Error) => {
      throw new Error(`backend browser unavailable: ${e.message}`);
    });
    return { backend: b, why: `backend browser: ${b.why}` };
  }
  if (req.backend === 'webgl') {
    const { WebGlBackend } = await import('./webgl/backend.js');
    const b = await WebGlBackend.create().catch((e: Error) => {
      throw new Error(`backend webgl unavailable: ${e.message}`);
    });
    return { backend: b, why: `backend webgl: gpu.js ${b.runner.mode} (float32)` };
  }
  if (req.backend === 'cpu' || cpuInstead) {
    const b = new CpuBackend(req.threads);
    return { backend: b, why: `backend cpu (float64, ${b.threads} threads)${cpuInstead ? `: ${cpuInstead}` : ''}` };
  }
  try {
    const b = await WebGpuBackend.create(adapter, req.engine);
    const a = b.adapter;
    const kind = a.software ? 'software adapter, no hardware adapter found' : 'hardware adapter';
    return { backend: b, why: `backend webgpu on ${a.description} [${a.backend}${req.backend === 'auto' ? `; ${kind}` : ''}]` };
  } catch (e) {
    if (req.backend === 'webgpu') throw new Error(`backend webgpu unavailable: ${(e as Error).message}`);
    const b = new CpuBackend(req.threads);
    return { backend: b, why: `backend cpu (float64, ${b.threads} threads): WebGPU unavailable (${(e as Error).message})` };
  }
}
