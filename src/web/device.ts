// WebGPU in the browser: the page's adapter and device, and the WGSL files fetched from the
// server's /shaders/ path (the same files Node reads from shaders/).

import { type AdapterDescription, WebGpuEngine } from '../backends/webgpu/engine.js';
import { SHADER_FILES, type ShaderSources } from '../backends/webgpu/programs.js';

const LIMIT_KEYS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupsPerDimension', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxStorageBuffersPerShaderStage'];
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|basic render/i;

export async function fetchShaders(base = '/shaders/'): Promise<ShaderSources> {
  const out: ShaderSources = {};
  await Promise.all(
    SHADER_FILES.map(async (f) => {
      const r = await fetch(base + f);
      if (!r.ok) throw new Error(`shader ${f}: HTTP ${r.status}`);
      out[f] = await r.text();
    }),
  );
  return out;
}

export interface BrowserGpu {
  engine: WebGpuEngine;
  adapter: AdapterDescription;
}

/** Why the page has no WebGPU (one line), or undefined when it has. */
export async function acquireBrowserGpu(): Promise<BrowserGpu | string> {
  if (!('gpu' in navigator) || !navigator.gpu) return 'this browser has no navigator.gpu (WebGPU is off or unsupported)';
  let adapter: GPUAdapter | null;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch (e) {
    return `navigator.gpu.requestAdapter() failed: ${(e as Error).message}`;
  }
  if (!adapter) return 'navigator.gpu.requestAdapter() returned no adapter (in Chromium: start it with --enable-unsafe-webgpu, or the GPU is blocklisted)';
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const lim = adapter.limits as unknown as Record<string, number>;
  const limits: Record<string, number> = {};
  for (const k of LIMIT_KEYS) if (typeof lim[k] === 'number') limits[k] = lim[k];
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  const software = SOFTWARE.test(text) || (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const desc: AdapterDescription = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description || text || 'unknown adapter',
    backend: `browser${software ? ' (software)' : ''}`,
    software,
    limits,
  };
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits: limits });
  } catch (e) {
    return `requestDevice failed: ${(e as Error).message}`;
  }
  const sources = await fetchShaders();
  return { engine: new WebGpuEngine(device, desc, sources), adapter: desc };
}
