// Where compiled GPU kernels are kept between runs: the driver's shader cache. Mesa (llvmpipe
// and Mesa's hardware drivers) keeps it in $MESA_SHADER_CACHE_DIR/mesa_shader_cache (Mesa 22.3), else
// $XDG_CACHE_HOME/mesa_shader_cache, else ~/.cache/mesa_shader_cache; NVIDIA's driver in
// ~/.nv/ComputeCache (or __GL_SHADER_DISK_CACHE_PATH / CUDA_CACHE_PATH).

import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const isMesa = (adapterDescription: string) => /mesa|llvmpipe|lavapipe|radv|intel|amd|radeon/i.test(adapterDescription);
// Mesa keeps its files in a mesa_shader_cache folder of the directory the variable names (seen with Mesa 22.3)
const mesaCacheDir = () => join(process.env.MESA_SHADER_CACHE_DIR ?? process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mesa_shader_cache');

/**
 * Whether the driver's cache certainly holds nothing yet (Mesa: its directory is missing or
 * empty), so that the compile takes its full time; false where that cannot be told.
 */
export function shaderCacheEmpty(adapterDescription: string): boolean {
  if (!isMesa(adapterDescription)) return false;
  try {
    // Mesa creates its index when the device opens; the entries are what was compiled
    return readdirSync(mesaCacheDir()).filter((e) => e !== 'index').length === 0;
  } catch {
    return true;
  }
}

export function shaderCacheLocation(adapterDescription: string): string {
  const home = homedir();
  const tilde = (p: string) => (p.startsWith(home + '/') ? '~' + p.slice(home.length) : p);
  if (isMesa(adapterDescription)) return `Mesa's shader cache, ${tilde(mesaCacheDir())}`;
  if (/nvidia/i.test(adapterDescription)) return `the NVIDIA driver's cache, ${tilde(process.env.__GL_SHADER_DISK_CACHE_PATH ?? process.env.CUDA_CACHE_PATH ?? join(home, '.nv'))}`;
  if (/swiftshader/i.test(adapterDescription)) return 'nowhere (SwiftShader has no disk cache: every run compiles)';
  return "the GPU driver's shader cache";
}
