// A real WebGPU device for the tests (Dawn: hardware, else the software adapters). Under
// CI=true a missing adapter fails the run: a skipped GPU test would hide a broken path.

import { afterAll, beforeAll, it } from 'vitest';
import { WebGpuEngine } from '../../src/backends/webgpu/engine.js';
import { acquireNodeDevice, nodeShaderSources, releaseNodeDevices } from '../../src/backends/webgpu/nodeDevice.js';

let engine: Promise<WebGpuEngine | undefined> | undefined;
let reason = '';

/** The shared engine, or undefined (locally) when no adapter exists; throws under CI. */
export function gpuEngine(): Promise<WebGpuEngine | undefined> {
  engine ??= acquireNodeDevice()
    .then((nd) => {
      nd.device.addEventListener('uncapturederror', (e) => {
        throw new Error(`uncaptured WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);
      });
      return new WebGpuEngine(nd.device, nd.adapter, nodeShaderSources());
    })
    .catch((e: Error) => {
      reason = e.message;
      if (process.env.CI) throw new Error(`CI=true but no WebGPU adapter: ${e.message}`);
      return undefined;
    });
  return engine;
}

/**
 * For tests that run the command on the GPU backend: skipped without an adapter like every GPU
 * test (and failing under CI=true, where gpuEngine throws). Call releaseGpu() in afterAll.
 */
export async function skipWithoutGpu(ctx: { skip: (note?: string) => never }): Promise<void> {
  if (!(await gpuEngine())) ctx.skip(`no WebGPU adapter: ${reason}`);
}

export function gpuUnavailableReason(): string {
  return reason;
}

export async function releaseGpu(): Promise<void> {
  await releaseNodeDevices();
  engine = undefined;
}

/**
 * `it` for a file of engine tests: the shared engine acquired before them, the device released
 * after; a test is skipped without an adapter locally and fails under CI=true.
 */
export function gpuTests(): (name: string, fn: (engine: WebGpuEngine) => Promise<void>, timeout?: number) => void {
  let engine: WebGpuEngine | undefined;
  beforeAll(async () => {
    engine = await gpuEngine();
  });
  afterAll(releaseGpu);
  return (name, fn, timeout) =>
    it(name, async (ctx) => {
      if (!engine) {
        if (process.env.CI) throw new Error('CI=true but no WebGPU adapter');
        ctx.skip(`no WebGPU adapter: ${reason}`);
      }
      await fn(engine!);
    }, timeout);
}
