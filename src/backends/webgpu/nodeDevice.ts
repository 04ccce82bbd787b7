// WebGPU in Node through the `webgpu` package (Dawn): a hardware adapter first, then the
// software adapters of shared/docs/WEBGPU-ON-CPU.md. Dawn aborts the process if the object
// returned by create() is garbage-collected while a device lives, so it is held here until
// releaseNodeDevice().

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AdapterDescription } from './engine.js';
import { SHADER_FILES, type ShaderSources } from './programs.js';
import { packagePath } from '../../paths.js';
import { withNativeStderrFiltered } from './nativeStderr.js';

export type AdapterChoice = 'auto' | 'hardware' | 'opengl' | 'vulkan' | 'swiftshader';
export const ADAPTER_CHOICES: AdapterChoice[] = ['auto', 'hardware', 'opengl', 'vulkan', 'swiftshader'];

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const LAVAPIPE_ICD = '/usr/share/vulkan/icd.d/lvp_icd.json';
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software|softpipe/i;

interface Held {
  gpu: GPU;
  device: GPUDevice;
}
const held: Held[] = [];

export interface NodeDevice {
  device: GPUDevice;
  adapter: AdapterDescription;
  /** why this adapter: the attempts that came before it */
  attempts: string[];
}

type DawnModule = { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
let dawn: DawnModule | undefined;

function loadDawn(): DawnModule {
  if (!dawn) {
    const require = createRequire(import.meta.url);
    try {
      dawn = require('webgpu') as DawnModule;
    } catch (e) {
      throw new Error(`the webgpu package (Dawn for Node) failed to load: ${(e as Error).message.split('\n')[0]}`);
    }
    // GPUBufferUsage, GPUMapMode, ... as in a browser
    Object.assign(globalThis, dawn.globals);
  }
  return dawn;
}

interface Attempt {
  name: Exclude<AdapterChoice, 'auto'>;
  flags: string[];
  env: Record<string, string>;
  options: GPURequestAdapterOptions;
  available: () => string | undefined;
}

const ATTEMPTS: Attempt[] = [
  { name: 'hardware', flags: [], env: {}, options: { powerPreference: 'high-performance' }, available: () => (vulkanLoaderPresent() ? undefined : 'no Vulkan loader (libvulkan.so.1)') },
  {
    name: 'opengl',
    flags: ['backend=opengl'],
    env: { EGL_PLATFORM: 'surfaceless' },
    options: { featureLevel: 'compatibility' } as GPURequestAdapterOptions,
    available: () => undefined,
  },
  {
    name: 'vulkan',
    flags: ['backend=vulkan'],
    env: { VK_ICD_FILENAMES: LAVAPIPE_ICD },
    options: {},
    available: () => (existsSync(LAVAPIPE_ICD) ? undefined : `${LAVAPIPE_ICD} not found (apt-get install -t bookworm-backports mesa-vulkan-drivers)`),
  },
  {
    name: 'swiftshader',
    flags: ['backend=vulkan'],
    env: { VK_ICD_FILENAMES: SWIFTSHADER_ICD },
    options: {},
    available: () => (existsSync(SWIFTSHADER_ICD) ? undefined : `${SWIFTSHADER_ICD} not found (apt-get install chromium)`),
  },
];

/**
 * Dawn reaches hardware GPUs on Linux through Vulkan; without the loader it prints a note with
 * a path on its own build machine. Looked for where the dynamic linker looks: LD_LIBRARY_PATH,
 * then /etc/ld.so.cache. Not Linux: assumed present (Dawn uses Metal or D3D there).
 */
function vulkanLoaderPresent(): boolean {
  if (process.platform !== 'linux') return true;
  for (const dir of (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) if (existsSync(`${dir}/libvulkan.so.1`)) return true;
  try {
    return readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1');
  } catch {
    return true; // no cache to read: let Dawn try
  }
}

function describe(adapter: GPUAdapter, how: string): AdapterDescription {
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  const limits: Record<string, number> = {};
  for (const k of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupsPerDimension', 'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage']) {
    limits[k] = (adapter.limits as unknown as Record<string, number>)[k];
  }
  const software = SOFTWARE.test(text) || (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description || text || 'unknown adapter',
    backend: how,
    software,
    limits,
  };
}

/**
 * Acquires a device: `auto` takes a hardware adapter if there is one, else the first software
 * adapter that works (OpenGL on llvmpipe, Vulkan on lavapipe, SwiftShader). Set
 * QBSWEEP_ADAPTER to force one.
 */
export async function acquireNodeDevice(choice: AdapterChoice = (process.env.QBSWEEP_ADAPTER as AdapterChoice) || 'auto'): Promise<NodeDevice> {
  // Dawn's own notes on fd 2 (libvulkan missing, limits reduced) are dropped unless --verbose
  return withNativeStderrFiltered(() => acquire(choice));
}

async function acquire(choice: AdapterChoice): Promise<NodeDevice> {
  if (!ADAPTER_CHOICES.includes(choice)) throw new Error(`unknown adapter ${JSON.stringify(choice)} (expected ${ADAPTER_CHOICES.join(', ')})`);
  const { create } = loadDawn();
  const attempts: string[] = [];
  const order = choice === 'auto' ? ATTEMPTS : ATTEMPTS.filter((a) => a.name === choice);
  for (const a of order) {
    const missing = a.available();
    if (missing) {
      attempts.push(`${a.name}: ${missing}`);
      continue;
    }
    for (const [k, v] of Object.entries(a.env)) process.env[k] = v;
    let gpu: GPU;
    try {
      gpu = create(a.flags);
    } catch (e) {
      attempts.push(`${a.name}: ${(e as Error).message}`);
      continue;
    }
    const adapter = await gpu.requestAdapter(a.options).catch(() => null);
    if (!adapter) {
      attempts.push(`${a.name}: no adapter`);
      continue;
    }
    const desc = describe(adapter, a.name);
    if (a.name === 'hardware' && desc.software) {
      attempts.push(`hardware: only a software adapter (${desc.description})`);
      if (choice === 'auto') continue;
    }
    // ask for the adapter's own maxima of the limits that bound chunk sizes
    const lim = adapter.limits as unknown as Record<string, number>;
    const requiredLimits: Record<string, number> = {};
    for (const k of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupsPerDimension', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxStorageBuffersPerShaderStage']) {
      if (typeof lim[k] === 'number') requiredLimits[k] = lim[k];
    }
    let device: GPUDevice;
    try {
      device = await adapter.requestDevice({ requiredLimits });
    } catch (e) {
      attempts.push(`${a.name}: requestDevice failed: ${(e as Error).message}`);
      continue;
    }
    held.push({ gpu, device });
    desc.backend = `${a.name}${desc.software ? ' (software)' : ''}`;
    return { device, adapter: desc, attempts };
  }
  throw new Error(`no WebGPU adapter: ${attempts.join('; ')}`);
}

/** Destroys the devices and drops the Dawn instances so that Node can exit. */
export async function releaseNodeDevices(): Promise<void> {
  while (held.length) {
    const h = held.pop()!;
    try {
      await h.device.queue.onSubmittedWorkDone();
    } catch {
      // a lost device has no queue to wait for
    }
    h.device.destroy();
  }
}

/** The WGSL files from the repository's shaders/ directory. */
export function nodeShaderSources(): ShaderSources {
  const dir = packagePath('shaders/');
  const out: ShaderSources = {};
  for (const f of SHADER_FILES) out[f] = readFileSync(dir + f, 'utf8');
  return out;
}
